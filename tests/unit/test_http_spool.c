/* Unit tests for the submission spool in the inventory database: queueing
 * with idempotency keys, the bound and its audit events, attempts,
 * rejection, the gzip memory, and delivery against an unreachable backend. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sqlite3.h>

#include "net/spool.h"
#include "net/submit.h"
#include "store/store.h"
#include "util/uuid.h"
#include "util/xalloc.h"
#include "tap.h"

static char tmp[256];

static long long
count(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open(db, &h) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return n;
}

static void
test_queue(struct store *s, const char *db)
{
	struct spool_added a, b, c;
	struct spool_entries l = { NULL, 0, 0 };
	struct spool_limits lim = { 3, 0, 2 };
	struct err e = ERR_INIT;
	unsigned char u[16];
	size_t q, o, r;
	char *p;
	int i;

	ok(spool_add(s, "https://a.example.com", "{\"n\":1}", 7, 0, &lim, &a, &e) == 0, "add");
	ok(uuid_parse(a.idempotency_key, u) == 0 && a.idempotency_key[14] == '4',
	   "idempotency key is a UUIDv4 (%s)", a.idempotency_key);
	spool_add(s, "https://a.example.com", "{\"n\":2}", 7, 0, &lim, &b, &e);
	spool_add(s, "https://b.example.com", "{\"n\":3}", 7, 0, &lim, &c, &e);
	ok(strcmp(a.idempotency_key, b.idempotency_key) != 0, "keys differ per entry");
	ok(spool_list(s, "https://a.example.com", SPOOL_QUEUED, 1, &l, &e) == 0 && l.n == 2,
	   "two entries for a");
	ok(l.n == 2 && l.v[0].id == a.id && l.v[1].id == b.id, "oldest first");
	is_str(l.n ? l.v[0].payload : NULL, "{\"n\":1}", "payload kept");
	is_str(l.n ? l.v[0].idempotency_key : NULL, a.idempotency_key, "key kept");
	spool_entries_release(&l);
	spool_list(s, NULL, SPOOL_QUEUED, 0, &l, &e);
	ok(l.n == 3 && l.v[0].payload == NULL, "all backends, without payloads");
	spool_entries_release(&l);
	spool_stats(s, "https://a.example.com", &q, &o, &r, &e);
	ok(q == 2 && o == 1 && r == 0, "stats: 2 here, 1 elsewhere");

	ok(spool_attempt(s, a.id, 0, 503, "HTTP 503", &e) == 0, "attempt recorded");
	spool_list(s, "https://a.example.com", SPOOL_QUEUED, 0, &l, &e);
	ok(l.n == 2 && l.v[0].attempts == 1 && l.v[0].last_status == 503 &&
	   strcmp(l.v[0].last_error, "HTTP 503") == 0 && l.v[0].last_attempt_at,
	   "attempt, status, error and time kept");
	spool_entries_release(&l);
	spool_attempt(s, b.id, 0, 0, "timeout", &e);
	spool_list(s, "https://a.example.com", SPOOL_QUEUED, 0, &l, &e);
	ok(l.n == 2 && l.v[1].last_status == 0, "transport fault: no status");
	spool_entries_release(&l);
	ok(spool_attempt(s, b.id, 1, 422, "HTTP 422", &e) == 0, "rejected");
	spool_stats(s, "https://a.example.com", &q, &o, &r, &e);
	ok(q == 1 && r == 1, "rejected leaves the queue");
	ok(spool_payload(s, a.id, &p, &e) == 0 && strcmp(p, "{\"n\":1}") == 0, "payload by id");
	free(p);
	ok(spool_done(s, a.id, &e) == 0, "done");
	ok(spool_payload(s, a.id, &p, &e) == -ERR_NOTFOUND && p == NULL, "delivered entry gone");

	/* The bound: 3 entries; adding more drops the oldest queued ones. */
	for (i = 0; i < 4; i++)
		spool_add(s, "https://a.example.com", "{}", 2, 0, &lim, &a, &e);
	spool_stats(s, "https://a.example.com", &q, &o, &r, &e);
	ok(q + o == 3, "bound holds: %zu queued in all", q + o);
	ok(a.dropped == 1 && a.oldest_dropped[0], "the add reports its drop");
	is_int(count(db, "SELECT count(*) FROM events WHERE type = 'submission_dropped'"), 2,
	       "each drop is an audit event");
	spool_list(s, NULL, SPOOL_QUEUED, 0, &l, &e);
	ok(l.n == 3 && l.v[l.n - 1].id == a.id, "the newest entry is always kept");
	spool_entries_release(&l);

	/* Bytes bound: one huge entry is kept even alone over the limit. */
	lim.max_entries = 100;
	lim.max_bytes = 10;
	spool_add(s, "https://a.example.com", "{\"big\":\"xxxxxxxxxxxxxxxxxxxx\"}", 29, 0, &lim, &a,
		  &e);
	spool_stats(s, "https://a.example.com", &q, &o, &r, &e);
	ok(q + o == 1 && a.dropped == 3, "over the byte bound: older entries dropped, new kept");

	/* Rejected entries are trimmed to max_rejected. */
	lim.max_bytes = 0;
	for (i = 0; i < 4; i++) {
		spool_add(s, "https://r.example.com", "{}", 2, 0, &lim, &a, &e);
		spool_attempt(s, a.id, 1, 400, "bad", &e);
	}
	spool_add(s, "https://r.example.com", "{}", 2, 0, &lim, &a, &e);
	spool_stats(s, "https://r.example.com", &q, &o, &r, &e);
	is_int(r, 2, "rejected entries trimmed to max_rejected");

	/* gzip memory. */
	is_int(spool_gzip(s, "https://g.example.com"), -1, "gzip unknown");
	spool_set_gzip(s, "https://g.example.com", 1, &e);
	is_int(spool_gzip(s, "https://g.example.com"), 1, "gzip accepted");
	spool_set_gzip(s, "https://g.example.com", 0, &e);
	is_int(spool_gzip(s, "https://g.example.com"), 0, "gzip refused");
}

static int
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(s, (struct sockaddr *)&sa, &len);
	close(s);
	return ntohs(sa.sin_port);
}

static void
test_submit(struct store *s)
{
	struct http_client hc;
	struct http_opts ho;
	struct api a;
	struct submit_ctx sc;
	struct submit_report rep;
	struct spool_limits lim = { 0, 0, 0 };
	struct spool_entries l = { NULL, 0, 0 };
	struct err e = ERR_INIT;
	char *url = xasprintf("http://127.0.0.1:%d", closed_port());

	http_global_init(&e);
	memset(&ho, 0, sizeof(ho));
	http_client_init(&hc, &ho, &e);
	memset(&a, 0, sizeof(a));
	a.http = &hc;
	a.base_url = url;
	a.api_key = "rl_test";
	a.retry.on = HTTP_RETRY_ALL;
	a.retry.max_attempts = 2;
	a.retry.budget = 5;
	a.retry.base_delay = 0.01;
	a.timeout_ms = 2000;
	sc.api = &a;
	sc.store = s;
	sc.limits = &lim;
	sc.gzip = SUBMIT_GZIP_AUTO;
	submit_report_init(&rep);
	ok(submit_scan(&sc, "{\"configurations\":[]}", 21, 0, &rep, &e) == 0, "submit runs");
	ok(rep.spooled && !rep.current_sent, "queued, not sent");
	is_int(rep.result.outcome, API_FAILED, "outcome: failed");
	is_int(rep.result.fault, HTTP_FAULT_CONNECT, "fault: connect");
	is_int(rep.result.attempts, 2, "two attempts");
	is_int(rep.remaining, 1, "one remaining");
	ok(strstr(rep.result.message, "cannot connect to 127.0.0.1:") != NULL, "message: %s",
	   rep.result.message);
	spool_list(s, url, SPOOL_QUEUED, 0, &l, &e);
	ok(l.n == 1 && l.v[0].attempts == 1 && l.v[0].last_error &&
	   strstr(l.v[0].last_error, "cannot connect"), "the attempt is recorded on the entry");
	spool_entries_release(&l);
	ok(submit_flush(&sc, &rep, &e) == 0 && rep.remaining == 1 && rep.older_sent == 0,
	   "flush fails the same way, keeps the entry");
	sc.store = NULL;
	ok(submit_scan(&sc, "{}", 2, 0, &rep, &e) == 0 && !rep.spooled &&
	   rep.result.outcome == API_FAILED, "without a spool: one direct attempt");
	ok(submit_flush(&sc, &rep, &e) < 0, "flush needs a spool");
	submit_report_release(&rep);
	http_client_release(&hc);
	http_global_cleanup();
	free(url);
}

int
main(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char *db, cmd[300];

	snprintf(tmp, sizeof(tmp), "%s/test_spool.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return 1;
	db = xasprintf("%s/inventory.db", tmp);
	ok(store_open(db, STORE_CREATE, 0, &s, &e) == 0, "open the inventory (%s)", e.msg);
	ok(store_schema_version(s) >= 4, "schema with the spool (migration 4)");
	test_queue(s, db);
	test_submit(s);
	store_close(s);
	free(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", tmp);
	return tap_done();
}
