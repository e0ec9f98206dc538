/* libFuzzer target for the hook runtime's spool files, read back by later
 * runs: an audit record (audit-pending/<time>.json) is imported into the store
 * or dropped, a queued hook event (queue/hook-events/<time>.json) is handed to
 * the sender as written; either way the file is gone afterwards. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/audit.h"
#include "hooks/queue.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "tests/fuzz/fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_spool: %s\n", what);
		abort();
	}
}

static size_t
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

struct sent {
	const uint8_t *data;
	size_t size, calls;
};

static int
on_send(const char *body, size_t len, void *arg)
{
	struct sent *s = arg;

	s->calls++;
	check(len == s->size, "the event changed size on the way");
	if (len)
		check(memcmp(body, s->data, len) == 0 && body[len] == '\0',
		      "the event changed on the way");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	struct sent s = { data, size, 0 };
	size_t n = 0;
	char *adir, *qdir;

	if (size > 64 * 1024)
		return 0;
	if (store == NULL) {
		char *db = xasprintf("%s/inventory.db", fuzz_tmp());

		check(store_open(db, STORE_CREATE, 0, &store, &e) == 0, "store_open");
		free(db);
	}
	adir = xasprintf("%s/audit-pending", fuzz_tmp());
	qdir = xasprintf("%s/queue/hook-events", fuzz_tmp());

	fuzz_tmp_write("audit-pending/1700000000.000000001-1.json", data, size, 0600);
	check(audit_spool_import(store, adir, 0, &n, &e) == 0, "audit import failed");
	check(n <= 1, "more records than files");
	check(files_in(adir) == 0, "an audit record stayed");

	fuzz_tmp_write("queue/hook-events/1700000000.000000001-1.json", data, size, 0600);
	check(queue_drain(qdir, 0, on_send, &s, &n, &e) == 0, "queue drain failed");
	check(n == 1 && s.calls == 1, "the event was not handed over once");
	check(files_in(qdir) == 0, "a queued event stayed");
	free(adir);
	free(qdir);
	return 0;
}
