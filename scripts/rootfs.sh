#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes the images' root file systems from a Release build: what the
# Dockerfile copies FROM scratch, and what test/integration/rootfs.sh runs.
#
#   scripts/rootfs.sh BUILD      BUILD/rootfs (the agent), BUILD/rootfs-collector
#
# Each holds its program, the shared libraries it and its modules really
# load (the ldd closure, plus what they dlopen, found with strace of real
# runs: see below), the dynamic loader, the CA bundle, OpenSSL's
# configuration, the /etc files glibc's resolver and NSS read, and a
# passwd/group entry for 65532 (nonroot). No shell, no package manager.
# Prints the bytes of each. A directory is replaced only once it is
# complete.
set -euo pipefail

die()
{
	printf 'rootfs: %s\n' "$*" >&2
	exit 1
}

# The tools, and the build directory in $build.
setup()
{
	[ $# -eq 1 ] || die "usage: scripts/rootfs.sh BUILD"
	build=$(cd "$1" && pwd) || die "no build directory \"$1\""
	[ -x "$build/hookbox" ] || die "no \"$build/hookbox\": run make release first"
	for tool in ldd strip readelf; do
		command -v "$tool" >/dev/null || die "\"$tool\" not found (scripts/deps.sh rootfs)"
	done
	ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
	[ -x "$ldconfig" ] || die "\"ldconfig\" not found"
}

# Where a library the host loads from $1 lives in the image: the same
# path, its directory resolved, so that /lib -> usr/lib stays one copy.
image_path()
{
	local dir
	dir=$(readlink -f "$(dirname "$1")") || die "cannot resolve \"$1\""
	printf '%s/%s\n' "$dir" "$(basename "$1")"
}

# add_file ROOT SRC [DEST]: copies SRC's content and mode (symbolic links
# followed) to ROOT/DEST, by default SRC's own path. The mode matters: the
# kernel executes the loader (the ELF interpreter), which must be 0755.
add_file()
{
	local root=$1 src=$2 dest=${3:-$2} mode
	[ -e "$root$dest" ] && return 0
	mode=$(stat -L -c %a "$src") || die "no \"$src\""
	install -D -m "$mode" "$src" "$root$dest" || die "copying \"$src\" failed"
}

# add_libs ROOT FILE...: the shared libraries FILE needs, recursively (ldd
# lists the whole closure), and the dynamic loader. A library ldd cannot
# find fails the build: an image that would not start must not be made.
add_libs()
{
	local root=$1 f line lib
	shift
	for f in "$@"; do
		local out
		# A static program (bench/rootfs_size.sh measures Debian's
		# busybox-static) needs no library.
		if ! out=$(ldd "$f" 2>&1); then
			grep -q 'not a dynamic executable' <<<"$out" && continue
			die "ldd \"$f\": $out"
		fi
		if grep -q 'not found' <<<"$out"; then
			die "\"$f\" needs a library that is not installed: $(grep 'not found' <<<"$out" | head -3)"
		fi
		while read -r line; do
			case $line in
			*'=> /'*) lib=${line#*=> }; lib=${lib%% (*} ;;
			/*) lib=${line%% (*} ;;
			*) continue ;;
			esac
			add_file "$root" "$lib" "$(image_path "$lib")"
		done <<<"$out"
	done
}

# The top-level links of a merged-/usr system (Debian 12's /lib ->
# usr/lib, /lib64 -> usr/lib64), so that the paths ldd printed, the ELF
# interpreter's /lib64/ld-linux-x86-64.so.2 among them, resolve the same in
# the image.
add_top_links()
{
	local root=$1 d
	for d in lib lib64; do
		if [ -L "/$d" ]; then
			ln -s "$(readlink "/$d")" "$root/$d"
			mkdir -p "$root/$(readlink -f "/$d")"
		fi
	done
}

# The files every image gets: a user, NSS and the resolver, TLS.
add_etc()
{
	local root=$1
	mkdir -p "$root/etc" "$root/proc" "$root/dev" "$root/sys"
	# uid 65532 "nonroot", as distroless names it; root owns the files.
	# No login shell exists to name.
	printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
		'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' \
		>"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' >"$root/etc/group"
	# Only the sources glibc has built in (files and dns, since 2.34), so
	# that NSS dlopens no libnss_*.so: strace of every kind's run opens
	# none with this file. Debian's "services: db files" would look for
	# libnss_db on every lookup. /etc/hosts and /etc/resolv.conf are the
	# kubelet's (or the container runtime's) to mount.
	printf '%s\n' '# hookbox image: the sources glibc has built in.' \
		'passwd: files' 'group: files' 'shadow: files' \
		'hosts: files dns' 'networks: files' 'protocols: files' \
		'services: files' >"$root/etc/nsswitch.conf"

	# The CA bundle where libcurl (Debian builds it with
	# /etc/ssl/certs/ca-certificates.crt), libpq (sslrootcert=system) and
	# OpenSSL's defaults (OPENSSLDIR/cert.pem, OPENSSLDIR/certs) look.
	local bundle=/etc/ssl/certs/ca-certificates.crt
	[ -s "$bundle" ] || die "no CA bundle \"$bundle\" (scripts/deps.sh rootfs: ca-certificates)"
	add_file "$root" "$bundle"
	# openssl.cnf carries the system's TLS policy (minimum protocol,
	# security level), which a TLS check must obey as on the host:
	# http.sh and db.sh prove that it does.
	local ossldir
	ossldir=$(openssl version -d 2>/dev/null | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')
	ossldir=${ossldir:-/usr/lib/ssl}
	[ -s "$ossldir/openssl.cnf" ] || die "no \"$ossldir/openssl.cnf\" (scripts/deps.sh rootfs: openssl)"
	add_file "$root" "$ossldir/openssl.cnf" /etc/ssl/openssl.cnf
	mkdir -p "$root$ossldir"
	[ "$ossldir" = /etc/ssl ] || {
		ln -s /etc/ssl/openssl.cnf "$root$ossldir/openssl.cnf"
		ln -s "$bundle" "$root$ossldir/cert.pem"
		ln -s /etc/ssl/certs "$root$ossldir/certs"
	}
}

# The loader's cache, as on the host: without it ld.so probes each
# default directory (and its glibc-hwcaps subdirectories) per library.
add_ld_cache()
{
	"$ldconfig" -X -r "$1" || die "ldconfig -r \"$1\" failed"
}

# Bytes of the regular files under $1 (what an image layer holds).
bytes_of()
{
	find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}

report()
{
	local name=$1 dir=$2 n
	n=$(bytes_of "$dir")
	awk -v name="$name" -v n="$n" -v f="$(find "$dir" -type f | wc -l)" \
		'BEGIN { printf "rootfs: %-24s %10d bytes (%.2f MiB, %d files)\n", name, n, n / 1048576, f }'
}

# -- the agent ------------------------------------------------------------

make_agent()
{
	local root=$1 m mods=()
	add_top_links "$root"
	add_etc "$root"
	# /hookbox, as the image's ENTRYPOINT says. The agent looks for its
	# modules beside itself, then in ../lib/hookbox (runner/drivers.c):
	# /lib/hookbox here.
	strip --strip-all -o "$root/hookbox" "$build/hookbox"
	chmod 0755 "$root/hookbox"
	mkdir -p "$root/lib/hookbox"
	# Every check kind's module. Not hookbox-seccomp.so: it only compiles
	# a filter for a module from another build, and this build's filters
	# (and the names of system calls) are compiled into the agent
	# (runner/policy.c), so the image needs no libseccomp.
	for m in "$build"/hookbox-*.so; do
		[ "$(basename "$m")" = hookbox-seccomp.so ] && continue
		strip --strip-unneeded -o "$root/lib/hookbox/$(basename "$m")" "$m"
		chmod 0644 "$root/lib/hookbox/$(basename "$m")"
		mods+=("$m")
	done
	[ ${#mods[@]} -gt 0 ] || die "no check kind modules in \"$build\""
	add_libs "$root" "$build/hookbox" "${mods[@]}"

	# MariaDB Connector/C loads the authentication plugin a server asks
	# for with dlopen, from the directory it was built with: the ones
	# kinds/mysql.c allows (RESTRICTED_AUTH; mysql_native_password is
	# built in, dialog and mysql_clear_password are refused). strace of a
	# check of an ed25519 user shows client_ed25519.so opened there.
	if [ -e "$build/hookbox-mysql.so" ]; then
		local dir p plugins=()
		dir=$(plugin_dir)
		for p in caching_sha2_password sha256_password client_ed25519; do
			[ -e "$dir/$p.so" ] || die "no MariaDB plugin \"$dir/$p.so\""
			add_file "$root" "$dir/$p.so" "$dir/$p.so"
			plugins+=("$dir/$p.so")
		done
		add_libs "$root" "${plugins[@]}"
	fi
	add_ld_cache "$root"
	add_bundle "$root"
}

# What `hookbox install DIR` copies (agent/install.c): the launcher
# (agent/launcher.c) at /lib/hookbox/hookbox-launcher, and the manifest
# /lib/hookbox/bundle.files, a line "DEST<TAB>SRC" per file. The bundle
# is the image's own files, laid out for the launcher: DIR/hookbox, and
# in DIR/hookbox.d the agent and its modules (lib/hookbox), the loader
# (lib/ld.so), every library flat in lib/, the MariaDB plugins
# (lib/mariadb), the CA bundle and openssl.cnf (etc/ssl). The image grows
# by the launcher and the manifest only.
add_bundle()
{
	local root=$1 interp f rel name plugins
	[ -x "$build/hookbox-launcher" ] || die "no \"$build/hookbox-launcher\" (make release)"
	strip --strip-all -o "$root/lib/hookbox/hookbox-launcher" "$build/hookbox-launcher"
	chmod 0755 "$root/lib/hookbox/hookbox-launcher"
	interp=$(readelf -l "$build/hookbox" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	[ -n "$interp" ] || die "no program interpreter in \"$build/hookbox\""
	interp=$(image_path "$interp")
	[ -f "$root$interp" ] || die "the loader \"$interp\" is not in the tree"
	plugins=""
	[ -e "$build/hookbox-mysql.so" ] && plugins=$(plugin_dir)
	{
		printf '# hookbox bundle: DEST<TAB>SRC (scripts/rootfs.sh)\n'
		printf 'hookbox\t/lib/hookbox/hookbox-launcher\n'
		printf 'hookbox.d/lib/hookbox/hookbox\t/hookbox\n'
		printf 'hookbox.d/lib/ld.so\t%s\n' "$interp"
		for f in "$root"/lib/hookbox/hookbox-*.so; do
			name=$(basename "$f")
			printf 'hookbox.d/lib/hookbox/%s\t/lib/hookbox/%s\n' "$name" "$name"
		done
		# Every other library of the tree: what the agent and its
		# modules load (add_libs), and the plugins.
		(cd "$root" && find usr -type f -name '*.so*' ! -path 'usr/lib/hookbox/*' | sort) |
			while read -r rel; do
				[ "/$rel" = "$interp" ] && continue
				if [ -n "$plugins" ] && [ "/$(dirname "$rel")" = "$plugins" ]; then
					printf 'hookbox.d/lib/mariadb/%s\t/%s\n' "$(basename "$rel")" "$rel"
				else
					printf 'hookbox.d/lib/%s\t/%s\n' "$(basename "$rel")" "$rel"
				fi
			done
		printf 'hookbox.d/etc/ssl/certs/ca-certificates.crt\t/etc/ssl/certs/ca-certificates.crt\n'
		printf 'hookbox.d/etc/ssl/openssl.cnf\t/etc/ssl/openssl.cnf\n'
	} >"$root/lib/hookbox/bundle.files"
	# Two libraries of one name in two directories would be one in lib/.
	local dup
	dup=$(cut -f1 "$root/lib/hookbox/bundle.files" | sort | uniq -d)
	[ -z "$dup" ] || die "the bundle would hold two files at: $dup"
	chmod 0644 "$root/lib/hookbox/bundle.files"
}

# MARIADB_PLUGINDIR of the headers the mysql module was built with.
plugin_dir()
{
	local inc d
	inc=$(pkg-config --cflags-only-I libmariadb 2>/dev/null | sed 's/-I//g')
	for d in $inc /usr/include/mariadb; do
		if [ -e "$d/mariadb_version.h" ]; then
			sed -n 's/^#define MARIADB_PLUGINDIR "\(.*\)"$/\1/p' "$d/mariadb_version.h"
			return
		fi
	done
	die "no mariadb_version.h: where are MariaDB's plugins?"
}

# -- the collector ----------------------------------------------------------

make_collector()
{
	local root=$1
	local bin=$build/hookbox-collector
	[ -x "$bin" ] || bin=$build/collector/hookbox-collector
	[ -x "$bin" ] || die "no hookbox-collector in \"$build\""
	add_top_links "$root"
	add_etc "$root"
	strip --strip-all -o "$root/hookbox-collector" "$bin"
	chmod 0755 "$root/hookbox-collector"
	# libmicrohttpd (with its TLS library, GnuTLS), SQLite, libpq for the
	# PostgreSQL store, libcurl for `status`: all linked, none dlopened.
	add_libs "$root" "$bin"
	# The SQLite store's volume (the image's VOLUME): the collector's
	# user must write there. The Dockerfile copies it with --chown too,
	# for a build that did not run as root.
	mkdir -p "$root/var/lib/hookbox"
	chmod 0755 "$root/var/lib/hookbox"
	[ "$(id -u)" = 0 ] && chown 65532:65532 "$root/var/lib/hookbox"
	add_ld_cache "$root"
}

# Builds into NAME.new, then replaces NAME.
build_root()
{
	local name=$1 fn=$2 tmp=$build/$1.new
	rm -rf "$tmp"
	mkdir -p "$tmp"
	"$fn" "$tmp"
	rm -rf "${build:?}/$name"
	mv "$tmp" "$build/$name"
}

# Sourced (bench/rootfs_size.sh measures other programs alike): the
# functions only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
setup "$@"
umask 022
build_root rootfs make_agent
report "rootfs (hookbox)" "$build/rootfs"
build_root rootfs-collector make_collector
report "rootfs-collector" "$build/rootfs-collector"
