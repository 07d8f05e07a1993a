/*
 * fuzz_harness_api.c - the Harness NG API's answers (ResponseDTO and
 * RestResponse envelopes; paged lists of organizations, projects, and of
 * connectors and user groups at every scope; pipeline ids and each
 * pipeline with its YAML, resolved or not; the authentication settings),
 * read by the Harness collector and then judged by the module inventory.
 * The input is cut at NUL bytes into the answers, served in the order
 * fipsev asks (the seeds are the fake API's answers, recorded).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/inventory/harness.h"
#include "collector/inventory/inventory.h"
#include "collector/inventory/charts.h"
#include "collector/inventory/matrix.h"
#include "fuzz/fuzz.h"

struct answers {
	const uint8_t	*p;
	size_t		 left;
	int		 done;
};

static int
serve(const char *method, const char *path, const char *payload,
    char **body, size_t *len, char *err, size_t errlen, void *arg)
{
	struct answers *a = arg;
	const uint8_t *end;
	size_t n;

	(void)method;
	(void)path;
	(void)payload;
	if (a->done) {
		snprintf(err, errlen, "no more answers");
		return -1;
	}
	end = memchr(a->p, '\0', a->left);
	n = end != NULL ? (size_t)(end - a->p) : a->left;
	if ((*body = malloc(n + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(*body, a->p, n);
	(*body)[n] = '\0';
	*len = n;
	if (end == NULL)
		a->done = 1;
	else {
		a->p += n + 1;
		a->left -= n + 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct matrix *matrix;
	static struct chart_model *charts;
	struct harness_opts o;
	struct answers a = { data, size, 0 };
	cJSON *doc;

	if (charts == NULL && chart_model_load(NULL, &charts) == -1)
		abort();
	if (matrix == NULL && matrix_load(NULL, &matrix) == -1)
		abort();
	memset(&o, 0, sizeof(o));
	o.url = "https://harness.example/gateway";
	o.account = "acct1";
	o.page_size = 100;
	if ((doc = harness_collect_with(&o, serve, &a)) != NULL) {
		cJSON_Delete(inventory_build(matrix, charts, NULL, doc));
		cJSON_Delete(doc);
	}
	return 0;
}
