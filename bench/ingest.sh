#!/bin/bash
# SPDX-License-Identifier: MIT
# Ingest benchmark (not a timed test): N concurrent senders posting
# realistic 20-check reports to one collector on this machine, durable
# commits included, for the SQLite store and a PostgreSQL 15 started here.
# Prints reports/s and p50/p99 latency per store and sender count.
#
#   bench/ingest.sh [SENDERS...]        default: 8 32
#   HB_BUILD=build REPORTS=20000 bench/ingest.sh 32
#
# Targets on the 2-core machine: >= 5,000 reports/s with SQLite and p99
# under 20 ms at 32 senders. The load generator runs on the same cores as
# the collector, so the figures are a lower bound.
set -u
HB_SRC=${HB_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
HB_BUILD=${HB_BUILD:-$HB_SRC/build}
REPORTS=${REPORTS:-20000}
PGBIN=${HB_PGBIN:-/usr/lib/postgresql/15/bin}
COL=$HB_BUILD/hookbox-collector
LOAD=$HB_BUILD/hookbox-ingest-load
SENDERS=("$@")
[ ${#SENDERS[@]} -eq 0 ] && SENDERS=(8 32)
[ -x "$COL" ] && [ -x "$LOAD" ] || { echo "bench: build hookbox-collector and hookbox-ingest-load first" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hookbox-bench.XXXXXX")
chmod 755 "$TMP"
COL_PID=""
PG_DATA=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup()
{
	[ -n "$COL_PID" ] && kill "$COL_PID" 2>/dev/null && wait "$COL_PID" 2>/dev/null
	[ -n "$PG_DATA" ] && as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

free_port()
{
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 12000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
	echo "bench: no free port" >&2
	exit 1
}

run_store()
{
	local store=$1 label=$2 port
	for n in "${SENDERS[@]}"; do
		port=$(free_port)
		# Every sender comes from 127.0.0.1: lift the per-address share.
		"$COL" serve --listen "127.0.0.1:$port" --store "$store" \
			--max-connections-per-ip 512 2>>"$TMP/collector.log" &
		COL_PID=$!
		for _ in $(seq 1 100); do
			curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
			sleep 0.1
		done
		# A warm-up round, then the measured one.
		"$LOAD" --url "http://127.0.0.1:$port" --senders "$n" --reports 1000 >/dev/null
		printf '%-10s ' "$label"
		"$LOAD" --url "http://127.0.0.1:$port" --senders "$n" --reports "$REPORTS"
		kill "$COL_PID"
		wait "$COL_PID" 2>/dev/null
		COL_PID=""
	done
}

echo "reports of 20 checks (~4.6 KB protobuf), $REPORTS per run, $(nproc) cores"
run_store "sqlite:$TMP/bench.db" sqlite

if [ -x "$PGBIN/initdb" ]; then
	PG_DATA=$TMP/pg
	mkdir -p "$PG_DATA" "$TMP/pgrun"
	[ "$(id -u)" = 0 ] && chown nobody "$PG_DATA" "$TMP/pgrun"
	pg_port=$(free_port)
	if as_pg "$PGBIN/initdb" -D "$PG_DATA" -U hookbox --auth=trust -E UTF8 >/dev/null 2>&1 &&
		as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -w -l "$TMP/pgrun/pg.log" \
			-o "-p $pg_port -k $TMP/pgrun -c listen_addresses=127.0.0.1" start >/dev/null 2>&1 &&
		psql -X -q "postgres://hookbox@127.0.0.1:$pg_port/postgres" -c 'CREATE DATABASE hookbox' >/dev/null; then
		run_store "postgres://hookbox@127.0.0.1:$pg_port/hookbox" postgres
	else
		echo "bench: PostgreSQL did not start" >&2
	fi
else
	echo "bench: no PostgreSQL at $PGBIN, skipped" >&2
fi
