/* The outbox of hook events for POST /api/v1/hooks/events: one JSON file
 * per event in a spool directory, written by hooks, sent later by sync. */
#ifndef HOOKS_QUEUE_H
#define HOOKS_QUEUE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/err.h"

#define QUEUE_MAX_FILES		20000	/* beyond this new events are dropped */
#define QUEUE_MAX_BODY		(1u * 1024 * 1024)	/* contract §3.11: ≤1 MB per request */
#define QUEUE_FULL_MARK		".full"

/*
 * The spool directory: <state dir>/queue/hook-events (util/state.h:
 * $RUNLAYER_HOME or ~/.runlayer). New string, or NULL with e filled.
 */
char *queue_default_dir(struct err *e);

/*
 * Queue one event body (contract §3.11: {"client", "event_name",
 * "payload"}; the sender adds "device"). The file is created 0600 under a
 * temporary name and renamed, so a reader never sees half an event; the
 * directory is created 0700. Names sort by time. When the directory holds
 * QUEUE_MAX_FILES events (checked now and then, remembered in a marker
 * file) or the body is over QUEUE_MAX_BODY, the event is dropped and
 * -ERR_LIMIT returned. 0 or -ERR_*.
 */
int queue_add(const char *dir, const cJSON *body, struct err *e);

/* Number of queued events (stops counting at limit when limit > 0). */
size_t queue_count(const char *dir, size_t limit);

/*
 * Hand queued events to send(), oldest first, at most max (0 = all). A
 * send() returning 0 deletes the event; a negative return stops the drain
 * (the event stays). Unparseable files are removed. *sent gets the number
 * delivered. Returns 0 or -ERR_IO.
 */
int queue_drain(const char *dir, size_t max,
		int (*send)(const char *body, size_t len, void *arg), void *arg,
		size_t *sent, struct err *e);

#endif
