# SPDX-License-Identifier: MIT
# The http check kind's integration suite (nginx, TLS, a hanging server).
hb_integration(http integration/http.sh)

# libcurl as the http module links it (runner/curl_pruned.c).
if(HB_CURL_ARCHIVE)
  hb_unit(test_curl_pruned SOURCES unit/test_curl_pruned.c ${CMAKE_SOURCE_DIR}/runner/curl_pruned.c
    LIBS ${HB_CURL_ARCHIVE} PkgConfig::LIBSSL PkgConfig::CURL_DEPS)
  target_include_directories(test_curl_pruned SYSTEM PRIVATE ${CURL_INCLUDE_DIRS})
endif()
