#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bytes a root file system needs for the agent, and for what chart
# authors put in a pod today, all measured alike: the programs, the shared
# libraries their ldd closure names (the file behind each soname), what is
# loaded with dlopen (hookbox's modules, MariaDB's authentication plugins),
# the CA bundle; each a `strip --strip-unneeded` copy, as a root file system
# carries it, summed with `du -b`.
#   bench/rootfs_size.sh [BUILD_DIR]      (-v: every file of every set)
# Sets:
#   hookbox            build/hookbox and its modules, without hookbox-seccomp.so
#                      (loaded only for a module of another build, see below)
#   +hookbox-seccomp   what carrying that module as well would add
#   busybox            /bin/busybox and its libraries
#   postgresql-client  Debian's psql and pg_isready (postgresql-client-15)
#   curl               /usr/bin/curl and its libraries
set -euo pipefail
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
build=${1:-build}
[ -x "$build/hookbox" ] || { echo "rootfs_size: no $build/hookbox (make first)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plugin_dir=/usr/lib/x86_64-linux-gnu/libmariadb3/plugin
ca_bundle=/etc/ssl/certs/ca-certificates.crt

# closure FILE...: each file, and the real file of every library ldd names
# for them, one path a line.
closure()
{
	local f
	for f in "$@"; do
		readlink -f "$f"
		ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
			xargs -r readlink -f
	done | sort -u
}

# stripped_size PATH: the bytes of a stripped copy (text files as they are).
stripped_size()
{
	local copy=$tmp/copy
	cp "$1" "$copy"
	strip --strip-unneeded "$copy" 2>/dev/null || true
	du -b "$copy" | cut -f1
}

# measure NAME FILE...: one line for the set, each file's line with -v.
measure()
{
	local name=$1 total=0 f n
	shift
	for f in "$@"; do
		n=$(stripped_size "$f")
		total=$((total + n))
		[ "$verbose" = 1 ] && printf '  %-60s %10d\n' "$f" "$n"
	done
	printf '%-20s %12d bytes %8.2f MiB %4d files\n' "$name" "$total" \
		"$(awk -v b="$total" 'BEGIN { print b / 1048576 }')" "$#"
}

mapfile -t modules < <(ls "$build"/hookbox-*.so | grep -v hookbox-seccomp.so)
# The plugins the mysql kind may load (RESTRICTED_AUTH, runner/mysql.c);
# mysql_native_password is built in.
plugins=()
for p in caching_sha2_password sha256_password client_ed25519; do
	[ -e "$plugin_dir/$p.so" ] && plugins+=("$plugin_dir/$p.so")
done
mapfile -t agent < <(closure "$build/hookbox" "${modules[@]}" "${plugins[@]}")
measure hookbox "${agent[@]}" "$ca_bundle"
if [ -e "$build/hookbox-seccomp.so" ]; then
	mapfile -t with < <(closure "$build/hookbox" "${modules[@]}" "${plugins[@]}" \
		"$build/hookbox-seccomp.so")
	mapfile -t extra < <(comm -13 <(printf '%s\n' "${agent[@]}") <(printf '%s\n' "${with[@]}"))
	measure +hookbox-seccomp "${extra[@]}"
fi

if [ -e /bin/busybox ]; then
	mapfile -t set < <(closure /bin/busybox)
	measure busybox "${set[@]}"
fi
pg_bin=/usr/lib/postgresql/15/bin
if [ -x "$pg_bin/psql" ]; then
	mapfile -t set < <(closure "$pg_bin/psql" "$pg_bin/pg_isready")
	measure postgresql-client "${set[@]}" "$ca_bundle"
fi
if [ -x /usr/bin/curl ]; then
	mapfile -t set < <(closure /usr/bin/curl)
	measure curl "${set[@]}" "$ca_bundle"
fi
