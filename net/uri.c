/* Strict URL parser with one canonical form per target (host case, trailing
 * dot, IPv4/IPv6 forms, %-escapes, dot segments) and base-URL matching. */
#include "net/uri.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hex.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define URI_MAX_LABEL 63
#define URI_MAX_HOST 253

void
uri_release(struct uri *u)
{
	if (u == NULL)
		return;
	free(u->scheme);
	free(u->userinfo);
	free(u->host);
	free(u->path);
	free(u->query);
	free(u->fragment);
	u->scheme = u->userinfo = u->host = u->path = u->query = u->fragment = NULL;
	u->host_kind = URI_HOST_NAME;
	u->port = -1;
}

int
uri_default_port(const char *scheme)
{
	if (scheme == NULL)
		return -1;
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "ws") == 0)
		return 80;
	if (strcmp(scheme, "https") == 0 || strcmp(scheme, "wss") == 0)
		return 443;
	return -1;
}

int
uri_effective_port(const struct uri *u)
{
	return u->port >= 0 ? u->port : uri_default_port(u->scheme);
}

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
is_unreserved(int c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 3986 pchar minus '%' (handled apart), plus '/'. */
static int
is_path_char(int c)
{
	return is_unreserved(c) || strchr("!$&'()*+,;=:@/", c) != NULL;
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * One IPv4 part as WHATWG reads it: "0x.." hex, "0.." octal, else decimal.
 * Returns 0 and *v, or -1 (not a number, or too large).
 */
static int
ipv4_part(const char *s, size_t n, unsigned long long *v)
{
	unsigned base = 10;
	unsigned long long x = 0;
	size_t i = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	if (n == 0)
		return -1;
	for (; i < n; i++) {
		int d = hex_value((unsigned char)s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -1;
		x = x * base + (unsigned)d;
		if (x > 0xffffffffULL)
			return -1;
	}
	*v = x;
	return 0;
}

/* Does the last label look like a number (so the host must be IPv4)? */
static int
ends_in_number(const char *host, size_t n)
{
	const char *last = host, *p;
	size_t ln, i;

	for (p = host; p < host + n; p++)
		if (*p == '.')
			last = p + 1;
	ln = (size_t)(host + n - last);
	if (ln == 0)
		return 0;
	for (i = 0; i < ln && is_digit((unsigned char)last[i]); i++)
		;
	if (i == ln)
		return 1;
	if (ln >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
		for (i = 2; i < ln && hex_value((unsigned char)last[i]) >= 0; i++)
			;
		return i == ln;
	}
	return 0;
}

/* host (n bytes, no trailing dot) as WHATWG IPv4 into a dotted quad. */
static int
parse_ipv4(const char *host, size_t n, char out[16])
{
	unsigned long long parts[4], v;
	size_t np = 0, i;
	const char *p = host, *end = host + n;

	while (p <= end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t len = dot ? (size_t)(dot - p) : (size_t)(end - p);

		if (np == 4 || ipv4_part(p, len, &parts[np]) < 0)
			return -1;
		np++;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	v = 0;
	for (i = 0; i + 1 < np; i++) {
		if (parts[i] > 255)
			return -1;
		v = (v << 8) | parts[i];
	}
	if (parts[np - 1] >= (1ULL << (8 * (5 - np))))
		return -1;
	v = (v << (8 * (5 - np))) | parts[np - 1];
	snprintf(out, 16, "%llu.%llu.%llu.%llu", (v >> 24) & 255, (v >> 16) & 255,
		 (v >> 8) & 255, v & 255);
	return 0;
}

/* A registered name or IPv4 address: decode, check, canonicalise. */
static int
parse_name_host(const char *s, size_t n, struct uri *u, struct err *e)
{
	struct buf h = BUF_INIT;
	size_t i, label = 0;
	int ret = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n) {
				ret = err_set(e, ERR_PARSE, "bad %%-escape in the host");
				goto out;
			}
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				ret = err_set(e, ERR_PARSE, "bad %%-escape in the host");
				goto out;
			}
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c >= 0x80) {
			ret = err_set(e, ERR_PARSE, "non-ASCII host name (write it in punycode)");
			goto out;
		}
		c = (unsigned char)lower((char)c);
		if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_')) {
			ret = err_set(e, ERR_PARSE, "character '%c' is not allowed in a host", c);
			goto out;
		}
		buf_addc(&h, (char)c);
	}
	if (h.len > 0 && h.data[h.len - 1] == '.')
		buf_setlen(&h, h.len - 1);
	if (h.len == 0) {
		ret = err_set(e, ERR_PARSE, "empty host");
		goto out;
	}
	if (h.len > URI_MAX_HOST) {
		ret = err_set(e, ERR_PARSE, "host name longer than %d characters", URI_MAX_HOST);
		goto out;
	}
	for (i = 0; i <= h.len; i++) {
		if (i == h.len || h.data[i] == '.') {
			if (label == 0) {
				ret = err_set(e, ERR_PARSE, "empty label in host '%s'", h.data);
				goto out;
			}
			if (label > URI_MAX_LABEL) {
				ret = err_set(e, ERR_PARSE, "host label longer than %d characters",
					      URI_MAX_LABEL);
				goto out;
			}
			label = 0;
		} else {
			label++;
		}
	}
	if (ends_in_number(h.data, h.len)) {
		char quad[16];

		if (parse_ipv4(h.data, h.len, quad) < 0) {
			ret = err_set(e, ERR_PARSE, "host '%s' ends in a number but is not an "
				      "IPv4 address", h.data);
			goto out;
		}
		u->host = xstrdup(quad);
		u->host_kind = URI_HOST_IPV4;
	} else {
		u->host = buf_detach(&h, NULL);
		u->host_kind = URI_HOST_NAME;
	}
out:
	buf_release(&h);
	return ret;
}

static int
parse_ipv6_host(const char *s, size_t n, struct uri *u, struct err *e)
{
	char tmp[64], canon[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (n == 0 || n >= sizeof(tmp))
		return err_set(e, ERR_PARSE, "bad IPv6 address");
	if (memchr(s, '%', n))
		return err_set(e, ERR_PARSE, "IPv6 zone ids are not allowed");
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, &a) != 1 || inet_ntop(AF_INET6, &a, canon, sizeof(canon)) == NULL)
		return err_set(e, ERR_PARSE, "bad IPv6 address '%s'", tmp);
	u->host = xasprintf("[%s]", canon);
	u->host_kind = URI_HOST_IPV6;
	return 0;
}

static int
parse_port(const char *s, size_t n, struct uri *u, struct err *e)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return 0;	/* "host:" means the default port */
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return err_set(e, ERR_PARSE, "port is not a number");
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			return err_set(e, ERR_PARSE, "port out of range (0-65535)");
	}
	u->port = (int)v;
	return 0;
}

/* Percent-encode, decode unreserved escapes, upper-case the others. */
static int
normalise_escapes(const char *s, size_t n, struct buf *out, struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo, v;

			if (i + 2 >= n)
				return err_set(e, ERR_PARSE, "bad %%-escape in the path");
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return err_set(e, ERR_PARSE, "bad %%-escape in the path");
			v = hi * 16 + lo;
			if (is_unreserved(v))
				buf_addc(out, (char)v);
			else
				buf_addf(out, "%%%02X", (unsigned)v);
			i += 2;
		} else if (is_path_char(c)) {
			buf_addc(out, (char)c);
		} else {
			buf_addf(out, "%%%02X", (unsigned)c);
		}
	}
	return 0;
}

/* RFC 3986 §5.2.4 on a path that starts with '/'. */
static char *
remove_dot_segments(const char *path)
{
	struct buf out = BUF_INIT;
	const char *p = path + 1;	/* after the leading '/' */

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		int last = slash == NULL;

		if (len == 1 && p[0] == '.') {
			if (last)
				buf_addc(&out, '/');
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *cut = out.len ? memrchr(out.data, '/', out.len) : NULL;

			if (cut)
				buf_setlen(&out, (size_t)(cut - out.data));
			if (last)
				buf_addc(&out, '/');
		} else {
			buf_addc(&out, '/');
			buf_add(&out, p, len);
		}
		if (last)
			break;
		p = slash + 1;
	}
	if (out.len == 0)
		buf_addc(&out, '/');
	return buf_detach(&out, NULL);
}

int
uri_parse(const char *text, struct uri *u, struct err *e)
{
	const char *p, *auth, *auth_end, *at, *hp, *hp_end, *colon, *path_end;
	struct buf path = BUF_INIT;
	size_t n, i;
	int ret = 0;

	uri_release(u);
	if (text == NULL || *text == '\0')
		return err_set(e, ERR_PARSE, "empty URL");
	n = strlen(text);
	if (n > URI_MAX_LEN)
		return err_set(e, ERR_PARSE, "URL longer than %d bytes", URI_MAX_LEN);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c <= 0x20 || c == 0x7f)
			return err_set(e, ERR_PARSE, "control character or space at offset %zu", i);
		if (c == '\\')
			return err_set(e, ERR_PARSE, "backslash at offset %zu", i);
	}
	if (!is_alpha((unsigned char)text[0]))
		return err_set(e, ERR_PARSE, "no scheme (expected scheme://host)");
	for (p = text + 1; is_alpha((unsigned char)*p) || is_digit((unsigned char)*p) ||
	     *p == '+' || *p == '-' || *p == '.'; p++)
		;
	if (strncmp(p, "://", 3) != 0)
		return err_set(e, ERR_PARSE, "no scheme (expected scheme://host)");
	u->scheme = xstrndup(text, (size_t)(p - text));
	for (i = 0; u->scheme[i]; i++)
		u->scheme[i] = lower(u->scheme[i]);

	auth = p + 3;
	auth_end = auth + strcspn(auth, "/?#");
	for (at = NULL, p = auth; p < auth_end; p++)
		if (*p == '@')
			at = p;
	/* The last '@' ends the userinfo, as every client's parser reads it. */
	if (at) {
		u->userinfo = xstrndup(auth, (size_t)(at - auth));
		hp = at + 1;
	} else {
		hp = auth;
	}
	hp_end = auth_end;
	if (hp < hp_end && *hp == '[') {
		const char *close = memchr(hp, ']', (size_t)(hp_end - hp));

		if (close == NULL) {
			ret = err_set(e, ERR_PARSE, "unterminated IPv6 address");
			goto out;
		}
		if ((ret = parse_ipv6_host(hp + 1, (size_t)(close - hp - 1), u, e)) < 0)
			goto out;
		colon = close + 1;
		if (colon < hp_end && *colon != ':') {
			ret = err_set(e, ERR_PARSE, "unexpected text after the IPv6 address");
			goto out;
		}
	} else {
		colon = memchr(hp, ':', (size_t)(hp_end - hp));
		if (colon == NULL)
			colon = hp_end;
		if (colon == hp) {
			ret = err_set(e, ERR_PARSE, "empty host");
			goto out;
		}
		if ((ret = parse_name_host(hp, (size_t)(colon - hp), u, e)) < 0)
			goto out;
	}
	if (colon < hp_end) {
		if (memchr(colon + 1, ':', (size_t)(hp_end - colon - 1))) {
			ret = err_set(e, ERR_PARSE, "more than one ':' in the authority");
			goto out;
		}
		if ((ret = parse_port(colon + 1, (size_t)(hp_end - colon - 1), u, e)) < 0)
			goto out;
	}

	path_end = auth_end + strcspn(auth_end, "?#");
	buf_addc(&path, '/');
	if (path_end > auth_end) {
		/* auth_end points at the path's leading '/' */
		if ((ret = normalise_escapes(auth_end + 1, (size_t)(path_end - auth_end - 1),
					     &path, e)) < 0)
			goto out;
	}
	u->path = remove_dot_segments(path.data);
	if (*path_end == '?') {
		const char *hash = strchr(path_end, '#');

		u->query = hash ? xstrndup(path_end + 1, (size_t)(hash - path_end - 1))
				: xstrdup(path_end + 1);
		path_end = hash ? hash : path_end + strlen(path_end);
	}
	if (*path_end == '#')
		u->fragment = xstrdup(path_end + 1);
out:
	buf_release(&path);
	if (ret < 0)
		uri_release(u);
	return ret;
}

char *
uri_format(const struct uri *u, unsigned flags)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s://%s", u->scheme, u->host);
	if (u->port >= 0 && u->port != uri_default_port(u->scheme))
		buf_addf(&b, ":%d", u->port);
	buf_adds(&b, u->path);
	if ((flags & URI_FMT_QUERY) && u->query)
		buf_addf(&b, "?%s", u->query);
	return buf_detach(&b, NULL);
}

int
uri_parse_base(const char *text, struct uri *u, struct err *e)
{
	size_t n;
	int ret;

	if ((ret = uri_parse(text, u, e)) < 0)
		return ret;
	if (uri_default_port(u->scheme) < 0)
		ret = err_set(e, ERR_PARSE, "scheme '%s' is not http, https, ws or wss", u->scheme);
	else if (u->userinfo)
		ret = err_set(e, ERR_PARSE, "a base URL takes no user name or password");
	else if (u->query)
		ret = err_set(e, ERR_PARSE, "a base URL takes no query");
	else if (u->fragment)
		ret = err_set(e, ERR_PARSE, "a base URL takes no fragment");
	if (ret < 0) {
		uri_release(u);
		return ret;
	}
	/* Every trailing '/': with one dropped per parse, "h///" saved as "h//"
	 * read back as "h/", a base that allows the whole host. */
	n = strlen(u->path);
	while (n > 1 && u->path[n - 1] == '/')
		u->path[--n] = '\0';
	return 0;
}

int
uri_under(const struct uri *base, const struct uri *u)
{
	size_t n;

	if (base->scheme == NULL || u->scheme == NULL || strcmp(base->scheme, u->scheme) != 0)
		return 0;
	if (strcmp(base->host, u->host) != 0)
		return 0;
	if (uri_effective_port(base) != uri_effective_port(u))
		return 0;
	n = strlen(base->path);
	if (n == 0 || (n == 1 && base->path[0] == '/'))
		return 1;
	/* A base written with a trailing '/' (not via uri_parse_base). */
	if (base->path[n - 1] == '/')
		n--;
	if (strncmp(u->path, base->path, n) != 0)
		return 0;
	return u->path[n] == '\0' || u->path[n] == '/';
}
