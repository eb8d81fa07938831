# SPDX-License-Identifier: MIT
# The collector: reduction rules, request validation and renderings as unit
# tests; real HTTP, SQLite and PostgreSQL in the integration suite.
if(TARGET hb_collector)
  hb_unit(test_reduce SOURCES unit/test_reduce.c LIBS hb_collector)
  hb_unit(test_collector SOURCES unit/test_collector.c LIBS hb_collector)

  # The load generator of bench/ingest.sh, also the integration suite's
  # source of protobuf reports and of concurrent senders.
  pkg_check_modules(HB_LOAD_CURL REQUIRED IMPORTED_TARGET libcurl)
  find_package(Threads REQUIRED)
  add_executable(hookbox-ingest-load ${CMAKE_SOURCE_DIR}/bench/ingest_load.c)
  target_link_libraries(hookbox-ingest-load PRIVATE hb_proto hb_common
    PkgConfig::HB_LOAD_CURL Threads::Threads)
  set_target_properties(hookbox-ingest-load PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

  hb_integration(collector integration/collector.sh)
endif()
