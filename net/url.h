/* Backend base URLs: parsing, the config.yaml host key (contract §2.2),
 * trailing-slash normalisation and the loopback-only plain HTTP rule. */
#ifndef NET_URL_H
#define NET_URL_H

#include "util/err.h"

/* A parsed backend base URL. Strings are owned; port is 0 when absent. */
struct url {
	char *scheme;	/* "http" or "https", lowercased */
	char *host;	/* lowercased; IPv6 without brackets */
	int port;	/* explicit port, 0 when absent */
	char *path;	/* without trailing '/', may be "" */
};

/*
 * Parse an http(s) base URL: no spaces or control characters, no
 * credentials, no query or fragment, port 1-65535. Returns 0, or
 * -ERR_INVALID with e filled (u is then empty).
 */
int url_parse(const char *text, struct url *u, struct err *e);
void url_release(struct url *u);

/* text validated by url_parse() with trailing '/' stripped (contract §2.2).
 * New string, or NULL with e filled. */
char *url_normalize(const char *text, struct err *e);

/* The config.yaml host key: the host, plus ":port" only for an explicit
 * non-default port. New string. */
char *url_host_key(const struct url *u);

/* 1 for localhost, *.localhost, 127.0.0.0/8, ::1 and v4-mapped 127/8. */
int url_is_loopback(const struct url *u);

/* 0 for https or a loopback http URL, else -ERR_INVALID with e filled. */
int url_check_secure(const struct url *u, struct err *e);

#endif
