# SPDX-License-Identifier: MIT
# The database kinds' spec fields and flags (issue 14, items 7 and 9):
# "ready", expect.column and expect.row.
hb_unit(test_spec_db SOURCES unit/test_spec_db.c LIBS hb_agent)
