/*
 * fuzz_kubeconfig.c - a kubeconfig file, read as `fipsev collect
 * --kubeconfig` reads it: contexts, clusters, users, inline base64 data.
 * Paths it names resolve inside the scratch directory, which is empty.
 */
#include <stdint.h>
#include <stdio.h>

#include "collector/net/kube.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kube_opts o;
	struct kube *k = NULL;
	char path[600];

	snprintf(path, sizeof(path), "%s/kubeconfig", fuzz_scratch());
	if (fuzz_write(path, data, size) == -1)
		return 0;
	kube_defaults(&o);
	o.kubeconfig = path;
	if (kube_open(&o, &k) == 0)
		kube_close(k);
	return 0;
}
