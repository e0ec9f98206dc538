/* libcurl transport: a fresh easy handle per attempt sharing one connection
 * cache, verified TLS with the system store plus an optional bundle, retries. */
#include "net/http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "net/gzip.h"
#include "net/url.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CA_MAX_BYTES (16u * 1024 * 1024)

int
http_global_init(struct err *e)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, ERR_IO, "cannot initialise libcurl");
	return 0;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *
http_fault_name(enum http_fault f)
{
	switch (f) {
	case HTTP_FAULT_NONE: return "no error";
	case HTTP_FAULT_URL: return "bad URL";
	case HTTP_FAULT_DNS: return "DNS lookup failed";
	case HTTP_FAULT_CONNECT: return "cannot connect";
	case HTTP_FAULT_TLS_CERT: return "TLS certificate not trusted";
	case HTTP_FAULT_TLS: return "TLS handshake failed";
	case HTTP_FAULT_TIMEOUT: return "timed out";
	case HTTP_FAULT_SEND: return "connection lost while sending";
	case HTTP_FAULT_RECV: return "connection lost before the answer";
	case HTTP_FAULT_TOO_LARGE: return "answer too large";
	case HTTP_FAULT_OTHER: break;
	}
	return "transfer failed";
}

const char *
http_ca_bundle(const char *flag, const char **source)
{
	static const char *const vars[] = {
		"RUNLAYER_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", NULL
	};
	int i;

	if (flag && *flag) {
		*source = "--ca-bundle";
		return flag;
	}
	for (i = 0; vars[i]; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v) {
			*source = vars[i];
			return v;
		}
	}
	*source = NULL;
	return NULL;
}

static const char *
system_ca_file(void)
{
	static const char *const paths[] = {
		"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/cert.pem", "/etc/ssl/ca-bundle.pem", NULL
	};
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	int i;

	if (v && v->cainfo && access(v->cainfo, R_OK) == 0)
		return v->cainfo;
	for (i = 0; paths[i]; i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

int
http_client_init(struct http_client *c, const struct http_opts *o, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->o = *o;
	c->curl = curl_easy_init();
	c->share = curl_share_init();
	if (c->curl == NULL || c->share == NULL) {
		http_client_release(c);
		return err_set(e, ERR_IO, "cannot create a libcurl handle");
	}
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	if (o->ca_bundle) {
		struct buf extra = BUF_INIT, all = BUF_INIT;
		struct err fe = ERR_INIT;
		const char *sys = system_ca_file();
		const char *src = o->ca_bundle_source ? o->ca_bundle_source : "--ca-bundle";

		if (file_read(o->ca_bundle, CA_MAX_BYTES, FILE_FOLLOW, &extra, NULL, &fe) < 0) {
			snprintf(c->warning, sizeof(c->warning), "cannot read the CA bundle '%s' "
				 "(from %s): %s; using the system trust store only", o->ca_bundle,
				 src, fe.msg);
		} else if (strstr(extra.data, "-----BEGIN CERTIFICATE-----") == NULL) {
			snprintf(c->warning, sizeof(c->warning), "the CA bundle '%s' (from %s) holds "
				 "no PEM certificate; using the system trust store only",
				 o->ca_bundle, src);
		} else {
			/* Added to the system store, not instead of it. */
			if (sys && file_read(sys, CA_MAX_BYTES, FILE_FOLLOW, &all, NULL, &fe) == 0)
				buf_addc(&all, '\n');
			buf_add(&all, extra.data, extra.len);
			c->ca_blob = buf_detach(&all, &c->ca_len);
		}
		buf_release(&extra);
		buf_release(&all);
	}
	return 0;
}

void
http_client_release(struct http_client *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	if (c->share)
		curl_share_cleanup(c->share);
	free(c->ca_blob);
	memset(c, 0, sizeof(*c));
}

void
http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, HTTP_MAX_RESPONSE);
	r->retry_after = -1;
}

void
http_response_release(struct http_response *r)
{
	if (r == NULL)
		return;
	buf_release(&r->body);
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double
http_parse_retry_after(const char *v, double now)
{
	struct tm tm;
	const char *end;
	char *endp;
	double d;

	while (isspace((unsigned char)*v))
		v++;
	if (isdigit((unsigned char)*v)) {
		errno = 0;
		d = strtod(v, &endp);
		while (isspace((unsigned char)*endp))
			endp++;
		if (errno || *endp || d < 0 || d > 86400.0 * 365)
			return -1;
		return d;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL)
		return -1;
	d = (double)timegm(&tm) - now;
	return d < 0 ? 0 : d;
}

struct xfer {
	struct http_response *rs;
	int too_large;
};

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;

	if (buf_add(&x->rs->body, p, size * n) < 0) {
		x->too_large = 1;
		return 0;
	}
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	char line[512];

	if (len >= sizeof(line))
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue): forget the previous headers. */
		x->rs->retry_after = -1;
		x->rs->accepts_gzip = 0;
	} else if (strncasecmp(line, "retry-after:", 12) == 0) {
		x->rs->retry_after = http_parse_retry_after(line + 12, (double)time(NULL));
	} else if (strncasecmp(line, "accept-encoding:", 16) == 0) {
		char *save = NULL, *tok;

		for (tok = strtok_r(line + 16, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			while (isspace((unsigned char)*tok))
				tok++;
			if (strncasecmp(tok, "gzip", 4) == 0 &&
			    (tok[4] == '\0' || tok[4] == ';' || isspace((unsigned char)tok[4])) &&
			    strstr(tok, "q=0") == NULL)
				x->rs->accepts_gzip = 1;
		}
	}
	return len;
}

static enum http_fault
classify(CURLcode rc, int too_large, int sent)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_FAULT_NONE;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return HTTP_FAULT_URL;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_FAULT_DNS;
	case CURLE_COULDNT_CONNECT:
		return HTTP_FAULT_CONNECT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return HTTP_FAULT_TLS_CERT;
	case CURLE_SSL_CONNECT_ERROR:
		return HTTP_FAULT_TLS;
	case CURLE_OPERATION_TIMEDOUT:
		return sent ? HTTP_FAULT_TIMEOUT : HTTP_FAULT_CONNECT;
	case CURLE_SEND_ERROR:
		return HTTP_FAULT_SEND;
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return HTTP_FAULT_RECV;
	case CURLE_WRITE_ERROR:
		return too_large ? HTTP_FAULT_TOO_LARGE : HTTP_FAULT_OTHER;
	default:
		return HTTP_FAULT_OTHER;
	}
}

static void __attribute__((format(printf, 2, 3)))
trace(struct http_client *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (c->o.trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->o.trace(c->o.trace_ctx, line);
}

int
http_perform(struct http_client *c, const struct http_request *rq, struct http_response *rs)
{
	CURL *h;
	struct curl_slist *hdrs = NULL;
	struct buf gz = BUF_INIT;
	struct xfer x;
	char errbuf[CURL_ERROR_SIZE] = "", *hl;
	const char *body = rq->body;
	size_t body_len = rq->body ? rq->body_len : 0;
	struct url u;
	struct err ue = ERR_INIT;
	CURLcode rc;
	long req_size = 0;
	double total = 0;

	buf_clear(&rs->body);
	rs->status = 0;
	rs->fault = HTTP_FAULT_NONE;
	rs->sent = 0;
	rs->gzipped = 0;
	rs->retry_after = -1;
	rs->accepts_gzip = 0;
	rs->error[0] = '\0';
	rs->seconds = 0;

	if (url_parse(rq->url, &u, &ue) < 0 || url_check_secure(&u, &ue) < 0) {
		url_release(&u);
		rs->fault = HTTP_FAULT_URL;
		snprintf(rs->error, sizeof(rs->error), "%s", ue.msg);
		return -ERR_IO;
	}
	url_release(&u);
	if (rq->gzip && body_len >= HTTP_GZIP_MIN && gzip_compress(body, body_len, &gz) == 0 &&
	    gz.len < body_len) {
		body = gz.data;
		body_len = gz.len;
		rs->gzipped = 1;
	}

	/*
	 * A new handle for every attempt, not curl_easy_reset(): libcurl 7.88
	 * keeps a pointer to the previous answer's last header across a reset,
	 * and an answer starting with a folded header line (" x") then writes
	 * through it (use after free). Connections are kept by the share.
	 */
	curl_easy_cleanup(c->curl);
	c->curl = h = curl_easy_init();
	if (h == NULL) {
		buf_release(&gz);
		rs->fault = HTTP_FAULT_OTHER;
		snprintf(rs->error, sizeof(rs->error), "cannot create a libcurl handle");
		return -ERR_IO;
	}
	curl_easy_setopt(h, CURLOPT_SHARE, c->share);
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (c->ca_blob) {
		struct curl_blob blob = { c->ca_blob, c->ca_len, CURL_BLOB_COPY };

		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->o.ca_dir && *c->o.ca_dir)
		curl_easy_setopt(h, CURLOPT_CAPATH, c->o.ca_dir);
	curl_easy_setopt(h, CURLOPT_USERAGENT, HTTP_USER_AGENT);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 c->o.connect_timeout_ms > 0 ? c->o.connect_timeout_ms : 5000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, rq->timeout_ms > 0 ? rq->timeout_ms : 30000L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (rq->api_key) {
		hl = xasprintf("x-runlayer-api-key: %s", rq->api_key);
		hdrs = curl_slist_append(hdrs, hl);
		memset(hl, 0, strlen(hl));
		free(hl);
	}
	if (rq->bearer) {
		hl = xasprintf("Authorization: Bearer %s", rq->bearer);
		hdrs = curl_slist_append(hdrs, hl);
		memset(hl, 0, strlen(hl));
		free(hl);
	}
	if (rq->idempotency_key) {
		hl = xasprintf("x-runlayer-idempotency-key: %s", rq->idempotency_key);
		hdrs = curl_slist_append(hdrs, hl);
		free(hl);
	}
	if (strcmp(rq->method, "POST") == 0) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		if (rs->gzipped)
			hdrs = curl_slist_append(hdrs, "Content-Encoding: gzip");
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	x.rs = rs;
	x.too_large = 0;
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);

	if (rq->body && rs->gzipped)
		trace(c, "> %s %s (%zu bytes JSON, sent gzip-compressed as %zu bytes%s%s%s)",
		      rq->method, rq->url, rq->body_len, body_len,
		      rq->api_key ? "; x-runlayer-api-key set, not shown" : "",
		      rq->bearer ? "; bearer token set, not shown" : "",
		      rq->idempotency_key ? "; idempotency key sent" : "");
	else
		trace(c, "> %s %s (%zu bytes%s%s%s)", rq->method, rq->url, body_len,
		      rq->api_key ? "; x-runlayer-api-key set, not shown" : "",
		      rq->bearer ? "; bearer token set, not shown" : "",
		      rq->idempotency_key ? "; idempotency key sent" : "");

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
	curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &req_size);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total);
	rs->seconds = total;
	rs->sent = req_size > 0;
	curl_slist_free_all(hdrs);
	buf_release(&gz);
	if (rc != CURLE_OK) {
		rs->fault = classify(rc, x.too_large, rs->sent);
		rs->status = 0;
		snprintf(rs->error, sizeof(rs->error), "%s", errbuf[0] ? errbuf :
			 curl_easy_strerror(rc));
		trace(c, "< %s after %.2f s: %s", http_fault_name(rs->fault), total, rs->error);
		return -ERR_IO;
	}
	if (rs->status < 100 || rs->status > 599) {
		/* libcurl takes "HTTP/200 OK" as status 0 and "HTTP/2 14" as 14:
		 * no answer a caller could act on (a refusal would drop a scan). */
		rs->fault = HTTP_FAULT_OTHER;
		snprintf(rs->error, sizeof(rs->error), "the answer has no valid HTTP status "
			 "line (status %ld)", rs->status);
		rs->status = 0;
		trace(c, "< %s after %.2f s: %s", http_fault_name(rs->fault), total, rs->error);
		return -ERR_IO;
	}
	trace(c, "< HTTP %ld in %.2f s (%zu bytes)", rs->status, total, rs->body.len);
	return 0;
}

/* xorshift64*, seeded once from the clock and pid: jitter, not secrets. */
static double
jitter(void)
{
	static uint64_t s;

	if (s == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
		if (s == 0)
			s = 0x9e3779b97f4a7c15ull;
	}
	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return 0.75 + 0.5 * (double)((s * 0x2545f4914f6cdd1dull) >> 11) / (double)(1ull << 53);
}

double
http_backoff(const struct http_retry *rp, int n)
{
	double d = rp->base_delay > 0 ? rp->base_delay : 0.5;
	int i;

	for (i = 1; i < n; i++)
		d *= 2;
	if (rp->max_delay > 0 && d > rp->max_delay)
		d = rp->max_delay;
	return d;
}

static int
want_retry(const struct http_retry *rp, int ret, const struct http_response *rs)
{
	if (ret < 0) {
		switch (rs->fault) {
		case HTTP_FAULT_DNS:
		case HTTP_FAULT_CONNECT:
		case HTTP_FAULT_TLS:
			return (rp->on & HTTP_RETRY_UNSENT) != 0;
		case HTTP_FAULT_TIMEOUT:
		case HTTP_FAULT_SEND:
		case HTTP_FAULT_RECV:
		case HTTP_FAULT_OTHER:
			if (!rs->sent)
				return (rp->on & HTTP_RETRY_UNSENT) != 0;
			return (rp->on & HTTP_RETRY_TRANSPORT) != 0;
		default:
			return 0;
		}
	}
	if (rs->status == 429)
		return (rp->on & HTTP_RETRY_429) != 0;
	if (rs->status == 408 || (rs->status >= 500 && rs->status <= 599))
		return (rp->on & HTTP_RETRY_5XX) != 0;
	return 0;
}

int
http_send(struct http_client *c, const struct http_request *rq, const struct http_retry *rp,
	  struct http_response *rs, int *attempts)
{
	struct http_request r = *rq;
	double start = now_mono(), budget = rp->budget > 0 ? rp->budget : 60;
	long base_timeout = rq->timeout_ms > 0 ? rq->timeout_ms : 30000L;
	int n, ret = 0, max = rp->max_attempts > 0 ? rp->max_attempts : 1;

	for (n = 1;; n++) {
		double left = budget - (now_mono() - start), delay;

		r.timeout_ms = base_timeout;
		if (left * 1000 < (double)r.timeout_ms)
			r.timeout_ms = left > 0.2 ? (long)(left * 1000) : 200;
		ret = http_perform(c, &r, rs);
		if (attempts)
			*attempts = n;
		if (n >= max || !want_retry(rp, ret, rs))
			break;
		if (ret == 0 && rs->status == 429 && rs->retry_after >= 0)
			delay = rs->retry_after;
		else
			delay = http_backoff(rp, n) * jitter();
		left = budget - (now_mono() - start);
		if (delay + 0.2 >= left) {
			trace(c, "  not retrying: waiting %.1f s would pass the %.0f s time budget",
			      delay, budget);
			break;
		}
		trace(c, "  retrying in %.1f s (attempt %d of %d, %.0f s of the budget left)",
		      delay, n + 1, max, left);
		{
			struct timespec ts;

			ts.tv_sec = (time_t)delay;
			ts.tv_nsec = (long)((delay - (double)ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	return ret;
}
