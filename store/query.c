/* Reading the inventory: current and past servers with provenance, scan
 * history, differences between two scans and the audit log. */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

/* Columns of a server row (fill_row reads them in this order). */
#define ROW_COLS \
	"sv.id, v.id, d.device_id, d.hostname, ls.username, c.client, c.scope, " \
	"c.config_path, c.project_path, c.plugin_id, sv.name, v.type, v.wire_type, " \
	"v.command, v.args, v.url, v.env, v.headers, v.config_hash, v.approval, v.disabled, " \
	"c.mtime, c.content_hash, c.parse_error, c.trust, c.git_repo_root, c.git_remote_url, " \
	"c.git_branch, c.git_commit, c.git_status, fs.started_at, ls.started_at, " \
	"sv.first_scan, sv.last_scan, cur.scan IS NOT NULL, coalesce(cur.carried, 0) "

/* `cur` is the observation by the latest scan of the server's device (held
 * by an earlier scan when the latest changed nothing: obs_scan). */
#define ROW_FROM(version) \
	"FROM servers sv JOIN configs c ON c.id = sv.config " \
	"JOIN devices d ON d.id = c.device " \
	"JOIN server_versions v ON v.id = " version " " \
	"JOIN scans fs ON fs.id = sv.first_scan JOIN scans ls ON ls.id = sv.last_scan " \
	"LEFT JOIN observations cur ON cur.server = sv.id AND cur.scan = " \
	"(SELECT coalesce(l.obs_scan, l.id) FROM scans l WHERE l.id = " \
	"(SELECT max(id) FROM scans WHERE device = c.device)) "

#define ROW_ORDER "ORDER BY c.client, c.scope, c.project_path, c.config_path, sv.name, sv.id"

static char *
col_nonempty(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t && *t ? xstrdup((const char *)t) : NULL;
}

static void
fill_row(sqlite3_stmt *st, struct store_server_row *r)
{
	int i = 0;

	memset(r, 0, sizeof(*r));
	r->server_id = sqlite3_column_int64(st, i++);
	r->version_id = sqlite3_column_int64(st, i++);
	r->device_id = store_col_text(st, i++);
	r->hostname = store_col_text(st, i++);
	r->username = store_col_text(st, i++);
	r->client = store_col_text(st, i++);
	r->scope = store_col_text(st, i++);
	r->config_path = col_nonempty(st, i++);
	r->project_path = col_nonempty(st, i++);
	r->plugin_id = col_nonempty(st, i++);
	r->name = store_col_text(st, i++);
	r->type = store_col_text(st, i++);
	r->wire_type = store_col_text(st, i++);
	r->command = store_col_text(st, i++);
	r->args = store_col_text(st, i++);
	r->url = store_col_text(st, i++);
	r->env = store_col_text(st, i++);
	r->headers = store_col_text(st, i++);
	r->config_hash = store_col_text(st, i++);
	r->approval = store_col_text(st, i++);
	r->disabled = sqlite3_column_int(st, i++);
	r->config_mtime = store_col_text(st, i++);
	r->content_hash = store_col_text(st, i++);
	r->parse_error = store_col_text(st, i++);
	r->trust = store_col_text(st, i++);
	r->git_repo_root = store_col_text(st, i++);
	r->git_remote_url = store_col_text(st, i++);
	r->git_branch = store_col_text(st, i++);
	r->git_commit = store_col_text(st, i++);
	r->git_status = store_col_text(st, i++);
	r->first_seen = store_col_text(st, i++);
	r->last_seen = store_col_text(st, i++);
	r->first_scan = sqlite3_column_int64(st, i++);
	r->last_scan = sqlite3_column_int64(st, i++);
	r->present = sqlite3_column_int(st, i++);
	r->carried = sqlite3_column_int(st, i++);
}

static void
row_release(struct store_server_row *r)
{
	char **strs[] = {
		&r->device_id, &r->hostname, &r->username, &r->client, &r->scope,
		&r->config_path, &r->project_path, &r->plugin_id, &r->name, &r->type,
		&r->wire_type, &r->command, &r->args, &r->url, &r->env, &r->headers,
		&r->config_hash, &r->approval, &r->config_mtime, &r->content_hash,
		&r->parse_error, &r->trust, &r->git_repo_root, &r->git_remote_url,
		&r->git_branch, &r->git_commit, &r->git_status, &r->first_seen, &r->last_seen,
	};
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	memset(r, 0, sizeof(*r));
}

void
store_rows_release(struct store_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		row_release(&rows->v[i]);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

static struct store_server_row *
rows_add(struct store_rows *rows)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 64;
		rows->v = xreallocarray(rows->v, rows->cap, sizeof(*rows->v));
	}
	return &rows->v[rows->n++];
}

static int
is_hex(const char *s, size_t min)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n >= min && n <= 64;
}

int
store_servers(struct store *s, const struct store_filter *f, struct store_rows *out,
	      struct err *e)
{
	static const struct store_filter none = { NULL, NULL, NULL, NULL, 0 };
	static const char *const q_sql =
		"SELECT " ROW_COLS ROW_FROM("sv.version")
		"WHERE (?1 OR cur.scan IS NOT NULL) AND (?2 IS NULL OR c.client = ?2) "
		"AND (?3 IS NULL OR c.scope = ?3) AND (?4 IS NULL OR ls.started_at >= ?4) "
		"AND (?5 IS NULL OR sv.name = ?5 OR (?6 AND substr(v.config_hash, 1, length(?5)) = ?5)) "
		ROW_ORDER;
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if (f == NULL)
		f = &none;
	if ((ret = store_begin(s, 0, e)) < 0)
		return ret;
	if ((ret = store_prepare(s, q_sql, &st, e)) < 0)
		goto out;
	sqlite3_bind_int(st, 1, f->include_removed != 0);
	store_bind_text(st, 2, f->client);
	store_bind_text(st, 3, f->scope);
	store_bind_text(st, 4, f->since);
	store_bind_text(st, 5, f->name_or_hash);
	sqlite3_bind_int(st, 6, f->name_or_hash && is_hex(f->name_or_hash, 8));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fill_row(st, rows_add(out));
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the inventory");
out:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}

/* ---- scans ------------------------------------------------------------ */

void
store_scan_rows_release(struct store_scan_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		struct store_scan_row *r = &rows->v[i];

		free(r->device_id);
		free(r->hostname);
		free(r->username);
		free(r->collector_version);
		free(r->started_at);
		free(r->ended_at);
		free(r->submission);
		free(r->submission_detail);
		free(r->submitted_at);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

int
store_scans(struct store *s, long limit, struct store_scan_rows *out, struct err *e)
{
	static const char *const q_sql =
		"SELECT * FROM (SELECT s.id, d.device_id, d.hostname, s.username, "
		"s.collector_version, s.started_at, s.ended_at, s.duration_ms, s.n_configs, "
		"s.n_servers, s.n_global, s.n_project, s.n_plugin, s.n_errors, s.n_skipped, "
		"s.partial, s.submission, s.submission_detail, s.submitted_at, s.n_added, "
		"s.n_removed, s.n_changed FROM scans s JOIN devices d ON d.id = s.device "
		"ORDER BY s.id DESC LIMIT ?1) ORDER BY 1";
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_begin(s, 0, e)) < 0)
		return ret;
	if ((ret = store_prepare(s, q_sql, &st, e)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_scan_row *r;
		int i = 0;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		r = &out->v[out->n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, i++);
		r->device_id = store_col_text(st, i++);
		r->hostname = store_col_text(st, i++);
		r->username = store_col_text(st, i++);
		r->collector_version = store_col_text(st, i++);
		r->started_at = store_col_text(st, i++);
		r->ended_at = store_col_text(st, i++);
		r->duration_ms = sqlite3_column_int64(st, i++);
		r->n_configs = (long)sqlite3_column_int64(st, i++);
		r->n_servers = (long)sqlite3_column_int64(st, i++);
		r->n_global = (long)sqlite3_column_int64(st, i++);
		r->n_project = (long)sqlite3_column_int64(st, i++);
		r->n_plugin = (long)sqlite3_column_int64(st, i++);
		r->n_errors = (long)sqlite3_column_int64(st, i++);
		r->n_skipped = (long)sqlite3_column_int64(st, i++);
		r->partial = sqlite3_column_int(st, i++);
		r->submission = store_col_text(st, i++);
		r->submission_detail = store_col_text(st, i++);
		r->submitted_at = store_col_text(st, i++);
		r->n_added = (long)sqlite3_column_int64(st, i++);
		r->n_removed = (long)sqlite3_column_int64(st, i++);
		r->n_changed = (long)sqlite3_column_int64(st, i++);
	}
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the scan history");
out:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}

/* ---- diff ------------------------------------------------------------- */

const char *
store_field_name(unsigned bit)
{
	static const char *const names[] = {
		"type", "command", "args", "url", "env", "headers", "disabled", "approval",
		"config_hash",
	};
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

void
store_diff_release(struct store_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		row_release(&d->v[i].before);
		row_release(&d->v[i].after);
	}
	free(d->v);
	free(d->started_a);
	free(d->started_b);
	memset(d, 0, sizeof(*d));
}

static int
str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

static unsigned
changed_fields(const struct store_server_row *a, const struct store_server_row *b)
{
	unsigned f = 0;

	if (str_differs(a->type, b->type) || str_differs(a->wire_type, b->wire_type))
		f |= STORE_F_TYPE;
	if (str_differs(a->command, b->command))
		f |= STORE_F_COMMAND;
	if (str_differs(a->args, b->args))
		f |= STORE_F_ARGS;
	if (str_differs(a->url, b->url))
		f |= STORE_F_URL;
	if (str_differs(a->env, b->env))
		f |= STORE_F_ENV;
	if (str_differs(a->headers, b->headers))
		f |= STORE_F_HEADERS;
	if (a->disabled != b->disabled)
		f |= STORE_F_DISABLED;
	if (str_differs(a->approval, b->approval))
		f |= STORE_F_APPROVAL;
	if (str_differs(a->config_hash, b->config_hash))
		f |= STORE_F_CONFIG_HASH;
	return f;
}

/* Scan id → device row id, start time and the scan holding its
 * observations; -ERR_NOTFOUND when absent. */
static int
scan_info(struct store *s, long long id, long long *device, char **started, long long *obs,
	  struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = store_prepare(s, "SELECT device, started_at, coalesce(obs_scan, id) FROM scans "
			       "WHERE id = ?", &st, e);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*device = sqlite3_column_int64(st, 0);
		*started = store_col_text(st, 1);
		*obs = sqlite3_column_int64(st, 2);
	} else if (rc == SQLITE_DONE) {
		ret = err_set(e, ERR_NOTFOUND, "no scan %lld in the inventory", id);
	} else {
		ret = store_sql_err(s, e, "cannot read the scan history");
	}
	sqlite3_finalize(st);
	return ret;
}

static int
one_int(struct store *s, const char *q_sql, long long arg, long long *v, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s, q_sql, &st, e)) < 0)
		return ret;
	if (arg)
		sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	*v = 0;
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the scan history");
	sqlite3_finalize(st);
	return ret;
}

static int
diff_resolve(struct store *s, long long *a, long long *b, long long *oa, long long *ob,
	     struct store_diff *out, struct err *e)
{
	long long dev_a = 0, dev_b = 0;
	int ret;

	if (*b == 0) {
		if ((ret = one_int(s, "SELECT coalesce(max(id), 0) FROM scans", 0, b, e)) < 0)
			return ret;
		if (*b == 0)
			return err_set(e, ERR_NOTFOUND, "no scans in the inventory yet");
	}
	if ((ret = scan_info(s, *b, &dev_b, &out->started_b, ob, e)) < 0)
		return ret;
	if (*a == 0) {
		sqlite3_stmt *st = NULL;
		int rc;

		ret = store_prepare(s, "SELECT coalesce(max(id), 0) FROM scans WHERE device = ? "
				       "AND id < ?", &st, e);
		if (ret < 0)
			return ret;
		sqlite3_bind_int64(st, 1, dev_b);
		sqlite3_bind_int64(st, 2, *b);
		rc = sqlite3_step(st);
		*a = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return store_sql_err(s, e, "cannot read the scan history");
		if (*a == 0)
			return err_set(e, ERR_NOTFOUND, "scan %lld is the first scan: nothing to "
				       "compare it with", *b);
	}
	return scan_info(s, *a, &dev_a, &out->started_a, oa, e);
}

static int
strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
change_cmp(const void *pa, const void *pb)
{
	const struct store_change *a = pa, *b = pb;
	const struct store_server_row *ra = a->kind == STORE_REMOVED ? &a->before : &a->after;
	const struct store_server_row *rb = b->kind == STORE_REMOVED ? &b->before : &b->after;
	int c = (int)a->kind - (int)b->kind;

	if (c == 0)
		c = strcmp0(ra->client, rb->client);
	if (c == 0)
		c = strcmp0(ra->config_path, rb->config_path);
	if (c == 0)
		c = strcmp0(ra->project_path, rb->project_path);
	if (c == 0)
		c = strcmp0(ra->name, rb->name);
	if (c == 0)
		c = ra->server_id < rb->server_id ? -1 : ra->server_id > rb->server_id;
	return c;
}

int
store_diff(struct store *s, long long a, long long b, struct store_diff *out, struct err *e)
{
	/* (server, version in a, version in b) for servers not identical. */
	static const char *const pairs_sql =
		"SELECT o.server, NULL, o.version FROM observations o WHERE o.scan = ?2 AND NOT EXISTS "
		"(SELECT 1 FROM observations p WHERE p.scan = ?1 AND p.server = o.server) "
		"UNION ALL SELECT p.server, p.version, NULL FROM observations p WHERE p.scan = ?1 AND "
		"NOT EXISTS (SELECT 1 FROM observations o WHERE o.scan = ?2 AND o.server = p.server) "
		"UNION ALL SELECT o.server, p.version, o.version FROM observations o JOIN observations p "
		"ON p.scan = ?1 AND p.server = o.server WHERE o.scan = ?2 AND p.version <> o.version";
	static const char *const row_sql =
		"SELECT " ROW_COLS ROW_FROM("?2") "WHERE sv.id = ?1";
	sqlite3_stmt *pairs = NULL, *row = NULL;
	long long oa = 0, ob = 0;
	int ret, rc;

	memset(out, 0, sizeof(*out));
	if ((ret = store_begin(s, 0, e)) < 0)
		return ret;
	if ((ret = diff_resolve(s, &a, &b, &oa, &ob, out, e)) < 0)
		goto out;
	out->scan_a = a;
	out->scan_b = b;
	if ((ret = store_prepare(s, pairs_sql, &pairs, e)) < 0 ||
	    (ret = store_prepare(s, row_sql, &row, e)) < 0)
		goto out;
	sqlite3_bind_int64(pairs, 1, oa);
	sqlite3_bind_int64(pairs, 2, ob);
	while ((rc = sqlite3_step(pairs)) == SQLITE_ROW) {
		long long server = sqlite3_column_int64(pairs, 0);
		struct store_change *c;
		int side;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		c = &out->v[out->n++];
		memset(c, 0, sizeof(*c));
		c->kind = sqlite3_column_type(pairs, 1) == SQLITE_NULL ? STORE_ADDED :
			  sqlite3_column_type(pairs, 2) == SQLITE_NULL ? STORE_REMOVED :
			  STORE_CHANGED;
		for (side = 1; side <= 2; side++) {
			if (sqlite3_column_type(pairs, side) == SQLITE_NULL)
				continue;
			sqlite3_bind_int64(row, 1, server);
			sqlite3_bind_int64(row, 2, sqlite3_column_int64(pairs, side));
			rc = sqlite3_step(row);
			if (rc == SQLITE_ROW)
				fill_row(row, side == 1 ? &c->before : &c->after);
			sqlite3_reset(row);
			/* Not an empty side of a change: a read that failed. */
			if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
				ret = store_sql_err(s, e, "cannot compare scans");
				goto out;
			}
		}
		if (c->kind == STORE_CHANGED)
			c->fields = changed_fields(&c->before, &c->after);
	}
	if (rc != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot compare scans");
		goto out;
	}
	/* Added, removed, changed; each by client and place. */
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), change_cmp);
	ret = 0;
out:
	sqlite3_finalize(pairs);
	sqlite3_finalize(row);
	store_rollback(s);
	if (ret < 0)
		store_diff_release(out);
	return ret;
}

/* ---- events ----------------------------------------------------------- */

void
store_event_rows_release(struct store_event_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		struct store_event_row *r = &rows->v[i];

		free(r->time);
		free(r->type);
		free(r->device_id);
		free(r->hostname);
		free(r->username);
		free(r->client);
		free(r->server_name);
		free(r->config_hash);
		free(r->details);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

int
store_events(struct store *s, const char *type, const char *since, long limit,
	     struct store_event_rows *out, struct err *e)
{
	static const char *const q_sql =
		"SELECT * FROM (SELECT e.id, coalesce(e.scan, 0), e.time, e.type, d.device_id, "
		"d.hostname, e.username, e.client, e.server_name, e.config_hash, e.details "
		"FROM events e LEFT JOIN devices d ON d.id = e.device "
		"WHERE (?1 IS NULL OR e.type = ?1) AND (?2 IS NULL OR e.time >= ?2) "
		"ORDER BY e.id DESC LIMIT ?3) ORDER BY 1";
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_begin(s, 0, e)) < 0)
		return ret;
	if ((ret = store_prepare(s, q_sql, &st, e)) < 0)
		goto out;
	store_bind_text(st, 1, type);
	store_bind_text(st, 2, since);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event_row *r;
		int i = 0;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		r = &out->v[out->n++];
		r->id = sqlite3_column_int64(st, i++);
		r->scan = sqlite3_column_int64(st, i++);
		r->time = store_col_text(st, i++);
		r->type = store_col_text(st, i++);
		r->device_id = store_col_text(st, i++);
		r->hostname = store_col_text(st, i++);
		r->username = store_col_text(st, i++);
		r->client = store_col_text(st, i++);
		r->server_name = store_col_text(st, i++);
		r->config_hash = store_col_text(st, i++);
		r->details = store_col_text(st, i++);
	}
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the audit log");
out:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}
