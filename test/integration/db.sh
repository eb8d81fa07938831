#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Integration suite of the database check kinds: the agent's one-liners
# against real PostgreSQL 15, MariaDB 10.11 and Redis 7 servers (passwords,
# SCRAM-SHA-256 and md5, mysql_native_password and ed25519, ACL users, TLS),
# a closed port and a server that accepts but never answers, all with the
# sandbox enforcing.
# Usage: HB_BUILD=build bash test/integration/db.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"

hb_setup
hb_make_certs
hb_port pg
hb_port my
hb_port rd
hb_port hang
hb_closed_port closed

hb_start_postgres "$pg"
hb_start_mariadb "$my"
hb_start_redis "$rd"
hb_start_hang "$hang"

# Passwords in files, as a chart mounts them from a Secret.
printf '%s\n' "$HB_PG_PASS" >"$HB_TMP/pg.password"
printf '%s\n' "$HB_MY_PASS" >"$HB_TMP/my.password"
printf '%s\n' "$HB_RD_ACL_PASS" >"$HB_TMP/rd.password"
chmod 644 "$HB_TMP"/*.password

# The MariaDB user's password has ":", "@" and "/": percent-encoded in URLs.
my_pass_enc=$(jq -rn --arg p "$HB_MY_PASS" '$p | @uri')
pg_url="postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app"
my_url="mysql://$HB_MY_USER:$my_pass_enc@127.0.0.1:$my/app"
rd_url="redis://:$HB_RD_PASS@127.0.0.1:$rd"
migration='SELECT max(version) FROM schema_migrations'

# The sandbox really was on, with seccomp, for the last run.
assert_enforced()
{
	hb_assert_json '.sandbox.mode' enforce
	hb_assert_json '.sandbox.seccomp' true
}

# == PostgreSQL ================================================================

hb_case "postgres: SCRAM-SHA-256 login and SELECT 1 pass"
hb_agent postgres "$pg_url" --query 'SELECT 1'
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_json '.checks[0].kind' postgres
hb_assert_detail first_value 1
hb_assert_detail rows 1
hb_assert_detail resolved_address "127.0.0.1:$pg"
hb_assert_contains "server_version" "$(hb_detail server_version)" "15."
# The password never reaches the report.
case $HB_OUT in
*"$HB_PG_PASS"*) hb_fail "the report holds the password" ;;
*) hb_pass "the report does not hold the password" ;;
esac
hb_assert_lt "auth_ms > 0" 0 "$(hb_json '.checks[0].attempts[0].timing.authMs')"

hb_case "postgres: libpq's SCRAM rounds go through the module's HMAC_Init_ex"
# kinds/pg_hmac.c: the dynamic linker must bind libpq's HMAC_Init_ex to the
# module's, which passes a pre-fetched digest on; that the login it computes
# is still right, the server says. libpq is libpq.so, or libpq.a linked
# into the module (kinds/db.cmake), whose own call then goes through its
# PLT to its own definition. stderr goes to a pipe: the check child may not
# grow a file (RLIMIT_FSIZE), and LD_DEBUG writes from it too.
# shellcheck disable=SC2086
bindings=$(LD_DEBUG=bindings $HB_PREFIX "$HB_BUILD/hookbox" postgres \
	"$pg_url" --query 'SELECT 1' --output json 2>&1 >"$HB_TMP/bind.json" |
	grep HMAC_Init_ex; exit "${PIPESTATUS[0]}")
HB_RC=$?
HB_OUT=$(cat "$HB_TMP/bind.json")
hb_assert_exit 0
hb_assert_outcome PASSED
if printf '%s' "$bindings" | grep -Eq \
	"binding file [^ ]*(libpq\.so|hookbox-postgres\.so)[^ ]* .* to [^ ]*hookbox-postgres\.so .*HMAC_Init_ex"; then
	hb_pass "libpq binds HMAC_Init_ex to hookbox-postgres.so"
else
	hb_fail "libpq does not bind HMAC_Init_ex to hookbox-postgres.so: $(printf '%s' "$bindings" | head -3)"
fi

hb_case "postgres: md5 login passes"
# A regular file, as a Secret is mounted: a pipe such as <(...) is refused
# like any FIFO (hb_open_regular, common/osutil.c).
printf '%s' "$HB_PG_MD5_PASS" >"$HB_TMP/pg-md5.password"
hb_agent postgres "postgresql://$HB_PG_MD5_USER@127.0.0.1:$pg/app" \
	--password-file "$HB_TMP/pg-md5.password" --query "$migration"
hb_assert_exit 0
hb_assert_outcome PASSED
# Prove the server really stores md5 for that user.
hb_assert_eq "stored hash" md5 "$(hb_psql "$pg" postgres -tAc \
	"SELECT left(rolpassword, 3) FROM pg_authid WHERE rolname = '$HB_PG_MD5_USER'")"

hb_case "postgres: the asserted value passes (password from a file)"
hb_agent postgres "postgresql://$HB_PG_USER@127.0.0.1:$pg/app" \
	--password-file "$HB_TMP/pg.password" --query "$migration" \
	--expect-value "$HB_DB_MIGRATION" --expect-rows 1
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail first_value "$HB_DB_MIGRATION"

hb_case "postgres: a wrong value fails as ASSERTION_FAILED"
hb_agent postgres "$pg_url" --query "$migration" --expect-value 43
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'first value is "42", expected "43"'

hb_case "postgres: pattern and row count"
hb_agent postgres "$pg_url" --query "$migration" --expect-pattern '^4[0-9]$'
hb_assert_outcome PASSED
hb_agent postgres "$pg_url" --query 'SELECT version FROM schema_migrations' --expect-rows 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'query returned 2 rows, expected 1'

hb_case "postgres: wrong password is AUTH_FAILED (28P01)"
hb_agent postgres "postgresql://$HB_PG_USER:wrong@127.0.0.1:$pg/app"
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json '.checks[0].message' "password authentication failed for user \"$HB_PG_USER\""
hb_assert_detail sqlstate 28P01

hb_case "postgres: missing database is DATABASE_NOT_FOUND (3D000)"
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/nope"
hb_assert_exit 1
hb_assert_outcome FAILED DATABASE_NOT_FOUND
hb_assert_json '.checks[0].message' 'database "nope" does not exist'
hb_assert_detail sqlstate 3D000

hb_case "postgres: bad SQL is QUERY_ERROR (42601)"
hb_agent postgres "$pg_url" --query 'SELEC 1'
hb_assert_exit 1
hb_assert_outcome FAILED QUERY_ERROR
hb_assert_json '.checks[0].message' 'syntax error at or near "SELEC"'
hb_assert_detail sqlstate 42601
hb_agent postgres "$pg_url" --query 'SELECT * FROM missing_table'
hb_assert_outcome FAILED QUERY_ERROR
hb_assert_detail sqlstate 42P01

hb_case "postgres: closed port is CONNECTION_REFUSED"
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$closed/app"
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"

hb_case "postgres: a server that never answers is TIMEOUT within the deadline"
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$hang/app" --timeout 2s
hb_assert_exit 1
hb_assert_outcome FAILED TIMEOUT
hb_assert_json '.checks[0].message' \
	"connected to 127.0.0.1:$hang, but the server did not complete the start-up within 2s"
hb_assert_deadline 2

hb_case "postgres: TLS verify-full with the right CA passes, a wrong CA is TLS_ERROR"
hb_agent postgres "$pg_url?sslmode=verify-full&sslrootcert=$HB_CERTS/ca.pem" --query 'SELECT 1'
hb_assert_outcome PASSED
hb_assert_contains "tls_version" "$(hb_detail tls_version)" TLSv1
hb_agent postgres "$pg_url?sslmode=verify-full&sslrootcert=$HB_CERTS/self.pem"
hb_assert_outcome FAILED TLS_ERROR
hb_assert_json_contains '.checks[0].message' 'certificate verify failed'

hb_case "postgres: key=value connection parameters"
hb_agent postgres "host=127.0.0.1 port=$pg dbname=app user=$HB_PG_USER sslmode=disable" \
	--password-file "$HB_TMP/pg.password" --query 'SELECT current_user' \
	--expect-value "$HB_PG_USER"
hb_assert_outcome PASSED

# == MariaDB ===================================================================

hb_case "mysql: mysql_native_password login and SELECT 1 pass"
hb_agent mysql "$my_url" --query 'SELECT 1'
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_detail first_value 1
hb_assert_contains "server_version" "$(hb_detail server_version)" "10.11"
case $HB_OUT in
*"$my_pass_enc"* | *"$HB_MY_PASS"*) hb_fail "the report holds the password" ;;
*) hb_pass "the report does not hold the password" ;;
esac

hb_case "mysql: ed25519 login passes (its plugin loaded on demand, under the sandbox)"
hb_agent mysql "mariadb://$HB_MY_ED_USER:$HB_MY_ED_PASS@127.0.0.1:$my/app" --query 'SELECT 1'
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_eq "plugin" ed25519 "$(hb_mariadb "$my" -N -e \
	"SELECT plugin FROM mysql.user WHERE user = '$HB_MY_ED_USER'")"

hb_case "mysql: the asserted value passes (password from a file), a wrong one fails"
hb_agent mysql "mysql://$HB_MY_USER@127.0.0.1:$my/app" \
	--password-file "$HB_TMP/my.password" --query "$migration" \
	--expect-value "$HB_DB_MIGRATION"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent mysql "$my_url" --query "$migration" --expect-value 41
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'first value is "42", expected "41"'

hb_case "mysql: wrong password is AUTH_FAILED (1045)"
hb_agent mysql "mysql://$HB_MY_USER:wrong@127.0.0.1:$my/app"
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json_contains '.checks[0].message' "Access denied for user '$HB_MY_USER'"
hb_assert_detail errno 1045

hb_case "mysql: missing database is DATABASE_NOT_FOUND (1049)"
hb_agent mysql "mysql://$HB_MY_USER:$my_pass_enc@127.0.0.1:$my/app_missing"
hb_assert_exit 1
hb_assert_outcome FAILED DATABASE_NOT_FOUND
hb_assert_json '.checks[0].message' "Unknown database 'app_missing'"
hb_assert_detail errno 1049

hb_case "mysql: bad SQL is QUERY_ERROR (1064)"
hb_agent mysql "$my_url" --query 'SELEC 1'
hb_assert_exit 1
hb_assert_outcome FAILED QUERY_ERROR
hb_assert_json_contains '.checks[0].message' "You have an error in your SQL syntax"
hb_assert_detail errno 1064
hb_assert_detail sqlstate 42000

hb_case "mysql: closed port is CONNECTION_REFUSED"
hb_agent mysql "mysql://$HB_MY_USER:$my_pass_enc@127.0.0.1:$closed/app"
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"

hb_case "mysql: a server that never answers is TIMEOUT within the deadline"
hb_agent mysql "mysql://$HB_MY_USER:$my_pass_enc@127.0.0.1:$hang/app" --timeout 2s
hb_assert_exit 1
hb_assert_outcome FAILED TIMEOUT
hb_assert_json '.checks[0].message' \
	"connected to 127.0.0.1:$hang, but the server did not complete the handshake within 2s"
hb_assert_deadline 2

hb_case "mysql: a query that outlives the deadline is TIMEOUT"
hb_agent mysql "$my_url" --query 'SELECT SLEEP(10)' --timeout 1s
hb_assert_outcome FAILED TIMEOUT
hb_assert_json '.checks[0].message' "the query did not finish within 1s"
hb_assert_deadline 1

hb_case "mysql: TLS VERIFY_IDENTITY with the right CA passes, a wrong CA is TLS_ERROR"
hb_agent mysql "$my_url?ssl-mode=VERIFY_IDENTITY&ssl-ca=$HB_CERTS/ca.pem" --query 'SELECT 1'
hb_assert_outcome PASSED
hb_assert_contains "tls_cipher" "$(hb_detail tls_cipher)" TLS
hb_agent mysql "$my_url?ssl-mode=VERIFY_IDENTITY&ssl-ca=$HB_CERTS/self.pem"
hb_assert_outcome FAILED TLS_ERROR

hb_case "mysql: a TLS check loads openssl.cnf, a plain one does without"
# kinds/mysql.c starts OpenSSL without its configuration only when no
# check of the run asks for TLS. This configuration allows one TLS 1.3
# suite that MariaDB does not offer: a TLS check must fail by it.
printf '%s\n' 'openssl_conf = hb_conf' '[hb_conf]' 'ssl_conf = hb_ssl' \
	'[hb_ssl]' 'system_default = hb_tls' '[hb_tls]' 'MinProtocol = TLSv1.3' \
	'Ciphersuites = TLS_AES_128_CCM_8_SHA256' >"$HB_TMP/ccm8.cnf"
OPENSSL_CONF=$HB_TMP/ccm8.cnf hb_agent mysql \
	"$my_url?ssl-mode=VERIFY_IDENTITY&ssl-ca=$HB_CERTS/ca.pem"
hb_assert_outcome FAILED TLS_ERROR
OPENSSL_CONF=$HB_TMP/ccm8.cnf hb_agent mysql "$my_url"
hb_assert_outcome PASSED

# == Redis =====================================================================

hb_case "redis: password AUTH and PING pass"
hb_agent redis "$rd_url"
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_contains "server_version" "$(hb_detail server_version)" "7."

hb_case "redis: ACL user, a command's asserted reply passes, a wrong one fails"
hb_agent redis "redis://$HB_RD_ACL_USER@127.0.0.1:$rd/0" \
	--password-file "$HB_TMP/rd.password" --command 'GET schema_version' \
	--expect-value "$HB_DB_MIGRATION"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_agent redis "redis://$HB_RD_ACL_USER:$HB_RD_ACL_PASS@127.0.0.1:$rd" \
	--command 'GET schema_version' --expect-value 41
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' 'reply is "42", expected "41"'

hb_case "redis: SELECT of the URL's database, quoted arguments, integer replies"
hb_agent redis "$rd_url/3" --command 'GET db3' --expect-value three
hb_assert_outcome PASSED
hb_agent redis "$rd_url" --command "SET greeting 'hello world'" --expect-value OK
hb_assert_outcome PASSED
hb_agent redis "$rd_url" --command 'STRLEN greeting' --expect-value 11
hb_assert_outcome PASSED
hb_agent redis "$rd_url/99"
hb_assert_outcome FAILED DATABASE_NOT_FOUND

hb_case "redis: wrong password and no password are AUTH_FAILED"
hb_agent redis "redis://$HB_RD_ACL_USER:wrong@127.0.0.1:$rd"
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json_contains '.checks[0].message' WRONGPASS
hb_agent redis "redis://127.0.0.1:$rd"
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json_contains '.checks[0].message' NOAUTH

hb_case "redis: an error reply is QUERY_ERROR"
hb_agent redis "$rd_url" --command 'NOSUCHCOMMAND x'
hb_assert_outcome FAILED QUERY_ERROR
hb_assert_detail error ERR

hb_case "redis: closed port is CONNECTION_REFUSED"
hb_agent redis "redis://:$HB_RD_PASS@127.0.0.1:$closed"
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"

hb_case "redis: a server that never answers is TIMEOUT within the deadline"
hb_agent redis "redis://:$HB_RD_PASS@127.0.0.1:$hang" --timeout 2s
hb_assert_exit 1
hb_assert_outcome FAILED TIMEOUT
hb_assert_json '.checks[0].message' "connected to 127.0.0.1:$hang, but no answer to AUTH within 2s"
hb_assert_deadline 2

hb_case "redis: rediss:// says why it is not supported"
hb_agent redis "rediss://:$HB_RD_PASS@127.0.0.1:$rd"
hb_assert_exit 1
hb_assert_json_contains '.checks[0].message' "no TLS"

# == The filters are real ==========================================================

# The test shim (test/helpers/shim.c) makes a check child call ptrace before
# it connects to $HB_SHIM_PORT: each database kind's filter must stop it
# and name the call, and the same check must pass with the sandbox off, or
# the passes above could be passing for another reason.
if [ -e "$HB_BUILD/hb-test-shim.so" ]; then
	shim()
	{
		local port=$1
		shift
		HB_SHIM_PORT=$port HB_SHIM_DO=ptrace LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
			ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
			hb_agent "$@"
	}
	for kind in postgres mysql redis; do
		case $kind in
		postgres) url=$pg_url port=$pg ;;
		mysql) url=$my_url port=$my ;;
		redis) url=$rd_url port=$rd ;;
		esac
		hb_case "$kind: a forbidden call is a named SANDBOX_VIOLATION"
		shim "$port" "$kind" "$url" --sandbox enforce
		hb_assert_outcome FAILED SANDBOX_VIOLATION
		hb_assert_detail syscall ptrace
		shim "$port" "$kind" "$url" --sandbox off
		hb_assert_outcome PASSED
	done
fi

# == A spec, and an unprivileged agent ==========================================

hb_case "a spec with all three kinds and password files passes"
cat >"$HB_TMP/db.json" <<EOF
{"checks": [
 {"name": "migrated", "kind": "postgres", "url": "postgresql://$HB_PG_USER@127.0.0.1:$pg/app",
  "password_file": "$HB_TMP/pg.password", "query": "$migration", "expect": {"value": "42"}},
 {"name": "mysql-migrated", "kind": "mysql", "url": "mysql://$HB_MY_USER@127.0.0.1:$my/app",
  "password_file": "$HB_TMP/my.password", "query": "$migration", "expect": {"value": "42", "rows": 1}},
 {"name": "cache", "kind": "redis", "url": "redis://$HB_RD_ACL_USER@127.0.0.1:$rd",
  "password_file": "$HB_TMP/rd.password", "command": "GET schema_version", "expect": {"pattern": "^4[0-9]$"}}
]}
EOF
hb_agent run "$HB_TMP/db.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED,PASSED

# db_spec N: a spec with N times two checks of each kind, one plain and one
# with TLS (or a command), in this order.
db_spec()
{
	echo '{"checks": ['
	for i in $(seq 1 "$1"); do
		[ "$i" -gt 1 ] && echo ','
		cat <<EOF
 {"name": "pg-a$i", "kind": "postgres", "url": "$pg_url?sslmode=disable", "query": "SELECT 1"},
 {"name": "pg-b$i", "kind": "postgres", "url": "$pg_url?sslmode=verify-full&sslrootcert=$HB_CERTS/ca.pem"},
 {"name": "my-a$i", "kind": "mysql", "url": "$my_url", "query": "SELECT 1"},
 {"name": "my-b$i", "kind": "mysql", "url": "$my_url?ssl-mode=VERIFY_IDENTITY&ssl-ca=$HB_CERTS/ca.pem"},
 {"name": "rd-a$i", "kind": "redis", "url": "$rd_url"},
 {"name": "rd-b$i", "kind": "redis", "url": "$rd_url", "command": "GET schema_version"}
EOF
	done
	echo ']}'
}

hb_case "two checks of each kind in one run: the agent loads each module once"
# With one check of a kind its child loads the module; with two, the agent
# loads it and starts the library (TLS or not) for both.
db_spec 1 >"$HB_TMP/db2.json"
hb_agent run "$HB_TMP/db2.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED,PASSED,PASSED,PASSED,PASSED
assert_enforced
hb_assert_contains "mysql TLS cipher" "$(hb_json '.checks[3].attempts[0].details[]? | select(.key == "tls_cipher") | .value')" TLS

hb_case "eight checks of each kind in one run: a zygote of each kind forks them"
# Eight or more checks of a kind have a zygote fork their children, whose
# filters are the zygote's and the child's own (runner/zygote.c): each
# kind, plain and with TLS, must pass that way too.
db_spec 4 >"$HB_TMP/db8.json"
hb_agent run "$HB_TMP/db8.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
hb_assert_json '.checks | length' 24
assert_enforced

hb_case "exec --wait-for waits for databases that start late, then runs the command"
hb_port pg_late
hb_port rd_late
# The agent starts first and waits; the servers come up seconds later.
# hb_start_postgres creates the user and the database once the server
# listens, as a chart's init job would: the wait goes through those too.
"$HB_BUILD/hookbox" exec --output json \
	--wait-for "postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg_late/app" \
	--wait-for "redis://:$HB_RD_PASS@127.0.0.1:$rd_late" --wait 60s \
	--retry-on AUTH_FAILED --retry-on DATABASE_NOT_FOUND \
	-- sh -c 'echo migrated' >"$HB_TMP/late.out" 2>"$HB_TMP/late.err" &
agent=$!
sleep 2
hb_start_redis "$rd_late"
hb_start_postgres "$pg_late"
wait "$agent"
HB_RC=$?
HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/late.out")
HB_ERR=$(cat "$HB_TMP/late.err")
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED,PASSED
hb_assert_lt "postgres attempts before it came up" 1 "$(hb_json '.checks[0].attempts[-1].number')"
hb_assert_lt "redis attempts before it came up" 1 "$(hb_json '.checks[1].attempts[-1].number')"
hb_assert_json '.checks[2].command.stdoutTail' migrated
hb_assert_contains "command output" "$(cat "$HB_TMP/late.out")" "migrated"

# A pod runs as non-root without capabilities: as root, run each kind again
# as nobody (when nobody can reach the build).
if [ "$(id -u)" = 0 ] && setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
	test -x "$HB_BUILD/hookbox"; then
	hb_case "as an unprivileged user, all three kinds pass"
	out=$(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
		$HB_PREFIX "$HB_BUILD/hookbox" run "$HB_TMP/db.json" --output json 2>"$HB_TMP/nobody.err")
	HB_RC=$?
	HB_OUT=$out
	HB_ERR=$(cat "$HB_TMP/nobody.err")
	hb_assert_exit 0
	hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED,PASSED
	hb_assert_json '.sandbox.mode' enforce
fi

# == libpq.a and libmariadb.a, linked without what no check uses ==============
# kinds/pq_pruned.c, kinds/my_pruned.c: the modules need, and load, no
# LDAP, Kerberos, SASL, GnuTLS or zlib, and a server or URL asking for
# GSSAPI gets a classified failure, not a crash or a hang. Last: the
# GSSAPI case changes pg_hba.conf.

my_ed_url="mariadb://$HB_MY_ED_USER:$HB_MY_ED_PASS@127.0.0.1:$my/app"
# What libpq.so.5 and libmariadb.so.3 bring, and none of the modules may.
left_out='libpq\.so|libmariadb\.so|libldap|liblber|libkrb5|libk5crypto|libgssapi|libsasl2|libgnutls|libnettle|libhogweed|libp11-kit|libidn2|libunistring|libz\.so'

# == what the modules need ======================================================

for kind in postgres mysql; do
	hb_case "$kind: the module needs only libssl, libcrypto, libpcre2 and libc"
	so=$HB_BUILD/hookbox-$kind.so
	# The sanitizers' runtimes of an ASan build aside.
	needed=$(readelf -d "$so" | awk '/\(NEEDED\)/ { gsub(/[][]/, "", $5); print $5 }' |
		grep -Ev '^lib(asan|ubsan)\.' | sort | tr '\n' ' ')
	# libpcre2-8: expect.pattern (core/pattern.c), shared with the agent.
	hb_assert_eq "NEEDED of hookbox-$kind.so" \
		"libc.so.6 libcrypto.so.3 libpcre2-8.so.0 libssl.so.3 " "$needed"
done

# == what a check loads =========================================================

# loaded ARGS...: runs the agent with LD_DEBUG=files; sets HB_RC, HB_OUT and
# LOADED, every library the agent and its check children loaded, one a
# line. stderr goes to a pipe: a check child may not grow a file
# (RLIMIT_FSIZE), and LD_DEBUG writes from it too.
loaded()
{
	# shellcheck disable=SC2086
	LOADED=$(LD_DEBUG=files $HB_PREFIX "$HB_BUILD/hookbox" "$@" --output json \
		2>&1 >"$HB_TMP/loaded.json" |
		awk '$2 ~ /^file=/ && $3 == "[0];" { sub(/^file=/, "", $2); print $2 }' |
		sort -u; exit "${PIPESTATUS[0]}")
	HB_RC=$?
	HB_OUT=$(cat "$HB_TMP/loaded.json")
	HB_ERR=""
}

# assert_loaded_none: the run loaded its module and libssl (so the list is
# the real one), and none of the left-out libraries.
assert_loaded_none()
{
	local kind=$1
	hb_assert_contains "libraries loaded" "$LOADED" "hookbox-$kind.so"
	hb_assert_contains "libraries loaded" "$LOADED" "libssl.so.3"
	local bad
	bad=$(printf '%s\n' "$LOADED" | grep -E "$left_out" | tr '\n' ' ')
	hb_assert_eq "left-out libraries loaded" "" "$bad"
}

hb_case "postgres: a SCRAM login and query load no LDAP, Kerberos, SASL, GnuTLS"
loaded postgres "$pg_url" --query 'SELECT max(version) FROM schema_migrations' \
	--expect-value "$HB_DB_MIGRATION"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json '.sandbox.seccomp' true
assert_loaded_none postgres

hb_case "postgres: over TLS too (sslmode=require)"
loaded postgres "$pg_url?sslmode=require" --query 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail first_value t
assert_loaded_none postgres

hb_case "mysql: an ed25519 login (its plugin loaded) loads no zlib, no libmariadb.so"
loaded mysql "$my_ed_url" --query 'SELECT 1'
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_contains "libraries loaded" "$LOADED" "client_ed25519.so"
assert_loaded_none mysql

# == GSSAPI, which the postgres module leaves out ==================================

hb_case "postgres: a server asking for GSSAPI authentication is AUTH_FAILED, saying so"
# pg_hba.conf's first matching line wins: "gss" for one user, before the
# others; the server reloads it.
hb_psql "$pg" postgres -c "CREATE ROLE kerberos LOGIN PASSWORD 'unused'" >/dev/null
sed -i "1i host all kerberos 127.0.0.1/32 gss" "$HB_TMP/pg-$pg/data/pg_hba.conf"
hb_psql "$pg" postgres -tAc 'SELECT pg_reload_conf()' >/dev/null
hb_assert_eq "pg_hba.conf in force" gss "$(hb_psql "$pg" postgres -tAc \
	"SELECT auth_method FROM pg_hba_file_rules WHERE 'kerberos' = ANY(user_name)")"
hb_agent postgres "postgresql://kerberos@127.0.0.1:$pg/app" --query 'SELECT 1' --timeout 10s
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json '.checks[0].message' \
	"the server asks for GSSAPI (Kerberos) authentication, which hookbox does not do"
hb_assert_json '.checks[0].attempts | length' 1
hb_assert_eq "stderr" "" "$HB_ERR"

hb_case "postgres: gssencmode=require is AUTH_FAILED, saying so"
hb_agent postgres "$pg_url?gssencmode=require" --query 'SELECT 1' --timeout 10s
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json_contains '.checks[0].message' "asks for GSSAPI encryption (gssencmode=require)"
hb_assert_eq "stderr" "" "$HB_ERR"

hb_case "postgres: gssencmode=prefer goes on without GSSAPI encryption"
hb_agent postgres "$pg_url?gssencmode=prefer" --query 'SELECT 1'
hb_assert_exit 0
hb_assert_outcome PASSED

hb_finish
