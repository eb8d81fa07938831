# SPDX-License-Identifier: MIT
# The agent core: pure helpers, the command line, the sandbox.
hb_unit(test_core SOURCES unit/test_core.c LIBS hb_agent)
hb_unit(test_cli SOURCES unit/test_cli.c LIBS hb_agent)
hb_unit(test_sandbox SOURCES unit/test_sandbox.c LIBS hb_runner hb_bpf_compile)

# An LD_PRELOAD shim that makes a check child call a forbidden syscall, so
# the suite can prove that the real drivers' filters stop it. Built without
# sanitizers: it is loaded into the agent before any sanitizer runtime.
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/hb-test-shim.so
  COMMAND cc -shared -fPIC -O2 -Wall -Werror -o ${CMAKE_BINARY_DIR}/hb-test-shim.so
    ${CMAKE_CURRENT_SOURCE_DIR}/helpers/shim.c -ldl
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/helpers/shim.c)
add_custom_target(hb_test_shim ALL DEPENDS ${CMAKE_BINARY_DIR}/hb-test-shim.so)
hb_integration(sandbox integration/sandbox.sh)

add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/try-syscall
  COMMAND cc -O2 -Wall -Werror -o ${CMAKE_BINARY_DIR}/try-syscall
    ${CMAKE_CURRENT_SOURCE_DIR}/helpers/try_syscall.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/helpers/try_syscall.c)
add_custom_target(hb_try_syscall ALL DEPENDS ${CMAKE_BINARY_DIR}/try-syscall)
hb_integration(exec integration/exec.sh)
hb_unit(test_report SOURCES unit/test_report.c LIBS hb_agent)

# The build-time seccomp filters (gen/policies.c) against libseccomp's.
hb_unit(test_policy SOURCES unit/test_policy.c $<TARGET_OBJECTS:hb_policies> LIBS hb_runner)
set_tests_properties(unit/test_policy PROPERTIES ENVIRONMENT "HOOKBOX_MODULE_DIR=${CMAKE_BINARY_DIR}")

# OpenSSL started bare (kinds/ossl.h): what the client libraries do outside TLS.
hb_unit(test_ossl SOURCES unit/test_ossl.c LIBS PkgConfig::LIBSSL crypto)
target_include_directories(test_ossl PRIVATE ${CMAKE_SOURCE_DIR}/kinds)
target_compile_options(test_ossl PRIVATE -Wno-deprecated-declarations)
