#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The scheduler's order and its retries, against a real PostgreSQL 15 and
# nginx: "after" (podinfo's write -> read -> delete, as create -> insert ->
# select -> drop, with --parallel 8; a check skipped naming the one that did
# not pass; refusals of unknown names, a check after itself and cycles),
# and what a wait retries (AUTH_FAILED and a certificate that fails
# verification end it at once, saying why; retry_on waits for a user an
# init job creates later).
# Usage: HB_BUILD=build bash test/integration/order.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"

hb_setup
hb_make_certs
hb_port pg
hb_port web
hb_port late
hb_port tls_self
hb_start_postgres "$pg"
hb_start_nginx "$web"
hb_start_nginx_tls "$tls_self" "$HB_CERTS/self.pem" "$HB_CERTS/self.key"

pg_url="postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app"

# write_spec TABLE: podinfo's test as SQL, declared in reverse: each step
# fails when it runs before the one it names in "after".
write_spec()
{
	local t=$1
	jq -n --arg u "$pg_url" --arg t "$t" '{checks: [
	  {name: "delete", kind: "postgres", url: $u, after: ["read"],
	   query: "DROP TABLE \($t)"},
	  {name: "read", kind: "postgres", url: $u, after: ["write"],
	   query: "SELECT count(*) FROM \($t)", expect: {value: "2"}},
	  {name: "write", kind: "postgres", url: $u, after: ["create"],
	   query: "INSERT INTO \($t) VALUES (1), (2)"},
	  {name: "create", kind: "postgres", url: $u,
	   query: "CREATE TABLE \($t) (x int)"}]}'
}

# The report's checks by name: "name=OUTCOME" in declared order.
outcomes()
{
	hb_json '[.checks[] | "\(.name)=\(.outcome)"] | join(" ")'
}

hb_case "after: create -> write -> read -> delete in order, --parallel 8, five runs"
for run in 1 2 3 4 5; do
	write_spec "podinfo_$run" >"$HB_TMP/order.json"
	hb_agent run "$HB_TMP/order.json" --parallel 8
	hb_assert_exit 0
	hb_assert_eq "run $run" "delete=PASSED read=PASSED write=PASSED create=PASSED" "$(outcomes)"
	# Each step started once the one it runs after had ended.
	hb_assert_eq "run $run: start order" "create write read delete" \
		"$(hb_json '[.checks[] | {n: .name, s: .attempts[0].startedAt}] | sort_by(.s) | map(.n) | join(" ")')"
done
left=$(hb_psql "$pg" app -tAc "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'podinfo_%'")
hb_assert_eq "tables left behind" 0 "$left"

hb_case "control: without after, the same spec in declared order fails"
write_spec podinfo_control | jq 'del(.checks[].after)' >"$HB_TMP/noorder.json"
hb_agent run "$HB_TMP/noorder.json" --parallel 1
hb_assert_exit 1
hb_assert_json '.checks[0].failureClass' QUERY_ERROR
hb_psql "$pg" app -c 'DROP TABLE IF EXISTS podinfo_control' >/dev/null

hb_case "after: a check whose predecessor failed is SKIPPED, naming it"
write_spec "missing_schema.podinfo" >"$HB_TMP/fail.json"
hb_agent run "$HB_TMP/fail.json" --parallel 8
hb_assert_exit 1
hb_assert_json '.phase' PHASE_FAILED
hb_assert_eq outcomes "delete=SKIPPED read=SKIPPED write=SKIPPED create=FAILED" "$(outcomes)"
hb_assert_json '.checks[2].message' 'not run: it runs after "create", which did not pass'
hb_assert_json '.checks[1].message' 'not run: it runs after "write", which was skipped'
hb_assert_json '.checks[1].attempts | length' 0

hb_case "after: a required check skipped after an optional one that failed fails the phase"
jq -n --arg u "$pg_url" '{checks: [
  {name: "seed", kind: "postgres", url: $u, query: "SELECT nope", optional: true},
  {name: "read", kind: "postgres", url: $u, query: "SELECT 1", after: ["seed"]}]}' \
	>"$HB_TMP/opt.json"
hb_agent run "$HB_TMP/opt.json"
hb_assert_exit 1
hb_assert_eq outcomes "seed=FAILED read=SKIPPED" "$(outcomes)"

hb_case "after: waiting on a predecessor burns none of the check's own wait"
# "up" waits for a port that opens after 2 s; "page" may wait only 500ms,
# counted from its own start, after "up" passed.
hb_start_nginx_late "$late" 2
jq -n --arg a "127.0.0.1:$late" --arg u "http://127.0.0.1:$late/ok" '{checks: [
  {name: "page", kind: "http", url: $u, wait: "500ms", after: ["up"]},
  {name: "up", kind: "tcp", address: $a, wait: "30s", retry: {interval: "200ms"}}]}' \
	>"$HB_TMP/late.json"
hb_agent run "$HB_TMP/late.json"
hb_assert_exit 0
hb_assert_eq outcomes "page=PASSED up=PASSED" "$(outcomes)"
hb_assert_json '.checks[0].attempts | length' 1

hb_case "after: refused with exit 2 at the JSON path"
# refuse NAME EXPECTED JQ-EDIT: validate a spec edited by JQ-EDIT.
refuse()
{
	write_spec t | jq "$2" >"$HB_TMP/bad.json"
	hb_agent validate "$HB_TMP/bad.json"
	hb_assert_exit 2
	hb_assert_contains "$1" "$HB_ERR" "$3"
}
refuse "unknown name" '.checks[1].after = ["wirte"]' \
	'checks[1].after[0]: no check is named "wirte" (did you mean "write"?)'
refuse "itself" '.checks[2].after = ["create", "write"]' \
	'checks[2].after[1]: a check cannot run after itself'
refuse "cycle" '.checks[3].after = ["delete"]' \
	'checks[3].after[0]: a cycle: "create" runs after "delete" runs after "read" runs after "write" runs after "create"'
refuse "twice" '.checks[0].after = ["read", "read"]' \
	'checks[0].after[1]: "read" is already in the list'
refuse "empty" '.checks[0].after = []' \
	'checks[0].after: expected a non-empty array of check names'
refuse "not a string" '.checks[0].after = [1]' \
	'checks[0].after[0]: expected a string'

# == what a wait retries ======================================================

hb_case "wait: a refused password ends a 10-minute --wait at once, saying why"
hb_agent postgres "postgresql://$HB_PG_USER:wrong@127.0.0.1:$pg/app" --wait 10m
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json_contains '.checks[0].message' '(not retried: the server is up and refused the credentials; retry_on AUTH_FAILED retries it)'
hb_assert_json '.checks[0].attempts | length' 1
hb_assert_lt "seconds" "$HB_ELAPSED" 30

hb_case "wait: a database that does not exist ends it too"
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/nosuchdb" --wait 10m
hb_assert_outcome FAILED DATABASE_NOT_FOUND
hb_assert_json_contains '.checks[0].message' 'not retried: the server is up and has no such database'
hb_assert_lt "seconds" "$HB_ELAPSED" 30

hb_case "wait: a certificate that fails verification ends it, a TLS_ERROR of kind verify"
hb_agent http "https://127.0.0.1:$tls_self/ok" --wait 10m
hb_assert_outcome FAILED TLS_ERROR
hb_assert_detail tls_error verify
hb_assert_json_contains '.checks[0].message' 'not retried: the server'"'"'s certificate failed verification'
hb_assert_lt "seconds" "$HB_ELAPSED" 30

hb_case "wait: retries what time fixes (a 5xx) until the deadline"
hb_agent http "http://127.0.0.1:$web/fail" --wait 2s --interval 300ms
hb_assert_outcome FAILED HTTP_STATUS
n=$(hb_json '.checks[0].attempts[-1].number')
hb_assert_lt "more than one attempt" 1 "$n"

hb_case "wait: --retry-on AUTH_FAILED waits for a user created later"
(sleep 3 && hb_psql "$pg" postgres -c "CREATE ROLE late_user LOGIN PASSWORD 'late-secret'" \
	>"$HB_TMP/late_role.log" 2>&1) &
late_pid=$!
hb_agent postgres "postgresql://late_user:late-secret@127.0.0.1:$pg/app" \
	--query 'SELECT 1' --wait 60s --interval 500ms --retry-on AUTH_FAILED
wait "$late_pid"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_eq "first attempt" AUTH_FAILED "$(hb_json '.checks[0].attempts[0].failureClass')"
hb_assert_lt "seconds" "$HB_ELAPSED" 60

hb_case "wait: retry_on in defaults, overridden per check"
jq -n --arg u "postgresql://$HB_PG_USER:wrong@127.0.0.1:$pg/app" '{
  defaults: {wait: "2s", retry: {interval: "300ms"}, retry_on: ["AUTH_FAILED"]},
  checks: [{name: "waits", kind: "postgres", url: $u},
           {name: "stops", kind: "postgres", url: $u, retry_on: ["QUERY_ERROR"]}]}' \
	>"$HB_TMP/retry_on.json"
hb_agent run "$HB_TMP/retry_on.json"
hb_assert_exit 1
n=$(hb_json '.checks[0].attempts[-1].number')
hb_assert_lt "waits: more than one attempt" 1 "$n"
hb_assert_json '.checks[1].attempts | length' 1

hb_case "retry_on: refused with exit 2 at the JSON path"
jq -n '{checks: [{kind: "tcp", address: "a:1", retry_on: ["AUTH_FAILD"]}]}' >"$HB_TMP/bad.json"
hb_agent validate "$HB_TMP/bad.json"
hb_assert_exit 2
hb_assert_contains "unknown class" "$HB_ERR" 'checks[0].retry_on[0]: unknown failure class "AUTH_FAILD" (did you mean "AUTH_FAILED"?)'
jq -n '{defaults: {retry_on: ["TIMEOUT", "SANDBOX_VIOLATION"]}, checks: [{kind: "tcp", address: "a:1"}]}' >"$HB_TMP/bad.json"
hb_agent validate "$HB_TMP/bad.json"
hb_assert_exit 2
hb_assert_contains "never retried" "$HB_ERR" 'defaults.retry_on[1]: SANDBOX_VIOLATION is never retried'
jq -n '{checks: [{kind: "tcp", address: "a:1", retry_on: "TIMEOUT"}]}' >"$HB_TMP/bad.json"
hb_agent validate "$HB_TMP/bad.json"
hb_assert_exit 2
hb_assert_contains "not a list" "$HB_ERR" 'checks[0].retry_on: expected an array of failure classes'
hb_agent tcp a:1 --retry-on TIMEOUTS
hb_assert_exit 2
hb_assert_contains "one-liner" "$HB_ERR" 'retry_on[0]: unknown failure class "TIMEOUTS" (did you mean "TIMEOUT"?)'

hb_finish
