/* The Runlayer backend requests this client makes (contract §3, docs/api.md):
 * scan submission with the legacy fallback, check-in, config, enrollment. */
#ifndef NET_API_H
#define NET_API_H

#include <cjson/cJSON.h>

#include "net/http.h"

#define API_SCAN_PATH		"/api/v1/ai-watch/scan"
#define API_SCAN_LEGACY_PATH	"/api/v1/mcp-watch/scan"
#define API_CHECK_IN_PATH	"/api/v1/ai-watch/check-in"
#define API_CONFIG_PATH		"/api/v1/ai-watch/config"
#define API_ENROLL_PATH		"/api/v1/mdm/enroll"
#define API_HOOK_EVENTS_PATH	"/api/v1/hooks/events"

/* What a request came to, as the exit codes see it. */
enum api_outcome {
	API_OK = 0,		/* 2xx */
	API_UNAUTHORIZED,	/* 401: key wrong, expired or revoked */
	API_FORBIDDEN,		/* 403: key valid but lacks the role */
	API_NOT_FOUND,		/* 404 (on both paths where there is a fallback) */
	API_REJECTED,		/* another 4xx: this request will never be accepted */
	API_FAILED,		/* transport fault, 5xx, 408 or 429 after the retries */
};

struct api {
	struct http_client *http;
	const char *base_url;		/* normalised, no trailing '/' */
	const char *api_key;		/* x-runlayer-api-key */
	const char *key_source;		/* where the key came from, for 401/403 messages */
	struct http_retry retry;	/* for scan submissions */
	long timeout_ms;		/* per attempt for scan submissions */
	long small_timeout_ms;		/* per attempt for check-in and hook events; 0 = 5 s */
	int gzip;			/* compress request bodies */
};

struct api_result {
	enum api_outcome outcome;
	long status;			/* last HTTP status, 0 without a response */
	enum http_fault fault;
	int attempts;			/* over every path tried */
	double seconds;			/* wall time of the whole call */
	char path[64];			/* the path of the last attempt */
	cJSON *json;			/* the last answer's JSON body, or NULL */
	int accepts_gzip;		/* the backend advertised gzip request bodies */
	int gzip_refused;		/* a compressed body was refused (resent plain) */
	double retry_after;		/* from the last answer, -1 when none */
	char detail[512];		/* server "detail" or libcurl's words */
	char message[1400];		/* one sentence a user can act on */
};

void api_result_init(struct api_result *r);
void api_result_release(struct api_result *r);

/*
 * POST the scan payload (JSON text) to API_SCAN_PATH with
 * x-runlayer-idempotency-key: idem (so the backend can drop a resent
 * copy), retrying per a->retry; on 404 the same to API_SCAN_LEGACY_PATH.
 * NOT_FOUND means both answered 404 (the backend lacks scanning). A
 * compressed body answered with 400, 415 or 422 is sent once more plain.
 * Fills r (outcome, message) and returns 0; the outcome says how it went.
 */
int api_scan(struct api *a, const char *body, size_t len, const char *idem,
	     struct api_result *r);

/*
 * POST a device check-in (contract §3.8). 5 s per attempt; transport
 * faults retried after ~0.1 s and ~0.2 s; HTTP errors are not retried.
 * 404 (an older backend) is NOT_FOUND, which callers ignore.
 */
int api_check_in(struct api *a, const cJSON *payload, struct api_result *r);

/*
 * POST one hook event (contract §3.11, JSON text) to API_HOOK_EVENTS_PATH:
 * 5 s, retried only when the request was never sent. Fills r and returns 0.
 */
int api_hook_event(struct api *a, const char *body, size_t len, struct api_result *r);

/* GET API_CONFIG_PATH (10 s, faults before sending retried): proves a key. */
int api_get_config(struct api *a, struct api_result *r);

/*
 * POST API_ENROLL_PATH with Authorization: Bearer enroll_key and
 * {"username", "device_name"} (60 s; only faults before sending are
 * retried). OK needs 200 with a non-empty string "api_key" (a 200 without
 * one is REJECTED). Messages follow contract §3.9: "enrollment failed
 * (HTTP <code>): <detail>" and "Failed to connect to <url>: <error>".
 */
int api_enroll(struct api *a, const char *enroll_key, const char *username,
	       const char *device_name, struct api_result *r);

#endif
