/*
 * drift.c - see drift.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evaluate/drift.h"
#include "evidence/run.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/*
 * A sorted view of JSON items by one or two string keys, for lookups in
 * O(log n): clusters have thousands of nodes and findings, and a linear
 * search per item made comparing two runs quadratic.
 */
struct entry {
	const char	*k1, *k2;
	const cJSON	*item;
};

struct index {
	struct entry	*v;
	size_t		 n;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->k1, y->k1);

	return c != 0 ? c : strcmp(x->k2, y->k2);
}

/*
 * Index the items of arr: by their key (an object's members, k2 NULL), by
 * their string value (k1 and k2 NULL), or by two string fields.
 */
static int
index_build(struct index *ix, const cJSON *arr, const char *k1,
    const char *k2)
{
	const cJSON *e;
	size_t n = 0;

	ix->n = 0;
	ix->v = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*ix->v));
	if (ix->v == NULL) {
		log_errno("drift");
		return -1;
	}
	cJSON_ArrayForEach(e, arr) {
		struct entry *en = &ix->v[n++];

		en->item = e;
		en->k2 = "";
		if (k1 == NULL)
			en->k1 = e->string != NULL ? e->string :
			    cJSON_IsString(e) ? e->valuestring : "";
		else {
			en->k1 = json_str_or(e, k1, "");
			en->k2 = k2 != NULL ? json_str_or(e, k2, "") : "";
		}
	}
	ix->n = n;
	qsort(ix->v, ix->n, sizeof(*ix->v), entry_cmp);
	return 0;
}

static const cJSON *
index_find(const struct index *ix, const char *k1, const char *k2)
{
	struct entry key = { k1 != NULL ? k1 : "", k2 != NULL ? k2 : "", NULL };
	const struct entry *hit;

	hit = bsearch(&key, ix->v, ix->n, sizeof(*ix->v), entry_cmp);
	return hit != NULL ? hit->item : NULL;
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

/*
 * Subjects added and removed between two {subject: doc} maps (or arrays
 * of objects with a "subject"), a and b indexed as ia and ib.
 */
static int
presence(cJSON *out, const char *kind, const cJSON *a, const cJSON *b,
    const struct index *ia, const struct index *ib)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, b) {
		const char *s = e->string != NULL ? e->string :
		    json_get_str(e, "subject");

		if (index_find(ia, s, NULL) == NULL &&
		    change(out, kind, s, "added", "-", NULL, NULL))
			return -1;
	}
	cJSON_ArrayForEach(e, a) {
		const char *s = e->string != NULL ? e->string :
		    json_get_str(e, "subject");

		if (index_find(ib, s, NULL) == NULL &&
		    change(out, kind, s, "removed", "-", NULL, NULL))
			return -1;
	}
	return 0;
}

/* A member of a compared list is never longer than what it came from. */
#define LIST_ITEM_MAX	((size_t)64 << 20)

/*
 * Append the n strings of parts (NULL as "?") to arr as one string,
 * whole: members of a compared list cut to fit a buffer would hide a
 * difference past the cut. Returns 0, or -1 after logging.
 */
static int
add_joined(cJSON *arr, const char *const *parts, size_t n)
{
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b, LIST_ITEM_MAX);
	for (i = 0; i < n && rc == 0; i++)
		rc = buf_puts(&b, parts[i] != NULL ? parts[i] : "?");
	if (rc == -1)
		log_err("a compared item is over %zu bytes", LIST_ITEM_MAX);
	else
		rc = json_array_add_str(arr, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* Each string of arr, or field a (and b) of each object, as one array;
 * NULL after logging. */
static cJSON *
list_of(const cJSON *arr, const char *a, const char *b)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		const char *one[] = { cJSON_IsString(e) ? e->valuestring :
		    NULL };
		const char *two[] = { json_get_str(e, a), " ",
		    json_get_str(e, b) != NULL ? json_get_str(e, b) : "" };

		if (out != NULL && (cJSON_IsString(e) ? add_joined(out, one, 1) :
		    add_joined(out, two, b != NULL ? 3 : 1)) == -1) {
			cJSON_Delete(out);
			out = NULL;
		}
	}
	return out;
}

/* Items added to and removed from a list, one change each. */
static int
list_diff(cJSON *out, const char *kind, const char *subject,
    const char *label, cJSON *x, cJSON *y)
{
	struct index ix = { NULL, 0 }, iy = { NULL, 0 };
	const cJSON *e;
	int rc = -1;

	if (x == NULL || y == NULL || index_build(&ix, x, NULL, NULL) == -1 ||
	    index_build(&iy, y, NULL, NULL) == -1)
		goto out;
	rc = 0;
	cJSON_ArrayForEach(e, y)
		if (index_find(&ix, e->valuestring, NULL) == NULL &&
		    change(out, kind, subject, "added", label, NULL, e) == -1)
			rc = -1;
	cJSON_ArrayForEach(e, x)
		if (index_find(&iy, e->valuestring, NULL) == NULL &&
		    change(out, kind, subject, "removed", label, e, NULL) == -1)
			rc = -1;
out:
	free(ix.v);
	free(iy.v);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return rc;
}

static cJSON *
tristate(int v)
{
	return v < 0 ? cJSON_CreateNull() : cJSON_CreateBool(v);
}

static cJSON *
string_or_null(const char *v)
{
	return v != NULL ? cJSON_CreateString(v) : cJSON_CreateNull();
}

/*
 * Each node of run v whose document run other lacks, as {subject,
 * sha256, and the compared fields}. A node with the same document in both
 * runs is neither added, removed nor changed, so it is left out, and that
 * "same" is symmetric: a node left out of one side is left out of both,
 * so presence() on what is kept is presence() on the whole runs.
 */
static cJSON *
node_rows(const struct run_view *v, const struct run_view *other)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; arr != NULL && i < v->nnodes; i++) {
		const struct run_node *n = &v->nodes[i];

		if (run_view_same_node(other, n))
			continue;
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			arr = NULL;
			break;
		}
		if (json_add_str(o, "subject", n->subject) ||
		    json_add_str(o, "sha256", n->sha256) ||
		    !cJSON_AddItemToObject(o, "compliant",
		    tristate(n->compliant)) ||
		    !cJSON_AddItemToObject(o, "fips_enabled",
		    tristate(n->fips_enabled)) ||
		    !cJSON_AddItemToObject(o, "kernel_cmdline_fips",
		    tristate(n->kernel_cmdline_fips)) ||
		    !cJSON_AddItemToObject(o, "os",
		    string_or_null(n->os_pretty_name)) ||
		    !cJSON_AddItemToObject(o, "os_variant",
		    string_or_null(n->os_variant_id)) ||
		    !cJSON_AddItemToObject(o, "kernel",
		    string_or_null(n->kernel_release))) {
			cJSON_Delete(arr);
			arr = NULL;
		}
	}
	if (arr == NULL)
		log_err("drift: out of memory");
	return arr;
}

/*
 * The documents of v as {kind: {subject: document}}, the documents
 * referenced, not copied: deleting the result leaves v as it was.
 */
static cJSON *
docs_by_kind(const struct run_view *v)
{
	cJSON *by = cJSON_CreateObject(), *c;
	size_t i;

	for (i = 0; by != NULL && i < v->ndocs; i++) {
		const struct run_doc *d = &v->docs[i];
		const char *kind = evidence_kind_names[d->kind];

		if (d->json == NULL)
			continue;
		if ((c = cJSON_GetObjectItemCaseSensitive(by, kind)) == NULL)
			c = cJSON_AddObjectToObject(by, kind);
		if (c == NULL || !cJSON_AddItemReferenceToObject(c, d->subject,
		    d->json)) {
			cJSON_Delete(by);
			by = NULL;
		}
	}
	if (by == NULL)
		log_err("drift: out of memory");
	return by;
}

/*
 * Nodes added, removed and changed, from the facts the store keeps of each
 * node document (node_rows() of each run, as the evaluations read them): a
 * node whose document is the same (same SHA-256) has not changed, and
 * most nodes most nights are the same.
 */
static int
nodes(cJSON *out, const cJSON *a, const cJSON *b)
{
	static const char *const fields[] = { "compliant", "fips_enabled",
	    "kernel_cmdline_fips", "os", "os_variant", "kernel" };
	struct index ia = { NULL, 0 }, ib = { NULL, 0 };
	const cJSON *e;
	size_t i;
	int rc = -1;

	if (index_build(&ia, a, "subject", NULL) == -1 ||
	    index_build(&ib, b, "subject", NULL) == -1 ||
	    presence(out, "node", a, b, &ia, &ib) == -1)
		goto out;
	cJSON_ArrayForEach(e, b) {
		const char *subject = json_get_str(e, "subject");
		const cJSON *old = index_find(&ia, subject, NULL);

		if (old == NULL || strcmp(json_get_str(old, "sha256"),
		    json_get_str(e, "sha256")) == 0)
			continue;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (field(out, "node", subject, old, e, fields[i],
			    fields[i]) == -1)
				goto out;
	}
	rc = 0;
out:
	free(ia.v);
	free(ib.v);
	return rc;
}

static int
endpoints(cJSON *out, const cJSON *a, const cJSON *b)
{
	struct index ia = { NULL, 0 }, ib = { NULL, 0 };
	const cJSON *e;
	int rc = -1;

	if (index_build(&ia, a, NULL, NULL) == -1 ||
	    index_build(&ib, b, NULL, NULL) == -1 ||
	    presence(out, "endpoint", a, b, &ia, &ib) == -1)
		goto out;
	cJSON_ArrayForEach(e, b) {
		const cJSON *x = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(index_find(&ia, e->string,
		    NULL), "endpoints"), 0);
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
			goto out;
	}
	rc = 0;
out:
	free(ia.v);
	free(ib.v);
	return rc;
}

/* A leaf of chart values, key path and value: no release is larger. */
#define VALUES_LEAF_MAX	((size_t)64 << 20)

/*
 * "a.b.c=value" for every leaf of a values tree, into arr, whole: a value
 * cut to fit a buffer would hide a change past the cut. path holds the
 * keys above v and is given back as it came. Returns 0, or -1 after
 * logging.
 */
static int
flatten(const cJSON *v, struct buf *path, cJSON *arr)
{
	const cJSON *e;
	size_t above = path->len;
	char *t;
	int rc;

	if (!cJSON_IsObject(v)) {
		t = text(v);
		rc = t == NULL || buf_puts(path, "=") == -1 ||
		    buf_puts(path, t) == -1 ? -1 :
		    json_array_add_str(arr, buf_str(path));
		if (rc == -1 && t == NULL)
			log_err("out of memory comparing chart values");
		else if (rc == -1 && path->len >= path->max)
			log_err("a chart value is over %zu bytes", path->max);
		free(t);
		buf_truncate(path, above);
		return rc;
	}
	cJSON_ArrayForEach(e, v) {
		if ((above > 0 && buf_puts(path, ".") == -1) ||
		    buf_puts(path, e->string) == -1 ||
		    flatten(e, path, arr) == -1) {
			buf_truncate(path, above);
			return -1;
		}
		buf_truncate(path, above);
	}
	return 0;
}

/*
 * The scheme of the redaction markers in a flattened values list
 * ("sha256", "hmac-sha256:KEYID") into out; "" when it has none.
 */
static void
marker_scheme(const cJSON *flat, char *out, size_t len)
{
	const cJSON *e;

	out[0] = '\0';
	cJSON_ArrayForEach(e, flat) {
		const char *m = cJSON_IsString(e) ? strstr(e->valuestring,
		    "<redacted ") : NULL;
		const char *end;

		if (m == NULL)
			continue;
		m += strlen("<redacted ");
		/* Up to the last ':' before the digest. */
		if ((end = strrchr(m, ':')) != NULL && end > m) {
			snprintf(out, len, "%.*s", (int)(end - m), m);
			return;
		}
	}
}

/* Each marker of a flattened list as a bare "<redacted>". */
static int
unkey_markers(cJSON *flat)
{
	cJSON *e;

	cJSON_ArrayForEach(e, flat) {
		char *m = cJSON_IsString(e) ? strstr(e->valuestring,
		    "<redacted ") : NULL;

		if (m == NULL)
			continue;
		memcpy(m, "<redacted>", sizeof("<redacted>"));
	}
	return 0;
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
	struct buf path;
	char sx[64], sy[64];
	int r;

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
	buf_init(&path, VALUES_LEAF_MAX);
	r = flatten(cJSON_GetObjectItemCaseSensitive(xr, "values_user"), &path,
	    fx) == -1 || flatten(cJSON_GetObjectItemCaseSensitive(yr,
	    "values_user"), &path, fy) == -1;
	buf_release(&path);
	if (r) {
		cJSON_Delete(fx);
		cJSON_Delete(fy);
		return -1;
	}
	/*
	 * Markers of another key or scheme (a new store key, a store from
	 * before keyed markers) differ for every secret: that is one change,
	 * said once, and the secrets are then compared by presence alone.
	 */
	marker_scheme(fx, sx, sizeof(sx));
	marker_scheme(fy, sy, sizeof(sy));
	if (sx[0] != '\0' && sy[0] != '\0' && strcmp(sx, sy) != 0) {
		cJSON *from = cJSON_CreateString(sx), *to = cJSON_CreateString(sy);
		r = from == NULL || to == NULL ? -1 : change(out, "values",
		    "harness", "changed", "redaction markers", from, to);

		cJSON_Delete(from);
		cJSON_Delete(to);
		if (r == -1 || unkey_markers(fx) == -1 ||
		    unkey_markers(fy) == -1) {
			cJSON_Delete(fx);
			cJSON_Delete(fy);
			return -1;
		}
	}
	return list_diff(out, "values", "harness", "value", fx, fy);
}

/* Inventory items as "component (supported) at place". */
static cJSON *
inventory_list(const cJSON *items)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	cJSON_ArrayForEach(e, items) {
		const char *parts[] = { json_get_str(e, "component"), " (",
		    json_get_str(e, "supported"), ") at ",
		    json_get_str(e, "seen_at") };

		if (out != NULL && add_joined(out, parts, 5) == -1) {
			cJSON_Delete(out);
			out = NULL;
		}
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

/*
 * Is f a finding of a node whose document is the same in both runs? Its
 * result is the same on both sides, and an evaluation made against the
 * other run (controls_judge()) leaves it out: so is it left out here.
 */
static int
same_node_finding(const cJSON *f, const struct run_view *v,
    const struct run_view *other)
{
	const cJSON *ev = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f,
	    "evidence"), 0);
	const struct run_node *n;
	const char *collector = json_get_str(ev, "collector");

	if (collector == NULL || strcmp(collector, "node") != 0 ||
	    (n = run_view_node(v, json_str_or(ev, "subject", ""))) == NULL)
		return 0;
	return run_view_same_node(other, n);
}

/* Most "CHECK SUBJECT" may take: far past any real one. */
#define FINDING_SUBJECT_MAX	((size_t)1 << 20)

/* A finding's change, under the subject "CHECK SUBJECT". */
static int
finding_change(cJSON *out, struct buf *subject, const cJSON *f,
    const char *what, const cJSON *from, const cJSON *to)
{
	buf_reset(subject);
	if (buf_printf(subject, "%s %s", json_str_or(f, "check", "?"),
	    json_str_or(f, "subject", "?")) == -1) {
		log_errno("drift");
		return -1;
	}
	return change(out, "finding", buf_str(subject), what, "result", from,
	    to);
}

/*
 * Findings whose result changed, from the evaluations ea of run a and eb
 * of run b: whole evaluations, or ones made against the other run.
 */
static int
findings(cJSON *out, const struct run_view *a, const struct run_view *b,
    const cJSON *ea, const cJSON *eb)
{
	const cJSON *fa = cJSON_GetObjectItemCaseSensitive(ea, "findings");
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(eb, "findings");
	struct index ia = { NULL, 0 }, ib = { NULL, 0 };
	struct buf subject;
	const cJSON *f, *g;
	int rc = -1;

	buf_init(&subject, FINDING_SUBJECT_MAX);
	if (index_build(&ia, fa, "check", "subject") == -1 ||
	    index_build(&ib, fb, "check", "subject") == -1)
		goto out;
	cJSON_ArrayForEach(g, fb) {
		const cJSON *match = index_find(&ia, json_str_or(g, "check", ""),
		    json_str_or(g, "subject", ""));

		if (same_node_finding(g, b, a))
			continue;
		if (match != NULL && strcmp(json_str_or(match, "result", ""),
		    json_str_or(g, "result", "")) != 0 &&
		    finding_change(out, &subject, g, "changed",
		    cJSON_GetObjectItemCaseSensitive(match, "result"),
		    cJSON_GetObjectItemCaseSensitive(g, "result")) == -1)
			goto out;
		/* A new subject (a node, an endpoint...) and its result. */
		if (match == NULL && finding_change(out, &subject, g, "added",
		    NULL, cJSON_GetObjectItemCaseSensitive(g, "result")) == -1)
			goto out;
	}
	cJSON_ArrayForEach(f, fa) {
		if (same_node_finding(f, a, b))
			continue;
		if (index_find(&ib, json_str_or(f, "check", ""),
		    json_str_or(f, "subject", "")) == NULL &&
		    finding_change(out, &subject, f, "removed",
		    cJSON_GetObjectItemCaseSensitive(f, "result"), NULL) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_release(&subject);
	free(ia.v);
	free(ib.v);
	return rc;
}

cJSON *
drift_compute(const struct run_view *a, const struct run_view *b,
    const cJSON *ea, const cJSON *eb)
{
	cJSON *out = cJSON_CreateArray();
	cJSON *a_docs = docs_by_kind(a), *b_docs = docs_by_kind(b);
	cJSON *a_nodes = node_rows(a, b), *b_nodes = node_rows(b, a);

	if (out == NULL || a_docs == NULL || b_docs == NULL ||
	    a_nodes == NULL || b_nodes == NULL ||
	    nodes(out, a_nodes, b_nodes) == -1 ||
	    endpoints(out, cJSON_GetObjectItemCaseSensitive(a_docs, "tls"),
	    cJSON_GetObjectItemCaseSensitive(b_docs, "tls")) == -1 ||
	    cluster(out, a_docs, b_docs) == -1 ||
	    inventory(out, a_docs, b_docs) == -1 ||
	    findings(out, a, b, ea, eb) == -1) {
		log_err("cannot compare runs %lld and %lld", (long long)a->id,
		    (long long)b->id);
		cJSON_Delete(out);
		out = NULL;
	}
	cJSON_Delete(a_docs);
	cJSON_Delete(b_docs);
	cJSON_Delete(a_nodes);
	cJSON_Delete(b_nodes);
	return out;
}

/* Print s through the one sanitiser; nothing for NULL. */
static void
put(FILE *out, const char *s)
{
	if (s != NULL)
		text_put_clean(out, s);
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

/*
 * A CSV field: quoted, quotes doubled (RFC 4180), control bytes as
 * spaces. A field a spreadsheet would run as a formula (leading '=', '+',
 * '-', '@', tab or CR) starts with a "'" instead, which it shows as text.
 */
static void
csv_field(FILE *out, const char *s, int last)
{
	fputc('"', out);
	if (s != NULL && *s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		fputc('\'', out);
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
