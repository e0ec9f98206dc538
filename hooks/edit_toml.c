/* A statement scanner for TOML text: headers, key/values (multi-line
 * strings and arrays included), comments and blanks, with byte spans and
 * decoded key paths, for the Codex config editor. */
#include "hooks/edit_toml.h"

#include <stdlib.h>
#include <string.h>

#include "hooks/edit.h"
#include "util/hex.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct tscan {
	const char *t;
	size_t len, pos;
};

static void
skip_blank(struct tscan *s)
{
	while (s->pos < s->len && (s->t[s->pos] == ' ' || s->t[s->pos] == '\t'))
		s->pos++;
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (cp >> 18)));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* One simple key (bare, "basic" or 'literal'), decoded. NULL on error. */
static char *
scan_simple_key(struct tscan *s)
{
	struct buf b = BUF_INIT;
	char q;

	if (s->pos >= s->len)
		return NULL;
	q = s->t[s->pos];
	if (q == '"' || q == '\'') {
		s->pos++;
		while (s->pos < s->len && s->t[s->pos] != q && s->t[s->pos] != '\n') {
			char c = s->t[s->pos];

			if (q == '"' && c == '\\' && s->pos + 1 < s->len) {
				char x = s->t[++s->pos];
				unsigned long cp = 0;
				int n = x == 'u' ? 4 : x == 'U' ? 8 : 0, i;

				s->pos++;
				switch (x) {
				case 'b': buf_addc(&b, '\b'); break;
				case 't': buf_addc(&b, '\t'); break;
				case 'n': buf_addc(&b, '\n'); break;
				case 'f': buf_addc(&b, '\f'); break;
				case 'r': buf_addc(&b, '\r'); break;
				case 'e': buf_addc(&b, 0x1b); break;
				case '"': buf_addc(&b, '"'); break;
				case '\\': buf_addc(&b, '\\'); break;
				default:
					if (n == 0 || s->pos + (size_t)n > s->len)
						goto bad;
					for (i = 0; i < n; i++) {
						int v = hex_value((unsigned char)s->t[s->pos + (size_t)i]);

						if (v < 0)
							goto bad;
						cp = cp * 16 + (unsigned long)v;
					}
					s->pos += (size_t)n;
					put_utf8(&b, cp);
				}
				continue;
			}
			buf_addc(&b, c);
			s->pos++;
		}
		if (s->pos >= s->len || s->t[s->pos] != q)
			goto bad;
		s->pos++;
		return buf_detach(&b, NULL);
	}
	while (s->pos < s->len) {
		char c = s->t[s->pos];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			break;
		buf_addc(&b, c);
		s->pos++;
	}
	if (b.len == 0)
		goto bad;
	return buf_detach(&b, NULL);
bad:
	buf_release(&b);
	return NULL;
}

static void
path_add(char ***path, size_t *n, char *part)
{
	*path = xreallocarray(*path, *n + 1, sizeof(**path));
	(*path)[(*n)++] = part;
}

static void
path_free(char **path, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(path[i]);
	free(path);
}

/* A dotted key; appends its parts. -1 on error. */
static int
scan_key(struct tscan *s, char ***path, size_t *n)
{
	for (;;) {
		char *part;

		skip_blank(s);
		part = scan_simple_key(s);
		if (part == NULL)
			return -1;
		path_add(path, n, part);
		skip_blank(s);
		if (s->pos < s->len && s->t[s->pos] == '.') {
			s->pos++;
			continue;
		}
		return 0;
	}
}

/* Skip a string starting at s->pos (any of the four kinds). */
static int
skip_string(struct tscan *s)
{
	char q = s->t[s->pos];
	int multi = s->pos + 2 < s->len && s->t[s->pos + 1] == q && s->t[s->pos + 2] == q;

	if (multi) {
		s->pos += 3;
		for (;;) {
			if (s->pos >= s->len)
				return -1;
			if (q == '"' && s->t[s->pos] == '\\') {
				s->pos += 2;
				continue;
			}
			if (s->t[s->pos] == q && s->pos + 2 < s->len && s->t[s->pos + 1] == q &&
			    s->t[s->pos + 2] == q) {
				s->pos += 3;
				/* Up to two more quotes belong to the content. */
				while (s->pos < s->len && s->t[s->pos] == q)
					s->pos++;
				return 0;
			}
			s->pos++;
		}
	}
	s->pos++;
	while (s->pos < s->len && s->t[s->pos] != q && s->t[s->pos] != '\n') {
		if (q == '"' && s->t[s->pos] == '\\')
			s->pos++;
		s->pos++;
	}
	if (s->pos >= s->len || s->t[s->pos] != q)
		return -1;
	s->pos++;
	return 0;
}

/* Skip a value: strings, arrays and inline tables across lines; scalars
 * (a local date-time may hold a space) run to a comment or the line end. */
static int
skip_value(struct tscan *s)
{
	unsigned depth = 0;
	char c;

	if (s->pos >= s->len)
		return -1;
	c = s->t[s->pos];
	if (c == '"' || c == '\'')
		return skip_string(s);
	if (c != '[' && c != '{') {
		size_t end;

		while (s->pos < s->len && s->t[s->pos] != '#' && s->t[s->pos] != '\n')
			s->pos++;
		end = s->pos;
		while (end > 0 && (s->t[end - 1] == ' ' || s->t[end - 1] == '\t' ||
				   s->t[end - 1] == '\r'))
			end--;
		s->pos = end;
		return 0;
	}
	while (s->pos < s->len) {
		c = s->t[s->pos];
		if (c == '"' || c == '\'') {
			if (skip_string(s) < 0)
				return -1;
			continue;
		}
		if (c == '#') {
			while (s->pos < s->len && s->t[s->pos] != '\n')
				s->pos++;
			continue;
		}
		s->pos++;
		if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (--depth == 0)
				return 0;
		}
	}
	return -1;
}

/* Past trailing blanks, an optional comment and the line break. */
static int
finish_line(struct tscan *s)
{
	skip_blank(s);
	if (s->pos < s->len && s->t[s->pos] == '#')
		while (s->pos < s->len && s->t[s->pos] != '\n')
			s->pos++;
	if (s->pos < s->len && s->t[s->pos] == '\r')
		s->pos++;
	if (s->pos < s->len && s->t[s->pos] != '\n')
		return -1;
	if (s->pos < s->len)
		s->pos++;
	return 0;
}

static void
add_stmt(struct tdoc *d, size_t *cap, const struct tstmt *st)
{
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		d->v = xreallocarray(d->v, *cap, sizeof(*d->v));
	}
	d->v[d->n++] = *st;
}

int
tdoc_scan(struct tdoc *d, const char *text, size_t len, struct err *e)
{
	struct tscan s = { text, len, 0 };
	struct tstmt st;
	char **table = NULL;
	size_t ntable = 0, cap = 0;
	unsigned long line, col;

	memset(d, 0, sizeof(*d));
	d->text = text;
	d->len = len;
	d->nl = text_newline(text, len);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		s.pos = 3;
	memset(&st, 0, sizeof(st));
	while (s.pos < len) {
		memset(&st, 0, sizeof(st));
		st.start = text_line_start(text, s.pos);
		skip_blank(&s);
		if (s.pos >= len || text[s.pos] == '#' || text[s.pos] == '\n' || text[s.pos] == '\r') {
			st.kind = TS_OTHER;
			st.blank = s.pos >= len || text[s.pos] != '#';
			s.pos = text_next_line(text, len, s.pos);
			st.end = s.pos;
			add_stmt(d, &cap, &st);
			continue;
		}
		if (text[s.pos] == '[') {
			int aot = s.pos + 1 < len && text[s.pos + 1] == '[';
			size_t i;

			st.kind = aot ? TS_AOT : TS_TABLE;
			s.pos += aot ? 2 : 1;
			st.key_start = s.pos;
			if (scan_key(&s, &st.path, &st.npath) < 0)
				goto bad;
			st.key_end = s.pos;
			if (s.pos >= len || text[s.pos] != ']' ||
			    (aot && (s.pos + 1 >= len || text[s.pos + 1] != ']')))
				goto bad;
			s.pos += aot ? 2 : 1;
			if (finish_line(&s) < 0)
				goto bad;
			st.end = s.pos;
			path_free(table, ntable);
			table = NULL;
			ntable = 0;
			for (i = 0; i < st.npath; i++)
				path_add(&table, &ntable, xstrdup(st.path[i]));
			add_stmt(d, &cap, &st);
			continue;
		}
		st.kind = TS_KEYVAL;
		{
			size_t i;

			for (i = 0; i < ntable; i++)
				path_add(&st.path, &st.npath, xstrdup(table[i]));
		}
		st.key_start = s.pos;
		{
			size_t before = st.npath;

			if (scan_key(&s, &st.path, &st.npath) < 0)
				goto bad;
			st.nkey = st.npath - before;
		}
		st.key_end = s.pos;
		while (st.key_end > st.key_start &&
		       (text[st.key_end - 1] == ' ' || text[st.key_end - 1] == '\t'))
			st.key_end--;
		if (s.pos >= len || text[s.pos] != '=')
			goto bad;
		s.pos++;
		skip_blank(&s);
		st.val_start = s.pos;
		if (skip_value(&s) < 0)
			goto bad;
		st.val_end = s.pos;
		if (finish_line(&s) < 0)
			goto bad;
		st.end = s.pos;
		add_stmt(d, &cap, &st);
	}
	path_free(table, ntable);
	return 0;
bad:
	path_free(table, ntable);
	path_free(st.path, st.npath);	/* the statement being built */
	err_pos_of(text, len, s.pos < len ? s.pos : len, &line, &col);
	err_set(e, ERR_PARSE, "cannot follow this TOML text for editing");
	err_set_pos(e, line, col);
	tdoc_release(d);
	return -ERR_PARSE;
}

void
tdoc_release(struct tdoc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		path_free(d->v[i].path, d->v[i].npath);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

int
tstmt_has_prefix(const struct tstmt *s, const char *const *prefix, size_t n)
{
	size_t i;

	if (s->npath < n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(s->path[i], prefix[i]) != 0)
			return 0;
	return 1;
}

size_t
tdoc_table_end(const struct tdoc *d, size_t h, int sub)
{
	const struct tstmt *hd = &d->v[h];
	size_t i, last = h + 1;

	for (i = h + 1; i < d->n; i++) {
		const struct tstmt *s = &d->v[i];

		if (s->kind == TS_TABLE || s->kind == TS_AOT) {
			if (!sub || s->npath <= hd->npath ||
			    !tstmt_has_prefix(s, (const char *const *)hd->path, hd->npath))
				break;
			last = i + 1;
		} else if (s->kind == TS_KEYVAL) {
			last = i + 1;
		}
	}
	return last;
}

void
toml_quote(struct buf *b, const char *s)
{
	const unsigned char *p;

	buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p);
		} else if (*p == '\n') {
			buf_adds(b, "\\n");
		} else if (*p == '\t') {
			buf_adds(b, "\\t");
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_addf(b, "\\u%04x", *p);
		} else {
			buf_addc(b, (char)*p);
		}
	}
	buf_addc(b, '"');
}

void
toml_key(struct buf *b, const char *part)
{
	const char *p;

	for (p = part; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			break;
	if (*p == '\0' && p != part)
		buf_adds(b, part);
	else
		toml_quote(b, part);
}
