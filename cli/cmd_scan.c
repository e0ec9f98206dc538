/* `runlayer scan`: discover every MCP server configured on this machine
 * (or a mounted home), print the payload (--dry-run) or a summary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/scan_all_users.h"
#include "discover/catalog.h"
#include "discover/device.h"
#include "discover/paths.h"
#include "discover/scan.h"
#include "net/payload.h"
#include "parsers/tree.h"
#include "store/store.h"
#include "store/users.h"
#include "util/file.h"
#include "util/log.h"
#include "util/state.h"
#include "util/lock.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help scan_help = {
	"scan", "[--dry-run] [--no-projects] [--project-depth N] [--project-timeout S] "
		"[--home DIR] [--root DIR] [--os OS] [options]",
	"Find every MCP server configured for every AI client on this machine.",
	"Reads the global, managed and project configuration files of every client\n"
	"in the catalog (see 'runlayer clients'), the projects those clients list, and\n"
	"a bounded crawl of the home directory. Secrets in env, headers, args and URLs\n"
	"are redacted before anything is printed. --dry-run prints the exact payload\n"
	"the backend would receive, and changes nothing on disk. Otherwise the scan\n"
	"is recorded in the local inventory (see 'runlayer inventory'; --db PATH,\n"
	"RUNLAYER_DB or RUNLAYER_HOME relocate it) unless --no-store is given."
};

/* Environment fallback for a numeric option, clamped like the flag. */
static long
env_long(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end) {
		out_warn("ignoring %s='%s': not a whole number", name, v);
		return def;
	}
	return n < min ? min : n > max ? max : n;
}

static char *
strip_slash(const char *p)
{
	size_t l = strlen(p);

	while (l > 1 && p[l - 1] == '/')
		l--;
	return xstrndup(p, l);
}

static void
print_summary(const struct scan_result *r, const struct device_info *dev, int offline,
	      int submitting)
{
	size_t n, m, g, p, pl, i, errors = 0;

	scan_result_counts(r, &n, &m, &g, &p, &pl);
	for (i = 0; i < r->n_issues; i++)
		errors += r->issues[i].is_error;
	if (g_opts.verbose) {
		printf("  Device ID: %.8s...\n", dev->device_id);
		printf("  Hostname: %s\n", dev->hostname ? dev->hostname : "");
		printf("  OS: %s %s\n", dev->os ? dev->os : "", dev->os_version ? dev->os_version : "");
		for (i = 0; i < r->n_configs; i++)
			if (r->configs[i].n_servers)
				printf("  %s [%s]: %zu servers\n", r->configs[i].client,
				       config_scope_name(r->configs[i].scope), r->configs[i].n_servers);
	}
	if (n == 0) {
		printf("%sNo MCP servers, skills, or plugins found.%s\n", out_color(stdout, OUT_YELLOW),
		       out_color(stdout, OUT_RESET));
	} else {
		printf("%s %zu servers %s %zu configs (%zu global, %zu project)",
		       submitting ? "Submitting" : "Found", n, submitting ? "from" : "in", m, g, p);
		if (pl)
			printf(", %zu plugins", pl);
		printf("%s\n", submitting ? "..." : "");
	}
	if (errors)
		printf("%s%s %zu config file%s could not be parsed (see warnings above)%s\n",
		       out_color(stdout, OUT_YELLOW), out_sym_warn(), errors, errors == 1 ? "" : "s",
		       out_color(stdout, OUT_RESET));
	if (r->crawl_timed_out)
		printf("%s%s the project crawl hit its time limit; results are partial%s\n",
		       out_color(stdout, OUT_YELLOW), out_sym_warn(), out_color(stdout, OUT_RESET));
	if (submitting)
		return;
	if (offline)
		printf("Nothing submitted: --offline (local-only scan).\n");
	else
		printf("Nothing submitted: no backend host is configured (local-only scan).\n");
}

/* The scan in the log file (opened by backend_open; a no-op otherwise). */
static void
log_scan(const struct scan_result *r)
{
	size_t n, m, g, p, pl, i;

	scan_result_counts(r, &n, &m, &g, &p, &pl);
	for (i = 0; i < r->n_issues; i++)
		if (r->issues[i].is_error)
			log_warning("config_parse_error",
				    LOG_KV(LOG_TEXT("path", r->issues[i].path ? r->issues[i].path : ""),
					   LOG_INT("line", r->issues[i].line),
					   LOG_INT("col", r->issues[i].col),
					   LOG_TEXT("error", r->issues[i].message)));
	log_info("scan_done", LOG_KV(LOG_INT("servers", n), LOG_INT("configs", m),
				     LOG_INT("global", g), LOG_INT("project", p), LOG_INT("plugin", pl),
				     LOG_INT("issues", r->n_issues), LOG_INT("duration_ms", r->duration_ms),
				     LOG_INT("crawl_timed_out", r->crawl_timed_out)));
}

static void
report_issues(const struct scan_result *r)
{
	size_t i;

	for (i = 0; i < r->n_issues; i++) {
		const struct scan_issue *is = &r->issues[i];

		if (is->is_error) {
			if (is->line)
				out_warn("%s:%lu:%lu: %s, skipping", is->path, is->line,
					 is->col ? is->col : 1, is->message);
			else
				out_warn("%s: %s, skipping", is->path ? is->path : "?", is->message);
		} else if (g_opts.verbose && !g_opts.quiet) {
			fprintf(stderr, "  skipped %s: %s\n", is->path ? is->path : "?", is->message);
		}
	}
	if (g_opts.verbose && !g_opts.quiet)
		fprintf(stderr, "  crawl: %lu directories, %lu files seen; skipped %lu excluded, "
			"%lu unreadable, %lu symlinks\n", r->dirs_visited, r->files_seen,
			r->skipped_excluded, r->skipped_permission, r->skipped_symlink);
}

/*
 * Record the scan in the local inventory (one transaction) and say what
 * changed since the previous one. 0, or -1 after printing the error.
 */
static int
store_scan_result(const char *db, const struct scan_result *r, const struct device_info *dev,
		  const char *org_device_id, const struct timespec *started, int partial,
		  enum store_submission sub, long long *scan_id)
{
	struct store_device sd = { dev->device_id, dev->hostname, dev->os, dev->os_version,
				   dev->username, org_device_id };
	struct store_scan in;
	struct store_scan_rows last = { NULL, 0, 0 };
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char *path = db ? xstrdup(db) : store_default_path(&e);
	long long id = 0;
	int ret = -1;

	if (path == NULL) {
		out_error_err(&e, "cannot locate the inventory");
		return -1;
	}
	memset(&in, 0, sizeof(in));
	in.device = &sd;
	in.result = r;
	in.hash_files = 1;
	in.collector_version = RUNLAYER_VERSION;
	in.started = *started;
	in.partial_projects = partial;
	in.submission = sub;
	if (store_open(path, STORE_CREATE, 0, &s, &e) < 0 ||
	    store_record_scan(s, &in, &id, &e) < 0) {
		out_error_err(&e, "cannot record the scan in the inventory");
		goto out;
	}
	ret = 0;
	*scan_id = id;
	/* Who the scan's username is (store/users.h): a warning at worst. */
	{
		char seen[STORE_TIME_LEN + 1];
		struct store_device_user du = { dev->device_id, dev->username, dev->hostname, NULL,
						seen };

		store_time_format(started, seen);
		if (store_users_note_scan(s, &du, &e) < 0)
			out_warn("cannot resolve the scan's username: %s; the scan is recorded", e.msg);
	}
	if (g_opts.quiet || store_scans(s, 1, &last, &e) < 0 || last.n != 1)
		goto out;
	if (last.v[0].n_added == last.v[0].n_servers && last.v[0].n_removed == 0 &&
	    last.v[0].n_changed == 0)
		printf("Recorded as scan %lld in %s\n", id, path);
	else
		printf("Recorded as scan %lld in %s: %ld added, %ld removed, %ld changed "
		       "(see '%s inventory diff')\n", id, path, last.v[0].n_added,
		       last.v[0].n_removed, last.v[0].n_changed, prog_name);
out:
	store_scan_rows_release(&last);
	store_close(s);
	free(path);
	return ret;
}

#define SCAN_HOOK_EVENTS_MAX	2000	/* hook events a scan sends at most */

/*
 * Send the scan to the backend through the spool (older queued scans go
 * first), then check in. Returns the contract's exit code (0/1/2/3).
 */
static int
submit_scan_result(struct backend *bk, const struct backend_flags *bf, const char *db,
		   const struct device_info *dev, const struct scan_result *r,
		   const char *org_device_id, long long scan_id)
{
	struct payload_opts po = { org_device_id, RUNLAYER_VERSION };
	struct spool_limits lim;
	struct submit_ctx sc;
	struct submit_report rep;
	struct api_result ci_res;
	struct err e = ERR_INIT;
	size_t n, m, g, p, pl, queued = 0, other = 0, rejected = 0;
	cJSON *ci;
	char *msg = NULL;
	int rc;

	if ((rc = backend_http(bk, bf)) != 0)
		return rc;
	scan_result_counts(r, &n, &m, &g, &p, &pl);
	backend_spool_limits(&lim);
	sc.api = &bk->api;
	sc.store = backend_store(db);
	sc.limits = &lim;
	sc.gzip = backend_gzip_mode();
	submit_report_init(&rep);
	if (n > 0) {
		cJSON *payload = payload_build(dev, r, &po);
		char *text = cJSON_PrintUnformatted(payload);

		if (submit_scan(&sc, text, strlen(text), scan_id, &rep, &e) < 0)
			out_warn("submission queue: %s", e.msg);
		rc = backend_print_report(bk, &rep, 1);
		free(text);
		cJSON_Delete(payload);
	} else if (sc.store && spool_stats(sc.store, bk->cr.url, &queued, &other, &rejected,
					   &e) == 0 && queued) {
		/* Nothing new to send (the POST needs a server), but the queue goes out. */
		submit_flush(&sc, &rep, &e);
		if (rep.older_sent && !g_opts.quiet)
			printf("Delivered %zu scan%s queued by earlier runs.\n", rep.older_sent,
			       rep.older_sent == 1 ? "" : "s");
		if (rep.result.outcome != API_OK && rep.result.outcome != API_REJECTED)
			out_warn("queued scans not delivered: %s", rep.result.message);
	}
	if (rc != EXIT_OK)
		msg = creds_scrub(rep.result.message, bk->cr.secret);
	/* Detect check-in: ok after each scan, error on failure; not worth
	 * trying when the backend could not be reached at all. */
	if (rc == EXIT_OK || rep.result.fault == HTTP_FAULT_NONE) {
		ci = backend_check_in_payload(dev, org_device_id, "detect",
					      rc == EXIT_OK ? "ok" : "error", msg);
		api_result_init(&ci_res);
		api_check_in(&bk->api, ci, &ci_res);
		if (ci_res.outcome != API_OK && ci_res.outcome != API_NOT_FOUND)
			out_verbose("  check-in not recorded: %s", ci_res.message);
		api_result_release(&ci_res);
		cJSON_Delete(ci);
	}
	/* Then the hook events queued since the last run (sync sends the rest). */
	if (rc == EXIT_OK)
		backend_send_hook_events(bk, dev, SCAN_HOOK_EVENTS_MAX);
	free(msg);
	submit_report_release(&rep);
	store_close(sc.store);
	return rc;
}

int
cmd_scan(int argc, char **argv)
{
	int dry_run = 0, no_projects = 0, no_store = 0, offline = 0, all_users = 0;
	long user_timeout = 600;
	const char *db = NULL;
	struct timespec started;
	long depth = -1, timeout = -1, threads = 0;
	const char *home = NULL, *root = NULL, *os = NULL, *device_id = NULL, *username = NULL;
	const char *org_device_id = NULL, *secret = NULL, *host = NULL, *org_key = NULL,
		   *ca_bundle = NULL;
	const struct opt opts[] = {
		{ OPT_FLAG, 'n', "dry-run", &dry_run, NULL, "print the payload, submit and store nothing", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "no-projects", &no_projects, NULL, "skip the crawl of the home for project configs", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 0, "project-depth", &depth, "N", "crawl depth (RUNLAYER_PROJECT_DEPTH, default 7)", 1, 20, NULL, 0, OPT_CLAMP },
		{ OPT_INT, 0, "project-timeout", &timeout, "S", "crawl time limit in seconds (RUNLAYER_PROJECT_TIMEOUT, default 60)", 1, 300, NULL, 0, OPT_CLAMP },
		{ OPT_STRING, 0, "home", &home, "DIR", "scan this home directory instead of $HOME", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "root", &root, "DIR", "look up system paths (/etc, /Library, ProgramData) under DIR", 0, 0, NULL, 0, 0 },
		{ OPT_CHOICE, 0, "os", &os, "OS", "catalog paths of this OS: darwin, windows or linux", 0, 0, "darwin|windows|linux", 0, 0 },
		{ OPT_STRING, 0, "device-id", &device_id, "ID", "device id to report (wins over RUNLAYER_DEVICE_ID)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "org-device-id", &org_device_id, "ID", "MDM asset tag to report", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "username", &username, "USER", "user name to report (RUNLAYER_USERNAME)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 's', "secret", &secret, "KEY", "API key (RUNLAYER_API_KEY)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 'H', "host", &host, "URL", "backend URL (RUNLAYER_HOST)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "org-api-key", &org_key, "NAME", "named org API key from config.yaml", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "ca-bundle", &ca_bundle, "PATH", "extra CA bundle for TLS", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 0, "threads", &threads, "N", "crawl threads (0 = automatic)", 0, 64, NULL, 0, OPT_HIDDEN },
		{ OPT_FLAG, 0, "all-users", &all_users, NULL, "as root: scan every local user's home, each as that user", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 0, "user-timeout", &user_timeout, "S", "with --all-users: time limit per user in seconds", 1, 86400, NULL, 0, 0 },
		{ OPT_FLAG, 0, "offline", &offline, NULL, "local-only scan: record in the inventory, submit nothing", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "no-store", &no_store, NULL, "do not record the scan in the local inventory", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "db", &db, "PATH", "inventory database (RUNLAYER_DB; default ~/.runlayer/inventory.db)", 0, 0, NULL, 0, 0 },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct scan_opts so;
	struct scan_result r;
	struct device_opts dopts;
	int r_dev;
	struct device_info dev;
	struct err e = ERR_INIT;
	char **args, *home_dir = NULL, *state_dir = NULL;
	int nargs, rc = EXIT_OK, submitting = 0;
	struct backend bk;
	struct backend_flags bf;
	struct lock run_lock = LOCK_INIT;
	long long scan_id = 0;

	if (opt_parse(opts, &scan_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &scan_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&scan_help, "unexpected argument");
	if (all_users) {
		if (dry_run || home) {
			out_error("%s cannot be combined with --all-users. Scan one home with "
				  "--dry-run, or all of them without it.", dry_run ? "--dry-run" : "--home");
			return EXIT_UNSUPPORTED;
		}
		return scan_all_users(argc, argv, user_timeout);
	}
	memset(&bk, 0, sizeof(bk));
	memset(&bf, 0, sizeof(bf));
	memset(&so, 0, sizeof(so));
	memset(&r, 0, sizeof(r));
	memset(&dev, 0, sizeof(dev));
	home_dir = home ? strip_slash(home) : state_home(NULL);
	if (home_dir == NULL) {
		out_error("cannot find the home directory: set HOME or pass --home");
		return EXIT_FAIL;
	}
	so.home = home_dir;
	so.root = root ? root : "";
	so.os = os ? paths_os_from_name(os) : paths_host_os();
	so.live = home == NULL && root == NULL && os == NULL;
	so.no_projects = no_projects;
	so.project_depth = (unsigned)(depth > 0 ? depth : env_long("RUNLAYER_PROJECT_DEPTH", 7, 1, 20));
	so.project_timeout = (double)(timeout > 0 ? timeout :
				      env_long("RUNLAYER_PROJECT_TIMEOUT", 60, 1, 300));
	so.threads = (unsigned)threads;

	if (!dry_run) {
		bf.host = host;
		bf.secret = secret;
		bf.org_key = org_key;
		bf.ca_bundle = ca_bundle;
		bf.root = root;
		bf.os = os;
		bf.home = home_dir;
		if (offline) {
			rc = backend_open(&bk, "scan", &bf, BACKEND_NO_CREDS);
		} else {
			rc = backend_open(&bk, "scan", &bf, BACKEND_SCAN | BACKEND_LOCAL_OK);
			submitting = rc == 0;
		}
		if (rc > 0)
			goto out;
		rc = EXIT_OK;
		if (backend_run_lock(&run_lock, bk.state_dir)) {
			if (!g_opts.quiet)
				fprintf(stderr, "%s: another scan is running (it holds %s/%s); "
					"skipping this one\n", prog_name, bk.state_dir,
					BACKEND_LOCK_FILE);
			goto out;
		}
	}

	if (!g_opts.quiet && !dry_run)
		printf("Scanning MCP client configurations...\n");
	clock_gettime(CLOCK_REALTIME, &started);
	if (scan_run(&so, &r, &e) < 0) {
		out_error_err(&e, "cannot scan");
		rc = EXIT_FAIL;
		goto out;
	}

	memset(&dopts, 0, sizeof(dopts));
	state_dir = path_join(home_dir, ".runlayer");
	dopts.device_id = device_id;
	dopts.username = username;
	dopts.state_dir = state_dir;
	dopts.root = so.root;
	dopts.os = os;
	dopts.no_write = dry_run;
	/* The device id lives in the scanned home's state (like the existing
	 * CLI, each user's ~/.runlayer/device_id) unless a hardware id exists.
	 * Failing to save a new id still yields one for this run. */
	if ((r_dev = device_identify(&dopts, &dev, &e)) < 0) {
		if (r_dev == -ERR_IO && dev.device_id[0]) {
			out_warn("%s: %s; using an unsaved device id for this scan", e.path, e.msg);
		} else {
			out_error_err(&e, "cannot identify this device");
			rc = EXIT_FAIL;
			goto out;
		}
	}
	report_issues(&r);
	if (!dry_run)
		log_scan(&r);
	if (dry_run) {
		struct payload_opts po = { org_device_id, RUNLAYER_VERSION };
		cJSON *payload = payload_build(&dev, &r, &po);
		char *text = tree_print(payload, 1, 0);

		printf("%s\n", text);
		free(text);
		cJSON_Delete(payload);
	} else {
		if (!g_opts.quiet)
			print_summary(&r, &dev, offline, submitting);
		if (!no_store && store_scan_result(db, &r, &dev, org_device_id, &started,
						   no_projects, submitting ? STORE_SUB_PENDING :
						   STORE_SUB_LOCAL, &scan_id) < 0)
			rc = EXIT_FAIL;
		if (submitting) {
			int src = submit_scan_result(&bk, &bf, db, &dev, &r, org_device_id, scan_id);

			if (src != EXIT_OK)
				rc = src;
		}
	}
out:
	lock_release(&run_lock);
	backend_close(&bk);
	device_info_release(&dev);
	scan_result_release(&r);
	free(home_dir);
	free(state_dir);
	return rc;
}
