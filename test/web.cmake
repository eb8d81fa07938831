# SPDX-License-Identifier: MIT
# The collector's web page: escaping and rendering as unit tests, the pages
# in a real browser (Debian's Chromium through chromium-driver and
# Selenium) in the integration suite.
if(TARGET hb_collector)
  hb_unit(test_web SOURCES unit/test_web.c LIBS hb_collector)
  hb_integration(web integration/web.sh)
endif()
