# SPDX-License-Identifier: MIT
# The collector at its boundary (issue 10, defects 2 and 10): routing, names,
# validation and escaping as unit tests; the routing fuzzer's corpus replayed
# as test/fuzz.cmake replays the others (these lines can move there).
if(TARGET hb_collector)
  hb_unit(test_collector_boundary SOURCES unit/test_collector_boundary.c LIBS hb_collector)

  add_executable(fuzz_replay_route helpers/fuzz_replay.c ${CMAKE_SOURCE_DIR}/fuzz/fuzz_route.c)
  target_link_libraries(fuzz_replay_route PRIVATE hb_collector)
  add_test(NAME unit/fuzz_replay_route
    COMMAND fuzz_replay_route ${CMAKE_SOURCE_DIR}/fuzz/corpus/route)
  set_tests_properties(unit/fuzz_replay_route PROPERTIES TIMEOUT 120 LABELS unit)
endif()
