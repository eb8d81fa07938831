#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Integration suite of issue 14's matching, against a real nginx serving
# files this suite writes: PCRE2 patterns as blackbox_exporter, goss and
# Gatus users write them, their limits on a pathological body, literal text
# (expect.contains, expect.reply_contains) and expect.jq, each under the
# check's own sandbox.
# Usage: HB_BUILD=build bash test/integration/match.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hb_setup
hb_port web
www=$HB_TMP/www
mkdir -p "$www"
# nginx's own welcome page, as Debian ships it.
welcome=/usr/share/nginx/html/index.html
[ -r "$welcome" ] || hb_die "no $welcome (nginx-light, scripts/deps.sh test)"
cp "$welcome" "$www/index.html"
printf 'nginx version 123\n' >"$www/version.txt"
# A Prometheus exposition, as a kafka-exporter chart's test reads it.
cat >"$www/metrics" <<'EOM'
# HELP kafka_log_size Size of the partition's log
# TYPE kafka_log_size gauge
kafka_log_size{partition_id="0",topic="orders"} 42
EOM
# Elasticsearch's _cat/indices?format=json (Kibana, fluent-bit).
cat >"$www/indices.json" <<'EOM'
[{"health":"green","index":".kibana_1","docs.count":"3"},
 {"health":"green","index":"logstash-2026.12.05","docs.count":"120"}]
EOM
# Loki's query_range, with and without results.
echo '{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"shop"},"values":[["1733390000000000000","GET /health 200"]]}]}}' >"$www/loki.json"
echo '{"status":"success","data":{"resultType":"streams","result":[]}}' >"$www/loki-empty.json"
# Consul's /v1/agent/members: Status 1 is alive.
echo '[{"Name":"consul-0","Status":1},{"Name":"consul-1","Status":1},{"Name":"consul-2","Status":3}]' >"$www/members.json"
# 100 KiB of "a" then "b": (a+)+$ tries every split of the a's.
{ head -c 102400 /dev/zero | tr '\0' a; printf b; } >"$www/evil.txt"
# 64 KiB of text with the version at the end: matched by JIT-compiled code.
{ for _ in $(seq 1024); do printf '%63s\n' lorem; done; printf 'version 9.8.7\n'; } >"$www/long.txt"
chmod -R a+rX "$HB_TMP"
dir=$HB_TMP/nginx-$web
hb_nginx_conf "$dir" "127.0.0.1:$web" "location /f/ { alias $www/; }"
hb_nginx_launch "$dir" 0
hb_wait_tcp 127.0.0.1 "$web" 10 || hb_die "nginx did not start"
base=http://127.0.0.1:$web/f

# == item 13: PCRE2 =============================================================

hb_case "RE2-style classes match, as in blackbox_exporter and goss"
hb_agent http "$base/version.txt" --expect-body 'version \d+'
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent http "$base/version.txt" --expect-body 'version \d+\.\d+'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'body does not match /version \d+\.\d+/: "nginx version 123"'

hb_case "patterns copied from Gatus and blackbox_exporter, against nginx's own page"
for re in '<title>Welcome to \w+!</title>' '(?s)<h1>.*?</h1>' \
	'Thank you for using\s+nginx' '(?i)COMMERCIAL SUPPORT' '^<!DOCTYPE html>'; do
	hb_agent http "$base/index.html" --expect-body "$re"
	hb_assert_eq "/$re/" PASSED "$(hb_json '.checks[0].outcome')"
done

hb_case "a pathological pattern is stopped by PCRE2's limits, not the deadline"
hb_agent http "$base/evil.txt" --expect-body '(a+)+$' --timeout 30s
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json_contains '.checks[0].message' 'body not matched against /(a+)+$/: PCRE2 stopped at the match limit (1000000 steps)'
hb_assert_detail regex jit
hb_assert_lt "elapsed seconds" "$HB_ELAPSED" 10

hb_case "a long body is matched by JIT-compiled code under the check's filter"
hb_agent http "$base/long.txt" --expect-body 'version \d+\.\d+\.\d+\s*$'
hb_assert_outcome PASSED
hb_assert_detail regex jit
hb_assert_json '.sandbox.seccomp' true

hb_case "a pattern PCRE2 refuses exits 2 with its message and offset"
hb_agent http "$base/metrics" --expect-body 'sum(rate(kafka_log_size[5m])'
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" 'hookbox: command line: checks[0].expect.body: invalid regular expression: missing closing parenthesis at offset 28 (to match the text as it is, use "expect.contains")'

hb_case "tcp and database patterns go through PCRE2 too"
req=$'GET /f/version.txt HTTP/1.0\r\nHost: localhost\r\n\r\n'
hb_agent tcp "127.0.0.1:$web" --send "$req" --expect-reply 'HTTP/1\.1 200\b.*\r\n'
hb_assert_outcome PASSED

# == item 10: literal text ======================================================

hb_case "expect.contains finds a Prometheus selector as it is written"
hb_agent http "$base/metrics" --expect-body-contains 'kafka_log_size{partition_id="0",topic="orders"} 42'
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent http "$base/metrics" --expect-body-contains 'kafka_log_size{partition_id="1"'
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json_contains '.checks[0].message' 'body does not contain "kafka_log_size{partition_id="1"": "# HELP kafka_log_size'

hb_case "expect.reply_contains for tcp"
hb_agent tcp "127.0.0.1:$web" --send "$req" --expect-reply-contains 'nginx version 123'
hb_assert_outcome PASSED
hb_agent tcp "127.0.0.1:$web" --send "$req" --expect-reply-contains 'version 124' --timeout 2s
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json_contains '.checks[0].message' 'reply does not match "version 124"'
# Both: the regex and the text.
hb_agent tcp "127.0.0.1:$web" --send "$req" --expect-reply '^HTTP/1\.1 200' --expect-reply-contains 'version 123'
hb_assert_outcome PASSED

hb_case "in a spec, from a file"
printf 'logstash-2026' >"$HB_TMP/want.txt"
cat >"$HB_TMP/contains.json" <<EOM
{"checks": [
 {"name": "plain", "kind": "http", "url": "$base/indices.json", "expect": {"contains": "\"index\":\"logstash-"}},
 {"name": "file", "kind": "http", "url": "$base/indices.json", "expect": {"contains_file": "$HB_TMP/want.txt"}}]}
EOM
hb_agent run "$HB_TMP/contains.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED

# == item 11: jq ================================================================

hb_case "jq: Kibana's and fluent-bit's any index matches"
hb_agent http "$base/indices.json" --expect-jq 'any(.[]; .index | startswith("logstash"))'
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent http "$base/indices.json" --expect-jq 'any(.[]; .index | startswith("fluent-bit"))'
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'jq "any(.[]; .index | startswith("fluent-bit"))" yielded false, expected true'

hb_case "jq: Loki's at least one result"
hb_agent http "$base/loki.json" --expect-jq '.data.result | length >= 1'
hb_assert_outcome PASSED
hb_agent http "$base/loki-empty.json" --expect-jq '.data.result | length >= 1'
hb_assert_outcome FAILED ASSERTION_FAILED
# A number is not true: "length" alone would pass jq -e with none.
hb_agent http "$base/loki-empty.json" --expect-jq '.data.result | length'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'jq ".data.result | length" yielded 0, expected true'

hb_case "jq: Consul's alive members"
hb_agent http "$base/members.json" --expect-jq '[.[] | select(.Status == 1)] | length >= 2'
hb_assert_outcome PASSED
hb_agent http "$base/members.json" --expect-jq '.[] | .Status == 1'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'jq ".[] | .Status == 1" yielded true, true, false, expected true'

hb_case "jq: a body that is not JSON, and a run-time error"
hb_agent http "$base/version.txt" --expect-jq '.version'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json_contains '.checks[0].message' 'jq ".version": the body is not JSON'
hb_agent http "$base/loki.json" --expect-jq '.data.result[] | .stream.app | startswith(1)'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'jq ".data.result[] | .stream.app | startswith(1)": error: startswith() requires string inputs'

hb_case "jq: a bad expression exits 2 at its JSON path, with jq's message"
cat >"$HB_TMP/jq.json" <<EOM
{"checks": [{"kind": "http", "url": "$base/loki.json", "expect": {"jq": ".data.result | lenght >= 1"}}]}
EOM
hb_agent validate "$HB_TMP/jq.json"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "hookbox: $HB_TMP/jq.json: checks[0].expect.jq: lenght/0 is not defined at <top-level>, line 1"
hb_agent http "$base/loki.json" --expect-jq '.data.result |'
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "hookbox: command line: checks[0].expect.jq: syntax error, unexpected \$end"

hb_case "only a spec with expect.jq maps libjq in the agent"
cat >"$HB_TMP/nojq.json" <<EOM
{"checks": [{"kind": "http", "url": "$base/loki.json", "expect": {"contains": "success"}}]}
EOM
libs=$(LD_DEBUG=libs "$HB_BUILD/hookbox" validate "$HB_TMP/nojq.json" 2>&1 >/dev/null | grep -c 'calling init: .*libjq' || true)
hb_assert_eq "libjq initialised without expect.jq" 0 "$libs"
cat >"$HB_TMP/withjq.json" <<EOM
{"checks": [{"kind": "http", "url": "$base/loki.json", "expect": {"jq": ".data.result | length >= 1"}}]}
EOM
libs=$(LD_DEBUG=libs "$HB_BUILD/hookbox" validate "$HB_TMP/withjq.json" 2>&1 >/dev/null | grep -c 'calling init: .*libjq' || true)
hb_assert_eq "libjq initialised with expect.jq" 1 "$libs"

hb_case "jq runs in the check's child, under its filter"
hb_agent run "$HB_TMP/withjq.json"
hb_assert_exit 0
hb_assert_json '.sandbox.seccomp' true
hb_agent run "$HB_TMP/withjq.json" --sandbox log
hb_assert_exit 0
hb_assert_detail unlisted_syscalls ""

hb_case "jq in eight checks of a run: the zygote's children inherit the compiled programs"
{
	echo '{"checks": ['
	for i in 1 2 3 4 5 6 7; do
		echo "{\"kind\": \"http\", \"url\": \"$base/members.json\", \"expect\": {\"jq\": \"[.[] | select(.Status == 1)] | length == 2\"}},"
	done
	echo "{\"kind\": \"http\", \"url\": \"$base/loki.json\", \"expect\": {\"jq\": \".data.result[0].stream.app == \\\"shop\\\"\"}}]}"
} >"$HB_TMP/eight.json"
hb_agent run "$HB_TMP/eight.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
hb_assert_json '.checks | length' 8

hb_finish
