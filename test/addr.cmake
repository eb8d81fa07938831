# SPDX-License-Identifier: MIT
# common/addr.c: the one reading of host:port, URL authorities and what a
# report shows, and the spec loader's use of it.
hb_unit(test_addr SOURCES unit/test_addr.c LIBS hb_agent)
