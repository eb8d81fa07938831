#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: hookbox against the tools Helm test pods use today, all against
# the same local nginx in the same run. Prints a table of mean wall time
# (hyperfine, warm cache) and peak RSS (GNU time, the largest process).
#   bench/run.sh [BUILD_DIR]     (RUNS=N to change hyperfine's run count)
set -uo pipefail
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
HB_BUILD=$(cd "$build" && pwd)
HB_SRC=$src
export HB_BUILD HB_SRC
. "$src/test/integration/lib.sh"
hb_setup
runs=${RUNS:-30}
hb=$HB_BUILD/hookbox

hb_port port
hb_start_nginx "$port"
url="http://127.0.0.1:$port/ok"

# Fifty URLs: the same server, distinct paths nginx answers alike.
spec=$HB_TMP/fifty.json
urls=()
{
	echo '{"defaults": {"timeout": "5s"}, "checks": ['
	for i in $(seq 1 50); do
		[ "$i" -gt 1 ] && echo ','
		echo "{\"name\": \"c$i\", \"kind\": \"http\", \"url\": \"$url?i=$i\"}"
		urls+=("$url?i=$i")
	done
	echo ']}'
} >"$spec"
printf '%s\n' "${urls[@]}" >"$HB_TMP/urls"
curl_z_args=()
for u in "${urls[@]}"; do curl_z_args+=(-o /dev/null "$u"); done
printf '%q ' curl -sf -Z --parallel-max 50 "${curl_z_args[@]}" >"$HB_TMP/curlz.sh"
cat >"$HB_TMP/curl50.sh" <<SH
while read -r u; do curl -sf -o /dev/null "\$u" || exit 1; done <"$HB_TMP/urls"
SH

# name | command (run by bash -c)
benches=(
	"hookbox http (sandboxed)|$hb http $url"
	"hookbox http --sandbox off|$hb http $url --sandbox off"
	"curl -sf|curl -sf -o /dev/null $url"
	"wget -q|wget -q -O /dev/null $url"
	"busybox wget|busybox wget -q -O /dev/null $url"
	"hookbox tcp (sandboxed)|$hb tcp 127.0.0.1:$port"
	"nc -z|nc -z 127.0.0.1 $port"
	"hookbox run, 50 HTTP checks|$hb run $spec"
	"curl -Z, 50 URLs in one process|bash $HB_TMP/curlz.sh"
	"50 curl processes|bash $HB_TMP/curl50.sh"
)
for extra in "$src"/bench/*.bench; do
	[ -e "$extra" ] && . "$extra"
done

printf '\n%-36s %12s %12s %14s\n' "command" "mean (ms)" "stddev" "peak RSS (KiB)"
printf '%-36s %12s %12s %14s\n' "-------" "---------" "------" "--------------"
for b in "${benches[@]}"; do
	name=${b%%|*}
	cmd=${b#*|}
	json=$HB_TMP/hf.json
	# Through bash, whose own start-up hyperfine measures and subtracts.
	if ! hyperfine --shell=bash --warmup 3 --runs "$runs" --export-json "$json" \
		"$cmd >/dev/null" >/dev/null 2>"$HB_TMP/hf.err"; then
		printf '%-36s %12s  (%s)\n' "$name" "failed" "$(tail -1 "$HB_TMP/hf.err")"
		continue
	fi
	mean=$(jq '.results[0].mean * 1000' "$json")
	sd=$(jq '.results[0].stddev * 1000' "$json")
	rss=$(/usr/bin/time -f '%M' bash -c "$cmd" 2>&1 >/dev/null | tail -1)
	printf '%-36s %12.1f %12.1f %14s\n' "$name" "$mean" "$sd" "$rss"
done
echo
echo "(which client libraries a run maps is asserted by test/integration/sandbox.sh)"
