/* Error paths of store/ and of the spool (net/spool.c): a failure injected at
 * every SQLite step of every write and read, damaged databases, odd input. */
#include "store/store.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/spool.h"
#include "resolver/import.h"
#include "resolver/resolver.h"
#include "store/store_int.h"
#include "store/users.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

static char base[256];

static char *
tpath(const char *rel)
{
	static char p[8][1024];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return p[i];
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

/* ---- fault injection ---------------------------------------------------- */

/*
 * sqlite3_progress_handler() runs between virtual machine instructions; a
 * non-zero return interrupts the statement (SQLITE_INTERRUPT). Armed with
 * k, the k-th instruction from now fails once, and later ones run
 * normally: each step of an operation can be made to fail in turn.
 *
 * Transaction control is failed only at its first instruction. The
 * handler also runs after BEGIN or COMMIT took effect, and an interrupt
 * there reports a failure that did not happen (a transaction open, a
 * commit durable), which only an injector can cause. ROLLBACK is never
 * failed: SQLite does not fail it on its own (pending reads are aborted,
 * a hot journal is rolled back by the next connection).
 */
static long inj_left;
static int inj_fired, inj_kind, inj_steps;
static char inj_sql[160];	/* the statement the fault hit */
static const char *inj_cur = "";

static int
inj_trace(unsigned type, void *ctx, void *p, void *x)
{
	(void)type, (void)ctx, (void)p;
	inj_cur = (const char *)x;
	inj_steps = 0;
	inj_kind = strncmp(inj_cur, "ROLLBACK", 8) == 0 ? 2 :
		   strncmp(inj_cur, "BEGIN", 5) == 0 || strncmp(inj_cur, "COMMIT", 6) == 0;
	return 0;
}

static int
inj_handler(void *arg)
{
	(void)arg;
	inj_steps++;
	if (inj_kind == 2 || (inj_kind == 1 && inj_steps > 1))
		return 0;
	if (inj_left > 0 && --inj_left == 0) {
		inj_fired = 1;
		snprintf(inj_sql, sizeof(inj_sql), "%s", inj_cur);
		return 1;
	}
	return 0;
}

static void
inj_arm(struct store *s, long k)
{
	inj_left = k;
	inj_fired = 0;
	inj_kind = inj_steps = 0;
	sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, inj_trace, NULL);
	sqlite3_progress_handler(s->db, 1, inj_handler, NULL);
}

static void
inj_disarm(struct store *s)
{
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	sqlite3_trace_v2(s->db, 0, NULL, NULL);
	inj_left = 0;
}

/* A digest of every row of every table: equal before and after a failed
 * operation means it wrote nothing. */
static void
db_digest(struct store *s, char out[SHA256_HEX_LEN + 1])
{
	sqlite3_stmt *t = NULL, *q = NULL;
	struct buf b = BUF_INIT;

	sqlite3_prepare_v2(s->db, "SELECT name FROM sqlite_master WHERE type = 'table' "
			   "ORDER BY name", -1, &t, NULL);
	while (t && sqlite3_step(t) == SQLITE_ROW) {
		char *sql = xasprintf("SELECT * FROM \"%s\" ORDER BY rowid",
				      (const char *)sqlite3_column_text(t, 0));
		int i;

		buf_addf(&b, "[%s]", (const char *)sqlite3_column_text(t, 0));
		if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK)
			while (sqlite3_step(q) == SQLITE_ROW)
				for (i = 0; i < sqlite3_column_count(q); i++) {
					const unsigned char *v = sqlite3_column_text(q, i);

					buf_addf(&b, "%s|", v ? (const char *)v : "\\N");
				}
		sqlite3_finalize(q);
		q = NULL;
		free(sql);
	}
	sqlite3_finalize(t);
	sha256_hex(b.data ? b.data : "", b.len, out);
	buf_release(&b);
}

typedef int (*op_fn)(struct store *s, void *arg, struct err *e);

struct sweep {
	long steps;		/* faults injected */
	long failed;		/* …that the operation reported */
	long bad_msg;		/* reported without a message */
	long partial;		/* failed but changed the database */
	long open_txn;		/* left a transaction open */
	long ignored;		/* injected but reported success */
	long other;		/* -code other than ERR_IO */
};

/*
 * Run fn with a fault at instruction 1, 2, 3, … until it runs to the end
 * without reaching the fault. For a failure: a message, nothing written,
 * no transaction left open. Successes despite a fault are counted (some
 * reads are best effort) and shown.
 */
static void
sweep(struct store *s, const char *name, op_fn fn, void *arg, int writes, long max_ignored)
{
	struct sweep w;
	char before[SHA256_HEX_LEN + 1], after[SHA256_HEX_LEN + 1];
	long k, stride = tap_slow() > 1 ? 13 : 3;

	memset(&w, 0, sizeof(w));
	if (writes)
		db_digest(s, before);
	/* Every instruction of the first few, then every stride-th: each
	 * statement runs several, so none is passed over. */
	for (k = 1; k < 100000; k += k < 64 ? 1 : stride) {
		struct err e = ERR_INIT;
		int ret, fired;

		inj_arm(s, k);
		ret = fn(s, arg, &e);
		fired = inj_fired;
		inj_disarm(s);
		if (!fired) {
			ok(ret == 0, "%s: runs to the end past the last fault (%s)", name, e.msg);
			break;
		}
		w.steps++;
		if (!sqlite3_get_autocommit(s->db)) {
			if (w.open_txn < 3)
				printf("# k=%ld ret=%d open transaction: %s\n", k, ret, e.msg);
			w.open_txn++;
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		}
		if (ret == 0) {
			if (w.ignored < 3)
				printf("# k=%ld fault ignored in: %.100s\n", k, inj_sql);
			w.ignored++;
			if (writes)
				db_digest(s, before);
			continue;
		}
		w.failed++;
		if (e.msg[0] == '\0')
			w.bad_msg++;
		if (ret != -ERR_IO)
			w.other++;
		if (writes) {
			db_digest(s, after);
			if (strcmp(before, after) != 0) {
				if (w.partial < 3)
					printf("# k=%ld ret=%d partial: %s\n", k, ret, e.msg);
				w.partial++;
				memcpy(before, after, sizeof(before));
			}
		}
	}
	printf("# %s: %ld faults, %ld reported, %ld ignored\n", name, w.steps, w.failed, w.ignored);
	ok(w.steps > 0 && w.failed > 0, "%s: faults injected and reported (%ld of %ld)", name,
	   w.failed, w.steps);
	is_int(w.bad_msg, 0, "%s: every failure has a message", name);
	is_int(w.open_txn, 0, "%s: no transaction left open", name);
	is_int(w.other, 0, "%s: every failure is an I/O error", name);
	if (writes)
		is_int(w.partial, 0, "%s: a failed write leaves the database as it was", name);
	ok(w.ignored <= max_ignored, "%s: at most %ld faults ignored (%ld)", name, max_ignored,
	   w.ignored);
}

/* ---- scans ---------------------------------------------------------------- */

static void
add_server(struct mcp_config *c, const char *name, const char *command, const char *url,
	   int disabled, const char *env)
{
	struct mcp_server *sv;
	char *text;

	c->servers = xreallocarray(c->servers, c->n_servers + 1, sizeof(*c->servers));
	sv = &c->servers[c->n_servers++];
	memset(sv, 0, sizeof(*sv));
	sv->name = xstrdup(name);
	sv->type = xstrdup(url ? "http" : "stdio");
	sv->wire_type = xstrdup(url ? "http" : "stdio");
	sv->command = command ? xstrdup(command) : NULL;
	sv->args = command ? cJSON_Parse("[\"-y\",\"pkg\"]") : NULL;
	sv->url = url ? xstrdup(url) : NULL;
	sv->env = env ? cJSON_Parse(env) : NULL;
	sv->headers = url ? cJSON_Parse("{\"Authorization\":\"<redacted>\"}") : NULL;
	sv->disabled = disabled;
	sv->approval = disabled ? APPROVAL_PENDING : APPROVAL_APPROVED;
	text = xasprintf("%s|%s|%s|%d|%s", name, command ? command : "", url ? url : "",
			 disabled, env ? env : "");
	sha256_hex(text, strlen(text), sv->config_hash);
	free(text);
}

static struct mcp_config *
add_config(struct scan_result *r, const char *client, const char *path,
	   enum config_scope scope, const char *project)
{
	struct mcp_config c;

	memset(&c, 0, sizeof(c));
	c.client = xstrdup(client);
	c.config_path = xstrdup(path);
	c.scope = scope;
	c.project_path = project ? xstrdup(project) : NULL;
	c.mtime.tv_sec = 1700000000;
	if (project) {
		c.git = xcalloc(1, sizeof(*c.git));
		c.git->repo_root = xstrdup(project);
		c.git->remote_url = xstrdup("https://example.com/r.git");
		c.git->branch = xstrdup("main");
		c.git->commit = xstrdup("0123456789abcdef0123456789abcdef01234567");
		c.git->status = xstrdup("tracked");
	}
	scan_result_add_config(r, &c);
	return &r->configs[r->n_configs - 1];
}

static const struct store_device dev1 = {
	"11111111-2222-4333-8444-555555555555", "host-a", "linux", "6.1", "alice", "org-1"
};

/* Scan version v (0, 1, 2 …): servers come, go and change between them. */
static void
build_scan(struct scan_result *r, int v)
{
	struct mcp_config *c;

	memset(r, 0, sizeof(*r));
	c = add_config(r, "claude_code", "/home/a/.claude.json", SCOPE_GLOBAL, NULL);
	add_server(c, "files", v % 2 ? "npx2" : "npx", NULL, 0, NULL);
	add_server(c, "web", NULL, v % 2 ? "https://b.example/mcp" : "https://a.example/mcp",
		   v % 3 == 2, NULL);
	if (v == 0)
		add_server(c, "gone", "old", NULL, 0, NULL);
	else
		add_server(c, "new", "fresh", NULL, 0, v % 2 ? "{\"K\":\"1\"}" : "{\"K\":\"2\"}");
	c = add_config(r, "cursor", "/p/.cursor/mcp.json", SCOPE_PROJECT, "/p");
	add_server(c, "proj", "node", NULL, v == 2, NULL);
	scan_result_add_issue(r, "vscode", "/home/a/.vscode/mcp.json", 3, 4, "bad json", 1);
}

struct rec_arg {
	int version;
	int partial;
	long long id;
};

static int
op_record(struct store *s, void *arg, struct err *e)
{
	struct rec_arg *a = arg;
	struct scan_result r;
	struct store_scan in;
	int ret;

	build_scan(&r, a->version);
	memset(&in, 0, sizeof(in));
	in.device = &dev1;
	in.result = &r;
	in.collector_version = "test";
	in.partial_projects = a->partial;
	in.started.tv_sec = 1700000000 + a->version * 100;
	in.ended.tv_sec = in.started.tv_sec + 2;
	in.ended.tv_nsec = 5000000;
	in.submission = STORE_SUB_PENDING;
	ret = store_record_scan(s, &in, &a->id, e);
	scan_result_release(&r);
	return ret;
}

static int
op_set_submission(struct store *s, void *arg, struct err *e)
{
	return store_scan_set_submission(s, *(long long *)arg, STORE_SUB_FAILED, "503", e);
}

static int
op_event(struct store *s, void *arg, struct err *e)
{
	struct store_event ev;
	cJSON *d = cJSON_Parse("{\"tool\":\"t\"}");
	int ret;

	(void)arg;
	memset(&ev, 0, sizeof(ev));
	ev.type = "hook.pre_tool_use";
	ev.device_id = dev1.device_id;
	ev.hostname = "host-b";
	ev.username = "alice";
	ev.client = "claude_code";
	ev.server_name = "files";
	ev.details = d;
	ret = store_event_add(s, &ev, NULL, e);
	cJSON_Delete(d);
	return ret;
}

static int
op_servers(struct store *s, void *arg, struct err *e)
{
	struct store_filter f;
	struct store_rows rows;
	int ret;

	(void)arg;
	memset(&f, 0, sizeof(f));
	memset(&rows, 0, sizeof(rows));
	f.include_removed = 1;
	ret = store_servers(s, &f, &rows, e);
	store_rows_release(&rows);
	return ret;
}

static int
op_scans(struct store *s, void *arg, struct err *e)
{
	struct store_scan_rows rows;
	int ret;

	(void)arg;
	memset(&rows, 0, sizeof(rows));
	ret = store_scans(s, 0, &rows, e);
	store_scan_rows_release(&rows);
	return ret;
}

static int
op_diff(struct store *s, void *arg, struct err *e)
{
	struct store_diff d;
	int ret;

	(void)arg;
	memset(&d, 0, sizeof(d));
	ret = store_diff(s, 0, 0, &d, e);
	store_diff_release(&d);
	return ret;
}

static int
op_events(struct store *s, void *arg, struct err *e)
{
	struct store_event_rows rows;
	int ret;

	(void)arg;
	memset(&rows, 0, sizeof(rows));
	ret = store_events(s, NULL, "2000-01-01T00:00:00.000Z", 0, &rows, e);
	store_event_rows_release(&rows);
	return ret;
}

/* ---- users ------------------------------------------------------------------ */

static const char directory_csv[] =
	"email,first_name,last_name,username\n"
	"alice.smith@acme.com,Alice,Smith,asmith\n"
	"bob.jones@acme.com,Bob,Jones,bjones\n"
	"carol@acme.com,Carol,King,ck\n";

static int
op_users_replace(struct store *s, void *arg, struct err *e)
{
	struct resolver_dir d;
	struct resolver_import rep;
	struct store_directory info;
	long changed = 0;
	int ret;

	(void)arg;
	resolver_dir_init(&d);
	memset(&rep, 0, sizeof(rep));
	ret = resolver_import(directory_csv, strlen(directory_csv), RESOLVER_FMT_AUTO, &d, &rep, e);
	memset(&info, 0, sizeof(info));
	info.source = xstrdup("dir.csv");
	info.format = xstrdup("csv");
	info.sha256 = xstrdup("00");
	if (ret == 0)
		ret = store_users_replace(s, &d, &info, &changed, e);
	store_directory_release(&info);
	resolver_import_release(&rep);
	resolver_dir_release(&d);
	return ret;
}

static int
op_users_load(struct store *s, void *arg, struct err *e)
{
	struct resolver_dir d;
	struct store_directory info;
	int found = 0, ret;

	(void)arg;
	resolver_dir_init(&d);
	memset(&info, 0, sizeof(info));
	ret = store_users_load(s, &d, &info, &found, e);
	store_directory_release(&info);
	resolver_dir_release(&d);
	return ret;
}

static int
op_users_map(struct store *s, void *arg, struct err *e)
{
	long changed;

	(void)arg;
	return store_users_map(s, "alice", "alice.smith@acme.com", &changed, e);
}

static int
op_users_unmap(struct store *s, void *arg, struct err *e)
{
	long changed;
	int ret;

	(void)arg;
	ret = store_users_unmap(s, "alice", &changed, e);
	if (ret == 0) {
		/* Put it back for the next round. */
		struct err e2 = ERR_INIT;

		sqlite3_progress_handler(s->db, 0, NULL, NULL);
		store_users_map(s, "alice", "alice.smith@acme.com", &changed, &e2);
	}
	return ret;
}

static int
op_users_mappings(struct store *s, void *arg, struct err *e)
{
	struct store_mapping_rows rows;
	int ret;

	(void)arg;
	memset(&rows, 0, sizeof(rows));
	ret = store_users_mappings(s, &rows, e);
	store_mapping_rows_release(&rows);
	return ret;
}

static int
op_users_note_scan(struct store *s, void *arg, struct err *e)
{
	static int n;
	char dev[64], user[32];
	struct store_device_user du;

	(void)arg;
	/* A new pair each time: resolved and inserted, not only touched. */
	snprintf(dev, sizeof(dev), "dev-%d", n);
	snprintf(user, sizeof(user), n % 2 ? "bjones" : "zz%d", n);
	n++;
	memset(&du, 0, sizeof(du));
	du.device_id = dev;
	du.username = user;
	du.hostname = "h";
	return store_users_note_scan(s, &du, e);
}

static int
op_users_note_import(struct store *s, void *arg, struct err *e)
{
	struct resolver_dir d;
	struct store_device_user v[3];
	int found = 0, ret;

	(void)arg;
	memset(v, 0, sizeof(v));
	v[0].device_id = "imp-1", v[0].username = "ck", v[0].hostname = "x";
	v[1].device_id = "imp-2", v[1].username = "nobody", v[1].hostname = "y";
	v[1].first_seen = "2026-01-01T00:00:00.000Z", v[1].last_seen = "2026-02-01T00:00:00.000Z";
	v[2].device_id = "imp-1", v[2].username = "ck", v[2].hostname = "x";
	v[2].first_seen = "2025-01-01T00:00:00.000Z";
	resolver_dir_init(&d);
	ret = store_users_load(s, &d, NULL, &found, e);
	if (ret == 0)
		ret = store_users_note_import(s, &d, found, v, 3, e);
	resolver_dir_release(&d);
	return ret;
}

static int
op_users_attribution(struct store *s, void *arg, struct err *e)
{
	char *email = NULL, *tier = NULL;
	int ret;

	(void)arg;
	ret = store_users_attribution(s, "dev-1", "bjones", &email, &tier, e);
	free(email);
	free(tier);
	return ret;
}

static int
op_users_unresolved(struct store *s, void *arg, struct err *e)
{
	struct store_unresolved_rows rows;
	int ret;

	(void)arg;
	memset(&rows, 0, sizeof(rows));
	ret = store_users_unresolved(s, &rows, e);
	store_unresolved_rows_release(&rows);
	return ret;
}

/* ---- spool ------------------------------------------------------------------ */

static const char host[] = "https://api.example.com";

static long spool_over_bound;

static int
op_spool_add(struct store *s, void *arg, struct err *e)
{
	struct spool_limits lim = { 3, 0, 2 };
	struct spool_added added;
	int ret;

	ret = spool_add(s, host, "{\"scan\":1}", 10, *(long long *)arg, &lim, &added, e);
	if (ret == 0) {
		sqlite3_stmt *st = NULL;
		long long n = 0;

		/* The bound holds after every success; an entry past it is
		 * counted and removed so the next round starts within it. */
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
		sqlite3_prepare_v2(s->db, "SELECT count(*) FROM spool WHERE state = 'queued'", -1,
				   &st, NULL);
		if (st && sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (n > 3) {
			spool_over_bound++;
			sqlite3_exec(s->db, "DELETE FROM spool WHERE state = 'queued' AND id NOT IN "
				     "(SELECT id FROM spool WHERE state = 'queued' ORDER BY id DESC "
				     "LIMIT 3)", NULL, NULL, NULL);
		}
	}
	return ret;
}

static int
op_spool_list(struct store *s, void *arg, struct err *e)
{
	struct spool_entries l;
	int ret;

	(void)arg;
	memset(&l, 0, sizeof(l));
	ret = spool_list(s, NULL, SPOOL_ALL, 1, &l, e);
	spool_entries_release(&l);
	return ret;
}

static long long
first_queued(struct store *s)
{
	struct spool_entries l;
	struct err e = ERR_INIT;
	long long id = 0;

	memset(&l, 0, sizeof(l));
	if (spool_list(s, host, SPOOL_QUEUED, 0, &l, &e) == 0 && l.n)
		id = l.v[0].id;
	spool_entries_release(&l);
	return id;
}

static int
op_spool_payload(struct store *s, void *arg, struct err *e)
{
	char *p = NULL;
	int ret;

	ret = spool_payload(s, *(long long *)arg, &p, e);
	free(p);
	return ret;
}

static int
op_spool_attempt(struct store *s, void *arg, struct err *e)
{
	return spool_attempt(s, *(long long *)arg, 0, 503, "busy", e);
}

static int
op_spool_reject(struct store *s, void *arg, struct err *e)
{
	return spool_attempt(s, *(long long *)arg, 1, 400, "bad request", e);
}

static int
op_spool_done(struct store *s, void *arg, struct err *e)
{
	return spool_done(s, *(long long *)arg, e);
}

static int
op_spool_stats(struct store *s, void *arg, struct err *e)
{
	size_t q, o, r;

	(void)arg;
	return spool_stats(s, host, &q, &o, &r, e);
}

static int
op_spool_set_gzip(struct store *s, void *arg, struct err *e)
{
	return spool_set_gzip(s, host, *(int *)arg, e);
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_faults(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct rec_arg ra;
	long long scan_id, id;
	int gz;

	ok(store_open(tpath("faults.db"), STORE_CREATE, 2000, &s, &e) == 0, "open (%s)", e.msg);
	if (s == NULL)
		return;

	memset(&ra, 0, sizeof(ra));
	sweep(s, "record the first scan", op_record, &ra, 1, 0);
	ra.version = 1;
	sweep(s, "record a scan with changes", op_record, &ra, 1, 0);
	ra.version = 2;
	ra.partial = 1;
	sweep(s, "record a partial scan", op_record, &ra, 1, 0);
	scan_id = ra.id;
	sweep(s, "set a scan's submission", op_set_submission, &scan_id, 1, 0);
	sweep(s, "add an event", op_event, NULL, 1, 0);
	sweep(s, "list servers", op_servers, NULL, 0, 0);
	sweep(s, "list scans", op_scans, NULL, 0, 0);
	sweep(s, "compare scans", op_diff, NULL, 0, 0);
	sweep(s, "list events", op_events, NULL, 0, 0);

	sweep(s, "note a device's user before any directory", op_users_note_scan, NULL, 1, 0);
	sweep(s, "replace the directory", op_users_replace, NULL, 1, 0);
	sweep(s, "load the directory", op_users_load, NULL, 0, 0);
	sweep(s, "map a username", op_users_map, NULL, 1, 0);
	sweep(s, "list mappings", op_users_mappings, NULL, 0, 0);
	sweep(s, "unmap a username", op_users_unmap, NULL, 1, 0);
	sweep(s, "note a device's user", op_users_note_scan, NULL, 1, 0);
	sweep(s, "note imported devices", op_users_note_import, NULL, 1, 0);
	sweep(s, "read an attribution", op_users_attribution, NULL, 0, 0);
	sweep(s, "list unresolved usernames", op_users_unresolved, NULL, 0, 0);

	sweep(s, "queue a submission (dropping the oldest)", op_spool_add, &scan_id, 1, 1000);
	/* net/spool.c enforce_bound(): a failed step of the count or the
	 * oldest-entry query fails the add instead of skipping the bound. */
	ok(spool_over_bound == 0, "queue a submission: the bound holds whenever spool_add() succeeds");
	sweep(s, "list the queue", op_spool_list, NULL, 0, 0);
	id = first_queued(s);
	ok(id > 0, "an entry is queued");
	sweep(s, "read a queued payload", op_spool_payload, &id, 0, 0);
	sweep(s, "record a failed attempt", op_spool_attempt, &id, 1, 0);
	sweep(s, "reject an entry (keeping the newest rejected)", op_spool_reject, &id, 1, 0);
	id = first_queued(s);
	sweep(s, "acknowledge an entry", op_spool_done, &id, 1, 0);
	sweep(s, "count the queue", op_spool_stats, NULL, 0, 0);
	gz = 1;
	sweep(s, "remember gzip support", op_spool_set_gzip, &gz, 1, 0);
	/* spool_gzip() answers "unknown" when it cannot read: never an error. */
	inj_arm(s, 1);
	gz = spool_gzip(s, host);
	inj_disarm(s);
	is_int(gz, -1, "gzip support unknown when the read fails");
	is_int(spool_gzip(s, host), 1, "…and known again afterwards");
	store_close(s);
}

/* Every kind of change between two scans is named in the diff. */
static void
test_diff_fields(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct store_diff d;
	struct rec_arg ra;
	unsigned want = STORE_F_COMMAND | STORE_F_URL | STORE_F_ENV | STORE_F_DISABLED |
			STORE_F_APPROVAL | STORE_F_CONFIG_HASH;
	unsigned seen = 0;
	size_t i;
	int n_add = 0, n_rm = 0;

	ok(store_open(tpath("diff.db"), STORE_CREATE, 0, &s, &e) == 0, "open (%s)", e.msg);
	if (s == NULL)
		return;
	memset(&d, 0, sizeof(d));
	is_int(store_diff(s, 0, 0, &d, &e), -ERR_NOTFOUND, "diff of an empty inventory");
	is_str(e.msg, "no scans in the inventory yet", "…says there are no scans");
	store_diff_release(&d);
	memset(&ra, 0, sizeof(ra));
	ok(op_record(s, &ra, &e) == 0, "first scan");
	err_clear(&e);
	memset(&d, 0, sizeof(d));
	is_int(store_diff(s, 0, 0, &d, &e), -ERR_NOTFOUND, "diff with one scan only");
	ok(strstr(e.msg, "is the first scan") != NULL, "…says it is the first (%s)", e.msg);
	store_diff_release(&d);
	err_clear(&e);
	memset(&d, 0, sizeof(d));
	is_int(store_diff(s, 0, 99, &d, &e), -ERR_NOTFOUND, "diff with an unknown scan");
	ok(strstr(e.msg, "no scan 99") != NULL, "…names it (%s)", e.msg);
	store_diff_release(&d);

	/* Version 2 flips command (files), disables web (so its approval
	 * changes), changes env (new vs gone) and disables proj. */
	ra.version = 1;
	ok(op_record(s, &ra, &e) == 0, "second scan");
	ra.version = 2;
	ok(op_record(s, &ra, &e) == 0, "third scan");
	memset(&d, 0, sizeof(d));
	ok(store_diff(s, 0, 0, &d, &e) == 0, "diff of the last two scans (%s)", e.msg);
	for (i = 0; i < d.n; i++) {
		if (d.v[i].kind == STORE_CHANGED)
			seen |= d.v[i].fields;
		n_add += d.v[i].kind == STORE_ADDED;
		n_rm += d.v[i].kind == STORE_REMOVED;
	}
	ok((seen & want) == want, "command, url, env, disabled, approval and hash changes named "
	   "(0x%x)", seen);
	is_int(n_add + n_rm, 0, "nothing added or removed");
	store_diff_release(&d);
	memset(&d, 0, sizeof(d));
	ok(store_diff(s, 1, 3, &d, &e) == 0 && d.n > 0, "diff of the first and the third scan");
	for (i = n_add = n_rm = 0; i < d.n; i++) {
		n_add += d.v[i].kind == STORE_ADDED;
		n_rm += d.v[i].kind == STORE_REMOVED;
	}
	ok(n_add == 1 && n_rm == 1, "one server added, one removed");
	store_diff_release(&d);
	store_close(s);
}

static int
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		printf("# raw_exec: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Damaged and foreign databases are refused with a reason, never used. */
static void
test_damaged(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	FILE *f;
	int ret;

	f = fopen(tpath("garbage.db"), "w");
	if (f) {
		fputs("this is not a database, just some text that is long enough to be read "
		      "as a header by SQLite and rejected ........................\n", f);
		fclose(f);
	}
	ret = store_open(tpath("garbage.db"), 0, 500, &s, &e);
	ok(ret < 0 && s == NULL, "a file that is not SQLite is refused (%s)", e.msg);
	ok(strstr(e.msg, "not a database") != NULL, "…as not a database");

	/* Tables but no schema_version: someone else's database. */
	ok(raw_exec(tpath("foreign.db"), "CREATE TABLE t (x)") == 0, "foreign database made");
	err_clear(&e);
	is_int(store_open(tpath("foreign.db"), 0, 500, &s, &e), -ERR_INVALID,
	       "a database that is not an inventory is refused");
	ok(strstr(e.msg, "not a runlayer inventory") != NULL, "…as not an inventory (%s)", e.msg);

	/* schema_version without its columns: cannot read the version. */
	ok(raw_exec(tpath("nover.db"), "CREATE TABLE schema_version (x)") == 0, "odd schema_version");
	err_clear(&e);
	ret = store_open(tpath("nover.db"), 0, 500, &s, &e);
	ok(ret == -ERR_IO && s == NULL, "a schema_version without a version column is refused (%s)",
	   e.msg);

	/* Version 3 with a table in the way of migration 4: the migration
	 * fails, and is rolled back whole. */
	ok(store_open(tpath("old.db"), STORE_CREATE, 500, &s, &e) == 0, "new inventory");
	store_close(s);
	s = NULL;
	ok(raw_exec(tpath("old.db"), "DELETE FROM schema_version WHERE version > 3; "
		    "DROP TABLE spool; DROP TABLE backend_hosts; DROP TABLE directory_users; "
		    "DROP TABLE directory; DROP TABLE user_mappings; DROP TABLE device_users; "
		    "CREATE TABLE backend_hosts (x)") == 0,
	   "inventory at version 3 with a stray table");
	err_clear(&e);
	ret = store_open(tpath("old.db"), 0, 500, &s, &e);
	ok(ret == -ERR_IO && s == NULL, "a migration that fails is reported (%s)", e.msg);
	ok(raw_exec(tpath("old.db"), "DROP TABLE backend_hosts") == 0, "stray table removed");
	err_clear(&e);
	ok(store_open(tpath("old.db"), 0, 500, &s, &e) == 0 && store_schema_version(s) ==
	   STORE_SCHEMA_VERSION, "…and the migration then runs from version 3 (%s)", e.msg);
	store_close(s);
	s = NULL;

	/* A schema_version that takes no new row: migration 5 runs, then
	 * recording its version fails and nothing of it is kept. */
	ok(store_open(tpath("norow.db"), STORE_CREATE, 500, &s, &e) == 0, "new inventory");
	store_close(s);
	s = NULL;
	ok(raw_exec(tpath("norow.db"), "DELETE FROM schema_version WHERE version = 5; "
		    "DROP TABLE directory_users; DROP TABLE directory; DROP TABLE user_mappings; "
		    "DROP TABLE device_users; ALTER TABLE schema_version RENAME TO sv_old; "
		    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT "
		    "CHECK (applied_at IS NULL)); INSERT INTO schema_version SELECT version, NULL "
		    "FROM sv_old; DROP TABLE sv_old") == 0,
	   "inventory at version 4 whose schema_version takes no new row");
	err_clear(&e);
	ret = store_open(tpath("norow.db"), 0, 500, &s, &e);
	ok(ret == -ERR_IO && strstr(e.msg, "cannot record the schema version") != NULL,
	   "a version that cannot be recorded is reported (%s)", e.msg);
	ok(raw_exec(tpath("norow.db"), "SELECT * FROM device_users") < 0,
	   "…and the migration is rolled back");

	/* Not a regular file, a symlink, missing. */
	mkdir(tpath("dir.db"), 0700);
	err_clear(&e);
	is_int(store_open(tpath("dir.db"), 0, 500, &s, &e), -ERR_IO, "a directory is refused");
	ok(mkfifo(tpath("fifo.db"), 0600) == 0, "FIFO made");
	err_clear(&e);
	is_int(store_open(tpath("fifo.db"), 0, 500, &s, &e), -ERR_INVALID, "a FIFO is refused");
	ok(strstr(e.msg, "not a regular file") != NULL, "…as not a regular file (%s)", e.msg);
	ok(symlink(tpath("old.db"), tpath("link.db")) == 0, "symlink made");
	err_clear(&e);
	is_int(store_open(tpath("link.db"), 0, 500, &s, &e), -ERR_INVALID, "a symlink is refused");
	err_clear(&e);
	is_int(store_open(tpath("none.db"), 0, 500, &s, &e), -ERR_NOTFOUND,
	       "a missing inventory is reported as missing");
	err_clear(&e);
	f = fopen(tpath("file"), "w");
	if (f)
		fclose(f);
	ret = store_open(tpath("file/sub/inv.db"), STORE_CREATE, 500, &s, &e);
	ok(ret < 0 && s == NULL, "no inventory under a file (%s)", e.msg);
}

/* A username with nothing left once its domain is split off is refused. */
static void
test_map_empty(void)
{
	static const char *const names[] = { "", "ACME\\", "@acme.com" };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	long changed = 0;
	size_t i;

	ok(store_open(tpath("map.db"), STORE_CREATE, 0, &s, &e) == 0, "open (%s)", e.msg);
	if (s == NULL)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int ret;

		err_clear(&e);
		ret = store_users_map(s, names[i], "a@acme.com", &changed, &e);
		ok(ret == -ERR_INVALID && strstr(e.msg, "empty username") != NULL,
		   "mapping '%s' refused as an empty username (%s)", names[i], e.msg);
	}
	store_close(s);
}

static void
test_default_path(void)
{
	struct err e = ERR_INIT;
	char *home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL, *p;

	unsetenv("RUNLAYER_DB");
	unsetenv("RUNLAYER_HOME");
	setenv("HOME", "relative/home", 1);
	p = store_default_path(&e);
	/* A relative HOME is ignored: the password database decides. */
	ok(p == NULL || (p[0] == '/' && strstr(p, "relative") == NULL),
	   "a relative HOME is not used (%s)", p ? p : e.msg);
	free(p);
	setenv("RUNLAYER_HOME", "rel", 1);
	setenv("HOME", "/h", 1);
	p = store_default_path(&e);
	is_str(p, "/h/.runlayer/inventory.db", "a relative RUNLAYER_HOME is ignored");
	free(p);
	unsetenv("RUNLAYER_HOME");
	if (home)
		setenv("HOME", home, 1);
	free(home);
}

static void
test_time_parse(void)
{
	static const char *const bad[] = {
		"2026-1-01", "2026/01/01", "2026-13-01", "2026-02-30", "2025-02-29",
		"2026-01-01T1:00", "2026-01-01T10-00", "2026-01-01T10:00:5",
		"2026-01-01T10:00:00.", "2026-01-01T24:00", "2026-01-01T10:60",
		"2026-01-01T10:00+1:00", "2026-01-01T10:00+01-00", "2026-01-01T10:00+24:00",
		"2026-01-01T10:00+01:60", "2026-01-01x", "2026-01-01T10:00:00Zjunk", "",
	};
	static const struct { const char *in, *out; } good[] = {
		{ "2024-02-29", "2024-02-29T00:00:00.000Z" },
		{ "2000-02-29t23:59", "2000-02-29T23:59:00.000Z" },
		{ "2026-03-25 10:11:12.3456z", "2026-03-25T10:11:12.345Z" },
		{ "2026-01-01T00:30:00-01:30", "2026-01-01T02:00:00.000Z" },
		{ "2026-01-01T01:00:00+02:00", "2025-12-31T23:00:00.000Z" },
	};
	char out[STORE_TIME_LEN + 1];
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		ok(store_time_parse(bad[i], out, &e) == -ERR_INVALID &&
		   strstr(e.msg, "invalid date") != NULL, "date '%s' refused", bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		out[0] = '\0';
		ok(store_time_parse(good[i].in, out, &e) == 0, "date '%s' read", good[i].in);
		is_str(out, good[i].out, "…in UTC, stored form");
	}
}

static void
test_read_export(void)
{
	struct store_export_rows rows;
	struct resolver_import rep;
	struct err e = ERR_INIT;
	const char nd[] = "{\"device_id\":\"d1\",\"username\":\"a\"}\n[1,2]\n"
			  "{\"device_id\":\"d2\"}\n";
	const char doc[] = "{\"rows\": 5}";
	size_t i;
	int ret;

	memset(&rows, 0, sizeof(rows));
	memset(&rep, 0, sizeof(rep));
	ret = store_users_read_export(nd, strlen(nd), &rows, &rep, &e);
	ok(ret == 0 && rows.n == 2, "ndjson: the two row objects are kept (%zu)", rows.n);
	ok(rep.n_issues == 1 && rep.issues[0].line == 2 &&
	   strstr(rep.issues[0].msg, "not a JSON object") != NULL,
	   "…and the array on line 2 is an issue (%s)", rep.n_issues ? rep.issues[0].msg : "none");
	store_export_rows_release(&rows);
	resolver_import_release(&rep);

	/* More bad lines than issues kept: the rest are counted. */
	{
		struct buf b = BUF_INIT;

		buf_adds(&b, "{\"device_id\":\"d1\"}\n");
		for (i = 0; i < RESOLVER_IMPORT_MAX_ISSUES + 200; i++)
			buf_adds(&b, "7\n");
		memset(&rows, 0, sizeof(rows));
		memset(&rep, 0, sizeof(rep));
		ret = store_users_read_export(b.data, b.len, &rows, &rep, &e);
		ok(ret == 0 && rows.n == 1 && rep.n_issues == RESOLVER_IMPORT_MAX_ISSUES &&
		   rep.n_issues_dropped == 200, "more bad lines than the issue cap: %zu listed, "
		   "%zu counted", rep.n_issues, rep.n_issues_dropped);
		store_export_rows_release(&rows);
		resolver_import_release(&rep);
		buf_release(&b);
	}

	memset(&rows, 0, sizeof(rows));
	memset(&rep, 0, sizeof(rep));
	err_clear(&e);
	is_int(store_users_read_export(doc, strlen(doc), &rows, &rep, &e), -ERR_PARSE,
	       "a document without a rows array is refused");
	store_export_rows_release(&rows);
	resolver_import_release(&rep);
	err_clear(&e);
	is_int(store_users_read_export(doc, (size_t)STORE_EXPORT_READ_MAX + 1, &rows, &rep, &e),
	       -ERR_LIMIT, "an export over the size limit is refused before reading");
}

int
main(void)
{
	snprintf(base, sizeof(base), "%s/runlayer-store-cov.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_faults();
	test_diff_fields();
	test_damaged();
	test_map_empty();
	test_default_path();
	test_time_parse();
	test_read_export();
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
