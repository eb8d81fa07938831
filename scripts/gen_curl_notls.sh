#!/bin/sh
# SPDX-License-Identifier: MIT
# gen_curl_notls.sh OUT LIBCURL_A LIB.so...
#
# Writes OUT, stand-ins for libraries the http module leaves out: one
# function, weak and hidden, for each function of LIB.so... that LIBCURL_A
# calls, aborting with its name if it is ever reached. For the build without
# TLS (kinds/curl_notls.c says why), OpenSSL, nghttp2 and zlib; for the
# other, zlib (kinds/curl_pruned.c). Taken from the archive at build time,
# so that a Debian update of libcurl that calls one more such function gets
# its stand-in too. A variable of those libraries that libcurl uses cannot
# be stood in for: that fails, naming it.
set -eu
out=$1
archive=$2
shift 2
tmp=$out.tmp
trap 'rm -f "$tmp" "$tmp.nm" "$tmp.err" "$tmp.undef" "$tmp.defs"' EXIT

# nm warns of each member built empty here (other platforms' backends).
nm -u "$archive" >"$tmp.nm" 2>"$tmp.err" || { cat "$tmp.err" >&2; exit 1; }
awk 'NF == 2 && $1 == "U" { print $2 }' "$tmp.nm" | sort -u >"$tmp.undef"
: >"$tmp.defs"
for lib in "$@"; do
	nm -D --defined-only "$lib" >"$tmp.nm"
	awk 'NF == 3 { sub(/@.*/, "", $3); print $3, $2 }' "$tmp.nm" >>"$tmp.defs"
done

# name type, for the names libcurl calls.
matched=$(awk 'NR == FNR { want[$1] = 1; next } ($1 in want) { print }' \
	"$tmp.undef" "$tmp.defs")
data=$(printf '%s\n' "$matched" | awk 'NF == 2 && $2 !~ /^[TtWi]$/ { print $1 }')
if [ -n "$data" ]; then
	echo "gen_curl_notls.sh: $archive uses variables of the libraries left out:" $data >&2
	exit 1
fi
{
	echo "/* Written by scripts/gen_curl_notls.sh from $archive: do not edit. */"
	echo '#include "left_out.h"'
	printf '%s\n' "$matched" | awk 'NF == 2 { print "HB_LEFT_OUT(\"libcurl\", " $1 ")" }' | sort -u
} >"$tmp"
mv "$tmp" "$out"
