/* The submission spool: scan payloads kept in the local inventory database
 * until the backend acknowledges them, so no scan is lost or sent twice. */
#ifndef NET_SPOOL_H
#define NET_SPOOL_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

/*
 * Lifecycle of an entry (table `spool`, store migration 4):
 *
 *   spool_add()      before the first attempt (write-ahead): the redacted
 *                    payload, the backend URL, and a new idempotency key
 *                    (UUIDv4) that every resend carries;
 *   spool_done()     the backend answered 2xx: the entry is deleted;
 *   spool_attempt()  anything else: attempts, status and error recorded;
 *                    an answer that can never succeed (4xx other than
 *                    401/403/404/408/429) moves it to state `rejected`,
 *                    which is kept for inspection but never resent.
 *
 * Bound: at most max_entries queued entries and max_bytes of queued
 * payload (all backends together). When a new entry would pass either, the
 * oldest queued entries are dropped (never the new one): each scan is a
 * full snapshot of the machine, so the newest ones carry the current
 * state, and the dropped scan stays in the local inventory. Each drop is an
 * audit event `submission_dropped` and marks its scan `failed`. At most
 * max_rejected rejected entries are kept (oldest deleted first).
 *
 * Nothing here holds an API key: keys are resolved again at send time.
 */

#define SPOOL_MAX_ENTRIES	500u
#define SPOOL_MAX_BYTES		(64u * 1024 * 1024)
#define SPOOL_MAX_REJECTED	50u

struct spool_limits {
	size_t max_entries;	/* 0 = SPOOL_MAX_ENTRIES */
	size_t max_bytes;	/* 0 = SPOOL_MAX_BYTES */
	size_t max_rejected;	/* 0 = SPOOL_MAX_REJECTED */
};

struct spool_entry {
	long long id;
	long long scan;			/* inventory scan id, 0 when none */
	char *created_at;		/* UTC, store time format */
	char *host_url;
	char *idempotency_key;
	char *payload;			/* JSON text */
	size_t bytes;
	int rejected;
	long attempts;
	long last_status;		/* 0 when none */
	char *last_attempt_at;		/* NULL when never tried */
	char *last_error;
};

struct spool_entries {
	struct spool_entry *v;
	size_t n, cap;
};

void spool_entries_release(struct spool_entries *l);

struct spool_added {
	long long id;
	char idempotency_key[37];
	size_t dropped;			/* older entries dropped by the bound */
	char oldest_dropped[32];	/* created_at of the oldest dropped, or "" */
};

/* Queue payload (len bytes) for host_url in one transaction, enforcing the
 * bound. scan may be 0. Returns 0 or -ERR_IO. */
int spool_add(struct store *s, const char *host_url, const char *payload, size_t len,
	      long long scan, const struct spool_limits *lim, struct spool_added *out,
	      struct err *e);

enum spool_filter { SPOOL_QUEUED = 0, SPOOL_REJECTED = 1, SPOOL_ALL = 2 };

/* Entries oldest first; host_url NULL = every backend; with_payload 0
 * leaves payload NULL (listing). Appended to out. */
int spool_list(struct store *s, const char *host_url, enum spool_filter f, int with_payload,
	       struct spool_entries *out, struct err *e);

/* The payload of entry id (new string in *payload; -ERR_NOTFOUND when the
 * entry is gone). */
int spool_payload(struct store *s, long long id, char **payload, struct err *e);

/* The backend acknowledged entry id: delete it. */
int spool_done(struct store *s, long long id, struct err *e);

/* Record a failed attempt (status 0 = transport fault); rejected moves the
 * entry out of the queue. error is stored as given (pass scrubbed text). */
int spool_attempt(struct store *s, long long id, int rejected, long status, const char *error,
		  struct err *e);

/* Counts: queued for host_url, queued for other backends, rejected. */
int spool_stats(struct store *s, const char *host_url, size_t *queued, size_t *other,
		size_t *rejected, struct err *e);

/* What host_url said about gzip request bodies: 1 takes them, 0 refused,
 * -1 unknown (also on errors). */
int spool_gzip(struct store *s, const char *host_url);
int spool_set_gzip(struct store *s, const char *host_url, int accepts, struct err *e);

#endif
