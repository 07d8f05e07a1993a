/*
 * fuzz_node_files.c - the files a node collector reads from a host:
 * /proc/sys/crypto/fips_enabled, os-release, /proc/cmdline, bootconfig,
 * the crypto-policies state. The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>

#include "collector/node/node_parse.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	struct os_release osr;
	struct cmdline cl;
	char *s = NULL;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 5) {
	case 0:
		(void)parse_fips_flag(text, size);
		break;
	case 1:
		if (osrelease_parse(text, size, &osr) == 0) {
			(void)os_family_of(&osr);
			(void)os_is_fips_variant(&osr, "5.15.0-1051-aws-fips");
			osrelease_release(&osr);
		}
		break;
	case 2:
		if (cmdline_parse(text, size, &cl) == 0)
			cmdline_release(&cl);
		break;
	case 3:
		if (bootconfig_get(text, size, "kernel.fips", &s) == 0)
			free(s);
		break;
	default:
		if (crypto_policy_parse(text, size, &s) == 0)
			free(s);
		break;
	}
	return 0;
}
