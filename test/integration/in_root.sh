#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a command in a root file system as a pod's container with a
# read-only root would see it, for rootfs.sh and bundle.sh (run it under
# unshare --mount --pid --fork): a read-only overlay of TOPS (colon-
# separated, the first on top: the files a kubelet would mount) over TREE
# as the root at MNT, /proc of its own pid namespace, a /dev of four
# nodes, then chroot to uid 65532 (which drops every capability).
#
#   in_root.sh TOPS TREE MNT CMD...
# HB_IN_ROOT_BINDS: "SRC=DST[=rw] ..." bound at DST (read-only unless rw;
# DST must exist in the overlay). HB_IN_ROOT_ENV: "NAME=VALUE ...", the
# command's whole environment (an image's own); unset, the caller's.
set -e
tops=$1 tree=$2 root=$3
shift 3
mkdir -p "$root"
mount -t overlay hb-in-root -o "lowerdir=$tops:$tree" "$root"
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=755,size=64k hb-dev "$root/dev"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/zero" c 1 5
mknod -m 666 "$root/dev/random" c 1 8
mknod -m 666 "$root/dev/urandom" c 1 9
for b in ${HB_IN_ROOT_BINDS:-}; do
	IFS== read -r src dst mode <<<"$b"
	mount --bind "$src" "$root$dst"
	[ "$mode" = rw ] || mount -o remount,bind,ro "$root$dst"
done
chroot=$(command -v chroot)
if [ -n "${HB_IN_ROOT_ENV+set}" ]; then
	# shellcheck disable=SC2086
	exec env -i $HB_IN_ROOT_ENV "$chroot" --userspec=65532:65532 "$root" "$@"
fi
exec "$chroot" --userspec=65532:65532 "$root" "$@"
