/* Record directories: one file per record, named by time so that a sorted
 * listing is arrival order (the hook's audit spool and event queue). */
#ifndef UTIL_RECDIR_H
#define UTIL_RECDIR_H

#include <stddef.h>

#include "util/err.h"

/*
 * Add a record to dir (which must exist): the bytes of text, then a newline
 * when nl is set, go to a dot-named temporary file (mode 0600, never a
 * symlink), then renamed to "<seconds>.<nanoseconds>-<pid>-<n>.json", n
 * counting this process's records. A reader sees the whole record or none;
 * no record replaces another. Not fsynced (docs/quality.md, Durability).
 * what names the directory in errors ("spool", "queue"). 0 or -ERR_IO.
 */
int recdir_add(const char *dir, const char *text, size_t len, int nl, const char *what,
	       struct err *e);

/*
 * A record's file names, made ahead (recdir_slot_init()) so that a signal
 * handler can still write the record: recdir_slot_write() only calls open,
 * write, close, rename and unlink, and keeps errno.
 */
struct recdir_slot {
	char *tmp, *final;
};

void recdir_slot_init(struct recdir_slot *s, const char *dir);
void recdir_slot_release(struct recdir_slot *s);

enum recdir_step { RECDIR_CREATE = -1, RECDIR_WRITE = -2, RECDIR_RENAME = -3 };

/* Write the record to its slot: 0, or the step that failed (errno set). */
int recdir_slot_write(const struct recdir_slot *s, const char *text, size_t len, int nl);

/*
 * The record names in dir ("*.json", not dot files), sorted, at most max
 * (0: all). *names is an array of *n new strings (recdir_names_release()).
 * A missing directory is empty. Returns 0 or -ERR_IO.
 */
int recdir_list(const char *dir, size_t max, char ***names, size_t *n, struct err *e);

void recdir_names_release(char **names, size_t n);

#endif
