/*
 * test_buf.c - the capped buffer never truncates silently.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void
test_append_and_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_puts(&b, "abcd"), 0);
	assert_int_equal(buf_append(&b, "efgh", 4), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(buf_str(&b), "abcdefgh");
	/* Full: one more byte fails, and the contents are unchanged. */
	errno = 0;
	assert_int_equal(buf_append(&b, "i", 1), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(b.len, 8);
	assert_string_equal(buf_str(&b), "abcdefgh");
	/* An empty append always fits. */
	assert_int_equal(buf_append(&b, "", 0), 0);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_release(&b);
}

static void
test_printf(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(buf_str(&b), "42-ab");
	/* Would pass the cap: refused whole, not cut. */
	assert_int_equal(buf_printf(&b, "%s", "123456"), -1);
	assert_string_equal(buf_str(&b), "42-ab");
	assert_int_equal(buf_printf(&b, "%s", "12345"), 0);
	assert_string_equal(buf_str(&b), "42-ab12345");
	buf_release(&b);
}

static void
test_growth_and_detach(void **state)
{
	struct buf b;
	char *p;

	(void)state;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_append(&b, "x", 1), 0);
	assert_int_equal(b.len, 100000);
	p = buf_detach(&b);
	assert_int_equal(strlen(p), 100000);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
	/* Detaching an empty buffer still gives a string to free. */
	p = buf_detach(&b);
	assert_string_equal(p, "");
	free(p);
}

static void
test_overflow_sizes(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, SIZE_MAX);
	assert_int_equal(buf_append(&b, "ab", 2), 0);
	/* A length that would wrap size_t is refused before any allocation. */
	assert_int_equal(buf_append(&b, "x", SIZE_MAX - 1), -1);
	assert_string_equal(buf_str(&b), "ab");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_cap),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_growth_and_detach),
		cmocka_unit_test(test_overflow_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
