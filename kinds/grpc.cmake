# SPDX-License-Identifier: MIT
# The grpc check kind (kinds/grpc.c), linked into the http module: it
# speaks HTTP/2 through the module's libcurl and nghttp2, and TLS through
# its OpenSSL, so a module of its own would carry a second libcurl (0.77
# MB) for a few KiB of driver. Not in the plain build, which has no
# nghttp2 (agent/run.c loads the full one for a run with a grpc check).
set(HB_HEALTH_SRC ${CMAKE_CURRENT_SOURCE_DIR}/proto/grpc/health/v1/health.proto)
add_custom_command(
  OUTPUT ${HB_PROTO_OUT}/grpc/health/v1/health.pb-c.c ${HB_PROTO_OUT}/grpc/health/v1/health.pb-c.h
  COMMAND ${CMAKE_COMMAND} -E make_directory ${HB_PROTO_OUT}
  COMMAND ${PROTOC_C} --c_out=${HB_PROTO_OUT} -I${CMAKE_CURRENT_SOURCE_DIR}/proto ${HB_HEALTH_SRC}
  DEPENDS ${HB_HEALTH_SRC}
  COMMENT "protoc-c health.proto")
# One target owns the command, as hb_proto_gen does for report.proto.
add_custom_target(hb_health_gen DEPENDS ${HB_PROTO_OUT}/grpc/health/v1/health.pb-c.c
  ${HB_PROTO_OUT}/grpc/health/v1/health.pb-c.h)
set_source_files_properties(${HB_PROTO_OUT}/grpc/health/v1/health.pb-c.c PROPERTIES
  COMPILE_OPTIONS "-Wno-missing-prototypes;-Wno-error" GENERATED TRUE)

# The wire format alone, pure, for the module and the unit tests.
add_library(hb_grpc_wire STATIC kinds/grpc_wire.c ${HB_PROTO_OUT}/grpc/health/v1/health.pb-c.c)
add_dependencies(hb_grpc_wire hb_health_gen)
set_target_properties(hb_grpc_wire PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_include_directories(hb_grpc_wire PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/kinds ${HB_PROTO_OUT})
target_link_libraries(hb_grpc_wire PUBLIC hb_attempt_pic)

target_sources(hookbox-http PRIVATE kinds/grpc.c)
target_link_libraries(hookbox-http PRIVATE hb_grpc_wire)
