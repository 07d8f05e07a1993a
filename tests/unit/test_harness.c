/*
 * test_harness.c - the Harness collector's paged lists under caps, over
 * answers played by the test (harness_collect_with()): endless paging
 * stops at a byte budget, a list of too many items stops at a cap, and
 * each is an error in the document, never a list silently cut short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "collector/inventory/harness.h"
#include "skip.h"

enum shape { ENDLESS, MANY_ITEMS };

struct server {
	enum shape	 shape;
	size_t		 sent;		/* bytes answered to paged requests */
};

/* A ResponseDTO page of the organizations, or 404 for anything else. */
static int
serve(const char *method, const char *path, const char *payload,
    char **body, size_t *len, char *err, size_t errlen, void *arg)
{
	struct server *s = arg;
	const size_t pad = (size_t)30 << 20, items = 100001;
	size_t n = 0, i;
	char *b;

	(void)method;
	(void)payload;
	/* One list only (the organizations), so the budget is one list's. */
	if (strstr(path, "/organizations?") == NULL) {
		snprintf(err, errlen, "HTTP 404");
		return -1;
	}
	b = malloc(pad + 3 * items + 256);
	assert_non_null(b);
	if (s->shape == ENDLESS) {
		/* Nothing in it, always another page: 30 MiB each. */
		n = (size_t)sprintf(b, "{\"status\":\"SUCCESS\",\"data\":{"
		    "\"content\":[],\"totalPages\":10000,\"pad\":\"");
		memset(b + n, 'x', pad);
		n += pad;
		n += (size_t)sprintf(b + n, "\"}}");
	} else {
		n = (size_t)sprintf(b, "{\"status\":\"SUCCESS\",\"data\":{"
		    "\"totalPages\":1,\"content\":[");
		for (i = 0; i < items; i++) {
			memcpy(b + n, i + 1 < items ? "{}," : "{}", 3);
			n += i + 1 < items ? 3 : 2;
		}
		n += (size_t)sprintf(b + n, "]}}");
	}
	s->sent += n;
	*body = b;
	*len = n;
	return 0;
}

/* The document's errors, joined, and the bytes the server sent. */
static char *
collect(enum shape shape, size_t *sent)
{
	struct harness_opts o;
	struct server s = { shape, 0 };
	const cJSON *e;
	cJSON *doc;
	char *all = calloc(1, 1);
	size_t n = 0;

	memset(&o, 0, sizeof(o));
	o.url = "https://harness.example/gateway";
	o.account = "acct1";
	o.page_size = 100;
	doc = harness_collect_with(&o, serve, &s);
	assert_non_null(doc);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "errors")) {
		size_t k = strlen(e->valuestring);

		all = realloc(all, n + k + 2);
		assert_non_null(all);
		memcpy(all + n, e->valuestring, k);
		n += k;
		all[n++] = '\n';
		all[n] = '\0';
	}
	cJSON_Delete(doc);
	*sent = s.sent;
	return all;
}

static void
test_endless_paging(void **state)
{
	size_t sent;
	char *errors;

	(void)state;
	/* 512 MiB go through the parser: minutes under memcheck, which
	 * adds nothing here over the plain and sanitizer builds. */
	if (getenv("FIPSEV_BUILD") != NULL &&
	    strcmp(getenv("FIPSEV_BUILD"), "valgrind") == 0)
		skip_because("512 MiB through the parser under memcheck");
	errors = collect(ENDLESS, &sent);
	if (strstr(errors, "more than 512 MiB were read for this list") ==
	    NULL)
		fail_msg("no byte budget in: %s", errors);
	/* It stopped at the budget (18 pages), not at the 10000 pages. */
	assert_true(sent < ((size_t)560 << 20));
	free(errors);
}

static void
test_many_items(void **state)
{
	size_t sent;
	char *errors;

	(void)state;
	errors = collect(MANY_ITEMS, &sent);
	if (strstr(errors, "more than 100000 items: the rest were not read") ==
	    NULL)
		fail_msg("no cap on items in: %s", errors);
	free(errors);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endless_paging),
		cmocka_unit_test(test_many_items),
	};

	return unit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
