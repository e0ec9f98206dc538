/* Advisory exclusive locks with flock(2): on a directory (no stray files in
 * other tools' directories) or on a lock file; bounded polling wait. */
#include "util/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/banned.h"

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
lock_acquire(struct lock *l, const char *path, unsigned flags, unsigned timeout_ms,
	     struct err *e)
{
	struct stat st;
	long long deadline = now_ms() + timeout_ms;
	unsigned nap = 5;
	int fd, oflags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;

	l->fd = -1;
	fd = open(path, oflags);
	if (fd < 0 && errno == ENOENT && (flags & LOCK_FILE_CREATE))
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0) {
		err_set_path(e, path);
		if (errno == ELOOP)
			return err_set(e, ERR_SKIP, "lock path is a symbolic link");
		return err_sys(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "cannot open for locking");
	}
	if (fstat(fd, &st) < 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
		close(fd);
		err_set_path(e, path);
		return err_set(e, ERR_SKIP, "cannot lock: not a directory or regular file");
	}
	for (;;) {
		struct timespec ts;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			err_set_path(e, path);
			return err_sys(e, ERR_IO, "cannot lock");
		}
		if (now_ms() >= deadline) {
			close(fd);
			err_set_path(e, path);
			return err_set(e, ERR_LIMIT, "locked by another process (waited %u ms)",
				       timeout_ms);
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (long)nap * 1000000L;
		nanosleep(&ts, NULL);
		if (nap < 100)
			nap *= 2;
	}
	l->fd = fd;
	return 0;
}

void
lock_release(struct lock *l)
{
	if (l->fd >= 0) {
		flock(l->fd, LOCK_UN);
		close(l->fd);
	}
	l->fd = -1;
}
