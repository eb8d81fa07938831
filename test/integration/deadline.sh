#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One deadline per attempt: a check whose --wait deadline cuts into its
# --timeout reports its own kind's timeout, in its own words, when what is
# left of --wait runs out, not the agent's kill a grace period later ("the
# agent stopped the check"). Every kind that connects, against a server
# that accepts and never answers, with --timeout 10s --wait 3s.
# Usage: HB_BUILD=build bash test/integration/deadline.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hb_setup
hb_port hang
hb_start_hang "$hang"
at=127.0.0.1:$hang

# deadline_case KIND MESSAGE TARGET [FLAGS...]: the check fails TIMEOUT with
# MESSAGE, within about the 3 s of --wait rather than the 10 s of --timeout.
deadline_case()
{
	local kind=$1 message=$2
	shift 2
	hb_case "$kind: --wait 3s cuts into --timeout 10s, the $kind check's own timeout"
	hb_agent "$kind" "$@" --timeout 10s --wait 3s
	hb_assert_exit 1
	hb_assert_outcome FAILED TIMEOUT
	hb_assert_json '.checks[0].message' "$message"
	hb_assert_json '.checks[0].attempts | length' 1
	hb_assert_lt "elapsed seconds" "$HB_ELAPSED" 6
}

deadline_case tcp "no reply within the timeout (waiting for /hello/)" \
	"$at" --expect-reply hello
deadline_case http "connected to $at, but no answer within 3s" \
	"http://$at/"
deadline_case postgres \
	"connected to $at, but the server did not complete the start-up within 3s" \
	"postgresql://u:p@$at/app"
deadline_case mysql \
	"connected to $at, but the server did not complete the handshake within 3s" \
	"mysql://u:p@$at/app"
deadline_case redis "connected to $at, but no answer to PING within 3s" \
	"redis://$at"

# exec --wait-for's checks: its --wait (3s) cuts into the checks' default
# timeout (5s); the command never starts.
hb_case "exec --wait-for: --wait 3s cuts into the default 5s, http's own timeout"
# shellcheck disable=SC2086
$HB_PREFIX "$HB_BUILD/hookbox" exec --output json --wait-for "http://$at/" \
	--wait 3s -- sh -c 'echo ran >&2' >"$HB_TMP/exec.out" 2>"$HB_TMP/exec.err"
HB_RC=$?
HB_OUT=$(sed -n '/^{$/,$p' "$HB_TMP/exec.out")
HB_ERR=$(cat "$HB_TMP/exec.err")
hb_assert_exit 1
hb_assert_json '.checks[0].failureClass' TIMEOUT
hb_assert_json '.checks[0].message' "connected to $at, but no answer within 3s"
hb_assert_json '.checks[1].outcome' SKIPPED

hb_finish
