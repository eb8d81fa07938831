#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hookbox install DIR (issue 13): the bundle the agent's root file system
# ($HB_BUILD/rootfs, make rootfs) installs, run from root file systems
# hookbox was not built for: Debian's busybox-static alone (no libc at
# all), musl with a program musl-gcc linked against it, and Debian
# minbase (the image suites' base, cached by make image). Each is the
# read-only root of a chroot (an overlay with the files a kubelet would
# mount on top), in mount and pid namespaces of its own, as uid 65532,
# with the bundle mounted read-only at /hookbox as an emptyDir would be.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_bundle.sh"
. "$HB_SRC/scripts/images.sh"

hb_setup
agent_root=$HB_BUILD/rootfs
[ -x "$agent_root/hookbox" ] || hb_die "no $agent_root/hookbox: run make rootfs"
[ "$(id -u)" = 0 ] || hb_die "needs root (chroot, mount and pid namespaces)"
command -v podman >/dev/null || hb_die "no podman: the Debian minbase root is make image's base"
minbase=$(podman image mount "$HB_IMAGE_BASE" 2>&1) ||
	hb_die "no image $HB_IMAGE_BASE to take the Debian root from (run make image): $minbase"
trap 'podman image unmount "$HB_IMAGE_BASE" >/dev/null 2>&1; hb_cleanup' EXIT


# run_in TREE BINDS CMD...: CMD in TREE under $tops (or $top), with BINDS
# (in_root.sh's "SRC=DST[=rw] ...") and an environment of the image's own
# (and RUN_ENV's "NAME=VALUE ..."), as a pod's container starts, read-only, as uid 65532. Sets HB_RC,
# HB_OUT (stdout), HB_ERR. In the background with RUN_BG=1 (the unshare's
# pid in RUN_PID; its output in $HB_TMP/run.out).
n_run=0
run_in()
{
	local tree=$1 binds=$2
	shift 2
	n_run=$((n_run + 1))
	local cmd=(env HB_IN_ROOT_BINDS="$binds"
		HB_IN_ROOT_ENV="PATH=/usr/bin:/bin HOME=/ APP_ENV=from-the-image ${RUN_ENV:-}"
		unshare --mount --pid --fork --propagation private --kill-child --
		"$HB_SRC/test/integration/in_root.sh" "${tops:-$top}" "$tree" "$HB_TMP/mnt$n_run" "$@")
	if [ "${RUN_BG:-}" = 1 ]; then
		"${cmd[@]}" >"$HB_TMP/run.out" 2>"$HB_TMP/run.err" &
		RUN_PID=$!
		return 0
	fi
	"${cmd[@]}" >"$HB_TMP/run.out" 2>"$HB_TMP/run.err"
	HB_RC=$?
	HB_OUT=$(cat "$HB_TMP/run.out")
	HB_ERR=$(cat "$HB_TMP/run.err")
	return 0
}

# The report hookbox exec --output json prints after the command's own
# output, from the first line that is a lone "{"; and that output alone.
exec_report()
{
	HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/run.out")
}

command_output()
{
	sed '/^{$/,$d' "$HB_TMP/run.out"
}

# == the servers, and what the pod mounts =======================================

hb_make_certs
hb_port web
hb_port pg
hb_start_nginx "$web"
hb_start_postgres "$pg"

top=$HB_TMP/top
# The mount points too (/proc, /dev, /out): a tree may be empty, as a
# scratch image is. /hookbox, where the bundle is mounted, over the roots
# only ($app_tops): it is the agent's own program in its tree.
mkdir -p "$top/etc" "$top/secrets" "$top/spec" "$top/out" "$top/proc" "$top/dev" \
	"$HB_TMP/top-hookbox/hookbox"
chmod -R a+rX "$HB_TMP/top-hookbox"
app_tops=$HB_TMP/top-hookbox:$top
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$top/etc/hosts"
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$top/etc/resolv.conf"
cp "$HB_CERTS/ca.pem" "$top/secrets/ca.pem"
printf '%s\n' "$HB_PG_PASS" >"$top/secrets/pg"
# An http check, and a postgres check over TLS verified against the test
# CA: the bundle's libpq, OpenSSL and openssl.cnf at work.
cat >"$top/spec/checks.json" <<JSON
{"defaults": {"timeout": "5s"},
 "checks": [
  {"name": "http", "kind": "http", "url": "http://127.0.0.1:$web/ok",
   "expect": {"json": {"status": "ok"}}},
  {"name": "postgres", "kind": "postgres",
   "url": "postgresql://$HB_PG_USER@localhost:$pg/app?sslmode=verify-full&sslrootcert=/secrets/ca.pem",
   "password_file": "/secrets/pg",
   "query": "SELECT max(version) FROM schema_migrations", "expect": {"value": "42"}}]}
JSON
chmod -R a+rX "$top"

# == hookbox install, from the agent's root file system ========================

bundle=$HB_TMP/bundle
mkdir -p "$bundle"
# An emptyDir: writable by the pod's uid, whatever it is.
chmod 777 "$bundle"

bytes_of()
{
	find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}

hb_case "install copies the bundle from the agent's tree, as uid 65532, and prints its size"
run_in "$agent_root" "$bundle=/out=rw" /hookbox install /out
hb_assert_eq "exit status" 0 "$HB_RC"
hb_assert_contains "what it prints" "$HB_OUT" "hookbox: installed in /out: "
printed=$(sed -n 's/^hookbox: installed in \/out: \([0-9]*\) bytes.*/\1/p' <<<"$HB_OUT")
hb_assert_eq "the size it prints is the bundle's" "$(bytes_of "$bundle")" "$printed"
image_bytes=$(bytes_of "$agent_root")
hb_assert_lt "the bundle's bytes against the agent's tree's ($image_bytes)" \
	"$printed" "$((image_bytes + 1))"
hb_log "bundle: $printed bytes, agent tree: $image_bytes bytes"
hb_assert_eq "launcher and tree" "hookbox hookbox.d" "$(ls "$bundle" | tr '\n' ' ' | sed 's/ $//')"
hb_assert_eq "the launcher is static" "" "$(readelf -l "$bundle/hookbox" | grep 'program interpreter')"
hb_assert_eq "the bundle's files may be read by any uid" "" \
	"$(find "$bundle" ! -perm -444 -printf '%P\n')"

hb_case "the bundle installs itself elsewhere, and replaces a bundle whole"
# Into a second directory, from the bundle itself (its own manifest)...
bundle2=$HB_TMP/bundle2
mkdir -p "$bundle2"
chmod 777 "$bundle2"
# in an empty root, as a scratch image's.
mkdir -p "$HB_TMP/empty"
tops=$app_tops run_in "$HB_TMP/empty" "$bundle=/hookbox $bundle2=/out=rw" /hookbox/hookbox install /out
hb_assert_eq "exit status" 0 "$HB_RC"
hb_assert_eq "the same files" "" \
	"$(diff <(cd "$bundle" && find . -type f -printf '%P %s\n' | sort) \
		<(cd "$bundle2" && find . -type f -printf '%P %s\n' | sort))"
# ... and again over it: nothing of the old tree or of the copy is left
# beside the new one.
echo stale >"$bundle2/hookbox.d/stale"
run_in "$agent_root" "$bundle2=/out=rw" /hookbox install /out
hb_assert_eq "exit status" 0 "$HB_RC"
hb_assert_eq "left over" "hookbox hookbox.d" "$(ls -A "$bundle2" | tr '\n' ' ' | sed 's/ $//')"
[ -e "$bundle2/hookbox.d/stale" ] && hb_fail "the old tree's file is still there" ||
	hb_pass "the old tree was replaced whole"

hb_case "a copy cut short leaves the bundle in place as it was"
# A manifest that names a file the tree does not have, over the agent's.
bad_top=$HB_TMP/bad-top
# (/lib is a link to usr/lib in the tree).
mkdir -p "$bad_top/usr/lib/hookbox"
cp "$agent_root/lib/hookbox/bundle.files" "$bad_top/usr/lib/hookbox/bundle.files"
printf 'hookbox.d/lib/zz-missing.so\t/lib/zz-missing.so\n' >>"$bad_top/usr/lib/hookbox/bundle.files"
chmod -R a+rX "$bad_top"
sums() { (cd "$1" && find . -type f -exec md5sum {} + | sort | md5sum | cut -d' ' -f1); }
before=$(sums "$bundle2")
tops=$bad_top:$top run_in "$agent_root" "$bundle2=/out=rw" /hookbox install /out
hb_assert_eq "exit status" 1 "$HB_RC"
hb_assert_contains "what it says" "$HB_ERR" 'cannot open "/lib/zz-missing.so"'
hb_assert_eq "the bundle's checksums are unchanged" "$before" "$(sums "$bundle2")"
hb_assert_eq "left over" "hookbox hookbox.d" "$(ls -A "$bundle2" | tr '\n' ' ' | sed 's/ $//')"

hb_case "install without DIR, into a file, into what it may not write: exit 2"
run_in "$agent_root" "" /hookbox install
hb_assert_eq "no DIR: exit status" 2 "$HB_RC"
hb_assert_contains "no DIR: message" "$HB_ERR" "install: missing DIR"
run_in "$agent_root" "" /hookbox install /etc/passwd
hb_assert_eq "a file: exit status" 2 "$HB_RC"
hb_assert_contains "a file: message" "$HB_ERR" '"/etc/passwd" is not a directory'
run_in "$agent_root" "" /hookbox install /etc
hb_assert_eq "read-only: exit status" 2 "$HB_RC"
hb_assert_contains "read-only: message" "$HB_ERR" 'cannot write to "/etc"'
locked=$HB_TMP/locked
mkdir -p "$locked"
chmod 755 "$locked"
run_in "$agent_root" "$locked=/out=rw" /hookbox install /out
hb_assert_eq "not the uid's: exit status" 2 "$HB_RC"
hb_assert_contains "not the uid's: message" "$HB_ERR" 'cannot write to "/out": Permission denied'
hb_assert_eq "nothing written" "" "$(ls -A "$locked")"
run_in "$agent_root" "" /hookbox install /out /more
hb_assert_eq "two DIRs: exit status" 2 "$HB_RC"

# == the roots =================================================================

roots=$HB_TMP/roots
hb_busybox_root "$roots/busybox"
hb_musl_root "$roots/musl"
musl_ld=$HB_MUSL_LD

hb_case "the roots are what they say"
hb_assert_eq "libc or loader in the busybox root" "" \
	"$(cd "$roots/busybox" && find . \( -name 'libc*' -o -name 'ld-*' \) -print)"
hb_assert_eq "glibc in the musl root" "" \
	"$(cd "$roots/musl" && find . -name 'libc.so.6' -print)"
hb_assert_eq "musl's loader in the musl root" "$musl_ld" \
	"$(cd "$roots/musl" && find . -name 'ld-musl*' -printf '/%P\n')"
hb_assert_contains "the Debian root's libc" "$(ls "$minbase/usr/lib/x86_64-linux-gnu/")" "libc.so.6"

tops=$app_tops
for name in busybox musl minbase; do
	case $name in
	minbase) tree=$minbase ;;
	*) tree=$roots/$name ;;
	esac
	bind="$bundle=/hookbox"
	# The command each root runs: the musl application there, the root's
	# own sh elsewhere.
	if [ "$name" = musl ]; then
		cmd_exit=(/app/migrate exit 3)
		cmd_term=(/app/migrate term)
		cmd_sandbox=(/app/migrate sandbox)
	else
		cmd_exit=(sh -c 'echo "migrate: exiting 3"; exit 3')
		cmd_term=(sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.05; done')
		cmd_sandbox=(sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status
			if kill -0 $PPID 2>/dev/null; then echo "kill-parent: ok"; else echo "kill-parent: denied"; fi')
	fi

	hb_case "$name: --version from the bundle"
	run_in "$tree" "$bind" /hookbox/hookbox --version
	hb_assert_eq "exit status" 0 "$HB_RC"
	hb_assert_contains "output" "$HB_OUT" "hookbox "

	hb_case "$name: exec --wait-for a server that starts late, the command's exit status passes"
	hb_port late
	# Started two seconds after the agent is (not after the suite asked
	# for it: a loaded machine may take that long to start the chroot).
	RUN_BG=1 run_in "$tree" "$bind" /hookbox/hookbox exec --output json \
		--wait-for "http://127.0.0.1:$late/ok" --timeout 60s -- "${cmd_exit[@]}"
	for _ in $(seq 1 300); do
		readlink "/proc/$(pgrep -P "$RUN_PID")/exe" 2>/dev/null |
			grep -q 'hookbox.d/lib/ld.so$' && break
		sleep 0.05
	done
	sleep 2
	hb_start_nginx "$late"
	wait "$RUN_PID"
	HB_RC=$?
	HB_OUT=$(cat "$HB_TMP/run.out")
	HB_ERR=$(cat "$HB_TMP/run.err")
	hb_assert_eq "exit status" 3 "$HB_RC"
	hb_assert_contains "the command's output" "$HB_OUT" "migrate: exiting 3"
	exec_report
	hb_assert_json '.checks[] | select(.kind == "http") | .outcome' PASSED
	hb_assert_lt "the wait took more than one attempt: 1" 1 \
		"$(hb_json '.checks[] | select(.kind == "http") | .attempts | length')"
	hb_assert_json '.checks[] | select(.kind == "exec") | .command.exitCode' 3

	hb_case "$name: SIGTERM to hookbox reaches the command"
	RUN_BG=1 run_in "$tree" "$bind" /hookbox/hookbox exec -- "${cmd_term[@]}"
	for _ in $(seq 1 200); do grep -q ready "$HB_TMP/run.out" && break; sleep 0.05; done
	# The agent is the namespace's first process: unshare's child.
	agent=$(pgrep -P "$RUN_PID")
	hb_assert_contains "the agent is the bundle's loader" "$(readlink "/proc/$agent/exe")" \
		"/hookbox/hookbox.d/lib/ld.so"
	kill -TERM "$agent"
	wait "$RUN_PID"
	hb_assert_eq "exit status" 42 "$?"
	hb_assert_contains "the command's output" "$(cat "$HB_TMP/run.out")" "got-term"

	hb_case "$name: an http and a postgres check pass, under seccomp and Landlock"
	run_in "$tree" "$bind" /hookbox/hookbox run /spec/checks.json --output json
	hb_assert_eq "exit status" 0 "$HB_RC"
	hb_assert_json '.checks[] | select(.name == "http") | .outcome' PASSED
	hb_assert_json '.checks[] | select(.name == "postgres") | .outcome' PASSED
	hb_assert_json .sandbox.mode enforce
	hb_assert_json .sandbox.seccomp true
	hb_assert_json .sandbox.landlockFs true

	hb_case "$name: the command runs under the filter and Landlock's scope"
	run_in "$tree" "$bind" /hookbox/hookbox exec --output json -- "${cmd_sandbox[@]}"
	hb_assert_eq "exit status" 0 "$HB_RC"
	hb_assert_contains "the command's status" "$HB_OUT" "NoNewPrivs:	1"
	hb_assert_contains "the command's status" "$HB_OUT" "Seccomp:	2"
	exec_report
	abi=$(hb_json .sandbox.landlockAbi)
	if [ "${abi:-0}" -ge 6 ]; then
		hb_assert_contains "signalling the agent" "$(sed -n '1,/^{$/p' "$HB_TMP/run.out")" \
			"kill-parent: "
		hb_assert_eq "signalling the agent is refused" 0 \
			"$(sed -n '1,/^{$/p' "$HB_TMP/run.out" | grep -c 'kill-parent: ok')"
		run_in "$tree" "$bind" /hookbox/hookbox exec --sandbox off -- "${cmd_sandbox[@]}"
		hb_assert_contains "without the sandbox" "$HB_OUT" "kill-parent: ok"
		hb_assert_contains "without the sandbox" "$HB_OUT" "Seccomp:	0"
	else
		hb_log "no Landlock signal scoping (ABI ${abi:-0}): the filter only"
	fi
done

# == the application's own program ================================================

hb_case "musl: the application's program runs with musl's loader, not the bundle's"
run_in "$roots/musl" "$bundle=/hookbox" /hookbox/hookbox exec --output json -- /app/migrate maps
hb_assert_eq "exit status" 0 "$HB_RC"
maps=$(command_output)
hb_assert_contains "its mappings" "$maps" "$musl_ld"
hb_assert_contains "its mappings" "$maps" "/app/migrate"
hb_assert_eq "the bundle's files among its mappings" "" "$(grep /hookbox <<<"$maps")"

hb_case "musl: its environment is the image's, nothing of the bundle's"
run_in "$roots/musl" "$bundle=/hookbox" /hookbox/hookbox exec --output json -- /app/migrate env
hb_assert_eq "exit status" 0 "$HB_RC"
hb_assert_eq "the command's environment" "APP_ENV=from-the-image HOME=/ PATH=/usr/bin:/bin" \
	"$(command_output | sort | tr '\n' ' ' | sed 's/ $//')"

hb_case "minbase: a program of the image maps the image's glibc, not the bundle's"
run_in "$minbase" "$bundle=/hookbox" /hookbox/hookbox exec --output json -- /bin/cat /proc/self/maps
hb_assert_eq "exit status" 0 "$HB_RC"
maps=$(command_output)
hb_assert_contains "its mappings" "$maps" "/usr/lib/x86_64-linux-gnu/libc.so.6"
hb_assert_eq "the bundle's files among its mappings" "" "$(grep /hookbox <<<"$maps")"

hb_case "minbase: the image's LD_PRELOAD is the command's, not the agent's"
# Ruby and Python images preload jemalloc, built for their own libc: the
# bundle's loader must not load it into the agent.
mkdir -p "$top/preload"
gcc -shared -fPIC -O2 -o "$top/preload/mark.so" "$HB_SRC/test/helpers/preload_mark.c" ||
	hb_die "gcc could not build test/helpers/preload_mark.c"
chmod -R a+rX "$top/preload"
RUN_ENV="LD_PRELOAD=/preload/mark.so" run_in "$minbase" "$bundle=/hookbox" \
	/hookbox/hookbox exec --output json -- \
	sh -c 'echo "LD_PRELOAD=$LD_PRELOAD"; echo "saved: $(env | grep -c ^HOOKBOX_SAVED_)"'
hb_assert_eq "exit status" 0 "$HB_RC"
hb_assert_contains "the command's LD_PRELOAD" "$(command_output)" "LD_PRELOAD=/preload/mark.so"
hb_assert_contains "the renamed copy is not the command's" "$(command_output)" "saved: 0"
hb_assert_contains "loaded into the command" "$HB_ERR" "preloaded into /usr/bin/"
hb_assert_eq "loaded into the agent (the bundle's loader)" "" \
	"$(grep 'preloaded into /hookbox' <<<"$HB_ERR")"

hb_finish
