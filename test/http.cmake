# SPDX-License-Identifier: MIT
# The http check kind's integration suite (nginx, TLS, a hanging server).
hb_integration(http integration/http.sh)

# libcurl as the http module links it (kinds/curl_pruned.c).
if(HB_CURL_ARCHIVE)
  hb_unit(test_curl_pruned SOURCES unit/test_curl_pruned.c ${CMAKE_SOURCE_DIR}/kinds/curl_pruned.c
    ${CMAKE_SOURCE_DIR}/kinds/left_out.c
    LIBS hb_curl_nozlib ${HB_CURL_ARCHIVE} PkgConfig::LIBSSL PkgConfig::CURL_DEPS)
  target_include_directories(test_curl_pruned SYSTEM PRIVATE ${CURL_INCLUDE_DIRS})
  # As hookbox-http-plain.so links it, with no TLS library (kinds/curl_notls.c).
  hb_unit(test_curl_notls SOURCES unit/test_curl_pruned.c ${CMAKE_SOURCE_DIR}/kinds/curl_pruned.c
    ${CMAKE_SOURCE_DIR}/kinds/left_out.c
    LIBS hb_curl_notls ${HB_CURL_ARCHIVE})
  target_compile_definitions(test_curl_notls PRIVATE HB_HTTP_PLAIN)
  target_include_directories(test_curl_notls SYSTEM PRIVATE ${CURL_INCLUDE_DIRS})
  foreach(t test_curl_pruned test_curl_notls)
    target_include_directories(${t} PRIVATE ${CMAKE_SOURCE_DIR}/kinds)
  endforeach()
endif()
