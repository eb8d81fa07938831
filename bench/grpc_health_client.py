#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""One grpc.health.v1.Health/Check call with Debian's python3-grpcio, what
bench/grpc.sh times hookbox's grpc check against (as grpc_health_probe
would be, which Debian does not package). Exits 0 on SERVING, 1 otherwise.

  grpc_health_client.py HOST:PORT [SERVICE]
"""
import sys

import grpc


def main():
    target = sys.argv[1]
    service = sys.argv[2].encode() if len(sys.argv) > 2 else b""
    # HealthCheckRequest by hand (field 1, a string), as the test server.
    request = b"\x0a" + bytes([len(service)]) + service if service else b""
    with grpc.insecure_channel(target) as channel:
        call = channel.unary_unary("/grpc.health.v1.Health/Check",
                                   request_serializer=lambda b: b,
                                   response_deserializer=lambda b: b)
        try:
            answer = call(request, timeout=5)
        except grpc.RpcError as e:
            print("status %s: %s" % (e.code().name, e.details()))
            return 1
    serving = answer == b"\x08\x01"
    print("SERVING" if serving else "not serving: %r" % answer)
    return 0 if serving else 1


if __name__ == "__main__":
    sys.exit(main())
