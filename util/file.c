/* Hostile-tree file reading (no symlinks, no FIFOs, capped size) and atomic
 * writes (temp + fsync + rename + directory fsync). */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "util/banned.h"

int
file_read(const char *path, size_t max, unsigned flags, struct buf *out,
	  struct stat *st, struct err *e)
{
	struct stat sb;
	int fd, oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int ret = 0;
	size_t start = out->len;

	if (!(flags & FILE_FOLLOW))
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0) {
		if (errno == ELOOP) {
			err_set_path(e, path);
			return err_set(e, ERR_SKIP, "is a symbolic link, not followed");
		}
		err_set_path(e, path);
		return err_sys(e, errno == ENOENT || errno == ENOTDIR ? ERR_NOTFOUND : ERR_IO,
			       "cannot open");
	}
	if (fstat(fd, &sb) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot stat");
		goto out;
	}
	if (st)
		*st = sb;
	if (!S_ISREG(sb.st_mode)) {
		err_set_path(e, path);
		ret = err_set(e, ERR_SKIP, "not a regular file");
		goto out;
	}
	if ((unsigned long long)sb.st_size > max) {
		err_set_path(e, path);
		ret = err_set(e, ERR_LIMIT, "file too large (%lld bytes, limit %zu)",
			      (long long)sb.st_size, max);
		goto out;
	}
	/* Regular files never block; clear O_NONBLOCK for clarity of reads. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	for (;;) {
		ssize_t n;
		size_t want = 65536;

		if (buf_grow(out, want) < 0 && buf_grow(out, want = 1) < 0) {
			err_set_path(e, path);
			ret = err_set(e, ERR_LIMIT, "file too large (limit %zu bytes)",
				      out->max ? out->max : max);
			goto out;
		}
		n = read(fd, out->data + out->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set_path(e, path);
			ret = err_sys(e, ERR_IO, "cannot read");
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		/* The file grew while we read it: keep to the cap regardless. */
		if (out->len - start > max) {
			err_set_path(e, path);
			ret = err_set(e, ERR_LIMIT, "file too large (limit %zu bytes)", max);
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

int
file_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd, r = 0;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		if (fsync(fd) < 0 && errno != EINVAL)
			r = -1;
		close(fd);
	}
	free(copy);
	return r;
}

int
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		  int keep_mode, struct err *e)
{
	struct stat sb;
	char *tmp = NULL;
	int fd = -1, ret = 0, have_old = 0;
	unsigned attempt;

	if (keep_mode && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		mode = sb.st_mode & 07777;
		have_old = 1;
	}
	for (attempt = 0; attempt < 100; attempt++) {
		free(tmp);
		tmp = xasprintf("%s.tmp.%ld.%u", path, (long)getpid(), attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot create temporary file");
		goto out;
	}
	/* open() applied the umask; set the exact mode and owner wanted. */
	if (fchmod(fd, mode) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot set mode");
		goto fail;
	}
	if (have_old && (sb.st_uid != geteuid() || sb.st_gid != getegid()))
		(void)!fchown(fd, sb.st_uid, sb.st_gid);
	if (file_write_all(fd, data, len) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot write");
		goto fail;
	}
	if (fsync(fd) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot sync");
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot close");
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot rename into place");
		goto fail;
	}
	if (fsync_dir_of(path) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot sync directory");
	}
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return ret;
}

int
file_mkdirs(const char *path, mode_t mode, struct err *e)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				err_set_path(e, p);
				ret = err_sys(e, ERR_IO, "cannot create directory");
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return ret;
}

char *
path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	while (*b == '/')
		b++;
	if (la == 0)
		return xstrdup(b);
	if (a[la - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}
