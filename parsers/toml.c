/* TOML 1.0.0 parser: reads a document into the shared cJSON tree (keys in
 * written order), enforcing the spec's table rules and the caller's limits. */
#include "parsers/tree.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/hex.h"
#include "util/banned.h"

/*
 * Whatever max_depth the caller asks for, the recursive descent (and the
 * recursive consumers of the tree: printer, cJSON_Delete) never nest deeper
 * than this.
 */
#define TOML_DEPTH_CAP		1024u

/* Tables with more members than this are indexed in the key map; smaller
 * ones are searched in place (cheaper, and they are most tables). */
#define TOML_SMALL_TABLE	8

/* Longest key shown in an error message, in bytes. */
#define TOML_SHOW_MAX		64

/*
 * State of a table or array while parsing, kept in the node's valueint
 * (unused by cJSON for containers) and cleared before the tree is returned.
 */
enum toml_node_flags {
	TF_EXPLICIT = 1 << 0,	/* defined by [header], or an element of [[header]] */
	TF_DOTTED = 1 << 1,	/* created by a dotted key */
	TF_SEALED = 1 << 2,	/* inline table or array value: immutable */
	TF_AOT = 1 << 3,	/* array created by [[header]] */
	TF_INDEXED = 1 << 4,	/* members are in the key map */
};
#define TF_COUNT_SHIFT	8	/* members so far, up to TOML_SMALL_TABLE + 1 */

/* Members of large tables, findable by (parent, key) in constant time. */
struct toml_slot {
	const cJSON *parent;
	cJSON *item;
	uint64_t hash;
};

struct toml_keymap {
	struct toml_slot *slots;
	size_t cap, used;
	uint64_t seed;
};

/* A parsed (possibly dotted) key: decoded parts and where each starts. */
struct toml_key {
	char **part;
	size_t *off;
	size_t n, cap;
};

struct toml_parser {
	const char *text;
	size_t len, pos;
	size_t bom;			/* 3 when the text starts with a BOM */
	const struct tree_limits *lim;
	unsigned max_depth;
	size_t nodes;
	struct err *e;
	cJSON *root;
	cJSON *cur;			/* table the next key/value pairs go into */
	unsigned cur_depth;
	char cur_name[TOML_SHOW_MAX * 4];	/* its header, for messages */
	struct toml_keymap map;
	struct toml_key key;
	struct buf str;			/* scratch: decoded strings, numbers */
};

/* ---- errors ---- */

static int __attribute__((format(printf, 4, 5)))
fail(struct toml_parser *p, int code, size_t off, const char *fmt, ...)
{
	unsigned long line, col;
	va_list ap;

	va_start(ap, fmt);
	err_vset(p->e, code, fmt, ap);
	va_end(ap);
	err_pos_of(p->text, p->len, off, &line, &col);
	/* The BOM is not a column anyone can see. */
	if (line == 1 && p->bom && col > p->bom)
		col -= p->bom;
	err_set_pos(p->e, line, col);
	return -code;
}

/* Decode one UTF-8 sequence; returns its length, 0 when invalid. */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t need, i;
	uint32_t c;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		c &= 0x07;
	} else {
		return 0;
	}
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (need == 3 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return need + 1;
}

/* Describe what is at off for "found X" in messages. */
static const char *
show_at(const struct toml_parser *p, size_t off, char *out, size_t n)
{
	unsigned char c;
	uint32_t cp;

	if (off >= p->len)
		return "end of file";
	c = (unsigned char)p->text[off];
	if (c == '\n' || c == '\r')
		return "end of line";
	if (c >= 0x21 && c < 0x7f)
		snprintf(out, n, "'%c'", c);
	else if (c == ' ')
		snprintf(out, n, "a space");
	else if (c == '\t')
		snprintf(out, n, "a tab");
	else if (utf8_decode((const unsigned char *)p->text + off, p->len - off, &cp))
		snprintf(out, n, "U+%04X", (unsigned)cp);
	else
		snprintf(out, n, "byte 0x%02X", c);
	return out;
}

/* Copy a key for a message: control characters become '?', long keys are
 * cut (on a character boundary) and end in "...". */
static const char *
show_str(const char *s, char *out, size_t n)
{
	size_t i = 0, j = 0, lim = n > 4 ? n - 4 : 0;

	while (s[i] && j < lim) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xc0) {
			/* TREE_NUL_UTF8 (U+0000): shown like the other controls. */
			out[j++] = '?';
			i += s[i + 1] ? 2 : 1;
			continue;
		}
		if (c >= 0x80) {
			size_t k = 1;

			while ((((unsigned char)s[i + k]) & 0xc0) == 0x80)
				k++;
			if (j + k > lim)
				break;
			memcpy(out + j, s + i, k);
			i += k;
			j += k;
			continue;
		}
		out[j++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		i++;
	}
	if (s[i] && n >= 4) {
		memcpy(out + j, "...", 3);
		j += 3;
	}
	if (n)
		out[j < n ? j : n - 1] = '\0';
	return out;
}

/* The first `upto` parts of the current key joined with dots, for messages. */
static const char *
show_path(const struct toml_key *k, size_t upto, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	char part[TOML_SHOW_MAX];
	size_t i;

	for (i = 0; i < upto && i < k->n; i++) {
		if (i)
			buf_addc(&b, '.');
		buf_adds(&b, show_str(k->part[i], part, sizeof(part)));
	}
	show_str(b.data, out, n);
	buf_release(&b);
	return out;
}

/* " in table [x]" when table is the current [x] section, for messages. */
static const char *
show_where(const struct toml_parser *p, const cJSON *table, char *out, size_t n)
{
	if (table != p->cur || table == p->root)
		return "";
	snprintf(out, n, " in table [%s]", p->cur_name);
	return out;
}

/* ---- limits ---- */

static int
count_node(struct toml_parser *p, size_t off)
{
	if (p->lim->max_nodes && ++p->nodes > p->lim->max_nodes)
		return fail(p, ERR_LIMIT, off, "too many values (limit %zu)",
			    p->lim->max_nodes);
	return 0;
}

static int
check_depth(struct toml_parser *p, unsigned depth, size_t off)
{
	if (depth > p->max_depth)
		return fail(p, ERR_LIMIT, off, "nesting too deep (limit %u)", p->max_depth);
	return 0;
}

/* ---- key map ---- */

static uint64_t
keymap_hash(const struct toml_keymap *m, const cJSON *parent, const char *key)
{
	uint64_t h = m->seed ^ ((uint64_t)(uintptr_t)parent * 0x9e3779b97f4a7c15ull);
	const unsigned char *s = (const unsigned char *)key;

	for (; *s; s++) {
		h ^= *s;
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static cJSON *
keymap_get(const struct toml_keymap *m, const cJSON *parent, const char *key)
{
	uint64_t h;
	size_t i;

	if (!(parent->valueint & TF_INDEXED)) {
		const cJSON *c;

		for (c = parent->child; c; c = c->next)
			if (strcmp(c->string, key) == 0)
				return (cJSON *)c;
		return NULL;
	}
	h = keymap_hash(m, parent, key);
	for (i = h & (m->cap - 1); m->slots[i].item; i = (i + 1) & (m->cap - 1)) {
		const struct toml_slot *s = &m->slots[i];

		if (s->hash == h && s->parent == parent && strcmp(s->item->string, key) == 0)
			return s->item;
	}
	return NULL;
}

static void
keymap_insert(struct toml_keymap *m, const struct toml_slot *s)
{
	size_t i = s->hash & (m->cap - 1);

	while (m->slots[i].item)
		i = (i + 1) & (m->cap - 1);
	m->slots[i] = *s;
	m->used++;
}

static void
keymap_put(struct toml_keymap *m, const cJSON *parent, cJSON *item)
{
	struct toml_slot s;

	if ((m->used + 1) * 2 > m->cap) {
		struct toml_slot *old = m->slots;
		size_t oldcap = m->cap, i;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->used = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].item)
				keymap_insert(m, &old[i]);
		free(old);
	}
	s.parent = parent;
	s.item = item;
	s.hash = keymap_hash(m, parent, item->string);
	keymap_insert(m, &s);
}

/* ---- tree building ---- */

static cJSON *
node_new(int type)
{
	cJSON *n = type == cJSON_Object ? cJSON_CreateObject() : cJSON_CreateArray();

	if (n == NULL)
		abort();
	return n;
}

/* Add item to table under key (copied); index the table once it grows. */
static void
table_add(struct toml_parser *p, cJSON *table, const char *key, cJSON *item)
{
	int n;

	if (!cJSON_AddItemToObject(table, key, item))
		abort();
	if (table->valueint & TF_INDEXED) {
		keymap_put(&p->map, table, item);
		return;
	}
	n = (table->valueint >> TF_COUNT_SHIFT) + 1;
	table->valueint = (table->valueint & ((1 << TF_COUNT_SHIFT) - 1)) |
			  (n << TF_COUNT_SHIFT);
	if (n > TOML_SMALL_TABLE) {
		cJSON *c;

		table->valueint |= TF_INDEXED;
		for (c = table->child; c; c = c->next)
			keymap_put(&p->map, table, c);
	}
}

static int
is_table(const cJSON *c)
{
	return cJSON_IsObject(c);
}

static int
is_aot(const cJSON *c)
{
	return cJSON_IsArray(c) && (c->valueint & TF_AOT);
}

/* Clear the parse-time flags (recursion bounded by the depth limit). */
static void
clear_flags(cJSON *c)
{
	for (; c; c = c->next) {
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			c->valueint = 0;
			clear_flags(c->child);
		}
	}
}

/* ---- lexing helpers ---- */

static int
at(const struct toml_parser *p, size_t off)
{
	return off < p->len ? (unsigned char)p->text[off] : -1;
}

static int
is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static void
skip_ws(struct toml_parser *p)
{
	while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t'))
		p->pos++;
}

static void
skip_comment(struct toml_parser *p)
{
	const char *nl;

	if (at(p, p->pos) != '#')
		return;
	nl = memchr(p->text + p->pos, '\n', p->len - p->pos);
	p->pos = nl ? (size_t)(nl - p->text) : p->len;
	/* A CRLF's CR stays for the newline check. */
	if (p->pos > 0 && p->pos < p->len && p->text[p->pos - 1] == '\r')
		p->pos--;
}

/* Whitespace, comments and newlines (inside arrays). */
static void
skip_ws_nl(struct toml_parser *p)
{
	for (;;) {
		int c;

		skip_ws(p);
		skip_comment(p);
		c = at(p, p->pos);
		if (c == '\n')
			p->pos++;
		else if (c == '\r' && at(p, p->pos + 1) == '\n')
			p->pos += 2;
		else
			return;
	}
}

/*
 * Whole-document checks first, so later stages can trust the bytes: valid
 * UTF-8, and no control characters but tab and LF (CR only before LF).
 */
static int
check_text(struct toml_parser *p)
{
	const unsigned char *s = (const unsigned char *)p->text;
	size_t i = p->bom;
	uint32_t cp;

	if (p->len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
		return fail(p, ERR_PARSE, 0, "document is UTF-16; TOML must be UTF-8");
	while (i < p->len) {
		unsigned char c = s[i];
		size_t n;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c == '\t' || c == '\n') {
			i++;
			continue;
		}
		if (c == '\r') {
			if (i + 1 < p->len && s[i + 1] == '\n') {
				i += 2;
				continue;
			}
			return fail(p, ERR_PARSE, i, "carriage return not followed by a line feed");
		}
		if (c < 0x80)
			return fail(p, ERR_PARSE, i, "control character U+%04X not allowed", c);
		n = utf8_decode(s + i, p->len - i, &cp);
		if (n == 0)
			return fail(p, ERR_PARSE, i, "invalid UTF-8 byte sequence");
		i += n;
	}
	return 0;
}

/* ---- strings ---- */

static void
add_utf8(struct buf *b, uint32_t cp)
{
	char u[4];

	/*
	 * The tree holds C strings, so U+0000 (only an escape can make one:
	 * check_text() refuses a raw NUL) is stored as the two bytes C0 80
	 * (TREE_NUL_UTF8, "modified UTF-8"): never valid input, so no other text
	 * can look like it, and tree_print() turns it back into \u0000.
	 */
	if (cp == 0) {
		buf_add(b, TREE_NUL_UTF8, 2);
		return;
	}
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* An escape after the backslash at p->pos (not a line-ending backslash). */
static int
parse_escape(struct toml_parser *p, struct buf *b)
{
	size_t start = p->pos, n, i;
	char tmp[16];
	uint32_t cp = 0;
	int c = at(p, p->pos + 1);

	switch (c) {
	case 'b': buf_addc(b, '\b'); break;
	case 't': buf_addc(b, '\t'); break;
	case 'n': buf_addc(b, '\n'); break;
	case 'f': buf_addc(b, '\f'); break;
	case 'r': buf_addc(b, '\r'); break;
	case '"': buf_addc(b, '"'); break;
	case '\\': buf_addc(b, '\\'); break;
	case 'u':
	case 'U':
		n = c == 'u' ? 4 : 8;
		for (i = 0; i < n; i++) {
			int h = hex_value(at(p, p->pos + 2 + i));

			if (h < 0)
				return fail(p, ERR_PARSE, start,
					    "invalid escape: \\%c needs %zu hex digits", c, n);
			cp = (cp << 4) | (uint32_t)h;
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return fail(p, ERR_PARSE, start,
				    "invalid escape: %.*s is not a Unicode scalar value",
				    (int)(n + 2), p->text + start);
		add_utf8(b, cp);
		p->pos += 2 + n;
		return 0;
	case -1:
		return fail(p, ERR_PARSE, start, "unterminated string");
	default:
		if (c >= 0x21 && c < 0x7f)
			return fail(p, ERR_PARSE, start, "invalid escape sequence '\\%c' in string",
				    c);
		return fail(p, ERR_PARSE, start,
			    "invalid escape in string: backslash followed by %s",
			    show_at(p, p->pos + 1, tmp, sizeof(tmp)));
	}
	p->pos += 2;
	return 0;
}

/*
 * A string of either kind at p->pos, decoded into p->str. multiline_ok is
 * false for keys. Multi-line strings drop a newline right after the opening
 * delimiter, turn CRLF into LF and, for basic strings, honour the
 * line-ending backslash.
 */
static int
parse_string(struct toml_parser *p, int multiline_ok)
{
	char q = p->text[p->pos];
	int basic = q == '"';
	size_t start = p->pos;
	struct buf *b = &p->str;

	buf_clear(b);
	if (at(p, p->pos + 1) == q && at(p, p->pos + 2) == q) {
		if (!multiline_ok)
			return fail(p, ERR_PARSE, start, "multi-line strings cannot be keys");
		p->pos += 3;
		if (at(p, p->pos) == '\n')
			p->pos++;
		else if (at(p, p->pos) == '\r' && at(p, p->pos + 1) == '\n')
			p->pos += 2;
		for (;;) {
			size_t run = p->pos;
			int c;

			while (p->pos < p->len && p->text[p->pos] != q && p->text[p->pos] != '\r' &&
			       !(basic && p->text[p->pos] == '\\'))
				p->pos++;
			buf_add(b, p->text + run, p->pos - run);
			c = at(p, p->pos);
			if (c == -1)
				return fail(p, ERR_PARSE, start, "unterminated multi-line string");
			if (c == '\r') {
				/* check_text() guarantees the LF. */
				buf_addc(b, '\n');
				p->pos += 2;
			} else if (c == q) {
				size_t n = 0;

				while (at(p, p->pos + n) == q)
					n++;
				if (n < 3) {
					buf_add(b, p->text + p->pos, n);
					p->pos += n;
					continue;
				}
				if (n > 5)
					return fail(p, ERR_PARSE, p->pos,
						    "too many quotes at the end of a multi-line string");
				buf_add(b, p->text + p->pos, n - 3);
				p->pos += n;
				return 0;
			} else {
				/* A backslash: line ending, or an escape. */
				size_t j = p->pos + 1;

				while (at(p, j) == ' ' || at(p, j) == '\t')
					j++;
				if (at(p, j) == '\n' || at(p, j) == '\r') {
					p->pos = j;
					while (at(p, p->pos) == ' ' || at(p, p->pos) == '\t' ||
					       at(p, p->pos) == '\n' || at(p, p->pos) == '\r')
						p->pos++;
					continue;
				}
				if (parse_escape(p, b) < 0)
					return -ERR_PARSE;
			}
		}
	}
	p->pos++;
	for (;;) {
		size_t run = p->pos;
		int c;

		while (p->pos < p->len && p->text[p->pos] != q && p->text[p->pos] != '\n' &&
		       p->text[p->pos] != '\r' && !(basic && p->text[p->pos] == '\\'))
			p->pos++;
		buf_add(b, p->text + run, p->pos - run);
		c = at(p, p->pos);
		if (c == q) {
			p->pos++;
			return 0;
		}
		if (c == -1 || c == '\n' || c == '\r')
			return fail(p, ERR_PARSE, start, "unterminated string");
		if (parse_escape(p, b) < 0)
			return -ERR_PARSE;
	}
}

/* ---- keys ---- */

static void
key_clear(struct toml_key *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->part[i]);
	k->n = 0;
}

static void
key_release(struct toml_key *k)
{
	key_clear(k);
	free(k->part);
	free(k->off);
	k->part = NULL;
	k->off = NULL;
	k->cap = 0;
}

/* A (dotted) key at p->pos into p->key; stops after trailing whitespace. */
static int
parse_key(struct toml_parser *p)
{
	struct toml_key *k = &p->key;
	char found[32];

	key_clear(k);
	for (;;) {
		size_t off;
		char *part;
		int c;

		skip_ws(p);
		off = p->pos;
		c = at(p, off);
		if (c == '"' || c == '\'') {
			if (parse_string(p, 0) < 0)
				return -ERR_PARSE;
			part = xstrdup(p->str.data);
		} else if (is_bare(c)) {
			while (is_bare(at(p, p->pos)))
				p->pos++;
			part = xstrndup(p->text + off, p->pos - off);
		} else {
			return fail(p, ERR_PARSE, off, "expected a key, found %s",
				    show_at(p, off, found, sizeof(found)));
		}
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 8;
			k->part = xreallocarray(k->part, k->cap, sizeof(*k->part));
			k->off = xreallocarray(k->off, k->cap, sizeof(*k->off));
		}
		k->part[k->n] = part;
		k->off[k->n] = off;
		k->n++;
		/* n parts make n - 1 tables: fail fast on absurd keys (the
		 * exact check, from the current table, comes later). */
		if (k->n - 1 > p->max_depth)
			return fail(p, ERR_LIMIT, off, "key nested too deep (limit %u)",
				    p->max_depth);
		skip_ws(p);
		if (at(p, p->pos) != '.')
			return 0;
		p->pos++;
	}
}

/* ---- values ---- */

static int parse_value(struct toml_parser *p, unsigned depth, cJSON **out);
static int parse_keyval(struct toml_parser *p, cJSON *table, unsigned depth);

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* n digits at off as a number, or -1. */
static int
digits(const struct toml_parser *p, size_t off, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		int c = at(p, off + (size_t)i);

		if (!is_digit(c))
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

/* HH:MM:SS[.frac] at p->pos, appended to p->str. */
static int
parse_time(struct toml_parser *p)
{
	size_t s = p->pos;
	int hh = digits(p, s, 2), mm = digits(p, s + 3, 2), ss = digits(p, s + 6, 2);

	if (hh < 0 || at(p, s + 2) != ':' || mm < 0)
		return fail(p, ERR_PARSE, s, "invalid time: expected HH:MM:SS");
	if (at(p, s + 5) != ':' || ss < 0)
		return fail(p, ERR_PARSE, s, "invalid time: seconds are required (HH:MM:SS)");
	if (hh > 23 || mm > 59 || ss > 60)
		return fail(p, ERR_PARSE, s, "invalid time %.8s: out of range", p->text + s);
	p->pos = s + 8;
	if (at(p, p->pos) == '.') {
		p->pos++;
		if (!is_digit(at(p, p->pos)))
			return fail(p, ERR_PARSE, p->pos,
				    "invalid time: expected digits after '.'");
		while (is_digit(at(p, p->pos)))
			p->pos++;
	}
	buf_add(&p->str, p->text + s, p->pos - s);
	return 0;
}

/*
 * A date, date-time or time at p->pos. The text kept is RFC 3339 with an
 * upper-case 'T' and 'Z' (the forms toml-test expects), otherwise as written.
 */
static int
parse_datetime(struct toml_parser *p, cJSON **out)
{
	size_t s = p->pos;
	int flag, y, m, d, c;
	cJSON *v;

	buf_clear(&p->str);
	if (at(p, s + 2) == ':') {
		if (parse_time(p) < 0)
			return -ERR_PARSE;
		flag = TREE_TIME_LOCAL;
		goto done;
	}
	y = digits(p, s, 4);
	m = digits(p, s + 5, 2);
	d = digits(p, s + 8, 2);
	if (y < 0 || at(p, s + 4) != '-' || m < 0 || at(p, s + 7) != '-' || d < 0)
		return fail(p, ERR_PARSE, s, "invalid date: expected YYYY-MM-DD");
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return fail(p, ERR_PARSE, s, "invalid date %.10s: no such day", p->text + s);
	buf_add(&p->str, p->text + s, 10);
	p->pos = s + 10;
	c = at(p, p->pos);
	if (!(c == 'T' || c == 't' || (c == ' ' && is_digit(at(p, p->pos + 1))))) {
		flag = TREE_DATE_LOCAL;
		goto done;
	}
	p->pos++;
	buf_addc(&p->str, 'T');
	if (!is_digit(at(p, p->pos)))
		return fail(p, ERR_PARSE, p->pos, "invalid date-time: expected a time after 'T'");
	if (parse_time(p) < 0)
		return -ERR_PARSE;
	c = at(p, p->pos);
	if (c == 'Z' || c == 'z') {
		buf_addc(&p->str, 'Z');
		p->pos++;
		flag = TREE_DATETIME;
	} else if (c == '+' || c == '-') {
		size_t o = p->pos;
		int oh = digits(p, o + 1, 2), om = digits(p, o + 4, 2);

		if (oh < 0 || at(p, o + 3) != ':' || om < 0)
			return fail(p, ERR_PARSE, o, "invalid time offset: expected %cHH:MM", c);
		if (oh > 23 || om > 59)
			return fail(p, ERR_PARSE, o, "invalid time offset %.6s: out of range",
				    p->text + o);
		buf_add(&p->str, p->text + o, 6);
		p->pos = o + 6;
		flag = TREE_DATETIME;
	} else {
		flag = TREE_DATETIME_LOCAL;
	}
done:
	v = cJSON_CreateString(p->str.data);
	if (v == NULL)
		abort();
	v->type |= flag;
	*out = v;
	return 0;
}

/* cJSON_CreateNumber() converts to int, undefined for NaN: set it here. */
static cJSON *
new_float(double d)
{
	cJSON *v = cJSON_CreateNumber(0);

	if (v == NULL)
		abort();
	v->valuedouble = d;
	v->valueint = isnan(d) ? 0 : d >= 2147483647.0 ? 2147483647 :
		      d <= -2147483648.0 ? (-2147483647 - 1) : (int)d;
	return v;
}

/*
 * Digits with single underscores between them (TOML's rule for every part
 * of a number) from *i in tok; appends the digits to b. Returns the count
 * of digits, or -1 when an underscore is misplaced.
 */
static long
number_digits(const char *tok, size_t len, size_t *i, int radix, struct buf *b)
{
	long n = 0;

	for (;;) {
		int c = *i < len ? (unsigned char)tok[*i] : -1, v = hex_value(c);

		if (c == '_') {
			if (n == 0 || *i + 1 >= len || hex_value((unsigned char)tok[*i + 1]) < 0 ||
			    hex_value((unsigned char)tok[*i + 1]) >= radix)
				return -1;
			(*i)++;
			continue;
		}
		if (v < 0 || v >= radix)
			return n;
		buf_addc(b, (char)c);
		n++;
		(*i)++;
	}
}

/*
 * Messages never quote a value: an unquoted token in a config file may be a
 * secret, and errors reach terminals, logs and the inventory. The position
 * and length say where it is.
 */
static int
bad_number(struct toml_parser *p, size_t s, size_t len, const char *why)
{
	return fail(p, ERR_PARSE, s, "invalid number (%zu characters): %s", len, why);
}

/* An integer or float token at p->pos. */
static int
parse_number(struct toml_parser *p, cJSON **out)
{
	size_t s = p->pos, len, i = 0;
	const char *tok = p->text + s;
	int neg = 0, is_float = 0, c;
	char text[32];
	long n;

	while (p->pos < p->len && (is_bare(p->text[p->pos]) || p->text[p->pos] == '.' ||
				   p->text[p->pos] == '+'))
		p->pos++;
	len = p->pos - s;
	buf_clear(&p->str);
	if (tok[0] == '+' || tok[0] == '-') {
		neg = tok[0] == '-';
		i = 1;
	}
	if (len - i == 3 && (memcmp(tok + i, "inf", 3) == 0 || memcmp(tok + i, "nan", 3) == 0)) {
		*out = new_float(tok[i] == 'i' ? (neg ? -HUGE_VAL : HUGE_VAL) : NAN);
		return 0;
	}
	if (len - i >= 2 && tok[i] == '0' && (tok[i + 1] == 'x' || tok[i + 1] == 'o' ||
					      tok[i + 1] == 'b')) {
		int radix = tok[i + 1] == 'x' ? 16 : tok[i + 1] == 'o' ? 8 : 2;
		uint64_t mag = 0;
		size_t k;

		if (i)
			return bad_number(p, s, len, "no sign allowed on hex, octal or binary");
		i = 2;
		n = number_digits(tok, len, &i, radix, &p->str);
		if (n < 0)
			return bad_number(p, s, len, "'_' must be between digits");
		if (n == 0 || i != len)
			return bad_number(p, s, len, "invalid digit");
		for (k = 0; k < (size_t)n; k++) {
			if (mag > ((uint64_t)INT64_MAX - (uint64_t)hex_value(p->str.data[k])) /
				  (uint64_t)radix)
				return bad_number(p, s, len, "integer out of range (64-bit signed)");
			mag = mag * (uint64_t)radix + (uint64_t)hex_value(p->str.data[k]);
		}
		snprintf(text, sizeof(text), "%llu", (unsigned long long)mag);
		*out = tree_new_integer_text(text);
		return 0;
	}
	if (i < len && !is_digit((unsigned char)tok[i]) && is_bare((unsigned char)tok[i]))
		return fail(p, ERR_PARSE, s,
			    "invalid value (%zu unquoted characters; strings must be quoted)", len);
	if (i + 1 < len && tok[i] == '0' && (is_digit((unsigned char)tok[i + 1]) ||
					      tok[i + 1] == '_'))
		return bad_number(p, s, len, "leading zeros are not allowed");
	if (neg)
		buf_addc(&p->str, '-');
	n = number_digits(tok, len, &i, 10, &p->str);
	if (n <= 0)
		return bad_number(p, s, len, n < 0 ? "'_' must be between digits" :
						       "expected a digit");
	if (i < len && tok[i] == '.') {
		is_float = 1;
		buf_addc(&p->str, '.');
		i++;
		n = number_digits(tok, len, &i, 10, &p->str);
		if (n <= 0)
			return bad_number(p, s, len, n < 0 ? "'_' must be between digits" :
							       "expected digits after '.'");
	}
	if (i < len && (tok[i] == 'e' || tok[i] == 'E')) {
		is_float = 1;
		buf_addc(&p->str, 'e');
		i++;
		if (i < len && (tok[i] == '+' || tok[i] == '-'))
			buf_addc(&p->str, tok[i++]);
		n = number_digits(tok, len, &i, 10, &p->str);
		if (n <= 0)
			return bad_number(p, s, len, n < 0 ? "'_' must be between digits" :
							       "expected digits in the exponent");
	}
	if (i != len)
		return bad_number(p, s, len, "unexpected characters");
	if (is_float) {
		char *end;
		double d = strtod(p->str.data, &end);

		if (*end != '\0')
			return bad_number(p, s, len, "not a float");
		if (!isfinite(d))
			return bad_number(p, s, len, "float out of range");
		*out = new_float(d);
		return 0;
	}
	{
		const char *dg = p->str.data + neg;
		uint64_t mag = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

		for (; *dg; dg++) {
			c = *dg - '0';
			if (mag > (max - (uint64_t)c) / 10)
				return bad_number(p, s, len, "integer out of range (64-bit signed)");
			mag = mag * 10 + (uint64_t)c;
		}
		snprintf(text, sizeof(text), "%s%llu", neg && mag ? "-" : "",
			 (unsigned long long)mag);
	}
	*out = tree_new_integer_text(text);
	return 0;
}

static int
parse_array(struct toml_parser *p, unsigned depth, cJSON **out)
{
	size_t open = p->pos;
	char found[32];
	cJSON *arr, *v;
	int r;

	if ((r = check_depth(p, depth, open)) < 0 || (r = count_node(p, open)) < 0)
		return r;
	arr = node_new(cJSON_Array);
	arr->valueint = TF_SEALED;
	p->pos++;
	for (;;) {
		skip_ws_nl(p);
		if (p->pos >= p->len) {
			r = fail(p, ERR_PARSE, open, "unterminated array");
			goto out;
		}
		if (p->text[p->pos] == ']')
			break;
		if ((r = parse_value(p, depth + 1, &v)) < 0)
			goto out;
		cJSON_AddItemToArray(arr, v);
		skip_ws_nl(p);
		if (at(p, p->pos) == ',') {
			p->pos++;
			continue;
		}
		if (at(p, p->pos) == ']')
			break;
		r = p->pos >= p->len ? fail(p, ERR_PARSE, open, "unterminated array") :
				       fail(p, ERR_PARSE, p->pos, "expected ',' or ']' in array, found %s",
					    show_at(p, p->pos, found, sizeof(found)));
		goto out;
	}
	p->pos++;
	*out = arr;
	return 0;
out:
	cJSON_Delete(arr);
	return r;
}

static int
parse_inline_table(struct toml_parser *p, unsigned depth, cJSON **out)
{
	size_t open = p->pos;
	char found[32];
	cJSON *tbl;
	int r;

	if ((r = check_depth(p, depth, open)) < 0 || (r = count_node(p, open)) < 0)
		return r;
	tbl = node_new(cJSON_Object);
	p->pos++;
	skip_ws(p);
	if (at(p, p->pos) != '}') {
		for (;;) {
			int c;

			if ((r = parse_keyval(p, tbl, depth)) < 0)
				goto out;
			skip_ws(p);
			c = at(p, p->pos);
			if (c == '}')
				break;
			if (c == ',') {
				p->pos++;
				skip_ws(p);
				if (at(p, p->pos) == '}') {
					r = fail(p, ERR_PARSE, p->pos,
						 "trailing comma not allowed in an inline table");
					goto out;
				}
				continue;
			}
			if (c == -1 || c == '\n' || c == '\r')
				r = fail(p, ERR_PARSE, p->pos,
					 "unterminated inline table (it must close on the same line)");
			else
				r = fail(p, ERR_PARSE, p->pos,
					 "expected ',' or '}' in inline table, found %s",
					 show_at(p, p->pos, found, sizeof(found)));
			goto out;
		}
	}
	p->pos++;
	tbl->valueint |= TF_SEALED;
	*out = tbl;
	return 0;
out:
	cJSON_Delete(tbl);
	return r;
}

/* Any value at p->pos; depth is the nesting the value has if it is an
 * array or inline table. */
static int
parse_value(struct toml_parser *p, unsigned depth, cJSON **out)
{
	size_t s = p->pos;
	char found[32];
	int c = at(p, s), r;

	*out = NULL;
	if (c == '[')
		return parse_array(p, depth, out);
	if (c == '{')
		return parse_inline_table(p, depth, out);
	if ((r = count_node(p, s)) < 0)
		return r;
	switch (c) {
	case '"':
	case '\'':
		if (parse_string(p, 1) < 0)
			return -ERR_PARSE;
		*out = cJSON_CreateString(p->str.data);
		if (*out == NULL)
			abort();
		return 0;
	case 't':
	case 'f':
		while (is_bare(at(p, p->pos)))
			p->pos++;
		if (p->pos - s == 4 && memcmp(p->text + s, "true", 4) == 0)
			*out = cJSON_CreateTrue();
		else if (p->pos - s == 5 && memcmp(p->text + s, "false", 5) == 0)
			*out = cJSON_CreateFalse();
		else
			return fail(p, ERR_PARSE, s,
				    "invalid value (%zu unquoted characters; strings must be quoted)",
				    p->pos - s);
		if (*out == NULL)
			abort();
		return 0;
	default:
		break;
	}
	if (is_digit(c) && ((is_digit(at(p, s + 1)) && at(p, s + 2) == ':') ||
			    (is_digit(at(p, s + 1)) && is_digit(at(p, s + 2)) &&
			     is_digit(at(p, s + 3)) && at(p, s + 4) == '-')))
		return parse_datetime(p, out);
	if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n')
		return parse_number(p, out);
	if (c == -1 || c == '\n' || c == '\r' || c == '#')
		return fail(p, ERR_PARSE, s, "expected a value, found %s",
			    show_at(p, s, found, sizeof(found)));
	if (is_bare(c))
		return fail(p, ERR_PARSE, s, "expected a value, found %s (strings must be quoted)",
			    show_at(p, s, found, sizeof(found)));
	return fail(p, ERR_PARSE, s, "expected a value, found %s",
		    show_at(p, s, found, sizeof(found)));
}

/*
 * key = value into table (whose nesting is depth). Dotted keys create
 * tables as they go; they may pass through tables made by other dotted keys
 * or implied by headers, never into inline tables, arrays or tables that a
 * header defined.
 */
static int
parse_keyval(struct toml_parser *p, cJSON *table, unsigned depth)
{
	char found[32], name[TOML_SHOW_MAX * 2], where[TOML_SHOW_MAX * 5];
	struct toml_key *k = &p->key;
	cJSON *t = table, *child, *v = NULL;
	char *last;
	size_t i, last_off;
	int r;

	if ((r = parse_key(p)) < 0)
		return r;
	if (at(p, p->pos) != '=')
		return fail(p, ERR_PARSE, p->pos, "expected '=' after key '%s', found %s",
			    show_path(k, k->n, name, sizeof(name)),
			    show_at(p, p->pos, found, sizeof(found)));
	p->pos++;
	skip_ws(p);
	for (i = 0; i + 1 < k->n; i++) {
		child = keymap_get(&p->map, t, k->part[i]);
		if (child == NULL) {
			if ((r = count_node(p, k->off[i])) < 0)
				return r;
			child = node_new(cJSON_Object);
			child->valueint = TF_DOTTED;
			table_add(p, t, k->part[i], child);
		} else if (!is_table(child)) {
			return fail(p, ERR_PARSE, k->off[i], "key '%s'%s is already %s, not a table",
				    show_path(k, i + 1, name, sizeof(name)),
				    show_where(p, table, where, sizeof(where)),
				    is_aot(child) ? "an array of tables" :
				    cJSON_IsArray(child) ? "an array" : "a value");
		} else if (child->valueint & TF_SEALED) {
			return fail(p, ERR_PARSE, k->off[i],
				    "cannot add keys to inline table '%s'%s",
				    show_path(k, i + 1, name, sizeof(name)),
				    show_where(p, table, where, sizeof(where)));
		} else if (child->valueint & TF_EXPLICIT) {
			/* Only reachable from a [section] (inline tables hold no
			 * header-defined tables): name the table in full. */
			return fail(p, ERR_PARSE, k->off[i],
				    "cannot add keys to table [%s%s%s] with dotted keys "
				    "outside its own section",
				    table == p->root ? "" : p->cur_name, table == p->root ? "" : ".",
				    show_path(k, i + 1, name, sizeof(name)));
		}
		if ((r = check_depth(p, ++depth, k->off[i])) < 0)
			return r;
		t = child;
	}
	last_off = k->off[k->n - 1];
	if (keymap_get(&p->map, t, k->part[k->n - 1]) != NULL)
		return fail(p, ERR_PARSE, last_off, "duplicate key '%s'%s",
			    show_path(k, k->n, name, sizeof(name)),
			    show_where(p, table, where, sizeof(where)));
	/* The key buffer is reused by inline tables inside the value. */
	last = k->part[--k->n];
	key_clear(k);
	r = parse_value(p, depth + 1, &v);
	if (r == 0)
		table_add(p, t, last, v);
	free(last);
	return r;
}

/* [a.b] or [[a.b]] at p->pos; sets the current table. */
static int
parse_header(struct toml_parser *p)
{
	char found[32], name[TOML_SHOW_MAX * 2];
	struct toml_key *k = &p->key;
	size_t i;
	int aot = at(p, p->pos + 1) == '[', r;
	unsigned depth = 0;
	cJSON *t = p->root, *child;

	p->pos += aot ? 2 : 1;
	if ((r = parse_key(p)) < 0)
		return r;
	if (at(p, p->pos) != ']' || (aot && at(p, p->pos + 1) != ']'))
		return fail(p, ERR_PARSE, p->pos, "expected '%s' to close the table header, found %s",
			    aot ? "]]" : "]", show_at(p, p->pos, found, sizeof(found)));
	p->pos += aot ? 2 : 1;
	for (i = 0; i < k->n; i++) {
		int final = i + 1 == k->n;

		child = keymap_get(&p->map, t, k->part[i]);
		if (child == NULL) {
			if ((r = count_node(p, k->off[i])) < 0)
				return r;
			if (final && aot) {
				child = node_new(cJSON_Array);
				child->valueint = TF_AOT;
			} else {
				child = node_new(cJSON_Object);
				child->valueint = final ? TF_EXPLICIT : 0;
			}
			table_add(p, t, k->part[i], child);
		} else if (is_aot(child)) {
			if (final && !aot)
				return fail(p, ERR_PARSE, k->off[i],
					    "table [%s] is already an array of tables",
					    show_path(k, i + 1, name, sizeof(name)));
		} else if (!is_table(child)) {
			return fail(p, ERR_PARSE, k->off[i], "key '%s' is already %s, not a table",
				    show_path(k, i + 1, name, sizeof(name)),
				    cJSON_IsArray(child) ? "an array" : "a value");
		} else if (child->valueint & TF_SEALED) {
			return fail(p, ERR_PARSE, k->off[i], "cannot extend inline table '%s'",
				    show_path(k, i + 1, name, sizeof(name)));
		} else if (final && aot) {
			return fail(p, ERR_PARSE, k->off[i],
				    "[[%s]] would redefine a table as an array of tables",
				    show_path(k, i + 1, name, sizeof(name)));
		} else if (final && (child->valueint & TF_DOTTED)) {
			return fail(p, ERR_PARSE, k->off[i],
				    "table [%s] was already defined by dotted keys",
				    show_path(k, i + 1, name, sizeof(name)));
		} else if (final && (child->valueint & TF_EXPLICIT)) {
			return fail(p, ERR_PARSE, k->off[i], "table [%s] defined twice",
				    show_path(k, i + 1, name, sizeof(name)));
		} else if (final) {
			child->valueint |= TF_EXPLICIT;
		}
		if ((r = check_depth(p, ++depth, k->off[i])) < 0)
			return r;
		if (is_aot(child)) {
			/* Into the last element; [[x]] first appends a new one. */
			if (final) {
				cJSON *el;

				if ((r = count_node(p, k->off[i])) < 0)
					return r;
				el = node_new(cJSON_Object);
				el->valueint = TF_EXPLICIT;
				cJSON_AddItemToArray(child, el);
			}
			if ((r = check_depth(p, ++depth, k->off[i])) < 0)
				return r;
			child = child->child->prev;
		}
		t = child;
	}
	show_path(k, k->n, p->cur_name, sizeof(p->cur_name));
	key_clear(k);
	p->cur = t;
	p->cur_depth = depth;
	return 0;
}

/* After a key/value pair or header: a comment, a newline or the end. */
static int
expect_eol(struct toml_parser *p, const char *what)
{
	char found[32];
	int c;

	skip_ws(p);
	skip_comment(p);
	c = at(p, p->pos);
	if (c == -1)
		return 0;
	if (c == '\n') {
		p->pos++;
		return 0;
	}
	if (c == '\r' && at(p, p->pos + 1) == '\n') {
		p->pos += 2;
		return 0;
	}
	return fail(p, ERR_PARSE, p->pos, "expected end of line after %s, found %s", what,
		    show_at(p, p->pos, found, sizeof(found)));
}

int
toml_parse(const char *text, size_t len, const struct tree_limits *lim, cJSON **out,
	   struct err *e)
{
	struct toml_parser p;
	int r = 0;

	*out = NULL;
	if (lim == NULL)
		lim = &tree_limits_default;
	if (text == NULL)
		len = 0;
	if (lim->max_bytes && len > lim->max_bytes)
		return err_set(e, ERR_LIMIT, "input too large (%zu bytes, limit %zu)", len,
			       lim->max_bytes);
	memset(&p, 0, sizeof(p));
	p.text = text ? text : "";
	p.len = len;
	p.lim = lim;
	p.max_depth = lim->max_depth < TOML_DEPTH_CAP ? lim->max_depth : TOML_DEPTH_CAP;
	p.e = e;
	buf_init(&p.str, 0);
	/* Key hashing is seeded per parse so colliding keys cannot be planned. */
	p.map.seed = (uint64_t)(uintptr_t)&p ^ ((uint64_t)time(NULL) << 32) ^
		     (uint64_t)(uintptr_t)p.text;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p.bom = 3;
	p.pos = p.bom;
	if ((r = check_text(&p)) < 0)
		goto out;
	if ((r = count_node(&p, 0)) < 0)
		goto out;
	p.root = node_new(cJSON_Object);
	p.root->valueint = TF_EXPLICIT;
	p.cur = p.root;
	for (;;) {
		int c;

		skip_ws(&p);
		skip_comment(&p);
		c = at(&p, p.pos);
		if (c == -1)
			break;
		if (c == '\n' || c == '\r') {
			p.pos += c == '\r' ? 2 : 1;
			continue;
		}
		if (c == '[') {
			if ((r = parse_header(&p)) < 0 || (r = expect_eol(&p, "the table header")) < 0)
				goto out;
		} else {
			if ((r = parse_keyval(&p, p.cur, p.cur_depth)) < 0 ||
			    (r = expect_eol(&p, "the value")) < 0)
				goto out;
		}
	}
	p.root->valueint = 0;
	clear_flags(p.root->child);
	*out = p.root;
	p.root = NULL;
out:
	cJSON_Delete(p.root);
	key_release(&p.key);
	buf_release(&p.str);
	free(p.map.slots);
	return r;
}
