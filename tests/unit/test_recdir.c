/* Unit tests for util/recdir: every record gets its own file, whole, listed
 * in the order written; dot files and other names are not records. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "util/file.h"
#include "util/recdir.h"
#include "util/xalloc.h"

#define N 2000

/* Entries of dir whose name starts with a dot. */
static int
dot_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

int
main(void)
{
	char tmp[] = "/tmp/test_recdir.XXXXXX";
	char **names, *p, *cmd, text[32];
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	struct stat st;
	size_t n, i;
	int bad = 0, ret;

	if (mkdtemp(tmp) == NULL)
		return 1;
	ok(recdir_list(tmp, 0, &names, &n, &e) == 0 && n == 0 && names == NULL, "empty: no records");
	/* Faster than any clock tick: names must still differ. */
	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "{\"n\":%zu}", i);
		if (recdir_add(tmp, text, strlen(text), i % 2, "queue", &e) < 0)
			bad++;
	}
	ok(bad == 0, "%d records written (%s)", N, e.msg);
	ok(dot_files(tmp) == 0, "no temporary file left behind");
	p = path_join(tmp, ".tmp-not-a-record.json");
	file_write_atomic(p, "x", 1, 0600, 0, &e);
	free(p);
	p = path_join(tmp, "notes.txt");
	file_write_atomic(p, "x", 1, 0600, 0, &e);
	free(p);
	ret = recdir_list(tmp, 0, &names, &n, &e);
	ok(ret == 0 && n == N, "all %d listed, dot files and other names left out (%zu)", N, n);
	/* Sorted names are arrival order, and each file holds its record. */
	bad = 0;
	for (i = 0; ret == 0 && i < n; i++) {
		p = path_join(tmp, names[i]);
		buf_clear(&b);
		snprintf(text, sizeof(text), "{\"n\":%zu}%s", i, i % 2 ? "\n" : "");
		if (file_read(p, 64, 0, &b, &st, &e) < 0 || b.len != strlen(text) ||
		    memcmp(b.data, text, b.len) != 0 || (st.st_mode & 0777) != 0600)
			bad++;
		free(p);
	}
	ok(ret == 0 && bad == 0, "in order, whole, newline as asked, mode 0600 (%d wrong)", bad);
	recdir_names_release(names, n);
	ok(recdir_list(tmp, 10, &names, &n, &e) == 0 && n == 10, "at most 10 when asked");
	recdir_names_release(names, n);

	p = path_join(tmp, "missing");
	err_clear(&e);
	ok(recdir_list(p, 0, &names, &n, &e) == 0 && n == 0, "a missing directory is empty");
	ok(recdir_add(p, "x", 1, 0, "spool", &e) == -ERR_IO && strstr(e.msg, "cannot create") &&
	   strstr(e.msg, "missing/.tmp-"), "writing into a missing directory: %s", e.msg);
	free(p);
	if (geteuid() != 0) {
		chmod(tmp, 0500);
		err_clear(&e);
		ok(recdir_add(tmp, "x", 1, 0, "spool", &e) == -ERR_IO, "read-only directory: %s",
		   e.msg);
		chmod(tmp, 0700);
	}
	buf_release(&b);
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		ok(0, "cleanup");
	free(cmd);
	return tap_done();
}
