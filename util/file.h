/* Safe file access for hostile trees: reads that refuse symlinks, FIFOs and
 * devices and cap the size; atomic replacement (temp + fsync + rename). */
#ifndef UTIL_FILE_H
#define UTIL_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/err.h"

#define FILE_READ_MAX_DEFAULT (16u * 1024 * 1024)

enum file_read_flags {
	FILE_FOLLOW = 1,	/* allow the last component to be a symlink */
};

/*
 * Read a regular file into out (appended; out's own cap also applies).
 * Opens with O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK unless FILE_FOLLOW, fstat()s
 * the descriptor and refuses anything but a regular file (-ERR_SKIP), and
 * refuses files larger than max bytes (-ERR_LIMIT) without reading them.
 * st, when not NULL, receives the fstat() result. Returns 0 or -ERR_*.
 */
int file_read(const char *path, size_t max, unsigned flags, struct buf *out,
	      struct stat *st, struct err *e);

/*
 * Replace path with data atomically: write a temporary file in the same
 * directory (created exclusively, mode `mode`, or the mode and owner of the
 * existing file when keep_mode is set), fsync it, rename it over path and
 * fsync the directory. Never leaves a torn file. Returns 0 or -ERR_IO.
 */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      int keep_mode, struct err *e);

/*
 * Write all len bytes to fd, again after EINTR or a short write. 0, or -1
 * with errno. Only calls write(): safe in a signal handler.
 */
int file_write_all(int fd, const void *data, size_t len);

/* mkdir -p with the given mode for created components. 0 or -ERR_IO. */
int file_mkdirs(const char *path, mode_t mode, struct err *e);

/* Join two path parts with exactly one '/'. Returns a new string. */
char *path_join(const char *a, const char *b);

#endif
