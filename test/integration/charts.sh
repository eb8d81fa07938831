#!/bin/bash
# SPDX-License-Identifier: MIT
# The charts (charts/hookbox-example, charts/hookbox-collector) rendered by
# Helm's own template engine (hookbox-render): each object's shape, Pod
# Security "restricted", Helm's hook annotations and order, the template's
# refusals; the specs validated and the hooks run by the real agent in the
# files and env their pod would have, against a real PostgreSQL; the
# collector started with its rendered command line; and each check shown
# to fail on a chart broken on purpose.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_db.sh"
. "$(dirname "$0")/lib_render.sh"
hb_setup

hb_render_require
[ "$(id -u)" = 0 ] || hb_die "charts.sh runs pods in mount namespaces and needs root"
EX=$HB_SRC/charts/hookbox-example
CO=$HB_SRC/charts/hookbox-collector
NS=shop
# What every rendering of the example is given (the password is required).
EX_ARGS=(--name shop --namespace "$NS" --set database.password=s3cret)
CO_ARGS=(--name hb --namespace ci --set token.value=tok3n)

# hb_pod_prepare RENDERING OBJECT: lays out the pod of OBJECT
# (hookbox-render pod) and a root for it: HB_POD, HB_ROOT, and its first
# container's HB_POD_ARGV (command and args), HB_POD_USER, HB_POD_FSGROUP.
hb_pod_prepare()
{
	local rend=$1 obj=$2
	HB_POD=$HB_TMP/pod-$obj
	HB_ROOT=$HB_TMP/root-$obj
	rm -rf "$HB_POD" "$HB_ROOT"
	"$HB_RENDER" pod "$HB_TMP/$rend.json" "$obj" "$HB_POD" || return 1
	mkdir -p "$HB_ROOT/etc" "$HB_ROOT/tmp"
	chmod 1777 "$HB_ROOT/tmp"
	ln -s usr/lib "$HB_ROOT/lib"
	ln -s usr/lib64 "$HB_ROOT/lib64"
	ln -s usr/bin "$HB_ROOT/bin"
	local pod=$HB_POD/pod.json
	# /hookbox is the agent, as in its image, unless the container
	# mounts the bundle an init container installed there.
	[ "$(jq '[.containers[0].mounts[] | select(.target == "/hookbox")] | length' "$pod")" = 0 ] &&
		ln -s hb/hookbox "$HB_ROOT/hookbox"
	ln -s hb/hookbox-collector "$HB_ROOT/hookbox-collector"
	cp /etc/passwd /etc/group /etc/nsswitch.conf "$HB_ROOT/etc/"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$HB_ROOT/etc/hosts"
	jq -r '.containers[0].mounts[] | "\(.source) \(.target) \(.readOnly)"' "$pod" >"$HB_POD/mounts"
	jq -j '.containers[0].env | to_entries[] | "\(.key)=\(.value)\u0000"' "$pod" >"$HB_POD/env"
	HB_POD_USER=$(jq -r '.containers[0].securityContext | "\(.runAsUser):\(.runAsGroup)"' "$pod")
	HB_POD_FSGROUP=$(jq -r '.fsGroup' "$pod")
	mapfile -t HB_POD_ARGV < <(jq -r '.containers[0].command + .containers[0].args | .[]' "$pod")
}

# hb_pod_exec ARGV...: runs ARGV in the prepared pod (pod_enter.sh).
hb_pod_exec()
{
	unshare --mount --fork --kill-child=TERM -- bash "$HB_SRC/test/integration/pod_enter.sh" "$HB_ROOT" \
		"$HB_BUILD" "$HB_POD_USER" "$HB_POD_FSGROUP" "$HB_POD/mounts" "$HB_POD/env" -- "$@"
}

# hb_pod_run RENDERING OBJECT ENTRYPOINT [ARGS...]: runs the pod's first
# container as it would run: ENTRYPOINT (the image's: /hookbox,
# /hookbox-collector), then its command and args, or ARGS instead of them
# when given. HB_RC, HB_OUT (stdout), HB_ERR (stderr).
hb_pod_run()
{
	local rend=$1 obj=$2 entry=$3
	shift 3
	if ! hb_pod_prepare "$rend" "$obj"; then
		HB_RC=125 HB_OUT="" HB_ERR="hookbox-render pod $obj failed"
		return
	fi
	[ $# -gt 0 ] || set -- "${HB_POD_ARGV[@]}"
	local errf=$HB_TMP/pod.err
	HB_OUT=$(hb_pod_exec "$entry" "$@" 2>"$errf")
	HB_RC=$?
	HB_ERR=$(cat "$errf")
}

# -- the example chart ----------------------------------------------------

hb_case "the example renders with Helm's engine and passes the shape checks"
hb_render ex "$EX" "${EX_ARGS[@]}"
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check ex
hb_assert_eq "check exit" 0 "$HB_RC"
hb_assert_contains "check" "$HB_ERR" "11 objects, no problem"
hb_assert_eq "kinds" "ConfigMap Deployment Job Job NetworkPolicy NetworkPolicy Pod Pod Secret Secret Service" \
	"$(hb_q ex '[.objects[].object.kind] | sort | join(" ")')"

hb_case "the hooks carry Helm's annotations and run in Helm's order"
mig='.objects[] | select(.object.metadata.name == "shop-hookbox-example-migrate")'
hb_assert_eq "migration kind" Job "$(hb_q ex "$mig | .object.kind")"
hb_assert_eq "migration hook" pre-install,pre-upgrade \
	"$(hb_q ex "$mig | .object.metadata.annotations[\"helm.sh/hook\"]")"
hb_assert_eq "migration weight" -5 \
	"$(hb_q ex "$mig | .object.metadata.annotations[\"helm.sh/hook-weight\"]")"
hb_assert_eq "migration delete policy" before-hook-creation \
	"$(hb_q ex "$mig | .object.metadata.annotations[\"helm.sh/hook-delete-policy\"]")"
hb_assert_eq "migration command" "exec --wait-for postgres://app@shop-postgresql:5432/app" \
	"$(hb_q ex "$mig | .object.spec.template.spec.containers[0].args[0:3] | join(\" \")")"
# The database chart's init makes the user and the database after its
# server takes connections: the wait goes through those (retry_on).
hb_assert_eq "migration retry_on" "--retry-on AUTH_FAILED --retry-on DATABASE_NOT_FOUND" \
	"$(hb_q ex "$mig | .object.spec.template.spec.containers[0].args[5:9] | join(\" \")")"
hb_assert_eq "warm-up hook" post-install,post-upgrade \
	"$(hb_q ex '.objects[] | select(.object.metadata.name == "shop-hookbox-example-warmup") | .object.metadata.annotations["helm.sh/hook"]')"
hb_assert_eq "test pods" "test test" \
	"$(hb_q ex '[.objects[] | select(.object.kind == "Pod") | .object.metadata.annotations["helm.sh/hook"]] | join(" ")')"
hb_assert_eq "hook order (weight, then name)" \
	"-10 shop-hookbox-example-db,-10 shop-hookbox-example-hookbox,-5 shop-hookbox-example-migrate,0 shop-hookbox-example-test-app,1 shop-hookbox-example-test-db,5 shop-hookbox-example-warmup" \
	"$(hb_q ex '[.objects[] | select(.hook) | "\(.hook.weight) \(.object.metadata.name)"] | join(",")')"

hb_case "the migration runs in the app's image, with hookbox copied in by an init container"
spec="$mig | .object.spec.template.spec"
hb_assert_eq "init container" "hookbox hookbox:0.1.0 install /bundle" \
	"$(hb_q ex "$spec | .initContainers[] | \"\(.name) \(.image) \(.args | join(\" \"))\"")"
hb_assert_eq "the init container's volume" "hookbox /bundle false" \
	"$(hb_q ex "$spec | .initContainers[0].volumeMounts[] | \"\(.name) \(.mountPath) \(.readOnly // false)\"")"
hb_assert_eq "the volume" '{"sizeLimit":"32Mi"}' \
	"$(hb_q ex "$spec | .volumes[] | select(.name == \"hookbox\") | .emptyDir | tojson")"
hb_assert_eq "the migration's image: the app's" "hookbox-collector:0.1.0" \
	"$(hb_q ex "$spec | .containers[0].image")"
hb_assert_eq "the migration's command" "/hookbox/hookbox exec" \
	"$(hb_q ex "$spec | .containers[0] | .command + .args[0:1] | join(\" \")")"
hb_assert_eq "the migration's mount of the bundle" "/hookbox true" \
	"$(hb_q ex "$spec | .containers[0].volumeMounts[] | select(.name == \"hookbox\") | \"\(.mountPath) \(.readOnly)\"")"
# Restricted, both: read-only root, no privilege escalation, no
# capability, non-root, and the pod's uid and seccomp profile.
for c in initContainers containers; do
	hb_assert_eq "$c[0]: restricted" "true false [\"ALL\"] true" \
		"$(hb_q ex "$spec | .$c[0].securityContext | \"\(.readOnlyRootFilesystem) \(.allowPrivilegeEscalation) \(.capabilities.drop | tojson) \(.runAsNonRoot)\"")"
done
hb_assert_eq "the pod: uid, seccomp" "65532 RuntimeDefault" \
	"$(hb_q ex "$spec | .securityContext | \"\(.runAsUser) \(.seccompProfile.type)\"")"
hb_render exapp "$EX" "${EX_ARGS[@]}" --set migration.image.repository=registry.example/shop \
	--set migration.image.tag=1.2.3 --set 'migration.command={/app/migrate,up}'
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check exapp
hb_assert_eq "check exit" 0 "$HB_RC"
hb_assert_eq "migration.image, migration.command" "registry.example/shop:1.2.3 /app/migrate up" \
	"$(hb_q exapp "$spec | .containers[0] | \"\(.image) \(.args[-2:] | join(\" \"))\"")"

hb_case "every hookbox pod reads /etc/podinfo and knows its name, namespace and revision"
pods='.objects[] | .object | select(.kind == "Pod" or .kind == "Job") | (if .kind == "Pod" then . else .spec.template end)'
hb_assert_eq "podinfo files" "labels=metadata.labels annotations=metadata.annotations;labels=metadata.labels annotations=metadata.annotations;labels=metadata.labels annotations=metadata.annotations;labels=metadata.labels annotations=metadata.annotations" \
	"$(hb_q ex "[$pods | [.spec.volumes[] | select(.name == \"podinfo\") | .downwardAPI.items[] | \"\(.path)=\(.fieldRef.fieldPath)\"] | join(\" \")] | join(\";\")")"
hb_assert_eq "podinfo mounts" "/etc/podinfo /etc/podinfo /etc/podinfo /etc/podinfo" \
	"$(hb_q ex "[$pods | .spec.containers[0].volumeMounts[] | select(.name == \"podinfo\") | .mountPath] | join(\" \")")"
hb_assert_eq "POD_NAME, POD_NAMESPACE" "metadata.name metadata.namespace metadata.name metadata.namespace metadata.name metadata.namespace metadata.name metadata.namespace" \
	"$(hb_q ex "[$pods | .spec.containers[0].env[] | select(.name == \"POD_NAME\" or .name == \"POD_NAMESPACE\") | .valueFrom.fieldRef.fieldPath] | join(\" \")")"
hb_assert_eq "HOOKBOX_REVISION" "1 1 1 1" \
	"$(hb_q ex "[$pods | .spec.containers[0].env[] | select(.name == \"HOOKBOX_REVISION\") | .value] | join(\" \")")"
hb_assert_eq "a Job's pods carry its hook annotations" "pre-install,pre-upgrade/-5 post-install,post-upgrade/5" \
	"$(hb_q ex '[.objects[] | .object | select(.kind == "Job") | .spec.template.metadata.annotations | "\(.["helm.sh/hook"])/\(.["helm.sh/hook-weight"])"] | join(" ")')"
hb_assert_eq "every pod runs as 65532" "65532 65532 65532 65532 65532" \
	"$(hb_q ex '[.objects[] | .object | select(.kind == "Pod" or .kind == "Job" or .kind == "Deployment") | (.spec.template.spec // .spec).securityContext.runAsUser] | join(" ")')"

hb_case "the collector URL (tpl) and the token from a Secret reach every hookbox pod"
hb_render exc "$EX" "${EX_ARGS[@]}" --set collector.url='http://hookbox-collector.{{ .Release.Namespace }}.svc:8080' \
	--set collector.token=tok3n
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check exc
hb_assert_eq "check exit" 0 "$HB_RC"
hb_assert_eq "--collector" "4" \
	"$(hb_q exc "[$pods | .spec.containers[0].args[] | select(. == \"--collector=http://hookbox-collector.shop.svc:8080\")] | length")"
hb_assert_eq "--token-file" "4" \
	"$(hb_q exc "[$pods | .spec.containers[0].args[] | select(. == \"--token-file=/secrets/collector/token\")] | length")"
hb_assert_eq "token Secret" "dG9rM24=" \
	"$(hb_q exc '.objects[] | .object | select(.kind == "Secret" and .metadata.name == "shop-hookbox-example-collector") | .data.token')"
hb_assert_eq "egress to the collector" "8080" \
	"$(hb_q exc '.objects[] | .object | select(.metadata.name == "shop-hookbox-example-hookbox" and .kind == "NetworkPolicy") | .spec.egress[2].ports[0].port')"

hb_case "a missing required value fails the render with Helm's message"
hb_render req "$EX" --name shop
hb_assert_eq "render exit" 1 "$HB_RC"
hb_assert_contains "error" "$HB_ERR" "execution error at (hookbox-example/templates/secrets.yaml:"
hb_assert_contains "error" "$HB_ERR" "): database.password (or database.existingSecret) is required"
hb_render req2 "$EX" "${EX_ARGS[@]}" --set collector.url=http://c:8080
hb_assert_eq "render exit" 1 "$HB_RC"
hb_assert_contains "error" "$HB_ERR" "collector.token (or collector.existingSecret) is required when collector.url is set"

# -- the collector chart ----------------------------------------------------

hb_case "the collector renders: SQLite on a PVC, probes, scrape annotations"
hb_render co "$CO" "${CO_ARGS[@]}"
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check co
hb_assert_eq "check exit" 0 "$HB_RC"
dep='.objects[] | .object | select(.kind == "Deployment")'
hb_assert_eq "kinds" "Deployment PersistentVolumeClaim Secret Service" \
	"$(hb_q co '[.objects[].object.kind] | sort | join(" ")')"
hb_assert_eq "store" "--store=sqlite:/var/lib/hookbox-collector/collector.db" \
	"$(hb_q co "$dep | .spec.template.spec.containers[0].args[] | select(startswith(\"--store\"))")"
hb_assert_eq "data volume" "hb-hookbox-collector at /var/lib/hookbox-collector" \
	"$(hb_q co "$dep | .spec.template.spec | \"\(.volumes[] | select(.name == \"data\") | .persistentVolumeClaim.claimName) at \(.containers[0].volumeMounts[] | select(.name == \"data\") | .mountPath)\"")"
hb_assert_eq "probes" "/healthz http /healthz http" \
	"$(hb_q co "$dep | .spec.template.spec.containers[0] | \"\(.livenessProbe.httpGet.path) \(.livenessProbe.httpGet.port) \(.readinessProbe.httpGet.path) \(.readinessProbe.httpGet.port)\"")"
hb_assert_eq "scrape annotations" "true 8080 /metrics" \
	"$(hb_q co "$dep | .spec.template.metadata.annotations | \"\(.[\"prometheus.io/scrape\"]) \(.[\"prometheus.io/port\"]) \(.[\"prometheus.io/path\"])\"")"
hb_assert_eq "strategy" "Recreate" "$(hb_q co "$dep | .spec.strategy.type")"

hb_case "several replicas: refused on SQLite, rendered on PostgreSQL"
hb_render co2 "$CO" "${CO_ARGS[@]}" --set replicas=2
hb_assert_eq "render exit" 1 "$HB_RC"
hb_assert_contains "error" "$HB_ERR" "replicas=2 needs store.type=postgres: an SQLite store is one file that one replica writes"
hb_render copg "$CO" "${CO_ARGS[@]}" --set replicas=3 --set store.type=postgres \
	--set-string store.postgres.url=postgres://u:p@db:5432/hb
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check copg
hb_assert_eq "check exit" 0 "$HB_RC"
hb_assert_eq "replicas" 3 "$(hb_q copg "$dep | .spec.replicas")"
hb_assert_eq "store from the Secret" '--store=$(HOOKBOX_STORE) hb-hookbox-collector-store/url' \
	"$(hb_q copg "$dep | .spec.template.spec.containers[0] | \"\(.args[] | select(startswith(\"--store\"))) \(.env[0].valueFrom.secretKeyRef.name)/\(.env[0].valueFrom.secretKeyRef.key)\"")"
hb_assert_eq "no PVC" "Deployment Secret Secret Service" "$(hb_q copg '[.objects[].object.kind] | sort | join(" ")')"
hb_render co3 "$CO" "${CO_ARGS[@]}" --set store.type=mysql
hb_assert_contains "unknown store" "$HB_ERR" 'store.type "mysql": want sqlite or postgres'
hb_render co4 "$CO" --name hb
hb_assert_contains "token required" "$HB_ERR" "token.value (or token.existingSecret) is required"

# -- the real agent and collector in the pods' own files -------------------

hb_case "each spec of the ConfigMap is valid for hookbox, in its pod's files and env"
for obj in shop-hookbox-example-test-app shop-hookbox-example-test-db shop-hookbox-example-warmup; do
	hb_pod_prepare exc "$obj"
	hb_assert_eq "$obj: runs" "run /etc/hookbox/spec.json" "${HB_POD_ARGV[*]:0:2}"
	hb_pod_run exc "$obj" /hookbox validate "${HB_POD_ARGV[1]}"
	hb_assert_eq "$obj: hookbox validate" 0 "$HB_RC"
done
hb_assert_contains "podinfo as the downward API writes it" "$(cat "$HB_POD/volumes/podinfo/annotations")" \
	'helm.sh/hook="post-install,post-upgrade"'

hb_port pg
hb_start_postgres "$pg"
hb_psql "$pg" app -c 'DROP TABLE schema_migrations' >/dev/null
LOCAL=(--name shop --namespace "$NS" --set database.host=127.0.0.1 --set database.port="$pg"
	--set-string database.password="$HB_PG_PASS")

hb_case "the migration hook runs as rendered: waits for PostgreSQL, then migrates"
hb_render local "$EX" "${LOCAL[@]}"
hb_assert_eq "render exit" 0 "$HB_RC"
# LeakSanitizer stops the world with ptrace, which hookbox exec's sandbox
# denies its command (the inner /hookbox); the agent's own leaks are
# checked in every other case.
# The init container's bundle stands in as the build's agent at
# /hookbox/hookbox in the emptyDir (the release suite runs hookbox install
# itself, from the image); the app's container then runs as rendered.
hb_pod_prepare local shop-hookbox-example-migrate
hb_assert_eq "the command" "/hookbox/hookbox exec" "${HB_POD_ARGV[*]:0:2}"
ln -s /hb/hookbox "$HB_POD/volumes/hookbox/hookbox"
HB_OUT=$(ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-} hb_pod_exec "${HB_POD_ARGV[@]}" 2>"$HB_TMP/pod.err")
HB_RC=$?
HB_ERR=$(cat "$HB_TMP/pod.err")
hb_assert_eq "migration exit" 0 "$HB_RC"
hb_assert_contains "output" "$HB_OUT" "PASS  wait-for-0"
hb_assert_eq "schema version" 1 "$(hb_psql "$pg" app -tAc 'SELECT max(version) FROM schema_migrations')"

hb_case "the db test pod passes on the migrated schema, fails on an older one"
hb_pod_run local shop-hookbox-example-test-db /hookbox
hb_assert_eq "test exit" 0 "$HB_RC"
hb_assert_contains "output" "$HB_OUT" "PASS  migrated"
hb_render local2 "$EX" "${LOCAL[@]}" --set migration.version=2
hb_pod_run local2 shop-hookbox-example-test-db /hookbox
hb_assert_eq "test exit" 1 "$HB_RC"
hb_assert_contains "output" "$HB_OUT" "FAIL  migrated"

# hb_collector_run RENDERING: starts the collector's pod in the background
# and waits until it says it listens; HB_UNSHARE_PID (its unshare, which
# takes the collector down with it), HB_COLLECTOR_PID (the collector).
hb_collector_run()
{
	hb_pod_prepare "$1" hb-hookbox-collector || hb_die "hookbox-render pod failed"
	# The background shell opens the log after the fork: a log of an
	# earlier run must not be read as this one's.
	rm -f "$HB_TMP/collector.log"
	hb_pod_exec /hookbox-collector "${HB_POD_ARGV[@]}" >"$HB_TMP/collector.log" 2>&1 &
	HB_UNSHARE_PID=$!
	HB_PIDS+=("$HB_UNSHARE_PID")
	local i
	for ((i = 0; i < 150; i++)); do
		if grep -qs "listening on" "$HB_TMP/collector.log"; then
			# The background function is a subshell; its child is
			# unshare, which ignores SIGTERM while it waits: the
			# collector is unshare's child.
			HB_COLLECTOR_PID=$(pgrep -P "$(pgrep -P "$HB_UNSHARE_PID")")
			[ -n "$HB_COLLECTOR_PID" ] && return 0
		fi
		kill -0 "$HB_UNSHARE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

hb_case "the collector starts with its rendered flags (SQLite) and serves /healthz"
hb_port cport
hb_render colocal "$CO" "${CO_ARGS[@]}" --set listenAddress=127.0.0.1 --set port="$cport" \
	--set store.sqlite.persistence.enabled=false
hb_collector_run colocal
hb_assert_eq "listening" 0 "$?"
hb_assert_eq "/healthz" 200 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cport/healthz")"
hb_assert_eq "/metrics without the token" 401 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cport/metrics")"
hb_assert_eq "/metrics with the token" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tok3n' "http://127.0.0.1:$cport/metrics")"
hb_assert_eq "store on the volume" yes \
	"$([ -f "$HB_POD/volumes/data/collector.db" ] && echo yes || echo "no: $(cat "$HB_TMP/collector.log")")"
kill -TERM "$HB_COLLECTOR_PID"
wait "$HB_UNSHARE_PID"
hb_assert_eq "exit on SIGTERM" 0 "$?"

hb_case "the collector starts with its rendered flags (PostgreSQL URL from the Secret)"
hb_render colpg "$CO" "${CO_ARGS[@]}" --set listenAddress=127.0.0.1 --set port="$cport" \
	--set replicas=2 --set store.type=postgres \
	--set-string store.postgres.url="postgres://$HB_PG_USER:$HB_PG_PASS@127.0.0.1:$pg/app"
hb_collector_run colpg
hb_assert_eq "listening" 0 "$?"
hb_assert_eq "/healthz" 200 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cport/healthz")"
hb_assert_contains "log" "$(cat "$HB_TMP/collector.log")" "store postgres://"
kill -TERM "$HB_COLLECTOR_PID"
wait "$HB_UNSHARE_PID"
hb_assert_eq "exit on SIGTERM" 0 "$?"

# -- each check fails on a chart broken on purpose ---------------------------

# hb_broken NAME FILE PERL: a copy of the example chart with PERL (a perl
# substitution) applied to templates/FILE, rendered as $HB_TMP/NAME.json;
# fails the case when the edit matched nothing, so that a renamed line
# cannot leave a "broken" chart intact.
hb_broken()
{
	local name=$1 file=$2 edit=$3 dir=$HB_TMP/broken-$1
	rm -rf "$dir"
	cp -r "$EX" "$dir"
	perl -0pi -e "$edit" "$dir/templates/$file"
	if cmp -s "$EX/templates/$file" "$dir/templates/$file"; then
		hb_assert_eq "$name: the edit changed $file" changed unchanged
	fi
	hb_render "$name" "$dir" "${EX_ARGS[@]}"
}

hb_case "the renderer fails on an undefined function or a missing value"
hb_broken undef configmap.yaml 's/^(kind: ConfigMap)$/$1\n{{ nosuchfunc 1 }}/m'
hb_assert_eq "undefined function: render exit" 1 "$HB_RC"
hb_assert_contains "undefined function" "$HB_ERR" 'function "nosuchfunc" not defined'
hb_broken nokey service.yaml 's/\.Values\.app\.port/.Values.app.prot/'
hb_assert_eq "missing value: render exit" 1 "$HB_RC"
hb_assert_contains "missing value" "$HB_ERR" 'map has no entry for key "prot"'

# hb_broken_check NAME WANT: the broken rendering NAME renders, and the
# shape checks fail with a line containing WANT.
hb_broken_check()
{
	hb_assert_eq "$1: render exit" 0 "$HB_RC"
	hb_check "$1"
	hb_assert_eq "$1: check exit" 1 "$HB_RC"
	hb_assert_contains "$1: problem" "$HB_ERR" "$2"
}

hb_case "the shape checks fail on a wrong apiVersion, a missing kind, a missing field"
hb_broken apiv deployment.yaml 's{^apiVersion: apps/v1$}{apiVersion: apps/v1beta1}m'
hb_broken_check apiv 'Deployment "shop-hookbox-example": apiVersion: "apps/v1beta1": want "apps/v1" for a Deployment'
hb_broken nokind service.yaml 's/^kind: Service\n//m'
hb_broken_check nokind 'hookbox-example/templates/service.yaml:  "shop-hookbox-example": kind: missing'
hb_broken noports service.yaml 's/^  ports:$/  xports:/m'
hb_broken_check noports 'Service "shop-hookbox-example": spec.ports: missing'
hb_broken noname configmap.yaml 's/^  name: .*\n//m'
hb_broken_check noname 'ConfigMap "": metadata.name: missing'

hb_case "the shape checks fail on a wrong hook, hook weight or delete policy"
hb_broken event tests/test-pods.yaml 's/helm\.sh\/hook: test$/helm.sh\/hook: tests/m'
hb_broken_check event 'Pod "shop-hookbox-example-test-app": metadata.annotations.helm.sh/hook: unknown event "tests" (Helm ignores it)'
hb_broken weight migration-job.yaml 's/"helm\.sh\/hook-weight" "-5"/"helm.sh\/hook-weight" "minus5"/'
hb_broken_check weight 'Job "shop-hookbox-example-migrate": metadata.annotations.helm.sh/hook-weight: minus5 is not an integer'
hb_broken policy migration-job.yaml 's/hook-delete-policy: before-hook-creation/hook-delete-policy: before-creation/'
hb_broken_check policy 'Job "shop-hookbox-example-migrate": metadata.annotations.helm.sh/hook-delete-policy: unknown policy "before-creation"'

hb_case "the shape checks fail on each field of Pod Security restricted"
mig='Job "shop-hookbox-example-migrate": spec.template.spec'
for bad in \
	"securityContext.runAsNonRoot=false|$mig.containers[0].securityContext.runAsNonRoot: want true" \
	"podSecurityContext.runAsUser=0|$mig.securityContext.runAsUser: 0 is root" \
	"securityContext.allowPrivilegeEscalation=true|$mig.containers[0].securityContext.allowPrivilegeEscalation: want false" \
	"securityContext.capabilities.drop={NET_RAW}|$mig.containers[0].securityContext.capabilities.drop: want [ALL]" \
	"podSecurityContext.seccompProfile.type=Unconfined|$mig.securityContext.seccompProfile.type: \"Unconfined\": want RuntimeDefault or Localhost" \
	"securityContext.readOnlyRootFilesystem=false|$mig.containers[0].securityContext.readOnlyRootFilesystem: want true"; do
	hb_render psa "$EX" "${EX_ARGS[@]}" --set "${bad%%|*}"
	hb_assert_eq "${bad%%|*}: render exit" 0 "$HB_RC"
	hb_check psa
	hb_assert_eq "${bad%%|*}: check exit" 1 "$HB_RC"
	hb_assert_contains "${bad%%|*}" "$HB_ERR" "${bad#*|}"
done

# -- the kubernetes test pod (issue 15) ---------------------------------------

hb_case "tests.kubernetes: a test pod asks the API for the rollout, with the one grant it needs"
hb_render exk "$EX" "${EX_ARGS[@]}" --set tests.kubernetes.enabled=true
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check exk
hb_assert_eq "check exit" 0 "$HB_RC"
hb_assert_contains "check" "$HB_ERR" "16 objects, no problem"
k8s='.objects[] | .object | select(.metadata.name == "shop-hookbox-example-test-kubernetes")'
hb_assert_eq "its objects" "NetworkPolicy Pod Role RoleBinding ServiceAccount" \
	"$(hb_q exk "[$k8s | .kind] | sort | join(\" \")")"
hb_assert_eq "the Role: get on the app's Deployment, nothing else" \
	'[{"apiGroups":["apps"],"resourceNames":["shop-hookbox-example"],"resources":["deployments"],"verbs":["get"]}]' \
	"$(hb_q exk "$k8s | select(.kind == \"Role\") | .rules | tojson")"
hb_assert_eq "the RoleBinding: the Role to the pod's ServiceAccount" \
	"Role/shop-hookbox-example-test-kubernetes ServiceAccount/shop/shop-hookbox-example-test-kubernetes" \
	"$(hb_q exk "$k8s | select(.kind == \"RoleBinding\") | \"\\(.roleRef.kind)/\\(.roleRef.name) \\(.subjects[0].kind)/\\(.subjects[0].namespace)/\\(.subjects[0].name)\"")"
hb_assert_eq "the pod: its ServiceAccount and token, a test hook" \
	"shop-hookbox-example-test-kubernetes true test 2" \
	"$(hb_q exk "$k8s | select(.kind == \"Pod\") | \"\\(.spec.serviceAccountName) \\(.spec.automountServiceAccountToken) \\(.metadata.annotations[\"helm.sh/hook\"]) \\(.metadata.annotations[\"helm.sh/hook-weight\"])\"")"
hb_assert_eq "the pod's args" "k8s deploy/shop-hookbox-example --rollout --wait 2m" \
	"$(hb_q exk "$k8s | select(.kind == \"Pod\") | .spec.containers[0].args | join(\" \")")"
hb_assert_eq "egress to the API server, for that pod alone" "api-client=true 443 6443" \
	"$(hb_q exk "$k8s | select(.kind == \"NetworkPolicy\") | \"api-client=\\(.spec.podSelector.matchLabels[\"api-client\"]) \\([.spec.egress[0].ports[].port] | join(\" \"))\"")"
hb_assert_eq "no other hookbox pod has a token" "false false false false" \
	"$(hb_q exk "[$pods | select(.metadata.labels[\"api-client\"] == null) | .spec.automountServiceAccountToken] | join(\" \")")"
# The real agent takes the pod's args: with the API's address, token and
# namespace given outside a pod, a closed port is the check's failure
# (exit 1), not a usage error (exit 2).
mapfile -t kargs < <(hb_q exk "$k8s | select(.kind == \"Pod\") | .spec.containers[0].args[]")
hb_closed_port closed
printf 'hb-charts-token\n' >"$HB_TMP/k8s-token"
: >"$HB_TMP/k8s-ca.crt"
hb_agent "${kargs[@]}" --server "https://127.0.0.1:$closed" --ca-file "$HB_TMP/k8s-ca.crt" \
	--bearer-token-file "$HB_TMP/k8s-token" -n shop --wait 1s
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED

hb_case "the shape checks fail on a Role with a wildcard, a pod token without its own ServiceAccount"
dir=$HB_TMP/broken-k8s
rm -rf "$dir"
cp -r "$EX" "$dir"
perl -0pi -e 's/verbs: \["get"\]/verbs: ["*"]/; s/^  serviceAccountName: .*\n//m' "$dir/templates/tests/test-kubernetes.yaml"
hb_render brokenk "$dir" "${EX_ARGS[@]}" --set tests.kubernetes.enabled=true
hb_assert_eq "render exit" 0 "$HB_RC"
hb_check brokenk
hb_assert_eq "check exit" 1 "$HB_RC"
hb_assert_contains "wildcard" "$HB_ERR" 'Role "shop-hookbox-example-test-kubernetes": rules[0].verbs[0]: a wildcard: name what the pod needs'
hb_assert_contains "token" "$HB_ERR" 'Pod "shop-hookbox-example-test-kubernetes": spec.automountServiceAccountToken: want false'

hb_finish
