#!/bin/bash
# SPDX-License-Identifier: MIT
# Web page benchmark (not a timed test): how long the collector takes to
# render its index over 1,000 releases (999 of one revision, and one with
# 100 revisions; the store lists at most 1,000) and the page of a release
# with 100 revisions (two hooks of 10 checks each, a latency chart per check), with
# the SQLite store. Wall time (median, curl's time_total) beside the
# collector's CPU time and page faults (minor + major, from /proc), both
# as the mean per request; warm caches.
#
#   HB_BUILD=build bench/web.sh          RELEASES=999 REVISIONS=100 REPS=30
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
HB_SRC=${HB_SRC:-$src}
HB_BUILD=${HB_BUILD:-$src/build}
export HB_SRC HB_BUILD
. "$src/test/integration/lib.sh"
RELEASES=${RELEASES:-999}
REVISIONS=${REVISIONS:-100}
REPS=${REPS:-30}
. "$src/bench/lib_collector.sh"

# stat PID: "cpu_ticks faults" of the process so far (its threads
# included, those that have ended too).
stat_of()
{
	local f
	read -r -a f </proc/"$1"/stat
	echo "$((f[13] + f[14])) $((f[9] + f[11]))"
}

# measure LABEL PATH: REPS requests after one to warm up.
measure()
{
	local label=$1 url=$COL_URL$2 s0 s1 i bytes
	bytes=$(curl -sf -o "$HB_TMP/page" -w '%{size_download}' "$url") ||
		{ echo "bench: GET $url failed" >&2; return 1; }
	read -r -a s0 <<<"$(stat_of "$COL_PID")"
	: >"$HB_TMP/wall"
	for ((i = 0; i < REPS; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "$url" >>"$HB_TMP/wall"
	done
	read -r -a s1 <<<"$(stat_of "$COL_PID")"
	printf '%-40s %8s %10.1f %10.1f %10.1f\n' "$label" "$((bytes / 1024))K" \
		"$(awk '{ print $1 * 1000 }' "$HB_TMP/wall" | median)" \
		"$(awk -v a="${s0[0]}" -v b="${s1[0]}" -v n="$REPS" -v t="$tick_ms" \
			'BEGIN { print (b - a) * t / n }')" \
		"$(awk -v a="${s0[1]}" -v b="${s1[1]}" -v n="$REPS" 'BEGIN { print (b - a) / n }')"
}

hb_port port
COL_URL=http://127.0.0.1:$port
"$COL" serve --listen "127.0.0.1:$port" --store "sqlite:$HB_TMP/bench.db" \
	2>>"$HB_TMP/collector.log" &
COL_PID=$!
HB_PIDS+=("$COL_PID")
for _ in $(seq 1 100); do
	curl -sf -o /dev/null "$COL_URL/healthz" && break
	sleep 0.1
done
# Releases of one hook of 5 checks each, one in ten failed, in 20
# namespaces; then one release with REVISIONS revisions of two hooks.
# Eight senders at once, so that the collector's group commit takes them
# in batches rather than one fsync each.
{
	for ((i = 0; i < RELEASES; i++)); do
		phase=succeeded
		((i % 10 == 3)) && phase=failed
		echo "team-$((i % 20)) app-$i 1 app-$i-test $phase 5"
	done
	for ((r = 1; r <= REVISIONS; r++)); do
		for h in migrate test; do
			phase=succeeded
			((r % 7 == 0)) && [ "$h" = test ] && phase=failed
			echo "shop shop $r shop-$h $phase 10"
		done
	done
} | xargs -P 8 -L 1 sh -c '"$0" --url "$1" --senders 1 --reports 1 --namespace "$2" \
	--release "$3" --revision "$4" --hook "$5" --phase "$6" --checks "$7" >/dev/null' \
	"$LOAD" "$COL_URL" || { echo "bench: loading failed" >&2; exit 1; }

printf 'web pages, %s cores (load average %s), SQLite; wall: median of %s,\n' \
	"$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$REPS"
printf 'CPU (the collector'"'"'s) and page faults: mean per request\n'
printf '%-40s %8s %10s %10s %10s\n' page size "wall ms" "CPU ms" faults
measure "index, $((RELEASES + 1)) releases" /
measure "release, $REVISIONS revisions, 20 checks" /ui/releases/shop/shop
measure "release, its refresh (<main> only)" "/ui/releases/shop/shop?part=main"
measure "GET /v1/releases (the index's JSON)" /v1/releases
