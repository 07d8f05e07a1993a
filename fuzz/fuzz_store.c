/*
 * fuzz_store.c - evidence documents as the store receives them (a node
 * report from a probe pod's log, a TLS scan, a cluster document): checked
 * field by field and turned into facts, inside a run that is then rolled
 * back. The first byte picks the kind. One SQLite file in the scratch
 * directory serves every input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "fuzz/fuzz.h"

static struct store *st;

static void
close_store(void)
{
	store_close(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct store_run_meta meta = {
		.started = "2026-01-01T00:00:00Z",
		.host = "fuzz",
		.tool_version = "fuzz",
	};
	const char *json = (const char *)data + 1;

	if (st == NULL) {
		char path[600];

		snprintf(path, sizeof(path), "%s/store.db", fuzz_scratch());
		if (store_open(path, STORE_CREATE, &st) == -1)
			abort();
		atexit(close_store);
	}
	if (size < 1 || store_run_begin(st, &meta) == -1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		(void)store_run_add_node(st, json, size - 1);
		break;
	case 1:
		(void)store_run_add_tls(st, json, size - 1);
		break;
	default:
		(void)store_run_add_cluster(st, "cluster", json, size - 1);
		break;
	}
	store_run_abort(st);
	return 0;
}
