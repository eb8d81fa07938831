#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The collector chart's several-replica form, played with its image: two
# collector containers, each run as charts/hookbox-collector rendered with
# replicas=2 and store.type=postgres says (lib_render.sh), on one
# PostgreSQL 15 started here, behind a "Service" (nginx's stream proxy on
# 127.0.0.1, spreading connections over the replicas' endpoints as
# kube-proxy does and skipping one that refuses). Real agents and a load of
# concurrent senders deliver through it; one replica is killed with SIGKILL
# in the middle. Every acknowledged report is stored exactly once, the
# agents' own retries included, and both replicas answer the same phases.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_image.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_render.sh"

hb_image_setup
hb_image_require
hb_render_require

LOAD=$HB_BUILD/hookbox-ingest-load
COL=$HB_BUILD/hookbox-collector
[ -x "$LOAD" ] || hb_die "no $LOAD"
[ -x "$COL" ] || hb_die "no $COL"
STREAM_MOD=/usr/lib/nginx/modules/ngx_stream_module.so
[ -f "$STREAM_MOD" ] ||
	hb_die "no $STREAM_MOD: nginx's stream module plays the Service (scripts/deps.sh image)"

# -- the store, the token, the Service ---------------------------------------

hb_port PG_PORT
hb_start_postgres "$PG_PORT"
hb_psql "$PG_PORT" postgres -c "CREATE DATABASE hookbox OWNER $HB_PG_USER" >/dev/null ||
	hb_die "CREATE DATABASE hookbox failed"
# The store's URL, as the chart's Secret holds it.
STORE=postgres://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$PG_PORT/hookbox
stored() { psql -X -q -At "$STORE" "$@"; }

SECRET=$HB_TMP/secret
mkdir -p "$SECRET"
printf 'tok-%s\n' "$RANDOM$RANDOM" >"$HB_TMP/secret/token"
chmod 755 "$HB_TMP/secret"
chmod 644 "$HB_TMP/secret/token"
TOKEN=$(tr -d '\n' <"$HB_TMP/secret/token")

hb_port PORT_A
hb_port PORT_B
hb_port SVC_PORT
SVC=http://127.0.0.1:$SVC_PORT

# The Service: one TCP connection at a time to the next endpoint, and a
# refused endpoint skipped for the next (proxy_next_upstream), as a
# Service's endpoints lose a pod that stopped being ready. Each connection
# is logged with the endpoint it reached.
svc=$HB_TMP/svc
mkdir -p "$svc"
{
	echo "load_module $STREAM_MOD;"
	hb_nginx_main "$svc" 512
	cat <<EOF
stream {
	log_format endpoint '\$upstream_addr \$status';
	upstream collectors {
		server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=2s;
		server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=2s;
	}
	server {
		listen 127.0.0.1:$SVC_PORT;
		proxy_pass collectors;
		proxy_connect_timeout 2s;
		proxy_next_upstream on;
		access_log $svc/access.log endpoint;
	}
}
EOF
} >"$svc/nginx.conf"
: >"$svc/access.log"
chmod 666 "$svc/access.log"
hb_nginx_launch "$svc" 0
hb_wait_tcp 127.0.0.1 "$SVC_PORT" 10 ||
	hb_die "the Service (nginx stream) did not start: $(tail -3 "$svc/error.log")"

# replica NAME PORT: replica NAME of the collector's Deployment, run as
# the chart renders it (image, args, env, the token Secret's file, the
# restricted securityContext), listening on its own loopback port where a
# cluster gives each pod its own IP. Its container is $CTR_<NAME>.
replica()
{
	hb_render "co-$1" "$HB_SRC/charts/hookbox-collector" --name hookbox-collector \
		--namespace shop --set image.repository="${HB_IMAGE_COLLECTOR%:*}" \
		--set image.tag="${HB_IMAGE_COLLECTOR##*:}" --set token.value="$TOKEN" \
		--set replicas=2 --set store.type=postgres --set-string store.postgres.url="$STORE" \
		--set listenAddress=127.0.0.1 --set port="$2"
	[ "$HB_RC" = 0 ] || hb_die "the collector chart did not render: $HB_ERR"
	hb_assert_eq "replica $1: the Deployment's replicas" 2 \
		"$(hb_q "co-$1" '.objects[].object | select(.kind == "Deployment") | .spec.replicas')"
	hb_render_pod "co-$1" hookbox-collector "$1"
	hb_assert_contains "replica $1: restricted" "${POD_OPTS[*]}" \
		"--user 65532:65532 --read-only --cap-drop ALL --security-opt no-new-privileges"
	printf -v "CTR_$1" '%s' "$HB_CTR_PREFIX-hookbox-collector-$1"
	HB_CTRS+=("$HB_CTR_PREFIX-hookbox-collector-$1")
	local out
	out=$(podman run -d --network=host "${POD_OPTS[@]}" "$POD_IMAGE" "${POD_ARGV[@]}" 2>&1) ||
		hb_die "podman run of replica $1 failed: $out"
}

# healthy PORT: the replica on PORT answers /healthz (hb_healthz).
healthy() { [ "$(hb_healthz "http://127.0.0.1:$1/healthz")" = ok ]; }

# endpoints: the replicas' ports the Service's connections reached, from
# its log (a connection skipped past a refusing endpoint names both).
endpoints()
{
	tr ', ' '\n\n' <"$svc/access.log" | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | sort -u |
		tr '\n' ' ' | sed 's/ $//'
}

# agent NAME RELEASE REVISION ARGS...: a real agent (this build) delivering
# through the Service; its report in $HB_OUT.
agent()
{
	local name=$1 rel=$2 rev=$3
	shift 3
	POD_NAMESPACE=shop POD_NAME=$name HOOKBOX_RELEASE=$rel HOOKBOX_REVISION=$rev \
		HOOKBOX_HOOK=test hb_agent "$@" --collector "$SVC" \
		--token-file "$SECRET/token" --require-delivery --podinfo "$SECRET/none"
}

# -- cases --------------------------------------------------------------------

hb_case "two replicas start together on an empty database"
replica a "$PORT_A"
replica b "$PORT_B"
healthy "$PORT_A" || hb_fail "replica a not healthy: $(podman logs "$CTR_a" 2>&1 | tail -3)"
healthy "$PORT_B" || hb_fail "replica b not healthy: $(podman logs "$CTR_b" 2>&1 | tail -3)"
hb_assert_eq "the reports table, made once" 1 \
	"$(stored -c "SELECT count(*) FROM pg_tables WHERE tablename = 'hookbox_reports'")"

hb_case "agents' deliveries are spread over both replicas"
hb_port WEB_PORT
hb_start_nginx "$WEB_PORT"
for i in 1 2 3 4; do
	agent "web-test-$i" web 1 http "http://127.0.0.1:$WEB_PORT/ok" --name "web-ok-$i"
	hb_assert_exit 0
	[ "$HB_RC" = 0 ] || hb_log "$HB_ERR"
	hb_assert_eq "agent $i's report stored" 1 \
		"$(stored -c "SELECT count(*) FROM hookbox_reports WHERE report_id = '$(hb_json .reportId)'")"
done
hb_assert_eq "the replicas the Service reached" \
	"$(printf '%s\n' "$PORT_A" "$PORT_B" | sort | tr '\n' ' ' | sed 's/ $//')" "$(endpoints)"

hb_case "SIGKILL of one replica under load: every acknowledged report stored once"
acked=$HB_TMP/acked
: >"$acked"
: >"$svc/access.log"
"$LOAD" --url "$SVC" --token "$TOKEN" --senders 16 --reports 20000 --checks 5 \
	--acked "$acked" --namespace load --release kill >"$HB_TMP/load.out" 2>&1 &
load_pid=$!
# Real agents all through the load, across the kill: each retries its own
# report (the same id) until a replica acknowledges it.
agent_pids=()
for w in 1 2 3; do
	(
		# hb_agent's files are the worker's own: they run at once.
		HB_TMP=$HB_TMP/agents-$w
		mkdir -p "$HB_TMP"
		n=0
		while kill -0 "$load_pid" 2>/dev/null; do
			n=$((n + 1))
			agent "kill-test-$w-$n" agents 1 tcp "127.0.0.1:$WEB_PORT" --name "web-port"
			printf '%s %s\n' "$HB_RC" "$(hb_json .reportId)" >>"$HB_TMP/res"
			[ "$HB_RC" = 0 ] || printf '%s\n' "$HB_ERR" >>"$HB_TMP/errors"
		done
	) &
	agent_pids+=($!)
done
for _ in $(seq 1 400); do
	[ "$(wc -l <"$acked")" -ge 2000 ] && break
	sleep 0.05
done
podman kill --signal KILL "$CTR_a" >/dev/null ||
	hb_fail "podman kill of replica a failed"
at_kill=$(wc -l <"$acked")
wait "$load_pid"
for p in "${agent_pids[@]}"; do
	wait "$p"
done
hb_log "acked $at_kill before the kill; $(cat "$HB_TMP/load.out")"
n_acked=$(wc -l <"$acked")
stored -c "SELECT report_id FROM hookbox_reports" | sort >"$HB_TMP/stored"
hb_assert_lt "reports acknowledged before the kill (more than)" 0 "$at_kill"
hb_assert_lt "reports acknowledged after the kill (more than)" "$at_kill" "$n_acked"
hb_assert_eq "each id acknowledged once" "$n_acked" "$(sort -u "$acked" | wc -l)"
hb_assert_eq "acknowledged reports missing" 0 \
	"$(sort -u "$acked" | comm -23 - "$HB_TMP/stored" | wc -l)"
hb_assert_eq "report ids stored twice" 0 "$(uniq -d "$HB_TMP/stored" | wc -l)"
hb_assert_eq "replica a is down" false \
	"$(podman inspect --format '{{.State.Running}}' "$CTR_a")"
hb_assert_contains "the Service's endpoints during the load" "$(endpoints)" "$PORT_A"
hb_assert_contains "the Service's endpoints during the load" "$(endpoints)" "$PORT_B"
cat "$HB_TMP"/agents-*/res >"$HB_TMP/agents.res"
hb_log "real agents: $(wc -l <"$HB_TMP/agents.res") reports"
hb_assert_lt "agents' reports (more than)" 6 "$(wc -l <"$HB_TMP/agents.res")"
hb_assert_eq "agents that failed to deliver" 0 "$(awk '$1 != 0' "$HB_TMP/agents.res" | wc -l)"
cat "$HB_TMP"/agents-*/errors 2>/dev/null | head -5 >&2
awk '{ print $2 }' "$HB_TMP/agents.res" | sort >"$HB_TMP/agents.ids"
hb_assert_eq "agents' reports stored once" "$(wc -l <"$HB_TMP/agents.ids")" \
	"$(stored -c "SELECT report_id FROM hookbox_reports" | sort | comm -12 - "$HB_TMP/agents.ids" | wc -l)"

hb_case "a report sent again to the other replica is stored once"
# What an agent does when a replica stored its report and died before
# answering: the same report again, reaching the other one.
"$LOAD" --emit "$HB_TMP/again.pb" --namespace shop --release again --hook again-test \
	--phase failed --checks 2 >"$HB_TMP/again.id"
again_id=$(cat "$HB_TMP/again.id")
podman start "$CTR_a" >/dev/null || hb_fail "podman start of replica a failed"
healthy "$PORT_A" || hb_fail "replica a not healthy after its restart: $(podman logs "$CTR_a" 2>&1 | tail -3)"
for port in "$PORT_A" "$PORT_B"; do
	hb_assert_eq "POST to $port" 200 "$(curl -s -o /dev/null -w '%{http_code}' \
		-H 'Content-Type: application/x-protobuf' -H "Authorization: Bearer $TOKEN" \
		--data-binary @"$HB_TMP/again.pb" "http://127.0.0.1:$port/v1/reports")"
done
hb_assert_eq "rows of $again_id" 1 \
	"$(stored -c "SELECT count(*) FROM hookbox_reports WHERE report_id = '$again_id'")"

hb_case "both replicas answer the same phases"
hb_closed_port CLOSED_PORT
agent web-test-closed web 2 tcp "127.0.0.1:$CLOSED_PORT" --name closed-port
hb_assert_exit 1
# status RELEASE PORT ARGS...: the answer of the replica on PORT.
status()
{
	local rel=$1 port=$2
	shift 2
	HB_OUT=$($HB_PREFIX "$COL" status --server "http://127.0.0.1:$port" \
		--token-file "$HB_TMP/secret/token" --namespace "${NS:-shop}" --release "$rel" "$@" \
		2>"$HB_TMP/status.err")
	HB_RC=$?
}
for port in "$PORT_A" "$PORT_B"; do
	status web "$port" --revision 1
	hb_assert_eq "web revision 1 on $port: Succeeded" 0 "$HB_RC"
	status web "$port" --revision 2
	hb_assert_eq "web revision 2 on $port: Failed" 1 "$HB_RC"
	hb_assert_contains "the failed check on $port" "$HB_OUT" "closed-port"
	hb_assert_contains "its class on $port" "$HB_OUT" "CONNECTION_REFUSED"
	NS=load status kill "$port"
	hb_assert_eq "the loaded release on $port: Succeeded" 0 "$HB_RC"
	status again "$port"
	hb_assert_eq "the twice-sent release on $port: Failed" 1 "$HB_RC"
done
for rel in web again; do
	status "$rel" "$PORT_A" --output json
	a=$HB_OUT
	status "$rel" "$PORT_B" --output json
	hb_assert_eq "$rel: replica a's JSON against replica b's" "$a" "$HB_OUT"
done
NS=load status kill "$PORT_A" --output json
a=$HB_OUT
NS=load status kill "$PORT_B" --output json
hb_assert_eq "the loaded release: replica a's JSON against replica b's" "$a" "$HB_OUT"

hb_finish
