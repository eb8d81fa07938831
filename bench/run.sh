#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: hookbox against the tools Helm test pods use today, all against
# the same local nginx in the same run. Prints a table of wall times
# (hyperfine, warm cache, in interleaved rounds; the median is what the
# targets are judged on, as it is the figure least moved by a busy
# neighbour on a shared machine), then, from bench/rss.c over the command's
# whole tree, the check children included: its largest process's peak RSS,
# and the CPU time (user + system) and page faults of all its processes,
# less those of bash's own start (medians of USAGE_RUNS runs), and the
# issues' targets.
#   bench/run.sh [BUILD_DIR]     (RUNS=N runs of each command, default 30,
#                                 in ROUNDS=N rounds, default 5;
#                                 USAGE_RUNS=N, default 10; ONLY=REGEX
#                                 times only the rows it matches)
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
# On the command line itself, so that bash execs curl as it execs hookbox
# and the two rows' CPU and faults carry one bash start each.
curl_z=$(printf '%q ' curl -sf -Z --parallel-max 50 "${curl_z_args[@]}")
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
	"curl -Z, 50 URLs in one process|$curl_z"
	"50 curl processes|bash $HB_TMP/curl50.sh"
)
for extra in "$src"/bench/*.bench; do
	[ -e "$extra" ] && . "$extra"
done
# ONLY=REGEX: only the rows whose name matches are timed (ONLY=grpc);
# every bench/*.bench still starts its servers.
if [ -n "${ONLY:-}" ]; then
	kept=()
	for b in "${benches[@]}"; do
		[[ ${b%%|*} =~ $ONLY ]] && kept+=("$b")
	done
	benches=("${kept[@]}")
fi

# Peak RSS of the largest process of a command's tree, orphans included.
cc -O2 -o "$HB_TMP/rss" "$src/bench/rss.c" || hb_die "cannot build bench/rss.c"

# In rounds: every command runs RUNS/ROUNDS times per round, round after
# round, so that a busy spell of the (shared) machine falls on all of them
# alike instead of on whichever ran then. The figures pool all the runs.
rounds=${ROUNDS:-5}
per_round=$(((runs + rounds - 1) / rounds))
declare -A med maxrss cpu faults times failed
for ((r = 1; r <= rounds; r++)); do
	for b in "${benches[@]}"; do
		name=${b%%|*}
		cmd=${b#*|}
		[ -n "${failed[$name]:-}" ] && continue
		json=$HB_TMP/hf.json
		# Through bash, whose own start-up hyperfine measures and subtracts.
		if ! hyperfine --shell=bash --warmup 2 --runs "$per_round" --export-json "$json" \
			"$cmd >/dev/null" >/dev/null 2>"$HB_TMP/hf.err"; then
			failed[$name]=$(tail -1 "$HB_TMP/hf.err")
			continue
		fi
		times[$name]+=" $(jq -r '.results[0].times | map(. * 1000) | join(" ")' "$json")"
	done
done

# CPU (µs) and faults, the medians of USAGE_RUNS runs of rss CMD.
usage_runs=${USAGE_RUNS:-10}
usage()
{
	local i
	for ((i = 0; i < usage_runs; i++)); do
		"$HB_TMP/rss" "$@"
	done | awk '{ r[NR] = $1; c[NR] = $2; f[NR] = $3 }
		function med(a,   n, i, j, t) {
			n = NR
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		END { printf "%d %d %d\n", med(r), med(c), med(f) }'
}
# What bash's own start costs each row (all run through bash -c).
read -r _ base_cpu base_faults < <(usage bash -c :)

printf '\n%-36s %11s %11s %9s %14s %9s %7s\n' "command" "median (ms)" "mean (ms)" "stddev" \
	"peak RSS (KiB)" "CPU (ms)" "faults"
printf '%-36s %11s %11s %9s %14s %9s %7s\n' "-------" "-----------" "---------" "------" \
	"--------------" "--------" "------"
for b in "${benches[@]}"; do
	name=${b%%|*}
	cmd=${b#*|}
	if [ -n "${failed[$name]:-}" ]; then
		printf '%-36s %11s  (%s)\n' "$name" "failed" "${failed[$name]}"
		continue
	fi
	read -r median mean sd < <(printf '%s\n' ${times[$name]} | sort -g | awk '
		{ v[NR] = $1; s += $1; q += $1 * $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      mu = s / NR; printf "%f %f %f\n", m, mu, sqrt(q / NR - mu * mu) }')
	read -r rss c f < <(usage bash -c "$cmd")
	med[$name]=$median
	maxrss[$name]=$rss
	cpu[$name]=$(awk -v c="$c" -v b="$base_cpu" 'BEGIN { printf "%.1f", (c > b ? c - b : 0) / 1000 }')
	faults[$name]=$((f > base_faults ? f - base_faults : 0))
	printf '%-36s %11.1f %11.1f %9.1f %14s %9s %7s\n' "$name" "$median" "$mean" "$sd" "$rss" \
		"${cpu[$name]}" "${faults[$name]}"
done

# The issues' targets, on the medians of this run.
ratio()
{
	local a=${med[$1]:-} b=${med[$2]:-}
	[ -n "$a" ] && [ -n "$b" ] || { echo "n/a"; return; }
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }'
}
target()
{
	local what=$1 got=$2 op=$3 limit=$4 verdict=missed
	[ "$got" = n/a ] && verdict=n/a
	[ "$got" != n/a ] && awk -v g="$got" -v l="$limit" -v op="$op" \
		'BEGIN { exit !((op == "<=" && g <= l) || (op == ">=" && g >= l) || (op == "<" && g < l)) }' &&
		verdict=met
	printf '%-58s %8s  %s %-6s %s\n' "$what" "$got" "$op" "$limit" "$verdict"
}
# A figure reported beside the targets, judged by none.
report()
{
	printf '%-58s %8s  (no target)\n' "$1" "$2"
}
# FIELD of row NAME divided by 50 (its checks or URLs).
per50()
{
	local -n field=$1
	local v=${field[$2]:-}
	[ -n "$v" ] || { echo "n/a"; return; }
	awk -v v="$v" 'BEGIN { printf "%.2f", v / 50 }'
}
fifty='hookbox run, 50 HTTP checks'
curlz='curl -Z, 50 URLs in one process'
echo
echo "targets (medians of this run):"
target "hookbox http / curl -sf" "$(ratio 'hookbox http (sandboxed)' 'curl -sf')" '<=' 1.2
target "hookbox tcp / nc -z" "$(ratio 'hookbox tcp (sandboxed)' 'nc -z')" '<=' 2
# Fifty checks against curl -Z: a fault's price differs between machines
# by ten times and more, their number hardly (README, "Speed and size"), so
# the target is on faults per check, CPU and wall time are reported.
target "page faults per check, 50 checks in one run" "$(per50 faults "$fifty")" '<=' 80
report "page faults per URL, curl -Z" "$(per50 faults "$curlz")"
report "CPU per check, 50 checks in one run (ms)" "$(per50 cpu "$fifty")"
report "CPU per URL, curl -Z (ms)" "$(per50 cpu "$curlz")"
report "50 checks in one run / curl -Z, wall" "$(ratio "$fifty" "$curlz")"
target "50 curl processes / 50 checks in one run" "$(ratio '50 curl processes' 'hookbox run, 50 HTTP checks')" '>=' 20
target "peak RSS of 50 checks (MiB)" "$(awk -v k="${maxrss['hookbox run, 50 HTTP checks']:-}" 'BEGIN { if (k == "") print "n/a"; else printf "%.1f", k / 1024 }')" '<' 16
if [ -n "${med['pg_isready']:-}" ]; then
	# Against the binaries, not Debian's pg_wrapper (bench/db.bench), and
	# against psql, which does the same work: pg_isready does not log in
	# (libpq's ping takes the server's request for a password as an answer).
	target "hookbox postgres --query / psql -tAc 'SELECT 1'" "$(ratio "hookbox postgres --query 'SELECT 1'" "psql -tAc 'SELECT 1'")" '<=' 1
	report "hookbox postgres (connect, SCRAM) / pg_isready" "$(ratio 'hookbox postgres (connect, SCRAM)' pg_isready)"
	target "hookbox mysql (connect, auth) / mysqladmin ping" "$(ratio 'hookbox mysql (connect, auth)' 'mysqladmin ping')" '<=' 1
	target "hookbox redis (AUTH, PING) / redis-cli ping" "$(ratio 'hookbox redis (AUTH, PING)' 'redis-cli ping')" '<=' 1
fi
if [ -n "${med['python3 grpcio, one Health/Check']:-}" ]; then
	report "hookbox grpc (h2c) / python3 grpcio, wall" "$(ratio 'hookbox grpc (h2c, sandboxed)' 'python3 grpcio, one Health/Check')"
	report "CPU, hookbox grpc (h2c) (ms)" "${cpu['hookbox grpc (h2c, sandboxed)']:-n/a}"
	report "CPU, python3 grpcio (ms)" "${cpu['python3 grpcio, one Health/Check']:-n/a}"
	report "page faults, hookbox grpc (h2c)" "${faults['hookbox grpc (h2c, sandboxed)']:-n/a}"
	report "page faults, python3 grpcio" "${faults['python3 grpcio, one Health/Check']:-n/a}"
fi
echo
echo "(which client libraries a run maps is asserted by test/integration/sandbox.sh)"
