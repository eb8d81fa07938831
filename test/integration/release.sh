#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A Helm release of charts/hookbox-example played in containers, as Helm
# and the kubelet would play it: the chart rendered by hookbox-render, each
# pod's first container run with podman as its manifest says (image, args,
# env, the ConfigMap, Secret and downward-API files, the securityContext
# mapped to the runtime's options); a PostgreSQL that starts after the
# migration hook, which must wait for it; the app (nginx from the harness
# stands in); the post-install hook; the test pods in Helm's order (weight,
# then name), stopping at the first failure; every report sent to the
# collector, itself played from charts/hookbox-collector. Revision 2 puts
# the db test pod behind a "NetworkPolicy": a drop rule for the database's
# port in its own network namespace, so it must report CONNECT_TIMEOUT
# with the NetworkPolicy hint, and hookbox-collector status says Failed
# for it where it said Succeeded for revision 1.
#
# The suite runs in a network namespace of its own (it executes itself
# again under unshare --net): the servers listen on its loopback, the
# collector on its 0.0.0.0, and the blocked pod's namespace is joined to
# it by a veth pair on a /30 that exists only in these two namespaces.
# Services are names in each container's /etc/hosts (--add-host).
if [ "${HB_RELEASE_NETNS:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "release.sh: needs root (podman, network namespaces)" >&2
		exit 1
	fi
	exec unshare --net -- env HB_RELEASE_NETNS=1 bash "$0" "$@"
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_image.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_render.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_bundle.sh"

hb_image_setup
ip link set lo up || hb_die "no loopback in the suite's network namespace"
hb_image_require
hb_render_require

EX=$HB_SRC/charts/hookbox-example
CO=$HB_SRC/charts/hookbox-collector
NS=shop
TOKEN=release-suite-token
# The blocked pod's side of the veth pair sees the suite's as 10.213.0.1.
NET_HOST=10.213.0.1
NET_POD=10.213.0.2

hb_port pg
hb_port web

# The app's image, which the migration runs in with hookbox copied in by
# the Job's init container: busybox and musl with the app's own program,
# no glibc (lib_bundle.sh). Imported again each run; the image it
# replaces is removed by its id, as make image does.
hb_musl_root "$HB_TMP/app-root"
old_app=$(podman image inspect --format '{{.Id}}' "$HB_IMAGE_APP" 2>/dev/null || true)
out=$(tar -C "$HB_TMP/app-root" -c . | podman import --change 'USER 65532:65532' - "$HB_IMAGE_APP" 2>&1) ||
	hb_die "podman import of the app's image failed: $out"
new_app=$(podman image inspect --format '{{.Id}}' "$HB_IMAGE_APP")
[ -z "$old_app" ] || [ "$old_app" = "$new_app" ] || podman rmi "$old_app" >/dev/null 2>&1 || true

# The release's own values, as a CI job would keep them: a third test
# pod after the db one, so that stopping at the first failure shows;
# short timeouts, so that the blocked check gives up in seconds.
cat >"$HB_TMP/values.yaml" <<EOF
image:
  repository: ${HB_IMAGE_AGENT%:*}
  tag: ${HB_IMAGE_AGENT##*:}
app:
  port: $web
  healthPath: /ok
database:
  port: $pg
  name: shop
  user: $HB_PG_USER
  password: "$HB_PG_PASS"
migration:
  image:
    repository: ${HB_IMAGE_APP%:*}
    tag: ${HB_IMAGE_APP##*:}
  wait: 60s
  timeout: 30s
warmup:
  wait: 20s
  paths:
    - /ok
collector:
  url: http://hookbox-collector:8080
  token: $TOKEN
  requireDelivery: true
tests:
  defaults:
    timeout: 2s
    retry:
      attempts: 2
      interval: 1s
  pods:
    - name: app
      weight: 0
      checks:
        - name: health
          kind: http
          url: "http://\${APP_HOST}:\${APP_PORT}\${APP_HEALTH_PATH}"
          expect:
            status: 2xx
    - name: db
      weight: 1
      checks:
        - name: port
          kind: tcp
          address: "\${DB_HOST}:\${DB_PORT}"
        - name: migrated
          kind: postgres
          url: "postgresql://\${DB_USER}@\${DB_HOST}:\${DB_PORT}/\${DB_NAME}"
          password_file: /secrets/db/password
          query: SELECT max(version) FROM schema_migrations
          expect:
            value: "\${MIGRATION_VERSION}"
    - name: smoke
      weight: 2
      checks:
        - name: app-port
          kind: tcp
          address: "\${APP_HOST}:\${APP_PORT}"
EOF

# Where the Services are, for a container on the suite's network.
HOSTS=(--add-host "hookbox-collector:127.0.0.1" --add-host "shop-postgresql:127.0.0.1"
	--add-host "shop-hookbox-example:127.0.0.1")

# play_inits OBJECT REV [PODMAN OPTIONS...]: the init containers of the
# pod hb_render_pod laid out, each to its end, in order, as the kubelet
# runs them; stops at one that fails (HB_RC, HB_OUT, HB_ERR are its).
# POD_OPTS, POD_IMAGE and POD_ARGV are then the first container's again.
play_inits()
{
	local obj=$1 rev=$2 i
	shift 2
	HB_RC=0
	for ((i = 0; i < POD_N_INIT; i++)); do
		hb_pod_container "$obj" "$rev" ".initContainers[$i]"
		podman run --rm "${POD_OPTS[@]}" "$@" "$POD_IMAGE" "${POD_ARGV[@]}" \
			>"$HB_TMP/out" 2>"$HB_TMP/err"
		HB_RC=$?
		HB_OUT=$(cat "$HB_TMP/out")
		HB_ERR=$(cat "$HB_TMP/err")
		[ "$HB_RC" = 0 ] || break
	done
	hb_pod_container "$obj" "$rev" '.containers[0]'
	return "$HB_RC"
}

# play REND OBJECT REV [PODMAN OPTIONS...]: runs OBJECT's init containers,
# then its container, to their end; HB_RC, HB_OUT, HB_ERR. PLAYED lists
# the pods that ran.
play()
{
	local rend=$1 obj=$2 rev=$3
	shift 3
	hb_render_pod "$rend" "$obj" "$rev"
	PLAYED+=("$obj")
	if ! play_inits "$obj" "$rev" "$@"; then
		hb_log "$obj: an init container failed: exit $HB_RC: $HB_OUT $HB_ERR"
		return
	fi
	HB_CTRS+=("$HB_CTR_PREFIX-$obj-$rev")
	podman run "${POD_OPTS[@]}" "$@" "$POD_IMAGE" "${POD_ARGV[@]}" >"$HB_TMP/out" 2>"$HB_TMP/err"
	HB_RC=$?
	HB_OUT=$(cat "$HB_TMP/out")
	HB_ERR=$(cat "$HB_TMP/err")
	[ "$HB_RC" = 0 ] || hb_log "$obj: exit $HB_RC: $HB_OUT $HB_ERR"
}

# helm_test REND REV [blocked PODMAN OPTIONS...]: helm test: the rendering's
# test hooks by weight, then name, each run to its end; stops at the first
# that fails. The db pod runs with the options after "blocked". Sets
# TESTS_RC, the first non-zero exit (0 when all passed).
helm_test()
{
	local rend=$1 rev=$2 obj opts
	shift 2
	[ "${1:-}" = blocked ] && shift
	TESTS_RC=0
	while read -r obj; do
		opts=(--network=host "${HOSTS[@]}")
		[ "$obj" = shop-hookbox-example-test-db ] && [ $# -gt 0 ] && opts=("$@")
		play "$rend" "$obj" "$rev" "${opts[@]}"
		if [ "$HB_RC" != 0 ]; then
			TESTS_RC=$HB_RC
			return
		fi
	done < <(hb_q "$rend" '[.objects[] | select(.hook and (.hook.events | index("test")))]
		| sort_by(.hook.weight, .object.metadata.name)[] | .object.metadata.name')
}

# status REV: hookbox-collector status for the release's revision REV.
status()
{
	HB_OUT=$("$HB_BUILD/hookbox-collector" status --server http://127.0.0.1:8080 \
		--namespace "$NS" --release shop --revision "$1" --token-file "$HB_TMP/token" 2>&1)
	HB_RC=$?
}
printf '%s\n' "$TOKEN" >"$HB_TMP/token"

# == the collector, played from its chart ========================================

hb_case "the collector's Deployment runs as rendered and serves /healthz"
hb_render co "$CO" --name hookbox-collector --namespace "$NS" \
	--set image.repository="${HB_IMAGE_COLLECTOR%:*}" --set image.tag="${HB_IMAGE_COLLECTOR##*:}" \
	--set token.value="$TOKEN" --set store.sqlite.persistence.enabled=false
hb_assert_eq "render exit" 0 "$HB_RC"
hb_render_pod co hookbox-collector 0
hb_assert_eq "its image" "$HB_IMAGE_COLLECTOR" "$POD_IMAGE"
hb_assert_contains "restricted" "${POD_OPTS[*]}" \
	"--user 65532:65532 --read-only --cap-drop ALL --security-opt no-new-privileges --group-add 65532"
HB_CTRS+=("$HB_CTR_PREFIX-hookbox-collector-0")
out=$(podman run -d --network=host "${POD_OPTS[@]}" "$POD_IMAGE" "${POD_ARGV[@]}" 2>&1) ||
	hb_die "podman run of the collector failed: $out"
health=$(hb_healthz http://127.0.0.1:8080/healthz)
[ -n "$health" ] || hb_log "collector: $(podman logs "$HB_CTR_PREFIX-hookbox-collector-0" 2>&1)"
hb_assert_eq "/healthz" ok "$health"

# == revision 1: helm install ====================================================

hb_render r1 "$EX" --name shop --namespace "$NS" --revision 1 -f "$HB_TMP/values.yaml"
hb_case "revision 1 renders and passes the shape checks"
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check r1
hb_assert_eq "check exit" 0 "$HB_RC"

hb_case "the migration Job's init container copies hookbox into the pod's emptyDir"
hb_render_pod r1 shop-hookbox-example-migrate 1
hb_assert_eq "init containers" 1 "$POD_N_INIT"
hb_pod_container shop-hookbox-example-migrate 1 '.initContainers[0]'
hb_assert_eq "its image" "$HB_IMAGE_AGENT" "$POD_IMAGE"
hb_assert_eq "its args" "install /bundle" "${POD_ARGV[*]}"
hb_assert_contains "restricted" "${POD_OPTS[*]}" \
	"--user 65532:65532 --read-only --cap-drop ALL --security-opt no-new-privileges --group-add 65532"
play_inits shop-hookbox-example-migrate 1 --network=none
hb_assert_eq "install exit" 0 "$HB_RC"
hb_assert_contains "install prints the bundle's size" "$HB_OUT" "hookbox: installed in /bundle: "
hb_assert_eq "the emptyDir" "hookbox hookbox.d" \
	"$(ls "$POD_DIR/volumes/hookbox" | tr '\n' ' ' | sed 's/ $//')"

hb_case "the migration hook runs in the app's image, waits for a PostgreSQL that starts late, then migrates"
hb_assert_eq "its image: the app's" "$HB_IMAGE_APP" "$POD_IMAGE"
hb_assert_contains "its entrypoint: the bundle's" "${POD_OPTS[*]}" '--entrypoint ["/hookbox/hookbox"]'
hb_assert_contains "restricted" "${POD_OPTS[*]}" \
	"--user 65532:65532 --read-only --cap-drop ALL --security-opt no-new-privileges --group-add 65532"
hb_assert_contains "the bundle mounted read-only" "${POD_OPTS[*]}" "/volumes/hookbox:/hookbox:ro"
hb_assert_eq "the app's image has no glibc" "" \
	"$(podman run --rm --network=none --entrypoint /bin/busybox "$HB_IMAGE_APP" find / -xdev -name 'libc.so*' 2>&1)"
mig=$HB_CTR_PREFIX-shop-hookbox-example-migrate-1
HB_CTRS+=("$mig")
out=$(podman run -d --network=host "${HOSTS[@]}" "${POD_OPTS[@]}" "$POD_IMAGE" "${POD_ARGV[@]}" 2>&1) ||
	hb_die "podman run of the migration failed: $out"
sleep 4
hb_assert_eq "running before PostgreSQL starts" true "$(podman inspect --format '{{.State.Running}}' "$mig")"
hb_start_postgres "$pg"
# The chart's database: made once the server is up, as a PostgreSQL
# chart's init would; the hook's login fails until it exists.
hb_psql "$pg" postgres -c "CREATE DATABASE shop OWNER $HB_PG_USER" >/dev/null ||
	hb_die "CREATE DATABASE shop failed"
hb_assert_eq "migration exit" 0 "$(timeout 90 podman wait "$mig")"
log=$(podman logs "$mig" 2>&1)
hb_assert_contains "waited for" "$log" "PASS  wait-for-0  postgres://$HB_PG_USER@shop-postgresql:$pg/shop"
hb_assert_contains "migrated" "$log" "PASS  command"
hb_assert_eq "schema version" 1 "$(hb_psql "$pg" shop -tAc 'SELECT max(version) FROM schema_migrations')"

hb_case "the app, then the post-install hook"
hb_start_nginx "$web"
PLAYED=()
play r1 shop-hookbox-example-warmup 1 --network=host "${HOSTS[@]}"
hb_assert_eq "warm-up exit" 0 "$HB_RC"

hb_case "helm test, revision 1: the test pods in Helm's order, all pass"
PLAYED=()
helm_test r1 1
hb_assert_eq "tests' exit" 0 "$TESTS_RC"
hb_assert_eq "order" "shop-hookbox-example-test-app shop-hookbox-example-test-db shop-hookbox-example-test-smoke" \
	"${PLAYED[*]}"
status 1
hb_assert_eq "status exit (Succeeded)" 0 "$HB_RC"
hb_assert_contains "status" "$HB_OUT" "REVISION: 1"
hb_assert_contains "status" "$HB_OUT" "PHASE: Succeeded"
hb_assert_contains "status" "$HB_OUT" "TEST SUITE:     shop-hookbox-example-test-smoke"

# == revision 2: helm upgrade, the db test pod behind a NetworkPolicy =============

hb_render r2 "$EX" --name shop --namespace "$NS" --revision 2 --upgrade -f "$HB_TMP/values.yaml" \
	--set migration.version=2
hb_case "revision 2: the pre-upgrade migration runs again"
hb_assert_eq "render exit" 0 "$HB_RC"
play r2 shop-hookbox-example-migrate 2 --network=host "${HOSTS[@]}"
hb_assert_eq "migration exit" 0 "$HB_RC"
hb_assert_eq "schema version" 2 "$(hb_psql "$pg" shop -tAc 'SELECT max(version) FROM schema_migrations')"

hb_case "helm test, revision 2: the db pod meets the NetworkPolicy and the run stops there"
hb_netns blk
ip link add hb-cluster type veth peer name eth0 netns "$blk" || hb_die "ip link add veth failed"
ip addr add "$NET_HOST/30" dev hb-cluster && ip link set hb-cluster up &&
	ip -n "$blk" addr add "$NET_POD/30" dev eth0 && ip -n "$blk" link set eth0 up &&
	ip -n "$blk" route add default via "$NET_HOST" || hb_die "the veth pair's addresses failed"
# The NetworkPolicy as the CNI enforces it: the database's port dropped
# on the pod's way out.
ip netns exec "$blk" iptables -A OUTPUT -p tcp -d "$NET_HOST" --dport "$pg" -j DROP ||
	hb_die "iptables in $blk failed"
PLAYED=()
helm_test r2 2 blocked --network "ns:/run/netns/$blk" --add-host "hookbox-collector:$NET_HOST" \
	--add-host "shop-postgresql:$NET_HOST" --add-host "shop-hookbox-example:$NET_HOST"
hb_assert_eq "tests' exit" 1 "$TESTS_RC"
hb_assert_eq "order, stopped at the db pod" "shop-hookbox-example-test-app shop-hookbox-example-test-db" \
	"${PLAYED[*]}"
hb_assert_contains "the db pod's output" "$HB_OUT" "FAIL  port"
hb_assert_contains "the db pod's output" "$HB_OUT" "CONNECT_TIMEOUT"
hb_assert_contains "the hint" "$HB_OUT" "NetworkPolicy"
status 2
hb_assert_eq "status exit (Failed)" 1 "$HB_RC"
hb_assert_contains "status" "$HB_OUT" "PHASE: Failed"
hb_assert_contains "status" "$HB_OUT" "TEST SUITE:     shop-hookbox-example-test-app"
hb_assert_contains "status names the blocked check" "$HB_OUT" \
	"shop-hookbox-example-test-db  port  CONNECT_TIMEOUT: connect to shop-postgresql:$pg timed out"
hb_assert_contains "status gives the hint" "$HB_OUT" "hint: no answer to the connection: a NetworkPolicy dropping traffic"
case $HB_OUT in
*test-smoke*) hb_fail "the smoke pod, after the failed one, reported: $HB_OUT" ;;
*) hb_pass "the smoke pod, after the failed one, never ran" ;;
esac
status 1
hb_assert_eq "revision 1 stays Succeeded" 0 "$HB_RC"

hb_finish
