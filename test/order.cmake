# SPDX-License-Identifier: MIT
# The check language's order and retries ("after", retry_on) and the
# one-liners' several targets and ${VAR} expansion, against real servers.
hb_integration(order integration/order.sh)
hb_integration(oneliners integration/oneliners.sh)
hb_unit(test_spec_order SOURCES unit/test_spec_order.c LIBS hb_agent)
