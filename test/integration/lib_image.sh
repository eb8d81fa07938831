# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Running hookbox's images as the kubelet would under Pod Security
# "restricted", for the container suites: a read-only root, uid 65532, no
# capability, no_new_privs, the runtime's default seccomp profile, the
# downward-API files at /etc/podinfo and a termination log at
# /dev/termination-log. Containers, volumes and network namespaces are
# named after the suite and its pid, and removed on exit.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/lib_image.sh"
#   hb_image_setup                     hb_setup, and the images' clean-up
#   hb_image_require                   fails the suite when podman cannot run the image
#   hb_pod_new api                     $HB_TMP/pod-api: podinfo/, termination-log
#   hb_pod_label api app.kubernetes.io/instance shop
#   hb_pod_annotation api helm.sh/hook test
#   hb_pod_agent api --network=host -- tcp 127.0.0.1:5432 --output json
#   hb_assert_exit 0                   (HB_RC, HB_OUT, HB_ERR as hb_agent sets them)
#   hb_pod_run cfg "$HB_IMAGE_COLLECTOR" --network=none -- serve ...
#   hb_pod_start db "$HB_IMAGE_COLLECTOR" --network=host -- serve ...
#   hb_netns ns                        a network namespace of the suite's own
#
# Image names and CONTAINERS_CONF come from scripts/images.sh.

. "$HB_SRC/scripts/images.sh"
. "$HB_SRC/test/integration/lib_k8s.sh"

# Names of what this suite made: "hb-<suite>-<pid>-..." (other suites and
# helpers on the machine use podman at the same time).
HB_CTR_PREFIX=${HB_CTR_PREFIX:-hb-$(basename "$0" .sh)-$$}
HB_CTRS=()
HB_VOLS=()
HB_NETNSES=()

# What the kubelet does to a container of a pod that passes "restricted":
# runAsNonRoot with runAsUser 65532, readOnlyRootFilesystem,
# capabilities drop ALL, allowPrivilegeEscalation false, seccompProfile
# RuntimeDefault (no --security-opt seccomp=: podman's own profile).
HB_RESTRICTED=(--read-only --user 65532:65532 --cap-drop ALL
	--security-opt no-new-privileges)

hb_image_cleanup()
{
	local c v n
	for c in "${HB_CTRS[@]}"; do
		podman rm -f -v -t 0 "$c" >/dev/null 2>&1
	done
	HB_CTRS=()
	for v in "${HB_VOLS[@]}"; do
		podman volume rm -f "$v" >/dev/null 2>&1
	done
	HB_VOLS=()
	for n in "${HB_NETNSES[@]}"; do
		ip netns delete "$n" 2>/dev/null
	done
	HB_NETNSES=()
}

# hb_setup, with the containers removed before lib.sh stops the servers.
hb_image_setup()
{
	hb_setup
	trap 'hb_image_cleanup; hb_cleanup' EXIT
}

# Fails the suite, saying why, unless podman can run the agent's image
# here as restricted: never a suite that passes because nothing ran.
hb_image_require()
{
	local out
	command -v podman >/dev/null ||
		hb_die "podman is not installed (scripts/deps.sh image): the container tests cannot run"
	[ "$(id -u)" = 0 ] ||
		hb_die "the container tests run rootful podman: run them as root"
	local img rc
	for img in "$HB_IMAGE_AGENT" "$HB_IMAGE_COLLECTOR"; do
		out=$(podman image exists "$img" 2>&1)
		rc=$?
		[ "$rc" = 1 ] && hb_die "no image \"$img\": run make image first"
		[ "$rc" = 0 ] || hb_die "podman does not work here: $out"
	done
	out=$(podman run --rm --network=none "${HB_RESTRICTED[@]}" \
		"$HB_IMAGE_AGENT" --version 2>&1) ||
		hb_die "podman cannot run a container here: $out"
	case $out in
	"hookbox "*) ;;
	*) hb_die "the agent's image does not run: $out" ;;
	esac
}

# -- pods ---------------------------------------------------------------------

# hb_pod_new NAME: the files the kubelet would mount for the pod NAME:
# $HB_TMP/pod-NAME/podinfo/{labels,annotations} (the downward API) and an
# empty termination-log the container's user may write.
hb_pod_new()
{
	local dir=$HB_TMP/pod-$1
	mkdir -p "$dir/podinfo"
	: >"$dir/podinfo/labels"
	: >"$dir/podinfo/annotations"
	: >"$dir/termination-log"
	chmod 755 "$dir" "$dir/podinfo"
	chmod 644 "$dir/podinfo/labels" "$dir/podinfo/annotations"
	chmod 666 "$dir/termination-log"
}

# hb_pod_label POD KEY VALUE, hb_pod_annotation POD KEY VALUE: a line as
# the downward API writes it, the value quoted.
hb_pod_label()
{
	printf '%s="%s"\n' "$2" "$3" >>"$HB_TMP/pod-$1/podinfo/labels"
}

hb_pod_annotation()
{
	printf '%s="%s"\n' "$2" "$3" >>"$HB_TMP/pod-$1/podinfo/annotations"
}

# The podman arguments of pod $1's container: restricted, its name, and its
# podinfo and termination log mounted as the kubelet mounts them.
hb_pod_args()
{
	local dir=$HB_TMP/pod-$1
	[ -d "$dir" ] || hb_pod_new "$1"
	printf '%s\n' "${HB_RESTRICTED[@]}" --name "$HB_CTR_PREFIX-$1" \
		-v "$dir/podinfo:/etc/podinfo:ro" \
		-v "$dir/termination-log:/dev/termination-log"
}

# hb_pod_cmd POD IMAGE [PODMAN ARGS...] [-- ARGS...]: what follows
# "podman run" (or "podman run -d") for pod POD's container, in the array
# HB_POD_CMD: hb_pod_args's, the PODMAN ARGS, IMAGE, then ARGS.
hb_pod_cmd()
{
	local pod=$1 image=$2 opts=() args
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	mapfile -t args < <(hb_pod_args "$pod")
	HB_POD_CMD=("${args[@]}" "${opts[@]}" "$image" "$@")
}

# hb_pod_run POD IMAGE [PODMAN ARGS...] [-- ARGS...]: runs IMAGE as pod
# POD's container to its end. Sets HB_RC, HB_OUT (stdout), HB_ERR (stderr,
# podman's own included) and HB_ELAPSED, as hb_agent does.
hb_pod_run()
{
	hb_pod_cmd "$@"
	local out=$HB_TMP/pod.out err=$HB_TMP/pod.err t0 t1
	t0=$(date +%s.%N)
	podman run --rm "${HB_POD_CMD[@]}" >"$out" 2>"$err"
	HB_RC=$?
	t1=$(date +%s.%N)
	HB_OUT=$(cat "$out")
	HB_ERR=$(cat "$err")
	HB_ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	return 0
}

# hb_pod_agent POD [PODMAN ARGS...] -- AGENT ARGS...: the agent's image.
hb_pod_agent()
{
	local pod=$1
	shift
	hb_pod_run "$pod" "$HB_IMAGE_AGENT" "$@"
}

# hb_pod_start POD IMAGE [PODMAN ARGS...] [-- ARGS...]: starts pod POD's
# container in the background (kept until the suite ends, so that it may
# be stopped and started again). Fails the suite when podman cannot.
hb_pod_start()
{
	local out
	hb_pod_cmd "$@"
	HB_CTRS+=("$HB_CTR_PREFIX-$1")
	out=$(podman run -d "${HB_POD_CMD[@]}" 2>&1) ||
		hb_die "podman run of $1 failed: $out"
}

# The name of pod $1's container.
hb_pod_name()
{
	printf '%s\n' "$HB_CTR_PREFIX-$1"
}

# hb_pod_logs POD: what its container printed.
hb_pod_logs()
{
	podman logs "$HB_CTR_PREFIX-$1" 2>&1
}

# hb_pod_pid POD: its container's first process as the host sees it.
hb_pod_pid()
{
	podman inspect --format '{{.State.Pid}}' "$HB_CTR_PREFIX-$1" 2>/dev/null
}

# hb_volume VAR: a named volume of the suite's own, its name in VAR.
hb_volume()
{
	local name=$HB_CTR_PREFIX-vol${#HB_VOLS[@]}
	podman volume create "$name" >/dev/null || hb_die "podman volume create failed"
	HB_VOLS+=("$name")
	printf -v "$1" '%s' "$name"
}

# hb_netns VAR: a network namespace of the suite's own with its loopback
# up, its name in VAR; containers join it with --network ns:/run/netns/NAME.
hb_netns()
{
	local name=$HB_CTR_PREFIX-ns${#HB_NETNSES[@]}
	ip netns add "$name" || hb_die "ip netns add $name failed"
	HB_NETNSES+=("$name")
	ip netns exec "$name" ip link set lo up || hb_die "no loopback in $name"
	printf -v "$1" '%s' "$name"
}

# hb_healthz [-n NETNS] URL [CURL OPTIONS...]: waits up to 30 s for a
# collector's URL (its /healthz) to answer 2xx, from network namespace
# NETNS if given; prints the body, or nothing when it never answered.
hb_healthz()
{
	local in=() body=""
	if [ "$1" = -n ]; then
		in=(ip netns exec "$2")
		shift 2
	fi
	for _ in $(seq 1 150); do
		body=$("${in[@]}" curl -sf --max-time 2 "$@") && break
		sleep 0.2
	done
	printf '%s' "$body"
}

# hb_image_tree IMAGE: what the image holds, a line per entry: its type,
# mode and path as find -printf '%y %m %P' prints them, sorted (the image
# mounted read-only for the listing: root only).
hb_image_tree()
{
	local dir
	dir=$(podman image mount "$1") || hb_die "podman image mount $1 failed"
	(cd "$dir" && find . -mindepth 1 -printf '%y %m %P\n' | sort)
	podman image unmount "$1" >/dev/null
}

# -- a check of every kind ----------------------------------------------------

# The checks of hb_every_kind_files's spec, by name.
HB_EVERY_KIND="http https tcp dns postgres mysql redis kubernetes"

# hb_start_every_kind: the servers a check of every kind needs, on free
# loopback ports: nginx ($HB_WEB), nginx with TLS ($HB_TLS, a certificate
# of hb_make_certs's test CA), PostgreSQL ($HB_PG, TLS on), MariaDB ($HB_MY)
# and Redis ($HB_RD), and the Kubernetes API's stand-in ($HB_K8S, TLS,
# lib_k8s.sh). Needs lib_db.sh.
hb_start_every_kind()
{
	hb_make_certs
	hb_port HB_K8S
	good=hb-k8s-good-$RANDOM$RANDOM
	limited=hb-k8s-limited-$RANDOM$RANDOM
	hb_start_k8s_api 127.0.0.1 "$HB_K8S"
	hb_port HB_WEB
	hb_port HB_TLS
	hb_port HB_PG
	hb_port HB_MY
	hb_port HB_RD
	hb_start_nginx "$HB_WEB"
	hb_start_nginx_tls "$HB_TLS" "$HB_CERTS/server.pem" "$HB_CERTS/server.key"
	hb_start_postgres "$HB_PG"
	hb_start_mariadb "$HB_MY"
	hb_start_redis "$HB_RD"
}

# hb_every_kind_files DIR [CHECK]: what a pod mounts to check every kind:
# DIR/secrets (the test CA, each database's password, as Secrets are
# mounted) and DIR/spec/checks.json (as a ConfigMap), naming them at
# /secrets and /spec. CHECK, a JSON object, goes first when given. An
# https URL by name (localhost, from /etc/hosts) and verified; PostgreSQL
# over verified TLS; the MariaDB user authenticates with ed25519, whose
# client plugin Connector/C dlopens.
hb_every_kind_files()
{
	local dir=$1 first=${2:+$2,}
	mkdir -p "$dir/secrets" "$dir/spec"
	cp "$HB_CERTS/ca.pem" "$dir/secrets/ca.pem"
	printf '%s\n' "$HB_PG_PASS" >"$dir/secrets/pg"
	printf '%s\n' "$HB_MY_ED_PASS" >"$dir/secrets/my"
	printf '%s\n' "$HB_RD_ACL_PASS" >"$dir/secrets/rd"
	printf '%s\n' "$good" >"$dir/secrets/k8s-token"
	cat >"$dir/spec/checks.json" <<JSON
{"defaults": {"timeout": "5s"},
 "checks": [$first
  {"name": "http", "kind": "http", "url": "http://127.0.0.1:$HB_WEB/ok",
   "expect": {"json": {"status": "ok"}}},
  {"name": "https", "kind": "http", "url": "https://localhost:$HB_TLS/ok",
   "ca_file": "/secrets/ca.pem"},
  {"name": "tcp", "kind": "tcp", "address": "127.0.0.1:$HB_WEB"},
  {"name": "dns", "kind": "dns", "name": "localhost",
   "expect": {"addresses": ["127.0.0.1"]}},
  {"name": "postgres", "kind": "postgres",
   "url": "postgresql://$HB_PG_USER@localhost:$HB_PG/app?sslmode=verify-full&sslrootcert=/secrets/ca.pem",
   "password_file": "/secrets/pg",
   "query": "SELECT max(version) FROM schema_migrations", "expect": {"value": "42"}},
  {"name": "mysql", "kind": "mysql", "url": "mysql://$HB_MY_ED_USER@127.0.0.1:$HB_MY/app",
   "password_file": "/secrets/my", "query": "SELECT 1"},
  {"name": "redis", "kind": "redis", "url": "redis://$HB_RD_ACL_USER@127.0.0.1:$HB_RD",
   "password_file": "/secrets/rd", "command": "GET schema_version", "expect": {"value": "42"}},
  {"name": "kubernetes", "kind": "kubernetes", "object": "job/shop-seed", "namespace": "shop",
   "condition": "Complete", "server": "https://127.0.0.1:$HB_K8S", "ca_file": "/secrets/ca.pem",
   "token_file": "/secrets/k8s-token"}]}
JSON
	chmod -R a+rX "$dir"
}

# hb_assert_every_kind OUTCOME: each check of hb_every_kind_files's spec
# in the last report has OUTCOME.
hb_assert_every_kind()
{
	local name
	for name in $HB_EVERY_KIND; do
		hb_assert_eq "$name" "$1" \
			"$(hb_json ".checks[] | select(.name == \"$name\") | .outcome")"
	done
}
