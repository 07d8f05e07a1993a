/*
 * tls_cert.h - certificate and session evidence from one OpenSSL handshake.
 *
 * The raw probes of tls_scan never finish a handshake, so the certificate
 * chain, the verification result, OCSP stapling and what a default client
 * ends up with come from one real handshake made by OpenSSL. Verification
 * is recorded, never enforced: scanning internal endpoints with private
 * CAs is normal, and the auditor needs to see the result, not a refusal.
 */
#ifndef FIPSEV_TLS_CERT_H
#define FIPSEV_TLS_CERT_H

#include <openssl/ssl.h>

#include "collector/tls/fips_policy.h"

struct cJSON;

/*
 * The client context for evidence handshakes: every protocol version and
 * cipher OpenSSL has (security level 0, so that weak servers still show
 * their certificate), peer verification recorded but not enforced, trust
 * from ca_file or, when NULL, the system store. NULL after logging.
 */
SSL_CTX	*tls_cert_ctx(const char *ca_file);

/*
 * Prepare ssl for an evidence handshake to host: SNI (for names, not
 * addresses), checking the certificate against the SNI name (else host,
 * a name or an address), and an OCSP status request. *asked, if asked is
 * not NULL, is set to 1 when the server requests a client certificate
 * (none is sent); it must outlive ssl's handshake.
 */
int	 tls_cert_prepare(SSL *ssl, const char *sni, const char *host,
	    int *asked);

/*
 * One certificate as the chain entries below describe it (depth 0 is the
 * server's own), classified under p; reasons it is not acceptable go to
 * findings and clear *ok. Exposed for the fuzzer: certificates are
 * whatever the server sends. NULL when out of memory (logged).
 */
struct cJSON *tls_cert_describe(X509 *x, int depth,
	    const struct fips_policy *p, struct cJSON *findings, int *ok);

/*
 * After a handshake that got as far as the server's certificate: an object
 * with "negotiated", "verification", "ocsp_stapling",
 * "client_certificate_requested" (asked), "handshake_error" (failed, or
 * null when the handshake completed: a server that requires a client
 * certificate ends it after sending its own chain), "chain" (one entry per
 * certificate the server sent, each classified under the policy) and
 * "compliant". Reasons a certificate is not acceptable are appended to
 * findings as strings. NULL when out of memory (logged).
 */
struct cJSON *tls_cert_evidence(SSL *ssl, const struct fips_policy *p,
	    int asked, const char *failed, struct cJSON *findings);

/*
 * The TLS name of the signature scheme the server used in this handshake
 * ("rsa_pss_rsae_sha256", ...), or NULL when OpenSSL does not say.
 */
const char *tls_cert_peer_sigalg(SSL *ssl);

#endif
