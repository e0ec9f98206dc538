/* Directory import: CSV with a header row (RFC 4180), a SCIM 2.0
 * ListResponse of Users, or a JSON array of user objects. */
#ifndef RESOLVER_IMPORT_H
#define RESOLVER_IMPORT_H

#include <stddef.h>

#include "resolver/resolver.h"
#include "util/err.h"

#define RESOLVER_IMPORT_MAX_BYTES	(512u * 1024 * 1024)	/* whole file */
#define RESOLVER_IMPORT_MAX_FIELD	(64u * 1024)		/* CSV field */
#define RESOLVER_IMPORT_MAX_COLUMNS	512			/* CSV columns */
#define RESOLVER_IMPORT_MAX_RECORD	(1024u * 1024)		/* JSON user object */
#define RESOLVER_IMPORT_MAX_ISSUES	1000			/* kept; the rest counted */

enum resolver_format {
	RESOLVER_FMT_AUTO = 0,	/* '{' → SCIM (or a {"users"|"value": [...]} list), '[' → JSON, else CSV */
	RESOLVER_FMT_CSV,
	RESOLVER_FMT_SCIM,
	RESOLVER_FMT_JSON,
};

/* "csv", "scim", "json"; "auto" for RESOLVER_FMT_AUTO. */
const char *resolver_format_name(enum resolver_format f);
/* The format for a name ("auto", "csv", "scim", "json"), or -1. */
int resolver_format_from_name(const char *name);

/* A record that was skipped, or a note about the file (line 0). */
struct resolver_issue {
	unsigned long line, col;	/* 1-based; col 0 = whole record */
	char *msg;			/* printable: control characters escaped */
};

struct resolver_import {
	enum resolver_format format;	/* what was read */
	size_t n_records;		/* user records seen (good and bad) */
	size_t n_added;			/* users added to the directory */
	size_t n_inactive;		/* …of which inactive */
	size_t n_skipped;		/* bad records */
	long long total_results;	/* SCIM totalResults, -1 when absent */
	struct resolver_issue *issues;	/* the first RESOLVER_IMPORT_MAX_ISSUES */
	size_t n_issues, cap_issues;
	size_t n_issues_dropped;
};

void resolver_import_release(struct resolver_import *rep);

/*
 * Read a directory from text (len bytes) into dir (appended; the caller
 * starts from an empty one). Fields are recognised by name, case and
 * punctuation ignored: email / mail / primaryEmail (the primary address),
 * emails / secondary / alternate addresses (aliases), first / given name,
 * last / family name / surname, display / full name, external id, status
 * / state (ACTIVE, SUSPENDED, DEPROVISIONED, …), active / enabled,
 * suspended / disabled / archived; every other field is an identity
 * attribute under its own name. JSON objects may nest a SCIM "name"
 * object, an "emails" array (primary flag honoured), an Okta-style
 * "profile", "identity_attributes", and schema extension objects
 * ("urn:…:enterprise:2.0:User"), whose members become attributes. With no
 * address, a userName / login / userPrincipalName that is one is used.
 *
 * A bad record (no or invalid address, duplicate primary address, unknown
 * status, wrong CSV field count, invalid UTF-8, over a size limit, not an
 * object) is skipped and listed in rep->issues with its line. Returns 0
 * (even when records were skipped), -ERR_PARSE when the file as a whole
 * cannot be read (no header or no email column, unterminated quote,
 * broken JSON structure: e has line and column), or -ERR_LIMIT (over
 * RESOLVER_IMPORT_MAX_BYTES or RESOLVER_MAX_USERS).
 */
int resolver_import(const char *text, size_t len, enum resolver_format fmt,
		    struct resolver_dir *dir, struct resolver_import *rep, struct err *e);

/* Read path (util/file.h rules: no symlinks or FIFOs, capped; "-" = standard
 * input) and import it. -ERR_IO / -ERR_NOTFOUND / -ERR_SKIP for the file,
 * with e->path set; otherwise as resolver_import(). */
int resolver_import_file(const char *path, enum resolver_format fmt, struct resolver_dir *dir,
			 struct resolver_import *rep, struct err *e);

#endif
