#!/bin/bash
# SPDX-License-Identifier: MIT
# hookbox-collector over real HTTP on 127.0.0.1: ingest, status (text, JSON,
# JUnit checked against test/junit.xsd), retries, Running-then-final,
# out-of-order revisions, bad input, tokens, real agents, and SIGKILL under a
# load of concurrent senders; the same store suite against SQLite and against
# a PostgreSQL 15 started here.
. "$(dirname "$0")/lib.sh"
hb_setup

COL=$HB_BUILD/hookbox-collector
LOAD=$HB_BUILD/hookbox-ingest-load
FIX=$HB_SRC/test/fixtures/collector
XSD=$HB_SRC/test/junit.xsd
PGBIN=${HB_PGBIN:-/usr/lib/postgresql/15/bin}
PG_DATA=""
COL_PID=""

[ -x "$COL" ] || hb_die "no $COL"
[ -x "$LOAD" ] || hb_die "no $LOAD"

pg_stop()
{
	[ -n "$PG_DATA" ] && [ -d "$PG_DATA" ] &&
		as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1
	PG_DATA=""
}
trap 'pg_stop; hb_cleanup' EXIT

# PostgreSQL refuses to run as root: the server runs as nobody then.
as_pg()
{
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

TOKEN_FILE=$HB_TMP/token
printf 's3cret-%s\n' "$RANDOM$RANDOM" >"$TOKEN_FILE"
TOKEN=$(tr -d '\n' <"$TOKEN_FILE")

# start_collector STORE [ARGS...]: see hb_start_collector.
start_collector()
{
	hb_start_collector "$@"
}

stop_collector()
{
	kill -"${1:-TERM}" "$COL_PID" 2>/dev/null
	wait "$COL_PID" 2>/dev/null
}

# post FILE TYPE [TOKEN]: prints the HTTP status; the answer is in $HB_TMP/post.out.
post()
{
	local tok=${3-$TOKEN}
	curl -s -o "$HB_TMP/post.out" -w '%{http_code}' -H "Content-Type: $2" \
		${tok:+-H "Authorization: Bearer $tok"} --data-binary @"$1" \
		"$COL_URL/v1/reports"
}

# status ARGS...: sets HB_RC and HB_OUT.
status()
{
	HB_OUT=$($HB_PREFIX "$COL" status --server "$COL_URL" --token-file "$TOKEN_FILE" "$@" \
		2>"$HB_TMP/status.err")
	HB_RC=$?
}

stored_ids()
{
	case $STORE in
	sqlite:*) sqlite3 "${STORE#sqlite:}" 'SELECT report_id FROM reports' ;;
	*) psql -X -q -At "$STORE" -c 'SELECT report_id FROM hookbox_reports' ;;
	esac
}

store_suite()
{
	STORE=$1
	local label=$2
	hb_port COL_PORT
	COL_URL=http://127.0.0.1:$COL_PORT
	start_collector "$STORE" --max-body 256K || {
		hb_case "$label: start"
		hb_fail "collector did not start"
		return
	}

	hb_case "$label: ingest and status"
	hb_assert_eq "POST running" 200 "$(post "$FIX/rev1-http-running.json" application/json)"
	status --namespace shop --release web
	hb_assert_eq "exit while Running" 3 "$HB_RC"
	hb_assert_contains "text" "$HB_OUT" "Phase:          Running"
	hb_assert_eq "POST final" 200 "$(post "$FIX/rev1-http-succeeded.json" application/json)"
	hb_assert_contains "answer" "$(cat "$HB_TMP/post.out")" '"result":"replaced"'
	status --namespace shop --release web
	hb_assert_eq "exit when Succeeded" 0 "$HB_RC"
	hb_assert_eq "POST failed hook" 200 "$(post "$FIX/rev1-db-failed.json" application/json)"
	status --namespace shop --release web
	hb_assert_eq "exit when Failed" 1 "$HB_RC"
	hb_assert_contains "text" "$HB_OUT" "TEST SUITE:     web-test-db
Last Started:   Wed Nov 25 22:15:02 2026
Last Completed: Wed Nov 25 22:15:07 2026
Phase:          Failed
TEST SUITE:     web-test-http"
	hb_assert_contains "failed check" "$HB_OUT" "web-test-db  postgres  CONNECTION_REFUSED: connect to 10.96.0.12:5432"
	hb_assert_contains "hint" "$HB_OUT" "hint: nothing listens on the port"
	status --namespace shop --release web --output junit
	printf '%s\n' "$HB_OUT" >"$HB_TMP/junit.xml"
	if xmllint --noout --schema "$XSD" "$HB_TMP/junit.xml" 2>"$HB_TMP/xmllint.err"; then
		hb_pass "JUnit validates against junit.xsd"
	else
		hb_fail "JUnit does not validate: $(head -3 "$HB_TMP/xmllint.err")"
	fi
	hb_assert_contains "junit failure" "$HB_OUT" 'type="CONNECTION_REFUSED"'
	status --namespace shop --release web --output json
	hb_assert_eq "json phase" Failed "$(printf '%s' "$HB_OUT" | jq -r .phase)"
	hb_assert_eq "json hooks by weight" "web-test-db web-test-http" \
		"$(printf '%s' "$HB_OUT" | jq -r '[.hooks[].name] | join(" ")')"
	local got
	got=$(curl -s -H "Authorization: Bearer $TOKEN" \
		"$COL_URL/v1/reports/5d2c7e10-9b4a-4f6e-8c3d-2a1b0c9d8e02" | jq -r .checks[0].failureClass)
	hb_assert_eq "GET /v1/reports/{id}" CONNECTION_REFUSED "$got"
	hb_assert_eq "GET unknown report" 404 "$(curl -s -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $TOKEN" "$COL_URL/v1/reports/00000000-0000-4000-8000-000000000000")"

	hb_case "$label: retries and Running after final"
	hb_assert_eq "retry" 200 "$(post "$FIX/rev1-http-succeeded.json" application/json)"
	hb_assert_contains "retry answer" "$(cat "$HB_TMP/post.out")" '"result":"unchanged"'
	hb_assert_eq "late Running" 200 "$(post "$FIX/rev1-http-running.json" application/json)"
	status --namespace shop --release web --output json
	hb_assert_eq "still Succeeded" Succeeded \
		"$(printf '%s' "$HB_OUT" | jq -r '.hooks[] | select(.name == "web-test-http") | .phase')"
	hb_assert_eq "stored once" 1 "$(stored_ids | grep -c 0b6f8a52-3c1e-4d8e-9a51-7f2c1d3e4a01)"
	"$LOAD" --emit "$HB_TMP/p1.pb" --id 11111111-2222-4333-8444-555555555555 \
		--namespace shop --release api --hook api-test --phase running >/dev/null
	"$LOAD" --emit "$HB_TMP/p2.pb" --id 11111111-2222-4333-8444-555555555555 \
		--namespace shop --release api --hook api-test --phase failed >/dev/null
	hb_assert_eq "protobuf Running" 200 "$(post "$HB_TMP/p1.pb" application/x-protobuf)"
	hb_assert_eq "protobuf final" 200 "$(post "$HB_TMP/p2.pb" application/x-protobuf)"
	hb_assert_eq "protobuf final again" 200 "$(post "$HB_TMP/p2.pb" application/x-protobuf)"
	status --namespace shop --release api
	hb_assert_eq "exit" 1 "$HB_RC"
	hb_assert_contains "failed check" "$HB_OUT" "HTTP_STATUS: answered 503, want 200"

	hb_case "$label: out-of-order revisions"
	hb_assert_eq "rev 2" 200 "$(post "$FIX/rev2-http-succeeded.json" application/json)"
	"$LOAD" --emit "$HB_TMP/late.pb" --namespace shop --release web --revision 1 \
		--hook web-test-http --phase failed >/dev/null
	hb_assert_eq "late rev 1" 200 "$(post "$HB_TMP/late.pb" application/x-protobuf)"
	status --namespace shop --release web
	hb_assert_eq "newest revision Succeeded" 0 "$HB_RC"
	hb_assert_contains "revision" "$HB_OUT" "REVISION: 2"
	status --namespace shop --release web --revision 1
	hb_assert_eq "revision 1 Failed" 1 "$HB_RC"

	hb_case "$label: --wait"
	"$LOAD" --emit "$HB_TMP/w1.pb" --id 22222222-2222-4333-8444-555555555555 \
		--namespace shop --release slow --hook slow-test --phase running >/dev/null
	"$LOAD" --emit "$HB_TMP/w2.pb" --id 22222222-2222-4333-8444-555555555555 \
		--namespace shop --release slow --hook slow-test --phase succeeded >/dev/null
	post "$HB_TMP/w1.pb" application/x-protobuf >/dev/null
	local t0 t1
	t0=$(date +%s)
	status --namespace shop --release slow --wait 2s
	hb_assert_eq "Running at the deadline" 3 "$HB_RC"
	(sleep 1; post "$HB_TMP/w2.pb" application/x-protobuf >/dev/null) &
	local poster=$!
	status --namespace shop --release slow --wait 30s
	t1=$(date +%s)
	hb_assert_eq "final before the deadline" 0 "$HB_RC"
	hb_assert_lt "seconds waited" "$((t1 - t0))" 15
	wait "$poster"

	hb_case "$label: bad input is refused and not stored"
	local before after
	before=$(stored_ids | wc -l)
	hb_assert_eq "no token" 401 "$(post "$FIX/rev1-db-failed.json" application/json "")"
	hb_assert_eq "wrong token" 401 "$(post "$FIX/rev1-db-failed.json" application/json wrong)"
	hb_assert_eq "GET without token" 401 "$(curl -s -o /dev/null -w '%{http_code}' \
		"$COL_URL/v1/releases/shop/web")"
	"$LOAD" --emit "$HB_TMP/big.pb" --checks 2000 >/dev/null
	hb_assert_eq "oversize" 413 "$(post "$HB_TMP/big.pb" application/x-protobuf)"
	head -c 300 /dev/urandom >"$HB_TMP/garbage.pb"
	hb_assert_eq "garbage" 400 "$(post "$HB_TMP/garbage.pb" application/x-protobuf)"
	"$LOAD" --emit "$HB_TMP/whole.pb" >/dev/null
	head -c $(($(stat -c %s "$HB_TMP/whole.pb") - 7)) "$HB_TMP/whole.pb" >"$HB_TMP/cut.pb"
	hb_assert_eq "truncated protobuf" 400 "$(post "$HB_TMP/cut.pb" application/x-protobuf)"
	hb_assert_eq "no report id" 400 "$(post "$FIX/bad-no-id.json" application/json)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" "reportId: missing"
	hb_assert_eq "not a UUID" 400 "$(post "$FIX/bad-not-uuid.json" application/json)"
	hb_assert_eq "wrong content type" 415 "$(post "$FIX/rev1-db-failed.json" text/plain)"
	printf '{"reportId": "33333333-2222-4333-8444-555555555555", "pod": ' >"$HB_TMP/cut.json"
	hb_assert_eq "truncated JSON" 400 "$(post "$HB_TMP/cut.json" application/json)"
	after=$(stored_ids | wc -l)
	hb_assert_eq "nothing stored" "$before" "$after"
	local metrics
	metrics=$(curl -s -H "Authorization: Bearer $TOKEN" "$COL_URL/metrics")
	hb_assert_contains "metrics" "$metrics" 'hookbox_reports_rejected_total{reason="too_large"} 1'
	hb_assert_contains "metrics" "$metrics" 'hookbox_release_phase{namespace="shop",release="web",phase="Succeeded"} 1'
	hb_assert_contains "metrics" "$metrics" 'hookbox_ingest_latency_seconds_count'

	hb_case "$label: real agents"
	if [ -x "$HB_BUILD/hookbox" ] && "$HB_BUILD/hookbox" --help 2>&1 | grep -q -- --collector; then
		local closed
		hb_closed_port closed
		for i in 1 2 3; do
			POD_NAMESPACE=agents POD_NAME=agent-test-$i HOOKBOX_RELEASE=demo \
				HOOKBOX_REVISION=1 HOOKBOX_HOOK=test \
				hb_agent tcp "127.0.0.1:$COL_PORT" --name collector-port \
				--collector "$COL_URL" --token-file "$TOKEN_FILE" \
				--require-delivery --podinfo "$HB_TMP/none"
			hb_assert_exit 0
		done
		POD_NAMESPACE=agents POD_NAME=agent-test-closed HOOKBOX_RELEASE=demo \
			HOOKBOX_REVISION=1 HOOKBOX_HOOK=test \
			hb_agent tcp "127.0.0.1:$closed" --name closed-port --timeout 2s \
			--collector "$COL_URL" --token-file "$TOKEN_FILE" --podinfo "$HB_TMP/none"
		hb_assert_exit 1
		status --namespace agents --release demo
		hb_assert_eq "status exit" 1 "$HB_RC"
		hb_assert_contains "agent hook" "$HB_OUT" "TEST SUITE:     agent-test-1"
		hb_assert_contains "failed check" "$HB_OUT" "agent-test-closed  closed-port  CONNECTION_REFUSED"
	else
		hb_log "skipped: $HB_BUILD/hookbox has no --collector yet"
	fi

	hb_case "$label: SIGKILL under load"
	local acked=$HB_TMP/acked-$label
	: >"$acked"
	"$LOAD" --url "$COL_URL" --token "$TOKEN" --senders 16 --reports 20000 \
		--acked "$acked" --namespace load --release kill >"$HB_TMP/load.out" 2>&1 &
	local load_pid=$!
	# Kill in the middle of the load, however fast this build ingests.
	for _ in $(seq 1 200); do
		[ "$(wc -l <"$acked")" -ge 300 ] && break
		sleep 0.05
	done
	stop_collector KILL
	local at_kill
	at_kill=$(wc -l <"$acked")
	sleep 0.5
	start_collector "$STORE" --max-body 256K || hb_fail "restart"
	wait "$load_pid"
	local n_acked n_unique missing dup
	n_acked=$(wc -l <"$acked")
	n_unique=$(sort -u "$acked" | wc -l)
	stored_ids | sort >"$HB_TMP/stored"
	missing=$(sort -u "$acked" | comm -23 - "$HB_TMP/stored" | wc -l)
	dup=$(uniq -d "$HB_TMP/stored" | wc -l)
	hb_log "acked $at_kill before the kill, $n_acked in all; $(cat "$HB_TMP/load.out")"
	hb_assert_lt "reports acknowledged before the kill (more than)" 0 "$at_kill"
	hb_assert_lt "reports acknowledged after the restart (more than)" "$at_kill" "$n_acked"
	hb_assert_eq "each id acknowledged once" "$n_acked" "$n_unique"
	hb_assert_eq "acknowledged reports missing after the restart" 0 "$missing"
	hb_assert_eq "reports stored twice" 0 "$dup"

	stop_collector TERM
	issue10_store_cases "$label"
}

# stored_count NS RELEASE: how many reports the store holds for a release.
stored_count()
{
	case $STORE in
	sqlite:*) sqlite3 "${STORE#sqlite:}" \
		"SELECT count(*) FROM reports WHERE namespace = '$1' AND release = '$2'" ;;
	*) psql -X -q -At "$STORE" \
		-c "SELECT count(*) FROM hookbox_reports WHERE namespace = '$1' AND release = '$2'" ;;
	esac
}

# hex FILE: the file's bytes in hex, for a bytea literal.
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# A store made by the schema before issue 10 (one index on namespace,
# release, revision), holding what that collector accepted: a report of
# revision 2^63-1 that passed, and revision 3, whose test failed.
old_store()
{
	local old=$1 big=$HB_TMP/old-big.pb rev3=$HB_TMP/old-rev3.pb
	"$LOAD" --emit "$big" --id 44444444-2222-4333-8444-555555555501 --namespace old \
		--release web --revision 9223372036854775807 --hook web-test --checks 1 >/dev/null
	"$LOAD" --emit "$rev3" --id 44444444-2222-4333-8444-555555555503 --namespace old \
		--release web --revision 3 --hook web-test --phase failed --checks 1 >/dev/null
	local cols="report_id, namespace, release, revision, hook, phase, final, started_at, body"
	case $old in
	sqlite:*)
		sqlite3 "${old#sqlite:}" <<SQL
CREATE TABLE IF NOT EXISTS reports ( report_id TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, release TEXT NOT NULL, revision INTEGER NOT NULL, hook TEXT NOT NULL, phase INTEGER NOT NULL, final INTEGER NOT NULL, started_at TEXT NOT NULL, received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS reports_release ON reports(namespace, release, revision);
INSERT INTO reports ($cols) VALUES
 ('44444444-2222-4333-8444-555555555503', 'old', 'web', 3, 'web-test', 3, 1, '2026-11-25T22:00:00.000Z', readfile('$rev3')),
 ('44444444-2222-4333-8444-555555555501', 'old', 'web', 9223372036854775807, 'web-test', 2, 1, '2026-11-25T23:00:00.000Z', readfile('$big'));
SQL
		;;
	*)
		psql -X -q -v ON_ERROR_STOP=1 "$old" <<SQL
CREATE TABLE IF NOT EXISTS hookbox_reports ( seq BIGSERIAL PRIMARY KEY, report_id TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, release TEXT NOT NULL, revision BIGINT NOT NULL, hook TEXT NOT NULL, phase INTEGER NOT NULL, final BOOLEAN NOT NULL, started_at TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL DEFAULT now(), body BYTEA NOT NULL);
CREATE INDEX IF NOT EXISTS hookbox_reports_release ON hookbox_reports (namespace, release, revision);
INSERT INTO hookbox_reports ($cols) VALUES
 ('44444444-2222-4333-8444-555555555503', 'old', 'web', 3, 'web-test', 3, true, '2026-11-25T22:00:00.000Z', decode('$(hex "$rev3")', 'hex')),
 ('44444444-2222-4333-8444-555555555501', 'old', 'web', 9223372036854775807, 'web-test', 2, true, '2026-11-25T23:00:00.000Z', decode('$(hex "$big")', 'hex'));
SQL
		;;
	esac
}

# Issue 10, defects 1 and 7, on the store of store_suite: the reduction sees
# each hook's latest report however many reports a revision holds, a
# reduction bounded in hooks still shows every failed and running test hook,
# and revisions are Helm's (1 to 2^31-1; 0 when the agent did not know it).
issue10_store_cases()
{
	local label=$1 id before
	start_collector "$STORE" --max-body 256K || {
		hb_case "$label: restart"
		hb_fail "collector did not start"
		return
	}

	hb_case "$label: the latest reports after 10,000 others"
	# 10,001 test pods of revision 1 that passed, each its own hook (one
	# check a report, so that they post in seconds), then a new hook still
	# running, then a later run of one of them, which failed. The reduction
	# holds 1,000 hooks (HB_MAX_HOOKS): it must keep those two, not the
	# passing ones.
	"$LOAD" --url "$COL_URL" --token "$TOKEN" --senders 8 --reports 10001 --checks 1 \
		--namespace bulk --release web --revision 1 --hook web-test --distinct-hooks \
		>"$HB_TMP/bulk.out" 2>&1
	hb_assert_contains "10,001 posted" "$(cat "$HB_TMP/bulk.out")" "ok=10001 errors=0"
	"$LOAD" --emit "$HB_TMP/bulk-running.pb" --namespace bulk --release web --revision 1 \
		--hook web-test-004000-new --phase running --checks 1 >/dev/null
	hb_assert_eq "POST a Running hook" 200 "$(post "$HB_TMP/bulk-running.pb" application/x-protobuf)"
	status --namespace bulk --release web
	hb_assert_eq "exit while one runs" 3 "$HB_RC"
	hb_assert_contains "text" "$HB_OUT" "PHASE: Running"
	hb_assert_contains "text says hooks were left out" "$HB_OUT" \
		"NOTE: 9002 of 10002 hooks not shown, 0 of them failed"
	id=$("$LOAD" --emit "$HB_TMP/bulk-failed.pb" --namespace bulk --release web --revision 1 \
		--hook web-test-005000 --phase failed --checks 1)
	hb_assert_eq "POST a later run that failed" 200 \
		"$(post "$HB_TMP/bulk-failed.pb" application/x-protobuf)"
	hb_assert_eq "reports stored" 10003 "$(stored_count bulk web)"
	status --namespace bulk --release web --output json
	hb_assert_eq "exit when the latest run failed" 1 "$HB_RC"
	printf '%s' "$HB_OUT" >"$HB_TMP/bulk.json"
	hb_assert_eq "phase" Failed "$(jq -r .phase "$HB_TMP/bulk.json")"
	hb_assert_eq "hooks, left out, failed left out" "1000 9002 0" \
		"$(jq -r '"\(.hooks | length) \(.omittedHooks) \(.omittedFailedHooks)"' "$HB_TMP/bulk.json")"
	hb_assert_eq "the running hook and the failed run shown" "Running web-test-004000-new
Failed web-test-005000 $id" \
		"$(jq -r '.hooks[] | select(.phase != "Succeeded") | "\(.phase) \(.name)\(if .phase == "Failed" then " " + .reportId else "" end)"' "$HB_TMP/bulk.json")"

	hb_case "$label: latestRevision when an older revision is asked for"
	status --namespace shop --release web --revision 1 --output json
	hb_assert_eq "revision latestRevision" "1 2" \
		"$(printf '%s' "$HB_OUT" | jq -r '"\(.revision) \(.latestRevision)"')"

	hb_case "$label: revisions outside Helm's range are refused"
	before=$(stored_ids | wc -l)
	"$LOAD" --emit "$HB_TMP/huge.pb" --namespace shop --release rev --revision 9223372036854775807 \
		--hook rev-test --checks 1 >/dev/null
	hb_assert_eq "protobuf, revision 2^63-1" 400 "$(post "$HB_TMP/huge.pb" application/x-protobuf)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" \
		"pod.revision: 9223372036854775807 is out of range (Helm's revisions are 1 to 2147483647)"
	sed -e 's/"revision": "1"/"revision": "2147483648"/' \
		-e 's/5d2c7e10-9b4a-4f6e-8c3d-2a1b0c9d8e02/5d2c7e10-9b4a-4f6e-8c3d-2a1b0c9d8e77/' \
		-e 's/"release": "web"/"release": "rev"/' "$FIX/rev1-db-failed.json" >"$HB_TMP/huge.json"
	hb_assert_eq "JSON, revision 2^31" 400 "$(post "$HB_TMP/huge.json" application/json)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" "pod.revision: 2147483648 is out of range"
	sed -e 's/"revision": "1"/"revision": "-1"/' -e 's/"release": "web"/"release": "rev"/' \
		"$FIX/rev1-db-failed.json" >"$HB_TMP/negative.json"
	hb_assert_eq "JSON, revision -1" 400 "$(post "$HB_TMP/negative.json" application/json)"
	hb_assert_eq "nothing stored" "$before" "$(stored_ids | wc -l)"
	"$LOAD" --emit "$HB_TMP/rev3.pb" --namespace shop --release rev --revision 3 \
		--hook rev-test --phase failed --checks 1 >/dev/null
	hb_assert_eq "revision 3" 200 "$(post "$HB_TMP/rev3.pb" application/x-protobuf)"
	status --namespace shop --release rev
	hb_assert_eq "revision 3 Failed" 1 "$HB_RC"
	hb_assert_contains "text" "$HB_OUT" "REVISION: 3
PHASE: Failed"
	status --namespace shop --release rev --output json
	hb_assert_eq "revision and latestRevision as JSON integers" 2 \
		"$(printf '%s' "$HB_OUT" | grep -cE '^\s*"(revision|latestRevision)":\s*3,$')"
	hb_assert_eq "no exponent in the JSON" 0 "$(printf '%s' "$HB_OUT" | grep -cE ':\s*-?[0-9.]+[eE][+-]?[0-9]+')"
	local q
	for q in 9223372036854775807 2147483648 -1 3x; do
		hb_assert_eq "?revision=$q" 400 "$(curl -s -o "$HB_TMP/q.out" -w '%{http_code}' \
			-H "Authorization: Bearer $TOKEN" "$COL_URL/v1/releases/shop/rev?revision=$q")"
	done
	hb_assert_contains "reason" "$(cat "$HB_TMP/q.out")" 'revision "3x": want a number from 0 to 2147483647'
	status --namespace shop --release rev --revision 2147483648
	hb_assert_eq "status --revision 2^31" 2 "$HB_RC"
	hb_assert_contains "message" "$(cat "$HB_TMP/status.err")" \
		'--revision "2147483648": want a number from 0 to 2147483647'
	stop_collector TERM

	hb_case "$label: a store made by the previous schema"
	local old
	case $STORE in
	sqlite:*) old=sqlite:$HB_TMP/old.db ;;
	*)
		old=${STORE%/*}/hookbox_old
		psql -X -q "$STORE" -c 'CREATE DATABASE hookbox_old' >/dev/null
		;;
	esac
	old_store "$old" || hb_fail "could not make the old store"
	start_collector "$old" || {
		hb_fail "collector did not start on the old store: $(tail -2 "$HB_TMP/collector.log")"
		return
	}
	case $old in
	sqlite:*)
		hb_assert_eq "indexes and the test column" "reports_hook_latest 1" "$(sqlite3 "${old#sqlite:}" \
			"SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'index'
			 AND tbl_name = 'reports' AND sql IS NOT NULL;
			 SELECT count(*) FROM pragma_table_info('reports') WHERE name = 'test'" | paste -sd' ')"
		;;
	*)
		hb_assert_eq "indexes and the test column" \
			"hookbox_reports_hook_latest hookbox_reports_pkey hookbox_reports_report_id_key 1" \
			"$(psql -X -q -At "$old" -c "SELECT string_agg(indexname, ' ' ORDER BY indexname)
			   FROM pg_indexes WHERE tablename = 'hookbox_reports'" \
			   -c "SELECT count(*) FROM information_schema.columns
			   WHERE table_name = 'hookbox_reports' AND column_name = 'test'" | paste -sd' ')"
		;;
	esac
	status --namespace old --release web
	hb_assert_eq "revision 3 Failed, not 2^63-1" 1 "$HB_RC"
	hb_assert_contains "text" "$HB_OUT" "REVISION: 3
PHASE: Failed"
	status --namespace old --release web --output json
	hb_assert_eq "revision latestRevision" "3 3" \
		"$(printf '%s' "$HB_OUT" | jq -r '"\(.revision) \(.latestRevision)"')"
	"$LOAD" --emit "$HB_TMP/old-rev4.pb" --namespace old --release web --revision 4 \
		--hook web-test --checks 1 >/dev/null
	hb_assert_eq "a new report in the old store" 200 \
		"$(post "$HB_TMP/old-rev4.pb" application/x-protobuf)"
	status --namespace old --release web
	hb_assert_eq "revision 4 Succeeded" 0 "$HB_RC"
	stop_collector TERM

	# The unit test's random revisions (test/unit/test_store.c), against
	# this PostgreSQL: it runs against SQLite in make test already.
	case $STORE in
	postgres*)
		hb_case "$label: test_store against this database"
		psql -X -q "$STORE" -c 'CREATE DATABASE hookbox_store' >/dev/null
		if HB_TEST_TIMEOUT=240 HB_TEST_STORE=${STORE%/*}/hookbox_store $HB_PREFIX "$HB_BUILD/test/test_store" \
			>"$HB_TMP/test_store.out" 2>&1; then
			hb_pass "$(tail -1 "$HB_TMP/test_store.out")"
		else
			hb_fail "$(grep -v '^ok' "$HB_TMP/test_store.out" | head -5)"
		fi
		;;
	esac
}

hb_case "refuses a non-loopback address without a token"
"$COL" serve --listen 0.0.0.0:1 --store "sqlite:$HB_TMP/refuse.db" 2>"$HB_TMP/refuse.err"
hb_assert_eq "exit" 1 "$?"
hb_assert_contains "message" "$(cat "$HB_TMP/refuse.err")" "without --token-file"

hb_case "reduce offline"
"$LOAD" --emit "$HB_TMP/off.pb" --namespace shop --release web --revision 1 \
	--hook web-test-pb --phase succeeded >/dev/null
HB_OUT=$("$COL" reduce "$FIX"/rev1-*.json "$HB_TMP/off.pb")
HB_RC=$?
hb_assert_exit 1
hb_assert_contains "text" "$HB_OUT" "TEST SUITE:     web-test-pb"
HB_OUT=$("$COL" reduce --output junit "$FIX"/rev1-*.json "$HB_TMP/off.pb")
printf '%s\n' "$HB_OUT" >"$HB_TMP/off.xml"
if xmllint --noout --schema "$XSD" "$HB_TMP/off.xml" 2>/dev/null; then
	hb_pass "offline JUnit validates"
else
	hb_fail "offline JUnit does not validate"
fi
"$COL" reduce "$FIX/bad-no-id.json" >/dev/null 2>&1
hb_assert_eq "bad file exit" 2 "$?"
"$COL" reduce "$FIX/rev1-http-succeeded.json"  >/dev/null
hb_assert_eq "Succeeded exit" 0 "$?"

store_suite "sqlite:$HB_TMP/reports.db" sqlite

if [ -x "$PGBIN/initdb" ] && [ "${HB_SKIP_PG:-0}" != 1 ]; then
	hb_port pg_port
	PG_DATA=$HB_TMP/pg
	mkdir -p "$PG_DATA" "$HB_TMP/pgrun"
	[ "$(id -u)" = 0 ] && chown nobody "$PG_DATA" "$HB_TMP/pgrun"
	if as_pg "$PGBIN/initdb" -D "$PG_DATA" -U hookbox --auth=trust -E UTF8 \
		>"$HB_TMP/initdb.log" 2>&1 &&
		as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -w -l "$HB_TMP/pgrun/pg.log" \
			-o "-p $pg_port -k $HB_TMP/pgrun -c listen_addresses=127.0.0.1 -c fsync=on" \
			start >/dev/null 2>&1 &&
		psql -X -q "postgres://hookbox@127.0.0.1:$pg_port/postgres" \
			-c 'CREATE DATABASE hookbox' >/dev/null 2>&1; then
		store_suite "postgres://hookbox@127.0.0.1:$pg_port/hookbox" postgres
	else
		hb_case "postgres: start"
		hb_fail "PostgreSQL did not start: $(tail -3 "$HB_TMP/initdb.log" "$HB_TMP/pgrun/pg.log" 2>/dev/null)"
	fi
	pg_stop
else
	hb_log "skipped: no PostgreSQL 15 at $PGBIN"
fi

# -- hostile clients (issue 10, defects 2 and 10) ---------------------------

# A real agent delivering to the collector; sets HB_RC and HB_ELAPSED.
deliver_agent()
{
	POD_NAMESPACE=agents POD_NAME="agent-$1" HOOKBOX_RELEASE=flood HOOKBOX_REVISION=1 \
		HOOKBOX_HOOK=test hb_agent tcp "127.0.0.1:$COL_PORT" --name collector-port \
		--collector "$COL_URL" --token-file "$TOKEN_FILE" --require-delivery \
		--podinfo "$HB_TMP/none"
}

# report ID NAMESPACE MESSAGE DURATION STARTED: a JSON report (the message
# and the duration are JSON text as they stand).
report()
{
	cat <<EOF
{"reportId": "$1", "pod": {"namespace": "$2", "podName": "p", "release": "web",
 "revision": "1", "hookEvents": ["test"], "hookName": "edge-test"},
 "startedAt": "$5", "finishedAt": "2026-11-25T22:15:07.000Z", "phase": "PHASE_FAILED",
 "checks": [{"name": "edge", "kind": "http", "target": "http://x/", "outcome": "FAILED",
  "failureClass": "HTTP_STATUS", "message": $3, "hint": "h", "durationMs": $4}]}
EOF
}

# The slow client (test/helpers/slowclient.c, built by test/helpers.cmake).
SLOW=$HB_BUILD/test-helpers/hb-slowclient
[ -x "$SLOW" ] || hb_die "no $SLOW"
STORE=sqlite:$HB_TMP/hostile.db
hb_port COL_PORT
COL_URL=http://127.0.0.1:$COL_PORT

hb_case "slow clients from one address leave the rest served"
# 32 connections, so one address may hold 4 (an eighth, the default); the
# flood comes from 127.0.0.2, everyone else from 127.0.0.1.
if start_collector "$STORE" --max-connections 32; then
	deliver_agent baseline
	hb_assert_exit 0
	baseline=$HB_ELAPSED
	"$SLOW" 127.0.0.1 "$COL_PORT" --bind 127.0.0.2 --conns 40 --interval 300 \
		--for 5000 >"$HB_TMP/flood.out" 2>&1 &
	flood=$!
	for _ in $(seq 1 100); do
		grep -q ready "$HB_TMP/flood.out" && break
		sleep 0.05
	done
	hb_assert_contains "flood" "$(cat "$HB_TMP/flood.out")" "ready opened=40"
	got=$(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' "$COL_URL/healthz")
	hb_assert_eq "/healthz during the flood" 200 "${got% *}"
	hb_assert_lt "/healthz seconds" "${got#* }" 1
	got=$(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' \
		-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
		--data-binary @"$FIX/rev1-http-succeeded.json" "$COL_URL/v1/reports")
	hb_assert_eq "authenticated POST during the flood" 200 "${got% *}"
	hb_assert_lt "POST seconds" "${got#* }" 1
	deliver_agent flood
	hb_assert_exit 0
	hb_assert_lt "agent run during the flood, seconds more than without" \
		"$(awk -v a="$HB_ELAPSED" -v b="$baseline" 'BEGIN { print a - b }')" 1
	wait "$flood"
	hb_log "flood: $(tail -1 "$HB_TMP/flood.out")"
	open=$(tail -1 "$HB_TMP/flood.out" | sed -n 's/.* open=\([0-9]*\).*/\1/p')
	hb_assert_lt "flood connections held to the end (at most an eighth of 32)" "${open:-99}" 5
	stop_collector TERM
else
	hb_fail "collector did not start: $(tail -3 "$HB_TMP/collector.log")"
fi

hb_case "a request not in by its deadline is dropped"
if start_collector "$STORE" --request-timeout 2; then
	# A header line every 0.3 s: never idle, never done.
	"$SLOW" 127.0.0.1 "$COL_PORT" --conns 1 --interval 300 --for 6000 >"$HB_TMP/slow.out" 2>&1
	hb_log "slow client: $(tail -1 "$HB_TMP/slow.out")"
	closed_at=$(tail -1 "$HB_TMP/slow.out" | sed -n 's/.*first_close_ms=\(-*[0-9]*\).*/\1/p')
	hb_assert_lt "dropped after (ms, more than)" 1500 "${closed_at:-0}"
	hb_assert_lt "dropped after (ms)" "${closed_at:-99999}" 4000
	hb_assert_contains "metrics" "$(curl -s -H "Authorization: Bearer $TOKEN" "$COL_URL/metrics")" \
		"hookbox_requests_timed_out_total 1"
	hb_assert_eq "/healthz afterwards" 200 \
		"$(curl -s -o /dev/null -w '%{http_code}' "$COL_URL/healthz")"
	stop_collector TERM
else
	hb_fail "collector did not start: $(tail -3 "$HB_TMP/collector.log")"
fi

hb_case "collector output stays well-formed whatever reports say"
if start_collector "$STORE"; then
	T=2026-11-25T22:15:02.000Z
	report 0e1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e01 edge \
		'"bad \uffff \ufffe \ufdd0 \u0001 \u001b[31m end"' 12 "$T" >"$HB_TMP/nonchar.json"
	hb_assert_eq "POST non-characters" 200 "$(post "$HB_TMP/nonchar.json" application/json)"
	status --namespace edge --release web --output junit
	printf '%s\n' "$HB_OUT" >"$HB_TMP/edge.xml"
	xmllint --noout --schema "$XSD" "$HB_TMP/edge.xml" 2>"$HB_TMP/xmllint.err"
	rc=$?
	hb_assert_eq "xmllint --schema junit.xsd on U+FFFF, U+FFFE and controls ($(head -c 200 \
		"$HB_TMP/xmllint.err" | tr '\n' ' '))" 0 "$rc"

	report 0e1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e02 edge '"x"' -5 "$T" >"$HB_TMP/neg.json"
	hb_assert_eq "negative durationMs" 400 "$(post "$HB_TMP/neg.json" application/json)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" "checks[0].durationMs: negative"
	report 0e1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e02 edge '"x"' '"NaN"' "$T" >"$HB_TMP/nan.json"
	hb_assert_eq "NaN durationMs" 400 "$(post "$HB_TMP/nan.json" application/json)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" "checks[0].durationMs: not a finite number"
	report 0e1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e02 edge '"x"' 1 yesterday >"$HB_TMP/when.json"
	hb_assert_eq "startedAt not a time" 400 "$(post "$HB_TMP/when.json" application/json)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" "startedAt: not an RFC 3339 time"
	report 0e1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e02 Edge '"x"' 1 "$T" >"$HB_TMP/upper.json"
	hb_assert_eq "namespace not a Kubernetes name" 400 "$(post "$HB_TMP/upper.json" application/json)"
	hb_assert_contains "reason" "$(cat "$HB_TMP/post.out")" "pod.namespace: not a Kubernetes namespace name"

	# A terminal-escape injection: OSC (window title), BEL, CSI (colour),
	# and C1 CSI (U+009B).
	report 0e1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e03 esc \
		'"\u001b]0;pwned\u0007\u001b[31mred\u009b2J\nsecond line"' 1 "$T" >"$HB_TMP/esc.json"
	hb_assert_eq "POST escapes" 200 "$(post "$HB_TMP/esc.json" application/json)"
	status --namespace esc --release web
	hb_assert_eq "status exit" 1 "$HB_RC"
	printf '%s' "$HB_OUT" >"$HB_TMP/esc.txt"
	hb_assert_eq "control bytes in the text output" 0 \
		"$(LC_ALL=C tr -d '\n' <"$HB_TMP/esc.txt" | LC_ALL=C tr -cd '\000-\037\177' | wc -c)"
	hb_assert_eq "C1 CSI (U+009B) in the text output" 0 "$(LC_ALL=C grep -c $'\xc2\x9b' "$HB_TMP/esc.txt")"
	hb_assert_contains "shown escaped" "$HB_OUT" 'edge  HTTP_STATUS: \x1b]0;pwned\x07\x1b[31mred\u009b2J\nsecond line'

	code=$(curl -s -o "$HB_TMP/ff.out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		"$COL_URL/v1/releases/%FF/web")
	hb_assert_eq "GET /v1/releases/%FF/web" 400 "$code"
	hb_assert_eq "0xFF bytes in the answer" 0 "$(LC_ALL=C grep -c $'\xff' "$HB_TMP/ff.out")"
	hb_assert_contains "reason" "$(cat "$HB_TMP/ff.out")" 'namespace "\xff": not a Kubernetes namespace name'
	hb_assert_eq "GET an upper-case release" 400 "$(curl -s -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $TOKEN" "$COL_URL/v1/releases/shop/Web")"
	hb_assert_eq "GET a revision past 32 bits" 400 "$(curl -s -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $TOKEN" "$COL_URL/v1/releases/shop/web?revision=4294967296")"

	report AB1C2D3E-4B5A-4C6D-8E7F-0A1B2C3D4E04 case '"x"' 1 "$T" >"$HB_TMP/id-upper.json"
	report ab1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e04 case '"x"' 1 "$T" >"$HB_TMP/id-lower.json"
	hb_assert_eq "POST upper-case id" 200 "$(post "$HB_TMP/id-upper.json" application/json)"
	hb_assert_eq "POST lower-case id" 200 "$(post "$HB_TMP/id-lower.json" application/json)"
	hb_assert_contains "answer" "$(cat "$HB_TMP/post.out")" '"result":"unchanged"'
	hb_assert_eq "stored once" 1 "$(stored_ids | grep -ci ab1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e04)"
	hb_assert_eq "GET in upper case" ab1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e04 \
		"$(curl -s -H "Authorization: Bearer $TOKEN" \
			"$COL_URL/v1/reports/AB1C2D3E-4B5A-4C6D-8E7F-0A1B2C3D4E04" | jq -r .reportId)"
	stop_collector TERM
else
	hb_fail "collector did not start: $(tail -3 "$HB_TMP/collector.log")"
fi

hb_finish
