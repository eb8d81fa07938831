#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# http checks through a proxy (kinds/http_proxy.c, core/proxy.c): Debian's
# tinyproxy, started here on free loopback ports, in front of the suite's
# nginx (plain and TLS). The proxy variables as curl reads them (never
# upper-case HTTP_PROXY), no_proxy, the spec's "proxy" and --proxy /
# --no-proxy, the report naming the proxy (its password never), a proxy
# that cannot be reached or refuses as PROXY_ERROR naming it, an https
# proxy (nginx's stream module terminating TLS in front of tinyproxy), and
# Landlock: a check through the proxy may connect to the proxy's port only,
# a check past it (no_proxy) not to the proxy's.
# Usage: HB_BUILD=build bash test/integration/proxy.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v tinyproxy >/dev/null ||
	hb_die "tinyproxy is not installed (scripts/deps.sh test)"
STREAM_MOD=/usr/lib/nginx/modules/ngx_stream_module.so
[ -e "$STREAM_MOD" ] ||
	hb_die "no $STREAM_MOD: nginx's stream module plays the https proxy (scripts/deps.sh image)"

hb_setup
hb_make_certs
hb_port web
hb_port tls
hb_port redir
hb_port proxy
hb_port proxy_auth
hb_port proxy_tls
hb_closed_port dead
hb_start_nginx "$web"
hb_start_nginx_tls "$tls" "$HB_CERTS/server.pem" "$HB_CERTS/server.key"
hb_nginx_conf "$HB_TMP/nginx-$redir" "127.0.0.1:$redir" \
	"location = /to-https { return 302 https://127.0.0.1:$redir/ok; }
	location = /to-metadata { return 302 http://169.254.169.254/latest/; }"
hb_nginx_launch "$HB_TMP/nginx-$redir" 0
hb_wait_tcp 127.0.0.1 "$redir" 10 || hb_die "nginx (redirects) did not start"

# start_tinyproxy PORT [CONFIG LINES...]: tinyproxy on 127.0.0.1:PORT in
# the foreground (-d), logging every request to $HB_TMP/tinyproxy-PORT/log.
start_tinyproxy()
{
	local port=$1 dir=$HB_TMP/tinyproxy-$1
	shift
	mkdir -p "$dir"
	{
		# As root it drops to nobody, who writes its log.
		[ "$(id -u)" = 0 ] && printf 'User nobody\nGroup nogroup\n'
		cat <<EOF
Port $port
Listen 127.0.0.1
Timeout 10
LogFile "$dir/log"
LogLevel Info
PidFile "$dir/pid"
MaxClients 32
Allow 127.0.0.1
EOF
		printf '%s\n' "$@"
	} >"$dir/conf"
	[ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"
	tinyproxy -d -c "$dir/conf" >"$dir/stdout.log" 2>&1 &
	HB_PIDS+=($!)
	hb_wait_tcp 127.0.0.1 "$port" 10 ||
		hb_die "tinyproxy on $port did not start: $(tail -3 "$dir/stdout.log" "$dir/log" 2>/dev/null)"
}
start_tinyproxy "$proxy"
# With credentials, and CONNECT to 443 only (tinyproxy answers 403 to
# any other port).
start_tinyproxy "$proxy_auth" "BasicAuth hbuser s3cr3tpw" "ConnectPort 443"
proxy_log=$HB_TMP/tinyproxy-$proxy/log
# How many requests the proxy has logged.
proxied() { grep -cE 'Request \(file descriptor [0-9]+\):' "$proxy_log"; }

# An https proxy: TLS with the suite's certificate, then tinyproxy.
{
	echo "load_module $STREAM_MOD;"
	hb_nginx_main "$HB_TMP/proxy-tls" 64
	cat <<EOF
stream {
	server {
		listen 127.0.0.1:$proxy_tls ssl;
		ssl_certificate $HB_CERTS/server.pem;
		ssl_certificate_key $HB_CERTS/server.key;
		proxy_pass 127.0.0.1:$proxy;
	}
}
EOF
} >"$HB_TMP/proxy-tls.conf"
mkdir -p "$HB_TMP/proxy-tls"
nginx -p "$HB_TMP/proxy-tls" -c "$HB_TMP/proxy-tls.conf" -e "$HB_TMP/proxy-tls/error.log" \
	>"$HB_TMP/proxy-tls/stdout.log" 2>&1 &
HB_PIDS+=($!)
hb_wait_tcp 127.0.0.1 "$proxy_tls" 10 ||
	hb_die "the https proxy (nginx stream) did not start: $(tail -3 "$HB_TMP/proxy-tls/error.log")"

# The proxy variables of the agent's run: set per case, none inherited.
unset http_proxy https_proxy HTTPS_PROXY HTTP_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
# px_agent VAR=VALUE... -- ARGS...: hb_agent ARGS with those variables.
px_agent()
{
	local vars=()
	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	local HB_PREFIX_SAVED=$HB_PREFIX
	HB_PREFIX="env ${vars[*]} $HB_PREFIX_SAVED"
	hb_agent "$@"
	HB_PREFIX=$HB_PREFIX_SAVED
}

hb_case "http through http_proxy passes, and the proxy saw the request"
before=$(proxied)
px_agent "http_proxy=http://127.0.0.1:$proxy" -- http "http://127.0.0.1:$web/ok"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail proxy "http://127.0.0.1:$proxy"
hb_assert_detail proxy_from http_proxy
hb_assert_detail proxy_address "127.0.0.1:$proxy"
hb_assert_detail resolved_address ""
hb_assert_eq "requests the proxy logged" "$((before + 1))" "$(proxied)"
hb_assert_contains "proxy log" "$(grep 'Request (file descriptor' "$proxy_log" | tail -1)" \
	"GET http://127.0.0.1:$web/ok HTTP/1.1"

hb_case "https through https_proxy (CONNECT) passes"
for var in https_proxy HTTPS_PROXY; do
	before=$(proxied)
	px_agent "$var=http://127.0.0.1:$proxy" -- http "https://127.0.0.1:$tls/ok" \
		--ca-file "$HB_CERTS/ca.pem"
	hb_assert_outcome PASSED
	hb_assert_detail proxy_from "$var"
	hb_assert_detail http_version 1.1
	hb_assert_eq "requests the proxy logged" "$((before + 1))" "$(proxied)"
	hb_assert_contains "proxy log" "$(grep 'Request (file descriptor' "$proxy_log" | tail -1)" \
		"CONNECT 127.0.0.1:$tls HTTP/1.1"
done

hb_case "the proxy's name is resolved before the hand-off, and pinned"
px_agent "http_proxy=http://localhost:$proxy" -- http "http://127.0.0.1:$web/ok"
hb_assert_outcome PASSED
hb_assert_detail proxy "http://localhost:$proxy"
hb_assert_detail proxy_address "127.0.0.1:$proxy"

hb_case "no_proxy and NO_PROXY send a check past the proxy"
for np in "NO_PROXY=10.0.0.0/8,127.0.0.0/8" "no_proxy=.localhost" "no_proxy=*"; do
	host=localhost
	[ "${np#NO_PROXY}" = "$np" ] || host=127.0.0.1
	px_agent "http_proxy=http://127.0.0.1:$dead" "$np" -- http "http://$host:$web/ok"
	hb_assert_outcome PASSED
	hb_assert_detail proxy ""
	hb_assert_json_contains '.checks[0].details[] | select(.key == "resolved_address") | .value' ":$web"
done
px_agent "http_proxy=http://127.0.0.1:$dead" "no_proxy=other.example" -- http "http://localhost:$web/ok"
hb_assert_outcome FAILED PROXY_ERROR

hb_case "upper-case HTTP_PROXY alone is ignored (httpoxy)"
before=$(proxied)
px_agent "HTTP_PROXY=http://127.0.0.1:$proxy" -- http "http://127.0.0.1:$web/ok"
hb_assert_outcome PASSED
hb_assert_detail proxy ""
hb_assert_eq "requests the proxy logged" "$before" "$(proxied)"
# ... while all_proxy is read, as curl reads it.
px_agent "HTTP_PROXY=http://127.0.0.1:$dead" "all_proxy=http://127.0.0.1:$proxy" -- \
	http "http://127.0.0.1:$web/ok"
hb_assert_outcome PASSED
hb_assert_detail proxy_from all_proxy

hb_case "a proxy that refuses the connection fails as PROXY_ERROR naming it"
px_agent "http_proxy=http://127.0.0.1:$dead" -- http "http://127.0.0.1:$web/ok"
hb_assert_exit 1
hb_assert_outcome FAILED PROXY_ERROR
hb_assert_json '.checks[0].message' "connect to the proxy http://127.0.0.1:$dead (from http_proxy) refused"
hb_assert_json_contains '.checks[0].hint' "http_proxy, https_proxy and no_proxy"
hb_assert_detail proxy "http://127.0.0.1:$dead"
out=$(env "https_proxy=http://127.0.0.1:$dead" $HB_PREFIX "$HB_BUILD/hookbox" \
	http "https://127.0.0.1:$tls/ok" 2>&1)
hb_assert_contains "human output" "$out" \
	"PROXY_ERROR: connect to the proxy http://127.0.0.1:$dead (from https_proxy) refused"
hb_assert_contains "human output" "$out" "hint: the proxy did not take the request"

hb_case "a proxy whose name does not resolve fails as PROXY_ERROR naming it"
px_agent "http_proxy=http://proxy.invalid:3128" -- http "http://127.0.0.1:$web/ok"
hb_assert_outcome FAILED PROXY_ERROR
hb_assert_json '.checks[0].message' 'could not resolve the proxy "proxy.invalid" (from http_proxy)'

hb_case "the proxy's credentials go to it, and never into the report"
px_agent "http_proxy=http://hbuser:s3cr3tpw@127.0.0.1:$proxy_auth" -- http "http://127.0.0.1:$web/ok"
hb_assert_outcome PASSED
hb_assert_detail proxy "http://hbuser@127.0.0.1:$proxy_auth"
hb_assert_eq "the password in the report" "" "$(printf '%s' "$HB_OUT" | grep -o s3cr3tpw)"
# Without them tinyproxy answers 407 (with wrong ones, 401, which could
# be the target's).
px_agent "http_proxy=http://127.0.0.1:$proxy_auth" -- http "http://127.0.0.1:$web/ok"
hb_assert_outcome FAILED PROXY_ERROR
hb_assert_json '.checks[0].message' \
	"the proxy http://127.0.0.1:$proxy_auth (from http_proxy) asks for credentials (407): give them as user:password@ in the proxy URL"
px_agent "http_proxy=http://hbuser:wrongpw@127.0.0.1:$proxy_auth" -- http "http://127.0.0.1:$web/ok"
hb_assert_json '.checks[0].outcome' FAILED
hb_assert_eq "the password in the report" "" "$(printf '%s' "$HB_OUT" | grep -o wrongpw)"
hb_case "a proxy that refuses the CONNECT fails as PROXY_ERROR naming it"
px_agent "https_proxy=http://hbuser:s3cr3tpw@127.0.0.1:$proxy_auth" -- \
	http "https://127.0.0.1:$tls/ok" --ca-file "$HB_CERTS/ca.pem"
hb_assert_outcome FAILED PROXY_ERROR
hb_assert_json '.checks[0].message' \
	"the proxy http://hbuser@127.0.0.1:$proxy_auth (from https_proxy) answered 403 to CONNECT 127.0.0.1:$tls"

hb_case "an https proxy: the run loads the http module with TLS"
before=$(proxied)
px_agent "http_proxy=https://127.0.0.1:$proxy_tls" -- http "http://127.0.0.1:$web/ok" \
	--ca-file "$HB_CERTS/ca.pem"
hb_assert_outcome PASSED
hb_assert_detail proxy "https://127.0.0.1:$proxy_tls"
hb_assert_eq "requests the proxy logged" "$((before + 1))" "$(proxied)"
# Its certificate is verified, with the check's CA file.
px_agent "http_proxy=https://127.0.0.1:$proxy_tls" -- http "http://127.0.0.1:$web/ok"
hb_assert_outcome FAILED PROXY_ERROR
hb_assert_json_contains '.checks[0].message' "TLS with the proxy https://127.0.0.1:$proxy_tls (from http_proxy)"


hb_case "the spec's proxy, --proxy and --no-proxy"
px_agent -- http "http://127.0.0.1:$web/ok" --proxy "http://127.0.0.1:$proxy"
hb_assert_outcome PASSED
hb_assert_detail proxy_from proxy
px_agent "http_proxy=http://127.0.0.1:$dead" -- http "http://127.0.0.1:$web/ok" --no-proxy
hb_assert_outcome PASSED
hb_assert_detail proxy ""
cat >"$HB_TMP/spec.json" <<EOF
{"checks": [
 {"name": "via", "kind": "http", "url": "http://127.0.0.1:$web/ok", "proxy": "\${PROXY_URL}"},
 {"name": "past", "kind": "http", "url": "http://127.0.0.1:$web/ok", "proxy": false}]}
EOF
px_agent "PROXY_URL=http://127.0.0.1:$proxy" "http_proxy=http://127.0.0.1:$dead" -- run "$HB_TMP/spec.json"
hb_assert_exit 0
hb_assert_json '.checks[0].details[] | select(.key == "proxy") | .value' "http://127.0.0.1:$proxy"
hb_assert_json '[.checks[1].details[] | select(.key == "proxy")] | length' 0

hb_case "a bad proxy is refused with its place, exit 2"
echo '{"checks": [{"name": "a", "kind": "http", "url": "http://x/", "proxy": "socks5://p:1"}]}' \
	>"$HB_TMP/bad.json"
px_agent -- validate "$HB_TMP/bad.json"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "checks[0].proxy: expected an http:// or https:// proxy"
px_agent "https_proxy=socks5h://p:1080" -- http "http://127.0.0.1:$web/ok"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "environment variable https_proxy: expected an http:// or https:// proxy"
px_agent "https_proxy=socks5h://p:1080" -- tcp "127.0.0.1:$web"
hb_assert_exit 0

hb_case "redirects through the proxy keep the rules"
px_agent "http_proxy=http://127.0.0.1:$proxy" -- http "http://127.0.0.1:$web/redirect" --follow-redirects
hb_assert_outcome PASSED
hb_assert_detail redirects 1
hb_assert_detail proxy "http://127.0.0.1:$proxy"
# A link-local address is refused before any request, proxy or not.
px_agent "http_proxy=http://127.0.0.1:$proxy" -- http "http://127.0.0.1:$redir/to-metadata" \
	--follow-redirects any
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json_contains '.checks[0].message' "a link-local address"
# Plain http through the proxy, https past it: https on the URL's own
# port would connect where the check's Landlock rules do not allow.
px_agent "http_proxy=http://127.0.0.1:$proxy" -- http "http://127.0.0.1:$redir/to-https" --follow-redirects
hb_assert_outcome FAILED HTTP_STATUS
hb_assert_json_contains '.checks[0].message' "which the check's sandbox does not allow"

# Landlock (ABI 4+): the test shim (test/helpers/shim.c) makes the check's
# child try a TCP connect to another port as it connects; Landlock's port
# rules must refuse it under enforce, and --sandbox off lets it through,
# so that the refusal is the sandbox's.
abi=$("$HB_BUILD/hookbox" tcp "127.0.0.1:$web" --output json | jq -r .sandbox.landlockAbi)
hb_stderr_pipe
# shim_agent AT TRY VAR=VALUE... -- ARGS...: as px_agent, the check's
# child trying a TCP connect to port TRY as it connects to port AT.
shim_agent()
{
	local at=$1 try=$2
	shift 2
	local HB_PREFIX_SAVED=$HB_PREFIX
	HB_PREFIX="$HB_TMP/stderr-pipe $HB_PREFIX_SAVED"
	px_agent HB_SHIM_PORT="$at" HB_SHIM_DO=tcp HB_SHIM_TCP_PORT="$try" \
		LD_PRELOAD="$HB_BUILD/hb-test-shim.so" \
		ASAN_OPTIONS="verify_asan_link_order=0:${ASAN_OPTIONS:-}" "$@"
	HB_PREFIX=$HB_PREFIX_SAVED
}
hb_case "Landlock: a check through the proxy reaches the proxy's port only"
if [ "${abi:-0}" -lt 4 ]; then
	hb_fail "Landlock ABI $abi has no TCP port rules (Linux 6.7+): the port rules cannot be shown here"
else
	shim_agent "$proxy" "$web" "http_proxy=http://127.0.0.1:$proxy" -- \
		http "http://127.0.0.1:$web/ok" --sandbox enforce
	hb_assert_outcome PASSED
	hb_assert_contains "shim" "$HB_ERR" "hb-shim: tcp: connect: EACCES"
	shim_agent "$proxy" "$web" "http_proxy=http://127.0.0.1:$proxy" -- \
		http "http://127.0.0.1:$web/ok" --sandbox off
	hb_assert_outcome PASSED
	hb_assert_eq "shim errors with the sandbox off" "" "$HB_ERR"
	hb_case "Landlock: a check past the proxy (no_proxy) may not reach the proxy's port"
	shim_agent "$web" "$proxy" "http_proxy=http://127.0.0.1:$proxy" "no_proxy=127.0.0.1" -- \
		http "http://127.0.0.1:$web/ok" --sandbox enforce
	hb_assert_outcome PASSED
	hb_assert_detail proxy ""
	hb_assert_contains "shim" "$HB_ERR" "hb-shim: tcp: connect: EACCES"
	shim_agent "$web" "$proxy" "http_proxy=http://127.0.0.1:$proxy" "no_proxy=127.0.0.1" -- \
		http "http://127.0.0.1:$web/ok" --sandbox off
	hb_assert_outcome PASSED
	hb_assert_eq "shim errors with the sandbox off" "" "$HB_ERR"
fi

hb_finish
