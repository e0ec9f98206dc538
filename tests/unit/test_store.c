/* Unit tests for store/: paths and modes, migrations from every earlier
 * schema version, history queries, carried servers, events, exports,
 * 50 concurrent writers and kill -9 at random points. */
#include "store/store.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/export.h"
#include "store/store_int.h"
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

/* ---- building scan results -------------------------------------------- */

static void
add_server(struct mcp_config *c, const char *name, const char *command, const char *args_json,
	   const char *url)
{
	struct mcp_server *s;
	char *text;

	c->servers = xreallocarray(c->servers, c->n_servers + 1, sizeof(*c->servers));
	s = &c->servers[c->n_servers++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->type = xstrdup(url ? "sse" : "stdio");
	s->wire_type = xstrdup(url ? "sse" : "stdio");
	s->command = command ? xstrdup(command) : NULL;
	s->args = args_json ? cJSON_Parse(args_json) : NULL;
	s->url = url ? xstrdup(url) : NULL;
	text = xasprintf("%s|%s|%s|%s", name, command ? command : "", args_json ? args_json : "",
			 url ? url : "");
	sha256_hex(text, strlen(text), s->config_hash);
	free(text);
}

static struct mcp_config *
add_config(struct scan_result *r, const char *client, const char *path, enum config_scope scope,
	   const char *project)
{
	struct mcp_config c;

	memset(&c, 0, sizeof(c));
	c.client = xstrdup(client);
	c.config_path = xstrdup(path);
	c.scope = scope;
	c.project_path = project ? xstrdup(project) : NULL;
	c.mtime.tv_sec = 1700000000;
	scan_result_add_config(r, &c);
	return &r->configs[r->n_configs - 1];
}

static const struct store_device dev1 = {
	"11111111-2222-4333-8444-555555555555", "host-a", "linux", "6.1", "alice", NULL
};

static int
record(struct store *s, const struct scan_result *r, int partial, long long *id)
{
	struct store_scan in;
	struct err e = ERR_INIT;
	int ret;

	memset(&in, 0, sizeof(in));
	in.device = &dev1;
	in.result = r;
	in.collector_version = "test";
	in.partial_projects = partial;
	ret = store_record_scan(s, &in, id, &e);
	if (ret < 0)
		printf("# record: %s\n", e.msg);
	return ret;
}

static long long
count(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const struct store_server_row *
find_row(const struct store_rows *rows, const char *name)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		if (strcmp(rows->v[i].name, name) == 0)
			return &rows->v[i];
	return NULL;
}

/* ---- time ------------------------------------------------------------- */

static void
test_time(void)
{
	char out[STORE_TIME_LEN + 1];
	struct timespec t = { 1774433472, 345000000 };
	struct err e = ERR_INIT;

	store_time_format(&t, out);
	is_str(out, "2026-03-25T10:11:12.345Z", "time format");
	ok(store_time_parse("2026-03-25", out, &e) == 0, "date parses");
	is_str(out, "2026-03-25T00:00:00.000Z", "date is midnight UTC");
	ok(store_time_parse("2026-03-25T10:11:12.5+02:00", out, &e) == 0, "offset parses");
	is_str(out, "2026-03-25T08:11:12.500Z", "offset applied");
	ok(store_time_parse("2024-02-29T23:59Z", out, &e) == 0, "leap day, no seconds");
	is_str(out, "2024-02-29T23:59:00.000Z", "leap day");
	ok(store_time_parse("2025-02-29", out, &e) == -ERR_INVALID, "not a leap year");
	ok(store_time_parse("2026-13-01", out, &e) == -ERR_INVALID, "bad month");
	ok(store_time_parse("yesterday", out, &e) == -ERR_INVALID, "words refused");
	ok(strstr(e.msg, "invalid date 'yesterday'") != NULL, "message names the date");
	ok(store_time_parse("2026-03-25T10:11:12Zjunk", out, &e) == -ERR_INVALID, "trailing junk");
}

/* ---- paths, modes, refusals ------------------------------------------- */

static void
test_paths(void)
{
	struct err e = ERR_INIT;
	char *p;

	setenv("HOME", "/home/u", 1);
	unsetenv("RUNLAYER_DB");
	unsetenv("RUNLAYER_HOME");
	p = store_default_path(&e);
	is_str(p, "/home/u/.runlayer/inventory.db", "default under ~/.runlayer");
	free(p);
	setenv("RUNLAYER_HOME", "/state", 1);
	p = store_default_path(&e);
	is_str(p, "/state/inventory.db", "RUNLAYER_HOME relocates the state dir");
	free(p);
	setenv("RUNLAYER_DB", "relative.db", 1);
	p = store_default_path(&e);
	is_str(p, "/state/inventory.db", "relative RUNLAYER_DB ignored");
	free(p);
	setenv("RUNLAYER_DB", "/x/inv.db", 1);
	p = store_default_path(&e);
	is_str(p, "/x/inv.db", "RUNLAYER_DB wins");
	free(p);
	setenv("RUNLAYER_DB", "", 1);
	setenv("RUNLAYER_HOME", "", 1);
	p = store_default_path(&e);
	is_str(p, "/home/u/.runlayer/inventory.db", "empty values ignored");
	free(p);
	unsetenv("RUNLAYER_DB");
	unsetenv("RUNLAYER_HOME");
}

static void
test_open(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct stat st;
	sqlite3_stmt *q;
	FILE *f;

	ok(store_open(tpath("none/inv.db"), 0, 0, &s, &e) == -ERR_NOTFOUND,
	   "missing database without STORE_CREATE: not found");
	ok(stat(tpath("none"), &st) < 0, "…and nothing created");

	ok(store_open(tpath("state/sub/inv.db"), STORE_CREATE, 0, &s, &e) == 0, "create");
	ok(stat(tpath("state/sub/inv.db"), &st) == 0 && (st.st_mode & 0777) == 0600, "file 0600");
	ok(stat(tpath("state/sub"), &st) == 0 && (st.st_mode & 0777) == 0700, "dir 0700");
	ok(stat(tpath("state"), &st) == 0 && (st.st_mode & 0777) == 0700, "parent dir 0700");
	is_int(store_schema_version(s), STORE_SCHEMA_VERSION, "schema is current");
	is_int(count(s, "PRAGMA foreign_keys"), 1, "foreign keys on");
	is_int(count(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION, "user_version mirrors it");
	q = NULL;
	sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &q, NULL);
	ok(q && sqlite3_step(q) == SQLITE_ROW &&
	   strcmp((const char *)sqlite3_column_text(q, 0), "wal") == 0, "WAL journal");
	sqlite3_finalize(q);
	ok(sqlite3_exec(s->db, "INSERT INTO scans (device, started_at, ended_at, duration_ms, "
			"n_configs, n_servers, n_global, n_project, n_plugin, n_errors, n_skipped) "
			"VALUES (999, 'x', 'x', 0, 0, 0, 0, 0, 0, 0, 0)", NULL, NULL, NULL) != SQLITE_OK,
	   "foreign keys enforced");
	/* WAL and shm files inherit the database's mode. */
	ok(stat(tpath("state/sub/inv.db-wal"), &st) == 0 && (st.st_mode & 0077) == 0,
	   "WAL file private");
	store_close(s);

	/* A wider mode is narrowed on open. */
	chmod(tpath("state/sub/inv.db"), 0644);
	ok(store_open(tpath("state/sub/inv.db"), 0, 0, &s, &e) == 0, "reopen");
	ok(stat(tpath("state/sub/inv.db"), &st) == 0 && (st.st_mode & 0777) == 0600,
	   "0644 narrowed to 0600");
	store_close(s);

	ok(symlink(tpath("state/sub/inv.db"), tpath("link.db")) == 0, "make symlink");
	ok(store_open(tpath("link.db"), STORE_CREATE, 0, &s, &e) == -ERR_INVALID &&
	   strstr(e.msg, "symbolic link"), "symlink refused");

	f = fopen(tpath("junk.db"), "w");
	fputs("this is not a database, just text that is long enough to matter\n", f);
	fclose(f);
	ok(store_open(tpath("junk.db"), 0, 0, &s, &e) < 0 && s == NULL, "not a database refused");
	ok(strstr(e.msg, "not a database") != NULL, "…with a clear message (%s)", e.msg);

	/* A database that is not ours. */
	{
		sqlite3 *db;

		sqlite3_open(tpath("other.db"), &db);
		sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
		sqlite3_close(db);
		ok(store_open(tpath("other.db"), 0, 0, &s, &e) == -ERR_INVALID &&
		   strstr(e.msg, "not a runlayer inventory"), "foreign database refused");
	}
	/* A newer schema: refused, untouched. */
	{
		sqlite3 *db;

		ok(store_open(tpath("newer.db"), STORE_CREATE, 0, &s, &e) == 0, "create for newer");
		store_close(s);
		sqlite3_open(tpath("newer.db"), &db);
		sqlite3_exec(db, "INSERT INTO schema_version VALUES (99, 'future')", NULL, NULL, NULL);
		sqlite3_close(db);
		ok(store_open(tpath("newer.db"), 0, 0, &s, &e) == -ERR_INVALID &&
		   strstr(e.msg, "newer than this runlayer"), "newer schema refused (%s)", e.msg);
	}
}

/* ---- migrations ------------------------------------------------------- */

/* Version 1 exactly as it was released, written out by hand. */
static const char v1_sql[] =
	"CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
	"CREATE TABLE devices (id INTEGER PRIMARY KEY, device_id TEXT NOT NULL UNIQUE, hostname TEXT,"
	" os TEXT, os_version TEXT, org_device_id TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);"
	"CREATE TABLE scans (id INTEGER PRIMARY KEY, device INTEGER NOT NULL REFERENCES devices(id),"
	" username TEXT, collector_version TEXT, started_at TEXT NOT NULL, ended_at TEXT NOT NULL,"
	" duration_ms INTEGER NOT NULL, n_configs INTEGER NOT NULL, n_servers INTEGER NOT NULL,"
	" n_global INTEGER NOT NULL, n_project INTEGER NOT NULL, n_plugin INTEGER NOT NULL,"
	" n_errors INTEGER NOT NULL, n_skipped INTEGER NOT NULL, partial INTEGER NOT NULL DEFAULT 0,"
	" submission TEXT NOT NULL DEFAULT 'local' CHECK (submission IN"
	" ('local', 'pending', 'submitted', 'failed', 'unsupported')),"
	" submission_detail TEXT, submitted_at TEXT);"
	"CREATE INDEX scans_device ON scans(device, id);"
	"CREATE TABLE scan_issues (scan INTEGER NOT NULL REFERENCES scans(id), client TEXT, path TEXT,"
	" line INTEGER, col INTEGER, message TEXT NOT NULL, is_error INTEGER NOT NULL);"
	"CREATE INDEX scan_issues_scan ON scan_issues(scan);"
	"CREATE TABLE configs (id INTEGER PRIMARY KEY, device INTEGER NOT NULL REFERENCES devices(id),"
	" client TEXT NOT NULL, config_path TEXT NOT NULL,"
	" scope TEXT NOT NULL CHECK (scope IN ('global', 'project', 'plugin')),"
	" project_path TEXT NOT NULL DEFAULT '', plugin_id TEXT NOT NULL DEFAULT '', mtime TEXT,"
	" content_hash TEXT, parse_error TEXT, managed INTEGER NOT NULL DEFAULT 0, trust TEXT,"
	" first_scan INTEGER NOT NULL REFERENCES scans(id), last_scan INTEGER NOT NULL REFERENCES scans(id),"
	" UNIQUE (device, client, config_path, scope, project_path, plugin_id));"
	"CREATE INDEX configs_path ON configs(device, config_path);"
	"CREATE TABLE config_observations (scan INTEGER NOT NULL REFERENCES scans(id),"
	" config INTEGER NOT NULL REFERENCES configs(id), mtime TEXT, content_hash TEXT,"
	" n_servers INTEGER NOT NULL, PRIMARY KEY (scan, config)) WITHOUT ROWID;"
	"CREATE TABLE servers (id INTEGER PRIMARY KEY, config INTEGER NOT NULL REFERENCES configs(id),"
	" name TEXT NOT NULL, version INTEGER, first_scan INTEGER NOT NULL REFERENCES scans(id),"
	" last_scan INTEGER NOT NULL REFERENCES scans(id), UNIQUE (config, name));"
	"CREATE TABLE server_versions (id INTEGER PRIMARY KEY, server INTEGER NOT NULL REFERENCES servers(id),"
	" fingerprint TEXT NOT NULL, config_hash TEXT NOT NULL, type TEXT, wire_type TEXT, command TEXT,"
	" args TEXT, url TEXT, env TEXT, headers TEXT, disabled INTEGER NOT NULL DEFAULT 0, approval TEXT,"
	" UNIQUE (server, fingerprint));"
	"CREATE INDEX server_versions_hash ON server_versions(config_hash);"
	"CREATE TABLE observations (scan INTEGER NOT NULL REFERENCES scans(id),"
	" server INTEGER NOT NULL REFERENCES servers(id), version INTEGER NOT NULL REFERENCES server_versions(id),"
	" carried INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (scan, server)) WITHOUT ROWID;"
	"CREATE INDEX observations_server ON observations(server, scan);"
	"CREATE INDEX observations_version ON observations(version, scan);"
	"INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00.000Z');"
	"PRAGMA user_version = 1;"
	/* One device, one scan, one global config with one server. */
	"INSERT INTO devices VALUES (1, '11111111-2222-4333-8444-555555555555', 'old-host', 'linux',"
	" '5.0', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');"
	"INSERT INTO scans VALUES (1, 1, 'alice', '0.1', '2026-01-01T00:00:00.000Z',"
	" '2026-01-01T00:00:01.000Z', 1000, 1, 1, 1, 0, 0, 0, 0, 0, 'submitted', NULL, NULL);"
	"INSERT INTO configs VALUES (1, 1, 'cursor', '/home/a/.cursor/mcp.json', 'global', '', '',"
	" NULL, NULL, NULL, 0, NULL, 1, 1);"
	"INSERT INTO config_observations VALUES (1, 1, NULL, NULL, 1);"
	"INSERT INTO servers VALUES (1, 1, 'legacy', 1, 1, 1);"
	"INSERT INTO server_versions VALUES (1, 1, 'fp', '"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'stdio', 'stdio', 'npx',"
	" '[\"-y\",\"legacy\"]', NULL, NULL, NULL, 0, NULL);"
	"INSERT INTO observations VALUES (1, 1, 1, 0);";

/* Version 2 = version 1 plus the provenance columns, by hand. */
static const char v2_sql[] =
	"ALTER TABLE configs ADD COLUMN git_repo_root TEXT;"
	"ALTER TABLE configs ADD COLUMN git_remote_url TEXT;"
	"ALTER TABLE configs ADD COLUMN git_branch TEXT;"
	"ALTER TABLE configs ADD COLUMN git_commit TEXT;"
	"ALTER TABLE configs ADD COLUMN git_status TEXT;"
	"ALTER TABLE config_observations ADD COLUMN git_commit TEXT;"
	"ALTER TABLE config_observations ADD COLUMN git_status TEXT;"
	"UPDATE configs SET git_repo_root = '/home/a', git_status = 'tracked';"
	"INSERT INTO schema_version VALUES (2, '2026-02-01T00:00:00.000Z');"
	"PRAGMA user_version = 2;";

/* Version 3 = version 2 plus the audit log and change counts, by hand. */
static const char v3_sql[] =
	"CREATE TABLE events (id INTEGER PRIMARY KEY, time TEXT NOT NULL, type TEXT NOT NULL,"
	" device INTEGER REFERENCES devices(id), scan INTEGER REFERENCES scans(id), username TEXT,"
	" client TEXT, server_name TEXT, config_hash TEXT, details TEXT NOT NULL DEFAULT '{}');"
	"CREATE INDEX events_time ON events(time);"
	"CREATE INDEX events_type ON events(type, time);"
	"ALTER TABLE scans ADD COLUMN n_added INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scans ADD COLUMN n_removed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scans ADD COLUMN n_changed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scans ADD COLUMN obs_scan INTEGER REFERENCES scans(id);"
	"ALTER TABLE server_versions ADD COLUMN first_scan INTEGER REFERENCES scans(id);"
	"DROP INDEX observations_version;"
	"UPDATE scans SET n_added = 1;"
	"UPDATE server_versions SET first_scan = 1;"
	"INSERT INTO events VALUES (1, '2026-01-01T00:00:01.000Z', 'shadow_mcp_detected', 1, 1,"
	" 'alice', 'cursor', 'legacy', 'aaaa', '{\"server_name\":\"legacy\"}');"
	"INSERT INTO schema_version VALUES (3, '2026-03-01T00:00:00.000Z');"
	"PRAGMA user_version = 3;";

/* Version 4 = version 3 plus the submission spool, by hand. */
static const char v4_sql[] =
	"CREATE TABLE spool (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, host_url TEXT NOT NULL,"
	" kind TEXT NOT NULL DEFAULT 'scan' CHECK (kind IN ('scan')),"
	" idempotency_key TEXT NOT NULL UNIQUE, scan INTEGER REFERENCES scans(id) ON DELETE SET NULL,"
	" payload TEXT NOT NULL, bytes INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected')),"
	" attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT, last_status INTEGER,"
	" last_error TEXT);"
	"CREATE INDEX spool_queue ON spool(state, host_url, id);"
	"CREATE TABLE backend_hosts (host_url TEXT PRIMARY KEY, accepts_gzip INTEGER,"
	" checked_at TEXT NOT NULL);"
	"INSERT INTO spool VALUES (1, '2026-03-02T00:00:00.000Z', 'https://h.example', 'scan',"
	" 'k-1', 1, '{}', 2, 'queued', 0, NULL, NULL, NULL);"
	"INSERT INTO backend_hosts VALUES ('https://h.example', 1, '2026-03-02T00:00:00.000Z');"
	"INSERT INTO schema_version VALUES (4, '2026-03-02T00:00:00.000Z');"
	"PRAGMA user_version = 4;";

/* sqlite_master of a database, normalised for comparison. */
static char *
schema_of(const char *path)
{
	struct buf b = BUF_INIT;
	sqlite3 *db;
	sqlite3_stmt *st;

	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_master "
			   "ORDER BY type, name", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *sql = (const char *)sqlite3_column_text(st, 3);
		const char *p;
		int space = 0;

		buf_addf(&b, "%s %s %s ", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
			 sqlite3_column_text(st, 2));
		/* Whitespace differs between hand-written and migrated DDL. */
		for (p = sql ? sql : ""; *p; p++) {
			if (*p == ' ' || *p == '\n' || *p == '\t') {
				space = 1;
				continue;
			}
			if (space && b.len && *p != ')' && *p != ',' && b.data[b.len - 1] != '(')
				buf_addc(&b, ' ');
			space = 0;
			buf_addc(&b, *p);
		}
		buf_addc(&b, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf_detach(&b, NULL);
}

static void
make_db(const char *path, const char *sql1, const char *sql2)
{
	sqlite3 *db;

	sqlite3_open(path, &db);
	if (sqlite3_exec(db, sql1, NULL, NULL, NULL) != SQLITE_OK ||
	    (sql2 && sqlite3_exec(db, sql2, NULL, NULL, NULL) != SQLITE_OK))
		printf("# make_db: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void
check_upgraded(const char *path, int from)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct store_rows rows = { NULL, 0, 0 };
	struct scan_result r;
	char *fresh, *migrated;
	long long id = 0;

	ok(store_open(path, 0, 0, &s, &e) == 0, "v%d opens (%s)", from, e.msg);
	if (s == NULL)
		return;
	is_int(store_schema_version(s), STORE_SCHEMA_VERSION, "v%d migrated to current", from);
	is_int(count(s, "SELECT count(*) FROM schema_version"), STORE_SCHEMA_VERSION,
	       "v%d: one schema_version row per migration", from);
	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 1, "v%d: old server listed", from);
	if (rows.n == 1) {
		is_str(rows.v[0].name, "legacy", "v%d: name kept", from);
		is_str(rows.v[0].first_seen, "2026-01-01T00:00:00.000Z", "v%d: first seen kept", from);
		is_str(rows.v[0].git_status, from >= 2 ? "tracked" : NULL, "v%d: git columns", from);
	}
	store_rows_release(&rows);
	/* The migrated database takes a new scan: same server, first seen kept. */
	memset(&r, 0, sizeof(r));
	add_server(add_config(&r, "cursor", "/home/a/.cursor/mcp.json", SCOPE_GLOBAL, NULL),
		   "legacy", "npx", "[\"-y\",\"legacy\"]", NULL);
	ok(record(s, &r, 0, &id) == 0 && id == 2, "v%d: new scan recorded as 2", from);
	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 1 &&
	   strcmp(rows.v[0].first_seen, "2026-01-01T00:00:00.000Z") == 0 && rows.v[0].last_scan == 2,
	   "v%d: identity continues across the upgrade", from);
	store_rows_release(&rows);
	{
		struct store_scan_rows sc = { NULL, 0, 0 };

		ok(store_scans(s, 0, &sc, &e) == 0 && sc.n == 2 && sc.v[0].n_added == 1 &&
		   sc.v[1].n_added == 0, "v%d: change counts backfilled", from);
		store_scan_rows_release(&sc);
	}
	is_int(count(s, "SELECT first_scan FROM server_versions WHERE id = 1"), 1,
	       "v%d: first scan of each version backfilled", from);
	if (from >= 3)
		is_int(count(s, "SELECT count(*) FROM events WHERE id = 1 AND server_name = 'legacy'"), 1,
		       "v%d: audit log kept", from);
	if (from >= 4)
		is_int(count(s, "SELECT count(*) FROM spool WHERE idempotency_key = 'k-1' AND scan = 1"), 1,
		       "v%d: spool kept", from);
	is_int(count(s, "SELECT count(*) FROM directory_users") + count(s, "SELECT count(*) FROM "
	       "device_users") + count(s, "SELECT count(*) FROM user_mappings"), 0,
	       "v%d: empty identity tables", from);

	scan_result_release(&r);
	store_close(s);

	ok(store_open(tpath("fresh.db"), STORE_CREATE, 0, &s, &e) == 0, "fresh database");
	store_close(s);
	fresh = schema_of(tpath("fresh.db"));
	migrated = schema_of(path);
	ok(strcmp(fresh, migrated) == 0, "v%d: migrated schema equals a fresh one", from);
	if (strcmp(fresh, migrated) != 0)
		printf("# fresh:\n%s# migrated:\n%s", fresh, migrated);
	free(fresh);
	free(migrated);
}

static void
test_migrations(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	FILE *f;

	make_db(tpath("v1.db"), v1_sql, NULL);
	check_upgraded(tpath("v1.db"), 1);
	make_db(tpath("v2.db"), v1_sql, v2_sql);
	check_upgraded(tpath("v2.db"), 2);
	make_db(tpath("v3.db"), v1_sql, v2_sql);
	make_db(tpath("v3.db"), v3_sql, NULL);
	check_upgraded(tpath("v3.db"), 3);
	make_db(tpath("v4.db"), v1_sql, v2_sql);
	make_db(tpath("v4.db"), v3_sql, v4_sql);
	check_upgraded(tpath("v4.db"), 4);
	/* Version 0: an empty file (created by an interrupted first run). */
	f = fopen(tpath("v0.db"), "w");
	fclose(f);
	ok(store_open(tpath("v0.db"), 0, 0, &s, &e) == 0 &&
	   store_schema_version(s) == STORE_SCHEMA_VERSION, "v0 (empty file) migrated");
	store_close(s);
}

/* ---- history ---------------------------------------------------------- */

static void
test_history(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct scan_result r;
	struct store_rows rows = { NULL, 0, 0 };
	struct store_diff d;
	struct store_scan_rows scans = { NULL, 0, 0 };
	struct store_event_rows evs = { NULL, 0, 0 };
	struct store_filter f;
	struct mcp_config *c;
	const struct store_server_row *row;
	char first_fs[64] = "";
	long long id1 = 0, id2 = 0, id3 = 0, id4 = 0, id5 = 0, id6 = 0, id7 = 0;
	size_t i;

	ok(store_open(tpath("hist.db"), STORE_CREATE, 0, &s, &e) == 0, "open history db");

	/* Scan 1: fs + gh global, db in a project with git provenance. */
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "fs", "npx", "[\"-y\",\"fs\"]", NULL);
	add_server(c, "gh", "npx", "[\"-y\",\"gh\"]", NULL);
	c = add_config(&r, "claude_code", "/h/p1/.mcp.json", SCOPE_PROJECT, "/h/p1");
	add_server(c, "db", "uvx", "[\"db\"]", NULL);
	c->git = xcalloc(1, sizeof(*c->git));
	c->git->repo_root = xstrdup("/h/p1");
	c->git->remote_url = xstrdup("https://host/x.git");
	c->git->branch = xstrdup("main");
	c->git->commit = xstrdup("0123456789012345678901234567890123456789");
	c->git->status = xstrdup("tracked");
	ok(record(s, &r, 0, &id1) == 0 && id1 == 1, "scan 1 recorded");
	scan_result_release(&r);

	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 3, "3 current servers");
	row = find_row(&rows, "db");
	ok(row && row->git_remote_url && strcmp(row->git_remote_url, "https://host/x.git") == 0 &&
	   strcmp(row->git_status, "tracked") == 0 && strcmp(row->project_path, "/h/p1") == 0,
	   "provenance stored with the config");
	row = find_row(&rows, "fs");
	if (row)
		snprintf(first_fs, sizeof(first_fs), "%s", row->first_seen);
	ok(row && row->project_path == NULL && strcmp(row->scope, "global") == 0 &&
	   strcmp(row->args, "[\"-y\",\"fs\"]") == 0, "global row, args as JSON");
	store_rows_release(&rows);

	/* Scan 2: gh changed (args), db removed, web added. */
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "fs", "npx", "[\"-y\",\"fs\"]", NULL);
	add_server(c, "gh", "npx", "[\"-y\",\"gh@2\"]", NULL);
	add_server(c, "web", NULL, NULL, "https://mcp.example.com/sse");
	ok(record(s, &r, 0, &id2) == 0 && id2 == 2, "scan 2 recorded");
	scan_result_release(&r);

	ok(store_diff(s, 0, 0, &d, &e) == 0, "diff of the last two scans");
	is_int(d.scan_a, 1, "diff from scan 1");
	is_int(d.scan_b, 2, "diff to scan 2");
	is_int(d.n, 3, "three changes");
	if (d.n == 3) {
		ok(d.v[0].kind == STORE_ADDED && strcmp(d.v[0].after.name, "web") == 0, "web added");
		ok(d.v[1].kind == STORE_REMOVED && strcmp(d.v[1].before.name, "db") == 0 &&
		   strcmp(d.v[1].before.git_status, "tracked") == 0, "db removed, with provenance");
		ok(d.v[2].kind == STORE_CHANGED && strcmp(d.v[2].after.name, "gh") == 0 &&
		   d.v[2].fields == (STORE_F_ARGS | STORE_F_CONFIG_HASH), "gh changed: args, config_hash");
		ok(d.v[2].before.args && strstr(d.v[2].before.args, "\"gh\"") &&
		   strstr(d.v[2].after.args, "gh@2"), "before and after versions");
	}
	store_diff_release(&d);
	ok(store_diff(s, 2, 2, &d, &e) == 0 && d.n == 0, "a scan against itself: no change");
	store_diff_release(&d);
	ok(store_diff(s, 1, 9, &d, &e) == -ERR_NOTFOUND && strstr(e.msg, "no scan 9"),
	   "unknown scan: not found");

	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 3, "3 current after scan 2");
	row = find_row(&rows, "fs");
	ok(row && strcmp(row->first_seen, first_fs) == 0 && row->first_scan == 1 &&
	   row->last_scan == 2, "first seen of an unchanged server does not move");
	ok(find_row(&rows, "db") == NULL, "removed server not current");
	store_rows_release(&rows);
	memset(&f, 0, sizeof(f));
	f.include_removed = 1;
	ok(store_servers(s, &f, &rows, &e) == 0 && rows.n == 4, "4 with removed ones");
	row = find_row(&rows, "db");
	ok(row && !row->present && row->last_scan == 1, "db: removed, last seen in scan 1");
	store_rows_release(&rows);
	memset(&f, 0, sizeof(f));
	f.client = "claude_code";
	ok(store_servers(s, &f, &rows, &e) == 0 && rows.n == 0, "client filter");
	store_rows_release(&rows);
	memset(&f, 0, sizeof(f));
	f.name_or_hash = "gh";
	ok(store_servers(s, &f, &rows, &e) == 0 && rows.n == 1, "by name");
	if (rows.n == 1) {
		char prefix[13];
		struct store_rows r2 = { NULL, 0, 0 };

		snprintf(prefix, sizeof(prefix), "%.12s", rows.v[0].config_hash);
		f.name_or_hash = prefix;
		ok(store_servers(s, &f, &r2, &e) == 0 && r2.n == 1 &&
		   strcmp(r2.v[0].name, "gh") == 0, "by config_hash prefix");
		store_rows_release(&r2);
	}
	store_rows_release(&rows);

	/* Scan 3: the cursor file fails to parse: its servers are carried. */
	memset(&r, 0, sizeof(r));
	scan_result_add_issue(&r, "cursor", "/h/.cursor/mcp.json", 3, 7, "expected ','", 1);
	scan_result_add_issue(&r, "codex", "/h/.codex/config.toml", 2, 11,
			      "invalid value 'sk-live-SECRET\xc3\xa9' (strings must be quoted)", 1);
	ok(record(s, &r, 0, &id3) == 0, "scan 3 (parse error) recorded");
	scan_result_release(&r);
	is_int(count(s, "SELECT count(*) FROM scan_issues WHERE message LIKE '%SECRET%'"), 0,
	       "input quoted by a parse error is not stored");
	is_int(count(s, "SELECT count(*) FROM scan_issues WHERE message = "
		     "'invalid value ''<redacted:len=15>'' (strings must be quoted)'"), 1,
	       "…only its length (code points)");
	is_int(count(s, "SELECT count(*) FROM scan_issues WHERE message = 'expected '','''"), 1,
	       "short quoted tokens are kept");
	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 3, "servers carried over a parse error");
	row = find_row(&rows, "fs");
	ok(row && row->carried && row->present && row->last_scan == 2,
	   "carried: present, last seen stays at the last real sighting");
	ok(row && row->parse_error && strcmp(row->parse_error, "expected ','") == 0,
	   "config shows its parse error");
	store_rows_release(&rows);
	ok(store_diff(s, 0, 0, &d, &e) == 0 && d.n == 0, "carried servers are not removed");
	store_diff_release(&d);

	/* Scan 4: readable again, and a partial crawl (project p1 unseen). */
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "fs", "npx", "[\"-y\",\"fs\"]", NULL);
	c = add_config(&r, "vscode", "/h/p2/.vscode/mcp.json", SCOPE_PROJECT, "/h/p2");
	add_server(c, "p2srv", "node", "[\"s.js\"]", NULL);
	ok(record(s, &r, 0, &id4) == 0, "scan 4 recorded");
	scan_result_release(&r);
	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 2, "gh and web gone, p2srv new");
	row = find_row(&rows, "fs");
	ok(row && !row->carried && row->parse_error == NULL, "parse error cleared when readable");
	store_rows_release(&rows);
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "fs", "npx", "[\"-y\",\"fs\"]", NULL);
	add_server(c, "db", "uvx", "[\"db\"]", NULL);
	ok(record(s, &r, 1, &id5) == 0, "scan 5 (partial crawl) recorded");
	scan_result_release(&r);
	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 3, "project server carried by a partial crawl");
	row = find_row(&rows, "p2srv");
	ok(row && row->carried, "p2srv carried");
	store_rows_release(&rows);

	/* Scan 6 = scan 5: shares its observations, costs one row. */
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "fs", "npx", "[\"-y\",\"fs\"]", NULL);
	add_server(c, "db", "uvx", "[\"db\"]", NULL);
	ok(record(s, &r, 1, &id6) == 0 && id6 == 6, "scan 6 (unchanged) recorded");
	scan_result_release(&r);
	is_int(count(s, "SELECT obs_scan FROM scans WHERE id = 6"), 5, "scan 6 shares scan 5's observations");
	is_int(count(s, "SELECT count(*) FROM observations WHERE scan = 6"), 0, "…and stores none");
	is_int(count(s, "SELECT count(*) FROM config_observations WHERE scan = 6"), 0, "…nor config rows");
	ok(store_servers(s, NULL, &rows, &e) == 0 && rows.n == 3, "current servers through a shared scan");
	row = find_row(&rows, "fs");
	ok(row && row->last_scan == 6 && row->present, "last seen still moves");
	store_rows_release(&rows);
	ok(store_diff(s, 0, 0, &d, &e) == 0 && d.scan_a == 5 && d.scan_b == 6 && d.n == 0,
	   "diff 5 -> 6 empty");
	store_diff_release(&d);
	ok(store_diff(s, 4, 6, &d, &e) == 0 && d.n == 1 && d.v[0].kind == STORE_ADDED &&
	   strcmp(d.v[0].after.name, "db") == 0, "diff 4 -> 6 through the shared scan (%zu)", d.n);
	store_diff_release(&d);

	/* Scan 7 drops db and reads p2 again: computed against scan 5's rows. */
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "fs", "npx", "[\"-y\",\"fs\"]", NULL);
	c = add_config(&r, "vscode", "/h/p2/.vscode/mcp.json", SCOPE_PROJECT, "/h/p2");
	add_server(c, "p2srv", "node", "[\"s.js\"]", NULL);
	ok(record(s, &r, 0, &id7) == 0 && id7 == 7, "scan 7 recorded");
	scan_result_release(&r);
	ok(store_diff(s, 0, 0, &d, &e) == 0 && d.scan_a == 6 && d.n == 1 &&
	   d.v[0].kind == STORE_REMOVED && strcmp(d.v[0].before.name, "db") == 0,
	   "diff 6 -> 7: db removed");
	store_diff_release(&d);

	/* History and events. */
	ok(store_scans(s, 0, &scans, &e) == 0 && scans.n == 7, "7 scans in history");
	if (scans.n == 7) {
		is_int(scans.v[0].n_servers, 3, "scan 1 counts");
		is_int(scans.v[0].n_added, 3, "scan 1: 3 added");
		is_int(scans.v[1].n_added, 1, "scan 2: 1 added");
		is_int(scans.v[1].n_removed, 1, "scan 2: 1 removed");
		is_int(scans.v[1].n_changed, 1, "scan 2: 1 changed");
		is_int(scans.v[2].n_errors, 2, "scan 3: 2 errors");
		is_int(scans.v[2].n_removed, 0, "scan 3: nothing removed");
		is_int(scans.v[4].partial, 1, "scan 5 partial");
		is_int(scans.v[5].n_added + scans.v[5].n_removed + scans.v[5].n_changed, 0,
		       "scan 6: no change");
		is_int(scans.v[6].n_removed, 1, "scan 7: 1 removed");
		is_int(scans.v[6].n_servers, 2, "scan 7: 2 servers");
		is_str(scans.v[0].submission, "local", "submission local");
		is_str(scans.v[0].username, "alice", "user kept");
	}
	store_scan_rows_release(&scans);
	ok(store_scans(s, 2, &scans, &e) == 0 && scans.n == 2 && scans.v[0].id == 6,
	   "history limit keeps the newest");
	store_scan_rows_release(&scans);
	ok(store_scan_set_submission(s, id1, STORE_SUB_SUBMITTED, "scan_id=abc", &e) == 0,
	   "set submission");
	ok(store_scan_set_submission(s, 77, STORE_SUB_FAILED, NULL, &e) == -ERR_NOTFOUND,
	   "unknown scan");
	ok(store_scans(s, 0, &scans, &e) == 0 && strcmp(scans.v[0].submission, "submitted") == 0 &&
	   scans.v[0].submitted_at != NULL, "submission recorded");
	store_scan_rows_release(&scans);

	ok(store_events(s, "shadow_mcp_detected", NULL, 0, &evs, &e) == 0, "read events");
	/* 3 in scan 1; gh@2 and web in scan 2; p2srv in 4; db back in 5. */
	is_int(evs.n, 7, "shadow events: first sightings and the return");
	for (i = 0; i < evs.n; i++) {
		cJSON *det = cJSON_Parse(evs.v[i].details);
		const cJSON *reap = cJSON_GetObjectItemCaseSensitive(det, "reappeared");

		if (strcmp(evs.v[i].server_name, "db") == 0 && evs.v[i].scan == 1) {
			const cJSON *pp = cJSON_GetObjectItemCaseSensitive(det, "project_paths");

			ok(cJSON_IsArray(pp) && cJSON_GetArraySize(pp) == 1 &&
			   strcmp(cJSON_GetArrayItem(pp, 0)->valuestring, "/h/p1") == 0,
			   "event carries project paths");
			ok(strcmp(cJSON_GetObjectItemCaseSensitive(det, "hostname")->valuestring, "host-a") == 0 &&
			   strcmp(cJSON_GetObjectItemCaseSensitive(det, "device_id")->valuestring, dev1.device_id) == 0 &&
			   strcmp(cJSON_GetObjectItemCaseSensitive(det, "config_path")->valuestring, "/h/p1/.mcp.json") == 0 &&
			   strcmp(cJSON_GetObjectItemCaseSensitive(det, "command")->valuestring, "uvx") == 0 &&
			   cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(det, "args")),
			   "event carries device, config and server");
			ok(cJSON_IsFalse(reap), "first sighting: not reappeared");
		}
		if (strcmp(evs.v[i].server_name, "db") == 0 && evs.v[i].scan == 5)
			ok(cJSON_IsTrue(reap), "db came back: reappeared");
		cJSON_Delete(det);
	}
	store_event_rows_release(&evs);
	ok(store_events(s, "mcp_server_removed", NULL, 0, &evs, &e) == 0, "removed events");
	/* gh (old args) and db in scan 2; gh@2 and web in scan 4; db in 7. */
	is_int(evs.n, 5, "removed events: none for carried servers");
	store_event_rows_release(&evs);

	store_close(s);
}

static void
test_events(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct store_event ev;
	struct store_event_rows evs = { NULL, 0, 0 };
	cJSON *det = cJSON_CreateObject();
	long long id = 0;

	ok(store_open(tpath("ev.db"), STORE_CREATE, 0, &s, &e) == 0, "open events db");
	memset(&ev, 0, sizeof(ev));
	ev.type = "hook.pre_tool_use";
	ev.device_id = dev1.device_id;
	ev.hostname = "host-a";
	ev.client = "cursor";
	ev.server_name = "github";
	ev.time = "2026-03-01T12:00:00Z";
	cJSON_AddStringToObject(det, "tool", "create_issue");
	ev.details = det;
	ok(store_event_add(s, &ev, &id, &e) == 0 && id == 1, "event added");
	ev.time = NULL;
	ev.type = "hook.post_tool_use";
	ok(store_event_add(s, &ev, &id, &e) == 0 && id == 2, "second event");
	ev.type = NULL;
	ok(store_event_add(s, &ev, &id, &e) == -ERR_INVALID, "type required");
	ev.type = "x";
	ev.details = cJSON_GetObjectItemCaseSensitive(det, "tool");
	ok(store_event_add(s, &ev, &id, &e) == -ERR_INVALID, "details must be an object");
	ev.details = NULL;
	ev.time = "bad";
	ok(store_event_add(s, &ev, &id, &e) == -ERR_INVALID, "bad time refused");
	ok(store_events(s, NULL, NULL, 0, &evs, &e) == 0 && evs.n == 2, "two events");
	if (evs.n == 2) {
		is_str(evs.v[0].time, "2026-03-01T12:00:00.000Z", "given time kept");
		is_str(evs.v[0].details, "{\"tool\":\"create_issue\"}", "details stored");
		is_str(evs.v[0].hostname, "host-a", "device joined");
	}
	store_event_rows_release(&evs);
	ok(store_events(s, NULL, "2026-03-02", 0, &evs, &e) == 0 && evs.n == 1 &&
	   strcmp(evs.v[0].type, "hook.post_tool_use") == 0, "since filter");
	store_event_rows_release(&evs);
	ok(store_events(s, "hook.pre_tool_use", NULL, 0, &evs, &e) == 0 && evs.n == 1, "type filter");
	store_event_rows_release(&evs);
	cJSON_Delete(det);
	store_close(s);
}

/* ---- export ----------------------------------------------------------- */

static void
test_export(void)
{
	struct buf b = BUF_INIT;
	struct store_server_row r;
	cJSON *j;
	char *text;

	store_csv_cell(&b, "plain");
	is_str(b.data, "plain", "plain cell");
	buf_clear(&b);
	store_csv_cell(&b, "a,b \"q\"");
	is_str(b.data, "\"a,b \"\"q\"\"\"", "quoted cell, quotes doubled");
	buf_clear(&b);
	store_csv_cell(&b, "=HYPERLINK(\"http://x\")");
	is_str(b.data, "\"'=HYPERLINK(\"\"http://x\"\")\"", "formula neutralised");
	buf_clear(&b);
	store_csv_cell(&b, "+1");
	is_str(b.data, "'+1", "+ neutralised");
	buf_clear(&b);
	store_csv_cell(&b, "-cmd");
	is_str(b.data, "'-cmd", "- neutralised");
	buf_clear(&b);
	store_csv_cell(&b, "@SUM(A1)");
	is_str(b.data, "'@SUM(A1)", "@ neutralised");
	buf_clear(&b);
	store_csv_cell(&b, "\tx");
	is_str(b.data, "'\tx", "tab neutralised");
	buf_clear(&b);
	store_csv_cell(&b, "\rx");
	is_str(b.data, "\"'\rx\"", "CR neutralised and quoted");
	buf_clear(&b);
	store_csv_cell(&b, "line1\nline2");
	is_str(b.data, "\"line1\nline2\"", "newline quoted");
	buf_clear(&b);
	store_csv_cell(&b, NULL);
	is_str(b.data, "", "NULL is empty");
	buf_clear(&b);

	memset(&r, 0, sizeof(r));
	r.name = xstrdup("=evil");
	r.client = xstrdup("cursor");
	r.args = xstrdup("[\"-y\",\"x\"]");
	r.env = xstrdup("{\"TOKEN\":\"<redacted:len=5>\"}");
	r.git_repo_root = xstrdup("/r");
	r.git_remote_url = xstrdup("https://host/x.git");
	r.git_status = xstrdup("untracked");
	r.present = 1;
	store_export_csv_header(&b);
	ok(strncmp(b.data, "device_id,hostname,", 19) == 0 && strstr(b.data, "\r\n"), "header CRLF");
	buf_clear(&b);
	store_export_csv_row(&b, &r);
	ok(strstr(b.data, ",'=evil,") != NULL, "row neutralises the name");
	ok(strstr(b.data, "\"[\"\"-y\"\",\"\"x\"\"]\"") != NULL, "args JSON quoted");
	ok(strstr(b.data, ",https://host/x.git,,,untracked,") != NULL, "git columns");
	ok(b.len >= 2 && strcmp(b.data + b.len - 2, "\r\n") == 0, "row ends in CRLF");
	buf_release(&b);
	j = store_export_row_json(&r);
	text = cJSON_PrintUnformatted(j);
	ok(strstr(text, "\"args\":[\"-y\",\"x\"]") != NULL, "JSON args are an array");
	ok(strstr(text, "\"git\":{\"repo_root\":\"/r\",\"remote_url\":\"https://host/x.git\"") != NULL,
	   "JSON git object");
	ok(strstr(text, "\"status\":\"present\"") != NULL, "JSON status");
	free(text);
	cJSON_Delete(j);
	free(r.name);
	free(r.client);
	free(r.args);
	free(r.env);
	free(r.git_repo_root);
	free(r.git_remote_url);
	free(r.git_status);
}

/* ---- concurrency ------------------------------------------------------ */

#define WRITERS 50
#define EVENTS_PER_WRITER 3

static int
writer(int k, const char *path)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct scan_result r;
	struct store_scan in;
	struct store_event ev;
	struct mcp_config *c;
	char name[32];
	int i, rc = 0;

	/* Everyone opens a fresh database at once: creation and migration race too. */
	if (store_open(path, STORE_CREATE, 60000, &s, &e) < 0) {
		fprintf(stderr, "writer %d: open: %s\n", k, e.msg);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	c = add_config(&r, "cursor", "/h/.cursor/mcp.json", SCOPE_GLOBAL, NULL);
	add_server(c, "shared", "npx", "[\"shared\"]", NULL);
	snprintf(name, sizeof(name), "w%d", k);
	add_server(c, name, "npx", "[\"own\"]", NULL);
	memset(&in, 0, sizeof(in));
	in.device = &dev1;
	in.result = &r;
	for (i = 0; i < EVENTS_PER_WRITER && rc == 0; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = "test.hook";
		ev.device_id = dev1.device_id;
		ev.server_name = name;
		if (store_event_add(s, &ev, NULL, &e) < 0) {
			fprintf(stderr, "writer %d: event: %s\n", k, e.msg);
			rc = 1;
		}
		if (i == 1 && store_record_scan(s, &in, NULL, &e) < 0) {
			fprintf(stderr, "writer %d: scan: %s\n", k, e.msg);
			rc = 1;
		}
	}
	scan_result_release(&r);
	store_close(s);
	return rc;
}

static void
test_concurrency(void)
{
	pid_t pids[WRITERS];
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct timespec t0, t1;
	int i, failed = 0, status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(writer(i, tpath("conc/inv.db")));
	}
	for (i = 0; i < WRITERS; i++) {
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	is_int(failed, 0, "%d concurrent writers: none failed (no 'database is locked')", WRITERS);
	printf("# %d writers x (1 scan + %d events) in %.2f s\n", WRITERS, EVENTS_PER_WRITER,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	ok(store_open(tpath("conc/inv.db"), 0, 0, &s, &e) == 0, "open after the storm");
	if (s == NULL)
		return;
	is_int(count(s, "SELECT count(*) FROM scans"), WRITERS, "every scan kept");
	is_int(count(s, "SELECT count(*) FROM events WHERE type = 'test.hook'"),
	       WRITERS * EVENTS_PER_WRITER, "every event kept");
	is_int(count(s, "SELECT count(*) FROM observations"), 2 * WRITERS, "every observation kept");
	is_int(count(s, "SELECT count(*) FROM servers"), WRITERS + 1, "one identity per server");
	is_int(count(s, "SELECT count(*) FROM devices"), 1, "one device");
	is_int(count(s, "SELECT count(*) FROM schema_version"), STORE_SCHEMA_VERSION,
	       "migrated exactly once");
	is_int(count(s, "SELECT count(*) FROM scans s WHERE n_servers <> "
		     "(SELECT count(*) FROM observations o WHERE o.scan = coalesce(s.obs_scan, s.id))"), 0,
	       "every scan complete");
	store_close(s);
}

/* ---- kill -9 ---------------------------------------------------------- */

static void
big_scan(struct scan_result *r, int gen)
{
	int i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 40; i++) {
		char path[64], proj[64], name[32], args[64];
		struct mcp_config *c;

		snprintf(proj, sizeof(proj), "/h/p%d", i);
		snprintf(path, sizeof(path), "/h/p%d/.mcp.json", i);
		c = add_config(r, "claude_code", path, SCOPE_PROJECT, proj);
		for (j = 0; j < 50; j++) {
			snprintf(name, sizeof(name), "s%d", j);
			/* Each generation changes every server a little. */
			snprintf(args, sizeof(args), "[\"v%d\"]", gen);
			add_server(c, name, "npx", args, NULL);
		}
	}
}

static void
test_kill(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct scan_result r;
	long long before, after, partial, events;
	int round, mid = 0, committed = 0, bad = 0;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	ok(store_open(tpath("kill.db"), STORE_CREATE, 0, &s, &e) == 0, "open kill db");
	big_scan(&r, 0);
	ok(record(s, &r, 0, NULL) == 0, "first scan");
	scan_result_release(&r);
	store_close(s);
	printf("# kill seed %u\n", seed);
	for (round = 0; round < 25; round++) {
		pid_t pid;
		int status;

		s = NULL;
		if (store_open(tpath("kill.db"), 0, 0, &s, &e) < 0) {
			bad++;
			printf("# round %d: reopen failed: %s\n", round, e.msg);
			break;
		}
		before = count(s, "SELECT count(*) FROM scans");
		store_close(s);
		pid = fork();
		if (pid == 0) {
			int gen = 1;

			if (store_open(tpath("kill.db"), 0, 0, &s, &e) < 0)
				_exit(1);
			for (;;) {
				struct timespec a, b;

				big_scan(&r, round * 1000 + gen++);
				clock_gettime(CLOCK_MONOTONIC, &a);
				record(s, &r, 0, NULL);
				clock_gettime(CLOCK_MONOTONIC, &b);
				if (getenv("STORE_TEST_TIMING"))
					fprintf(stderr, "# scan of 2000 servers: %.0f ms\n",
						(double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
				scan_result_release(&r);
			}
		}
		/* 0-400 ms: before, during and between transactions. */
		{
			struct timespec ts;
			long us = (long)(rand_r(&seed) % 400000);

			ts.tv_sec = us / 1000000;
			ts.tv_nsec = (us % 1000000) * 1000;
			nanosleep(&ts, NULL);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		s = NULL;
		if (store_open(tpath("kill.db"), 0, 0, &s, &e) < 0) {
			bad++;
			printf("# round %d: open after kill failed: %s\n", round, e.msg);
			break;
		}
		after = count(s, "SELECT count(*) FROM scans");
		partial = count(s, "SELECT count(*) FROM scans s WHERE n_servers <> "
				"(SELECT count(*) FROM observations o WHERE "
				"o.scan = coalesce(s.obs_scan, s.id))");
		events = count(s, "SELECT count(*) FROM scans s WHERE s.id > 1 AND "
			       "(SELECT count(*) FROM events v WHERE v.scan = s.id) <> 100");
		{
			sqlite3_stmt *st = NULL;

			sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
			if (sqlite3_step(st) != SQLITE_ROW ||
			    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
				bad++;
			sqlite3_finalize(st);
		}
		if (partial != 0 || events != 0 || after < before) {
			printf("# round %d: partial %lld, events %lld, scans %lld -> %lld\n", round,
			       partial, events, before, after);
			bad++;
		}
		if (after == before)
			mid++;
		else
			committed += (int)(after - before);
		store_close(s);
	}
	is_int(bad, 0, "kill -9 at random points: database intact, no partial scan");
	printf("# 25 kills: %d landed with no new scan committed, %d scans committed meanwhile\n",
	       mid, committed);
	ok(mid > 0, "some kills landed before a commit");
}

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, sizeof(base), "%s/test_store.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_time();
	test_paths();
	test_open();
	test_migrations();
	test_history();
	test_events();
	test_export();
	test_concurrency();
	test_kill();
	nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
