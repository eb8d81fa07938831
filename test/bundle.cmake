# SPDX-License-Identifier: MIT
# hookbox install DIR (issue 13): the bundle make rootfs's tree installs,
# run from root file systems of busybox, musl and Debian minbase. In the
# Release tree only, as the rootfs suite: the tree holds the Release build.
if(NOT HB_SANITIZE)
  hb_integration(bundle integration/bundle.sh)
endif()
hb_unit(test_install_cli SOURCES unit/test_install_cli.c LIBS hb_agent)
