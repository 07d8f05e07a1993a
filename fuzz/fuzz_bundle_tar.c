/*
 * fuzz_bundle_tar.c - 'fipsev verify BUNDLE.tar.gz': the input is the
 * archive, read with libarchive and never extracted; every name, type,
 * size and the manifest and signature inside it are the input's. What
 * verify prints goes to /dev/null.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bundle/bundle.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_trust trust = { NULL, NULL };
	enum bundle_signer who;
	char path[4096];
	FILE *out;

	snprintf(path, sizeof(path), "%s/b.tar.gz", fuzz_scratch());
	if (fuzz_write(path, data, size) == -1 ||
	    (out = fopen("/dev/null", "w")) == NULL)
		return 0;
	(void)bundle_verify(path, &trust, out, &who);
	fclose(out);
	return 0;
}
