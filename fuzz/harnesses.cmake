# SPDX-License-Identifier: MIT
# The libFuzzer harnesses, one line each: the harness's name, its sources
# (in fuzz/) and the libraries it links. Its seed corpus is
# test/fuzz/corpus/<name>/ (replayed by every test build, test/fuzz.cmake),
# its dictionary fuzz/<name>.dict if there is one (make fuzz,
# fuzz/CMakeLists.txt). A harness whose library this build has not (no
# collector) is left out. The includer defines hb_fuzz_add(NAME SOURCES
# LIBS), called for each harness kept.
function(hb_fuzz_harness name)
  cmake_parse_arguments(H "" "" "SOURCES;LIBS" ${ARGN})
  foreach(lib ${H_LIBS})
    if(NOT TARGET ${lib})
      return()
    endif()
  endforeach()
  list(TRANSFORM H_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/fuzz/)
  hb_fuzz_add(${name} "${H_SOURCES}" "${H_LIBS}")
endfunction()

hb_fuzz_harness(spec     SOURCES fuzz_spec.c     LIBS hb_agent)
hb_fuzz_harness(pbjson   SOURCES fuzz_pbjson.c   LIBS hb_proto)
hb_fuzz_harness(report   SOURCES fuzz_report.c   LIBS hb_collector)
hb_fuzz_harness(hostport SOURCES fuzz_hostport.c LIBS hb_common)
hb_fuzz_harness(podinfo  SOURCES fuzz_podinfo.c  LIBS hb_agent)
hb_fuzz_harness(url      SOURCES fuzz_url.c      LIBS hb_agent PkgConfig::LIBPQ)
hb_fuzz_harness(route    SOURCES fuzz_route.c    LIBS hb_collector)
hb_fuzz_harness(grpc     SOURCES fuzz_grpc.c     LIBS hb_grpc_wire)
