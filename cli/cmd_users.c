/* `runlayer users`: the organisation directory and who each OS username is:
 * import, list, resolve, admin mappings, unresolved usernames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "parsers/tree.h"
#include "resolver/import.h"
#include "resolver/norm.h"
#include "resolver/resolver.h"
#include "store/export.h"
#include "store/store.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define USERS_SCHEMA 1
#define USERNAMES_MAX_BYTES (64u * 1024 * 1024)	/* --from FILE */

#define DB_OPT(var) \
	{ OPT_STRING, 0, "db", &(var), "PATH", "inventory database (RUNLAYER_DB; default ~/.runlayer/inventory.db)", 0, 0, NULL, 0, 0 }
#define ATTR_OPT(var) \
	{ OPT_LIST, 0, "attribute", &(var), "NAME", "identity attribute for tier 2 (repeatable; replaces the defaults username, userName, unix_username, sAMAccountName)", 0, 0, NULL, 0, 0 }
#define END_OPT { OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }

#define DB_HELP \
	"The directory and mappings live in the inventory: --db PATH, else\n" \
	"$RUNLAYER_DB, else $RUNLAYER_HOME/inventory.db, else ~/.runlayer/inventory.db."

#define TIERS_HELP \
	"A username is normalised first (case and diacritics folded, DOMAIN\\ and\n" \
	"@host stripped where a tier needs the bare name, '.', '-', '_' and spaces\n" \
	"alike), then matched by tiers in order: 1 exact email, 2 identity attribute,\n" \
	"3 email local part, 4 name patterns (first.last, firstlast, first initial +\n" \
	"last, first, last), 5 admin mappings ('users match'). The first tier with\n" \
	"candidates decides: one active user resolves; several are ambiguous and\n" \
	"listed; inactive users never resolve. A mapping applies when tiers 1-4 do\n" \
	"not resolve. System accounts (root, SYSTEM, _mbsetupuser, ...) never resolve."

/* ---- shared ----------------------------------------------------------- */

/* Parse options; 1 = done (*rc set), 0 = go on with *args (free it). */
static int
parse(const struct opt *opts, const struct cmd_help *help, int argc, char **argv,
      char ***args, int *nargs, int min_args, int max_args, int *rc)
{
	if (opt_parse(opts, help, argc, argv, args, nargs) < 0) {
		*rc = EXIT_USAGE;
		return 1;
	}
	if (g_opts.help) {
		free(*args);
		opt_usage(stdout, help, opts);
		*rc = EXIT_OK;
		return 1;
	}
	if (*nargs < min_args || (max_args >= 0 && *nargs > max_args)) {
		free(*args);
		*rc = opt_usage_error(help, *nargs < min_args ? "missing arguments" :
				      "too many arguments");
		return 1;
	}
	return 0;
}

/*
 * Open the inventory. Without create, a missing one gives EXIT_OK and
 * *s NULL. Otherwise an exit code after printing the error.
 */
static int
open_db(const char *db, int create, struct store **s)
{
	struct err e = ERR_INIT;
	char *path = db ? xstrdup(db) : store_default_path(&e);
	int r;

	*s = NULL;
	if (path == NULL) {
		out_error_err(&e, "cannot locate the inventory");
		return EXIT_FAIL;
	}
	r = store_open(path, create ? STORE_CREATE : 0, 0, s, &e);
	free(path);
	if (r == -ERR_NOTFOUND && !create)
		return EXIT_OK;
	if (r < 0) {
		out_error_err(&e, "cannot open the inventory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Directory text is hostile: never let it drive the terminal. */
static void
put_safe(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("-", fp);
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			putc(*p, fp);
	}
}

static size_t
safe_len(const char *s)
{
	const unsigned char *p;
	size_t n = 0;

	if (s == NULL)
		return 1;
	for (p = (const unsigned char *)s; *p; p++)
		n += (*p < 0x20 || *p == 0x7f) ? 4 : ((*p & 0xc0) != 0x80);
	return n;
}

static void
put_col(const char *s, size_t width, int last)
{
	size_t n = safe_len(s);

	put_safe(stdout, s);
	if (!last)
		for (; n < width + 2; n++)
			putchar(' ');
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* "file:line[:col]: message, skipping" for each problem of an import. */
static void
warn_issues(const char *file, const struct resolver_import *rep)
{
	size_t i;

	for (i = 0; i < rep->n_issues; i++) {
		const struct resolver_issue *is = &rep->issues[i];

		if (is->col)
			out_warn("%s:%lu:%lu: %s", file, is->line, is->col, is->msg);
		else if (is->line)
			out_warn("%s:%lu: %s", file, is->line, is->msg);
		else
			out_warn("%s: %s", file, is->msg);
	}
	if (rep->n_issues_dropped)
		out_warn("%s: %zu more problems not shown", file, rep->n_issues_dropped);
}

/* Exit code for a failed directory read or parse (printed here). */
static int
import_failed(const struct err *e)
{
	out_error_err(e, "cannot import the directory");
	if (e->code == ERR_PARSE || e->code == ERR_LIMIT)
		return EXIT_DATAERR;
	return EXIT_NOINPUT;
}

/*
 * The directory to resolve against: FILE from --directory (the stored
 * mappings still apply when an inventory exists), else the stored one.
 * Returns EXIT_OK with dir filled, or an exit code after printing.
 */
static int
load_dir(const char *db, const char *file, struct resolver_dir *dir, int *found)
{
	struct resolver_dir stored = RESOLVER_DIR_INIT;
	struct resolver_import rep;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	size_t i;
	int rc;

	*found = 0;
	if (file) {
		if (resolver_import_file(file, RESOLVER_FMT_AUTO, dir, &rep, &e) < 0) {
			resolver_import_release(&rep);
			return import_failed(&e);
		}
		warn_issues(file, &rep);
		resolver_import_release(&rep);
		*found = 1;
	}
	if ((rc = open_db(db, 0, &s)) != EXIT_OK)
		return rc;
	if (s == NULL) {
		if (file)
			return EXIT_OK;
		out_error("no directory imported yet: run '%s users import FILE' or pass "
			  "--directory FILE", prog_name);
		return EXIT_FAIL;
	}
	if (store_users_load(s, file ? &stored : dir, NULL, file ? NULL : found, &e) < 0) {
		out_error_err(&e, "cannot read the directory");
		rc = EXIT_FAIL;
	} else if (file) {
		for (i = 0; i < stored.n_maps; i++)
			resolver_dir_add_mapping(dir, stored.maps[i].username, stored.maps[i].email);
	} else if (!*found) {
		out_error("no directory imported yet: run '%s users import FILE' or pass "
			  "--directory FILE", prog_name);
		rc = EXIT_FAIL;
	}
	resolver_dir_release(&stored);
	store_close(s);
	return rc;
}

/* ---- import ----------------------------------------------------------- */

static const struct cmd_help import_help = {
	"users import",
	"[--format auto|csv|scim|json] [--attribute NAME]... [--strict] [--dry-run] [--json] [--db PATH] FILE",
	"Load the organisation directory, replacing the previous one atomically.",
	"FILE ('-' for standard input) is CSV with a header row, a SCIM 2.0\n"
	"ListResponse of Users, or a JSON array of user objects (also Okta, Google\n"
	"Workspace {\"users\": [...]} and Microsoft Graph {\"value\": [...]} lists).\n"
	"Columns and keys are recognised by name (case and punctuation ignored):\n"
	"email/mail/primaryEmail, secondary or alternate emails, first/given name,\n"
	"last/family name/surname, display/full name, external id, status (ACTIVE,\n"
	"SUSPENDED, DEPROVISIONED, ...), active/enabled, suspended/disabled/archived;\n"
	"every other column is an identity attribute. SCIM emails[] (primary\n"
	"first), active, externalId and enterprise extension attributes are read.\n"
	"Inactive and suspended users are kept but never match. Bad records are\n"
	"reported with their line and skipped; --strict refuses the whole file\n"
	"instead. A file without a single good user never replaces the directory.\n"
	"--attribute names the identity attributes of tier 2 for this directory.\n"
	"Every device username seen so far is re-resolved.\n" DB_HELP
};

static int
users_import(int argc, char **argv)
{
	const char *db = NULL, *format = "auto", *file;
	struct opt_list attrs = { NULL, 0 };
	int strict = 0, dry_run = 0;
	const struct opt opts[] = {
		{ OPT_CHOICE, 'f', "format", &format, "FMT", "auto (default), csv, scim or json", 0, 0, "auto|csv|scim|json", 0, 0 },
		ATTR_OPT(attrs),
		{ OPT_FLAG, 0, "strict", &strict, NULL, "import nothing when any record is bad", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'n', "dry-run", &dry_run, NULL, "read and check FILE, change nothing", 0, 0, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct resolver_import rep;
	struct store_directory info;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct buf b;
	char hex[SHA256_HEX_LEN + 1];
	char **args;
	long changed = 0;
	int nargs, rc, ret;

	memset(&rep, 0, sizeof(rep));
	buf_init(&b, RESOLVER_IMPORT_MAX_BYTES);
	if (parse(opts, &import_help, argc, argv, &args, &nargs, 1, 1, &rc))
		goto out_free;
	file = args[0];
	free(args);
	/* Read it here too, for the SHA-256 of what was imported. */
	if (strcmp(file, "-") == 0) {
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_add(&b, chunk, n) < 0)
				break;
		ret = ferror(stdin) ? err_sys(&e, ERR_IO, "cannot read standard input") :
		      !feof(stdin) ? err_set(&e, ERR_LIMIT, "standard input is too large") : 0;
	} else {
		ret = file_read(file, RESOLVER_IMPORT_MAX_BYTES, FILE_FOLLOW, &b, NULL, &e);
	}
	if (ret == 0)
		ret = resolver_import(b.data, b.len, (enum resolver_format)resolver_format_from_name(format),
				      &dir, &rep, &e);
	if (ret < 0) {
		err_set_path(&e, strcmp(file, "-") == 0 ? "<stdin>" : file);
		rc = ret == -ERR_PARSE || ret == -ERR_LIMIT ? EXIT_DATAERR : EXIT_NOINPUT;
		out_error_err(&e, ret == -ERR_PARSE || ret == -ERR_LIMIT ?
			      "cannot import the directory" : "cannot read the directory");
		goto out;
	}
	sha256_hex(b.data, b.len, hex);
	warn_issues(strcmp(file, "-") == 0 ? "<stdin>" : file, &rep);
	if (rep.n_added == 0) {
		out_error("no users in '%s': the directory was not replaced", file);
		rc = EXIT_DATAERR;
		goto out;
	}
	if (strict && rep.n_skipped) {
		out_error("%zu bad record%s in '%s' and --strict: the directory was not replaced",
			  rep.n_skipped, rep.n_skipped == 1 ? "" : "s", file);
		rc = EXIT_DATAERR;
		goto out;
	}
	if (rep.total_results >= 0 && (size_t)rep.total_results > rep.n_records)
		out_warn("'%s' says totalResults %lld but holds %zu users: one page of several?",
			 file, rep.total_results, rep.n_records);
	resolver_dir_set_attributes(&dir, attrs.items, (size_t)attrs.n);
	if (!dry_run) {
		memset(&info, 0, sizeof(info));
		info.source = xstrdup(file);
		info.format = xstrdup(resolver_format_name(rep.format));
		info.sha256 = xstrdup(hex);
		info.n_inactive = (long)rep.n_inactive;
		info.n_skipped = (long)rep.n_skipped;
		if ((rc = open_db(db, 1, &s)) == EXIT_OK &&
		    store_users_replace(s, &dir, &info, &changed, &e) < 0) {
			out_error_err(&e, "cannot store the directory");
			rc = EXIT_FAIL;
		}
		store_directory_release(&info);
		if (rc != EXIT_OK)
			goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(USERS_SCHEMA), *arr;
		size_t i;

		add_str(root, "source", file);
		cJSON_AddStringToObject(root, "format", resolver_format_name(rep.format));
		cJSON_AddStringToObject(root, "sha256", hex);
		cJSON_AddItemToObject(root, "users", tree_new_integer((long long)rep.n_added));
		cJSON_AddItemToObject(root, "inactive", tree_new_integer((long long)rep.n_inactive));
		cJSON_AddItemToObject(root, "skipped", tree_new_integer((long long)rep.n_skipped));
		arr = cJSON_AddArrayToObject(root, "issues");
		for (i = 0; i < rep.n_issues; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddItemToObject(o, "line", tree_new_integer((long long)rep.issues[i].line));
			cJSON_AddItemToObject(o, "column", tree_new_integer((long long)rep.issues[i].col));
			cJSON_AddStringToObject(o, "message", rep.issues[i].msg);
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_AddItemToObject(root, "reresolved", tree_new_integer(changed));
		cJSON_AddBoolToObject(root, "dry_run", dry_run);
		out_json(root);
	} else if (!g_opts.quiet) {
		printf("%s %zu users (%zu inactive) from %s (%s)", dry_run ? "Would import" : "Imported",
		       rep.n_added, rep.n_inactive, strcmp(file, "-") == 0 ? "standard input" : file,
		       resolver_format_name(rep.format));
		if (rep.n_skipped)
			printf("; %zu record%s skipped", rep.n_skipped, rep.n_skipped == 1 ? "" : "s");
		if (!dry_run)
			printf("; %ld device username%s re-resolved", changed, changed == 1 ? "" : "s");
		printf("\n");
	}
	rc = EXIT_OK;
out:
	resolver_import_release(&rep);
	resolver_dir_release(&dir);
	store_close(s);
out_free:
	free(attrs.items);
	buf_release(&b);
	return rc;
}

/* ---- list ------------------------------------------------------------- */

static const struct cmd_help list_help = {
	"users list", "[--json] [--db PATH]",
	"List the users of the imported directory.",
	"IDENTITY shows the user's identity attributes (tier 2) and aliases.\n" DB_HELP
};

/* Whether attribute name is one of the directory's tier-2 names. */
static int
tier2_attr(const struct resolver_dir *d, const char *name)
{
	const char *const *names = d->n_attr_names ? (const char *const *)d->attr_names :
				   resolver_default_attributes;
	size_t n = d->n_attr_names, i;
	struct buf a = BUF_INIT, b = BUF_INIT;
	int hit = 0;

	if (n == 0)
		while (names[n])
			n++;
	resolver_attr_key(name, &a);
	for (i = 0; i < n && !hit; i++) {
		buf_clear(&b);
		resolver_attr_key(names[i], &b);
		hit = strcmp(a.data, b.data) == 0;
	}
	buf_release(&a);
	buf_release(&b);
	return hit;
}

static int
users_list(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct store_directory info;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	int nargs, rc, found = 0;
	size_t i, k;

	memset(&info, 0, sizeof(info));
	if (parse(opts, &list_help, argc, argv, &args, &nargs, 0, 0, &rc))
		return rc;
	free(args);
	if ((rc = open_db(db, 0, &s)) != EXIT_OK)
		return rc;
	if (s && store_users_load(s, &dir, &info, &found, &e) < 0) {
		out_error_err(&e, "cannot read the directory");
		rc = EXIT_FAIL;
		goto out;
	}
	if (!found && !g_opts.quiet)
		fprintf(stderr, "No directory imported yet: run '%s users import FILE'.\n", prog_name);
	if (g_opts.json) {
		cJSON *root = out_json_doc(USERS_SCHEMA), *o, *arr, *a;

		if (found) {
			o = cJSON_AddObjectToObject(root, "directory");
			add_str(o, "source", info.source);
			add_str(o, "format", info.format);
			add_str(o, "sha256", info.sha256);
			add_str(o, "imported_at", info.imported_at);
			cJSON_AddItemToObject(o, "users", tree_new_integer(info.n_users));
			cJSON_AddItemToObject(o, "inactive", tree_new_integer(info.n_inactive));
			cJSON_AddItemToObject(o, "skipped", tree_new_integer(info.n_skipped));
			a = cJSON_AddArrayToObject(o, "attributes");
			for (i = 0; dir.n_attr_names ? i < dir.n_attr_names :
			     resolver_default_attributes[i] != NULL; i++)
				cJSON_AddItemToArray(a, cJSON_CreateString(dir.n_attr_names ?
					dir.attr_names[i] : resolver_default_attributes[i]));
		} else {
			cJSON_AddNullToObject(root, "directory");
		}
		arr = cJSON_AddArrayToObject(root, "users");
		for (i = 0; i < dir.n_users; i++) {
			const struct resolver_user *u = &dir.users[i];

			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "email", u->email);
			a = cJSON_AddArrayToObject(o, "aliases");
			for (k = 0; k < u->n_aliases; k++)
				cJSON_AddItemToArray(a, cJSON_CreateString(u->aliases[k]));
			add_str(o, "given_name", u->given_name);
			add_str(o, "family_name", u->family_name);
			add_str(o, "display_name", u->display_name);
			add_str(o, "external_id", u->external_id);
			add_str(o, "status", u->status);
			cJSON_AddBoolToObject(o, "active", u->active);
			a = cJSON_AddObjectToObject(o, "attributes");
			for (k = 0; k < u->n_attrs; k++)
				cJSON_AddStringToObject(a, u->attrs[k].name, u->attrs[k].value);
			if (u->line)
				cJSON_AddItemToObject(o, "line", tree_new_integer((long long)u->line));
			else
				cJSON_AddNullToObject(o, "line");
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else if (dir.n_users) {
		const char *head[] = { "EMAIL", "NAME", "STATUS", "IDENTITY" };
		size_t w[4] = { 5, 4, 6, 8 };
		struct buf *cells = xcalloc(dir.n_users * 4, sizeof(*cells));

		for (i = 0; i < dir.n_users; i++) {
			const struct resolver_user *u = &dir.users[i];
			struct buf *c = &cells[i * 4];

			for (k = 0; k < 4; k++)
				buf_init(&c[k], 0);
			buf_adds(&c[0], u->email);
			if (u->given_name || u->family_name)
				buf_addf(&c[1], "%s%s%s", u->given_name ? u->given_name : "",
					 u->given_name && u->family_name ? " " : "",
					 u->family_name ? u->family_name : "");
			else
				buf_adds(&c[1], u->display_name ? u->display_name : "-");
			if (u->active)
				buf_adds(&c[2], "active");
			else
				buf_addf(&c[2], "inactive (%s)", u->status ? u->status : "?");
			for (k = 0; k < u->n_attrs; k++)
				if (tier2_attr(&dir, u->attrs[k].name))
					buf_addf(&c[3], "%s%s=%s", c[3].len ? " " : "", u->attrs[k].name,
						 u->attrs[k].value);
			for (k = 0; k < u->n_aliases; k++)
				buf_addf(&c[3], "%s%s", c[3].len ? " " : "", u->aliases[k]);
			for (k = 0; k < 4; k++)
				if (safe_len(c[k].data) > w[k])
					w[k] = safe_len(c[k].data);
		}
		for (k = 0; k < 4; k++)
			put_col(head[k], w[k], k == 3);
		putchar('\n');
		for (i = 0; i < dir.n_users; i++) {
			for (k = 0; k < 4; k++) {
				put_col(cells[i * 4 + k].len ? cells[i * 4 + k].data : "-", w[k], k == 3);
				buf_release(&cells[i * 4 + k]);
			}
			putchar('\n');
		}
		free(cells);
		if (!g_opts.quiet)
			fprintf(stderr, "%ld users (%ld inactive) from %s (%s), imported %s\n",
				info.n_users, info.n_inactive, info.source ? info.source : "?",
				info.format ? info.format : "?", info.imported_at ? info.imported_at : "?");
	}
out:
	store_directory_release(&info);
	resolver_dir_release(&dir);
	store_close(s);
	return rc;
}

/* ---- resolve ---------------------------------------------------------- */

static const struct cmd_help resolve_help = {
	"users resolve",
	"[--attribute NAME]... [--directory FILE] [--from FILE] [--exit-code] [--json] [--db PATH] [USERNAME...]",
	"Resolve OS usernames to directory users and say by which tier.",
	TIERS_HELP "\n"
	"--from FILE reads more usernames, one a line ('-' for standard input).\n"
	"--directory FILE resolves against FILE instead of the imported directory\n"
	"(the stored mappings still apply). --exit-code exits 1 when any username\n"
	"does not resolve.\n" DB_HELP
};

static void
print_candidates(const struct resolver_result *r)
{
	size_t i, n = r->n_candidates < RESOLVER_MAX_CANDIDATES ? r->n_candidates :
		      RESOLVER_MAX_CANDIDATES;

	for (i = 0; i < n; i++) {
		fputs(i ? ", " : ": ", stdout);
		put_safe(stdout, r->candidates[i]->email);
	}
	if (r->n_candidates > n)
		printf(" and %zu more", r->n_candidates - n);
}

/* "tier 4 name_pattern: initial+last" */
static void
print_tier(const struct resolver_result *r)
{
	const char *detail = r->attribute ? r->attribute : r->pattern ?
			     resolver_pattern_name(r->pattern) : NULL;

	printf("tier %d %s", (int)r->tier, resolver_tier_name(r->tier));
	if (detail) {
		fputs(": ", stdout);
		put_safe(stdout, detail);
	}
}

static void
print_result(const char *username, const struct resolver_result *r)
{
	put_safe(stdout, username);
	fputs(" -> ", stdout);
	switch (r->status) {
	case RESOLVER_RESOLVED:
		put_safe(stdout, r->user->email);
		fputs(" (", stdout);
		print_tier(r);
		fputs(")", stdout);
		break;
	case RESOLVER_AMBIGUOUS:
	case RESOLVER_INACTIVE:
		fputs(r->status == RESOLVER_AMBIGUOUS ? "ambiguous (" : "inactive user (", stdout);
		print_tier(r);
		fputs(")", stdout);
		print_candidates(r);
		if (r->mapped_email && r->tier != RESOLVER_TIER_MAPPING) {
			fputs("; admin mapping to ", stdout);
			put_safe(stdout, r->mapped_email);
			fputs(" does not resolve", stdout);
		}
		break;
	case RESOLVER_NO_MATCH:
		fputs("no match", stdout);
		if (r->mapped_email) {
			fputs(" (admin mapping to ", stdout);
			put_safe(stdout, r->mapped_email);
			fputs(": no such directory user)", stdout);
		}
		break;
	case RESOLVER_SYSTEM:
		fputs("system account (never resolved)", stdout);
		break;
	case RESOLVER_EMPTY:
		fputs("empty username", stdout);
		break;
	}
	putchar('\n');
}

static cJSON *
result_json(const char *username, const struct resolver_result *r)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	size_t i, n = r->n_candidates < RESOLVER_MAX_CANDIDATES ? r->n_candidates :
		      RESOLVER_MAX_CANDIDATES;

	cJSON_AddStringToObject(o, "username", username);
	cJSON_AddStringToObject(o, "status", resolver_status_name(r->status));
	add_str(o, "user_email", r->status == RESOLVER_RESOLVED ? r->user->email : NULL);
	add_str(o, "tier", resolver_tier_name(r->tier));
	if (r->tier)
		cJSON_AddItemToObject(o, "tier_number", tree_new_integer(r->tier));
	else
		cJSON_AddNullToObject(o, "tier_number");
	add_str(o, "attribute", r->attribute);
	add_str(o, "pattern", resolver_pattern_name(r->pattern));
	add_str(o, "mapped_email", r->mapped_email);
	arr = cJSON_AddArrayToObject(o, "candidates");
	if (r->status != RESOLVER_RESOLVED)
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(r->candidates[i]->email));
	cJSON_AddItemToObject(o, "candidates_total",
			      tree_new_integer(r->status == RESOLVER_RESOLVED ? 0 :
					       (long long)r->n_candidates));
	return o;
}

/* Usernames from --from: one a line, blank lines skipped, CR trimmed. */
static int
read_names(const char *file, struct buf *text, char ***names, size_t *n)
{
	struct err e = ERR_INIT;
	char *p, *nl;
	int ret;

	buf_init(text, USERNAMES_MAX_BYTES);
	if (strcmp(file, "-") == 0) {
		char chunk[65536];
		size_t k;

		ret = 0;
		while ((k = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_add(text, chunk, k) < 0) {
				ret = err_set(&e, ERR_LIMIT, "more than %u bytes of usernames",
					      USERNAMES_MAX_BYTES);
				break;
			}
		err_set_path(&e, "<stdin>");
	} else {
		ret = file_read(file, USERNAMES_MAX_BYTES, FILE_FOLLOW, text, NULL, &e);
	}
	if (ret < 0) {
		out_error_err(&e, "cannot read the usernames");
		return EXIT_NOINPUT;
	}
	for (p = text->data; p < text->data + text->len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text->data + text->len - p));
		if (nl == NULL)
			nl = text->data + text->len;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*p) {
			*names = xreallocarray(*names, *n + 1, sizeof(**names));
			(*names)[(*n)++] = p;
		}
	}
	return EXIT_OK;
}

static int
users_resolve(int argc, char **argv)
{
	const char *db = NULL, *directory = NULL, *from = NULL;
	struct opt_list attrs = { NULL, 0 };
	int exit_code = 0;
	const struct opt opts[] = {
		ATTR_OPT(attrs),
		{ OPT_STRING, 0, "directory", &directory, "FILE", "resolve against FILE, not the imported directory", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "from", &from, "FILE", "read usernames from FILE, one a line ('-' = stdin)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "exit-code", &exit_code, NULL, "exit 1 when a username does not resolve", 0, 0, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct resolver_result r;
	struct err e = ERR_INIT;
	struct buf text = BUF_INIT;
	cJSON *root = NULL, *arr = NULL;
	char **args, **names = NULL;
	size_t n = 0, i, unresolved = 0;
	int nargs, rc, found;

	if (parse(opts, &resolve_help, argc, argv, &args, &nargs, 0, -1, &rc))
		goto out;
	for (i = 0; i < (size_t)nargs; i++) {
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = args[i];
	}
	free(args);
	if (from && (rc = read_names(from, &text, &names, &n)) != EXIT_OK)
		goto out;
	if (n == 0 && from == NULL) {
		rc = opt_usage_error(&resolve_help, "missing USERNAME (or --from FILE)");
		goto out;
	}
	if ((rc = load_dir(db, directory, &dir, &found)) != EXIT_OK)
		goto out;
	if (attrs.n)
		resolver_dir_set_attributes(&dir, attrs.items, (size_t)attrs.n);
	/* Indexes are built once, here; every lookup below is a hash probe. */
	if (resolver_dir_build(&dir, &e) < 0) {
		out_error_err(&e, "cannot index the directory");
		rc = EXIT_FAIL;
		goto out;
	}
	if (g_opts.json) {
		root = out_json_doc(USERS_SCHEMA);
		arr = cJSON_AddArrayToObject(root, "results");
	}
	for (i = 0; i < n; i++) {
		resolver_resolve(&dir, names[i], &r, &e);
		unresolved += r.status != RESOLVER_RESOLVED;
		if (arr)
			cJSON_AddItemToArray(arr, result_json(names[i], &r));
		else
			print_result(names[i], &r);
	}
	if (root) {
		out_json(root);
		root = NULL;
	}
	if (exit_code && unresolved)
		rc = EXIT_FAIL;
out:
	cJSON_Delete(root);
	free(names);
	free(attrs.items);
	buf_release(&text);
	resolver_dir_release(&dir);
	return rc;
}

/* ---- match, unmatch, mappings ----------------------------------------- */

static const struct cmd_help match_help = {
	"users match", "[--db PATH] USERNAME EMAIL",
	"Record that an OS username is a directory user (an admin's decision).",
	"The mapping is tier 5: it resolves USERNAME (also as DOMAIN\\USERNAME or\n"
	"USERNAME@host, in any case) on every device whenever tiers 1-4 do not\n"
	"resolve it (no match, ambiguous, inactive). EMAIL must be an active user of\n"
	"the directory. Devices reporting USERNAME are re-resolved at once.\n" DB_HELP
};

static int
users_match(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, END_OPT };
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct resolver_result r;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	const char *username, *email;
	long changed = 0;
	int nargs, rc, found = 0;

	if (parse(opts, &match_help, argc, argv, &args, &nargs, 2, 2, &rc))
		return rc;
	username = args[0];
	email = args[1];
	free(args);
	if ((rc = open_db(db, 0, &s)) != EXIT_OK)
		return rc;
	if (s == NULL) {
		out_error("no directory imported yet: run '%s users import FILE' first", prog_name);
		return EXIT_FAIL;
	}
	if (store_users_map(s, username, email, &changed, &e) < 0) {
		out_error_err(&e, "cannot map the username");
		rc = EXIT_FAIL;
		goto out;
	}
	if (!g_opts.quiet) {
		printf("Mapped '");
		put_safe(stdout, username);
		printf("' to ");
		put_safe(stdout, email);
		printf("; %ld device username%s re-resolved\n", changed, changed == 1 ? "" : "s");
	}
	/* Say so when a stronger tier decides and the mapping will not apply. */
	if (store_users_load(s, &dir, NULL, &found, &e) == 0 &&
	    resolver_resolve(&dir, username, &r, &e) == 0 && r.tier != RESOLVER_TIER_MAPPING &&
	    r.status == RESOLVER_RESOLVED)
		out_warn("'%s' resolves to %s by tier %d (%s): the mapping applies only while tiers "
			 "1-4 do not resolve it", username, r.user->email, (int)r.tier,
			 resolver_tier_name(r.tier));
out:
	resolver_dir_release(&dir);
	store_close(s);
	return rc;
}

static const struct cmd_help unmatch_help = {
	"users unmatch", "[--db PATH] USERNAME",
	"Remove the admin mapping of a username.",
	"Devices reporting USERNAME are re-resolved at once.\n" DB_HELP
};

static int
users_unmatch(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, END_OPT };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	const char *username;
	long changed = 0;
	int nargs, rc;

	if (parse(opts, &unmatch_help, argc, argv, &args, &nargs, 1, 1, &rc))
		return rc;
	username = args[0];
	free(args);
	if ((rc = open_db(db, 0, &s)) != EXIT_OK)
		return rc;
	if (s == NULL || store_users_unmap(s, username, &changed, &e) < 0) {
		if (s == NULL)
			err_set(&e, ERR_NOTFOUND, "no mapping for '%s'", username);
		out_error_err(&e, "cannot remove the mapping");
		store_close(s);
		return EXIT_FAIL;
	}
	if (!g_opts.quiet) {
		printf("Removed the mapping of '");
		put_safe(stdout, username);
		printf("'; %ld device username%s re-resolved\n", changed, changed == 1 ? "" : "s");
	}
	store_close(s);
	return EXIT_OK;
}

static const struct cmd_help mappings_help = {
	"users mappings", "[--json] [--db PATH]",
	"List the admin mappings ('users match').", DB_HELP
};

static int
users_mappings(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct store_mapping_rows rows = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	int nargs, rc;
	size_t i;

	if (parse(opts, &mappings_help, argc, argv, &args, &nargs, 0, 0, &rc))
		return rc;
	free(args);
	if ((rc = open_db(db, 0, &s)) != EXIT_OK)
		return rc;
	if (s && store_users_mappings(s, &rows, &e) < 0) {
		out_error_err(&e, "cannot read the mappings");
		rc = EXIT_FAIL;
		goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(USERS_SCHEMA), *arr = cJSON_AddArrayToObject(root, "mappings");

		for (i = 0; i < rows.n; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "username", rows.v[i].username);
			cJSON_AddStringToObject(o, "email", rows.v[i].email);
			cJSON_AddStringToObject(o, "created_at", rows.v[i].created_at);
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else {
		for (i = 0; i < rows.n; i++) {
			put_safe(stdout, rows.v[i].username);
			fputs(" -> ", stdout);
			put_safe(stdout, rows.v[i].email);
			printf("  (%s)\n", rows.v[i].created_at);
		}
		if (rows.n == 0 && !g_opts.quiet)
			fprintf(stderr, "No mappings.\n");
	}
out:
	store_mapping_rows_release(&rows);
	store_close(s);
	return rc;
}

/* ---- unresolved ------------------------------------------------------- */

static const struct cmd_help unresolved_help = {
	"users unresolved", "[--json] [--db PATH]",
	"List the usernames that do not resolve, with device count and last seen.",
	"Usernames come from scans of this device and from exports imported with\n"
	"'runlayer inventory import'. REASON is ambiguous (the candidates are\n"
	"listed: settle it with 'runlayer users match USERNAME EMAIL'), inactive,\n"
	"no_match, system_account, empty or no_directory.\n" DB_HELP
};

static void
unresolved_reason(struct buf *b, const struct store_unresolved_row *r)
{
	buf_adds(b, r->status);
	if (r->tier) {
		buf_addf(b, " (%s", r->tier);
		if (r->detail)
			buf_addf(b, " %s", r->detail);
		buf_addc(b, ')');
	}
}

static int
users_unresolved(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct store_unresolved_rows rows = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	int nargs, rc;
	size_t i;

	if (parse(opts, &unresolved_help, argc, argv, &args, &nargs, 0, 0, &rc))
		return rc;
	free(args);
	if ((rc = open_db(db, 0, &s)) != EXIT_OK)
		return rc;
	if (s && store_users_unresolved(s, &rows, &e) < 0) {
		out_error_err(&e, "cannot read the unresolved usernames");
		rc = EXIT_FAIL;
		goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(USERS_SCHEMA), *arr = cJSON_AddArrayToObject(root, "unresolved");

		for (i = 0; i < rows.n; i++) {
			const struct store_unresolved_row *r = &rows.v[i];
			cJSON *o = cJSON_CreateObject(), *c = cJSON_Parse(r->candidates);

			cJSON_AddStringToObject(o, "username", r->username);
			cJSON_AddItemToObject(o, "devices", tree_new_integer(r->devices));
			add_str(o, "last_seen", r->last_seen);
			add_str(o, "reason", r->status);
			add_str(o, "tier", r->tier);
			add_str(o, "detail", r->detail);
			cJSON_AddItemToObject(o, "candidates", cJSON_IsArray(c) ? c : cJSON_CreateArray());
			if (!cJSON_IsArray(c))
				cJSON_Delete(c);
			cJSON_AddItemToObject(o, "candidates_total", tree_new_integer(r->n_candidates));
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else if (rows.n) {
		const char *head[] = { "USERNAME", "DEVICES", "LAST SEEN", "REASON", "CANDIDATES" };
		struct buf *cells = xcalloc(rows.n * 5, sizeof(*cells));
		size_t w[5], k;

		for (k = 0; k < 5; k++)
			w[k] = strlen(head[k]);
		for (i = 0; i < rows.n; i++) {
			const struct store_unresolved_row *r = &rows.v[i];
			struct buf *c = &cells[i * 5];
			cJSON *cand = cJSON_Parse(r->candidates), *x;
			long shown = 0;

			for (k = 0; k < 5; k++)
				buf_init(&c[k], 0);
			buf_adds(&c[0], r->username);
			buf_addf(&c[1], "%ld", r->devices);
			buf_addf(&c[2], "%.19s%s", r->last_seen ? r->last_seen : "-",
				 r->last_seen && strlen(r->last_seen) >= 19 ? "Z" : "");
			unresolved_reason(&c[3], r);
			cJSON_ArrayForEach(x, cand) {
				if (cJSON_IsString(x)) {
					buf_addf(&c[4], "%s%s", shown ? ", " : "", x->valuestring);
					shown++;
				}
			}
			if (r->n_candidates > shown)
				buf_addf(&c[4], " and %ld more", r->n_candidates - shown);
			cJSON_Delete(cand);
			for (k = 0; k < 5; k++)
				if (safe_len(c[k].data) > w[k])
					w[k] = safe_len(c[k].data);
		}
		for (k = 0; k < 5; k++)
			put_col(head[k], w[k], k == 4);
		putchar('\n');
		for (i = 0; i < rows.n; i++) {
			for (k = 0; k < 5; k++) {
				put_col(cells[i * 5 + k].len ? cells[i * 5 + k].data : "-", w[k], k == 4);
				buf_release(&cells[i * 5 + k]);
			}
			putchar('\n');
		}
		free(cells);
	} else if (!g_opts.quiet) {
		fprintf(stderr, "No unresolved usernames.\n");
	}
out:
	store_unresolved_rows_release(&rows);
	store_close(s);
	return rc;
}

/* ---- inventory import ------------------------------------------------- */

static const struct cmd_help inv_import_help = {
	"inventory import",
	"[--format json|ndjson|csv] [--output FILE] [--directory FILE] [--no-record] [--db PATH] FILE...",
	"Attribute the inventory exports of other devices to directory users.",
	"Each FILE is the output of 'runlayer inventory export' on some device\n"
	"(ndjson, or the json document). Every row's username is resolved like a\n"
	"scan's (see 'runlayer users resolve --help') and the rows are written again\n"
	"with user_email and resolution_tier set (ndjson unless --format). The\n"
	"devices and their usernames are recorded in the inventory, so 'runlayer\n"
	"users unresolved' covers the whole fleet; --no-record records nothing, and\n"
	"neither does --directory FILE (resolving against a file that is not the\n"
	"imported directory). Unparseable lines are reported and skipped.\n" DB_HELP
};

struct seen_user {
	const char *device_id, *username, *hostname;
	char first[STORE_TIME_LEN + 1], last[STORE_TIME_LEN + 1];
};

static int
seen_cmp(const void *a, const void *b)
{
	const struct seen_user *x = a, *y = b;
	int c = strcmp(x->device_id, y->device_id);

	return c ? c : strcmp(x->username, y->username);
}

static const char *
str_item(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
set_item(cJSON *o, const char *k, const char *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	add_str(o, k, v);
}

int
cmd_inventory_import(int argc, char **argv)
{
	const char *db = NULL, *format = "ndjson", *output = NULL, *directory = NULL;
	int no_record = 0;
	const struct opt opts[] = {
		{ OPT_CHOICE, 'f', "format", &format, "FMT", "ndjson (default), json or csv", 0, 0, "json|ndjson|csv", 0, 0 },
		{ OPT_STRING, 'o', "output", &output, "FILE", "write to FILE instead of standard output", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "directory", &directory, "FILE", "resolve against FILE (records nothing)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "no-record", &no_record, NULL, "do not record the devices in the inventory", 0, 0, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, END_OPT
	};
	struct resolver_dir dir = RESOLVER_DIR_INIT;
	struct store_export_rows rows = { NULL, 0, 0 };
	struct store_device_user *du = NULL;
	struct seen_user *seen = NULL;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	char **args = NULL;
	size_t i, n_seen = 0, n_dev = 0, n_resolved = 0, n_unresolved = 0, bad = 0;
	int nargs, rc, found = 0;

	if (parse(opts, &inv_import_help, argc, argv, &args, &nargs, 1, -1, &rc))
		return rc;
	if ((rc = load_dir(db, directory, &dir, &found)) != EXIT_OK)
		goto out;
	for (i = 0; i < (size_t)nargs; i++) {
		struct resolver_import rep;
		struct buf text;

		memset(&rep, 0, sizeof(rep));
		buf_init(&text, STORE_EXPORT_READ_MAX);
		if (file_read(args[i], STORE_EXPORT_READ_MAX, FILE_FOLLOW, &text, NULL, &e) < 0) {
			out_error_err(&e, "cannot read the export");
			buf_release(&text);
			rc = EXIT_NOINPUT;
			goto out;
		}
		if (store_users_read_export(text.data, text.len, &rows, &rep, &e) < 0) {
			err_set_path(&e, args[i]);
			out_error_err(&e, "cannot read the export");
			buf_release(&text);
			resolver_import_release(&rep);
			rc = EXIT_DATAERR;
			goto out;
		}
		warn_issues(args[i], &rep);
		bad += rep.n_skipped;
		buf_release(&text);
		resolver_import_release(&rep);
	}
	if (resolver_dir_build(&dir, &e) < 0) {
		out_error_err(&e, "cannot index the directory");
		rc = EXIT_FAIL;
		goto out;
	}
	seen = xcalloc(rows.n ? rows.n : 1, sizeof(*seen));
	for (i = 0; i < rows.n; i++) {
		cJSON *o = rows.v[i];
		const char *device = str_item(o, "device_id"), *user = str_item(o, "username");
		const char *t;
		struct resolver_result r;

		resolver_resolve(&dir, user, &r, &e);
		set_item(o, "user_email", r.status == RESOLVER_RESOLVED ? r.user->email : NULL);
		set_item(o, "resolution_tier", r.status == RESOLVER_RESOLVED ?
			 resolver_tier_name(r.tier) : NULL);
		if (device == NULL || user == NULL || *user == '\0')
			continue;
		seen[n_seen].device_id = device;
		seen[n_seen].username = user;
		seen[n_seen].hostname = str_item(o, "hostname");
		t = str_item(o, "first_seen");
		if (t == NULL || store_time_parse(t, seen[n_seen].first, &e) < 0)
			seen[n_seen].first[0] = '\0';
		t = str_item(o, "last_seen");
		if (t == NULL || store_time_parse(t, seen[n_seen].last, &e) < 0)
			seen[n_seen].last[0] = '\0';
		n_seen++;
	}
	/* One record per (device, username): earliest first, latest last seen. */
	qsort(seen, n_seen, sizeof(*seen), seen_cmp);
	du = xcalloc(n_seen ? n_seen : 1, sizeof(*du));
	for (i = 0; i < n_seen; i++) {
		struct store_device_user *d = n_dev ? &du[n_dev - 1] : NULL;

		if (d && seen_cmp(&seen[i - 1], &seen[i]) == 0) {
			if (seen[i].first[0] && (d->first_seen == NULL ||
						 strcmp(seen[i].first, d->first_seen) < 0))
				d->first_seen = seen[i].first;
			if (seen[i].last[0] && (d->last_seen == NULL ||
						strcmp(seen[i].last, d->last_seen) > 0))
				d->last_seen = seen[i].last;
			continue;
		}
		d = &du[n_dev++];
		d->device_id = seen[i].device_id;
		d->username = seen[i].username;
		d->hostname = seen[i].hostname;
		d->first_seen = seen[i].first[0] ? seen[i].first : NULL;
		d->last_seen = seen[i].last[0] ? seen[i].last : NULL;
	}
	for (i = 0; i < n_dev; i++) {
		struct resolver_result r;

		resolver_resolve(&dir, du[i].username, &r, &e);
		if (r.status == RESOLVER_RESOLVED)
			n_resolved++;
		else
			n_unresolved++;
	}
	if (strcmp(format, "csv") == 0) {
		store_export_csv_header(&b);
		for (i = 0; i < rows.n; i++)
			store_export_csv_row_from_json(&b, rows.v[i]);
	} else if (strcmp(format, "ndjson") == 0) {
		for (i = 0; i < rows.n; i++) {
			char *text = tree_print(rows.v[i], 0, 0);

			buf_adds(&b, text);
			buf_addc(&b, '\n');
			free(text);
		}
	} else {
		cJSON *root = cJSON_CreateObject(), *arr;
		char now[STORE_TIME_LEN + 1], *text;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		store_time_format(&ts, now);
		cJSON_AddItemToObject(root, "schema", tree_new_integer(STORE_EXPORT_SCHEMA));
		cJSON_AddStringToObject(root, "generated_at", now);
		arr = cJSON_AddArrayToObject(root, "rows");
		for (i = 0; i < rows.n; i++) {
			cJSON_AddItemToArray(arr, rows.v[i]);
			rows.v[i] = NULL;
		}
		text = tree_print(root, 1, 0);
		buf_adds(&b, text);
		buf_addc(&b, '\n');
		free(text);
		cJSON_Delete(root);
	}
	if (!no_record && directory == NULL) {
		if ((rc = open_db(db, 1, &s)) != EXIT_OK)
			goto out;
		if (store_users_note_import(s, &dir, found, du, n_dev, &e) < 0) {
			out_error_err(&e, "cannot record the devices");
			rc = EXIT_FAIL;
			goto out;
		}
	}
	if (output && strcmp(output, "-") != 0) {
		if (file_write_atomic(output, b.data, b.len, 0600, 0, &e) < 0) {
			out_error_err(&e, "cannot write the attributed rows");
			rc = EXIT_FAIL;
			goto out;
		}
	} else {
		fwrite(b.data, 1, b.len, stdout);
	}
	if (!g_opts.quiet)
		fprintf(stderr, "Attributed %zu rows from %d file%s: %zu device username%s, %zu "
			"resolved, %zu not (see '%s users unresolved')%s\n", rows.n, nargs,
			nargs == 1 ? "" : "s", n_dev, n_dev == 1 ? "" : "s", n_resolved, n_unresolved,
			prog_name, bad ? "; some lines were skipped" : "");
	rc = EXIT_OK;
out:
	free(args);
	free(du);
	free(seen);
	buf_release(&b);
	store_export_rows_release(&rows);
	resolver_dir_release(&dir);
	store_close(s);
	return rc;
}

static const struct subcommand users_verbs[] = {
	{ "import", users_import, "load the organisation directory (CSV, SCIM 2.0, JSON)" },
	{ "list", users_list, "the users of the imported directory" },
	{ "mappings", users_mappings, "the admin mappings of usernames to users" },
	{ "match", users_match, "map an OS username to a directory user" },
	{ "resolve", users_resolve, "resolve OS usernames to users, with the tier" },
	{ "unmatch", users_unmatch, "remove the mapping of a username" },
	{ "unresolved", users_unresolved, "usernames that do not resolve, per device count" },
	{ NULL, NULL, NULL }
};

int
cmd_users(int argc, char **argv)
{
	return subcommand_run("users", users_verbs, argc, argv);
}
