/*
 * evidence.c - the kinds of evidence; see evidence.h.
 */
#include <string.h>

#include "evidence/evidence.h"
#include "util/banned.h"

const char *const evidence_kind_names[EVIDENCE__MAX] = {
	[EVIDENCE_NODE] = "node",
	[EVIDENCE_TLS] = "tls",
	[EVIDENCE_CLUSTER] = "cluster",
	[EVIDENCE_HARNESS] = "harness",
	[EVIDENCE_INVENTORY] = "inventory",
};

enum evidence_kind
evidence_kind_of(const char *name)
{
	int k;

	for (k = 0; k < EVIDENCE__MAX; k++)
		if (name != NULL && strcmp(name, evidence_kind_names[k]) == 0)
			return (enum evidence_kind)k;
	return EVIDENCE__MAX;
}
