/* `runlayer policy`: the enforcement rules the hook applies: generate them
 * from the configuration and the inventory, edit, show and test them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "hooks/policy.h"
#include "hooks/resolve.h"
#include "net/managed.h"
#include "parsers/redact.h"
#include "parsers/tree.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/lock.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define END_OPT { OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
#define RULES_OPT(var) \
	{ OPT_STRING, 0, "rules", &(var), "FILE", "rules file (default ~/.runlayer/rules.json)", 0, 0, NULL, 0, OPT_HIDDEN }
#define DB_OPT(var) \
	{ OPT_STRING, 0, "db", &(var), "PATH", "inventory database (default ~/.runlayer/inventory.db)", 0, 0, NULL, 0, 0 }
#define LOCK_WAIT_MS 10000

#define RULES_HELP \
	"The rules live in $RUNLAYER_HOME/rules.json, else ~/.runlayer/rules.json\n" \
	"(JSON, version 1, mode 0600). The hook reads them on every tool call."

/* ---- shared ----------------------------------------------------------------- */

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
	if (*nargs > max_args || *nargs < min_args) {
		free(*args);
		*rc = opt_usage_error(help, *nargs > max_args ? "too many arguments"
				      : "missing argument");
		return 1;
	}
	return 0;
}

/* Text from configs and payloads is hostile: never let it drive the terminal. */
static void
put_safe(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s ? s : "-"); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

/*
 * Load the rules (path or the default). A missing file gives the built-in
 * default with the configured hosts; a broken one is an error. With lk,
 * the rules' lock file is taken first (for read-modify-write).
 */
static int
load_rules(const char *path, struct policy *p, struct lock *lk)
{
	struct err e = ERR_INIT;
	char *file = path ? xstrdup(path) : policy_default_path(&e);
	int ret;

	policy_init(p);
	if (file == NULL) {
		out_error_err(&e, "cannot locate the rules file");
		return EXIT_FAIL;
	}
	if (lk) {
		char *lockp = xasprintf("%s.lock", file), *dir = xstrdup(file), *slash;

		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			file_mkdirs(dir, 0700, NULL);
		}
		free(dir);
		ret = lock_acquire(lk, lockp, LOCK_FILE_CREATE, LOCK_WAIT_MS, &e);
		free(lockp);
		if (ret < 0) {
			out_error_err(&e, "cannot lock the rules file");
			free(file);
			return EXIT_FAIL;
		}
	}
	ret = policy_load(p, file, &e);
	free(file);
	if (ret < 0) {
		out_error_err(&e, "cannot use the rules file");
		if (lk)
			lock_release(lk);
		policy_release(p);
		return EXIT_DATAERR;
	}
	if (!p->exists) {
		struct buf w = BUF_INIT;

		policy_add_configured(p, NULL, &w);
		buf_release(&w);
	}
	return EXIT_OK;
}

static int
save_rules(struct policy *p)
{
	struct err e = ERR_INIT;

	if (policy_save(p, &e) < 0) {
		out_error_err(&e, "cannot write the rules file");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Open the inventory read-only; EXIT_OK with *s NULL when there is none. */
static int
open_db(const char *db, struct store **s, int required)
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
		if (required)
			out_error("no inventory at '%s' yet; run '%s scan' first", path, prog_name);
		free(path);
		return required ? EXIT_NOINPUT : EXIT_OK;
	}
	free(path);
	if (r < 0) {
		out_error_err(&e, "cannot open the inventory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int
is_hash(const char *s)
{
	size_t i;

	if (strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/*
 * A config_hash from what the user typed: the hash itself, or a server
 * name or hash prefix known to the inventory (exactly one definition).
 * Fills name/client when the inventory knows them. New string or NULL.
 */
static char *
find_hash(const char *db, const char *what, char **name, char **client)
{
	struct store *s = NULL;
	struct store_rows rows = { NULL, 0, 0 };
	struct store_filter f;
	struct err e = ERR_INIT;
	char *found = NULL;
	size_t i, distinct = 0;

	*name = *client = NULL;
	if (open_db(db, &s, 0) != EXIT_OK)
		return NULL;
	if (s) {
		memset(&f, 0, sizeof(f));
		f.name_or_hash = what;
		if (store_servers(s, &f, &rows, &e) < 0)
			out_error_err(&e, "cannot read the inventory");
	}
	for (i = 0; i < rows.n; i++) {
		const struct store_server_row *r = &rows.v[i];

		if (r->config_hash == NULL || (is_hash(what) && strcasecmp(r->config_hash, what) != 0))
			continue;
		if (found == NULL) {
			found = xstrdup(r->config_hash);
			*name = r->name ? xstrdup(r->name) : NULL;
			*client = r->client ? xstrdup(r->client) : NULL;
			distinct = 1;
		} else if (strcmp(found, r->config_hash) != 0) {
			distinct++;
		}
	}
	if (distinct > 1) {
		out_error("'%s' matches %zu different server definitions; give the config_hash:",
			  what, distinct);
		for (i = 0; i < rows.n; i++) {
			fprintf(stderr, "  %s  ", rows.v[i].config_hash ? rows.v[i].config_hash : "-");
			put_safe(stderr, rows.v[i].client);
			fputs("  ", stderr);
			put_safe(stderr, rows.v[i].name);
			fputs("  ", stderr);
			put_safe(stderr, rows.v[i].config_path);
			fputc('\n', stderr);
		}
		free(found);
		free(*name);
		free(*client);
		found = *name = *client = NULL;
	} else if (found == NULL && is_hash(what)) {
		found = xstrdup(what);
	} else if (found == NULL) {
		out_error("no server named or hashed '%s' in the inventory; give its config_hash "
			  "(see '%s inventory list')", what, prog_name);
	}
	store_rows_release(&rows);
	store_close(s);
	return found;
}

/* ---- generate ----------------------------------------------------------------- */

static const struct cmd_help generate_help = {
	"policy generate", "[--baseline] [--mode MODE] [--host URL]... [--db PATH]",
	"write the enforcement rules from the configuration and the inventory",
	"Managed Runlayer hosts come from config.yaml (default_host and hosts), from\n"
	"$RUNLAYER_HOST and from the managed configuration (Host); proxy URLs under\n"
	"<host>/api/v1/proxy/ and 'runlayer run <uuid>' servers are allowed. The\n"
	"allowlist, and servers approved or denied by config_hash, are kept.\n"
	"--baseline also approves every server in the current inventory (run\n"
	"'runlayer scan' first), so that only servers appearing later count as\n"
	"shadow: a learning phase before enforcing. Without it, earlier baseline\n"
	"approvals are dropped: only managed, allowlisted and admin-approved servers\n"
	"are allowed. The mode is --mode, else the managed Mode, else the current\n"
	"file's, else enforce.\n" RULES_HELP
};

static int
policy_generate_cmd(int argc, char **argv)
{
	const char *rules = NULL, *db = NULL, *mode = NULL;
	int baseline = 0;
	struct opt_list hosts = { NULL, 0 };
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "baseline", &baseline, NULL, "approve every server in the inventory", 0, 0, NULL, 0, 0 },
		{ OPT_CHOICE, 0, "mode", &mode, "MODE", "monitor, protect or enforce", 0, 0, "monitor|protect|enforce", 0, 0 },
		{ OPT_LIST, 0, "host", &hosts, "URL", "another managed Runlayer host (repeatable)", 0, 0, NULL, 0, 0 },
		DB_OPT(db), RULES_OPT(rules), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct policy p;
	struct lock lk = LOCK_INIT;
	struct buf warn = BUF_INIT, desc = BUF_INIT;
	struct err e = ERR_INIT;
	size_t dropped = 0, added = 0, n_inv = 0;
	char **args;
	int nargs, rc, i;

	if (parse(opts, &generate_help, argc, argv, &args, &nargs, 0, 0, &rc))
		return rc;
	free(args);
	if ((rc = load_rules(rules, &p, &lk)) != EXIT_OK)
		goto out_free;
	for (i = 0; i < hosts.n; i++) {
		if (policy_add_host(&p, hosts.items[i], "rules", &e) < 0) {
			rc = opt_usage_error(&generate_help, "invalid --host '%s': %s", hosts.items[i], e.msg);
			goto out;
		}
	}
	policy_add_configured(&p, NULL, &warn);
	if (mode) {
		policy_mode_parse(mode, &p.mode);
	} else {
		struct managed m;
		struct managed_opts mo;
		const char *mm;

		memset(&m, 0, sizeof(m));
		memset(&mo, 0, sizeof(mo));
		managed_load(&m, &mo, &e);
		if ((mm = managed_string(&m, "Mode")) != NULL)
			policy_mode_parse(mm, &p.mode);
		managed_release(&m);
	}
	dropped = policy_drop_baseline(&p);
	if (baseline) {
		struct store *s = NULL;
		struct store_rows rows = { NULL, 0, 0 };
		struct policy_server *v;
		size_t k;

		if ((rc = open_db(db, &s, 1)) != EXIT_OK)
			goto out;
		if (store_servers(s, NULL, &rows, &e) < 0) {
			out_error_err(&e, "cannot read the inventory");
			store_close(s);
			rc = EXIT_FAIL;
			goto out;
		}
		v = xcalloc(rows.n ? rows.n : 1, sizeof(*v));
		for (k = 0; k < rows.n; k++) {
			v[k].config_hash = rows.v[k].config_hash;
			v[k].name = rows.v[k].name;
			v[k].client = rows.v[k].client;
		}
		n_inv = rows.n;
		added = policy_baseline(&p, v, rows.n);
		free(v);
		store_rows_release(&rows);
		store_close(s);
	} else {
		free(p.baseline_at);
		p.baseline_at = NULL;
	}
	free(p.generated_at);
	p.generated_at = NULL;
	if ((rc = save_rules(&p)) != EXIT_OK)
		goto out;
	if (warn.len && !g_opts.quiet) {
		char *line = warn.data, *nl;

		for (; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				break;
			*nl = '\0';
			out_warn("%s", line);
		}
	}
	if (g_opts.json) {
		cJSON *root = policy_to_json(&p);

		cJSON_AddStringToObject(root, "path", p.path);
		out_json(root);
	} else if (!g_opts.quiet) {
		printf("%s Rules written to %s\n", out_sym_ok(), p.path);
		if (baseline)
			printf("%s Baseline: %zu servers in the inventory approved (%zu distinct "
			       "definitions, %zu earlier baseline approvals replaced)\n", out_sym_ok(),
			       n_inv, added, dropped);
		else if (dropped)
			printf("%s %zu baseline approvals dropped (run with --baseline to keep "
			       "approving the current inventory)\n", out_sym_warn(), dropped);
		policy_describe(&p, &desc);
		fputs(desc.data, stdout);
	}
out:
	lock_release(&lk);
	policy_release(&p);
out_free:
	free(hosts.items);
	buf_release(&warn);
	buf_release(&desc);
	return rc;
}

/* ---- show ----------------------------------------------------------------------- */

static const struct cmd_help show_help = {
	"policy show", "[--json]", "print the enforcement rules in force", RULES_HELP
};

static int
policy_show_cmd(int argc, char **argv)
{
	const char *rules = NULL;
	const struct opt opts[] = { RULES_OPT(rules), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct policy p;
	struct buf d = BUF_INIT;
	char **args;
	int nargs, rc;
	size_t i;

	if (parse(opts, &show_help, argc, argv, &args, &nargs, 0, 0, &rc))
		return rc;
	free(args);
	if ((rc = load_rules(rules, &p, NULL)) != EXIT_OK)
		return rc;
	if (g_opts.json) {
		cJSON *root = policy_to_json(&p);

		cJSON_AddStringToObject(root, "path", p.path);
		cJSON_AddBoolToObject(root, "exists", p.exists);
		out_json(root);
		policy_release(&p);
		return EXIT_OK;
	}
	policy_describe(&p, &d);
	fputs(d.data, stdout);
	buf_release(&d);
	printf("\nManaged Runlayer hosts:%s\n", p.n_hosts ? "" : " none");
	for (i = 0; i < p.n_hosts; i++)
		printf("  %-50s %s\n", p.hosts[i].text, p.hosts[i].source);
	printf("Allowlist:%s\n", p.n_allow ? "" : " empty");
	for (i = 0; i < p.n_allow; i++)
		printf("  %-50s %s\n", p.allow[i].text, p.allow[i].source);
	printf("Approved by config_hash:%s\n", p.n_approved ? "" : " none");
	for (i = 0; i < p.n_approved; i++) {
		printf("  %s  %-8s ", p.approved[i].config_hash, p.approved[i].source);
		put_safe(stdout, p.approved[i].client);
		fputs("  ", stdout);
		put_safe(stdout, p.approved[i].name);
		fputc('\n', stdout);
	}
	printf("Denied by config_hash:%s\n", p.n_denied ? "" : " none");
	for (i = 0; i < p.n_denied; i++) {
		printf("  %s  ", p.denied[i].config_hash);
		put_safe(stdout, p.denied[i].client);
		fputs("  ", stdout);
		put_safe(stdout, p.denied[i].name);
		fputc('\n', stdout);
	}
	policy_release(&p);
	return EXIT_OK;
}

/* ---- allow / deny / forget ------------------------------------------------------ */

static const struct cmd_help allow_help = {
	"policy allow", "HASH|NAME", "approve one server definition by its config_hash",
	"NAME or a hash prefix is looked up in the inventory and must match exactly\n"
	"one definition. The approval holds until 'runlayer policy forget'.\n" RULES_HELP
};

static const struct cmd_help deny_help = {
	"policy deny", "HASH|NAME", "deny one server definition by its config_hash",
	"A denial wins over every allow rule, managed and allowlisted sources\n"
	"included.\n" RULES_HELP
};

static const struct cmd_help forget_help = {
	"policy forget", "HASH|NAME", "drop the approval or denial of a config_hash", RULES_HELP
};

static int
hash_cmd(int argc, char **argv, int deny, int forget, const struct cmd_help *help)
{
	const char *rules = NULL, *db = NULL;
	const struct opt opts[] = { DB_OPT(db), RULES_OPT(rules), OPT_COMMON, END_OPT };
	struct policy p;
	struct lock lk = LOCK_INIT;
	struct err e = ERR_INIT;
	char **args, *hash, *name = NULL, *client = NULL;
	int nargs, rc, r;

	if (parse(opts, help, argc, argv, &args, &nargs, 1, 1, &rc))
		return rc;
	hash = find_hash(db, args[0], &name, &client);
	free(args);
	if (hash == NULL)
		return EXIT_FAIL;
	if ((rc = load_rules(rules, &p, &lk)) != EXIT_OK)
		goto out;
	r = forget ? policy_forget_hash(&p, hash, &e)
		   : policy_set_hash(&p, hash, deny, name, client, "admin", &e);
	if (r < 0) {
		out_error_err(&e, "cannot change the rules");
		rc = EXIT_FAIL;
	} else if (r == 0) {
		if (!g_opts.quiet)
			printf("%s %s was already %s\n", out_sym_ok(), hash,
			       forget ? "absent" : deny ? "denied" : "approved");
	} else if ((rc = save_rules(&p)) == EXIT_OK && !g_opts.quiet) {
		printf("%s %s %s", out_sym_ok(), hash,
		       forget ? "forgotten" : deny ? "denied" : "approved");
		if (name) {
			fputs(" (", stdout);
			put_safe(stdout, name);
			fputc(')', stdout);
		}
		printf(" in %s\n", p.path);
	}
	lock_release(&lk);
	policy_release(&p);
out:
	free(hash);
	free(name);
	free(client);
	return rc;
}

static int
policy_allow_cmd(int argc, char **argv)
{
	return hash_cmd(argc, argv, 0, 0, &allow_help);
}

static int
policy_deny_cmd(int argc, char **argv)
{
	return hash_cmd(argc, argv, 1, 0, &deny_help);
}

static int
policy_forget_cmd(int argc, char **argv)
{
	return hash_cmd(argc, argv, 0, 1, &forget_help);
}

/* ---- allowlist -------------------------------------------------------------------- */

static const struct cmd_help allowlist_help = {
	"policy allowlist", "add URL... | remove URL... | list",
	"manage the base URLs whose remote MCP servers are allowed",
	"A URL is allowed when scheme, host and port (443 for https, 80 for http\n"
	"when absent) are equal and its path equals the entry's path or continues\n"
	"it after a '/'; an entry without a path allows the whole host. URLs are\n"
	"compared in canonical form: host case, trailing dot, %-escapes and dot\n"
	"segments normalised; user names, queries and fragments never count.\n"
	"Stdio servers are never allowlisted. Entries from the managed configuration\n"
	"(McpAllowlist) are listed with source 'managed'.\n" RULES_HELP
};

static int
policy_allowlist_cmd(int argc, char **argv)
{
	const char *rules = NULL;
	const struct opt opts[] = { RULES_OPT(rules), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct policy p;
	struct lock lk = LOCK_INIT;
	char **args;
	int nargs, rc, i, verb, changed = 0;

	if (parse(opts, &allowlist_help, argc, argv, &args, &nargs, 1, 100000, &rc))
		return rc;
	if (strcmp(args[0], "list") == 0)
		verb = 0;
	else if (strcmp(args[0], "add") == 0)
		verb = 1;
	else if (strcmp(args[0], "remove") == 0)
		verb = 2;
	else {
		rc = opt_usage_error(&allowlist_help, "unknown verb '%s' (add, remove or list)", args[0]);
		free(args);
		return rc;
	}
	if ((verb == 0 && nargs != 1) || (verb != 0 && nargs < 2)) {
		free(args);
		return opt_usage_error(&allowlist_help, verb ? "missing URL" : "too many arguments");
	}
	if ((rc = load_rules(rules, &p, verb ? &lk : NULL)) != EXIT_OK) {
		free(args);
		return rc;
	}
	for (i = 1; i < nargs; i++) {
		struct err e = ERR_INIT;
		int r = verb == 1 ? policy_allow_url(&p, args[i], "rules", &e)
				  : policy_remove_url(&p, args[i], &e);

		if (r < 0) {
			out_error("invalid URL '%s': %s", args[i], e.msg);
			rc = EXIT_USAGE;
			goto out;
		}
		if (r == 0 && !g_opts.quiet)
			fprintf(stderr, "%s: '%s' %s\n", prog_name, args[i],
				verb == 1 ? "is already allowlisted" : "is not on the allowlist");
		changed += r;
	}
	if (changed && (rc = save_rules(&p)) != EXIT_OK)
		goto out;
	if (g_opts.json) {
		cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "allowlist");
		size_t k;

		cJSON_AddItemToObject(root, "version", tree_new_integer(POLICY_VERSION));
		for (k = 0; k < p.n_allow; k++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "url", p.allow[k].text);
			cJSON_AddStringToObject(o, "source", p.allow[k].source);
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else if (verb == 0 || !g_opts.quiet) {
		size_t k;

		if (verb)
			printf("%s %d change%s written to %s\n", out_sym_ok(), changed,
			       changed == 1 ? "" : "s", p.path ? p.path : "?");
		for (k = 0; verb == 0 && k < p.n_allow; k++)
			printf("%-60s %s\n", p.allow[k].text, p.allow[k].source);
		if (verb == 0 && p.n_allow == 0 && !g_opts.quiet)
			fprintf(stderr, "The allowlist is empty.\n");
	}
out:
	free(args);
	lock_release(&lk);
	policy_release(&p);
	return rc;
}

/* ---- test ------------------------------------------------------------------------- */

static const struct cmd_help test_help = {
	"policy test", "--url URL | --command CMD [--client ID --server NAME] [--json]",
	"explain the decision the hook would make for a server",
	"Prints allow or deny with the rule that decided. With --client and --server\n"
	"the server is looked up as the hook would (the client's configs and plugins,\n"
	"from the current directory): its config_hash can then match an approval,\n"
	"and a server found nowhere is a shadow server. Exit 0 for allow, 1 for deny.\n"
	RULES_HELP
};

static int
policy_test_cmd(int argc, char **argv)
{
	const char *rules = NULL, *url = NULL, *command = NULL, *client = NULL, *server = NULL;
	const char *hash_arg = NULL;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "url", &url, "URL", "a remote server's URL", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "command", &command, "CMD", "a stdio server's command line", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "client", &client, "ID", "look the server up in this client's configs", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "server", &server, "NAME", "the server's name in that client", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "config-hash", &hash_arg, "HASH", "the definition's config_hash", 0, 0, NULL, 0, 0 },
		RULES_OPT(rules), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct policy p;
	struct policy_subject subj;
	struct policy_decision d;
	struct resolve_result res;
	char **args, cwd[4096];
	int nargs, rc;

	if (parse(opts, &test_help, argc, argv, &args, &nargs, 0, 0, &rc))
		return rc;
	free(args);
	if (!url && !command && !server)
		return opt_usage_error(&test_help, "give --url, --command or --client with --server");
	if (url && command)
		return opt_usage_error(&test_help, "--url and --command exclude each other");
	if ((client == NULL) != (server == NULL))
		return opt_usage_error(&test_help, "--client and --server go together");
	if (client && hook_client_parse(client) == HOOK_CLIENT_NONE)
		return opt_usage_error(&test_help, "unknown client '%s'", client);
	if ((rc = load_rules(rules, &p, NULL)) != EXIT_OK)
		return rc;
	memset(&res, 0, sizeof(res));
	memset(&subj, 0, sizeof(subj));
	subj.url = url;
	subj.command = command;
	subj.config_hash = hash_arg;
	subj.found = 1;	/* a source on its own is judged by the rules, not by presence */
	if (client) {
		struct resolve_ctx ctx;
		struct resolve_query q;
		struct err e = ERR_INIT;
		char *home = state_home(&e);

		memset(&ctx, 0, sizeof(ctx));
		memset(&q, 0, sizeof(q));
		ctx.client = hook_client_parse(client);
		ctx.home = home ? home : "/";
		ctx.root = "";
		ctx.cwd = getcwd(cwd, sizeof(cwd)) ? cwd : NULL;
		ctx.live = 1;
		q.server_name = server;
		q.url = url;
		q.command = command;
		if (resolve_server(&ctx, &q, &res, &e) < 0) {
			out_error_err(&e, "cannot look the server up");
			free(home);
			policy_release(&p);
			return EXIT_FAIL;
		}
		free(home);
		subj.name = res.name;
		subj.found = res.found;
		subj.url = res.url;
		subj.command = res.command;
		subj.args = res.args;
		if (!hash_arg && res.has_server && res.server.config_hash[0])
			subj.config_hash = res.server.config_hash;
	}
	policy_decide(&p, &subj, &d);
	if (g_opts.json) {
		cJSON *root = cJSON_CreateObject(), *s;

		cJSON_AddItemToObject(root, "version", tree_new_integer(1));
		cJSON_AddStringToObject(root, "decision", d.allow ? "allow" : "deny");
		cJSON_AddStringToObject(root, "rule", policy_rule_name(d.rule));
		cJSON_AddStringToObject(root, "detail", d.detail);
		cJSON_AddStringToObject(root, "mode", policy_mode_name(p.mode));
		cJSON_AddBoolToObject(root, "enforced", p.mode != POLICY_MONITOR);
		cJSON_AddStringToObject(root, "rules_file", p.path ? p.path : "");
		cJSON_AddBoolToObject(root, "rules_file_exists", p.exists);
		s = cJSON_AddObjectToObject(root, "server");
		if (client)
			cJSON_AddStringToObject(s, "client", client);
		if (subj.name)
			cJSON_AddStringToObject(s, "name", subj.name);
		cJSON_AddBoolToObject(s, "found", subj.found);
		if (res.config_path)
			cJSON_AddStringToObject(s, "config_path", res.config_path);
		/* Shown as the inventory shows them: secrets redacted. */
		if (subj.url) {
			char *u = redact_url(subj.url);

			cJSON_AddStringToObject(s, "url", u ? u : "");
			free(u);
		}
		if (subj.command) {
			char *c = redact_arg(NULL, subj.command);

			cJSON_AddStringToObject(s, "command", c ? c : subj.command);
			free(c);
		}
		if (subj.args) {
			cJSON *a = cJSON_Duplicate(subj.args, 1);

			redact_args(a);
			cJSON_AddItemToObject(s, "args", a);
		}
		if (subj.config_hash)
			cJSON_AddStringToObject(s, "config_hash", subj.config_hash);
		out_json(root);
	} else {
		printf("%s\n", d.allow ? "allow" : "deny");
		printf("  rule:   %s\n  detail: ", policy_rule_name(d.rule));
		put_safe(stdout, d.detail);
		printf("\n  mode:   %s%s\n", policy_mode_name(p.mode),
		       p.mode == POLICY_MONITOR ? " (nothing is blocked)" : "");
		if (client) {
			printf("  server: ");
			put_safe(stdout, subj.name);
			printf(" (%s", subj.found ? "found in " : "not found in any config");
			if (subj.found)
				put_safe(stdout, res.config_path);
			printf(")\n");
		}
		if (subj.config_hash)
			printf("  config_hash: %s\n", subj.config_hash);
		printf("  rules:  %s%s\n", p.path ? p.path : "?", p.exists ? "" : " (absent: defaults)");
	}
	resolve_result_release(&res);
	policy_release(&p);
	return d.allow ? EXIT_OK : EXIT_FAIL;
}

static const struct subcommand policy_verbs[] = {
	{ "allow", policy_allow_cmd, "approve a server definition by config_hash" },
	{ "allowlist", policy_allowlist_cmd, "add, remove or list allowlisted base URLs" },
	{ "deny", policy_deny_cmd, "deny a server definition by config_hash" },
	{ "forget", policy_forget_cmd, "drop an approval or denial" },
	{ "generate", policy_generate_cmd, "write the rules from the configuration and inventory" },
	{ "show", policy_show_cmd, "print the rules in force" },
	{ "test", policy_test_cmd, "explain the decision for a URL, command or server" },
	{ NULL, NULL, NULL }
};

int
cmd_policy(int argc, char **argv)
{
	return subcommand_run("policy", policy_verbs, argc, argv);
}
