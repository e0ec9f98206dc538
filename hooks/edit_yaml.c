/* Indentation-based scanner for one top-level YAML block mapping of lists
 * (Hermes' hooks:), and writers for items in the file's own style. */
#include "hooks/edit_yaml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/xalloc.h"
#include "util/banned.h"

enum { YL_BLANK, YL_COMMENT, YL_CONTENT, YL_CONT };

struct yline {
	size_t start, end;	/* end: past the line break */
	size_t text_end;	/* before the line break */
	int indent;		/* leading spaces */
	int kind;
};

/*
 * What is still open at the end of a line: a quoted scalar (q is its quote)
 * or flow collections (flow is their depth). A quote or bracket opens only
 * where a scalar or collection starts: at the start of the content, after
 * "- ", ": " or "? ", or inside a flow collection after '[', '{' or ','.
 */
struct yopen {
	char q;
	int flow;
};

static void
open_scan(const char *t, size_t from, size_t to, struct yopen *o)
{
	size_t i;
	int tok = 1;

	for (i = from; i < to; i++) {
		char c = t[i];

		if (o->q == '"') {
			if (c == '\\')
				i++;
			else if (c == '"')
				o->q = 0, tok = 0;
			continue;
		}
		if (o->q == '\'') {
			if (c == '\'' && i + 1 < to && t[i + 1] == '\'')
				i++;
			else if (c == '\'')
				o->q = 0, tok = 0;
			continue;
		}
		if (c == '#' && (i == from || t[i - 1] == ' ' || t[i - 1] == '\t'))
			return;
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (tok && (c == '"' || c == '\'')) {
			o->q = c;
		} else if ((tok || o->flow) && (c == '[' || c == '{')) {
			o->flow++;
			tok = 1;
		} else if (o->flow && (c == ']' || c == '}')) {
			o->flow--;
			tok = 0;
		} else if (o->flow && c == ',') {
			tok = 1;
		} else {
			tok = (c == '-' || c == ':' || c == '?') &&
			      (i + 1 >= to || t[i + 1] == ' ' || t[i + 1] == '\t' || t[i + 1] == '\r');
		}
	}
}

static void
lines_of(const char *t, size_t len, struct yline **out, size_t *n)
{
	size_t pos = 0, cap = 64;
	struct yopen o = { 0, 0 };

	*out = xcalloc(cap, sizeof(**out));
	*n = 0;
	if (len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		struct yline l;
		size_t i;

		l.start = pos;
		l.end = text_next_line(t, len, pos);
		l.text_end = text_line_end(t, len, pos);
		for (i = pos; i < l.text_end && t[i] == ' '; i++)
			;
		l.indent = (int)(i - pos);
		if (i >= l.text_end || t[i] == '\r' || t[i] == '\t')
			l.kind = YL_BLANK;
		else if (t[i] == '#')
			l.kind = YL_COMMENT;
		else
			l.kind = YL_CONTENT;
		/* A tab-led line that holds something is content YAML forbids;
		 * treat it as content so the scan refuses it below. */
		if (l.kind == YL_BLANK) {
			size_t k;

			for (k = i; k < l.text_end; k++)
				if (t[k] != ' ' && t[k] != '\t' && t[k] != '\r')
					l.kind = YL_CONTENT;
		}
		/* Inside a quoted scalar or a flow collection that spans
		 * lines, a line continues the one before. */
		if (o.q || o.flow) {
			l.kind = YL_CONT;
			open_scan(t, l.start, l.text_end, &o);
		} else if (l.kind == YL_CONTENT) {
			open_scan(t, i, l.text_end, &o);
		}
		if (*n == cap) {
			cap *= 2;
			*out = xreallocarray(*out, cap, sizeof(**out));
		}
		(*out)[(*n)++] = l;
		pos = l.end;
	}
}

/* Parse "key:" at p (up to e). Returns the decoded key and sets *after to
 * just past the ':', or NULL when the line is not a simple mapping key. */
static char *
line_key(const char *p, const char *e, const char **after)
{
	const char *k = p;

	if (p >= e || *p == '-' || *p == '?' || *p == '[' || *p == '{' || *p == '#' ||
	    *p == '&' || *p == '*' || *p == '!' || *p == '|' || *p == '>')
		return NULL;
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		struct buf b = BUF_INIT;

		/* Up to the closing quote; in a single-quoted key '' is one quote. */
		for (; p < e; p++) {
			if (q == '"' && *p == '\\' && p + 1 < e) {
				p++;
				buf_addc(&b, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			} else if (q == '\'' && *p == '\'' && p + 1 < e && p[1] == '\'') {
				buf_addc(&b, '\'');
				p++;
			} else if (*p == q) {
				break;
			} else {
				buf_addc(&b, *p);
			}
		}
		if (p + 1 >= e || p[1] != ':' ||
		    !(p + 2 >= e || p[2] == ' ' || p[2] == '\t' || p[2] == '\r')) {
			buf_release(&b);
			return NULL;
		}
		*after = p + 2;
		return buf_detach(&b, NULL);
	}
	for (; p < e; p++) {
		if (*p == ':' && (p + 1 >= e || p[1] == ' ' || p[1] == '\t' || p[1] == '\r')) {
			const char *q = p;

			while (q > k && (q[-1] == ' ' || q[-1] == '\t'))
				q--;
			*after = p + 1;
			return xstrndup(k, (size_t)(q - k));
		}
		if (*p == '#' && p > k && (p[-1] == ' ' || p[-1] == '\t'))
			return NULL;
	}
	return NULL;
}

/* The value after "key:" on a line: [*vs, *ve), trimmed, comment excluded. */
static void
value_span(const char *t, const char *after, size_t text_end, size_t *vs, size_t *ve)
{
	size_t s = (size_t)(after - t), e2 = s, i;
	int q = 0;

	for (i = s; i < text_end; i++) {
		if (t[i] == '"' || t[i] == '\'')
			q = !q;
		if (!q && t[i] == '#' && (i == s || t[i - 1] == ' ' || t[i - 1] == '\t'))
			break;
		if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r')
			e2 = i + 1;
	}
	*vs = s;
	*ve = e2 > s ? e2 : s;
}

static int
refuse(struct err *e, const char *t, size_t len, size_t off, const char *msg)
{
	unsigned long line, col;

	err_pos_of(t, len, off, &line, &col);
	err_set(e, ERR_INVALID, "%s; edit it by hand", msg);
	err_set_pos(e, line, col);
	return -ERR_INVALID;
}


/* ---- a second opinion from libyaml ---- */

/* 0-based line of byte offset off (as libyaml counts: "\r\n" is one). */
static size_t
line_of(const char *t, size_t off)
{
	size_t i, n = 0;

	for (i = 0; i < off; i++)
		if (t[i] == '\n')
			n++;
	return n;
}

/* Consume the rest of a node whose start event was ev. 0, or -1. */
static int
skip_node(yaml_parser_t *p, const yaml_event_t *ev)
{
	int depth;
	yaml_event_t e;

	if (ev->type != YAML_MAPPING_START_EVENT && ev->type != YAML_SEQUENCE_START_EVENT)
		return 0;
	for (depth = 1; depth > 0;) {
		if (!yaml_parser_parse(p, &e))
			return -1;
		if (e.type == YAML_MAPPING_START_EVENT || e.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		else if (e.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&e);
			return -1;
		}
		yaml_event_delete(&e);
	}
	return 0;
}

static int
next_event(yaml_parser_t *p, yaml_event_t *e)
{
	return yaml_parser_parse(p, e) ? 0 : -1;
}

/*
 * Check the line scanner's view of the block against libyaml's events: the
 * key's line, each child key's line, each list item's line, in order. Any
 * difference (a layout the line scanner misreads) is a refusal.
 */
static int
validate(const char *t, size_t len, const char *key, const struct yblock *b)
{
	yaml_parser_t p;
	yaml_event_t e, v;
	size_t kid = 0, item;
	int ret = -1, found = 0, have_e = 0, have_v = 0;

	if (!yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)t, len);
	/* Stream, document, then the root mapping (or nothing). */
	do {
		if (next_event(&p, &e) < 0)
			goto out;
		have_e = 1;
		if (e.type == YAML_STREAM_END_EVENT || e.type == YAML_SCALAR_EVENT) {
			ret = b->found ? -1 : 0;
			goto out;
		}
		if (e.type == YAML_MAPPING_START_EVENT || e.type == YAML_SEQUENCE_START_EVENT)
			break;
		yaml_event_delete(&e);
		have_e = 0;
	} while (1);
	if (e.type != YAML_MAPPING_START_EVENT) {
		ret = b->found ? -1 : 0;
		goto out;
	}
	yaml_event_delete(&e);
	have_e = 0;
	for (;;) {
		if (next_event(&p, &e) < 0)
			goto out;
		have_e = 1;
		if (e.type == YAML_MAPPING_END_EVENT)
			break;
		if (next_event(&p, &v) < 0)
			goto out;
		have_v = 1;
		if (e.type == YAML_SCALAR_EVENT &&
		    strcmp((const char *)e.data.scalar.value, key) == 0) {
			if (found++ || !b->found || e.start_mark.line != line_of(t, b->line))
				goto out;
			if (v.type == YAML_MAPPING_START_EVENT) {
				if (v.data.mapping_start.style != YAML_BLOCK_MAPPING_STYLE && b->nkids)
					goto out;
				/* Children: key, then value. */
				for (;;) {
					yaml_event_t ck, cv;

					if (next_event(&p, &ck) < 0)
						goto out;
					if (ck.type == YAML_MAPPING_END_EVENT) {
						yaml_event_delete(&ck);
						break;
					}
					if (next_event(&p, &cv) < 0) {
						yaml_event_delete(&ck);
						goto out;
					}
					if (ck.type != YAML_SCALAR_EVENT || kid >= b->nkids ||
					    ck.start_mark.line != line_of(t, b->kids[kid].line)) {
						yaml_event_delete(&ck);
						yaml_event_delete(&cv);
						goto out;
					}
					yaml_event_delete(&ck);
					item = 0;
					if (cv.type == YAML_SEQUENCE_START_EVENT &&
					    cv.data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE) {
						for (;;) {
							yaml_event_t it;

							if (next_event(&p, &it) < 0) {
								yaml_event_delete(&cv);
								goto out;
							}
							if (it.type == YAML_SEQUENCE_END_EVENT) {
								yaml_event_delete(&it);
								break;
							}
							if (item >= b->kids[kid].nitems ||
							    it.start_mark.line !=
							    line_of(t, b->kids[kid].items[item].start) ||
							    skip_node(&p, &it) < 0) {
								yaml_event_delete(&it);
								yaml_event_delete(&cv);
								goto out;
							}
							yaml_event_delete(&it);
							item++;
						}
					} else if (skip_node(&p, &cv) < 0) {
						yaml_event_delete(&cv);
						goto out;
					}
					yaml_event_delete(&cv);
					if (item != b->kids[kid].nitems)
						goto out;
					kid++;
				}
				if (kid != b->nkids)
					goto out;
			} else if (b->nkids || skip_node(&p, &v) < 0) {
				goto out;
			}
		} else if (skip_node(&p, &v) < 0) {
			goto out;
		}
		yaml_event_delete(&e);
		yaml_event_delete(&v);
		have_e = have_v = 0;
	}
	ret = found == b->found ? 0 : -1;
out:
	if (have_e)
		yaml_event_delete(&e);
	if (have_v)
		yaml_event_delete(&v);
	yaml_parser_delete(&p);
	return ret;
}

int
yblock_scan(const char *t, size_t len, const char *key, struct yblock *b, struct err *e)
{
	struct yline *L;
	size_t n, i, first = 0, last;
	int ret = 0, chain = 1;

	memset(b, 0, sizeof(*b));
	b->child_indent = -1;
	b->unit = 2;
	b->nl = text_newline(t, len);
	for (i = 0; i < len; i++)
		if (t[i] == '\r' && (i + 1 >= len || t[i + 1] != '\n'))
			return refuse(e, t, len, i, "a carriage return without a line feed");
	lines_of(t, len, &L, &n);
	for (i = 0; i < n; i++)
		if (L[i].kind == YL_CONTENT && L[i].indent > 0) {
			b->unit = L[i].indent > 8 ? 2 : L[i].indent;
			break;
		}
	for (i = 0; i < n; i++) {
		const char *after;
		char *k;

		if (L[i].kind != YL_CONTENT || L[i].indent != 0)
			continue;
		k = line_key(t + L[i].start, t + L[i].text_end, &after);
		if (k == NULL || strcmp(k, key) != 0) {
			free(k);
			continue;
		}
		free(k);
		if (b->found) {
			ret = refuse(e, t, len, L[i].start, "duplicate top-level key");
			goto out;
		}
		b->found = 1;
		first = i;
		b->line = L[i].start;
		value_span(t, after, L[i].text_end, &b->value_start, &b->value_end);
	}
	if (!b->found)
		goto out;
	/* The block: lines up to the next top-level content line. */
	b->end = L[first].end;
	for (last = first + 1; last < n; last++)
		if (L[last].kind == YL_CONTENT && L[last].indent == 0)
			break;
	for (i = first + 1; i < last; i++) {
		const char *after;
		struct ychild *c;

		if (L[i].kind == YL_BLANK) {
			chain = 0;
			continue;
		}
		if (L[i].kind == YL_CONT) {
			/* The rest of a quoted scalar: part of whatever holds it. */
			b->end = L[i].end;
			if (b->nkids) {
				struct ychild *k = &b->kids[b->nkids - 1];

				k->end = L[i].end;
				if (k->nitems)
					k->items[k->nitems - 1].end = L[i].end;
			}
			continue;
		}
		if (L[i].kind == YL_COMMENT) {
			/* A comment right under an item (deeper than its '-'),
			 * a list or the block belongs to it. */
			if (!chain || L[i].indent == 0)
				continue;
			b->end = L[i].end;
			if (b->nkids == 0)
				continue;
			c = &b->kids[b->nkids - 1];
			if (c->nitems && L[i].indent > c->item_indent)
				c->items[c->nitems - 1].end = L[i].end;
			if (L[i].indent > b->child_indent)
				c->end = L[i].end;
			continue;
		}
		chain = 1;
		b->end = L[i].end;
		if (t[L[i].start + (size_t)L[i].indent] == '\t') {
			ret = refuse(e, t, len, L[i].start, "tab in indentation");
			goto out;
		}
		if (b->child_indent < 0)
			b->child_indent = L[i].indent;
		if (L[i].indent < b->child_indent) {
			ret = refuse(e, t, len, L[i].start, "inconsistent indentation in the block");
			goto out;
		}
		if (L[i].indent == b->child_indent && t[L[i].start + (size_t)L[i].indent] != '-') {
			char *k = line_key(t + L[i].start + L[i].indent, t + L[i].text_end, &after);

			if (k == NULL) {
				ret = refuse(e, t, len, L[i].start + (size_t)L[i].indent,
					     "not a simple key in the block");
				goto out;
			}
			{
				size_t d;

				for (d = 0; d < b->nkids; d++)
					if (strcmp(b->kids[d].key, k) == 0)
						break;
				if (d < b->nkids) {
					free(k);
					ret = refuse(e, t, len, L[i].start + (size_t)L[i].indent,
						     "duplicate key in the block");
					goto out;
				}
			}
			b->kids = xreallocarray(b->kids, b->nkids + 1, sizeof(*b->kids));
			c = &b->kids[b->nkids++];
			memset(c, 0, sizeof(*c));
			c->key = k;
			c->line = L[i].start;
			c->end = L[i].end;
			c->item_indent = -1;
			c->dash_gap = 2;
			value_span(t, after, L[i].text_end, &c->value_start, &c->value_end);
			continue;
		}
		if (b->nkids == 0) {
			ret = refuse(e, t, len, L[i].start, "the block is not a mapping");
			goto out;
		}
		c = &b->kids[b->nkids - 1];
		c->end = L[i].end;
		{
			const char *p = t + L[i].start + L[i].indent;

			if (c->item_indent < 0) {
				if (*p != '-' || c->value_end > c->value_start) {
					ret = refuse(e, t, len, L[i].start + (size_t)L[i].indent,
						     "a value that is not a block list");
					goto out;
				}
				c->item_indent = L[i].indent;
				{
					const char *q = p + 1;

					while (q < t + L[i].text_end && *q == ' ')
						q++;
					if (q < t + L[i].text_end && *q != '\r' && *q != '#')
						c->dash_gap = (int)(q - p);
				}
			}
			if (L[i].indent < c->item_indent) {
				ret = refuse(e, t, len, L[i].start, "inconsistent indentation in a list");
				goto out;
			}
			if (L[i].indent == c->item_indent) {
				if (*p != '-' || !(p + 1 >= t + L[i].text_end || p[1] == ' ' || p[1] == '\r')) {
					ret = refuse(e, t, len, L[i].start + (size_t)L[i].indent,
						     "a list item that is not a block item");
					goto out;
				}
				c->items = xreallocarray(c->items, c->nitems + 1, sizeof(*c->items));
				c->items[c->nitems].start = L[i].start;
				c->items[c->nitems].end = L[i].end;
				c->nitems++;
			} else {
				c->items[c->nitems - 1].end = L[i].end;
			}
		}
	}
out:
	free(L);
	if (ret == 0 && validate(t, len, key, b) < 0)
		ret = refuse(e, t, len, b->found ? b->line : 0,
			     "this YAML layout cannot be followed line by line");
	if (ret < 0)
		yblock_release(b);
	return ret;
}

void
yblock_release(struct yblock *b)
{
	size_t i;

	for (i = 0; i < b->nkids; i++) {
		free(b->kids[i].key);
		free(b->kids[i].items);
	}
	free(b->kids);
	b->kids = NULL;
	b->nkids = 0;
}

void
yaml_scalar(struct buf *b, const cJSON *v)
{
	const unsigned char *p;

	if (cJSON_IsBool(v)) {
		buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
		return;
	}
	if (cJSON_IsNumber(v)) {
		buf_addf(b, "%lld", (long long)v->valuedouble);
		return;
	}
	if (!cJSON_IsString(v)) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	for (p = (const unsigned char *)v->valuestring; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_addf(b, "\\x%02x", *p);
		} else {
			buf_addc(b, (char)*p);
		}
	}
	buf_addc(b, '"');
}

void
yaml_item(struct buf *b, const cJSON *m, int indent, int dash_gap, const char *nl)
{
	const cJSON *c;
	int i, first = 1;

	cJSON_ArrayForEach(c, m) {
		for (i = 0; i < indent; i++)
			buf_addc(b, ' ');
		if (first) {
			buf_addc(b, '-');
			for (i = 1; i < dash_gap; i++)
				buf_addc(b, ' ');
		} else {
			for (i = 0; i < dash_gap; i++)
				buf_addc(b, ' ');
		}
		first = 0;
		buf_adds(b, c->string);
		buf_adds(b, ": ");
		yaml_scalar(b, c);
		buf_adds(b, nl);
	}
}
