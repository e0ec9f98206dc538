/* Table-driven option parsing: one table per command drives both parsing
 * and --help (git parse-options, libgit2 cli/opt). Exact names only. */
#ifndef CLI_OPT_H
#define CLI_OPT_H

#include <stdio.h>

enum opt_type {
	OPT_END = 0,
	OPT_FLAG,	/* int *: set to 1 (or `ival`) */
	OPT_STRING,	/* const char **: the argument */
	OPT_LIST,	/* struct opt_list *: repeatable string */
	OPT_INT,	/* long *: decimal, range-checked (clamped when OPT_CLAMP) */
	OPT_CHOICE,	/* const char **: one of `choices` (NULL-terminated, '|'-separated) */
	OPT_GROUP,	/* heading line in --help */
};

enum opt_flags {
	OPT_CLAMP = 1,		/* pull out-of-range numbers to the nearest bound */
	OPT_HIDDEN = 2,		/* parsed but not listed in --help */
};

struct opt_list {
	const char **items;
	int n;
};

struct opt {
	enum opt_type type;
	char short_name;	/* 0 for none */
	const char *long_name;	/* without the dashes; NULL for none */
	void *value;
	const char *arg;	/* metavariable in --help, e.g. "DIR" */
	const char *help;
	long min, max;		/* OPT_INT bounds */
	const char *choices;	/* OPT_CHOICE: "a|b|c" */
	int ival;		/* OPT_FLAG: value stored (0 means 1) */
	unsigned flags;
};

/* Usage description for a command. */
struct cmd_help {
	const char *name;	/* "scan", "debug parse" */
	const char *synopsis;	/* after the name: "[options] FILE" */
	const char *summary;	/* one line */
	const char *description;	/* paragraph(s), may be NULL */
};

/* Options every command accepts. Filled by opt_parse. */
struct global_opts {
	int verbose;
	int quiet;
	int json;
	int help;
	const char *color;	/* auto|always|never */
};

extern struct global_opts g_opts;

#define OPT_COMMON_JSON \
	{ OPT_FLAG, 0, "json", &g_opts.json, NULL, "print machine-readable JSON", 0, 0, NULL, 0, 0 }
#define OPT_COMMON \
	{ OPT_FLAG, 'v', "verbose", &g_opts.verbose, NULL, "say more", 0, 0, NULL, 0, 0 }, \
	{ OPT_FLAG, 'q', "quiet", &g_opts.quiet, NULL, "print errors only", 0, 0, NULL, 0, 0 }, \
	{ OPT_CHOICE, 0, "color", &g_opts.color, "WHEN", "colour output: auto, always or never", 0, 0, "auto|always|never", 0, 0 }, \
	{ OPT_FLAG, 'h', "help", &g_opts.help, NULL, "show this help", 0, 0, NULL, 0, 0 }

/*
 * Parse argv[1..argc-1] against opts. Non-option arguments are gathered (in
 * order) into *args and *nargs (pointers into argv; the array is allocated and
 * the caller frees it). "--" ends options. On a usage error prints
 * "runlayer: <reason>" and "See 'runlayer <cmd> --help'." to stderr and
 * returns -1. Returns 0 otherwise.
 */
int opt_parse(const struct opt *opts, const struct cmd_help *help, int argc, char **argv,
	      char ***args, int *nargs);

/* Print the usage text generated from the table (to stdout for --help). */
void opt_usage(FILE *fp, const struct cmd_help *help, const struct opt *opts);

/* Print "runlayer: <msg>" + the help hint to stderr; returns EXIT_USAGE. */
int opt_usage_error(const struct cmd_help *help, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
