/*
 * fuzz_pipeline.c - a pipeline's YAML as the Harness API returns it
 * (data.yamlPipeline), summarised into stages, steps and notifications.
 */
#include <stdint.h>

#include <cjson/cJSON.h>

#include "collector/inventory/harness.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *out = cJSON_CreateObject();
	char err[256];

	if (out == NULL)
		return 0;
	(void)harness_pipeline_summary((const char *)data, size, out, err,
	    sizeof(err));
	cJSON_Delete(out);
	return 0;
}
