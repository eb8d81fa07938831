#!/bin/bash
# SPDX-License-Identifier: MIT
# Hook logs after the pod is gone: real agents (a Job-style migration
# under hookbox exec with a --wait-for that waits, a post-install seed, a
# test pod's http check) report to a real collector (SQLite); once every
# agent has exited and the collector has been restarted on its store,
# hookbox-collector logs, GET /v1/releases/{ns}/{release}/logs and reduce
# --logs over the agents' report files show what helm test --logs would
# have: in Helm's order, filtered by revision and hook, control sequences
# of the pods' output escaped.
. "$(dirname "$0")/lib.sh"
hb_setup

COL=$HB_BUILD/hookbox-collector
AGENT=$HB_BUILD/hookbox
COL_PID=""
[ -x "$COL" ] || hb_die "no $COL"
[ -x "$AGENT" ] || hb_die "no $AGENT"

TOKEN_FILE=$HB_TMP/token
printf 'logs-%s\n' "$RANDOM$RANDOM" >"$TOKEN_FILE"
TOKEN=$(tr -d '\n' <"$TOKEN_FILE")
STORE=sqlite:$HB_TMP/collector.db
hb_port COL_PORT
COL_URL=http://127.0.0.1:$COL_PORT
REPORTS=$HB_TMP/reports
mkdir -p "$REPORTS"

# pod NAME JOB EVENTS WEIGHT REVISION: a downward-API folder for a hook's
# pod (annotations as Helm writes them, the Job's label), in $POD_DIR, and
# its name and revision for run_pod.
pod()
{
	POD_DIR=$HB_TMP/pod-$1-$5
	mkdir -p "$POD_DIR"
	printf 'helm.sh/hook="%s"\nhelm.sh/hook-weight="%s"\n' "$3" "$4" \
		>"$POD_DIR/annotations"
	printf 'app.kubernetes.io/instance="demo"\n' >"$POD_DIR/labels"
	[ -n "$2" ] && printf 'job-name="%s"\n' "$2" >>"$POD_DIR/labels"
	POD_NAME=$1
	POD_REVISION=$5
}

# run_pod REPORT COMMAND ARGS...: one agent, as the pod's only process
# (hookbox COMMAND, its flags, then ARGS, which for exec end in -- CMD); it
# has exited when this returns. Sets HB_RC, HB_OUT (the JSON report) and
# HB_ERR.
run_pod()
{
	local report=$1 cmd=$2
	shift 2
	# shellcheck disable=SC2086
	POD_NAMESPACE=shop POD_NAME=$POD_NAME HOOKBOX_REVISION=$POD_REVISION \
		$HB_PREFIX "$AGENT" "$cmd" --output json --podinfo "$POD_DIR" \
		--collector "$COL_URL" --token-file "$TOKEN_FILE" --require-delivery \
		--report-file "$REPORTS/$report.pb" --termination-log "$HB_TMP/none" \
		"$@" >"$HB_TMP/agent.out" 2>"$HB_TMP/agent.err"
	HB_RC=$?
	# A command's output comes first on stdout: the report follows it,
	# from the first line that is a lone "{".
	HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/agent.out")
	HB_ERR=$(cat "$HB_TMP/agent.err")
}

# logs ARGS...: hookbox-collector logs; sets HB_RC, HB_OUT, HB_ERR.
logs()
{
	HB_OUT=$($HB_PREFIX "$COL" logs --server "$COL_URL" --token-file "$TOKEN_FILE" \
		--namespace shop --release demo "$@" 2>"$HB_TMP/logs.err")
	HB_RC=$?
	HB_ERR=$(cat "$HB_TMP/logs.err")
}

# get PATH?QUERY [CURL ARGS...]: prints the status; body in $HB_TMP/get.out,
# headers in $HB_TMP/get.hdr.
get()
{
	local url=$1
	shift
	curl -s -o "$HB_TMP/get.out" -D "$HB_TMP/get.hdr" -w '%{http_code}' \
		-H "Authorization: Bearer $TOKEN" "$@" "$COL_URL/v1/releases/shop/demo/$url"
}

# line_of TEXT NEEDLE: the first line number of NEEDLE in TEXT (0: none).
line_of()
{
	local n
	n=$(grep -nF -- "$2" <<<"$1" | head -1 | cut -d: -f1)
	echo "${n:-0}"
}

hb_start_collector "$STORE" || hb_die "the collector did not start"
hb_port WEB_PORT
hb_port CLOSED_PORT

# -- the pods of revision 1 --------------------------------------------------

hb_case "revision 1: a migration Job that waits, prints and fails"
# The database it waits for comes up two seconds late.
hb_start_nginx_late "$WEB_PORT" 2
pod demo-migrate-x7k2p demo-migrate "pre-install, pre-upgrade" -5 1
run_pod migrate-1 exec --wait-for "http://127.0.0.1:$WEB_PORT/ok" -- \
	sh -c 'echo "applying 0001_init"; echo "applying 0002_users";
	       printf "\033[2J\033]0;pwned\007\033[31mred\033[0m\n";
	       echo "ERROR: relation \"users\" already exists" >&2; exit 3'
hb_assert_exit 3
hb_assert_json '.checks[0].outcome' PASSED
hb_assert_eq "waited" 1 "$(hb_json '(.checks[0].durationMs > 1500) | if . then 1 else 0 end')"
hb_assert_json '.checks[1].command.exitCode' 3

hb_case "revision 1: a post-install seed whose output is longer than its tail"
pod demo-seed-4kq9w demo-seed post-install 0 1
run_pod seed-1 exec --output-tail 1K -- \
	sh -c 'i=0; while [ $i -lt 500 ]; do echo "seed row $i"; i=$((i+1)); done'
hb_assert_exit 0
SEED_BYTES=$(seq 0 499 | sed 's/^/seed row /' | wc -c)
hb_assert_json '.checks[0].command.stdoutDroppedBytes' "$((SEED_BYTES - 1024))"
hb_assert_eq "kept" 1024 "$(hb_json '.checks[0].command.stdoutTail | length')"

hb_case "revision 1: a test pod whose http check fails"
pod demo-test-api "" test 0 1
run_pod test-1 http "http://127.0.0.1:$CLOSED_PORT/healthz" --name api-health \
	--timeout 2s
hb_assert_exit 1
hb_assert_json '.checks[0].failureClass' CONNECTION_REFUSED

hb_case "revision 2: the migration passes"
pod demo-migrate-8fj2m demo-migrate "pre-install, pre-upgrade" -5 2
run_pod migrate-2 exec --wait-for "http://127.0.0.1:$WEB_PORT/ok" -- \
	sh -c 'echo "nothing to migrate"'
hb_assert_exit 0

# -- the pods are gone -------------------------------------------------------

# Nothing but the collector's store holds the reports now: the agents have
# exited, their pod folders go, and the collector itself restarts.
rm -rf "$HB_TMP"/pod-*
kill -TERM "$COL_PID"
wait "$COL_PID" 2>/dev/null
hb_start_collector "$STORE" || hb_die "the collector did not start"

hb_case "logs of revision 1 in Helm's order"
logs --revision 1
hb_assert_eq "exit (a hook failed)" 1 "$HB_RC"
migrate=$(line_of "$HB_OUT" "HOOK: demo-migrate")
seed=$(line_of "$HB_OUT" "HOOK: demo-seed")
test=$(line_of "$HB_OUT" "HOOK: demo-test-api")
hb_assert_eq "hooks in order (pre-install, post-install, test)" "1 1 1" \
	"$([ "$migrate" -gt 0 ] && echo 1) $([ "$seed" -gt "$migrate" ] && echo 1) $([ "$test" -gt "$seed" ] && echo 1)"
hb_assert_contains "header" "$HB_OUT" $'NAME: demo\nNAMESPACE: shop\nREVISION: 1\n'
hb_assert_contains "events" "$HB_OUT" "  events: pre-install, pre-upgrade"
hb_assert_contains "wait-for" "$HB_OUT" "  check wait-for-0 (http http://127.0.0.1:$WEB_PORT/ok): PASSED in "
hb_assert_contains "class" "$HB_OUT" '  check command (exec): FAILED in '
hb_assert_contains "class" "$HB_OUT" 'COMMAND_FAILED: "sh" exited with status 3'
hb_assert_contains "hint" "$HB_OUT" "    hint: "
hb_assert_contains "command line" "$HB_OUT" "    command line: sh -c 'echo \"applying 0001_init\";"
hb_assert_contains "exit status" "$HB_OUT" "    exit status: 3"
hb_assert_contains "stdout" "$HB_OUT" $'      | applying 0001_init\n      | applying 0002_users\n'
hb_assert_contains "stderr" "$HB_OUT" $'    stderr (39 bytes):\n      | ERROR: relation "users" already exists\n'
hb_assert_contains "tail cut" "$HB_OUT" \
	"    stdout (last 1024 bytes; $((SEED_BYTES - 1024)) bytes before them not kept):"
hb_assert_eq "tail lines" 1 "$(grep -c '^      | seed row 4[0-9][0-9]$' <<<"$HB_OUT" | awk '{print ($1 >= 70 && $1 <= 79)}')"
hb_assert_contains "tail end" "$HB_OUT" $'      | seed row 499\n'
hb_assert_contains "test check" "$HB_OUT" "  check api-health (http http://127.0.0.1:$CLOSED_PORT/healthz): FAILED in "
hb_assert_contains "test class" "$HB_OUT" "CONNECTION_REFUSED: "
hb_assert_eq "test hint" 1 "$(sed -n '/check api-health/{n;p}' <<<"$HB_OUT" | grep -c '^    hint: ')"

hb_case "control sequences are shown, not obeyed"
hb_assert_eq "ESC bytes" 0 "$(tr -cd '\033\007\r' <<<"$HB_OUT" | wc -c)"
hb_assert_contains "escaped" "$HB_OUT" '      | \x1b[2J\x1b]0;pwned\x07\x1b[31mred\x1b[0m'

hb_case "the latest revision unless told"
logs
hb_assert_eq "exit" 0 "$HB_RC"
hb_assert_contains "revision" "$HB_OUT" "REVISION: 2"
hb_assert_contains "migration" "$HB_OUT" "      | nothing to migrate"
hb_assert_eq "hooks" 1 "$(grep -c '^HOOK: ' <<<"$HB_OUT")"

hb_case "--hook selects an event or a hook"
logs --revision 1 --hook test
hb_assert_eq "exit" 1 "$HB_RC"
hb_assert_eq "hooks" "HOOK: demo-test-api" "$(grep '^HOOK: ' <<<"$HB_OUT")"
logs --revision 1 --hook post-install
hb_assert_eq "exit" 0 "$HB_RC"
hb_assert_eq "hooks" "HOOK: demo-seed" "$(grep '^HOOK: ' <<<"$HB_OUT")"
logs --revision 1 --hook demo-migrate
hb_assert_eq "hooks" "HOOK: demo-migrate" "$(grep '^HOOK: ' <<<"$HB_OUT")"
logs --revision 1 --hook demo-migrate --output json
hb_assert_eq "json" "demo-migrate 3 ERROR: relation \"users\" already exists" \
	"$(jq -r '.hooks[] | "\(.name) \(.checks[1].command.exitCode) \(.checks[1].command.stderrTail)"' <<<"$HB_OUT" | head -c 200 | tr -d '\n')"

hb_case "bad filters: exit 2 with the reason"
logs --hook 'Bad_Name'
hb_assert_eq "exit" 2 "$HB_RC"
hb_assert_contains "reason" "$HB_ERR" "--hook \"Bad_Name\": want an event"
logs --revision 1 --hook pre-delete
hb_assert_eq "exit" 2 "$HB_RC"
hb_assert_contains "reason" "$HB_ERR" \
	"collector answered 404: no hook \"pre-delete\" in shop/demo revision 1; its hooks: demo-migrate, demo-seed, demo-test-api"
logs --revision 9
hb_assert_eq "exit" 2 "$HB_RC"
hb_assert_contains "reason" "$HB_ERR" "no reports of shop/demo revision 9; the latest is 2"
logs --revision x
hb_assert_eq "exit" 2 "$HB_RC"
hb_assert_contains "reason" "$HB_ERR" "--revision \"x\""

hb_case "GET .../logs as text"
hb_assert_eq "status" 200 "$(get 'logs?revision=1')"
hb_assert_contains "type" "$(cat "$HB_TMP/get.hdr")" "Content-Type: text/plain; charset=utf-8"
text=$(cat "$HB_TMP/get.out")
hb_assert_eq "same as logs" "$(logs --revision 1; echo "$HB_OUT")" "$text"
hb_assert_eq "ESC bytes" 0 "$(tr -cd '\033\007\r' <"$HB_TMP/get.out" | wc -c)"
hb_assert_eq "status" 200 "$(get 'logs?revision=1&hook=test')"
hb_assert_eq "hooks" "HOOK: demo-test-api" "$(grep '^HOOK: ' "$HB_TMP/get.out")"

hb_case "GET .../logs as JSON (Accept, or format=json)"
hb_assert_eq "status" 200 "$(get 'logs?revision=1' -H 'Accept: application/json')"
hb_assert_contains "type" "$(cat "$HB_TMP/get.hdr")" "Content-Type: application/json"
hb_assert_eq "hooks" "demo-migrate demo-seed demo-test-api" \
	"$(jq -r '[.hooks[].name] | join(" ")' "$HB_TMP/get.out")"
hb_assert_eq "ESC kept, escaped" 1 \
	"$(jq -r '.hooks[0].checks[1].command.stdoutTail' "$HB_TMP/get.out" | tr -cd '\033' | wc -c | awk '{print ($1 > 0)}')"
hb_assert_contains "no raw ESC" "$(tr -d '\033' <"$HB_TMP/get.out" | cmp -s - "$HB_TMP/get.out" && echo none)" none
hb_assert_eq "status" 200 "$(get 'logs?format=json&hook=pre-install')"
hb_assert_eq "latest, pre-install" "2 demo-migrate nothing to migrate" \
	"$(jq -r '"\(.revision) \(.hooks[0].name) \(.hooks[0].checks[1].command.stdoutTail)"' "$HB_TMP/get.out" | tr -d '\n')"

hb_case "GET .../logs: bad filters are 4xx with the reason"
hb_assert_eq "bad hook" 400 "$(get 'logs?hook=Bad%1bName')"
hb_assert_contains "reason" "$(cat "$HB_TMP/get.out")" 'hook "Bad\x1bName": want an event'
hb_assert_eq "bad revision" 400 "$(get 'logs?revision=-1')"
hb_assert_eq "bad format" 400 "$(get 'logs?format=xml')"
hb_assert_contains "reason" "$(cat "$HB_TMP/get.out")" 'format "xml": want text or json'
hb_assert_eq "unknown hook" 404 "$(get 'logs?hook=nope')"
hb_assert_contains "reason" "$(cat "$HB_TMP/get.out")" 'no hook "nope" in shop/demo revision 2'
hb_assert_eq "no token" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$COL_URL/v1/releases/shop/demo/logs")"
hb_assert_eq "other path" 404 "$(get 'logz')"

hb_case "reduce --logs over the report files (offline)"
files=("$REPORTS"/*.pb)
hb_assert_eq "report files" 4 "${#files[@]}"
HB_OUT=$($HB_PREFIX "$COL" reduce --logs --revision 1 "${files[@]}" 2>"$HB_TMP/reduce.err")
HB_RC=$?
hb_assert_eq "exit" 1 "$HB_RC"
hb_assert_eq "same as the collector's" "$text" "$HB_OUT"
HB_OUT=$($HB_PREFIX "$COL" reduce --logs --hook test --revision 1 --output json "${files[@]}")
hb_assert_eq "json" "demo-test-api CONNECTION_REFUSED" \
	"$(jq -r '.hooks[] | "\(.name) \(.checks[0].failureClass)"' <<<"$HB_OUT")"
"$COL" reduce --logs --hook 'x y' "${files[@]}" >/dev/null 2>"$HB_TMP/reduce.err"
hb_assert_eq "bad hook exit" 2 "$?"
hb_assert_contains "reason" "$(cat "$HB_TMP/reduce.err")" "--hook \"x y\": want an event"
"$COL" reduce --logs --hook pre-delete "${files[@]}" >/dev/null 2>"$HB_TMP/reduce.err"
hb_assert_eq "no such hook exit" 2 "$?"
hb_assert_contains "reason" "$(cat "$HB_TMP/reduce.err")" 'no hook "pre-delete" in shop/demo revision 2'

hb_finish
