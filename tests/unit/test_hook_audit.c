/* Unit tests for hooks/audit: spooled records keep their content and time,
 * come back in order, and broken files are dropped. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hooks/audit.h"
#include "tests/unit/tap.h"
#include "util/file.h"
#include "util/xalloc.h"

int
main(void)
{
	char tmp[] = "/tmp/test_hook_audit.XXXXXX";
	char *dir, *db, *junk, *cmd;
	struct store *s = NULL;
	struct store_event ev;
	struct store_event_rows rows = { NULL, 0, 0 };
	struct err e = ERR_INIT;
	cJSON *det = cJSON_Parse("{\"session_id\":\"s1\",\"decision\":\"deny\"}");
	size_t n = 99;
	int ret;

	if (mkdtemp(tmp) == NULL)
		return 1;
	dir = path_join(tmp, "spool");
	db = path_join(tmp, "db.sqlite");
	memset(&ev, 0, sizeof(ev));
	ev.type = "security_decision";
	ev.time = "2026-01-02T03:04:05.678Z";
	ev.client = "claude_code";
	ev.server_name = "ghost";
	ev.config_hash = "32de82510c54f4c5c775abf2ca61187c121574b4cc767a98086dc8ffe8311880";
	ev.details = det;
	ok(audit_spool_add(dir, &ev, &e) == 0, "spool one record (%s)", e.msg);
	ev.type = "shadow_mcp_detected";
	ev.time = NULL;
	ok(audit_spool_add(dir, &ev, &e) == 0, "spool a second one (time fixed now)");
	junk = path_join(dir, "0000.json");
	file_write_atomic(junk, "{not json", 9, 0600, 0, &e);
	ok(store_open(db, STORE_CREATE, 0, &s, &e) == 0, "open a store");
	ok(audit_spool_import(s, dir, 1, &n, &e) == 0 && n == 1, "import at most 1: one record");
	ok(access(junk, F_OK) < 0, "the broken file (sorted first) was dropped on the way");
	ok(audit_spool_import(s, dir, 0, &n, &e) == 0 && n == 1, "import the rest: 1");
	ok(store_events(s, NULL, NULL, 0, &rows, &e) == 0 && rows.n == 2, "two events in the store");
	if (rows.n == 2) {
		is_str(rows.v[0].type, "security_decision", "first: type");
		is_str(rows.v[0].time, "2026-01-02T03:04:05.678Z", "first: its original time");
		is_str(rows.v[0].server_name, "ghost", "first: server");
		ok(rows.v[0].details && strstr(rows.v[0].details, "\"session_id\":\"s1\""), "first: details");
		is_str(rows.v[1].type, "shadow_mcp_detected", "second: type");
	}
	ok(audit_spool_import(s, dir, 0, &n, &e) == 0 && n == 0, "nothing left to import");
	ok(audit_spool_import(s, "/nonexistent/spool", 0, &n, &e) == 0, "no spool dir: nothing to do");

	/* A record stored, then spooled as well (a hook stopped between the
	 * two): the import keeps one. A record differing only in its details
	 * is another record. */
	ev.type = "security_decision";
	ev.time = "2026-01-02T03:04:09.000Z";
	ok(store_event_add(s, &ev, NULL, &e) == 0, "store a record");
	ok(audit_spool_add(dir, &ev, &e) == 0, "spool the same record");
	cJSON_ReplaceItemInObject(det, "decision", cJSON_CreateString("allow"));
	ok(audit_spool_add(dir, &ev, &e) == 0, "spool one that differs in its details");
	ok(audit_spool_add(dir, &ev, &e) == 0, "and that one twice");
	ret = audit_spool_import(s, dir, 0, &n, &e);
	ok(ret == 0 && n == 1, "import: 1 taken (%zu)", n);
	store_event_rows_release(&rows);
	ret = store_events(s, NULL, NULL, 0, &rows, &e);
	ok(ret == 0 && rows.n == 4, "the stored record is not repeated: 4 events (%zu)", rows.n);
	store_event_rows_release(&rows);
	store_close(s);
	cJSON_Delete(det);
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		ok(0, "cleanup");
	free(cmd);
	free(junk);
	free(dir);
	free(db);
	return tap_done();
}
