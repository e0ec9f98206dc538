/* Hook event outbox: a spool directory of one-event JSON files, created
 * atomically by concurrent hooks and drained in time order by sync. */
#include "hooks/queue.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/recdir.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

char *
queue_default_dir(struct err *e)
{
	char *dir = state_dir(e), *p;

	if (dir == NULL)
		return NULL;
	p = path_join(dir, "queue/hook-events");
	free(dir);
	return p;
}

size_t
queue_count(const char *dir, size_t limit)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) != NULL && (limit == 0 || n < limit))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

int
queue_add(const char *dir, const cJSON *body, struct err *e)
{
	struct timespec t;
	char *text = NULL, *mark;
	struct stat st;
	int fd, ret = 0;
	size_t len;

	mark = path_join(dir, QUEUE_FULL_MARK);
	clock_gettime(CLOCK_REALTIME, &t);
	if (stat(mark, &st) == 0) {
		/* Re-check once a minute: sync may have drained it. */
		if (t.tv_sec - st.st_mtime < 60) {
			ret = err_set(e, ERR_LIMIT, "hook event queue is full");
			goto out;
		}
		unlink(mark);
	}
	text = cJSON_PrintUnformatted(body);
	if (text == NULL) {
		ret = err_set(e, ERR_INVALID, "event cannot be serialised");
		goto out;
	}
	len = strlen(text);
	if (len > QUEUE_MAX_BODY) {
		ret = err_set(e, ERR_LIMIT, "event of %zu bytes is over the %u-byte limit", len,
			      QUEUE_MAX_BODY);
		goto out;
	}
	if ((ret = file_mkdirs(dir, 0700, e)) < 0)
		goto out;
	/* Counting is a directory read: do it for one event in 64. */
	if ((t.tv_nsec / 1000) % 64 == 0 && queue_count(dir, QUEUE_MAX_FILES) >= QUEUE_MAX_FILES) {
		fd = open(mark, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		ret = err_set(e, ERR_LIMIT, "hook event queue is full (%d events)", QUEUE_MAX_FILES);
		goto out;
	}
	ret = recdir_add(dir, text, len, 1, "queue", e);
out:
	free(mark);
	free(text);
	return ret;
}

int
queue_drain(const char *dir, size_t max,
	    int (*send)(const char *body, size_t len, void *arg), void *arg,
	    size_t *sent, struct err *e)
{
	char **names;
	size_t n, i;
	int ret;

	*sent = 0;
	if ((ret = recdir_list(dir, 0, &names, &n, e)) < 0)
		return ret;
	for (i = 0; i < n && (max == 0 || *sent < max); i++) {
		char *p = path_join(dir, names[i]);
		struct buf b = BUF_INIT;
		struct err fe = ERR_INIT;

		if (file_read(p, QUEUE_MAX_BODY + 2, 0, &b, NULL, &fe) < 0) {
			unlink(p);
		} else if (send(b.data, b.len, arg) == 0) {
			unlink(p);
			(*sent)++;
		} else {
			free(p);
			buf_release(&b);
			break;
		}
		free(p);
		buf_release(&b);
	}
	if (*sent > 0) {
		char *mark = path_join(dir, QUEUE_FULL_MARK);

		unlink(mark);
		free(mark);
	}
	recdir_names_release(names, n);
	return ret;
}
