/*
 * fuzz_klist.c - a Kubernetes list as the stream reader sees it (klist.h),
 * from a snapshot file or an API page. The first byte chooses how the
 * rest is cut into chunks; the answer must not depend on the cut: the
 * same status, error and items as when it is fed whole. json_weight()
 * must bound what the whole text costs to parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/klist.h"
#include "util/json.h"
#include "fuzz.h"

struct answer {
	int	 rc;
	char	 err[256];
	char	*items;		/* printed, or NULL */
	char	*cont;
};

static void
read_list(const char *p, size_t n, size_t step, struct answer *a)
{
	struct klist_budget b = { 0, 4 << 20 };
	struct klist l;
	cJSON *out = cJSON_CreateArray();
	size_t off, k;

	memset(a, 0, sizeof(*a));
	if (out == NULL) {
		a->rc = -2;
		return;
	}
	klist_init(&l, out, &b);
	klist_begin(&l);
	a->rc = 0;
	for (off = 0; off < n && a->rc == 0; off += k) {
		k = n - off < step ? n - off : step;
		a->rc = klist_feed(&l, p + off, k);
	}
	if (a->rc == 0)
		a->rc = klist_end(&l);
	memcpy(a->err, l.err, sizeof(a->err));
	a->items = cJSON_PrintUnformatted(out);
	a->cont = l.cont != NULL ? strdup(l.cont) : NULL;
	klist_release(&l);
	cJSON_Delete(out);
}

static int
same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) ||
	    (x != NULL && y != NULL && strcmp(x, y) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer whole, cut;
	size_t step;

	if (size < 1)
		return 0;
	step = 1 + data[0] % 64;
	read_list((const char *)data + 1, size - 1, size, &whole);
	read_list((const char *)data + 1, size - 1, step, &cut);
	/* Out of memory is the one answer that may differ. */
	if (whole.rc != -2 && cut.rc != -2 && whole.items != NULL &&
	    cut.items != NULL && (whole.rc != cut.rc ||
	    strcmp(whole.err, cut.err) != 0 ||
	    !same(whole.items, cut.items) || !same(whole.cont, cut.cont)))
		abort();
	(void)json_weight((const char *)data + 1, size - 1);
	free(whole.items);
	free(whole.cont);
	free(cut.items);
	free(cut.cont);
	return 0;
}
