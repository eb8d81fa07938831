# SPDX-License-Identifier: MIT
# Every fuzz harness's seed corpus (test/fuzz/corpus/<name>/) replayed
# through the harness in every test build, so that the inputs that once
# crashed or hung a parser stay fixed under gcc, ASan and Release alike.
# The harnesses are listed in fuzz/harnesses.cmake.
function(hb_fuzz_add name sources libs)
  add_executable(fuzz_replay_${name} helpers/fuzz_replay.c ${sources})
  target_link_libraries(fuzz_replay_${name} PRIVATE ${libs})
  add_test(NAME unit/fuzz_replay_${name}
    COMMAND fuzz_replay_${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${name})
  set_tests_properties(unit/fuzz_replay_${name} PROPERTIES TIMEOUT 120 LABELS unit)
endfunction()
include(${CMAKE_SOURCE_DIR}/fuzz/harnesses.cmake)
