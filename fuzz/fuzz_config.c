/*
 * fuzz_config.c - the "fipsev run" configuration (YAML): parsed, every key
 * checked, turned into the plan of the collection. FIPSEV_DB is set
 * so that no store path is derived from the environment of the fuzzer.
 */
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "collector/cluster/values.h"
#include "fuzz/fuzz.h"
#include "job/run.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_plan rp;
	cJSON *cfg;

	setenv("FIPSEV_DB", "/nonexistent/fuzz.db", 1);
	if ((cfg = values_parse_yaml("fipsev.yaml", (const char *)data,
	    size)) == NULL)
		return 0;
	if (run_plan_from_config(cfg, "fipsev.yaml", &rp) == 0)
		run_plan_release(&rp);
	cJSON_Delete(cfg);
	return 0;
}
