# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Rendering the charts with hookbox-render (Helm's template engine, built
# by test/charts.cmake), for the chart suites.
#
#   hb_render_require                 fails the suite when it is not built
#   hb_render NAME CHART ARGS...      $HB_TMP/NAME.json; HB_RC, HB_ERR
#   hb_check NAME                     the shape checks; HB_RC, HB_ERR
#   hb_q NAME FILTER                  jq -r FILTER over rendering NAME
#   hb_render_pod NAME OBJECT REV     POD_OPTS, POD_IMAGE, POD_ARGV: how the
#                                     kubelet would run OBJECT's container;
#                                     POD_DIR, POD_N_INIT (init containers)
#   hb_pod_container OBJECT REV JQ    the same for another container of the
#                                     pod laid out (".initContainers[0]")

HB_RENDER=$HB_BUILD/hookbox-render

hb_render_require()
{
	[ -x "$HB_RENDER" ] || hb_die "$HB_RENDER is missing: it is built with Go from Debian's sources (scripts/deps.sh test installs golang-go, golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev); was Go found when cmake ran?"
}

hb_render()
{
	local name=$1
	shift
	HB_OUT=""
	HB_ERR=$("$HB_RENDER" template "$@" --output json 2>&1 >"$HB_TMP/$name.json")
	HB_RC=$?
}

hb_check()
{
	HB_ERR=$("$HB_RENDER" check "$HB_TMP/$1.json" 2>&1)
	HB_RC=$?
}

hb_q()
{
	jq -r "$2" "$HB_TMP/$1.json"
}

# hb_render_pod REND OBJECT REV: lays out the pod of OBJECT (hookbox-render pod)
# and sets POD_OPTS, the podman options its first container runs with as
# the kubelet would run it, POD_IMAGE and POD_ARGV. Dies on a field it
# cannot map, rather than run the container otherwise than written.
hb_render_pod()
{
	local rend=$1 obj=$2 dir=$HB_TMP/pod-$2-$3
	rm -rf "$dir"
	"$HB_RENDER" pod "$HB_TMP/$rend.json" "$obj" "$dir" || hb_die "hookbox-render pod $obj failed"
	POD_DIR=$dir
	POD_N_INIT=$(jq '.initContainers // [] | length' "$dir/pod.json")
	hb_pod_container "$obj" "$3" '.containers[0]'
}

# hb_pod_container OBJECT REV JQ: POD_OPTS, POD_IMAGE and POD_ARGV of the
# container JQ of the pod hb_render_pod laid out in POD_DIR; its
# container's name gets the container's own unless it is the first.
hb_pod_container()
{
	local obj=$1 dir=$POD_DIR c=$3 name=$HB_CTR_PREFIX-$1-$2
	local p=$dir/pod.json v
	[ "$c" = '.containers[0]' ] || name=$name-$(jq -r "$c.name" "$p")
	POD_IMAGE=$(jq -r "$c.image" "$p")
	mapfile -t POD_ARGV < <(jq -r "$c.args[]" "$p")
	POD_OPTS=(--name "$name")
	# The securityContext (the pod's, overridden by the container's).
	v=$(jq -r "$c.securityContext | \"\(.runAsUser // \"\"):\(.runAsGroup // \"\")\"" "$p")
	[ "$v" != : ] && POD_OPTS+=(--user "${v%:}")
	[ "$(jq -r "$c.securityContext.runAsNonRoot" "$p")" = true ] && [ "${v%%:*}" = 0 ] &&
		hb_die "$obj: runAsNonRoot with uid 0"
	[ "$(jq -r "$c.securityContext.readOnlyRootFilesystem" "$p")" = true ] && POD_OPTS+=(--read-only)
	[ "$(jq -r "$c.securityContext.capabilities.drop // [] | index(\"ALL\") != null" "$p")" = true ] &&
		POD_OPTS+=(--cap-drop ALL)
	[ "$(jq -r "$c.securityContext.allowPrivilegeEscalation" "$p")" = false ] &&
		POD_OPTS+=(--security-opt no-new-privileges)
	v=$(jq -r "$c.securityContext.seccompProfile.type // \"RuntimeDefault\"" "$p")
	[ "$v" = RuntimeDefault ] || hb_die "$obj: seccompProfile $v is not played"
	v=$(jq -r '.fsGroup // empty' "$p")
	[ -n "$v" ] && POD_OPTS+=(--group-add "$v")
	[ "$(jq -r "$c.command | length" "$p")" = 0 ] ||
		POD_OPTS+=(--entrypoint "$(jq -c "$c.command" "$p")")
	mapfile -t -O "${#POD_OPTS[@]}" POD_OPTS < <(jq -r "$c.env | to_entries[] | \"-e\", \"\(.key)=\(.value)\"" "$p")
	mapfile -t -O "${#POD_OPTS[@]}" POD_OPTS < <(jq -r "$c.mounts[] | \"-v\",
		\"\(.source):\(.target)\(if .readOnly then \":ro\" else \"\" end)\"" "$p")
	: >"$dir/termination-log"
	chmod 666 "$dir/termination-log"
	POD_OPTS+=(-v "$dir/termination-log:/dev/termination-log")
}
