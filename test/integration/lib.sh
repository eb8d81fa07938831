# SPDX-License-Identifier: MIT
# Shared library of the integration suites: a temporary directory, free
# ports, real servers (nginx, TLS, a hanging server), certificates, agent runs
# and assertions that print what was expected and what came.
#
#   . "$(dirname "$0")/lib.sh"
#   hb_setup                          temp dir in HB_TMP, cleanup on EXIT
#   port=$(hb_free_port)
#   hb_start_nginx "$port"
#   hb_case "200 passes"
#   hb_agent http "http://127.0.0.1:$port/ok"
#   hb_assert_exit 0
#   hb_assert_json .checks[0].outcome PASSED
#   hb_finish                         prints "N passed, N failed", exits
#
# Environment: HB_BUILD (build directory, holds hookbox), HB_SRC (source
# tree), HB_PREFIX (prefix for every agent run, e.g. "valgrind -q"),
# HB_KEEP=1 keeps the temporary directory for a post-mortem.
# Needs bash 4.3+, nginx (nginx-light), openssl, jq, ss (iproute2), curl.

HB_SRC=${HB_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HB_BUILD=${HB_BUILD:-$HB_SRC/build}
HB_PREFIX=${HB_PREFIX:-}
HB_PASSED=0
HB_FAILED=0
HB_CASE=""
HB_PIDS=()
HB_PORT_LOCKS=()
# Where port reservations live: shared by every suite on the machine.
HB_PORT_LOCK_DIR=${HB_PORT_LOCK_DIR:-${TMPDIR:-/tmp}/hookbox-test-ports}

hb_log() { printf '%s\n' "$*" >&2; }

hb_die()
{
	hb_log "lib.sh: $*"
	exit 1
}

# Kills every server this suite started (their process groups are not
# ours to touch: only the recorded pids, TERM then KILL), releases the port
# reservations and removes the temporary directory.
hb_cleanup()
{
	local pid
	for pid in "${HB_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${HB_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	HB_PIDS=()
	# Every reservation this shell made, including those made in command
	# substitutions ($$ is the suite's pid there too).
	local lock
	for lock in "${HB_PORT_LOCKS[@]}" "$HB_PORT_LOCK_DIR"/*; do
		[ -d "$lock" ] || continue
		[ "$(cat "$lock/pid" 2>/dev/null)" = "$$" ] && rm -rf "$lock"
	done
	HB_PORT_LOCKS=()
	if [ -n "${HB_TMP:-}" ] && [ -d "$HB_TMP" ]; then
		if [ "${HB_KEEP:-0}" = 1 ] || [ "$HB_FAILED" -gt 0 -a "${HB_KEEP:-}" = failed ]; then
			hb_log "lib.sh: kept $HB_TMP"
		else
			rm -rf "$HB_TMP"
		fi
	fi
}

hb_setup()
{
	HB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hookbox-it.XXXXXX") ||
		hb_die "mktemp failed"
	# Servers running as root drop to nobody, who must reach the files
	# they serve (the big body, certificates) inside this directory.
	chmod 755 "$HB_TMP"
	trap hb_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mkdir -p "$HB_PORT_LOCK_DIR" 2>/dev/null
	chmod 1777 "$HB_PORT_LOCK_DIR" 2>/dev/null
	[ -x "$HB_BUILD/hookbox" ] || hb_log "lib.sh: warning: no $HB_BUILD/hookbox"
}

# Whether something listens on TCP port $1 (any address).
hb_port_listening()
{
	ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# A free TCP port on the loopback addresses, reserved for this suite until it
# exits. Candidates are drawn below the kernel's ephemeral range (so no
# outgoing connection takes one meanwhile), must have no listener, and are
# claimed with an atomic mkdir in a directory all suites share, so that two
# suites running in parallel never get the same port. A reservation whose
# owner is dead is taken over.
hb_free_port()
{
	local lo=20000 hi=32000 port lock owner
	for _ in $(seq 1 200); do
		port=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
		hb_port_listening "$port" && continue
		lock=$HB_PORT_LOCK_DIR/$port
		if ! mkdir "$lock" 2>/dev/null; then
			owner=$(cat "$lock/pid" 2>/dev/null)
			if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
				rm -rf "$lock"
				mkdir "$lock" 2>/dev/null || continue
			else
				continue
			fi
		fi
		echo $$ >"$lock/pid"
		# Re-check after claiming: a listener may have appeared.
		if hb_port_listening "$port"; then
			rm -rf "$lock"
			continue
		fi
		HB_PORT_LOCKS+=("$lock")
		echo "$port"
		return 0
	done
	hb_die "no free port found"
}

# hb_free_port runs in a command substitution, whose array changes are lost:
# suites call this form instead, which sets the variable named $1.
hb_port()
{
	local _p
	_p=$(hb_free_port) || exit 1
	HB_PORT_LOCKS+=("$HB_PORT_LOCK_DIR/$_p")
	printf -v "$1" '%s' "$_p"
}

# A port nothing listens on (reserved, so no other suite starts a server
# there either).
hb_closed_port()
{
	hb_port "$1"
}

# Waits until host:port accepts TCP connections (up to $3 seconds, default
# 10). Returns non-zero on timeout.
hb_wait_tcp()
{
	local host=$1 port=$2 secs=${3:-10} i
	host=${host#[}
	host=${host%]}
	for ((i = 0; i < secs * 20; i++)); do
		if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# hb_nginx_main DIR CONNECTIONS: the main context of a test nginx whose
# files are in DIR (workers drop to nobody when root), for the http or
# stream block written after it.
hb_nginx_main()
{
	local dir=$1
	[ "$(id -u)" = 0 ] && echo "user nobody nogroup;"
	cat <<EOF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $2; }
EOF
}

# Writes the nginx configuration for a server in directory $1 listening on
# $2 (e.g. "127.0.0.1:8080" or "[::1]:8080 ssl"), with extra server
# directives in $3.
hb_nginx_conf()
{
	local dir=$1 listen=$2 extra=${3:-}
	mkdir -p "$dir/tmp"
	# The sparse 1 GB body: costs no disk, shared by every server.
	[ -e "$HB_TMP/big" ] || truncate -s 1G "$HB_TMP/big"
	{
		hb_nginx_main "$dir" 64
		cat <<EOF
http {
	access_log $dir/access.log;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	default_type text/plain;
	server {
		listen $listen;
		server_name localhost;
		$extra
		location = /ok {
			default_type application/json;
			return 200 '{"status":"ok"}';
		}
		location = /json {
			default_type application/json;
			return 200 '{"status":"ok","count":3,"ratio":1.5,"items":[{"id":7,"name":"a"},{"id":8,"name":"b"}],"ready":true,"meta":{"version":"1.2.0"}}';
		}
		location = /fail { return 500 'fail\n'; }
		location = /notfound { return 404; }
		location = /redirect { return 302 /ok; }
		location = /text { return 200 'hello hookbox, version 1.2.0\n'; }
		location = /big {
			alias $HB_TMP/big;
			default_type application/octet-stream;
		}
		# A status line at once, then a body at 1 KiB/s: a server that
		# answers but never finishes in time.
		location = /slow {
			alias $HB_TMP/big;
			limit_rate 1k;
		}
	}
}
EOF
	} >"$dir/nginx.conf"
	# Workers that dropped to nobody create temp files here.
	[ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$dir/tmp"
	return 0
}

# Starts the prepared nginx of directory $1 in the background, after $2
# seconds (0: now). Prints nothing; records the pid.
hb_nginx_launch()
{
	local dir=$1 delay=${2:-0}
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] ||
		hb_die "nginx is not installed (scripts/deps.sh test)"
	local bin
	bin=$(command -v nginx || echo /usr/sbin/nginx)
	if [ "$delay" = 0 ]; then
		"$bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
			>>"$dir/stdout.log" 2>&1 &
	else
		# exec: the recorded pid becomes nginx's master itself.
		bash -c 'sleep "$1"; shift; exec "$@"' _ "$delay" \
			"$bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
			>>"$dir/stdout.log" 2>&1 &
	fi
	HB_PIDS+=($!)
	HB_LAST_PID=$!
}

# hb_start_nginx PORT [ADDRESS]: plain HTTP on ADDRESS:PORT (127.0.0.1, or
# "[::1]" for IPv6); returns once it answers.
hb_start_nginx()
{
	local port=$1 addr=${2:-127.0.0.1}
	local dir=$HB_TMP/nginx-$port
	hb_nginx_conf "$dir" "$addr:$port"
	hb_nginx_launch "$dir" 0
	hb_wait_tcp "$addr" "$port" 10 ||
		hb_die "nginx on $addr:$port did not start: $(tail -3 "$dir/error.log" "$dir/stdout.log" 2>/dev/null)"
}

# hb_start_nginx_late PORT DELAY: as hb_start_nginx, but it starts listening
# only after DELAY seconds; returns at once.
hb_start_nginx_late()
{
	local port=$1 delay=$2
	local dir=$HB_TMP/nginx-$port
	hb_nginx_conf "$dir" "127.0.0.1:$port"
	hb_nginx_launch "$dir" "$delay"
}

# hb_start_nginx_tls PORT CERT KEY [ADDRESS]: HTTPS with that certificate.
hb_start_nginx_tls()
{
	local port=$1 cert=$2 key=$3 addr=${4:-127.0.0.1}
	local dir=$HB_TMP/nginx-$port
	hb_nginx_conf "$dir" "$addr:$port ssl" \
		"ssl_certificate $cert; ssl_certificate_key $key;"
	hb_nginx_launch "$dir" 0
	hb_wait_tcp "$addr" "$port" 10 ||
		hb_die "nginx (TLS) on $addr:$port did not start: $(tail -3 "$dir/error.log" "$dir/stdout.log" 2>/dev/null)"
}

# The hanging server's binary: built by CMake (test/helpers.cmake), or
# compiled here when the build tree lacks it.
hb_hangserver_bin()
{
	local bin=$HB_BUILD/test-helpers/hb-hangserver
	if [ ! -x "$bin" ]; then
		bin=$HB_TMP/hb-hangserver
		[ -x "$bin" ] || ${CC:-cc} -O2 -o "$bin" "$HB_SRC/test/helpers/hangserver.c" ||
			hb_die "cannot build test/helpers/hangserver.c"
	fi
	echo "$bin"
}

# hb_start_hang PORT [ADDRESS]: a server that accepts every connection and
# never sends a byte.
hb_start_hang()
{
	local port=$1 addr=${2:-127.0.0.1} bin
	bin=$(hb_hangserver_bin) || exit 1
	local log=$HB_TMP/hang-$port.log
	"$bin" "$addr" "$port" >"$log" 2>&1 &
	HB_PIDS+=($!)
	for _ in $(seq 1 100); do
		grep -q ready "$log" 2>/dev/null && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.05
	done
	hb_die "hang server on $addr:$port did not start: $(cat "$log")"
}

# hb_make_certs: in $HB_TMP/certs, a test CA (ca.pem), a server certificate
# for 127.0.0.1, ::1 and localhost signed by it (server.pem, server.key), one
# that expired in 2020 (expired.pem/.key), one that expires in 3 days
# (soon.pem/.key), and a self-signed one nobody trusts (self.pem/.key).
# Sets HB_CERTS to the directory.
hb_make_certs()
{
	HB_CERTS=$HB_TMP/certs
	local d=$HB_CERTS
	mkdir -p "$d/db"
	local ossl="openssl"
	local san="subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
	{
		$ossl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" \
			-out "$d/ca.pem" -days 30 -subj "/CN=hookbox test CA" \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign &&
		for name in server expired soon; do
			$ossl req -newkey rsa:2048 -nodes -keyout "$d/$name.key" \
				-out "$d/$name.csr" -subj "/CN=localhost" || return 1
		done &&
		printf '%s\n' "$san" "basicConstraints=CA:FALSE" \
			"extendedKeyUsage=serverAuth" >"$d/ext.cnf" &&
		$ossl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" \
			-CAkey "$d/ca.key" -CAcreateserial -days 30 \
			-extfile "$d/ext.cnf" -out "$d/server.pem" &&
		$ossl x509 -req -in "$d/soon.csr" -CA "$d/ca.pem" \
			-CAkey "$d/ca.key" -CAcreateserial -days 3 \
			-extfile "$d/ext.cnf" -out "$d/soon.pem" &&
		# openssl 3.0's x509 cannot set a start date in the past;
		# `openssl ca` can (-startdate/-enddate), with a minimal CA.
		: >"$d/db/index.txt" &&
		echo 1000 >"$d/db/serial" &&
		cat >"$d/ca.cnf" <<EOF &&
[ca]
default_ca = test
[test]
dir = $d/db
database = $d/db/index.txt
serial = $d/db/serial
new_certs_dir = $d/db
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = ext
[any]
commonName = supplied
[ext]
$san
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
EOF
		$ossl ca -batch -config "$d/ca.cnf" -cert "$d/ca.pem" \
			-keyfile "$d/ca.key" -in "$d/expired.csr" \
			-startdate 20200101000000Z -enddate 20200201000000Z \
			-out "$d/expired.pem" &&
		$ossl req -x509 -newkey rsa:2048 -nodes -keyout "$d/self.key" \
			-out "$d/self.pem" -days 30 -subj "/CN=localhost" \
			-addext "$san"
	} >"$d/openssl.log" 2>&1 || hb_die "hb_make_certs: $(tail -5 "$d/openssl.log")"
	# nginx workers running as nobody read the keys.
	chmod 644 "$d"/*.key
}

# -- running the agent ------------------------------------------------------

# hb_stderr_pipe: writes $HB_TMP/stderr-pipe, which runs its arguments with
# their stderr going through a pipe. The test shim (test/helpers/shim.c)
# says on stderr what was refused, from a check's child, which may not grow
# a file (RLIMIT_FSIZE): its stderr must be a pipe, not hb_agent's file.
hb_stderr_pipe()
{
	cat >"$HB_TMP/stderr-pipe" <<'EOF'
#!/usr/bin/env bash
{ "$@" 2>&1 1>&3 3>&- | cat >&2; } 3>&1
exit "${PIPESTATUS[0]}"
EOF
	chmod +x "$HB_TMP/stderr-pipe"
}

# hb_agent ARGS...: runs "$HB_PREFIX $HB_BUILD/hookbox ARGS --output json".
# Sets HB_RC (exit status), HB_OUT (stdout: the JSON report), HB_ERR
# (stderr), HB_ELAPSED (seconds, wall clock) and HB_MAXRSS (KiB, the largest
# of the agent and the children it waited for, as wait4 reports it).
hb_agent()
{
	local out=$HB_TMP/agent.out err=$HB_TMP/agent.err tv=$HB_TMP/agent.time
	local t0 t1
	t0=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		# shellcheck disable=SC2086
		/usr/bin/time -o "$tv" -f '%M' $HB_PREFIX "$HB_BUILD/hookbox" "$@" \
			--output json >"$out" 2>"$err"
	else
		# shellcheck disable=SC2086
		$HB_PREFIX "$HB_BUILD/hookbox" "$@" --output json >"$out" 2>"$err"
	fi
	HB_RC=$?
	t1=$(date +%s.%N)
	HB_OUT=$(cat "$out")
	HB_ERR=$(cat "$err")
	HB_ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	HB_MAXRSS=$(tail -1 "$tv" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
	return 0
}

# The value at jq path $1 of the last report ("" when absent or null).
hb_json()
{
	printf '%s' "$HB_OUT" | jq -r "($1) // empty" 2>/dev/null
}

# The value of detail $1 of the first check ("" when absent).
hb_detail()
{
	printf '%s' "$HB_OUT" |
		jq -r --arg k "$1" '[.checks[0].details[]? | select(.key == $k) | .value][0] // empty' 2>/dev/null
}

# -- assertions ---------------------------------------------------------------

# hb_case NAME: starts a case; later assertions are reported under it.
hb_case()
{
	HB_CASE=$1
	hb_log "--- $HB_CASE"
}

hb_pass()
{
	HB_PASSED=$((HB_PASSED + 1))
	hb_log "ok    $HB_CASE: $1"
}

# Reports a failed assertion with the agent's output for context.
hb_fail()
{
	HB_FAILED=$((HB_FAILED + 1))
	hb_log "FAIL  $HB_CASE: $1"
	[ -n "${HB_OUT:-}" ] && hb_log "      report: $(printf '%s' "$HB_OUT" | head -c 2000)"
	[ -n "${HB_ERR:-}" ] && hb_log "      stderr: $(printf '%s' "$HB_ERR" | head -c 1000)"
	return 0
}

# hb_assert_eq WHAT EXPECTED ACTUAL
hb_assert_eq()
{
	if [ "$2" = "$3" ]; then
		hb_pass "$1 = \"$3\""
	else
		hb_fail "$1: expected \"$2\", got \"$3\""
	fi
}

# hb_assert_contains WHAT HAYSTACK NEEDLE
hb_assert_contains()
{
	case $2 in
	*"$3"*) hb_pass "$1 contains \"$3\"" ;;
	*) hb_fail "$1: expected to contain \"$3\", got \"$2\"" ;;
	esac
}

# hb_assert_lt WHAT VALUE LIMIT: numbers, decimals allowed.
hb_assert_lt()
{
	if awk -v a="$2" -v b="$3" 'BEGIN { exit !(a + 0 < b + 0) }'; then
		hb_pass "$1 = $2 < $3"
	else
		hb_fail "$1: expected less than $3, got \"$2\""
	fi
}

# hb_assert_deadline SECONDS: the last run's first check stopped at its
# deadline of SECONDS. The check's own duration, as the agent measured it
# around its attempts, is held to the deadline and 1.5 s; the run's wall
# time, which also holds the agent's start (slow under ASan on a loaded
# runner) and its report, only to the deadline and 20 s: enough to tell a
# deadline kept from a hang, with no bound that holds on a quiet VM only.
hb_assert_deadline()
{
	local ms
	ms=$(hb_json '.checks[0].durationMs')
	hb_assert_lt "check's milliseconds (deadline ${1}s)" "${ms:-999999}" \
		"$(awk -v s="$1" 'BEGIN { print s * 1000 + 1500 }')"
	hb_assert_lt "run's seconds (deadline ${1}s)" "$HB_ELAPSED" \
		"$(awk -v s="$1" 'BEGIN { print s + 20 }')"
}

# hb_assert_exit EXPECTED: the agent's exit status.
hb_assert_exit()
{
	hb_assert_eq "exit status" "$1" "$HB_RC"
}

# hb_assert_json JQPATH EXPECTED: a field of the last report.
hb_assert_json()
{
	hb_assert_eq "$1" "$2" "$(hb_json "$1")"
}

# hb_assert_json_contains JQPATH NEEDLE
hb_assert_json_contains()
{
	hb_assert_contains "$1" "$(hb_json "$1")" "$2"
}

# hb_assert_detail KEY EXPECTED: a detail of the first check.
hb_assert_detail()
{
	hb_assert_eq "detail $1" "$2" "$(hb_detail "$1")"
}

# hb_assert_outcome OUTCOME [CLASS]: the first check's outcome and failure
# class (a passing check has none).
hb_assert_outcome()
{
	hb_assert_json '.checks[0].outcome' "$1"
	hb_assert_json '.checks[0].failureClass' "${2:-}"
}

# Prints the tally and exits: non-zero when anything failed, or when no
# assertion ran at all.
hb_finish()
{
	echo "$HB_PASSED passed, $HB_FAILED failed"
	[ "$HB_FAILED" -eq 0 ] && [ "$HB_PASSED" -gt 0 ]
	exit $?
}

# hb_ccm8_cnf FILE: an openssl.cnf whose system policy nginx cannot meet
# (TLS 1.3 with only TLS_AES_128_CCM_8_SHA256, a suite it does not offer
# by default): an https check that loads it fails in the handshake.
hb_ccm8_cnf()
{
	cat >"$1" <<'CNF'
openssl_conf = hb_conf
[hb_conf]
ssl_conf = hb_ssl
[hb_ssl]
system_default = hb_tls
[hb_tls]
MinProtocol = TLSv1.3
Ciphersuites = TLS_AES_128_CCM_8_SHA256
CNF
}

# -- the collector ------------------------------------------------------------

# hb_start_collector STORE [ARGS...]: hookbox-collector serve on
# 127.0.0.1:$COL_PORT (kept across restarts, so that senders find a
# restarted collector at the same address) with the bearer token in
# $TOKEN_FILE, logging to $HB_TMP/collector.log; sets COL_PID. Returns
# non-zero, with the log's tail, when it does not answer /healthz within
# 10 seconds.
hb_start_collector()
{
	local store=$1
	shift
	$HB_PREFIX "$HB_BUILD/hookbox-collector" serve --listen "127.0.0.1:$COL_PORT" \
		--store "$store" --token-file "$TOKEN_FILE" "$@" >>"$HB_TMP/collector.log" 2>&1 &
	COL_PID=$!
	HB_PIDS+=("$COL_PID")
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$COL_PORT/healthz" && return 0
		kill -0 "$COL_PID" 2>/dev/null || break
		sleep 0.1
	done
	hb_log "collector did not start:"
	tail -5 "$HB_TMP/collector.log" >&2
	return 1
}

# -- gRPC -------------------------------------------------------------------

# hb_start_grpc VAR ARGS...: a gRPC server of Debian's python3-grpcio
# serving grpc.health.v1 (test/helpers/grpc_health_server.py, its ARGS;
# "--host ::1" for IPv6) on a free port, whose number goes into VAR; waits
# until it accepts connections. Run with /usr/bin/python3: the python3 on
# PATH may be another that lacks Debian's modules.
hb_start_grpc()
{
	local var=$1 port host=127.0.0.1
	shift
	/usr/bin/python3 -c 'import grpc' 2>/dev/null ||
		hb_die "/usr/bin/python3 cannot import grpc: install python3-grpcio (scripts/deps.sh test)"
	hb_port port
	case " $* " in *" --host ::1 "*) host="::1" ;; esac
	/usr/bin/python3 "$HB_SRC/test/helpers/grpc_health_server.py" --port "$port" "$@" \
		>"$HB_TMP/grpc-$port.log" 2>&1 &
	HB_PIDS+=($!)
	hb_wait_tcp "$host" "$port" 20 ||
		hb_die "gRPC server on $port: $(tail -5 "$HB_TMP/grpc-$port.log")"
	printf -v "$var" '%s' "$port"
}
