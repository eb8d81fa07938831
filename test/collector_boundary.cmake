# SPDX-License-Identifier: MIT
# The collector at its boundary (issue 10, defects 2 and 10): routing, names,
# validation and escaping as unit tests.
if(TARGET hb_collector)
  hb_unit(test_collector_boundary SOURCES unit/test_collector_boundary.c LIBS hb_collector)
endif()
