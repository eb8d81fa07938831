# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Database servers for the integration suites: real PostgreSQL 15, MariaDB
# 10.11 and Redis 7 from Debian's packages, each in its own directory under
# $HB_TMP on a free 127.0.0.1 port, with passwords, stopped by lib.sh's trap.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/lib_db.sh"
#   hb_setup
#   hb_port pg; hb_start_postgres "$pg"
#   hb_port my; hb_start_mariadb "$my"
#   hb_port rd; hb_start_redis "$rd"
#
# What each server holds is in the HB_PG_*, HB_MY_* and HB_RD_* variables
# below: users with passwords (SCRAM-SHA-256 and md5 for PostgreSQL,
# mysql_native_password and ed25519 for MariaDB, the default user and an ACL
# user for Redis), a database "app" with schema_migrations at version 42.
#
# As root the servers run as nobody (PostgreSQL refuses root, and a test
# should not need it); otherwise as the calling user. Each is started in the
# foreground of a recorded pid, so lib.sh's hb_cleanup stops it with SIGTERM
# (a clean shutdown for all three).

# Credentials: fixed, these servers live for one suite on loopback only.
HB_PG_SUPERPASS=postgres-secret
HB_PG_USER=app
HB_PG_PASS=app-secret
HB_PG_MD5_USER=legacy
HB_PG_MD5_PASS='legacy s3cret'
HB_MY_USER=app
HB_MY_PASS='app:s3cret@/'
HB_MY_ED_USER=edapp
HB_MY_ED_PASS=ed-secret
HB_RD_PASS=redis-secret
HB_RD_ACL_USER=app
HB_RD_ACL_PASS=app-secret
HB_DB_MIGRATION=42

HB_PG_BIN=${HB_PG_BIN:-/usr/lib/postgresql/15/bin}

# The prefix that runs a server as the unprivileged user: setpriv execs the
# command itself (runuser would stay as its parent), and used in a simple
# command ("${HB_DB_AS[@]}" server ... &) no subshell sits between, so $! is
# the server's own pid, the one hb_cleanup must signal.
HB_DB_AS=()
[ "$(id -u)" = 0 ] && HB_DB_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)

# Runs "$@" (in the foreground) as the unprivileged server user.
hb_db_as()
{
	"${HB_DB_AS[@]}" "$@"
}

# A directory for one server, owned by whoever runs it.
hb_db_dir()
{
	local dir=$1
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"
	chmod 700 "$dir"
}

# Waits up to $3 seconds for a command ($2...) to succeed; $1 names it.
hb_db_wait()
{
	local what=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	hb_die "$what did not come up"
}

# hb_start_postgres PORT: PostgreSQL 15 on 127.0.0.1:PORT, socket in its
# directory ($HB_TMP/pg-PORT), TLS with $HB_CERTS/server.pem when hb_make_certs ran. SCRAM-SHA-256 for everyone but $HB_PG_MD5_USER,
# whose password is stored as md5 and checked with md5. Database "app"
# owned by $HB_PG_USER, with schema_migrations(version) = 42.
hb_start_postgres()
{
	local port=$1
	local dir=$HB_TMP/pg-$port
	[ -x "$HB_PG_BIN/initdb" ] ||
		hb_die "PostgreSQL 15 is not installed (scripts/deps.sh test)"
	hb_db_dir "$dir"
	printf '%s\n' "$HB_PG_SUPERPASS" >"$dir/pwfile"
	[ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir/pwfile"
	hb_db_as "$HB_PG_BIN/initdb" -D "$dir/data" -U postgres \
		--auth=scram-sha-256 --pwfile="$dir/pwfile" -E UTF8 \
		--no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
		hb_die "initdb failed: $(tail -5 "$dir/initdb.log")"
	# md5 for the md5 user first: the first matching line wins.
	cat >"$dir/data/pg_hba.conf" <<EOF
local all all scram-sha-256
host all $HB_PG_MD5_USER 127.0.0.1/32 md5
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
EOF
	# TLS when the suite made certificates (hb_make_certs): the key must
	# belong to the server's user and be private.
	local tls=()
	if [ -n "${HB_CERTS:-}" ]; then
		cp "$HB_CERTS/server.pem" "$HB_CERTS/server.key" "$dir/"
		chmod 600 "$dir/server.key"
		[ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir/server.pem" "$dir/server.key"
		tls=(-c ssl=on -c ssl_cert_file="$dir/server.pem"
			-c ssl_key_file="$dir/server.key")
	fi
	"${HB_DB_AS[@]}" "$HB_PG_BIN/postgres" -D "$dir/data" -p "$port" "${tls[@]}" \
		-c listen_addresses=127.0.0.1 -c unix_socket_directories="$dir" \
		-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
		-c shared_buffers=16MB -c max_connections=40 \
		-c logging_collector=off >"$dir/server.log" 2>&1 &
	HB_PIDS+=($!)
	hb_db_wait "PostgreSQL on port $port" 30 \
		"$HB_PG_BIN/pg_isready" -q -h "$dir" -p "$port"
	hb_psql "$port" postgres >"$dir/setup.log" 2>&1 <<EOF || hb_die "PostgreSQL set-up failed: $(tail -5 "$dir/setup.log")"
SET password_encryption = 'scram-sha-256';
CREATE ROLE $HB_PG_USER LOGIN PASSWORD '$HB_PG_PASS';
SET password_encryption = 'md5';
CREATE ROLE $HB_PG_MD5_USER LOGIN PASSWORD '$HB_PG_MD5_PASS';
CREATE DATABASE app OWNER $HB_PG_USER;
\\connect app
SET ROLE $HB_PG_USER;
CREATE TABLE schema_migrations (version bigint PRIMARY KEY);
INSERT INTO schema_migrations VALUES (1), ($HB_DB_MIGRATION);
GRANT SELECT ON schema_migrations TO $HB_PG_MD5_USER;
EOF
}

# hb_psql PORT DB [ARGS...]: psql as the superuser over the Unix socket.
hb_psql()
{
	local port=$1 db=$2
	shift 2
	PGPASSWORD=$HB_PG_SUPERPASS "$HB_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-h "$HB_TMP/pg-$port" -p "$port" -U postgres -d "$db" "$@"
}

# hb_start_mariadb PORT: MariaDB 10.11 on 127.0.0.1:PORT, socket
# $HB_TMP/mariadb-PORT/sock, TLS with $HB_CERTS/server.pem when hb_make_certs ran. Users: $HB_MY_USER (mysql_native_password) and
# $HB_MY_ED_USER (ed25519), both with all rights on database "app", which
# has schema_migrations at version 42. $HB_MY_USER's grant is on the
# pattern app%, so that a missing app_... database is "unknown database"
# (1049) for it: without a grant MariaDB answers 1044, access denied. MariaDB has no caching_sha2_password
# on the server side (that is MySQL 8's), so that plugin can only be proved
# against MySQL; the client side of it is loaded all the same.
hb_start_mariadb()
{
	local port=$1
	local dir=$HB_TMP/mariadb-$port
	command -v mariadb-install-db >/dev/null ||
		hb_die "MariaDB is not installed (scripts/deps.sh test)"
	hb_db_dir "$dir"
	local user_opt=()
	[ "$(id -u)" = 0 ] && user_opt=(--user=nobody)
	# Once more on failure: a clean-clone CI run saw it fail once while
	# another suite set up its own MariaDB, and the log's last lines are
	# only its "report a bug" footer. The server's own [ERROR] lines say
	# why; they go to stderr either way.
	local try
	for try in 1 2; do
		rm -rf "$dir/data"
		mariadb-install-db --no-defaults --datadir="$dir/data" "${user_opt[@]}" \
			--auth-root-authentication-method=normal --skip-test-db \
			--skip-name-resolve >"$dir/install.log" 2>&1 && break
		echo "lib.sh: mariadb-install-db failed (try $try):" >&2
		grep -iE 'error|fail|denied|cannot|can.t' "$dir/install.log" |
			grep -v 'bug report' | head -10 >&2
		[ "$try" = 2 ] &&
			hb_die "mariadb-install-db failed twice (log above)"
		sleep 1
	done
	# mariadbd drops to --user itself after reading its files, so the pid
	# recorded is the server's own.
	local tls=()
	if [ -n "${HB_CERTS:-}" ]; then
		cp "$HB_CERTS/server.pem" "$HB_CERTS/server.key" "$HB_CERTS/ca.pem" "$dir/"
		[ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"/*.pem "$dir/server.key"
		tls=(--ssl-cert="$dir/server.pem" --ssl-key="$dir/server.key"
			--ssl-ca="$dir/ca.pem")
	fi
	/usr/sbin/mariadbd --no-defaults --datadir="$dir/data" "${user_opt[@]}" "${tls[@]}" \
		--socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 \
		--pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
		--skip-name-resolve --innodb-buffer-pool-size=16M \
		--innodb-log-file-size=8M --performance-schema=OFF \
		--skip-log-bin >"$dir/stdout.log" 2>&1 &
	HB_PIDS+=($!)
	hb_db_wait "MariaDB on port $port" 30 \
		mariadb-admin --no-defaults --socket="$dir/sock" -uroot ping
	hb_mariadb "$port" >"$dir/setup.log" 2>&1 <<EOF || hb_die "MariaDB set-up failed: $(tail -5 "$dir/setup.log")"
INSTALL SONAME 'auth_ed25519';
CREATE DATABASE app;
CREATE USER '$HB_MY_USER'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('$HB_MY_PASS');
CREATE USER '$HB_MY_ED_USER'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('$HB_MY_ED_PASS');
GRANT ALL ON \`app%\`.* TO '$HB_MY_USER'@'%';
GRANT ALL ON app.* TO '$HB_MY_ED_USER'@'%';
CREATE TABLE app.schema_migrations (version bigint PRIMARY KEY);
INSERT INTO app.schema_migrations VALUES (1), ($HB_DB_MIGRATION);
EOF
}

# hb_mariadb PORT [ARGS...]: the mariadb client as root over the socket.
hb_mariadb()
{
	local port=$1
	shift
	mariadb --no-defaults --socket="$HB_TMP/mariadb-$port/sock" -uroot "$@"
}

# hb_start_redis PORT: Redis 7 on 127.0.0.1:PORT; the default user has
# password $HB_RD_PASS, the ACL user $HB_RD_ACL_USER has $HB_RD_ACL_PASS.
# Key "schema_version" is 42 in database 0 and "db3" is "three" in
# database 3.
hb_start_redis()
{
	local port=$1
	local dir=$HB_TMP/redis-$port
	command -v redis-server >/dev/null ||
		hb_die "Redis is not installed (scripts/deps.sh test)"
	hb_db_dir "$dir"
	cat >"$dir/redis.conf" <<EOF
port $port
bind 127.0.0.1
protected-mode yes
daemonize no
dir $dir
save ""
appendonly no
logfile $dir/redis.log
requirepass $HB_RD_PASS
user $HB_RD_ACL_USER on >$HB_RD_ACL_PASS ~* &* +@all
EOF
	[ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir/redis.conf"
	"${HB_DB_AS[@]}" redis-server "$dir/redis.conf" >"$dir/stdout.log" 2>&1 &
	HB_PIDS+=($!)
	hb_db_wait "Redis on port $port" 20 hb_redis "$port" ping
	{
		hb_redis "$port" set schema_version "$HB_DB_MIGRATION" &&
		hb_redis "$port" -n 3 set db3 three
	} >"$dir/setup.log" 2>&1 || hb_die "Redis set-up failed: $(cat "$dir/setup.log")"
}

# hb_redis PORT ARGS...: redis-cli as the default user.
hb_redis()
{
	local port=$1
	shift
	REDISCLI_AUTH=$HB_RD_PASS redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# hb_start_db_servers PG MY RD: PostgreSQL, MariaDB and Redis as above, each
# on a free port stored in the variable named by its argument.
hb_start_db_servers()
{
	hb_port "$1"
	hb_port "$2"
	hb_port "$3"
	hb_start_postgres "${!1}"
	hb_start_mariadb "${!2}"
	hb_start_redis "${!3}"
}
