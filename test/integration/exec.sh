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
hb_assert_lt "elapsed" "$HB_ELAPSED" 3.5

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

hb_finish
