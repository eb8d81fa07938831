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
  # listing_reduces_like_every_report stores sixty releases, one SQLite
  # transaction per delivery: 8 s at a load average of 7, past the runner's
  # 30 s a case on a loaded CI machine.
  set_tests_properties(unit/test_store PROPERTIES TIMEOUT 600
    ENVIRONMENT HB_TEST_TIMEOUT=240)
  hb_unit(test_revision SOURCES unit/test_revision.c LIBS hb_collector)
endif()
hb_unit(test_podinfo_revision SOURCES unit/test_podinfo_revision.c LIBS hb_agent)
