/*
 * fuzz_tls_reply.c - what a TLS server sends back to fipsev's own hellos:
 * records, ServerHello, HelloRetryRequest, alerts, the ServerKeyExchange,
 * and SSL 2.0 answers. The first byte picks the reader and how the bytes
 * are cut into reads (a network delivers them in any pieces).
 */
#include <stdint.h>
#include <string.h>

#include "collector/tls/tls_wire.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_reader r;
	struct tls_ske ske;
	struct sslv2_reply v2;
	char err[256];
	uint8_t mode, chunk;

	if (size < 2)
		return 0;
	mode = data[0];
	chunk = data[1] != 0 ? data[1] : 1;
	data += 2;
	size -= 2;
	switch (mode % 4) {
	case 0:
	case 1: {
		size_t off = 0;

		tls_reader_init(&r, mode % 4 == 1);
		while (off < size) {
			size_t n = size - off < chunk ? size - off : chunk;

			if (tls_reader_feed(&r, data + off, n) != TLS_REPLY_MORE)
				break;
			off += n;
		}
		tls_reader_release(&r);
		break;
	}
	case 2:
		memset(&ske, 0, sizeof(ske));
		(void)tls_ske_parse(data, size, chunk & 1, (uint16_t)(0x0301 +
		    (chunk >> 1) % 3), &ske);
		break;
	default:
		memset(&v2, 0, sizeof(v2));
		(void)tls_sslv2_read(data, size, &v2, err, sizeof(err));
		break;
	}
	return 0;
}
