/*
 * quotes.h - JSON written with single quotes in a test's tables, for
 * readability, turned into JSON: every ' becomes ". Include after
 * cmocka.h. The caller frees the result.
 */
#ifndef FIPSEV_TEST_QUOTES_H
#define FIPSEV_TEST_QUOTES_H

#include <stdlib.h>
#include <string.h>

static inline char *
quotes(const char *s)
{
	char *d = strdup(s), *p;

	assert_non_null(d);
	for (p = d; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

#endif
