# SPDX-License-Identifier: MIT
# libpq and Connector/C linked in whole, without what no check uses
# (kinds/pq_pruned.c, kinds/my_pruned.c): the stand-ins. The modules
# against real servers are the last section of integration/db.sh.
hb_unit(test_db_pruned SOURCES unit/test_db_pruned.c ${CMAKE_SOURCE_DIR}/kinds/pq_pruned.c
  ${CMAKE_SOURCE_DIR}/kinds/my_pruned.c ${CMAKE_SOURCE_DIR}/kinds/left_out.c)
target_include_directories(test_db_pruned PRIVATE ${CMAKE_SOURCE_DIR}/kinds)
