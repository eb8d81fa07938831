#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What ported charts' http checks say (issue 14): a URL without a scheme,
# a redirect not followed naming where it points, hints by HTTP status, and
# credentials without the URL (basic auth against nginx's auth_basic, a
# bearer token), whose password never shows in any output.
# Usage: HB_BUILD=build bash test/integration/http_lang.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hb_setup
hb_port web
hb_port other
command -v openssl >/dev/null || hb_die "openssl is not installed (scripts/deps.sh test)"

# A password with every character a URL cannot hold raw, between words
# that must never appear in any output.
pw='qwxz7@vbnm3/kjhg5#plok2?zaqw9'
pw_words=(qwxz7 vbnm3 kjhg5 plok2 zaqw9)
printf '%s\n' "$pw" >"$HB_TMP/es-password"
printf 'wrong-%s\n' "$RANDOM" >"$HB_TMP/bad-password"
# Elasticsearch's user, as nginx's auth_basic checks it.
printf 'elastic:%s\n' "$(openssl passwd -apr1 "$pw")" >"$HB_TMP/htpasswd"
# A ServiceAccount token: a JWT's three words and the newline kubelet does
# not add but `kubectl create secret --from-file` keeps.
token="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl$RANDOM"
printf '%s\n' "$token" >"$HB_TMP/sa-token"
printf 'not-the-token\n' >"$HB_TMP/bad-token"
mkdir -p "$HB_TMP/www/es"
printf '{"cluster_name":"es","status":"green"}' >"$HB_TMP/www/es/health"
chmod -R a+rX "$HB_TMP/www" "$HB_TMP/htpasswd"

hb_nginx_conf "$HB_TMP/nginx-$web" "127.0.0.1:$web" "
		# Grafana's / sends the browser to its login page.
		location = / { return 302 /login; }
		location = /login { return 200 'login page'; }
		location = /to-cred { return 302 http://admin:hunter2@127.0.0.1:$web/login; }
		location = /to-other { return 302 http://127.0.0.1:$other/ok; }
		location = /s401 { return 401; }
		location = /s403 { return 403; }
		location = /s400 { return 400; }
		location = /s502 { return 502; }
		location = /s503 { return 503; }
		# Elasticsearch behind basic auth (return would answer before
		# the access phase: the file is served).
		location /es/ {
			auth_basic elasticsearch;
			auth_basic_user_file $HB_TMP/htpasswd;
			alias $HB_TMP/www/es/;
		}
		# The Kubernetes API's answer to a ServiceAccount token.
		location = /api {
			if (\$http_authorization != 'Bearer $token') { return 401; }
			return 200 'api ok';
		}
		location = /echo { return 200 'auth=[\$http_authorization]'; }
		location = /to-echo { return 302 /echo; }
		location = /to-localhost { return 302 http://localhost:$web/echo; }"
hb_nginx_launch "$HB_TMP/nginx-$web" 0
hb_wait_tcp 127.0.0.1 "$web" 10 ||
	hb_die "nginx did not start: $(tail -3 "$HB_TMP/nginx-$web/error.log")"
hb_start_nginx "$other"
base=http://127.0.0.1:$web

# hb_human ARGS...: the agent's human output (stdout and stderr) in HB_HUMAN.
hb_human()
{
	# shellcheck disable=SC2086
	HB_HUMAN=$($HB_PREFIX "$HB_BUILD/hookbox" "$@" 2>&1)
	HB_RC=$?
}

# Fails when any word of the password is in the text $2 (what $1 names).
assert_no_password()
{
	local w
	for w in "${pw_words[@]}"; do
		case $2 in
		*"$w"*) hb_fail "$1 shows \"$w\", a part of the password"; return ;;
		esac
	done
	hb_pass "$1 shows no part of the password"
}

# -- 1. a URL without a scheme is http:// -----------------------------------

hb_case "hookbox http host:port/path is http://host:port/path"
hb_agent http "127.0.0.1:$web/login"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json '.checks[0].target' "$base/login"

hb_case "a name without a port or path is http://name"
hb_agent http "localhost" --timeout 2s
hb_assert_json '.checks[0].target' "http://localhost"

hb_case "a spec's url without a scheme, and validate"
printf '{"checks": [{"name": "web", "kind": "http", "url": "127.0.0.1:%s/login"}]}' \
	"$web" >"$HB_TMP/noscheme.json"
hb_agent validate "$HB_TMP/noscheme.json"
hb_assert_exit 0
hb_agent run "$HB_TMP/noscheme.json"
hb_assert_exit 0
hb_assert_json '.checks[0].target' "$base/login"

hb_case "a scheme without // is refused, saying what is taken"
printf '{"checks": [{"kind": "http", "url": "https:/%s/login"}]}' "$web" \
	>"$HB_TMP/halfscheme.json"
hb_agent validate "$HB_TMP/halfscheme.json"
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" \
	'checks[0].url: expected a URL starting with http:// or https://, or "host:port/path" (taken as http://)'

# -- 2. a redirect not followed says where it points ------------------------

hb_case "Grafana's / -> 302 /login fails naming the Location"
hb_agent http "$base/"
hb_assert_exit 1
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json '.checks[0].message' "status 302, expected 2xx (a redirect to \"$base/login\", not followed)"
hb_assert_json_contains '.checks[0].hint' 'follow it with follow_redirects (--follow-redirects'
hb_assert_json_contains '.checks[0].hint' 'or expect the 3xx in expect.status'

hb_case "the human output shows the redirect's hint"
hb_human http "$base/"
hb_assert_contains "human output" "$HB_HUMAN" "hint: the server redirects"

hb_case "--follow-redirects follows it, --expect-status 302 expects it"
hb_agent http "$base/" --follow-redirects
hb_assert_outcome PASSED
hb_agent http "$base/" --expect-status 302
hb_assert_outcome PASSED

hb_case "a Location's password is not shown"
hb_agent http "$base/to-cred"
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json '.checks[0].message' "status 302, expected 2xx (a redirect to \"http://admin@127.0.0.1:$web/login\", not followed)"
hb_assert_eq "hunter2 anywhere" "" "$(printf '%s%s' "$HB_OUT" "$HB_ERR" | grep -o hunter2)"

hb_case "a redirect to another port under follow_redirects true has the redirect hint"
hb_agent http "$base/to-other" --follow-redirects
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json_contains '.checks[0].message' "not followed: port $other"
hb_assert_json_contains '.checks[0].hint' '"any" for another host or port'

# -- 3. hints by status -------------------------------------------------------

hb_case "401 and 403 point at credentials, the Secret and RBAC"
hb_agent http "$base/s401"
hb_assert_json '.checks[0].message' "status 401, expected 2xx"
hb_assert_json_contains '.checks[0].hint' 'check user and password_file (or bearer_token_file) and the Secret'
hb_agent http "$base/s403"
hb_assert_json_contains '.checks[0].hint' "the ServiceAccount's RBAC (Role and RoleBinding)"

hb_case "404 points at the path"
hb_agent http "$base/no/such/path"
hb_assert_json '.checks[0].message' "status 404, expected 2xx"
hb_assert_json_contains '.checks[0].hint' "nothing is served at that path: check the URL's path"

hb_case "503 points at ready endpoints"
hb_agent http "$base/s503"
hb_assert_json_contains '.checks[0].hint' 'the Service has no ready endpoints (kubectl get endpoints)'

hb_case "other 5xx point at the application's logs"
hb_agent http "$base/s502"
hb_assert_json_contains '.checks[0].hint' "see its logs (kubectl logs)"

hb_case "another status keeps the class's hint"
hb_agent http "$base/s400"
hb_assert_json_contains '.checks[0].hint' "the server answered with an unexpected status"

hb_case "the hint is the last attempt's"
hb_agent http "$base/s503" --retries 1 --interval 10ms
hb_assert_json '.checks[0].attempts | length' 2
hb_assert_json_contains '.checks[0].hint' 'no ready endpoints'

# -- 5. credentials without the URL -----------------------------------------

hb_case "basic auth: --user and --password-file with @, /, # and ? in the password"
hb_agent http "$base/es/health" --user elastic --password-file "$HB_TMP/es-password" \
	--expect-json status=green
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json '.checks[0].target' "$base/es/health"
assert_no_password "the JSON output and stderr" "$HB_OUT$HB_ERR"

hb_case "Elasticsearch's basic auth in a spec: user and password_file"
cat >"$HB_TMP/es.json" <<EOF
{"checks": [{"name": "es", "kind": "http", "url": "$base/es/health",
  "user": "elastic", "password_file": "$HB_TMP/es-password",
  "expect": {"json": {"status": "green"}}}]}
EOF
hb_agent run "$HB_TMP/es.json" --report-file "$HB_TMP/es.pb"
hb_assert_exit 0
hb_assert_outcome PASSED
assert_no_password "the report file" "$(tr -c '[:print:]' ' ' <"$HB_TMP/es.pb")"
hb_human run "$HB_TMP/es.json"
assert_no_password "the human output" "$HB_HUMAN"

hb_case "a wrong password is a 401 with the credentials' hint"
hb_agent http "$base/es/health" --user elastic --password-file "$HB_TMP/bad-password"
hb_assert_exit 1
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json '.checks[0].message' "status 401, expected 2xx"
hb_assert_json_contains '.checks[0].hint' 'check user and password_file'

hb_case "without credentials the same URL is a 401"
hb_agent http "$base/es/health"
hb_assert_json '.checks[0].message' "status 401, expected 2xx"

hb_case "a password inline in the spec works too"
cat >"$HB_TMP/es-inline.json" <<EOF
{"checks": [{"kind": "http", "url": "$base/es/health", "user": "elastic",
  "password": "\${ES_PW}"}]}
EOF
ES_PW=$pw hb_agent run "$HB_TMP/es-inline.json"
hb_assert_exit 0
assert_no_password "the JSON output and stderr" "$HB_OUT$HB_ERR"

hb_case "a raw @, / and # in a URL's password is refused, not printed"
hb_agent http "http://elastic:$pw@127.0.0.1:$web/es/health"
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" 'command line: checks[0].url: '
hb_assert_contains stderr "$HB_ERR" 'or give "user" and "password_file" (--user, --password-file) instead'
assert_no_password "stdout and stderr" "$HB_OUT$HB_ERR"
for raw in 'ab@cd' 'ab/cd' 'ab#cd' 'ab?cd' 'ab%zz'; do
	hb_agent http "http://elastic:$raw@127.0.0.1:$web/es/health"
	hb_assert_exit 2
	hb_assert_eq "\"$raw\" quoted" "" "$(printf '%s' "$HB_ERR" | grep -o "$raw")"
done
printf '{"checks": [{"kind": "http", "url": "http://elastic:%s@127.0.0.1:%s/"}]}' \
	"$pw" "$web" >"$HB_TMP/raw.json"
hb_agent validate "$HB_TMP/raw.json"
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" 'raw.json: checks[0].url: an "@" follows the credentials'
assert_no_password "validate's stderr" "$HB_ERR"

hb_case "a percent-encoded password in the URL still works, shown without it"
enc=$(jq -rn --arg s "$pw" '$s | @uri')
hb_agent http "http://elastic:$enc@127.0.0.1:$web/es/health"
hb_assert_exit 0
hb_assert_json '.checks[0].target' "http://elastic@127.0.0.1:$web/es/health"
assert_no_password "the JSON output" "$HB_OUT"

hb_case "a ServiceAccount token: --bearer-token-file"
hb_agent http "$base/api" --bearer-token-file "$HB_TMP/sa-token"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_eq "the token anywhere" "" "$(printf '%s%s' "$HB_OUT" "$HB_ERR" | grep -o "$token")"
hb_agent http "$base/api" --bearer-token-file "$HB_TMP/bad-token"
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json '.checks[0].message' "status 401, expected 2xx"
hb_assert_json_contains '.checks[0].hint' 'bearer_token_file'

hb_case "a ServiceAccount token in a spec: bearer_token_file"
cat >"$HB_TMP/api.json" <<EOF
{"checks": [{"name": "api", "kind": "http", "url": "$base/api",
  "bearer_token_file": "$HB_TMP/sa-token", "expect": {"body": "^api ok$"}}]}
EOF
hb_agent run "$HB_TMP/api.json"
hb_assert_exit 0

hb_case "credentials follow a redirect to the check's own host only"
hb_agent http "$base/to-echo" --follow-redirects --bearer-token-file "$HB_TMP/sa-token" \
	--expect-body "^auth=\\[Bearer $token\\]$"
hb_assert_exit 0
hb_agent http "$base/to-localhost" --follow-redirects any \
	--bearer-token-file "$HB_TMP/sa-token" --expect-body '^auth=\[\]$'
hb_assert_exit 0
printf 'pw\n' >"$HB_TMP/app-password"
hb_agent http "$base/to-echo" --follow-redirects --user app \
	--password-file "$HB_TMP/app-password" --expect-body '^auth=\[Basic YXBwOnB3\]$'
hb_assert_exit 0
hb_agent http "$base/to-localhost" --follow-redirects any --user app \
	--password-file "$HB_TMP/app-password" --expect-body '^auth=\[\]$'
hb_assert_exit 0

hb_case "validate refuses bad credentials with the JSON path"
# bad_spec FIELDS MESSAGE: an http check with FIELDS is refused, saying MESSAGE.
bad_spec()
{
	printf '{"checks": [{"kind": "http", "url": "%s", %s}]}' "${3:-$base/}" "$1" \
		>"$HB_TMP/bad.json"
	hb_agent validate "$HB_TMP/bad.json"
	hb_assert_exit 2
	hb_assert_contains stderr "$HB_ERR" "bad.json: $2"
}
bad_spec "\"password_file\": \"$HB_TMP/es-password\"" \
	'checks[0].password_file: a password needs "user" (basic auth sends both)'
bad_spec '"user": "a:b", "password": "x"' \
	'checks[0].user: a basic-auth user name cannot contain ":"'
bad_spec '"user": "app"' \
	'checks[0].user: the URL has credentials too: give them in one place' \
	"http://app:x@127.0.0.1:$web/"
bad_spec "\"user\": \"app\", \"bearer_token_file\": \"$HB_TMP/sa-token\"" \
	'checks[0].bearer_token_file: "bearer_token" and "user" would each send an Authorization header'
bad_spec '"bearer_token": "two words"' \
	'checks[0].bearer_token: a bearer token is one word'
bad_spec '"bearer_token": "t", "headers": {"Authorization": "Basic x"}' \
	'checks[0].headers.Authorization: "bearer_token" sets the Authorization header too'
bad_spec '"bearer_token_file": "/nonexistent/token"' \
	'checks[0].bearer_token_file: reading "/nonexistent/token"'
printf ' \n' >"$HB_TMP/blank-token"
bad_spec "\"bearer_token_file\": \"$HB_TMP/blank-token\"" \
	"checks[0].bearer_token_file: reading \"$HB_TMP/blank-token\": empty (a bearer token is one word)"
printf 'two words\n' >"$HB_TMP/two-token"
bad_spec "\"bearer_token_file\": \"$HB_TMP/two-token\"" \
	'checks[0].bearer_token_file: reading'
hb_assert_contains stderr "$HB_ERR" 'the token has a space or a control character inside'
bad_spec '"bearer_token": "t", "password": "x", "user": "u"' \
	'checks[0].bearer_token: "bearer_token" and "user" would each send'

hb_case "each check's child holds its own credential only (bearer and basic)"
# The LD_PRELOAD shim (test/helpers/shim.c) has each process that connects
# search its own memory for the strings of HB_SHIM_SCAN; the sandbox is off
# so that it may read /proc/self/mem.
shim=$HB_BUILD/hb-test-shim.so
[ -f "$shim" ] || hb_die "no $shim (built by test/core.cmake)"
scan_tok="hb-tok-$RANDOM$RANDOM-x"
scan_pw="hb-pw-$RANDOM$RANDOM-y"
printf '%s\n' "$scan_tok" >"$HB_TMP/scan-token"
printf '%s\n' "$scan_pw" >"$HB_TMP/scan-password"
cat >"$HB_TMP/scan.json" <<JSON
{"checks": [
  {"name": "bearer", "kind": "http", "url": "127.0.0.1:$other/ok",
   "bearer_token_file": "$HB_TMP/scan-token"},
  {"name": "basic", "kind": "http", "url": "127.0.0.1:$other/ok",
   "user": "app", "password_file": "$HB_TMP/scan-password"}]}
JSON
hex=$(printf '%s' "$scan_tok" | od -An -tx1 | tr -d ' \n'),$(printf '%s' "$scan_pw" | od -An -tx1 | tr -d ' \n')
# Its lines go to a pipe: a check's child may write no file (RLIMIT_FSIZE).
HB_SHIM_SCAN=$hex LD_PRELOAD=$shim ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
	"$HB_BUILD/hookbox" run "$HB_TMP/scan.json" --sandbox off --output json \
	2>&1 >"$HB_TMP/scan.out" | cat >"$HB_TMP/scan.err"
HB_RC=${PIPESTATUS[0]}
HB_OUT=$(cat "$HB_TMP/scan.out")
hb_assert_exit 0
grep "^hb-shim-scan .* port=$other " "$HB_TMP/scan.err" >"$HB_TMP/scan"
hb_assert_eq "checks' children that scanned" 2 "$(wc -l <"$HB_TMP/scan")"
# Index 0 the token, 1 the password: one child found each, none both.
hb_assert_eq "what each child found" "0 1" \
	"$(grep -oE 'found=[0-9,]*' "$HB_TMP/scan" | cut -d= -f2 | sed 's/,$//' |
		sort | tr '\n' ' ' | sed 's/ $//')"

hb_finish
