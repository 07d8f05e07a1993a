/*
 * text.h - plain-text renderings for people at a terminal.
 *
 * Each renders from the same data the machines read (the node JSON
 * document, a store row), so what a person sees never differs from the
 * evidence. Strings from the host are printed with control bytes shown as
 * '?', so a hostile value cannot move the cursor or forge lines.
 */
#ifndef FIPSEV_REPORT_TEXT_H
#define FIPSEV_REPORT_TEXT_H

#include <stdio.h>

struct cJSON;
struct store_run_info;

/* A short aligned summary of one node document. Returns 0 or -1. */
int	 text_node(FILE *out, const struct cJSON *doc);

/*
 * A TLS scan document (fipsev-tls/1): per endpoint the verdict, then
 * protocols, suites, groups and signature algorithms, each marked, the
 * certificate, and the findings. Returns 0 or -1.
 */
int	 text_tls(FILE *out, const struct cJSON *doc);

/*
 * A cluster document (fipsev-cluster/1): the verdict, nodes and their
 * evidence, the Harness release and its history verdict, delegates, TLS
 * targets found, and the findings. Returns 0 or -1.
 */
int	 text_cluster(FILE *out, const struct cJSON *doc);

/*
 * A module inventory (fipsev-inventory/1) as a table: module, component,
 * supported, where seen; then the findings. Returns 0 or -1.
 */
int	 text_inventory(FILE *out, const struct cJSON *doc);

/* The Harness API document (fipsev-harness/1), in brief. */
int	 text_harness(FILE *out, const struct cJSON *doc);

/* The header line of the runs table, then one line per run. */
void	 text_runs_header(FILE *out);
void	 text_run_line(FILE *out, const struct store_run_info *ri);

/* A run's metadata, as a block of aligned lines. */
void	 text_run_summary(FILE *out, const struct store_run_info *ri);

#endif
