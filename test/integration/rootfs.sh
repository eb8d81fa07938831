#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The agent's root file system as make rootfs leaves it ($HB_BUILD/rootfs,
# scripts/rootfs.sh): it holds no shell, no package manager and only
# stripped programs of ours, and a check of every kind passes from it, run
# as uid 65532 in a chroot whose root is read-only (an overlay of the tree
# and the files a kubelet would mount: /etc/hosts, /etc/resolv.conf, the
# secrets), in mount and pid namespaces of its own. What a check needs that
# the tree lacks (a library, a plugin, the CA bundle, openssl.cnf) fails
# it here.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_image.sh"

hb_setup
root_fs=$HB_BUILD/rootfs
[ -x "$root_fs/hookbox" ] || hb_die "no $root_fs/hookbox: run make rootfs"
[ "$(id -u)" = 0 ] || hb_die "needs root (chroot, mount and pid namespaces)"

# == what the tree holds ========================================================

hb_case "the tree holds no shell and no package manager"
found=$(cd "$root_fs" && find . \( -name sh -o -name bash -o -name dash \
	-o -name ash -o -name busybox -o -name 'apt*' -o -name 'dpkg*' \) -print)
hb_assert_eq "shells and package managers" "" "$found"
for d in bin usr/bin sbin usr/sbin var/lib/dpkg etc/apt; do
	if [ -e "$root_fs/$d" ]; then
		hb_fail "the tree has /$d"
	else
		hb_pass "no /$d"
	fi
done
# The only executable files: the agent, the bundle's launcher (hookbox
# install), the loader and libc (which Debian ships executable: it prints
# its version).
execs=$(cd "$root_fs" && find . -type f -perm /111 | sed 's,^\./,,' |
	xargs -r -n1 basename | sort | tr '\n' ' ')
hb_assert_eq "executable files" "hookbox hookbox-launcher ld-linux-x86-64.so.2 libc.so.6 " "$execs"

hb_case "our programs are stripped"
for f in "$root_fs/hookbox" "$root_fs"/lib/hookbox/*.so "$root_fs/lib/hookbox/hookbox-launcher"; do
	if readelf -S "$f" | grep -q '\.symtab'; then
		hb_fail "$f keeps its symbol table"
	else
		hb_pass "$(basename "$f") stripped"
	fi
done

hb_case "every module is there, and nothing the image does not need"
for m in "$HB_BUILD"/hookbox-*.so; do
	name=$(basename "$m")
	if [ "$name" = hookbox-seccomp.so ]; then
		[ -e "$root_fs/lib/hookbox/$name" ] &&
			hb_fail "the tree has $name (its filters are built in)" ||
			hb_pass "no $name"
	else
		[ -e "$root_fs/lib/hookbox/$name" ] &&
			hb_pass "/lib/hookbox/$name" || hb_fail "no /lib/hookbox/$name"
	fi
done
hb_assert_eq "libseccomp" "" "$(cd "$root_fs" && find . -name 'libseccomp*')"
hb_assert_eq "uid 65532" "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" \
	"$(grep :65532: "$root_fs/etc/passwd")"

# == a check of every kind, from the tree ======================================

hb_start_every_kind

# What the chroot sees above the tree: the kubelet's files, the pod's
# secrets and spec (hb_every_kind_files). Readable by uid 65532.
top=$HB_TMP/top
mkdir -p "$top/etc"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$top/etc/hosts"
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$top/etc/resolv.conf"
hb_every_kind_files "$top"

# The prefix every run goes through (in_root.sh): a read-only overlay of
# $tops (colon-separated, the first on top; $top unless told) and the tree
# as the root, /proc of its own pid namespace, a /dev of four nodes, then
# chroot to uid 65532 (which drops every capability).
# hb_agent runs "$HB_PREFIX $HB_BUILD/hookbox ...": /hookbox in the tree.
in_root()
{
	HB_BUILD="" HB_PREFIX="unshare --mount --pid --fork --propagation private --kill-child -- $HB_SRC/test/integration/in_root.sh ${tops:-$top} $root_fs $HB_TMP/root" \
		hb_agent "$@"
}

hb_case "a check of every kind passes from the tree, read-only, as uid 65532"
in_root run /spec/checks.json
hb_assert_exit 0
hb_assert_every_kind PASSED
hb_assert_json .sandbox.seccomp true
hb_assert_json .sandbox.landlockFs true

hb_case "exec --wait-for runs a command of the tree once its targets answer"
in_root exec --wait-for "postgres://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$HB_PG/app" \
	--wait-for "tcp://127.0.0.1:$HB_RD" --timeout 30s -- /hookbox --version
hb_assert_exit 0
hb_assert_contains "the command's output" "$HB_OUT" "hookbox "

hb_case "TLS checks trust the tree's CA bundle, where libcurl and OpenSSL look"
# With the tree's bundle the test CA is unknown: the check fails on the
# certificate (so the passes above came from ca_file, and nothing of the
# host's is trusted) ...
in_root http "https://localhost:$HB_TLS/ok"
hb_assert_exit 1
hb_assert_json .checks[0].failureClass TLS_ERROR
# ... and with the test CA added to the bundle at its path (as a chart
# mounts a private CA over it) the same check passes, and so does a MariaDB
# check that verifies the server without a CA of its own: Connector/C then
# takes OpenSSL's default file (OPENSSLDIR/cert.pem, a link to the bundle
# in the tree).
ca_top=$HB_TMP/ca-top
mkdir -p "$ca_top/etc/ssl/certs"
cat "$root_fs/etc/ssl/certs/ca-certificates.crt" "$HB_CERTS/ca.pem" \
	>"$ca_top/etc/ssl/certs/ca-certificates.crt"
chmod -R a+rX "$ca_top"
tops=$ca_top:$top in_root http "https://localhost:$HB_TLS/ok"
hb_assert_exit 0
hb_assert_outcome PASSED
my_tls="mysql://$HB_MY_ED_USER:$HB_MY_ED_PASS@localhost:$HB_MY/app?ssl-mode=VERIFY_IDENTITY"
tops=$ca_top:$top in_root mysql "$my_tls"
hb_assert_exit 0
hb_assert_outcome PASSED
in_root mysql "$my_tls"
hb_assert_exit 1
hb_assert_json .checks[0].failureClass TLS_ERROR

hb_case "TLS checks obey the tree's openssl.cnf"
# A policy nginx cannot meet (a TLS 1.3 suite it does not offer), at the
# tree's /etc/ssl/openssl.cnf, read through OPENSSLDIR's link: the check
# that passed above now fails.
cnf_top=$HB_TMP/cnf-top
mkdir -p "$cnf_top/etc/ssl"
hb_ccm8_cnf "$cnf_top/etc/ssl/openssl.cnf"
chmod -R a+rX "$cnf_top"
tops=$cnf_top:$ca_top:$top in_root http "https://localhost:$HB_TLS/ok"
hb_assert_exit 1
hb_assert_json .checks[0].failureClass TLS_ERROR

hb_case "PCRE2 and jq work from the tree (libpcre2, libjq, libonig, libm)"
in_root http "http://127.0.0.1:$HB_WEB/json" --expect-body '"version":\s*"\d+\.\d+' \
	--expect-jq '(.ratio | floor) == 1 and any(.items[]; .name == "b")'
hb_assert_exit 0
hb_assert_outcome PASSED
in_root http "http://127.0.0.1:$HB_WEB/json" --expect-jq '.items | length > 2'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json .checks[0].message 'jq ".items | length > 2" yielded false, expected true'

hb_case "grpc checks pass from the tree: h2c (nghttp2), and TLS with a ca_file"
# The grpc kind is in the http module, whose full build it needs even in
# plain text; the tree's CA bundle does not know the test CA.
hb_start_grpc grpc_plain --status shop.Cart=NOT_SERVING
hb_start_grpc grpc_tls --tls "$HB_CERTS/server.pem" "$HB_CERTS/server.key"
in_root grpc "127.0.0.1:$grpc_plain"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json .sandbox.seccomp true
in_root grpc "localhost:$grpc_tls" --ca-file /secrets/ca.pem
hb_assert_exit 0
hb_assert_outcome PASSED
in_root grpc "127.0.0.1:$grpc_plain" --service shop.Cart
hb_assert_outcome FAILED ASSERTION_FAILED
in_root grpc "localhost:$grpc_tls" --tls
hb_assert_json .checks[0].failureClass TLS_ERROR

hb_finish
