#!/bin/bash
# SPDX-License-Identifier: MIT
# The source tree's layering (README, "Layout"): each folder includes only
# headers of its own and of the folders below it, and no C file is over
# 1,000 lines. The compiler catches most of it (each target's include
# path), but not a header reached through a target that sees more.
set -euo pipefail
src=${HB_SRC:?HB_SRC: the source tree}
cd "$src"
fail=0

# Folders from the top down; each may include its own headers and those of
# the folders after it.
order=(agent runner kinds core proto common)
# collector/ stands beside the agent: proto/ and common/ only.
declare -A allowed
for i in "${!order[@]}"; do
	allowed[${order[$i]}]="${order[*]:$i}"
done
allowed[collector]="collector proto common"

# The folders each of our headers' names lives in (cli.h: agent and
# collector).
declare -A home
while read -r h; do
	home[$(basename "$h")]+=" $(dirname "$h")"
done < <(git ls-files 'agent/*.h' 'runner/*.h' 'kinds/*.h' 'core/*.h' \
	'proto/*.h' 'common/*.h' 'collector/*.h')
[ "${#home[@]}" -gt 40 ] || { echo "layout: found only ${#home[@]} headers"; exit 1; }

checked=0
for dir in "${!allowed[@]}"; do
	for f in $(git ls-files "$dir/*.c" "$dir/*.h"); do
		checked=$((checked + 1))
		while read -r inc; do
			where=${home[$inc]:-}
			[ -n "$where" ] || continue # a system or generated header
			ok=0
			for w in $where; do
				case " ${allowed[$dir]} " in *" $w "*) ok=1 ;; esac
			done
			if [ "$ok" = 0 ]; then
				echo "layout: $f includes $inc (of${where}), above $dir/"
				fail=1
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
done
[ "$checked" -gt 100 ] || { echo "layout: checked only $checked files"; exit 1; }

while read -r n f; do
	[ "$f" = total ] && continue
	if [ "$n" -gt 1000 ]; then
		echo "layout: $f has $n lines (at most 1,000)"
		fail=1
	fi
done < <(git ls-files '*.c' | xargs wc -l)

[ "$fail" = 0 ] && echo "layout: $checked files, layering and sizes hold"
exit "$fail"
