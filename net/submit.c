/* Delivery of queued scans: one entry at a time, oldest first, each with its
 * own idempotency key; outcomes written back to the spool and the scans. */
#include "net/submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/uuid.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
submit_report_init(struct submit_report *r)
{
	memset(r, 0, sizeof(*r));
	api_result_init(&r->result);
}

void
submit_report_release(struct submit_report *r)
{
	if (r == NULL)
		return;
	api_result_release(&r->result);
	submit_report_init(r);
}

static void
take_result(struct submit_report *r, struct api_result *res)
{
	api_result_release(&r->result);
	r->result = *res;
	api_result_init(res);
}

static void
use_gzip(struct submit_ctx *c)
{
	if (c->gzip == SUBMIT_GZIP_NEVER)
		c->api->gzip = 0;
	else if (c->gzip == SUBMIT_GZIP_ALWAYS)
		c->api->gzip = !c->store || spool_gzip(c->store, c->api->base_url) != 0;
	else
		c->api->gzip = c->store && spool_gzip(c->store, c->api->base_url) == 1;
}

static void
learn_gzip(struct submit_ctx *c, const struct api_result *res)
{
	struct err e = ERR_INIT;
	int known;

	if (c->store == NULL)
		return;
	known = spool_gzip(c->store, c->api->base_url);
	if (res->gzip_refused && known != 0)
		spool_set_gzip(c->store, c->api->base_url, 0, &e);
	else if (!res->gzip_refused && res->accepts_gzip && known == -1)
		spool_set_gzip(c->store, c->api->base_url, 1, &e);
	use_gzip(c);
}

/* Deliver the queue; current = the entry of this run's scan (0 = none). */
static int
deliver(struct submit_ctx *c, long long current, struct submit_report *r, struct err *e)
{
	struct spool_entries q = { NULL, 0, 0 };
	struct api_result res;
	size_t i;
	int ret, current_done = 0;

	api_result_init(&res);
	ret = spool_list(c->store, c->api->base_url, SPOOL_QUEUED, 0, &q, e);
	if (ret < 0)
		return ret;
	use_gzip(c);
	for (i = 0; i < q.n; i++) {
		struct spool_entry *en = &q.v[i];
		struct err we = ERR_INIT;
		char *payload = NULL;
		int is_current = en->id == current, stop = 0;

		if ((ret = spool_payload(c->store, en->id, &payload, e)) < 0) {
			if (ret == -ERR_NOTFOUND) {
				/* Delivered by a concurrent run meanwhile. */
				ret = 0;
				continue;
			}
			break;
		}
		api_scan(c->api, payload, strlen(payload), en->idempotency_key, &res);
		free(payload);
		learn_gzip(c, &res);
		switch (res.outcome) {
		case API_OK:
			spool_done(c->store, en->id, &we);
			if (en->scan)
				store_scan_set_submission(c->store, en->scan, STORE_SUB_SUBMITTED,
							  NULL, &we);
			if (is_current)
				r->current_sent = 1;
			else
				r->older_sent++;
			break;
		case API_REJECTED:
			spool_attempt(c->store, en->id, 1, res.status, res.message, &we);
			if (en->scan)
				store_scan_set_submission(c->store, en->scan, STORE_SUB_FAILED,
							  res.message, &we);
			r->rejected++;
			break;
		case API_NOT_FOUND:
			spool_attempt(c->store, en->id, 0, res.status, res.message, &we);
			if (en->scan)
				store_scan_set_submission(c->store, en->scan, STORE_SUB_UNSUPPORTED,
							  res.message, &we);
			stop = 1;
			break;
		default:
			spool_attempt(c->store, en->id, 0, res.status, res.message, &we);
			if (en->scan)
				store_scan_set_submission(c->store, en->scan, STORE_SUB_PENDING,
							  res.message, &we);
			stop = 1;
		}
		if (is_current || (stop && !current_done)) {
			take_result(r, &res);
			if (is_current)
				current_done = 1;
			else if (current)
				r->current_blocked = 1;
		}
		if (!is_current && !stop && current == 0)
			take_result(r, &res);	/* sync: the last answer */
		api_result_release(&res);
		if (stop)
			break;
	}
	spool_entries_release(&q);
	if (ret == 0)
		ret = spool_stats(c->store, c->api->base_url, &r->remaining, &r->other_hosts,
				  &i, e);
	return ret;
}

int
submit_scan(struct submit_ctx *c, const char *payload, size_t len, long long scan,
	    struct submit_report *r, struct err *e)
{
	int ret = -ERR_IO;

	submit_report_release(r);
	if (c->store) {
		ret = spool_add(c->store, c->api->base_url, payload, len, scan, c->limits,
				&r->added, e);
		if (ret == 0) {
			r->spooled = 1;
			return deliver(c, r->added.id, r, e);
		}
	}
	/* No spool: one direct attempt, so the scan still goes out. */
	{
		char idem[UUID_TEXT_LEN + 1];
		struct api_result res;

		api_result_init(&res);
		if (uuid_v4(idem) < 0)
			return err_sys(e, ERR_IO, "cannot make an idempotency key");
		use_gzip(c);
		api_scan(c->api, payload, len, idem, &res);
		r->current_sent = res.outcome == API_OK;
		take_result(r, &res);
	}
	return c->store ? ret : 0;
}

int
submit_flush(struct submit_ctx *c, struct submit_report *r, struct err *e)
{
	submit_report_release(r);
	if (c->store == NULL)
		return err_set(e, ERR_INVALID, "no submission queue");
	return deliver(c, 0, r, e);
}
