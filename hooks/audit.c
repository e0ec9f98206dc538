/* Spooled audit records: events the store could not take within a hook's
 * deadline, kept as files and imported by the next store writer. */
#include "hooks/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/lock.h"
#include "util/recdir.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define AUDIT_MAX_FILE (2u * 1024 * 1024)

char *
audit_spool_dir(struct err *e)
{
	char *dir = state_dir(e), *p;

	if (dir == NULL)
		return NULL;
	p = path_join(dir, "audit-pending");
	free(dir);
	return p;
}

static void
add(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

char *
audit_record_text(const struct store_event *ev, struct err *e)
{
	struct timespec t;
	char now[STORE_TIME_LEN + 1], *text;
	cJSON *o;

	clock_gettime(CLOCK_REALTIME, &t);
	store_time_format(&t, now);
	o = cJSON_CreateObject();
	add(o, "type", ev->type);
	add(o, "time", ev->time ? ev->time : now);
	add(o, "device_id", ev->device_id);
	add(o, "hostname", ev->hostname);
	add(o, "username", ev->username);
	add(o, "client", ev->client);
	add(o, "server_name", ev->server_name);
	add(o, "config_hash", ev->config_hash);
	if (ev->details)
		cJSON_AddItemToObject(o, "details", cJSON_Duplicate(ev->details, 1));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text == NULL)
		err_set(e, ERR_INVALID, "audit record cannot be serialised");
	return text;
}

int
audit_spool_add(const char *dir, const struct store_event *ev, struct err *e)
{
	char *text = audit_record_text(ev, e);
	int ret;

	if (text == NULL)
		return -ERR_INVALID;
	if ((ret = file_mkdirs(dir, 0700, e)) == 0)
		ret = recdir_add(dir, text, strlen(text), 0, "spool", e);
	free(text);
	return ret;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
audit_spool_import(struct store *s, const char *dir, size_t max, size_t *imported, struct err *e)
{
	struct lock lk = LOCK_INIT;
	char **names = NULL;
	size_t n = 0, i, done = 0, taken = 0;
	long long id;
	int ret = 0;

	if (imported)
		*imported = 0;
	/*
	 * One importer at a time, or two would both insert a record before
	 * either unlinks it. A hook (max > 0) never waits: whoever holds the
	 * lock imports. A record is unlinked only after its insert commits,
	 * so a crash in between can repeat a record but never lose one.
	 */
	ret = lock_acquire(&lk, dir, 0, max ? 0 : AUDIT_IMPORT_WAIT_MS, e);
	if (ret == -ERR_NOTFOUND || ret == -ERR_LIMIT) {
		err_clear(e);
		return 0;
	}
	if (ret < 0)
		return ret;
	if ((ret = recdir_list(dir, AUDIT_SPOOL_MAX, &names, &n, e)) < 0) {
		lock_release(&lk);
		return ret;
	}
	for (i = 0; i < n && (max == 0 || done < max); i++) {
		char *p = path_join(dir, names[i]);
		struct buf b = BUF_INIT;
		struct err fe = ERR_INIT;
		cJSON *o = NULL;

		if (file_read(p, AUDIT_MAX_FILE, 0, &b, NULL, &fe) == 0)
			o = cJSON_ParseWithLength(b.data, b.len);
		if (cJSON_IsObject(o) && str(o, "type")) {
			struct store_event ev;
			const cJSON *det = cJSON_GetObjectItemCaseSensitive(o, "details");

			memset(&ev, 0, sizeof(ev));
			ev.type = str(o, "type");
			ev.time = str(o, "time");
			ev.device_id = str(o, "device_id");
			ev.hostname = str(o, "hostname");
			ev.username = str(o, "username");
			ev.client = str(o, "client");
			ev.server_name = str(o, "server_name");
			ev.config_hash = str(o, "config_hash");
			ev.details = cJSON_IsObject(det) ? det : NULL;
			/* A hook stopped at its deadline may have spooled a
			 * record it had just stored. */
			ev.once = 1;
			ret = store_event_add(s, &ev, &id, e);
			if (ret == -ERR_INVALID) {
				/* a record the store refuses (bad time…) is dropped */
				err_clear(e);
				ret = 0;
			} else if (ret < 0) {
				cJSON_Delete(o);
				buf_release(&b);
				free(p);
				break;
			} else {
				done++;
				taken += id != 0;
			}
		}
		unlink(p);
		cJSON_Delete(o);
		buf_release(&b);
		free(p);
	}
	recdir_names_release(names, n);
	lock_release(&lk);
	if (imported)
		*imported = taken;
	return ret;
}
