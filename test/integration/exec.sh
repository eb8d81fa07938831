#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hookbox exec, the hook Job wrapper: exit status, output, signals, orphans,
# the deny-list filter, the deadline and --wait-for.
. "$(dirname "$0")/lib.sh"
hb_setup
try=$HB_BUILD/try-syscall

# The command's stdout is hookbox's: the JSON report follows it, from the
# first line that is a lone "{".
hb_exec()
{
	local t0 t1
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	$HB_PREFIX "$HB_BUILD/hookbox" exec --output json "$@" \
		>"$HB_TMP/exec.out" 2>"$HB_TMP/exec.err"
	HB_RC=$?
	t1=$(date +%s.%N)
	HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/exec.out")
	HB_ERR=$(cat "$HB_TMP/exec.err")
	HB_ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

hb_case "the command's exit status is hookbox's, with the tail in the report"
hb_exec -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
hb_assert_exit 3
hb_assert_json .checks[0].kind exec
hb_assert_json .checks[0].outcome FAILED
hb_assert_json .checks[0].failureClass COMMAND_FAILED
hb_assert_json .checks[0].command.exitCode 3
hb_assert_json .checks[0].command.stdoutTail "to-stdout"
hb_assert_json .checks[0].command.stderrTail "to-stderr"
hb_assert_contains "stderr streamed through" "$HB_ERR" "to-stderr"

hb_case "a passing command passes"
hb_exec -- true
hb_assert_exit 0
hb_assert_json .checks[0].outcome PASSED
hb_assert_json .phase PHASE_SUCCEEDED

hb_case "output is streamed unchanged and the tail keeps the last 4 KiB"
"$HB_BUILD/hookbox" exec --output json -- sh -c 'seq 1 5000' >"$HB_TMP/seq.out" 2>/dev/null
hb_assert_eq "streamed lines" 5000 "$(grep -c -E '^[0-9]+$' "$HB_TMP/seq.out")"
HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/seq.out")
tail_len=$(hb_json '.checks[0].command.stdoutTail | length')
hb_assert_eq "tail length" 4096 "$tail_len"
hb_assert_json_contains '.checks[0].command.stdoutTail' "4999
5000"

hb_case "a missing program is 127 and named"
hb_exec -- /nonexistent/migrate
hb_assert_exit 127
hb_assert_json_contains .checks[0].message "No such file or directory"

hb_case "SIGTERM to hookbox reaches the command"
"$HB_BUILD/hookbox" exec --output json -- sh -c \
	'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.05; done' \
	>"$HB_TMP/term.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q ready "$HB_TMP/term.out" && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
rc=$?
hb_assert_eq "exit" 42 "$rc"
hb_assert_contains "output" "$(cat "$HB_TMP/term.out")" "got-term"

hb_case "a command killed by a signal exits 128+N"
hb_exec -- sh -c 'kill -KILL $$'
hb_assert_exit 137
hb_assert_json .checks[0].command.signal 9

hb_case "an orphaned grandchild is reaped"
# The grandchild's parent exits at once, so it is handed to hookbox (a child
# subreaper, or PID 1 in a container); after it exits it must not stay a
# zombie while the command still runs.
hb_exec -- sh -c '
	sh -c "sleep 0.2 & echo \$! > '"$HB_TMP"'/gc.pid"
	sleep 0.8
	state=$(ps -o stat= -p "$(cat '"$HB_TMP"'/gc.pid)" 2>/dev/null)
	case "$state" in Z*) echo "zombie"; exit 7;; esac
	exit 0'
hb_assert_exit 0

hb_case "a blocked call fails with EPERM and the program goes on"
hb_exec -- "$try" ptrace keyctl unshare getpid
hb_assert_exit 0
hb_assert_json_contains .checks[0].command.stdoutTail "ptrace: EPERM"
hb_assert_json_contains .checks[0].command.stdoutTail "keyctl: EPERM"
hb_assert_json_contains .checks[0].command.stdoutTail "unshare: EPERM"
hb_assert_json_contains .checks[0].command.stdoutTail "getpid: ok"
hb_case "the same calls are not EPERM without the sandbox"
hb_exec --sandbox off -- "$try" ptrace keyctl
hb_assert_exit 0
out=$(hb_json .checks[0].command.stdoutTail)
hb_assert_eq "ptrace EPERM without sandbox" no "$(grep -q 'ptrace: EPERM' <<<"$out" && echo yes || echo no)"

hb_case "the deadline kills the whole process group and reports TIMEOUT"
hb_exec --timeout 1s -- sh -c 'sleep 30 & sleep 30'
hb_assert_exit 124
hb_assert_json .checks[0].failureClass TIMEOUT
hb_assert_deadline 1

hb_case "--wait-for waits for a late server, then runs the command"
hb_port late
hb_start_nginx_late "$late" 2
hb_exec --wait-for "http://127.0.0.1:$late/ok" --wait-for "tcp://127.0.0.1:$late" \
	--wait 20s -- sh -c 'echo migrated'
hb_assert_exit 0
hb_assert_json .checks[0].outcome PASSED
hb_assert_json .checks[1].outcome PASSED
hb_assert_json .checks[2].outcome PASSED
hb_assert_json .checks[2].command.stdoutTail "migrated"
attempts=$(hb_json '.checks[0].attempts[-1].number')
hb_assert_lt "more than one attempt" 1 "$attempts"

hb_case "a target that never comes up stops the command from running"
hb_closed_port closed
hb_exec --wait-for "tcp://127.0.0.1:$closed" --wait 1s -- sh -c 'echo ran >&2'
hb_assert_exit 1
hb_assert_json .checks[0].failureClass CONNECTION_REFUSED
hb_assert_json .checks[1].outcome SKIPPED
hb_assert_eq "command output" no "$(grep -q ran <<<"$HB_ERR" && echo yes || echo no)"

# == The command cannot reach the agent =======================================
# A hostile command could take the agent's descriptors (pidfd_getfd), read its
# memory (/proc/$PPID/mem: a collector token was there), go around the filter
# through io_uring, chroot, and kill the agent so that no report was written
# (issue 10, defect 9). These cases run as root and again as the uid a pod
# runs as, 65532, which shares the agent's uid: being the same user is what
# let it in.

# Whether pid $1 is still running (a zombie is not).
hb_running()
{
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# SIGKILL to the agent ($2 = agent: to its pid; group: to its own process
# group, as timeout(1) or a terminal would) must leave neither the command
# nor the command's child running.
hb_killed_agent()
{
	local who=$1 how=$2 pids agent cmd gc alive
	hb_case "$who: SIGKILL to the $how takes the command and its process group along"
	pids=$HB_TMP/pids.$how.$RANDOM
	mkdir -m 1777 "$pids"
	# setsid: a process group of the agent's own (it is not a group
	# leader here, so setsid executes it without a fork).
	# shellcheck disable=SC2086
	setsid $HB_PREFIX "$HB_BUILD/hookbox" exec -- sh -c \
		'sleep 300 & echo $! >"$0/gc"; echo $$ >"$0/cmd"; wait' "$pids" \
		>/dev/null 2>&1 &
	agent=$!
	for _ in $(seq 1 100); do [ -s "$pids/gc" ] && [ -s "$pids/cmd" ] && break; sleep 0.05; done
	cmd=$(cat "$pids/cmd" 2>/dev/null)
	gc=$(cat "$pids/gc" 2>/dev/null)
	hb_assert_eq "the command started" yes "$([ -n "$cmd" ] && [ -n "$gc" ] && echo yes || echo no)"
	if [ "$how" = group ]; then
		kill -KILL -- "-$agent"
	else
		kill -KILL "$agent"
	fi
	wait "$agent" 2>/dev/null
	alive=""
	for _ in $(seq 1 50); do
		alive=""
		for p in $cmd $gc; do hb_running "$p" && alive+="$p "; done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	hb_assert_eq "left running after the agent died" "" "$alive"
	# shellcheck disable=SC2086
	[ -n "$alive" ] && kill -KILL $alive 2>/dev/null
}

# The cases, as the user HB_PREFIX runs hookbox as; $1 names that user.
hb_reach_cases()
{
	local who=$1

	hb_case "$who: the command may not take the agent's descriptors, memory or limits, nor start io_uring"
	hb_exec -- "$try" pidfd_getfd process_madvise io_uring_setup \
		prlimit-parent mem-parent environ-parent fd-parent environ-self \
		prlimit-self
	hb_assert_exit 0
	for c in pidfd_getfd process_madvise io_uring_setup prlimit-parent; do
		hb_assert_json_contains .checks[0].command.stdoutTail "$c: EPERM"
	done
	for c in mem-parent fd-parent; do
		hb_assert_json_contains .checks[0].command.stdoutTail "$c: EACCES"
	done
	# Root with CAP_SYS_PTRACE (which a pod does not grant) may still read
	# what needs only read access (environ, maps): it inherited the
	# agent's environment anyway, and the memory it may not read.
	if [ -n "$HB_AS" ]; then
		hb_assert_json_contains .checks[0].command.stdoutTail "environ-parent: EACCES"
	fi
	# The command itself is dumpable again once it is executed, and its
	# own limits are its own.
	hb_assert_json_contains .checks[0].command.stdoutTail "environ-self: ok"
	hb_assert_json_contains .checks[0].command.stdoutTail "prlimit-self: ok"
	HB_ABI=$(hb_json .sandbox.landlockAbi)

	hb_case "$who: without the sandbox the agent's memory still cannot be read"
	hb_exec --sandbox off -- "$try" io_uring_setup mem-parent environ-parent fd-parent
	hb_assert_exit 0
	# The filter is off indeed...
	hb_assert_json_contains .checks[0].command.stdoutTail "io_uring_setup: ok"
	if [ "$(id -u)" = 0 ] && [ -z "$HB_AS" ]; then
		# ...and root (CAP_SYS_PTRACE) may read what is not dumpable:
		# it is Landlock's domain that stops the sandboxed command.
		hb_assert_json_contains .checks[0].command.stdoutTail "mem-parent: ok"
	else
		# ...and the agent is not dumpable: its /proc files are root's.
		for c in mem-parent environ-parent fd-parent; do
			hb_assert_json_contains .checks[0].command.stdoutTail "$c: EACCES"
		done
	fi

	if [ "${HB_ABI:-0}" -lt 6 ]; then
		hb_log "skipping the signal cases: Landlock ABI ${HB_ABI:-0} has no signal scoping"
	else
		hb_case "$who: the command may not signal the agent, in any way"
		hb_exec -- "$try" kill-parent kill-parent-group tgkill-parent \
			sigqueue-parent pidfd_send_signal-parent
		hb_assert_exit 0
		for c in kill-parent kill-parent-group tgkill-parent sigqueue-parent \
			pidfd_send_signal-parent; do
			hb_assert_json_contains .checks[0].command.stdoutTail "$c: EPERM"
		done
		hb_case "$who: the same signals reach the agent without the sandbox"
		hb_exec --sandbox off -- "$try" kill-parent pidfd_send_signal-parent
		hb_assert_json_contains .checks[0].command.stdoutTail "kill-parent: ok"
		hb_assert_json_contains .checks[0].command.stdoutTail "pidfd_send_signal-parent: ok"

		hb_case "$who: kill -9 \$PPID leaves the agent running, and it reports the command's status"
		hb_exec -- sh -c 'kill -9 $PPID; echo "kill said $?"; exit 5'
		hb_assert_exit 5
		hb_assert_json .checks[0].command.exitCode 5
		hb_assert_json_contains .checks[0].command.stdoutTail "kill said 1"
		hb_assert_json .phase PHASE_FAILED
	fi

	hb_killed_agent "$who" agent
	hb_killed_agent "$who" group
}

HB_AS=""
hb_reach_cases root
hb_case "root: the command may not chroot"
hb_exec -- "$try" chroot
hb_assert_json_contains .checks[0].command.stdoutTail "chroot: EPERM"
hb_exec --sandbox off -- "$try" chroot
hb_assert_json_contains .checks[0].command.stdoutTail "chroot: ok"

# kill -9 -1 would take down everything root may signal on this machine, so
# it runs only in a PID namespace of its own (where -1 reaches no further)
# and as uid 65532. Its init is a shell, so that the agent is not PID 1, whom
# -1 spares anyway.
as_pod=(setpriv --reuid=65532 --regid=65532 --clear-groups --)
if [ "$(id -u)" = 0 ] && "${as_pod[@]}" test -x "$HB_BUILD/hookbox" 2>/dev/null &&
	unshare --pid --fork --kill-child -- true 2>/dev/null; then
	if [ "${HB_ABI:-0}" -ge 6 ]; then
		hb_case "uid 65532 in a PID namespace: kill -9 -1 kills the command's processes, not the agent"
		pids=$HB_TMP/pids.ns
		mkdir -m 1777 "$pids"
		out=$(unshare --pid --fork --kill-child -- "${as_pod[@]}" sh -c '
			"$0" exec --output json -- sh -c "kill -9 -1; echo kill said \$?; exit 6" \
				>"$1/out" 2>&1
			echo "agent exit $?"' "$HB_BUILD/hookbox" "$pids")
		hb_assert_eq "the agent's status" "agent exit 6" "$out"
		HB_OUT=$(sed -n '/^{$/,$p' "$pids/out")
		hb_assert_json .checks[0].command.exitCode 6
		hb_assert_json_contains .checks[0].command.stdoutTail "kill said 0"
	else
		hb_log "skipping kill -9 -1: no Landlock signal scoping here"
	fi

	HB_AS=65532
	HB_PREFIX="${as_pod[*]} $HB_PREFIX"
	hb_reach_cases "uid 65532"
else
	hb_log "skipping the uid 65532 cases: not root, no unshare, or build not readable by uid 65532"
fi

hb_finish
