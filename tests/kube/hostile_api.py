#!/usr/bin/env python3
"""A hostile Kubernetes API server for the memory test: HTTPS on
127.0.0.1, answers generated as a stream (never held whole here), each
list shaped to reach one of fipsev's caps.

usage: hostile_api.py --cert C --key K --fixture DIR [--log FILE]

Prints "PORT <n>". Nodes and Helm release Secrets are the fixture's, but
a nodes page asked with more than 100 items carries 80 MiB of padding (so
fipsev must ask again in smaller pages); configmaps page with a continue
token that comes back two pages later; deployments are one page of 16 MiB
of empty items; ingresses page for ever with fresh tokens and 8 MiB of
padding a page; services are one item of 3.5 MiB of nested empty arrays
(a million JSON values); cron jobs are 80 items of 3 MiB each, paged as
asked, more than the memory budget all lists share.
"""
import argparse
import json
import os
import sys
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fake_https  # noqa: E402

MIB = 1 << 20
CHUNK = 1 << 20


def fixture_items(fixture, name):
    with open(os.path.join(fixture, name)) as f:
        return json.load(f).get("items", [])


class Hostile(fake_https.Handler):
    def stream(self, parts):
        """Send the concatenation of parts: (bytes, count) pairs, each
        bytes repeated count times, with its length announced first."""
        total = sum(len(b) * n for b, n in parts)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        try:
            for b, n in parts:
                if n == 1 or len(b) >= CHUNK:
                    for _ in range(n):
                        self.wfile.write(b)
                    continue
                per = max(1, CHUNK // len(b))
                block = b * per
                left = n
                while left > 0:
                    k = min(per, left)
                    self.wfile.write(block if k == per else b * k)
                    left -= k
        except OSError:  # fipsev hung up at its cap (broken pipe, TLS EOF)
            self.close_connection = True

    def page(self, items_json, cont=None, pad=0):
        """A list page: items (JSON text), a padding field of pad bytes,
        and a continue token."""
        meta = {"continue": cont} if cont else {}
        head = b'{"kind":"List","apiVersion":"v1","padding":"'
        tail = ('","items":%s,"metadata":%s}' % (
            items_json, json.dumps(meta))).encode()
        self.stream([(head, 1), (b"x", pad), (tail, 1)])

    def route(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        limit = int(q.get("limit", ["500"])[0])
        cont = q.get("continue", [""])[0]
        fx = self.server.opts.fixture
        p = url.path
        if p == "/api/v1/nodes":
            items = json.dumps(fixture_items(fx, "nodes.json"))
            self.page(items, pad=80 * MIB if limit > 100 else 0)
        elif p == "/api/v1/secrets":
            self.page(json.dumps(fixture_items(fx, "helm-releases.json")))
        elif p == "/api/v1/configmaps":
            # a, b, then a again: not the last token, an earlier one.
            nxt = {"": "a", "a": "b", "b": "a"}.get(cont, "a")
            self.page("[]", cont=nxt)
        elif p == "/apis/apps/v1/deployments":
            head = b'{"kind":"List","items":['
            self.stream([(head, 1), (b"{},", 16 * MIB // 3), (b"{}]}", 1)])
        elif p == "/apis/apps/v1/statefulsets":
            self.page("[]")
        elif p == "/apis/networking.k8s.io/v1/ingresses":
            n = int(cont or "0") + 1
            self.page("[]", cont=str(n), pad=8 * MIB)
        elif p == "/api/v1/services":
            head = b'{"items":[{"metadata":{"name":"dense"},"spec":['
            self.stream([(head, 1), (b"[],", int(3.5 * MIB) // 3),
                         (b"[]]}]}", 1)])
        elif p == "/apis/batch/v1/cronjobs":
            start = int(cont or "0")
            n = max(0, min(limit, 80 - start))
            item = ('{"metadata":{"name":"c%d","namespace":"x"},'
                    '"spec":{"note":"')
            parts = [(b'{"kind":"List","items":[', 1)]
            for i in range(n):
                parts += [((item % (start + i)).encode(), 1),
                          (b"y", 3 * MIB), (b'"}}', 1)]
                if i + 1 < n:
                    parts.append((b",", 1))
            nxt = start + n
            meta = {"continue": str(nxt)} if nxt < 80 else {}
            parts.append((('],"metadata":%s}' % json.dumps(meta)).encode(),
                          1))
            self.stream(parts)
        else:
            self.send_json(404, {"kind": "Status", "code": 404})


def main():
    p = argparse.ArgumentParser()
    fake_https.add_common(p)
    opts = p.parse_args()
    return fake_https.serve(Hostile, opts)


if __name__ == "__main__":
    sys.exit(main())
