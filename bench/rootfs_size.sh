#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bytes of the agent's root file system next to those of what chart
# authors put in a pod today, all made and measured alike, by
# scripts/rootfs.sh's own functions: the programs, the shared libraries
# their ldd closure names, the dynamic loader and its cache, the CA bundle,
# openssl.cnf, passwd/group and nsswitch.conf; the bytes of the regular
# files, as an image layer holds them.
#   bench/rootfs_size.sh [BUILD_DIR]      (-v: every file of every set)
# Sets:
#   hookbox            BUILD/rootfs, made by scripts/rootfs.sh (make rootfs):
#                      the agent, every check kind's module, what they load
#   busybox            /bin/busybox
#   postgresql-client  Debian's psql and pg_isready (postgresql-client-15)
#   curl               /usr/bin/curl
set -euo pipefail
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/rootfs.sh
. "$src/scripts/rootfs.sh"
setup "${1:-build}"
umask 022
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME DIR: one line for the set, each file's with -v.
measure()
{
	local name=$1 dir=$2 n files
	n=$(bytes_of "$dir")
	files=$(find "$dir" -type f | wc -l)
	[ "$verbose" = 1 ] &&
		find "$dir" -type f -printf "  %-64P %10s\n" | sort -k2 -n
	printf '%-20s %12d bytes %8.2f MiB %4d files\n' "$name" "$n" \
		"$(awk -v b="$n" 'BEGIN { print b / 1048576 }')" "$files"
}

# program_root NAME FILE...: a root file system of the programs FILE...
# (at their own paths, as their packages install them) made as the agent's.
program_root()
{
	local name=$1 root=$tmp/$1 f
	shift
	mkdir -p "$root"
	add_top_links "$root"
	add_etc "$root"
	for f in "$@"; do
		add_file "$root" "$f"
	done
	add_libs "$root" "$@"
	add_ld_cache "$root"
	measure "$name" "$root"
}

build_root rootfs make_agent
measure hookbox "$build/rootfs"
[ -x /bin/busybox ] && program_root busybox /bin/busybox
pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/psql" ] && program_root postgresql-client "$pg_bin/psql" "$pg_bin/pg_isready"
[ -x /usr/bin/curl ] && program_root curl /usr/bin/curl
exit 0
