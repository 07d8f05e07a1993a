/*
 * fuzz_timestamp.c - a bundle's MANIFEST.sha256.sig.tsr (an RFC 3161
 * reply, DER) checked against a signature: the input's first byte says
 * how long the "signature" is, the rest is the reply. No TSA CA is given,
 * so the reply's own structure, imprint and signature are what is read.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bundle/timestamp.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_verdict v;
	size_t n;

	if (size < 1)
		return 0;
	n = data[0] < size - 1 ? data[0] : size - 1;
	(void)ts_check(data + 1 + n, size - 1 - n, data + 1, n, NULL, &v);
	return 0;
}
