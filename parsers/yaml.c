/* YAML: libyaml's event stream built into the shared cJSON tree, with YAML 1.2
 * core-schema scalars, bounded alias expansion, merge keys and last-wins keys. */
#include "parsers/tree.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/xalloc.h"
#include "util/banned.h"

/*
 * What this parser does with the corners of YAML (see also tree.h):
 *
 * - Only the first document of a stream is read; the rest is not parsed.
 * - An empty stream (nothing, whitespace or comments only) and a document
 *   whose whole content is empty (a bare "---") give an empty object, so
 *   extraction code sees "no servers" rather than a null root. An explicit
 *   "~" or "null" root stays null.
 * - Plain (unquoted, untagged) scalars are typed with the YAML 1.2 core
 *   schema: null/Null/NULL/~/empty, true/True/TRUE/false/False/FALSE,
 *   decimal, 0o octal and 0x hex integers, floats with .inf/-.inf/.nan.
 *   YAML 1.1 words (yes, no, on, off) and 1.1 octals (0755) stay strings.
 *   Integers that fit int64 become TREE_INTEGER numbers whose text is the
 *   canonical decimal ("+0x1F" is not an int, "0x1F" gives "31", "007"
 *   gives "7"); larger ones become (approximate) floats.
 * - Quoted and block scalars are strings. Tags !!str, !!null, !!bool, !!int
 *   and !!float force that type (a value that does not fit it is an error,
 *   as in PyYAML and serde_yaml); any other tag is ignored on collections
 *   and makes a scalar a string.
 * - Mapping keys must be scalars (or aliases of scalars); the key is the
 *   scalar's text as written. A duplicate key keeps the last value, at the
 *   position of the first, as jsonc.c does for JSON.
 * - Merge keys: a plain "<<" whose value is a mapping or a sequence of
 *   mappings merges their entries (explicit keys win, then earlier
 *   sources); with any other value "<<" is an ordinary key.
 * - Anchors are copied at each alias. Every value created counts against
 *   max_nodes, aliases included, and an alias whose copy would exceed the
 *   bound fails before copying; alias copies are also held to a ratio of
 *   the values written out (YAML_ALIAS_RATIO), so alias bombs stop at once.
 *   Copies count against max_depth where they land. An alias inside its
 *   own anchor is an error.
 * - Scalars holding a NUL character ("\0" escapes) are refused rather than
 *   silently cut short.
 * - Error columns are 1-based characters as libyaml counts them (a BOM is
 *   not counted); encoding errors are located by byte.
 */

/*
 * Alias copies may add, past a floor of YAML_ALIAS_FLOOR nodes, at most
 * YAML_ALIAS_RATIO nodes per node written out in the text: a real config
 * reuses a block a few dozen times, an alias bomb multiplies it by
 * thousands. This stops a bomb after a few milliseconds and megabytes
 * whatever max_nodes is (the idea of yaml.v3's alias ratio).
 */
#define YAML_ALIAS_RATIO	16
#define YAML_ALIAS_FLOOR	65536

/* Set on an object member whose key was a plain "<<"; finish() clears it.
 * cJSON ignores type bits above its own, and cJSON_Duplicate keeps them. */
#define YAML_MERGE_FLAG	(1 << 24)

struct anchor {
	char *name;
	cJSON *node;		/* in the tree (or owned, see below); NULL while open */
	cJSON *owned;		/* node of an anchored mapping key, owned here */
	char *text;		/* raw text of a scalar anchor, for use as a key */
	size_t count;		/* values in the subtree */
	unsigned height;	/* collections nested in it, itself included */
};

struct frame {
	cJSON *node;		/* the open array or object */
	size_t anchor;		/* index + 1 into anchors, 0 for none */
	size_t nodes_at_start;
	unsigned height;	/* largest height among its children */
	int is_map;
	char *key;		/* pending key of a mapping; NULL when a key is due */
	int key_merge;		/* the pending key is a plain "<<" */
};

struct builder {
	const struct tree_limits *lim;
	struct err *e;
	const char *text;
	size_t len;
	struct frame *stack;
	size_t depth, stackcap;
	cJSON *root;
	int root_empty;		/* the root is an empty plain scalar */
	struct anchor *anchors;
	size_t nanchors, anchorcap;
	size_t *slots;		/* hash of anchor names: index + 1, 0 empty */
	size_t nslots;
	size_t nodes;		/* values created, alias copies included */
	size_t alias_nodes;	/* of which alias copies */
};

static cJSON *
must(cJSON *c)
{
	if (c == NULL)
		abort();
	return c;
}

static int __attribute__((format(printf, 4, 5)))
fail_at(struct builder *b, int code, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(b->e, code, fmt, ap);
	va_end(ap);
	err_set_pos(b->e, (unsigned long)m->line + 1, (unsigned long)m->column + 1);
	return -code;
}

/* ---- anchors ---- */

static size_t
hash_name(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

static size_t *
anchor_slot(struct builder *b, const char *name)
{
	size_t i = hash_name(name) & (b->nslots - 1);

	for (;; i = (i + 1) & (b->nslots - 1)) {
		size_t *s = &b->slots[i];

		if (*s == 0 || strcmp(b->anchors[*s - 1].name, name) == 0)
			return s;
	}
}

static struct anchor *
anchor_find(struct builder *b, const char *name)
{
	size_t *s;

	if (b->nslots == 0)
		return NULL;
	s = anchor_slot(b, name);
	return *s ? &b->anchors[*s - 1] : NULL;
}

/* Record a new definition of name (a redefinition hides the old one);
 * returns its index + 1. */
static size_t
anchor_add(struct builder *b, const char *name)
{
	struct anchor *a;
	size_t i;

	if ((b->nanchors + 1) * 2 > b->nslots) {
		size_t old = b->nslots, *olds = b->slots;

		b->nslots = old ? old * 2 : 64;
		b->slots = xcalloc(b->nslots, sizeof(*b->slots));
		for (i = 0; i < old; i++)
			if (olds[i] && b->anchors[olds[i] - 1].name)
				*anchor_slot(b, b->anchors[olds[i] - 1].name) = olds[i];
		free(olds);
	}
	if (b->nanchors == b->anchorcap) {
		b->anchorcap = b->anchorcap ? b->anchorcap * 2 : 16;
		b->anchors = xreallocarray(b->anchors, b->anchorcap, sizeof(*b->anchors));
	}
	a = &b->anchors[b->nanchors++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	*anchor_slot(b, name) = b->nanchors;
	return b->nanchors;
}

/* ---- scalars ---- */

static int
is_null_word(const char *s)
{
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* 1 true, 0 false, -1 not a core-schema boolean. */
static int
bool_word(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
		return 0;
	return -1;
}

static int
digit_value(char c, int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < base ? v : -1;
}

/* A core-schema integer ([-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+) as a new
 * node, or NULL when s is not one. */
static cJSON *
int_node(const char *s)
{
	const char *p = s;
	unsigned long long u = 0;
	double d = 0;
	int base = 10, neg = 0, over = 0, v;

	if (p[0] == '0' && p[1] == 'o') {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && p[1] == 'x') {
		base = 16;
		p += 2;
	} else if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (!*p)
		return NULL;
	for (; *p; p++) {
		if ((v = digit_value(*p, base)) < 0)
			return NULL;
		if (u > (ULLONG_MAX - (unsigned)v) / (unsigned)base)
			over = 1;
		u = u * (unsigned)base + (unsigned)v;
		d = d * base + v;
	}
	if (!over && u <= (unsigned long long)INT64_MAX)
		return must(tree_new_integer(neg ? -(long long)u : (long long)u));
	if (!over && neg && u == (unsigned long long)INT64_MAX + 1)
		return must(tree_new_integer(INT64_MIN));
	/* Beyond int64: a float, approximately (documented above). */
	if (base == 10)
		return must(cJSON_CreateNumber(strtod(s, NULL)));
	return must(cJSON_CreateNumber(d));
}

static int
count_digits(const char **p)
{
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		(*p)++;
		n++;
	}
	return n;
}

/* A core-schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
 * [-+]?\.(inf|Inf|INF), \.(nan|NaN|NAN). Returns 1 and sets *d if s is one. */
static int
float_value(const char *s, double *d)
{
	const char *p = s;
	int n1, n2 = 0;

	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0) {
		*d = NAN;
		return 1;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0) {
		*d = *s == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	n1 = count_digits(&p);
	if (*p == '.') {
		p++;
		n2 = count_digits(&p);
	}
	if (n1 == 0 && n2 == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (count_digits(&p) == 0)
			return 0;
	}
	if (*p)
		return 0;
	*d = strtod(s, NULL);
	return 1;
}

static cJSON *
core_scalar(const char *s)
{
	cJSON *n;
	double d;
	int bv;

	if (is_null_word(s))
		return must(cJSON_CreateNull());
	if ((bv = bool_word(s)) >= 0)
		return must(cJSON_CreateBool(bv));
	if ((n = int_node(s)) != NULL)
		return n;
	if (float_value(s, &d))
		return must(cJSON_CreateNumber(d));
	return must(cJSON_CreateString(s));
}

#define TAG_PREFIX "tag:yaml.org,2002:"

/* Build the node for a scalar event, honouring core tags. */
static int
scalar_node(struct builder *b, const yaml_event_t *ev, cJSON **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *t;
	double d;
	int bv;

	*out = NULL;
	if (tag == NULL) {
		if (ev->data.scalar.plain_implicit)
			*out = core_scalar(s);
		else
			*out = must(cJSON_CreateString(s));
		return 0;
	}
	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0) {
		*out = must(cJSON_CreateString(s));
		return 0;
	}
	t = tag + strlen(TAG_PREFIX);
	if (strcmp(t, "null") == 0) {
		if (is_null_word(s))
			*out = must(cJSON_CreateNull());
	} else if (strcmp(t, "bool") == 0) {
		if ((bv = bool_word(s)) >= 0)
			*out = must(cJSON_CreateBool(bv));
	} else if (strcmp(t, "int") == 0) {
		*out = int_node(s);
	} else if (strcmp(t, "float") == 0) {
		cJSON *n = int_node(s);

		if (n != NULL) {
			d = n->valuedouble;
			cJSON_Delete(n);
			*out = must(cJSON_CreateNumber(d));
		} else if (float_value(s, &d)) {
			*out = must(cJSON_CreateNumber(d));
		}
	} else {
		/* !!str, !!binary, !!timestamp, …: the text. */
		*out = must(cJSON_CreateString(s));
	}
	if (*out == NULL)
		return fail_at(b, ERR_PARSE, &ev->start_mark, "invalid !!%.16s value '%.64s'",
			       t, s);
	return 0;
}

/* ---- building ---- */

static int
count_nodes(struct builder *b, size_t n, const yaml_mark_t *m, int alias)
{
	size_t max = b->lim->max_nodes;

	if (alias) {
		size_t lowest = YAML_ALIAS_FLOOR;
		size_t written = b->nodes - b->alias_nodes;
		size_t allowed = written > SIZE_MAX / YAML_ALIAS_RATIO ? SIZE_MAX :
				 written * YAML_ALIAS_RATIO;

		if (allowed < lowest)
			allowed = lowest;
		if (n > allowed || b->alias_nodes > allowed - n ||
		    (max && (n > max || b->nodes > max - n)))
			return fail_at(b, ERR_LIMIT, m, "too many nodes (alias expansion?)");
		b->alias_nodes += n;
	} else if (max && (n > max || b->nodes > max - n)) {
		return fail_at(b, ERR_LIMIT, m, "too many values (limit %zu)", max);
	}
	b->nodes += n;
	return 0;
}

/* Is the innermost open collection a mapping waiting for a key? */
static struct frame *
key_due(struct builder *b)
{
	struct frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;

	return f && f->is_map && f->key == NULL ? f : NULL;
}

/* Attach a finished value (or an open collection) where it belongs. */
static void
attach(struct builder *b, cJSON *item, unsigned height)
{
	struct frame *f;

	if (b->depth == 0) {
		b->root = item;
		return;
	}
	f = &b->stack[b->depth - 1];
	if (f->is_map) {
		item->string = f->key;
		f->key = NULL;
		if (f->key_merge)
			item->type |= YAML_MERGE_FLAG;
		f->key_merge = 0;
	}
	cJSON_AddItemToArray(f->node, item);
	if (height > f->height)
		f->height = height;
}

static int
set_key(struct builder *b, struct frame *f, const char *s, size_t len, int plain,
	const yaml_mark_t *m)
{
	if (memchr(s, '\0', len) != NULL)
		return fail_at(b, ERR_PARSE, m, "NUL character in a mapping key");
	f->key = xstrndup(s, len);
	f->key_merge = plain && strcmp(f->key, "<<") == 0;
	return 0;
}

static int
on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *anchor = (const char *)ev->data.scalar.anchor;
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct frame *f = key_due(b);
	struct anchor *a;
	cJSON *node;
	size_t idx;
	int r;

	if (memchr(s, '\0', len) != NULL)
		return fail_at(b, ERR_PARSE, &ev->start_mark, "NUL character in a scalar");
	if (f != NULL) {
		r = set_key(b, f, s, len, ev->data.scalar.tag == NULL &&
			    ev->data.scalar.plain_implicit, &ev->start_mark);
		if (r < 0 || anchor == NULL)
			return r;
		/* An anchored key: keep a node for aliases of it. */
		if ((r = count_nodes(b, 1, &ev->start_mark, 0)) < 0 ||
		    (r = scalar_node(b, ev, &node)) < 0)
			return r;
		idx = anchor_add(b, anchor);
		a = &b->anchors[idx - 1];
		a->node = a->owned = node;
		a->text = xstrndup(s, len);
		a->count = 1;
		return 0;
	}
	if ((r = count_nodes(b, 1, &ev->start_mark, 0)) < 0 ||
	    (r = scalar_node(b, ev, &node)) < 0)
		return r;
	if (b->depth == 0 && len == 0 && ev->data.scalar.tag == NULL &&
	    ev->data.scalar.plain_implicit)
		b->root_empty = 1;
	if (anchor != NULL) {
		idx = anchor_add(b, anchor);
		a = &b->anchors[idx - 1];
		a->node = node;
		a->text = xstrndup(s, len);
		a->count = 1;
	}
	attach(b, node, 0);
	return 0;
}

static int
on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a = anchor_find(b, name);
	struct frame *f = key_due(b);
	cJSON *copy;
	int r;

	if (a == NULL)
		return fail_at(b, ERR_PARSE, &ev->start_mark, "undefined alias '*%.64s'", name);
	if (a->node == NULL)
		return fail_at(b, ERR_PARSE, &ev->start_mark,
			       "alias '*%.64s' is inside its own anchor", name);
	if (f != NULL) {
		if (a->text == NULL)
			return fail_at(b, ERR_PARSE, &ev->start_mark,
				       "mapping key must be a scalar ('*%.64s' is a collection)",
				       name);
		return set_key(b, f, a->text, strlen(a->text), 0, &ev->start_mark);
	}
	if (b->depth + a->height > b->lim->max_depth)
		return fail_at(b, ERR_LIMIT, &ev->start_mark, "nesting too deep (limit %u)",
			       b->lim->max_depth);
	if ((r = count_nodes(b, a->count, &ev->start_mark, 1)) < 0)
		return r;
	copy = must(cJSON_Duplicate(a->node, 1));
	/* The copy carries the anchored node's own key and merge mark. */
	if (!(copy->type & cJSON_StringIsConst))
		free(copy->string);
	copy->string = NULL;
	copy->type &= ~(cJSON_StringIsConst | YAML_MERGE_FLAG);
	attach(b, copy, a->height);
	return 0;
}

static int
on_start(struct builder *b, const yaml_event_t *ev, int is_map)
{
	const char *anchor = is_map ? (const char *)ev->data.mapping_start.anchor
				    : (const char *)ev->data.sequence_start.anchor;
	struct frame *f;
	cJSON *node;
	int r;

	if (key_due(b) != NULL)
		return fail_at(b, ERR_PARSE, &ev->start_mark,
			       "mapping key must be a scalar, not a %s",
			       is_map ? "mapping" : "sequence");
	if (b->depth + 1 > b->lim->max_depth)
		return fail_at(b, ERR_LIMIT, &ev->start_mark, "nesting too deep (limit %u)",
			       b->lim->max_depth);
	if ((r = count_nodes(b, 1, &ev->start_mark, 0)) < 0)
		return r;
	node = must(is_map ? cJSON_CreateObject() : cJSON_CreateArray());
	attach(b, node, 0);
	if (b->depth == b->stackcap) {
		b->stackcap = b->stackcap ? b->stackcap * 2 : 32;
		b->stack = xreallocarray(b->stack, b->stackcap, sizeof(*b->stack));
	}
	f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->is_map = is_map;
	f->nodes_at_start = b->nodes - 1;
	if (anchor != NULL)
		f->anchor = anchor_add(b, anchor);
	return 0;
}

static void
on_end(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	unsigned height = f->height + 1;

	if (f->anchor) {
		struct anchor *a = &b->anchors[f->anchor - 1];

		a->node = f->node;
		a->count = b->nodes - f->nodes_at_start;
		a->height = height;
	}
	free(f->key);
	if (b->depth > 0 && height > b->stack[b->depth - 1].height)
		b->stack[b->depth - 1].height = height;
}

/* ---- merge keys and duplicate keys, once the document is complete ---- */

struct member {
	cJSON *item;
	size_t pos;
	int merged;
};

static int
is_merge_source(const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsObject(v))
		return 1;
	if (!cJSON_IsArray(v) || v->child == NULL)
		return 0;
	for (c = v->child; c; c = c->next)
		if (!cJSON_IsObject(c))
			return 0;
	return 1;
}

static size_t
count_children(const cJSON *v)
{
	size_t n = 0;

	for (v = v->child; v; v = v->next)
		n++;
	return n;
}

static void
take_members(struct member *v, size_t *n, cJSON *src)
{
	cJSON *c, *next;

	for (c = src->child; c; c = next) {
		next = c->next;
		v[*n].item = c;
		v[*n].pos = *n;
		v[*n].merged = 1;
		(*n)++;
	}
	src->child = NULL;
}

static int
cmp_member(const void *x, const void *y)
{
	const struct member *a = *(struct member *const *)x, *b = *(struct member *const *)y;
	int c = strcmp(a->item->string, b->item->string);

	if (c)
		return c;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

/*
 * Expand merge keys in place, then keep one member per key: the last
 * explicit one, or else the first merged one, at the place of the first.
 */
static void
merge_and_dedupe(cJSON *obj)
{
	struct member *v, **p;
	size_t n = 0, m = 0, i, j, k;
	cJSON *c, *next;

	for (c = obj->child; c; c = c->next) {
		if ((c->type & YAML_MERGE_FLAG) && is_merge_source(c)) {
			if (cJSON_IsObject(c))
				n += count_children(c);
			else
				for (next = c->child; next; next = next->next)
					n += count_children(next);
		} else {
			n++;
		}
	}
	if (n == 0) {
		/* Only empty merges: drop them. */
		for (c = obj->child; c; c = next) {
			next = c->next;
			cJSON_Delete(c);
		}
		obj->child = NULL;
		return;
	}
	v = xcalloc(n, sizeof(*v));
	for (c = obj->child; c; c = next) {
		next = c->next;
		if ((c->type & YAML_MERGE_FLAG) && is_merge_source(c)) {
			cJSON *s;

			if (cJSON_IsObject(c))
				take_members(v, &m, c);
			else
				for (s = c->child; s; s = s->next)
					take_members(v, &m, s);
			c->next = c->prev = NULL;
			cJSON_Delete(c);
			continue;
		}
		c->type &= ~YAML_MERGE_FLAG;
		v[m].item = c;
		v[m].pos = m;
		v[m].merged = 0;
		m++;
	}
	if (n > 1) {
		p = xcalloc(n, sizeof(*p));
		for (i = 0; i < n; i++)
			p[i] = &v[i];
		qsort(p, n, sizeof(*p), cmp_member);
		for (i = 0; i < n; i = j) {
			cJSON *win = NULL;
			size_t first = p[i]->pos;

			for (j = i + 1; j < n && strcmp(p[j]->item->string,
						      p[i]->item->string) == 0; j++)
				;
			if (j == i + 1)
				continue;
			for (k = i; k < j; k++)
				if (!p[k]->merged)
					win = p[k]->item;
			if (win == NULL)
				win = p[i]->item;
			for (k = i; k < j; k++) {
				if (p[k]->item != win) {
					p[k]->item->next = p[k]->item->prev = NULL;
					cJSON_Delete(p[k]->item);
				}
				p[k]->item = NULL;
			}
			v[first].item = win;
		}
		free(p);
	}
	/* Relink the survivors; cJSON keeps the tail in child->prev. */
	obj->child = NULL;
	for (i = 0, m = 0; i < n; i++) {
		if (v[i].item == NULL)
			continue;
		v[m++].item = v[i].item;
	}
	for (i = 0; i < m; i++) {
		v[i].item->next = i + 1 < m ? v[i + 1].item : NULL;
		v[i].item->prev = i ? v[i - 1].item : v[m - 1].item;
	}
	obj->child = m ? v[0].item : NULL;
	free(v);
}

/* Children first, so merge sources are final before they are merged. */
static void
finish(cJSON *node)
{
	cJSON *c;

	for (c = node->child; c; c = c->next)
		if (c->child)
			finish(c);
	if (cJSON_IsObject(node) && node->child)
		merge_and_dedupe(node);
}

/* ---- driver ---- */

/* The byte at a libyaml mark (0-based line, column in characters), or -1. */
static int
byte_at(const struct builder *b, const yaml_mark_t *m)
{
	size_t i = 0, line = 0, col = 0;

	if (b->len >= 3 && memcmp(b->text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < b->len; i++) {
		unsigned char c = (unsigned char)b->text[i];

		if ((c & 0xc0) == 0x80)
			continue;	/* inside a UTF-8 character */
		if (line == m->line && col == m->column)
			return c;
		if (c == '\n' || (c == '\r' && (i + 1 >= b->len || b->text[i + 1] != '\n'))) {
			if (line++ == m->line)
				return -1;
			col = 0;
		} else if (c != '\r') {
			col++;
		}
	}
	return -1;
}

static int
libyaml_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	char msg[400];

	if (p->error == YAML_MEMORY_ERROR)
		xalloc_die(0);	/* as every allocation of ours: never a parse error */
	if (p->context && (p->context_mark.line != p->problem_mark.line ||
			   p->context_mark.column != p->problem_mark.column))
		snprintf(msg, sizeof(msg), "%s (%s started at line %lu column %lu)", problem,
			 p->context, (unsigned long)p->context_mark.line + 1,
			 (unsigned long)p->context_mark.column + 1);
	else if (p->context)
		snprintf(msg, sizeof(msg), "%s %s", problem, p->context);
	else
		snprintf(msg, sizeof(msg), "%s", problem);
	if (p->error == YAML_READER_ERROR) {
		unsigned long line, col;

		err_pos_of(b->text, b->len, p->problem_offset, &line, &col);
		/* libyaml's own columns do not count a BOM; neither do we. */
		if (line == 1 && b->len >= 3 && memcmp(b->text, "\xef\xbb\xbf", 3) == 0 && col > 3)
			col -= 3;
		if (p->problem_value != -1)
			err_set(b->e, ERR_PARSE, "%s (#%X)", msg, (unsigned)p->problem_value);
		else
			err_set(b->e, ERR_PARSE, "%s", msg);
		err_set_pos(b->e, line, col);
		return -ERR_PARSE;
	}
	if (strstr(msg, "tab") == NULL && byte_at(b, &p->problem_mark) == '\t')
		return fail_at(b, ERR_PARSE, &p->problem_mark,
			       "%s (a tab: YAML indentation must use spaces)", msg);
	return fail_at(b, ERR_PARSE, &p->problem_mark, "%s", msg);
}

int
yaml_parse(const char *text, size_t len, const struct tree_limits *lim, cJSON **out,
	   struct err *e)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int ret = 0, done = 0;
	size_t i;

	if (lim == NULL)
		lim = &tree_limits_default;
	*out = NULL;
	if (text == NULL)
		text = "";
	if (lim->max_bytes && len > lim->max_bytes)
		return err_set(e, ERR_LIMIT, "input too large (%zu bytes, limit %zu)", len,
			       lim->max_bytes);
	memset(&b, 0, sizeof(b));
	b.lim = lim;
	b.e = e;
	b.text = text;
	b.len = len;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ret = libyaml_error(&b, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			ret = on_scalar(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			ret = on_alias(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			ret = on_start(&b, &ev, 0);
			break;
		case YAML_MAPPING_START_EVENT:
			ret = on_start(&b, &ev, 1);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(&b);
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			/* The first document is the configuration. */
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (ret < 0)
			break;
	}
	yaml_parser_delete(&parser);
	if (ret < 0)
		goto out;
	if (b.root == NULL || b.root_empty) {
		cJSON_Delete(b.root);
		b.root = must(cJSON_CreateObject());
	}
	finish(b.root);
	*out = b.root;
	b.root = NULL;
out:
	cJSON_Delete(b.root);
	while (b.depth > 0)
		free(b.stack[--b.depth].key);
	free(b.stack);
	for (i = 0; i < b.nanchors; i++) {
		free(b.anchors[i].name);
		free(b.anchors[i].text);
		cJSON_Delete(b.anchors[i].owned);
	}
	free(b.anchors);
	free(b.slots);
	return ret;
}
