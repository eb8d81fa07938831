# SPDX-License-Identifier: MIT
# Issue 14's matching: PCRE2 patterns, their limits, and expect.jq.
hb_unit(test_match SOURCES unit/test_match.c ${CMAKE_SOURCE_DIR}/kinds/jq_expect.c
  LIBS hb_runner ${HB_JQ_LIB})
hb_integration(match integration/match.sh)
