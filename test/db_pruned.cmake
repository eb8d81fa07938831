# SPDX-License-Identifier: MIT
# libpq and Connector/C linked in whole, without what no check uses
# (runner/pq_pruned.c, runner/my_pruned.c): the stand-ins, and the modules
# against real servers. The suite fails, saying so, where the modules link
# libpq.so or libmariadb.so (scripts/deps.sh build installs the archives).
hb_unit(test_db_pruned SOURCES unit/test_db_pruned.c ${CMAKE_SOURCE_DIR}/runner/pq_pruned.c
  ${CMAKE_SOURCE_DIR}/runner/my_pruned.c ${CMAKE_SOURCE_DIR}/runner/left_out.c)
target_include_directories(test_db_pruned PRIVATE ${CMAKE_SOURCE_DIR}/runner)
hb_integration(db_pruned integration/db_pruned.sh)
