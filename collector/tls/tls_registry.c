/*
 * tls_registry.c - see tls_registry.h.
 */
#include <stdlib.h>
#include <string.h>

#include "collector/tls/tls_registry.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

/* From the build (cmake/embed.cmake). */
extern const char data_cipher_suites[], data_groups[], data_sigalgs[];
extern const size_t data_cipher_suites_len, data_groups_len, data_sigalgs_len;

/* "0x1301" -> 0x1301. Returns -1 for anything else. */
static int
parse_code(const struct tsv_field *f, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;

	if (f->len != 6 || f->p[0] != '0' || f->p[1] != 'x')
		return -1;
	for (i = 2; i < f->len; i++) {
		char c = f->p[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | (unsigned long)d;
	}
	*out = (uint16_t)v;
	return 0;
}

static int
cmp_suite(const void *a, const void *b)
{
	const struct tls_suite *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
cmp_named(const void *a, const void *b)
{
	const struct tls_named *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Grow an array of n elements of size sz by one slot, zeroed. */
static void *
grow(void *arr, size_t n, size_t sz)
{
	char *p;

	if ((p = reallocarray(arr, n + 1, sz)) == NULL) {
		log_errno("cannot load the TLS registry");
		return NULL;
	}
	memset(p + n * sz, 0, sz);
	return p;
}

static int
load_suites(struct tls_registry *reg)
{
	struct tsv t;
	struct tsv_field f[TSV_MAX_FIELDS];
	int nf, r;

	tsv_init(&t, "cipher-suites.tsv", data_cipher_suites,
	    data_cipher_suites_len);
	while ((r = tsv_next(&t, f, &nf, 6)) == 1) {
		struct tls_suite *s, *arr;

		if ((arr = grow(reg->suites, reg->nsuites,
		    sizeof(*arr))) == NULL)
			return -1;
		reg->suites = arr;
		s = &arr[reg->nsuites++];
		if (parse_code(&f[0], &s->id) == -1) {
			log_err("cipher-suites.tsv line %d: bad code point",
			    t.lineno);
			return -1;
		}
		s->tls13 = tsv_eq(&f[2], "tls13");
		if ((s->name = tsv_strdup(&t, &f[1])) == NULL ||
		    (s->kex = tsv_strdup(&t, &f[3])) == NULL ||
		    (s->cipher = tsv_strdup(&t, &f[4])) == NULL ||
		    (s->mac = tsv_strdup(&t, &f[5])) == NULL)
			return -1;
	}
	qsort(reg->suites, reg->nsuites, sizeof(*reg->suites), cmp_suite);
	return r;
}

static int
load_named(const char *name, const char *text, size_t len,
    struct tls_named **out, size_t *n)
{
	struct tsv t;
	struct tsv_field f[TSV_MAX_FIELDS];
	int nf, r;

	tsv_init(&t, name, text, len);
	while ((r = tsv_next(&t, f, &nf, 2)) == 1) {
		struct tls_named *arr;

		if ((arr = grow(*out, *n, sizeof(*arr))) == NULL)
			return -1;
		*out = arr;
		if (parse_code(&f[0], &arr[*n].id) == -1) {
			log_err("%s line %d: bad code point", name, t.lineno);
			(*n)++;
			return -1;
		}
		if ((arr[*n].name = tsv_strdup(&t, &f[1])) == NULL) {
			(*n)++;
			return -1;
		}
		(*n)++;
	}
	qsort(*out, *n, sizeof(**out), cmp_named);
	return r;
}

int
tls_registry_load(struct tls_registry *reg)
{
	memset(reg, 0, sizeof(*reg));
	if (load_suites(reg) == -1 ||
	    load_named("groups.tsv", data_groups, data_groups_len,
	    &reg->groups, &reg->ngroups) == -1 ||
	    load_named("sigalgs.tsv", data_sigalgs, data_sigalgs_len,
	    &reg->sigalgs, &reg->nsigalgs) == -1) {
		tls_registry_release(reg);
		return -1;
	}
	return 0;
}

static void
release_named(struct tls_named *arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(arr[i].name);
	free(arr);
}

void
tls_registry_release(struct tls_registry *reg)
{
	size_t i;

	for (i = 0; i < reg->nsuites; i++) {
		free(reg->suites[i].name);
		free(reg->suites[i].kex);
		free(reg->suites[i].cipher);
		free(reg->suites[i].mac);
	}
	free(reg->suites);
	release_named(reg->groups, reg->ngroups);
	release_named(reg->sigalgs, reg->nsigalgs);
	memset(reg, 0, sizeof(*reg));
}

const struct tls_suite *
tls_suite_by_id(const struct tls_registry *reg, uint16_t id)
{
	struct tls_suite key = { .id = id };

	if (reg->nsuites == 0)
		return NULL;
	return bsearch(&key, reg->suites, reg->nsuites, sizeof(key),
	    cmp_suite);
}

static const struct tls_named *
named_by_id(const struct tls_named *arr, size_t n, uint16_t id)
{
	struct tls_named key = { .id = id };

	if (n == 0)
		return NULL;
	return bsearch(&key, arr, n, sizeof(key), cmp_named);
}

const struct tls_named *
tls_group_by_id(const struct tls_registry *reg, uint16_t id)
{
	return named_by_id(reg->groups, reg->ngroups, id);
}

const struct tls_named *
tls_sigalg_by_id(const struct tls_registry *reg, uint16_t id)
{
	return named_by_id(reg->sigalgs, reg->nsigalgs, id);
}
