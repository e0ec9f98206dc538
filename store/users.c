/* The identity tables: directory replacement in one transaction, loading it
 * back, admin mappings, per-device outcomes kept current by re-resolution. */
#include "store/users.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "parsers/tree.h"
#include "resolver/norm.h"
#include "store/store_int.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
store_directory_release(struct store_directory *d)
{
	free(d->source);
	free(d->format);
	free(d->sha256);
	free(d->imported_at);
	memset(d, 0, sizeof(*d));
}

static char *
json_text(cJSON *j)
{
	char *t = cJSON_PrintUnformatted(j);

	cJSON_Delete(j);
	if (t == NULL)
		abort();	/* cJSON failed to allocate */
	return t;
}

/* ---- outcomes --------------------------------------------------------- */

/* One resolution as stored in device_users. */
struct outcome {
	const char *status, *email, *tier, *detail;
	char *candidates;	/* JSON array text, owned */
	long n_candidates;
};

static void
outcome_of(struct resolver_dir *dir, int found, const char *username, struct outcome *o,
	   struct err *e, int *ret)
{
	struct resolver_result r;
	cJSON *arr;
	size_t i, n;

	memset(o, 0, sizeof(*o));
	*ret = resolver_resolve(dir, username, &r, e);
	if (*ret < 0)
		return;
	o->status = resolver_status_name(r.status);
	if (!found && r.status == RESOLVER_NO_MATCH)
		o->status = "no_directory";
	o->email = r.status == RESOLVER_RESOLVED ? r.user->email : NULL;
	o->tier = resolver_tier_name(r.tier);
	o->detail = r.attribute ? r.attribute : r.pattern ? resolver_pattern_name(r.pattern) :
		    r.mapped_email;
	arr = cJSON_CreateArray();
	n = r.n_candidates < RESOLVER_MAX_CANDIDATES ? r.n_candidates : RESOLVER_MAX_CANDIDATES;
	if (r.status != RESOLVER_RESOLVED)
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(r.candidates[i]->email));
	o->candidates = json_text(arr);
	o->n_candidates = r.status == RESOLVER_RESOLVED ? 0 : (long)r.n_candidates;
}

static int
same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

struct stored_outcome {
	char *device_id, *username, *status, *email, *tier, *detail, *candidates;
};

/*
 * Re-resolve every device row with dir (inside the caller's transaction);
 * *changed (optional) counts the rows whose outcome changed. The rows are
 * read first: updating a table while a cursor walks it may skip rows.
 */
static int
reresolve(struct store *s, struct resolver_dir *dir, int found, long *changed, struct err *e)
{
	struct stored_outcome *v = NULL;
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1];
	size_t n = 0, cap = 0, i;
	long n_changed = 0;
	int rc, ret;

	store_now(now);
	ret = store_prepare(s, "SELECT device_id, username, status, email, tier, detail, candidates "
			    "FROM device_users", &st, e);
	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].device_id = store_col_text(st, 0);
		v[n].username = store_col_text(st, 1);
		v[n].status = store_col_text(st, 2);
		v[n].email = store_col_text(st, 3);
		v[n].tier = store_col_text(st, 4);
		v[n].detail = store_col_text(st, 5);
		v[n].candidates = store_col_text(st, 6);
		n++;
	}
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the device users");
	sqlite3_finalize(st);
	st = NULL;
	if (ret == 0)
		ret = store_prepare(s, "UPDATE device_users SET status = ?, email = ?, tier = ?, "
				    "detail = ?, candidates = ?, n_candidates = ?, resolved_at = ? "
				    "WHERE device_id = ? AND username = ?", &st, e);
	for (i = 0; ret == 0 && i < n; i++) {
		struct outcome o;

		outcome_of(dir, found, v[i].username, &o, e, &ret);
		if (ret < 0)
			break;
		if (!same(o.status, v[i].status) || !same(o.email, v[i].email) ||
		    !same(o.tier, v[i].tier) || !same(o.detail, v[i].detail) ||
		    !same(o.candidates, v[i].candidates)) {
			sqlite3_reset(st);
			store_bind_text(st, 1, o.status);
			store_bind_text(st, 2, o.email);
			store_bind_text(st, 3, o.tier);
			store_bind_text(st, 4, o.detail);
			store_bind_text(st, 5, o.candidates);
			sqlite3_bind_int64(st, 6, o.n_candidates);
			store_bind_text(st, 7, now);
			store_bind_text(st, 8, v[i].device_id);
			store_bind_text(st, 9, v[i].username);
			if (sqlite3_step(st) != SQLITE_DONE)
				ret = store_sql_err(s, e, "cannot update a device's user");
			n_changed++;
		}
		free(o.candidates);
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		free(v[i].device_id);
		free(v[i].username);
		free(v[i].status);
		free(v[i].email);
		free(v[i].tier);
		free(v[i].detail);
		free(v[i].candidates);
	}
	free(v);
	if (ret == 0 && changed)
		*changed = n_changed;
	return ret;
}

/* ---- loading ---------------------------------------------------------- */

static int
load_mappings(struct store *s, struct resolver_dir *dir, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	ret = store_prepare(s, "SELECT username, email FROM user_mappings ORDER BY username_key",
			    &st, e);
	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		resolver_dir_add_mapping(dir, (const char *)sqlite3_column_text(st, 0),
					 (const char *)sqlite3_column_text(st, 1));
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the user mappings");
	sqlite3_finalize(st);
	return ret;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	return store_col_text(st, i);
}

/* Directory users and attribute names (no mappings). */
static int
load_directory(struct store *s, struct resolver_dir *dir, struct store_directory *info,
	       int *found, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	*found = 0;
	ret = store_prepare(s, "SELECT source, format, sha256, imported_at, n_users, n_inactive, "
			    "n_skipped, attributes FROM directory WHERE id = 1", &st, e);
	if (ret < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		cJSON *names = cJSON_Parse((const char *)sqlite3_column_text(st, 7)), *x;
		const char **v = NULL;
		size_t n = 0;

		*found = 1;
		if (info) {
			info->source = col_dup(st, 0);
			info->format = col_dup(st, 1);
			info->sha256 = col_dup(st, 2);
			info->imported_at = col_dup(st, 3);
			info->n_users = sqlite3_column_int(st, 4);
			info->n_inactive = sqlite3_column_int(st, 5);
			info->n_skipped = sqlite3_column_int(st, 6);
		}
		if (cJSON_IsArray(names)) {
			v = xcalloc((size_t)cJSON_GetArraySize(names) + 1, sizeof(*v));
			cJSON_ArrayForEach(x, names)
				if (cJSON_IsString(x))
					v[n++] = x->valuestring;
		}
		resolver_dir_set_attributes(dir, v, n);
		free(v);
		cJSON_Delete(names);
	} else if (rc != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot read the directory");
	}
	sqlite3_finalize(st);
	if (ret < 0 || !*found)
		return ret;
	ret = store_prepare(s, "SELECT email, aliases, given_name, family_name, display_name, "
			    "external_id, status, active, attributes, line FROM directory_users "
			    "ORDER BY id", &st, e);
	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct resolver_user *u = resolver_dir_add(dir);
		const char *aliases = (const char *)sqlite3_column_text(st, 1);
		const char *attrs = (const char *)sqlite3_column_text(st, 8);

		u->email = col_dup(st, 0);
		u->given_name = col_dup(st, 2);
		u->family_name = col_dup(st, 3);
		u->display_name = col_dup(st, 4);
		u->external_id = col_dup(st, 5);
		u->status = col_dup(st, 6);
		u->active = sqlite3_column_int(st, 7) != 0;
		u->line = (unsigned long)sqlite3_column_int64(st, 9);
		if (u->email == NULL)
			u->email = xstrdup("");
		/* Most users have neither: skip the JSON parser for them. */
		if (aliases && strcmp(aliases, "[]") != 0) {
			cJSON *a = cJSON_Parse(aliases), *x;

			cJSON_ArrayForEach(x, a) {
				if (!cJSON_IsString(x))
					continue;
				u->aliases = xreallocarray(u->aliases, u->n_aliases + 1,
							   sizeof(*u->aliases));
				u->aliases[u->n_aliases++] = xstrdup(x->valuestring);
			}
			cJSON_Delete(a);
		}
		if (attrs && strcmp(attrs, "{}") != 0) {
			cJSON *a = cJSON_Parse(attrs), *x;

			cJSON_ArrayForEach(x, a) {
				if (!cJSON_IsString(x) || x->string == NULL)
					continue;
				u->attrs = xreallocarray(u->attrs, u->n_attrs + 1, sizeof(*u->attrs));
				u->attrs[u->n_attrs].name = xstrdup(x->string);
				u->attrs[u->n_attrs].value = xstrdup(x->valuestring);
				u->n_attrs++;
			}
			cJSON_Delete(a);
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the directory users");
	sqlite3_finalize(st);
	return ret;
}

int
store_users_load(struct store *s, struct resolver_dir *dir, struct store_directory *info,
		 int *found, struct err *e)
{
	int ret, have = 0;

	if (info)
		memset(info, 0, sizeof(*info));
	if ((ret = store_begin(s, 0, e)) < 0)
		return ret;
	ret = load_directory(s, dir, info, &have, e);
	if (ret == 0)
		ret = load_mappings(s, dir, e);
	store_rollback(s);
	if (found)
		*found = have;
	return ret;
}

/* ---- replacing -------------------------------------------------------- */

static int
insert_users(struct store *s, const struct resolver_dir *dir, struct err *e)
{
	sqlite3_stmt *st = NULL;
	size_t i, k;
	int ret;

	ret = store_prepare(s, "INSERT INTO directory_users (email, aliases, given_name, "
			    "family_name, display_name, external_id, status, active, attributes, "
			    "line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, e);
	for (i = 0; ret == 0 && i < dir->n_users; i++) {
		const struct resolver_user *u = &dir->users[i];
		char *aliases = NULL, *attrs = NULL;

		if (u->n_aliases) {
			cJSON *a = cJSON_CreateArray();

			for (k = 0; k < u->n_aliases; k++)
				cJSON_AddItemToArray(a, cJSON_CreateString(u->aliases[k]));
			aliases = json_text(a);
		}
		if (u->n_attrs) {
			cJSON *a = cJSON_CreateObject();

			for (k = 0; k < u->n_attrs; k++)
				cJSON_AddItemToObject(a, u->attrs[k].name,
						      cJSON_CreateString(u->attrs[k].value));
			attrs = json_text(a);
		}
		sqlite3_reset(st);
		store_bind_text(st, 1, u->email);
		store_bind_text(st, 2, aliases ? aliases : "[]");
		store_bind_text(st, 3, u->given_name);
		store_bind_text(st, 4, u->family_name);
		store_bind_text(st, 5, u->display_name);
		store_bind_text(st, 6, u->external_id);
		store_bind_text(st, 7, u->status);
		sqlite3_bind_int(st, 8, u->active);
		store_bind_text(st, 9, attrs ? attrs : "{}");
		sqlite3_bind_int64(st, 10, (sqlite3_int64)u->line);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = store_sql_err(s, e, "cannot store a directory user");
		free(aliases);
		free(attrs);
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_users_replace(struct store *s, struct resolver_dir *dir,
		    const struct store_directory *info, long *changed, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1], *names;
	cJSON *arr;
	size_t i;
	int ret;

	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	ret = store_exec(s, "DELETE FROM directory_users; DELETE FROM directory", e);
	if (ret == 0)
		ret = insert_users(s, dir, e);
	arr = cJSON_CreateArray();
	for (i = 0; i < dir->n_attr_names; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(dir->attr_names[i]));
	names = json_text(arr);
	store_now(now);
	if (ret == 0)
		ret = store_prepare(s, "INSERT INTO directory (id, source, format, sha256, imported_at, "
				    "n_users, n_inactive, n_skipped, attributes) "
				    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)", &st, e);
	if (ret == 0) {
		store_bind_text(st, 1, info->source);
		store_bind_text(st, 2, info->format ? info->format : "csv");
		store_bind_text(st, 3, info->sha256);
		store_bind_text(st, 4, now);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)dir->n_users);
		sqlite3_bind_int64(st, 6, info->n_inactive);
		sqlite3_bind_int64(st, 7, info->n_skipped);
		store_bind_text(st, 8, names);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = store_sql_err(s, e, "cannot record the directory");
	}
	sqlite3_finalize(st);
	free(names);
	if (ret == 0)
		ret = load_mappings(s, dir, e);
	if (ret == 0)
		ret = reresolve(s, dir, 1, changed, e);
	if (ret == 0)
		return store_commit(s, e);
	store_rollback(s);
	return ret;
}

/* ---- mappings --------------------------------------------------------- */

/* Load everything inside the caller's transaction. */
static int
load_all(struct store *s, struct resolver_dir *dir, int *found, struct err *e)
{
	int ret = load_directory(s, dir, NULL, found, e);

	return ret < 0 ? ret : load_mappings(s, dir, e);
}

int
store_users_map(struct store *s, const char *username, const char *email, long *changed,
		struct err *e)
{
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct resolver_uname u;
	const struct resolver_user *target;
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1];
	int ret, found = 0;

	resolver_uname_split(username, &u);
	if (u.bare[0] == '\0') {
		ret = err_set(e, ERR_INVALID, "empty username");
		goto out;
	}
	if (resolver_is_system_account(&u)) {
		ret = err_set(e, ERR_INVALID, "'%s' is a system account: it never stands for a person",
			      username);
		goto out;
	}
	if ((ret = store_begin(s, 1, e)) < 0)
		goto out;
	if ((ret = load_all(s, &dir, &found, e)) < 0)
		goto fail;
	target = resolver_find_email(&dir, email);
	if (target == NULL) {
		ret = err_set(e, ERR_NOTFOUND, found ? "no single directory user has the address '%s'" :
			      "no directory imported (run 'runlayer users import FILE' first)", email);
		goto fail;
	}
	if (!target->active) {
		ret = err_set(e, ERR_INVALID, "'%s' is inactive (%s) in the directory", target->email,
			      target->status ? target->status : "not active");
		goto fail;
	}
	store_now(now);
	ret = store_prepare(s, "INSERT INTO user_mappings (username_key, username, email, created_at) "
			    "VALUES (?, ?, ?, ?) ON CONFLICT (username_key) DO UPDATE SET "
			    "username = excluded.username, email = excluded.email, "
			    "created_at = excluded.created_at", &st, e);
	if (ret < 0)
		goto fail;
	store_bind_text(st, 1, u.full);
	store_bind_text(st, 2, username);
	store_bind_text(st, 3, target->email);
	store_bind_text(st, 4, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot store the mapping");
		goto fail;
	}
	resolver_dir_add_mapping(&dir, username, target->email);
	if ((ret = reresolve(s, &dir, found, changed, e)) < 0)
		goto fail;
	ret = store_commit(s, e);
	goto out;
fail:
	store_rollback(s);
out:
	sqlite3_finalize(st);
	resolver_dir_release(&dir);
	resolver_uname_release(&u);
	return ret;
}

int
store_users_unmap(struct store *s, const char *username, long *changed, struct err *e)
{
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct resolver_uname u;
	sqlite3_stmt *st = NULL;
	int ret, found = 0;

	resolver_uname_split(username, &u);
	if ((ret = store_begin(s, 1, e)) < 0)
		goto out;
	ret = store_prepare(s, "DELETE FROM user_mappings WHERE username_key = ?", &st, e);
	if (ret < 0)
		goto fail;
	store_bind_text(st, 1, u.full);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot remove the mapping");
		goto fail;
	}
	if (sqlite3_changes(s->db) == 0) {
		ret = err_set(e, ERR_NOTFOUND, "no mapping for '%s'", username);
		goto fail;
	}
	if ((ret = load_all(s, &dir, &found, e)) < 0 ||
	    (ret = reresolve(s, &dir, found, changed, e)) < 0)
		goto fail;
	ret = store_commit(s, e);
	goto out;
fail:
	store_rollback(s);
out:
	sqlite3_finalize(st);
	resolver_dir_release(&dir);
	resolver_uname_release(&u);
	return ret;
}

int
store_users_mappings(struct store *s, struct store_mapping_rows *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	ret = store_prepare(s, "SELECT username, email, created_at FROM user_mappings "
			    "ORDER BY username_key", &st, e);
	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_mapping_row *r;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		r = &out->v[out->n++];
		r->username = store_col_text(st, 0);
		r->email = store_col_text(st, 1);
		r->created_at = store_col_text(st, 2);
	}
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the user mappings");
	sqlite3_finalize(st);
	return ret;
}

void
store_mapping_rows_release(struct store_mapping_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		free(rows->v[i].username);
		free(rows->v[i].email);
		free(rows->v[i].created_at);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* ---- device rows ------------------------------------------------------ */

static const char upsert_sql[] =
	"INSERT INTO device_users (device_id, username, hostname, source, status, email, tier, "
	"detail, candidates, n_candidates, first_seen, last_seen, resolved_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	"ON CONFLICT (device_id, username) DO UPDATE SET "
	"hostname = coalesce(excluded.hostname, hostname), "
	"source = CASE WHEN source = 'scan' THEN 'scan' ELSE excluded.source END, "
	"status = excluded.status, email = excluded.email, tier = excluded.tier, "
	"detail = excluded.detail, candidates = excluded.candidates, "
	"n_candidates = excluded.n_candidates, resolved_at = excluded.resolved_at, "
	"first_seen = min(first_seen, excluded.first_seen), "
	"last_seen = max(last_seen, excluded.last_seen)";

static int
upsert(struct store *s, sqlite3_stmt *st, const struct store_device_user *du, const char *source,
       const struct outcome *o, const char *now, struct err *e)
{
	sqlite3_reset(st);
	store_bind_text(st, 1, du->device_id);
	store_bind_text(st, 2, du->username);
	store_bind_text(st, 3, du->hostname);
	store_bind_text(st, 4, source);
	store_bind_text(st, 5, o->status);
	store_bind_text(st, 6, o->email);
	store_bind_text(st, 7, o->tier);
	store_bind_text(st, 8, o->detail);
	store_bind_text(st, 9, o->candidates);
	sqlite3_bind_int64(st, 10, o->n_candidates);
	store_bind_text(st, 11, du->first_seen ? du->first_seen :
			du->last_seen ? du->last_seen : now);
	store_bind_text(st, 12, du->last_seen ? du->last_seen : now);
	store_bind_text(st, 13, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_sql_err(s, e, "cannot record a device's user");
	return 0;
}

int
store_users_note_scan(struct store *s, const struct store_device_user *du, struct err *e)
{
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct outcome o;
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1];
	const char *seen;
	int ret, found = 0;

	memset(&o, 0, sizeof(o));
	if (du->username == NULL || du->username[0] == '\0')
		return 0;
	store_now(now);
	seen = du->last_seen ? du->last_seen : now;
	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	/* Known pair: its outcome is current, only the times move. */
	ret = store_prepare(s, "UPDATE device_users SET last_seen = max(last_seen, ?), "
			    "hostname = coalesce(?, hostname), source = 'scan' "
			    "WHERE device_id = ? AND username = ?", &st, e);
	if (ret < 0)
		goto fail;
	store_bind_text(st, 1, seen);
	store_bind_text(st, 2, du->hostname);
	store_bind_text(st, 3, du->device_id);
	store_bind_text(st, 4, du->username);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot record the device's user");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_changes(s->db) == 0) {
		if ((ret = load_all(s, &dir, &found, e)) < 0)
			goto fail;
		outcome_of(&dir, found, du->username, &o, e, &ret);
		if (ret < 0)
			goto fail;
		if ((ret = store_prepare(s, upsert_sql, &st, e)) < 0 ||
		    (ret = upsert(s, st, du, "scan", &o, now, e)) < 0)
			goto fail;
	}
	ret = store_commit(s, e);
	goto out;
fail:
	store_rollback(s);
out:
	sqlite3_finalize(st);
	free(o.candidates);
	resolver_dir_release(&dir);
	return ret;
}

int
store_users_note_import(struct store *s, struct resolver_dir *dir, int found,
			const struct store_device_user *v, size_t n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[STORE_TIME_LEN + 1];
	size_t i;
	int ret;

	store_now(now);
	if ((ret = store_begin(s, 1, e)) < 0)
		return ret;
	ret = store_prepare(s, upsert_sql, &st, e);
	for (i = 0; ret == 0 && i < n; i++) {
		struct outcome o;

		if (v[i].device_id == NULL || v[i].username == NULL || v[i].username[0] == '\0')
			continue;
		outcome_of(dir, found, v[i].username, &o, e, &ret);
		if (ret == 0)
			ret = upsert(s, st, &v[i], "import", &o, now, e);
		free(o.candidates);
	}
	sqlite3_finalize(st);
	if (ret == 0)
		return store_commit(s, e);
	store_rollback(s);
	return ret;
}

int
store_users_attribution(struct store *s, const char *device_id, const char *username,
			char **email, char **tier, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	*email = *tier = NULL;
	if (device_id == NULL || username == NULL)
		return 0;
	ret = store_prepare(s, "SELECT email, tier FROM device_users WHERE device_id = ? AND "
			    "username = ? AND status = 'resolved'", &st, e);
	if (ret < 0)
		return ret;
	store_bind_text(st, 1, device_id);
	store_bind_text(st, 2, username);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*email = store_col_text(st, 0);
		*tier = store_col_text(st, 1);
	} else if (rc != SQLITE_DONE) {
		ret = store_sql_err(s, e, "cannot read a device's user");
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_users_unresolved(struct store *s, struct store_unresolved_rows *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	/* Rows of one username share their outcome (they resolve together). */
	ret = store_prepare(s, "SELECT username, count(DISTINCT device_id), max(last_seen), "
			    "max(status), max(tier), max(detail), max(candidates), max(n_candidates) "
			    "FROM device_users WHERE status <> 'resolved' GROUP BY username "
			    "ORDER BY count(DISTINCT device_id) DESC, username", &st, e);
	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_unresolved_row *r;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
		}
		r = &out->v[out->n++];
		r->username = store_col_text(st, 0);
		r->devices = sqlite3_column_int(st, 1);
		r->last_seen = store_col_text(st, 2);
		r->status = store_col_text(st, 3);
		r->tier = store_col_text(st, 4);
		r->detail = store_col_text(st, 5);
		r->candidates = store_col_text(st, 6);
		r->n_candidates = sqlite3_column_int(st, 7);
	}
	if (rc != SQLITE_DONE)
		ret = store_sql_err(s, e, "cannot read the unresolved usernames");
	sqlite3_finalize(st);
	return ret;
}

void
store_unresolved_rows_release(struct store_unresolved_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		free(rows->v[i].username);
		free(rows->v[i].last_seen);
		free(rows->v[i].status);
		free(rows->v[i].tier);
		free(rows->v[i].detail);
		free(rows->v[i].candidates);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* ---- reading exports -------------------------------------------------- */

void
store_export_rows_release(struct store_export_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		cJSON_Delete(rows->v[i]);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

static void
rows_add(struct store_export_rows *rows, cJSON *o)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 256;
		rows->v = xreallocarray(rows->v, rows->cap, sizeof(*rows->v));
	}
	rows->v[rows->n++] = o;
}

static void
export_issue(struct resolver_import *rep, unsigned long line, unsigned long col, const char *msg)
{
	struct resolver_issue *is;

	rep->n_skipped++;
	if (rep->n_issues >= RESOLVER_IMPORT_MAX_ISSUES) {
		rep->n_issues_dropped++;
		return;
	}
	if (rep->n_issues == rep->cap_issues) {
		rep->cap_issues = rep->cap_issues ? rep->cap_issues * 2 : 16;
		rep->issues = xreallocarray(rep->issues, rep->cap_issues, sizeof(*rep->issues));
	}
	is = &rep->issues[rep->n_issues++];
	is->line = line;
	is->col = col;
	is->msg = xasprintf("%s, skipping", msg);
}

int
store_users_read_export(const char *text, size_t len, struct store_export_rows *out,
			struct resolver_import *rep, struct err *e)
{
	static const struct tree_limits line_lim = { 1024 * 1024, 64, 100000 };
	struct tree_limits doc_lim = { STORE_EXPORT_READ_MAX, 64, 8u * 1024 * 1024 };
	const char *p = text, *end = text + len, *nl;
	cJSON *doc = NULL, *one = NULL, *arr, *x;
	unsigned long line = 1;
	int ret;

	if (len > STORE_EXPORT_READ_MAX)
		return err_set(e, ERR_LIMIT, "export larger than %u bytes", STORE_EXPORT_READ_MAX);
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	/* ndjson when the first line is a whole row (it has a device_id). */
	nl = memchr(p, '\n', (size_t)(end - p));
	if (p < end && *p == '{' &&
	    jsonc_parse(p, (size_t)((nl ? nl : end) - p), &line_lim, &one, NULL) == 0 &&
	    cJSON_IsObject(one) && cJSON_GetObjectItemCaseSensitive(one, "device_id") != NULL) {
		cJSON_Delete(one);
		for (p = text; p < end; p = nl + 1, line++) {
			struct err le = ERR_INIT;
			const char *q;

			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			for (q = p; q < nl && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
				;
			if (q == nl)
				continue;
			rep->n_records++;
			one = NULL;
			if (jsonc_parse(p, (size_t)(nl - p), &line_lim, &one, &le) < 0) {
				export_issue(rep, line, le.col, le.msg);
			} else if (!cJSON_IsObject(one)) {
				export_issue(rep, line, 0, "not a JSON object");
				cJSON_Delete(one);
			} else {
				rows_add(out, one);
				rep->n_added++;
			}
			if (nl == end)
				break;
		}
		return 0;
	}
	cJSON_Delete(one);
	if ((ret = jsonc_parse(text, len, &doc_lim, &doc, e)) < 0)
		return ret;
	arr = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "rows");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(doc);
		err_set_pos(e, 1, 0);
		return err_set(e, ERR_PARSE, "not an inventory export (no \"rows\" array)");
	}
	while ((x = cJSON_DetachItemFromArray(arr, 0)) != NULL) {
		rep->n_records++;
		if (cJSON_IsObject(x)) {
			rows_add(out, x);
			rep->n_added++;
		} else {
			export_issue(rep, 0, 0, "a row that is not a JSON object");
			cJSON_Delete(x);
		}
	}
	cJSON_Delete(doc);
	return 0;
}
