#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs each libFuzzer harness of a fuzz build for a set time: make fuzz
# (FUZZ_TIME seconds each) and, briefly, make test (FUZZ_TEST_TIME).
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
# Each harness starts from its seed corpus, test/fuzz/corpus/<name>/ (read
# only), and from what earlier runs found, BUILD_DIR/fuzz-corpus/<name>/
# (where new inputs go). A crash, leak, timeout or failed assertion fails
# the run; its input is kept in BUILD_DIR/fuzz-artifacts/<name>/ and the
# message says how to replay it.
set -uo pipefail
build=${1:?usage: $0 BUILD_DIR SECONDS}
secs=${2:?usage: $0 BUILD_DIR SECONDS}
src=$(cd "$(dirname "$0")/.." && pwd)
list=$build/fuzz/harnesses.txt
[ -s "$list" ] || { echo "fuzz: no harnesses in $list (configure with -DBUILD_FUZZERS=ON)" >&2; exit 2; }

failed=0
while read -r name; do
	bin=$build/fuzz/fuzz_$name
	seeds=$src/test/fuzz/corpus/$name
	work=$build/fuzz-corpus/$name
	art=$build/fuzz-artifacts/$name
	log=$build/fuzz-logs/$name.log
	mkdir -p "$work" "$art" "$(dirname "$log")"
	args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
	      -artifact_prefix="$art/" -print_final_stats=1)
	[ -f "$src/fuzz/$name.dict" ] && args+=(-dict="$src/fuzz/$name.dict")
	[ -d "$seeds" ] || { echo "fuzz: $name: no seed corpus $seeds" >&2; failed=1; continue; }
	start=$(date +%s)
	"$bin" "${args[@]}" "$work" "$seeds" >"$log" 2>&1 </dev/null
	rc=$?
	took=$(($(date +%s) - start))
	if [ "$rc" = 0 ]; then
		done_line=$(grep -a 'DONE' "$log" | tail -n 1)
		echo "fuzz: $name: ${took}s, ${done_line#*DONE   }"
		continue
	fi
	failed=1
	unit=$(grep -ao "Test unit written to .*" "$log" | tail -n 1)
	unit=${unit#Test unit written to }
	echo "fuzz: $name: FAILED after ${took}s (exit $rc):" >&2
	grep -aE '^==[0-9]+==ERROR|^SUMMARY|runtime error|deadly signal|ERROR: libFuzzer' "$log" | head -n 5 | sed 's/^/  /' >&2
	echo "  reproducer: ${unit:-none written}; log: $log" >&2
	[ -n "$unit" ] && echo "  replay: $bin $unit" >&2
done <"$list"
exit "$failed"
