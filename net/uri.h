/* Strict URL parsing for policy decisions and allowlist matching (contract
 * §7.2): one canonical form per URL, so equal text means an equal target. */
#ifndef NET_URI_H
#define NET_URI_H

#include "util/err.h"

#define URI_MAX_LEN 8192	/* longer URLs are refused */

enum uri_host_kind {
	URI_HOST_NAME = 0,	/* a DNS name */
	URI_HOST_IPV4,		/* dotted quad, canonical */
	URI_HOST_IPV6,		/* "[...]", canonical (inet_ntop) */
};

/*
 * A parsed absolute URL with an authority: "scheme://[userinfo@]host[:port]
 * [path][?query][#fragment]". Every string is owned by the struct.
 *
 * Canonical forms (what uri_parse() produces):
 *  - scheme lowercased;
 *  - host percent-decoded, lowercased, one trailing dot removed; an IPv4
 *    address in any form a WHATWG parser accepts (127.1, 0x7f.0.0.1,
 *    2130706433) becomes its dotted quad; IPv6 becomes inet_ntop's text in
 *    brackets;
 *  - path: bytes outside RFC 3986 pchar are percent-encoded, %XX of an
 *    unreserved character (ALPHA DIGIT - . _ ~) is decoded, other %XX are
 *    upper-cased, "." and ".." segments (also when written %2e) are
 *    resolved, an empty path is "/". %2F stays encoded: it is not a segment
 *    boundary;
 *  - query and fragment are kept as written and never used for matching.
 */
struct uri {
	char *scheme;
	char *userinfo;		/* as written, NULL when absent; never used for matching */
	char *host;
	enum uri_host_kind host_kind;
	int port;		/* as written, -1 when absent */
	char *path;
	char *query;		/* without '?', NULL when absent */
	char *fragment;		/* without '#', NULL when absent */
};

#define URI_INIT { NULL, NULL, NULL, URI_HOST_NAME, -1, NULL, NULL, NULL }

/*
 * Parse text strictly into out (which must be URI_INIT or released; it is
 * left URI_INIT on error). Refused with -ERR_PARSE and a message naming the
 * problem: no "scheme://"; control characters, spaces or backslashes
 * anywhere (clients disagree on what they mean); an empty or malformed
 * host; a non-ASCII host name (write it in punycode); an IPv6 zone id; a
 * host ending in a number that is not a valid IPv4 address; a non-numeric
 * or out-of-range port; a malformed %-escape; a %-escape in the host that
 * decodes to a character not allowed there; text longer than URI_MAX_LEN.
 */
int uri_parse(const char *text, struct uri *out, struct err *e);

void uri_release(struct uri *u);

/* The default port of a scheme: 80 for http and ws, 443 for https and wss,
 * -1 for others. */
int uri_default_port(const char *scheme);

/* The port a connection would use: the explicit one, else the default. */
int uri_effective_port(const struct uri *u);

enum uri_format_flags {
	URI_FMT_QUERY = 1,	/* keep "?query" */
};

/*
 * Canonical text "scheme://host[:port]path": no userinfo, no fragment, the
 * port only when it differs from the scheme's default, the query only with
 * URI_FMT_QUERY. New string, caller frees.
 */
char *uri_format(const struct uri *u, unsigned flags);

/*
 * Parse an allowlist entry (a base URL): uri_parse() plus scheme http,
 * https, ws or wss, and no userinfo, query or fragment. A trailing '/' of
 * a path other than "/" is dropped, so "https://h/mcp/" and "https://h/mcp"
 * are the same entry.
 */
int uri_parse_base(const char *text, struct uri *out, struct err *e);

/*
 * Contract §7.2: 1 when u falls under base: equal scheme, host and
 * effective port, and u's path equals base's path or continues it with
 * '/' (a base path of "/" covers every path). Userinfo, query and
 * fragment play no part. 0 otherwise.
 */
int uri_under(const struct uri *base, const struct uri *u);

#endif
