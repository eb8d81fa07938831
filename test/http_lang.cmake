# SPDX-License-Identifier: MIT
# What ported charts' http checks say (issue 14): URLs without a scheme,
# redirects, hints by status, credentials without the URL.
hb_integration(http_lang integration/http_lang.sh)
hb_unit(test_http_lang SOURCES unit/test_http_lang.c LIBS hb_agent)
