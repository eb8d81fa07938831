# SPDX-License-Identifier: MIT
# What the agent takes in: bytes that are not UTF-8 (the report stays
# valid), files that are not regular files (refused, not waited on), and
# secrets (each check's child holds its own only).
hb_unit(test_utf8 SOURCES unit/test_utf8.c LIBS hb_agent)
hb_unit(test_files SOURCES unit/test_files.c LIBS hb_agent)
hb_integration(secrets integration/secrets.sh)
hb_integration(inputs integration/inputs.sh)
