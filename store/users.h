/* Identity in the inventory: the organisation directory, admin mappings and
 * what each device's username resolves to (resolver/ does the matching). */
#ifndef STORE_USERS_H
#define STORE_USERS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "resolver/import.h"
#include "resolver/resolver.h"
#include "store/store.h"
#include "util/err.h"

/*
 * Every device row (device id, raw username) holds the outcome of
 * resolver_resolve() against the stored directory and mappings. Rows are
 * resolved when first seen and re-resolved, in the same transaction,
 * whenever the directory is replaced or a mapping added or removed, so a
 * stored outcome is always current. Status is a resolver_status_name(),
 * or "no_directory" when no directory was imported yet.
 */

/* What was imported (all strings owned; NULL when absent). */
struct store_directory {
	char *source;		/* file name as given */
	char *format;		/* csv | scim | json */
	char *sha256;		/* of the file's bytes */
	char *imported_at;	/* set by the store */
	long n_users, n_inactive, n_skipped;
};

void store_directory_release(struct store_directory *d);

/*
 * Replace the directory with the users of dir and its tier-2 attribute
 * names (dir->attr_names; none = defaults), atomically, then re-resolve
 * every device row. The stored mappings are added to dir (so the caller
 * can resolve with it afterwards). *changed (optional) gets the number of
 * device rows whose outcome changed. info->imported_at is ignored.
 */
int store_users_replace(struct store *s, struct resolver_dir *dir,
			const struct store_directory *info, long *changed, struct err *e);

/*
 * Load the directory and the mappings into dir (initialised, empty).
 * *found (optional) is 1 when a directory was imported, else 0 (dir then
 * holds only the mappings). info (optional) receives the import record.
 */
int store_users_load(struct store *s, struct resolver_dir *dir, struct store_directory *info,
		     int *found, struct err *e);

/*
 * Persist "username is email" and re-resolve the device rows. -ERR_INVALID
 * for an empty or system username or an inactive user, -ERR_NOTFOUND when
 * no directory user (or more than one) has the address. The key is the
 * normalised username (resolver_uname.full), so "JDoe" replaces "jdoe".
 */
int store_users_map(struct store *s, const char *username, const char *email, long *changed,
		    struct err *e);

/* Remove the mapping of username; -ERR_NOTFOUND when there is none. */
int store_users_unmap(struct store *s, const char *username, long *changed, struct err *e);

struct store_mapping_row {
	char *username, *email, *created_at;
};

struct store_mapping_rows {
	struct store_mapping_row *v;
	size_t n, cap;
};

/* Every mapping, by username. */
int store_users_mappings(struct store *s, struct store_mapping_rows *out, struct err *e);
void store_mapping_rows_release(struct store_mapping_rows *rows);

/* A device and the username it reported. */
struct store_device_user {
	const char *device_id;		/* required */
	const char *username;		/* NULL or empty: nothing is recorded */
	const char *hostname;
	const char *first_seen, *last_seen;	/* stored time form; NULL = now */
};

/*
 * After a scan: record the device's username. A pair seen before only
 * moves last seen (its outcome is current); a new one is resolved against
 * the stored directory and mappings. One transaction.
 */
int store_users_note_scan(struct store *s, const struct store_device_user *du, struct err *e);

/*
 * Record the devices of imported exports, each resolved with dir (the
 * stored directory, or another one the caller loaded): one transaction,
 * first seen kept at the earliest and last seen at the latest time.
 * found = whether dir holds a directory (else the status is
 * "no_directory" for names that do not resolve).
 */
int store_users_note_import(struct store *s, struct resolver_dir *dir, int found,
			    const struct store_device_user *v, size_t n, struct err *e);

/*
 * The stored outcome of one (device, username): *email and *tier (new
 * strings) when it resolved, else both NULL. 0 or -ERR_IO.
 */
int store_users_attribution(struct store *s, const char *device_id, const char *username,
			    char **email, char **tier, struct err *e);

/* A username that does not resolve, over every device that reported it. */
struct store_unresolved_row {
	char *username;
	long devices;
	char *last_seen;
	char *status;		/* ambiguous, inactive, no_match, system_account, empty, no_directory */
	char *tier, *detail;	/* deciding tier and pattern/attribute/mapped address */
	char *candidates;	/* JSON array of addresses (the first 16) */
	long n_candidates;
};

struct store_unresolved_rows {
	struct store_unresolved_row *v;
	size_t n, cap;
};

/* Unresolved usernames, most devices first. */
int store_users_unresolved(struct store *s, struct store_unresolved_rows *out, struct err *e);
void store_unresolved_rows_release(struct store_unresolved_rows *rows);

/* ---- exports of other devices ---------------------------------------- */

#define STORE_EXPORT_READ_MAX	(256u * 1024 * 1024)	/* one export file */

struct store_export_rows {
	cJSON **v;		/* row objects, owned */
	size_t n, cap;
};

void store_export_rows_release(struct store_export_rows *rows);

/*
 * Read the rows of an `inventory export` (text, len bytes): ndjson (one
 * row object a line) or the json document ({"rows": [...]}, or a bare
 * array). Rows are appended to out. A line of ndjson that is not a JSON
 * object is listed in rep->issues with its line and skipped (rep counts
 * records and skips; initialise it with memset 0). Returns 0, -ERR_PARSE
 * when a json document does not parse or has no rows array (e has the
 * position), -ERR_LIMIT over STORE_EXPORT_READ_MAX or the node limits.
 */
int store_users_read_export(const char *text, size_t len, struct store_export_rows *out,
			    struct resolver_import *rep, struct err *e);

#endif
