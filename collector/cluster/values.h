/*
 * values.h - Helm values: YAML files read into JSON, merged as Helm merges
 * them, and stripped of secrets before anything is stored.
 */
#ifndef FIPSEV_VALUES_H
#define FIPSEV_VALUES_H

#include <stddef.h>

struct cJSON;

/* A values file larger than this is refused. */
#define VALUES_MAX	(16 * 1024 * 1024)

/*
 * Parse YAML text (one document) into JSON with libyaml. Plain scalars are
 * typed as Helm's YAML reader types them (true/false/yes/no/on/off,
 * integers, floats, null/~); quoted ones stay strings. Aliases are
 * expanded, up to a total size, so an "alias bomb" is refused. name is for
 * messages. Returns the document, or NULL after logging "NAME line L: ...".
 */
struct cJSON *values_parse_yaml(const char *name, const char *text, size_t n);

/* values_parse_yaml() that puts its one-line error in err, unlogged. */
struct cJSON *values_parse_yaml_err(const char *name, const char *text,
	    size_t n, char *err, size_t errlen);

/* Read and parse the YAML file at path. NULL after logging. */
struct cJSON *values_read_file(const char *path);

/*
 * Merge src into dst as Helm merges values: maps merge key by key, src
 * wins for everything else, and a null in src deletes the key. src is
 * left untouched. Returns 0, or -1 when out of memory.
 */
int	 values_merge(struct cJSON *dst, const struct cJSON *src);

/*
 * Replace, in place, every value that may be a secret by the marker
 * "<redacted sha256:HEX>", HEX the SHA-256 of the value's text, or, once
 * values_redact_key() gave a key, "<redacted hmac-sha256:ID:HEX>", so a
 * change stays visible while the value never leaves. Secret-looking, by
 * structure: any string or number under a key with a word such as
 * password, token, secret, key, license, credential, auth or cert (in any
 * case, split at camelCase, '_', '-' and '.') or with a fragment such as
 * password, secret, token, accesskey (one-word keys: "adminpassword",
 * "SECRETKEY"), or ending in pass or pwd; the "value" of a Kubernetes env
 * entry whose "name" is such a key ({name: DB_PASSWORD, value: ...}). By
 * content, wherever it is: a PEM block, a JWT, a URL with a password, a
 * connection string or URL query with password=, token=, secret=...
 * (JAAS password="..." too), a Slack, Teams or Discord webhook URL, YAML
 * or JSON text in which anything would be redacted, and base64 that
 * decodes to such text (a .dockerconfigjson). Over-redaction is preferred
 * to a leak: what the checks need is read before (cluster.c's
 * "evidence"). Booleans and nulls are kept: they carry no secret and the
 * evidence needs them (global.fips). Returns the number of values
 * redacted, or -1 when out of memory.
 */
long	 values_redact(struct cJSON *v);

/* The length of a marker key's id in "<redacted hmac-sha256:ID:HEX>". */
#define VALUES_KEY_ID_LEN	12

/*
 * Key the markers of values_redact() from now on: "<redacted
 * hmac-sha256:ID:HEX>", HEX the HMAC-SHA-256 of the value under key, ID
 * the first VALUES_KEY_ID_LEN hex digits of a digest of the key (never
 * the key). len is 16 to 64 bytes; key NULL goes back to plain SHA-256
 * markers. Returns 0, or -1 for a bad length or out of memory.
 */
int	 values_redact_key(const void *key, size_t len);

/* The value at a dotted path ("global.fips"), or NULL. */
const struct cJSON *values_get(const struct cJSON *v, const char *path);

#endif
