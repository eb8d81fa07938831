# SPDX-License-Identifier: MIT
# The kubernetes kind (issue 15): its pure parts, and the kind against a
# local HTTPS server that plays the API with recorded objects.
hb_unit(test_k8s SOURCES unit/test_k8s.c ${CMAKE_SOURCE_DIR}/kinds/k8s_judge.c
  LIBS hb_runner PkgConfig::CJSON)
hb_integration(k8s integration/k8s.sh)
