# SPDX-License-Identifier: MIT
# The images (issue 11): the agent's root file system run from a chroot
# (make rootfs), and both images run as restricted pods (make image). In
# the Release tree only: the trees hold the Release build, and the images
# build their own.
if(NOT HB_SANITIZE)
  hb_integration(rootfs integration/rootfs.sh)
  hb_integration(image integration/image.sh)
endif()
