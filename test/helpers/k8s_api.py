#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A stand-in for the Kubernetes API server, for test/integration/k8s.sh.

The HTTP and TLS are real (http.server and ssl of Debian's Python, a
certificate the test made); the API is a recording: objects are served from
JSON files with the shapes a real API server returns (test/fixtures/k8s/),
and the answers to a bad token, a forbidden resource and a missing object
are the API's Status objects, with the API's own wording.

usage: k8s_api.py CONFIG.json

CONFIG: {"address": "127.0.0.1", "port": N, "cert": F, "key": F (no
         "cert": plain HTTP, as kubectl proxy serves the API),
         "fixtures": DIR, "log": FILE,
         "tokens": {"TOKEN": {"user": "system:serviceaccount:NS:SA",
                              "may_get": ["deployments.apps", ...]}},
         "objects": {"/apis/apps/v1/namespaces/shop/deployments/web":
                     ["first.json", "second.json", ...]}}

An object's files are served one per request, in order, the last one from
then on: a rollout moves on as its controller would. Each request is logged
as one line: "METHOD PATH token=yes|no".
"""
import json
import re
import socket
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = json.load(open(sys.argv[1]))
SEEN = {}

# /api/v1[/namespaces/NS]/RESOURCE/NAME, /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE/NAME
PATH = re.compile(r"^/(?:api/(?P<cv>v[0-9a-z]+)|apis/(?P<group>[^/]+)/(?P<gv>[^/]+))"
                  r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<resource>[^/]+)/(?P<name>[^/]+)$")
# The groups and versions this server knows, as discovery would list them:
# another one is the API server's mux's plain "404 page not found".
SERVED = {"v1", "apps/v1", "batch/v1", "apiextensions.k8s.io/v1", "cert-manager.io/v1"}


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason,
            "code": code}
    if details is not None:
        body["details"] = details
    return code, "application/json", json.dumps(body).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Audit-Id", "4f1b2c3d-0000-4000-8000-000000000000")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        with open(CONFIG["log"], "a") as log:
            log.write("GET %s token=%s\n" % (self.path, "yes" if auth else "no"))
        self.answer(*self.route(auth))

    def route(self, auth):
        who = None
        if auth.startswith("Bearer "):
            who = CONFIG["tokens"].get(auth[len("Bearer "):])
        if who is None:
            return status(401, "Unauthorized", "Unauthorized")
        m = PATH.match(self.path)
        gv = m and (m.group("cv") or "%s/%s" % (m.group("group"), m.group("gv")))
        if not m or gv not in SERVED:
            return 404, "text/plain; charset=utf-8", b"404 page not found\n"
        group = m.group("group") or ""
        resource, name, ns = m.group("resource"), m.group("name"), m.group("ns")
        full = resource + ("." + group if group else "")
        if full not in who["may_get"]:
            where = ' in the namespace "%s"' % ns if ns else " at the cluster scope"
            return status(403, "Forbidden",
                          '%s "%s" is forbidden: User "%s" cannot get resource "%s" '
                          'in API group "%s"%s' % (full, name, who["user"], resource,
                                                   group, where),
                          {"name": name, "group": group, "kind": resource})
        files = CONFIG["objects"].get(self.path)
        if not files:
            return status(404, "NotFound", '%s "%s" not found' % (full, name),
                          {"name": name, "group": group, "kind": resource})
        n = SEEN.get(self.path, 0)
        SEEN[self.path] = n + 1
        with open("%s/%s" % (CONFIG["fixtures"], files[min(n, len(files) - 1)]), "rb") as f:
            return 200, "application/json", f.read()


class Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in CONFIG["address"] else socket.AF_INET
    daemon_threads = True


def main():
    server = Server((CONFIG["address"], CONFIG["port"]), Handler)
    if CONFIG.get("cert"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(CONFIG["cert"], CONFIG["key"])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
