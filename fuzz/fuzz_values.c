/*
 * fuzz_values.c - Helm values YAML, and the fipsev.yaml configuration,
 * which the same reader parses: anchors, aliases, merge keys, tags, YAML
 * 1.1 scalars; then redaction, lookups and merging as the collectors do.
 */
#include <stdint.h>

#include <cjson/cJSON.h>

#include "collector/cluster/values.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *v = values_parse_yaml("fuzz.yaml", (const char *)data, size);
	cJSON *copy;

	if (v == NULL)
		return 0;
	(void)values_get(v, "global.fips");
	(void)values_get(v, "platform.harness-manager.smtp.password");
	if ((copy = cJSON_CreateObject()) != NULL) {
		(void)values_merge(copy, v);
		(void)values_merge(copy, v);
	}
	(void)values_redact(v);
	cJSON_Delete(copy);
	cJSON_Delete(v);
	return 0;
}
