#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The postgres and mysql modules with libpq.a and libmariadb.a linked in
# whole, without what no check uses (runner/pq_pruned.c, runner/my_pruned.c):
# they need, and load, no LDAP, Kerberos, SASL, GnuTLS or zlib, and a server
# or URL asking for GSSAPI gets a classified failure, not a crash or a hang.
# Usage: HB_BUILD=build bash test/integration/db_pruned.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"

hb_setup
hb_make_certs
hb_port pg
hb_port my
hb_start_postgres "$pg"
hb_start_mariadb "$my"

pg_url="postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app"
my_ed_url="mariadb://$HB_MY_ED_USER:$HB_MY_ED_PASS@127.0.0.1:$my/app"
# What libpq.so.5 and libmariadb.so.3 bring, and none of the modules may.
left_out='libpq\.so|libmariadb\.so|libldap|liblber|libkrb5|libk5crypto|libgssapi|libsasl2|libgnutls|libnettle|libhogweed|libp11-kit|libidn2|libunistring|libz\.so'

# == what the modules need ======================================================

for kind in postgres mysql; do
	hb_case "$kind: the module needs only libssl, libcrypto and libc"
	so=$HB_BUILD/hookbox-$kind.so
	# The sanitizers' runtimes of an ASan build aside.
	needed=$(readelf -d "$so" | awk '/\(NEEDED\)/ { gsub(/[][]/, "", $5); print $5 }' |
		grep -Ev '^lib(asan|ubsan)\.' | sort | tr '\n' ' ')
	hb_assert_eq "NEEDED of hookbox-$kind.so" "libc.so.6 libcrypto.so.3 libssl.so.3 " "$needed"
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
