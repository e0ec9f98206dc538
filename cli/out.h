/* Console output: program name, colour decisions (TTY, NO_COLOR, --color),
 * status symbols with an ASCII fallback, and checked stdout. */
#ifndef CLI_OUT_H
#define CLI_OUT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "util/err.h"

extern const char *prog_name;	/* "runlayer" or "aiwatch" */

enum out_color { OUT_RESET, OUT_RED, OUT_GREEN, OUT_YELLOW, OUT_BOLD, OUT_DIM };

/* Decide colour use for stdout/stderr from g_opts.color, NO_COLOR and isatty. */
void out_init(void);
/* Escape sequence for c on the given stream, or "" when colour is off. */
const char *out_color(FILE *fp, enum out_color c);
/* "✓", "✗", "⚠" or "[ok]", "[error]", "[warn]" when the locale is not UTF-8. */
const char *out_sym_ok(void);
const char *out_sym_fail(void);
const char *out_sym_warn(void);

/* "runlayer: <formatted>" on stderr. */
void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "runlayer: <what>: path:line:col: msg" on stderr. */
void out_error_err(const struct err *e, const char *what);
void out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Verbose line on stderr (only with --verbose). */
void out_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a JSON document on stdout (2-space indent, exact integers) and
 * free it. */
void out_json(cJSON *root);
/* A new versioned --json document: {"schema": schema}. */
cJSON *out_json_doc(long long schema);

/* Flush stdout and report a write error (EPIPE is not an error). 0 or -1. */
int out_finish(void);

#endif
