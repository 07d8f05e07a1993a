/*
 * json.c - sanitising cJSON helpers; see json.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* A JSON string fipsev stores may be large (a 64 KiB file), never huge. */
#define JSON_TEXT_MAX (4u * 1024 * 1024)

static cJSON *
make_text(const char *s, size_t n, int *lossy)
{
	struct buf b;
	cJSON *item = NULL;
	long r;

	buf_init(&b, JSON_TEXT_MAX);
	if ((r = utf8_sanitize(&b, s, n)) < 0)
		goto out;
	if (lossy != NULL)
		*lossy = r > 0;
	item = cJSON_CreateString(buf_str(&b));
out:
	buf_release(&b);
	return item;
}

/* make_text() of a C string, without a copy when it is clean already. */
static cJSON *
make_str(const char *s)
{
	size_t n = strlen(s);

	if (n <= JSON_TEXT_MAX && utf8_valid(s, n))
		return cJSON_CreateString(s);
	return make_text(s, n, NULL);
}

/* Attach item (which may be NULL after a failed create) as name. */
static int
add_item(cJSON *obj, const char *name, cJSON *item)
{
	if (item == NULL || !cJSON_AddItemToObject(obj, name, item)) {
		cJSON_Delete(item);
		log_err("cannot add '%s' to a JSON document: out of memory", name);
		return -1;
	}
	return 0;
}

int
json_add_text(cJSON *obj, const char *name, const char *s, size_t n,
    int *lossy)
{
	if (lossy != NULL)
		*lossy = 0;
	return add_item(obj, name, s == NULL ? cJSON_CreateNull() :
	    make_text(s, n, lossy));
}

int
json_add_str(cJSON *obj, const char *name, const char *s)
{
	return add_item(obj, name, s == NULL ? cJSON_CreateNull() :
	    make_str(s));
}

int
json_add_tristate(cJSON *obj, const char *name, int v)
{
	return add_item(obj, name, v < 0 ? cJSON_CreateNull() :
	    cJSON_CreateBool(v));
}

int
json_array_add_str(cJSON *arr, const char *s)
{
	cJSON *item = s == NULL ? cJSON_CreateNull() : make_str(s);

	if (item == NULL || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		log_err("cannot add to a JSON array: out of memory");
		return -1;
	}
	return 0;
}

char *
json_print(const cJSON *doc)
{
	char *s = cJSON_PrintUnformatted(doc);

	if (s == NULL)
		log_err("cannot serialise a JSON document: out of memory");
	return s;
}

char *
json_print_pretty(const cJSON *doc)
{
	char *s = cJSON_Print(doc);

	if (s == NULL)
		log_err("cannot serialise a JSON document: out of memory");
	return s;
}

const char *
json_get_str(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

const char *
json_str_or(const cJSON *obj, const char *name, const char *dflt)
{
	const char *s = json_get_str(obj, name);

	return s != NULL ? s : dflt;
}

const cJSON *
json_find_pair(const cJSON *arr, const char *a, const char *va,
    const char *b, const char *vb)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (json_get_str(e, a) != NULL && json_get_str(e, b) != NULL &&
		    strcmp(json_get_str(e, a), va) == 0 &&
		    strcmp(json_get_str(e, b), vb) == 0)
			return e;
	return NULL;
}

int
json_get_tristate(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (cJSON_IsTrue(item))
		return 1;
	if (cJSON_IsFalse(item))
		return 0;
	return -1;
}

long long
json_number(const cJSON *v, long long lo, long long hi, long long dflt)
{
	double d;

	if (!cJSON_IsNumber(v) || isnan(v->valuedouble))
		return dflt;
	d = v->valuedouble;
	if (d <= (double)lo)
		return lo;
	if (d >= (double)hi)
		return hi;
	return (long long)d;
}

size_t
json_weight(const char *text, size_t len)
{
	size_t i, nodes = 1;
	int in_str = 0, esc = 0;

	for (i = 0; i < len; i++) {
		char ch = text[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"')
			in_str = 1;
		else if (ch == '{' || ch == '[' || ch == ',' || ch == ':')
			nodes++;
	}
	return len + nodes * JSON_NODE_COST;
}

cJSON *
json_parse_capped(const char *text, size_t len, size_t max, int *too_big)
{
	*too_big = json_weight(text, len) > max;
	return *too_big ? NULL : cJSON_ParseWithLength(text, len);
}

size_t
json_tree_weight(const cJSON *node)
{
	const cJSON *e;
	size_t w = JSON_NODE_COST;

	if (node->string != NULL)
		w += strlen(node->string);
	if (cJSON_IsString(node) && node->valuestring != NULL)
		w += strlen(node->valuestring);
	cJSON_ArrayForEach(e, node)
		w += json_tree_weight(e);
	return w;
}
