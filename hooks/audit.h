/* Audit records of the hook runtime: written to the store's event log, or,
 * when the store cannot take them in time, spooled to files that the next
 * writer imports, so no decision is ever lost. */
#ifndef HOOKS_AUDIT_H
#define HOOKS_AUDIT_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

#define AUDIT_SPOOL_MAX		10000	/* beyond this, spooled records are dropped */
#define AUDIT_IMPORT_BATCH	64	/* records a hook imports per run */
#define AUDIT_IMPORT_WAIT_MS	3000	/* a full import waits this long for another */

/* <state dir>/audit-pending (util/state.h). New string, or NULL with e. */
char *audit_spool_dir(struct err *e);

/*
 * One event as a spool file holds it (its time fixed now when ev->time is
 * NULL): a new string, or NULL with e.
 */
char *audit_record_text(const struct store_event *ev, struct err *e);

/*
 * Spool one event (its time fixed now when ev->time is NULL) as a 0600
 * JSON file, created under a temporary name and renamed. 0 or -ERR_*.
 */
int audit_spool_add(const char *dir, const struct store_event *ev, struct err *e);

/*
 * Move up to max spooled events (0 = all) into s, oldest first, each in
 * its own transaction; a file that cannot be parsed is removed. Stops at
 * the first store error. Importers exclude each other with a lock on dir:
 * with max > 0 (a hook) a busy lock means someone else imports and 0 is
 * returned at once; with max 0 it is waited for up to AUDIT_IMPORT_WAIT_MS.
 * *imported (optional) gets the count of events added (a record the store
 * already holds, store_event.once, is removed without counting). 0 or -ERR_*.
 */
int audit_spool_import(struct store *s, const char *dir, size_t max, size_t *imported,
		       struct err *e);

#endif
