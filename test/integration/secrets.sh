#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A check's child holds its own secret and no other: against a real Redis
# with one ACL user per check, each password in its own file, and a real
# collector with a token, the LD_PRELOAD shim (test/helpers/shim.c,
# HB_SHIM_SCAN) has every check's child search its own memory as it
# connects, with children forked by the agent and by a zygote.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_db.sh"
hb_setup

hb_port rd
hb_port col
hb_start_redis "$rd"

# Nine users, nine passwords, each in a file as a Secret is mounted, and
# the collector's token: strings found nowhere else.
n=9
secret() { printf 'hb-%s-%s-%s' "$1" "$RANDOM$RANDOM" "$2"; }
pw=()
for i in $(seq 1 $n); do
	pw[i]=$(secret pw "$i")
	printf '%s\n' "${pw[i]}" >"$HB_TMP/pw$i"
	hb_redis "$rd" ACL SETUSER "u$i" on ">${pw[i]}" '~*' '+@all' >/dev/null ||
		hb_die "ACL SETUSER u$i failed"
done
token=$(secret token 0)
printf '%s\n' "$token" >"$HB_TMP/token"

"$HB_BUILD/hookbox-collector" serve --listen "127.0.0.1:$col" \
	--store "sqlite:$HB_TMP/reports.db" --token-file "$HB_TMP/token" \
	>"$HB_TMP/collector.log" 2>&1 &
HB_PIDS+=($!)
hb_wait_tcp 127.0.0.1 "$col" 10 || hb_die "collector did not start: $(cat "$HB_TMP/collector.log")"

# spec N: N redis checks, check i logging in as ui with the password in pwi.
# The timeout is generous: each ASan child reads its own memory through
# the shim, which took over 5 s at a load average of 15 on two cores.
spec()
{
	local sep=""
	echo '{"defaults": {"timeout": "30s"}, "checks": ['
	for i in $(seq 1 "$1"); do
		echo "$sep{\"name\": \"r$i\", \"kind\": \"redis\", \"url\": \"redis://u$i@127.0.0.1:$rd\", \"password_file\": \"$HB_TMP/pw$i\"}"
		sep=,
	done
	echo ']}'
}

# The strings the shim looks for, in hex (index 0 the token, i pwi).
hexlist=$(printf '%s' "$token" | od -An -tx1 | tr -d ' \n')
for i in $(seq 1 $n); do
	hexlist+=,$(printf '%s' "${pw[i]}" | od -An -tx1 | tr -d ' \n')
done

# scan_run SPEC: runs it with the sandbox off (the shim reads
# /proc/self/mem), reporting to the collector; the checks' children's
# scan lines (those connecting to Redis) in $HB_TMP/scan.
scan_run()
{
	POD_NAMESPACE=secrets POD_NAME=secrets-test HOOKBOX_RELEASE=secrets \
		HOOKBOX_REVISION=1 HOOKBOX_HOOK=test \
		HB_SHIM_SCAN=$hexlist LD_PRELOAD=$HB_BUILD/hb-test-shim.so \
		ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-} \
		"$HB_BUILD/hookbox" run "$1" --sandbox off --output json \
		--collector "http://127.0.0.1:$col" --token-file "$HB_TMP/token" \
		--require-delivery --podinfo "$HB_TMP/none" \
		2>&1 >"$HB_TMP/out.json" | cat >"$HB_TMP/err"
	HB_RC=${PIPESTATUS[0]}
	HB_OUT=$(cat "$HB_TMP/out.json")
	HB_ERR=$(grep -v '^hb-shim-scan' "$HB_TMP/err")
	grep "^hb-shim-scan .* port=$rd " "$HB_TMP/err" >"$HB_TMP/scan"
	grep "^hb-shim-scan .* port=$col " "$HB_TMP/err" >"$HB_TMP/scan-sender"
}

# check_scan N ZYGOTES: each of the N checks' children found exactly one
# password, all N different (so each its own: a wrong one would not log
# in), and never the token; ZYGOTES of the agent's children at those
# times were not checks' children.
check_scan()
{
	local want=$1 zygotes=$2
	hb_assert_exit 0
	hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
	hb_assert_eq "checks' children that scanned" "$want" "$(wc -l <"$HB_TMP/scan")"
	hb_assert_eq "children that found the token" 0 \
		"$(grep -cE 'found=(0,|.*,0,)' "$HB_TMP/scan")"
	hb_assert_eq "children that found one password exactly" "$want" \
		"$(grep -cE 'found=[1-9],? ' "$HB_TMP/scan")"
	hb_assert_eq "different passwords found" "$(seq -s, 1 "$want")," \
		"$(grep -oE 'found=[0-9]+' "$HB_TMP/scan" | cut -d= -f2 | sort -n | tr '\n' ,)"
	local scanned others
	# The checks' children and the sender (which scans as it connects to
	# the collector): whoever else the agent had was a zygote.
	scanned=$(cat "$HB_TMP/scan" "$HB_TMP/scan-sender" | grep -oE 'pid=[0-9]+' |
		cut -d= -f2 | sort -u)
	others=$(grep -oE 'children=.*' "$HB_TMP/scan" | cut -d= -f2 | tr ' ' '\n' |
		grep . | sort -u | comm -23 - <(printf '%s\n' "$scanned") | wc -l)
	hb_assert_eq "the agent's children neither checks' nor the sender" "$zygotes" "$others"
	# The scan does see the token where it is: in the reports' sender, as
	# it connects for the Running and for the final report.
	hb_assert_eq "sender's connections that found the token" 2 \
		"$(grep -cE 'found=0,' "$HB_TMP/scan-sender")"
}

hb_case "a check's child holds its own password, no other, and not the token"
spec 2 >"$HB_TMP/two.json"
scan_run "$HB_TMP/two.json"
check_scan 2 0

hb_case "the same with a zygote forking the children (nine checks of a kind)"
spec $n >"$HB_TMP/nine.json"
scan_run "$HB_TMP/nine.json"
check_scan $n 1

hb_case "under the enforcing sandbox a zygote's children read their passwords"
# Landlock and the zygote's filter in force when the child reads it.
hb_agent run "$HB_TMP/nine.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | unique | join(",")' PASSED
hb_assert_json .sandbox.seccomp true

hb_case "what the sender could not deliver is said, and fails the run when required"
printf 'not-the-token\n' >"$HB_TMP/wrong-token"
POD_NAMESPACE=secrets POD_NAME=secrets-test HOOKBOX_RELEASE=secrets HOOKBOX_REVISION=1 \
	HOOKBOX_HOOK=test hb_agent tcp "127.0.0.1:$rd" --collector "http://127.0.0.1:$col" \
	--token-file "$HB_TMP/wrong-token" --require-delivery --podinfo "$HB_TMP/none"
hb_assert_exit 1
hb_assert_json .checks[0].outcome PASSED
hb_assert_eq "refusals said (Running and final)" 2 \
	"$(grep -c "sending the report to http://127.0.0.1:$col: collector answered 401" <<<"$HB_ERR")"

hb_finish
