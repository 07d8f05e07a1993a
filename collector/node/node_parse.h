/*
 * node_parse.h - parsers for the host files behind node evidence.
 *
 * Internal to the node collector; exposed in this header so the unit tests
 * can drive each parser with hostile input. Every parser takes bytes that
 * may be anything (garbage, non-UTF-8, huge) and never fails on content:
 * -1 means fipsev ran out of memory.
 */
#ifndef FIPSEV_NODE_PARSE_H
#define FIPSEV_NODE_PARSE_H

#include <stddef.h>

/* Tri-state for evidence that may be absent. */
enum tristate {
	TRI_UNKNOWN = -1,
	TRI_FALSE = 0,
	TRI_TRUE = 1,
};

/*
 * /proc/sys/crypto/fips_enabled: "1" (with optional trailing newline) is
 * TRI_TRUE, "0" is TRI_FALSE, anything else TRI_UNKNOWN.
 */
enum tristate	 parse_fips_flag(const char *text, size_t n);

/* Fields of os-release(5) that fipsev reads; NULL when absent. Owned. */
struct os_release {
	char	*id;
	char	*id_like;
	char	*name;
	char	*version_id;
	char	*variant_id;
	char	*pretty_name;
	int	 bad_lines;	/* lines that are not KEY=VALUE */
};

/*
 * Parse os-release(5): KEY=VALUE lines, values optionally in single or
 * double quotes, backslash escapes inside double quotes, '#' comments.
 * A later assignment of a key overrides an earlier one, as in a shell.
 */
int	 osrelease_parse(const char *text, size_t n, struct os_release *out);
void	 osrelease_release(struct os_release *osr);

/* What the kernel command line says about FIPS. Owned strings. */
struct cmdline {
	enum tristate	 fips;		/* fips= as the kernel reads it */
	char		*fips_raw;	/* the last fips= value, or NULL */
	char		*boot;		/* the last boot= value, or NULL */
};

/*
 * Parse /proc/cmdline as the kernel does: words split on white space,
 * double quotes group, "--" ends the kernel's parameters. fips= is read
 * like the kernel's simple_strtol(): a leading number, non-zero is on.
 */
int	 cmdline_parse(const char *text, size_t n, struct cmdline *out);
void	 cmdline_release(struct cmdline *c);

/*
 * Find `key` in /proc/bootconfig ("key = "value"" lines) and return its
 * first value unquoted in *value (owned, NULL when absent).
 */
int	 bootconfig_get(const char *text, size_t n, const char *key,
	    char **value);

/*
 * The active crypto-policies name: the first line that is neither blank
 * nor a comment, trimmed. *policy is owned, NULL when there is none.
 */
int	 crypto_policy_parse(const char *text, size_t n, char **policy);

/* The family fipsev recognises a node's OS as. */
enum os_family {
	OS_BOTTLEROCKET,
	OS_AMAZON_LINUX_2,
	OS_AMAZON_LINUX_2023,
	OS_RHEL_LIKE,
	OS_UBUNTU,
	OS_DEBIAN,
	OS_OTHER,
	OS_UNKNOWN,	/* no os-release at all */
	OS__MAX
};

extern const char *const os_family_names[OS__MAX];

/* Classify from os-release (NULL when there was none). */
enum os_family	 os_family_of(const struct os_release *osr);

/*
 * Whether the OS is a FIPS build rather than a stock one switched into FIPS
 * mode: a Bottlerocket variant ending in "-fips" (aws-k8s-1.31-fips), any
 * VARIANT_ID naming fips, or a kernel release with a "-fips" flavour
 * (Ubuntu Pro FIPS kernels, e.g. 5.15.0-1051-aws-fips).
 */
int	 os_is_fips_variant(const struct os_release *osr,
	    const char *kernel_release);

#endif
