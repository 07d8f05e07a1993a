#!/usr/bin/env python3
"""A fake Harness NG API for the tests: HTTPS on 127.0.0.1, serving an
account fixture (samples/harness/NAME) in the API's envelopes.

usage: fake_harness.py --cert C --key K --fixture DIR --key-value KEY
                       [--page N] [--fail PATH:PAGE] [--log FILE]

Prints "PORT <n>". Lists are paged (pageIndex/pageSize for connectors,
projects and user groups; page/size for pipelines) at most --page items a
page whatever is asked, so paging is exercised. A wrong x-api-key gets 401.
--fail PATH:PAGE answers 500 for that page of that list, every time.
A pipeline stored as pipelines/ORG.PROJECT.ID.json is sent as it is (the
fixtures use this for malformed JSON); .yaml ones go in data.yamlPipeline.
"""
import argparse
import glob
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def load(fixture, name, default):
    try:
        with open(os.path.join(fixture, name)) as f:
            return json.load(f)
    except OSError:
        return default


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def ok(self, data):
        self.reply(200, {"status": "SUCCESS", "data": data,
                         "metaData": None, "correlationId": "test"})

    def page(self, items, index, size):
        size = max(1, min(size, self.server.opts.page))
        total = max(1, (len(items) + size - 1) // size)
        self.ok({"totalPages": total, "totalItems": len(items),
                 "pageItemCount": len(items[index * size:(index + 1) * size]),
                 "pageSize": size, "pageIndex": index, "empty": not items,
                 "content": items[index * size:(index + 1) * size]})

    def handle_any(self):
        opts = self.server.opts
        url = urlparse(self.path)
        # SMP serves the API under /gateway.
        if url.path.startswith("/gateway/"):
            url = url._replace(path=url.path[len("/gateway"):])
        q = parse_qs(url.query)
        if opts.log:
            with open(opts.log, "a") as f:
                f.write(self.command + " " + self.path + "\n")
        if self.command == "POST":
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("x-api-key") != opts.key_value:
            return self.reply(401, {"status": "ERROR", "code":
                                    "INVALID_TOKEN", "message": "Token is "
                                    "not valid."})
        if q.get("accountIdentifier") != ["acct1"]:
            return self.reply(400, {"status": "ERROR", "code":
                                    "INVALID_REQUEST"})
        index = int(q.get("pageIndex", q.get("page", ["0"]))[0])
        size = int(q.get("pageSize", q.get("size", ["100"]))[0])
        if opts.fail and opts.fail == "%s:%d" % (url.path, index):
            return self.reply(500, {"status": "ERROR", "code":
                                    "UNEXPECTED"})
        fx = opts.fixture
        if url.path == "/ng/api/connectors":
            return self.page(load(fx, "connectors.json", []), index, size)
        if url.path == "/ng/api/projects":
            return self.page(load(fx, "projects.json", []), index, size)
        if url.path == "/ng/api/user-groups":
            return self.page(load(fx, "user-groups.json", []), index, size)
        if url.path == "/ng/api/authentication-settings":
            return self.ok(load(fx, "auth.json", {}))
        org = q.get("orgIdentifier", [""])[0]
        proj = q.get("projectIdentifier", [""])[0]
        prefix = os.path.join(fx, "pipelines", "%s.%s." % (org, proj))
        if url.path == "/pipeline/api/pipelines/list":
            ids = sorted(os.path.basename(p)[len(org) + len(proj) + 2:]
                         .rsplit(".", 1)[0]
                         for p in glob.glob(prefix + "*"))
            return self.page([{"identifier": i} for i in ids], index, size)
        if url.path.startswith("/pipeline/api/pipelines/"):
            pid = url.path.rsplit("/", 1)[1]
            if os.path.exists(prefix + pid + ".json"):
                with open(prefix + pid + ".json", "rb") as f:
                    return self.reply(200, f.read())
            try:
                with open(prefix + pid + ".yaml") as f:
                    return self.ok({"yamlPipeline": f.read()})
            except OSError:
                return self.reply(404, {"status": "ERROR"})
        return self.reply(404, {"status": "ERROR"})

    do_GET = handle_any
    do_POST = handle_any


def orphan_watch(parent):
    """Exit once the test that started the server is gone."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--fixture", required=True)
    p.add_argument("--key-value", required=True)
    p.add_argument("--page", type=int, default=100)
    p.add_argument("--fail")
    p.add_argument("--log")
    opts = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.opts = opts
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(opts.cert, opts.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    threading.Thread(target=orphan_watch, args=(os.getppid(),),
                     daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
