/* The local inventory: a SQLite database of devices, scans, configs, servers
 * and which scan saw which server where, plus the local audit-event log. */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "discover/model.h"
#include "util/err.h"

/*
 * Data model (the schema lives in store/schema.c; see store/README.md):
 *
 *   devices        one row per device_id
 *   scans          one row per recorded scan: times, counts, errors, what
 *                  changed since the previous scan, submission status; a
 *                  scan that changed nothing points at the earlier scan
 *                  holding the same observations (obs_scan) instead of
 *                  copying them
 *   scan_issues    files a scan could not read or parse
 *   configs        a config identity: (device, client, config path, scope,
 *                  project path, plugin id) with its latest mtime, content
 *                  hash, parse error and git provenance
 *   servers        a server identity: (config, name)
 *   server_versions  the normalised, redacted fields of a server as seen;
 *                  one row per distinct content (fingerprint), with config_hash
 *                  and the scan that first saw it
 *   observations   which scan saw which server (in which version)
 *   events         the local audit log (shadow_mcp_detected, …, hook events)
 *   directory, directory_users, user_mappings, device_users
 *                  identity: the organisation directory, admin mappings and
 *                  the user each device's username resolves to (store/users.h)
 *
 * A server is "current" when the latest scan of its device observed it,
 * "removed" otherwise; first/last seen are the start times of the first and
 * last scans that saw it. When a scan cannot read a config file it knew
 * (parse error, unreadable) or did not finish the project crawl, the
 * servers it could not look at are carried into the new scan as they were
 * (observation flag `carried`) rather than reported as removed.
 *
 * Nothing here stores secrets: callers pass the redacted scan result.
 * Every write is one IMMEDIATE transaction with a busy handler, so
 * concurrent writers wait instead of failing; a process killed mid-write
 * leaves the previous state (WAL journal).
 */

#define STORE_SCHEMA_VERSION 5

struct store;

enum store_open_flags {
	STORE_CREATE = 1,	/* create the file (0600) and its directory (0700) */
};

/*
 * The database path when --db is not given: $RUNLAYER_DB, else
 * $RUNLAYER_HOME/inventory.db, else $HOME/.runlayer/inventory.db. Empty or
 * relative variable values are ignored. Returns a new string, or NULL with
 * e filled when no home directory is known.
 */
char *store_default_path(struct err *e);

/*
 * Open (and with STORE_CREATE, create) the inventory at path: WAL journal,
 * foreign keys on, a busy handler of timeout_ms (0 = $RUNLAYER_DB_TIMEOUT_MS
 * when it holds 1..600000, else 30 s), then migrate the
 * schema forward to STORE_SCHEMA_VERSION in one transaction. Returns 0 and
 * *out, -ERR_NOTFOUND when the file does not exist and STORE_CREATE is not
 * set, -ERR_INVALID when the database was written by a newer runlayer
 * (schema version above ours), -ERR_IO otherwise. Refuses a symlink at path.
 */
int store_open(const char *path, unsigned flags, int timeout_ms, struct store **out,
	       struct err *e);
void store_close(struct store *s);

/* Schema version of the open database (after migration). */
int store_schema_version(struct store *s);

/* Identity of the scanned device, as in the scan payload (contract §3.3, §4). */
struct store_device {
	const char *device_id;		/* required */
	const char *hostname;
	const char *os;
	const char *os_version;
	const char *username;
	const char *org_device_id;
};

enum store_submission {
	STORE_SUB_LOCAL = 0,	/* local-only scan: no backend, --offline */
	STORE_SUB_PENDING,	/* recorded, submission not finished (yet) */
	STORE_SUB_SUBMITTED,
	STORE_SUB_FAILED,
	STORE_SUB_UNSUPPORTED,	/* the backend lacks the endpoint */
};
const char *store_submission_name(enum store_submission s);

/* One scan to record. */
struct store_scan {
	const struct store_device *device;
	const struct scan_result *result;	/* redacted; configs with 0 servers allowed */
	/*
	 * SHA-256 hex of each config file's bytes, parallel to result->configs
	 * (NULL, or NULL entries, when unknown). With NULL and hash_files set,
	 * store_record_scan() reads each config file itself before taking the
	 * write lock (capped at 16 MiB, symlinks refused; unreadable = NULL).
	 */
	const char *const *content_hashes;
	int hash_files;
	const char *collector_version;
	struct timespec started, ended;	/* wall clock; ended 0 = now */
	int partial_projects;		/* project crawl skipped or incomplete */
	enum store_submission submission;
};

/*
 * Record a scan in one transaction: upsert the device, configs and servers,
 * add observations, carry forward what could not be looked at, and append
 * audit events: `shadow_mcp_detected` for each server definition
 * (config_hash) present now but not in the device's previous scan, and
 * `mcp_server_removed` for each one present before and gone now. Until
 * enforcement rules exist every server counts as unmanaged. *scan_id
 * (optional) receives the new scan's id. On error nothing is written.
 */
int store_record_scan(struct store *s, const struct store_scan *scan, long long *scan_id,
		      struct err *e);

/* Set the submission outcome of a scan (detail may be NULL). */
int store_scan_set_submission(struct store *s, long long scan_id, enum store_submission st,
			      const char *detail, struct err *e);

/*
 * An audit event. The hook runtime calls store_event_add() for its own
 * events; scans add theirs inside store_record_scan(). Callers pass only
 * redacted data: the store keeps what it is given.
 */
struct store_event {
	const char *type;		/* "shadow_mcp_detected", "hook.pre_tool_use", … required */
	const char *time;		/* UTC ISO-8601; NULL = now */
	const char *device_id;		/* NULL when unknown */
	const char *hostname;		/* kept on the device row when device_id is set */
	const char *username;
	const char *client;
	const char *server_name;
	const char *config_hash;
	const cJSON *details;		/* object stored as JSON text; NULL = {} */
	int once;			/* skip it when an identical event (same time,
					 * type, client, server, hash and details) is
					 * stored: a record written again from a spool */
};

/* Append one event in its own transaction; *id (optional) gets its id. */
int store_event_add(struct store *s, const struct store_event *ev, long long *id,
		    struct err *e);

/* ---- reading ---------------------------------------------------------- */

/* A server in one config, with its latest version and provenance. Every
 * string is owned by the row (NULL when absent). */
struct store_server_row {
	long long server_id;
	long long version_id;
	char *device_id, *hostname, *username;
	char *client, *scope, *config_path, *project_path, *plugin_id;
	char *name, *type, *wire_type, *command, *args, *url, *env, *headers;	/* args/env/headers: JSON text */
	char *config_hash, *approval;
	int disabled;
	char *config_mtime, *content_hash, *parse_error, *trust;
	char *git_repo_root, *git_remote_url, *git_branch, *git_commit, *git_status;
	char *first_seen, *last_seen;
	long long first_scan, last_scan;
	int present;		/* observed by the latest scan of its device */
	int carried;		/* …but only carried forward (file unreadable, crawl partial) */
};

struct store_rows {
	struct store_server_row *v;
	size_t n, cap;
};

void store_rows_release(struct store_rows *rows);

struct store_filter {
	const char *client;	/* exact client id, or NULL */
	const char *scope;	/* global|project|plugin, or NULL */
	const char *name_or_hash;	/* server name, or config_hash (>= 8 hex digits, prefix) */
	const char *since;	/* only rows last seen at or after this UTC time */
	int include_removed;	/* also servers gone from the latest scan */
};

/* Servers matching f (NULL = current servers), ordered by client, scope,
 * project path, config path and name; appended to out. */
int store_servers(struct store *s, const struct store_filter *f, struct store_rows *out,
		  struct err *e);

struct store_scan_row {
	long long id;
	char *device_id, *hostname, *username, *collector_version;
	char *started_at, *ended_at;
	long long duration_ms;
	long n_configs, n_servers, n_global, n_project, n_plugin, n_errors, n_skipped;
	long n_added, n_removed, n_changed;	/* versus the device's previous scan */
	int partial;
	char *submission, *submission_detail, *submitted_at;
};

struct store_scan_rows {
	struct store_scan_row *v;
	size_t n, cap;
};

void store_scan_rows_release(struct store_scan_rows *rows);

/* Every scan, oldest first (limit > 0: only the newest `limit`). */
int store_scans(struct store *s, long limit, struct store_scan_rows *out, struct err *e);

enum store_change_kind { STORE_ADDED, STORE_REMOVED, STORE_CHANGED };

struct store_change {
	enum store_change_kind kind;
	struct store_server_row before;	/* REMOVED, CHANGED (zeroed for ADDED) */
	struct store_server_row after;	/* ADDED, CHANGED (zeroed for REMOVED) */
	unsigned fields;		/* CHANGED: enum store_field bits that differ */
};

enum store_field {
	STORE_F_TYPE = 1 << 0,
	STORE_F_COMMAND = 1 << 1,
	STORE_F_ARGS = 1 << 2,
	STORE_F_URL = 1 << 3,
	STORE_F_ENV = 1 << 4,
	STORE_F_HEADERS = 1 << 5,
	STORE_F_DISABLED = 1 << 6,
	STORE_F_APPROVAL = 1 << 7,
	STORE_F_CONFIG_HASH = 1 << 8,
};
/* Names of the bits in fields, e.g. "command", "args" (NULL past the end). */
const char *store_field_name(unsigned bit);

struct store_diff {
	long long scan_a, scan_b;
	char *started_a, *started_b;
	struct store_change *v;
	size_t n, cap;
};

void store_diff_release(struct store_diff *d);

/*
 * Servers added, removed and changed from scan a to scan b. b = 0 means
 * the latest scan; a = 0 the scan before b on the same device. A server
 * carried forward in b counts as present. Returns -ERR_NOTFOUND when a
 * scan does not exist (or there is no earlier scan to compare with).
 */
int store_diff(struct store *s, long long a, long long b, struct store_diff *out,
	       struct err *e);

struct store_event_row {
	long long id, scan;
	char *time, *type, *device_id, *hostname, *username, *client, *server_name;
	char *config_hash, *details;	/* details: JSON object text */
};

struct store_event_rows {
	struct store_event_row *v;
	size_t n, cap;
};

void store_event_rows_release(struct store_event_rows *rows);

/* Events oldest first; type/since may be NULL; limit > 0 keeps the newest. */
int store_events(struct store *s, const char *type, const char *since, long limit,
		 struct store_event_rows *out, struct err *e);

/* ---- time ------------------------------------------------------------- */

#define STORE_TIME_LEN 24	/* "2026-03-25T10:11:12.345Z" */

/* Format t as UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" (STORE_TIME_LEN + 1 bytes). */
void store_time_format(const struct timespec *t, char out[STORE_TIME_LEN + 1]);

/*
 * Parse a user-given date for --since: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]"
 * with an optional fraction and "Z" or "±HH:MM" (no offset = UTC); written
 * in the stored form so comparisons are textual. 0 or -ERR_INVALID.
 */
int store_time_parse(const char *text, char out[STORE_TIME_LEN + 1], struct err *e);

#endif
