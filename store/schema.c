/* The inventory schema as forward-only migrations: migration N turns a
 * version N-1 database into version N; a new database runs them all. */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"
#include "util/banned.h"

/*
 * Never edit a migration once released: add a new one at the end and bump
 * STORE_SCHEMA_VERSION. tests/unit/test_store.c builds every earlier
 * version by hand and checks the upgrade.
 */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 1: the core inventory. */
	"CREATE TABLE schema_version (\n"
	"  version INTEGER PRIMARY KEY,\n"
	"  applied_at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE devices (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device_id TEXT NOT NULL UNIQUE,\n"
	"  hostname TEXT,\n"
	"  os TEXT,\n"
	"  os_version TEXT,\n"
	"  org_device_id TEXT,\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE scans (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device INTEGER NOT NULL REFERENCES devices(id),\n"
	"  username TEXT,\n"
	"  collector_version TEXT,\n"
	"  started_at TEXT NOT NULL,\n"
	"  ended_at TEXT NOT NULL,\n"
	"  duration_ms INTEGER NOT NULL,\n"
	"  n_configs INTEGER NOT NULL,\n"
	"  n_servers INTEGER NOT NULL,\n"
	"  n_global INTEGER NOT NULL,\n"
	"  n_project INTEGER NOT NULL,\n"
	"  n_plugin INTEGER NOT NULL,\n"
	"  n_errors INTEGER NOT NULL,\n"
	"  n_skipped INTEGER NOT NULL,\n"
	"  partial INTEGER NOT NULL DEFAULT 0,\n"
	"  submission TEXT NOT NULL DEFAULT 'local' CHECK (submission IN\n"
	"    ('local', 'pending', 'submitted', 'failed', 'unsupported')),\n"
	"  submission_detail TEXT,\n"
	"  submitted_at TEXT\n"
	");\n"
	"CREATE INDEX scans_device ON scans(device, id);\n"
	"CREATE TABLE scan_issues (\n"
	"  scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  client TEXT,\n"
	"  path TEXT,\n"
	"  line INTEGER,\n"
	"  col INTEGER,\n"
	"  message TEXT NOT NULL,\n"
	"  is_error INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX scan_issues_scan ON scan_issues(scan);\n"
	"CREATE TABLE configs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device INTEGER NOT NULL REFERENCES devices(id),\n"
	"  client TEXT NOT NULL,\n"
	"  config_path TEXT NOT NULL,\n"
	"  scope TEXT NOT NULL CHECK (scope IN ('global', 'project', 'plugin')),\n"
	"  project_path TEXT NOT NULL DEFAULT '',\n"
	"  plugin_id TEXT NOT NULL DEFAULT '',\n"
	"  mtime TEXT,\n"
	"  content_hash TEXT,\n"
	"  parse_error TEXT,\n"
	"  managed INTEGER NOT NULL DEFAULT 0,\n"
	"  trust TEXT,\n"
	"  first_scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  last_scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  UNIQUE (device, client, config_path, scope, project_path, plugin_id)\n"
	");\n"
	"CREATE INDEX configs_path ON configs(device, config_path);\n"
	"CREATE TABLE config_observations (\n"
	"  scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  config INTEGER NOT NULL REFERENCES configs(id),\n"
	"  mtime TEXT,\n"
	"  content_hash TEXT,\n"
	"  n_servers INTEGER NOT NULL,\n"
	"  PRIMARY KEY (scan, config)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE servers (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  config INTEGER NOT NULL REFERENCES configs(id),\n"
	"  name TEXT NOT NULL,\n"
	"  version INTEGER,\n"
	"  first_scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  last_scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  UNIQUE (config, name)\n"
	");\n"
	"CREATE TABLE server_versions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  server INTEGER NOT NULL REFERENCES servers(id),\n"
	"  fingerprint TEXT NOT NULL,\n"
	"  config_hash TEXT NOT NULL,\n"
	"  type TEXT,\n"
	"  wire_type TEXT,\n"
	"  command TEXT,\n"
	"  args TEXT,\n"
	"  url TEXT,\n"
	"  env TEXT,\n"
	"  headers TEXT,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0,\n"
	"  approval TEXT,\n"
	"  UNIQUE (server, fingerprint)\n"
	");\n"
	"CREATE INDEX server_versions_hash ON server_versions(config_hash);\n"
	"CREATE TABLE observations (\n"
	"  scan INTEGER NOT NULL REFERENCES scans(id),\n"
	"  server INTEGER NOT NULL REFERENCES servers(id),\n"
	"  version INTEGER NOT NULL REFERENCES server_versions(id),\n"
	"  carried INTEGER NOT NULL DEFAULT 0,\n"
	"  PRIMARY KEY (scan, server)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX observations_server ON observations(server, scan);\n"
	"CREATE INDEX observations_version ON observations(version, scan);\n",

	/* 2: git provenance of project configs. */
	"ALTER TABLE configs ADD COLUMN git_repo_root TEXT;\n"
	"ALTER TABLE configs ADD COLUMN git_remote_url TEXT;\n"
	"ALTER TABLE configs ADD COLUMN git_branch TEXT;\n"
	"ALTER TABLE configs ADD COLUMN git_commit TEXT;\n"
	"ALTER TABLE configs ADD COLUMN git_status TEXT;\n"
	"ALTER TABLE config_observations ADD COLUMN git_commit TEXT;\n"
	"ALTER TABLE config_observations ADD COLUMN git_status TEXT;\n",

	/*
	 * 3: the local audit log; change counts per scan; a scan identical to
	 * the previous one shares its observations (obs_scan) instead of
	 * copying them, so unchanged scheduled scans cost one row; the scan
	 * that first saw each version (replaces observations_version).
	 */
	"CREATE TABLE events (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  time TEXT NOT NULL,\n"
	"  type TEXT NOT NULL,\n"
	"  device INTEGER REFERENCES devices(id),\n"
	"  scan INTEGER REFERENCES scans(id),\n"
	"  username TEXT,\n"
	"  client TEXT,\n"
	"  server_name TEXT,\n"
	"  config_hash TEXT,\n"
	"  details TEXT NOT NULL DEFAULT '{}'\n"
	");\n"
	"CREATE INDEX events_time ON events(time);\n"
	"CREATE INDEX events_type ON events(type, time);\n"
	"ALTER TABLE scans ADD COLUMN n_added INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE scans ADD COLUMN n_removed INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE scans ADD COLUMN n_changed INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE scans ADD COLUMN obs_scan INTEGER REFERENCES scans(id);\n"
	"ALTER TABLE server_versions ADD COLUMN first_scan INTEGER REFERENCES scans(id);\n"
	"UPDATE server_versions SET first_scan =\n"
	"  (SELECT min(o.scan) FROM observations o WHERE o.version = server_versions.id);\n"
	"UPDATE scans SET\n"
	"  n_added = (SELECT count(*) FROM observations o WHERE o.scan = scans.id AND NOT EXISTS\n"
	"    (SELECT 1 FROM observations p WHERE p.server = o.server AND p.scan =\n"
	"      (SELECT max(q.id) FROM scans q WHERE q.device = scans.device AND q.id < scans.id))),\n"
	"  n_removed = (SELECT count(*) FROM observations p WHERE p.scan =\n"
	"      (SELECT max(q.id) FROM scans q WHERE q.device = scans.device AND q.id < scans.id)\n"
	"    AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.scan = scans.id\n"
	"      AND o.server = p.server)),\n"
	"  n_changed = (SELECT count(*) FROM observations o JOIN observations p\n"
	"    ON p.server = o.server AND p.scan =\n"
	"      (SELECT max(q.id) FROM scans q WHERE q.device = scans.device AND q.id < scans.id)\n"
	"    WHERE o.scan = scans.id AND p.version <> o.version);\n"
	"DROP INDEX observations_version;\n",

	/*
	 * 4: the submission spool (net/spool.c): scan payloads waiting for the
	 * backend, each with the idempotency key every resend carries, kept
	 * until the backend acknowledges them; and what each backend said
	 * about compressed request bodies.
	 */
	"CREATE TABLE spool (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  created_at TEXT NOT NULL,\n"
	"  host_url TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL DEFAULT 'scan' CHECK (kind IN ('scan')),\n"
	"  idempotency_key TEXT NOT NULL UNIQUE,\n"
	"  scan INTEGER REFERENCES scans(id) ON DELETE SET NULL,\n"
	"  payload TEXT NOT NULL,\n"
	"  bytes INTEGER NOT NULL,\n"
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected')),\n"
	"  attempts INTEGER NOT NULL DEFAULT 0,\n"
	"  last_attempt_at TEXT,\n"
	"  last_status INTEGER,\n"
	"  last_error TEXT\n"
	");\n"
	"CREATE INDEX spool_queue ON spool(state, host_url, id);\n"
	"CREATE TABLE backend_hosts (\n"
	"  host_url TEXT PRIMARY KEY,\n"
	"  accepts_gzip INTEGER,\n"
	"  checked_at TEXT NOT NULL\n"
	");\n",

	/*
	 * 5: identity (store/users.c): the organisation directory (one import,
	 * replaced whole), admin mappings of usernames to users, and what each
	 * device's username resolves to (from scans and imported exports).
	 */
	"CREATE TABLE directory (\n"
	"  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"  source TEXT,\n"
	"  format TEXT NOT NULL,\n"
	"  sha256 TEXT,\n"
	"  imported_at TEXT NOT NULL,\n"
	"  n_users INTEGER NOT NULL,\n"
	"  n_inactive INTEGER NOT NULL,\n"
	"  n_skipped INTEGER NOT NULL,\n"
	"  attributes TEXT NOT NULL DEFAULT '[]'\n"
	");\n"
	"CREATE TABLE directory_users (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  email TEXT NOT NULL,\n"
	"  aliases TEXT NOT NULL DEFAULT '[]',\n"
	"  given_name TEXT,\n"
	"  family_name TEXT,\n"
	"  display_name TEXT,\n"
	"  external_id TEXT,\n"
	"  status TEXT,\n"
	"  active INTEGER NOT NULL,\n"
	"  attributes TEXT NOT NULL DEFAULT '{}',\n"
	"  line INTEGER\n"
	");\n"
	"CREATE TABLE user_mappings (\n"
	"  username_key TEXT PRIMARY KEY,\n"
	"  username TEXT NOT NULL,\n"
	"  email TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE device_users (\n"
	"  device_id TEXT NOT NULL,\n"
	"  username TEXT NOT NULL,\n"
	"  hostname TEXT,\n"
	"  source TEXT NOT NULL CHECK (source IN ('scan', 'import')),\n"
	"  status TEXT NOT NULL,\n"
	"  email TEXT,\n"
	"  tier TEXT,\n"
	"  detail TEXT,\n"
	"  candidates TEXT NOT NULL DEFAULT '[]',\n"
	"  n_candidates INTEGER NOT NULL DEFAULT 0,\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL,\n"
	"  resolved_at TEXT NOT NULL,\n"
	"  PRIMARY KEY (device_id, username)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX device_users_status ON device_users(status, username);\n",
};

/* -1: not ours (tables but no schema_version); else the version (0 = empty). */
static int
read_version(struct store *s, int *version, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ret = 0, rc, has_table = 0, n_tables = 0;

	ret = store_prepare(s, "SELECT name FROM sqlite_master WHERE type = 'table'", &st, e);
	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		n_tables++;
		if (name && strcmp(name, "schema_version") == 0)
			has_table = 1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return store_sql_err(s, e, "cannot read the schema");
	if (!has_table) {
		*version = n_tables ? -1 : 0;
		return 0;
	}
	ret = store_prepare(s, "SELECT coalesce(max(version), 0) FROM schema_version", &st, e);
	if (ret < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	else
		ret = store_sql_err(s, e, "cannot read the schema version");
	sqlite3_finalize(st);
	return ret;
}

static int
check_version(struct store *s, int v, struct err *e)
{
	if (v < 0) {
		err_set_path(e, s->path);
		return err_set(e, ERR_INVALID, "not a runlayer inventory (no schema_version table)");
	}
	if (v > STORE_SCHEMA_VERSION) {
		err_set_path(e, s->path);
		return err_set(e, ERR_INVALID,
			       "inventory schema version %d is newer than this runlayer "
			       "supports (%d); upgrade runlayer", v, STORE_SCHEMA_VERSION);
	}
	return 0;
}

int
store_migrate(struct store *s, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1], pragma[64];
	int v = 0, ret;

	/* Fast path without the write lock: already current. */
	ret = store_begin(s, 0, e);
	if (ret < 0)
		return ret;
	ret = read_version(s, &v, e);
	store_rollback(s);
	if (ret < 0)
		return ret;
	if ((ret = check_version(s, v, e)) < 0)
		return ret;
	if (v == STORE_SCHEMA_VERSION) {
		s->version = v;
		return 0;
	}

	/* Another process may be migrating too: re-read under the lock. */
	ret = store_begin(s, 1, e);
	if (ret < 0)
		return ret;
	ret = read_version(s, &v, e);
	if (ret < 0)
		goto fail;
	if ((ret = check_version(s, v, e)) < 0)
		goto fail;
	store_now(now);
	for (; v < STORE_SCHEMA_VERSION; v++) {
		ret = store_exec(s, migrations[v], e);
		if (ret < 0)
			goto fail;
		ret = store_prepare(s, "INSERT INTO schema_version (version, applied_at) "
				       "VALUES (?, ?)", &st, e);
		if (ret < 0)
			goto fail;
		sqlite3_bind_int(st, 1, v + 1);
		store_bind_text(st, 2, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ret = store_sql_err(s, e, "cannot record the schema version");
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	/* Mirror the version in the header for the sqlite3 shell and file(1). */
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if ((ret = store_exec(s, pragma, e)) < 0)
		goto fail;
	if ((ret = store_commit(s, e)) < 0)
		return ret;
	s->version = STORE_SCHEMA_VERSION;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}
