# SPDX-License-Identifier: MIT
# A check whose --wait deadline cuts into its timeout: its kind's own
# timeout, not the agent's kill (the attempt's deadline given to run()).
# Its fixture, hb-hangserver, is built with the other helpers (helpers.cmake).
hb_integration(deadline integration/deadline.sh)
