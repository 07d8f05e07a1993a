/*
 * run.c - a run's evidence in memory; see run.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence/run.h"
#include "util/log.h"
#include "util/banned.h"

void
run_view_init(struct run_view *v, int64_t id)
{
	memset(v, 0, sizeof(*v));
	v->id = id;
}

static void
node_release(struct run_node *n)
{
	free(n->subject);
	free(n->os_pretty_name);
	free(n->os_variant_id);
	free(n->kernel_release);
	free(n->reasons);
}

void
run_view_release(struct run_view *v)
{
	size_t i;

	for (i = 0; i < v->ndocs; i++) {
		free(v->docs[i].subject);
		cJSON_Delete(v->docs[i].json);
	}
	for (i = 0; i < v->nnodes; i++)
		node_release(&v->nodes[i]);
	free(v->docs);
	free(v->nodes);
	run_view_init(v, 0);
}

/* Room for one more element of size sz in *arr (n used, *cap held). */
static int
grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap < 16 ? 16 : *cap * 2;
	if ((p = reallocarray(*arr, ncap, sz)) == NULL) {
		log_errno("run evidence");
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

/* A copy of s, NULL for NULL; *bad set when the copy fails. */
static char *
dup_or_null(const char *s, int *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*bad = 1;
	return d;
}

/* Copy a digest, which must be SHA-256 hex; *bad set when it is not. */
static void
copy_digest(char out[SHA256_HEX_LEN + 1], const char *hex, int *bad)
{
	if (hex == NULL || strlen(hex) != SHA256_HEX_LEN) {
		*bad = 1;
		out[0] = '\0';
		return;
	}
	memcpy(out, hex, SHA256_HEX_LEN + 1);
}

int
run_view_add_doc(struct run_view *v, enum evidence_kind kind,
    const char *subject, const char *sha256, const char *text, size_t len)
{
	struct run_doc *d;
	int bad = 0;

	if (grow((void **)&v->docs, v->ndocs, &v->cap_docs,
	    sizeof(*v->docs)) == -1)
		return -1;
	d = &v->docs[v->ndocs];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->subject = dup_or_null(subject != NULL ? subject : "", &bad);
	copy_digest(d->sha256, sha256, &bad);
	if (bad) {
		free(d->subject);
		log_err("run evidence: a %s document without a subject or "
		    "digest, or out of memory", kind < EVIDENCE__MAX ?
		    evidence_kind_names[kind] : "?");
		return -1;
	}
	d->json = cJSON_ParseWithLength(text, len);
	v->ndocs++;
	return 0;
}

int
run_view_add_node(struct run_view *v, const struct run_node *n)
{
	struct run_node *c;
	int bad = 0;

	if (n->subject == NULL || (v->nnodes > 0 &&
	    strcmp(v->nodes[v->nnodes - 1].subject, n->subject) > 0)) {
		log_err("run evidence: node '%s' is out of order",
		    n->subject != NULL ? n->subject : "?");
		return -1;
	}
	if (grow((void **)&v->nodes, v->nnodes, &v->cap_nodes,
	    sizeof(*v->nodes)) == -1)
		return -1;
	c = &v->nodes[v->nnodes];
	memset(c, 0, sizeof(*c));
	c->subject = dup_or_null(n->subject, &bad);
	copy_digest(c->sha256, n->sha256, &bad);
	c->compliant = n->compliant != 0;
	c->fips_enabled = n->fips_enabled;
	c->kernel_cmdline_fips = n->kernel_cmdline_fips;
	c->os_pretty_name = dup_or_null(n->os_pretty_name, &bad);
	c->os_variant_id = dup_or_null(n->os_variant_id, &bad);
	c->kernel_release = dup_or_null(n->kernel_release, &bad);
	c->reasons = dup_or_null(n->reasons != NULL ? n->reasons : "[]", &bad);
	if (bad) {
		node_release(c);
		log_err("run evidence: node '%s' has no digest, or out of "
		    "memory", n->subject);
		return -1;
	}
	v->nnodes++;
	return 0;
}

const struct run_node *
run_view_node(const struct run_view *v, const char *subject)
{
	size_t lo = 0, hi = v->nnodes;

	/* The first of that name: two nodes may share one (run.h). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v->nodes[mid].subject, subject) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nnodes && strcmp(v->nodes[lo].subject, subject) == 0 ?
	    &v->nodes[lo] : NULL;
}

size_t
run_view_count(const struct run_view *v, enum evidence_kind kind)
{
	size_t i, n = 0;

	if (kind == EVIDENCE_NODE)
		return v->nnodes;
	for (i = 0; i < v->ndocs; i++)
		n += v->docs[i].kind == kind;
	return n;
}

int
run_view_same_node(const struct run_view *other, const struct run_node *n)
{
	const struct run_node *o, *end;

	if (other == NULL || (o = run_view_node(other, n->subject)) == NULL)
		return 0;
	for (end = other->nodes + other->nnodes; o < end &&
	    strcmp(o->subject, n->subject) == 0; o++)
		if (strcmp(o->sha256, n->sha256) == 0)
			return 1;
	return 0;
}
