#!/bin/bash
# SPDX-License-Identifier: MIT
# Reduction benchmark (not a timed test): how long the collector takes to
# answer GET /v1/releases/{namespace}/{release} and `hookbox-collector
# status` for a revision of 100,000 reports, with the SQLite store and with
# a PostgreSQL 15 started here. Wall time (median) beside CPU time (mean
# per request) of the collector, of PostgreSQL's processes and, for
# status, of the status process itself. Two revisions:
#
#   retries  100,000 reports of 8 hooks: the same hooks run over and over
#   hooks    100,000 hooks of one report each: the answer keeps 10,000
#
#   bench/reduce.sh                  HB_BUILD=build REPORTS=100000 bench/reduce.sh
#
# The reports are realistic ones (20 checks, ~4.6 KB), posted through the
# collector by hookbox-ingest-load; the figures are for warm caches.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
HB_SRC=${HB_SRC:-$src}
HB_BUILD=${HB_BUILD:-$src/build}
export HB_SRC HB_BUILD
. "$src/test/integration/lib.sh"
. "$src/test/integration/lib_db.sh"
REPORTS=${REPORTS:-100000}
. "$src/bench/lib_collector.sh"

# cpu_ticks PID...: user + system time of the processes so far, in clock
# ticks (a process's threads included, those that have ended too).
cpu_ticks()
{
	local t=0 p f
	for p in "$@"; do
		read -r -a f 2>/dev/null </proc/"$p"/stat || continue
		t=$((t + f[13] + f[14]))
	done
	echo "$t"
}

# measure LABEL RELEASE REPS: GET and status, REPS times each, after one
# of each to warm up.
measure()
{
	local label=$1 rel=$2 reps=$3 pids c0 p0 i t0 wall st
	local url="$COL_URL/v1/releases/bench/$rel"
	pids=()
	[ -n "$PG_PID" ] && pids=("$PG_PID" $(pgrep -P "$PG_PID"))
	curl -sf -o /dev/null "$url" || { echo "bench: GET $url failed" >&2; return 1; }
	"$COL" status --server "$COL_URL" --namespace bench --release "$rel" >/dev/null

	c0=$(cpu_ticks "$COL_PID")
	p0=$(cpu_ticks "${pids[@]}")
	: >"$HB_TMP/wall"
	for ((i = 0; i < reps; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "$url" >>"$HB_TMP/wall"
	done
	wall=$(awk '{ print $1 * 1000 }' "$HB_TMP/wall" | median)
	row "$label" GET "$wall" "$c0" "$p0" "$reps" "-"

	c0=$(cpu_ticks "$COL_PID")
	p0=$(cpu_ticks "${pids[@]}")
	: >"$HB_TMP/wall"
	: >"$HB_TMP/client"
	for ((i = 0; i < reps; i++)); do
		/usr/bin/time -f '%e %U %S' -a -o "$HB_TMP/client" \
			"$COL" status --server "$COL_URL" --namespace bench --release "$rel" >/dev/null
		st=$?
		[ "$st" -le 1 ] || { echo "bench: status exited $st" >&2; return 1; }
	done
	wall=$(awk '{ print $1 * 1000 }' "$HB_TMP/client" | median)
	st=$(awk '{ s += $2 + $3 } END { printf "%.1f", s * 1000 / NR }' "$HB_TMP/client")
	row "$label" status "$wall" "$c0" "$p0" "$reps" "$st"
}

# row LABEL REQUEST WALL_MS COLLECTOR_TICKS0 PG_TICKS0 REPS CLIENT_CPU_MS
row()
{
	local col pg
	col=$(awk -v a="$4" -v b="$(cpu_ticks "$COL_PID")" -v n="$6" -v t="$tick_ms" \
		'BEGIN { printf "%.1f", (b - a) * t / n }')
	pg=-
	[ -n "$PG_PID" ] && pg=$(awk -v a="$5" -v b="$(cpu_ticks "${pids[@]}")" -v n="$6" \
		-v t="$tick_ms" 'BEGIN { printf "%.1f", (b - a) * t / n }')
	printf '%-34s %-7s %10.1f %14s %14s %12s\n' "$label" "$2" "$3" "$col" "$pg" "$7"
}

run_store()
{
	local store=$1 label=$2
	hb_port port
	COL_URL=http://127.0.0.1:$port
	"$COL" serve --listen "127.0.0.1:$port" --store "$store" 2>>"$HB_TMP/collector.log" &
	COL_PID=$!
	HB_PIDS+=("$COL_PID")
	hb_db_wait "the collector" 20 curl -sf -o /dev/null "$COL_URL/healthz"
	"$LOAD" --url "$COL_URL" --senders 8 --reports "$REPORTS" --namespace bench \
		--release retries >"$HB_TMP/load.out" ||
		{ echo "bench: loading failed: $(cat "$HB_TMP/load.out")" >&2; return 1; }
	"$LOAD" --url "$COL_URL" --senders 8 --reports "$REPORTS" --namespace bench \
		--release hooks --distinct-hooks >"$HB_TMP/load.out" ||
		{ echo "bench: loading failed: $(cat "$HB_TMP/load.out")" >&2; return 1; }
	# What autovacuum would have done by then: the visibility map lets
	# PostgreSQL answer from the index alone.
	[ -n "$PG_PID" ] && hb_psql "$PG_PORT" hookbox -c 'VACUUM ANALYZE hookbox_reports' >/dev/null
	measure "$label, $REPORTS reports, 8 hooks" retries "${RETRY_REPS:-50}"
	measure "$label, $REPORTS hooks" hooks "${HOOK_REPS:-5}"
	kill "$COL_PID"
	wait "$COL_PID" 2>/dev/null
}

printf 'reduction of one revision, %s cores; wall: median, CPU: mean per request\n' "$(nproc)"
printf '%-34s %-7s %10s %14s %14s %12s\n' "store, revision" request "wall ms" \
	"collector CPU" "PostgreSQL CPU" "status CPU"
PG_PID=""
run_store "sqlite:$HB_TMP/bench.db" sqlite

if [ -x "$HB_PG_BIN/initdb" ]; then
	hb_port PG_PORT
	hb_start_postgres "$PG_PORT"
	PG_PID=${HB_PIDS[-1]}
	hb_psql "$PG_PORT" postgres -c 'CREATE DATABASE hookbox' >/dev/null
	run_store "postgres://postgres:$HB_PG_SUPERPASS@127.0.0.1:$PG_PORT/hookbox" postgres
else
	echo "bench: no PostgreSQL at $HB_PG_BIN, skipped" >&2
fi
