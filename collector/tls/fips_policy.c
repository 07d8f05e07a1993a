/*
 * fips_policy.c - see fips_policy.h.
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/tls/fips_policy.h"
#include "util/json.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

extern const char data_fips_policy[];
extern const size_t data_fips_policy_len;

/* A policy file is small; anything larger is not one. */
#define POLICY_MAX	(1024 * 1024)

static const char *const kinds[] = {
	"protocol", "feature", "kex", "cipher", "mac", "suite", "group", "sigalg",
	"cert-key", "cert-sig", "cert-validity",
};

struct rule {
	char			*kind;
	char			*value;		/* exact or fnmatch pattern */
	int			 pattern;
	int			 min_bits;	/* cert-key NAME>=BITS, else 0 */
	struct fips_verdict	 verdict;
};

struct fips_policy {
	struct rule	*rules;
	size_t		 nrules;
	char		*version;
	char		*text;		/* a file's contents, NULL if built in */
};

static const char unlisted_reason[] = "not in the FIPS policy";

const char *
fips_status_name(enum fips_status s)
{
	switch (s) {
	case FIPS_APPROVED:
		return "approved";
	case FIPS_DEPRECATED:
		return "deprecated";
	default:
		return "not-approved";
	}
}

int
fips_verdict_json(cJSON *obj, const struct fips_verdict *v)
{
	if (cJSON_AddBoolToObject(obj, "fips_approved",
	    v->status == FIPS_APPROVED) == NULL ||
	    json_add_str(obj, "fips_status", fips_status_name(v->status)) ||
	    json_add_str(obj, "reason", v->reason) ||
	    json_add_str(obj, "reference", v->reference))
		return -1;
	return 0;
}

static int
parse_status(const struct tsv_field *f, enum fips_status *s)
{
	if (tsv_eq(f, "approved"))
		*s = FIPS_APPROVED;
	else if (tsv_eq(f, "deprecated"))
		*s = FIPS_DEPRECATED;
	else if (tsv_eq(f, "not-approved"))
		*s = FIPS_NOT_APPROVED;
	else
		return -1;
	return 0;
}

static int
known_kind(const struct tsv_field *f)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (tsv_eq(f, kinds[i]))
			return 1;
	return 0;
}

/* Split "NAME>=BITS" in place; returns bits, 0 if absent, -1 if bad. */
static int
split_min_bits(char *value)
{
	char *ge = strstr(value, ">="), *end;
	long bits;

	if (ge == NULL)
		return 0;
	bits = strtol(ge + 2, &end, 10);
	if (*end != '\0' || end == ge + 2 || bits <= 0 || bits > 65536)
		return -1;
	*ge = '\0';
	return (int)bits;
}

/* "# version: 1 (2026-11-28)" -> "1 (2026-11-28)". */
static int
find_version(struct fips_policy *p, const char *text)
{
	const char *tag = "# version:", *s = strstr(text, tag), *e;

	if (s == NULL)
		return 0;
	s += strlen(tag);
	s += strspn(s, " \t");
	e = s + strcspn(s, "\r\n");
	if ((p->version = strndup(s, (size_t)(e - s))) == NULL) {
		log_errno("cannot load the FIPS policy");
		return -1;
	}
	return 0;
}

static int
add_rule(struct fips_policy *p, const struct tsv *t, struct tsv_field *f)
{
	struct rule *arr, *r;

	if (!known_kind(&f[0])) {
		log_err("%s line %d: unknown kind '%.*s'", t->name, t->lineno,
		    (int)f[0].len, f[0].p);
		return -1;
	}
	if ((arr = reallocarray(p->rules, p->nrules + 1,
	    sizeof(*arr))) == NULL) {
		log_errno("cannot load the FIPS policy");
		return -1;
	}
	p->rules = arr;
	r = &arr[p->nrules++];
	memset(r, 0, sizeof(*r));
	if (parse_status(&f[2], &r->verdict.status) == -1) {
		log_err("%s line %d: status '%.*s' is not approved, "
		    "deprecated or not-approved", t->name, t->lineno,
		    (int)f[2].len, f[2].p);
		return -1;
	}
	if ((r->kind = tsv_strdup(t, &f[0])) == NULL ||
	    (r->value = tsv_strdup(t, &f[1])) == NULL ||
	    (r->verdict.reference = tsv_strdup(t, &f[3])) == NULL ||
	    (r->verdict.reason = tsv_strdup(t, &f[4])) == NULL)
		return -1;
	if (r->value[0] == '\0') {
		log_err("%s line %d: empty value", t->name, t->lineno);
		return -1;
	}
	if (strcmp(r->kind, "cert-key") == 0 &&
	    (r->min_bits = split_min_bits(r->value)) == -1) {
		log_err("%s line %d: bad key size in '%.*s'", t->name,
		    t->lineno, (int)f[1].len, f[1].p);
		return -1;
	}
	r->pattern = strpbrk(r->value, "*?[") != NULL;
	return 0;
}

int
fips_policy_load(const char *path, struct fips_policy **out)
{
	struct fips_policy *p;
	struct tsv t;
	struct tsv_field f[TSV_MAX_FIELDS];
	int nf, r;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_errno("cannot load the FIPS policy");
		return -1;
	}
	if (tsv_open(&t, path, POLICY_MAX, "fips-policy.tsv", data_fips_policy,
	    data_fips_policy_len, &p->text) == -1)
		goto fail;
	if (memchr(t.text, '\0', t.len) != NULL) {
		log_err("%s: not a text file", t.name);
		goto fail;
	}
	while ((r = tsv_next(&t, f, &nf, 5)) == 1)
		if (add_rule(p, &t, f) == -1)
			goto fail;
	if (r == -1 || find_version(p, t.text) == -1)
		goto fail;
	if (p->nrules == 0) {
		log_err("%s: no rules", t.name);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	fips_policy_free(p);
	return -1;
}

void
fips_policy_free(struct fips_policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrules; i++) {
		free(p->rules[i].kind);
		free(p->rules[i].value);
		free((char *)p->rules[i].verdict.reference);
		free((char *)p->rules[i].verdict.reason);
	}
	free(p->rules);
	free(p->version);
	free(p->text);
	free(p);
}

const char *
fips_policy_version(const struct fips_policy *p)
{
	return p->version != NULL ? p->version : "unversioned";
}

int
fips_policy_digest(const struct fips_policy *p, char *hex)
{
	return p->text != NULL ? sha256_hex(p->text, strlen(p->text), hex) :
	    sha256_hex(data_fips_policy, data_fips_policy_len, hex);
}

/*
 * The rule for (kind, value) of at most bits (0: any): an exact match
 * first, then the first pattern in file order. NULL if none.
 */
static const struct rule *
lookup(const struct fips_policy *p, const char *kind, const char *value,
    int bits)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < p->nrules; i++) {
			const struct rule *r = &p->rules[i];

			if (r->pattern != pass || strcmp(r->kind, kind) != 0)
				continue;
			if (r->min_bits > 0 && bits < r->min_bits)
				continue;
			if (pass == 0 ? strcmp(r->value, value) == 0 :
			    fnmatch(r->value, value, 0) == 0)
				return r;
		}
	}
	return NULL;
}

static void
unlisted(struct fips_verdict *v)
{
	v->status = FIPS_NOT_APPROVED;
	v->reference = "";
	v->reason = unlisted_reason;
}

void
fips_classify(const struct fips_policy *p, const char *kind,
    const char *value, struct fips_verdict *v)
{
	const struct rule *r = lookup(p, kind, value, 0);

	if (r != NULL)
		*v = r->verdict;
	else
		unlisted(v);
}

void
fips_classify_suite(const struct fips_policy *p, const struct tls_suite *s,
    struct fips_verdict *v)
{
	const char *kind[] = { "kex", "cipher", "mac" };
	const char *part[] = { s->kex, s->cipher, s->mac };
	struct fips_verdict pv;
	size_t i;

	if (lookup(p, "suite", s->name, 0) != NULL) {
		fips_classify(p, "suite", s->name, v);
		return;
	}
	v->status = FIPS_APPROVED;
	v->reference = "";
	v->reason = "";
	for (i = 0; i < 3; i++) {
		fips_classify(p, kind[i], part[i], &pv);
		/* The first, most telling, of the worst reasons wins. */
		if (pv.status > v->status || i == 0)
			*v = pv;
	}
}

void
fips_classify_key(const struct fips_policy *p, const char *type, int bits,
    struct fips_verdict *v)
{
	const struct rule *r = lookup(p, "cert-key", type, bits);

	if (r != NULL)
		*v = r->verdict;
	else
		unlisted(v);
}
