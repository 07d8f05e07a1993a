/*
 * node.h - the node collector: one node's FIPS evidence as a JSON document.
 *
 * The document is a contract that later collectors, the store and users'
 * scripts read (README, "Node evidence"). Its shape:
 *
 *   { "format": "fipsev-node/1",
 *     "node": { "hostname", "root", "compliant", "reasons"[],
 *               "fips_enabled" (true/false/null), "fips_name", ...,
 *               "kernel_cmdline_fips", "os"{...}, "kernel_release",
 *               "markers"{...}, "openssl"{...}, "notes"[], "sources"[] } }
 *
 * It holds no clock time, so the same host state gives the same bytes and
 * the same SHA-256 (the run records when it was collected).
 */
#ifndef FIPSEV_NODE_H
#define FIPSEV_NODE_H

#include "evidence/node.h"	/* NODE_FORMAT */

struct cJSON;


/*
 * Collect the evidence of the node whose filesystem is at root ("/" for
 * this machine, "/host" for a pod with the host mounted there). Missing or
 * odd files are evidence (null values and notes), not errors. Returns a new
 * document the caller frees with cJSON_Delete(), or NULL after logging when
 * root cannot be opened or memory runs out.
 */
struct cJSON	*node_collect(const char *root);

#endif
