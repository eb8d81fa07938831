#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A real gRPC server (Debian's python3-grpcio) serving grpc.health.v1.Health
for test/integration/grpc.sh and bench/grpc.sh, on loopback only.

Debian 12 packages grpcio but not grpcio-health-checking, so the Health
service is registered here through grpcio's generic handlers, and its two
messages are encoded by hand (HealthCheckRequest: field 1, a string;
HealthCheckResponse: field 1, an enum), as proto3 lays them out.

  grpc_health_server.py --port N [--host 127.0.0.1|::1]
      [--status SERVICE=SERVING|NOT_SERVING|UNKNOWN]...   ("" the server)
      [--flip SERVICE=CALLS]  NOT_SERVING for the first CALLS calls, then SERVING
      [--error SERVICE=CODE:MESSAGE]  that gRPC status (e.g. 14:warming up)
      [--no-health]           no health service at all: UNIMPLEMENTED
      [--tls CERT KEY] [--client-ca CA]  TLS; with a CA, client certificates
                                         are required
      [--count FILE]          appends one line per Check call

An unknown service answers NOT_FOUND, as grpc's own health servicers do.
Stops on SIGTERM.
"""
import argparse
import signal
import sys
import threading
from concurrent import futures

import grpc

STATUSES = {"UNKNOWN": 0, "SERVING": 1, "NOT_SERVING": 2, "SERVICE_UNKNOWN": 3}


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(buf, i):
    shift = value = 0
    while True:
        if i >= len(buf):
            raise ValueError("varint cut short")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def decode_request(buf):
    """HealthCheckRequest: the service (field 1); other fields skipped."""
    service, i = "", 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, i = read_varint(buf, i)
        elif wire == 2:
            n, i = read_varint(buf, i)
            if field == 1:
                service = buf[i:i + n].decode("utf-8")
            i += n
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return service


def encode_response(status):
    # proto3 leaves a field at its default (UNKNOWN, 0) out.
    return b"" if status == 0 else b"\x08" + varint(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--status", action="append", default=[])
    ap.add_argument("--flip", action="append", default=[])
    ap.add_argument("--error", action="append", default=[])
    ap.add_argument("--no-health", action="store_true")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--client-ca")
    ap.add_argument("--count")
    args = ap.parse_args()
    if args.host not in ("127.0.0.1", "::1"):
        sys.exit("grpc_health_server: loopback addresses only")

    statuses = {"": STATUSES["SERVING"]}
    for s in args.status:
        name, _, st = s.partition("=")
        statuses[name] = STATUSES[st]
    flips = {}
    for f in args.flip:
        name, _, calls = f.partition("=")
        flips[name] = int(calls)
    errors = {}
    for e in args.error:
        name, _, rest = e.partition("=")
        code, _, msg = rest.partition(":")
        errors[name] = (int(code), msg)
    lock = threading.Lock()

    def check(request, context):
        service = request
        with lock:
            if args.count:
                with open(args.count, "a") as f:
                    f.write(service + "\n")
            if service in flips:
                if flips[service] > 0:
                    flips[service] -= 1
                    return encode_response(STATUSES["NOT_SERVING"])
                return encode_response(STATUSES["SERVING"])
        if service in errors:
            code, msg = errors[service]
            codes = {c.value[0]: c for c in grpc.StatusCode}
            context.abort(codes[code], msg)
        if service not in statuses:
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        return encode_response(statuses[service])

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    if not args.no_health:
        handler = grpc.unary_unary_rpc_method_handler(
            check, request_deserializer=decode_request,
            response_serializer=lambda b: b)
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health", {"Check": handler}),))
    address = "[%s]:%d" % (args.host, args.port) if ":" in args.host \
        else "%s:%d" % (args.host, args.port)
    if args.tls:
        cert = open(args.tls[0], "rb").read()
        key = open(args.tls[1], "rb").read()
        ca = open(args.client_ca, "rb").read() if args.client_ca else None
        creds = grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=ca,
            require_client_auth=ca is not None)
        bound = server.add_secure_port(address, creds)
    else:
        bound = server.add_insecure_port(address)
    if bound != args.port:
        sys.exit("grpc_health_server: could not listen on %s" % address)
    server.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print("listening on %s" % address, flush=True)
    done.wait()
    server.stop(0)


if __name__ == "__main__":
    main()
