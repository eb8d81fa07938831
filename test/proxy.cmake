# SPDX-License-Identifier: MIT
# Proxies for http checks: the rules (core/proxy.c, agent/spec_proxy.c) and
# the suite against tinyproxy (scripts/deps.sh test).
hb_unit(test_proxy SOURCES unit/test_proxy.c LIBS hb_agent)
hb_integration(proxy integration/proxy.sh)
