/* Backend base URL parsing and the rules built on it: the config.yaml host
 * key, trailing-slash normalisation and the loopback-only plain HTTP rule. */
#include "net/url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define URL_MAX_LEN 2048

void
url_release(struct url *u)
{
	if (u == NULL)
		return;
	free(u->scheme);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

static char *
lower_dup(const char *s, size_t n)
{
	char *d = xstrndup(s, n);
	size_t i;

	for (i = 0; d[i]; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
host_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

int
url_parse(const char *text, struct url *u, struct err *e)
{
	const char *p, *auth, *auth_end, *host_end, *q;
	size_t i, n;

	memset(u, 0, sizeof(*u));
	if (text == NULL || *text == '\0')
		return err_set(e, ERR_INVALID, "empty URL");
	n = strlen(text);
	if (n > URL_MAX_LEN)
		return err_set(e, ERR_INVALID, "URL too long (%zu bytes, limit %d)", n, URL_MAX_LEN);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c <= ' ' || c == 0x7f)
			return err_set(e, ERR_INVALID, "URL contains a space or control character");
	}
	p = strstr(text, "://");
	if (p == NULL)
		return err_set(e, ERR_INVALID, "not a URL (expected https://host)");
	if (!((p - text == 5 && strncasecmp(text, "https", 5) == 0) ||
	      (p - text == 4 && strncasecmp(text, "http", 4) == 0)))
		return err_set(e, ERR_INVALID, "unsupported URL scheme '%.*s' (use https://)",
			       (int)(p - text) > 16 ? 16 : (int)(p - text), text);
	auth = p + 3;
	auth_end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(auth_end - auth)))
		return err_set(e, ERR_INVALID, "credentials in the URL are not allowed "
			       "(pass the key with --secret or 'runlayer login')");
	if (*auth == '[') {
		host_end = memchr(auth, ']', (size_t)(auth_end - auth));
		if (host_end == NULL || host_end == auth + 1)
			return err_set(e, ERR_INVALID, "bad IPv6 address in URL");
		for (q = auth + 1; q < host_end; q++)
			if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
				return err_set(e, ERR_INVALID, "bad IPv6 address in URL");
		u->host = lower_dup(auth + 1, (size_t)(host_end - auth - 1));
		host_end++;
	} else {
		for (host_end = auth; host_end < auth_end && *host_end != ':'; host_end++)
			if (!host_char((unsigned char)*host_end))
				return err_set(e, ERR_INVALID, "bad character '%c' in the URL's host",
					       *host_end);
		if (host_end == auth)
			return err_set(e, ERR_INVALID, "no host in URL");
		u->host = lower_dup(auth, (size_t)(host_end - auth));
	}
	if (host_end < auth_end) {
		long port = 0;

		if (*host_end != ':' || host_end + 1 == auth_end)
			goto bad_port;
		for (q = host_end + 1; q < auth_end; q++) {
			if (!isdigit((unsigned char)*q) || port > 65535)
				goto bad_port;
			port = port * 10 + (*q - '0');
		}
		if (port < 1 || port > 65535)
			goto bad_port;
		u->port = (int)port;
	}
	if (strpbrk(auth_end, "?#")) {
		url_release(u);
		return err_set(e, ERR_INVALID, "a backend URL takes no query or fragment");
	}
	n = strlen(auth_end);
	while (n > 0 && auth_end[n - 1] == '/')
		n--;
	u->path = xstrndup(auth_end, n);
	u->scheme = lower_dup(text, (size_t)(p - text));
	return 0;
bad_port:
	url_release(u);
	return err_set(e, ERR_INVALID, "bad port in URL (expected 1-65535)");
}

char *
url_normalize(const char *text, struct err *e)
{
	struct url u;
	size_t n;

	if (url_parse(text, &u, e) < 0)
		return NULL;
	url_release(&u);
	n = strlen(text);
	while (n > 0 && text[n - 1] == '/')
		n--;
	return xstrndup(text, n);
}

char *
url_host_key(const struct url *u)
{
	int def = strcmp(u->scheme, "https") == 0 ? 443 : 80;

	if (u->port && u->port != def)
		return xasprintf("%s:%d", u->host, u->port);
	return xstrdup(u->host);
}

int
url_is_loopback(const struct url *u)
{
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(u->host);

	if (strcmp(u->host, "localhost") == 0 ||
	    (n > 10 && strcmp(u->host + n - 10, ".localhost") == 0))
		return 1;
	if (inet_pton(AF_INET, u->host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, u->host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

int
url_check_secure(const struct url *u, struct err *e)
{
	if (strcmp(u->scheme, "https") == 0 || url_is_loopback(u))
		return 0;
	return err_set(e, ERR_INVALID, "plain http:// would send the API key unencrypted; "
		       "use https:// (http:// is allowed only for localhost and 127.0.0.1)");
}
