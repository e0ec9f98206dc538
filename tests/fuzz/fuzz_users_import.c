/* libFuzzer target for directory import (CSV, SCIM, JSON) and resolution:
 * whatever the bytes, import either fails cleanly or yields users with
 * valid addresses and consistent counts; resolution of names taken from
 * the input only ever returns users of the directory; folding always
 * yields valid UTF-8; reading them as an inventory export never crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolver/import.h"
#include "resolver/norm.h"
#include "resolver/resolver.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_result(const struct resolver_dir *d, const struct resolver_result *r)
{
	size_t i, n = r->n_candidates < RESOLVER_MAX_CANDIDATES ? r->n_candidates :
		      RESOLVER_MAX_CANDIDATES;

	if (r->status == RESOLVER_RESOLVED) {
		if (r->user == NULL || r->user < d->users || r->user >= d->users + d->n_users ||
		    !r->user->active || r->tier == RESOLVER_TIER_NONE)
			abort();
	} else if (r->user != NULL) {
		abort();
	}
	if ((r->status == RESOLVER_AMBIGUOUS && r->n_candidates < 2) ||
	    (r->status == RESOLVER_INACTIVE && r->n_candidates < 1))
		abort();
	for (i = 0; i < n; i++)
		if (r->candidates[i] < d->users || r->candidates[i] >= d->users + d->n_users)
			abort();
	if (r->status == RESOLVER_INACTIVE)
		for (i = 0; i < n; i++)
			if (r->candidates[i]->active)
				abort();
}

static void
one(const char *text, size_t size, enum resolver_format fmt)
{
	struct resolver_dir d = RESOLVER_DIR_INIT;
	struct resolver_import rep;
	struct resolver_result r;
	struct err e = ERR_INIT;
	size_t i, k;
	int ret;

	ret = resolver_import(text, size, fmt, &d, &rep, &e);
	if (ret < 0) {
		if ((ret != -ERR_PARSE && ret != -ERR_LIMIT) || e.msg[0] == '\0')
			abort();
		if (ret == -ERR_PARSE && e.line == 0)
			abort();
	} else {
		if (rep.n_added != d.n_users || rep.n_records != rep.n_added + rep.n_skipped ||
		    rep.n_issues + rep.n_issues_dropped < rep.n_skipped)
			abort();
		for (i = 0; i < rep.n_issues; i++)
			if (rep.issues[i].msg == NULL || rep.issues[i].line == 0)
				abort();
	}
	for (i = 0; i < d.n_users; i++) {
		const struct resolver_user *u = &d.users[i];

		if (!resolver_email_valid(u->email) || u->line == 0)
			abort();
		for (k = 0; k < u->n_aliases; k++)
			if (!resolver_email_valid(u->aliases[k]))
				abort();
	}
	if (ret == 0 && d.n_users) {
		const struct resolver_user *u = &d.users[d.n_users - 1];

		resolver_dir_add_mapping(&d, "fuzz", d.users[0].email);
		if (resolver_dir_build(&d, &e) < 0)
			abort();
		resolver_resolve(&d, u->email, &r, &e);
		check_result(&d, &r);
		if (r.status == RESOLVER_RESOLVED && r.tier != RESOLVER_TIER_EMAIL)
			abort();
		if (u->given_name)
			resolver_resolve(&d, u->given_name, &r, &e), check_result(&d, &r);
		if (u->n_attrs)
			resolver_resolve(&d, u->attrs[0].value, &r, &e), check_result(&d, &r);
		resolver_resolve(&d, "fuzz", &r, &e);
		check_result(&d, &r);
	}
	resolver_dir_release(&d);
	resolver_import_release(&rep);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct resolver_dir d = RESOLVER_DIR_INIT;
	struct resolver_result r;
	struct store_export_rows rows = { NULL, 0, 0 };
	struct resolver_import rep;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	char *name;

	if (size > 1024 * 1024)
		return 0;
	one(text, size, RESOLVER_FMT_AUTO);
	one(text, size, RESOLVER_FMT_CSV);
	one(text, size, RESOLVER_FMT_SCIM);
	one(text, size, RESOLVER_FMT_JSON);

	/* Folding any bytes gives valid UTF-8. */
	resolver_fold(text, size, &b);
	if (!resolver_utf8_valid(b.data, b.len))
		abort();
	buf_release(&b);

	/* The input as a username, against an empty directory. */
	name = xstrndup(text, size < 256 ? size : 256);
	if (resolver_resolve(&d, name, &r, &e) < 0 || r.status == RESOLVER_RESOLVED)
		abort();
	free(name);
	resolver_dir_release(&d);

	/* …and as another device's inventory export. */
	memset(&rep, 0, sizeof(rep));
	if (store_users_read_export(text, size, &rows, &rep, &e) == 0 && rows.n != rep.n_added)
		abort();
	store_export_rows_release(&rows);
	resolver_import_release(&rep);
	return 0;
}
