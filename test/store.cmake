# SPDX-License-Identifier: MIT
# Issue 10: revisions as Helm makes them, refused by the collector
# (ingest, ?revision=, --revision) and not sent by the agent.
if(TARGET hb_collector)
  hb_unit(test_revision SOURCES unit/test_revision.c LIBS hb_collector)
endif()
hb_unit(test_podinfo_revision SOURCES unit/test_podinfo_revision.c LIBS hb_agent)
