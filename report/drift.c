/*
 * drift.c - see drift.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "controls.h"
#include "drift.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* One run's documents, by collector and subject. */
struct run_docs {
	cJSON	*by;		/* {"node": {subject: doc}, "tls": {...}, ...} */
	const char *collector;	/* while loading */
};

static int
load(const char *subject, const char *sha256, const char *text, size_t len,
    void *arg)
{
	struct run_docs *r = arg;
	cJSON *c = cJSON_GetObjectItemCaseSensitive(r->by, r->collector);
	cJSON *doc = cJSON_ParseWithLength(text, len);

	(void)sha256;
	if (c == NULL)
		c = cJSON_AddObjectToObject(r->by, r->collector);
	if (c == NULL || doc == NULL || cJSON_GetObjectItemCaseSensitive(c,
	    subject) != NULL || !cJSON_AddItemToObject(c, subject, doc)) {
		cJSON_Delete(doc);
		return c == NULL ? -1 : 0;
	}
	return 0;
}

static int
load_run(struct store *st, int64_t id, struct run_docs *r)
{
	static const char *const collectors[] = { "node", "tls", "cluster",
	    "inventory" };
	size_t i;

	if ((r->by = cJSON_CreateObject()) == NULL)
		return -1;
	for (i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++) {
		r->collector = collectors[i];
		if (store_run_documents(st, id, collectors[i], load, r) == -1)
			return -1;
	}
	return 0;
}

/* The printed form of a JSON value, for comparing and showing. */
static char *
text(const cJSON *v)
{
	if (v == NULL)
		return strdup("(none)");
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return cJSON_PrintUnformatted(v);
}

static int
change(cJSON *out, const char *kind, const char *subject, const char *what,
    const char *field, const cJSON *from, const cJSON *to)
{
	cJSON *o = cJSON_CreateObject();
	char *f = text(from), *t = text(to);
	int rc = -1;

	if (o != NULL && cJSON_AddItemToArray(out, o) &&
	    json_add_str(o, "kind", kind) == 0 &&
	    json_add_str(o, "subject", subject) == 0 &&
	    json_add_str(o, "change", what) == 0 &&
	    json_add_str(o, "field", field) == 0 &&
	    json_add_str(o, "from", from != NULL ? f : NULL) == 0 &&
	    json_add_str(o, "to", to != NULL ? t : NULL) == 0)
		rc = 0;
	free(f);
	free(t);
	return rc;
}

/* Compare field (a dotted path) of two documents; record if it differs. */
static int
field(cJSON *out, const char *kind, const char *subject, const cJSON *a,
    const cJSON *b, const char *label, const char *path)
{
	const cJSON *x = a, *y = b;
	char key[128], *dot;
	const char *p = path;
	char *fx, *fy;
	int same, rc = 0;

	while (*p != '\0') {
		size_t n = (dot = strchr(p, '.')) != NULL ? (size_t)(dot - p) :
		    strlen(p);

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		x = cJSON_GetObjectItemCaseSensitive(x, key);
		y = cJSON_GetObjectItemCaseSensitive(y, key);
		p += n + (dot != NULL);
	}
	fx = text(x);
	fy = text(y);
	same = fx != NULL && fy != NULL && strcmp(fx, fy) == 0;
	if (!same)
		rc = change(out, kind, subject, "changed", label, x, y);
	free(fx);
	free(fy);
	return rc;
}

/* Subjects added and removed between two {subject: doc} maps. */
static int
presence(cJSON *out, const char *kind, const cJSON *a, const cJSON *b)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, b)
		if (!cJSON_HasObjectItem(a, e->string) &&
		    change(out, kind, e->string, "added", "-", NULL, NULL))
			return -1;
	cJSON_ArrayForEach(e, a)
		if (!cJSON_HasObjectItem(b, e->string) &&
		    change(out, kind, e->string, "removed", "-", NULL, NULL))
			return -1;
	return 0;
}

/* The set of strings a list gives through fn, as one sorted JSON array. */
static cJSON *
list_of(const cJSON *arr, const char *a, const char *b)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		char item[300];

		if (cJSON_IsString(e))
			snprintf(item, sizeof(item), "%s", e->valuestring);
		else
			snprintf(item, sizeof(item), "%s%s%s",
			    json_get_str(e, a) ? json_get_str(e, a) : "?",
			    b != NULL ? " " : "", b != NULL && json_get_str(e,
			    b) ? json_get_str(e, b) : "");
		json_array_add_str(out, item);
	}
	return out;
}

/* Items added to and removed from a list, one change each. */
static int
list_diff(cJSON *out, const char *kind, const char *subject,
    const char *label, cJSON *x, cJSON *y)
{
	const cJSON *e, *f;
	int found, rc = 0;

	cJSON_ArrayForEach(e, y) {
		found = 0;
		cJSON_ArrayForEach(f, x)
			found |= strcmp(e->valuestring, f->valuestring) == 0;
		if (!found && change(out, kind, subject, "added", label, NULL,
		    e) == -1)
			rc = -1;
	}
	cJSON_ArrayForEach(e, x) {
		found = 0;
		cJSON_ArrayForEach(f, y)
			found |= strcmp(e->valuestring, f->valuestring) == 0;
		if (!found && change(out, kind, subject, "removed", label, e,
		    NULL) == -1)
			rc = -1;
	}
	cJSON_Delete(x);
	cJSON_Delete(y);
	return rc;
}

static int
nodes(cJSON *out, const cJSON *a, const cJSON *b)
{
	static const char *const fields[][2] = {
		{ "compliant", "node.compliant" },
		{ "fips_enabled", "node.fips_enabled" },
		{ "kernel_cmdline_fips", "node.kernel_cmdline_fips" },
		{ "os", "node.os.pretty_name" },
		{ "os_variant", "node.os.variant_id" },
		{ "kernel", "node.kernel_release" },
	};
	const cJSON *e;
	size_t i;

	if (presence(out, "node", a, b) == -1)
		return -1;
	cJSON_ArrayForEach(e, b) {
		const cJSON *old = cJSON_GetObjectItemCaseSensitive(a,
		    e->string);

		for (i = 0; old != NULL && i < sizeof(fields) /
		    sizeof(fields[0]); i++)
			if (field(out, "node", e->string, old, e, fields[i][0],
			    fields[i][1]) == -1)
				return -1;
	}
	return 0;
}

static int
endpoints(cJSON *out, const cJSON *a, const cJSON *b)
{
	const cJSON *e;

	if (presence(out, "endpoint", a, b) == -1)
		return -1;
	cJSON_ArrayForEach(e, b) {
		const cJSON *x = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		    a, e->string), "endpoints"), 0);
		const cJSON *y = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(e, "endpoints"), 0);

		if (x == NULL)
			continue;
		if (field(out, "endpoint", e->string, x, y, "compliant",
		    "compliant") == -1 ||
		    list_diff(out, "endpoint", e->string, "protocol", list_of(
		    cJSON_GetObjectItemCaseSensitive(x, "protocols"), NULL,
		    NULL), list_of(cJSON_GetObjectItemCaseSensitive(y,
		    "protocols"), NULL, NULL)) == -1 ||
		    list_diff(out, "endpoint", e->string, "suite", list_of(
		    cJSON_GetObjectItemCaseSensitive(x, "ciphers"), "protocol",
		    "iana_name"), list_of(cJSON_GetObjectItemCaseSensitive(y,
		    "ciphers"), "protocol", "iana_name")) == -1 ||
		    list_diff(out, "endpoint", e->string, "group", list_of(
		    cJSON_GetObjectItemCaseSensitive(x, "groups"), "name",
		    NULL), list_of(cJSON_GetObjectItemCaseSensitive(y,
		    "groups"), "name", NULL)) == -1 ||
		    list_diff(out, "endpoint", e->string, "sigalg", list_of(
		    cJSON_GetObjectItemCaseSensitive(x, "sigalgs"), "name",
		    NULL), list_of(cJSON_GetObjectItemCaseSensitive(y,
		    "sigalgs"), "name", NULL)) == -1)
			return -1;
	}
	return 0;
}

/* "a.b.c=value" for every leaf of a values tree, into arr. */
static void
flatten(const cJSON *v, const char *prefix, cJSON *arr)
{
	const cJSON *e;
	char path[1024];

	if (!cJSON_IsObject(v)) {
		char *t = text(v);

		snprintf(path, sizeof(path), "%s=%s", prefix, t != NULL ? t :
		    "?");
		json_array_add_str(arr, path);
		free(t);
		return;
	}
	cJSON_ArrayForEach(e, v) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix != '\0' ? "." : "", e->string);
		flatten(e, path, arr);
	}
}

static const cJSON *
current_release(const cJSON *cluster)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cluster, "helm"), "releases"), 0);
}

static int
cluster(cJSON *out, const cJSON *a, const cJSON *b)
{
	/* The cluster document is stored under the subject "cluster". */
	const cJSON *x = current_release(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(a, "cluster"), "cluster"));
	const cJSON *y = current_release(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(b, "cluster"), "cluster"));
	const cJSON *xr, *yr;
	cJSON *fx, *fy;

	if (x == NULL || y == NULL)
		return 0;
	if (field(out, "release", "harness", x, y, "smp_version",
	    "smp_version") == -1 ||
	    field(out, "release", "harness", x, y, "global_fips",
	    "global_fips") == -1 ||
	    field(out, "release", "harness", x, y, "fips_since_first_install",
	    "fips_since_first_install.value") == -1 ||
	    field(out, "release", "harness", x, y, "current_revision",
	    "current_revision") == -1)
		return -1;
	xr = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "revisions"),
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x,
	    "revisions")) - 1);
	yr = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(y, "revisions"),
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(y,
	    "revisions")) - 1);
	if ((fx = cJSON_CreateArray()) == NULL ||
	    (fy = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(fx);
		return -1;
	}
	flatten(cJSON_GetObjectItemCaseSensitive(xr, "values_user"), "", fx);
	flatten(cJSON_GetObjectItemCaseSensitive(yr, "values_user"), "", fy);
	return list_diff(out, "values", "harness", "value", fx, fy);
}

/* Inventory items as "component (supported) at place". */
static cJSON *
inventory_list(const cJSON *items)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	cJSON_ArrayForEach(e, items) {
		char item[900];

		snprintf(item, sizeof(item), "%s (%s) at %s",
		    json_get_str(e, "component") ? json_get_str(e,
		    "component") : "?", json_get_str(e, "supported") ?
		    json_get_str(e, "supported") : "?", json_get_str(e,
		    "seen_at") ? json_get_str(e, "seen_at") : "?");
		json_array_add_str(out, item);
	}
	return out;
}

static int
inventory(cJSON *out, const cJSON *a, const cJSON *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(a, "inventory"), "inventory");
	const cJSON *y = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(b, "inventory"), "inventory");

	x = cJSON_GetObjectItemCaseSensitive(x, "inventory");
	y = cJSON_GetObjectItemCaseSensitive(y, "inventory");
	return list_diff(out, "module", "inventory", "component",
	    inventory_list(x), inventory_list(y));
}

/* Findings whose result changed, from the controls of both runs. */
static int
findings(cJSON *out, struct store *st, int64_t from, int64_t to)
{
	cJSON *a = controls_evaluate(st, from), *b = controls_evaluate(st, to);
	const cJSON *f, *g;
	int rc = -1;

	if (a == NULL || b == NULL)
		goto out;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(b, "findings")) {
		const cJSON *match = NULL;
		char subject[1200];

		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(a,
		    "findings"))
			if (strcmp(json_get_str(f, "check"), json_get_str(g,
			    "check")) == 0 && strcmp(json_get_str(f, "subject"),
			    json_get_str(g, "subject")) == 0)
				match = f;
		snprintf(subject, sizeof(subject), "%s %s",
		    json_get_str(g, "check"), json_get_str(g, "subject"));
		if (match != NULL && strcmp(json_get_str(match, "result"),
		    json_get_str(g, "result")) != 0 &&
		    change(out, "finding", subject, "changed", "result",
		    cJSON_GetObjectItemCaseSensitive(match, "result"),
		    cJSON_GetObjectItemCaseSensitive(g, "result")) == -1)
			goto out;
		/* A new subject (a node, an endpoint...) and its result. */
		if (match == NULL && change(out, "finding", subject, "added",
		    "result", NULL, cJSON_GetObjectItemCaseSensitive(g,
		    "result")) == -1)
			goto out;
	}
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(a, "findings")) {
		const cJSON *match = NULL;
		char subject[1200];

		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(b,
		    "findings"))
			if (strcmp(json_get_str(f, "check"), json_get_str(g,
			    "check")) == 0 && strcmp(json_get_str(f, "subject"),
			    json_get_str(g, "subject")) == 0)
				match = g;
		snprintf(subject, sizeof(subject), "%s %s",
		    json_get_str(f, "check"), json_get_str(f, "subject"));
		if (match == NULL && change(out, "finding", subject, "removed",
		    "result", cJSON_GetObjectItemCaseSensitive(f, "result"),
		    NULL) == -1)
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(a);
	cJSON_Delete(b);
	return rc;
}

cJSON *
drift_compute(struct store *st, int64_t from, int64_t to)
{
	struct run_docs a = { NULL, NULL }, b = { NULL, NULL };
	cJSON *out = cJSON_CreateArray();

	if (out == NULL || load_run(st, from, &a) == -1 ||
	    load_run(st, to, &b) == -1 ||
	    nodes(out, cJSON_GetObjectItemCaseSensitive(a.by, "node"),
	    cJSON_GetObjectItemCaseSensitive(b.by, "node")) == -1 ||
	    endpoints(out, cJSON_GetObjectItemCaseSensitive(a.by, "tls"),
	    cJSON_GetObjectItemCaseSensitive(b.by, "tls")) == -1 ||
	    cluster(out, a.by, b.by) == -1 ||
	    inventory(out, a.by, b.by) == -1 ||
	    findings(out, st, from, to) == -1) {
		log_err("cannot compare runs %lld and %lld", (long long)from,
		    (long long)to);
		cJSON_Delete(out);
		out = NULL;
	}
	cJSON_Delete(a.by);
	cJSON_Delete(b.by);
	return out;
}

/* Print s with control bytes as '?'. */
static void
put(FILE *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
}

void
drift_text(FILE *out, const cJSON *changes)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, changes) {
		const char *what = json_get_str(c, "change");

		fputs(strcmp(what, "added") == 0 ? "+ " : strcmp(what,
		    "removed") == 0 ? "- " : "~ ", out);
		put(out, json_get_str(c, "kind"));
		fputc(' ', out);
		put(out, json_get_str(c, "subject"));
		if (strcmp(json_get_str(c, "field"), "-") != 0) {
			fputs(": ", out);
			put(out, json_get_str(c, "field"));
			fputc(' ', out);
			if (strcmp(what, "changed") == 0) {
				put(out, json_get_str(c, "from"));
				fputs(" -> ", out);
				put(out, json_get_str(c, "to"));
			} else
				put(out, json_get_str(c, strcmp(what,
				    "added") == 0 ? "to" : "from"));
		}
		fputc('\n', out);
	}
}

/* A CSV field: quoted, quotes doubled (RFC 4180). */
static void
csv_field(FILE *out, const char *s, int last)
{
	fputc('"', out);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, out);
	}
	fputs(last ? "\"\r\n" : "\",", out);
}

void
drift_csv(FILE *out, const cJSON *changes)
{
	const cJSON *c;

	fputs("kind,subject,change,field,from,to\r\n", out);
	cJSON_ArrayForEach(c, changes) {
		csv_field(out, json_get_str(c, "kind"), 0);
		csv_field(out, json_get_str(c, "subject"), 0);
		csv_field(out, json_get_str(c, "change"), 0);
		csv_field(out, json_get_str(c, "field"), 0);
		csv_field(out, json_get_str(c, "from"), 0);
		csv_field(out, json_get_str(c, "to"), 1);
	}
}
