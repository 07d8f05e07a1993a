/*
 * fuzz_helm.c - a Helm 3 release Secret's data.release as the API gives it
 * (base64 of base64 of gzip of JSON, or of plain JSON), decoded.
 */
#include <stdint.h>

#include <cjson/cJSON.h>

#include "collector/cluster/helm.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	/* Both drivers: a Secret's two base64 layers, a ConfigMap's one. */
	cJSON *rel = helm_release_decode((const char *)data, size, 2, err,
	    sizeof(err));

	cJSON_Delete(rel);
	rel = helm_release_decode((const char *)data, size, 1, err,
	    sizeof(err));
	cJSON_Delete(rel);
	return 0;
}
