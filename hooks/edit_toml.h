/* Statement-level view of a TOML document for byte-preserving edits: each
 * header and key/value with its byte span and decoded key path, so tables
 * can be removed, renamed or appended without touching other bytes. */
#ifndef HOOKS_EDIT_TOML_H
#define HOOKS_EDIT_TOML_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

enum tstmt_kind {
	TS_OTHER,	/* blank or comment-only line */
	TS_TABLE,	/* [a.b] */
	TS_AOT,		/* [[a.b]] */
	TS_KEYVAL,	/* a.b = value */
};

struct tstmt {
	enum tstmt_kind kind;
	size_t start;		/* first byte of its first line */
	size_t end;		/* just past the line break ending its last line */
	size_t key_start, key_end;	/* the key (headers: inside the brackets) */
	size_t val_start, val_end;	/* TS_KEYVAL: the value */
	char **path;		/* full decoded path: table path + key for TS_KEYVAL */
	size_t npath;
	size_t nkey;		/* TS_KEYVAL: how many trailing parts the key itself has */
	int blank;		/* TS_OTHER: whitespace only */
};

struct tdoc {
	const char *text;	/* borrowed */
	size_t len;
	struct tstmt *v;
	size_t n;
	const char *nl;		/* the file's line break */
};

/*
 * Scan text (already validated by toml_parse) into statements. Returns 0,
 * or -ERR_PARSE when the scanner cannot follow the text (e names the line).
 */
int tdoc_scan(struct tdoc *d, const char *text, size_t len, struct err *e);
void tdoc_release(struct tdoc *d);

/* Whether statement s's path starts with the n parts of prefix. */
int tstmt_has_prefix(const struct tstmt *s, const char *const *prefix, size_t n);

/*
 * The table (or array-of-tables element) starting at header index h: the
 * index just past its last statement that belongs to it (its key/values and,
 * when sub is set, sub-tables whose path extends the header's). Trailing
 * blank and comment lines are left to whatever follows.
 */
size_t tdoc_table_end(const struct tdoc *d, size_t h, int sub);

/* Append s as a TOML basic string (quotes and escapes). */
void toml_quote(struct buf *b, const char *s);
/* Append a key part: bare when it can be, else quoted. */
void toml_key(struct buf *b, const char *part);

#endif
