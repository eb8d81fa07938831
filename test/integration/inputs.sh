#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the agent takes in: bytes that are not UTF-8 reach a real collector
# as U+FFFD instead of losing the report, and a check name that is not
# UTF-8 is a spec error.
. "$(dirname "$0")/lib.sh"
hb_setup

hb_port col
printf 'hb-inputs-token-%s\n' "$RANDOM" >"$HB_TMP/token"
token=$(tr -d '\n' <"$HB_TMP/token")
"$HB_BUILD/hookbox-collector" serve --listen "127.0.0.1:$col" \
	--store "sqlite:$HB_TMP/reports.db" --token-file "$HB_TMP/token" \
	>"$HB_TMP/collector.log" 2>&1 &
HB_PIDS+=($!)
hb_wait_tcp 127.0.0.1 "$col" 10 || hb_die "collector did not start: $(cat "$HB_TMP/collector.log")"
export POD_NAMESPACE=inputs POD_NAME=inputs-test HOOKBOX_RELEASE=inputs \
	HOOKBOX_REVISION=1 HOOKBOX_HOOK=test

# The report the collector stored under the id of the last run's.
stored()
{
	curl -s -H "Authorization: Bearer $token" \
		"http://127.0.0.1:$col/v1/reports/$(hb_json .reportId)"
}

hb_case "a command's output that is not UTF-8 is delivered, as U+FFFD"
# printf's format holds a raw 0xFF byte: in argv and in the output.
"$HB_BUILD/hookbox" exec --output json --collector "http://127.0.0.1:$col" \
	--token-file "$HB_TMP/token" --require-delivery --podinfo "$HB_TMP/none" \
	-- printf $'ok \xff\\n' >"$HB_TMP/exec.out" 2>"$HB_TMP/exec.err"
HB_RC=$?
HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/exec.out")
HB_ERR=$(cat "$HB_TMP/exec.err")
hb_assert_exit 0
hb_assert_eq "stderr" "" "$HB_ERR"
report=$(stored)
hb_assert_eq "stored stdoutTail" '"ok \ufffd\n"' \
	"$(jq -a '.checks[0].command.stdoutTail' <<<"$report")"
hb_assert_eq "stored argv" '"ok \ufffd\\n"' \
	"$(jq -a '.checks[0].command.argv[1]' <<<"$report")"
hb_assert_eq "printed stdoutTail" '"ok \ufffd\n"' \
	"$(jq -a '.checks[0].command.stdoutTail' <<<"$HB_OUT")"

hb_case "pod metadata that is not UTF-8 is delivered too"
POD_NAME=$'inputs-\xfe' hb_agent tcp "127.0.0.1:$col" --collector "http://127.0.0.1:$col" \
	--token-file "$HB_TMP/token" --require-delivery --podinfo "$HB_TMP/none"
hb_assert_exit 0
hb_assert_eq "stored podName" '"inputs-\ufffd"' "$(stored | jq -a .pod.podName)"

hb_case "a check name that is not UTF-8 is a spec error naming the path"
printf '{"checks": [{"name": "ok", "kind": "tcp", "address": "127.0.0.1:1"},
 {"name": "caf\xe9", "kind": "tcp", "address": "127.0.0.1:1"}]}\n' >"$HB_TMP/latin1.json"
hb_agent validate "$HB_TMP/latin1.json"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "latin1.json: checks[1].name: a name must be valid UTF-8"
hb_agent run "$HB_TMP/latin1.json"
hb_assert_exit 2
hb_agent tcp "127.0.0.1:$col" --name $'caf\xe9'
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "command line: checks[0].name: a name must be valid UTF-8"

hb_finish
