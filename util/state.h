/* Where runlayer keeps its own files (~/.runlayer), relocatable with
 * RUNLAYER_HOME for tests and packaging. */
#ifndef UTIL_STATE_H
#define UTIL_STATE_H

#include "util/err.h"

/*
 * The state directory: $RUNLAYER_HOME when it is an absolute path (empty
 * or relative values are ignored, as store_default_path() does), else
 * $HOME/.runlayer when HOME is absolute, else the password database's home
 * + "/.runlayer". The directory is not created. Returns a new string the
 * caller frees, or NULL with e filled (ERR_NOTFOUND) when no home is known.
 */
char *state_dir(struct err *e);

/* The user's home directory as state_dir() finds it ($HOME when absolute,
 * else the password database). New string, or NULL with e filled. */
char *state_home(struct err *e);

#endif
