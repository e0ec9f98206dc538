/* Scan submission with the spool: queue first, then deliver the queue of
 * this backend oldest first, so a failed scan goes out with the next one. */
#ifndef NET_SUBMIT_H
#define NET_SUBMIT_H

#include <stddef.h>

#include "net/api.h"
#include "net/spool.h"
#include "store/store.h"
#include "util/err.h"

enum submit_gzip {
	SUBMIT_GZIP_AUTO = -1,	/* when the backend advertised it (remembered per backend) */
	SUBMIT_GZIP_NEVER = 0,
	SUBMIT_GZIP_ALWAYS = 1,	/* still dropped for a backend that refuses it */
};

struct submit_ctx {
	struct api *api;		/* base_url, key, retries */
	struct store *store;		/* the spool's database; NULL = send without a spool */
	const struct spool_limits *limits;
	enum submit_gzip gzip;
};

struct submit_report {
	/*
	 * The current scan's answer, or (current_blocked) the failure of an
	 * older queued scan that stopped the delivery before it.
	 */
	struct api_result result;
	int current_sent;		/* the backend acknowledged the current scan */
	int current_blocked;		/* not tried: an older entry failed first */
	size_t older_sent;		/* scans queued by earlier runs, delivered now */
	size_t rejected;		/* entries refused for good during this run */
	size_t remaining;		/* still queued for this backend */
	size_t other_hosts;		/* queued for other backends (not touched) */
	struct spool_added added;	/* the current scan's entry (and bound drops) */
	int spooled;			/* the current scan was queued (write-ahead) */
};

void submit_report_init(struct submit_report *r);
void submit_report_release(struct submit_report *r);

/*
 * Queue payload (the redacted scan JSON; scan = inventory scan id or 0)
 * for the api's backend, then deliver that backend's queue oldest first.
 * A 2xx removes an entry and marks its scan submitted; a permanent refusal
 * (REJECTED) sets it aside and delivery goes on; any other outcome stops
 * delivery and leaves the rest queued (401/403 and transport faults for a
 * later run, 404 twice marks the scan unsupported). Returns 0 (the outcome
 * is in r), or -ERR_* when the spool itself failed: the scan was then sent
 * once without it when possible (r says how it went).
 */
int submit_scan(struct submit_ctx *c, const char *payload, size_t len, long long scan,
		struct submit_report *r, struct err *e);

/* Deliver the queue of the api's backend (runlayer sync). Same rules. */
int submit_flush(struct submit_ctx *c, struct submit_report *r, struct err *e);

#endif
