# SPDX-License-Identifier: MIT
# Small programs the integration suites start as servers. They are test
# fixtures, not hookbox code: no sanitizers, placed where lib.sh looks for
# them ($HB_BUILD/test-helpers).
add_executable(hb-hangserver helpers/hangserver.c)
set_target_properties(hb-hangserver PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-helpers)
if(HB_SANITIZE)
  target_compile_options(hb-hangserver PRIVATE -fno-sanitize=all)
  target_link_options(hb-hangserver PRIVATE -fno-sanitize=all)
endif()
