/*
 * run_config.h - the configuration of "fipsev run" (YAML, documented in
 * samples/fipsev.yaml), checked whole before anything is done and turned
 * into the equivalent "fipsev collect" arguments, so the two commands
 * never disagree. Kept apart from cmd_run.c so the fuzzer can reach it.
 */
#ifndef FIPSEV_RUN_CONFIG_H
#define FIPSEV_RUN_CONFIG_H

struct cJSON;

/* An argument list for 'fipsev collect', grown as the config is read. */
struct args {
	char	**v;
	int	 n;
	int	 bad;
};

struct run_config {
	const char	*output;	/* these point into the parsed config */
	const char	*key;		/* NULL: a demo key is generated */
	const char	*cert;
	const char	*store;		/* as configured; NULL: the default */
	char		*db;		/* owned: the store's path */
	struct args	 collect;	/* owned: argv for cmd_collect() */
};

/*
 * Check cfg (parsed from the file config) and fill *rc. Returns 0, or -1
 * after logging the first key at fault (an unknown key is named with its
 * section); *rc then holds nothing to release.
 */
int	 run_config_check(const struct cJSON *cfg, const char *config,
	    struct run_config *rc);
void	 run_config_release(struct run_config *rc);

#endif
