# SPDX-License-Identifier: MIT
# Small programs the integration suites start as servers or clients. They
# are test fixtures, not hookbox code: no sanitizers, placed where lib.sh
# looks for them ($HB_BUILD/test-helpers).
# hangserver: accepts and never answers; slowclient: collector.sh's
# slowloris; netpeer: the listeners and the DNS server of sandbox_net.sh.
foreach(h hangserver slowclient netpeer)
  add_executable(hb-${h} helpers/${h}.c)
  set_target_properties(hb-${h} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-helpers)
  if(HB_SANITIZE)
    target_compile_options(hb-${h} PRIVATE -fno-sanitize=all)
    target_link_options(hb-${h} PRIVATE -fno-sanitize=all)
  endif()
endforeach()
