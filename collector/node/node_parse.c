/*
 * node_parse.c - parsers for node evidence files; see node_parse.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collector/node/node_parse.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

/* Values longer than this are not a real os-release or cmdline field. */
#define FIELD_MAX 4096

const char *const os_family_names[OS__MAX] = {
	[OS_BOTTLEROCKET] = "bottlerocket",
	[OS_AMAZON_LINUX_2] = "amazon-linux-2",
	[OS_AMAZON_LINUX_2023] = "amazon-linux-2023",
	[OS_RHEL_LIKE] = "rhel-like",
	[OS_UBUNTU] = "ubuntu",
	[OS_DEBIAN] = "debian",
	[OS_OTHER] = "other",
	[OS_UNKNOWN] = "unknown",
};

/*
 * The next line of [*pos, end): *line points past its leading blanks and
 * *len excludes trailing white space and the newline. Returns 0 at the end.
 */
static int
next_line(const char **pos, const char *end, const char **line, size_t *len)
{
	const char *p = *pos, *nl, *eol;

	if (p >= end)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	eol = nl != NULL ? nl : end;
	*pos = nl != NULL ? nl + 1 : end;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	*line = p;
	*len = rtrim_len(p, (size_t)(eol - p));
	return 1;
}

enum tristate
parse_fips_flag(const char *text, size_t n)
{
	n = rtrim_len(text, n);
	if (n == 1 && text[0] == '1')
		return TRI_TRUE;
	if (n == 1 && text[0] == '0')
		return TRI_FALSE;
	return TRI_UNKNOWN;
}

/* Replace *dst with a copy of the n bytes at s. */
static int
set_field(char **dst, const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		return -1;
	free(*dst);
	*dst = p;
	return 0;
}

/*
 * Unquote an os-release value (the bytes after '=' up to end of line)
 * into out. Returns 0, or 1 when the quoting is broken (the line is then
 * counted as bad and ignored), or -1 on memory failure.
 */
static int
osrelease_value(const char *v, size_t n, struct buf *out)
{
	char q = 0;
	size_t i = 0;

	if (n > 0 && (v[0] == '"' || v[0] == '\'')) {
		q = v[0];
		i = 1;
	}
	for (; i < n; i++) {
		char c = v[i];

		if (q == 0 && (c == ' ' || c == '\t'))
			break;		/* unquoted value ends at a blank */
		if (q != 0 && c == q) {
			/* Closing quote: only blanks may follow. */
			for (i++; i < n; i++)
				if (v[i] != ' ' && v[i] != '\t')
					return 1;
			return 0;
		}
		if (c == '\\' && q != '\'' && i + 1 < n &&
		    strchr("\"\\$`", v[i + 1]) != NULL)
			c = v[++i];
		if (buf_append(out, &c, 1) == -1)
			return errno == EFBIG ? 1 : -1;
	}
	return q != 0 ? 1 : 0;
}

int
osrelease_parse(const char *text, size_t n, struct os_release *out)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} keys[] = {
		{ "ID", offsetof(struct os_release, id) },
		{ "ID_LIKE", offsetof(struct os_release, id_like) },
		{ "NAME", offsetof(struct os_release, name) },
		{ "VERSION_ID", offsetof(struct os_release, version_id) },
		{ "VARIANT_ID", offsetof(struct os_release, variant_id) },
		{ "PRETTY_NAME", offsetof(struct os_release, pretty_name) },
	};
	struct buf val;
	const char *pos = text, *end = text + n, *p, *eq;
	size_t len;
	int r, rc = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&val, FIELD_MAX);
	while (next_line(&pos, end, &p, &len)) {
		if (len == 0 || *p == '#')
			continue;
		/* KEY is [A-Za-z0-9_]+ followed directly by '='. */
		for (eq = p; eq < p + len && (isalnum((unsigned char)*eq) ||
		    *eq == '_'); eq++)
			;
		if (eq == p || eq == p + len || *eq != '=') {
			out->bad_lines++;
			continue;
		}
		buf_reset(&val);
		r = osrelease_value(eq + 1, len - (size_t)(eq + 1 - p), &val);
		if (r == -1)
			goto out;
		if (r == 1) {
			out->bad_lines++;
			continue;
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strlen(keys[k].key) != (size_t)(eq - p) ||
			    memcmp(keys[k].key, p, (size_t)(eq - p)) != 0)
				continue;
			if (set_field((char **)((char *)out + keys[k].off),
			    buf_str(&val), val.len) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	buf_release(&val);
	if (rc == -1)
		osrelease_release(out);
	return rc;
}

void
osrelease_release(struct os_release *osr)
{
	free(osr->id);
	free(osr->id_like);
	free(osr->name);
	free(osr->version_id);
	free(osr->variant_id);
	free(osr->pretty_name);
	memset(osr, 0, sizeof(*osr));
}

/*
 * The next kernel parameter from *pp, as the kernel's next_arg() splits
 * them: quotes group white space and are removed. The word goes to word.
 * Returns 1 for a word, 0 at the end, -1 on memory failure.
 */
static int
next_word(const char **pp, const char *end, struct buf *word)
{
	const char *p = *pp;
	int inq = 0;

	buf_reset(word);
	while (p < end && (isspace((unsigned char)*p) || *p == '\0'))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	for (; p < end; p++) {
		if (*p == '"') {
			inq = !inq;
			continue;
		}
		if (!inq && (isspace((unsigned char)*p) || *p == '\0'))
			break;
		if (word->len < FIELD_MAX && buf_append(word, p, 1) == -1)
			return -1;
	}
	/* An empty word ("") still counts as one. */
	if (buf_append(word, "", 0) == -1)
		return -1;
	*pp = p;
	return 1;
}

int
cmdline_parse(const char *text, size_t n, struct cmdline *out)
{
	const char *p = text, *end = text + n;
	struct buf word;
	int r, rc = -1;

	memset(out, 0, sizeof(*out));
	out->fips = TRI_FALSE;
	buf_init(&word, FIELD_MAX + 1);
	while ((r = next_word(&p, end, &word)) == 1) {
		const char *w = buf_str(&word);

		if (strcmp(w, "--") == 0)
			break;		/* the rest is for init, not the kernel */
		if (strncmp(w, "fips=", 5) == 0) {
			if (set_field(&out->fips_raw, w + 5, word.len - 5) == -1)
				goto out;
			/* As the kernel's simple_strtol(str, NULL, 0). */
			out->fips = strtol(w + 5, NULL, 0) != 0 ? TRI_TRUE : TRI_FALSE;
		} else if (strncmp(w, "boot=", 5) == 0) {
			if (set_field(&out->boot, w + 5, word.len - 5) == -1)
				goto out;
		}
	}
	if (r == -1)
		goto out;
	rc = 0;
out:
	buf_release(&word);
	if (rc == -1)
		cmdline_release(out);
	return rc;
}

void
cmdline_release(struct cmdline *c)
{
	free(c->fips_raw);
	free(c->boot);
	memset(c, 0, sizeof(*c));
}

int
bootconfig_get(const char *text, size_t n, const char *key, char **value)
{
	const char *pos = text, *end = text + n, *p, *eol, *v, *ve;
	size_t klen = strlen(key), len;

	*value = NULL;
	while (next_line(&pos, end, &p, &len)) {
		eol = p + len;
		if (len <= klen || memcmp(p, key, klen) != 0)
			continue;
		for (v = p + klen; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		if (v == eol || *v != '=')
			continue;
		for (v++; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		/* The first value: quoted up to its quote, else up to ','. */
		if (v < eol && *v == '"') {
			v++;
			for (ve = v; ve < eol && *ve != '"'; ve++)
				;
		} else {
			for (ve = v; ve < eol && *ve != ','; ve++)
				;
			ve = v + rtrim_len(v, (size_t)(ve - v));
		}
		if ((size_t)(ve - v) > FIELD_MAX)
			ve = v + FIELD_MAX;
		/* Later lines override earlier ones. */
		if (set_field(value, v, (size_t)(ve - v)) == -1)
			return -1;
	}
	return 0;
}

int
crypto_policy_parse(const char *text, size_t n, char **policy)
{
	const char *pos = text, *end = text + n, *p;
	size_t len;

	*policy = NULL;
	while (next_line(&pos, end, &p, &len)) {
		if (len == 0 || *p == '#')
			continue;
		if (len > FIELD_MAX)
			len = FIELD_MAX;
		return set_field(policy, p, len);
	}
	return 0;
}

/* Whether the space-separated list contains word. */
static int
list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t l = strcspn(p, " \t");

		if (l == wl && strncmp(p, word, wl) == 0)
			return 1;
		p += l;
		p += strspn(p, " \t");
	}
	return 0;
}

enum os_family
os_family_of(const struct os_release *osr)
{
	static const char *const rhel_ids[] = {
		"rhel", "centos", "rocky", "almalinux", "ol", "fedora",
	};
	const char *id;

	if (osr == NULL || osr->id == NULL)
		return osr == NULL ? OS_UNKNOWN : OS_OTHER;
	id = osr->id;
	if (strcmp(id, "bottlerocket") == 0)
		return OS_BOTTLEROCKET;
	if (strcmp(id, "amzn") == 0) {
		if (osr->version_id != NULL && strcmp(osr->version_id, "2") == 0)
			return OS_AMAZON_LINUX_2;
		if (osr->version_id != NULL &&
		    strncmp(osr->version_id, "2023", 4) == 0)
			return OS_AMAZON_LINUX_2023;
		return OS_OTHER;
	}
	if (strcmp(id, "ubuntu") == 0)
		return OS_UBUNTU;
	if (strcmp(id, "debian") == 0)
		return OS_DEBIAN;
	for (size_t i = 0; i < sizeof(rhel_ids) / sizeof(rhel_ids[0]); i++)
		if (strcmp(id, rhel_ids[i]) == 0 ||
		    list_has(osr->id_like, rhel_ids[i]))
			return OS_RHEL_LIKE;
	return OS_OTHER;
}

/* Whether s has "fips" as one of its '-' or '.'-separated parts. */
static int
has_fips_part(const char *s)
{
	if (s == NULL)
		return 0;
	for (const char *p = s; (p = strstr(p, "fips")) != NULL; p += 4) {
		int starts = p == s || p[-1] == '-' || p[-1] == '.' || p[-1] == '_';
		int ends = p[4] == '\0' || p[4] == '-' || p[4] == '.' || p[4] == '_';

		if (starts && ends)
			return 1;
	}
	return 0;
}

int
os_is_fips_variant(const struct os_release *osr, const char *kernel_release)
{
	if (osr != NULL && has_fips_part(osr->variant_id))
		return 1;
	return has_fips_part(kernel_release);
}
