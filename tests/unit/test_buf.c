/*
 * test_buf.c - the capped buffer, buf_truncate(), buf_printf() and
 * fs_pathf() never truncate silently.
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
#include "util/fsutil.h"

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
test_growth(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_append(&b, "x", 1), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(strlen(buf_str(&b)), 100000);
	buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
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

static void
test_truncate(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	buf_truncate(&b, 3);		/* empty: nothing to do */
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_puts(&b, "a.b.c"), 0);
	buf_truncate(&b, 3);
	assert_string_equal(buf_str(&b), "a.b");
	buf_truncate(&b, 10);		/* longer than it is: unchanged */
	assert_string_equal(buf_str(&b), "a.b");
	buf_release(&b);
}

/* A path that does not fit is refused, never cut to another name. */
static void
test_pathf(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(fs_pathf(out, sizeof(out), "%s/%s", "dir",
	    "name"), 0);
	assert_string_equal(out, "dir/name");
	/* 15 bytes and the NUL fit; 16 do not. */
	assert_int_equal(fs_pathf(out, sizeof(out), "%s/%s", "dir",
	    "eleven-char"), 0);
	assert_string_equal(out, "dir/eleven-char");
	assert_int_equal(fs_pathf(out, sizeof(out), "%s/%s", "dir",
	    "twelve-chars"), -1);
}

/* Formatted text goes in whole or not at all. */
static void
test_printf(void **state)
{
	struct buf b;
	char big[300];

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_printf(&b, "%s/%d", "ns", 42), 0);
	assert_string_equal(buf_str(&b), "ns/42");
	/* 5 + 12 > 16: refused, the contents as they were. */
	errno = 0;
	assert_int_equal(buf_printf(&b, "%012d", 7), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(buf_str(&b), "ns/42");
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(buf_printf(&b, "%011d", 7), 0);
	assert_int_equal(b.len, 16);
	buf_release(&b);
	/* Longer than the first allocation: grown, then written. */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 1024);
	assert_int_equal(buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, sizeof(big) + 1);
	assert_int_equal(buf_str(&b)[0], '<');
	assert_int_equal(buf_str(&b)[b.len - 1], '>');
	buf_release(&b);
}

/* Text shown is cut to the cap with its marker, never refused. */
static void
test_printf_cut(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_printf_cut(&b, "..", "%s", "short"), 0);
	assert_string_equal(buf_str(&b), "short");
	assert_int_equal(buf_printf_cut(&b, "..", "%s", "0123456789abcdef"), 1);
	assert_int_equal(b.len, 16);
	assert_string_equal(buf_str(&b), "short012345678..");
	/* Full: not even the marker fits. */
	errno = 0;
	assert_int_equal(buf_printf_cut(&b, "..", "%s", "x"), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(b.len, 16);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_cap),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_overflow_sizes),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_pathf),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
