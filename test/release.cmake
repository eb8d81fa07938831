# SPDX-License-Identifier: MIT
# A Helm release of the example chart played in containers (issue 11):
# the images make image built, run as the rendered manifests say. In the
# Release tree only, as the image suite: the images hold a Release build.
if(NOT HB_SANITIZE)
  hb_integration(release integration/release.sh)
endif()
