/* Property list parser for managed preferences: a small XML reader for the
 * plist DTD and a bounds-checked bplist00 decoder, both into cJSON. */
#include "net/plist.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/tree.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct pctx {
	const char *p, *start, *end;
	unsigned depth;
	size_t nodes;
	struct err *e;
};

static int
count_node(struct pctx *c)
{
	if (++c->nodes > PLIST_MAX_NODES)
		return err_set(c->e, ERR_LIMIT, "property list has too many values (limit %u)",
			       PLIST_MAX_NODES);
	return 0;
}

/* ---- XML ---------------------------------------------------------------- */

static int
xml_fail(struct pctx *c, const char *what)
{
	unsigned long line, col;

	err_pos_of(c->start, (size_t)(c->end - c->start), (size_t)(c->p - c->start), &line, &col);
	err_set_pos(c->e, line, col);
	return err_set(c->e, ERR_PARSE, "property list: %s", what);
}

static void
skip_space(struct pctx *c)
{
	while (c->p < c->end && isspace((unsigned char)*c->p))
		c->p++;
}

static int
starts(struct pctx *c, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0;
}

/* Skip whitespace, comments, <?…?> and <!DOCTYPE …>. */
static int
skip_misc(struct pctx *c)
{
	for (;;) {
		const char *q;

		skip_space(c);
		if (starts(c, "<!--")) {
			q = c->p + 4;
			while (q + 3 <= c->end && memcmp(q, "-->", 3) != 0)
				q++;
			if (q + 3 > c->end)
				return xml_fail(c, "unterminated comment");
			c->p = q + 3;
		} else if (starts(c, "<?") || starts(c, "<!")) {
			q = memchr(c->p, '>', (size_t)(c->end - c->p));
			if (q == NULL)
				return xml_fail(c, "unterminated declaration");
			c->p = q + 1;
		} else {
			return 0;
		}
	}
}

/* Read "<name ...>" or "<name/>"; *empty set for the latter. */
static int
open_tag(struct pctx *c, char *name, size_t n, int *empty)
{
	const char *q, *gt;
	size_t len;

	if (skip_misc(c) < 0)
		return -ERR_PARSE;
	if (c->p >= c->end || *c->p != '<' || c->p + 1 >= c->end || c->p[1] == '/')
		return xml_fail(c, "expected an element");
	q = c->p + 1;
	while (q < c->end && (isalnum((unsigned char)*q)))
		q++;
	len = (size_t)(q - c->p - 1);
	if (len == 0 || len >= n)
		return xml_fail(c, "bad element name");
	memcpy(name, c->p + 1, len);
	name[len] = '\0';
	gt = memchr(q, '>', (size_t)(c->end - q));
	if (gt == NULL)
		return xml_fail(c, "unterminated element");
	*empty = gt > q && gt[-1] == '/';
	c->p = gt + 1;
	return 0;
}

static int
close_tag(struct pctx *c, const char *name)
{
	size_t n = strlen(name);

	skip_space(c);
	if ((size_t)(c->end - c->p) < n + 3 || memcmp(c->p, "</", 2) != 0 ||
	    memcmp(c->p + 2, name, n) != 0 || c->p[2 + n] != '>')
		return xml_fail(c, "mismatched closing element");
	c->p += n + 3;
	return 0;
}

static void
add_utf8(struct buf *b, unsigned long cp)
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

/* Character data up to '<', entities decoded, into a new string. */
static int
text_until_tag(struct pctx *c, char **out)
{
	struct buf b = BUF_INIT;

	while (c->p < c->end && *c->p != '<') {
		if (*c->p == '&') {
			const char *semi = memchr(c->p, ';', (size_t)(c->end - c->p));
			size_t n;

			if (semi == NULL || semi - c->p > 12)
				goto bad;
			n = (size_t)(semi - c->p - 1);
			if (n == 3 && memcmp(c->p + 1, "amp", 3) == 0)
				buf_addc(&b, '&');
			else if (n == 2 && memcmp(c->p + 1, "lt", 2) == 0)
				buf_addc(&b, '<');
			else if (n == 2 && memcmp(c->p + 1, "gt", 2) == 0)
				buf_addc(&b, '>');
			else if (n == 4 && memcmp(c->p + 1, "quot", 4) == 0)
				buf_addc(&b, '"');
			else if (n == 4 && memcmp(c->p + 1, "apos", 4) == 0)
				buf_addc(&b, '\'');
			else if (n >= 2 && c->p[1] == '#') {
				char num[16];
				char *endp;
				unsigned long cp;
				int hex = c->p[2] == 'x' || c->p[2] == 'X';

				snprintf(num, sizeof(num), "%.*s", (int)(n - 1 - hex), c->p + 2 + hex);
				errno = 0;
				cp = strtoul(num, &endp, hex ? 16 : 10);
				if (errno || *endp || num[0] == '\0' || cp == 0 || cp > 0x10ffff ||
				    (cp >= 0xd800 && cp <= 0xdfff))
					goto bad;
				add_utf8(&b, cp);
			} else {
				goto bad;
			}
			c->p = semi + 1;
		} else {
			if (*c->p == '\0')
				goto bad;
			buf_addc(&b, *c->p++);
		}
	}
	*out = buf_detach(&b, NULL);
	return 0;
bad:
	buf_release(&b);
	return xml_fail(c, "bad character data or entity");
}

static int xml_value(struct pctx *c, cJSON **out);

static int
xml_scalar(struct pctx *c, const char *name, int empty, cJSON **out)
{
	char *text = NULL;
	int ret = 0;

	if (empty)
		text = xstrdup("");
	else if ((ret = text_until_tag(c, &text)) < 0)
		return ret;
	if (strcmp(name, "string") == 0 || strcmp(name, "date") == 0 ||
	    strcmp(name, "data") == 0) {
		*out = cJSON_CreateString(text);
	} else if (strcmp(name, "integer") == 0) {
		char *endp, *t = text;
		long long v;

		while (isspace((unsigned char)*t))
			t++;
		errno = 0;
		v = strtoll(t, &endp, 10);
		while (isspace((unsigned char)*endp))
			endp++;
		if (errno || *endp || endp == t)
			ret = xml_fail(c, "bad integer");
		else
			*out = tree_new_integer(v);
	} else if (strcmp(name, "real") == 0) {
		char *endp;
		double d;

		errno = 0;
		d = strtod(text, &endp);
		if (endp == text || *endp || !isfinite(d))
			ret = xml_fail(c, "bad real");
		else
			*out = cJSON_CreateNumber(d);
	} else {
		ret = xml_fail(c, "unknown element");
	}
	free(text);
	if (ret == 0 && !empty)
		ret = close_tag(c, name);
	return ret;
}

static int
xml_value(struct pctx *c, cJSON **out)
{
	char name[16];
	int empty, ret;

	*out = NULL;
	if ((ret = count_node(c)) < 0)
		return ret;
	if ((ret = open_tag(c, name, sizeof(name), &empty)) < 0)
		return ret;
	if (strcmp(name, "true") == 0 || strcmp(name, "false") == 0) {
		*out = cJSON_CreateBool(name[0] == 't');
		return empty ? 0 : close_tag(c, name);
	}
	if (strcmp(name, "dict") == 0 || strcmp(name, "array") == 0) {
		int is_dict = name[0] == 'd';
		cJSON *coll = is_dict ? cJSON_CreateObject() : cJSON_CreateArray();

		*out = coll;
		if (empty)
			return 0;
		if (++c->depth > PLIST_MAX_DEPTH)
			return err_set(c->e, ERR_LIMIT, "property list nested too deeply");
		for (;;) {
			char *key = NULL;
			cJSON *v;

			if ((ret = skip_misc(c)) < 0)
				return ret;
			if (starts(c, "</"))
				break;
			if (is_dict) {
				char kn[16];
				int kempty;

				if ((ret = open_tag(c, kn, sizeof(kn), &kempty)) < 0)
					return ret;
				if (strcmp(kn, "key") != 0)
					return xml_fail(c, "expected <key> in <dict>");
				if (kempty)
					key = xstrdup("");
				else if ((ret = text_until_tag(c, &key)) < 0 ||
					 (ret = close_tag(c, "key")) < 0) {
					free(key);
					return ret;
				}
			}
			ret = xml_value(c, &v);
			if (ret < 0) {
				cJSON_Delete(v);
				free(key);
				return ret;
			}
			if (is_dict) {
				/* Last key wins, as CFPropertyList does. */
				cJSON_DeleteItemFromObjectCaseSensitive(coll, key);
				cJSON_AddItemToObject(coll, key, v);
			} else {
				cJSON_AddItemToArray(coll, v);
			}
			free(key);
		}
		c->depth--;
		return close_tag(c, name);
	}
	return xml_scalar(c, name, empty, out);
}

static int
xml_parse(struct pctx *c, cJSON **out)
{
	char name[16];
	int empty, ret;

	if ((ret = open_tag(c, name, sizeof(name), &empty)) < 0)
		return ret;
	if (strcmp(name, "plist") != 0 || empty)
		return xml_fail(c, "expected <plist>");
	if ((ret = xml_value(c, out)) < 0)
		return ret;
	if ((ret = close_tag(c, "plist")) < 0)
		return ret;
	if ((ret = skip_misc(c)) < 0)
		return ret;
	if (c->p != c->end)
		return xml_fail(c, "unexpected text after </plist>");
	return 0;
}

/* ---- binary ------------------------------------------------------------- */

struct bplist {
	const unsigned char *d;
	size_t len;
	unsigned off_size, ref_size;
	uint64_t n_objects, top, table;
	unsigned char *visiting;	/* per object: on the current path (cycle check) */
	struct pctx *c;
};

static uint64_t
be(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | *p++;
	return v;
}

static int
bp_fail(struct bplist *b, const char *what)
{
	return err_set(b->c->e, ERR_PARSE, "binary property list: %s", what);
}

static int
bp_offset(struct bplist *b, uint64_t ref, size_t *off)
{
	uint64_t o;

	if (ref >= b->n_objects)
		return bp_fail(b, "object reference out of range");
	o = be(b->d + b->table + ref * b->off_size, b->off_size);
	if (o < 8 || o >= b->table)
		return bp_fail(b, "object offset out of range");
	*off = (size_t)o;
	return 0;
}

/* Length nibble, or a following int object when it is 0xF. */
static int
bp_count(struct bplist *b, size_t *off, unsigned nib, uint64_t *count)
{
	unsigned m, w;

	if (nib != 0xf) {
		*count = nib;
		return 0;
	}
	if (*off >= b->table)
		return bp_fail(b, "truncated length");
	m = b->d[*off];
	if ((m >> 4) != 0x1 || (m & 0xf) > 3)
		return bp_fail(b, "bad length");
	w = 1u << (m & 0xf);
	if (*off + 1 + w > b->table)
		return bp_fail(b, "truncated length");
	*count = be(b->d + *off + 1, w);
	*off += 1 + w;
	return 0;
}

static int
bp_object(struct bplist *b, uint64_t ref, cJSON **out)
{
	size_t off = 0, need;
	unsigned m, type, nib;
	uint64_t count, i;
	int ret;

	*out = NULL;
	if ((ret = count_node(b->c)) < 0)
		return ret;
	if ((ret = bp_offset(b, ref, &off)) < 0)
		return ret;
	m = b->d[off++];
	type = m >> 4;
	nib = m & 0xf;
	switch (type) {
	case 0x0:
		if (nib == 0x8 || nib == 0x9)
			*out = cJSON_CreateBool(nib == 0x9);
		else
			*out = cJSON_CreateNull();
		return 0;
	case 0x1: {
		unsigned w = 1u << nib;
		uint64_t v;

		if (nib > 4 || off + w > b->table)
			return bp_fail(b, "bad integer");
		v = be(b->d + off + (w == 16 ? 8 : 0), w == 16 ? 8 : w);
		/* 8-byte ints are signed (two's complement); shorter ones unsigned. */
		*out = tree_new_integer((long long)(int64_t)v);
		return 0;
	}
	case 0x2: {
		uint64_t v;
		double d;

		if ((nib != 2 && nib != 3) || off + (1u << nib) > b->table)
			return bp_fail(b, "bad real");
		v = be(b->d + off, 1u << nib);
		if (nib == 2) {
			uint32_t v32 = (uint32_t)v;
			float f;

			memcpy(&f, &v32, sizeof(f));
			d = f;
		} else {
			memcpy(&d, &v, sizeof(d));
		}
		*out = isfinite(d) ? cJSON_CreateNumber(d) : cJSON_CreateNull();
		return 0;
	}
	case 0x3:
		/* A date (seconds since 2001-01-01): no managed key is one. */
		if (nib != 3 || off + 8 > b->table)
			return bp_fail(b, "bad date");
		*out = cJSON_CreateNull();
		return 0;
	case 0x4:
		if ((ret = bp_count(b, &off, nib, &count)) < 0)
			return ret;
		if (count > b->table - off)
			return bp_fail(b, "truncated data");
		*out = cJSON_CreateNull();
		return 0;
	case 0x5:
	case 0x6: {
		struct buf s = BUF_INIT;

		if ((ret = bp_count(b, &off, nib, &count)) < 0)
			return ret;
		need = type == 0x5 ? 1 : 2;
		if (count > (b->table - off) / need)
			return bp_fail(b, "truncated string");
		for (i = 0; i < count; i++) {
			if (type == 0x5) {
				unsigned char ch = b->d[off + i];

				if (ch == 0 || ch >= 0x80) {
					buf_release(&s);
					return bp_fail(b, "bad ASCII string");
				}
				buf_addc(&s, (char)ch);
			} else {
				unsigned long cp = (unsigned long)be(b->d + off + 2 * i, 2);

				if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < count) {
					unsigned long lo = (unsigned long)be(b->d + off + 2 * (i + 1), 2);

					if (lo >= 0xdc00 && lo <= 0xdfff) {
						cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
						i++;
					}
				}
				if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
					buf_release(&s);
					return bp_fail(b, "bad UTF-16 string");
				}
				add_utf8(&s, cp);
			}
		}
		*out = cJSON_CreateString(s.data);
		buf_release(&s);
		return 0;
	}
	case 0x8:
		if (nib > 7 || off + nib + 1 > b->table)
			return bp_fail(b, "bad uid");
		*out = tree_new_integer((long long)be(b->d + off, nib + 1));
		return 0;
	case 0xa:
	case 0xd: {
		int is_dict = type == 0xd;
		cJSON *coll;

		if ((ret = bp_count(b, &off, nib, &count)) < 0)
			return ret;
		if (count > (b->table - off) / b->ref_size / (is_dict ? 2 : 1))
			return bp_fail(b, "truncated collection");
		if (b->visiting[ref])
			return bp_fail(b, "collection contains itself");
		if (++b->c->depth > PLIST_MAX_DEPTH)
			return err_set(b->c->e, ERR_LIMIT, "property list nested too deeply");
		b->visiting[ref] = 1;
		coll = is_dict ? cJSON_CreateObject() : cJSON_CreateArray();
		*out = coll;
		for (i = 0; i < count; i++) {
			uint64_t vref = be(b->d + off + (i + (is_dict ? count : 0)) * b->ref_size,
					   b->ref_size);
			cJSON *v = NULL, *k = NULL;

			if (is_dict) {
				uint64_t kref = be(b->d + off + i * b->ref_size, b->ref_size);

				if ((ret = bp_object(b, kref, &k)) < 0 || !cJSON_IsString(k)) {
					cJSON_Delete(k);
					return ret < 0 ? ret : bp_fail(b, "dictionary key is not a string");
				}
			}
			if ((ret = bp_object(b, vref, &v)) < 0) {
				cJSON_Delete(k);
				cJSON_Delete(v);
				return ret;
			}
			if (is_dict) {
				cJSON_DeleteItemFromObjectCaseSensitive(coll, k->valuestring);
				cJSON_AddItemToObject(coll, k->valuestring, v);
				cJSON_Delete(k);
			} else {
				cJSON_AddItemToArray(coll, v);
			}
		}
		b->visiting[ref] = 0;
		b->c->depth--;
		return 0;
	}
	default:
		return bp_fail(b, "unknown object type");
	}
}

static int
bp_parse(struct pctx *c, const unsigned char *d, size_t len, cJSON **out)
{
	struct bplist b;
	const unsigned char *t;
	int ret;

	memset(&b, 0, sizeof(b));
	b.d = d;
	b.len = len;
	b.c = c;
	if (len < 8 + 32)
		return bp_fail(&b, "too short");
	t = d + len - 32;
	b.off_size = t[6];
	b.ref_size = t[7];
	b.n_objects = be(t + 8, 8);
	b.top = be(t + 16, 8);
	b.table = be(t + 24, 8);
	if (b.off_size < 1 || b.off_size > 8 || b.ref_size < 1 || b.ref_size > 8)
		return bp_fail(&b, "bad trailer");
	if (b.n_objects == 0 || b.n_objects > PLIST_MAX_NODES || b.top >= b.n_objects ||
	    b.table < 8 || b.table > len - 32 ||
	    b.n_objects > (len - 32 - b.table) / b.off_size)
		return bp_fail(&b, "bad trailer");
	b.visiting = xcalloc((size_t)b.n_objects, 1);
	ret = bp_object(&b, b.top, out);
	free(b.visiting);
	return ret;
}

int
plist_parse(const char *data, size_t len, cJSON **out, struct err *e)
{
	struct pctx c;
	int ret;

	*out = NULL;
	if (len > PLIST_MAX_BYTES)
		return err_set(e, ERR_LIMIT, "property list too large (%zu bytes, limit %u)", len,
			       PLIST_MAX_BYTES);
	memset(&c, 0, sizeof(c));
	c.p = c.start = data;
	c.end = data + len;
	c.e = e;
	if (len >= 8 && memcmp(data, "bplist00", 8) == 0)
		ret = bp_parse(&c, (const unsigned char *)data, len, out);
	else
		ret = xml_parse(&c, out);
	if (ret < 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return ret;
}
