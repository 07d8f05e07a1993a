#!/usr/bin/env python3
"""A fake Kubernetes API server for the tests: HTTPS on 127.0.0.1, serving
a snapshot fixture (samples/cluster/NAME) the way the API serves lists.

usage: fake_api.py --cert C --key K --fixture DIR --token T [--page N]
                   [--flaky] [--broken PATH] [--log FILE] [--pods FILE]
                   [--stuck-node NODE] [--forbid PATH] [--client-ca CA]
                   [--cut PATH]

Prints "PORT <n>". Like the real API: items carry no kind, lists are paged
with limit/continue (at most --page items a page, whatever limit says, so
paging is exercised), a wrong bearer token gets 401. --flaky answers the
first nodes request with 429 (Retry-After: 1) and the first configmaps
request with 500; --broken PATH always answers 500 there, --forbid PATH
403 (RBAC says no). --client-ca CA demands a client certificate signed by
CA instead of the token. --cut PATH announces the whole list there but
drops the connection half-way through the body. Every request line goes to
--log. The server exits by itself once the test that started it is gone.

Probe pods: POST creates a pod (its JSON appended to --pods), GET shows it
Succeeded at once (Pending for ever on --stuck-node; Failed for a node with
no report in the fixture), .../log gives the fixture's
node-reports/NODE.json, DELETE removes it.
"""
import argparse
import base64
import itertools
import json
import re
import os
import sys
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fake_https  # noqa: E402

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
    "/apis/batch/v1/cronjobs": ("cronjobs.json", None, "CronJobList"),
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


POD = re.compile(r"^/api/v1/namespaces/([^/]+)/pods(?:/([^/]+))?(/log)?$")
SECRET = re.compile(r"^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$")


class Handler(fake_https.Handler):
    def route(self):
        {"GET": self.get, "POST": self.post,
         "DELETE": self.delete}[self.command]()

    def authorized(self):
        opts = self.server.opts
        # With --client-ca the TLS layer has checked a client certificate.
        if not opts.client_ca and \
                self.headers.get("Authorization") != "Bearer " + opts.token:
            self.send_json(401, {"kind": "Status", "code": 401,
                                 "reason": "Unauthorized"})
            return False
        return True

    def report(self, node):
        path = os.path.join(self.server.opts.fixture, "node-reports",
                            node + ".json")
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None

    def pod_json(self, pod):
        phase = "Succeeded"
        if pod["node"] == self.server.opts.stuck_node:
            phase = "Pending"
        elif self.report(pod["node"]) is None:
            phase = "Failed"
        return {"kind": "Pod", "apiVersion": "v1",
                "metadata": {"name": pod["name"], "namespace": pod["ns"]},
                "spec": {"nodeName": pod["node"]},
                "status": {"phase": phase}}

    def post(self):
        if not self.authorized():
            return
        m = POD.match(urlparse(self.path).path)
        if not m or m.group(2):
            return self.send_json(404, {"kind": "Status", "code": 404})
        body = json.loads(self.body())
        with self.server.lock:
            name = body["metadata"]["generateName"] + "%05d" % next(
                self.server.counter)
            pod = {"name": name, "ns": m.group(1),
                   "node": body["spec"]["nodeName"]}
            self.server.pods[name] = pod
            if self.server.opts.pods:
                with open(self.server.opts.pods, "a") as f:
                    f.write(json.dumps(body) + "\n")
        self.send_json(201, self.pod_json(pod))

    def delete(self):
        if not self.authorized():
            return
        m = POD.match(urlparse(self.path).path)
        with self.server.lock:
            pod = self.server.pods.pop(m.group(2), None) if m else None
        if pod is None:
            return self.send_json(404, {"kind": "Status", "code": 404})
        self.send_json(200, self.pod_json(pod))

    def secret(self, ns, name):
        """A Secret the fixture's db-secrets.json names, each value the
        planted DBPW-TRAP text cut to the recorded length (the fixture
        holds lengths only, as the snapshot recipe writes them)."""
        try:
            with open(os.path.join(self.server.opts.fixture,
                                   "db-secrets.json")) as f:
                items = json.load(f)["items"]
        except (OSError, ValueError, KeyError):
            items = []
        for i in items:
            if i["metadata"] == {"namespace": ns, "name": name}:
                data = {k: base64.b64encode((("DBPW-TRAP-" * (n // 10 + 1))
                                             [:n]).encode()).decode()
                        for k, n in i["lengths"].items()}
                return self.send_json(200, {
                    "kind": "Secret", "apiVersion": "v1",
                    "metadata": {"namespace": ns, "name": name},
                    "type": "Opaque", "data": data})
        return self.send_json(404, {"kind": "Status", "code": 404,
                                    "reason": "NotFound"})

    def get(self):
        opts = self.server.opts
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if not self.authorized():
            return
        seen = self.seen(url.path)
        m = POD.match(url.path)
        if m and m.group(2):
            with self.server.lock:
                pod = self.server.pods.get(m.group(2))
            if pod is None:
                return self.send_json(404, {"kind": "Status", "code": 404})
            if not m.group(3):
                return self.send_json(200, self.pod_json(pod))
            log = self.report(pod["node"]) or \
                b"fipsev: cannot open root directory '/host'\n"
            return self.send_bytes(200, log, ctype="text/plain")
        if url.path == opts.forbid:
            return self.send_json(403, {"kind": "Status", "code": 403,
                                        "reason": "Forbidden"})
        m = SECRET.match(url.path)
        if m:
            return self.secret(m.group(1), m.group(2))
        ns = None
        m = re.match(r"^/api/v1/namespaces/([^/]+)/secrets$", url.path)
        if m:
            ns = m.group(1)
            url = url._replace(path="/api/v1/secrets")
        if url.path not in ROUTES:
            return self.send_json(404, {"kind": "Status", "code": 404})
        if opts.broken == url.path:
            return self.send_json(500, {"kind": "Status", "code": 500})
        if opts.cut == url.path:
            return self.send_json(200, {"kind": ROUTES[url.path][2], "items":
                                        items_for(opts.fixture, url.path,
                                                  query)}, cut=True)
        if opts.flaky and seen == 0 and url.path == "/api/v1/nodes":
            return self.send_json(429, {"kind": "Status", "code": 429},
                                  {"Retry-After": "1"})
        if opts.flaky and seen == 0 and url.path == "/api/v1/configmaps":
            return self.send_json(500, {"kind": "Status", "code": 500})
        items = items_for(opts.fixture, url.path, query)
        if ns is not None:
            items = [i for i in items
                     if i.get("metadata", {}).get("namespace") == ns]
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
    fake_https.add_common(p)
    p.add_argument("--token", required=True)
    p.add_argument("--page", type=int, default=500)
    p.add_argument("--flaky", action="store_true")
    p.add_argument("--broken")
    p.add_argument("--pods")
    p.add_argument("--stuck-node")
    p.add_argument("--forbid")
    opts = p.parse_args()
    return fake_https.serve(Handler, opts, pods={},
                            counter=itertools.count())


if __name__ == "__main__":
    sys.exit(main())
