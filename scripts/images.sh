# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The images' names, in one place: scripts/image.sh (make image) builds them,
# the container suites run them (test/integration/lib_image.sh). Each may be
# set in the environment instead, e.g. to keep two worktrees' builds apart.
# Sourced by bash; sets CONTAINERS_CONF to the project's containers.conf.

# The Dockerfile's BASE: Debian 12 made locally with debootstrap, cached in
# podman's storage between runs.
HB_IMAGE_BASE=${HB_IMAGE_BASE:-debian:bookworm-slim}
HB_IMAGE_AGENT=${HB_IMAGE_AGENT:-localhost/hookbox:test}
HB_IMAGE_COLLECTOR=${HB_IMAGE_COLLECTOR:-localhost/hookbox-collector:test}
# The stand-in for an app's own image the release suite runs the
# migration in, with hookbox copied in (test/integration/release.sh makes
# it: busybox and musl, no glibc).
HB_IMAGE_APP=${HB_IMAGE_APP:-localhost/hookbox-app:test}
# The Dockerfile's build stage, tagged so that make image replaces it (and
# the layers it holds) rather than leaving one untagged copy per build.
HB_IMAGE_BUILD=${HB_IMAGE_BUILD:-localhost/hookbox-build:test}
CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf}
export CONTAINERS_CONF
