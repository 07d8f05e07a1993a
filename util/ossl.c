/*
 * ossl.c - see ossl.h.
 */
#include <openssl/err.h>

#include "util/ossl.h"
#include "util/banned.h"

const char *
ossl_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r;

	ERR_clear_error();
	r = e != 0 ? ERR_reason_error_string(e) : NULL;
	return r != NULL ? r : "unknown error";
}
