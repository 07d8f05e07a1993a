#!/usr/bin/env python3
"""A fake Harness NG API for the tests: HTTPS on 127.0.0.1 serving an
account fixture (samples/harness/NAME) as the real server answers.

usage: fake_harness.py --cert C --key K --fixture DIR --key-value KEY
                       [--page N] [--fail PATH:PAGE] [--log FILE]
                       [--record FILE] [--no-resolve] [--multi-idp]

Prints "PORT <n>". What it follows, from Harness's Go SDK (harness-go-sdk
harness/nextgen) and the server's resources (ng-manager, pipeline-service):

- Envelopes: ResponseDTO {status, data, metaData, correlationId} for most
  resources; RestResponse {metaData, resource, responseMessages} for the
  authentication settings; ErrorDTO {status: ERROR, code, message} on
  failure (401 for a wrong x-api-key).
- Scope is exact: connectors and user groups are listed for the account,
  an org or a project exactly as orgIdentifier/projectIdentifier name it
  (absent = null). Projects without orgIdentifier are every org's.
  Pipelines exist only in projects (the three identifiers are required).
- Paging: PageResponse {content, pageIndex, pageSize, totalPages,
  totalItems, pageItemCount, empty} by pageIndex/pageSize; the pipeline
  list is a Spring Page {content, number, size, totalPages, totalElements,
  numberOfElements, first, last, empty} by page/size. At most --page items
  a page whatever is asked, so paging is exercised.
- The built-in secret manager: a connector harnessSecretManager
  (harnessManaged: true) at the account, every org and every project, as
  the server makes one at each. Every scope also has its all-users group
  (_account_all_users, _organization_all_users, _project_all_users).
- Templates: with getTemplatesResolvedPipeline=true a pipeline's stages
  and steps that name a template (template.templateRef) come back
  resolved from templates/ID.yaml in resolvedTemplatesPipelineYaml; a
  template that is missing, or --no-resolve, leaves it null (the server
  only logs the failure).
- The authentication settings v1 refuse an account with several identity
  providers (--multi-idp) and point at /v2, which answers the same shape.

Fixture files: organizations.json, projects.json, connectors.json,
user-groups.json (lists of the API's items), auth.json (the
AuthenticationSettingsResponse), pipelines/ORG.PROJECT.ID.yaml (or .json:
sent as it is, for malformed answers), templates/ID.yaml.
--fail PATH:PAGE answers 500 for that page of that list, every time.
--record FILE appends every answer's body and a NUL byte (the fuzzer's
seeds are the answers in the order fipsev asks).
"""
import argparse
import glob
import json
import os
import sys
from urllib.parse import parse_qs, urlparse

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fake_https  # noqa: E402

ACCOUNT = "acct1"


def load(fixture, name, default):
    try:
        with open(os.path.join(fixture, name)) as f:
            return json.load(f)
    except OSError:
        return default


def orgs(fx):
    return load(fx, "organizations.json",
                [{"organization": {"identifier": "default",
                                   "name": "default"},
                  "harnessManaged": True}])


def projects(fx):
    return load(fx, "projects.json", [])


def scopes(fx):
    """Every scope as (org, project): the account, orgs, projects."""
    out = [(None, None)]
    out += [(o["organization"]["identifier"], None) for o in orgs(fx)]
    out += [(p["project"]["orgIdentifier"], p["project"]["identifier"])
            for p in projects(fx)]
    return out


def in_scope(org, proj, want_org, want_proj):
    return (org or None) == want_org and (proj or None) == want_proj


def connectors(fx, org, proj):
    """ConnectorResponse items of exactly this scope."""
    builtin = {"connector": {"name": "Harness Built-in Secret Manager",
                             "identifier": "harnessSecretManager",
                             "orgIdentifier": org,
                             "projectIdentifier": proj, "tags": {},
                             "type": "GcpKms",
                             "spec": {"default": True,
                                      "delegateSelectors": []}},
               "createdAt": 1690000000000, "lastModifiedAt": 1690000000000,
               "status": {"status": "SUCCESS"}, "harnessManaged": True,
               "isFavorite": False}
    out = [builtin]
    for c in load(fx, "connectors.json", []):
        conn = c.get("connector", {})
        if in_scope(conn.get("orgIdentifier"), conn.get("projectIdentifier"),
                    org, proj):
            out.append(c)
    return out


def user_groups(fx, org, proj):
    """UserGroupDTO items of exactly this scope (EXCLUDE_INHERITED_GROUPS,
    the default filterType)."""
    name = ("_project_all_users" if proj else
            "_organization_all_users" if org else "_account_all_users")
    out = [{"accountIdentifier": ACCOUNT, "orgIdentifier": org,
            "projectIdentifier": proj, "identifier": name,
            "name": "All Users", "users": [], "notificationConfigs": [],
            "externallyManaged": False, "harnessManaged": True,
            "ssoLinked": False}]
    for g in load(fx, "user-groups.json", []):
        if in_scope(g.get("orgIdentifier"), g.get("projectIdentifier"),
                    org, proj):
            out.append(g)
    return [{k: v for k, v in g.items() if v is not None} for g in out]


class Unresolved(Exception):
    pass


def resolve(fx, node):
    """node with every stage and step made from a template replaced by
    the template's (raises Unresolved when a template is missing)."""
    if isinstance(node, list):
        return [resolve(fx, x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in ("pipeline", "stage", "stepGroup", "step") and \
                isinstance(v, dict) and "template" in v:
            ref = v["template"].get("templateRef", "")
            if ref.startswith(("account.", "org.")):
                ref = ref.split(".", 1)[1]
            try:
                with open(os.path.join(fx, "templates", ref + ".yaml")) as f:
                    t = yaml.safe_load(f)["template"]
            except (OSError, KeyError, TypeError):
                raise Unresolved(ref)
            named = {"name": v.get("name"), "identifier": v.get("identifier")}
            if k in ("stage", "step"):
                # Stage and step templates: spec holds {type, spec}.
                v = dict(named, type=t["spec"]["type"],
                         spec=t["spec"].get("spec", {}))
            else:
                # Pipeline and step group templates: spec is the body.
                v = dict(named, **{x: y for x, y in t["spec"].items()
                                   if x != "stageType"})
        out[k] = resolve(fx, v)
    return out


class Handler(fake_https.Handler):
    def reply(self, code, obj):
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        if self.server.opts.record:
            with self.server.lock:
                with open(self.server.opts.record, "ab") as f:
                    f.write(body + b"\0")
        self.send_bytes(code, body)

    def error(self, code, what, message):
        self.reply(code, {"status": "ERROR", "code": what,
                          "message": message, "correlationId": "test"})

    def ok(self, data):
        self.reply(200, {"status": "SUCCESS", "data": data,
                         "metaData": None, "correlationId": "test"})

    def cut(self, items, index, size):
        size = max(1, min(size, self.server.opts.page))
        total = max(1, (len(items) + size - 1) // size)
        return items[index * size:(index + 1) * size], size, total

    def page(self, items, index, size):
        content, size, total = self.cut(items, index, size)
        self.ok({"totalPages": total, "totalItems": len(items),
                 "pageItemCount": len(content), "pageSize": size,
                 "content": content, "pageIndex": index,
                 "empty": not items})

    def spring_page(self, items, index, size):
        content, size, total = self.cut(items, index, size)
        self.ok({"content": content, "totalPages": total,
                 "totalElements": len(items), "number": index,
                 "size": size, "numberOfElements": len(content),
                 "first": index == 0, "last": index >= total - 1,
                 "empty": not content})

    def route(self):
        opts = self.server.opts
        url = urlparse(self.path)
        # SMP serves the API under /gateway.
        path = url.path[len("/gateway"):] if url.path.startswith(
            "/gateway/") else url.path
        q = parse_qs(url.query)
        if self.command == "POST":
            self.body()
        if self.headers.get("x-api-key") != opts.key_value:
            return self.error(401, "INVALID_TOKEN", "Token is not valid.")
        if q.get("accountIdentifier") != [ACCOUNT]:
            return self.error(400, "INVALID_REQUEST",
                              "accountIdentifier is wrong")
        # The pipeline list pages by page/size, the NG lists by
        # pageIndex/pageSize; each ignores the other's names.
        paged_by = ("page", "size") if path == "/pipeline/api/pipelines/" \
            "list" else ("pageIndex", "pageSize")
        index = int(q.get(paged_by[0], ["0"])[0])
        size = int(q.get(paged_by[1], ["100" if paged_by[0] ==
                                         "pageIndex" else "25"])[0])
        if opts.fail and opts.fail == "%s:%d" % (path, index):
            return self.error(500, "UNEXPECTED", "Oops, something went "
                              "wrong on our end.")
        fx = opts.fixture
        org = q.get("orgIdentifier", [None])[0]
        proj = q.get("projectIdentifier", [None])[0]
        if proj is not None and org is None:
            return self.error(400, "INVALID_REQUEST",
                              "projectIdentifier without orgIdentifier")
        if path in ("/ng/api/connectors", "/ng/api/connectors/listV2"):
            if path.endswith("listV2") and (self.command != "POST" or
                                            json.loads(self.body() or b"{}")
                                            .get("filterType") !=
                                            "Connector"):
                return self.error(400, "INVALID_REQUEST", "filterType")
            return self.page(connectors(fx, org, proj), index, size)
        if path == "/ng/api/organizations":
            return self.page(orgs(fx), index, size)
        if path == "/ng/api/projects":
            return self.page([p for p in projects(fx) if org is None or
                              p["project"]["orgIdentifier"] == org],
                             index, size)
        if path == "/ng/api/user-groups":
            return self.page(user_groups(fx, org, proj), index, size)
        if path.startswith("/ng/api/authentication-settings"):
            if path.endswith("/v2") != bool(opts.multi_idp):
                if opts.multi_idp:
                    return self.error(400, "INVALID_REQUEST", "Multiple "
                                      "IdP support is enabled. Please use "
                                      "v2 version of API endpoint")
                return self.error(404, "RESOURCE_NOT_FOUND", "no v2 here")
            return self.reply(200, {"metaData": {}, "resource": load(
                fx, "auth.json", {}), "responseMessages": []})
        if path.startswith("/pipeline/api/pipelines"):
            if org is None or proj is None:
                return self.error(400, "INVALID_REQUEST", "orgIdentifier "
                                  "and projectIdentifier are required")
            return self.pipeline(path, fx, org, proj, q, index, size)
        return self.error(404, "RESOURCE_NOT_FOUND", path)

    def pipeline(self, path, fx, org, proj, q, index, size):
        prefix = os.path.join(fx, "pipelines", "%s.%s." % (org, proj))
        if path == "/pipeline/api/pipelines/list":
            if self.command != "POST" or json.loads(
                    self.body() or b"{}").get("filterType") != \
                    "PipelineSetup":
                return self.error(400, "INVALID_REQUEST", "filterType")
            ids = sorted(os.path.basename(p)[len(org) + len(proj) + 2:]
                         .rsplit(".", 1)[0]
                         for p in glob.glob(glob.escape(prefix) + "*"))
            return self.spring_page([{"name": i, "identifier": i,
                                      "storeType": "INLINE"} for i in ids],
                                    index, size)
        pid = path.rsplit("/", 1)[1]
        if os.path.exists(prefix + pid + ".json"):
            with open(prefix + pid + ".json", "rb") as f:
                return self.reply(200, f.read())
        try:
            with open(prefix + pid + ".yaml") as f:
                text = f.read()
        except OSError:
            return self.error(404, "RESOURCE_NOT_FOUND", "no pipeline")
        resolved = None
        if q.get("getTemplatesResolvedPipeline") == ["true"] and \
                not self.server.opts.no_resolve:
            # Without templates the YAML comes back as it is.
            try:
                tree = yaml.safe_load(text)
                done = resolve(fx, tree)
                resolved = text if done == tree else \
                    yaml.safe_dump(done, sort_keys=False)
            except Unresolved:
                pass
        return self.ok({"yamlPipeline": text,
                        "resolvedTemplatesPipelineYaml": resolved,
                        "modules": [], "storeType": "INLINE",
                        "entityValidityDetails": {"valid": True}})


def main():
    p = argparse.ArgumentParser()
    fake_https.add_common(p)
    p.add_argument("--key-value", required=True)
    p.add_argument("--page", type=int, default=100)
    p.add_argument("--fail")
    p.add_argument("--record")
    p.add_argument("--no-resolve", action="store_true")
    p.add_argument("--multi-idp", action="store_true")
    return fake_https.serve(Handler, p.parse_args())


if __name__ == "__main__":
    sys.exit(main())
