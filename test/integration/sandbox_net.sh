#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a check may reach once its name is resolved. A check that connects
# to a host resolves first, then stacks the hand-off filter (runner/
# bpf_compile.c, HB_POLICY_HANDOFF), which takes away UDP, UNIX and netlink
# sockets before its client library connects; Landlock's scoping (ABI 6+)
# keeps abstract UNIX sockets and signals inside. The test shim (test/
# helpers/shim.c) makes the check try each of them as it connects: under
# enforce each must end the check as a named SANDBOX_VIOLATION, or be
# refused by Landlock, with nothing arriving at this suite's listeners; with
# --sandbox off the same check passes and the datagram arrives, so the
# refusal is the sandbox's. Also: a name of 200 addresses resolves in every
# kind, and dns checks still resolve over UDP.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"

hb_setup
hb_make_certs
hb_port web
hb_port pg
hb_port my
hb_port rd
hb_port udp
hb_port other
hb_start_nginx "$web"
hb_start_postgres "$pg"
hb_start_mariadb "$my"
hb_start_redis "$rd"

netpeer=$HB_BUILD/test-helpers/hb-netpeer
[ -x "$netpeer" ] || hb_die "no $netpeer (test/sandbox_net.cmake)"
abstract=hookbox-test-$$-peer
"$netpeer" udp "$udp" "$HB_TMP/got.udp" &
HB_PIDS+=($!)
"$netpeer" tcp "$other" "$HB_TMP/got.mptcp" &
HB_PIDS+=($!)
"$netpeer" unix "$HB_TMP/peer.sock" "$HB_TMP/got.unix" &
HB_PIDS+=($!)
"$netpeer" abstract "$abstract" "$HB_TMP/got.abstract" &
HB_PIDS+=($!)
for _ in $(seq 1 100); do
	ss -Huln "sport = :$udp" | grep -q . && hb_port_listening "$other" &&
		[ -S "$HB_TMP/peer.sock" ] &&
		ss -Hxl | grep -q "@$abstract" && break
	sleep 0.05
done

pg_url="postgresql://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app"
my_url="mysql://$HB_MY_USER:$(jq -rn --arg p "$HB_MY_PASS" '$p | @uri')@127.0.0.1:$my/app"
rd_url="redis://:$HB_RD_PASS@127.0.0.1:$rd"
abi=$("$HB_BUILD/hookbox" tcp "127.0.0.1:$web" --output json | jq -r .sandbox.landlockAbi)

# The shim says on stderr what was refused (through $HB_TMP/stderr-pipe).
hb_stderr_pipe

# shim_agent PORT ACTION ARGS...: hb_agent ARGS with the shim doing ACTION
# as the check connects to PORT.
shim_agent()
{
	local port=$1 act=$2
	shift 2
	rm -f "$HB_TMP"/got.*
	HB_SHIM_PORT=$port HB_SHIM_DO=$act HB_SHIM_UDP_PORT=$udp HB_SHIM_TCP_PORT=$other \
		HB_SHIM_UNIX_PATH=$HB_TMP/peer.sock HB_SHIM_ABSTRACT=$abstract \
		LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
		ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
		HB_PREFIX="$HB_TMP/stderr-pipe ${HB_PREFIX:-}" hb_agent "$@"
	sleep 0.1 # a datagram or connection in flight reaches its listener
}

# What reached the listener of ACTION ("" for netlink, which has none).
got()
{
	case $1 in
	udp | unix | abstract | mptcp) cat "$HB_TMP/got.$1" 2>/dev/null ;;
	esac
}

# The call each action's first step makes, which the hand-off filter stops.
# MPTCP (IPPROTO_MPTCP) is a stream socket whose connect Landlock's TCP
# port rules do not stop: the kind's filter refuses its socket.
declare -A first_call=([udp]=socket [unix]=socket [abstract]=socket [netlink]=socket
	[mptcp]=socket)
declare -A sent=([udp]=hookbox-shim-udp [unix]=hookbox-shim-unix [abstract]=hookbox-shim-unix
	[mptcp]=hookbox-shim-mptcp)

for kind in tcp http postgres mysql redis; do
	case $kind in
	tcp) port=$web args=(tcp "127.0.0.1:$web") ;;
	http) port=$web args=(http "http://localhost:$web/ok") ;;
	postgres) port=$pg args=(postgres "$pg_url") ;;
	mysql) port=$my args=(mysql "$my_url") ;;
	redis) port=$rd args=(redis "$rd_url") ;;
	esac
	for act in udp unix abstract netlink mptcp; do
		hb_case "$kind: once resolved, the check may not $act (enforce)"
		shim_agent "$port" "$act" "${args[@]}" --sandbox enforce
		hb_assert_outcome FAILED SANDBOX_VIOLATION
		hb_assert_detail syscall "${first_call[$act]}"
		hb_assert_eq "what reached the $act listener" "" "$(got "$act")"
		hb_case "$kind: the same check may $act with the sandbox off"
		shim_agent "$port" "$act" "${args[@]}" --sandbox off
		hb_assert_outcome PASSED
		hb_assert_eq "what reached the $act listener" "${sent[$act]:-}" "$(got "$act")"
		hb_assert_eq "shim errors" "" "$HB_ERR"
	done
done

hb_case "log mode: the call runs, and is named past the hand-off only"
shim_agent "$web" udp tcp "localhost:$web" --sandbox log
hb_assert_outcome PASSED
hb_assert_detail unlisted_syscalls socket
hb_assert_eq "what reached the udp listener" hookbox-shim-udp "$(got udp)"
hb_agent tcp "localhost:$web" --sandbox log
hb_assert_outcome PASSED
hb_assert_detail unlisted_syscalls ""
hb_agent http "http://localhost:$web/ok" --sandbox log
hb_assert_outcome PASSED
hb_assert_detail unlisted_syscalls ""

hb_case "eight checks of a kind: a zygote's children hand off too"
{
	echo '{"defaults": {"timeout": "3s"}, "checks": ['
	for i in 1 2 3 4 5 6 7 8; do
		[ "$i" = 1 ] || echo ,
		echo "{\"name\": \"t$i\", \"kind\": \"tcp\", \"address\": \"localhost:$web\"}"
	done
	echo ']}'
} >"$HB_TMP/eight.json"
shim_agent "$web" udp run "$HB_TMP/eight.json"
hb_assert_exit 1
hb_assert_json '[.checks[].failureClass] | unique | join(",")' SANDBOX_VIOLATION
hb_assert_json '[.checks[].attempts[0].details[]? | select(.key == "syscall") | .value] | unique | join(",")' socket
hb_assert_eq "what reached the udp listener" "" "$(got udp)"

# A redirect to the same host (what --follow-redirects allows by default)
# reaches the addresses resolved before the hand-off: no new lookup.
hb_case "a check that follows a redirect to its own host is handed off too"
shim_agent "$web" udp http "http://localhost:$web/redirect" --follow-redirects \
	--sandbox enforce
hb_assert_outcome FAILED SANDBOX_VIOLATION
hb_assert_detail syscall socket
hb_assert_eq "what reached the udp listener" "" "$(got udp)"
hb_agent http "http://localhost:$web/redirect" --follow-redirects --sandbox enforce
hb_assert_outcome PASSED
hb_assert_detail final_url "http://localhost:$web/ok"

# Where a check cannot be handed its addresses it keeps the resolver's
# sockets, as a dns check does: an http check that follows redirects to
# any host (curl looks that name up then), and a mysql check that verifies
# the certificate's name (Connector/C verifies the host it was given,
# kinds/mysql.c). Landlock's scoping still applies there.
hb_case "a check that follows redirects to any host keeps its resolver's sockets"
shim_agent "$web" udp http "http://localhost:$web/redirect" --follow-redirects any
hb_assert_outcome PASSED
hb_assert_eq "what reached the udp listener" hookbox-shim-udp "$(got udp)"
hb_case "a mysql check that verifies the server's name keeps them"
shim_agent "$my" udp mysql \
	"mysql://$HB_MY_USER:$(jq -rn --arg p "$HB_MY_PASS" '$p | @uri')@localhost:$my/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=$HB_CERTS/ca.pem"
hb_assert_outcome PASSED
hb_assert_eq "what reached the udp listener" hookbox-shim-udp "$(got udp)"

hb_case "a postgres check over a UNIX socket keeps them, and connects"
# Its connect is an AF_UNIX one, which the hand-off filter would stop.
hb_agent postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@/app?host=$HB_TMP/pg-$pg&port=$pg" \
	--sandbox enforce
hb_assert_outcome PASSED
hb_assert_detail resolved_address "$HB_TMP/pg-$pg"

if [ -n "$abi" ] && [ "$abi" -ge 6 ]; then
	hb_case "Landlock scoping: no abstract socket outside, even with the resolver kept"
	shim_agent "$web" abstract http "http://localhost:$web/redirect" --follow-redirects any
	hb_assert_outcome PASSED
	hb_assert_json .sandbox.landlockScoped true
	hb_assert_eq "shim errors" "hb-shim: abstract: connect: EPERM" "$HB_ERR"
	hb_assert_eq "what reached the abstract listener" "" "$(got abstract)"
	shim_agent "$web" abstract http "http://localhost:$web/redirect" \
		--follow-redirects any --sandbox off
	hb_assert_eq "what reached the abstract listener (sandbox off)" \
		hookbox-shim-unix "$(got abstract)"

	# tgkill is on every list (abort() raises SIGABRT with it): only
	# Landlock's scoping keeps it from the agent.
	for kind in tcp http redis; do
		case $kind in
		tcp) port=$web args=(tcp "127.0.0.1:$web") ;;
		http) port=$web args=(http "http://localhost:$web/ok") ;;
		redis) port=$rd args=(redis "$rd_url") ;;
		esac
		hb_case "$kind: a check may not signal the agent"
		shim_agent "$port" signal "${args[@]}"
		hb_assert_exit 0
		hb_assert_outcome PASSED
		hb_assert_eq "shim errors" "hb-shim: signal: tgkill: EPERM" "$HB_ERR"
	done
	hb_case "eight checks of a kind: nor may a zygote's child"
	shim_agent "$web" signal run "$HB_TMP/eight.json"
	hb_assert_exit 0
	hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
else
	hb_log "kernel Landlock ABI ${abi:-none}: no scoping, cases skipped"
	hb_case "the report says no scoping applied"
	hb_agent tcp "127.0.0.1:$web"
	hb_assert_json .sandbox.landlockScoped ""
fi

# == A name of many addresses =================================================
# A headless Service of 128 pods or more: glibc sorts the addresses with
# qsort, which then asks sysinfo() for the memory size. The name is in a
# hosts file bind-mounted over /etc/hosts in a mount namespace of the
# agent's own; 127.0.0.1, where the servers listen, is one of them.
{
	echo "127.0.0.1 localhost"
	for i in $(seq 1 100); do
		echo "127.0.0.$i many.hookbox.test"
		echo "127.0.1.$i many.hookbox.test"
	done
} >"$HB_TMP/hosts"
cat >"$HB_TMP/in-ns" <<EOF
#!/bin/sh
mount --bind "$HB_TMP/hosts" /etc/hosts || exit 125
exec "\$@"
EOF
chmod +x "$HB_TMP/in-ns"
many()
{
	HB_PREFIX="unshare -m --propagation private $HB_TMP/in-ns" hb_agent "$@"
}
for kind in tcp dns http postgres mysql redis; do
	hb_case "$kind: a name of 200 addresses resolves under the sandbox"
	case $kind in
	tcp) many tcp "many.hookbox.test:$web" ;;
	dns) many dns many.hookbox.test --min-addresses 64 ;; # the most it keeps
	http) many http "http://many.hookbox.test:$web/ok" ;;
	postgres) many postgres "postgresql://$HB_PG_USER:$HB_PG_PASS@many.hookbox.test:$pg/app" ;;
	mysql) many mysql "${my_url/127.0.0.1/many.hookbox.test}" ;;
	redis) many redis "redis://:$HB_RD_PASS@many.hookbox.test:$rd" ;;
	esac
	hb_assert_outcome PASSED
	hb_assert_json .sandbox.mode enforce
done
hb_case "exec --wait-for: a name of 200 addresses"
unshare -m --propagation private "$HB_TMP/in-ns" "$HB_BUILD/hookbox" exec --output json \
	--wait-for "tcp://many.hookbox.test:$web" \
	--wait-for "http://many.hookbox.test:$web/ok" -- true >"$HB_TMP/exec.out" 2>"$HB_TMP/exec.err"
HB_RC=$?
HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/exec.out")
HB_ERR=$(cat "$HB_TMP/exec.err")
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED,PASSED

# == dns checks still resolve over UDP =========================================
# A network namespace of its own, whose loopback has a DNS server on port
# 53 (hb-netpeer dns), and a resolv.conf naming it, in a mount namespace.
hb_case "a dns check resolves over UDP under the sandbox, to the end"
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$HB_TMP/resolv.conf"
: >"$HB_TMP/hosts.empty"
cat >"$HB_TMP/in-netns" <<EOF
#!/bin/sh
ip link set lo up || exit 125
mount --bind "$HB_TMP/resolv.conf" /etc/resolv.conf || exit 125
mount --bind "$HB_TMP/hosts.empty" /etc/hosts || exit 125
"$netpeer" dns 53 127.0.0.9 &
peer=\$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	ss -Huln "sport = :53" | grep -q . && break
	sleep 0.05
done
"\$@"
rc=\$?
kill \$peer
exit \$rc
EOF
chmod +x "$HB_TMP/in-netns"
HB_PREFIX="unshare -n -m --propagation private $HB_TMP/in-netns" \
	hb_agent dns svc.hookbox.test --expect-address 127.0.0.9
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail addresses 127.0.0.9
hb_assert_json .sandbox.mode enforce

# == the grpc kind ================================================================
# Its own section, as the kinds above have theirs in the loops: a grpc
# check resolves in its child and hands curl the addresses, so it is
# handed off as an http check is.
hb_start_grpc grpc
for act in udp unix abstract netlink mptcp; do
	hb_case "grpc: once resolved, the check may not $act (enforce)"
	shim_agent "$grpc" "$act" grpc "localhost:$grpc" --sandbox enforce
	hb_assert_outcome FAILED SANDBOX_VIOLATION
	hb_assert_detail syscall "${first_call[$act]}"
	hb_assert_eq "what reached the $act listener" "" "$(got "$act")"
	hb_case "grpc: the same check may $act with the sandbox off"
	shim_agent "$grpc" "$act" grpc "localhost:$grpc" --sandbox off
	hb_assert_outcome PASSED
	hb_assert_eq "what reached the $act listener" "${sent[$act]:-}" "$(got "$act")"
	hb_assert_eq "shim errors" "" "$HB_ERR"
done
if [ -n "$abi" ] && [ "$abi" -ge 6 ]; then
	hb_case "grpc: a check may not signal the agent"
	shim_agent "$grpc" signal grpc "127.0.0.1:$grpc"
	hb_assert_exit 0
	hb_assert_outcome PASSED
	hb_assert_eq "shim errors" "hb-shim: signal: tgkill: EPERM" "$HB_ERR"
fi
hb_case "grpc: a name of 200 addresses resolves under the sandbox"
many grpc "many.hookbox.test:$grpc"
hb_assert_outcome PASSED
hb_assert_json .sandbox.mode enforce

hb_finish
