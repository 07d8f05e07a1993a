/*
 * klist.c - see klist.h.
 *
 * The scanner knows only enough JSON to find where each top-level value
 * and each element of "items" begins and ends: strings (with escapes),
 * brackets, and the delimiters that end a number or literal. Each item's
 * text is then checked by cJSON itself, so nothing outside this small
 * grammar is trusted to be well formed; a document that ends inside any
 * value is cut short, never taken for a shorter list. Nodes are counted
 * as json_weight() counts them, from above.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "klist.h"
#include "util/json.h"
#include "util/banned.h"

enum state {
	S_START,	/* before the top-level '{' */
	S_KEY,		/* a key or, first, '}' */
	S_KEYNEXT,	/* a key, after ',' */
	S_INKEY,
	S_COLON,
	S_VALUE,
	S_INVALUE,
	S_AFTER,	/* ',' or '}' after a member */
	S_ITEMS,	/* an element or, first, ']' */
	S_ITEMNEXT,	/* an element, after ',' */
	S_ITEMAFTER,	/* ',' or ']' after an element */
	S_END,
	S_FAILED
};

enum what { W_SKIP, W_ITEM, W_META, W_ITEMS_SCALAR };

void
klist_init(struct klist *l, cJSON *out, struct klist_budget *budget)
{
	memset(l, 0, sizeof(*l));
	l->out = out;
	l->budget = budget;
	buf_init(&l->value, KLIST_ITEM_MAX);
	klist_begin(l);
}

void
klist_release(struct klist *l)
{
	buf_release(&l->value);
	free(l->cont);
	l->cont = NULL;
}

void
klist_begin(struct klist *l)
{
	l->state = S_START;
	l->in_str = l->esc = 0;
	l->seen_items = 0;
	free(l->cont);
	l->cont = NULL;
	buf_reset(&l->value);
}

static int
fail(struct klist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct klist *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
	l->state = S_FAILED;
	buf_reset(&l->value);
	return -1;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int
capturing(const struct klist *l)
{
	return l->state == S_INVALUE && l->what != W_SKIP;
}

static int
capture(struct klist *l, char ch)
{
	if (l->what == W_META && l->value.len >= KLIST_META_MAX)
		return fail(l, "its metadata is over %zu KiB",
		    KLIST_META_MAX >> 10);
	if (buf_append(&l->value, &ch, 1) == -1)
		return l->value.len >= KLIST_ITEM_MAX ?
		    fail(l, "item %zu is over %zu MiB of JSON", l->items + 1,
		    KLIST_ITEM_MAX >> 20) : fail(l, "out of memory");
	return 0;
}

/* An item whose text is `{ }`: nothing to keep, nothing to parse. */
static int
empty_object(const struct buf *b)
{
	size_t i = 1, n = b->len;

	if (n < 2 || b->data[0] != '{' || b->data[n - 1] != '}')
		return 0;
	while (i < n - 1 && is_space(b->data[i]))
		i++;
	return i == n - 1;
}

/*
 * What no check reads and an object carries in bulk: the server's record
 * of which client set each field, and kubectl's copy of the whole object
 * as last applied. Dropped on reading, so a cluster's lists cost what
 * the checks need.
 */
static void
prune(cJSON *it)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(it, "metadata");

	cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
	cJSON_DeleteItemFromObjectCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(meta, "annotations"),
	    "kubectl.kubernetes.io/last-applied-configuration");
}

static int
item_done(struct klist *l)
{
	size_t weight;
	cJSON *it;

	if (++l->items > KLIST_ITEMS_MAX)
		return fail(l, "it has more than %d items", KLIST_ITEMS_MAX);
	if (empty_object(&l->value))
		return 0;
	/* Refused before it is parsed, by what parsing it would take. */
	weight = l->value.len + JSON_NODE_COST * l->nodes;
	if (weight > KLIST_ITEM_WEIGHT_MAX)
		return fail(l, "item %zu would take more than %zu MiB of "
		    "memory (%zu JSON values)", l->items,
		    KLIST_ITEM_WEIGHT_MAX >> 20, l->nodes);
	it = cJSON_ParseWithLength(l->value.data, l->value.len);
	if (it == NULL)
		return fail(l, "item %zu is not valid JSON", l->items);
	if (!cJSON_IsObject(it)) {
		cJSON_Delete(it);
		return fail(l, "item %zu is not a JSON object", l->items);
	}
	/* Kept, it is charged what it holds. */
	prune(it);
	weight = json_tree_weight(it);
	if (l->budget != NULL && weight > l->budget->max - l->budget->weight) {
		cJSON_Delete(it);
		return fail(l, "the lists read would take more than %zu MiB "
		    "of memory together", l->budget->max >> 20);
	}
	if (!cJSON_AddItemToArray(l->out, it)) {
		cJSON_Delete(it);
		return fail(l, "out of memory");
	}
	if (l->budget != NULL)
		l->budget->weight += weight;
	return 0;
}

static int
meta_done(struct klist *l)
{
	cJSON *m = cJSON_ParseWithLength(l->value.data, l->value.len);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "continue");
	int rc = 0;

	if (m == NULL)
		rc = fail(l, "its metadata is not valid JSON");
	else if (cJSON_IsString(c) && c->valuestring[0] != '\0' &&
	    (l->cont = strdup(c->valuestring)) == NULL)
		rc = fail(l, "out of memory");
	cJSON_Delete(m);
	return rc;
}

static int
value_done(struct klist *l)
{
	int rc = 0;

	switch (l->what) {
	case W_ITEM:
		rc = item_done(l);
		break;
	case W_META:
		rc = meta_done(l);
		break;
	case W_ITEMS_SCALAR:
		if (l->value.len != 4 || memcmp(l->value.data, "null", 4) != 0)
			rc = fail(l, "its \"items\" is not an array");
		break;
	default:
		break;
	}
	if (rc == -1)
		return -1;
	buf_reset(&l->value);
	l->state = l->what == W_ITEM ? S_ITEMAFTER : S_AFTER;
	return 0;
}

/* The first character of a value: what it is and where it ends. */
static int
value_start(struct klist *l, int what, char ch)
{
	if (ch == '}' || ch == ']' || ch == ',' || ch == ':')
		return fail(l, "it is not valid JSON (a value is missing)");
	l->what = what;
	l->state = S_INVALUE;
	l->depth = 0;
	l->scalar = 0;
	l->nodes = 1;
	buf_reset(&l->value);
	if (capturing(l) && capture(l, ch) == -1)
		return -1;
	if (ch == '{' || ch == '[')
		l->depth = 1;
	else if (ch == '"')
		l->in_str = 1;
	else
		l->scalar = 1;
	return 0;
}

/* A top-level member's value begins with ch: items, metadata, or else. */
static int
member_start(struct klist *l, char ch)
{
	const char *key = l->keylong ? "" : l->key;

	if (strcmp(key, "items") == 0) {
		if (l->seen_items)
			return fail(l, "it has two \"items\"");
		l->seen_items = 1;
		if (ch == '[') {
			l->state = S_ITEMS;
			return 0;
		}
		/* The API writes an empty list as "items": null. */
		if (ch != 'n')
			return fail(l, "its \"items\" is not an array");
		return value_start(l, W_ITEMS_SCALAR, ch);
	}
	return value_start(l, strcmp(key, "metadata") == 0 && ch == '{' ?
	    W_META : W_SKIP, ch);
}

/* After a member or an element: ',' leads to next, close to closed. */
static int
separator(struct klist *l, char ch, char close, int next, int closed)
{
	if (is_space(ch))
		return 0;
	if (ch == ',')
		l->state = next;
	else if (ch == close)
		l->state = closed;
	else
		return fail(l, "it is not valid JSON (',' or '%c' is missing "
		    "after item %zu)", close, l->items);
	return 0;
}

/* One character outside a string. Returns 0, -1, or 1 to see it again. */
static int
step(struct klist *l, char ch)
{
	switch (l->state) {
	case S_START:
		if (is_space(ch))
			return 0;
		if (ch != '{')
			return fail(l, "it is not a JSON object");
		l->state = S_KEY;
		return 0;
	case S_KEY:
	case S_KEYNEXT:
		if (is_space(ch))
			return 0;
		if (ch == '}' && l->state == S_KEY) {
			l->state = S_END;
			return 0;
		}
		if (ch != '"')
			return fail(l, "it is not valid JSON (a key is "
			    "missing)");
		l->state = S_INKEY;
		l->in_str = 1;
		l->keylen = 0;
		l->keylong = 0;
		l->key[0] = '\0';
		return 0;
	case S_COLON:
		if (is_space(ch))
			return 0;
		if (ch != ':')
			return fail(l, "it is not valid JSON (':' is missing)");
		l->state = S_VALUE;
		return 0;
	case S_VALUE:
		return is_space(ch) ? 0 : member_start(l, ch);
	case S_AFTER:
		return separator(l, ch, '}', S_KEYNEXT, S_END);
	case S_ITEMS:
	case S_ITEMNEXT:
		if (is_space(ch))
			return 0;
		if (ch == ']' && l->state == S_ITEMS) {
			l->state = S_AFTER;
			return 0;
		}
		return value_start(l, W_ITEM, ch);
	case S_ITEMAFTER:
		return separator(l, ch, ']', S_ITEMNEXT, S_AFTER);
	case S_INVALUE:
		if (l->scalar) {
			if (ch == ',' || ch == '}' || ch == ']' ||
			    is_space(ch))
				return value_done(l) == -1 ? -1 : 1;
			return capturing(l) ? capture(l, ch) : 0;
		}
		if (capturing(l) && capture(l, ch) == -1)
			return -1;
		if (ch == '"')
			l->in_str = 1;
		else if (ch == '{' || ch == '[') {
			l->depth++;
			l->nodes++;
		} else if (ch == ',' || ch == ':')
			l->nodes++;
		else if ((ch == '}' || ch == ']') && --l->depth == 0)
			return value_done(l);
		return 0;
	case S_END:
		return is_space(ch) ? 0 : fail(l, "it has text after its "
		    "end");
	default:
		return -1;
	}
}

/* One character inside a string (the opening quote is behind). */
static int
in_string(struct klist *l, char ch)
{
	if (l->state == S_INKEY) {
		if (l->esc)
			l->esc = 0;
		else if (ch == '\\')
			l->esc = 1;
		else if (ch == '"') {
			l->in_str = 0;
			l->key[l->keylen] = '\0';
			l->state = S_COLON;
			return 0;
		}
		/* An escaped key never matches "items": a list it is not. */
		if (l->keylen + 1 < sizeof(l->key))
			l->key[l->keylen++] = ch;
		else
			l->keylong = 1;
		return 0;
	}
	if (capturing(l) && capture(l, ch) == -1)
		return -1;
	if (l->esc)
		l->esc = 0;
	else if (ch == '\\')
		l->esc = 1;
	else if (ch == '"') {
		l->in_str = 0;
		if (l->depth == 0)
			return value_done(l);
	}
	return 0;
}

int
klist_feed(struct klist *l, const char *p, size_t n)
{
	size_t i;
	int r;

	if (l->state == S_FAILED)
		return -1;
	if (n > KLIST_READ_MAX - l->read)
		return fail(l, "more than %zu MiB were read for it",
		    KLIST_READ_MAX >> 20);
	l->read += n;
	for (i = 0; i < n; i++) {
		if (l->in_str) {
			if (in_string(l, p[i]) == -1)
				return -1;
			continue;
		}
		while ((r = step(l, p[i])) == 1)
			;
		if (r == -1)
			return -1;
	}
	return 0;
}

int
klist_end(struct klist *l)
{
	if (l->state == S_FAILED)
		return -1;
	/* A number or literal ends the document only by a delimiter. */
	if (l->state == S_INVALUE && l->scalar && !l->in_str)
		return fail(l, "it is cut short");
	if (l->state == S_START)
		return fail(l, "it is empty");
	if (l->state != S_END)
		return fail(l, "it is cut short (it ends inside a value)");
	if (!l->seen_items)
		return fail(l, "it is not a Kubernetes list (no \"items\" "
		    "array)");
	return 0;
}
