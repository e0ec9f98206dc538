/* Record directories: write one record per file, list them in order. */
#include "util/recdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "util/banned.h"

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
recdir_add(const char *dir, const char *text, size_t len, int nl, const char *what,
	   struct err *e)
{
	/* Within one process, names differ even where the clock is coarse. */
	static unsigned seq;
	struct timespec t;
	char *tmp, *final;
	int fd, ret = 0;

	clock_gettime(CLOCK_REALTIME, &t);
	seq++;
	tmp = xasprintf("%s/.tmp-%lld.%09ld-%ld-%010u", dir, (long long)t.tv_sec, t.tv_nsec,
			(long)getpid(), seq);
	final = xasprintf("%s/%lld.%09ld-%ld-%010u.json", dir, (long long)t.tv_sec, t.tv_nsec,
			  (long)getpid(), seq);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = err_sys(e, ERR_IO, "cannot create '%s'", tmp);
		goto out;
	}
	if (write_all(fd, text, len) < 0 || (nl && write_all(fd, "\n", 1) < 0)) {
		ret = err_sys(e, ERR_IO, "cannot write '%s'", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		ret = err_sys(e, ERR_IO, "cannot write '%s'", tmp);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, final) < 0) {
		ret = err_sys(e, ERR_IO, "cannot %s '%s'", what, final);
		unlink(tmp);
	}
out:
	free(tmp);
	free(final);
	return ret;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
recdir_list(const char *dir, size_t max, char ***names, size_t *n, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : err_sys(e, ERR_IO, "cannot open '%s'", dir);
	while ((de = readdir(d)) != NULL && (max == 0 || *n < max)) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

void
recdir_names_release(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
