/*
 * helm.h - Helm 3 release records, as Helm stores them in Secrets.
 *
 * A release Secret "sh.helm.release.v1.NAME.vREVISION" (label owner=helm)
 * holds data.release: the Kubernetes API's base64 around Helm's own base64
 * around gzip-compressed JSON (plain JSON when the gzip magic is missing).
 */
#ifndef FIPSEV_HELM_H
#define FIPSEV_HELM_H

#include <stddef.h>

struct cJSON;

/* A decompressed release larger than this is refused (gzip bombs). */
#define HELM_RELEASE_MAX	(64 * 1024 * 1024)
/* What one release may take once parsed (json_parse_capped()). */
#define HELM_RELEASE_WEIGHT	((size_t)96 * 1024 * 1024)

/*
 * Decode a release record's data.release text (n bytes) into the release
 * object. A Secret's, read through the API, is base64 twice (Secret data
 * is bytes, and Helm stored base64 text in it); a ConfigMap's
 * (HELM_DRIVER=configmap) once: layers says which (helm
 * pkg/storage/driver secrets.go, cfgmaps.go, util.go encodeRelease).
 * Returns it, or NULL with the reason in err ("not base64", "truncated
 * gzip", "not JSON", ...); nothing is logged, the caller records it.
 */
struct cJSON *helm_release_decode(const char *text, size_t n, int layers,
	    char *err, size_t errlen);

/*
 * Compare two chart versions as semantic versions ("0.31.0", "v0.31.2",
 * "0.31.0-rc.1" < "0.31.0"). Returns <0, 0 or >0; *ok is cleared when
 * either is not a version.
 */
int	 helm_version_cmp(const char *a, const char *b, int *ok);

#endif
