#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make image`: the agent's and the collector's images, built from the
# Dockerfile with podman, offline: no registry is asked for anything.
#
#   scripts/image.sh            (names in scripts/images.sh)
#
# 1. The Dockerfile's BASE, Debian 12, made here: debootstrap --variant=
#    minbase from the Debian mirror this machine's apt configuration names,
#    upgraded from the same archives' -updates and -security suites,
#    imported into podman's storage, where it stays for the next run (the
#    step is skipped while an image made from the same archives exists;
#    `podman rmi` it to remake it).
# 2. podman build --pull=never --network=host of both targets (the build
#    stage's apt-get reaches the same mirror; podman keeps its layers, so a
#    second build with unchanged sources takes seconds).
# Prints the time each step took.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/scripts/images.sh"

die()
{
	printf 'image: %s\n' "$*" >&2
	exit 1
}

now() { date +%s.%N; }
# took T0 WHAT: prints how long WHAT took since T0.
took()
{
	awk -v a="$1" -v b="$(now)" -v w="$2" 'BEGIN { printf "image: %-38s %6.1f s\n", w, b - a }'
}

[ "$(id -u)" = 0 ] || die "needs root: debootstrap and podman's rootful storage (scripts/deps.sh image)"
for tool in podman debootstrap tar; do
	command -v "$tool" >/dev/null || die "\"$tool\" not found (scripts/deps.sh image)"
done

# The Debian archives this machine's apt uses for bookworm, a line "URI
# SUITE" each: bookworm itself, -updates and -security, from the deb822
# files (sources.list.d/*.sources) and the one-line entries (sources.list,
# sources.list.d/*.list). Read at each run: the project names no mirror.
# HB_DEBIAN_MIRROR, if set, is the only one (bookworm from it).
debian_sources()
{
	if [ -n "${HB_DEBIAN_MIRROR:-}" ]; then
		echo "$HB_DEBIAN_MIRROR bookworm"
		return
	fi
	local f want='^bookworm(-updates|-security)?$'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v want="$want" '
		function flush(   i, j, u, x) {
			if (types ~ / deb /) {
				nu = split(uris, u, " ")
				nx = split(suites, x, " ")
				for (i = 1; i <= nu; i++)
					for (j = 1; j <= nx; j++)
						if (x[j] ~ want)
							print u[i], x[j]
			}
			types = suites = uris = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { $1 = ""; types = $0 " " }
		tolower($1) == "uris:" { $1 = ""; uris = $0 }
		tolower($1) == "suites:" { $1 = ""; suites = $0 }
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk -v want="$want" '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) ~ want) print $i, $(i + 1)
		}' "$f"
	done
}

# -- the base image -----------------------------------------------------------

sources=$(debian_sources)
mirror=$(awk '$2 == "bookworm" { print $1; exit }' <<<"$sources")
[ -n "$mirror" ] || die "no Debian mirror for bookworm in /etc/apt (sources.list, sources.list.d): set HB_DEBIAN_MIRROR"
# The base made here carries a digest of the archives it was made from:
# a cached one made from other archives (or an image of that name that
# this script did not make) is made again.
made_from=$(sha256sum <<<"$sources" | cut -c1-16)
if [ "$(podman image inspect --format '{{index .Labels "org.hookbox.sources"}}' \
	"$HB_IMAGE_BASE" 2>/dev/null)" = "$made_from" ]; then
	echo "image: base $HB_IMAGE_BASE: cached in podman's storage, not rebuilt"
else
	old_base=$(podman image inspect --format '{{.Id}}' "$HB_IMAGE_BASE" 2>/dev/null || true)
	tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/hb-debootstrap.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "image: debootstrap --variant=minbase bookworm from $mirror"
	t0=$(now)
	debootstrap --variant=minbase bookworm "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
		die "debootstrap failed: $(tail -5 "$tmp/debootstrap.log")"
	took "$t0" "debootstrap"
	# The build stage's apt-get reads the same archives as this
	# machine's, the security updates among them (debootstrap writes the
	# release's own suite only), so that the libraries the images copy
	# are the patched ones, as on the host.
	awk '{ print "deb " $1 " " $2 " main" }' <<<"$sources" >"$tmp/root/etc/apt/sources.list"
	t0=$(now)
	DEBIAN_FRONTEND=noninteractive chroot "$tmp/root" sh -c \
		'apt-get -q update && apt-get -qy upgrade' >"$tmp/upgrade.log" 2>&1 ||
		die "apt-get upgrade in the debootstrap tree failed: $(tail -5 "$tmp/upgrade.log")"
	took "$t0" "apt-get upgrade (-updates, -security)"
	# What debootstrap leaves that an image has no use for.
	rm -rf "$tmp"/root/var/cache/apt/archives/*.deb "$tmp"/root/var/lib/apt/lists/*
	t0=$(now)
	tar -C "$tmp/root" -c . | podman import --change "LABEL org.hookbox.sources=$made_from" \
		- "$HB_IMAGE_BASE" >"$tmp/import.log" 2>&1 ||
		die "podman import of the debootstrap tree failed: $(tail -3 "$tmp/import.log")"
	took "$t0" "import as $HB_IMAGE_BASE"
	# The base it replaces, by its id (kept while images built on it
	# exist).
	[ -z "$old_base" ] || podman rmi "$old_base" >/dev/null 2>&1 || true
	rm -rf "$tmp"
	trap - EXIT
fi

# -- the images ---------------------------------------------------------------

# build TARGET TAG: one target of the Dockerfile. The image the tag named
# before is removed once replaced (only ours: by its id, untagged).
build()
{
	local target=$1 tag=$2 old new t0
	old=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
	t0=$(now)
	podman build --pull=never --network=host --build-arg "BASE=$HB_IMAGE_BASE" \
		--target "$target" -t "$tag" -f "$src/Dockerfile" "$src" ||
		die "podman build --target $target failed"
	took "$t0" "build --target $target"
	new=$(podman image inspect --format '{{.Id}}' "$tag")
	if [ -n "$old" ] && [ "$old" != "$new" ]; then
		podman rmi "$old" >/dev/null 2>&1 || true
	fi
	podman image inspect --format "image: $tag {{.Size}} bytes" "$tag"
}

t_all=$(now)
build build "$HB_IMAGE_BUILD"
build collector "$HB_IMAGE_COLLECTOR"
build agent "$HB_IMAGE_AGENT"
took "$t_all" "the build stage and both images"
