# SPDX-License-Identifier: MIT
# The grpc check kind (issue 15): its wire format, and health checks
# against a real gRPC server (python3-grpcio).
hb_integration(grpc integration/grpc.sh)
hb_unit(test_grpc SOURCES unit/test_grpc.c LIBS hb_grpc_wire hb_agent)
