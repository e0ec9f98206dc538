/* Line-level edits of a YAML block mapping of lists (Hermes' `hooks:`):
 * find a top-level key's block, its child keys and their list items by
 * indentation, and splice whole lines, keeping comments and layout. */
#ifndef HOOKS_EDIT_YAML_H
#define HOOKS_EDIT_YAML_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "hooks/edit.h"
#include "util/buf.h"
#include "util/err.h"

/* A block-style list item under a child key: lines [start, end). */
struct yitem {
	size_t start, end;
};

/* A child key of the block ("pre_tool_call:") and its list. */
struct ychild {
	char *key;
	size_t line;		/* offset of its line */
	size_t end;		/* just past its last content line (items included) */
	size_t value_start;	/* text after "key:" on its line (to the comment/EOL) */
	size_t value_end;
	int item_indent;	/* column of the items' '-', or -1 when none */
	int dash_gap;		/* columns from '-' to the item's first key */
	struct yitem *items;
	size_t nitems;
};

/* The top-level key's block. */
struct yblock {
	int found;
	size_t line;		/* offset of "key:" */
	size_t end;		/* just past its last content line */
	size_t value_start, value_end;	/* text after "key:" on its line */
	int child_indent;	/* column of the child keys, or -1 */
	struct ychild *kids;
	size_t nkids;
	int unit;		/* the file's indentation step (2 when unknown) */
	const char *nl;
};

/*
 * Find top-level key `key` in text and describe its block. Returns 0 (with
 * b->found = 0 when absent), or -ERR_INVALID when the block is not plain
 * block style this editor can follow (e is filled).
 */
int yblock_scan(const char *text, size_t len, const char *key, struct yblock *b,
		struct err *e);
void yblock_release(struct yblock *b);

/* Append a YAML scalar for v (strings double-quoted). */
void yaml_scalar(struct buf *b, const cJSON *v);
/* Append a list item holding the flat mapping m at column indent. */
void yaml_item(struct buf *b, const cJSON *m, int indent, int dash_gap, const char *nl);

#endif
