/* Backend calls on top of net/http: paths, headers, the mcp-watch fallback,
 * gzip negotiation, and outcomes with messages that say what to do. */
#include "net/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/creds.h"
#include "net/url.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
api_result_init(struct api_result *r)
{
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
}

void
api_result_release(struct api_result *r)
{
	if (r == NULL)
		return;
	cJSON_Delete(r->json);
	api_result_init(r);
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* host[:port] of the base URL, for messages. */
static void
host_of(const char *base, char *out, size_t n)
{
	struct url u;

	if (url_parse(base, &u, NULL) == 0) {
		if (u.port)
			snprintf(out, n, "%s:%d", u.host, u.port);
		else
			snprintf(out, n, "%s", u.host);
		url_release(&u);
	} else {
		snprintf(out, n, "%s", base);
	}
}

/* The server's "detail" (string, or the first msg of a FastAPI list). */
static void
take_detail(struct api_result *r, const struct http_response *rs)
{
	const cJSON *d;

	cJSON_Delete(r->json);
	r->json = rs->body.len ? cJSON_ParseWithLength(rs->body.data, rs->body.len) : NULL;
	r->detail[0] = '\0';
	d = cJSON_GetObjectItemCaseSensitive(r->json, "detail");
	if (cJSON_IsString(d)) {
		snprintf(r->detail, sizeof(r->detail), "%s", d->valuestring);
	} else if (cJSON_IsArray(d) && cJSON_GetArraySize(d) > 0) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(d, 0), "msg");

		if (cJSON_IsString(m))
			snprintf(r->detail, sizeof(r->detail), "%s", m->valuestring);
	}
}

static void
attempts_text(const struct api_result *r, char *out, size_t n)
{
	if (r->attempts > 1)
		snprintf(out, n, " (%d attempts over %.1f s)", r->attempts, r->seconds);
	else
		out[0] = '\0';
}

/* Fill r->outcome and r->message from the last response or fault. */
static void
conclude(struct api *a, struct api_result *r, int ret, const struct http_response *rs,
	 const char *doing)
{
	char host[300], tries[96];
	const char *src = a->key_source ? a->key_source : "the command line";

	host_of(a->base_url, host, sizeof(host));
	r->status = ret == 0 ? rs->status : 0;
	r->fault = ret == 0 ? HTTP_FAULT_NONE : rs->fault;
	r->retry_after = rs->retry_after;
	if (ret == 0 && rs->accepts_gzip)
		r->accepts_gzip = 1;
	attempts_text(r, tries, sizeof(tries));
	if (ret < 0) {
		r->outcome = API_FAILED;
		snprintf(r->detail, sizeof(r->detail), "%s", rs->error);
		switch (rs->fault) {
		case HTTP_FAULT_DNS:
			snprintf(r->message, sizeof(r->message), "cannot %s: the host name '%s' "
				 "does not resolve (DNS)%s; check --host or default_host in "
				 "config.yaml, and the network", doing, host, tries);
			break;
		case HTTP_FAULT_CONNECT:
			snprintf(r->message, sizeof(r->message), "cannot %s: cannot connect to "
				 "%s (%s)%s", doing, host, rs->error, tries);
			break;
		case HTTP_FAULT_TLS_CERT:
			snprintf(r->message, sizeof(r->message), "cannot %s: the TLS certificate "
				 "of %s could not be verified (%s). If a proxy inspects TLS on this "
				 "network or the backend uses a private CA, pass that CA's bundle "
				 "with --ca-bundle PATH or set RUNLAYER_CA_BUNDLE (SSL_CERT_FILE "
				 "and REQUESTS_CA_BUNDLE are read too)", doing, host, rs->error);
			break;
		case HTTP_FAULT_TLS:
			snprintf(r->message, sizeof(r->message), "cannot %s: the TLS handshake "
				 "with %s failed (%s)%s", doing, host, rs->error, tries);
			break;
		case HTTP_FAULT_TIMEOUT:
			snprintf(r->message, sizeof(r->message), "cannot %s: %s did not answer "
				 "in time%s", doing, host, tries);
			break;
		case HTTP_FAULT_SEND:
		case HTTP_FAULT_RECV:
			snprintf(r->message, sizeof(r->message), "cannot %s: the connection to "
				 "%s broke before an answer (%s)%s", doing, host, rs->error, tries);
			break;
		case HTTP_FAULT_URL:
			snprintf(r->message, sizeof(r->message), "cannot %s: %s", doing, rs->error);
			break;
		default:
			snprintf(r->message, sizeof(r->message), "cannot %s: %s (%s)%s", doing,
				 http_fault_name(rs->fault), rs->error, tries);
		}
		return;
	}
	take_detail(r, rs);
	if (rs->status >= 200 && rs->status <= 299) {
		r->outcome = API_OK;
		r->message[0] = '\0';
	} else if (rs->status == 401) {
		r->outcome = API_UNAUTHORIZED;
		snprintf(r->message, sizeof(r->message), "cannot %s: %s rejected the API key "
			 "(HTTP 401): it is wrong, expired or revoked. The key came from %s; run "
			 "'runlayer login --host %s' or pass a valid key", doing, host, src,
			 a->base_url);
	} else if (rs->status == 403) {
		r->outcome = API_FORBIDDEN;
		snprintf(r->message, sizeof(r->message), "cannot %s: %s accepted the API key "
			 "but refused the request (HTTP 403): the key lacks the Detect Scan role "
			 "(an org key needs Detect/Shadow AI Scan). The key came from %s", doing,
			 host, src);
	} else if (rs->status == 404) {
		r->outcome = API_NOT_FOUND;
		snprintf(r->message, sizeof(r->message), "cannot %s: %s answered HTTP 404 for "
			 "%s: the host is wrong, or the backend is too old for this request",
			 doing, host, r->path);
	} else if (rs->status == 429) {
		r->outcome = API_FAILED;
		if (rs->retry_after >= 0)
			snprintf(r->message, sizeof(r->message), "cannot %s: %s is limiting the "
				 "request rate (HTTP 429, retry after %.0f s)%s", doing, host,
				 rs->retry_after, tries);
		else
			snprintf(r->message, sizeof(r->message), "cannot %s: %s is limiting the "
				 "request rate (HTTP 429)%s", doing, host, tries);
	} else if (rs->status >= 300 && rs->status <= 399) {
		/* Not followed (the key would go along): a wrong host, not a
		 * refusal of this request, so a queued scan stays queued. */
		r->outcome = API_FAILED;
		snprintf(r->message, sizeof(r->message), "cannot %s: %s answered with a "
			 "redirect (HTTP %ld), which is not followed so that the API key goes "
			 "nowhere else; set --host (or default_host) to the backend's final URL",
			 doing, host, rs->status);
	} else if (rs->status == 408 || rs->status >= 500) {
		r->outcome = API_FAILED;
		snprintf(r->message, sizeof(r->message), "cannot %s: %s failed (HTTP %ld%s%s)%s",
			 doing, host, rs->status, r->detail[0] ? ": " : "", r->detail, tries);
	} else {
		r->outcome = API_REJECTED;
		snprintf(r->message, sizeof(r->message), "cannot %s: %s refused it (HTTP %ld%s%s)",
			 doing, host, rs->status, r->detail[0] ? ": " : "", r->detail);
	}
}

/* A server may echo what it was sent: keep keys out of detail and message,
 * which end up on screens, in logs and in the spool. */
static void
scrub(char *buf, size_t n, const char *secret)
{
	char *clean;

	if (secret == NULL || *secret == '\0' || strstr(buf, secret) == NULL)
		return;
	clean = creds_scrub(buf, secret);
	snprintf(buf, n, "%s", clean);
	free(clean);
}

static void
scrub_result(struct api_result *r, const char *k1, const char *k2)
{
	scrub(r->detail, sizeof(r->detail), k1);
	scrub(r->message, sizeof(r->message), k1);
	scrub(r->detail, sizeof(r->detail), k2);
	scrub(r->message, sizeof(r->message), k2);
}

/* One logical request with retries; gzip refusals resent once plain. */
static int
call(struct api *a, struct http_request *rq, const struct http_retry *rp, const char *path,
     struct api_result *r, struct http_response *rs)
{
	char *url = xasprintf("%s%s", a->base_url, path);
	int ret, n = 0;

	snprintf(r->path, sizeof(r->path), "%s", path);
	rq->url = url;
	ret = http_send(a->http, rq, rp, rs, &n);
	r->attempts += n;
	if (ret == 0 && rs->gzipped &&
	    (rs->status == 400 || rs->status == 415 || rs->status == 422)) {
		/* RFC 7694: the server does not take compressed bodies. */
		r->gzip_refused = 1;
		rq->gzip = 0;
		a->gzip = 0;
		ret = http_send(a->http, rq, rp, rs, &n);
		r->attempts += n;
	}
	free(url);
	return ret;
}

int
api_scan(struct api *a, const char *body, size_t len, const char *idem, struct api_result *r)
{
	struct http_request rq;
	struct http_response rs;
	double start = now_mono();
	int ret;

	api_result_release(r);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.api_key = a->api_key;
	rq.idempotency_key = idem;
	rq.body = body;
	rq.body_len = len;
	rq.gzip = a->gzip;
	rq.timeout_ms = a->timeout_ms;
	http_response_init(&rs);
	ret = call(a, &rq, &a->retry, API_SCAN_PATH, r, &rs);
	if (ret == 0 && rs.status == 404)
		ret = call(a, &rq, &a->retry, API_SCAN_LEGACY_PATH, r, &rs);
	r->seconds = now_mono() - start;
	conclude(a, r, ret, &rs, "submit the scan");
	if (r->outcome == API_NOT_FOUND) {
		char host[300];

		host_of(a->base_url, host, sizeof(host));
		snprintf(r->message, sizeof(r->message), "cannot submit the scan: %s has no scan "
			 "endpoint (HTTP 404 on %s and %s): the host is wrong, or the backend "
			 "is too old for this client", host, API_SCAN_PATH, API_SCAN_LEGACY_PATH);
	}
	scrub_result(r, a->api_key, NULL);
	http_response_release(&rs);
	return 0;
}

/* POST a JSON body to path, 5 s per attempt, retried per rp: the shape of
 * the small fire-and-forget requests (check-in, hook events). */
static void
post_small(struct api *a, const char *path, const char *body, size_t len,
	   const struct http_retry *rp, const char *doing, struct api_result *r)
{
	struct http_request rq;
	struct http_response rs;
	double start = now_mono();
	int ret;

	api_result_release(r);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.api_key = a->api_key;
	rq.body = body;
	rq.body_len = len;
	rq.timeout_ms = a->small_timeout_ms > 0 ? a->small_timeout_ms : 5000;
	http_response_init(&rs);
	ret = call(a, &rq, rp, path, r, &rs);
	r->seconds = now_mono() - start;
	conclude(a, r, ret, &rs, doing);
	scrub_result(r, a->api_key, NULL);
	http_response_release(&rs);
}

int
api_check_in(struct api *a, const cJSON *payload, struct api_result *r)
{
	struct http_retry rp = { HTTP_RETRY_UNSENT | HTTP_RETRY_TRANSPORT, 3, 6.0, 0.1, 0.2 };
	char *body = cJSON_PrintUnformatted(payload);

	post_small(a, API_CHECK_IN_PATH, body, strlen(body), &rp, "check in", r);
	free(body);
	return 0;
}

int
api_hook_event(struct api *a, const char *body, size_t len, struct api_result *r)
{
	struct http_retry rp = { HTTP_RETRY_UNSENT, 2, 6.0, 0.1, 0.2 };

	post_small(a, API_HOOK_EVENTS_PATH, body, len, &rp, "send hook events", r);
	return 0;
}

int
api_get_config(struct api *a, struct api_result *r)
{
	struct http_request rq;
	struct http_response rs;
	struct http_retry rp = { HTTP_RETRY_UNSENT, 3, 20.0, 0.5, 2.0 };
	double start = now_mono();
	int ret;

	api_result_release(r);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.api_key = a->api_key;
	rq.timeout_ms = 10000;
	http_response_init(&rs);
	ret = call(a, &rq, &rp, API_CONFIG_PATH, r, &rs);
	r->seconds = now_mono() - start;
	conclude(a, r, ret, &rs, "verify the key");
	scrub_result(r, a->api_key, NULL);
	http_response_release(&rs);
	return 0;
}

int
api_enroll(struct api *a, const char *enroll_key, const char *username,
	   const char *device_name, struct api_result *r)
{
	struct http_request rq;
	struct http_response rs;
	struct http_retry rp = { HTTP_RETRY_UNSENT, 3, 90.0, 0.5, 2.0 };
	double start = now_mono();
	cJSON *o = cJSON_CreateObject();
	const cJSON *k;
	char *body;
	int ret;

	cJSON_AddStringToObject(o, "username", username ? username : "");
	cJSON_AddStringToObject(o, "device_name", device_name ? device_name : "");
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	api_result_release(r);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.bearer = enroll_key;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.timeout_ms = 60000;
	http_response_init(&rs);
	ret = call(a, &rq, &rp, API_ENROLL_PATH, r, &rs);
	r->seconds = now_mono() - start;
	conclude(a, r, ret, &rs, "enroll");
	if (ret < 0) {
		snprintf(r->message, sizeof(r->message), "Failed to connect to %s: %s%s",
			 a->base_url, rs.error, rs.fault == HTTP_FAULT_TLS_CERT ?
			 " (pass the CA bundle with --ca-bundle PATH or set RUNLAYER_CA_BUNDLE; "
			 "SSL_CERT_FILE and REQUESTS_CA_BUNDLE are read too)" : "");
	} else if (r->outcome == API_OK) {
		k = cJSON_GetObjectItemCaseSensitive(r->json, "api_key");
		if (!cJSON_IsString(k) || k->valuestring[0] == '\0') {
			r->outcome = API_REJECTED;
			snprintf(r->message, sizeof(r->message), "enrollment failed (HTTP %ld): "
				 "the answer has no api_key", rs.status);
		}
	} else {
		snprintf(r->message, sizeof(r->message), "enrollment failed (HTTP %ld)%s%s",
			 rs.status, r->detail[0] ? ": " : "", r->detail);
	}
	k = cJSON_GetObjectItemCaseSensitive(r->json, "api_key");
	scrub_result(r, enroll_key, cJSON_IsString(k) ? k->valuestring : NULL);
	http_response_release(&rs);
	free(body);
	return 0;
}
