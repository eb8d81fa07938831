# SPDX-License-Identifier: MIT
# What the collector's bench scripts (reduce.sh, web.sh) share, sourced
# after test/integration/lib.sh: the binaries, the temporary directory,
# the clock tick and a median.
COL=$HB_BUILD/hookbox-collector
LOAD=$HB_BUILD/hookbox-ingest-load
[ -x "$COL" ] && [ -x "$LOAD" ] ||
	{ echo "bench: build hookbox-collector and hookbox-ingest-load first" >&2; exit 2; }
hb_setup
tick_ms=$((1000 / $(getconf CLK_TCK)))

# The median of the numbers on stdin, one a line.
median()
{
	sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
