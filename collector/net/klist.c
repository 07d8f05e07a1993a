/*
 * klist.c - see klist.h.
 *
 * The scanner is a whole JSON grammar (RFC 8259) run one character at a
 * time with a stack of one bit per open container: a document it accepts
 * is one any strict parser accepts, so the items it reads are the items
 * every other tool sees in the same file. On top of the grammar, the list
 * reader knows three places: the members of the top-level object (their
 * keys are read; an escaped one, which another reader would decode, is
 * refused rather than guessed at), the elements of its "items" array
 * (each held as text while it is read, then parsed by cJSON), and its
 * "metadata" (held, for the continue token). A document that ends inside
 * any value is cut short, never taken for a shorter list.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/net/klist.h"
#include "util/json.h"
#include "util/banned.h"

/* What the next character outside a string, number or literal may be. */
enum expect {
	X_VALUE,		/* after ':' or ',' in an array, or at the start */
	X_VALUE_OR_CLOSE,	/* after '[' */
	X_KEY,			/* after ',' in an object */
	X_KEY_OR_CLOSE,		/* after '{' */
	X_COLON,
	X_COMMA_OR_CLOSE,	/* after a value inside a container */
	X_END,			/* after the top-level value */
	X_FAILED
};

/* Where a number is: RFC 8259 section 6, one state per position. */
enum number {
	N_NONE, N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP
};

/* What the list reader does with the value being read. */
enum role { R_NONE, R_ITEM, R_META };

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
	l->state = X_VALUE;
	l->str = l->esc = l->strkey = l->need_low = 0;
	l->num = N_NONE;
	l->lit = NULL;
	l->depth = 0;
	l->role = R_NONE;
	l->items_open = l->seen_items = l->seen_meta = 0;
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
	l->state = X_FAILED;
	buf_reset(&l->value);
	return -1;
}

static int
invalid(struct klist *l, const char *what)
{
	return fail(l, "it is not valid JSON (%s)", what);
}

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Keep ch of the item or metadata being read. */
static int
keep(struct klist *l, char ch)
{
	if (l->role == R_NONE)
		return 0;
	if (l->role == R_META && l->value.len >= KLIST_META_MAX)
		return fail(l, "its metadata is over %zu KiB",
		    KLIST_META_MAX >> 10);
	if (buf_append(&l->value, &ch, 1) == -1)
		return l->value.len >= KLIST_ITEM_MAX ?
		    fail(l, "item %zu is over %zu MiB of JSON", l->items + 1,
		    KLIST_ITEM_MAX >> 20) : fail(l, "out of memory");
	return 0;
}

static int
top_is_object(const struct klist *l)
{
	size_t d = l->depth - 1;

	return (l->kinds[d / 8] >> (d % 8)) & 1;
}

static int
push(struct klist *l, int object)
{
	size_t d = l->depth;

	if (d >= KLIST_DEPTH_MAX)
		return fail(l, "it is nested deeper than %d", KLIST_DEPTH_MAX);
	if (object)
		l->kinds[d / 8] |= (unsigned char)(1u << (d % 8));
	else
		l->kinds[d / 8] &= (unsigned char)~(1u << (d % 8));
	l->depth++;
	l->state = object ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE;
	return 0;
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
	if (l->value.len == 2 && memcmp(l->value.data, "{}", 2) == 0)
		return 0;	/* nothing to keep, nothing to parse */
	/* Refused before it is parsed, by what parsing it would take. */
	weight = l->value.len + JSON_NODE_COST * l->nodes;
	if (weight > KLIST_ITEM_WEIGHT_MAX)
		return fail(l, "item %zu would take more than %zu MiB of "
		    "memory (%zu JSON values)", l->items,
		    KLIST_ITEM_WEIGHT_MAX >> 20, l->nodes);
	it = cJSON_ParseWithLength(l->value.data, l->value.len);
	if (it == NULL)
		return fail(l, "item %zu cannot be parsed", l->items);
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
		rc = fail(l, "its metadata cannot be parsed");
	else if (cJSON_IsString(c) && c->valuestring[0] != '\0' &&
	    (l->cont = strdup(c->valuestring)) == NULL)
		rc = fail(l, "out of memory");
	cJSON_Delete(m);
	return rc;
}

/* A value has ended; the depth is that of the container holding it. */
static int
value_done(struct klist *l)
{
	if (l->role != R_NONE && l->depth == l->role_depth) {
		int rc = l->role == R_ITEM ? item_done(l) : meta_done(l);

		if (rc == -1)
			return -1;
		l->role = R_NONE;
		buf_reset(&l->value);
	}
	/* Only the items array itself ends at depth 1 while it is open. */
	if (l->items_open && l->depth == 1)
		l->items_open = 0;
	l->state = l->depth == 0 ? X_END : X_COMMA_OR_CLOSE;
	return 0;
}

/* A value begins with ch: what the list makes of it, then the grammar. */
static int
value_begin(struct klist *l, char ch)
{
	if (l->depth == 0 && ch != '{')
		return fail(l, "it is not a JSON object");
	if (l->depth == 1 && strcmp(l->key, "items") == 0) {
		if (l->seen_items)
			return fail(l, "it has two \"items\"");
		l->seen_items = 1;
		/* The API writes an empty list as "items": null. */
		if (ch != '[' && ch != 'n')
			return fail(l, "its \"items\" is not an array");
		l->items_open = ch == '[';
	} else if (l->depth == 1 && strcmp(l->key, "metadata") == 0) {
		if (l->seen_meta)
			return fail(l, "it has two \"metadata\"");
		l->seen_meta = 1;
		if (ch == '{') {
			l->role = R_META;
			l->role_depth = 1;
		}
	} else if (l->depth == 2 && l->items_open) {
		l->role = R_ITEM;
		l->role_depth = 2;
		l->nodes = 0;
	}
	if (l->role == R_ITEM)
		l->nodes++;
	if (keep(l, ch) == -1)
		return -1;
	switch (ch) {
	case '{':
	case '[':
		return push(l, ch == '{');
	case '"':
		l->str = 1;
		l->strkey = 0;
		return 0;
	case 't':
		l->lit = "true";
		break;
	case 'f':
		l->lit = "false";
		break;
	case 'n':
		l->lit = "null";
		break;
	case '-':
		l->num = N_MINUS;
		return 0;
	default:
		if (ch < '0' || ch > '9')
			return invalid(l, "a value is missing");
		l->num = ch == '0' ? N_ZERO : N_INT;
		return 0;
	}
	l->litpos = 1;
	return 0;
}

/* '}' or ']' closes the innermost container. */
static int
close_container(struct klist *l, char ch)
{
	if ((ch == '}') != top_is_object(l))
		return invalid(l, "a bracket does not match");
	if (keep(l, ch) == -1)
		return -1;
	l->depth--;
	return value_done(l);
}

/*
 * Does ch go on the number being read? Sets *more: 1 when it does, 0
 * when the number ended before it (ch is seen again). -1 when ch cannot
 * follow, or the number ends where it may not.
 */
static int
number_char(struct klist *l, char ch, int *more)
{
	int digit = ch >= '0' && ch <= '9';
	enum number n = l->num, next = N_NONE;

	switch (n) {
	case N_MINUS:
		next = ch == '0' ? N_ZERO : digit ? N_INT : N_NONE;
		break;
	case N_ZERO:
	case N_INT:
		next = digit && n == N_INT ? N_INT : ch == '.' ? N_DOT :
		    ch == 'e' || ch == 'E' ? N_E : N_NONE;
		break;
	case N_DOT:
	case N_FRAC:
		next = digit ? N_FRAC : n == N_FRAC && (ch == 'e' ||
		    ch == 'E') ? N_E : N_NONE;
		break;
	case N_E:
		next = digit ? N_EXP : ch == '+' || ch == '-' ? N_ESIGN :
		    N_NONE;
		break;
	case N_ESIGN:
	case N_EXP:
		next = digit ? N_EXP : N_NONE;
		break;
	default:
		break;
	}
	if (next != N_NONE) {
		l->num = next;
		*more = 1;
		return keep(l, ch);
	}
	*more = 0;
	if (n != N_ZERO && n != N_INT && n != N_FRAC && n != N_EXP)
		return invalid(l, "a number is cut short");
	l->num = N_NONE;
	return value_done(l);
}

/* One character inside a string (its opening quote is behind). */
static int
in_string(struct klist *l, unsigned char ch)
{
	int top_key = l->strkey && l->depth == 1;

	if (keep(l, (char)ch) == -1)
		return -1;
	/* A high surrogate must be followed by a low one at once: cJSON
	 * refuses a lone one, so the two readers would differ. */
	if (l->need_low && l->esc == 0 && ch != '\\')
		return invalid(l, "an unpaired surrogate");
	if (l->esc == 1) {
		if (ch == 'u') {
			l->esc = 2;
			l->uval = 0;
		} else if (!l->need_low && ch != '\0' &&
		    strchr("\"\\/bfnrt", ch) != NULL)
			l->esc = 0;
		else
			return invalid(l, l->need_low ? "an unpaired surrogate" :
			    "a string has an unknown escape");
		return 0;
	}
	if (l->esc >= 2) {
		if (!isxdigit(ch))
			return invalid(l, "a \\u escape is not four hex digits");
		l->uval = l->uval << 4 | (unsigned)(isdigit(ch) ? ch - '0' :
		    tolower(ch) - 'a' + 10);
		if (l->esc++ < 5)
			return 0;
		l->esc = 0;
		if (l->uval >= 0xDC00 && l->uval <= 0xDFFF && !l->need_low)
			return invalid(l, "an unpaired surrogate");
		if (l->need_low && (l->uval < 0xDC00 || l->uval > 0xDFFF))
			return invalid(l, "an unpaired surrogate");
		l->need_low = !l->need_low && l->uval >= 0xD800 &&
		    l->uval <= 0xDBFF;
		return 0;
	}
	if (ch < 0x20)
		return invalid(l, "a control character in a string");
	if (ch == '\\') {
		/* An escaped key would be decoded by any other reader:
		 * "it\u0065ms" is "items". Refused, not guessed at. */
		if (top_key)
			return fail(l, "it has an escaped key");
		l->esc = 1;
		return 0;
	}
	if (ch != '"') {
		if (top_key && l->keylen + 1 < sizeof(l->key))
			l->key[l->keylen++] = (char)ch;
		else if (top_key)
			l->keylong = 1;
		return 0;
	}
	l->str = 0;
	if (!l->strkey)
		return value_done(l);
	l->strkey = 0;
	if (l->depth == 1) {
		l->key[l->keylen] = '\0';
		if (l->keylong)
			l->key[0] = '\0';	/* no key we read is that long */
	}
	l->state = X_COLON;
	return 0;
}

/* One character outside strings. */
static int
step(struct klist *l, char ch)
{
	int more;

	if (l->num != N_NONE) {
		if (number_char(l, ch, &more) == -1)
			return -1;
		if (more)
			return 0;
	}
	if (l->lit != NULL) {
		if (ch != l->lit[l->litpos])
			return invalid(l, "a literal is misspelt");
		if (keep(l, ch) == -1)
			return -1;
		if (l->lit[++l->litpos] != '\0')
			return 0;
		l->lit = NULL;
		return value_done(l);
	}
	if (is_space(ch))
		return 0;
	switch (l->state) {
	case X_VALUE_OR_CLOSE:
		if (ch == ']')
			return close_container(l, ch);
		return value_begin(l, ch);
	case X_VALUE:
		return value_begin(l, ch);
	case X_KEY_OR_CLOSE:
		if (ch == '}')
			return close_container(l, ch);
		/* FALLTHROUGH */
	case X_KEY:
		if (ch != '"')
			return invalid(l, "a key is missing");
		if (keep(l, ch) == -1)
			return -1;
		l->str = l->strkey = 1;
		l->keylen = 0;
		l->keylong = 0;
		return 0;
	case X_COLON:
		if (ch != ':')
			return invalid(l, "':' is missing");
		l->state = X_VALUE;
		return keep(l, ch);
	case X_COMMA_OR_CLOSE:
		if (ch == '}' || ch == ']')
			return close_container(l, ch);
		if (ch != ',')
			return invalid(l, "',' is missing");
		l->state = top_is_object(l) ? X_KEY : X_VALUE;
		return keep(l, ch);
	case X_END:
		return fail(l, "it has text after its end");
	default:
		return -1;
	}
}

int
klist_charge(struct klist *l, size_t n)
{
	if (l->state == X_FAILED)
		return -1;
	if (n > KLIST_READ_MAX - l->read)
		return fail(l, "more than %zu MiB were read for it",
		    KLIST_READ_MAX >> 20);
	l->read += n;
	return 0;
}

int
klist_feed(struct klist *l, const char *p, size_t n)
{
	size_t i;

	if (klist_charge(l, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if ((l->str ? in_string(l, (unsigned char)p[i]) :
		    step(l, p[i])) == -1)
			return -1;
	return 0;
}

int
klist_end(struct klist *l)
{
	if (l->state == X_FAILED)
		return -1;
	if (l->state == X_VALUE && l->depth == 0 && !l->str)
		return fail(l, "it is empty");
	if (l->state != X_END || l->str || l->num != N_NONE || l->lit != NULL)
		return fail(l, "it is cut short (it ends inside a value)");
	if (!l->seen_items)
		return fail(l, "it is not a Kubernetes list (no \"items\" "
		    "array)");
	return 0;
}
