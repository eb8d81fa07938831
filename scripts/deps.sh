#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages hookbox builds, tests and benchmarks with.
# Usage: scripts/deps.sh [build|rootfs|image|demo|test|bench]   (default: test)
# Installs only what is missing, so a second run costs one dpkg query.
set -eu

build_pkgs="cmake make gcc pkg-config libcurl4-openssl-dev libcjson-dev
libseccomp-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev libmariadb-dev
libhiredis-dev libmicrohttpd-dev libsqlite3-dev libssl-dev libnghttp2-dev
zlib1g-dev postgresql-server-dev-15 libpcre2-dev libjq-dev"
test_pkgs="$build_pkgs clang libclang-rt-14-dev nginx-light openssl postgresql-15
postgresql-client-15 mariadb-server mariadb-client redis-server libxml2-utils
iproute2 procps curl jq time sqlite3 tinyproxy"
# The charts' renderer: Go and the sources Helm's template engine is
# built from (sprig v3, sigs.k8s.io/yaml), as Debian packages them.
charts_pkgs="golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev"
test_pkgs="$test_pkgs $charts_pkgs"
# The root file systems hookbox install's bundle is run from
# (test/integration/bundle.sh): one of Debian's static busybox alone (no
# libc), one of musl with a program musl-gcc links against it.
bundle_pkgs="busybox-static musl musl-tools"
test_pkgs="$test_pkgs $bundle_pkgs"
# The Kubernetes API's stand-in (test/helpers/k8s_api.py): Debian's Python
# with its http.server and ssl; util-linux's unshare for the pod's mounts.
test_pkgs="$test_pkgs python3 util-linux"
# The gRPC server the grpc kind's suite checks (test/integration/grpc.sh,
# run with /usr/bin/python3): Debian's grpcio, without its health package.
test_pkgs="$test_pkgs python3-grpcio"
# The collector's web page is tested in a real browser
# (test/integration/web.sh): Debian's Chromium, headless, driven through
# chromium-driver by Debian's Selenium (run with /usr/bin/python3).
web_pkgs="chromium chromium-driver python3-selenium"
test_pkgs="$test_pkgs $web_pkgs"
demo_pkgs="$build_pkgs nginx-light jq time iproute2"
# busybox: busybox-static of the test packages (the two conflict), whose
# /bin/busybox wget is the same program.
bench_pkgs="$test_pkgs hyperfine wget netcat-openbsd time"
# What scripts/rootfs.sh copies besides the build: the CA bundle,
# openssl.cnf, and strip (in the Dockerfile's build stage too).
rootfs_pkgs="$build_pkgs ca-certificates openssl binutils"
# make image: the base image made with debootstrap from the Debian archive
# (its keyring), built and run with podman and buildah on runc; nginx's
# stream module plays a Service in front of two collector replicas
# (test/integration/replicas.sh).
image_pkgs="podman buildah runc conmon uidmap debootstrap debian-archive-keyring
containernetworking-plugins libnginx-mod-stream"

case "${1:-test}" in
build) want=$build_pkgs ;;
rootfs) want=$rootfs_pkgs ;;
image) want=$image_pkgs ;;
demo) want=$demo_pkgs ;;
test) want=$test_pkgs ;;
bench) want=$bench_pkgs ;;
*) echo "usage: $0 [build|rootfs|image|demo|test|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root: $0 ${1:-test})" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# The servers are started by the tests themselves, in temporary directories;
# keep the packages' own init scripts from starting system-wide copies.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
