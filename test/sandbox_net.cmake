# SPDX-License-Identifier: MIT
# What a check may reach on the network once its name is resolved (the
# hand-off filter, Landlock's scoping), and names of many addresses.

# The other end of the forbidden datagrams and connections, and a DNS
# server: a test fixture, without sanitizers, where lib.sh looks for it.
add_executable(hb-netpeer helpers/netpeer.c)
set_target_properties(hb-netpeer PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-helpers)
if(HB_SANITIZE)
  target_compile_options(hb-netpeer PRIVATE -fno-sanitize=all)
  target_link_options(hb-netpeer PRIVATE -fno-sanitize=all)
endif()

hb_integration(sandbox_net integration/sandbox_net.sh)
