# SPDX-License-Identifier: MIT
# The fuzz corpora replayed through their harnesses in every test build.
foreach(h spec pbjson)
  add_executable(fuzz_replay_${h} helpers/fuzz_replay.c ${CMAKE_SOURCE_DIR}/fuzz/fuzz_${h}.c)
  add_test(NAME unit/fuzz_replay_${h}
    COMMAND fuzz_replay_${h} ${CMAKE_SOURCE_DIR}/fuzz/corpus/${h})
  set_tests_properties(unit/fuzz_replay_${h} PROPERTIES TIMEOUT 120 LABELS unit)
endforeach()
target_link_libraries(fuzz_replay_spec PRIVATE hb_agent)
target_link_libraries(fuzz_replay_pbjson PRIVATE hb_proto)
