/*
 * signer.c - see signer.h.
 *
 * The protocol on the socket, each integer 4 bytes in host order (both
 * ends are this binary):
 *   child -> parent, once:  status (0 ready, 1 failed), warning length,
 *                           warning bytes
 *   parent -> child:        length, the bytes to sign
 *   child -> parent:        status (0 signed, 1 failed), length, the PEM
 * The child exits when the parent closes its end.
 */
#define _GNU_SOURCE	/* close_range() */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle/bundle_int.h"
#include "bundle/sign.h"
#include "bundle/signer.h"
#include "util/log.h"
#include "util/banned.h"

struct signer {
	pid_t	 pid;
	int	 fd;
};

/*
 * Write or read all n bytes; 0, or -1 (errno set; 0 at end of file).
 * MSG_NOSIGNAL: the other end gone is an error to report, not a SIGPIPE
 * that would kill the run without a word.
 */
static int
put_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t done;

	while (n > 0) {
		if ((done = send(fd, c, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += done;
		n -= (size_t)done;
	}
	return 0;
}

static int
get_all(int fd, void *p, size_t n)
{
	char *c = p;
	ssize_t done;

	while (n > 0) {
		if ((done = read(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (done == 0) {
			errno = 0;
			return -1;
		}
		c += done;
		n -= (size_t)done;
	}
	return 0;
}

/* A status, then length-prefixed bytes. */
static int
put_msg(int fd, uint32_t status, const void *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	return put_all(fd, &status, sizeof(status)) == -1 ||
	    put_all(fd, &len, sizeof(len)) == -1 ||
	    put_all(fd, p, n) == -1 ? -1 : 0;
}

/* Length-prefixed bytes, at most max, into *p (the caller frees). */
static int
get_bytes(int fd, size_t max, char **p, size_t *n)
{
	uint32_t len;

	*p = NULL;
	if (get_all(fd, &len, sizeof(len)) == -1 || len > max ||
	    (*p = malloc(len + 1)) == NULL || get_all(fd, *p, len) == -1) {
		free(*p);
		*p = NULL;
		return -1;
	}
	(*p)[len] = '\0';
	*n = len;
	return 0;
}

/*
 * The child: load the key, say whether it could, then sign what comes
 * until the parent goes away. Never returns.
 */
static void __attribute__((noreturn))
child(int fd, const char *key, const char *cert)
{
	struct sign_key *k = NULL;
	char warning[1024], *content, *pem;
	size_t n, len;
	uint32_t status;

	/* Nobody of this user may attach to it, nor read its memory. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* Only the standard descriptors (stderr for its log lines) and the
	 * socket stay open. */
	if (fd != 3) {
		if (dup2(fd, 3) == -1)
			_exit(1);
		close(fd);
		fd = 3;
	}
	(void)close_range(4, ~0U, 0);
	if (sign_key_load(key, cert, time(NULL), &k, warning,
	    sizeof(warning)) == -1) {
		(void)put_msg(fd, 1, "", 0);
		_exit(1);
	}
	if (put_msg(fd, 0, warning, strlen(warning)) == -1)
		_exit(1);
	while (get_bytes(fd, MANIFEST_MAX, &content, &n) == 0) {
		status = sign_key_sign(k, content, n, &pem, &len) == 0 ? 0 : 1;
		free(content);
		if (put_msg(fd, status, status == 0 ? pem : "", status == 0 ?
		    len : 0) == -1)
			break;
		free(pem);
	}
	sign_key_free(k);
	_exit(0);
}

int
signer_start(const char *key, const char *cert, struct signer **sp,
    char *warning, size_t warnlen)
{
	struct signer *s;
	uint32_t status = 2;	/* neither: the child died first */
	char *w = NULL;
	size_t wlen;
	int sv[2];

	*sp = NULL;
	warning[0] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_errno("cannot start the signer");
		free(s);
		return -1;
	}
	/* Whatever is buffered is written once, by the parent. */
	fflush(NULL);
	if ((s->pid = fork()) == -1) {
		log_errno("cannot start the signer");
		close(sv[0]);
		close(sv[1]);
		free(s);
		return -1;
	}
	if (s->pid == 0) {
		close(sv[0]);
		child(sv[1], key, cert);
	}
	close(sv[1]);
	s->fd = sv[0];
	/* A parent that dies leaves a socket at EOF: the child exits. */
	if (get_all(s->fd, &status, sizeof(status)) == -1 ||
	    get_bytes(s->fd, 4096, &w, &wlen) == -1 || status != 0) {
		/* The child logged why, unless it died. */
		if (status != 1)
			log_err("the signer stopped before loading the key");
		free(w);
		signer_stop(s);
		return -1;
	}
	snprintf(warning, warnlen, "%s", w);
	free(w);
	*sp = s;
	return 0;
}

int
signer_sign(struct signer *s, const void *content, size_t n, char **pem,
    size_t *len)
{
	uint32_t status, ulen = (uint32_t)n;

	*pem = NULL;
	if (n > MANIFEST_MAX) {
		log_err("the manifest is too large to sign");
		return -1;
	}
	if (put_all(s->fd, &ulen, sizeof(ulen)) == -1 ||
	    put_all(s->fd, content, n) == -1 ||
	    get_all(s->fd, &status, sizeof(status)) == -1 ||
	    get_bytes(s->fd, MANIFEST_MAX, pem, len) == -1) {
		log_err("the signer is gone: no signature");
		return -1;
	}
	if (status != 0) {
		/* The signer logged why. */
		free(*pem);
		*pem = NULL;
		return -1;
	}
	return 0;
}

void
signer_stop(struct signer *s)
{
	int st;

	if (s == NULL)
		return;
	close(s->fd);
	while (waitpid(s->pid, &st, 0) == -1 && errno == EINTR)
		;
	free(s);
}
