# SPDX-License-Identifier: MIT
# Issue 10, defects 1 and 7: the stores' listing of a revision (each hook's
# latest report however many there are, the hooks that decide the suite
# when there are more than a listing holds), and revisions as Helm makes
# them, refused by the collector (ingest, ?revision=, --revision) and not
# sent by the agent. The collector's integration suite runs test_store
# against PostgreSQL too.
if(TARGET hb_collector)
  find_package(Threads REQUIRED)
  hb_unit(test_store SOURCES unit/test_store.c LIBS hb_collector Threads::Threads)
  hb_unit(test_revision SOURCES unit/test_revision.c LIBS hb_collector)
endif()
hb_unit(test_podinfo_revision SOURCES unit/test_podinfo_revision.c LIBS hb_agent)
