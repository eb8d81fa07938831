# SPDX-License-Identifier: MIT
# What the agent takes in: bytes that are not UTF-8 (the report stays
# valid).
hb_unit(test_utf8 SOURCES unit/test_utf8.c LIBS hb_agent)
hb_integration(inputs integration/inputs.sh)
