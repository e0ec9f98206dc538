/* Byte-preserving edits of JSON/JSONC text: a scan that records the byte
 * span of every value, and splices that add or remove one member or element
 * in the file's own layout (indentation, newlines, comments all kept). */
#ifndef HOOKS_EDIT_JSON_H
#define HOOKS_EDIT_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "hooks/edit.h"
#include "util/buf.h"
#include "util/err.h"

enum jtype { JT_OBJECT, JT_ARRAY, JT_STRING, JT_NUMBER, JT_LITERAL };

#define JPOS_NONE ((size_t)-1)

struct jnode {
	enum jtype type;
	size_t start, end;	/* the value, brackets included: [start, end) */
	size_t item_start;	/* a member's key quote; an element's start */
	size_t key_end;		/* just past a member's key, else JPOS_NONE */
	size_t comma;		/* the ',' after this item, or JPOS_NONE */
	char *key;		/* decoded member name; NULL for elements and the root */
	struct jnode *kids;
	size_t nkids;
};

struct jdoc {
	const char *text;	/* borrowed; must outlive the doc */
	size_t len;
	struct jnode root;
	const char *nl;		/* the file's line break: "\n" or "\r\n" */
	char unit[17];		/* one level of indentation ("  " when unknown) */
	char colon[8];		/* between a key and its value, e.g. ": " */
};

/*
 * Scan text (JSON or JSONC, as parsers/jsonc.c accepts it) and record spans.
 * Validates with jsonc_parse first, so a bad file fails with its line and
 * column. Returns 0 or -ERR_PARSE/-ERR_LIMIT with e filled. Release with
 * jdoc_release().
 */
int jdoc_parse(struct jdoc *d, const char *text, size_t len, struct err *e);
void jdoc_release(struct jdoc *d);

/* The member named key of obj, or NULL. *dups (may be NULL) receives the
 * number of members with that name (more than 1: duplicate keys). */
const struct jnode *jdoc_member(const struct jnode *obj, const char *key, size_t *index,
				size_t *dups);

/* Queue the splices that remove item i of container c (with its separator). */
void jedit_remove(const struct jdoc *d, const struct jnode *c, size_t i, struct edits *ed);
/* Queue the splices that append value as the last item of c (under key when
 * c is an object), indented like its neighbours. */
void jedit_append(const struct jdoc *d, const struct jnode *c, const char *key,
		  const cJSON *value, struct edits *ed);

/* Append s as a JSON string literal (quotes, escapes as cJSON prints them). */
void json_quote(struct buf *b, const char *s);

/* A path into a document: object keys, or array indexes when key is NULL. */
struct jstep {
	const char *key;
	size_t idx;
};

#define JOP_MAX_DEPTH 6

enum jop_kind {
	JOP_REMOVE,	/* remove member `key` (or element `idx`) of the container at path */
	JOP_APPEND,	/* append value (as member `key` of an object) to the container */
};

struct jop {
	enum jop_kind kind;
	struct jstep path[JOP_MAX_DEPTH];
	size_t depth;
	const char *key;	/* member name, or NULL for an array index */
	size_t idx;
	const cJSON *value;	/* JOP_APPEND; borrowed */
};

/*
 * Apply op to the text in t (replaced by the result). The container on the
 * path must exist and be an object or array; a duplicate key on the path is
 * refused. Returns 0 or -ERR_* with e filled (e->path untouched).
 */
int jop_apply_text(struct buf *t, const struct jop *op, struct err *e);
/* Apply the same op to a parsed tree. 0 or -ERR_INVALID. */
int jop_apply_tree(cJSON *root, const struct jop *op, struct err *e);

#endif
