# SPDX-License-Identifier: MIT
# The protobuf <-> JSON mapping (proto/pbjson.c).
hb_unit(test_pbjson SOURCES unit/test_pbjson.c LIBS hb_proto)
