/*
 * test_node_parse.c - the node evidence parsers, good input and hostile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collector/node/node_parse.h"

static void
test_fips_flag(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		enum tristate	 want;
	} cases[] = {
		{ "1\n", 2, TRI_TRUE },
		{ "1", 1, TRI_TRUE },
		{ "1 \r\n", 4, TRI_TRUE },
		{ "0\n", 2, TRI_FALSE },
		{ "", 0, TRI_UNKNOWN },
		{ "\n", 1, TRI_UNKNOWN },
		{ "2\n", 2, TRI_UNKNOWN },
		{ "11\n", 3, TRI_UNKNOWN },
		{ "yes\n", 4, TRI_UNKNOWN },
		{ "1\0", 2, TRI_UNKNOWN },	/* NUL is not white space */
		{ " 1\n", 3, TRI_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(parse_fips_flag(cases[i].in, cases[i].len),
		    cases[i].want);
}

static void
check_osr(const char *text, const char *id, const char *variant,
    const char *pretty, int bad)
{
	struct os_release osr;

	assert_int_equal(osrelease_parse(text, strlen(text), &osr), 0);
	if (id == NULL)
		assert_null(osr.id);
	else
		assert_string_equal(osr.id, id);
	if (variant == NULL)
		assert_null(osr.variant_id);
	else
		assert_string_equal(osr.variant_id, variant);
	if (pretty == NULL)
		assert_null(osr.pretty_name);
	else
		assert_string_equal(osr.pretty_name, pretty);
	assert_int_equal(osr.bad_lines, bad);
	osrelease_release(&osr);
}

static void
test_osrelease(void **state)
{
	(void)state;
	/* Plain, quoted, single-quoted, escapes, comments, blanks. */
	check_osr("ID=bottlerocket\nVARIANT_ID=aws-k8s-1.31-fips\n"
	    "PRETTY_NAME=\"Bottlerocket OS 1.26.1 (aws-k8s-1.31-fips)\"\n",
	    "bottlerocket", "aws-k8s-1.31-fips",
	    "Bottlerocket OS 1.26.1 (aws-k8s-1.31-fips)", 0);
	check_osr("# comment\n\n  ID='amzn'\nPRETTY_NAME=\"say \\\"hi\\\" \\\\ \\$x\"\n",
	    "amzn", NULL, "say \"hi\" \\ $x", 0);
	/* Single quotes take backslashes literally. */
	check_osr("PRETTY_NAME='a\\\"b'\n", NULL, NULL, "a\\\"b", 0);
	/* A later assignment wins; CRLF line ends are tolerated. */
	check_osr("ID=one\r\nID=two\r\n", "two", NULL, NULL, 0);
	/* Broken lines are counted and ignored, the rest still read. */
	check_osr("garbage line\n=novalue\nPRETTY_NAME=\"unterminated\n"
	    "ID=\"x\" trailing\nID=ok\n", "ok", NULL, NULL, 4);
	/* An unquoted value ends at a blank. */
	check_osr("ID=rhel extra\n", "rhel", NULL, NULL, 0);
	/* Empty input, no final newline, empty value. */
	check_osr("", NULL, NULL, NULL, 0);
	check_osr("ID=debian", "debian", NULL, NULL, 0);
	check_osr("ID=\n", "", NULL, NULL, 0);
}

static void
test_osrelease_binary(void **state)
{
	static const char junk[] = "ID=\xff\xfe\nVARIANT_ID=\0x\n\x01\x02\x03\n"
	    "PRETTY_NAME=fine\n";
	struct os_release osr;

	(void)state;
	assert_int_equal(osrelease_parse(junk, sizeof(junk) - 1, &osr), 0);
	assert_string_equal(osr.id, "\xff\xfe");	/* raw; JSON sanitises */
	assert_string_equal(osr.pretty_name, "fine");
	assert_int_equal(osr.bad_lines, 1);
	osrelease_release(&osr);
}

static void
check_cmdline(const char *text, enum tristate fips, const char *raw,
    const char *boot)
{
	struct cmdline c;

	assert_int_equal(cmdline_parse(text, strlen(text), &c), 0);
	assert_int_equal(c.fips, fips);
	if (raw == NULL)
		assert_null(c.fips_raw);
	else
		assert_string_equal(c.fips_raw, raw);
	if (boot == NULL)
		assert_null(c.boot);
	else
		assert_string_equal(c.boot, boot);
	cmdline_release(&c);
}

static void
test_cmdline(void **state)
{
	(void)state;
	check_cmdline("ro quiet fips=1 boot=UUID=abc\n", TRI_TRUE, "1",
	    "UUID=abc");
	check_cmdline("fips=0", TRI_FALSE, "0", NULL);
	check_cmdline("", TRI_FALSE, NULL, NULL);
	check_cmdline("quiet", TRI_FALSE, NULL, NULL);
	/* The kernel reads a number with base prefixes; non-zero is on. */
	check_cmdline("fips=0x1", TRI_TRUE, "0x1", NULL);
	check_cmdline("fips=2", TRI_TRUE, "2", NULL);
	check_cmdline("fips=yes", TRI_FALSE, "yes", NULL);
	check_cmdline("fips=", TRI_FALSE, "", NULL);
	/* The last occurrence wins. */
	check_cmdline("fips=1 fips=0", TRI_FALSE, "0", NULL);
	/* Quotes group; "--" ends the kernel's part. */
	check_cmdline("a=\"x y fips=1\" b", TRI_FALSE, NULL, NULL);
	check_cmdline("\"fips=1\"", TRI_TRUE, "1", NULL);
	check_cmdline("quiet -- fips=1 boot=x", TRI_FALSE, NULL, NULL);
	/* Not fips= itself. */
	check_cmdline("nofips=1 fips_x=1 fips", TRI_FALSE, NULL, NULL);
	/* White space of every kind, and NULs, separate words. */
	check_cmdline("\tfips=1\r\n", TRI_TRUE, "1", NULL);
}

static void
test_cmdline_huge(void **state)
{
	size_t n = 1024 * 1024;
	char *big = malloc(n + 16);
	struct cmdline c;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big + n, " fips=1", 8);
	/* One enormous word, then fips=1: parsed, capped, no crash. */
	assert_int_equal(cmdline_parse(big, n + 7, &c), 0);
	assert_int_equal(c.fips, TRI_TRUE);
	cmdline_release(&c);
	free(big);
}

static void
check_bootconfig(const char *text, const char *want)
{
	char *v;

	assert_int_equal(bootconfig_get(text, strlen(text), "kernel.fips", &v), 0);
	if (want == NULL)
		assert_null(v);
	else
		assert_string_equal(v, want);
	free(v);
}

static void
test_bootconfig(void **state)
{
	(void)state;
	check_bootconfig("kernel.fips = \"1\"\n", "1");
	check_bootconfig("kernel.console = \"tty0\"\nkernel.fips = 1\n", "1");
	check_bootconfig("kernel.fips = \"0\", \"1\"\n", "0");
	check_bootconfig("kernel.fipsy = \"1\"\n", NULL);
	check_bootconfig("xkernel.fips = \"1\"\n", NULL);
	check_bootconfig("kernel.fips\n", NULL);
	check_bootconfig("", NULL);
	check_bootconfig("kernel.fips = \"1\"\nkernel.fips = \"0\"\n", "0");
	check_bootconfig("kernel.fips = \"unterminated\n", "unterminated");
}

static void
test_crypto_policy(void **state)
{
	char *p;

	(void)state;
	assert_int_equal(crypto_policy_parse("FIPS\n", 5, &p), 0);
	assert_string_equal(p, "FIPS");
	free(p);
	assert_int_equal(crypto_policy_parse("# x\n\n  FIPS:OSPP  \n", 19, &p), 0);
	assert_string_equal(p, "FIPS:OSPP");
	free(p);
	assert_int_equal(crypto_policy_parse("# only comments\n", 16, &p), 0);
	assert_null(p);
}

static void
test_os_family(void **state)
{
	static const struct {
		const char	*id;
		const char	*id_like;
		const char	*version_id;
		enum os_family	 want;
	} cases[] = {
		{ "bottlerocket", NULL, "1.26.1", OS_BOTTLEROCKET },
		{ "amzn", "centos rhel fedora", "2", OS_AMAZON_LINUX_2 },
		{ "amzn", "fedora", "2023", OS_AMAZON_LINUX_2023 },
		{ "amzn", NULL, "2018.03", OS_OTHER },
		{ "amzn", NULL, NULL, OS_OTHER },
		{ "rhel", "fedora", "9.4", OS_RHEL_LIKE },
		{ "rocky", "rhel centos fedora", "9.3", OS_RHEL_LIKE },
		{ "myos", "rhel", "1", OS_RHEL_LIKE },
		{ "ubuntu", "debian", "22.04", OS_UBUNTU },
		{ "debian", NULL, "12", OS_DEBIAN },
		{ "alpine", NULL, "3.20", OS_OTHER },
		{ "rhelx", "notrhel", "1", OS_OTHER },
		{ NULL, NULL, NULL, OS_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct os_release osr = {
			.id = (char *)cases[i].id,
			.id_like = (char *)cases[i].id_like,
			.version_id = (char *)cases[i].version_id,
		};

		assert_int_equal(os_family_of(&osr), cases[i].want);
	}
	assert_int_equal(os_family_of(NULL), OS_UNKNOWN);
	for (int f = 0; f < OS__MAX; f++)
		assert_non_null(os_family_names[f]);
}

static void
test_fips_variant(void **state)
{
	static const struct {
		const char	*variant;
		const char	*kernel;
		int		 want;
	} cases[] = {
		{ "aws-k8s-1.31-fips", "6.1.112", 1 },
		{ "aws-k8s-1.31", "6.1.112", 0 },
		{ NULL, "5.15.0-1051-aws-fips", 1 },
		{ NULL, "5.4.0-1021-fips", 1 },
		{ NULL, "6.8.0-1016-aws", 0 },
		{ "nofipsy", "fipsfoo", 0 },
		{ NULL, NULL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct os_release osr = { .variant_id = (char *)cases[i].variant };

		assert_int_equal(os_is_fips_variant(&osr, cases[i].kernel),
		    cases[i].want);
	}
	assert_int_equal(os_is_fips_variant(NULL, "x-fips"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_flag),
		cmocka_unit_test(test_osrelease),
		cmocka_unit_test(test_osrelease_binary),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_cmdline_huge),
		cmocka_unit_test(test_bootconfig),
		cmocka_unit_test(test_crypto_policy),
		cmocka_unit_test(test_os_family),
		cmocka_unit_test(test_fips_variant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
