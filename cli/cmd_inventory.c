/* `runlayer inventory`: the local inventory kept by scans: current servers,
 * where one is configured, differences, scan history, exports, audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "hooks/audit.h"
#include "parsers/tree.h"
#include "store/export.h"
#include "store/store.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DB_OPT(var) \
	{ OPT_STRING, 0, "db", &(var), "PATH", "inventory database (RUNLAYER_DB; default ~/.runlayer/inventory.db)", 0, 0, NULL, 0, 0 }
#define END_OPT { OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }

#define DB_HELP \
	"The inventory lives in --db PATH, else $RUNLAYER_DB, else\n" \
	"$RUNLAYER_HOME/inventory.db, else ~/.runlayer/inventory.db. Times are UTC."

/* ---- shared ----------------------------------------------------------- */

/*
 * Parse options; 1 = done (help printed or usage error, *rc set), 0 = go
 * on with *args (free it).
 */
static int
parse(const struct opt *opts, const struct cmd_help *help, int argc, char **argv,
      char ***args, int *nargs, int max_args, int *rc)
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
	if (*nargs > max_args) {
		free(*args);
		*rc = opt_usage_error(help, "too many arguments");
		return 1;
	}
	return 0;
}

/*
 * Open the inventory for reading. Returns EXIT_OK with *s set, EXIT_OK with
 * *s NULL when there is no inventory yet (commands print an empty result),
 * or an exit code after printing the error.
 */
static int
open_db(const char *db, struct store **s)
{
	struct err e = ERR_INIT;
	char *path = db ? xstrdup(db) : store_default_path(&e);
	int r;

	*s = NULL;
	if (path == NULL) {
		out_error_err(&e, "cannot locate the inventory");
		return EXIT_FAIL;
	}
	r = store_open(path, 0, 0, s, &e);
	if (r == -ERR_NOTFOUND) {
		if (!g_opts.quiet)
			fprintf(stderr, "%s: no inventory at '%s' yet; run '%s scan' first\n",
				prog_name, path, prog_name);
		free(path);
		return EXIT_OK;
	}
	free(path);
	if (r < 0) {
		out_error_err(&e, "cannot open the inventory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int
store_failed(const struct err *e, const char *what)
{
	out_error_err(e, what);
	return EXIT_FAIL;
}

/* Text from configs is hostile: never let it drive the terminal. */
static void
put_safe(const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("-", stdout);
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

/* Width of s as put_safe prints it (bytes; good enough for alignment). */
static size_t
safe_len(const char *s)
{
	size_t n = 0;
	const unsigned char *p;

	if (s == NULL)
		return 1;
	for (p = (const unsigned char *)s; *p; p++)
		n += (*p < 0x20 || *p == 0x7f) ? 4 : 1;
	return n;
}

static void
put_col(const char *s, size_t width, int last)
{
	size_t n = safe_len(s);

	put_safe(s);
	if (!last)
		for (; n < width + 2; n++)
			putchar(' ');
}

/* "2026-03-25T10:11:12.345Z" → "2026-03-25T10:11:12Z" for tables. */
static const char *
short_time(const char *t)
{
	static char buf[4][32];
	static int i;

	if (t == NULL || strlen(t) != STORE_TIME_LEN)
		return t;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%.19sZ", t);
	return buf[i];
}

static int
same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static const char *
row_status(const struct store_server_row *r)
{
	return !r->present ? "removed" : r->carried ? "carried" : "present";
}

static int
check_scope(const struct cmd_help *help, const char *scope)
{
	if (scope && strcmp(scope, "global") && strcmp(scope, "project") && strcmp(scope, "plugin"))
		return opt_usage_error(help, "invalid value '%s' for --scope (expected "
				       "global|project|plugin)", scope);
	return 0;
}

/* ---- list ------------------------------------------------------------- */

static const struct cmd_help list_help = {
	"inventory list", "[--client C] [--scope S] [--all] [--json] [--db PATH]",
	"List the MCP servers configured now, with where and since when.",
	"A server is current when the latest scan saw it. 'carried' marks one whose\n"
	"config file could not be read in the latest scan (or whose project the\n"
	"crawl did not reach): it is kept as last seen, not reported as removed.\n"
	"--all adds servers that are gone (status 'removed').\n" DB_HELP
};

static void
print_table(const struct store_rows *rows)
{
	const char *head[] = { "CLIENT", "SCOPE", "SERVER", "PROJECT/PLUGIN", "FIRST SEEN",
			       "LAST SEEN", "STATUS" };
	size_t w[7], i, k;

	for (k = 0; k < 7; k++)
		w[k] = strlen(head[k]);
	for (i = 0; i < rows->n; i++) {
		const struct store_server_row *r = &rows->v[i];
		const char *cells[7] = { r->client, r->scope, r->name,
					 r->project_path ? r->project_path : r->plugin_id,
					 short_time(r->first_seen), short_time(r->last_seen),
					 row_status(r) };

		for (k = 0; k < 7; k++)
			if (safe_len(cells[k]) > w[k])
				w[k] = safe_len(cells[k]);
	}
	for (k = 0; k < 7; k++)
		put_col(head[k], w[k], k == 6);
	putchar('\n');
	for (i = 0; i < rows->n; i++) {
		const struct store_server_row *r = &rows->v[i];
		const char *cells[7] = { r->client, r->scope, r->name,
					 r->project_path ? r->project_path : r->plugin_id,
					 short_time(r->first_seen), short_time(r->last_seen),
					 row_status(r) };

		for (k = 0; k < 7; k++)
			put_col(cells[k], w[k], k == 6);
		putchar('\n');
	}
}

static int
inv_list(int argc, char **argv)
{
	const char *db = NULL, *client = NULL, *scope = NULL;
	int all = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "client", &client, "C", "only this client (see 'runlayer clients')", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "scope", &scope, "S", "only this scope: global, project or plugin", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'a', "all", &all, NULL, "include servers that are gone", 0, 0, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct store_filter f;
	struct store_rows rows = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	int nargs, rc;
	size_t i;

	if (parse(opts, &list_help, argc, argv, &args, &nargs, 0, &rc))
		return rc;
	free(args);
	if ((rc = check_scope(&list_help, scope)) != 0)
		return rc;
	if ((rc = open_db(db, &s)) != EXIT_OK)
		return rc;
	memset(&f, 0, sizeof(f));
	f.client = client;
	f.scope = scope;
	f.include_removed = all;
	if (s && store_servers(s, &f, &rows, &e) < 0) {
		rc = store_failed(&e, "cannot read the inventory");
		goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(STORE_EXPORT_SCHEMA), *arr = cJSON_AddArrayToObject(root, "servers");

		for (i = 0; i < rows.n; i++)
			cJSON_AddItemToArray(arr, store_export_row_json(&rows.v[i]));
		out_json(root);
	} else if (rows.n) {
		print_table(&rows);
	} else if (s && !g_opts.quiet) {
		fprintf(stderr, "No MCP servers in the inventory%s.\n",
			client || scope ? " match" : "");
	}
out:
	store_rows_release(&rows);
	store_close(s);
	return rc;
}

/* ---- show ------------------------------------------------------------- */

static const struct cmd_help show_help = {
	"inventory show", "[--json] [--db PATH] NAME|HASH",
	"Show every place a server is configured, with its provenance.",
	"NAME is a server name; HASH a config_hash or a prefix of at least 8 hex\n"
	"digits. Places where the server is gone are listed too (status 'removed').\n"
	DB_HELP
};

static void
field(const char *label, const char *value)
{
	if (value == NULL)
		return;
	printf("    %-12s ", label);
	put_safe(value);
	putchar('\n');
}

static void
print_place(const struct store_server_row *r)
{
	put_safe(r->name);
	printf("  [");
	put_safe(r->client);
	printf(", %s] ", r->scope);
	put_safe(r->config_path);
	putchar('\n');
	field("status", row_status(r));
	field("project", r->project_path);
	field("plugin", r->plugin_id);
	field("type", r->wire_type ? r->wire_type : r->type);
	field("command", r->command);
	field("args", r->args);
	field("url", r->url);
	field("env", r->env);
	field("headers", r->headers);
	field("config_hash", r->config_hash);
	if (r->disabled)
		field("disabled", "yes");
	field("approval", r->approval);
	field("trust", r->trust);
	field("parse error", r->parse_error);
	field("first seen", r->first_seen);
	field("last seen", r->last_seen);
	if (r->git_repo_root) {
		field("git repo", r->git_repo_root);
		field("git remote", r->git_remote_url);
		field("git branch", r->git_branch ? r->git_branch : "(detached)");
		field("git commit", r->git_commit);
		field("git status", r->git_status ? r->git_status : "(config outside the repository)");
	}
}

static int
inv_show(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct store_filter f;
	struct store_rows rows = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args, *what;
	int nargs, rc;
	size_t i;

	if (parse(opts, &show_help, argc, argv, &args, &nargs, 1, &rc))
		return rc;
	if (nargs != 1) {
		free(args);
		return opt_usage_error(&show_help, "missing NAME or HASH");
	}
	what = args[0];
	free(args);
	if ((rc = open_db(db, &s)) != EXIT_OK)
		return rc;
	memset(&f, 0, sizeof(f));
	f.name_or_hash = what;
	f.include_removed = 1;
	if (s && store_servers(s, &f, &rows, &e) < 0) {
		rc = store_failed(&e, "cannot read the inventory");
		goto out;
	}
	if (rows.n == 0) {
		out_error("no server named '%s' (or with that config_hash) in the inventory", what);
		rc = EXIT_FAIL;
		goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(STORE_EXPORT_SCHEMA), *arr;

		cJSON_AddStringToObject(root, "query", what);
		arr = cJSON_AddArrayToObject(root, "places");
		for (i = 0; i < rows.n; i++)
			cJSON_AddItemToArray(arr, store_export_row_json(&rows.v[i]));
		out_json(root);
	} else {
		for (i = 0; i < rows.n; i++) {
			if (i)
				putchar('\n');
			print_place(&rows.v[i]);
		}
	}
out:
	store_rows_release(&rows);
	store_close(s);
	return rc;
}

/* ---- diff ------------------------------------------------------------- */

static const struct cmd_help diff_help = {
	"inventory diff", "[--exit-code] [--json] [--db PATH] [SCAN_A [SCAN_B]]",
	"Show the servers added, removed and changed between two scans.",
	"SCAN_A and SCAN_B are scan numbers from 'runlayer inventory history'.\n"
	"Without them: the last two scans of the device. With one: that scan against\n"
	"the latest. A server is identified by client, config path, scope, project\n"
	"path, plugin and name; 'changed' means its normalised definition differs\n"
	"(command, args, url, type, env or header names/redacted values, …).\n"
	"--exit-code exits 1 when there are differences.\n" DB_HELP
};

static int
parse_scan_id(const char *s, long long *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static void
print_change_line(char mark, const struct store_server_row *r)
{
	printf("%c ", mark);
	put_safe(r->name);
	printf("  [");
	put_safe(r->client);
	printf(", %s] ", r->scope);
	put_safe(r->config_path);
	if (r->project_path && (r->config_path == NULL ||
				strncmp(r->config_path, r->project_path, strlen(r->project_path)) != 0)) {
		printf(" (project ");
		put_safe(r->project_path);
		putchar(')');
	}
	putchar('\n');
}

static const char *
field_value(const struct store_server_row *r, unsigned bit)
{
	switch (bit) {
	case STORE_F_TYPE: return r->wire_type ? r->wire_type : r->type;
	case STORE_F_COMMAND: return r->command;
	case STORE_F_ARGS: return r->args;
	case STORE_F_URL: return r->url;
	case STORE_F_ENV: return r->env;
	case STORE_F_HEADERS: return r->headers;
	case STORE_F_DISABLED: return r->disabled ? "disabled" : "enabled";
	case STORE_F_APPROVAL: return r->approval;
	case STORE_F_CONFIG_HASH: return r->config_hash;
	default: return NULL;
	}
}

static int
inv_diff(int argc, char **argv)
{
	const char *db = NULL;
	int exit_code = 0;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "exit-code", &exit_code, NULL, "exit 1 when the scans differ", 0, 0, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct store_diff d;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	long long a = 0, b = 0;
	size_t i, n[3] = { 0, 0, 0 };
	char **args;
	int nargs, rc;

	memset(&d, 0, sizeof(d));
	if (parse(opts, &diff_help, argc, argv, &args, &nargs, 2, &rc))
		return rc;
	for (i = 0; i < (size_t)nargs; i++) {
		if (parse_scan_id(args[i], i == 0 ? &a : &b) < 0) {
			rc = opt_usage_error(&diff_help, "a scan is a positive number, not '%s'",
					     args[i]);
			free(args);
			return rc;
		}
	}
	free(args);
	if ((rc = open_db(db, &s)) != EXIT_OK)
		return rc;
	if (s == NULL) {
		out_error("nothing to compare: no scans recorded yet");
		return EXIT_FAIL;
	}
	if (nargs == 1) {
		struct store_scan_rows last = { NULL, 0, 0 };

		if (store_scans(s, 1, &last, &e) < 0) {
			rc = store_failed(&e, "cannot read the scan history");
			goto out;
		}
		b = last.n ? last.v[0].id : 0;
		store_scan_rows_release(&last);
	}
	if (store_diff(s, a, b, &d, &e) < 0) {
		rc = store_failed(&e, "cannot compare scans");
		goto out;
	}
	for (i = 0; i < d.n; i++)
		n[d.v[i].kind]++;
	if (g_opts.json) {
		cJSON *root = out_json_doc(STORE_EXPORT_SCHEMA), *o, *added, *removed, *changed;

		o = cJSON_AddObjectToObject(root, "from");
		cJSON_AddItemToObject(o, "scan_id", tree_new_integer(d.scan_a));
		cJSON_AddStringToObject(o, "started_at", d.started_a);
		o = cJSON_AddObjectToObject(root, "to");
		cJSON_AddItemToObject(o, "scan_id", tree_new_integer(d.scan_b));
		cJSON_AddStringToObject(o, "started_at", d.started_b);
		added = cJSON_AddArrayToObject(root, "added");
		removed = cJSON_AddArrayToObject(root, "removed");
		changed = cJSON_AddArrayToObject(root, "changed");
		for (i = 0; i < d.n; i++) {
			const struct store_change *c = &d.v[i];

			if (c->kind == STORE_ADDED) {
				cJSON_AddItemToArray(added, store_export_row_json(&c->after));
			} else if (c->kind == STORE_REMOVED) {
				cJSON_AddItemToArray(removed, store_export_row_json(&c->before));
			} else {
				cJSON *ch = cJSON_CreateObject(), *fields;
				unsigned bit;

				fields = cJSON_AddArrayToObject(ch, "fields");
				for (bit = 1; store_field_name(bit); bit <<= 1)
					if (c->fields & bit)
						cJSON_AddItemToArray(fields,
								     cJSON_CreateString(store_field_name(bit)));
				cJSON_AddItemToObject(ch, "before", store_export_row_json(&c->before));
				cJSON_AddItemToObject(ch, "after", store_export_row_json(&c->after));
				cJSON_AddItemToArray(changed, ch);
			}
		}
		out_json(root);
	} else {
		printf("scan %lld (%s) -> scan %lld (%s): %zu added, %zu removed, %zu changed\n",
		       d.scan_a, short_time(d.started_a), d.scan_b, short_time(d.started_b),
		       n[STORE_ADDED], n[STORE_REMOVED], n[STORE_CHANGED]);
		for (i = 0; i < d.n; i++) {
			const struct store_change *c = &d.v[i];
			unsigned bit;

			if (c->kind == STORE_ADDED) {
				print_change_line('+', &c->after);
				continue;
			}
			if (c->kind == STORE_REMOVED) {
				print_change_line('-', &c->before);
				continue;
			}
			print_change_line('~', &c->after);
			for (bit = 1; store_field_name(bit); bit <<= 1) {
				if (!(c->fields & bit) || bit == STORE_F_CONFIG_HASH)
					continue;
				printf("    %-8s ", store_field_name(bit));
				put_safe(field_value(&c->before, bit));
				printf(" -> ");
				put_safe(field_value(&c->after, bit));
				putchar('\n');
			}
		}
	}
	if (exit_code && d.n)
		rc = EXIT_FAIL;
out:
	store_diff_release(&d);
	store_close(s);
	return rc;
}

/* ---- history ---------------------------------------------------------- */

static const struct cmd_help history_help = {
	"inventory history", "[--limit N] [--json] [--db PATH]",
	"List the recorded scans: when, how long, what they found, what changed and\n"
	"whether they were submitted.",
	"Submission is 'local' (no backend configured, or --offline), 'pending'\n"
	"(recorded, submission not finished), 'submitted', 'failed' or\n"
	"'unsupported'. 'partial' marks a scan whose project crawl was skipped or\n"
	"incomplete.\n" DB_HELP
};

static int
inv_history(int argc, char **argv)
{
	const char *db = NULL;
	long limit = 0;
	const struct opt opts[] = {
		{ OPT_INT, 'n', "limit", &limit, "N", "only the newest N scans", 1, 1000000, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct store_scan_rows rows = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	int nargs, rc;
	size_t i;

	if (parse(opts, &history_help, argc, argv, &args, &nargs, 0, &rc))
		return rc;
	free(args);
	if ((rc = open_db(db, &s)) != EXIT_OK)
		return rc;
	if (s && store_scans(s, limit, &rows, &e) < 0) {
		rc = store_failed(&e, "cannot read the scan history");
		goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(STORE_EXPORT_SCHEMA), *arr = cJSON_AddArrayToObject(root, "scans");

		for (i = 0; i < rows.n; i++) {
			const struct store_scan_row *r = &rows.v[i];
			cJSON *o = cJSON_CreateObject();

			cJSON_AddItemToObject(o, "scan_id", tree_new_integer(r->id));
			cJSON_AddStringToObject(o, "device_id", r->device_id);
			if (r->hostname) cJSON_AddStringToObject(o, "hostname", r->hostname);
			else cJSON_AddNullToObject(o, "hostname");
			if (r->username) cJSON_AddStringToObject(o, "username", r->username);
			else cJSON_AddNullToObject(o, "username");
			cJSON_AddStringToObject(o, "started_at", r->started_at);
			cJSON_AddStringToObject(o, "ended_at", r->ended_at);
			cJSON_AddItemToObject(o, "duration_ms", tree_new_integer(r->duration_ms));
			cJSON_AddItemToObject(o, "configs", tree_new_integer(r->n_configs));
			cJSON_AddItemToObject(o, "servers", tree_new_integer(r->n_servers));
			cJSON_AddItemToObject(o, "global_configs", tree_new_integer(r->n_global));
			cJSON_AddItemToObject(o, "project_configs", tree_new_integer(r->n_project));
			cJSON_AddItemToObject(o, "plugin_configs", tree_new_integer(r->n_plugin));
			cJSON_AddItemToObject(o, "errors", tree_new_integer(r->n_errors));
			cJSON_AddItemToObject(o, "skipped", tree_new_integer(r->n_skipped));
			cJSON_AddItemToObject(o, "added", tree_new_integer(r->n_added));
			cJSON_AddItemToObject(o, "removed", tree_new_integer(r->n_removed));
			cJSON_AddItemToObject(o, "changed", tree_new_integer(r->n_changed));
			cJSON_AddBoolToObject(o, "partial", r->partial);
			cJSON_AddStringToObject(o, "submission", r->submission);
			if (r->submission_detail)
				cJSON_AddStringToObject(o, "submission_detail", r->submission_detail);
			else
				cJSON_AddNullToObject(o, "submission_detail");
			if (r->submitted_at)
				cJSON_AddStringToObject(o, "submitted_at", r->submitted_at);
			else
				cJSON_AddNullToObject(o, "submitted_at");
			if (r->collector_version)
				cJSON_AddStringToObject(o, "collector_version", r->collector_version);
			else
				cJSON_AddNullToObject(o, "collector_version");
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else if (rows.n) {
		printf("%-6s %-20s %9s %7s %7s %6s %8s %8s %6s  %s\n", "SCAN", "STARTED", "DURATION",
		       "CONFIGS", "SERVERS", "ADDED", "REMOVED", "CHANGED", "ERRORS", "SUBMISSION");
		for (i = 0; i < rows.n; i++) {
			const struct store_scan_row *r = &rows.v[i];
			char dur[32];

			snprintf(dur, sizeof(dur), "%lld ms", r->duration_ms);
			printf("%-6lld %-20s %9s %7ld %7ld %6ld %8ld %8ld %6ld  %s%s\n", r->id,
			       short_time(r->started_at), dur, r->n_configs, r->n_servers, r->n_added,
			       r->n_removed, r->n_changed, r->n_errors, r->submission,
			       r->partial ? " (partial)" : "");
		}
	} else if (s && !g_opts.quiet) {
		fprintf(stderr, "No scans recorded yet.\n");
	}
out:
	store_scan_rows_release(&rows);
	store_close(s);
	return rc;
}

/* ---- export ----------------------------------------------------------- */

static const struct cmd_help export_help = {
	"inventory export", "[--format json|ndjson|csv] [--output FILE] [--since DATE] [--current] [--db PATH]",
	"Export the inventory for an auditor: one row per (server, config).",
	"Each row: device, user (the OS username, and the person it resolves to in\n"
	"the directory: user_email and resolution_tier, see 'runlayer users'),\n"
	"client, scope, config path, project path, plugin,\n"
	"server name, type, command, args, url, env and headers (redacted),\n"
	"config_hash, git provenance (repo root, remote without credentials,\n"
	"branch, commit, tracked|modified|untracked|ignored), first and last seen\n"
	"and status (present or removed). Servers that are gone are included unless\n"
	"--current; --since keeps rows last seen at or after DATE (YYYY-MM-DD or\n"
	"ISO-8601). CSV follows RFC 4180 (CRLF, quotes doubled) and neutralises\n"
	"cells a spreadsheet would run as formulas (leading = + - @ tab CR get a\n"
	"leading '). --output writes the file atomically with mode 0600.\n" DB_HELP
};

static int
inv_export(int argc, char **argv)
{
	const char *db = NULL, *format = "json", *output = NULL, *since = NULL;
	int current = 0;
	const struct opt opts[] = {
		{ OPT_CHOICE, 'f', "format", &format, "FMT", "json (default), ndjson or csv", 0, 0, "json|ndjson|csv", 0, 0 },
		{ OPT_STRING, 'o', "output", &output, "FILE", "write to FILE instead of standard output", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "since", &since, "DATE", "only rows last seen at or after DATE", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "current", &current, NULL, "only servers configured now", 0, 0, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, END_OPT
	};
	char since_norm[STORE_TIME_LEN + 1], now[STORE_TIME_LEN + 1];
	struct store_filter f;
	struct store_rows rows = { NULL, 0, 0 };
	struct store_export_user *users = NULL;
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	struct timespec ts;
	char **args, **held = NULL, *email, *tier;
	int nargs, rc;
	size_t i, n_held = 0;

	if (parse(opts, &export_help, argc, argv, &args, &nargs, 0, &rc))
		return rc;
	free(args);
	if (since && store_time_parse(since, since_norm, &e) < 0)
		return opt_usage_error(&export_help, "%s", e.msg);
	if ((rc = open_db(db, &s)) != EXIT_OK)
		return rc;
	memset(&f, 0, sizeof(f));
	f.since = since ? since_norm : NULL;
	f.include_removed = !current;
	if (s && store_servers(s, &f, &rows, &e) < 0) {
		rc = store_failed(&e, "cannot read the inventory");
		goto out;
	}
	held = xcalloc(2 * rows.n + 2, sizeof(*held));
	users = xcalloc(rows.n ? rows.n : 1, sizeof(*users));
	for (i = 0; s && i < rows.n; i++) {
		const struct store_server_row *r = &rows.v[i];

		/* Rows come grouped by device: look each (device, user) up once. */
		if (i && same_str(r->device_id, rows.v[i - 1].device_id) &&
		    same_str(r->username, rows.v[i - 1].username)) {
			users[i] = users[i - 1];
			continue;
		}
		if (store_users_attribution(s, r->device_id, r->username, &email, &tier, &e) < 0) {
			rc = store_failed(&e, "cannot read the device users");
			goto out;
		}
		users[i].email = held[n_held++] = email;
		users[i].tier = held[n_held++] = tier;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	store_time_format(&ts, now);
	if (strcmp(format, "csv") == 0) {
		store_export_csv_header(&b);
		for (i = 0; i < rows.n; i++)
			store_export_csv_row_user(&b, &rows.v[i], &users[i]);
	} else if (strcmp(format, "ndjson") == 0) {
		for (i = 0; i < rows.n; i++) {
			cJSON *o = store_export_row_json_user(&rows.v[i], &users[i]);
			char *text;

			cJSON_AddItemToObject(o, "schema", tree_new_integer(STORE_EXPORT_SCHEMA));
			text = tree_print(o, 0, 0);
			buf_adds(&b, text);
			buf_addc(&b, '\n');
			free(text);
			cJSON_Delete(o);
		}
	} else {
		cJSON *root = out_json_doc(STORE_EXPORT_SCHEMA), *arr;
		char *text;

		cJSON_AddStringToObject(root, "generated_at", now);
		if (since)
			cJSON_AddStringToObject(root, "since", since_norm);
		else
			cJSON_AddNullToObject(root, "since");
		arr = cJSON_AddArrayToObject(root, "rows");
		for (i = 0; i < rows.n; i++)
			cJSON_AddItemToArray(arr, store_export_row_json_user(&rows.v[i], &users[i]));
		text = tree_print(root, 1, 0);
		buf_adds(&b, text);
		buf_addc(&b, '\n');
		free(text);
		cJSON_Delete(root);
	}
	if (output && strcmp(output, "-") != 0) {
		if (file_write_atomic(output, b.data, b.len, 0600, 0, &e) < 0) {
			rc = store_failed(&e, "cannot write the export");
			goto out;
		}
		if (!g_opts.quiet)
			fprintf(stderr, "Exported %zu rows to %s\n", rows.n, output);
	} else {
		fwrite(b.data, 1, b.len, stdout);
	}
out:
	for (i = 0; held && i < n_held; i++)
		free(held[i]);
	free(held);
	free(users);
	buf_release(&b);
	store_rows_release(&rows);
	store_close(s);
	return rc;
}

/* ---- events ----------------------------------------------------------- */

static const struct cmd_help events_help = {
	"inventory events", "[--type T] [--since DATE] [--limit N] [--json] [--db PATH]",
	"Show the local audit log.",
	"Scans record 'shadow_mcp_detected' when a server definition (config_hash)\n"
	"appears on this device that the previous scan did not have (every server\n"
	"counts as unmanaged until enforcement rules exist; 'reappeared' marks one\n"
	"seen before), and 'mcp_server_removed' when one disappears. Hook events\n"
	"are logged here too.\n" DB_HELP
};

static int
inv_events(int argc, char **argv)
{
	const char *db = NULL, *type = NULL, *since = NULL;
	long limit = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "type", &type, "T", "only events of this type", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "since", &since, "DATE", "only events at or after DATE", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 'n', "limit", &limit, "N", "only the newest N events", 1, 100000000, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	char since_norm[STORE_TIME_LEN + 1];
	struct store_event_rows rows = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char **args;
	int nargs, rc;
	size_t i;

	if (parse(opts, &events_help, argc, argv, &args, &nargs, 0, &rc))
		return rc;
	free(args);
	if (since && store_time_parse(since, since_norm, &e) < 0)
		return opt_usage_error(&events_help, "%s", e.msg);
	if ((rc = open_db(db, &s)) != EXIT_OK)
		return rc;
	if (s && db == NULL) {
		/* Records the hooks had to spool (store busy) come in first. */
		char *dir = audit_spool_dir(&e);

		if (dir && audit_spool_import(s, dir, 0, NULL, &e) < 0)
			out_warn("some hook records are still waiting in '%s': %s", dir, e.msg);
		free(dir);
		err_clear(&e);
	}
	if (s && store_events(s, type, since ? since_norm : NULL, limit, &rows, &e) < 0) {
		rc = store_failed(&e, "cannot read the audit log");
		goto out;
	}
	if (g_opts.json) {
		cJSON *root = out_json_doc(STORE_EXPORT_SCHEMA), *arr = cJSON_AddArrayToObject(root, "events");

		for (i = 0; i < rows.n; i++) {
			const struct store_event_row *r = &rows.v[i];
			cJSON *o = cJSON_CreateObject(), *det = r->details ? cJSON_Parse(r->details) : NULL;
			const char *strs[][2] = {
				{ "time", r->time }, { "type", r->type }, { "device_id", r->device_id },
				{ "hostname", r->hostname }, { "username", r->username },
				{ "client", r->client }, { "server_name", r->server_name },
				{ "config_hash", r->config_hash },
			};
			size_t k;

			cJSON_AddItemToObject(o, "event_id", tree_new_integer(r->id));
			for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++) {
				if (strs[k][1])
					cJSON_AddStringToObject(o, strs[k][0], strs[k][1]);
				else
					cJSON_AddNullToObject(o, strs[k][0]);
			}
			if (r->scan)
				cJSON_AddItemToObject(o, "scan_id", tree_new_integer(r->scan));
			else
				cJSON_AddNullToObject(o, "scan_id");
			cJSON_AddItemToObject(o, "details", det ? det : cJSON_CreateObject());
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else if (rows.n) {
		for (i = 0; i < rows.n; i++) {
			const struct store_event_row *r = &rows.v[i];
			cJSON *det = r->details ? cJSON_Parse(r->details) : NULL;
			const cJSON *cp = cJSON_GetObjectItemCaseSensitive(det, "config_path");

			printf("%s  %-20s ", short_time(r->time), r->type);
			put_safe(r->client);
			printf("  ");
			put_safe(r->server_name);
			if (cJSON_IsString(cp)) {
				printf("  ");
				put_safe(cp->valuestring);
			}
			putchar('\n');
			cJSON_Delete(det);
		}
	} else if (s && !g_opts.quiet) {
		fprintf(stderr, "No events recorded.\n");
	}
out:
	store_event_rows_release(&rows);
	store_close(s);
	return rc;
}

static const struct subcommand inventory_verbs[] = {
	{ "diff", inv_diff, "servers added, removed and changed between two scans" },
	{ "events", inv_events, "the local audit log (shadow servers, removals, hook events)" },
	{ "export", inv_export, "export for auditors: json, ndjson or csv" },
	{ "history", inv_history, "the recorded scans, with counts and submission status" },
	{ "import", cmd_inventory_import, "attribute other devices' exports to directory users" },
	{ "list", inv_list, "the MCP servers configured now" },
	{ "show", inv_show, "every place one server is configured, with provenance" },
	{ NULL, NULL, NULL }
};

int
cmd_inventory(int argc, char **argv)
{
	return subcommand_run("inventory", inventory_verbs, argc, argv);
}
