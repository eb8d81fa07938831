# SPDX-License-Identifier: MIT
# The spec parser's unit tests: the parser and its file resolver.
hb_unit(test_spec SOURCES unit/test_spec.c LIBS hb_agent)
hb_unit(test_spec_errors SOURCES unit/test_spec_errors.c LIBS hb_agent)
