/*
 * json.h - the one way text from outside reaches a cJSON document.
 *
 * cJSON copies bytes as they are, so a host file with invalid UTF-8 would
 * make an invalid JSON document. Every string that fipsev did not write
 * itself goes through json_add_text(), which makes it valid UTF-8 first.
 */
#ifndef FIPSEV_JSON_H
#define FIPSEV_JSON_H

#include <stddef.h>

struct cJSON;

/*
 * Add name: the n bytes at s as a JSON string (invalid UTF-8 and NUL bytes
 * replaced by U+FFFD), or name: null when s is NULL. *lossy, if not NULL,
 * is set to 1 when bytes were replaced. Returns 0, or -1 when out of memory.
 */
int	 json_add_text(struct cJSON *obj, const char *name, const char *s,
	    size_t n, int *lossy);

/* json_add_text() for a NUL-terminated string, or null for NULL. */
int	 json_add_str(struct cJSON *obj, const char *name, const char *s);

/*
 * The first object of arr whose string members a and b equal va and vb,
 * or NULL.
 */
const struct cJSON *json_find_pair(const struct cJSON *arr, const char *a,
	    const char *va, const char *b, const char *vb);

/* Add name: true/false, or null when v < 0. */
int	 json_add_tristate(struct cJSON *obj, const char *name, int v);

/* Append a sanitised string to an array (null for NULL). */
int	 json_array_add_str(struct cJSON *arr, const char *s);

/*
 * Serialise doc compactly; the caller frees the result with free().
 * Returns NULL after logging when out of memory.
 */
char	*json_print(const struct cJSON *doc);

/* Serialise doc with indentation, for people; as json_print(). */
char	*json_print_pretty(const struct cJSON *doc);

/*
 * What one parsed cJSON node costs at most: the struct (64 bytes) and
 * the allocations of its key and string, each with malloc's overhead.
 */
#define JSON_NODE_COST	112

/*
 * An upper bound on the memory cJSON takes to parse text: its bytes and
 * a node for each character outside strings that can start a value ('{',
 * '[', ',', ':'). One pass, nothing allocated: a parser's blow-up (a
 * 3-byte "[]," is a 64-byte node) is seen before it happens.
 */
size_t	 json_weight(const char *text, size_t len);

/* The memory a parsed tree holds, estimated as json_weight() does. */
size_t	 json_tree_weight(const struct cJSON *node);

/*
 * cJSON_ParseWithLength(), unless json_weight() is over max: then NULL
 * and *too_big set (else cleared), so the caller can say which it was.
 */
struct cJSON *json_parse_capped(const char *text, size_t len, size_t max,
	    int *too_big);

/* The string member name of obj, or NULL when absent or not a string. */
const char *json_get_str(const struct cJSON *obj, const char *name);

/* json_get_str(), or dflt when that is NULL. */
const char *json_str_or(const struct cJSON *obj, const char *name,
	    const char *dflt);

/* 1/0 for a boolean member, -1 when absent, null or not a boolean. */
int	 json_get_tristate(const struct cJSON *obj, const char *name);

/*
 * A JSON number as an integer within [lo, hi]: dflt when v is not a
 * number (or NaN), else clamped. JSON numbers are doubles; casting one
 * out of range is undefined behaviour (fuzzing found 1e90 as a port).
 */
long long json_number(const struct cJSON *v, long long lo, long long hi,
	    long long dflt);

#endif
