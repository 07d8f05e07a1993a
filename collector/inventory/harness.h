/*
 * harness.h - what a Harness account uses, read from the Harness NG REST
 * API: connectors, pipelines (and, from their YAML, deployment types,
 * build steps and their infrastructure, security scanner steps,
 * notification methods), user group notification channels, and the
 * authentication mechanism.
 *
 * The API key travels in the x-api-key header and comes from a file or
 * an environment variable, never from the command line (where any user
 * could read it in the process list). TLS is always verified.
 */
#ifndef FIPSEV_HARNESS_H
#define FIPSEV_HARNESS_H

#include "evidence/harness.h"	/* HARNESS_FORMAT */

#include <stddef.h>

struct cJSON;


/* The environment variable that may hold the API key. */
#define HARNESS_KEY_ENV	"FIPSEV_HARNESS_API_KEY"

struct harness_opts {
	const char	*url;		/* e.g. https://harness.example.com/gateway */
	const char	*account;	/* accountIdentifier */
	const char	*key_file;	/* NULL: $FIPSEV_HARNESS_API_KEY */
	const char	*ca_file;	/* NULL: the system store */
	int		 page_size;
};

/*
 * Read the account. Returns the document (format HARNESS_FORMAT), or
 * NULL after logging when the key is missing or refused, the server cannot
 * be verified or reached; lists that fail on their own become "errors" in
 * the document.
 */
struct cJSON *harness_collect(const struct harness_opts *o);

/*
 * One answer of the API, for harness_collect_with(): the body of method
 * path (payload for a POST) into *body (malloc'd; *len bytes), returning
 * 0, or non-zero with why in err.
 */
typedef int (*harness_fetch_fn)(const char *method, const char *path,
    const char *payload, char **body, size_t *len, char *err, size_t errlen,
    void *arg);

/*
 * The same collection over answers from fn instead of HTTPS (no key, no
 * TLS): for the fuzzer, which plays the server.
 */
struct cJSON *harness_collect_with(const struct harness_opts *o,
	    harness_fetch_fn fn, void *arg);

/*
 * Summarise one pipeline's YAML (text, n bytes) into out: "stages" with
 * type, deployment type, infrastructure and steps, and "notifications".
 * Returns 0, or -1 with why in err when the YAML is unreadable.
 */
int	 harness_pipeline_summary(const char *text, size_t n,
	    struct cJSON *out, char *err, size_t errlen);

#endif
