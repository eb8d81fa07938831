# SPDX-License-Identifier: MIT
# The http check kind's integration suite (nginx, TLS, a hanging server).
hb_integration(http integration/http.sh)
