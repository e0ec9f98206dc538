/* Spool rows in the inventory database: write-ahead queueing with a bound,
 * acknowledgement, attempt bookkeeping and the per-backend gzip flag. */
#include "net/spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/uuid.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
spool_entries_release(struct spool_entries *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		struct spool_entry *en = &l->v[i];

		free(en->created_at);
		free(en->host_url);
		free(en->idempotency_key);
		free(en->payload);
		free(en->last_attempt_at);
		free(en->last_error);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
step_done(struct store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_err(s, e, what);
	return 0;
}

/* Drop one queued entry for the bound: event, scan marked failed, delete. */
static int
drop_entry(struct store *s, long long id, long long scan, const char *created,
	   const char *host, const char *idem, const char *now, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char details[512];
	int ret;

	snprintf(details, sizeof(details), "{\"reason\": \"submission queue full\", "
		 "\"queued_at\": \"%s\", \"idempotency_key\": \"%s\"}", created, idem);
	ret = store_prepare(s, "INSERT INTO events (time, type, scan, details) "
			    "VALUES (?, 'submission_dropped', ?, ?)", &st, e);
	if (ret < 0)
		return ret;
	store_bind_text(st, 1, now);
	if (scan > 0)
		sqlite3_bind_int64(st, 2, scan);
	else
		sqlite3_bind_null(st, 2);
	store_bind_text(st, 3, details);
	if ((ret = step_done(s, st, e, "cannot record the dropped submission")) < 0)
		return ret;
	if (scan > 0) {
		ret = store_prepare(s, "UPDATE scans SET submission = 'failed', submission_detail = "
				    "'dropped from the full submission queue for ' || ? "
				    "WHERE id = ?", &st, e);
		if (ret < 0)
			return ret;
		store_bind_text(st, 1, host);
		sqlite3_bind_int64(st, 2, scan);
		if ((ret = step_done(s, st, e, "cannot mark the dropped scan")) < 0)
			return ret;
	}
	ret = store_prepare(s, "DELETE FROM spool WHERE id = ?", &st, e);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st, e, "cannot drop a queued submission");
}

static int
enforce_bound(struct store *s, long long keep, const struct spool_limits *lim,
	      struct spool_added *out, const char *now, struct err *e)
{
	size_t max_n = lim && lim->max_entries ? lim->max_entries : SPOOL_MAX_ENTRIES;
	size_t max_b = lim && lim->max_bytes ? lim->max_bytes : SPOOL_MAX_BYTES;
	size_t max_r = lim && lim->max_rejected ? lim->max_rejected : SPOOL_MAX_REJECTED;
	sqlite3_stmt *st = NULL;
	long long n = 0, bytes = 0;
	int ret;

	ret = store_prepare(s, "SELECT count(*), coalesce(sum(bytes), 0) FROM spool "
			    "WHERE state = 'queued'", &st, e);
	if (ret < 0)
		return ret;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sql_err(s, e, "cannot measure the submission queue");
	}
	n = sqlite3_column_int64(st, 0);
	bytes = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	while ((size_t)n > max_n || (size_t)bytes > max_b) {
		long long id, scan, b;
		char *created, *host, *idem;
		int rc;

		ret = store_prepare(s, "SELECT id, coalesce(scan, 0), created_at, host_url, "
				    "idempotency_key, bytes FROM spool WHERE state = 'queued' "
				    "AND id <> ? ORDER BY id LIMIT 1", &st, e);
		if (ret < 0)
			return ret;
		sqlite3_bind_int64(st, 1, keep);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			sqlite3_finalize(st);
			if (rc != SQLITE_DONE)
				return store_sql_err(s, e, "cannot find the oldest queued scan");
			break;	/* only the new entry is left: it stays */
		}
		id = sqlite3_column_int64(st, 0);
		scan = sqlite3_column_int64(st, 1);
		created = store_col_text(st, 2);
		host = store_col_text(st, 3);
		idem = store_col_text(st, 4);
		b = sqlite3_column_int64(st, 5);
		sqlite3_finalize(st);
		ret = drop_entry(s, id, scan, created ? created : "", host ? host : "",
				 idem ? idem : "", now, e);
		if (ret == 0 && out) {
			if (out->dropped == 0)
				snprintf(out->oldest_dropped, sizeof(out->oldest_dropped), "%s",
					 created ? created : "");
			out->dropped++;
		}
		free(created);
		free(host);
		free(idem);
		if (ret < 0)
			return ret;
		n--;
		bytes -= b;
	}
	ret = store_prepare(s, "DELETE FROM spool WHERE state = 'rejected' AND id NOT IN "
			    "(SELECT id FROM spool WHERE state = 'rejected' ORDER BY id DESC "
			    "LIMIT ?)", &st, e);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max_r);
	return step_done(s, st, e, "cannot trim rejected submissions");
}

int
spool_add(struct store *s, const char *host_url, const char *payload, size_t len,
	  long long scan, const struct spool_limits *lim, struct spool_added *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1], idem[UUID_TEXT_LEN + 1];
	long long id;
	int ret;

	if (out)
		memset(out, 0, sizeof(*out));
	if (uuid_v4(idem) < 0)
		return err_sys(e, ERR_IO, "cannot make an idempotency key");
	store_now(now);
	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	ret = store_prepare(s, "INSERT INTO spool (created_at, host_url, idempotency_key, scan, "
			    "payload, bytes) VALUES (?, ?, ?, ?, ?, ?)", &st, e);
	if (ret < 0)
		goto fail;
	store_bind_text(st, 1, now);
	store_bind_text(st, 2, host_url);
	store_bind_text(st, 3, idem);
	if (scan > 0)
		sqlite3_bind_int64(st, 4, scan);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, payload, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)len);
	if ((ret = step_done(s, st, e, "cannot queue the submission")) < 0)
		goto fail;
	id = sqlite3_last_insert_rowid(s->db);
	if ((ret = enforce_bound(s, id, lim, out, now, e)) < 0)
		goto fail;
	if ((ret = store_commit(s, e)) < 0)
		return ret;
	if (out) {
		out->id = id;
		memcpy(out->idempotency_key, idem, sizeof(idem));
	}
	return 0;
fail:
	store_rollback(s);
	return ret;
}

int
spool_list(struct store *s, const char *host_url, enum spool_filter f, int with_payload,
	   struct spool_entries *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = store_prepare(s, "SELECT id, coalesce(scan, 0), created_at, host_url, "
			    "idempotency_key, CASE WHEN ? THEN payload END, bytes, state, attempts, "
			    "coalesce(last_status, 0), last_attempt_at, last_error FROM spool "
			    "WHERE (? IS NULL OR host_url = ?) AND (? = 2 OR state = "
			    "CASE ? WHEN 0 THEN 'queued' ELSE 'rejected' END) ORDER BY id", &st, e);
	if (ret < 0)
		return ret;
	sqlite3_bind_int(st, 1, with_payload);
	store_bind_text(st, 2, host_url);
	store_bind_text(st, 3, host_url);
	sqlite3_bind_int(st, 4, (int)f);
	sqlite3_bind_int(st, 5, (int)f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct spool_entry *en;
		char *state;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		en = &out->v[out->n++];
		memset(en, 0, sizeof(*en));
		en->id = sqlite3_column_int64(st, 0);
		en->scan = sqlite3_column_int64(st, 1);
		en->created_at = store_col_text(st, 2);
		en->host_url = store_col_text(st, 3);
		en->idempotency_key = store_col_text(st, 4);
		en->payload = store_col_text(st, 5);
		en->bytes = (size_t)sqlite3_column_int64(st, 6);
		state = store_col_text(st, 7);
		en->rejected = state && strcmp(state, "rejected") == 0;
		free(state);
		en->attempts = (long)sqlite3_column_int64(st, 8);
		en->last_status = (long)sqlite3_column_int64(st, 9);
		en->last_attempt_at = store_col_text(st, 10);
		en->last_error = store_col_text(st, 11);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_err(s, e, "cannot read the submission queue");
	return 0;
}

int
spool_payload(struct store *s, long long id, char **payload, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*payload = NULL;
	ret = store_prepare(s, "SELECT payload FROM spool WHERE id = ?", &st, e);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*payload = store_col_text(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return err_set(e, ERR_NOTFOUND, "queued submission %lld is gone", id);
	if (rc != SQLITE_ROW || *payload == NULL)
		return store_sql_err(s, e, "cannot read a queued submission");
	return 0;
}

/* One write statement in its own IMMEDIATE transaction. */
static int
write1(struct store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	int ret = step_done(s, st, e, what);

	if (ret < 0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, e);
}

int
spool_done(struct store *s, long long id, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	if ((ret = store_prepare(s, "DELETE FROM spool WHERE id = ?", &st, e)) < 0) {
		store_rollback(s);
		return ret;
	}
	sqlite3_bind_int64(st, 1, id);
	return write1(s, st, e, "cannot remove the delivered submission");
}

int
spool_attempt(struct store *s, long long id, int rejected, long status, const char *error,
	      struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1];
	int ret;

	store_now(now);
	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	ret = store_prepare(s, "UPDATE spool SET attempts = attempts + 1, last_attempt_at = ?, "
			    "last_status = ?, last_error = ?, state = CASE WHEN ? THEN 'rejected' "
			    "ELSE state END WHERE id = ?", &st, e);
	if (ret < 0) {
		store_rollback(s);
		return ret;
	}
	store_bind_text(st, 1, now);
	if (status > 0)
		sqlite3_bind_int64(st, 2, status);
	else
		sqlite3_bind_null(st, 2);
	store_bind_text(st, 3, error);
	sqlite3_bind_int(st, 4, rejected);
	sqlite3_bind_int64(st, 5, id);
	return write1(s, st, e, "cannot record the submission attempt");
}

int
spool_stats(struct store *s, const char *host_url, size_t *queued, size_t *other,
	    size_t *rejected, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret;

	*queued = *other = *rejected = 0;
	ret = store_prepare(s, "SELECT coalesce(sum(state = 'queued' AND host_url = ?), 0), "
			    "coalesce(sum(state = 'queued' AND host_url <> ?), 0), "
			    "coalesce(sum(state = 'rejected'), 0) FROM spool", &st, e);
	if (ret < 0)
		return ret;
	store_bind_text(st, 1, host_url ? host_url : "");
	store_bind_text(st, 2, host_url ? host_url : "");
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sql_err(s, e, "cannot count the submission queue");
	}
	*queued = (size_t)sqlite3_column_int64(st, 0);
	*other = (size_t)sqlite3_column_int64(st, 1);
	*rejected = (size_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

int
spool_gzip(struct store *s, const char *host_url)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (store_prepare(s, "SELECT accepts_gzip FROM backend_hosts WHERE host_url = ?", &st,
			  NULL) < 0)
		return -1;
	store_bind_text(st, 1, host_url);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int(st, 0) ? 1 : 0;
	sqlite3_finalize(st);
	return v;
}

int
spool_set_gzip(struct store *s, const char *host_url, int accepts, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1];
	int ret;

	store_now(now);
	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	ret = store_prepare(s, "INSERT INTO backend_hosts (host_url, accepts_gzip, checked_at) "
			    "VALUES (?, ?, ?) ON CONFLICT (host_url) DO UPDATE SET "
			    "accepts_gzip = excluded.accepts_gzip, checked_at = excluded.checked_at",
			    &st, e);
	if (ret < 0) {
		store_rollback(s);
		return ret;
	}
	store_bind_text(st, 1, host_url);
	sqlite3_bind_int(st, 2, accepts ? 1 : 0);
	store_bind_text(st, 3, now);
	return write1(s, st, e, "cannot record the backend's gzip support");
}
