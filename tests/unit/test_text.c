/*
 * test_text.c - UTF-8 sanitising (also into JSON), base64, SHA-256 and
 * trimming.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/text.h"

static void
test_utf8(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
		long		 replaced;
	} cases[] = {
		{ "plain", 5, "plain", 0 },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9", 0 },
		{ "\xe2\x82\xac\xf0\x9f\x94\x92", 7, "\xe2\x82\xac\xf0\x9f\x94\x92", 0 },
		{ "\xff", 1, "\xef\xbf\xbd", 1 },
		{ "a\0b", 3, "a\xef\xbf\xbd" "b", 1 },
		{ "\xc0\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2 },	/* overlong */
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3 },
		{ "\xf4\x90\x80\x80", 4,				/* > U+10FFFF */
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4 },
		{ "x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd", 2 },	/* cut short */
		{ "\xc3\x28", 2, "\xef\xbf\xbd(", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b, 64);
		assert_int_equal(utf8_sanitize(&b, cases[i].in, cases[i].len),
		    cases[i].replaced);
		assert_string_equal(buf_str(&b), cases[i].out);
		buf_release(&b);
		/* utf8_valid() agrees: valid is what comes out unchanged. */
		assert_int_equal(utf8_valid(cases[i].in, cases[i].len),
		    cases[i].replaced == 0);
	}
}

/* Strings reach JSON as valid UTF-8, whether copied or not. */
static void
test_json_str(void **state)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();

	(void)state;
	assert_non_null(o);
	assert_non_null(a);
	assert_int_equal(json_add_str(o, "clean", "caf\xc3\xa9"), 0);
	assert_int_equal(json_add_str(o, "dirty", "a\xff" "b\xc0\x80"), 0);
	assert_int_equal(json_add_str(o, "none", NULL), 0);
	assert_int_equal(json_array_add_str(a, "x\xe2\x82"), 0);
	assert_int_equal(json_array_add_str(a, "ok"), 0);
	assert_string_equal(json_get_str(o, "clean"), "caf\xc3\xa9");
	assert_string_equal(json_get_str(o, "dirty"),
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "none")));
	assert_string_equal(cJSON_GetArrayItem(a, 0)->valuestring,
	    "x\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(cJSON_GetArrayItem(a, 1)->valuestring, "ok");
	cJSON_Delete(o);
	cJSON_Delete(a);
}

static void
test_utf8_full_buffer(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(utf8_sanitize(&b, "\xff\xff", 2), -1);
	buf_release(&b);
}

static void
test_base64(void **state)
{
	/* RFC 4648 section 10 test vectors. */
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	char big[2000];
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		buf_init(&b, 64);
		assert_int_equal(base64_encode(&b, vec[i][0], strlen(vec[i][0])), 0);
		assert_string_equal(buf_str(&b), vec[i][1]);
		buf_release(&b);
	}
	/* Across the internal chunk boundary the output is one stream. */
	memset(big, 0, sizeof(big));
	buf_init(&b, 4096);
	assert_int_equal(base64_encode(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 4 * ((sizeof(big) + 2) / 3));
	/* 2000 = 3 * 666 + 2: exactly one '=' of padding, at the end. */
	assert_ptr_equal(strchr(buf_str(&b), '='), buf_str(&b) + b.len - 1);
	buf_release(&b);
}

static void
test_sha256(void **state)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 *h;

	(void)state;
	/* FIPS 180-4 examples: "" and "abc". */
	assert_int_equal(sha256_hex("", 0, hex), 0);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Streaming gives the same digest as one shot. */
	assert_non_null(h = sha256_new());
	assert_int_equal(sha256_update(h, "a", 1), 0);
	assert_int_equal(sha256_update(h, "bc", 2), 0);
	assert_int_equal(sha256_final_hex(h, hex), 0);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_rtrim(void **state)
{
	(void)state;
	assert_int_equal(rtrim_len("abc \t\r\n", 7), 3);
	assert_int_equal(rtrim_len("   ", 3), 0);
	assert_int_equal(rtrim_len("", 0), 0);
	assert_int_equal(rtrim_len("a\0", 2), 2);
}

static void
test_utc_now(void **state)
{
	char t[32], small[8];

	(void)state;
	assert_int_equal(utc_now(t, sizeof(t)), 0);
	assert_int_equal(strlen(t), 20);
	assert_int_equal(t[10], 'T');
	assert_int_equal(t[19], 'Z');
	assert_int_equal(utc_now(small, sizeof(small)), -1);
}

/* For a page: only what reorders or hides text is shown, as <U+XXXX>. */
static void
test_visible(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(text_visible(&b, "a\nb\\c <x> \xc3\xa9"), 0);
	assert_string_equal(buf_str(&b), "a\nb\\c <x> \xc3\xa9");
	buf_reset(&b);
	assert_int_equal(text_visible(&b, "ip-1\xe2\x80\xaegnp.exe\xc2\x9b"
	    "\xe2\x81\xa6\xe2\x80\x8f"), 4);
	assert_string_equal(buf_str(&b),
	    "ip-1<U+202E>gnp.exe<U+009B><U+2066><U+200F>");
	/* The text of an escape is not taken for one. */
	buf_reset(&b);
	assert_int_equal(text_visible(&b, "a<U+202E>b"), 1);
	assert_string_equal(buf_str(&b), "a<U+003C>U+202E>b");
	/* A full buffer says so. */
	buf_release(&b);
	buf_init(&b, 4);
	assert_int_equal(text_visible(&b, "abcdef"), -1);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf8_full_buffer),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_rtrim),
		cmocka_unit_test(test_utc_now),
		cmocka_unit_test(test_visible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
