# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Rendering the charts with hookbox-render (Helm's template engine, built
# by test/charts.cmake), for the chart suites.
#
#   hb_render_require                 fails the suite when it is not built
#   hb_render NAME CHART ARGS...      $HB_TMP/NAME.json; HB_RC, HB_ERR
#   hb_check NAME                     the shape checks; HB_RC, HB_ERR
#   hb_q NAME FILTER                  jq -r FILTER over rendering NAME

HB_RENDER=$HB_BUILD/hookbox-render

hb_render_require()
{
	[ -x "$HB_RENDER" ] || hb_die "$HB_RENDER is missing: it is built with Go from Debian's sources (scripts/deps.sh test installs golang-go, golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev); was Go found when cmake ran?"
}

hb_render()
{
	local name=$1
	shift
	HB_OUT=""
	HB_ERR=$("$HB_RENDER" template "$@" --output json 2>&1 >"$HB_TMP/$name.json")
	HB_RC=$?
}

hb_check()
{
	HB_ERR=$("$HB_RENDER" check "$HB_TMP/$1.json" 2>&1)
	HB_RC=$?
}

hb_q()
{
	jq -r "$2" "$HB_TMP/$1.json"
}
