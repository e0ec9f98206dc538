/* Advisory locks against concurrent read-modify-write of shared files:
 * flock(2) on a directory or a lock file, with a bounded wait. */
#ifndef UTIL_LOCK_H
#define UTIL_LOCK_H

#include "util/err.h"

struct lock {
	int fd;		/* -1 when not held */
};

#define LOCK_INIT { -1 }

enum lock_flags {
	LOCK_FILE_CREATE = 1,	/* create path as an empty 0600 file when missing */
};

/*
 * Take an exclusive advisory lock on path, which must be a directory or a
 * regular file (symlinks are not followed). Waits up to timeout_ms for
 * another holder to let go (0 = one attempt). The lock is released by
 * lock_release() or when the process exits, so a crash never leaves it held.
 * Returns 0, -ERR_LIMIT when still busy after the wait, -ERR_NOTFOUND when
 * path is missing (and LOCK_FILE_CREATE not given), -ERR_SKIP for another
 * file type, -ERR_IO otherwise; e names the path.
 */
int lock_acquire(struct lock *l, const char *path, unsigned flags, unsigned timeout_ms,
		 struct err *e);

/* Release the lock (no-op when not held). */
void lock_release(struct lock *l);

#endif
