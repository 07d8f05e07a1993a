/*
 * fuzz_klist.c - a Kubernetes list as the stream reader sees it (klist.h),
 * from a snapshot file or an API page. The first byte chooses how the
 * rest is cut into chunks; the answer must not depend on the cut: the
 * same status, error and items as when it is fed whole. And a document
 * the reader accepts must be one cJSON parses whole, with the same items
 * (empty ones and the pruned fields aside): what fipsev judges is what
 * any other reader of the file sees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/net/klist.h"
#include "util/json.h"
#include "fuzz/fuzz.h"

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

/* The items cJSON finds in the whole document, as klist keeps them. */
static char *
whole_items(const char *p, size_t n, int *parsed)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(p, n, &end, 0), *items, *it,
	    *next, *meta;
	char *text;

	*parsed = doc != NULL;
	/* cJSON stops at the end of the value: only space may follow. */
	while (doc != NULL && end < p + n && (*end == ' ' || *end == '\t' ||
	    *end == '\n' || *end == '\r'))
		end++;
	if (doc != NULL && end != p + n)
		*parsed = 0;
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	for (it = items != NULL ? items->child : NULL; it != NULL; it = next) {
		next = it->next;
		if (cJSON_IsObject(it) && it->child == NULL) {
			cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
			continue;
		}
		meta = cJSON_GetObjectItemCaseSensitive(it, "metadata");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
		cJSON_DeleteItemFromObjectCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(meta, "annotations"),
		    "kubectl.kubernetes.io/last-applied-configuration");
	}
	text = cJSON_IsArray(items) ? cJSON_PrintUnformatted(items) : NULL;
	cJSON_Delete(doc);
	return text;
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
	/* Accepted: cJSON reads the same items from the whole text. */
	if (whole.rc == 0 && whole.items != NULL) {
		int parsed;
		char *mine = whole_items((const char *)data + 1, size - 1,
		    &parsed);

		if (!parsed || (mine != NULL && strcmp(mine, whole.items) != 0) ||
		    (mine == NULL && strcmp(whole.items, "[]") != 0))
			abort();
		free(mine);
	}
	/* An estimate of what parsing costs is never below the text. */
	if (json_weight((const char *)data + 1, size - 1) < size - 1)
		abort();
	free(whole.items);
	free(whole.cont);
	free(cut.items);
	free(cut.cont);
	return 0;
}
