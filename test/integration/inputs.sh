#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the agent takes in: bytes that are not UTF-8 reach a real collector
# as U+FFFD instead of losing the report, a check name that is not UTF-8 is
# a spec error, and every file the agent reads before its checks start, if
# it is a FIFO, is refused at once by name instead of hanging the run.
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

# -- files that are not regular files ----------------------------------------

fifo=$HB_TMP/fifo
mkfifo "$fifo"
# prompt ARGS...: hb_agent ARGS, stopped after 10 s if it hangs (the exit
# status is then 124).
prompt()
{
	HB_PREFIX="timeout 10 ${HB_PREFIX:-}" hb_agent "$@"
	hb_assert_lt "seconds" "$HB_ELAPSED" 8
}

# spec_ref JSON-MEMBERS: a one-check spec with those members.
spec_ref()
{
	printf '{"checks": [{"name": "c", %s}]}\n' "$1" >"$HB_TMP/ref.json"
}

for ref in \
	"password_file|\"kind\": \"redis\", \"url\": \"redis://127.0.0.1:1\", \"password_file\": \"$fifo\"" \
	"url_file|\"kind\": \"postgres\", \"url_file\": \"$fifo\"" \
	"send_file|\"kind\": \"tcp\", \"address\": \"127.0.0.1:1\", \"send_file\": \"$fifo\"" \
	"expect.value_file|\"kind\": \"redis\", \"url\": \"redis://127.0.0.1:1\", \"expect\": {\"value_file\": \"$fifo\"}" \
	"ca_file|\"kind\": \"http\", \"url\": \"https://127.0.0.1:1/\", \"ca_file\": \"$fifo\"" \
	"key_file|\"kind\": \"http\", \"url\": \"https://127.0.0.1:1/\", \"cert_file\": \"$HB_TMP/token\", \"key_file\": \"$fifo\""; do
	key=${ref%%|*}
	spec_ref "${ref#*|}"
	for cmd in validate run; do
		hb_case "$cmd: a $key that is a FIFO is refused by name"
		prompt "$cmd" "$HB_TMP/ref.json"
		hb_assert_exit 2
		hb_assert_contains "stderr" "$HB_ERR" \
			"ref.json: checks[0].$key: reading \"$fifo\": not a regular file"
	done
done

hb_case "--password-file that is a FIFO is refused by name"
prompt redis redis://127.0.0.1:1 --password-file "$fifo"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" \
	"command line: checks[0].password_file: reading \"$fifo\": not a regular file"

hb_case "--token-file that is a FIFO is refused by name"
prompt tcp "127.0.0.1:$col" --collector "http://127.0.0.1:$col" \
	--token-file "$fifo" --require-delivery
hb_assert_exit 1
hb_assert_contains "stderr" "$HB_ERR" "token file \"$fifo\": not a regular file"

hb_case "a downward-API file that is a FIFO is ignored, by name"
mkdir "$HB_TMP/podinfo"
mkfifo "$HB_TMP/podinfo/labels"
printf 'helm.sh/hook="test"\n' >"$HB_TMP/podinfo/annotations"
prompt tcp "127.0.0.1:$col" --podinfo "$HB_TMP/podinfo"
hb_assert_exit 0
hb_assert_contains "stderr" "$HB_ERR" "--podinfo: ignoring \"$HB_TMP/podinfo/labels\": not a regular file"
hb_assert_json '.pod.hookEvents[0]' test

hb_case "a --termination-log that is a FIFO is not written, by name"
prompt tcp "127.0.0.1:$col" --termination-log "$fifo"
hb_assert_exit 0
hb_assert_contains "stderr" "$HB_ERR" "--termination-log \"$fifo\": not a regular file"

hb_case "a Secret's key (links to a regular file) is read"
# As the kubelet mounts it: key -> ..data/key, ..data -> ..<timestamp>.
mkdir -p "$HB_TMP/secret/..2024_01_01"
printf '127.0.0.1:%s\n' "$col" >"$HB_TMP/secret/..2024_01_01/addr"
ln -s ..2024_01_01 "$HB_TMP/secret/..data"
ln -s ..data/addr "$HB_TMP/secret/addr"
spec_ref "\"kind\": \"tcp\", \"address_file\": \"$HB_TMP/secret/addr\""
prompt run "$HB_TMP/ref.json"
hb_assert_exit 0
hb_assert_json .checks[0].target "127.0.0.1:$col"

hb_case "the spec itself may still come from a pipe"
spec_ref "\"kind\": \"tcp\", \"address\": \"127.0.0.1:$col\""
prompt run <(cat "$HB_TMP/ref.json")
hb_assert_exit 0
hb_assert_json .checks[0].outcome PASSED
HB_PREFIX="timeout 10 ${HB_PREFIX:-}" hb_agent run - <"$HB_TMP/ref.json"
hb_assert_exit 0
hb_assert_json .checks[0].outcome PASSED

hb_case "the collector refuses a --tls-cert or --token-file that is a FIFO, by name"
for opt in --tls-cert --token-file; do
	if [ "$opt" = --tls-cert ]; then
		args=(--tls-cert "$fifo" --tls-key "$HB_TMP/token")
	else
		args=(--token-file "$fifo")
	fi
	t0=$(date +%s.%N)
	timeout 10 "$HB_BUILD/hookbox-collector" serve --listen 127.0.0.1:0 \
		--store "sqlite:$HB_TMP/fifo-case.db" "${args[@]}" \
		>"$HB_TMP/col.out" 2>"$HB_TMP/col.err"
	status=$?
	t1=$(date +%s.%N)
	hb_assert_eq "$opt: exit status" 1 "$status"
	hb_assert_lt "$opt: seconds" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 8
	hb_assert_contains "$opt: stderr" "$(cat "$HB_TMP/col.err")" "\"$fifo\": not a regular file"
done

hb_finish
