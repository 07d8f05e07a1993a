/*
 * plan.h - what one collection gathers, and the one table of its options.
 *
 * Every option of a collection is a row of plan_options[]: its long name
 * (`fipsev collect --NAME`), its key in the configuration of `fipsev run`
 * (SECTION.KEY), its argument and its help. The command line, the
 * configuration and the help text are all read from that table, so an
 * option is added in one place (curl's tool_getparam/tool_parsecfg shape)
 * and the two commands can never disagree.
 *
 * Strings in a plan point into what they were set from (argv, or the
 * parsed configuration), which must outlive it; the plan owns only its
 * TLS targets and the text of numbers from the configuration.
 */
#ifndef FIPSEV_PLAN_H
#define FIPSEV_PLAN_H

#include <stdio.h>

#include "collector/cluster/probe.h"
#include "collector/inventory/harness.h"
#include "collector/tls/tls_scan.h"

struct buf;
struct cJSON;
struct option;

/* Values of a repeatable option; more is a usage error. */
#define PLAN_LIST_MAX		64
/* TLS targets given; more is a usage error. */
#define PLAN_TARGETS_MAX	4096

struct collect_plan {
	int			 node;		/* this node's evidence */
	const char		*root;		/* its host, through this */
	const char		*db;		/* NULL: the default store */
	const char		*redaction_key;	/* NULL: the store's own */
	const char		*snapshot;
	const char		*kubeconfig;
	const char		*context;
	int			 in_cluster;
	const char		*node_reports;
	const char		*release_ns[PLAN_LIST_MAX];
	int			 nrelease_ns;
	struct probe_opts	 probe;
	int			 scan_discovered;
	int			 scan_link_local;
	struct harness_opts	 harness;
	const char		*matrix;	/* NULL: the built-in matrix */
	const char		*excluded[PLAN_LIST_MAX];
	int			 nexcluded;
	const char		*values[PLAN_LIST_MAX];
	int			 nvalues;
	struct tls_scan_opts	 scan;
	const char		*policy;	/* NULL: the built-in policy */
	/* --tls as given: a target's default port waits for --starttls. */
	const char		*tls_args[PLAN_TARGETS_MAX];
	int			 ntls_args;
	char			**targets;	/* owned, by plan_finish() */
	int			 ntargets;
	/* Numbers of the configuration as text (owned): one per key. */
	char			*numbers[32];
	int			 nnumbers;
};

/* The options; PLAN_OPT__MAX sizes the table. */
enum plan_opt {
	PLAN_NODE, PLAN_ROOT, PLAN_SNAPSHOT, PLAN_KUBECONFIG, PLAN_CONTEXT,
	PLAN_IN_CLUSTER, PLAN_RELEASE_NS, PLAN_PROBE_IMAGE, PLAN_PROBE_NS,
	PLAN_PROBE_TIMEOUT, PLAN_PROBE_PARALLEL, PLAN_PROBE_PULL_SECRET,
	PLAN_PROBE_SELINUX, PLAN_NODE_REPORTS, PLAN_HARNESS_URL,
	PLAN_HARNESS_ACCOUNT, PLAN_HARNESS_KEY_FILE, PLAN_HARNESS_CA,
	PLAN_MATRIX, PLAN_VALUES, PLAN_TLS, PLAN_SCAN_DISCOVERED,
	PLAN_SCAN_LINK_LOCAL, PLAN_EXCLUDE_TLS,
	/* the TLS options, shared with `fipsev scan` */
	PLAN_SNI, PLAN_STARTTLS, PLAN_POLICY, PLAN_CA_FILE, PLAN_TIMEOUT,
	PLAN_ENDPOINT_TIMEOUT, PLAN_RATE, PLAN_MAX_CONNS,
	PLAN_REDACTION_KEY, PLAN_DB,
	PLAN_OPT__MAX
};

/* Which commands an option is for. */
#define PLAN_FOR_COLLECT	0x1
#define PLAN_FOR_SCAN		0x2

struct plan_option {
	enum plan_opt	 id;
	const char	*name;		/* --NAME */
	const char	*key;		/* "section.key" or "key"; NULL: none */
	const char	*arg;		/* "DIR" in the help; NULL: a flag */
	unsigned	 used_by;	/* PLAN_FOR_* */
	const char	*help;		/* lines, '\n' between them */
};

extern const struct plan_option plan_options[PLAN_OPT__MAX];

/* getopt_long() returns PLAN_GETOPT_BASE + id for option id. */
#define PLAN_GETOPT_BASE	1000

/* A plan with every default and nothing to collect. */
void	 plan_init(struct collect_plan *p);

/* Free what the plan owns; it is empty after. */
void	 plan_release(struct collect_plan *p);

/*
 * Set option id from its argument (NULL for a flag). Returns 0, or -1
 * with why in err, a phrase naming the option ("--probe-timeout 'x': give
 * 1 to 3600 seconds"), for the caller to put its own prefix before.
 */
int	 plan_set(struct collect_plan *p, enum plan_opt id, const char *value,
	    struct buf *err);

/*
 * After every option: the TLS targets parsed (their default port depends
 * on --starttls), and the options checked against each other. Returns
 * 0, or -1 with why in err.
 */
int	 plan_finish(struct collect_plan *p, struct buf *err);

/*
 * The getopt_long() table of the options of command used_by (PLAN_FOR_*),
 * followed by extra (ending with an all-zero entry), for the caller to
 * free(). NULL after logging when out of memory.
 */
struct option *plan_longopts(unsigned used_by, const struct option *extra);

/* The help lines of the options of command used_by, as --help shows. */
void	 plan_help(FILE *out, unsigned used_by);

/*
 * The keys of configuration cfg (fipsev run) into p: each section and
 * key of the table, as text (a number is formatted), true for a flag, a
 * list for a repeatable option. Keys in own (NULL-terminated, "key" or
 * "section.key") are the caller's and are skipped; any other key is an
 * error. Returns 0, or -1 after logging "config 'CONFIG': ...".
 */
int	 plan_from_config(struct collect_plan *p, const struct cJSON *cfg,
	    const char *config, const char *const *own);

#endif
