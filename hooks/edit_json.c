/* JSONC span scanner and splice editor: adds and removes single members or
 * elements where a person would, so every other byte of the file stays. */
#include "hooks/edit_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/tree.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct scan {
	const char *t;
	size_t len, pos;
	unsigned max_depth;
};

static void
skip_ws(struct scan *s)
{
	while (s->pos < s->len) {
		char c = s->t[s->pos];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			s->pos++;
		} else if (c == '/' && s->pos + 1 < s->len && s->t[s->pos + 1] == '/') {
			while (s->pos < s->len && s->t[s->pos] != '\n')
				s->pos++;
		} else if (c == '/' && s->pos + 1 < s->len && s->t[s->pos + 1] == '*') {
			s->pos += 2;
			while (s->pos + 1 < s->len && !(s->t[s->pos] == '*' && s->t[s->pos + 1] == '/'))
				s->pos++;
			s->pos = s->pos + 2 <= s->len ? s->pos + 2 : s->len;
		} else {
			break;
		}
	}
}

static int
scan_string(struct scan *s)
{
	s->pos++;
	while (s->pos < s->len && s->t[s->pos] != '"') {
		if (s->t[s->pos] == '\\')
			s->pos++;
		s->pos++;
	}
	if (s->pos >= s->len)
		return -1;
	s->pos++;
	return 0;
}

static char *
decode_key(const char *t, size_t start, size_t end)
{
	cJSON *v = cJSON_ParseWithLength(t + start, end - start);
	char *k = NULL;

	if (v && cJSON_IsString(v))
		k = xstrdup(v->valuestring);
	cJSON_Delete(v);
	return k;
}

static void
add_kid(struct jnode *n, size_t *cap, const struct jnode *kid)
{
	if (n->nkids == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		n->kids = xreallocarray(n->kids, *cap, sizeof(*n->kids));
	}
	n->kids[n->nkids++] = *kid;
}

static int scan_value(struct scan *s, struct jnode *n, unsigned depth);
static void node_release(struct jnode *n);

static int
scan_container(struct scan *s, struct jnode *n, unsigned depth)
{
	char close = s->t[s->pos] == '{' ? '}' : ']';
	int is_obj = close == '}';
	size_t cap = 0;

	if (depth >= s->max_depth)
		return -1;
	n->type = is_obj ? JT_OBJECT : JT_ARRAY;
	s->pos++;
	for (;;) {
		struct jnode kid;

		skip_ws(s);
		if (s->pos >= s->len)
			return -1;
		if (s->t[s->pos] == close)
			break;
		memset(&kid, 0, sizeof(kid));
		kid.comma = JPOS_NONE;
		kid.key_end = JPOS_NONE;
		kid.item_start = s->pos;
		if (is_obj) {
			if (s->t[s->pos] != '"' || scan_string(s) < 0)
				return -1;
			kid.key_end = s->pos;
			kid.key = decode_key(s->t, kid.item_start, kid.key_end);
			if (kid.key == NULL)
				return -1;
			skip_ws(s);
			if (s->pos >= s->len || s->t[s->pos] != ':') {
				free(kid.key);
				return -1;
			}
			s->pos++;
			skip_ws(s);
		}
		if (scan_value(s, &kid, depth + 1) < 0) {
			node_release(&kid);
			return -1;
		}
		if (!is_obj)
			kid.item_start = kid.start;
		skip_ws(s);
		if (s->pos < s->len && s->t[s->pos] == ',') {
			kid.comma = s->pos;
			s->pos++;
		}
		add_kid(n, &cap, &kid);
		if (kid.comma == JPOS_NONE) {
			skip_ws(s);
			if (s->pos >= s->len || s->t[s->pos] != close)
				return -1;
			break;
		}
	}
	s->pos++;
	return 0;
}

static int
scan_value(struct scan *s, struct jnode *n, unsigned depth)
{
	char c;

	if (s->pos >= s->len)
		return -1;
	n->start = s->pos;
	c = s->t[s->pos];
	if (c == '{' || c == '[') {
		if (scan_container(s, n, depth) < 0)
			return -1;
	} else if (c == '"') {
		n->type = JT_STRING;
		if (scan_string(s) < 0)
			return -1;
	} else {
		n->type = (c == '-' || (c >= '0' && c <= '9')) ? JT_NUMBER : JT_LITERAL;
		while (s->pos < s->len && !strchr(",]}/ \t\r\n", s->t[s->pos]))
			s->pos++;
		if (s->pos == n->start)
			return -1;
	}
	n->end = s->pos;
	return 0;
}

static void
node_release(struct jnode *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	free(n->kids);
	free(n->key);
	n->kids = NULL;
	n->key = NULL;
	n->nkids = 0;
}

void
jdoc_release(struct jdoc *d)
{
	node_release(&d->root);
}

/* Leading whitespace of the line holding pos, as [ls, ls + *n). */
static size_t
line_indent(const char *t, size_t pos, size_t *n)
{
	size_t ls = text_line_start(t, pos), i = ls;

	while (t[i] == ' ' || t[i] == '\t')
		i++;
	*n = i - ls;
	return ls;
}

static void
detect_style(struct jdoc *d)
{
	const struct jnode *r = &d->root;

	d->nl = text_newline(d->text, d->len);
	snprintf(d->unit, sizeof(d->unit), "  ");
	snprintf(d->colon, sizeof(d->colon), ": ");
	if (r->nkids == 0)
		return;
	if (text_starts_line(d->text, r->kids[0].item_start)) {
		size_t rn, kn, rls = line_indent(d->text, r->start, &rn);
		size_t kls = line_indent(d->text, r->kids[0].item_start, &kn);

		if (kn > rn && kn - rn < sizeof(d->unit) &&
		    memcmp(d->text + rls, d->text + kls, rn) == 0) {
			memcpy(d->unit, d->text + kls + rn, kn - rn);
			d->unit[kn - rn] = '\0';
		}
	}
	if (r->type == JT_OBJECT && r->kids[0].key_end != JPOS_NONE) {
		size_t a = r->kids[0].key_end, b = r->kids[0].start, i, colons = 0;

		for (i = a; i < b; i++) {
			if (d->text[i] == ':')
				colons++;
			else if (d->text[i] != ' ' && d->text[i] != '\t')
				break;
		}
		if (i == b && colons == 1 && b - a < sizeof(d->colon)) {
			memcpy(d->colon, d->text + a, b - a);
			d->colon[b - a] = '\0';
		}
	}
}

static int
jdoc_scan(struct jdoc *d, const char *text, size_t len, struct err *e)
{
	struct scan s;

	memset(d, 0, sizeof(*d));
	d->text = text;
	d->len = len;
	s.t = text;
	s.len = len;
	s.pos = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	s.max_depth = tree_limits_default.max_depth + 1;
	skip_ws(&s);
	d->root.comma = JPOS_NONE;
	d->root.key_end = JPOS_NONE;
	if (scan_value(&s, &d->root, 0) < 0) {
		/* jsonc_parse accepted it, so this is our scanner's gap: say so. */
		jdoc_release(d);
		return err_set(e, ERR_PARSE, "cannot locate the values of this JSON text for editing");
	}
	d->root.item_start = d->root.start;
	detect_style(d);
	return 0;
}

int
jdoc_parse(struct jdoc *d, const char *text, size_t len, struct err *e)
{
	cJSON *tree = NULL;
	int ret;

	memset(d, 0, sizeof(*d));
	ret = jsonc_parse(text, len, NULL, &tree, e);
	cJSON_Delete(tree);
	if (ret < 0)
		return ret;
	return jdoc_scan(d, text, len, e);
}

const struct jnode *
jdoc_member(const struct jnode *obj, const char *key, size_t *index, size_t *dups)
{
	const struct jnode *found = NULL;
	size_t i, n = 0;

	if (obj->type == JT_OBJECT) {
		for (i = 0; i < obj->nkids; i++) {
			if (strcmp(obj->kids[i].key, key) == 0) {
				if (found == NULL) {
					found = &obj->kids[i];
					if (index)
						*index = i;
				}
				n++;
			}
		}
	}
	if (dups)
		*dups = n;
	return found;
}

void
json_quote(struct buf *b, const char *s)
{
	const unsigned char *p;

	buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20)
				buf_addf(b, "\\u%04x", *p);
			else
				buf_addc(b, (char)*p);
		}
	}
	buf_addc(b, '"');
}

static void
print_scalar(struct buf *b, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		json_quote(b, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		if (tree_is_integer(v) && v->valuestring)
			buf_adds(b, v->valuestring);
		else if (v->valuedouble == (double)(long long)v->valuedouble)
			buf_addf(b, "%lld", (long long)v->valuedouble);
		else
			buf_addf(b, "%.17g", v->valuedouble);
	} else {
		buf_adds(b, "null");
	}
}

/* Print v; pretty when ind is not NULL (ind = the indentation of its line). */
static void
print_value(struct buf *b, const cJSON *v, const char *ind, const struct jdoc *d)
{
	const cJSON *c;
	int obj = cJSON_IsObject(v);
	char *sub = NULL;

	if (!obj && !cJSON_IsArray(v)) {
		print_scalar(b, v);
		return;
	}
	buf_addc(b, obj ? '{' : '[');
	if (v->child == NULL) {
		buf_addc(b, obj ? '}' : ']');
		return;
	}
	if (ind)
		sub = xasprintf("%s%s", ind, d->unit);
	for (c = v->child; c; c = c->next) {
		if (ind) {
			buf_adds(b, d->nl);
			buf_adds(b, sub);
		}
		if (obj) {
			json_quote(b, c->string);
			buf_adds(b, ind ? d->colon : (strchr(d->colon, ' ') ? ": " : ":"));
		}
		print_value(b, c, sub, d);
		if (c->next)
			buf_adds(b, ind || !strchr(d->colon, ' ') ? "," : ", ");
	}
	if (ind) {
		buf_adds(b, d->nl);
		buf_adds(b, ind);
	}
	buf_addc(b, obj ? '}' : ']');
	free(sub);
}

static void
print_item(struct buf *b, const char *key, const cJSON *value, const char *ind,
	   const struct jdoc *d)
{
	if (key) {
		json_quote(b, key);
		buf_adds(b, ind ? d->colon : (strchr(d->colon, ' ') ? ": " : ":"));
	}
	print_value(b, value, ind, d);
}

static char *
indent_of(const struct jdoc *d, size_t pos)
{
	size_t n, ls = line_indent(d->text, pos, &n);

	return xstrndup(d->text + ls, n);
}

/*
 * Where to put a new item after `last` that starts its own line: right after
 * it, or after a comment that trails it on the same line (a ',' must stay
 * before the comment, the new item after it).
 */
static size_t
after_trailing_comment(const struct jdoc *d, size_t pos)
{
	const char *t = d->text;
	size_t p = pos, found = 0;

	for (;;) {
		while (p < d->len && (t[p] == ' ' || t[p] == '\t'))
			p++;
		if (p >= d->len || t[p] == '\n' || t[p] == '\r')
			return found ? p : pos;
		if (t[p] == '/' && p + 1 < d->len && t[p + 1] == '/')
			return text_line_end(t, d->len, p);
		if (t[p] == '/' && p + 1 < d->len && t[p + 1] == '*') {
			size_t q = p + 2;

			while (q + 1 < d->len && !(t[q] == '*' && t[q + 1] == '/') && t[q] != '\n')
				q++;
			if (q + 1 >= d->len || t[q] == '\n')
				return pos;
			p = q + 2;
			found = 1;
			continue;
		}
		return pos;
	}
}

void
jedit_append(const struct jdoc *d, const struct jnode *c, const char *key,
	     const cJSON *value, struct edits *ed)
{
	struct buf b = BUF_INIT;
	char *ind = NULL, *item_ind = NULL;

	if (c->nkids == 0) {
		size_t close = c->end - 1, i;
		int has_nl = 0;

		ind = indent_of(d, c->start);
		item_ind = xasprintf("%s%s", ind, d->unit);
		buf_adds(&b, d->nl);
		buf_adds(&b, item_ind);
		print_item(&b, key, value, item_ind, d);
		for (i = c->start + 1; i < close; i++)
			if (d->text[i] == '\n')
				has_nl = 1;
		if (!has_nl) {
			buf_adds(&b, d->nl);
			buf_adds(&b, ind);
		}
		edits_add(ed, c->start + 1, c->start + 1, b.data);
	} else {
		const struct jnode *last = &c->kids[c->nkids - 1];

		if (text_starts_line(d->text, last->item_start)) {
			item_ind = indent_of(d, last->item_start);
			buf_adds(&b, d->nl);
			buf_adds(&b, item_ind);
			print_item(&b, key, value, item_ind, d);
			if (last->comma != JPOS_NONE) {
				buf_addc(&b, ',');
				edits_add(ed, last->comma + 1, last->comma + 1, b.data);
			} else {
				edits_add(ed, last->end, last->end, ",");
				edits_add(ed, after_trailing_comment(d, last->end),
					  after_trailing_comment(d, last->end), b.data);
			}
		} else {
			/* Inline, or a multi-line item hugging the bracket ("[{\n…\n}]"):
			 * follow the same shape. */
			int multi = memchr(d->text + last->item_start, '\n',
					   last->end - last->item_start) != NULL;

			if (multi)
				ind = indent_of(d, last->end);
			buf_adds(&b, last->comma != JPOS_NONE ? " " : ", ");
			print_item(&b, key, value, multi ? ind : NULL, d);
			if (last->comma != JPOS_NONE) {
				buf_addc(&b, ',');
				edits_add(ed, last->comma + 1, last->comma + 1, b.data);
			} else {
				edits_add(ed, last->end, last->end, b.data);
			}
		}
	}
	buf_release(&b);
	free(ind);
	free(item_ind);
}

/* The line break before the line holding pos (its '\r' for CRLF). */
static size_t
break_before(const struct jdoc *d, size_t pos)
{
	size_t ls = text_line_start(d->text, pos);

	if (ls == 0)
		return 0;
	ls--;
	if (ls > 0 && d->text[ls - 1] == '\r')
		ls--;
	return ls;
}

static int
only_space(const char *t, size_t a, size_t b)
{
	for (; a < b; a++)
		if (t[a] != ' ' && t[a] != '\t' && t[a] != '\n' && t[a] != '\r')
			return 0;
	return 1;
}

void
jedit_remove(const struct jdoc *d, const struct jnode *c, size_t i, struct edits *ed)
{
	const struct jnode *it = &c->kids[i];
	size_t start = it->item_start;
	size_t stop = it->comma != JPOS_NONE ? it->comma + 1 : it->end;
	int at_line = text_starts_line(d->text, start);

	if (c->nkids == 1) {
		if (only_space(d->text, c->start + 1, start) && only_space(d->text, stop, c->end - 1))
			edits_add(ed, c->start + 1, c->end - 1, "");
		else
			edits_add(ed, at_line ? break_before(d, start) : start, stop, "");
	} else if (i == c->nkids - 1) {
		const struct jnode *prev = &c->kids[i - 1];

		if (it->comma != JPOS_NONE) {
			edits_add(ed, at_line ? break_before(d, start) : prev->comma + 1, stop, "");
		} else if (at_line) {
			edits_add(ed, prev->comma, prev->comma + 1, "");
			edits_add(ed, break_before(d, start), it->end, "");
		} else {
			edits_add(ed, prev->comma, it->end, "");
		}
	} else {
		const struct jnode *next = &c->kids[i + 1];

		if (at_line && text_starts_line(d->text, next->item_start))
			edits_add(ed, break_before(d, start), text_line_end(d->text, d->len, it->comma), "");
		else
			edits_add(ed, start, next->item_start, "");
	}
}

static const struct jnode *
resolve_text(const struct jdoc *d, const struct jop *op, struct err *e)
{
	const struct jnode *n = &d->root;
	size_t i, dups;

	for (i = 0; i < op->depth; i++) {
		const struct jstep *s = &op->path[i];

		if (s->key) {
			if (n->type != JT_OBJECT)
				goto bad;
			n = jdoc_member(n, s->key, NULL, &dups);
			if (n == NULL)
				goto bad;
			if (dups > 1) {
				err_set(e, ERR_INVALID, "duplicate key '%s'", s->key);
				return NULL;
			}
		} else {
			if (n->type != JT_ARRAY || s->idx >= n->nkids)
				goto bad;
			n = &n->kids[s->idx];
		}
	}
	if (n->type != JT_OBJECT && n->type != JT_ARRAY)
		goto bad;
	return n;
bad:
	err_set(e, ERR_INVALID, "no container at the edited path");
	return NULL;
}

int
jop_apply_text(struct buf *t, const struct jop *op, struct err *e)
{
	struct jdoc d;
	struct edits ed = EDITS_INIT;
	struct buf out = BUF_INIT;
	const struct jnode *c;
	int ret;

	/* The text is ours by now (validated when read, checked again after
	 * the last edit), so a scan is enough. */
	ret = jdoc_scan(&d, t->data, t->len, e);
	if (ret < 0)
		return ret;
	c = resolve_text(&d, op, e);
	if (c == NULL) {
		ret = -ERR_INVALID;
		goto out;
	}
	if (op->kind == JOP_APPEND) {
		if ((c->type == JT_OBJECT) != (op->key != NULL)) {
			ret = err_set(e, ERR_INVALID, "append: container type mismatch");
			goto out;
		}
		jedit_append(&d, c, op->key, op->value, &ed);
	} else {
		size_t idx = op->idx, dups = 1;

		if (op->key && (c->type != JT_OBJECT ||
				jdoc_member(c, op->key, &idx, &dups) == NULL)) {
			ret = err_set(e, ERR_INVALID, "remove: no member '%s'", op->key);
			goto out;
		}
		if (dups > 1) {
			ret = err_set(e, ERR_INVALID, "duplicate key '%s'", op->key);
			goto out;
		}
		if (idx >= c->nkids) {
			ret = err_set(e, ERR_INVALID, "remove: no element %zu", idx);
			goto out;
		}
		jedit_remove(&d, c, idx, &ed);
	}
	if (edits_apply(&ed, t->data, t->len, &out) < 0) {
		ret = err_set(e, ERR_INVALID, "overlapping edits");
		goto out;
	}
	buf_clear(t);
	buf_add(t, out.data, out.len);
out:
	buf_release(&out);
	edits_release(&ed);
	jdoc_release(&d);
	return ret;
}

int
jop_apply_tree(cJSON *root, const struct jop *op, struct err *e)
{
	cJSON *n = root;
	size_t i;

	for (i = 0; i < op->depth && n; i++) {
		const struct jstep *s = &op->path[i];

		if (s->key)
			n = cJSON_IsObject(n) ? cJSON_GetObjectItemCaseSensitive(n, s->key) : NULL;
		else
			n = cJSON_IsArray(n) ? cJSON_GetArrayItem(n, (int)s->idx) : NULL;
	}
	if (n == NULL || (!cJSON_IsObject(n) && !cJSON_IsArray(n)))
		return err_set(e, ERR_INVALID, "no container at the edited path");
	if (op->kind == JOP_APPEND) {
		cJSON *dup = cJSON_Duplicate(op->value, 1);

		if (op->key)
			cJSON_AddItemToObject(n, op->key, dup);
		else
			cJSON_AddItemToArray(n, dup);
		return 0;
	}
	if (op->key) {
		if (!cJSON_GetObjectItemCaseSensitive(n, op->key))
			return err_set(e, ERR_INVALID, "remove: no member '%s'", op->key);
		cJSON_DeleteItemFromObjectCaseSensitive(n, op->key);
	} else {
		if (op->idx >= (size_t)cJSON_GetArraySize(n))
			return err_set(e, ERR_INVALID, "remove: no element %zu", op->idx);
		cJSON_DeleteItemFromArray(n, (int)op->idx);
	}
	return 0;
}
