# SPDX-License-Identifier: MIT
# The collector chart's several-replica form (issue 11): two collector
# containers of the image, run as the chart renders them, on one
# PostgreSQL, one killed with SIGKILL under load. In the Release tree only,
# as the other image suites: the image holds the Release build.
if(NOT HB_SANITIZE)
  hb_integration(replicas integration/replicas.sh)
endif()
