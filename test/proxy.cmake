# SPDX-License-Identifier: MIT
# Proxies for http checks: the rules (core/proxy.c, agent/spec_proxy.c).
hb_unit(test_proxy SOURCES unit/test_proxy.c LIBS hb_agent)
