#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Integration suite of the database kinds' "ready" checks (pg_isready's job:
# up when the server answers the login, whatever it answers, with no
# credentials) and of expect.column / expect.row (the value compared beyond
# the first cell, as Galera's SHOW GLOBAL STATUS needs), against real
# PostgreSQL 15, MariaDB 10.11 and Redis 7, with the sandbox enforcing.
# Usage: HB_BUILD=build bash test/integration/db_check.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"

hb_setup
hb_start_db_servers pg my rd
hb_port hang
hb_closed_port closed
hb_start_hang "$hang"

my_pass_enc=$(jq -rn --arg p "$HB_MY_PASS" '$p | @uri')
pg_url="postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app"
my_url="mysql://$HB_MY_USER:$my_pass_enc@127.0.0.1:$my/app"
rd_url="redis://:$HB_RD_PASS@127.0.0.1:$rd"

assert_enforced()
{
	hb_assert_json '.sandbox.mode' enforce
	hb_assert_json '.sandbox.seccomp' true
}

# == ready: PostgreSQL ==========================================================

hb_case "postgres --ready: no credentials against a SCRAM server passes"
hb_agent postgres "postgresql://127.0.0.1:$pg/app" --ready
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_json '.checks[0].message' \
	"accepting connections: the server asks for a password; authentication not tried"
hb_assert_detail resolved_address "127.0.0.1:$pg"

hb_case "postgres --ready: a wrong password, an unknown database pass"
hb_agent postgres "postgresql://$HB_PG_USER:wrong@127.0.0.1:$pg/app" --ready
hb_assert_outcome PASSED
hb_assert_json '.checks[0].message' \
	"accepting connections: the server answered the login with 28P01 (password authentication failed for user \"$HB_PG_USER\")"
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/nope" --ready
hb_assert_outcome PASSED
hb_assert_json '.checks[0].message' \
	'accepting connections: the server answered the login with 3D000 (database "nope" does not exist)'
hb_agent postgres "$pg_url" --ready
hb_assert_outcome PASSED
hb_assert_json '.checks[0].message' "accepting connections: the login succeeded"

hb_case "postgres --ready: a closed port is CONNECTION_REFUSED, a hung server TIMEOUT"
hb_agent postgres "postgresql://127.0.0.1:$closed/app" --ready
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json_contains '.checks[0].hint' "nothing listens on that port"
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"
hb_agent postgres "postgresql://127.0.0.1:$hang/app" --ready --timeout 2s
hb_assert_outcome FAILED TIMEOUT
# The driver's own deadline, not the agent's kill: the bound is loose for
# a loaded machine, the message is the proof.
hb_assert_json '.checks[0].message' \
	"connected to 127.0.0.1:$hang, but the server did not complete the start-up within 2s"
hb_assert_lt "elapsed seconds" "$HB_ELAPSED" 6

# == ready: MariaDB =============================================================

hb_case "mysql --ready: no password, a wrong one, an unknown database pass"
hb_agent mysql "mysql://$HB_MY_USER@127.0.0.1:$my/app" --ready
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_json_contains '.checks[0].message' \
	"accepting connections: the server answered the login with error 1045 (Access denied for user '$HB_MY_USER'@"
hb_assert_json_contains '.checks[0].message' "(using password: NO)"
hb_agent mysql "mysql://$HB_MY_USER:wrong@127.0.0.1:$my/app" --ready
hb_assert_outcome PASSED
hb_assert_detail errno 1045
hb_agent mysql "mysql://$HB_MY_USER:$my_pass_enc@127.0.0.1:$my/app_missing" --ready
hb_assert_outcome PASSED
hb_assert_json '.checks[0].message' \
	"accepting connections: the server answered the login with error 1049 (Unknown database 'app_missing')"
# No user at all: the OS user's name, as pg_isready and mysqladmin ping do.
hb_agent mysql "mysql://127.0.0.1:$my" --ready
hb_assert_outcome PASSED
hb_agent mysql "$my_url" --ready
hb_assert_outcome PASSED
hb_assert_json '.checks[0].message' "accepting connections: the login succeeded"

hb_case "mysql --ready: a closed port is CONNECTION_REFUSED, a hung server TIMEOUT"
hb_agent mysql "mysql://127.0.0.1:$closed" --ready
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json_contains '.checks[0].hint' "nothing listens on that port"
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"
hb_agent mysql "mysql://127.0.0.1:$hang" --ready --timeout 2s
hb_assert_outcome FAILED TIMEOUT
hb_assert_json '.checks[0].message' \
	"connected to 127.0.0.1:$hang, but the server did not complete the handshake within 2s"
hb_assert_lt "elapsed seconds" "$HB_ELAPSED" 6

# == ready: Redis ===============================================================

hb_case "redis --ready: no password passes on NOAUTH, a password is not tried"
hb_agent redis "redis://127.0.0.1:$rd" --ready
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_json_contains '.checks[0].message' \
	"accepting connections: PING answered NOAUTH"
hb_assert_json_contains '.checks[0].message' "authentication not tried"
hb_agent redis "redis://:wrong@127.0.0.1:$rd/5" --ready
hb_assert_outcome PASSED
hb_assert_json_contains '.checks[0].message' "PING answered NOAUTH"

hb_case "redis --ready: a closed port is CONNECTION_REFUSED, a hung server TIMEOUT"
hb_agent redis "redis://127.0.0.1:$closed" --ready
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json_contains '.checks[0].hint' "nothing listens on that port"
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"
hb_agent redis "redis://127.0.0.1:$hang" --ready --timeout 2s
hb_assert_outcome FAILED TIMEOUT
hb_assert_json '.checks[0].message' "connected to 127.0.0.1:$hang, but no answer to PING within 2s"
hb_assert_lt "elapsed seconds" "$HB_ELAPSED" 6

hb_case "a ready check with a query or an expectation is a spec error"
printf '%s\n' '{"checks": [{"kind": "postgres", "url": "postgresql://db/app",' \
	'"ready": true, "query": "SELECT 1"}]}' >"$HB_TMP/ready.json"
hb_agent validate "$HB_TMP/ready.json"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" \
	"ready.json: checks[0].query: a ready check runs no query or command and expects nothing"
printf '%s\n' '{"checks": [{"kind": "redis", "url": "redis://db", "ready": true,' \
	'"expect": {"value": "PONG"}}]}' >"$HB_TMP/ready.json"
hb_agent validate "$HB_TMP/ready.json"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "ready.json: checks[0].expect: a ready check"

# == expect.column and expect.row ===============================================

galera="SHOW GLOBAL STATUS LIKE 'wsrep_ready'"

hb_case "mysql: Galera's wsrep_ready, compared in the Value column"
# A MariaDB built with wsrep and no provider loaded says OFF: the query and
# its two columns are those of a Galera node's readiness check.
hb_agent mysql "$my_url" --query "$galera" --expect-column Value --expect-value OFF
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail first_value wsrep_ready
hb_assert_detail value OFF
hb_agent mysql "$my_url" --query "$galera" --expect-column Value --expect-value ON
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'column "Value" is "OFF", expected "ON"'
# By index, the same column.
hb_agent mysql "$my_url" --query "$galera" --expect-column 1 --expect-pattern '^(ON|OFF)$'
hb_assert_outcome PASSED

hb_case "mysql: an unknown column and a row past the end name what there is"
hb_agent mysql "$my_url" --query "$galera" --expect-column Valeu --expect-value ON
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'no column "Valeu" in the result (its columns: "Variable_name", "Value")'
hb_agent mysql "$my_url" --query "$galera" --expect-column 2 --expect-value ON
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'expect.column 2 is past the result'"'"'s 2 columns ("Variable_name", "Value"; the first is 0)'
hb_agent mysql "$my_url" --query 'SELECT version FROM schema_migrations ORDER BY version' \
	--expect-row 2 --expect-value 42
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'expect.row 2 is past the end: the query returned 2 rows (the first is 0)'

hb_case "mysql: a row by index, a NULL, a column named by case-insensitive match"
hb_agent mysql "$my_url" --query 'SELECT version FROM schema_migrations ORDER BY version' \
	--expect-row 1 --expect-value 42 --expect-rows 2
hb_assert_outcome PASSED
hb_agent mysql "$my_url" --query 'SELECT 1 AS a, NULL AS b' --expect-column b --expect-value x
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'column "b" is NULL, expected "x"'
hb_agent mysql "$my_url" --query "$galera" --expect-column value --expect-value OFF
hb_assert_outcome PASSED

hb_case "postgres: a column by name and by index, a row by index"
two_rows="SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS t(n, word)"
hb_agent postgres "$pg_url" --query "$two_rows" --expect-column word --expect-row 1 \
	--expect-value two
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent postgres "$pg_url" --query "$two_rows" --expect-column 1 --expect-value two
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'column 1 is "one", expected "two"'
hb_agent postgres "$pg_url" --query "$two_rows" --expect-row 1 --expect-value 2
hb_assert_outcome PASSED
hb_agent postgres "$pg_url" --query "$two_rows" --expect-row 3 --expect-value 2
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'expect.row 3 is past the end: the query returned 2 rows (the first is 0)'
hb_agent postgres "$pg_url" --query "$two_rows" --expect-column words --expect-value two
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'no column "words" in the result (its columns: "n", "word")'
# A setting read as a chart's test reads it: the "setting" column of one row.
hb_agent postgres "$pg_url" \
	--query "SELECT name, setting FROM pg_settings WHERE name = 'max_connections'" \
	--expect-column setting --expect-value 40
hb_assert_outcome PASSED

hb_case "redis: expect.row picks an array reply's element"
hb_redis "$rd" rpush hb_list a b c >/dev/null
hb_agent redis "$rd_url" --command 'LRANGE hb_list 0 -1' --expect-row 1 --expect-value b
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent redis "$rd_url" --command 'LRANGE hb_list 0 -1' --expect-row 2 --expect-value b
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'element 2 is "c", expected "b"'
hb_agent redis "$rd_url" --command 'LRANGE hb_list 0 -1' --expect-row 3 --expect-value b
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'expect.row 3 is past the end: the reply has 3 elements (the first is 0)'

hb_case "a spec: the Galera check, column and row"
cat >"$HB_TMP/cols.json" <<EOF
{"checks": [
 {"name": "galera-ready", "kind": "mysql", "url": "$my_url",
  "query": "$galera", "expect": {"column": "Value", "value": "OFF"}},
 {"name": "second-migration", "kind": "postgres", "url": "$pg_url",
  "query": "SELECT version FROM schema_migrations ORDER BY version",
  "expect": {"row": 1, "column": 0, "value": "42", "rows": 2}}
]}
EOF
hb_agent run "$HB_TMP/cols.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED

# == MySQL error 1044: the password was accepted ================================

hb_case "mysql: a user without a grant on the database is not a wrong password (1044)"
hb_mariadb "$my" -e "CREATE USER 'nogrant'@'%' IDENTIFIED BY 'nogrant-secret'"
hb_agent mysql "mysql://nogrant:nogrant-secret@127.0.0.1:$my/app" --query 'SELECT 1'
hb_assert_exit 1
hb_assert_outcome FAILED DATABASE_NOT_FOUND
hb_assert_json '.checks[0].message' \
	"the password was accepted, but user \"nogrant\" may not use database \"app\": it does not exist, or it is not granted to the user (Access denied for user 'nogrant'@'%' to database 'app')"
hb_assert_json_contains '.checks[0].hint' "the user may not use it"
hb_assert_detail errno 1044
# Its wrong password is still AUTH_FAILED (1045).
hb_agent mysql "mysql://nogrant:wrong@127.0.0.1:$my/app"
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_detail errno 1045
# And a ready check counts it as up.
hb_agent mysql "mysql://nogrant:nogrant-secret@127.0.0.1:$my/app" --ready
hb_assert_outcome PASSED
hb_assert_detail errno 1044

# == Servers that answer but are not ready ======================================

hb_case "redis --ready: a server loading its dataset (LOADING) is not ready, then is"
# key-load-delay (a Redis test setting) makes loading 200 keys take seconds;
# loading-process-events-interval-bytes lets the server answer meanwhile.
hb_port rl
rl_dir=$HB_TMP/redis-load
hb_db_dir "$rl_dir"
cat >"$rl_dir/redis.conf" <<EOF
port $rl
bind 127.0.0.1
daemonize no
dir $rl_dir
save ""
logfile $rl_dir/redis.log
loading-process-events-interval-bytes 1024
EOF
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$rl_dir/redis.conf"
"${HB_DB_AS[@]}" redis-server "$rl_dir/redis.conf" &
HB_PIDS+=($!)
hb_db_wait "Redis on port $rl" 20 redis-cli -h 127.0.0.1 -p "$rl" ping
redis-cli -h 127.0.0.1 -p "$rl" eval \
	"for i = 1, 200 do redis.call('SET', 'k' .. i, string.rep('x', 2048)) end" 0 >/dev/null
redis-cli -h 127.0.0.1 -p "$rl" save >/dev/null
redis-cli -h 127.0.0.1 -p "$rl" shutdown nosave >/dev/null 2>&1
for _ in $(seq 1 50); do hb_port_listening "$rl" || break; sleep 0.1; done
echo "key-load-delay 20000" >>"$rl_dir/redis.conf"
"${HB_DB_AS[@]}" redis-server "$rl_dir/redis.conf" &
HB_PIDS+=($!)
answer=
for _ in $(seq 1 50); do
	answer=$(redis-cli -h 127.0.0.1 -p "$rl" ping 2>&1)
	case $answer in LOADING* | PONG) break ;; esac
	sleep 0.1
done
hb_assert_contains "redis-cli's answer while loading" "$answer" LOADING
hb_agent redis "redis://127.0.0.1:$rl" --ready
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json '.checks[0].message' \
	"the server is up but not ready: LOADING Redis is loading the dataset in memory"
hb_assert_detail error LOADING
hb_assert_json_contains '.checks[0].hint' "the server answered but takes no session"
hb_agent redis "redis://127.0.0.1:$rl" --ready --wait 30s --interval 200ms
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_lt "attempts while it loaded" 1 "$(hb_json '.checks[0].attempts[-1].number')"
hb_assert_json '.checks[0].message' "accepting connections: PING answered PONG"

hb_case "postgres --ready: a server shutting down (57P03) is not ready"
# A smart shutdown waits for the open session to end and meanwhile refuses
# new ones with cannot_connect_now, as a starting server does.
hb_port pg2
hb_start_postgres "$pg2"
hb_psql "$pg2" postgres -c 'SELECT pg_sleep(60)' >/dev/null 2>&1 &
sleeper=$!
for _ in $(seq 1 50); do
	[ "$(hb_psql "$pg2" postgres -tAc "SELECT count(*) FROM pg_stat_activity
		WHERE query LIKE 'SELECT pg_sleep(60)%'")" = 1 ] && break
	sleep 0.1
done
kill -TERM "$(head -1 "$HB_TMP/pg-$pg2/data/postmaster.pid")"
sleep 0.5
hb_agent postgres "postgresql://127.0.0.1:$pg2/app" --ready
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json '.checks[0].message' "the database system is shutting down"
hb_assert_detail sqlstate 57P03
hb_assert_json_contains '.checks[0].hint' "the server answered but takes no session"
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null

hb_finish
