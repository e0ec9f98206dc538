/* JSONC: JSON plus comments, trailing commas and a BOM, parsed by cJSON after
 * a pass that blanks comments in place so error offsets stay true. */
#include "parsers/tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct num_tok {
	size_t off, len;
	int is_int;
};

struct prepass {
	char *out;		/* copy of the input with comments and trailing commas blanked */
	struct num_tok *nums;
	size_t nnums, numcap;
};

static int
fail_at(struct err *e, int code, const char *text, size_t len, size_t off, size_t shift,
	const char *msg)
{
	unsigned long line, col;

	err_pos_of(text, len, off, &line, &col);
	/* The BOM is not a column anyone can see. */
	if (line == 1 && shift && col > shift)
		col -= shift;
	err_set(e, code, "%s", msg);
	err_set_pos(e, line, col);
	return -code;
}

static size_t
skip_space_back(const char *out, size_t i)
{
	while (i > 0 && (out[i - 1] == ' ' || out[i - 1] == '\t' || out[i - 1] == '\n' ||
			 out[i - 1] == '\r'))
		i--;
	return i;
}

/* Blank a trailing comma before a closing bracket at position i, but only
 * one that follows a value: "[,]" and "[1,,]" stay errors. */
static void
drop_trailing_comma(char *out, size_t i)
{
	size_t j;

	i = skip_space_back(out, i);
	if (i == 0 || out[i - 1] != ',')
		return;
	j = skip_space_back(out, i - 1);
	if (j == 0 || out[j - 1] == '[' || out[j - 1] == '{' || out[j - 1] == ',')
		return;
	out[i - 1] = ' ';
}

static int
prepass(struct prepass *p, const char *text, size_t len, size_t start,
	const struct tree_limits *lim, struct err *e)
{
	size_t i, nodes = 1;
	unsigned depth = 0;
	char *out = p->out;

	for (i = start; i < len; i++) {
		char c = text[i];

		if (c == '\0')
			return fail_at(e, ERR_PARSE, text, len, i, start, "NUL byte in JSON text");
		if (c == '"') {
			/* Copy the string verbatim; cJSON validates its contents. */
			size_t j = i + 1;

			while (j < len && text[j] != '"' && text[j] != '\0') {
				/* cJSON would cut the string at a \u0000, so "k\u0000"
				 * would read as "k" where a client sees another key. */
				if (text[j] == '\\' && j + 6 <= len &&
				    memcmp(text + j + 1, "u0000", 5) == 0)
					return fail_at(e, ERR_PARSE, text, len, j, start,
						       "\\u0000 in a string is not supported");
				if (text[j] == '\\' && j + 1 < len && text[j + 1] != '\0')
					j++;
				j++;
			}
			if (j < len && text[j] == '\0')
				return fail_at(e, ERR_PARSE, text, len, j, start,
					       "NUL byte in JSON text");
			if (j >= len)
				return fail_at(e, ERR_PARSE, text, len, i, start,
					       "unterminated string");
			i = j;
			continue;
		}
		if (c == '/' && i + 1 < len && text[i + 1] == '/') {
			while (i < len && text[i] != '\n' && text[i] != '\r')
				out[i++] = ' ';
			i--;
			continue;
		}
		if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			size_t s = i;

			out[i++] = ' ';
			out[i++] = ' ';
			while (i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/')) {
				if (text[i] != '\n' && text[i] != '\r')
					out[i] = ' ';
				i++;
			}
			if (i >= len)
				return fail_at(e, ERR_PARSE, text, len, s, start,
					       "unterminated /* comment");
			out[i++] = ' ';
			out[i] = ' ';
			continue;
		}
		if (c == '{' || c == '[') {
			if (++depth > lim->max_depth) {
				char msg[128];

				snprintf(msg, sizeof(msg), "nesting too deep (limit %u)", lim->max_depth);
				return fail_at(e, ERR_LIMIT, text, len, i, start, msg);
			}
			nodes++;
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
			drop_trailing_comma(out, i);
		} else if (c == ',') {
			nodes++;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t j = i;
			int is_int = 1;

			while (j < len && (strchr("0123456789+-.eE", text[j]) != NULL && text[j])) {
				if (text[j] == '.' || text[j] == 'e' || text[j] == 'E')
					is_int = 0;
				j++;
			}
			if (p->nnums == p->numcap) {
				p->numcap = p->numcap ? p->numcap * 2 : 64;
				p->nums = xreallocarray(p->nums, p->numcap, sizeof(*p->nums));
			}
			p->nums[p->nnums].off = i;
			p->nums[p->nnums].len = j - i;
			p->nums[p->nnums].is_int = is_int;
			p->nnums++;
			i = j - 1;
		}
		if (lim->max_nodes && nodes > lim->max_nodes) {
			char msg[128];

			snprintf(msg, sizeof(msg), "too many values (limit %zu)", lim->max_nodes);
			return fail_at(e, ERR_LIMIT, text, len, i, start, msg);
		}
	}
	return 0;
}

/* Mark numbers written as integers (in document order, as cJSON built them). */
static void
mark_integers(cJSON *item, const char *text, const struct prepass *p, size_t *next)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item)) {
			if (*next < p->nnums) {
				const struct num_tok *t = &p->nums[(*next)++];

				if (t->is_int) {
					item->type |= TREE_INTEGER;
					item->valuestring = xstrndup(text + t->off, t->len);
				}
			}
		} else if (item->child) {
			mark_integers(item->child, text, p, next);
		}
	}
}

struct member {
	cJSON *item;
	size_t pos;
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->item->string, y->item->string);

	if (c)
		return c;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Duplicate keys: JSON.parse (every JS client) keeps the last value, cJSON
 * lookups would find the first. Keep only the last, at the place of the
 * first (as JSON.parse does), so we read the file as the client does.
 */
static void
dedupe(cJSON *obj)
{
	struct member *v;
	cJSON *c, **keep;
	size_t n = 0, i, j, k;

	for (c = obj->child; c; c = c->next) {
		n++;
		if (c->child)
			dedupe(c);
	}
	if (!cJSON_IsObject(obj) || n < 2)
		return;
	v = xcalloc(n, sizeof(*v));
	keep = xcalloc(n, sizeof(*keep));
	i = 0;
	for (c = obj->child; c; c = c->next) {
		v[i].item = keep[i] = c;
		v[i].pos = i;
		i++;
	}
	/* Sort by key, then by position; each run of equal keys keeps its last
	 * value at its first position. */
	qsort(v, n, sizeof(*v), cmp_member);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[j].item->string, v[i].item->string) == 0; j++)
			;
		if (j == i + 1)
			continue;
		for (k = i; k + 1 < j; k++) {
			v[k].item->next = v[k].item->prev = NULL;
			cJSON_Delete(v[k].item);
			keep[v[k].pos] = NULL;
		}
		keep[v[i].pos] = v[j - 1].item;
		keep[v[j - 1].pos] = NULL;
	}
	/* Relink the survivors; cJSON keeps the tail in child->prev. */
	for (i = 0, k = 0; i < n; i++)
		if (keep[i] != NULL)
			keep[k++] = keep[i];
	for (i = 0; i < k; i++) {
		keep[i]->next = i + 1 < k ? keep[i + 1] : NULL;
		keep[i]->prev = i ? keep[i - 1] : keep[k - 1];
	}
	obj->child = keep[0];
	free(keep);
	free(v);
}

/*
 * cJSON reports a key that does not start with '"' one byte past its first
 * character ({a: 1} fails at ':'); point at the key itself instead.
 */
static int
in_object(const char *out, size_t off)
{
	char *stack = NULL;
	size_t i, n = 0, cap = 0;
	int r;

	for (i = 0; i < off; i++) {
		if (out[i] == '"') {
			for (i++; i < off && out[i] != '"'; i++)
				if (out[i] == '\\')
					i++;
		} else if (out[i] == '{' || out[i] == '[') {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				stack = xrealloc(stack, cap);
			}
			stack[n++] = out[i];
		} else if ((out[i] == '}' || out[i] == ']') && n > 0) {
			n--;
		}
	}
	r = n > 0 && stack[n - 1] == '{';
	free(stack);
	return r;
}

static size_t
key_error_offset(const char *out, size_t off)
{
	size_t j;
	char c;

	if (off < 2)
		return off;
	c = out[off - 1];
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '{' ||
	    c == '[' || c == ',' || c == ':')
		return off;
	j = skip_space_back(out, off - 1);
	if (j > 0 && (out[j - 1] == '{' || out[j - 1] == ',') && in_object(out, j))
		return off - 1;
	return off;
}

int
jsonc_parse(const char *text, size_t len, const struct tree_limits *lim, cJSON **out,
	    struct err *e)
{
	struct prepass p = { NULL, NULL, 0, 0 };
	const char *end = NULL;
	size_t start = 0, next = 0, i;
	cJSON *tree;
	int ret = 0;

	if (lim == NULL)
		lim = &tree_limits_default;
	*out = NULL;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	p.out = xmalloc(len + 1);
	memcpy(p.out, text, len);
	p.out[len] = '\0';
	for (i = 0; i < start; i++)
		p.out[i] = ' ';
	ret = prepass(&p, text, len, start, lim, e);
	if (ret < 0)
		goto out;
	for (i = start; i < len; i++)
		if (p.out[i] != ' ' && p.out[i] != '\t' && p.out[i] != '\n' && p.out[i] != '\r')
			break;
	if (i == len) {
		ret = fail_at(e, ERR_PARSE, text, len, len, start, "empty document");
		goto out;
	}
	tree = cJSON_ParseWithLengthOpts(p.out, len + 1, &end, 1);
	if (tree == NULL) {
		size_t off = end ? (size_t)(end - p.out) : 0;
		unsigned char c = off < len ? (unsigned char)p.out[off] : 0;
		char what[64];

		/* Name what cJSON stopped at: a missing comma shows as the next
		 * key's quote, a typo as its letter. */
		off = key_error_offset(p.out, off);
		c = off < len ? (unsigned char)p.out[off] : 0;
		if (off >= len)
			snprintf(what, sizeof(what), "unexpected end of input");
		else if (c > 0x20 && c < 0x7f)
			snprintf(what, sizeof(what), "invalid JSON: unexpected '%c'", c);
		else
			snprintf(what, sizeof(what), "invalid JSON: unexpected byte 0x%02x", c);
		ret = fail_at(e, ERR_PARSE, text, len, off, start, what);
		goto out;
	}
	mark_integers(tree, text, &p, &next);
	dedupe(tree);
	*out = tree;
out:
	free(p.out);
	free(p.nums);
	return ret;
}
