#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo: the main job end to end on this machine. A local web server
# stands in for the application; the agent runs examples/demo.json against
# it, each check in its sandbox, and reports to a local collector on its
# embedded SQLite store, which then answers as CI would ask it.
set -euo pipefail
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
sh "$src/scripts/deps.sh" demo
HB_BUILD=$(cd "$build" && pwd)
HB_SRC=$src
export HB_BUILD HB_SRC
. "$src/test/integration/lib.sh"
set +eu
hb_setup

hb_port DEMO_PORT
hb_closed_port DEMO_CLOSED_PORT
export DEMO_PORT DEMO_CLOSED_PORT
hb_start_nginx "$DEMO_PORT"

collector=""
if [ -x "$HB_BUILD/hookbox-collector" ]; then
	hb_port cport
	"$HB_BUILD/hookbox-collector" serve --listen "127.0.0.1:$cport" \
		--store "sqlite:$HB_TMP/reports.db" >"$HB_TMP/collector.log" 2>&1 &
	HB_PIDS+=("$!")
	hb_wait_tcp 127.0.0.1 "$cport" 10 || { cat "$HB_TMP/collector.log"; exit 1; }
	collector="http://127.0.0.1:$cport"
fi

echo "== hookbox run examples/demo.json (web server on 127.0.0.1:$DEMO_PORT)"
echo
export POD_NAMESPACE=demo POD_NAME=shop-test HOOKBOX_RELEASE=shop HOOKBOX_REVISION=1 HOOKBOX_HOOK=test
args=(run "$src/examples/demo.json" --report-file "$HB_TMP/report.pb")
[ -n "$collector" ] && args+=(--collector "$collector")
"$HB_BUILD/hookbox" "${args[@]}"
rc=$?
echo
echo "exit status $rc (0: the pod ends Succeeded, so Helm's test phase is Succeeded)"
echo
echo "== the same report as JSON (first check)"
"$HB_BUILD/hookbox" run "$src/examples/demo.json" --output json |
	jq '{reportId, phase, sandbox, firstCheck: (.checks[0] | {name, kind, target, outcome, durationMs, timing: .attempts[-1].timing, details})}'
if [ -n "$collector" ]; then
	echo
	echo "== hookbox-collector status (what CI asks the collector)"
	"$HB_BUILD/hookbox-collector" status --server "$collector" --namespace demo --release shop
	echo "status exit $?"
fi
exit "$rc"
