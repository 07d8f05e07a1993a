/*
 * values.c - see values.h.
 */
#define _GNU_SOURCE	/* strcasestr */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <yaml.h>

#include "util/digest.h"
#include "util/json.h"
#include "util/log.h"
#include "util/tsv.h"
#include "collector/cluster/values.h"
#include "util/banned.h"

/* Nodes a document may expand to, aliases included. */
#define VALUES_MAX_NODES	1000000
/* Nesting deeper than this is not a values file. */
#define VALUES_MAX_DEPTH	256

struct frame {
	cJSON	*node;		/* object or array */
	char	*key;		/* a mapping's key awaiting its value */
};

struct anchor {
	char	*name;
	cJSON	*node;		/* owned by the tree; copied on alias */
};

struct builder {
	const char	*name;
	struct frame	 stack[VALUES_MAX_DEPTH];
	int		 depth;
	cJSON		*root;
	struct anchor	*anchors;
	size_t		 nanchors;
	long		 nodes;
};

static int
count_nodes(const cJSON *n)
{
	const cJSON *c;
	int k = 1;

	cJSON_ArrayForEach(c, n)
		k += count_nodes(c);
	return k;
}

/* Plain scalars as go-yaml (Helm's reader) types them. */
static cJSON *
typed_scalar(const char *s, size_t n, int plain)
{
	static const char *const truths[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", "y", "Y" };
	static const char *const falsities[] = { "false", "False", "FALSE",
	    "no", "No", "NO", "off", "Off", "OFF", "n", "N" };
	char *end;
	size_t i;

	if (!plain)
		return cJSON_CreateString(s);
	if (n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return cJSON_CreateNull();
	for (i = 0; i < sizeof(truths) / sizeof(truths[0]); i++) {
		if (strcmp(s, truths[i]) == 0)
			return cJSON_CreateTrue();
		if (strcmp(s, falsities[i]) == 0)
			return cJSON_CreateFalse();
	}
	/* YAML 1.1 integers in hex ("0x1F") and octal ("0400"), as go-yaml. */
	{
		const char *d = s + (*s == '-' || *s == '+');
		int base = strncmp(d, "0x", 2) == 0 ? 16 : d[0] == '0' &&
		    d[1] != '\0' && d[1] != '.' ? 8 : 0;

		if (base != 0 && d[base == 16 ? 2 : 1] != '\0') {
			long long v;

			errno = 0;
			v = strtoll(d, &end, base);
			if (*end == '\0' && errno == 0 &&
			    (v < 0 ? -v : v) < 9007199254740992LL)
				return cJSON_CreateNumber((double)(*s == '-' ?
				    -v : v));
		}
	}
	if (strspn(s, "+-0123456789.eE") == n && strpbrk(s, "0123456789")) {
		double d;

		errno = 0;
		d = strtod(s, &end);
		/* Integers beyond 2^53 would lose digits: keep their text. */
		if (*end == '\0' && errno == 0 && isfinite(d) &&
		    fabs(d) < 9007199254740992.0)
			return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(s);
}

static int
in_subtree(const cJSON *root, const cJSON *n)
{
	const cJSON *c;

	if (root == n)
		return 1;
	cJSON_ArrayForEach(c, root)
		if (in_subtree(c, n))
			return 1;
	return 0;
}

/* Before a subtree is freed: no anchor may point into it any more. */
static void
forget_anchors(struct builder *b, const cJSON *gone)
{
	size_t i;

	for (i = 0; gone != NULL && i < b->nanchors; i++)
		if (b->anchors[i].node != NULL &&
		    in_subtree(gone, b->anchors[i].node))
			b->anchors[i].node = NULL;
}

static int
add_node(struct builder *b, cJSON *v, const char *anchor)
{
	struct frame *top = b->depth > 0 ? &b->stack[b->depth - 1] : NULL;

	if (v == NULL)
		return -1;
	if ((b->nodes += count_nodes(v)) > VALUES_MAX_NODES) {
		cJSON_Delete(v);
		errno = EFBIG;
		return -1;
	}
	if (anchor != NULL) {
		struct anchor *a = reallocarray(b->anchors, b->nanchors + 1,
		    sizeof(*a));

		if (a == NULL) {
			cJSON_Delete(v);
			return -1;
		}
		b->anchors = a;
		a[b->nanchors].name = strdup(anchor);
		a[b->nanchors].node = v;
		if (a[b->nanchors].name == NULL) {
			cJSON_Delete(v);
			return -1;
		}
		b->nanchors++;
	}
	if (top == NULL) {
		forget_anchors(b, b->root);
		cJSON_Delete(b->root);
		b->root = v;
		return 0;
	}
	if (cJSON_IsArray(top->node))
		return cJSON_AddItemToArray(top->node, v) ? 0 : -1;
	/* A repeated key: the last one wins, as in Helm. */
	forget_anchors(b, cJSON_GetObjectItemCaseSensitive(top->node,
	    top->key));
	cJSON_DeleteItemFromObjectCaseSensitive(top->node, top->key);
	if (!cJSON_AddItemToObject(top->node, top->key, v))
		return -1;
	free(top->key);
	top->key = NULL;
	return 0;
}

static int
push(struct builder *b, cJSON *container, const char *anchor)
{
	if (b->depth == VALUES_MAX_DEPTH) {
		cJSON_Delete(container);
		errno = ELOOP;
		return -1;
	}
	if (add_node(b, container, anchor) == -1)
		return -1;
	b->stack[b->depth].node = container;
	b->stack[b->depth].key = NULL;
	b->depth++;
	return 0;
}

static cJSON *
find_anchor(const struct builder *b, const char *name)
{
	size_t i;

	for (i = b->nanchors; i-- > 0;)
		if (strcmp(b->anchors[i].name, name) == 0)
			return b->anchors[i].node;	/* NULL if forgotten */
	return NULL;
}

static void
builder_free(struct builder *b)
{
	size_t i;

	for (i = 0; i < (size_t)b->depth; i++)
		free(b->stack[i].key);
	for (i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	cJSON_Delete(b->root);
}

/* One event into the tree. Returns 1 at the end, 0 to go on, -1 bad. */
static int
event(struct builder *b, const yaml_event_t *ev, const char **why)
{
	struct frame *top = b->depth > 0 ? &b->stack[b->depth - 1] : NULL;
	const char *anchor = NULL;

	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (top != NULL && cJSON_IsObject(top->node) &&
		    top->key == NULL) {
			*why = "a mapping key that is not a scalar";
			return -1;
		}
		anchor = ev->type == YAML_MAPPING_START_EVENT ?
		    (const char *)ev->data.mapping_start.anchor :
		    (const char *)ev->data.sequence_start.anchor;
		if (push(b, ev->type == YAML_MAPPING_START_EVENT ?
		    cJSON_CreateObject() : cJSON_CreateArray(), anchor) == -1) {
			*why = errno == ELOOP ? "nesting too deep" :
			    errno == EFBIG ? "too many nodes (alias expansion?)" :
			    "out of memory";
			return -1;
		}
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		b->depth--;
		free(b->stack[b->depth].key);
		b->stack[b->depth].key = NULL;
		return 0;
	case YAML_SCALAR_EVENT: {
		const char *s = (const char *)ev->data.scalar.value;
		size_t n = ev->data.scalar.length;
		const char *tag = (const char *)ev->data.scalar.tag;
		int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (tag == NULL || strcmp(tag, "!") != 0) &&
		    (tag == NULL || strcmp(tag, YAML_STR_TAG) != 0);

		if (strlen(s) != n) {
			*why = "a NUL byte in a scalar";
			return -1;
		}
		if (top != NULL && cJSON_IsObject(top->node) &&
		    top->key == NULL) {
			if ((top->key = strdup(s)) == NULL) {
				*why = "out of memory";
				return -1;
			}
			return 0;
		}
		if (add_node(b, typed_scalar(s, n, plain),
		    (const char *)ev->data.scalar.anchor) == -1) {
			*why = errno == EFBIG ? "too many nodes" :
			    "out of memory";
			return -1;
		}
		return 0;
	}
	case YAML_ALIAS_EVENT: {
		cJSON *target = find_anchor(b, (const char *)
		    ev->data.alias.anchor);

		if (target == NULL) {
			*why = "an alias to an unknown anchor";
			return -1;
		}
		if (top != NULL && cJSON_IsObject(top->node) &&
		    top->key == NULL) {
			*why = "an alias used as a mapping key";
			return -1;
		}
		if (add_node(b, cJSON_Duplicate(target, 1), NULL) == -1) {
			*why = errno == EFBIG ? "too many nodes (alias "
			    "expansion?)" : "out of memory";
			return -1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/*
 * YAML merge keys, after parsing: "<<: *base" (or a list of them) adds
 * the keys of each mapping that the mapping does not set itself.
 */
static int
merge_keys(cJSON *v)
{
	cJSON *c, *m, *src;

	cJSON_ArrayForEach(c, v)
		if (merge_keys(c) == -1)
			return -1;
	if (!cJSON_IsObject(v) ||
	    (m = cJSON_DetachItemFromObjectCaseSensitive(v, "<<")) == NULL)
		return 0;
	if (cJSON_IsObject(m)) {
		cJSON *one = m;

		m = cJSON_CreateArray();
		if (m == NULL || !cJSON_AddItemToArray(m, one)) {
			cJSON_Delete(one);
			cJSON_Delete(m);
			return -1;
		}
	}
	cJSON_ArrayForEach(src, m)
		cJSON_ArrayForEach(c, src)
			if (c->string != NULL &&
			    !cJSON_HasObjectItem(v, c->string) &&
			    !cJSON_AddItemToObject(v, c->string,
			    cJSON_Duplicate(c, 1))) {
				cJSON_Delete(m);
				return -1;
			}
	cJSON_Delete(m);
	return 0;
}

cJSON *
values_parse_yaml(const char *name, const char *text, size_t n)
{
	char err[512];
	cJSON *v = values_parse_yaml_err(name, text, n, err, sizeof(err));

	if (v == NULL)
		log_err("%s", err);
	return v;
}

/* Say what is wrong into err, "NAME line L: why". */
static void
yaml_error(char *err, size_t errlen, const char *name, size_t line,
    const char *why)
{
	if (line > 0)
		snprintf(err, errlen, "%s line %zu: %s", name, line, why);
	else
		snprintf(err, errlen, "%s: %s", name, why);
}

cJSON *
values_parse_yaml_err(const char *name, const char *text, size_t n,
    char *err, size_t errlen)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	const char *why = NULL;
	cJSON *root = NULL;
	int r = 0, docs = 0;

	memset(&b, 0, sizeof(b));
	b.name = name;
	if (!yaml_parser_initialize(&parser)) {
		yaml_error(err, errlen, name, 0, "cannot start the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
	while (r == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_error(err, errlen, name,
			    parser.problem_mark.line + 1, parser.problem != NULL ?
			    parser.problem : "YAML error");
			goto out;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
			yaml_error(err, errlen, name, ev.start_mark.line + 1,
			    "more than one YAML document");
			yaml_event_delete(&ev);
			goto out;
		}
		r = event(&b, &ev, &why);
		if (r == -1)
			yaml_error(err, errlen, name, ev.start_mark.line + 1,
			    why);
		yaml_event_delete(&ev);
	}
	if (r == 1) {
		/* An empty file is an empty map, as Helm reads it. */
		root = b.root != NULL && !cJSON_IsNull(b.root) ? b.root :
		    cJSON_CreateObject();
		if (root == b.root)
			b.root = NULL;
		if (root != NULL && !cJSON_IsObject(root)) {
			yaml_error(err, errlen, name, 0,
			    "the top level is not a mapping");
			cJSON_Delete(root);
			root = NULL;
		} else if (root != NULL && merge_keys(root) == -1) {
			yaml_error(err, errlen, name, 0, "out of memory");
			cJSON_Delete(root);
			root = NULL;
		}
	}
out:
	yaml_parser_delete(&parser);
	builder_free(&b);
	return root;
}

cJSON *
values_read_file(const char *path)
{
	char *text;
	size_t n;
	cJSON *v;

	if (tsv_read_file(path, VALUES_MAX, &text, &n) == -1)
		return NULL;
	v = values_parse_yaml(path, text, n);
	free(text);
	return v;
}

int
values_merge(cJSON *dst, const cJSON *src)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, src) {
		cJSON *d = cJSON_GetObjectItemCaseSensitive(dst, c->string);

		if (cJSON_IsNull(c)) {
			cJSON_DeleteItemFromObjectCaseSensitive(dst, c->string);
			continue;
		}
		if (cJSON_IsObject(c) && cJSON_IsObject(d)) {
			if (values_merge(d, c) == -1)
				return -1;
			continue;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(dst, c->string);
		if (!cJSON_AddItemToObject(dst, c->string,
		    cJSON_Duplicate(c, 1)))
			return -1;
	}
	return 0;
}

static int
secret_word(const char *w)
{
	static const char *const words[] = {
		"password", "passwords", "passwd", "pwd", "pass", "passphrase",
		"token", "tokens", "secret", "secrets", "key", "keys",
		"apikey", "license", "licenses", "licence", "credential",
		"credentials", "creds", "auth", "cert", "certs", "certificate",
		"certificates", "private", "privatekey", "jwt", "salt",
		"signature", "dsn", "keystore", "truststore",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return 1;
	return 0;
}

/*
 * Fragments that make a key a secret's wherever they stand in it: keys
 * are often one word ("adminpassword", "MYSQLPASSWORD", "SECRETKEY",
 * "identitytoken"), which splitting into words cannot see.
 */
static const char *const secret_fragments[] = {
	"password", "passwd", "passphrase", "passcode", "secret",
	"token", "apikey", "accesskey", "privatekey", "signingkey",
	"credential", "bearer", "cookie", "hmac", "authorization",
	"accountkey", "sharedaccesskey",
};

static int
secret_fragment(const char *key)
{
	char low[256];
	size_t i, n = 0;

	for (i = 0; key[i] != '\0' && n < sizeof(low) - 1; i++)
		if (isalnum((unsigned char)key[i]))
			low[n++] = (char)tolower((unsigned char)key[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(secret_fragments) / sizeof(*secret_fragments);
	    i++)
		if (strstr(low, secret_fragments[i]) != NULL)
			return 1;
	/* "dbpass", "smtppwd", a bare "pin". */
	return (n >= 4 && strcmp(low + n - 4, "pass") == 0) ||
	    (n >= 3 && strcmp(low + n - 3, "pwd") == 0) ||
	    strcmp(low, "pin") == 0;
}

/*
 * Does the key name a secret? Any fragment of secret_fragment(), or any
 * word: words are split at anything not a letter or digit and at
 * camelCase: "mongoDBPassword" is mongo, db, password; "APIKey" is api,
 * key.
 */
static int
secret_key(const char *key)
{
	char word[64];
	size_t i, n = 0, len = strlen(key);

	if (secret_fragment(key))
		return 1;

	for (i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)key[i];
		unsigned char prev = i > 0 ? (unsigned char)key[i - 1] : 0;
		unsigned char next = i + 1 < len ? (unsigned char)key[i + 1] : 0;
		int sep = c == '\0' || !isalnum(c);
		int starts = !sep && isupper(c) && i > 0 && (islower(prev) ||
		    isdigit(prev) || (isupper(prev) && islower(next)));

		if ((sep || starts) && n > 0) {
			word[n] = '\0';
			if (secret_word(word))
				return 1;
			n = 0;
		}
		if (!sep && n < sizeof(word) - 1)
			word[n++] = (char)tolower(c);
	}
	return 0;
}

static int secret_text(const char *s, int depth);

/*
 * Does text, anywhere in it, hold a word a secret key would (any case)?
 * For text too long or too costly to parse: judged by its words.
 */
static int
text_has_secret_word(const char *s)
{
	/* The key fragments, and what text writes with a separator. */
	static const char *const more[] = {
		"api_key", "access_key", "private_key", "auth",
	};
	size_t i;

	for (i = 0; i < sizeof(secret_fragments) / sizeof(*secret_fragments);
	    i++)
		if (strcasestr(s, secret_fragments[i]) != NULL)
			return 1;
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		if (strcasestr(s, more[i]) != NULL)
			return 1;
	return 0;
}
static long redact(cJSON *v, int under_secret, int depth);

/*
 * Text that is itself YAML or JSON (a config file in a value, such as a
 * JAAS or application.yaml block): a secret when anything in it would be
 * redacted.
 */
static int
secret_document(const char *s, int depth)
{
	size_t len = strlen(s);
	char err[128];
	cJSON *doc;
	long n;

	if (depth > 3 || len < 4 ||
	    (strchr(s, '\n') == NULL && s[0] != '{' && s[0] != '['))
		return 0;
	/*
	 * Parsing costs what the text says, not what it weighs: a long text,
	 * or one with YAML anchors and aliases (which expand), is judged by
	 * its words instead: secret if it has any a key could.
	 */
	if (len > 64 * 1024 || (strchr(s, '&') != NULL &&
	    strchr(s, '*') != NULL))
		return text_has_secret_word(s);
	if ((doc = cJSON_ParseWithLength(s, len)) == NULL &&
	    (doc = values_parse_yaml_err("value", s, len, err,
	    sizeof(err))) == NULL)
		return 0;
	n = cJSON_IsObject(doc) || cJSON_IsArray(doc) ?
	    redact(doc, 0, depth + 1) : 0;
	cJSON_Delete(doc);
	return n != 0;		/* -1, out of memory: a secret too */
}

/*
 * Base64 that decodes to text holding a secret (a .dockerconfigjson, a
 * Secret's data copied into values).
 */
static int
secret_base64(const char *s, int depth)
{
	size_t len = strlen(s), i, m = 0;
	unsigned char *out;
	char *norm;
	int n, secret = 0;

	if (depth > 3 || len < 24 || len > 1024 * 1024 ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=-_ \t\r\n") != len)
		return 0;
	/* As a YAML block or a Secret has it: line breaks, base64url, no
	 * padding. */
	if ((norm = malloc(len + 4)) == NULL)
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			norm[m++] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (m % 4 != 0)
		norm[m++] = '=';
	norm[m] = '\0';
	if (m < 24 || (out = malloc(m / 4 * 3 + 1)) == NULL) {
		free(norm);
		return m >= 24;
	}
	n = EVP_DecodeBlock(out, (const unsigned char *)norm, (int)m);
	free(norm);
	if (n > 0) {
		while (n > 0 && out[n - 1] == '\0')	/* '=' padding */
			n--;
		out[n] = '\0';
		for (i = 0; i < (size_t)n && (out[i] >= 0x20 || out[i] == '\n' ||
		    out[i] == '\t' || out[i] == '\r'); i++)
			;
		/* Text: a secret if it says so, or looks like one. */
		if (i == (size_t)n)
			secret = secret_text((const char *)out, depth + 1) ||
			    text_has_secret_word((const char *)out);
	}
	explicit_bzero(out, m / 4 * 3 + 1);
	free(out);
	return secret;
}

/* A value that is a secret whatever its key is called. */
static int
secret_text(const char *s, int depth)
{
	static const char *const assignments[] = {
		"password=", "passwd=", "pwd=", "passphrase=", "secret=",
		"token=", "apikey=", "api_key=", "access_key=", "sig=",
		"password\":", "password:", "accountkey=", "sharedaccesskey=",
		"sharedaccesssignature=",
	};
	/* Tokens that say what they are by their first letters. */
	static const char *const prefixes[] = {
		"AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
		"github_pat_", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "glpat-",
		"Bearer ", "bearer ", "Basic ",
	};
	static const char *const webhooks[] = {
		"hooks.slack.com/", "webhook.office.com/",
		"outlook.office.com/webhook", "discord.com/api/webhooks/",
		"discordapp.com/api/webhooks/",
	};
	const char *scheme;
	size_t i;

	if (strstr(s, "-----BEGIN") != NULL)
		return 1;			/* PEM: keys, certificates */
	/* Connection strings and URLs: "Server=..;Password=X;",
	 * "?user=a&password=X", JAAS password="X". */
	for (i = 0; i < sizeof(assignments) / sizeof(assignments[0]); i++)
		if (strcasestr(s, assignments[i]) != NULL)
			return 1;
	/* A webhook URL is its own credential. */
	for (i = 0; i < sizeof(webhooks) / sizeof(webhooks[0]); i++)
		if (strcasestr(s, webhooks[i]) != NULL)
			return 1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *p = strstr(s, prefixes[i]);

		if (p != NULL && (p == s || !isalnum((unsigned char)p[-1])))
			return 1;
	}
	/* Each URL's user information: scheme://user:password@host, the
	 * password allowed any character but the separators. */
	for (scheme = strstr(s, "://"); scheme != NULL;
	    scheme = strstr(scheme + 3, "://")) {
		size_t auth = strcspn(scheme + 3, "@ \t\r\n,;\"'");

		if (scheme[3 + auth] == '@' &&
		    memchr(scheme + 3, ':', auth) != NULL)
			return 1;
	}
	if (secret_document(s, depth) || secret_base64(s, depth))
		return 1;
	if (strncmp(s, "eyJ", 3) == 0 && strchr(s, '.') != NULL &&
	    strchr(strchr(s, '.') + 1, '.') != NULL)
		return 1;			/* a JWT */
	return 0;
}

/*
 * The key of the markers (values_redact_key()): none, plain SHA-256.
 * Process-wide, like the store a run writes to.
 */
static struct {
	unsigned char	 key[64];
	size_t		 len;
	char		 id[VALUES_KEY_ID_LEN + 1];
} marker_key;

int
values_redact_key(const void *key, size_t len)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 *h;

	explicit_bzero(&marker_key, sizeof(marker_key));
	if (key == NULL)
		return 0;
	if (len < 16 || len > sizeof(marker_key.key))
		return -1;
	memcpy(marker_key.key, key, len);
	marker_key.len = len;
	/* The key's id, for a reader to see markers of one key: a digest of
	 * a label and the key, never the key. */
	if ((h = sha256_new()) == NULL ||
	    sha256_update(h, "fipsev redaction key id\n", 24) == -1 ||
	    sha256_update(h, key, len) == -1) {
		sha256_free(h);
		return -1;
	}
	if (sha256_final_hex(h, hex) == -1)
		return -1;
	memcpy(marker_key.id, hex, VALUES_KEY_ID_LEN);
	marker_key.id[VALUES_KEY_ID_LEN] = '\0';
	return 0;
}

static int
redact_one(cJSON *v)
{
	char hex[SHA256_HEX_LEN + 1], marker[SHA256_HEX_LEN + 64];
	unsigned char mac[32];
	char num[64];
	const char *text;
	size_t i, maclen = 0;

	if (cJSON_IsString(v))
		text = v->valuestring;
	else {
		snprintf(num, sizeof(num), "%.17g", v->valuedouble);
		text = num;
	}
	if (marker_key.len > 0) {
		/* Keyed: a short value cannot be guessed from its marker. */
		if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
		    marker_key.key, marker_key.len, (const unsigned char *)text,
		    strlen(text), mac, sizeof(mac), &maclen) == NULL ||
		    maclen != sizeof(mac))
			return -1;
		for (i = 0; i < maclen; i++)
			snprintf(hex + 2 * i, 3, "%02x", mac[i]);
		snprintf(marker, sizeof(marker), "<redacted hmac-sha256:%s:%s>",
		    marker_key.id, hex);
	} else {
		if (sha256_hex(text, strlen(text), hex) == -1)
			return -1;
		snprintf(marker, sizeof(marker), "<redacted sha256:%s>", hex);
	}
	/*
	 * Turn the node into the marker in place. The secret is wiped
	 * first; cJSON then frees or reuses its buffer.
	 */
	if (cJSON_IsString(v)) {
		explicit_bzero(v->valuestring, strlen(v->valuestring));
		return cJSON_SetValuestring(v, marker) == NULL ? -1 : 0;
	}
	{
		char *copy = strdup(marker);

		if (copy == NULL)
			return -1;
		v->type = cJSON_String;
		v->valuestring = copy;
		v->valuedouble = 0;
		v->valueint = 0;
	}
	return 0;
}

static long
redact(cJSON *v, int under_secret, int depth)
{
	cJSON *c;
	long n = 0, r;

	if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
		if (!under_secret && !(cJSON_IsString(v) &&
		    secret_text(v->valuestring, depth)))
			return 0;
		return redact_one(v) == -1 ? -1 : 1;
	}
	/*
	 * A Kubernetes env entry, {name: ARTIFACTORY_TOKEN, value: ...}, as
	 * the delegate chart's custom_envs holds them: the secret is under
	 * "value", named by its sibling.
	 */
	const char *named = json_get_str(v, "name") != NULL ?
	    json_get_str(v, "name") : json_get_str(v, "key");
	int env_secret = cJSON_IsObject(v) && named != NULL &&
	    secret_key(named);

	cJSON_ArrayForEach(c, v) {
		int secret = under_secret ||
		    (c->string != NULL && secret_key(c->string)) ||
		    (env_secret && c->string != NULL &&
		    strcmp(c->string, "value") == 0);

		if ((r = redact(c, secret, depth)) == -1)
			return -1;
		n += r;
	}
	return n;
}

long
values_redact(cJSON *v)
{
	return redact(v, 0, 0);
}

const cJSON *
values_get(const cJSON *v, const char *path)
{
	char key[256];
	const char *dot;

	while (v != NULL && *path != '\0') {
		size_t n;

		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = cJSON_IsObject(v) ?
		    cJSON_GetObjectItemCaseSensitive(v, key) : NULL;
		path += n + (dot != NULL);
	}
	return v;
}
