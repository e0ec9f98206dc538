/* Internals shared by the store's source files (not a public interface):
 * the connection, transactions with retry, and statement helpers. */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"
#include "util/err.h"

struct store {
	sqlite3 *db;
	char *path;
	int timeout_ms;		/* give up waiting for the write lock after this */
	struct timespec busy_start;	/* start of the current wait (busy handler) */
	int version;		/* schema version after migration */
};

/* Fill e from the connection's last error ("inventory database: …"). */
int store_sql_err(struct store *s, struct err *e, const char *what);

/* Run SQL text without results. 0 or -ERR_IO. */
int store_exec(struct store *s, const char *sql, struct err *e);

/*
 * BEGIN IMMEDIATE (write lock now, waiting through the busy handler and
 * retrying while the lock stays busy, up to the timeout) or a deferred
 * BEGIN for readers. 0 or -ERR_IO.
 */
int store_begin(struct store *s, int immediate, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* Prepare a statement (0 or -ERR_IO). */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e);
/* Bind text; NULL binds SQL NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Column as a new string, or NULL. */
char *store_col_text(sqlite3_stmt *st, int i);

/* Bring the schema to STORE_SCHEMA_VERSION (store/schema.c). Runs in its
 * own IMMEDIATE transaction; refuses newer databases with -ERR_INVALID. */
int store_migrate(struct store *s, struct err *e);

/* The current time in the stored form. */
void store_now(char out[STORE_TIME_LEN + 1]);

#endif
