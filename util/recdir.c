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

#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
recdir_slot_init(struct recdir_slot *s, const char *dir)
{
	/* Within one process, names differ even where the clock is coarse. */
	static unsigned seq;
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	seq++;
	s->tmp = xasprintf("%s/.tmp-%lld.%09ld-%ld-%010u", dir, (long long)t.tv_sec, t.tv_nsec,
			   (long)getpid(), seq);
	s->final = xasprintf("%s/%lld.%09ld-%ld-%010u.json", dir, (long long)t.tv_sec, t.tv_nsec,
			     (long)getpid(), seq);
}

void
recdir_slot_release(struct recdir_slot *s)
{
	free(s->tmp);
	free(s->final);
	s->tmp = s->final = NULL;
}

/* Remove the temporary file of a failed write, keeping errno. */
static int
undo(const struct recdir_slot *s, int step)
{
	int saved = errno;

	unlink(s->tmp);
	errno = saved;
	return step;
}

int
recdir_slot_write(const struct recdir_slot *s, const char *text, size_t len, int nl)
{
	int fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return RECDIR_CREATE;
	if (file_write_all(fd, text, len) < 0 || (nl && file_write_all(fd, "\n", 1) < 0)) {
		int saved = errno;

		close(fd);
		errno = saved;
		return undo(s, RECDIR_WRITE);
	}
	if (close(fd) < 0)
		return undo(s, RECDIR_WRITE);
	if (rename(s->tmp, s->final) < 0)
		return undo(s, RECDIR_RENAME);
	return 0;
}

int
recdir_add(const char *dir, const char *text, size_t len, int nl, const char *what,
	   struct err *e)
{
	struct recdir_slot s;
	int ret;

	recdir_slot_init(&s, dir);
	ret = recdir_slot_write(&s, text, len, nl);
	if (ret == RECDIR_CREATE)
		ret = err_sys(e, ERR_IO, "cannot create '%s'", s.tmp);
	else if (ret == RECDIR_WRITE)
		ret = err_sys(e, ERR_IO, "cannot write '%s'", s.tmp);
	else if (ret == RECDIR_RENAME)
		ret = err_sys(e, ERR_IO, "cannot %s '%s'", what, s.final);
	recdir_slot_release(&s);
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
