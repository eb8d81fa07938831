#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs a command as a pod's container would see it, in a mount namespace
# of its own (unshare --mount --fork bash pod_enter.sh ...): a root made of
# the machine's /usr, the build at /hb (/hookbox is the agent, as in the
# image), the pod's volumes bound at their mount paths (read-only where
# the pod says), as the
# pod's user and group with the fsGroup as a supplementary group, and the
# pod's env and nothing else (the sanitizers' options pass through).
#
#   pod_enter.sh ROOT BUILD UID:GID FSGROUP MOUNTS ENVFILE -- ARGV...
# MOUNTS: lines "SOURCE TARGET READONLY(true|false)"; ENVFILE:
# NUL-separated NAME=VALUE.
set -eu
root=$1 build=$2 user=$3 fsgroup=$4 mounts=$5 envfile=$6
shift 6
[ "$1" = -- ] && shift
mount --make-rprivate /
mkdir -p "$root/usr" "$root/dev" "$root/proc" "$root/hb" "$root/tmp" "$root/etc"
mount --rbind /usr "$root/usr"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount --bind "$build" "$root/hb"
while read -r src tgt ro; do
	[ -n "$src" ] || continue
	mkdir -p "$root$tgt"
	mount --bind "$src" "$root$tgt"
	if [ "$ro" = true ]; then
		mount -o remount,bind,ro "$root$tgt"
	fi
done <"$mounts"
env=()
while IFS= read -r -d '' kv; do
	env+=("$kv")
done <"$envfile"
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -n "${!v:-}" ] && env+=("$v=${!v}")
done
exec chroot --userspec="$user" --groups="$fsgroup" "$root" /usr/bin/env -i "${env[@]}" "$@"
