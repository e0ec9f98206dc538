/* Python-compatible JSON text (json.dumps with sort_keys and ensure_ascii)
 * and the config_hash fingerprint the backend matches servers by. */
#include "parsers/confighash.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/tree.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

size_t
utf8_decode(const char *s, size_t len, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 1;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 2;
		c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3;
		c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || p[i] < lo || p[i] > hi) {
			/* The valid prefix so far is the maximal subpart. */
			*cp = 0xfffd;
			return i;
		}
		c = c << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return need + 1;
}

size_t
utf8_length(const char *s)
{
	size_t len = strlen(s), i = 0, n = 0;
	unsigned long cp;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		n++;
	}
	return n;
}

/* Appends to a possibly capped buffer, remembering whether any failed. */
struct pyw {
	struct buf *b;
	int full;
};

static void
w_adds(struct pyw *w, const char *s)
{
	if (buf_adds(w->b, s) < 0)
		w->full = 1;
}

static void
w_addc(struct pyw *w, char c)
{
	if (buf_addc(w->b, c) < 0)
		w->full = 1;
}

static void __attribute__((format(printf, 2, 3)))
w_addf(struct pyw *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (buf_vaddf(w->b, fmt, ap) < 0)
		w->full = 1;
	va_end(ap);
}

static void
w_string(struct pyw *out, const char *s, size_t len)
{
	size_t i = 0;

	w_addc(out, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned long cp;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			w_addc(out, (char)c);
			i++;
			continue;
		}
		switch (c) {
		case '"': w_adds(out, "\\\""); i++; continue;
		case '\\': w_adds(out, "\\\\"); i++; continue;
		case '\n': w_adds(out, "\\n"); i++; continue;
		case '\r': w_adds(out, "\\r"); i++; continue;
		case '\t': w_adds(out, "\\t"); i++; continue;
		case '\b': w_adds(out, "\\b"); i++; continue;
		case '\f': w_adds(out, "\\f"); i++; continue;
		default: break;
		}
		i += utf8_decode(s + i, len - i, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			w_addf(out, "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			w_addf(out, "\\u%04lx", cp);
		}
	}
	w_addc(out, '"');
}

void
pyjson_add_string(struct buf *out, const char *s, size_t len)
{
	struct pyw w = { out, 0 };

	w_string(&w, s, len);
}

/* Split "%.Ne" output into its significant digits and decimal exponent. */
static size_t
split_exp(const char *text, char *digits, int *exp10)
{
	size_t n = 0;
	const char *p = text;

	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = '\0';
	*exp10 = *p == 'e' ? (int)strtol(p + 1, NULL, 10) : 0;
	return n;
}

static int
reads_back(const char *digits, size_t n, int exp10, double want)
{
	char tmp[48];

	snprintf(tmp, sizeof(tmp), "%c.%se%d", digits[0], n > 1 ? digits + 1 : "", exp10);
	return strtod(tmp, NULL) == want;
}

/*
 * The digit string one unit away in the last place (dir = +1 or -1), with
 * carries; returns its length (exp10 adjusted), or 0 when there is none.
 */
static size_t
neighbour(const char *digits, size_t n, int exp10, int dir, char *out, int *out_exp)
{
	size_t i;

	memcpy(out, digits, n + 1);
	*out_exp = exp10;
	for (i = n; i-- > 0;) {
		if (dir > 0 && out[i] < '9') {
			out[i]++;
			return n;
		}
		if (dir < 0 && out[i] > '0') {
			out[i]--;
			break;
		}
		out[i] = dir > 0 ? '0' : '9';
		if (i == 0) {
			if (dir < 0)
				return 0;
			/* 99 + 1: becomes 10 with the exponent one up. */
			out[0] = '1';
			memset(out + 1, '0', n - 1);
			out[n] = '\0';
			*out_exp = exp10 + 1;
			return n;
		}
	}
	if (out[0] == '0') {
		/* 10 - 1 = 09: one digit shorter, exponent one down. */
		if (n == 1)
			return 0;
		memmove(out, out + 1, n);
		*out_exp = exp10 - 1;
		return n - 1;
	}
	return n;
}

void
py_float_repr(double v, char *out, size_t n)
{
	char digits[24], cand[24], tmp[48];
	struct buf b = BUF_INIT;
	const char *sign = signbit(v) ? "-" : "";
	double a = fabs(v);
	size_t nd = 0;
	int exp10 = 0, decpt, p;

	if (isnan(v)) {
		snprintf(out, n, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(out, n, "%sinf", sign);
		return;
	}
	if (a == 0) {
		snprintf(out, n, "%s0.0", sign);
		return;
	}
	/*
	 * Shortest digits that read back (Python's repr, David Gay's mode 0).
	 * The correctly rounded p-digit string is the closest candidate; when
	 * it misses but a neighbour still reads back (the rounding interval is
	 * lopsided at powers of two), that neighbour is the answer.
	 */
	for (p = 1; p <= 17; p++) {
		int cexp;
		size_t cn;

		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, a);
		nd = split_exp(tmp, digits, &exp10);
		if (reads_back(digits, nd, exp10, a))
			break;
		cn = neighbour(digits, nd, exp10, +1, cand, &cexp);
		if (cn && reads_back(cand, cn, cexp, a)) {
			memcpy(digits, cand, cn + 1);
			nd = cn;
			exp10 = cexp;
			break;
		}
		cn = neighbour(digits, nd, exp10, -1, cand, &cexp);
		if (cn && reads_back(cand, cn, cexp, a)) {
			memcpy(digits, cand, cn + 1);
			nd = cn;
			exp10 = cexp;
			break;
		}
	}
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	decpt = exp10 + 1;
	buf_adds(&b, sign);
	if (decpt > -4 && decpt <= 16) {
		if (decpt <= 0) {
			buf_adds(&b, "0.");
			for (p = decpt; p < 0; p++)
				buf_addc(&b, '0');
			buf_adds(&b, digits);
		} else if ((size_t)decpt >= nd) {
			buf_adds(&b, digits);
			for (p = (int)nd; p < decpt; p++)
				buf_addc(&b, '0');
			buf_adds(&b, ".0");
		} else {
			buf_add(&b, digits, (size_t)decpt);
			buf_addc(&b, '.');
			buf_adds(&b, digits + decpt);
		}
	} else {
		buf_addc(&b, digits[0]);
		if (nd > 1) {
			buf_addc(&b, '.');
			buf_adds(&b, digits + 1);
		}
		buf_addf(&b, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	}
	snprintf(out, n, "%s", b.data);
	buf_release(&b);
}

/* Python int text of a TREE_INTEGER number; 0 when the text is not one. */
static int
add_int_text(struct pyw *out, const char *s)
{
	const char *p = s;
	int neg = 0, base = 10, any = 0;
	struct buf digits = BUF_INIT;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'O' ||
			    p[1] == 'b' || p[1] == 'B')) {
		base = p[1] == 'x' || p[1] == 'X' ? 16 : p[1] == 'o' || p[1] == 'O' ? 8 : 2;
		p += 2;
	}
	for (; *p; p++) {
		int d;

		if (*p == '_')
			continue;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			d = 99;
		if (d >= base)
			goto bad;
		buf_addc(&digits, (char)*p);
		any = 1;
	}
	if (!any)
		goto bad;
	if (base != 10) {
		unsigned long long v;
		char *end;

		errno = 0;
		v = strtoull(digits.data, &end, base);
		if (errno || *end)
			goto bad;
		if (v == 0)
			neg = 0;
		w_addf(out, "%s%llu", neg ? "-" : "", v);
	} else {
		const char *q = digits.data;

		while (q[0] == '0' && q[1])
			q++;
		if (q[0] == '0')
			neg = 0;
		if (neg)
			w_addc(out, '-');
		w_adds(out, q);
	}
	buf_release(&digits);
	return 1;
bad:
	buf_release(&digits);
	return 0;
}

static void
add_number(struct pyw *out, const cJSON *item, unsigned flags)
{
	char tmp[PY_FLOAT_REPR_MAX];
	double v = item->valuedouble;

	if ((item->type & TREE_INTEGER) && item->valuestring && add_int_text(out, item->valuestring))
		return;
	if (((item->type & TREE_INTEGER) || (flags & PYJSON_PLAIN_INTEGERS)) &&
	    isfinite(v) && v == floor(v) && fabs(v) <= 9007199254740992.0) {
		w_addf(out, "%.0f", v == 0 ? 0.0 : v);
		return;
	}
	if (isnan(v)) {
		w_adds(out, "NaN");
		return;
	}
	if (isinf(v)) {
		w_adds(out, v < 0 ? "-Infinity" : "Infinity");
		return;
	}
	py_float_repr(v, tmp, sizeof(tmp));
	w_adds(out, tmp);
}

struct member {
	const cJSON *item;
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

static void
newline(struct pyw *out, int indent, int depth)
{
	int i;

	w_addc(out, '\n');
	for (i = 0; i < indent * depth; i++)
		w_addc(out, ' ');
}

static int dump(struct pyw *out, const cJSON *item, unsigned flags, int indent, int depth);

static int
dump_object(struct pyw *out, const cJSON *item, unsigned flags, int indent, int depth)
{
	struct member *v = NULL;
	size_t n = 0, i, printed = 0;
	const cJSON *c;
	int ret = 0;

	for (c = item->child; c; c = c->next)
		n++;
	if (n == 0) {
		w_adds(out, "{}");
		return 0;
	}
	v = xcalloc(n, sizeof(*v));
	n = 0;
	for (c = item->child; c; c = c->next) {
		v[n].item = c;
		v[n].pos = n;
		n++;
	}
	for (i = 0; i < n; i++)
		if (v[i].item->string == NULL) {
			ret = -1;
			goto out;
		}
	if (!(flags & PYJSON_NO_SORT))
		qsort(v, n, sizeof(*v), cmp_member);
	w_addc(out, '{');
	for (i = 0; i < n; i++) {
		const char *key = v[i].item->string;

		/* Sorted: of equal keys the later one wins, as in a dict. */
		if (!(flags & PYJSON_NO_SORT) && i + 1 < n && strcmp(key, v[i + 1].item->string) == 0)
			continue;
		if (printed++)
			w_adds(out, indent >= 0 ? "," : ", ");
		if (indent >= 0)
			newline(out, indent, depth + 1);
		w_string(out, key, strlen(key));
		w_adds(out, ": ");
		ret = dump(out, v[i].item, flags, indent, depth + 1);
		if (ret < 0)
			goto out;
	}
	if (indent >= 0)
		newline(out, indent, depth);
	w_addc(out, '}');
out:
	free(v);
	return ret;
}

static int
dump(struct pyw *out, const cJSON *item, unsigned flags, int indent, int depth)
{
	const cJSON *c;

	if (depth >= PYJSON_MAX_DEPTH)
		return -1;
	switch (item->type & 0xff) {
	case cJSON_NULL:
		w_adds(out, "null");
		return 0;
	case cJSON_False:
		w_adds(out, "false");
		return 0;
	case cJSON_True:
		w_adds(out, "true");
		return 0;
	case cJSON_Number:
		add_number(out, item, flags);
		return 0;
	case cJSON_String:
		if (item->valuestring == NULL)
			return -1;
		w_string(out, item->valuestring, strlen(item->valuestring));
		return 0;
	case cJSON_Raw:
		if (item->valuestring == NULL)
			return -1;
		w_adds(out, item->valuestring);
		return 0;
	case cJSON_Array:
		if (item->child == NULL) {
			w_adds(out, "[]");
			return 0;
		}
		w_addc(out, '[');
		for (c = item->child; c; c = c->next) {
			if (c != item->child)
				w_adds(out, indent >= 0 ? "," : ", ");
			if (indent >= 0)
				newline(out, indent, depth + 1);
			if (dump(out, c, flags, indent, depth + 1) < 0)
				return -1;
		}
		if (indent >= 0)
			newline(out, indent, depth);
		w_addc(out, ']');
		return 0;
	case cJSON_Object:
		return dump_object(out, item, flags, indent, depth);
	default:
		return -1;
	}
}

int
pyjson_dump_buf(struct buf *out, const cJSON *item, unsigned flags, int indent)
{
	struct pyw w = { out, 0 };

	if (item == NULL)
		return -1;
	if (dump(&w, item, flags, indent, 0) < 0 || w.full)
		return -1;
	return 0;
}

char *
pyjson_dumps_opts(const cJSON *item, unsigned flags, int indent)
{
	struct buf b = BUF_INIT;

	if (pyjson_dump_buf(&b, item, flags, indent) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

char *
pyjson_dumps(const cJSON *item)
{
	return pyjson_dumps_opts(item, 0, -1);
}

/* Python truthiness of a configured args value (`args or []`). */
static int
py_truthy(const cJSON *v)
{
	switch (v->type & 0xff) {
	case cJSON_NULL:
	case cJSON_False:
		return 0;
	case cJSON_Number:
		return v->valuedouble != 0;
	case cJSON_String:
		return v->valuestring && v->valuestring[0];
	case cJSON_Array:
	case cJSON_Object:
		return v->child != NULL;
	default:
		return 1;
	}
}

char *
config_hash_text(const char *name, const char *parsed_type, const char *command,
		 const cJSON *args, const char *url)
{
	struct buf b = BUF_INIT;

	if (name == NULL || parsed_type == NULL)
		return NULL;
	buf_adds(&b, "{\"args\": ");
	if (args && py_truthy(args)) {
		if (pyjson_dump_buf(&b, args, 0, -1) < 0) {
			buf_release(&b);
			return NULL;
		}
	} else {
		buf_adds(&b, "[]");
	}
	buf_adds(&b, ", \"command\": ");
	if (command)
		pyjson_add_string(&b, command, strlen(command));
	else
		buf_adds(&b, "null");
	buf_adds(&b, ", \"name\": ");
	pyjson_add_string(&b, name, strlen(name));
	buf_adds(&b, ", \"type\": ");
	pyjson_add_string(&b, parsed_type, strlen(parsed_type));
	buf_adds(&b, ", \"url\": ");
	if (url)
		pyjson_add_string(&b, url, strlen(url));
	else
		buf_adds(&b, "null");
	buf_addc(&b, '}');
	return buf_detach(&b, NULL);
}

int
config_hash(const char *name, const char *parsed_type, const char *command,
	    const cJSON *args, const char *url, char out[CONFIG_HASH_HEX_LEN + 1])
{
	char *text;

	out[0] = '\0';
	if (name == NULL || parsed_type == NULL)
		return -ERR_INVALID;
	text = config_hash_text(name, parsed_type, command, args, url);
	if (text == NULL)
		return -ERR_LIMIT;
	sha256_hex(text, strlen(text), out);
	free(text);
	return 0;
}
