/* Writing scans into the inventory (one transaction each: identities,
 * versions, observations, carried-forward servers, audit events). */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Prepared statements of one record call. */
enum {
	Q_DEVICE_UPSERT,
	Q_DEVICE_ID,
	Q_PREV_SCAN,
	Q_SCAN_INSERT,
	Q_CONFIG_FIND,
	Q_CONFIG_INSERT,
	Q_CONFIG_UPDATE,
	Q_CONFIG_OBS,
	Q_SERVER_FIND,
	Q_SERVER_INSERT,
	Q_SERVER_UPDATE,
	Q_VERSION_FIND,
	Q_VERSION_INSERT,
	Q_OBS_INSERT,
	Q_ISSUE_INSERT,
	Q_CARRY_PATH,
	Q_PARSE_ERROR,
	Q_CARRY_PROJECTS,
	Q_EVENT_INSERT,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_DEVICE_UPSERT] =
	"INSERT INTO devices (device_id, hostname, os, os_version, org_device_id, first_seen, last_seen) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (device_id) DO UPDATE SET "
	"hostname = coalesce(excluded.hostname, hostname), os = coalesce(excluded.os, os), "
	"os_version = coalesce(excluded.os_version, os_version), "
	"org_device_id = coalesce(excluded.org_device_id, org_device_id), last_seen = excluded.last_seen",
	[Q_DEVICE_ID] = "SELECT id FROM devices WHERE device_id = ?",
	[Q_PREV_SCAN] =
	"SELECT id, coalesce(obs_scan, id) FROM scans WHERE device = ? ORDER BY id DESC LIMIT 1",
	[Q_SCAN_INSERT] =
	"INSERT INTO scans (device, username, collector_version, started_at, ended_at, duration_ms, "
	"n_configs, n_servers, n_global, n_project, n_plugin, n_errors, n_skipped, partial, submission) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_CONFIG_FIND] =
	"SELECT id FROM configs WHERE device = ? AND client = ? AND config_path = ? AND scope = ? "
	"AND project_path = ? AND plugin_id = ?",
	[Q_CONFIG_INSERT] =
	"INSERT INTO configs (device, client, config_path, scope, project_path, plugin_id, first_scan, last_scan) "
	"VALUES (?, ?, ?, ?, ?, ?, ?7, ?7)",
	[Q_CONFIG_UPDATE] =
	"UPDATE configs SET mtime = ?, content_hash = ?, parse_error = NULL, managed = ?, trust = ?, "
	"last_scan = ?, git_repo_root = ?, git_remote_url = ?, git_branch = ?, git_commit = ?, "
	"git_status = ? WHERE id = ?",
	[Q_CONFIG_OBS] =
	"INSERT OR REPLACE INTO config_observations (scan, config, mtime, content_hash, n_servers, "
	"git_commit, git_status) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_SERVER_FIND] = "SELECT id FROM servers WHERE config = ? AND name = ?",
	[Q_SERVER_INSERT] =
	"INSERT INTO servers (config, name, first_scan, last_scan) VALUES (?, ?, ?3, ?3)",
	[Q_SERVER_UPDATE] = "UPDATE servers SET version = ?, last_scan = ? WHERE id = ?",
	[Q_VERSION_FIND] = "SELECT id FROM server_versions WHERE server = ? AND fingerprint = ?",
	[Q_VERSION_INSERT] =
	"INSERT INTO server_versions (server, fingerprint, config_hash, type, wire_type, command, "
	"args, url, env, headers, disabled, approval, first_scan) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_OBS_INSERT] =
	"INSERT OR IGNORE INTO observations (scan, server, version, carried) VALUES (?, ?, ?, 0)",
	[Q_ISSUE_INSERT] =
	"INSERT INTO scan_issues (scan, client, path, line, col, message, is_error) "
	"VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* A file this scan could not read: keep what the last scan saw in it. */
	[Q_CARRY_PATH] =
	"INSERT OR IGNORE INTO observations (scan, server, version, carried) "
	"SELECT ?1, o.server, o.version, 1 FROM observations o "
	"JOIN servers sv ON sv.id = o.server JOIN configs c ON c.id = sv.config "
	"WHERE o.scan = ?2 AND c.device = ?3 AND c.config_path = ?4",
	[Q_PARSE_ERROR] =
	"UPDATE configs SET parse_error = ?1 WHERE device = ?2 AND config_path = ?3 "
	"AND id NOT IN (SELECT config FROM config_observations WHERE scan = ?4)",
	/* An incomplete crawl: keep project configs from files not read now. */
	[Q_CARRY_PROJECTS] =
	"INSERT OR IGNORE INTO observations (scan, server, version, carried) "
	"SELECT ?1, o.server, o.version, 1 FROM observations o "
	"JOIN servers sv ON sv.id = o.server JOIN configs c ON c.id = sv.config "
	"WHERE o.scan = ?2 AND c.device = ?3 AND c.scope = 'project' AND c.config_path NOT IN "
	"(SELECT c2.config_path FROM config_observations co JOIN configs c2 ON c2.id = co.config "
	"WHERE co.scan = ?1)",
	[Q_EVENT_INSERT] =
	"INSERT INTO events (time, type, device, scan, username, client, server_name, config_hash, details) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

struct rec {
	struct store *s;
	sqlite3_stmt *q[Q_COUNT];
	long long device, scan;
	long long prev;		/* the device's previous scan, 0 = none */
	long long prev_obs;	/* the scan holding prev's observations */
	char now[STORE_TIME_LEN + 1];
};

static int
rec_prepare(struct rec *r, struct err *e)
{
	int i, ret;

	for (i = 0; i < Q_COUNT; i++)
		if ((ret = store_prepare(r->s, sql[i], &r->q[i], e)) < 0)
			return ret;
	return 0;
}

static void
rec_finalize(struct rec *r)
{
	int i;

	for (i = 0; i < Q_COUNT; i++) {
		sqlite3_finalize(r->q[i]);
		r->q[i] = NULL;
	}
}

/* Run a bound statement to completion and reset it. */
static int
run(struct rec *r, int q, struct err *e)
{
	int rc = sqlite3_step(r->q[q]);

	sqlite3_reset(r->q[q]);
	sqlite3_clear_bindings(r->q[q]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_err(r->s, e, "cannot record the scan");
	return 0;
}

/* Step a bound query returning one integer: 1 with *v, 0 when no row. */
static int
one_id(struct rec *r, int q, long long *v, struct err *e)
{
	int rc = sqlite3_step(r->q[q]), ret = 0;

	if (rc == SQLITE_ROW && sqlite3_column_type(r->q[q], 0) != SQLITE_NULL) {
		*v = sqlite3_column_int64(r->q[q], 0);
		ret = 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = store_sql_err(r->s, e, "cannot record the scan");
	}
	sqlite3_reset(r->q[q]);
	sqlite3_clear_bindings(r->q[q]);
	return ret;
}

static char *
json_text(const cJSON *j)
{
	return j ? cJSON_PrintUnformatted(j) : NULL;
}

/* Length-prefixed field, so ("ab","c") and ("a","bc") differ, NULL ≠ "". */
static void
fp_add(struct buf *b, const char *v)
{
	if (v == NULL)
		buf_adds(b, "N;");
	else
		buf_addf(b, "S%zu:%s;", strlen(v), v);
}

static int
device_upsert(struct rec *r, const struct store_device *d, struct err *e)
{
	sqlite3_stmt *q = r->q[Q_DEVICE_UPSERT];
	int ret;

	store_bind_text(q, 1, d->device_id);
	store_bind_text(q, 2, d->hostname);
	store_bind_text(q, 3, d->os);
	store_bind_text(q, 4, d->os_version);
	store_bind_text(q, 5, d->org_device_id);
	store_bind_text(q, 6, r->now);
	if ((ret = run(r, Q_DEVICE_UPSERT, e)) < 0)
		return ret;
	store_bind_text(r->q[Q_DEVICE_ID], 1, d->device_id);
	ret = one_id(r, Q_DEVICE_ID, &r->device, e);
	return ret < 0 ? ret : 0;
}

static int
record_server(struct rec *r, long long config, const struct mcp_server *m, struct err *e)
{
	struct buf fp = BUF_INIT;
	char fingerprint[SHA256_HEX_LEN + 1];
	char *args = json_text(m->args), *env = json_text(m->env), *hdr = json_text(m->headers);
	const char *approval = approval_name(m->approval);
	long long server = 0, version = 0;
	sqlite3_stmt *q;
	int ret;

	fp_add(&fp, m->config_hash);
	fp_add(&fp, m->type);
	fp_add(&fp, m->wire_type);
	fp_add(&fp, m->command);
	fp_add(&fp, args);
	fp_add(&fp, m->url);
	fp_add(&fp, env);
	fp_add(&fp, hdr);
	fp_add(&fp, m->disabled ? "disabled" : "enabled");
	fp_add(&fp, approval);
	sha256_hex(fp.data, fp.len, fingerprint);
	buf_release(&fp);

	q = r->q[Q_SERVER_FIND];
	sqlite3_bind_int64(q, 1, config);
	store_bind_text(q, 2, m->name ? m->name : "");
	if ((ret = one_id(r, Q_SERVER_FIND, &server, e)) < 0)
		goto out;
	if (ret == 0) {
		q = r->q[Q_SERVER_INSERT];
		sqlite3_bind_int64(q, 1, config);
		store_bind_text(q, 2, m->name ? m->name : "");
		sqlite3_bind_int64(q, 3, r->scan);
		if ((ret = run(r, Q_SERVER_INSERT, e)) < 0)
			goto out;
		server = sqlite3_last_insert_rowid(r->s->db);
	}

	q = r->q[Q_VERSION_FIND];
	sqlite3_bind_int64(q, 1, server);
	store_bind_text(q, 2, fingerprint);
	if ((ret = one_id(r, Q_VERSION_FIND, &version, e)) < 0)
		goto out;
	if (ret == 0) {
		q = r->q[Q_VERSION_INSERT];
		sqlite3_bind_int64(q, 1, server);
		store_bind_text(q, 2, fingerprint);
		store_bind_text(q, 3, m->config_hash);
		store_bind_text(q, 4, m->type);
		store_bind_text(q, 5, m->wire_type);
		store_bind_text(q, 6, m->command);
		store_bind_text(q, 7, args);
		store_bind_text(q, 8, m->url);
		store_bind_text(q, 9, env);
		store_bind_text(q, 10, hdr);
		sqlite3_bind_int(q, 11, m->disabled != 0);
		store_bind_text(q, 12, approval);
		sqlite3_bind_int64(q, 13, r->scan);
		if ((ret = run(r, Q_VERSION_INSERT, e)) < 0)
			goto out;
		version = sqlite3_last_insert_rowid(r->s->db);
	}

	q = r->q[Q_OBS_INSERT];
	sqlite3_bind_int64(q, 1, r->scan);
	sqlite3_bind_int64(q, 2, server);
	sqlite3_bind_int64(q, 3, version);
	if ((ret = run(r, Q_OBS_INSERT, e)) < 0)
		goto out;
	/* A duplicate name in one config keeps its first entry (the one
	 * observed); later duplicates only exist in the file. */
	if (sqlite3_changes(r->s->db) == 0)
		goto out;
	q = r->q[Q_SERVER_UPDATE];
	sqlite3_bind_int64(q, 1, version);
	sqlite3_bind_int64(q, 2, r->scan);
	sqlite3_bind_int64(q, 3, server);
	ret = run(r, Q_SERVER_UPDATE, e);
out:
	cJSON_free(args);
	cJSON_free(env);
	cJSON_free(hdr);
	return ret < 0 ? ret : 0;
}

static int
record_config(struct rec *r, const struct mcp_config *c, const char *content_hash,
	      struct err *e)
{
	const struct git_info *g = c->git;
	const char *scope = config_scope_name(c->scope);
	char mtime[STORE_TIME_LEN + 1];
	const char *mt = NULL;
	long long config = 0;
	sqlite3_stmt *q;
	size_t i;
	int ret;

	if (c->mtime.tv_sec != 0 || c->mtime.tv_nsec != 0) {
		store_time_format(&c->mtime, mtime);
		mt = mtime;
	}
	q = r->q[Q_CONFIG_FIND];
	sqlite3_bind_int64(q, 1, r->device);
	store_bind_text(q, 2, c->client ? c->client : "");
	store_bind_text(q, 3, c->config_path ? c->config_path : "");
	store_bind_text(q, 4, scope);
	store_bind_text(q, 5, c->project_path ? c->project_path : "");
	store_bind_text(q, 6, c->plugin_identifier ? c->plugin_identifier : "");
	if ((ret = one_id(r, Q_CONFIG_FIND, &config, e)) < 0)
		return ret;
	if (ret == 0) {
		q = r->q[Q_CONFIG_INSERT];
		sqlite3_bind_int64(q, 1, r->device);
		store_bind_text(q, 2, c->client ? c->client : "");
		store_bind_text(q, 3, c->config_path ? c->config_path : "");
		store_bind_text(q, 4, scope);
		store_bind_text(q, 5, c->project_path ? c->project_path : "");
		store_bind_text(q, 6, c->plugin_identifier ? c->plugin_identifier : "");
		sqlite3_bind_int64(q, 7, r->scan);
		if ((ret = run(r, Q_CONFIG_INSERT, e)) < 0)
			return ret;
		config = sqlite3_last_insert_rowid(r->s->db);
	}
	q = r->q[Q_CONFIG_UPDATE];
	store_bind_text(q, 1, mt);
	store_bind_text(q, 2, content_hash);
	sqlite3_bind_int(q, 3, c->managed != 0);
	store_bind_text(q, 4, c->trust);
	sqlite3_bind_int64(q, 5, r->scan);
	store_bind_text(q, 6, g ? g->repo_root : NULL);
	store_bind_text(q, 7, g ? g->remote_url : NULL);
	store_bind_text(q, 8, g ? g->branch : NULL);
	store_bind_text(q, 9, g ? g->commit : NULL);
	store_bind_text(q, 10, g ? g->status : NULL);
	sqlite3_bind_int64(q, 11, config);
	if ((ret = run(r, Q_CONFIG_UPDATE, e)) < 0)
		return ret;
	q = r->q[Q_CONFIG_OBS];
	sqlite3_bind_int64(q, 1, r->scan);
	sqlite3_bind_int64(q, 2, config);
	store_bind_text(q, 3, mt);
	store_bind_text(q, 4, content_hash);
	sqlite3_bind_int64(q, 5, (long long)c->n_servers);
	store_bind_text(q, 6, g ? g->commit : NULL);
	store_bind_text(q, 7, g ? g->status : NULL);
	if ((ret = run(r, Q_CONFIG_OBS, e)) < 0)
		return ret;
	for (i = 0; i < c->n_servers; i++)
		if ((ret = record_server(r, config, &c->servers[i], e)) < 0)
			return ret;
	return 0;
}

/*
 * A parse error may quote the bad input ("invalid value 'sk-…' (strings
 * must be quoted)"), and that input can be a secret. What is stored keeps
 * short quoted tokens (punctuation such as ',' or ']]') and replaces longer
 * quoted spans by their length. Returns a new string.
 */
static char *
safe_message(const char *msg)
{
	struct buf b = BUF_INIT;
	const char *p = msg ? msg : "", *q;

	while (*p) {
		size_t cps = 0;
		const char *c;

		if (*p != '\'' || (q = strchr(p + 1, '\'')) == NULL) {
			buf_addc(&b, *p++);
			continue;
		}
		for (c = p + 1; c < q; c++)
			cps += ((unsigned char)*c & 0xc0) != 0x80;
		if (cps <= 3)
			buf_add(&b, p, (size_t)(q - p) + 1);
		else
			buf_addf(&b, "'<redacted:len=%zu>'", cps);
		p = q + 1;
	}
	return buf_detach(&b, NULL);
}

static int
record_issues(struct rec *r, const struct scan_result *res, struct err *e)
{
	size_t i;
	int ret;

	for (i = 0; i < res->n_issues; i++) {
		const struct scan_issue *is = &res->issues[i];
		sqlite3_stmt *q = r->q[Q_ISSUE_INSERT];
		char *msg = safe_message(is->message);

		sqlite3_bind_int64(q, 1, r->scan);
		store_bind_text(q, 2, is->client);
		store_bind_text(q, 3, is->path);
		sqlite3_bind_int64(q, 4, (long long)is->line);
		sqlite3_bind_int64(q, 5, (long long)is->col);
		store_bind_text(q, 6, msg);
		sqlite3_bind_int(q, 7, is->is_error != 0);
		ret = run(r, Q_ISSUE_INSERT, e);
		if (ret < 0 || is->path == NULL || r->prev == 0) {
			free(msg);
			if (ret < 0)
				return ret;
			continue;
		}
		q = r->q[Q_CARRY_PATH];
		sqlite3_bind_int64(q, 1, r->scan);
		sqlite3_bind_int64(q, 2, r->prev_obs);
		sqlite3_bind_int64(q, 3, r->device);
		store_bind_text(q, 4, is->path);
		if ((ret = run(r, Q_CARRY_PATH, e)) < 0) {
			free(msg);
			return ret;
		}
		q = r->q[Q_PARSE_ERROR];
		store_bind_text(q, 1, msg);
		sqlite3_bind_int64(q, 2, r->device);
		store_bind_text(q, 3, is->path);
		sqlite3_bind_int64(q, 4, r->scan);
		ret = run(r, Q_PARSE_ERROR, e);
		free(msg);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- events ----------------------------------------------------------- */

static int
event_insert(struct store *s, sqlite3_stmt *q, const char *time, const char *type,
	     long long device, long long scan, const char *username, const char *client,
	     const char *server_name, const char *config_hash, const cJSON *details,
	     struct err *e)
{
	char *text = details ? cJSON_PrintUnformatted(details) : NULL;
	int rc;

	store_bind_text(q, 1, time);
	store_bind_text(q, 2, type);
	if (device)
		sqlite3_bind_int64(q, 3, device);
	else
		sqlite3_bind_null(q, 3);
	if (scan)
		sqlite3_bind_int64(q, 4, scan);
	else
		sqlite3_bind_null(q, 4);
	store_bind_text(q, 5, username);
	store_bind_text(q, 6, client);
	store_bind_text(q, 7, server_name);
	store_bind_text(q, 8, config_hash);
	store_bind_text(q, 9, text ? text : "{}");
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	cJSON_free(text);
	if (rc != SQLITE_DONE)
		return store_sql_err(s, e, "cannot record an event");
	return 0;
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* Same as add_str for a column holding JSON text. */
static void
add_json(cJSON *o, const char *k, const char *text)
{
	cJSON *j = text ? cJSON_Parse(text) : NULL;

	if (j)
		cJSON_AddItemToObject(o, k, j);
	else
		cJSON_AddNullToObject(o, k);
}

static int
array_has(const cJSON *a, const char *v)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, a)
		if (cJSON_IsString(it) && strcmp(it->valuestring, v) == 0)
			return 1;
	return 0;
}

/*
 * One event per server definition (config_hash) present in scan `now` and
 * absent from scan `then` (then = 0: none), listing every place it is
 * configured in `now`.
 */
static int
hash_events(struct rec *r, const struct store_scan *in, const char *type, long long now,
	    long long then, struct err *e)
{
	static const char *const q_sql =
		"SELECT v.config_hash, sv.name, v.type, v.command, v.args, v.url, c.client, "
		"c.config_path, c.scope, c.project_path, c.plugin_id, c.managed "
		"FROM observations o JOIN server_versions v ON v.id = o.version "
		"JOIN servers sv ON sv.id = o.server JOIN configs c ON c.id = sv.config "
		"WHERE o.scan = ?1 AND v.config_hash NOT IN (SELECT v2.config_hash FROM "
		"observations o2 JOIN server_versions v2 ON v2.id = o2.version WHERE o2.scan = ?2) "
		"ORDER BY v.config_hash, c.client, c.config_path, c.project_path, sv.name";
	static const char *const seen_sql =
		/* A version row exists from the first scan that saw it. */
		"SELECT min(s.started_at) FROM server_versions v CROSS JOIN scans s "
		"ON s.id = v.first_scan WHERE v.config_hash = ?1 AND s.device = ?2 AND s.id < ?3";
	const struct store_device *d = in->device;
	sqlite3_stmt *q = NULL, *seen = NULL;
	cJSON *ev = NULL, *locs = NULL, *projects = NULL;
	char *cur_hash = NULL, *cur_name = NULL, *cur_client = NULL;
	int ret, rc, detected = strcmp(type, "shadow_mcp_detected") == 0;

	if ((ret = store_prepare(r->s, q_sql, &q, e)) < 0)
		return ret;
	if ((ret = store_prepare(r->s, seen_sql, &seen, e)) < 0)
		goto out;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, then);
	for (;;) {
		const char *hash;
		cJSON *loc;

		rc = sqlite3_step(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			ret = store_sql_err(r->s, e, "cannot record events");
			goto out;
		}
		hash = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
		if (ev && (hash == NULL || strcmp(hash, cur_hash) != 0)) {
			ret = event_insert(r->s, r->q[Q_EVENT_INSERT], r->now, type, r->device,
					   r->scan, d->username, cur_client, cur_name, cur_hash,
					   ev, e);
			cJSON_Delete(ev);
			ev = NULL;
			free(cur_hash);
			free(cur_name);
			free(cur_client);
			cur_hash = cur_name = cur_client = NULL;
			if (ret < 0)
				goto out;
		}
		if (hash == NULL)
			break;
		if (ev == NULL) {
			const char *first = NULL;

			cur_hash = xstrdup(hash);
			cur_name = store_col_text(q, 1);
			cur_client = store_col_text(q, 6);
			if (detected) {
				sqlite3_bind_text(seen, 1, hash, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(seen, 2, r->device);
				sqlite3_bind_int64(seen, 3, now);
				/* min() always yields a row: anything else is an
				 * error, not "never seen before". */
				if (sqlite3_step(seen) != SQLITE_ROW) {
					ret = store_sql_err(r->s, e, "cannot record events");
					goto out;
				}
				first = (const char *)sqlite3_column_text(seen, 0);
			}
			ev = cJSON_CreateObject();
			add_str(ev, "device_id", d->device_id);
			add_str(ev, "hostname", d->hostname);
			add_str(ev, "username", d->username);
			add_str(ev, "client", cur_client);
			add_str(ev, "server_name", cur_name);
			add_str(ev, "type", (const char *)sqlite3_column_text(q, 2));
			add_str(ev, "command", (const char *)sqlite3_column_text(q, 3));
			add_json(ev, "args", (const char *)sqlite3_column_text(q, 4));
			add_str(ev, "url", (const char *)sqlite3_column_text(q, 5));
			add_str(ev, "config_hash", cur_hash);
			add_str(ev, "config_path", (const char *)sqlite3_column_text(q, 7));
			add_str(ev, "scope", (const char *)sqlite3_column_text(q, 8));
			projects = cJSON_AddArrayToObject(ev, "project_paths");
			locs = cJSON_AddArrayToObject(ev, "locations");
			cJSON_AddBoolToObject(ev, "managed", 0);
			if (detected) {
				/* Seen before, then removed, now back. */
				cJSON_AddBoolToObject(ev, "reappeared", first != NULL);
				add_str(ev, "first_seen", first);
			}
			cJSON_AddNumberToObject(ev, "scan_id", (double)r->scan);
			sqlite3_reset(seen);
			sqlite3_clear_bindings(seen);
		}
		loc = cJSON_CreateObject();
		add_str(loc, "client", (const char *)sqlite3_column_text(q, 6));
		add_str(loc, "config_path", (const char *)sqlite3_column_text(q, 7));
		add_str(loc, "scope", (const char *)sqlite3_column_text(q, 8));
		{
			const char *pp = (const char *)sqlite3_column_text(q, 9);
			const char *pl = (const char *)sqlite3_column_text(q, 10);

			add_str(loc, "project_path", pp && *pp ? pp : NULL);
			add_str(loc, "plugin_identifier", pl && *pl ? pl : NULL);
			if (pp && *pp && !array_has(projects, pp))
				cJSON_AddItemToArray(projects, cJSON_CreateString(pp));
		}
		cJSON_AddItemToArray(locs, loc);
	}
	ret = 0;
out:
	cJSON_Delete(ev);
	free(cur_hash);
	free(cur_name);
	free(cur_client);
	sqlite3_finalize(q);
	sqlite3_finalize(seen);
	return ret;
}

/*
 * Count what changed since the previous scan; when nothing did (same
 * servers, versions, carried flags and config observations), drop this
 * scan's copies and point it at the previous scan's (obs_scan), so an
 * unchanged scheduled scan adds one row, not one per server.
 */
static int
count_and_share(struct rec *r, struct err *e)
{
	static const char *const count_sql =
		"SELECT (SELECT count(*) FROM observations o WHERE o.scan = ?1 AND NOT EXISTS "
		" (SELECT 1 FROM observations p WHERE p.scan = ?2 AND p.server = o.server)), "
		"(SELECT count(*) FROM observations p WHERE p.scan = ?2 AND NOT EXISTS "
		" (SELECT 1 FROM observations o WHERE o.scan = ?1 AND o.server = p.server)), "
		"(SELECT count(*) FROM observations o JOIN observations p ON p.scan = ?2 "
		" AND p.server = o.server WHERE o.scan = ?1 AND p.version <> o.version), "
		"(SELECT count(*) FROM observations o JOIN observations p ON p.scan = ?2 "
		" AND p.server = o.server WHERE o.scan = ?1 AND p.carried <> o.carried), "
		"(SELECT count(*) FROM (SELECT config, mtime, content_hash, n_servers, git_commit, "
		" git_status FROM config_observations WHERE scan = ?1 EXCEPT SELECT config, mtime, "
		" content_hash, n_servers, git_commit, git_status FROM config_observations "
		" WHERE scan = ?2)), "
		"(SELECT count(*) FROM (SELECT config, mtime, content_hash, n_servers, git_commit, "
		" git_status FROM config_observations WHERE scan = ?2 EXCEPT SELECT config, mtime, "
		" content_hash, n_servers, git_commit, git_status FROM config_observations "
		" WHERE scan = ?1))";
	sqlite3_stmt *q = NULL;
	long long n[6] = { 0, 0, 0, 0, 0, 0 };
	char *upd;
	int ret, i;

	if ((ret = store_prepare(r->s, count_sql, &q, e)) < 0)
		return ret;
	sqlite3_bind_int64(q, 1, r->scan);
	sqlite3_bind_int64(q, 2, r->prev_obs);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return store_sql_err(r->s, e, "cannot record the scan");
	}
	for (i = 0; i < 6; i++)
		n[i] = sqlite3_column_int64(q, i);
	sqlite3_finalize(q);
	if (r->prev && n[0] == 0 && n[1] == 0 && n[2] == 0 && n[3] == 0 && n[4] == 0 && n[5] == 0)
		upd = xasprintf("UPDATE scans SET obs_scan = %lld WHERE id = %lld; "
				"DELETE FROM observations WHERE scan = %lld; "
				"DELETE FROM config_observations WHERE scan = %lld",
				r->prev_obs, r->scan, r->scan, r->scan);
	else
		upd = xasprintf("UPDATE scans SET n_added = %lld, n_removed = %lld, "
				"n_changed = %lld WHERE id = %lld", n[0], n[1], n[2], r->scan);
	ret = store_exec(r->s, upd, e);
	free(upd);
	return ret;
}

static int
record(struct rec *r, const struct store_scan *in, struct err *e)
{
	const struct scan_result *res = in->result;
	size_t n_servers, n_configs, n_global, n_project, n_plugin, i;
	long n_errors = 0, n_skipped = 0;
	char started[STORE_TIME_LEN + 1], ended[STORE_TIME_LEN + 1];
	sqlite3_stmt *q;
	long long duration;
	int ret;

	if ((ret = device_upsert(r, in->device, e)) < 0)
		return ret;
	q = r->q[Q_PREV_SCAN];
	sqlite3_bind_int64(q, 1, r->device);
	ret = sqlite3_step(q);
	r->prev = r->prev_obs = 0;
	if (ret == SQLITE_ROW) {
		r->prev = sqlite3_column_int64(q, 0);
		r->prev_obs = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (ret != SQLITE_ROW && ret != SQLITE_DONE)
		return store_sql_err(r->s, e, "cannot record the scan");

	scan_result_counts(res, &n_servers, &n_configs, &n_global, &n_project, &n_plugin);
	for (i = 0; i < res->n_issues; i++) {
		if (res->issues[i].is_error)
			n_errors++;
		else
			n_skipped++;
	}
	if (in->started.tv_sec == 0 && in->started.tv_nsec == 0)
		memcpy(started, r->now, sizeof(started));
	else
		store_time_format(&in->started, started);
	if (in->ended.tv_sec == 0 && in->ended.tv_nsec == 0)
		memcpy(ended, r->now, sizeof(ended));
	else
		store_time_format(&in->ended, ended);
	duration = res->duration_ms;
	if (duration <= 0 && in->started.tv_sec != 0 && in->ended.tv_sec != 0)
		duration = (long long)(in->ended.tv_sec - in->started.tv_sec) * 1000 +
			   (in->ended.tv_nsec - in->started.tv_nsec) / 1000000;
	if (duration < 0)
		duration = 0;

	q = r->q[Q_SCAN_INSERT];
	sqlite3_bind_int64(q, 1, r->device);
	store_bind_text(q, 2, in->device->username);
	store_bind_text(q, 3, in->collector_version);
	store_bind_text(q, 4, started);
	store_bind_text(q, 5, ended);
	sqlite3_bind_int64(q, 6, duration);
	sqlite3_bind_int64(q, 7, (long long)n_configs);
	sqlite3_bind_int64(q, 8, (long long)n_servers);
	sqlite3_bind_int64(q, 9, (long long)n_global);
	sqlite3_bind_int64(q, 10, (long long)n_project);
	sqlite3_bind_int64(q, 11, (long long)n_plugin);
	sqlite3_bind_int64(q, 12, n_errors);
	sqlite3_bind_int64(q, 13, n_skipped);
	sqlite3_bind_int(q, 14, in->partial_projects != 0 || res->crawl_timed_out ||
				res->crawl_truncated);
	store_bind_text(q, 15, store_submission_name(in->submission));
	if ((ret = run(r, Q_SCAN_INSERT, e)) < 0)
		return ret;
	r->scan = sqlite3_last_insert_rowid(r->s->db);

	for (i = 0; i < res->n_configs; i++) {
		const char *h = in->content_hashes ? in->content_hashes[i] : NULL;

		if ((ret = record_config(r, &res->configs[i], h, e)) < 0)
			return ret;
	}
	if ((ret = record_issues(r, res, e)) < 0)
		return ret;
	if (r->prev && (in->partial_projects || res->crawl_timed_out || res->crawl_truncated)) {
		q = r->q[Q_CARRY_PROJECTS];
		sqlite3_bind_int64(q, 1, r->scan);
		sqlite3_bind_int64(q, 2, r->prev_obs);
		sqlite3_bind_int64(q, 3, r->device);
		if ((ret = run(r, Q_CARRY_PROJECTS, e)) < 0)
			return ret;
	}
	if ((ret = hash_events(r, in, "shadow_mcp_detected", r->scan, r->prev_obs, e)) < 0)
		return ret;
	if (r->prev && (ret = hash_events(r, in, "mcp_server_removed", r->prev_obs, r->scan, e)) < 0)
		return ret;
	return count_and_share(r, e);
}

/* SHA-256 of each config file; configs of one file (Claude Code's project
 * sections) are adjacent, so the previous file's hash is reused. */
static char **
hash_files(const struct scan_result *res)
{
	char **h = xcalloc(res->n_configs ? res->n_configs : 1, sizeof(*h));
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < res->n_configs; i++) {
		const char *p = res->configs[i].config_path;
		char hex[SHA256_HEX_LEN + 1];

		if (p == NULL)
			continue;
		if (i > 0 && res->configs[i - 1].config_path &&
		    strcmp(res->configs[i - 1].config_path, p) == 0) {
			h[i] = h[i - 1] ? xstrdup(h[i - 1]) : NULL;
			continue;
		}
		buf_clear(&b);
		if (file_read(p, FILE_READ_MAX_DEFAULT, 0, &b, NULL, NULL) == 0) {
			sha256_hex(b.data, b.len, hex);
			h[i] = xstrdup(hex);
		}
	}
	buf_release(&b);
	return h;
}

int
store_record_scan(struct store *s, const struct store_scan *in, long long *scan_id,
		  struct err *e)
{
	struct store_scan copy;
	struct rec r;
	char **hashes = NULL;
	size_t i;
	int ret;

	if (in->device == NULL || in->device->device_id == NULL || in->result == NULL)
		return err_set(e, ERR_INVALID, "store_record_scan: no device id or result");
	copy = *in;
	if (copy.content_hashes == NULL && copy.hash_files) {
		hashes = hash_files(in->result);
		copy.content_hashes = (const char *const *)hashes;
	}
	memset(&r, 0, sizeof(r));
	r.s = s;
	store_now(r.now);
	if ((ret = store_begin(s, 1, e)) < 0)
		goto out;
	if ((ret = rec_prepare(&r, e)) < 0 || (ret = record(&r, &copy, e)) < 0) {
		rec_finalize(&r);
		store_rollback(s);
		goto out;
	}
	rec_finalize(&r);
	if ((ret = store_commit(s, e)) < 0)
		goto out;
	if (scan_id)
		*scan_id = r.scan;
out:
	if (hashes) {
		for (i = 0; i < in->result->n_configs; i++)
			free(hashes[i]);
		free(hashes);
	}
	return ret;
}

int
store_scan_set_submission(struct store *s, long long scan_id, enum store_submission st,
			  const char *detail, struct err *e)
{
	sqlite3_stmt *q = NULL;
	char now[STORE_TIME_LEN + 1];
	int ret, rc;

	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	ret = store_prepare(s, "UPDATE scans SET submission = ?, submission_detail = ?, "
			       "submitted_at = ? WHERE id = ?", &q, e);
	if (ret < 0)
		goto fail;
	store_now(now);
	store_bind_text(q, 1, store_submission_name(st));
	store_bind_text(q, 2, detail);
	store_bind_text(q, 3, st == STORE_SUB_SUBMITTED ? now : NULL);
	sqlite3_bind_int64(q, 4, scan_id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot update the scan");
		goto fail;
	}
	if (sqlite3_changes(s->db) == 0) {
		ret = err_set(e, ERR_NOTFOUND, "no scan %lld", scan_id);
		goto fail;
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return ret;
}

/* Is an event identical to ev (at time when) stored? 1, 0 or -ERR_*. */
static int
event_stored(struct store *s, const char *when, const struct store_event *ev, struct err *e)
{
	sqlite3_stmt *q = NULL;
	char *text = ev->details ? cJSON_PrintUnformatted(ev->details) : NULL;
	int ret, rc;

	ret = store_prepare(s, "SELECT 1 FROM events WHERE time = ?1 AND type = ?2 AND "
			       "client IS ?3 AND server_name IS ?4 AND config_hash IS ?5 AND "
			       "details = ?6 LIMIT 1", &q, e);
	if (ret == 0) {
		store_bind_text(q, 1, when);
		store_bind_text(q, 2, ev->type);
		store_bind_text(q, 3, ev->client);
		store_bind_text(q, 4, ev->server_name);
		store_bind_text(q, 5, ev->config_hash);
		store_bind_text(q, 6, text ? text : "{}");
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			ret = 1;
		else if (rc != SQLITE_DONE)
			ret = store_sql_err(s, e, "cannot record an event");
		sqlite3_finalize(q);
	}
	cJSON_free(text);
	return ret;
}

int
store_event_add(struct store *s, const struct store_event *ev, long long *id, struct err *e)
{
	sqlite3_stmt *q = NULL, *dq = NULL;
	char now[STORE_TIME_LEN + 1], when[STORE_TIME_LEN + 1];
	long long device = 0;
	int ret, rc;

	if (ev->type == NULL || ev->type[0] == '\0')
		return err_set(e, ERR_INVALID, "store_event_add: no event type");
	if (ev->details && !cJSON_IsObject(ev->details))
		return err_set(e, ERR_INVALID, "store_event_add: details must be an object");
	store_now(now);
	if (ev->time) {
		if ((ret = store_time_parse(ev->time, when, e)) < 0)
			return ret;
	} else {
		memcpy(when, now, sizeof(when));
	}
	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	if (ev->device_id) {
		ret = store_prepare(s, "INSERT INTO devices (device_id, hostname, first_seen, last_seen) "
				       "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (device_id) DO UPDATE SET "
				       "hostname = coalesce(excluded.hostname, hostname)", &dq, e);
		if (ret < 0)
			goto fail;
		store_bind_text(dq, 1, ev->device_id);
		store_bind_text(dq, 2, ev->hostname);
		store_bind_text(dq, 3, now);
		rc = sqlite3_step(dq);
		sqlite3_finalize(dq);
		dq = NULL;
		if (rc != SQLITE_DONE) {
			ret = store_sql_err(s, e, "cannot record an event");
			goto fail;
		}
		if ((ret = store_prepare(s, "SELECT id FROM devices WHERE device_id = ?", &dq, e)) < 0)
			goto fail;
		store_bind_text(dq, 1, ev->device_id);
		rc = sqlite3_step(dq);
		if (rc == SQLITE_ROW)
			device = sqlite3_column_int64(dq, 0);
		sqlite3_finalize(dq);
		dq = NULL;
		/* The row was just written: not finding it is an error, not
		 * an event without its device. */
		if (rc != SQLITE_ROW) {
			ret = store_sql_err(s, e, "cannot record an event");
			goto fail;
		}
	}
	if (ev->once) {
		int dup = event_stored(s, when, ev, e);

		if (dup < 0) {
			ret = dup;
			goto fail;
		}
		if (dup) {
			if (id)
				*id = 0;
			return store_commit(s, e);
		}
	}
	ret = store_prepare(s, "INSERT INTO events (time, type, device, scan, username, client, "
			       "server_name, config_hash, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    &q, e);
	if (ret < 0)
		goto fail;
	ret = event_insert(s, q, when, ev->type, device, 0, ev->username, ev->client,
			   ev->server_name, ev->config_hash, ev->details, e);
	sqlite3_finalize(q);
	if (ret < 0)
		goto fail;
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return store_commit(s, e);
fail:
	store_rollback(s);
	return ret;
}
