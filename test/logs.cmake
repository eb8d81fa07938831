# SPDX-License-Identifier: MIT
# Hook logs after the pod is gone: what an exec report keeps of a command
# (unit), the collector's logs view (unit), and agents reporting to a real
# collector whose logs are read after they exited (integration).
hb_unit(test_exec_tail SOURCES unit/test_exec_tail.c LIBS hb_agent)
if(TARGET hb_collector)
  hb_unit(test_logs SOURCES unit/test_logs.c LIBS hb_collector)
endif()
if(TARGET hb_collector)
  hb_integration(logs integration/logs.sh)
endif()
