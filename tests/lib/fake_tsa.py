"""A time-stamping authority for the tests: plain HTTP on 127.0.0.1, each
POSTed RFC 3161 query answered by `openssl ts -reply` with the test TSA's
key (a real TSA implementation, not one written here). Prints "PORT <n>"
once it listens; exits once the test that started it is gone.

usage: fake_tsa.py --config TS.CNF [--log FILE] [--mode MODE]

MODE is how it answers:
  good     the token asked for (default)
  fail     HTTP 500
  garbage  HTTP 200 with bytes that are no reply
  other    a genuine token, but over other data (a replay)
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reply(config, query):
    """openssl ts -reply for the DER query; the DER reply."""
    with tempfile.TemporaryDirectory() as d:
        q = os.path.join(d, "q.tsq")
        r = os.path.join(d, "r.tsr")
        with open(q, "wb") as f:
            f.write(query)
        subprocess.run(["openssl", "ts", "-reply", "-config", config,
                        "-queryfile", q, "-out", r], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(r, "rb") as f:
            return f.read()


def other_query():
    """A query over data no test signs: a token for it is a replay."""
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "other")
        with open(data, "wb") as f:
            f.write(b"not this bundle's signature\n")
        out = subprocess.run(["openssl", "ts", "-query", "-data", data,
                              "-sha256", "-cert"], check=True,
                             capture_output=True)
        return out.stdout


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        if self.server.opts.log:
            with open(self.server.opts.log, "a") as f:
                f.write("%s %s\n" % (self.command, self.path))

    def answer(self, status, body, ctype="application/timestamp-reply"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(n)
        self.log_message("")
        mode = self.server.opts.mode
        if self.headers.get("Content-Type") != "application/timestamp-query":
            self.answer(415, b"want application/timestamp-query\n",
                        "text/plain")
        elif mode == "fail":
            self.answer(500, b"the TSA is down\n", "text/plain")
        elif mode == "garbage":
            self.answer(200, b"\x30\x03\x02\x01\x00 not a reply")
        else:
            if mode == "other":
                query = other_query()
            self.answer(200, reply(self.server.opts.config, query))


def watch_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--log")
    p.add_argument("--mode", default="good",
                   choices=["good", "fail", "garbage", "other"])
    opts = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.opts = opts
    threading.Thread(target=watch_parent, daemon=True).start()
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
