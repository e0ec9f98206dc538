/* HTTPS client for the backend (libcurl): always-verified TLS with an
 * optional extra CA bundle, no redirects, classified faults, and retries
 * with jittered backoff inside a total time budget. */
#ifndef NET_HTTP_H
#define NET_HTTP_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define HTTP_USER_AGENT		"Runlayer CLI"
#define HTTP_MAX_RESPONSE	(4u * 1024 * 1024)
#define HTTP_GZIP_MIN		1024u	/* smaller bodies are sent as they are */

/* Why an attempt produced no HTTP response. */
enum http_fault {
	HTTP_FAULT_NONE = 0,	/* a response arrived (any status) */
	HTTP_FAULT_URL,		/* malformed URL or unsupported scheme */
	HTTP_FAULT_DNS,		/* the host name does not resolve */
	HTTP_FAULT_CONNECT,	/* refused, unreachable, or connect timeout */
	HTTP_FAULT_TLS_CERT,	/* the server certificate could not be verified */
	HTTP_FAULT_TLS,		/* other TLS handshake failure */
	HTTP_FAULT_TIMEOUT,	/* connected, but no complete answer in time */
	HTTP_FAULT_SEND,	/* the connection broke while sending */
	HTTP_FAULT_RECV,	/* the connection broke before or during the answer */
	HTTP_FAULT_TOO_LARGE,	/* the answer exceeded HTTP_MAX_RESPONSE */
	HTTP_FAULT_OTHER,
};

/* Short words for a fault ("DNS lookup failed", "connection refused"…). */
const char *http_fault_name(enum http_fault f);

struct http_opts {
	/*
	 * An extra PEM bundle trusted in addition to the system store (the
	 * contract's --ca-bundle), or NULL. An unreadable bundle, or one with
	 * no certificate, is skipped with a warning (see http_client.warning).
	 */
	const char *ca_bundle;
	const char *ca_bundle_source;	/* "--ca-bundle", "SSL_CERT_FILE", … for messages */
	const char *ca_dir;		/* $SSL_CERT_DIR, or NULL */
	long connect_timeout_ms;	/* 0 = 5000 */
	/* Called with one line per request and per outcome (--verbose). The
	 * lines never contain header values, keys or bodies. */
	void (*trace)(void *ctx, const char *line);
	void *trace_ctx;
};

struct http_client {
	void *curl;		/* CURL *, a fresh one for each attempt */
	void *share;		/* CURLSH *: connections, TLS sessions and DNS kept across them */
	char *ca_blob;		/* system trust + extra bundle, PEM */
	size_t ca_len;
	struct http_opts o;
	char warning[1200];	/* non-empty when the extra bundle was skipped */
};

struct http_request {
	const char *method;		/* "GET" or "POST" */
	const char *url;
	const char *api_key;		/* x-runlayer-api-key, or NULL */
	const char *bearer;		/* Authorization: Bearer …, or NULL */
	const char *idempotency_key;	/* x-runlayer-idempotency-key, or NULL */
	const char *body;		/* JSON, or NULL */
	size_t body_len;
	int gzip;			/* compress bodies of HTTP_GZIP_MIN bytes or more */
	long timeout_ms;		/* per attempt; 0 = 30000 */
};

struct http_response {
	long status;			/* 0 when no response arrived */
	enum http_fault fault;
	int sent;			/* the request reached the server (maybe processed) */
	int gzipped;			/* the body went out compressed */
	struct buf body;		/* capped at HTTP_MAX_RESPONSE */
	double retry_after;		/* seconds from Retry-After, -1 when absent */
	int accepts_gzip;		/* the answer's Accept-Encoding lists gzip */
	double seconds;			/* duration of the attempt */
	char error[512];		/* libcurl's words for the fault */
};

/* Once per process, before the first client (curl_global_init). 0 or -ERR_IO. */
int http_global_init(struct err *e);
void http_global_cleanup(void);

/*
 * The extra CA bundle in the contract's order: flag (--ca-bundle), then
 * $RUNLAYER_CA_BUNDLE, $SSL_CERT_FILE, $REQUESTS_CA_BUNDLE; empty values
 * are skipped. *source names where it came from. NULL when none is set.
 */
const char *http_ca_bundle(const char *flag, const char **source);

int http_client_init(struct http_client *c, const struct http_opts *o, struct err *e);
void http_client_release(struct http_client *c);

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

/*
 * One attempt. Returns 0 when an HTTP response arrived (rs->status is
 * set, 100-599 whatever its meaning), -ERR_IO when none did (rs->fault and
 * rs->error say why; a status line libcurl reads as a number outside
 * 100-599 is HTTP_FAULT_OTHER). Never follows redirects; refuses plain
 * http:// to a host that is not loopback (HTTP_FAULT_URL).
 */
int http_perform(struct http_client *c, const struct http_request *rq, struct http_response *rs);

enum http_retry_on {
	HTTP_RETRY_UNSENT = 1,		/* DNS, connect and TLS-setup faults (never sent) */
	HTTP_RETRY_TRANSPORT = 2,	/* timeouts and broken connections after sending */
	HTTP_RETRY_5XX = 4,		/* 500-599 and 408 */
	HTTP_RETRY_429 = 8,		/* 429, waiting Retry-After when given */
	HTTP_RETRY_ALL = 15,
};

struct http_retry {
	unsigned on;		/* enum http_retry_on bits */
	int max_attempts;	/* 1 = no retries */
	double budget;		/* seconds for every attempt and wait together */
	double base_delay;	/* first wait, doubled each time, ±25 % jitter */
	double max_delay;
};

/*
 * http_perform() with retries: an attempt's timeout is cut to the budget
 * left, a wait that would pass the budget ends the retries (a Retry-After
 * longer than what is left included). rs holds the last attempt;
 * *attempts (optional) the number made. Certificate errors and 4xx other
 * than 408/429 are never retried. Returns like http_perform().
 */
int http_send(struct http_client *c, const struct http_request *rq, const struct http_retry *rp,
	      struct http_response *rs, int *attempts);

/* The wait before attempt n+1 (n >= 1) without jitter; exposed for tests. */
double http_backoff(const struct http_retry *rp, int n);

/* Parse a Retry-After value (delta seconds or an HTTP date, against now).
 * Returns seconds >= 0, or -1 when unparseable. */
double http_parse_retry_after(const char *v, double now);

#endif
