/*
 * fuzz_cluster.c - Kubernetes API JSON as a cluster snapshot holds it
 * (nodes, Helm release Secrets, ConfigMaps, workloads, ingresses,
 * services) and one node report, read by the cluster collector. The input
 * is cut at NUL bytes into those files, in that order.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/cluster/cluster.h"
#include "fuzz/fuzz.h"

static const char *const files[] = {
	"nodes.json", "helm-releases.json", "configmaps.json",
	"workloads.json", "ingresses.json", "services.json",
	"node-reports/n1.json", "cronjobs.json", "db-secrets.json",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cluster_evidence ev;
	char dir[600], path[700];
	size_t i, off = 0;

	snprintf(dir, sizeof(dir), "%s/snapshot", fuzz_scratch());
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/node-reports", dir);
	mkdir(path, 0700);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const uint8_t *end = off < size ? memchr(data + off, '\0',
		    size - off) : NULL;
		size_t n = end != NULL ? (size_t)(end - (data + off)) :
		    size - (off < size ? off : size);

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (off <= size) {
			if (fuzz_write(path, data + off, n) == -1)
				return 0;
		} else
			remove(path);
		off += n + 1;
	}
	memset(&ev, 0, sizeof(ev));
	if (cluster_from_snapshot(dir, NULL, 0, &ev) == 0)
		cluster_evidence_release(&ev);
	return 0;
}
