# SPDX-License-Identifier: MIT
# The collector at its boundary (issue 10, defects 2 and 10): routing, names,
# validation and escaping as unit tests (the routing fuzzer's corpus is
# replayed with the others, test/fuzz.cmake).
if(TARGET hb_collector)
  hb_unit(test_collector_boundary SOURCES unit/test_collector_boundary.c LIBS hb_collector)
endif()
