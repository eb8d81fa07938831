#!/bin/bash
# SPDX-License-Identifier: MIT
# The collector's web page in a real browser: a collector filled by real
# agents (a passing release, a failing one with a hostile check name and
# command output, a Running one), Debian's Chromium headless driven by
# chromium-driver from Debian's Selenium (test/integration/web_browser.py),
# and the page's headers, token rules and cookie checked with curl.
# Screenshots go to $HB_BUILD/test-output/web/. Without Chromium the suite
# fails: scripts/deps.sh test installs it.
. "$(dirname "$0")/lib.sh"
hb_setup

COL=$HB_BUILD/hookbox-collector
PY=/usr/bin/python3
[ -x "$COL" ] || hb_die "no $COL"
[ -x "$HB_BUILD/hookbox" ] || hb_die "no $HB_BUILD/hookbox"
for bin in /usr/bin/chromium /usr/bin/chromedriver "$PY"; do
	[ -x "$bin" ] || hb_die "no $bin: run scripts/deps.sh test (chromium chromium-driver python3-selenium)"
done
"$PY" -c 'import selenium' 2>/dev/null ||
	hb_die "Debian's python3-selenium is missing: run scripts/deps.sh test"
OUT=$HB_BUILD/test-output/web
rm -rf "$OUT"
mkdir -p "$OUT"

TOKEN_FILE=$HB_TMP/token
printf 'web-%s%s\n' "$RANDOM" "$RANDOM" >"$TOKEN_FILE"
TOKEN=$(tr -d '\n' <"$TOKEN_FILE")
HOSTILE='<img src=x onerror=alert(1)>'

hb_port WEB_PORT
hb_closed_port CLOSED
hb_start_nginx "$WEB_PORT"
hb_port COL_PORT
hb_start_collector "sqlite:$HB_TMP/web.db" || hb_die "collector did not start"
COL_URL=http://127.0.0.1:$COL_PORT

# podinfo DIR JOB EVENTS WEIGHT: the downward-API files of a hook's pod.
podinfo()
{
	mkdir -p "$1"
	printf 'job-name="%s"\n' "$2" >"$1/labels"
	printf 'helm.sh/hook="%s"\nhelm.sh/hook-weight="%s"\n' "$3" "$4" >"$1/annotations"
}

# agent NS RELEASE REVISION JOB EVENTS WEIGHT KIND ARGS...: one hook's real
# run, its report delivered to the collector (the run flags go before an
# exec's "--").
agent()
{
	local ns=$1 rel=$2 rev=$3 job=$4 ev=$5 w=$6 kind=$7
	shift 7
	podinfo "$HB_TMP/pi-$job" "$job" "$ev" "$w"
	POD_NAMESPACE=$ns POD_NAME=$job-pod HOOKBOX_RELEASE=$rel HOOKBOX_REVISION=$rev \
		hb_agent "$kind" --collector "$COL_URL" --token-file "$TOKEN_FILE" \
		--require-delivery --podinfo "$HB_TMP/pi-$job" "$@"
}

hb_case "reports from real agents"
# A passing release: its hooks sent in the reverse of Helm's order.
for rev in 1 2 3; do
	agent web-ok shop "$rev" shop-test test 0 http "http://127.0.0.1:$WEB_PORT/ok" --name frontpage
	hb_assert_exit 0
done
agent web-ok shop 3 shop-migrate-b pre-install 5 http "http://127.0.0.1:$WEB_PORT/ok" --name ready
agent web-ok shop 3 shop-migrate-a pre-install 5 http "http://127.0.0.1:$WEB_PORT/ok" --name ready
agent web-ok shop 3 shop-first pre-install -1 http "http://127.0.0.1:$WEB_PORT/ok" --name ready
hb_assert_exit 0
# A failing release, the same way twice: a refused check named with
# markup, and a wrapped command that prints markup and fails.
for rev in 1 2; do
	agent web-bad api "$rev" api-test test 0 tcp "127.0.0.1:$CLOSED" --name "$HOSTILE" \
		--timeout 2s
	hb_assert_exit 1
	# hb_agent would put its --output after the command's "--".
	podinfo "$HB_TMP/pi-api-migrate" api-migrate pre-install 0
	POD_NAMESPACE=web-bad POD_NAME=api-migrate-pod HOOKBOX_RELEASE=api HOOKBOX_REVISION=$rev \
		"$HB_BUILD/hookbox" exec --collector "$COL_URL" --token-file "$TOKEN_FILE" \
		--require-delivery --podinfo "$HB_TMP/pi-api-migrate" --quiet \
		-- sh -c 'echo "applying 0042_users"; echo "<img src=x onerror=alert(1)>"; exit 3' \
		>/dev/null 2>&1
	hb_assert_eq "the failing command's exit" 3 "$?"
done
# A Running release: a wrapped command that waits until the browser has
# the page open (two minutes at most); its Running report is delivered
# while it waits.
GO=$HB_TMP/go
podinfo "$HB_TMP/pi-job-run" job-run test 0
POD_NAMESPACE=web-run POD_NAME=job-run-pod HOOKBOX_RELEASE=job HOOKBOX_REVISION=1 \
	"$HB_BUILD/hookbox" exec --collector "$COL_URL" --token-file "$TOKEN_FILE" \
	--require-delivery --podinfo "$HB_TMP/pi-job-run" \
	-- sh -c "i=0; while [ ! -e '$GO' ] && [ \$i -lt 600 ]; do sleep 0.2; i=\$((i + 1)); done; echo done" \
	>"$HB_TMP/run.out" 2>&1 &
RUN_PID=$!
HB_PIDS+=("$RUN_PID")
phase=""
for _ in $(seq 1 100); do
	phase=$(curl -s -H "Authorization: Bearer $TOKEN" "$COL_URL/v1/releases/web-run/job" |
		jq -r '.hooks[0].phase // empty')
	[ "$phase" = Running ] && break
	sleep 0.2
done
hb_assert_eq "the Running release's hook" Running "$phase"
HB_OUT="" HB_ERR=""

hb_case "headers and tokens (curl)"
h=$(curl -s -D - -o "$HB_TMP/index.html" -H "Authorization: Bearer $TOKEN" "$COL_URL/")
hb_assert_contains "index CSP" "$h" \
	"Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
hb_assert_contains "index type" "$h" "Content-Type: text/html; charset=utf-8"
hb_assert_contains "nosniff" "$h" "X-Content-Type-Options: nosniff"
h=$(curl -s -D - -o "$HB_TMP/rel.html" -H "Authorization: Bearer $TOKEN" "$COL_URL/ui/releases/web-bad/api")
hb_assert_contains "release page CSP" "$h" "Content-Security-Policy: default-src 'none'; script-src 'self'"
hb_assert_eq "no inline script" 0 "$(grep -c '<script>' "$HB_TMP/rel.html")"
hb_assert_contains "hostile name escaped" "$(cat "$HB_TMP/rel.html")" '&lt;img src=x onerror=alert(1)&gt;'
hb_assert_eq "no raw markup from reports" 0 "$(grep -c '<img' "$HB_TMP/rel.html")"
hb_assert_eq "page without the token" 401 \
	"$(curl -s -o "$HB_TMP/login.html" -w '%{http_code}' "$COL_URL/ui/releases/web-bad/api")"
hb_assert_contains "it is the login form" "$(cat "$HB_TMP/login.html")" 'action="/ui/login"'
hb_assert_eq "no report on the login form" 0 "$(grep -c 'onerror' "$HB_TMP/login.html")"
h=$(curl -s -D - -o /dev/null --data-urlencode "token=wrong" "$COL_URL/ui/login")
hb_assert_contains "wrong token" "$h" "HTTP/1.1 401"
case $h in *Set-Cookie*) hb_fail "a wrong token set a cookie: $h" ;; *) hb_pass "no cookie for a wrong token" ;; esac
h=$(curl -s -D - -o /dev/null -H "Origin: http://evil.example" --data-urlencode "token=$TOKEN" \
	"$COL_URL/ui/login")
hb_assert_contains "a login posted from another site" "$h" "HTTP/1.1 403"
h=$(curl -s -D - -o /dev/null -c "$HB_TMP/jar" --data-urlencode "token=$TOKEN" "$COL_URL/ui/login")
hb_assert_contains "login" "$h" "HTTP/1.1 303"
cookie=$(printf '%s' "$h" | grep -i '^Set-Cookie:' | tr -d '\r')
hb_assert_contains "cookie flags" "$cookie" "; Path=/; HttpOnly; SameSite=Strict"
case $cookie in *"$TOKEN"*) hb_fail "the cookie holds the token" ;; *) hb_pass "the cookie is not the token" ;; esac
case $cookie in *Secure*) hb_fail "Secure without TLS" ;; *) hb_pass "no Secure flag over plain HTTP" ;; esac
hb_assert_eq "a page with the cookie" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$HB_TMP/jar" "$COL_URL/ui/releases/web-bad/api")"
hb_assert_eq "the API does not take the cookie" 401 \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$HB_TMP/jar" "$COL_URL/v1/releases")"
hb_assert_eq "no write action" 405 \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$HB_TMP/jar" -X POST "$COL_URL/ui/releases/web-bad/api")"
hb_assert_eq "hostile path" 400 \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$HB_TMP/jar" "$COL_URL/ui/releases/web-bad/%3Cimg%3E")"
list=$(curl -s -H "Authorization: Bearer $TOKEN" "$COL_URL/v1/releases")
hb_assert_eq "GET /v1/releases: failed first" "web-bad/api Failed" \
	"$(printf '%s' "$list" | jq -r '.releases[0] | "\(.namespace)/\(.release) \(.phase)"')"
hb_assert_eq "GET .../revisions" "3 2 1" \
	"$(curl -s -H "Authorization: Bearer $TOKEN" "$COL_URL/v1/releases/web-ok/shop/revisions" |
		jq -r '[.revisions[].revision] | map(tostring) | join(" ")')"

hb_case "open on loopback without a token, Secure over TLS"
hb_port OPEN_PORT
"$COL" serve --listen "127.0.0.1:$OPEN_PORT" --store "sqlite:$HB_TMP/open.db" \
	>>"$HB_TMP/open.log" 2>&1 &
HB_PIDS+=($!)
hb_wait_tcp 127.0.0.1 "$OPEN_PORT" 10 || hb_die "open collector did not start"
hb_assert_eq "index without a token" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OPEN_PORT/")"
hb_make_certs || hb_die "certificates"
hb_port TLS_PORT
"$COL" serve --listen "127.0.0.1:$TLS_PORT" --store "sqlite:$HB_TMP/tls.db" \
	--token-file "$TOKEN_FILE" --tls-cert "$HB_CERTS/server.pem" --tls-key "$HB_CERTS/server.key" \
	>>"$HB_TMP/tls.log" 2>&1 &
HB_PIDS+=($!)
hb_wait_tcp 127.0.0.1 "$TLS_PORT" 10 || hb_die "TLS collector did not start"
h=$(curl -s -D - -o /dev/null --cacert "$HB_CERTS/ca.pem" -H "Origin: https://127.0.0.1:$TLS_PORT" \
	--data-urlencode "token=$TOKEN" "https://127.0.0.1:$TLS_PORT/ui/login")
hb_assert_contains "cookie over TLS" "$(printf '%s' "$h" | tr -d '\r')" \
	"; Path=/; HttpOnly; SameSite=Strict; Secure"

hb_case "in Chromium"
HB_COL_URL=$COL_URL HB_TOKEN=$TOKEN HB_GO=$GO HB_OUT=$OUT HB_HOSTILE=$HOSTILE \
	"$PY" "$HB_SRC/test/integration/web_browser.py" >"$HB_TMP/browser.log" 2>&1
rc=$?
touch "$GO" # the browser's part, had it not got there
cat "$HB_TMP/browser.log" >&2
hb_assert_eq "browser suite exit" 0 "$rc"
for f in login index index-filtered release-ok release-failed running succeeded; do
	[ -s "$OUT/$f.png" ] && hb_pass "screenshot $OUT/$f.png" || hb_fail "no screenshot $f.png"
done
wait "$RUN_PID"
hb_assert_eq "the Running agent's exit" 0 "$?"

hb_case "GET /v1/releases?namespace=: filtered before the cap of 1,000"
# The open collector above, given 1,001 releases, one report each, posted
# by one curl over one connection: cap-0000/r to cap-0999/r, and
# zz-late/r, past the cap by namespace and name.
CAP=http://127.0.0.1:$OPEN_PORT
mkdir -p "$HB_TMP/cap"
: >"$HB_TMP/cap.curl"
for i in $(seq 0 1000); do
	ns=$(printf 'cap-%04d' "$i")
	[ "$i" = 1000 ] && ns=zz-late
	printf '{"reportId": "00000000-0000-4000-8000-%012d", "pod": {"namespace": "%s",
 "podName": "p", "release": "r", "revision": "1", "hookEvents": ["test"], "hookName": "t"},
 "startedAt": "2026-11-25T22:15:06.000Z", "finishedAt": "2026-11-25T22:15:07.000Z",
 "phase": "PHASE_SUCCEEDED"}\n' "$i" "$ns" >"$HB_TMP/cap/$i.json"
	[ "$i" = 0 ] || echo next >>"$HB_TMP/cap.curl"
	printf 'url = "%s/v1/reports"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\n' \
		"$CAP" "$HB_TMP/cap/$i.json" >>"$HB_TMP/cap.curl"
done
curl -s -f -K "$HB_TMP/cap.curl" || hb_fail "posting 1,001 reports: curl exit $?"
capget() { curl -s -o "$HB_TMP/cap.out" -w '%{http_code}' "$CAP$1"; }
hb_assert_eq "GET /v1/releases" 200 "$(capget /v1/releases)"
hb_assert_eq "the first 1,000, said to be truncated" "1000 true false" \
	"$(jq -r '[(.releases | length), .truncated,
		(any(.releases[]; .namespace == "zz-late"))] | map(tostring) | join(" ")' "$HB_TMP/cap.out")"
hb_assert_eq "GET /v1/releases?namespace=" 200 "$(capget '/v1/releases?namespace=')"
hb_assert_eq "an empty namespace is every one" "1000 true" \
	"$(jq -r '"\(.releases | length) \(.truncated)"' "$HB_TMP/cap.out")"
hb_assert_eq "GET /v1/releases?namespace=zz-late" 200 "$(capget '/v1/releases?namespace=zz-late')"
hb_assert_eq "past the cap, found by its namespace" "zz-late/r false" \
	"$(jq -r '"\([.releases[] | "\(.namespace)/\(.release)"] | join(" ")) \(.truncated)"' \
		"$HB_TMP/cap.out")"
hb_assert_eq "GET /v1/releases?namespace=cap-0007" 200 "$(capget '/v1/releases?namespace=cap-0007')"
hb_assert_eq "one namespace only" "cap-0007/r false" \
	"$(jq -r '"\([.releases[] | "\(.namespace)/\(.release)"] | join(" ")) \(.truncated)"' \
		"$HB_TMP/cap.out")"
hb_assert_eq "GET /v1/releases?namespace=nowhere" 200 "$(capget '/v1/releases?namespace=nowhere')"
hb_assert_eq "no such namespace" "0 false" \
	"$(jq -r '"\(.releases | length) \(.truncated)"' "$HB_TMP/cap.out")"
hb_assert_eq "GET /v1/releases?namespace=Bad_NS" 400 "$(capget '/v1/releases?namespace=Bad_NS')"
hb_assert_contains "reason" "$(cat "$HB_TMP/cap.out")" \
	'namespace "Bad_NS": not a Kubernetes namespace name'
hb_assert_eq "GET /" 200 "$(capget /)"
hb_assert_contains "the page says it left some out" "$(cat "$HB_TMP/cap.out")" \
	'<p class="truncated">Showing the first 1000 releases by namespace and name: filter by namespace'
hb_assert_eq "GET /?namespace=zz-late" 200 "$(capget '/?namespace=zz-late')"
hb_assert_contains "the page filtered in the store" "$(cat "$HB_TMP/cap.out")" \
	'data-namespace="zz-late" data-release="r"'
hb_assert_eq "and nothing left out" 0 "$(grep -c 'class="truncated"' "$HB_TMP/cap.out")"
hb_assert_contains "its filter shows it" "$(cat "$HB_TMP/cap.out")" \
	'<option selected value="zz-late">zz-late</option>'
# /metrics keeps its listing: the first 1,000 releases, four phases each.
hb_assert_eq "GET /metrics" 200 "$(capget /metrics)"
hb_assert_eq "metrics of the first 1,000 releases" "4000 0" \
	"$(grep -c '^hookbox_release_phase{' "$HB_TMP/cap.out") $(grep -c 'zz-late' "$HB_TMP/cap.out")"
hb_finish
