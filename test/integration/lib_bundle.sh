# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Root file systems of images hookbox was not built for, for the bundle's
# suites (bundle.sh runs hookbox install's bundle from them; release.sh
# imports one as the app's image, HB_IMAGE_APP).
#
#   hb_busybox_root DIR      Debian's busybox-static and a few applets: no
#                            libc, no loader
#   hb_musl_root DIR         the same, with musl's loader and /app/migrate,
#                            a dynamic musl program (test/helpers/bundle_app.c);
#                            its loader's path in HB_MUSL_LD

# The applets the suites call.
HB_BUSYBOX_APPLETS="sh env cat grep sleep kill echo true"

hb_busybox_root()
{
	local root=$1 a
	[ -x /bin/busybox ] || hb_die "no /bin/busybox: scripts/deps.sh test (busybox-static)"
	readelf -l /bin/busybox | grep -q 'program interpreter' &&
		hb_die "/bin/busybox is not static: scripts/deps.sh test installs busybox-static"
	mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/tmp" "$root/etc"
	cp /bin/busybox "$root/bin/busybox"
	for a in $HB_BUSYBOX_APPLETS; do
		ln -s busybox "$root/bin/$a"
	done
	chmod -R a+rX "$root"
}

hb_musl_root()
{
	local root=$1
	command -v musl-gcc >/dev/null || hb_die "no musl-gcc: scripts/deps.sh test (musl-tools)"
	hb_busybox_root "$root"
	mkdir -p "$root/app"
	musl-gcc -O2 -Wall -o "$root/app/migrate" "$HB_SRC/test/helpers/bundle_app.c" ||
		hb_die "musl-gcc could not build test/helpers/bundle_app.c"
	HB_MUSL_LD=$(readelf -l "$root/app/migrate" |
		sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	[ -n "$HB_MUSL_LD" ] || hb_die "musl-gcc made a static program: the musl root needs a dynamic one"
	install -D -m 0755 "$(readlink -f "$HB_MUSL_LD")" "$root$HB_MUSL_LD"
	chmod -R a+rX "$root"
}
