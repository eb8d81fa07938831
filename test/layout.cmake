# SPDX-License-Identifier: MIT
# The source tree's layering and file sizes (README, "Layout").
hb_integration(layout integration/layout.sh)
