#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The images (make image) run as the kubelet runs a pod's containers under
# Pod Security "restricted" (lib_image.sh): read-only root, uid 65532, no
# capability, no_new_privs, podman's default seccomp profile, the
# downward-API files at /etc/podinfo, a termination log. Every check kind
# passes against servers on 127.0.0.1 (--network=host); hookbox's filters
# stack on the runtime's, Landlock applies; a forbidden call is still named
# and a crash contained; the report reaches the collector's image, found by
# a Service-like name in a network namespace of the suite's own, and stays
# on its volume across restarts. Fails, saying so, where podman cannot run
# the images.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_image.sh"

hb_image_setup
hb_image_require

hb_case "where podman cannot run a container, the suite fails and says so"
# The same check under a runtime that starts nothing (/bin/false as the
# OCI runtime): hb_image_require must stop the suite with an error, not
# let its cases pass or skip.
printf '%s\n' '[containers]' 'default_ulimits = ["nofile=20000:20000", "nproc=1000:1000"]' \
	'[engine]' 'runtime = "hbfalse"' 'cgroup_manager = "cgroupfs"' \
	'events_logger = "file"' '[engine.runtimes]' 'hbfalse = ["/bin/false"]' \
	>"$HB_TMP/broken.conf"
out=$(export CONTAINERS_CONF=$HB_TMP/broken.conf; hb_image_require 2>&1)
hb_assert_eq "hb_image_require's exit status" 1 "$?"
hb_assert_contains "what it says" "$out" "podman cannot run a container here"

# == what the image holds =======================================================

hb_case "the agent's image holds what make rootfs makes, and no shell"
tree=$(hb_image_tree "$HB_IMAGE_AGENT")
# The image's build stage ran the same scripts/rootfs.sh on its own build:
# the same paths, types and modes as the tree the rootfs suite runs.
if [ -d "$HB_BUILD/rootfs" ]; then
	hb_assert_eq "the image's entries against $HB_BUILD/rootfs" "" \
		"$(diff <(cd "$HB_BUILD/rootfs" && find . -mindepth 1 -printf '%y %m %P\n' | sort) \
			<(printf '%s\n' "$tree"))"
else
	hb_fail "no $HB_BUILD/rootfs to compare with: run make rootfs"
fi
hb_assert_eq "shells, package managers" "" \
	"$(awk '{ print $3 }' <<<"$tree" | grep -E '(^|/)(sh|bash|dash|ash|busybox|apt[^/]*|dpkg[^/]*)$')"
hb_assert_eq "executable files" "/hookbox hookbox-launcher ld-linux-x86-64.so.2 libc.so.6" \
	"$(awk '$1 == "f" && $2 ~ /[1357]$/ { n = split($3, p, "/"); print (n == 1 ? "/" : "") p[n] }' <<<"$tree" | sort | tr '\n' ' ' | sed 's/ $//')"
hb_assert_eq "the image's user" 65532:65532 \
	"$(podman image inspect --format '{{.Config.User}}' "$HB_IMAGE_AGENT")"
hb_assert_eq "the image's entrypoint" "[/hookbox]" \
	"$(podman image inspect --format '{{.Config.Entrypoint}}' "$HB_IMAGE_AGENT")"

# == every kind, as a restricted pod ============================================

hb_start_every_kind
hb_every_kind_files "$HB_TMP/files"
mounts=(-v "$HB_TMP/files/spec:/spec:ro" -v "$HB_TMP/files/secrets:/secrets:ro")

hb_pod_new checks
hb_pod_label checks app.kubernetes.io/instance shop
hb_pod_annotation checks helm.sh/hook test
hb_pod_annotation checks helm.sh/hook-weight 5
env=(-e POD_NAME=shop-hookbox-test -e POD_NAMESPACE=hb -e HOOKBOX_REVISION=3)

hb_case "every check kind passes in the restricted container"
hb_pod_agent checks --network=host "${mounts[@]}" "${env[@]}" -- \
	run /spec/checks.json --output json
hb_assert_exit 0
hb_assert_every_kind PASSED
hb_assert_json .phase PHASE_SUCCEEDED

hb_case "the report says seccomp and Landlock applied inside the container"
hb_assert_json .sandbox.mode enforce
hb_assert_json .sandbox.seccomp true
hb_assert_json .sandbox.noNewPrivs true
hb_assert_json .sandbox.rlimits true
abi=$(hb_json .sandbox.landlockAbi)
if [ -n "$abi" ] && [ "$abi" -ge 1 ]; then
	hb_assert_json .sandbox.landlockFs true
	if [ "$abi" -ge 4 ]; then
		hb_assert_json .sandbox.landlockNet true
	fi
else
	hb_fail "no Landlock inside the container (ABI \"$abi\"): does the runtime's seccomp profile allow landlock_*?"
fi

hb_case "the downward-API files and the pod's environment reach the report"
hb_assert_json .pod.release shop
hb_assert_json .pod.namespace hb
hb_assert_json .pod.revision 3
hb_assert_json '.pod.hookEvents | join(",")' test
hb_assert_json .pod.hookWeight 5
hb_assert_json .pod.hookName shop-hookbox-test
hb_assert_eq "termination log" "phase Succeeded" \
	"$(cat "$HB_TMP/pod-checks/termination-log")"

hb_case "exec --wait-for waits for a late server, then runs a command of the image"
hb_port late
hb_start_nginx_late "$late" 2
hb_pod_agent exec --network=host -- exec \
	--wait-for "postgres://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$HB_PG/app" \
	--wait-for "http://127.0.0.1:$late/ok" --timeout 60s -- /hookbox --version
hb_assert_exit 0
hb_assert_contains "the command's output" "$HB_OUT" "hookbox "
hb_assert_contains "nginx's access log" "$(cat "$HB_TMP/nginx-$late/access.log" 2>/dev/null)" "GET /ok"

# == hookbox's filters on the runtime's =========================================

hb_case "the agent runs under the runtime's filter, each check under three"
# A check that waits on a server that never answers, so that its child
# can be looked at from the host: the agent (the container's first
# process) has the runtime's filter only; the check's child the runtime's,
# its kind's and the hand-off filter it stacked once resolved (two outside
# a container: sandbox.sh).
hb_port hang
hb_start_hang "$hang"
hb_pod_start stack "$HB_IMAGE_AGENT" --network=host -- \
	tcp "127.0.0.1:$hang" --send x --expect-reply y --timeout 30s
agent=$(hb_pod_pid stack)
child=""
for _ in $(seq 1 100); do
	child=$(pgrep -P "$agent" 2>/dev/null | head -1)
	[ -n "$child" ] && [ "$(awk '/^Seccomp_filters:/ { print $2 }' "/proc/$child/status" 2>/dev/null)" = 3 ] && break
	sleep 0.1
done
status_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
hb_assert_eq "agent's uid" 65532 "$(status_of "$agent" Uid)"
hb_assert_eq "agent's effective capabilities" 0000000000000000 "$(status_of "$agent" CapEff)"
hb_assert_eq "agent's no_new_privs" 1 "$(status_of "$agent" NoNewPrivs)"
hb_assert_eq "agent's seccomp mode (2: filter)" 2 "$(status_of "$agent" Seccomp)"
hb_assert_eq "agent's filters" 1 "$(status_of "$agent" Seccomp_filters)"
if [ -n "$child" ]; then
	hb_assert_eq "check child's filters" 3 "$(status_of "$child" Seccomp_filters)"
else
	hb_fail "the check's child never appeared under the agent (pid ${agent:-none})"
fi
podman rm -f -t 0 "$(hb_pod_name stack)" >/dev/null 2>&1

# == a forbidden call, a crash ==================================================

hb_case "the test shim needs nothing the image lacks"
shim=$HB_BUILD/hb-test-shim.so
[ -e "$shim" ] || hb_die "no $shim (built with the tests)"
for lib in $(readelf -d "$shim" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	if grep -qE "/$lib\$" <<<"$tree"; then
		hb_pass "$lib is in the image"
	else
		hb_fail "the shim needs $lib, which the image lacks"
	fi
done

hb_port hooked
hb_start_nginx "$hooked"
hb_every_kind_files "$HB_TMP/shim" \
	"{\"name\": \"hooked\", \"kind\": \"tcp\", \"address\": \"127.0.0.1:$hooked\"}"
shim_mounts=(-v "$HB_TMP/shim/spec:/spec:ro" -v "$HB_TMP/shim/secrets:/secrets:ro"
	-v "$shim:/hb-test-shim.so:ro" -e LD_PRELOAD=/hb-test-shim.so
	-e "HB_SHIM_PORT=$hooked")

hb_case "a forbidden call in one check is named, the others pass"
hb_pod_new violation
hb_pod_agent violation --network=host "${shim_mounts[@]}" -e HB_SHIM_DO=ptrace -- \
	run /spec/checks.json --output json
hb_assert_exit 1
hb_assert_json '.checks[0].name' hooked
hb_assert_json '.checks[0].failureClass' SANDBOX_VIOLATION
hb_assert_detail syscall ptrace
hb_assert_json_contains '.checks[0].message' '"ptrace"'
hb_assert_every_kind PASSED
hb_case "the termination log names the failure"
log=$(cat "$HB_TMP/pod-violation/termination-log")
hb_assert_contains "termination log" "$log" "phase Failed"
hb_assert_contains "termination log" "$log" "hooked: SANDBOX_VIOLATION"

hb_case "a crash in one check leaves the others passing"
hb_pod_agent crash --network=host "${shim_mounts[@]}" -e HB_SHIM_DO=segv -- \
	run /spec/checks.json --output json
hb_assert_exit 1
hb_assert_json '.checks[0].failureClass' CRASHED
hb_assert_every_kind PASSED

# == the collector's image ======================================================

# A network namespace of the suite's own stands for the cluster network:
# the collector listens there on its default 0.0.0.0:8080, a DNS server on
# its 127.0.0.1:53 answers every name with 127.0.0.1 (the Service's
# address), and the agent's pod has a resolv.conf as the kubelet writes.
hb_netns ns
[ -x "$HB_BUILD/test-helpers/hb-netpeer" ] ||
	hb_die "no $HB_BUILD/test-helpers/hb-netpeer (built with the tests)"
ip netns exec "$ns" "$HB_BUILD/test-helpers/hb-netpeer" dns 53 127.0.0.1 \
	>"$HB_TMP/dns.log" 2>&1 &
HB_PIDS+=($!)
printf '%s\n' 'search hb.svc.cluster.local svc.cluster.local cluster.local' \
	'nameserver 127.0.0.1' 'options ndots:5 attempts:2 timeout:2' >"$HB_TMP/resolv.conf"
mkdir -p "$HB_TMP/token"
printf 'image-suite-token\n' >"$HB_TMP/token/token"
chmod -R a+rX "$HB_TMP/token" "$HB_TMP/resolv.conf"
hb_volume vol
collector_args=(--network "ns:/run/netns/$ns" -v "$vol:/var/lib/hookbox"
	-v "$HB_TMP/token/token:/etc/hookbox/token:ro")

# GET PATH on the collector in the namespace, with the token: the body,
# or nothing when it does not answer 200.
get()
{
	ip netns exec "$ns" curl -sf --max-time 5 \
		-H "Authorization: Bearer image-suite-token" "http://127.0.0.1:8080$1"
}
# Waits up to 30 s for /healthz; prints its body.
wait_healthz() { hb_healthz -n "$ns" http://127.0.0.1:8080/healthz; }

hb_case "the collector's image refuses its default command without a token"
hb_pod_run notoken "$HB_IMAGE_COLLECTOR" --network=none
hb_assert_eq "exit status" 1 "$HB_RC"
hb_assert_contains "stderr" "$HB_ERR" "/etc/hookbox/token"

hb_case "the collector's image serves /healthz, restricted, on its default command"
hb_pod_start collector "$HB_IMAGE_COLLECTOR" "${collector_args[@]}"
health=$(wait_healthz)
[ -n "$health" ] || hb_log "collector's output: $(hb_pod_logs collector)"
hb_assert_eq "/healthz" ok "$health"

hb_case "the agent's report reaches the collector by its Service name"
hb_pod_new report
hb_pod_label report app.kubernetes.io/instance shop
hb_pod_annotation report helm.sh/hook test
mkdir -p "$HB_TMP/agent-token"
cp "$HB_TMP/token/token" "$HB_TMP/agent-token/token"
chmod -R a+rX "$HB_TMP/agent-token"
hb_pod_agent report --network "ns:/run/netns/$ns" \
	-v "$HB_TMP/resolv.conf:/etc/resolv.conf:ro" \
	-v "$HB_TMP/agent-token:/var/run/secrets/hookbox:ro" \
	-e POD_NAME=shop-hookbox-test -e POD_NAMESPACE=hb -e HOOKBOX_REVISION=1 -- \
	dns hookbox-collector.hb.svc.cluster.local --expect-address 127.0.0.1 \
	--collector http://hookbox-collector:8080 \
	--token-file /var/run/secrets/hookbox/token --require-delivery --output json
hb_assert_exit 0
hb_assert_outcome PASSED
id=$(hb_json .reportId)
# A report id the agent made (a UUID), so that the comparisons below
# cannot pass on two empty strings.
if [[ $id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]; then
	hb_pass "report id $id"
else
	hb_fail "the report has no id: \"$id\""
fi
stored=$(get "/v1/reports/$id" | jq -r .reportId 2>/dev/null)
hb_assert_eq "the stored report" "$id" "$stored"
# On the volume, written by the collector's user: the root is read-only,
# so nothing else could hold it.
volume_dir=$(podman volume inspect --format '{{.Mountpoint}}' "$vol")
hb_assert_eq "the store on the volume, its owner" 65532:65532 \
	"$(stat -c %u:%g "$volume_dir/reports.db" 2>/dev/null)"
hb_assert_eq "the release's test phase" Succeeded \
	"$(get /v1/releases/hb/shop | jq -r .phase 2>/dev/null)"

hb_case "the report stays on the volume across a restart"
podman stop -t 10 "$(hb_pod_name collector)" >/dev/null
hb_assert_eq "exit status of the stopped collector" 0 \
	"$(podman inspect --format '{{.State.ExitCode}}' "$(hb_pod_name collector)")"
podman start "$(hb_pod_name collector)" >/dev/null
hb_assert_eq "/healthz after the restart" ok "$(wait_healthz)"
hb_assert_eq "the report after the restart" "$id" "$(get "/v1/reports/$id" | jq -r .reportId 2>/dev/null)"

hb_case "and in a new container on the same volume, as a new pod on its claim"
podman rm -f -v -t 0 "$(hb_pod_name collector)" >/dev/null
hb_pod_start collector2 "$HB_IMAGE_COLLECTOR" "${collector_args[@]}"
hb_assert_eq "/healthz" ok "$(wait_healthz)"
hb_assert_eq "the report in the new container" "$id" "$(get "/v1/reports/$id" | jq -r .reportId 2>/dev/null)"

# == the collector's image on PostgreSQL, over TLS ================================

hb_case "the collector's image stores in PostgreSQL and serves TLS; status reads it"
# libpq (verified TLS to the database), libmicrohttpd with GnuTLS (the
# collector's own TLS) and libcurl (`status`), as a Deployment for several
# replicas runs them; the agent trusts the collector's CA through the
# image's CA bundle, mounted over with the test CA added, as a chart
# mounts a private CA.
hb_psql "$HB_PG" postgres -c "CREATE DATABASE collector OWNER $HB_PG_USER" >/dev/null ||
	hb_die "CREATE DATABASE collector failed"
hb_port cport
etc=$HB_TMP/collector-etc
mkdir -p "$etc"
cp "$HB_CERTS/server.pem" "$HB_CERTS/server.key" "$HB_CERTS/ca.pem" "$HB_TMP/token/token" "$etc/"
cat "$HB_BUILD/rootfs/etc/ssl/certs/ca-certificates.crt" "$HB_CERTS/ca.pem" >"$HB_TMP/bundle.crt"
chmod -R a+rX "$etc" "$HB_TMP/bundle.crt"
hb_pod_start collector-pg "$HB_IMAGE_COLLECTOR" --network=host -v "$etc:/etc/hookbox:ro" -- \
	serve --listen "127.0.0.1:$cport" --token-file /etc/hookbox/token \
	--store "postgres://$HB_PG_USER:$HB_PG_PASS@localhost:$HB_PG/collector?sslmode=verify-full&sslrootcert=/etc/hookbox/ca.pem" \
	--tls-cert /etc/hookbox/server.pem --tls-key /etc/hookbox/server.key
health=$(hb_healthz "https://localhost:$cport/healthz" --cacert "$HB_CERTS/ca.pem")
[ -n "$health" ] || hb_log "collector's output: $(hb_pod_logs collector-pg)"
hb_assert_eq "/healthz over TLS" ok "$health"
hb_pod_new pg-report
hb_pod_annotation pg-report helm.sh/hook test
hb_pod_agent pg-report --network=host -v "$etc:/etc/hookbox:ro" \
	-v "$HB_TMP/bundle.crt:/etc/ssl/certs/ca-certificates.crt:ro" \
	-e POD_NAME=shop-pg-test -e POD_NAMESPACE=hb -e HOOKBOX_RELEASE=shop-pg \
	-e HOOKBOX_REVISION=1 -- \
	tcp "127.0.0.1:$HB_WEB" --collector "https://localhost:$cport" \
	--token-file /etc/hookbox/token --require-delivery --output json
hb_assert_exit 0
hb_assert_outcome PASSED
hb_pod_run status "$HB_IMAGE_COLLECTOR" --network=host -v "$etc:/etc/hookbox:ro" -- \
	status --server "https://localhost:$cport" --namespace hb --release shop-pg \
	--ca-file /etc/hookbox/ca.pem --token-file /etc/hookbox/token
hb_assert_eq "status's exit (Succeeded)" 0 "$HB_RC"
hb_assert_contains "status" "$HB_OUT" "Succeeded"

hb_finish
