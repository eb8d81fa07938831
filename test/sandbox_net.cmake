# SPDX-License-Identifier: MIT
# What a check may reach on the network once its name is resolved (the
# hand-off filter, Landlock's scoping), and names of many addresses. Its
# fixture, hb-netpeer, is built with the other helpers (helpers.cmake).
hb_integration(sandbox_net integration/sandbox_net.sh)
