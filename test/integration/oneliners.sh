#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The one-liners as a chart's args write them, against a real PostgreSQL 15
# and nginx: several targets in one (the dockerize -wait / wait-for-it
# pattern), ${VAR} in arguments expanded as a spec's strings are, with an
# unset variable named and a password never printed, and hookbox validate
# --no-env on a rendered spec whose variables only the pod has.
# Usage: HB_BUILD=build bash test/integration/oneliners.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"

hb_setup
hb_port pg
hb_port web
hb_port late
hb_closed_port closed
hb_start_postgres "$pg"
hb_start_nginx "$web"

# == several targets ==========================================================

hb_case "tcp: two targets, one coming up late, each a check named by target"
hb_start_nginx_late "$late" 2
hb_agent tcp "127.0.0.1:$pg" "127.0.0.1:$late" --wait 120s --interval 200ms
hb_assert_exit 0
hb_assert_json '[.checks[] | "\(.name)=\(.outcome)"] | join(" ")' \
	"127.0.0.1:$pg=PASSED 127.0.0.1:$late=PASSED"
hb_assert_json '.checks[1].target' "127.0.0.1:$late"
# In parallel: the database's check did not wait for the late port.
hb_assert_lt "first check's ms" "$(hb_json '.checks[0].durationMs')" 1500
hb_assert_lt "late check waited" 1 "$(hb_json '.checks[1].attempts[-1].number')"

hb_case "tcp: one target of two refused fails the run, the other passes"
hb_agent tcp "127.0.0.1:$pg" "127.0.0.1:$closed"
hb_assert_exit 1
hb_assert_json '[.checks[] | .outcome] | join(" ")' "PASSED FAILED"
hb_assert_json '.checks[1].failureClass' CONNECTION_REFUSED

hb_case "http: flags apply to every target"
hb_agent http "http://127.0.0.1:$web/ok" "http://127.0.0.1:$web/json" \
	--expect-json status=ok
hb_assert_exit 0
hb_assert_json '[.checks[] | .name] | join(" ")' \
	"http://127.0.0.1:$web/ok http://127.0.0.1:$web/json"
hb_agent http "http://127.0.0.1:$web/ok" "http://127.0.0.1:$web/text" \
	--expect-json status=ok
hb_assert_exit 1
hb_assert_json '[.checks[] | .outcome] | join(" ")' "PASSED FAILED"

hb_case "postgres: names carry no password"
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app" \
	"postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/postgres" --query 'SELECT 1'
hb_assert_exit 0
hb_assert_json '.checks[0].name' "postgresql://$HB_PG_USER@127.0.0.1:$pg/app"
case $HB_OUT$HB_ERR in
*"$HB_PG_PASS"*) hb_fail "the output holds the password" ;;
*) hb_pass "the output does not hold the password" ;;
esac

hb_case "several targets and --name: refused"
hb_agent tcp a:1 b:2 --name db
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" '--name names one check: with 2 targets, each is named after its target'

# == ${VAR} in arguments ======================================================

hb_case '${VAR}: a password from the environment, as in a pod'"'"'s args'
# Single quotes: no shell expands it, as none does in a pod's args.
export ES_PW=$HB_PG_PASS
hb_agent postgres 'postgresql://app:${ES_PW}@127.0.0.1:'"$pg"'/app' --query 'SELECT 1'
hb_assert_exit 0
hb_assert_outcome PASSED
case $HB_OUT$HB_ERR in
*"$HB_PG_PASS"*) hb_fail "the output holds the password" ;;
*) hb_pass "the output does not hold the password" ;;
esac

hb_case '${VAR}: a wrong password from the environment is refused, and not printed'
export ES_PW='wrong-s3cret-value'
hb_agent postgres 'postgresql://app:${ES_PW}@127.0.0.1:'"$pg"'/app'
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
case $HB_OUT$HB_ERR in
*"$ES_PW"*) hb_fail "the output holds the password" ;;
*) hb_pass "the output does not hold the password" ;;
esac

hb_case '${VAR}: unset exits 2 naming it'
unset ES_PW
hb_agent postgres 'postgresql://app:${ES_PW}@127.0.0.1:'"$pg"'/app'
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" 'environment variable "ES_PW" is not set'

hb_case '${VAR:-default} and flags'"'"' values expand too'
export HB_TEST_PATH=/json HB_TEST_STATUS=ok
hb_agent http 'http://127.0.0.1:'"$web"'${HB_TEST_PATH:-/nothing}' \
	--expect-json 'status=${HB_TEST_STATUS}' --timeout '${HB_TEST_TIMEOUT:-3s}'
hb_assert_exit 0
hb_assert_json '.checks[0].target' "http://127.0.0.1:$web/json"
hb_agent http "http://127.0.0.1:$web/ok" --expect-body '^\{.*\}$$'
hb_assert_exit 0
hb_agent tcp '${HB_TEST_NOHOST}:1'
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" 'command line: checks[0].address: environment variable "HB_TEST_NOHOST" is not set'

hb_case 'exec --wait-for: ${VAR} in the URL'
export HB_TEST_PORT=$web
hb_agent exec --wait-for 'http://127.0.0.1:${HB_TEST_PORT}/ok' -- true
hb_assert_exit 0

# == validate --no-env ========================================================

cat >"$HB_TMP/rendered.json" <<'EOF'
{"defaults": {"timeout": "${TIMEOUT:-5s}"},
 "checks": [
  {"name": "es", "kind": "http", "url": "${ES_URL}",
   "headers": {"Authorization": "Basic ${ES_AUTH}"},
   "expect": {"status": "${ES_STATUS}", "body": "${ES_BODY}", "max_latency": "${LAT}"}},
  {"name": "db", "kind": "postgres", "url": "postgresql://app@${DB_HOST}:5432/app",
   "password_file": "/secrets/db/password", "after": ["es"]},
  {"name": "port", "kind": "tcp", "address": "${DB_HOST}:5432", "wait": "${WAIT}"}]}
EOF

hb_case "validate --no-env: a rendered spec whose variables only the pod has"
hb_agent validate --no-env "$HB_TMP/rendered.json"
hb_assert_exit 0
hb_assert_contains stdout "$HB_OUT" "3 checks, valid (--no-env:"
hb_agent validate "$HB_TMP/rendered.json"
hb_assert_exit 2
hb_assert_contains "without --no-env" "$HB_ERR" 'checks[0].url: environment variable "ES_URL" is not set'

hb_case "validate --no-env: still checks all the rest"
# bad JQ-EDIT EXPECTED
bad()
{
	jq "$1" "$HB_TMP/rendered.json" >"$HB_TMP/bad.json"
	hb_agent validate --no-env "$HB_TMP/bad.json"
	hb_assert_exit 2
	hb_assert_contains "$1" "$HB_ERR" "$2"
}
bad '.defaults.timeout = "${TIMEOUT:-5x}"' 'defaults.timeout: "5x" is not a duration'
bad '.checks[0].url = "ftp://es/"' 'checks[0].url: expected a URL starting with http:// or https://'
bad '.checks[2].address = "db"' 'checks[2].address:'
bad '.checks[0].url = "${ES_URL"' 'checks[0].url: unterminated "${"'
bad '.checks[0].expect.body = "("' 'checks[0].expect.body: invalid regular expression'
bad '.checks[1].after = ["se"]' 'checks[1].after[0]: no check is named "se"'
bad '.checks[2].adress = "x"' 'checks[2].adress: unknown key'
bad '.checks[2].retry_on = ["${CLASS}"]' 'checks[2].retry_on[0]: unknown failure class "${CLASS}"'

hb_finish
