/* Delivery of the hook events queued by `runlayer hook` (hooks/queue.h) to
 * POST /api/v1/hooks/events, for `runlayer sync` and the scan. */
#ifndef NET_HOOK_EVENTS_H
#define NET_HOOK_EVENTS_H

#include <stddef.h>

#include "net/api.h"
#include "util/err.h"

struct hook_events_report {
	size_t sent;		/* accepted by the backend (2xx), removed */
	size_t rejected;	/* refused for good (400, 413, 422...), removed */
	size_t left;		/* still queued afterwards */
	int stopped;		/* delivery stopped early: result says why */
	struct api_result result;	/* the last request */
};

void hook_events_report_init(struct hook_events_report *r);
void hook_events_report_release(struct hook_events_report *r);

/*
 * Send up to max (0 = all) queued events of dir, oldest first, one request
 * each, with "device": {"device_id", "username"} added (username may be
 * NULL). An event the backend accepts, or refuses with a 4xx other than
 * 401/403/404/408/429 (it would never be accepted), leaves the queue; the
 * first transport fault, 5xx, 401, 403, 404 or 429 stops the delivery and
 * keeps that event and all later ones for the next run. Returns 0 (the
 * report says how it went) or -ERR_IO when the queue cannot be read.
 */
int hook_events_send(struct api *a, const char *dir, const char *device_id,
		     const char *username, size_t max, struct hook_events_report *rep,
		     struct err *e);

#endif
