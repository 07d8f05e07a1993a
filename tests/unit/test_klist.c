/*
 * test_klist.c - the streamed list reader: the same items however the
 * text is cut into chunks, never a shorter list from a document cut
 * short, every cap an error that names it, and the bulk no check reads
 * (managedFields, kubectl's last-applied copy) dropped.
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

#include "collector/net/klist.h"

/* Brackets, quotes and escapes in strings, in items and in skipped
 * values alike; an empty item; the continue token after the items. */
static const char LIST[] =
    "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"junk\":[1,{\"a\":"
    "\"]}\\\"\"}],\"items\":[ {\"metadata\":{\"name\":\"a\"},\"data\":"
    "{\"k\":\"}{][,:\\\\\\\"\"}}, {} ,{\"metadata\":{\"name\":\"b\","
    "\"managedFields\":[{\"manager\":\"kubectl\"}],\"annotations\":{"
    "\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\","
    "\"keep\":\"1\"}},"
    "\"n\":[1.5e3,true,null,7]}\n],\"metadata\":{\"resourceVersion\":"
    "\"9\",\"continue\":\"tok\\u0031\"},\"tail\":false}";

/* Feed text in chunks of step bytes; returns klist_end()'s answer. */
static int
feed(struct klist *l, const char *text, size_t len, size_t step)
{
	size_t off, n;

	klist_begin(l);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		if (klist_feed(l, text + off, n) == -1)
			return -1;
	}
	return klist_end(l);
}

static int
read_list(const char *text, size_t len, size_t step, cJSON **out,
    char *err, size_t errlen, char **cont)
{
	struct klist_budget b = { 0, KLIST_BUDGET };
	struct klist l;
	int rc;

	*out = cJSON_CreateArray();
	klist_init(&l, *out, &b);
	rc = feed(&l, text, len, step);
	snprintf(err, errlen, "%s", l.err);
	if (cont != NULL)
		*cont = l.cont != NULL ? strdup(l.cont) : NULL;
	klist_release(&l);
	return rc;
}

static void
test_chunks(void **state)
{
	size_t step;

	(void)state;
	for (step = 1; step <= sizeof(LIST); step++) {
		char err[256], *cont, *text;
		cJSON *out;

		assert_int_equal(read_list(LIST, sizeof(LIST) - 1, step, &out,
		    err, sizeof(err), &cont), 0);
		/* The empty item is not kept. */
		assert_int_equal(cJSON_GetArraySize(out), 2);
		text = cJSON_PrintUnformatted(out);
		assert_string_equal(text, "[{\"metadata\":{\"name\":\"a\"},"
		    "\"data\":{\"k\":\"}{][,:\\\\\\\"\"}},{\"metadata\":"
		    "{\"name\":\"b\",\"annotations\":{\"keep\":\"1\"}},"
		    "\"n\":[1500,true,null,7]}]");
		assert_non_null(cont);
		assert_string_equal(cont, "tok1");
		free(text);
		free(cont);
		cJSON_Delete(out);
	}
}

/* Every proper prefix of a list is an error, never a shorter list. */
static void
test_cut_short(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(LIST) - 1; n++) {
		char err[256];
		cJSON *out;
		int rc;

		rc = read_list(LIST, n, 7, &out, err, sizeof(err), NULL);
		if (rc == 0)
			fail_msg("a list cut at byte %zu was read whole", n);
		cJSON_Delete(out);
	}
}

static void
expect_error(const char *text, const char *why)
{
	char err[256];
	cJSON *out;

	if (read_list(text, strlen(text), 3, &out, err, sizeof(err),
	    NULL) == 0)
		fail_msg("read, not refused: %s", text);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': error '%s' does not say '%s'", text, err, why);
	cJSON_Delete(out);
}

static void
test_not_lists(void **state)
{
	const char *good;
	char err[256];
	cJSON *out;

	(void)state;
	expect_error("", "empty");
	expect_error("[]", "not a JSON object");
	expect_error("{\"kind\":\"List\"}", "no \"items\"");
	expect_error("{\"items\":5}", "not an array");
	expect_error("{\"items\":\"x\"}", "not an array");
	expect_error("{\"items\":nope}", "a literal is misspelt");
	expect_error("{\"items\":[],\"items\":[]}", "two \"items\"");
	expect_error("{\"items\":[1]}", "item 1 is not a JSON object");
	expect_error("{\"items\":[{\"a\":}]}", "a value is missing");
	expect_error("{\"items\":[{},]}", "a value is missing");
	expect_error("{\"items\":[] x}", "',' is missing");
	expect_error("{\"items\":[]} {}", "text after its end");
	expect_error("{\"items\":[], \"n\": 12", "cut short");
	/* An escaped top-level key is refused: any other reader decodes
	 * "it\u0065ms" as "items", and would see a different list. */
	expect_error("{\"it\\u0065ms\":[{\"a\":1}]}", "an escaped key");
	expect_error("{\"items\":[],\"it\\u0065ms\":[{\"metadata\":{\"name\":"
	    "\"evil\"}}]}", "an escaped key");
	expect_error("{\"metadata\":{},\"items\":[],\"metadata\":{\"continue\":"
	    "\"x\"}}", "two \"metadata\"");
	/* The whole grammar, in values that are skipped too. */
	expect_error("{\"kind\":List,\"items\":[{\"a\":1}]}", "not valid JSON");
	expect_error("{\"x\":{\"a\":[1}],\"items\":[]}", "does not match");
	expect_error("{\"x\":\"\\q\",\"items\":[]}", "unknown escape");
	expect_error("{\"x\":\"\\u12g4\",\"items\":[]}", "four hex digits");
	expect_error("{\"x\":\"a\tb\",\"items\":[]}", "control character");
	expect_error("{\"x\":\"\\ud800\",\"items\":[]}", "unpaired surrogate");
	expect_error("{\"x\":\"\\ud800\\n\",\"items\":[]}", "unpaired surrogate");
	expect_error("{\"x\":\"\\udc00\",\"items\":[]}", "unpaired surrogate");
	expect_error("{\"n\":01,\"items\":[]}", "',' is missing");
	expect_error("{\"n\":1.,\"items\":[]}", "number is cut short");
	expect_error("{\"n\":-,\"items\":[]}", "number is cut short");
	expect_error("{\"n\":1e,\"items\":[]}", "number is cut short");
	expect_error("{\"n\":[1,],\"items\":[]}", "a value is missing");
	expect_error("{\"n\":{\"a\":1,},\"items\":[]}", "a key is missing");
	expect_error("{\"n\":{\"a\" 1},\"items\":[]}", "':' is missing");
	expect_error("{\"items\":[]}}", "text after its end");
	good = "{\"n\":[-0.5e+3,1E-2,0,\"\\u00e9\\n\\ud83d\\ude00\"],"
	    "\"items\":[]}";
	assert_int_equal(read_list(good, strlen(good), 1, &out, err,
	    sizeof(err), NULL), 0);
	cJSON_Delete(out);
	/* The API's empty list. */
	assert_int_equal(read_list("{\"items\":null}", 14, 1, &out, err,
	    sizeof(err), NULL), 0);
	assert_int_equal(cJSON_GetArraySize(out), 0);
	cJSON_Delete(out);
}

/* Deeper than KLIST_DEPTH_MAX: refused, not a stack overrun. */
static void
test_deep(void **state)
{
	char err[256], *s = malloc(2 * KLIST_DEPTH_MAX + 64);
	size_t n = 0, i;
	cJSON *out;

	(void)state;
	assert_non_null(s);
	n += (size_t)sprintf(s, "{\"x\":");
	for (i = 0; i < KLIST_DEPTH_MAX; i++)
		s[n++] = '[';
	for (i = 0; i < KLIST_DEPTH_MAX; i++)
		s[n++] = ']';
	n += (size_t)sprintf(s + n, ",\"items\":[]}");
	assert_int_equal(read_list(s, n, 64, &out, err, sizeof(err), NULL),
	    -1);
	assert_non_null(strstr(err, "nested deeper than 512"));
	cJSON_Delete(out);
	free(s);
}

/* Text of n copies of item, as a list. */
static char *
repeat(const char *item, size_t n, size_t *len)
{
	size_t il = strlen(item), i, off;
	char *s = malloc(16 + n * (il + 1));

	assert_non_null(s);
	off = (size_t)sprintf(s, "{\"items\":[");
	for (i = 0; i < n; i++) {
		memcpy(s + off, item, il);
		off += il;
		s[off++] = i + 1 < n ? ',' : ']';
	}
	s[off++] = '}';
	s[off] = '\0';
	*len = off;
	return s;
}

static void
test_caps(void **state)
{
	struct klist_budget b = { 0, 1 << 20 };
	struct klist l;
	char err[256], *s, *big;
	size_t len, n;
	cJSON *out;

	(void)state;
	/* Empty items count towards the cap on items, and cost nothing. */
	s = repeat("{}", KLIST_ITEMS_MAX, &len);
	assert_int_equal(read_list(s, len, 65536, &out, err, sizeof(err),
	    NULL), 0);
	assert_int_equal(cJSON_GetArraySize(out), 0);
	cJSON_Delete(out);
	free(s);
	s = repeat("{}", KLIST_ITEMS_MAX + 1, &len);
	assert_int_equal(read_list(s, len, 65536, &out, err, sizeof(err),
	    NULL), -1);
	assert_non_null(strstr(err, "more than 100000 items"));
	cJSON_Delete(out);
	free(s);

	/* One item over the cap on bytes. */
	n = KLIST_ITEM_MAX + 16;
	big = malloc(n + 64);
	assert_non_null(big);
	len = (size_t)sprintf(big, "{\"items\":[{\"a\":\"");
	memset(big + len, 'x', n);
	len += n;
	len += (size_t)sprintf(big + len, "\"}]}");
	assert_int_equal(read_list(big, len, 65536, &out, err, sizeof(err),
	    NULL), -1);
	assert_non_null(strstr(err, "item 1 is over 4 MiB"));
	cJSON_Delete(out);
	free(big);

	/* An item small in bytes but dense in values is refused before it
	 * is parsed: 3 MiB of "[]," would be a million cJSON nodes. */
	n = 3 << 20;
	big = malloc(n + 64);
	assert_non_null(big);
	len = (size_t)sprintf(big, "{\"items\":[{\"a\":[");
	for (; len < n; len += 3)
		memcpy(big + len, "[],", 3);
	len += (size_t)sprintf(big + len, "[]]}]}");
	assert_int_equal(read_list(big, len, 65536, &out, err, sizeof(err),
	    NULL), -1);
	assert_non_null(strstr(err, "would take more than 32 MiB"));
	cJSON_Delete(out);
	free(big);

	/* The budget all lists share. */
	out = cJSON_CreateArray();
	klist_init(&l, out, &b);
	s = repeat("{\"metadata\":{\"name\":\"a\"}}", 4000, &len);
	assert_int_equal(feed(&l, s, len, 100), -1);
	assert_non_null(strstr(l.err, "more than 1 MiB of memory together"));
	assert_true(b.weight <= b.max);
	assert_true(cJSON_GetArraySize(out) > 0);
	free(s);
	klist_release(&l);
	cJSON_Delete(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_not_lists),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
