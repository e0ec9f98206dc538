/* One in-memory tree (cJSON) for every config format: JSON/JSONC, TOML and
 * YAML parse into it, so extraction code never looks at the format. */
#ifndef PARSERS_TREE_H
#define PARSERS_TREE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/err.h"

enum tree_format {
	TREE_FMT_UNKNOWN = 0,
	TREE_FMT_JSON,		/* parsed as JSONC: strict JSON is a subset */
	TREE_FMT_JSONC,
	TREE_FMT_TOML,
	TREE_FMT_YAML,
};

/*
 * Extra type flags kept in the high bits of cJSON's `type` (cJSON only looks
 * at the low byte for the value type, and at cJSON_IsReference (256) and
 * cJSON_StringIsConst (512) for ownership), so cJSON functions keep working.
 *
 * TREE_INTEGER marks a number that was written as an integer; its exact
 * decimal text (which may not fit a double) is in valuestring.
 * The datetime flags mark a cJSON string holding a TOML date/time in its
 * canonical text (RFC 3339 with 'T', as written otherwise).
 */
#define TREE_INTEGER		(1 << 12)
#define TREE_DATETIME		(1 << 13)	/* offset date-time */
#define TREE_DATETIME_LOCAL	(1 << 14)
#define TREE_DATE_LOCAL		(1 << 15)
#define TREE_TIME_LOCAL		(1 << 16)
#define TREE_FLAGS_MASK		(TREE_INTEGER | TREE_DATETIME | TREE_DATETIME_LOCAL | \
				 TREE_DATE_LOCAL | TREE_TIME_LOCAL)

/* U+0000 inside a string or key: C strings cannot hold it, so parsers store
 * it as these two bytes (an overlong, hence never valid, UTF-8 sequence) and
 * tree_print() prints it as \u0000. */
#define TREE_NUL_UTF8 "\xc0\x80"

/* Bounds applied by every parser; exceeding one is an ERR_LIMIT error. */
struct tree_limits {
	size_t max_bytes;	/* input size */
	unsigned max_depth;	/* nesting of arrays/objects/tables */
	size_t max_nodes;	/* values created, aliases expanded included */
};

#define TREE_MAX_BYTES_DEFAULT	(16u * 1024 * 1024)
#define TREE_MAX_DEPTH_DEFAULT	256u
#define TREE_MAX_NODES_DEFAULT	(1u * 1024 * 1024)

/* Default limits (16 MiB, depth 256, 1 Mi nodes). */
extern const struct tree_limits tree_limits_default;

/* Guess a format from a file name (".toml", ".yaml"/".yml", ".jsonc",
 * ".json", anything else JSON). */
enum tree_format tree_format_from_name(const char *path);
/* Parse "json", "jsonc", "toml", "yaml"/"yml"; TREE_FMT_UNKNOWN otherwise. */
enum tree_format tree_format_from_string(const char *name);
const char *tree_format_name(enum tree_format fmt);

/*
 * Parse text (len bytes; need not be NUL-terminated) in the given format.
 * On success stores a new tree in *out (caller frees with cJSON_Delete) and
 * returns 0. On failure returns -ERR_PARSE or -ERR_LIMIT and fills e with a
 * message and the 1-based line and column (the caller sets e->path).
 * lim may be NULL for the defaults.
 */
int tree_parse(const char *text, size_t len, enum tree_format fmt,
	       const struct tree_limits *lim, cJSON **out, struct err *e);

/* The per-format entry points behind tree_parse (same contract). */
int jsonc_parse(const char *text, size_t len, const struct tree_limits *lim,
		cJSON **out, struct err *e);
int toml_parse(const char *text, size_t len, const struct tree_limits *lim,
	       cJSON **out, struct err *e);
int yaml_parse(const char *text, size_t len, const struct tree_limits *lim,
	       cJSON **out, struct err *e);

/* Read path safely (util/file.h rules, limit lim->max_bytes) and parse it;
 * fmt TREE_FMT_UNKNOWN guesses from the name. A symlink is followed (users
 * keep configs in dotfile repositories) but the target must be a regular
 * file: FIFOs and devices are refused without blocking. e->path is set on
 * error. */
int tree_parse_file(const char *path, enum tree_format fmt, const struct tree_limits *lim,
		    cJSON **out, struct err *e);

/* Tree helpers that honour the flags above. */
cJSON *tree_new_integer(long long v);
cJSON *tree_new_integer_text(const char *decimal);	/* exact text, e.g. big ints */
int tree_is_integer(const cJSON *item);

/*
 * Print a tree as JSON text into a newly allocated string (2-space indent
 * when pretty). Integers print exactly, inf/nan print as strings, dates as
 * strings. tagged selects toml-test's tagged encoding for scalars.
 */
char *tree_print(const cJSON *tree, int pretty, int tagged);

#endif
