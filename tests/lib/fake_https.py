"""What the tests' fake API servers share: HTTPS on 127.0.0.1 with the
test CA's certificate (optionally demanding a client certificate), JSON
answers, a log of every request line, faults a real server or the
network between produces, and an exit once the test that started the
server is gone.

A fake subclasses Handler, sets route(self) to answer each request, and
calls serve(Handler, opts) with argparse options that add_common()
declared. It prints "PORT <n>" once it listens.
"""
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def add_common(p):
    """The options every fake takes."""
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--fixture", required=True)
    p.add_argument("--log", help="append every request line here")
    p.add_argument("--client-ca",
                   help="demand a client certificate signed by this CA")
    p.add_argument("--cut", help="announce the whole answer at this path "
                   "and drop the connection half-way through the body")


class Handler(BaseHTTPRequestHandler):
    """JSON over HTTPS, each request logged; subclasses answer in route()."""

    def log_message(self, *args):
        pass

    def log_request_line(self):
        opts = self.server.opts
        if opts.log:
            with self.server.lock:
                with open(opts.log, "a") as f:
                    f.write(self.command + " " + self.path + "\n")

    def body(self):
        """The request body (read once; empty for none)."""
        if not hasattr(self, "_body"):
            n = int(self.headers.get("Content-Length", "0") or "0")
            self._body = self.rfile.read(n) if n > 0 else b""
        return self._body

    def send_bytes(self, code, body, ctype="application/json", extra=None,
                   cut=False):
        """Send body; with cut, only its first half before the
        connection is dropped (the length still announces it all)."""
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not cut:
            self.wfile.write(body)
            return
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)

    def send_json(self, code, obj, extra=None, cut=False):
        self.send_bytes(code, json.dumps(obj).encode(), extra=extra, cut=cut)

    def seen(self, key):
        """How many times key was asked before (for first-time faults)."""
        with self.server.lock:
            n = self.server.seen.get(key, 0)
            self.server.seen[key] = n + 1
        return n

    def handle_any(self):
        self.log_request_line()
        self.route()

    do_GET = handle_any
    do_POST = handle_any
    do_DELETE = handle_any


def orphan_watch(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def serve(handler, opts, **state):
    """Listen on 127.0.0.1 with TLS and serve for ever; state becomes
    attributes of the server (shared by the handler threads, under
    server.lock)."""
    threading.Thread(target=orphan_watch, args=(os.getppid(),),
                     daemon=True).start()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.opts = opts
    srv.lock = threading.Lock()
    srv.seen = {}
    for k, v in state.items():
        setattr(srv, k, v)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(opts.cert, opts.key)
    if getattr(opts, "client_ca", None):
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(opts.client_ca)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()
    return 0
