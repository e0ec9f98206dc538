/* `runlayer doctor`: read-only checks of this installation: the binary on
 * PATH, file permissions, hooks per client, the inventory, last scan,
 * schedule and logs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "discover/paths.h"
#include "hooks/hook_binary.h"
#include "hooks/install.h"
#include "net/config.h"
#include "ops/schedule.h"
#include "parsers/tree.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help doctor_help = {
	"doctor", "[--json]",
	"Check this installation and say what to fix.",
	"Read-only checks: the binary and whether 'runlayer' on PATH is the same\n"
	"one; the modes of ~/.runlayer, config.yaml (keys: 0600) and the managed\n"
	"credentials file; the runlayer hooks of each installed AI client (as\n"
	"'setup hooks --check' sees them); the inventory opens and when the last\n"
	"scan ran; whether a periodic scan is scheduled; the log directory.\n"
	"Exit 0 when nothing failed (warnings allowed), 1 otherwise."
};

enum st { ST_OK, ST_INFO, ST_WARN, ST_FAIL };

struct check {
	const char *name;
	enum st st;
	char *detail;
};

struct checks {
	struct check *v;
	size_t n;
};

static void add(struct checks *c, const char *name, enum st st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
add(struct checks *c, const char *name, enum st st, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].name = name;
	c->v[c->n].st = st;
	c->v[c->n].detail = buf_detach(&b, NULL);
	c->n++;
}

static char *
self_exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* The first executable `name` on PATH, or NULL. */
static char *
which(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;

	if (path == NULL)
		return NULL;
	for (p = path; ; p = colon + 1) {
		char *dir, *full;

		colon = strchr(p, ':');
		dir = colon ? xstrndup(p, (size_t)(colon - p)) : xstrdup(p);
		full = path_join(*dir ? dir : ".", name);
		free(dir);
		if (access(full, X_OK) == 0)
			return full;
		free(full);
		if (!colon)
			return NULL;
	}
}

static void
check_binary(struct checks *c, const char *self)
{
	char *found = which("runlayer");
	struct stat a, b;

	if (self == NULL)
		add(c, "binary", ST_WARN, "cannot tell where this binary is (/proc/self/exe)");
	else if (found == NULL)
		add(c, "binary", ST_WARN, "%s works, but no 'runlayer' is on PATH", self);
	else if (stat(found, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
		 a.st_ino == b.st_ino)
		add(c, "binary", ST_OK, "%s (on PATH as %s)", self, found);
	else
		add(c, "binary", ST_WARN, "'runlayer' on PATH is %s, not this binary %s", found,
		    self);
	free(found);
}

static void
check_state(struct checks *c, const char *state)
{
	struct stat st;

	if (lstat(state, &st) < 0) {
		add(c, "state_dir", ST_INFO, "%s does not exist yet", state);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		add(c, "state_dir", ST_FAIL, "%s is not a directory", state);
	else if (st.st_uid != geteuid())
		add(c, "state_dir", ST_FAIL, "%s belongs to uid %lu, not to you", state,
		    (unsigned long)st.st_uid);
	else if (st.st_mode & 022)
		add(c, "state_dir", ST_FAIL, "%s is writable by group or others (mode %04o): "
		    "chmod 700 %s", state, (unsigned)(st.st_mode & 07777), state);
	else if (st.st_mode & 077)
		add(c, "state_dir", ST_WARN, "%s is readable by group or others (mode %04o): "
		    "chmod 700 %s", state, (unsigned)(st.st_mode & 07777), state);
	else
		add(c, "state_dir", ST_OK, "%s (mode %04o)", state, (unsigned)(st.st_mode & 07777));
}

static void
check_config(struct checks *c, const char *state)
{
	struct config cfg;
	struct err e = ERR_INIT;
	const char *host;

	config_init(&cfg);
	if (config_load(&cfg, state, &e) < 0) {
		add(c, "config", ST_FAIL, "%s", e.msg);
	} else if (!cfg.exists) {
		add(c, "config", ST_INFO, "no %s/config.yaml: run 'runlayer login --host URL' to "
		    "submit scans", state);
	} else if (cfg.warning[0]) {
		add(c, "config", ST_WARN, "%s", cfg.warning);
	} else {
		cJSON *hosts = cJSON_GetObjectItemCaseSensitive(cfg.root, "hosts");

		host = config_default_host(&cfg);
		add(c, "config", ST_OK, "%s: %d host%s, default %s", cfg.path,
		    cJSON_GetArraySize(hosts), cJSON_GetArraySize(hosts) == 1 ? "" : "s",
		    host ? host : "(none)");
	}
	config_release(&cfg);
}

static void
check_managed(struct checks *c)
{
	const char *cred = "/etc/runlayer/aiwatch/credentials";
	struct stat st;

	if (lstat(cred, &st) < 0) {
		add(c, "managed", ST_INFO, "no managed credentials (%s)", cred);
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077))
		add(c, "managed", ST_FAIL, "%s must be a root-owned file of mode 0600 (it holds "
		    "the org key): it is uid %lu, mode %04o", cred, (unsigned long)st.st_uid,
		    (unsigned)(st.st_mode & 07777));
	else
		add(c, "managed", ST_OK, "%s: root-owned, mode 0600", cred);
}

static void
check_hooks(struct checks *c, const char *home, const char *self)
{
	struct hook_opts ho;
	struct hook_report r;
	char *hook_bin = self ? hook_binary_for(self) : NULL;
	size_t i, j;

	memset(&ho, 0, sizeof(ho));
	memset(&r, 0, sizeof(r));
	ho.action = HOOK_CHECK;
	ho.home = home;
	ho.root = "";
	ho.os = paths_host_os();
	ho.live = 1;
	ho.binary = hook_bin ? hook_bin : "/usr/bin/runlayer";
	ho.lock_timeout_ms = 1;
	hooks_run(&ho, &r);
	for (i = 0; i < r.n; i++) {
		const struct hook_client_report *cr = &r.v[i];
		const char *label = hook_clients[cr->client].label;
		unsigned problems = 0;
		size_t entries = 0;
		const char *note = NULL;

		if (cr->skipped) {
			add(c, "hooks", ST_INFO, "%s: %s", label, cr->skipped);
			continue;
		}
		for (j = 0; j < cr->nfiles; j++) {
			problems |= cr->files[j].problems;
			entries += cr->files[j].n_entries;
			if (!note && cr->files[j].nnotes)
				note = cr->files[j].notes[0];
			if (!note && cr->files[j].err.code)
				note = cr->files[j].err.msg;
		}
		if (problems & HOOK_PB_ERROR)
			add(c, "hooks", ST_FAIL, "%s: %s", label, note ? note : "a file cannot be read");
		else if (entries == 0)
			add(c, "hooks", ST_INFO, "%s: no runlayer hooks ('runlayer setup hooks "
			    "--install' adds them)", label);
		else if (problems)
			add(c, "hooks", ST_WARN, "%s: %s", label, note ? note : "hooks need repair "
			    "('runlayer setup hooks --install')");
		else
			add(c, "hooks", ST_OK, "%s: %zu hook entr%s", label, entries,
			    entries == 1 ? "y" : "ies");
	}
	hook_report_release(&r);
	free(hook_bin);
}

static void
check_store(struct checks *c)
{
	struct err e = ERR_INIT;
	struct store *s = NULL;
	struct store_scan_rows rows = { NULL, 0, 0 };
	char *path = store_default_path(&e);
	struct stat st;

	if (path == NULL) {
		add(c, "inventory", ST_FAIL, "%s", e.msg);
		return;
	}
	if (lstat(path, &st) < 0) {
		add(c, "inventory", ST_INFO, "no inventory yet (%s): run 'runlayer scan'", path);
		add(c, "last_scan", ST_WARN, "no scan recorded");
		free(path);
		return;
	}
	if (store_open(path, 0, 2000, &s, &e) < 0) {
		add(c, "inventory", ST_FAIL, "%s: %s", path, e.msg);
		free(path);
		return;
	}
	add(c, "inventory", (st.st_mode & 077) ? ST_WARN : ST_OK, "%s opens (schema %d, mode %04o)",
	    path, store_schema_version(s), (unsigned)(st.st_mode & 07777));
	if (store_scans(s, 1, &rows, &e) < 0) {
		add(c, "last_scan", ST_FAIL, "cannot read the scans: %s", e.msg);
	} else if (rows.n == 0) {
		add(c, "last_scan", ST_WARN, "no scan recorded");
	} else {
		const struct store_scan_row *r = &rows.v[rows.n - 1];
		char stamp[32];
		time_t t;
		enum st level = ST_OK;

		/* started_at is UTC "YYYY-MM-DDTHH:MM:SS.mmmZ". */
		snprintf(stamp, sizeof(stamp), "%.19sZ", r->started_at ? r->started_at : "");
		if (log_parse_time(stamp, &t) == 0 && time(NULL) - t > 86400)
			level = ST_WARN;
		add(c, "last_scan", level, "%s UTC: %ld servers in %ld configs%s, submission %s",
		    r->started_at ? r->started_at : "?", r->n_servers, r->n_configs,
		    r->partial ? " (partial)" : "", r->submission ? r->submission : "?");
	}
	store_scan_rows_release(&rows);
	store_close(s);
	free(path);
}

static void
check_schedule(struct checks *c, const char *home)
{
	struct sched_opts so;
	struct sched_env env;
	struct sched_report r;
	const char *xdg = getenv("XDG_CONFIG_HOME");

	memset(&so, 0, sizeof(so));
	memset(&env, 0, sizeof(env));
#ifdef __APPLE__
	so.os = SCHED_DARWIN;
#else
	so.os = SCHED_LINUX;
#endif
	env.home = home;
	env.config_home = xdg && xdg[0] == '/' ? xdg : NULL;
	env.uid = getuid();
	sched_find(&so, &env, &r);
	if (r.method == SCHED_M_NONE)
		add(c, "schedule", ST_INFO, "no periodic scan ('runlayer schedule --install' adds one)");
	else
		add(c, "schedule", ST_OK, "%s (%s)", r.method == SCHED_M_SYSTEMD ? "systemd user timer" :
		    r.method == SCHED_M_CRON ? "crontab line" : "LaunchAgent",
		    r.n_written ? r.written[0] : "");
	sched_report_release(&r);
}

static void
check_logs(struct checks *c)
{
	struct err e = ERR_INIT;
	char *dir = log_default_dir(&e);
	struct log_file *f = NULL;
	unsigned long long total = 0;
	struct stat st;
	size_t n = 0, i;

	if (dir == NULL) {
		add(c, "logs", ST_WARN, "%s", e.msg);
		return;
	}
	if (lstat(dir, &st) < 0) {
		add(c, "logs", ST_INFO, "%s does not exist yet", dir);
	} else if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		add(c, "logs", ST_WARN, "%s is not a private directory of yours: logs go to the "
		    "temporary directory instead", dir);
	} else if (log_list(dir, &f, &n, &e) == 0) {
		for (i = 0; i < n; i++)
			total += (unsigned long long)f[i].size;
		add(c, "logs", ST_OK, "%s: %zu file%s, %.1f MiB", dir, n, n == 1 ? "" : "s",
		    (double)total / (1024.0 * 1024.0));
		log_files_free(f, n);
	} else {
		add(c, "logs", ST_WARN, "%s", e.msg);
	}
	free(dir);
}

static const char *
st_name(enum st s)
{
	return s == ST_OK ? "ok" : s == ST_INFO ? "info" : s == ST_WARN ? "warn" : "fail";
}

int
cmd_doctor(int argc, char **argv)
{
	const struct opt opts[] = {
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct checks c = { NULL, 0 };
	struct err e = ERR_INIT;
	char **args, *self, *home, *state;
	size_t i, fails = 0, warns = 0;
	int nargs;

	if (opt_parse(opts, &doctor_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &doctor_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&doctor_help, "unexpected argument");
	if ((home = state_home(&e)) == NULL || (state = state_dir(&e)) == NULL) {
		out_error("%s", e.msg);
		free(home);
		return EXIT_FAIL;
	}
	self = self_exe();
	check_binary(&c, self);
	check_state(&c, state);
	check_config(&c, state);
	check_managed(&c);
	check_hooks(&c, home, self);
	check_store(&c);
	check_schedule(&c, home);
	check_logs(&c);
	for (i = 0; i < c.n; i++) {
		fails += c.v[i].st == ST_FAIL;
		warns += c.v[i].st == ST_WARN;
	}
	if (g_opts.json) {
		cJSON *root = cJSON_CreateObject(), *arr;
		char *text;

		cJSON_AddItemToObject(root, "schema", tree_new_integer(1));
		cJSON_AddBoolToObject(root, "ok", fails == 0);
		arr = cJSON_AddArrayToObject(root, "checks");
		for (i = 0; i < c.n; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", c.v[i].name);
			cJSON_AddStringToObject(o, "status", st_name(c.v[i].st));
			cJSON_AddStringToObject(o, "detail", c.v[i].detail);
			cJSON_AddItemToArray(arr, o);
		}
		text = tree_print(root, 1, 0);
		printf("%s\n", text);
		free(text);
		cJSON_Delete(root);
	} else {
		for (i = 0; i < c.n; i++) {
			const char *sym = c.v[i].st == ST_OK ? out_sym_ok() :
					  c.v[i].st == ST_FAIL ? out_sym_fail() :
					  c.v[i].st == ST_WARN ? out_sym_warn() : "-";
			enum out_color col = c.v[i].st == ST_OK ? OUT_GREEN : c.v[i].st == ST_FAIL ?
					     OUT_RED : c.v[i].st == ST_WARN ? OUT_YELLOW : OUT_DIM;

			if (g_opts.quiet && c.v[i].st != ST_FAIL)
				continue;
			printf("%s%s%s %s: %s\n", out_color(stdout, col), sym,
			       out_color(stdout, OUT_RESET), c.v[i].name, c.v[i].detail);
		}
		if (!g_opts.quiet)
			printf("%zu check%s failed, %zu warning%s\n", fails, fails == 1 ? "" : "s",
			       warns, warns == 1 ? "" : "s");
	}
	for (i = 0; i < c.n; i++)
		free(c.v[i].detail);
	free(c.v);
	free(self);
	free(home);
	free(state);
	return fails ? EXIT_FAIL : EXIT_OK;
}
