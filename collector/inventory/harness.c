/*
 * harness.c - see harness.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "collector/inventory/harness.h"
#include "collector/net/http.h"
#include "collector/cluster/values.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tsv.h"
#include "util/banned.h"

/* Pages of one list; more means the server is looping. */
#define HARNESS_MAX_PAGES	10000
/* Items of one list, and bytes read for it over all its pages (as for
 * Kubernetes lists, klist.h): reaching either is an error, not a cut. */
#define HARNESS_MAX_ITEMS	100000
#define HARNESS_MAX_READ	((size_t)512 << 20)

struct hc {
	struct http		 http;
	const struct harness_opts *o;
	harness_fetch_fn	 fetch;		/* NULL: over HTTPS */
	void			*fetch_arg;
	char			*acct;		/* URL-escaped account id */
	cJSON			*errors;
	int			 fatal;
};

static void
error(struct hc *c, const char *what, const char *err)
{
	char msg[700];

	snprintf(msg, sizeof(msg), "%s: %s", what, err);
	json_array_add_str(c->errors, msg);
}

/*
 * GET (or POST with payload) a page; the answer's envelope object, or
 * NULL with the failure recorded (fatal ones stop everything). Most of
 * the NG API answers in a ResponseDTO ("data"); a few older resources,
 * the authentication settings among them, in a RestResponse
 * ("resource"), so the caller names which.
 */
static cJSON *
fetch(struct hc *c, const char *method, const char *path, const char *payload,
    const char *envelope, const char *what, size_t *got)
{
	char err[600], *body;
	size_t len;
	cJSON *doc, *data;
	int r, too_big;

	r = c->fetch != NULL ? c->fetch(method, path, payload, &body, &len, err,
	    sizeof(err), c->fetch_arg) : http_request_text(&c->http, method,
	    path, payload, &body, &len, err, sizeof(err));
	if (r != 0) {
		if (r == HTTP_FATAL) {
			log_err("Harness API: %s", err);
			c->fatal = 1;
		}
		error(c, what, err);
		return NULL;
	}
	if (got != NULL)
		*got = len;
	doc = json_parse_capped(body, len, HTTP_JSON_WEIGHT_MAX, &too_big);
	free(body);
	if (too_big) {
		error(c, what, "the answer would take more than 128 MiB of "
		    "memory to read");
		return NULL;
	}
	data = cJSON_DetachItemFromObjectCaseSensitive(doc, envelope);
	cJSON_Delete(doc);
	if (!cJSON_IsObject(data)) {
		char why[100];

		cJSON_Delete(data);
		snprintf(why, sizeof(why), "the answer is not JSON with a \"%s\" "
		    "object", envelope);
		error(c, what, why);
		return NULL;
	}
	return data;
}

/*
 * Every page of a paged list: query is the path with its query string,
 * the page parameters are appended (pageIndex/pageSize, or page/size).
 * fn gets each element of data.content.
 */
static void
each_page(struct hc *c, const char *method, const char *query,
    const char *payload, const char *index_param, const char *size_param,
    const char *what, void (*fn)(struct hc *, const cJSON *, void *),
    void *arg)
{
	char path[2048];
	int page, total = 1, n, items = 0;
	size_t len, read = 0;

	for (page = 0; page < total && page < HARNESS_MAX_PAGES; page++) {
		const cJSON *item, *tp;
		cJSON *data;

		n = snprintf(path, sizeof(path), "%s&%s=%d&%s=%d", query,
		    index_param, page, size_param, c->o->page_size);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			error(c, what, "identifiers too long for a request");
			return;
		}
		if ((data = fetch(c, method, path, payload, "data", what,
		    &len)) == NULL)
			return;
		if ((read += len) > HARNESS_MAX_READ) {
			cJSON_Delete(data);
			error(c, what, "more than 512 MiB were read for this list: "
			    "the rest was not read");
			return;
		}
		tp = cJSON_GetObjectItemCaseSensitive(data, "totalPages");
		total = (int)json_number(tp, 1, HARNESS_MAX_PAGES, 1);
		/* A page without its list says nothing: not "none". */
		if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(data,
		    "content"))) {
			cJSON_Delete(data);
			error(c, what, "a page of the answer has no content list");
			return;
		}
		if (cJSON_IsNumber(tp) && tp->valuedouble > HARNESS_MAX_PAGES &&
		    page == 0)
			error(c, what, "more pages than fipsev reads (10000): "
			    "the rest were not read");
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(data,
		    "content")) {
			if (++items > HARNESS_MAX_ITEMS) {
				error(c, what, "more than 100000 items: the rest "
				    "were not read");
				break;
			}
			fn(c, item, arg);
		}
		cJSON_Delete(data);
		if (items > HARNESS_MAX_ITEMS)
			return;
	}
}

/*
 * The query naming one scope exactly: the account, an org, or a project.
 * The NG API matches orgIdentifier and projectIdentifier exactly, an
 * absent one as null (ng-manager's ConnectorFilterServiceImpl and
 * UserGroupServiceImpl), so each scope is asked on its own. extra (or
 * NULL) is appended. Returns 0, or -1 with the failure recorded.
 */
static int
scoped(struct hc *c, char *out, size_t len, const char *path,
    const char *org, const char *proj, const char *extra, const char *what)
{
	char *eo = NULL, *ep = NULL;
	int n = -1;

	if ((org != NULL && (eo = curl_easy_escape(c->http.h, org, 0)) ==
	    NULL) || (proj != NULL && (ep = curl_easy_escape(c->http.h, proj,
	    0)) == NULL))
		goto out;
	n = snprintf(out, len, "%s?accountIdentifier=%s%s%s%s%s%s", path,
	    c->acct, eo != NULL ? "&orgIdentifier=" : "", eo != NULL ? eo : "",
	    ep != NULL ? "&projectIdentifier=" : "", ep != NULL ? ep : "",
	    extra != NULL ? extra : "");
out:
	curl_free(eo);
	curl_free(ep);
	if (n < 0 || (size_t)n >= len) {
		error(c, what, "identifiers too long for a request");
		return -1;
	}
	return 0;
}

/* "connectors of org default", for the evidence's errors. */
static void
scope_what(char *out, size_t len, const char *list, const char *org,
    const char *proj)
{
	if (proj != NULL)
		snprintf(out, len, "%s of project %s/%s", list, org, proj);
	else if (org != NULL)
		snprintf(out, len, "%s of org %s", list, org);
	else
		snprintf(out, len, "%s of the account", list);
}

static void
add_connector(struct hc *c, const cJSON *item, void *arg)
{
	const cJSON *conn = cJSON_GetObjectItemCaseSensitive(item, "connector");
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(arg, o) ||
	    json_add_str(o, "identifier", json_get_str(conn, "identifier")) ||
	    json_add_str(o, "name", json_get_str(conn, "name")) ||
	    json_add_str(o, "type", json_get_str(conn, "type")) ||
	    json_add_str(o, "org", json_get_str(conn, "orgIdentifier")) ||
	    json_add_str(o, "project", json_get_str(conn,
	    "projectIdentifier")) ||
	    cJSON_AddBoolToObject(o, "harness_managed", cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(item, "harnessManaged"))) == NULL)
		c->fatal = 1;
}

/* An organization's or a project's identifiers, as {org, project}. */
static void
add_scope(struct hc *c, const cJSON *item, void *arg)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(item, "project");
	const cJSON *org = cJSON_GetObjectItemCaseSensitive(item,
	    "organization");
	cJSON *o;

	if (p == NULL && org == NULL) {
		error(c, "organizations and projects", "an entry that is neither "
		    "was skipped");
		return;
	}
	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arg, o) ||
	    json_add_str(o, "org", p != NULL ? json_get_str(p,
	    "orgIdentifier") : json_get_str(org, "identifier")) ||
	    json_add_str(o, "project", p != NULL ? json_get_str(p,
	    "identifier") : NULL))
		c->fatal = 1;
}

static void
add_identifier(struct hc *c, const cJSON *item, void *arg)
{
	const char *id = json_get_str(item, "identifier");

	/* Found by fuzz_harness_api: an entry without one crashed us. */
	if (id == NULL)
		error(c, "pipelines", "an entry without an identifier was "
		    "skipped");
	else if (json_array_add_str(arg, id) == -1)
		c->fatal = 1;
}

/*
 * A user group (UserGroupDTO): its channels, and whether it is
 * externally managed, which is how SCIM provisioning shows.
 */
static void
add_user_group(struct hc *c, const cJSON *item, void *arg)
{
	const cJSON *n;
	cJSON *o = cJSON_CreateObject(), *types;

	if (o == NULL || !cJSON_AddItemToArray(arg, o) ||
	    json_add_str(o, "identifier", json_get_str(item, "identifier")) ||
	    json_add_str(o, "org", json_get_str(item, "orgIdentifier")) ||
	    json_add_str(o, "project", json_get_str(item,
	    "projectIdentifier")) ||
	    cJSON_AddBoolToObject(o, "externally_managed", cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(item, "externallyManaged"))) ==
	    NULL ||
	    json_add_str(o, "linked_sso_type", json_get_str(item,
	    "linkedSsoType")) ||
	    (types = cJSON_AddArrayToObject(o, "notifications")) == NULL) {
		c->fatal = 1;
		return;
	}
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(item,
	    "notificationConfigs"))
		if (json_get_str(n, "type") != NULL &&
		    json_array_add_str(types, json_get_str(n, "type")) == -1)
			c->fatal = 1;
}

/* --- pipeline YAML ------------------------------------------------------ */

/*
 * How deep stages and steps nest (parallel blocks, step groups) before
 * the summary gives up, and how many stages it follows useFromStage
 * among: a pipeline past either is unreadable, not shorter.
 */
#define PIPELINE_MAX_DEPTH	16
#define PIPELINE_MAX_STAGES	256

/* What the walks below return besides 0. */
#define WALK_OOM	(-1)
#define WALK_DEEP	(-2)

/* Steps, through parallel blocks and step groups, into arr. */
static int
steps(const cJSON *list, cJSON *arr, int depth)
{
	const cJSON *e;
	int r;

	if (list != NULL && depth > PIPELINE_MAX_DEPTH)
		return WALK_DEEP;
	cJSON_ArrayForEach(e, list) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "step");
		const cJSON *grp = cJSON_GetObjectItemCaseSensitive(e,
		    "stepGroup");
		const cJSON *par = cJSON_GetObjectItemCaseSensitive(e,
		    "parallel");

		if (st != NULL) {
			cJSON *o = cJSON_CreateObject();

			if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
			    json_add_str(o, "identifier", json_get_str(st,
			    "identifier")) ||
			    json_add_str(o, "type", json_get_str(st, "type")))
				return WALK_OOM;
		}
		if (grp != NULL && ((r = steps(cJSON_GetObjectItemCaseSensitive(
		    grp, "steps"), arr, depth + 1)) != 0 ||
		    (r = steps(cJSON_GetObjectItemCaseSensitive(grp,
		    "rollbackSteps"), arr, depth + 1)) != 0))
			return r;
		if (par != NULL && (r = steps(par, arr, depth + 1)) != 0)
			return r;
	}
	return 0;
}

static int
stages(const cJSON *list, cJSON *arr, int depth)
{
	const cJSON *e;
	int r;

	if (list != NULL && depth > PIPELINE_MAX_DEPTH)
		return WALK_DEEP;
	cJSON_ArrayForEach(e, list) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "stage");
		const cJSON *par = cJSON_GetObjectItemCaseSensitive(e,
		    "parallel");

		if (st != NULL) {
			const cJSON *spec = cJSON_GetObjectItemCaseSensitive(st,
			    "spec");
			const cJSON *infra = cJSON_GetObjectItemCaseSensitive(
			    spec, "infrastructure");
			const cJSON *rt = cJSON_GetObjectItemCaseSensitive(spec,
			    "runtime");
			const cJSON *ex = cJSON_GetObjectItemCaseSensitive(spec,
			    "execution");
			cJSON *o = cJSON_CreateObject(), *sa;

			if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
			    json_add_str(o, "identifier", json_get_str(st,
			    "identifier")) ||
			    json_add_str(o, "type", json_get_str(st, "type")) ||
			    json_add_str(o, "deployment_type", json_get_str(spec,
			    "deploymentType")) ||
			    json_add_str(o, "infrastructure", json_get_str(
			    infra != NULL ? infra : rt, "type")) ||
			    json_add_str(o, "use_from_stage", json_get_str(infra,
			    "useFromStage")) ||
			    (sa = cJSON_AddArrayToObject(o, "steps")) == NULL)
				return WALK_OOM;
			/* Rollback steps run too, when a deployment fails. */
			if ((r = steps(cJSON_GetObjectItemCaseSensitive(ex,
			    "steps"), sa, 0)) != 0 ||
			    (r = steps(cJSON_GetObjectItemCaseSensitive(ex,
			    "rollbackSteps"), sa, 0)) != 0)
				return r;
		}
		if (par != NULL && (r = stages(par, arr, depth + 1)) != 0)
			return r;
	}
	return 0;
}

/*
 * Every templateRef anywhere in the YAML, into refs: a pipeline, stage,
 * step group or step made from a template names only its templateRef,
 * and what it runs is in the template, which the API resolves when asked
 * (getTemplatesResolvedPipeline). A template left in the YAML read means
 * that part is not known, whatever else the node says.
 */
static int
template_refs(const cJSON *node, cJSON *refs, int depth)
{
	const cJSON *e;
	int r;

	if (depth > 4 * PIPELINE_MAX_DEPTH)
		return WALK_DEEP;
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return 0;
	if (cJSON_IsObject(node) && node->string != NULL &&
	    strcmp(node->string, "template") == 0 &&
	    json_get_str(node, "templateRef") != NULL &&
	    json_array_add_str(refs, json_get_str(node, "templateRef")) == -1)
		return WALK_OOM;
	cJSON_ArrayForEach(e, node)
		if ((r = template_refs(e, refs, depth + 1)) != 0)
			return r;
	return 0;
}

/* The stage with that identifier and a known infrastructure, or NULL. */
static const cJSON *
stage_with_infra(const cJSON *arr, const char *id)
{
	const cJSON *st;

	cJSON_ArrayForEach(st, arr)
		if (json_get_str(st, "identifier") != NULL &&
		    strcmp(json_get_str(st, "identifier"), id) == 0 &&
		    json_get_str(st, "infrastructure") != NULL)
			return st;
	return NULL;
}

/*
 * A CI stage may run on another stage's infrastructure
 * (spec.infrastructure.useFromStage, UseFromStageInfraYaml): give it that
 * stage's, following chains pass by pass until a pass changes nothing
 * (a loop ends with the infrastructure unknown). The caller bounds the
 * stages to PIPELINE_MAX_STAGES. Returns -1 only when memory runs out.
 */
static int
use_from_stage(cJSON *arr)
{
	cJSON *st, *v;
	const cJSON *from;
	int changed = 1;

	while (changed) {
		changed = 0;
		cJSON_ArrayForEach(st, arr) {
			const char *want = json_get_str(st, "use_from_stage");

			if (want == NULL ||
			    json_get_str(st, "infrastructure") != NULL ||
			    (from = stage_with_infra(arr, want)) == NULL)
				continue;
			if ((v = cJSON_CreateString(json_get_str(from,
			    "infrastructure"))) == NULL ||
			    !cJSON_ReplaceItemInObjectCaseSensitive(st,
			    "infrastructure", v)) {
				cJSON_Delete(v);
				return -1;
			}
			changed = 1;
		}
	}
	return 0;
}

int
harness_pipeline_summary(const char *text, size_t n, cJSON *out, char *err,
    size_t errlen)
{
	cJSON *y, *arr, *nt, *refs;
	const cJSON *p, *rule;
	int rc = -1, r;

	/* A quiet parse: the pipeline's own error goes in the evidence. */
	if ((y = values_parse_yaml_err("its YAML", text, n, err,
	    errlen)) == NULL)
		return -1;
	p = cJSON_GetObjectItemCaseSensitive(y, "pipeline");
	if (!cJSON_IsObject(p)) {
		snprintf(err, errlen, "its YAML has no pipeline");
		goto out;
	}
	if ((arr = cJSON_AddArrayToObject(out, "stages")) == NULL ||
	    (refs = cJSON_AddArrayToObject(out, "unresolved_templates")) ==
	    NULL || (nt = cJSON_AddArrayToObject(out, "notifications")) ==
	    NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((r = stages(cJSON_GetObjectItemCaseSensitive(p, "stages"), arr,
	    0)) == 0)
		r = template_refs(p, refs, 0);
	if (r == 0 && cJSON_GetArraySize(arr) > PIPELINE_MAX_STAGES) {
		snprintf(err, errlen, "more than %d stages",
		    PIPELINE_MAX_STAGES);
		goto out;
	}
	if (r == 0)
		r = use_from_stage(arr);
	if (r != 0) {
		snprintf(err, errlen, r == WALK_DEEP ? "stages or steps nested "
		    "deeper than %d levels" : "out of memory",
		    PIPELINE_MAX_DEPTH);
		goto out;
	}
	cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(p,
	    "notificationRules")) {
		const char *t = json_get_str(cJSON_GetObjectItemCaseSensitive(
		    rule, "notificationMethod"), "type");

		/* A rule turned off sends nothing (NotificationRules.enabled). */
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rule,
		    "enabled")))
			continue;
		if (t != NULL && json_array_add_str(nt, t) == -1) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(y);
	return rc;
}

/*
 * One pipeline, with its templates resolved: the API puts the resolved
 * YAML in resolvedTemplatesPipelineYaml when asked, and leaves it null
 * when resolution fails (only logged on the server: PMSPipelineResource).
 * Then the stored YAML is read and any template in it is an item the
 * inventory cannot judge.
 */
static void
pipeline(struct hc *c, const char *org, const char *proj, const char *id,
    cJSON *arr)
{
	char base[1200], path[1400], what[400], err[200], *ei;
	cJSON *data, *o;
	const char *yaml;
	int n;

	snprintf(what, sizeof(what), "pipeline %s/%s/%s", org, proj, id);
	if ((ei = curl_easy_escape(c->http.h, id, 0)) == NULL) {
		c->fatal = 1;
		return;
	}
	n = snprintf(base, sizeof(base), "/pipeline/api/pipelines/%s", ei);
	curl_free(ei);
	if (n < 0 || (size_t)n >= sizeof(base)) {
		error(c, what, "identifier too long for a request");
		return;
	}
	if (scoped(c, path, sizeof(path), base, org, proj,
	    "&getTemplatesResolvedPipeline=true", what) == -1)
		return;
	if ((data = fetch(c, "GET", path, NULL, "data", what, NULL)) == NULL)
		return;
	yaml = json_get_str(data, "resolvedTemplatesPipelineYaml");
	if (yaml == NULL || *yaml == '\0')
		yaml = json_get_str(data, "yamlPipeline");
	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, o) ||
	    json_add_str(o, "org", org) ||
	    json_add_str(o, "project", proj) ||
	    json_add_str(o, "identifier", id) ||
	    cJSON_AddBoolToObject(o, "templates_resolved",
	    json_get_str(data, "resolvedTemplatesPipelineYaml") != NULL) ==
	    NULL)
		c->fatal = 1;
	else if (yaml == NULL ||
	    harness_pipeline_summary(yaml, strlen(yaml), o, err,
	    sizeof(err)) == -1) {
		if (json_add_str(o, "error", yaml == NULL ?
		    "no yamlPipeline" : err))
			c->fatal = 1;
	}
	cJSON_Delete(data);
}

/* Every pipeline of every project (pipelines exist only in projects). */
static void
pipelines(struct hc *c, const cJSON *projects, cJSON *arr)
{
	const cJSON *p, *id;

	cJSON_ArrayForEach(p, projects) {
		const char *org = json_get_str(p, "org");
		const char *proj = json_get_str(p, "project");
		char query[1024], what[300];
		cJSON *ids;

		if (org == NULL || proj == NULL) {
			error(c, "pipelines", "a project without an org or "
			    "project identifier: its pipelines were not read");
			continue;
		}
		scope_what(what, sizeof(what), "pipelines", org, proj);
		if (scoped(c, query, sizeof(query), "/pipeline/api/pipelines/"
		    "list", org, proj, NULL, what) == -1)
			continue;
		if ((ids = cJSON_CreateArray()) == NULL) {
			c->fatal = 1;
			return;
		}
		each_page(c, "POST", query, "{\"filterType\":\"PipelineSetup\"}",
		    "page", "size", what, add_identifier, ids);
		cJSON_ArrayForEach(id, ids)
			if (!c->fatal && cJSON_IsString(id))
				pipeline(c, org, proj, id->valuestring, arr);
		cJSON_Delete(ids);
		if (c->fatal)
			return;
	}
}

/*
 * A list asked at every scope: the account, each org, each project. A
 * connector or user group exists at exactly one scope, and a list asked at
 * one scope gives only that scope's.
 */
static void
each_scope(struct hc *c, const cJSON *scopes, const char *method,
    const char *path, const char *payload, const char *list,
    void (*fn)(struct hc *, const cJSON *, void *), cJSON *arr)
{
	const cJSON *s;
	char query[1024], what[300];

	scope_what(what, sizeof(what), list, NULL, NULL);
	if (scoped(c, query, sizeof(query), path, NULL, NULL, NULL, what) == 0)
		each_page(c, method, query, payload, "pageIndex", "pageSize",
		    what, fn, arr);
	cJSON_ArrayForEach(s, scopes) {
		const char *org = json_get_str(s, "org");
		const char *proj = json_get_str(s, "project");

		if (c->fatal)
			return;
		if (org == NULL) {
			error(c, list, "a scope without an org identifier was "
			    "not read");
			continue;
		}
		scope_what(what, sizeof(what), list, org, proj);
		if (scoped(c, query, sizeof(query), path, org, proj, NULL,
		    what) == 0)
			each_page(c, method, query, payload, "pageIndex",
			    "pageSize", what, fn, arr);
	}
}

/*
 * The authentication settings (a RestResponse: "resource"). The v1
 * resource refuses accounts with several identity providers
 * (PL_ENABLE_MULTIPLE_IDP_SUPPORT) and points at v2, which has the same
 * shape; servers before v2 have only v1. So v1, then v2, and only the
 * failure of both is recorded.
 */
static void
authentication(struct hc *c, cJSON *auth)
{
	static const char *paths[] = {
		"/ng/api/authentication-settings",
		"/ng/api/authentication-settings/v2",
	};
	const cJSON *s;
	cJSON *data = NULL, *types, *saml;
	char query[1024];
	size_t i;
	int errs = cJSON_GetArraySize(c->errors);

	for (i = 0; i < 2 && data == NULL && !c->fatal; i++)
		if (scoped(c, query, sizeof(query), paths[i], NULL, NULL,
		    NULL, "authentication settings") == 0)
			data = fetch(c, "GET", query, NULL, "resource",
			    "authentication settings", NULL);
	if (data == NULL)
		return;
	while (cJSON_GetArraySize(c->errors) > errs)
		cJSON_DeleteItemFromArray(c->errors, errs);
	if (json_add_str(auth, "mechanism", json_get_str(data,
	    "authenticationMechanism")) ||
	    (types = cJSON_AddArrayToObject(auth, "settings")) == NULL ||
	    (saml = cJSON_AddArrayToObject(auth, "saml")) == NULL)
		goto oom;
	/*
	 * The server always lists a USER_PASSWORD entry (it holds the login
	 * policy), whatever the mechanism: the entries say what is set up,
	 * authenticationMechanism what is used.
	 */
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(data,
	    "ngAuthSettings")) {
		const char *type = json_get_str(s, "settingsType");
		cJSON *o;

		if (type == NULL)
			continue;
		if (json_array_add_str(types, type) == -1)
			goto oom;
		if (strcmp(type, "SAML") != 0)
			continue;
		/* samlProviderType: AZURE, OKTA, ONELOGIN, OTHER (default). */
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(saml, o) ||
		    json_add_str(o, "name", json_get_str(s, "displayName")) ||
		    json_add_str(o, "provider", json_get_str(s,
		    "samlProviderType")) ||
		    json_add_tristate(o, "authentication_enabled",
		    json_get_tristate(s, "authenticationEnabled")))
			goto oom;
	}
	cJSON_Delete(data);
	return;
oom:
	cJSON_Delete(data);
	c->fatal = 1;
}

/* The API key: from the file, else the environment; never argv. */
static char *
api_key(const struct harness_opts *o)
{
	char *text, *key;
	size_t len;

	if (o->key_file != NULL) {
		if (tsv_read_file(o->key_file, 64 * 1024, &text, &len) == -1)
			return NULL;
		key = strndup(text, rtrim_len(text, len));
		explicit_bzero(text, len);
		free(text);
	} else if (getenv(HARNESS_KEY_ENV) != NULL)
		key = strdup(getenv(HARNESS_KEY_ENV));
	else {
		log_err("no Harness API key: give --harness-key-file FILE or "
		    "set %s", HARNESS_KEY_ENV);
		return NULL;
	}
	if (key == NULL || *key == '\0' || strpbrk(key, "\r\n") != NULL) {
		log_err("the Harness API key is empty or not one line");
		free(key);
		return NULL;
	}
	return key;
}

/*
 * Everything the account is asked, into a new document; NULL after
 * logging when something fatal happened (c->fatal) or memory ran out.
 */
static cJSON *
account(struct hc *c, const char *url)
{
	cJSON *doc = NULL, *src, *conns, *scopes = NULL, *projects = NULL,
	    *pipes, *groups, *auth, *s;
	char query[1024];

	if ((c->acct = curl_easy_escape(c->http.h, c->o->account, 0)) == NULL)
		goto oom;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    json_add_str(doc, "format", HARNESS_FORMAT) ||
	    (src = cJSON_AddObjectToObject(doc, "source")) == NULL ||
	    json_add_str(src, "url", url) ||
	    json_add_str(src, "account", c->o->account) ||
	    (c->errors = cJSON_CreateArray()) == NULL ||
	    (conns = cJSON_AddArrayToObject(doc, "connectors")) == NULL ||
	    (pipes = cJSON_AddArrayToObject(doc, "pipelines")) == NULL ||
	    (groups = cJSON_AddArrayToObject(doc, "user_groups")) == NULL ||
	    (auth = cJSON_AddObjectToObject(doc, "authentication")) == NULL ||
	    (scopes = cJSON_CreateArray()) == NULL ||
	    (projects = cJSON_CreateArray()) == NULL)
		goto oom;
	/* The scopes: every org, then every project (of every org). */
	if (scoped(c, query, sizeof(query), "/ng/api/organizations", NULL,
	    NULL, NULL, "organizations") == 0)
		each_page(c, "GET", query, NULL, "pageIndex", "pageSize",
		    "organizations", add_scope, scopes);
	if (!c->fatal && scoped(c, query, sizeof(query), "/ng/api/projects",
	    NULL, NULL, NULL, "projects") == 0)
		each_page(c, "GET", query, NULL, "pageIndex", "pageSize",
		    "projects", add_scope, projects);
	cJSON_ArrayForEach(s, projects) {
		cJSON *dup = cJSON_Duplicate(s, 1);

		if (dup == NULL || !cJSON_AddItemToArray(scopes, dup)) {
			cJSON_Delete(dup);
			goto oom;
		}
	}
	/* listV2: GET /ng/api/connectors is deprecated on the server. */
	if (!c->fatal)
		each_scope(c, scopes, "POST", "/ng/api/connectors/listV2",
		    "{\"filterType\":\"Connector\"}", "connectors",
		    add_connector, conns);
	if (!c->fatal)
		pipelines(c, projects, pipes);
	if (!c->fatal)
		each_scope(c, scopes, "GET", "/ng/api/user-groups", NULL,
		    "user groups", add_user_group, groups);
	if (!c->fatal)
		authentication(c, auth);
	if (c->fatal)
		goto out;
	cJSON_AddItemToObject(doc, "errors", c->errors);
	c->errors = NULL;
	cJSON_Delete(scopes);
	cJSON_Delete(projects);
	return doc;
oom:
	log_err("out of memory reading the Harness API");
out:
	cJSON_Delete(doc);
	cJSON_Delete(scopes);
	cJSON_Delete(projects);
	return NULL;
}

/* What every way in releases. */
static void
hc_release(struct hc *c)
{
	cJSON_Delete(c->errors);
	if (c->acct != NULL)
		curl_free(c->acct);
	http_release(&c->http);
}

cJSON *
harness_collect(const struct harness_opts *o)
{
	struct hc c;
	cJSON *doc = NULL;
	char *key = NULL, *text;
	size_t len, n;

	memset(&c, 0, sizeof(c));
	c.o = o;
	if (strncmp(o->url, "https://", 8) != 0) {
		log_err("Harness URL '%s' is not https: the API key only "
		    "travels over verified TLS", o->url);
		return NULL;
	}
	if ((key = api_key(o)) == NULL)
		return NULL;
	if (http_init(&c.http, o->url) == -1) {
		log_err("cannot start libcurl");
		goto out;
	}
	n = strlen(key) + sizeof("x-api-key: ");
	if ((c.http.auth = malloc(n)) == NULL) {
		log_err("out of memory reading the Harness API");
		goto out;
	}
	snprintf(c.http.auth, n, "x-api-key: %s", key);
	if (o->ca_file != NULL) {
		if (tsv_read_file(o->ca_file, HTTP_PEM_MAX, &text, &len) == -1)
			goto out;
		if (buf_append(&c.http.ca, text, len) == -1) {
			free(text);
			log_err("out of memory reading the Harness API");
			goto out;
		}
		free(text);
	}
	doc = account(&c, c.http.server);
out:
	hc_release(&c);
	explicit_bzero(key, strlen(key));
	free(key);
	return doc;
}

cJSON *
harness_collect_with(const struct harness_opts *o, harness_fetch_fn fn,
    void *arg)
{
	struct hc c;
	cJSON *doc;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.fetch = fn;
	c.fetch_arg = arg;
	doc = account(&c, o->url);
	hc_release(&c);
	return doc;
}
