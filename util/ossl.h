/*
 * ossl.h - OpenSSL's error queue as one line of text.
 */
#ifndef FIPSEV_OSSL_H
#define FIPSEV_OSSL_H

/*
 * The reason of the oldest error OpenSSL queued ("unknown error" when
 * none), the queue then cleared: what a log line says after a failed
 * call.
 */
const char	*ossl_reason(void);

#endif
