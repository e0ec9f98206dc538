/* Redaction of secrets before anything leaves the machine: env and header
 * values (contract §3.6), URL credentials and query values, and args. */
#include "parsers/redact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parsers/confighash.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Nesting of --a=--b=… values handled before falling back to plain text. */
#define REDACT_MAX_DEPTH 4

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int
is_quote(int c)
{
	return c == '"' || c == '\'' || c == '`';
}

static size_t
code_points(const char *s, size_t len)
{
	size_t i = 0, n = 0;
	unsigned long cp;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		n++;
	}
	return n;
}

/* A marker this module wrote: "<redacted>" or "<redacted:len=N>". */
static int
is_marker(const char *s, size_t len)
{
	size_t i;

	if (len == 10 && memcmp(s, "<redacted>", 10) == 0)
		return 1;
	if (len < 16 || memcmp(s, "<redacted:len=", 14) != 0 || s[len - 1] != '>')
		return 0;
	for (i = 14; i < len - 1; i++)
		if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return 1;
}

static void
add_redacted(struct buf *out, const char *s, size_t len)
{
	/* Passes run one after another; never count a marker as a secret. */
	if (is_marker(s, len))
		buf_add(out, s, len);
	else
		buf_addf(out, "<redacted:len=%zu>", code_points(s, len));
}

/* ---- references (contract §3.6 rule b, and the broader arg form) ---- */

/* Length of NAME = [A-Za-z_][A-Za-z0-9_.-]* at s, 0 when none. */
static size_t
ref_name(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !(is_alpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(is_alnum(c) || c == '_' || c == '.' || c == '-'))
			break;
	}
	return i;
}

/* Length of an upper-case environment name [A-Z_][A-Z0-9_]+ at s. */
static size_t
upper_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !(is_upper((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < len; i++)
		if (!(is_upper((unsigned char)s[i]) || is_digit((unsigned char)s[i]) || s[i] == '_'))
			break;
	return i >= 2 ? i : 0;
}

/*
 * Length of a reference token at s, 0 when none. Strict: ${NAME},
 * ${env:NAME}, {env:NAME}. Broad (args) adds ${anything-without-spaces}
 * such as ${input:x} or ${user_config.key}, $UPPER and %UPPER%.
 */
static size_t
ref_token(const char *s, size_t len, int broad)
{
	size_t i, n;

	if (len >= 3 && s[0] == '$' && s[1] == '{') {
		i = 2;
		if (broad) {
			while (i < len && (is_alnum((unsigned char)s[i]) || s[i] == '_' ||
					   s[i] == '.' || s[i] == ':' || s[i] == '-'))
				i++;
			return i > 2 && i < len && s[i] == '}' ? i + 1 : 0;
		}
		if (len - i >= 4 && strncasecmp(s + i, "env:", 4) == 0)
			i += 4;
		n = ref_name(s + i, len - i);
		if (n == 0 && i > 2) {
			/* "${env}" is the name "env", not the prefix. */
			i = 2;
			n = ref_name(s + i, len - i);
		}
		return n && i + n < len && s[i + n] == '}' ? i + n + 1 : 0;
	}
	if (len >= 6 && s[0] == '{' && strncasecmp(s + 1, "env:", 4) == 0) {
		n = ref_name(s + 5, len - 5);
		return n && 5 + n < len && s[5 + n] == '}' ? 5 + n + 1 : 0;
	}
	if (broad && len >= 3 && s[0] == '$') {
		n = upper_name(s + 1, len - 1);
		return n ? n + 1 : 0;
	}
	if (broad && len >= 4 && s[0] == '%') {
		n = upper_name(s + 1, len - 1);
		return n && 1 + n < len && s[1 + n] == '%' ? n + 2 : 0;
	}
	return 0;
}

static size_t
scheme_word(const char *s, size_t len)
{
	static const char *const words[] = { "bearer", "basic", "token" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		if (len >= n && strncasecmp(s, words[i], n) == 0)
			return n;
	}
	return 0;
}

/* 1 when s holds at least one reference and otherwise only the words and
 * punctuation rule (b) allows. */
static int
is_reference(const char *s, size_t len, int broad)
{
	struct buf rest = BUF_INIT;
	size_t i = 0, n;
	int tokens = 0, ret = 0;

	while (i < len) {
		n = ref_token(s + i, len - i, broad);
		if (n) {
			tokens++;
			i += n;
		} else {
			buf_addc(&rest, s[i++]);
		}
	}
	if (tokens == 0)
		goto out;
	for (i = 0; i < rest.len;) {
		char c = rest.data[i];

		if (c == ' ' || c == '\t' || c == ':' || c == '=' || c == '_' || c == '-') {
			i++;
			continue;
		}
		n = scheme_word(rest.data + i, rest.len - i);
		if (n == 0)
			goto out;
		i += n;
	}
	ret = 1;
out:
	buf_release(&rest);
	return ret;
}

int
redact_is_reference(const char *value)
{
	return value && is_reference(value, strlen(value), 0);
}

/* ---- §3.6 env and header values ---- */

char *
redact_value(const char *key, const char *value, int is_env)
{
	static const char *const keep[] = { "DEBUG", "HOST", "LOG_LEVEL", "NODE_ENV", "PORT", "TZ" };
	struct buf b = BUF_INIT;
	size_t i;

	if (value == NULL)
		return NULL;
	if (is_env && key)
		for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (strcasecmp(key, keep[i]) == 0)
				return xstrdup(value);
	if (is_reference(value, strlen(value), 0))
		return xstrdup(value);
	add_redacted(&b, value, strlen(value));
	return buf_detach(&b, NULL);
}

char *
redact_stringify(const cJSON *v)
{
	char tmp[PY_FLOAT_REPR_MAX];

	if (v == NULL)
		return NULL;
	switch (v->type & 0xff) {
	case cJSON_NULL:
		return NULL;
	case cJSON_True:
		return xstrdup("True");
	case cJSON_False:
		return xstrdup("False");
	case cJSON_String:
		return xstrdup(v->valuestring ? v->valuestring : "");
	case cJSON_Number:
		/* str(float("inf")) is "inf", where json.dumps says Infinity. */
		if (!(v->type & TREE_INTEGER) && !isfinite(v->valuedouble)) {
			py_float_repr(v->valuedouble, tmp, sizeof(tmp));
			return xstrdup(tmp);
		}
		return pyjson_dumps(v);
	default: {
		char *s = pyjson_dumps(v);

		return s ? s : xstrdup("");
	}
	}
}

char *
redact_json_value(const char *key, const cJSON *value, int is_env)
{
	char *s = redact_stringify(value), *r;

	if (s == NULL)
		return NULL;
	r = redact_value(key, s, is_env);
	free(s);
	return r;
}

/* Turn item into the string s in place, keeping its key and position. */
static void
set_string(cJSON *item, const char *s)
{
	size_t len = strlen(s);
	char *copy = cJSON_malloc(len + 1);

	if (copy == NULL)
		abort();
	memcpy(copy, s, len + 1);
	if (!(item->type & cJSON_IsReference)) {
		cJSON_Delete(item->child);
		cJSON_free(item->valuestring);
	}
	item->child = NULL;
	item->valuestring = copy;
	item->valueint = 0;
	item->valuedouble = 0;
	item->type = cJSON_String | (item->type & cJSON_StringIsConst);
}

void
redact_map(cJSON *obj, int is_env)
{
	cJSON *c, *next;

	if (!cJSON_IsObject(obj))
		return;
	for (c = obj->child; c; c = next) {
		char *r = redact_json_value(c->string, c, is_env);

		next = c->next;
		if (r == NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
		else
			set_string(c, r);
		free(r);
	}
}

/* ---- known token shapes ---- */

enum shape_chars {
	SC_ALNUM,		/* [A-Za-z0-9] */
	SC_ALNUM_US,		/* [A-Za-z0-9_] */
	SC_ALNUM_DASH,		/* [A-Za-z0-9-] */
	SC_B64URL,		/* [A-Za-z0-9_-] */
	SC_UPPER_DIGIT,		/* [A-Z0-9] */
};

enum shape_flags {
	SF_EXACT = 1,		/* body exactly min long, then no alphanumeric */
	SF_MIXED = 2,		/* body needs a digit or an upper-case letter */
};

struct shape {
	const char *prefix;
	enum shape_chars chars;
	size_t min;
	unsigned flags;
};

/* Longer prefixes first where one extends another (sk-ant- before sk-). */
static const struct shape shapes[] = {
	{ "github_pat_", SC_ALNUM_US, 20, 0 },
	{ "ghp_", SC_ALNUM, 20, 0 },
	{ "gho_", SC_ALNUM, 20, 0 },
	{ "ghu_", SC_ALNUM, 20, 0 },
	{ "ghs_", SC_ALNUM, 20, 0 },
	{ "ghr_", SC_ALNUM, 20, 0 },
	{ "glpat-", SC_B64URL, 20, 0 },
	{ "sk-ant-", SC_B64URL, 20, 0 },
	{ "sk-proj-", SC_B64URL, 20, 0 },
	{ "sk-", SC_B64URL, 20, SF_MIXED },
	{ "xoxa-", SC_ALNUM_DASH, 10, 0 },
	{ "xoxb-", SC_ALNUM_DASH, 10, 0 },
	{ "xoxp-", SC_ALNUM_DASH, 10, 0 },
	{ "xoxo-", SC_ALNUM_DASH, 10, 0 },
	{ "xoxs-", SC_ALNUM_DASH, 10, 0 },
	{ "xoxr-", SC_ALNUM_DASH, 10, 0 },
	{ "xapp-", SC_ALNUM_DASH, 10, 0 },
	{ "AKIA", SC_UPPER_DIGIT, 16, SF_EXACT },
	{ "ASIA", SC_UPPER_DIGIT, 16, SF_EXACT },
	{ "AIza", SC_B64URL, 30, 0 },
	{ "sk_live_", SC_ALNUM, 10, 0 },
	{ "rk_live_", SC_ALNUM, 10, 0 },
	{ "sk_test_", SC_ALNUM, 10, 0 },
	{ "rk_test_", SC_ALNUM, 10, 0 },
	{ "whsec_", SC_ALNUM, 10, 0 },
	{ "npm_", SC_ALNUM, 30, 0 },
	{ "hf_", SC_ALNUM, 30, 0 },
	{ "pypi-", SC_B64URL, 50, 0 },
	{ "dop_v1_", SC_ALNUM, 40, 0 },
	{ "xai-", SC_ALNUM, 40, 0 },
	{ "gsk_", SC_ALNUM, 40, 0 },
	{ "rl_org_", SC_B64URL, 16, 0 },
};

#define N_SHAPES (sizeof(shapes) / sizeof(shapes[0]))

static int
in_chars(enum shape_chars k, unsigned char c)
{
	switch (k) {
	case SC_ALNUM:
		return is_alnum(c);
	case SC_ALNUM_US:
		return is_alnum(c) || c == '_';
	case SC_ALNUM_DASH:
		return is_alnum(c) || c == '-';
	case SC_B64URL:
		return is_alnum(c) || c == '_' || c == '-';
	case SC_UPPER_DIGIT:
		return is_upper(c) || is_digit(c);
	}
	return 0;
}

/*
 * Try shape k at s (a word boundary). Returns the token length, or 0 and
 * sets *fail_end to where the body ended: no later start before that point
 * can match this shape either (its body would be a suffix of this one).
 */
static size_t
match_shape(const struct shape *k, const char *s, size_t len, size_t *fail_end)
{
	size_t pl = strlen(k->prefix), i, body;
	int mixed = 0;

	*fail_end = 0;
	if (len < pl || memcmp(s, k->prefix, pl) != 0)
		return 0;
	for (i = pl; i < len && in_chars(k->chars, (unsigned char)s[i]); i++)
		if (is_digit((unsigned char)s[i]) || is_upper((unsigned char)s[i]))
			mixed = 1;
	body = i - pl;
	*fail_end = i;
	if (k->flags & SF_EXACT) {
		if (body < k->min)
			return 0;
		if (pl + k->min < len && is_alnum((unsigned char)s[pl + k->min]))
			return 0;
		return pl + k->min;
	}
	if (body < k->min || ((k->flags & SF_MIXED) && !mixed))
		return 0;
	return i;
}

static size_t
b64url_run(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && in_chars(SC_B64URL, (unsigned char)s[i]))
		i++;
	return i;
}

/* eyJ….eyJ….sig: header and payload are base64url JSON objects. */
static size_t
match_jwt(const char *s, size_t len)
{
	size_t a, b, c;

	if (len < 3 || memcmp(s, "eyJ", 3) != 0)
		return 0;
	a = b64url_run(s, len);
	if (a < 8 || a >= len || s[a] != '.')
		return 0;
	if (len - a - 1 < 3 || memcmp(s + a + 1, "eyJ", 3) != 0)
		return 0;
	b = b64url_run(s + a + 1, len - a - 1);
	if (b < 8 || a + 1 + b >= len || s[a + 1 + b] != '.')
		return 0;
	c = b64url_run(s + a + 2 + b, len - a - 2 - b);
	return a + 2 + b + c;
}

/* Copy s to out, replacing every known token shape. */
static void
redact_shapes(struct buf *out, const char *s, size_t len)
{
	size_t skip[N_SHAPES], i = 0, k, jwt_skip = 0;

	memset(skip, 0, sizeof(skip));
	while (i < len) {
		size_t n = 0;

		if (i == 0 || !is_alnum((unsigned char)s[i - 1])) {
			for (k = 0; k < N_SHAPES && n == 0; k++) {
				size_t end;

				if (i < skip[k])
					continue;
				n = match_shape(&shapes[k], s + i, len - i, &end);
				if (n == 0 && end)
					skip[k] = i + end;
			}
			if (n == 0 && i >= jwt_skip && len - i >= 3 && memcmp(s + i, "eyJ", 3) == 0) {
				/* A later start in the same run would fail the same way. */
				n = match_jwt(s + i, len - i);
				if (n == 0)
					jwt_skip = i + 1 + b64url_run(s + i, len - i);
			}
		}
		if (n) {
			add_redacted(out, s + i, n);
			i += n;
		} else {
			buf_addc(out, s[i++]);
		}
	}
}

/* ---- URLs ---- */

static void
add_url_value(struct buf *out, const char *s, size_t len)
{
	if (len == 0 || is_reference(s, len, 1))
		buf_add(out, s, len);
	else
		buf_adds(out, "<redacted>");
}

/* A host[:port] that cannot be one: the port is not numeric, or there is
 * more than one ':' outside brackets. Then a later '@' ends the userinfo. */
static int
implausible_authority(const char *s, size_t len)
{
	const char *colon, *p = s;
	size_t i;

	if (len && s[0] == '[') {
		const char *rb = memchr(s, ']', len);

		if (rb == NULL)
			return 1;
		p = rb + 1;
		len -= (size_t)(p - s);
		if (len == 0)
			return 0;
		if (p[0] != ':')
			return 1;
	}
	colon = memchr(p, ':', len);
	if (colon == NULL)
		return 0;
	if (colon == s)
		return 1;	/* ":pw" is no host */
	for (i = (size_t)(colon - p) + 1; i < len; i++)
		if (!is_digit((unsigned char)p[i]))
			return 1;
	return 0;
}

static size_t
span_until(const char *s, size_t len, const char *stops)
{
	size_t i = 0;

	while (i < len && strchr(stops, s[i]) == NULL)
		i++;
	return i;
}

/* Userinfo, query values and fragment of the URL in s[0..len). */
static void
redact_url_parts(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, j;

	if (len && is_alpha((unsigned char)s[0])) {
		j = 1;
		while (j < len && (is_alnum((unsigned char)s[j]) || s[j] == '+' || s[j] == '-' ||
				   s[j] == '.'))
			j++;
		if (j < len && s[j] == ':')
			i = j + 1;
	}
	buf_add(out, s, i);
	if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		size_t a = i + 2, e = a + span_until(s + a, len - a, "/?#"), at = 0, k;

		for (k = a; k < e; k++)
			if (s[k] == '@')
				at = k + 1;
		if (at == 0 && implausible_authority(s + a, e - a)) {
			const char *q = memchr(s + e, '@', len - e);

			if (q)
				at = (size_t)(q - s) + 1;
		}
		if (at) {
			a = at;
			e = a + span_until(s + a, len - a, "/?#");
		}
		buf_adds(out, "//");
		buf_add(out, s + a, e - a);
		i = e;
	}
	j = i + span_until(s + i, len - i, "?#");
	buf_add(out, s + i, j - i);
	i = j;
	if (i < len && s[i] == '?') {
		size_t end;

		i++;
		end = i + span_until(s + i, len - i, "#");
		buf_addc(out, '?');
		while (i < end) {
			size_t p = i + span_until(s + i, end - i, "&");
			const char *eq = memchr(s + i, '=', p - i);

			if (eq) {
				size_t nl = (size_t)(eq - (s + i)) + 1;

				buf_add(out, s + i, nl);
				add_url_value(out, s + i + nl, p - i - nl);
			} else {
				add_url_value(out, s + i, p - i);
			}
			i = p;
			if (i < end) {
				buf_addc(out, '&');
				i++;
			}
		}
	}
	if (i < len && s[i] == '#') {
		buf_addc(out, '#');
		add_url_value(out, s + i + 1, len - i - 1);
	}
}

char *
redact_url(const char *url)
{
	struct buf tmp = BUF_INIT, out = BUF_INIT;

	if (url == NULL)
		return NULL;
	redact_url_parts(&tmp, url, strlen(url));
	redact_shapes(&out, tmp.data, tmp.len);
	buf_release(&tmp);
	return buf_detach(&out, NULL);
}

/* URLs inside free text (one word): scheme://… up to a quote or '<'/'>'. */
static void
redact_urls_in(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *hit = NULL;
		size_t k, start, end;

		for (k = i; k + 3 <= len; k++)
			if (s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/') {
				hit = s + k;
				break;
			}
		if (hit == NULL)
			break;
		k = (size_t)(hit - s);
		start = k;
		while (start > i && (is_alnum((unsigned char)s[start - 1]) || s[start - 1] == '+' ||
				     s[start - 1] == '-' || s[start - 1] == '.'))
			start--;
		while (start < k && !is_alpha((unsigned char)s[start]))
			start++;
		if (start == k) {
			buf_add(out, s + i, k + 3 - i);
			i = k + 3;
			continue;
		}
		end = k;
		while (end < len && !is_space((unsigned char)s[end]) && !is_quote((unsigned char)s[end]) &&
		       s[end] != '<' && s[end] != '>')
			end++;
		buf_add(out, s + i, start - i);
		redact_url_parts(out, s + start, end - start);
		i = end;
	}
	buf_add(out, s + i, len - i);
}

/* URLs, then token shapes. */
static void
redact_plain(struct buf *out, const char *s, size_t len)
{
	struct buf tmp = BUF_INIT;

	redact_urls_in(&tmp, s, len);
	redact_shapes(out, tmp.data, tmp.len);
	buf_release(&tmp);
}

/* ---- secret names ---- */

enum name_kind {
	NAME_PLAIN = 0,
	NAME_SECRET,
	NAME_MAYBE,		/* *key: secret when the value looks like one */
};

#define NAME_WORDS 12
#define WORD_MAX 32

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

static int
word_in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/* Split at - _ . space and camelCase humps into lower-case words. */
static size_t
split_words(const char *s, size_t len, char words[NAME_WORDS][WORD_MAX])
{
	size_t n = 0, wl = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int brk = 0;

		if (!is_alnum(c)) {
			if (wl) {
				words[n - 1][wl < WORD_MAX ? wl : WORD_MAX - 1] = '\0';
				wl = 0;
			}
			continue;
		}
		if (wl && is_upper(c)) {
			unsigned char p = (unsigned char)s[i - 1];

			/* apiKey → api key; APIKey → api key; but API stays one word. */
			if (!is_upper(p) || (i + 1 < len && s[i + 1] >= 'a' && s[i + 1] <= 'z'))
				brk = 1;
		}
		if (brk) {
			words[n - 1][wl < WORD_MAX ? wl : WORD_MAX - 1] = '\0';
			wl = 0;
		}
		if (wl == 0) {
			/* Keep the last NAME_WORDS words: the last one decides. */
			if (n == NAME_WORDS) {
				memmove(words[0], words[1], (NAME_WORDS - 1) * sizeof(words[0]));
				n--;
			}
			n++;
		}
		if (wl < WORD_MAX - 1)
			words[n - 1][wl] = (char)(is_upper(c) ? c - 'A' + 'a' : c);
		wl++;
	}
	if (wl)
		words[n - 1][wl < WORD_MAX ? wl : WORD_MAX - 1] = '\0';
	return n;
}

static enum name_kind
name_kind(const char *s, size_t len)
{
	static const char *const secret_words[] = {
		"pwd", "pass", "pat", "auth", "bearer", "authorization", "credential",
		"credentials", "cookie", NULL,
	};
	static const char *const secret_suffixes[] = {
		"token", "secret", "password", "passwd", "passphrase", "apikey", NULL,
	};
	static const char *const strong_key[] = {
		"api", "access", "secret", "private", "auth", "client", "master", "encryption",
		"signing", "license", "licence", "subscription", "session", "admin", "service",
		"account", "deploy", "webhook", NULL,
	};
	static const char *const plain_key[] = {
		"public", "pub", "sort", "primary", "foreign", "partition", "cache", "idempotency",
		"lookup", "group", "routing", "shard", "hot", "map", "dedup", "dedupe", NULL,
	};
	char words[NAME_WORDS][WORD_MAX];
	const char *last;
	size_t n = split_words(s, len, words);
	const char *const *p;

	if (n == 0)
		return NAME_PLAIN;
	if (n > 1 && strcmp(words[0], "no") == 0)
		return NAME_PLAIN;
	last = words[n - 1];
	if (word_in(last, secret_words))
		return NAME_SECRET;
	for (p = secret_suffixes; *p; p++)
		if (ends_with(last, *p))
			return NAME_SECRET;
	if (strcmp(last, "key") == 0 || strcmp(last, "keys") == 0) {
		if (n == 1)
			return NAME_MAYBE;
		if (word_in(words[n - 2], strong_key))
			return NAME_SECRET;
		if (word_in(words[n - 2], plain_key))
			return NAME_PLAIN;
		return NAME_MAYBE;
	}
	if (ends_with(last, "key")) {
		for (p = strong_key; *p; p++) {
			size_t l = strlen(*p);

			if (strlen(last) == l + 3 && strncmp(last, *p, l) == 0)
				return NAME_SECRET;
		}
		return NAME_MAYBE;
	}
	return NAME_PLAIN;
}

/* A bare value that looks like a key rather than a name or a path. */
static int
looks_like_credential(const char *s, size_t len)
{
	size_t i;
	int digit = 0, alpha = 0;

	if (len < 16 || s[0] == '/' || s[0] == '~' || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_space(c) || c == '.' || c == '\\')
			return 0;
		if (is_digit(c))
			digit = 1;
		else if (is_alpha(c))
			alpha = 1;
	}
	return digit && alpha;
}

/* ---- args ---- */

enum ctx {
	CTX_NONE = 0,
	CTX_SECRET,		/* after --password: the next word is the value */
	CTX_MAYBE,		/* after --key: the next word if credential-like */
	CTX_SCHEME,		/* after Bearer/Basic */
	CTX_HEADER,		/* after "Authorization:": scheme word or value */
};

static size_t
auth_scheme(const char *s, size_t len)
{
	static const char *const words[] = { "bearer", "basic", "token", "digest", "bot" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		if (len >= n && strncasecmp(s, words[i], n) == 0 &&
		    (len == n || is_space((unsigned char)s[n])))
			return n;
	}
	return 0;
}

/* Header-name characters, as in "X-API-Key". */
static size_t
header_name(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (is_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	return i;
}

static void
strip_quotes(const char **s, size_t *len, size_t *lead, size_t *trail)
{
	*lead = *trail = 0;
	while (*len && is_quote((unsigned char)(*s)[0])) {
		(*s)++;
		(*len)--;
		(*lead)++;
	}
	while (*len && is_quote((unsigned char)(*s)[*len - 1])) {
		(*len)--;
		(*trail)++;
	}
}

/* Leading dashes of a long flag (-name or --name), 0 when not one. */
static size_t
flag_dashes(const char *s, size_t len)
{
	size_t d = 0;

	while (d < len && d < 2 && s[d] == '-')
		d++;
	if (d == 0 || d >= len || !is_alpha((unsigned char)s[d]))
		return 0;
	return d;
}

/* What a word means for the word after it. */
static enum ctx
word_ctx(const char *s, size_t len)
{
	size_t lead, trail, d, n;

	strip_quotes(&s, &len, &lead, &trail);
	if (len == 0)
		return CTX_NONE;
	d = flag_dashes(s, len);
	if (d && memchr(s, '=', len) == NULL && len - d >= 2) {
		switch (name_kind(s + d, len - d)) {
		case NAME_SECRET: return CTX_SECRET;
		case NAME_MAYBE: return CTX_MAYBE;
		default: return CTX_NONE;
		}
	}
	if ((len == 6 && strncasecmp(s, "bearer", 6) == 0) ||
	    (len == 5 && strncasecmp(s, "basic", 5) == 0))
		return CTX_SCHEME;
	n = header_name(s, len);
	if (n && n < len && s[n] == ':' && name_kind(s, n) == NAME_SECRET) {
		if (n + 1 == len)
			return CTX_HEADER;
		if (auth_scheme(s + n + 1, len - n - 1) == len - n - 1)
			return CTX_SCHEME;
	}
	return CTX_NONE;
}

/* A secret value: keep a leading auth scheme word and references. */
static void
add_secret_value(struct buf *out, const char *s, size_t len)
{
	size_t n = auth_scheme(s, len);

	if (n) {
		buf_add(out, s, n);
		s += n;
		len -= n;
		n = 0;
		while (n < len && is_space((unsigned char)s[n]))
			n++;
		buf_add(out, s, n);
		s += n;
		len -= n;
	}
	if (len == 0 || is_reference(s, len, 1))
		buf_add(out, s, len);
	else
		add_redacted(out, s, len);
}

static void redact_unit(struct buf *out, enum ctx ctx, const char *s, size_t len, int whole,
			int depth);

/* Split at whitespace and redact word by word, each knowing the last. */
static void
redact_words(struct buf *out, enum ctx ctx, const char *s, size_t len, int depth)
{
	size_t i = 0;

	while (i < len) {
		size_t w = i;

		while (w < len && is_space((unsigned char)s[w]))
			w++;
		buf_add(out, s + i, w - i);
		i = w;
		while (w < len && !is_space((unsigned char)s[w]))
			w++;
		if (w > i) {
			redact_unit(out, ctx, s + i, w - i, 0, depth);
			ctx = word_ctx(s + i, w - i);
		}
		i = w;
	}
}

/*
 * One argument (whole) or one word of it. ctx says what came before. The
 * flag, NAME=VALUE and header rules see the whole text, so a value with
 * spaces after --token= is redacted entirely.
 */
static void
redact_unit(struct buf *out, enum ctx ctx, const char *s, size_t len, int whole, int depth)
{
	size_t lead, trail, d, n;
	const char *eq;

	strip_quotes(&s, &len, &lead, &trail);
	buf_add(out, s - lead, lead);
	if (len == 0)
		goto out;
	if (ctx == CTX_SECRET || ctx == CTX_SCHEME || ctx == CTX_HEADER) {
		int next_flag = len >= 3 && s[0] == '-' && s[1] == '-' && is_alpha((unsigned char)s[2]);

		if (!next_flag) {
			if (ctx == CTX_SCHEME && auth_scheme(s, len) == len)
				buf_add(out, s, len);
			else
				add_secret_value(out, s, len);
			goto out;
		}
	}
	if (ctx == CTX_MAYBE && looks_like_credential(s, len) && !is_reference(s, len, 1)) {
		add_redacted(out, s, len);
		goto out;
	}
	eq = memchr(s, '=', len);
	d = flag_dashes(s, len);
	if (d && eq) {
		size_t nl = (size_t)(eq - s), vl = len - nl - 1;
		const char *v = eq + 1;

		buf_add(out, s, nl + 1);
		switch (name_kind(s + d, nl - d)) {
		case NAME_SECRET:
			add_secret_value(out, v, vl);
			break;
		case NAME_MAYBE:
			if (looks_like_credential(v, vl) && !is_reference(v, vl, 1)) {
				add_redacted(out, v, vl);
				break;
			}
			/* fall through */
		default:
			if (depth < REDACT_MAX_DEPTH)
				redact_unit(out, CTX_NONE, v, vl, whole, depth + 1);
			else
				redact_plain(out, v, vl);
		}
		goto out;
	}
	if (eq && !d) {
		size_t nl = (size_t)(eq - s);

		/* NAME=VALUE: an environment assignment (docker -e, env, …). */
		if (nl && ref_name(s, nl) == nl && !(nl == 3 && strncasecmp(s, "pwd", 3) == 0) &&
		    !(nl == 6 && strncasecmp(s, "oldpwd", 6) == 0)) {
			enum name_kind k = name_kind(s, nl);
			const char *v = eq + 1;
			size_t vl = len - nl - 1;

			if (k == NAME_SECRET ||
			    (k == NAME_MAYBE && looks_like_credential(v, vl) && !is_reference(v, vl, 1))) {
				buf_add(out, s, nl + 1);
				add_secret_value(out, v, vl);
				goto out;
			}
		}
	}
	n = header_name(s, len);
	if (n && n < len && s[n] == ':' && !(len - n >= 3 && s[n + 1] == '/' && s[n + 2] == '/') &&
	    name_kind(s, n) == NAME_SECRET) {
		size_t v = n + 1;

		while (v < len && is_space((unsigned char)s[v]))
			v++;
		if (whole || v == n + 1) {
			buf_add(out, s, v);
			add_secret_value(out, s + v, len - v);
			goto out;
		}
	}
	if (whole) {
		size_t i;

		for (i = 0; i < len && !is_space((unsigned char)s[i]); i++)
			;
		if (i < len) {
			redact_words(out, CTX_NONE, s, len, depth);
			goto out;
		}
	}
	redact_plain(out, s, len);
out:
	buf_add(out, s + len, trail);
}

static enum ctx
prev_ctx(const char *prev)
{
	size_t len, i;

	if (prev == NULL)
		return CTX_NONE;
	len = strlen(prev);
	while (len && is_space((unsigned char)prev[len - 1]))
		len--;
	i = len;
	while (i && !is_space((unsigned char)prev[i - 1]))
		i--;
	return word_ctx(prev + i, len - i);
}

#define QUOTED_KEY_MAX	128
#define QUOTED_VALUE_MAX 4096

/* Offset of the quote closing the string that starts after s[0] (backslash
 * escapes honoured), or 0 when there is none within max bytes. */
static size_t
closing_quote(const char *s, size_t len, size_t max)
{
	size_t i;

	for (i = 1; i < len && i <= max; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == s[0])
			return i;
		if (s[i] == '\n')
			return 0;
	}
	return 0;
}

/*
 * Quoted key/value pairs anywhere in an argument, as in JSON or Python
 * literals passed on the command line: {"apiKey": "…"}, {'token': …}.
 * The value of a secret key is redacted, quotes kept.
 */
static void
redact_quoted_pairs(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t k, j, m;
		enum name_kind kind;

		if (!(s[i] == '"' || s[i] == '\'')) {
			buf_addc(out, s[i++]);
			continue;
		}
		k = closing_quote(s + i, len - i, QUOTED_KEY_MAX);
		if (k < 2 || (kind = name_kind(s + i + 1, k - 1)) == NAME_PLAIN) {
			buf_addc(out, s[i++]);
			continue;
		}
		j = i + k + 1;
		while (j < len && is_space((unsigned char)s[j]))
			j++;
		if (j >= len || (s[j] != ':' && s[j] != '=')) {
			buf_addc(out, s[i++]);
			continue;
		}
		j++;
		while (j < len && is_space((unsigned char)s[j]))
			j++;
		if (j < len && (s[j] == '"' || s[j] == '\'')) {
			m = closing_quote(s + j, len - j, QUOTED_VALUE_MAX);
			if (m == 0) {
				buf_addc(out, s[i++]);
				continue;
			}
			j++;
			m += j - 1;
		} else {
			m = j;
			while (m < len && !is_space((unsigned char)s[m]) && s[m] != ',' && s[m] != '}' &&
			       s[m] != ']')
				m++;
		}
		/* s[j..m) is the value; JSON literals are no secrets. */
		if (m == j || (kind == NAME_MAYBE && !looks_like_credential(s + j, m - j)) ||
		    (s[j - 1] != '"' && s[j - 1] != '\'' &&
		     ((m - j == 4 && (memcmp(s + j, "null", 4) == 0 || memcmp(s + j, "true", 4) == 0)) ||
		      (m - j == 5 && memcmp(s + j, "false", 5) == 0)))) {
			buf_addc(out, s[i++]);
			continue;
		}
		buf_add(out, s + i, j - i);
		add_secret_value(out, s + j, m - j);
		i = m;
	}
}

char *
redact_arg(const char *prev, const char *arg)
{
	struct buf out = BUF_INIT, pairs = BUF_INIT;
	size_t len;

	if (arg == NULL)
		return NULL;
	len = strlen(arg);
	if (strpbrk(arg, "\"'")) {
		redact_quoted_pairs(&pairs, arg, len);
		arg = pairs.data;
		len = pairs.len;
	}
	redact_unit(&out, prev_ctx(prev), arg, len, 1, 0);
	buf_release(&pairs);
	return buf_detach(&out, NULL);
}

void
redact_args(cJSON *args)
{
	char *prev = NULL;
	cJSON *c;

	if (!cJSON_IsArray(args))
		return;
	for (c = args->child; c; c = c->next) {
		char *r;

		if (!cJSON_IsString(c) || c->valuestring == NULL) {
			free(prev);
			prev = NULL;
			continue;
		}
		r = redact_arg(prev, c->valuestring);
		free(prev);
		prev = xstrdup(c->valuestring);
		if (strcmp(r, c->valuestring) != 0)
			set_string(c, r);
		free(r);
	}
	free(prev);
}
