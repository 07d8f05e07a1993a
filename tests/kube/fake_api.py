#!/usr/bin/env python3
"""A fake Kubernetes API server for the tests: HTTPS on 127.0.0.1, serving
a snapshot fixture (samples/cluster/NAME) the way the API serves lists.

usage: fake_api.py --cert C --key K --fixture DIR --token T [--page N]
                   [--flaky] [--broken PATH] [--log FILE]

Prints "PORT <n>". Like the real API: items carry no kind, lists are paged
with limit/continue (at most --page items a page, whatever limit says, so
paging is exercised), a wrong bearer token gets 401. --flaky answers the
first nodes request with 429 (Retry-After: 1) and the first configmaps
request with 500; --broken PATH always answers 500 there. Every request
line goes to --log.
"""
import argparse
import json
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ROUTES = {
    "/api/v1/nodes": ("nodes.json", None, "NodeList"),
    "/api/v1/secrets": ("helm-releases.json", None, "SecretList"),
    "/api/v1/configmaps": ("configmaps.json", None, "ConfigMapList"),
    "/apis/apps/v1/deployments": ("workloads.json", "Deployment",
                                  "DeploymentList"),
    "/apis/apps/v1/statefulsets": ("workloads.json", "StatefulSet",
                                   "StatefulSetList"),
    "/apis/networking.k8s.io/v1/ingresses": ("ingresses.json", None,
                                             "IngressList"),
    "/api/v1/services": ("services.json", None, "ServiceList"),
}


def items_for(fixture, route, query):
    name, kind, _ = ROUTES[route]
    try:
        with open(os.path.join(fixture, name)) as f:
            items = json.load(f).get("items", [])
    except (OSError, ValueError):
        items = []
    if kind:
        items = [i for i in items if i.get("kind") == kind]
    sel = query.get("labelSelector", [None])[0]
    if sel:
        k, _, v = sel.partition("=")
        items = [i for i in items
                 if i.get("metadata", {}).get("labels", {}).get(k) == v]
    out = []
    for i in items:
        i = dict(i)
        i.pop("kind", None)
        i.pop("apiVersion", None)
        out.append(i)
    return out


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_json(self, code, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        opts = self.server.opts
        url = urlparse(self.path)
        query = parse_qs(url.query)
        with self.server.lock:
            if opts.log:
                with open(opts.log, "a") as f:
                    f.write(self.path + "\n")
            seen = self.server.seen.get(url.path, 0)
            self.server.seen[url.path] = seen + 1
        if self.headers.get("Authorization") != "Bearer " + opts.token:
            return self.send_json(401, {"kind": "Status", "code": 401,
                                        "reason": "Unauthorized"})
        if url.path not in ROUTES:
            return self.send_json(404, {"kind": "Status", "code": 404})
        if opts.broken == url.path:
            return self.send_json(500, {"kind": "Status", "code": 500})
        if opts.flaky and seen == 0 and url.path == "/api/v1/nodes":
            return self.send_json(429, {"kind": "Status", "code": 429},
                                  {"Retry-After": "1"})
        if opts.flaky and seen == 0 and url.path == "/api/v1/configmaps":
            return self.send_json(500, {"kind": "Status", "code": 500})
        items = items_for(opts.fixture, url.path, query)
        limit = int(query.get("limit", ["500"])[0])
        start = int(query.get("continue", ["off-0"])[0][4:])
        size = min(limit, opts.page)
        page = items[start:start + size]
        meta = {"resourceVersion": "42"}
        if start + size < len(items):
            meta["continue"] = "off-%d" % (start + size)
        self.send_json(200, {"kind": ROUTES[url.path][2], "apiVersion": "v1",
                             "metadata": meta, "items": page})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--fixture", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--page", type=int, default=500)
    p.add_argument("--flaky", action="store_true")
    p.add_argument("--broken")
    p.add_argument("--log")
    opts = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.opts = opts
    srv.seen = {}
    srv.lock = threading.Lock()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(opts.cert, opts.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
