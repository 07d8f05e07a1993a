/*
 * signer.h - a process that holds the signing key alone (acme-client's
 * keyproc shape).
 *
 * fipsev run talks to cluster APIs, TLS peers and a Harness server for
 * minutes: if anything there went wrong enough to run code in it, the key
 * must not be in that process. So the key is opened, checked and kept in
 * a child forked before any collecting starts; the child makes itself
 * undumpable (so the parent, running as the same user, cannot ptrace it
 * or read its memory), closes every other descriptor, and from then on
 * only reads the bytes to sign from a socket and writes back the
 * signature. The parent never opens the key file.
 */
#ifndef FIPSEV_SIGNER_H
#define FIPSEV_SIGNER_H

#include <stddef.h>

struct signer;

/*
 * Start the signer for key and cert: it loads and checks them as
 * sign_key_load() does (any failure is its one logged line) and says so
 * before this returns. warning as sign_key_load()'s. Returns 0 with *sp,
 * or -1 (logged; no process left).
 */
int	 signer_start(const char *key, const char *cert, struct signer **sp,
	    char *warning, size_t warnlen);

/*
 * Have the signer sign the n bytes of content: a detached CMS signature
 * in PEM, in *pem (*len bytes; the caller frees). Returns 0, or -1 after
 * logging.
 */
int	 signer_sign(struct signer *s, const void *content, size_t n,
	    char **pem, size_t *len);

/* Stop the signer (it exits when its socket closes) and free s. */
void	 signer_stop(struct signer *s);

#endif
