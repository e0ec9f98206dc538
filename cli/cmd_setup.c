/* `runlayer setup hooks --install|--uninstall|--check`, `aiwatch setup hooks
 * install|check` and `aiwatch bootstrap`: our hooks in each AI client. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/auxv.h>
#endif

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "discover/catalog.h"
#include "discover/paths.h"
#include "hooks/install.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "hooks/hook_binary.h"
#include "hooks/policy.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help hooks_help = {
	"setup hooks",
	"(--install | --uninstall | --check) [--client C]... [--all-events] [--no-enforcement]\n"
	"       [--mdm] [--host H] [--yes] [--dry-run] [--json]",
	"Install, remove or check the runlayer hook in each AI client's configuration.",
	"Writes `<this binary> hook --client <id>` into the hook settings of Claude Code,\n"
	"Codex, Cursor, Gemini CLI, Hermes, GitHub Copilot CLI and Windsurf, next to the\n"
	"hooks already there: every other byte of those files is kept, each change is\n"
	"verified, backed up (<name>.backup_<date>_<time>.<ext>) and written atomically.\n"
	"Installing twice changes nothing; --uninstall removes only our entries; --check\n"
	"reports missing, changed or duplicated entries per client and file.\n"
	"\n"
	"Codex runs a user hook only once it is trusted, and Hermes only allowlisted\n"
	"hooks: those entries are written after you confirm, or with --yes. Without\n"
	"either, the hooks are installed and --check reports them as not trusted.\n"
	"\n"
	"The verbs install, uninstall and check may be given instead of the flags\n"
	"(`aiwatch setup hooks install`). aiwatch defaults to --mdm, runlayer to --user.\n"
	"\n"
	"Exit status: 0 done (check: compliant); 1 a file could not be changed, or\n"
	"check found drift; 2 check found no supported client; 64 usage."
};

/* ---- the path of our own binary ---- */

static char *
abs_clean(const char *p)
{
	char *copy, *slash, *dir, *out;

	if (p == NULL || *p == '\0')
		return NULL;
	if (p[0] != '/') {
		char cwd[4096];

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return NULL;
		copy = xasprintf("%s/%s", cwd, p);
	} else {
		copy = xstrdup(p);
	}
	/* Resolve the directory, keep the file name: a symlink such as
	 * /usr/bin/aiwatch stays the name the hook runs. */
	slash = strrchr(copy, '/');
	*slash = '\0';
	dir = realpath(copy[0] ? copy : "/", NULL);
	if (dir)
		out = xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, slash + 1);
	else
		out = xasprintf("%s/%s", copy, slash + 1);	/* not there (yet) */
	free(dir);
	free(copy);
	return out;
}

static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static char *
setup_self_path(void)
{
	char *exe = NULL, *p = NULL;

#ifdef __linux__
	exe = realpath("/proc/self/exe", NULL);
	{
		const char *fn = (const char *)getauxval(AT_EXECFN);

		/* The name we were started by (not symlink-resolved: a package
		 * upgrade keeps /usr/bin/runlayer valid), if it is really us. */
		if (fn && strchr(fn, '/'))
			p = abs_clean(fn);
		if (p && exe && !same_file(p, exe)) {
			free(p);
			p = NULL;
		}
	}
#endif
	if (p == NULL && exe)
		p = xstrdup(exe);
	free(exe);
	/* The lean hook binary beside us, when installed. */
	if (p && strcmp(prog_name, "runlayer") == 0) {
		char *hook = hook_binary_for(p);

		free(p);
		p = hook;
	}
	/* aiwatch runs the aiwatch beside the binary (contract §7.12). */
	if (p && strcmp(prog_name, "aiwatch") == 0) {
		char *slash = strrchr(p, '/'), *aw;

		aw = xasprintf("%.*s/aiwatch", (int)(slash - p), p);
		if (access(aw, X_OK) == 0) {
			free(p);
			p = aw;
		} else {
			free(aw);
		}
	}
	return p;
}

static char *
setup_default_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0] == '/')
		return xstrdup(h);
	pw = getpwuid(getuid());
	if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
		return xstrdup(pw->pw_dir);
	return NULL;
}

static char *
strip_slash(const char *p)
{
	size_t l = strlen(p);

	while (l > 1 && p[l - 1] == '/')
		l--;
	return xstrndup(p, l);
}

/* ---- ~/.runlayer/config.yaml: hosts (contract §2.2, §2.3) ---- */

static char *
setup_state_dir(const char *home, int live)
{
	const char *v = live ? getenv("RUNLAYER_HOME") : NULL;

	if (v && v[0] == '/')
		return xstrdup(v);
	return path_join(home, ".runlayer");
}

/* Host key of a URL: hostname, plus :port only when explicit and not the
 * scheme's default. A value without "://" is taken as a key already. */
static char *
host_key(const char *url)
{
	const char *p = strstr(url, "://"), *end;
	int https;

	if (p == NULL)
		return strip_slash(url);
	https = strncmp(url, "https", 5) == 0;
	p += 3;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)))
		p = (const char *)memchr(p, '@', (size_t)(end - p)) + 1;
	{
		const char *colon = memchr(p, ':', (size_t)(end - p));
		char *k;

		if (colon && ((https && end - colon == 4 && strncmp(colon, ":443", 4) == 0) ||
			      (!https && end - colon == 3 && strncmp(colon, ":80", 3) == 0)))
			end = colon;
		k = xstrndup(p, (size_t)(end - p));
		for (char *c = k; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		return k;
	}
}

static int
setup_config_load(const char *state_dir, cJSON **out, char **path)
{
	struct err e = ERR_INIT;
	int r;

	*out = NULL;
	*path = path_join(state_dir, "config.yaml");
	r = tree_parse_file(*path, TREE_FMT_YAML, NULL, out, &e);
	if (r == -ERR_NOTFOUND)
		return 0;
	if (r < 0) {
		out_warn("%s: %s (counted as empty)", *path, e.msg);
		return 0;
	}
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return 0;
}

static const cJSON *
setup_config_host(const cJSON *cfg, const char *host)
{
	const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(cfg, "hosts"), *entry;
	char *key = host_key(host);

	entry = cJSON_IsObject(hosts) ? cJSON_GetObjectItemCaseSensitive(hosts, key) : NULL;
	if (entry && strstr(host, "://")) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(entry, "url");
		char *want = strip_slash(host), *have = cJSON_IsString(url) ? strip_slash(url->valuestring) : NULL;

		if (have == NULL || strcmp(want, have) != 0)
			entry = NULL;
		free(want);
		free(have);
	}
	free(key);
	return cJSON_IsObject(entry) ? entry : NULL;
}

/* Timestamps of backups and approvals: SOURCE_DATE_EPOCH when set
 * (reproducible runs and tests), else now. */
static time_t
setup_now(void)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno || *end || t < 0)
		return 0;
	return (time_t)t;
}

/* ---- output ---- */

static const char *
action_word(enum hook_action act, const struct hook_file_report *fr, int dry)
{
	switch (fr->action) {
	case HOOK_FILE_CREATED:
		return dry ? "would create" : "created";
	case HOOK_FILE_MODIFIED:
		return dry ? "would update" : act == HOOK_UNINSTALL ? "removed our entries" : "updated";
	case HOOK_FILE_DELETED:
		return dry ? "would delete" : "deleted (nothing else was left)";
	case HOOK_FILE_UNCHANGED:
		break;
	}
	return act == HOOK_UNINSTALL ? "nothing of ours" : "already up to date";
}

static const char *
mode_name(enum hook_mode m)
{
	return m == HOOK_MODE_MONITOR ? "monitoring only (no enforcement)" :
	       m == HOOK_MODE_ALL_EVENTS ? "enforcement + event hooks" : "enforcement only";
}

static const char *
mode_id(enum hook_mode m)
{
	return m == HOOK_MODE_MONITOR ? "monitor" : m == HOOK_MODE_ALL_EVENTS ? "all_events" :
	       "enforce";
}

static const char *const problem_names[] = {
	"missing", "modified", "duplicated", "extra", "untrusted", "disabled", "error", NULL
};

/* Problems that make a file non-compliant. */
#define DRIFT_MASK (HOOK_PB_MISSING | HOOK_PB_MODIFIED | HOOK_PB_DUPLICATED | HOOK_PB_EXTRA | \
		    HOOK_PB_UNTRUSTED | HOOK_PB_DISABLED | HOOK_PB_ERROR)

static cJSON *
report_json(const struct hook_report *r, enum hook_action act, int dry)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	size_t i, k, n;

	cJSON_AddItemToObject(root, "schema", tree_new_integer(1));
	cJSON_AddStringToObject(root, "action", act == HOOK_INSTALL ? "install" :
				act == HOOK_UNINSTALL ? "uninstall" : "check");
	cJSON_AddBoolToObject(root, "dry_run", dry);
	arr = cJSON_AddArrayToObject(root, "clients");
	for (i = 0; i < r->n; i++) {
		const struct hook_client_report *cr = &r->v[i];
		cJSON *c = cJSON_CreateObject(), *files;
		unsigned pb = 0;
		int failed = 0;

		cJSON_AddStringToObject(c, "client", hook_clients[cr->client].id);
		cJSON_AddStringToObject(c, "name", hook_clients[cr->client].label);
		if (cr->skipped) {
			cJSON_AddStringToObject(c, "status", "skipped");
			cJSON_AddStringToObject(c, "reason", cr->skipped);
			cJSON_AddItemToArray(arr, c);
			continue;
		}
		cJSON_AddStringToObject(c, "mode", mode_id(cr->mode));
		files = cJSON_AddArrayToObject(c, "files");
		for (k = 0; k < cr->nfiles; k++) {
			const struct hook_file_report *fr = &cr->files[k];
			cJSON *f, *a;
			static const char *const acts[] = { "unchanged", "created", "modified", "deleted" };

			if (fr->hidden)
				continue;
			f = cJSON_CreateObject();
			pb |= fr->problems;
			failed |= fr->err.code != 0;
			cJSON_AddStringToObject(f, "path", fr->path);
			cJSON_AddStringToObject(f, "role", fr->role);
			if (act != HOOK_CHECK)
				cJSON_AddStringToObject(f, "action", acts[fr->action]);
			if (fr->backup)
				cJSON_AddStringToObject(f, "backup", fr->backup);
			if (fr->diff)
				cJSON_AddStringToObject(f, "diff", fr->diff);
			if (act == HOOK_CHECK)
				cJSON_AddItemToObject(f, "entries", tree_new_integer((long long)fr->n_entries));
			a = cJSON_AddArrayToObject(f, "problems");
			for (n = 0; problem_names[n]; n++)
				if (fr->problems & (1u << n))
					cJSON_AddItemToArray(a, cJSON_CreateString(problem_names[n]));
			a = cJSON_AddArrayToObject(f, "notes");
			for (n = 0; n < fr->nnotes; n++)
				cJSON_AddItemToArray(a, cJSON_CreateString(fr->notes[n]));
			if (fr->err.code) {
				char msg[2048];

				cJSON_AddStringToObject(f, "error", err_format(&fr->err, msg, sizeof(msg)));
			}
			cJSON_AddItemToArray(files, f);
		}
		cJSON_AddStringToObject(c, "status", failed ? "error" :
					act == HOOK_CHECK ? ((pb & DRIFT_MASK) ? "drift" : "compliant") : "ok");
		cJSON_AddItemToArray(arr, c);
	}
	return root;
}

static void
print_report(FILE *fp, const struct hook_report *r, enum hook_action act, int dry)
{
	size_t i, k, n;

	for (i = 0; i < r->n; i++) {
		const struct hook_client_report *cr = &r->v[i];
		const char *label = hook_clients[cr->client].label;
		int client_failed = 0;

		for (k = 0; k < cr->nfiles; k++)
			client_failed |= cr->files[k].err.code != 0;
		if (cr->skipped) {
			if (g_opts.verbose || act == HOOK_CHECK)
				fprintf(fp, "- %s: skipped (%s)\n", label, cr->skipped);
			continue;
		}
		for (k = 0; k < cr->nfiles; k++) {
			const struct hook_file_report *fr = &cr->files[k];
			const char *sym, *c0;

			if (fr->hidden || (g_opts.quiet && !fr->err.code))
				continue;
			if (fr->err.code) {
				char msg[2048];

				/* Errors go to stderr whatever the report's stream. */
				err_format(&fr->err, msg, sizeof(msg));
				fflush(fp);
				fprintf(stderr, "%s%s %s: %s; left unchanged%s\n", out_color(stderr, OUT_RED),
					out_sym_fail(), label, msg, out_color(stderr, OUT_RESET));
				continue;
			}
			if (client_failed && act != HOOK_CHECK) {
				fprintf(fp, "- %s: %s: left unchanged (see the error)\n", label, fr->path);
				continue;
			}
			if (act == HOOK_CHECK) {
				int drift = (fr->problems & DRIFT_MASK) != 0;
				int soft = !(fr->problems & ~(unsigned)(HOOK_PB_UNTRUSTED | HOOK_PB_DISABLED));

				sym = !drift ? out_sym_ok() : soft ? out_sym_warn() : out_sym_fail();
				c0 = out_color(fp, !drift ? OUT_GREEN : soft ? OUT_YELLOW : OUT_RED);
				if (!drift)
					fprintf(fp, "%s%s %s: %s: compliant (%zu entr%s, %s)%s\n", c0, sym, label,
						fr->path, fr->n_entries, fr->n_entries == 1 ? "y" : "ies",
						mode_name(cr->mode), out_color(fp, OUT_RESET));
				else if (fr->problems == HOOK_PB_UNTRUSTED)
					fprintf(fp, "%s%s %s: %s: installed, not trusted%s\n", c0, sym, label,
						fr->path, out_color(fp, OUT_RESET));
				else
					fprintf(fp, "%s%s %s: %s: drift%s\n", c0, sym, label, fr->path,
						out_color(fp, OUT_RESET));
			} else {
				int warn = (fr->problems & (HOOK_PB_UNTRUSTED | HOOK_PB_DISABLED)) != 0;

				fprintf(fp, "%s%s %s: %s: %s", out_color(fp, warn ? OUT_YELLOW : OUT_GREEN),
					warn ? out_sym_warn() : out_sym_ok(), label, fr->path,
					action_word(act, fr, dry));
				if (fr->backup)
					fprintf(fp, " (backup %s)", fr->backup);
				fprintf(fp, "%s\n", out_color(fp, OUT_RESET));
			}
			for (n = 0; n < fr->nnotes; n++)
				fprintf(fp, "    %s\n", fr->notes[n]);
			if (fr->diff && fr->diff[0])
				fputs(fr->diff, stdout);
		}
	}
}

/* ---- the command ---- */

static int
confirm(const char *question)
{
	char line[64];

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

/* Whether the planned run writes trust (Codex) or allowlist (Hermes) entries. */
static int
plan_writes_trust(const struct hook_report *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++)
		for (k = 0; k < r->v[i].nfiles; k++)
			if (strcmp(r->v[i].files[k].role, "hooks") != 0 &&
			    r->v[i].files[k].action != HOOK_FILE_UNCHANGED)
				return 1;
	return 0;
}

static int
plan_changes(const struct hook_report *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++)
		for (k = 0; k < r->v[i].nfiles; k++)
			if (r->v[i].files[k].action != HOOK_FILE_UNCHANGED)
				return 1;
	return 0;
}

/* install/uninstall: 1 when a file failed; check: 1 on drift, 2 when no
 * supported client was there to check. */
static int
setup_hooks_exit(const struct hook_report *r, enum hook_action act)
{
	size_t i, k, checked = 0;
	int drift = 0, failed = 0;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].skipped)
			continue;
		checked++;
		for (k = 0; k < r->v[i].nfiles; k++) {
			if (r->v[i].files[k].problems & DRIFT_MASK)
				drift = 1;
			if (r->v[i].files[k].err.code)
				failed = 1;
		}
	}
	if (act != HOOK_CHECK)
		return failed ? EXIT_FAIL : EXIT_OK;
	if (checked == 0)
		return EXIT_UNSUPPORTED;
	return drift ? EXIT_FAIL : EXIT_OK;
}

/* Run, asking first at a terminal (the answer is also the consent to write
 * trust); 1 when the person declined. */
static int
setup_hooks_run(struct hook_opts *ho, int yes, int interactive, FILE *fp, struct hook_report *r)
{
	if (ho->action == HOOK_INSTALL && !ho->dry_run && !yes && interactive) {
		struct hook_report plan;
		int dry = ho->dry_run;

		ho->dry_run = 1;
		ho->trust = 1;
		hooks_run(ho, &plan);
		ho->dry_run = dry;
		if (plan_changes(&plan)) {
			print_report(stderr, &plan, ho->action, 1);
			if (!confirm(plan_writes_trust(&plan) ?
				     "Write these changes? This also marks the runlayer hooks as trusted "
				     "(Codex) and allowlisted (Hermes)." : "Write these changes?")) {
				hook_report_release(&plan);
				fprintf(fp, "Aborted.\n");
				memset(r, 0, sizeof(*r));
				return 1;
			}
		}
		hook_report_release(&plan);
	} else {
		ho->trust = yes;
	}
	/* Failures are in the per-file reports. */
	(void)hooks_run(ho, r);
	return 0;
}

static void
print_output(FILE *fp, struct hook_report *r, const struct hook_opts *ho)
{
	if (g_opts.json) {
		cJSON *j = report_json(r, ho->action, ho->dry_run);
		char *text = tree_print(j, 1, 0);

		printf("%s\n", text);
		free(text);
		cJSON_Delete(j);
		return;
	}
	/* A dry run's stdout is the diff alone (patch-able); the report goes
	 * to stderr. */
	print_report(ho->dry_run ? stderr : fp, r, ho->action, ho->dry_run);
	if (ho->action == HOOK_INSTALL && !ho->dry_run && plan_changes(r) && !g_opts.quiet)
		fprintf(fp, "%s Configured hooks: %s\n%s Restart the AI clients to activate\n",
			out_sym_ok(), mode_name(ho->mode), out_sym_ok());
	/* Which rules the hooks will apply, and how to baseline them. */
	if (ho->action == HOOK_INSTALL && !ho->dry_run && !g_opts.quiet) {
		struct buf d = BUF_INIT;
		struct err e = ERR_INIT;

		policy_describe_current(ho->mode == HOOK_MODE_MONITOR, &d, &e);
		if (d.len) {
			fprintf(fp, "\n%s", d.data);
			if (d.data[d.len - 1] != '\n')
				fputc('\n', fp);
		}
		buf_release(&d);
	}
}

int
cmd_setup_hooks(int argc, char **argv)
{
	int install = 0, uninstall = 0, check = 0, all_events = 0, no_enf = 0, mdm = 0, user = 0;
	int yes = 0, dry_run = 0, rc = EXIT_OK, aborted;
	long lock_ms = -1;
	const char *host = NULL, *home = NULL, *root = NULL, *os = NULL, *binary = NULL;
	struct opt_list clients = { NULL, 0 };
	const struct opt opts[] = {
		{ OPT_FLAG, 'i', "install", &install, NULL, "add our hook entries", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'u', "uninstall", &uninstall, NULL, "remove our hook entries (only ours)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "check", &check, NULL, "report missing, changed or duplicated entries", 0, 0, NULL, 0, 0 },
		{ OPT_LIST, 'c', "client", &clients, "C", "only this client (repeatable): cursor, claude_code, codex, gemini-cli, hermes, github-copilot-cli, windsurf", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "all-events", &all_events, NULL, "also register session, prompt and reply events", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "event-hooks", &all_events, NULL, "same as --all-events", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "no-enforcement", &no_enf, NULL, "monitor only: hooks never block (implies --all-events)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "mdm", &mdm, NULL, "managed (system) locations; needs root", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "user", &user, NULL, "the user's own files (default for runlayer)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 'H', "host", &host, "H", "require this host to be configured (~/.runlayer/config.yaml)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'y', "yes", &yes, NULL, "do not ask; also trust the hooks in Codex and Hermes", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'n', "dry-run", &dry_run, NULL, "print a unified diff of every change, write nothing", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "home", &home, "DIR", "the user's home (default $HOME)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "root", &root, "DIR", "look up system paths under DIR (tests, images)", 0, 0, NULL, 0, 0 },
		{ OPT_CHOICE, 0, "os", &os, "OS", "paths of this OS: linux, darwin or windows", 0, 0, "darwin|windows|linux", 0, 0 },
		{ OPT_STRING, 0, "binary", &binary, "PATH", "the runlayer binary the hooks run (default: this one)", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 0, "lock-timeout", &lock_ms, "MS", "wait this long for another installer (default 30000)", 0, 3600000, NULL, 0, OPT_HIDDEN },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct hook_opts ho;
	struct hook_report r;
	char **args, *home_dir = NULL, *bin = NULL, *state = NULL, *cfg_path = NULL;
	cJSON *cfg = NULL;
	FILE *fp = strcmp(prog_name, "aiwatch") == 0 ? stderr : stdout;
	int nargs, i;

	memset(&r, 0, sizeof(r));
	/* Verb form: `setup hooks install|uninstall|check`. */
	if (argc > 1 && argv[1][0] != '-') {
		if (strcmp(argv[1], "install") == 0)
			install = 1;
		else if (strcmp(argv[1], "uninstall") == 0)
			uninstall = 1;
		else if (strcmp(argv[1], "check") == 0)
			check = 1;
		else
			return opt_usage_error(&hooks_help, "unknown verb '%s' (install, uninstall or check)",
					       argv[1]);
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (opt_parse(opts, &hooks_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &hooks_help, opts);
		goto out;
	}
	if (nargs) {
		rc = opt_usage_error(&hooks_help, "unexpected argument");
		goto out;
	}
	if (install + uninstall + check > 1) {
		rc = opt_usage_error(&hooks_help, "use only one of --install, --uninstall and --check");
		goto out;
	}
	if (install + uninstall + check == 0) {
		rc = opt_usage_error(&hooks_help, "specify --install, --uninstall or --check");
		goto out;
	}
	if (mdm && user) {
		rc = opt_usage_error(&hooks_help, "use only one of --mdm and --user");
		goto out;
	}
	if (!mdm && !user && strcmp(prog_name, "aiwatch") == 0)
		mdm = 1;
	memset(&ho, 0, sizeof(ho));
	ho.action = install ? HOOK_INSTALL : uninstall ? HOOK_UNINSTALL : HOOK_CHECK;
	for (i = 0; i < clients.n; i++) {
		int c = hook_client_lookup(clients.items[i]);

		if (c < 0) {
			rc = opt_usage_error(&hooks_help, "unknown client '%s'", clients.items[i]);
			goto out;
		}
		if (mdm && !hook_clients[c].has_mdm) {
			rc = opt_usage_error(&hooks_help, "%s has no managed location; drop --mdm",
					     hook_clients[c].label);
			goto out;
		}
		ho.clients |= 1u << c;
		ho.explicit_clients = 1;
	}
	home_dir = home ? strip_slash(home) : setup_default_home();
	if (home_dir == NULL) {
		out_error("cannot find the home directory: set HOME or pass --home");
		rc = EXIT_FAIL;
		goto out;
	}
	ho.home = home_dir;
	ho.root = root ? root : "";
	ho.os = os ? paths_os_from_name(os) : paths_host_os();
	ho.live = home == NULL && root == NULL && os == NULL;
	ho.mdm = mdm;
	ho.dry_run = dry_run;
	ho.mode = no_enf ? HOOK_MODE_MONITOR : all_events ? HOOK_MODE_ALL_EVENTS : HOOK_MODE_ENFORCE;
	ho.mode_given = no_enf || all_events;
	ho.now = setup_now();
	if (lock_ms >= 0)
		ho.lock_timeout_ms = lock_ms ? (unsigned)lock_ms : 1;
	/* Symlinked configs (dotfile repositories) are edited in place, but
	 * never in managed locations (and only links the user owns). */
	ho.follow_symlinks = !mdm;
	if (host) {
		state = setup_state_dir(home_dir, ho.live);
		setup_config_load(state, &cfg, &cfg_path);
		if (setup_config_host(cfg, host) == NULL) {
			out_error("host '%s' is not configured in %s; run '%s login --host %s' first",
				  host, cfg_path, prog_name, host);
			rc = EXIT_FAIL;
			goto out;
		}
	}
	bin = binary ? abs_clean(binary) : setup_self_path();
	if (bin == NULL) {
		out_error("cannot find the path of this program; pass --binary");
		rc = EXIT_FAIL;
		goto out;
	}
	ho.binary = bin;
	if (ho.action == HOOK_INSTALL && access(bin, X_OK) != 0)
		out_warn("'%s' is not an executable file: the hooks will fail to start, and most "
			 "clients then let every call through", bin);
	aborted = setup_hooks_run(&ho, yes, isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && !g_opts.json,
				  fp, &r);
	if (aborted)
		goto out;
	print_output(fp, &r, &ho);
	rc = setup_hooks_exit(&r, ho.action);
out:
	hook_report_release(&r);
	cJSON_Delete(cfg);
	free(cfg_path);
	free(state);
	free(clients.items);
	free(home_dir);
	free(bin);
	return rc;
}

static const struct subcommand setup_subs[] = {
	{ "hooks", cmd_setup_hooks, "install, remove or check hooks in the AI clients' configs" },
	{ NULL, NULL, NULL }
};

int
cmd_setup(int argc, char **argv)
{
	return subcommand_run("setup", setup_subs, argc, argv);
}

/* ---- aiwatch bootstrap (contract §1.5) ---- */

static const struct cmd_help bootstrap_help = {
	"bootstrap", "[--check] [--host H] [--mdm | --user] [--all-events] [--yes]",
	"Make this device compliant: credential present, hooks installed for every client.",
	"The enrollment step (which needs the backend) is not part of this build: a\n"
	"missing credential is reported, not fetched. The credential is the host's entry\n"
	"in ~/.runlayer/config.yaml (its secret may live in the OS keychain).\n"
	"\n"
	"Exit status: 0 compliant (or made so); 1 a step failed, or --check found hook\n"
	"drift; 2 no host or no binary; 4 no credential for the host."
};

int
cmd_bootstrap(int argc, char **argv)
{
	int check = 0, mdm = 0, user = 0, all_events = 0, yes = 0, rc = EXIT_OK, nargs;
	const char *host = NULL, *home = NULL, *root = NULL, *os = NULL, *binary = NULL;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "check", &check, NULL, "report only, change nothing", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 'H', "host", &host, "H", "the backend host (default $RUNLAYER_HOST, then config.yaml)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "mdm", &mdm, NULL, "managed (system) hook locations (default)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "user", &user, NULL, "the user's own hook files", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "all-events", &all_events, NULL, "also register session, prompt and reply events", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'y', "yes", &yes, NULL, "trust the hooks in Codex and Hermes (user scope)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "home", &home, "DIR", "the user's home (default $HOME)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "root", &root, "DIR", "look up system paths under DIR", 0, 0, NULL, 0, 0 },
		{ OPT_CHOICE, 0, "os", &os, "OS", "paths of this OS: linux, darwin or windows", 0, 0, "darwin|windows|linux", 0, 0 },
		{ OPT_STRING, 0, "binary", &binary, "PATH", "the binary the hooks run (default: this one)", 0, 0, NULL, 0, 0 },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct hook_opts ho;
	struct hook_report r;
	char **args, *home_dir = NULL, *bin = NULL, *state = NULL, *cfg_path = NULL;
	const char *use_host;
	cJSON *cfg = NULL;
	FILE *fp = stderr;

	memset(&r, 0, sizeof(r));
	if (opt_parse(opts, &bootstrap_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &bootstrap_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&bootstrap_help, "unexpected argument");
	if (mdm && user)
		return opt_usage_error(&bootstrap_help, "use only one of --mdm and --user");
	home_dir = home ? strip_slash(home) : setup_default_home();
	if (home_dir == NULL) {
		out_error("cannot find the home directory: set HOME or pass --home");
		rc = EXIT_FAIL;
		goto out;
	}
	memset(&ho, 0, sizeof(ho));
	ho.home = home_dir;
	ho.root = root ? root : "";
	ho.os = os ? paths_os_from_name(os) : paths_host_os();
	ho.live = home == NULL && root == NULL && os == NULL;
	ho.mdm = !user;
	ho.mode = all_events ? HOOK_MODE_ALL_EVENTS : HOOK_MODE_ENFORCE;
	ho.mode_given = all_events;
	ho.now = setup_now();
	ho.follow_symlinks = !ho.mdm;
	state = setup_state_dir(home_dir, ho.live);
	setup_config_load(state, &cfg, &cfg_path);
	/* Host: flag, RUNLAYER_HOST, default_host, the only host (§2.3). */
	use_host = host;
	if (use_host == NULL && getenv("RUNLAYER_HOST") && getenv("RUNLAYER_HOST")[0])
		use_host = getenv("RUNLAYER_HOST");
	if (use_host == NULL) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(cfg, "default_host");
		const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(cfg, "hosts");

		if (cJSON_IsString(d) && d->valuestring[0])
			use_host = d->valuestring;
		else if (cJSON_IsObject(hosts) && cJSON_GetArraySize(hosts) == 1) {
			const cJSON *url = cJSON_GetObjectItemCaseSensitive(hosts->child, "url");

			use_host = cJSON_IsString(url) ? url->valuestring : hosts->child->string;
		}
	}
	if (use_host == NULL) {
		fprintf(fp, "%s no host configured (pass --host, set RUNLAYER_HOST, or run "
			"'runlayer login --host <url>')\n", out_sym_fail());
		rc = EXIT_UNSUPPORTED;
		goto out;
	}
	if (setup_config_host(cfg, use_host) == NULL) {
		if (!check)
			fprintf(fp, "%s enroll: not available in this build; skipping\n", out_sym_warn());
		fprintf(fp, "%s no user credential for %s (%s has no entry for it). Run `%s enroll` "
			"or `runlayer login --host %s` first\n", out_sym_fail(), use_host, cfg_path,
			prog_name, use_host);
		rc = EXIT_NOCRED;
		goto out;
	}
	fprintf(fp, "%s credential: %s\n", out_sym_ok(), use_host);
	bin = binary ? abs_clean(binary) : setup_self_path();
	if (bin == NULL) {
		fprintf(fp, "%s cannot find the path of this program; pass --binary\n", out_sym_fail());
		rc = EXIT_UNSUPPORTED;
		goto out;
	}
	ho.binary = bin;
	ho.action = check ? HOOK_CHECK : HOOK_INSTALL;
	ho.trust = yes;
	hooks_run(&ho, &r);
	print_output(fp, &r, &ho);
	rc = setup_hooks_exit(&r, ho.action);
	if (rc == EXIT_UNSUPPORTED && !check)
		rc = EXIT_OK;
	if (rc == EXIT_UNSUPPORTED) {
		fprintf(fp, "%s no supported AI client found\n", out_sym_warn());
		rc = EXIT_OK;
	}
out:
	hook_report_release(&r);
	cJSON_Delete(cfg);
	free(cfg_path);
	free(state);
	free(home_dir);
	free(bin);
	return rc;
}
