/*
 * harness.c - see harness.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "harness.h"
#include "http.h"
#include "values.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tsv.h"
#include "util/banned.h"

/* Pages of one list; more means the server is looping. */
#define HARNESS_MAX_PAGES	10000

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
 * GET (or POST with payload) a page; the answer's "data" object, or NULL
 * with the failure recorded (fatal ones stop everything).
 */
static cJSON *
fetch(struct hc *c, const char *method, const char *path, const char *payload,
    const char *what)
{
	char err[600], *body;
	size_t len;
	cJSON *doc, *data;
	int r;

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
	doc = cJSON_ParseWithLength(body, len);
	free(body);
	data = cJSON_DetachItemFromObjectCaseSensitive(doc, "data");
	cJSON_Delete(doc);
	if (!cJSON_IsObject(data)) {
		cJSON_Delete(data);
		error(c, what, "the answer is not JSON with a \"data\" object");
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
	int page, total = 1;

	for (page = 0; page < total && page < HARNESS_MAX_PAGES; page++) {
		const cJSON *item, *tp;
		cJSON *data;

		snprintf(path, sizeof(path), "%s&%s=%d&%s=%d", query,
		    index_param, page, size_param, c->o->page_size);
		if ((data = fetch(c, method, path, payload, what)) == NULL)
			return;
		tp = cJSON_GetObjectItemCaseSensitive(data, "totalPages");
		total = (int)json_number(tp, 1, HARNESS_MAX_PAGES, 1);
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(data,
		    "content"))
			fn(c, item, arg);
		cJSON_Delete(data);
	}
}

static void
add_connector(struct hc *c, const cJSON *item, void *arg)
{
	const cJSON *conn = cJSON_GetObjectItemCaseSensitive(item, "connector");
	cJSON *o = cJSON_CreateObject();

	(void)c;
	if (o == NULL || !cJSON_AddItemToArray(arg, o) ||
	    json_add_str(o, "identifier", json_get_str(conn, "identifier")) ||
	    json_add_str(o, "name", json_get_str(conn, "name")) ||
	    json_add_str(o, "type", json_get_str(conn, "type")) ||
	    json_add_str(o, "org", json_get_str(conn, "orgIdentifier")) ||
	    json_add_str(o, "project", json_get_str(conn,
	    "projectIdentifier")))
		c->fatal = 1;
}

static void
add_project(struct hc *c, const cJSON *item, void *arg)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(item, "project");
	cJSON *o = cJSON_CreateObject();

	(void)c;
	if (o == NULL || !cJSON_AddItemToArray(arg, o) ||
	    json_add_str(o, "org", json_get_str(p, "orgIdentifier")) ||
	    json_add_str(o, "project", json_get_str(p, "identifier")))
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

static void
add_user_group(struct hc *c, const cJSON *item, void *arg)
{
	const cJSON *n;
	cJSON *o = cJSON_CreateObject(), *types;

	if (o == NULL || !cJSON_AddItemToArray(arg, o) ||
	    json_add_str(o, "identifier", json_get_str(item, "identifier")) ||
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

/* Steps, through parallel blocks and step groups, into arr. */
static int
steps(const cJSON *list, cJSON *arr, int depth)
{
	const cJSON *e;

	if (depth > 16)
		return 0;
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
				return -1;
		}
		if (grp != NULL && steps(cJSON_GetObjectItemCaseSensitive(grp,
		    "steps"), arr, depth + 1) == -1)
			return -1;
		if (par != NULL && steps(par, arr, depth + 1) == -1)
			return -1;
	}
	return 0;
}

static int
stages(const cJSON *list, cJSON *arr, int depth)
{
	const cJSON *e;

	if (depth > 16)
		return 0;
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
			cJSON *o = cJSON_CreateObject(), *sa;

			if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
			    json_add_str(o, "identifier", json_get_str(st,
			    "identifier")) ||
			    json_add_str(o, "type", json_get_str(st, "type")) ||
			    json_add_str(o, "deployment_type", json_get_str(spec,
			    "deploymentType")) ||
			    json_add_str(o, "infrastructure", json_get_str(
			    infra != NULL ? infra : rt, "type")) ||
			    (sa = cJSON_AddArrayToObject(o, "steps")) == NULL ||
			    steps(cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(spec, "execution"),
			    "steps"), sa, 0) == -1)
				return -1;
		}
		if (par != NULL && stages(par, arr, depth + 1) == -1)
			return -1;
	}
	return 0;
}

int
harness_pipeline_summary(const char *text, size_t n, cJSON *out, char *err,
    size_t errlen)
{
	cJSON *y, *arr, *nt;
	const cJSON *p, *rule;
	int rc = -1;

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
	    stages(cJSON_GetObjectItemCaseSensitive(p, "stages"), arr, 0) ==
	    -1 || (nt = cJSON_AddArrayToObject(out, "notifications")) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(p,
	    "notificationRules")) {
		const char *t = json_get_str(cJSON_GetObjectItemCaseSensitive(
		    rule, "notificationMethod"), "type");

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

static void
pipelines(struct hc *c, const cJSON *projects, cJSON *arr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, projects) {
		const char *org = json_get_str(p, "org");
		const char *proj = json_get_str(p, "project");
		char *eo, *ep, query[1024], what[300];
		cJSON *ids = cJSON_CreateArray();
		const cJSON *id;

		if (org == NULL || proj == NULL || ids == NULL) {
			cJSON_Delete(ids);
			continue;
		}
		eo = curl_easy_escape(c->http.h, org, 0);
		ep = curl_easy_escape(c->http.h, proj, 0);
		snprintf(query, sizeof(query), "/pipeline/api/pipelines/list?"
		    "accountIdentifier=%s&orgIdentifier=%s&projectIdentifier=%s",
		    c->acct, eo, ep);
		snprintf(what, sizeof(what), "pipelines of %s/%s", org, proj);
		each_page(c, "POST", query, "{\"filterType\":\"PipelineSetup\"}",
		    "page", "size", what, add_identifier, ids);
		cJSON_ArrayForEach(id, ids) {
			char path[1400], *ei, err[200];
			cJSON *data, *o;
			const char *yaml;

			if (c->fatal || !cJSON_IsString(id))
				break;
			ei = curl_easy_escape(c->http.h, id->valuestring, 0);
			snprintf(path, sizeof(path), "/pipeline/api/pipelines/%s"
			    "?accountIdentifier=%s&orgIdentifier=%s"
			    "&projectIdentifier=%s", ei, c->acct, eo, ep);
			curl_free(ei);
			snprintf(what, sizeof(what), "pipeline %s/%s/%s", org,
			    proj, id->valuestring);
			if ((data = fetch(c, "GET", path, NULL, what)) == NULL)
				continue;
			yaml = json_get_str(data, "yamlPipeline");
			if ((o = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(arr, o) ||
			    json_add_str(o, "org", org) ||
			    json_add_str(o, "project", proj) ||
			    json_add_str(o, "identifier", id->valuestring))
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
		curl_free(eo);
		curl_free(ep);
		cJSON_Delete(ids);
	}
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
	cJSON *doc = NULL, *src, *conns, *projects = NULL, *pipes, *groups,
	    *auth, *data;
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
	    (projects = cJSON_CreateArray()) == NULL)
		goto oom;
	snprintf(query, sizeof(query), "/ng/api/connectors?accountIdentifier=%s",
	    c->acct);
	each_page(c, "GET", query, NULL, "pageIndex", "pageSize",
	    "connectors", add_connector, conns);
	if (!c->fatal) {
		snprintf(query, sizeof(query), "/ng/api/projects?"
		    "accountIdentifier=%s", c->acct);
		each_page(c, "GET", query, NULL, "pageIndex", "pageSize",
		    "projects", add_project, projects);
	}
	if (!c->fatal)
		pipelines(c, projects, pipes);
	if (!c->fatal) {
		snprintf(query, sizeof(query), "/ng/api/user-groups?"
		    "accountIdentifier=%s", c->acct);
		each_page(c, "GET", query, NULL, "pageIndex", "pageSize",
		    "user groups", add_user_group, groups);
	}
	if (!c->fatal) {
		const cJSON *s;
		cJSON *types;

		snprintf(query, sizeof(query), "/ng/api/authentication-settings"
		    "?accountIdentifier=%s", c->acct);
		if ((data = fetch(c, "GET", query, NULL,
		    "authentication settings")) != NULL) {
			if (json_add_str(auth, "mechanism", json_get_str(data,
			    "authenticationMechanism")) ||
			    (types = cJSON_AddArrayToObject(auth,
			    "settings")) == NULL)
				c->fatal = 1;
			else
				cJSON_ArrayForEach(s,
				    cJSON_GetObjectItemCaseSensitive(data,
				    "ngAuthSettings"))
					if (json_get_str(s, "settingsType") !=
					    NULL && json_array_add_str(types,
					    json_get_str(s, "settingsType")))
						c->fatal = 1;
			cJSON_Delete(data);
		}
	}
	if (c->fatal)
		goto out;
	cJSON_AddItemToObject(doc, "errors", c->errors);
	c->errors = NULL;
	cJSON_Delete(projects);
	return doc;
oom:
	log_err("out of memory reading the Harness API");
out:
	cJSON_Delete(doc);
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
