/* Store error messages under real I/O faults: a commit that cannot write its
 * WAL (RLIMIT_FSIZE: EFBIG) names the errno, and corrupt files say what to do. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "store/store.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/file.h"

static char base[256];

static char *
tpath(const char *rel)
{
	static char out[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(out[i], sizeof(out[i]), "%s/%s", base, rel);
	return out[i];
}

static long long
count_events(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM events", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

static int
add_event(struct store *s, size_t pad, struct err *e)
{
	struct store_event ev = { 0 };
	cJSON *d = cJSON_CreateObject();
	char *text = malloc(pad + 1);
	int ret;

	memset(text, 'x', pad);
	text[pad] = '\0';
	cJSON_AddStringToObject(d, "pad", text);
	ev.type = "test.fault";
	ev.details = d;
	ret = store_event_add(s, &ev, NULL, e);
	cJSON_Delete(d);
	free(text);
	return ret;
}

/* A commit whose WAL write fails: the message gives the errno's text. */
static void
test_commit_errno(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct rlimit old, lim;
	long long before;

	ok(store_open(tpath("fsize.db"), STORE_CREATE, 0, &s, &e) == 0, "create (%s)", e.msg);
	ok(add_event(s, 10, &e) == 0, "a small event");
	store_close(s);
	before = count_events(tpath("fsize.db"));
	ok(before == 1, "one event stored");

	ok(store_open(tpath("fsize.db"), 0, 0, &s, &e) == 0, "reopen (%s)", e.msg);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	ok(setrlimit(RLIMIT_FSIZE, &lim) == 0, "file size limit 64 KiB");
	err_clear(&e);
	ok(add_event(s, 256 * 1024, &e) < 0, "an event over the limit fails");
	setrlimit(RLIMIT_FSIZE, &old);
	ok(strstr(e.msg, strerror(EFBIG)) != NULL, "the message says why (%s)", e.msg);
	ok(e.sys_errno == EFBIG, "errno kept (%d)", e.sys_errno);
	is_str(e.path, tpath("fsize.db"), "the message names the inventory");
	err_clear(&e);
	ok(add_event(s, 10, &e) == 0, "the next write succeeds (%s)", e.msg);
	store_close(s);
	is_int(count_events(tpath("fsize.db")), before + 1, "no event lost, none half-written");
}

/* Another process holds the write lock: RUNLAYER_DB_TIMEOUT_MS bounds the
 * wait, the message says what happened, and nothing is written. */
static void
test_busy(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct timespec t0, t1;
	sqlite3 *other;
	long ms;

	ok(sqlite3_open(tpath("fsize.db"), &other) == SQLITE_OK, "a second connection");
	ok(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK, "holds the lock");
	setenv("RUNLAYER_DB_TIMEOUT_MS", "300", 1);
	ok(store_open(tpath("fsize.db"), 0, 0, &s, &e) == 0, "opening still works (%s)", e.msg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(add_event(s, 10, &e) < 0, "a write gives up");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ok(ms >= 250 && ms < 5000, "after the timeout of the variable (%ld ms)", ms);
	ok(strstr(e.msg, "database is locked") && strstr(e.msg, "try again"),
	   "the message says so (%s)", e.msg);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	err_clear(&e);
	ok(add_event(s, 10, &e) == 0, "once released, the write succeeds (%s)", e.msg);
	store_close(s);
	unsetenv("RUNLAYER_DB_TIMEOUT_MS");
	is_int(count_events(tpath("fsize.db")), 3, "one more event, none from the failed write");
}

/* A file that is not a database: refused, left as it is, with advice. */
static void
test_corrupt_advice(void)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct buf before = BUF_INIT, after = BUF_INIT;
	const char junk[] = "SQLite format 3\0 but then nothing that makes sense at all, "
			    "repeated until the header is long enough to be read..........";
	FILE *f = fopen(tpath("junk.db"), "wb");

	fwrite(junk, 1, sizeof(junk), f);
	for (int i = 0; i < 64; i++)
		fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	file_read(tpath("junk.db"), 1 << 20, 0, &before, NULL, NULL);
	ok(store_open(tpath("junk.db"), STORE_CREATE, 0, &s, &e) < 0 && s == NULL, "refused");
	ok(strstr(e.msg, "move it aside") != NULL, "says what to do (%s)", e.msg);
	is_str(e.path, tpath("junk.db"), "names the file");
	file_read(tpath("junk.db"), 1 << 20, 0, &after, NULL, NULL);
	ok(before.len == after.len && memcmp(before.data, after.data, before.len) == 0,
	   "the file is byte-identical");
	buf_release(&before);
	buf_release(&after);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, sizeof(base), "%s/test_store_faults.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_commit_errno();
	test_busy();
	test_corrupt_advice();
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", base);
	}
	return tap_done();
}
