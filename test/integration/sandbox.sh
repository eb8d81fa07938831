#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sandbox against real servers: every built-in kind passes under the
# enforcing filters, a forbidden call or a crash in one check is named and
# contained while the others pass, and the same runs pass with the sandbox
# off (so the violation comes from the filter, not from something else).
. "$(dirname "$0")/lib.sh"
hb_setup

hb_port web
hb_port web6
hb_port hooked
hb_start_nginx "$web"
hb_start_nginx "$web6" "[::1]"
hb_start_nginx "$hooked"

spec=$HB_TMP/spec.json
cat >"$spec" <<JSON
{"defaults": {"timeout": "3s"},
 "checks": [
  {"name": "hooked", "kind": "tcp", "address": "127.0.0.1:$hooked"},
  {"name": "web", "kind": "http", "url": "http://127.0.0.1:$web/ok",
   "expect": {"status": 200, "json": {"status": "ok"}}},
  {"name": "web6", "kind": "http", "url": "http://[::1]:$web6/ok"},
  {"name": "port", "kind": "tcp", "address": "127.0.0.1:$web"},
  {"name": "port6", "kind": "tcp", "address": "[::1]:$web6"},
  {"name": "loopback", "kind": "dns", "name": "localhost",
   "expect": {"addresses": ["127.0.0.1"]}}]}
JSON

# tcp_spec PREFIX N ADDRESS [EXTRA [FIRST]]: a spec of N tcp checks of
# ADDRESS named PREFIX1..PREFIXN, each with the JSON members EXTRA, after a
# check "hooked" of address FIRST if given; a 3 s timeout.
tcp_spec()
{
	local prefix=$1 n=$2 address=$3 extra=${4:-} first=${5:-} sep=""
	echo '{"defaults": {"timeout": "3s"}, "checks": ['
	if [ -n "$first" ]; then
		echo "{\"name\": \"hooked\", \"kind\": \"tcp\", \"address\": \"$first\"}"
		sep=,
	fi
	for i in $(seq 1 "$n"); do
		echo "$sep{\"name\": \"$prefix$i\", \"kind\": \"tcp\", \"address\": \"$address\"$extra}"
		sep=,
	done
	echo ']}'
}

hb_case "every kind passes under the enforcing sandbox"
hb_agent run "$spec" --sandbox enforce
hb_assert_exit 0
for i in 0 1 2 3 4 5; do
	hb_assert_json ".checks[$i].outcome" PASSED
done
hb_assert_json .phase PHASE_SUCCEEDED
hb_assert_json .sandbox.mode enforce
hb_assert_json .sandbox.seccomp true
hb_assert_json .sandbox.noNewPrivs true

abi=$(hb_json .sandbox.landlockAbi)
hb_case "the report says which Landlock protections applied"
if [ -n "$abi" ] && [ "$abi" -ge 4 ]; then
	hb_assert_json .sandbox.landlockFs true
	hb_assert_json .sandbox.landlockNet true
else
	hb_log "kernel Landlock ABI: ${abi:-none}"
	hb_assert_json .sandbox.landlockNet ""
fi

# The shim makes the check child connecting to $hooked call ptrace first.
shim_run()
{
	HB_SHIM_PORT=$hooked HB_SHIM_DO=$1 LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
		ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
		hb_agent run "$spec" --sandbox "$2"
}

hb_case "a forbidden call is a named SANDBOX_VIOLATION, the others pass"
shim_run ptrace enforce
hb_assert_exit 1
hb_assert_json .checks[0].outcome FAILED
hb_assert_json .checks[0].failureClass SANDBOX_VIOLATION
hb_assert_json_contains .checks[0].message '"ptrace"'
hb_assert_detail syscall ptrace
for i in 1 2 3 4 5; do
	hb_assert_json ".checks[$i].outcome" PASSED
done
hb_assert_json .phase PHASE_FAILED
# A violation is not retried: it would happen again.
hb_assert_json '.checks[0].attempts | length' 1

# Eight checks of a kind or more have their children forked by a zygote,
# whose filter also lets through what it and a child's set-up call; each
# child takes that back before its check runs (runner/zygote.c).
zspec=$HB_TMP/zygote.json
tcp_spec t 8 "127.0.0.1:$web" "" "127.0.0.1:$hooked" >"$zspec"
hb_case "nine checks of a kind pass under the zygote's children's filters"
hb_agent run "$zspec"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
calls="ptrace:ptrace pdeathsig:prctl landlock:landlock_restrict_self cpulimit:prlimit64 fork:clone"
# The sanitizer build's filters allow prctl and prlimit64 to every check
# (runner/bpf_compile.c, sanitizer_syscalls): there only the others apply.
if grep -q '^ENABLE_ASAN:BOOL=ON' "$HB_BUILD/CMakeCache.txt" 2>/dev/null; then
	calls="ptrace:ptrace landlock:landlock_restrict_self fork:clone"
fi
for call in $calls; do
	hb_case "a zygote's child may not call ${call#*:} (${call%%:*})"
	HB_SHIM_PORT=$hooked HB_SHIM_DO=${call%%:*} LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
		ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
		hb_agent run "$zspec"
	hb_assert_exit 1
	hb_assert_json .checks[0].failureClass SANDBOX_VIOLATION
	hb_assert_detail syscall "${call#*:}"
	hb_assert_json '[.checks[1:][].outcome] | unique | join(",")' PASSED
done

hb_case "the same run passes with the sandbox off"
shim_run ptrace off
hb_assert_exit 0
hb_assert_json .checks[0].outcome PASSED
hb_assert_json .sandbox.seccomp ""

hb_case "--sandbox log lets the call through and names it"
shim_run ptrace log
hb_assert_exit 0
hb_assert_json .checks[0].outcome PASSED
hb_assert_json .sandbox.mode log
hb_assert_detail unlisted_syscalls ptrace
hb_assert_json '[.checks[1:][].details[]? | select(.key == "unlisted_syscalls")] | length' 0

hb_case "the HTTP kind's filter stops it too"
HB_SHIM_PORT=$hooked HB_SHIM_DO=ptrace LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
	ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
	hb_agent http "http://127.0.0.1:$hooked/ok"
hb_assert_exit 1
hb_assert_outcome FAILED SANDBOX_VIOLATION
hb_assert_json_contains .checks[0].message '"ptrace"'

hb_case "a one-check run in log mode: its child loads the kind and hands over the listener"
# One http check: the child loads the module itself, then sends its load
# time and the seccomp listener before its result (runner/sandbox.c).
HB_SHIM_PORT=$hooked HB_SHIM_DO=ptrace LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
	ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
	hb_agent http "http://127.0.0.1:$hooked/ok" --sandbox log
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail unlisted_syscalls ptrace

hb_case "a crashing check is CRASHED, the others pass"
shim_run segv enforce
hb_assert_exit 1
hb_assert_json .checks[0].failureClass CRASHED
for i in 1 2 3 4 5; do
	hb_assert_json ".checks[$i].outcome" PASSED
done

hb_case "checks are reported in declared order whatever the parallelism"
many=$HB_TMP/many.json
tcp_spec c 24 "127.0.0.1:$web" >"$many"
hb_agent run "$many" --parallel 5
hb_assert_exit 0
hb_assert_eq "names in order" "$(seq -f 'c%g' 1 24 | tr '\n' ' ')" \
	"$(hb_json '.checks[].name' | tr '\n' ' ')"

hb_case "the termination message names the failure"
: >"$HB_TMP/termination-log"
hb_closed_port closed
hb_agent tcp "127.0.0.1:$closed" --termination-log "$HB_TMP/termination-log"
hb_assert_exit 1
hb_assert_contains "termination log" "$(cat "$HB_TMP/termination-log")" "phase Failed"
hb_assert_contains "termination log" "$(cat "$HB_TMP/termination-log")" "CONNECTION_REFUSED"
hb_case "no termination message where Kubernetes mounted none"
hb_agent tcp "127.0.0.1:$web" --termination-log "$HB_TMP/absent/termination-log"
hb_assert_exit 0
hb_assert_eq "file created" no "$([ -e "$HB_TMP/absent" ] && echo yes || echo no)"

hb_case "the protobuf report file is written"
hb_agent tcp "127.0.0.1:$web" --report-file "$HB_TMP/report.pb"
hb_assert_exit 0
hb_assert_eq "report file size > 0" yes "$([ -s "$HB_TMP/report.pb" ] && echo yes || echo no)"

hb_case "human output: one line per check with class and hint"
"$HB_BUILD/hookbox" tcp "127.0.0.1:$closed" --timeout 1s >"$HB_TMP/human" 2>&1
rc=$?
hb_assert_eq "exit" 1 "$rc"
hb_assert_contains "human" "$(cat "$HB_TMP/human")" "FAIL  tcp-0  127.0.0.1:$closed"
hb_assert_contains "human" "$(cat "$HB_TMP/human")" "CONNECTION_REFUSED: connect to 127.0.0.1:$closed refused"
hb_assert_contains "human" "$(cat "$HB_TMP/human")" "hint: nothing listens on that port"
hb_assert_contains "human" "$(cat "$HB_TMP/human")" "hookbox: phase Failed"

hb_case "a bad spec exits 2 naming the JSON path"
echo '{"checks": [{"kind": "http", "url": "http://x/", "expect": {"status": "abc"}}]}' >"$HB_TMP/bad.json"
hb_agent run "$HB_TMP/bad.json"
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "checks[0].expect.status"

# What a run loads: the client libraries of the kinds it uses, no others
# (start-up time is most of a one-check run).
hb_port hang
hb_start_hang "$hang"
# maps_of WHO ARGS...: the client libraries mapped by the agent running
# ARGS (WHO=agent), or by the agent and its check children (WHO=all).
maps_of()
{
	local who=$1
	shift
	"$HB_BUILD/hookbox" "$@" >/dev/null 2>&1 &
	local pid=$! maps="" kids=""
	for _ in $(seq 1 400); do
		sleep 0.05
		# Wait until the check is under way (its module, if any, loaded).
		kids=$(pgrep -P "$pid" | tr '\n' ' ')
		[ -n "$kids" ] && grep -q hookbox- "/proc/${kids%% *}/maps" 2>/dev/null && break
		[ -n "$kids" ] && [ "$1" = tcp ] && break
	done
	maps=$(cat "/proc/$pid/maps" 2>/dev/null)
	if [ "$who" = all ]; then
		for k in $kids; do
			maps+=$'\n'$(cat "/proc/$k/maps" 2>/dev/null)
		done
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf '%s\n' "$maps" | grep -oE '(libcurl|libldap|librtmp|libssh2|libgssapi_krb5|libidn2|libpsl|libbrotlidec|libzstd|libgnutls|libpq|libmariadb|libhiredis|libseccomp|libssl|libcrypto|libnghttp2|libz|hookbox-[a-z-]+)[^ /]*\.so' | sort -u | tr '\n' ' '
}
hb_case "a TCP-only run loads no client library"
libs=$(maps_of all tcp "127.0.0.1:$hang" --timeout 3s)
hb_assert_eq "client libraries mapped" "" "$libs"
hb_case "an HTTP-only run loads the http module and no database library"
libs=$(maps_of all http "http://127.0.0.1:$hang/" --timeout 3s)
hb_assert_contains "libraries mapped" "$libs" "hookbox-http"
hb_assert_eq "database libraries mapped" "" "$(grep -oE 'libpq|libmariadb|libhiredis' <<<"$libs")"
# The filters come from the build (hookbox-bpfgen): no libseccomp either.
hb_assert_eq "libseccomp mapped" "" "$(grep -oE 'libseccomp|hookbox-seccomp' <<<"$libs")"
# Where the build found Debian's libcurl.a, the module carries libcurl
# without the libraries of the features it leaves out (curl_pruned.c).
if grep -q '^HB_CURL_ARCHIVE:FILEPATH=/' "$HB_BUILD/CMakeCache.txt" 2>/dev/null; then
	hb_case "the http module maps libcurl's optional libraries nowhere"
	hb_assert_eq "libcurl.so and its optional libraries mapped" "" \
		"$(grep -oE 'libcurl|libldap|librtmp|libssh2|libgssapi_krb5|libidn2|libpsl|libbrotlidec|libzstd|libgnutls' <<<"$libs" | sort -u | tr '\n' ' ')"
	needed=$(ldd "$HB_BUILD/hookbox-http.so")
	hb_assert_eq "libcurl.so or its optional libraries needed (ldd)" "" \
		"$(grep -oE 'libcurl|libldap|librtmp|libssh2|libgssapi_krb5|libidn2|libpsl|libbrotlidec|libzstd|libgnutls' <<<"$needed" | sort -u | tr '\n' ' ')"
	# HTTP/2 stays, as curl offers it over TLS.
	hb_assert_contains "libraries needed (ldd)" "$needed" "libnghttp2"

	# Plain http:// checks need no TLS: the build without (curl_notls.c).
	tls_libs='libssl|libcrypto|libnghttp2|libz\.so'
	hb_case "plain http:// checks load the http module without TLS"
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http-plain.so"
	hb_assert_eq "TLS libraries mapped" "" "$(grep -oE "$tls_libs" <<<"$libs" | sort -u | tr '\n' ' ')"
	hb_assert_eq "TLS libraries needed (ldd)" "" \
		"$(ldd "$HB_BUILD/hookbox-http-plain.so" | grep -oE "$tls_libs" | sort -u | tr '\n' ' ')"
	hb_case "an https:// check loads the http module with TLS"
	libs=$(maps_of all http "https://127.0.0.1:$hang/" --timeout 3s)
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http.so"
	hb_assert_contains "libraries mapped" "$libs" "libssl"
	hb_assert_eq "the build without TLS mapped" "" "$(grep -o 'hookbox-http-plain' <<<"$libs")"
	hb_case "a plain check that follows redirects loads TLS: one may lead to https://"
	libs=$(maps_of all http "http://127.0.0.1:$hang/" --follow-redirects --timeout 3s)
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http.so"
	hb_assert_contains "libraries mapped" "$libs" "libssl"
	hb_case "plain checks reporting to an https:// collector load TLS"
	libs=$(maps_of all http "http://127.0.0.1:$hang/" --collector "https://127.0.0.1:$hang/" --timeout 3s)
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http.so"
	hb_assert_contains "libraries mapped" "$libs" "libssl"
fi
hb_case "one check of a kind: its child loads the module, the agent does not"
hb_assert_eq "agent's client libraries" "" "$(maps_of agent http "http://127.0.0.1:$hang/" --timeout 3s)"
hb_case "two checks of a kind: the agent loads the module once for both"
printf '{"defaults": {"timeout": "3s"}, "checks": [
 {"name": "a", "kind": "http", "url": "http://127.0.0.1:%s/"},
 {"name": "b", "kind": "http", "url": "http://127.0.0.1:%s/"}]}\n' "$hang" "$hang" >"$HB_TMP/two.json"
hb_assert_contains "agent's client libraries" "$(maps_of agent run "$HB_TMP/two.json")" "hookbox-http"
if [ -e "$HB_BUILD/hookbox-http-plain.so" ]; then
	hb_assert_contains "agent's client libraries" "$(maps_of agent run "$HB_TMP/two.json")" \
		"hookbox-http-plain.so"
fi

hb_case "eight checks of a kind: a zygote forks them, each under its three filters"
tcp_spec h 8 "127.0.0.1:$hang" ', "send": "x", "expect": {"reply": "y"}' \
	>"$HB_TMP/eight-hang.json"
"$HB_BUILD/hookbox" run "$HB_TMP/eight-hang.json" >/dev/null 2>&1 &
agent=$!
kids=""
for _ in $(seq 1 400); do
	sleep 0.05
	kids=$(pgrep -P "$agent" | tr '\n' ' ')
	[ "$(wc -w <<<"$kids")" -ge 9 ] && break
done
filters=""
for k in $kids; do
	filters+="$(awk '/^Seccomp_filters:/ {print $2}' "/proc/$k/status" 2>/dev/null) "
done
kill "$agent" 2>/dev/null
wait "$agent" 2>/dev/null
# The zygote: its own filter; each check child: the zygote's, its own, and
# the hand-off filter it stacked once its address was resolved.
hb_assert_eq "filters of the agent's children" "1 3 3 3 3 3 3 3 3" \
	"$(tr ' ' '\n' <<<"$filters" | grep . | sort -n | tr '\n' ' ' | sed 's/ $//')"

# A pod runs as non-root without capabilities: the filters and Landlock
# must work there too (root hides permission problems).
if [ "$(id -u)" = 0 ] && runuser -u nobody -- test -x "$HB_BUILD/hookbox" 2>/dev/null; then
	hb_case "unprivileged: every kind passes under the enforcing sandbox"
	cp "$spec" /tmp/hb-sandbox-spec.$$.json
	chmod 644 /tmp/hb-sandbox-spec.$$.json
	out=$(runuser -u nobody -- env ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		"$HB_BUILD/hookbox" run /tmp/hb-sandbox-spec.$$.json --output json 2>&1)
	rc=$?
	rm -f /tmp/hb-sandbox-spec.$$.json
	hb_assert_eq "exit as nobody" 0 "$rc"
	HB_OUT=$out
	hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
else
	hb_log "skipping the unprivileged case: not root, or build not readable by nobody"
fi

# The kubernetes kind lives in the http module (kinds/kubernetes.c): a run
# loads its build without TLS only when neither kind's checks need TLS.
if grep -q '^HB_CURL_ARCHIVE:FILEPATH=/' "$HB_BUILD/CMakeCache.txt" 2>/dev/null; then
	printf 'hb-sandbox-token\n' >"$HB_TMP/k8s-token"
	hb_case "a kubernetes check of an https:// API server loads the http module with TLS"
	libs=$(maps_of all k8s deploy/web -n shop --server "https://127.0.0.1:$hang" \
		--bearer-token-file "$HB_TMP/k8s-token" --timeout 3s)
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http.so"
	hb_assert_contains "libraries mapped" "$libs" "libssl"
	hb_case "one through kubectl proxy (http://) loads the build without TLS"
	libs=$(maps_of all k8s deploy/web -n shop --server "http://127.0.0.1:$hang" \
		--bearer-token-file "$HB_TMP/k8s-token" --timeout 3s)
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http-plain.so"
	hb_assert_eq "TLS libraries mapped" "" "$(grep -oE 'libssl|libcrypto' <<<"$libs" | sort -u | tr '\n' ' ')"
	hb_case "a plain http check and an https kubernetes one: the module with TLS for both"
	printf '{"defaults": {"timeout": "3s"}, "checks": [
 {"name": "a", "kind": "http", "url": "http://127.0.0.1:%s/"},
 {"name": "b", "kind": "kubernetes", "object": "deploy/web", "namespace": "shop",
  "server": "https://127.0.0.1:%s", "token_file": "%s"}]}\n' "$hang" "$hang" \
		"$HB_TMP/k8s-token" >"$HB_TMP/mixed.json"
	libs=$(maps_of all run "$HB_TMP/mixed.json")
	hb_assert_contains "libraries mapped" "$libs" "hookbox-http.so"
	hb_assert_eq "the build without TLS mapped" "" "$(grep -o 'hookbox-http-plain' <<<"$libs")"
fi

hb_finish
