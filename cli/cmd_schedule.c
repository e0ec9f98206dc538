/* `runlayer schedule` (and, later, `setup schedule`): install, remove or
 * print the periodic `runlayer scan --quiet` for launchd, Task Scheduler,
 * systemd or cron. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "ops/schedule.h"
#include "parsers/tree.h"
#include "util/file.h"
#include "util/log.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SCHEDULE_SYNOPSIS "--install|--uninstall|--print [--interval DURATION] [--os OS] " \
	"[--system] [--binary PATH] [--output-dir DIR]"
#define SCHEDULE_SUMMARY "Run 'runlayer scan --quiet' periodically (every 15 minutes by default)."
#define SCHEDULE_DESCRIPTION \
	"macOS: a LaunchAgent " SCHED_LABEL " in ~/Library/LaunchAgents\n" \
	"(StartInterval, RunAtLoad, output in ~/.runlayer/logs/launchd-scan.log).\n" \
	"Linux: a systemd user timer and service " SCHED_UNIT ".{timer,service} in\n" \
	"~/.config/systemd/user (--system: /etc/systemd/system, as root); when\n" \
	"systemd is absent or has no user session, a crontab line instead.\n" \
	"Windows: a hidden Task Scheduler task " SCHED_TASK "; write it with\n" \
	"--os windows --output-dir DIR (UTF-16, as schtasks exports it), then run\n" \
	"schtasks /Create /TN " SCHED_TASK " /XML DIR\\" SCHED_UNIT ".xml\n" \
	"--install and --uninstall act on this machine and are idempotent;\n" \
	"--uninstall removes only what --install wrote. --print writes the files\n" \
	"for --os to stdout, or into DIR with --output-dir. DURATION is a number\n" \
	"with s, m, h or d (whole minutes, 1m to 31d)."

static const struct cmd_help schedule_help = {
	"schedule", SCHEDULE_SYNOPSIS, SCHEDULE_SUMMARY, SCHEDULE_DESCRIPTION
};
/* The same command as the `schedule` verb of `setup`. */
static const struct cmd_help setup_schedule_help = {
	"setup schedule", SCHEDULE_SYNOPSIS, SCHEDULE_SUMMARY, SCHEDULE_DESCRIPTION
};

static enum sched_os
host_os(void)
{
#ifdef __APPLE__
	return SCHED_DARWIN;
#else
	return SCHED_LINUX;
#endif
}

/* Absolute path of the running binary, or NULL. */
static char *
self_path(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = '\0';
	/* A binary replaced while running shows " (deleted)". */
	if (n > 10 && strcmp(buf + n - 10, " (deleted)") == 0)
		buf[n - 10] = '\0';
	return xstrdup(buf);
}

static const char *
method_name(enum sched_method m)
{
	switch (m) {
	case SCHED_M_SYSTEMD: return "systemd";
	case SCHED_M_CRON: return "cron";
	case SCHED_M_LAUNCHD: return "launchd";
	default: return "none";
	}
}

static char *
span_text(unsigned long secs)
{
	if (secs % 86400 == 0)
		return xasprintf("%lud", secs / 86400);
	if (secs % 3600 == 0)
		return xasprintf("%luh", secs / 3600);
	return xasprintf("%lum", secs / 60);
}

static int
print_files(const struct sched_opts *o, const char *outdir)
{
	struct sched_files f;
	struct err e = ERR_INIT;
	size_t i;
	char *line = NULL;

	if (sched_render(o, &f, &e) < 0) {
		out_error("cannot render the schedule: %s", e.msg);
		return EXIT_FAIL;
	}
	if (outdir && file_mkdirs(outdir, 0755, &e) < 0) {
		out_error_err(&e, "cannot create the output directory");
		sched_files_release(&f);
		return EXIT_FAIL;
	}
	for (i = 0; i < f.n; i++) {
		if (outdir) {
			char *p = path_join(outdir, f.v[i].name);

			if (file_write_atomic(p, f.v[i].data, f.v[i].len, 0644, 0, &e) < 0) {
				out_error_err(&e, "cannot write");
				free(p);
				sched_files_release(&f);
				return EXIT_FAIL;
			}
			printf("%s\n", p);
			free(p);
		} else {
			if (f.n > 1)
				printf("%s# ==> %s <==\n", i ? "\n" : "", f.v[i].name);
			fwrite(f.v[i].data, 1, f.v[i].len, stdout);
		}
	}
	if (!outdir && o->os == SCHED_LINUX && !o->system) {
		struct err ce = ERR_INIT;

		line = sched_cron_line(o, &ce);
		if (line)
			printf("\n# ==> crontab (used when systemd is unavailable) <==\n%s\n", line);
	}
	free(line);
	sched_files_release(&f);
	return EXIT_OK;
}

static void
report_json(const char *action, const struct sched_opts *o, const struct sched_report *r)
{
	cJSON *root = cJSON_CreateObject(), *files, *notes;
	char *text;
	size_t i;

	cJSON_AddItemToObject(root, "schema", tree_new_integer(1));
	cJSON_AddStringToObject(root, "action", action);
	cJSON_AddStringToObject(root, "os", sched_os_name(o->os));
	cJSON_AddStringToObject(root, "method", method_name(r->method));
	cJSON_AddItemToObject(root, "interval_seconds", tree_new_integer((long long)o->interval));
	cJSON_AddBoolToObject(root, "changed", r->changed != 0);
	files = cJSON_AddArrayToObject(root, "files");
	for (i = 0; i < r->n_written; i++)
		cJSON_AddItemToArray(files, cJSON_CreateString(r->written[i]));
	notes = cJSON_AddArrayToObject(root, "notes");
	for (i = 0; i < r->n_notes; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
	text = tree_print(root, 1, 0);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(root);
}

static void
log_report(const char *event, const struct sched_opts *o, const struct sched_report *r, int rc)
{
	size_t i;

	log_info(event, LOG_KV(LOG_TEXT("os", sched_os_name(o->os)),
			       LOG_TEXT("method", method_name(r->method)),
			       LOG_INT("interval", o->interval), LOG_INT("system", o->system),
			       LOG_INT("changed", r->changed), LOG_INT("exit", rc)));
	for (i = 0; i < r->n_written; i++)
		log_info("schedule_file", LOG_KV(LOG_TEXT("path", r->written[i])));
	for (i = 0; i < r->n_notes; i++)
		log_warning("schedule_note", LOG_KV(LOG_TEXT("message", r->notes[i])));
}

static int
act(int install, const struct sched_opts *o)
{
	struct sched_env env;
	struct sched_report r;
	struct err e = ERR_INIT;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *home = state_home(&e), *span = span_text(o->interval);
	int ret, rc = EXIT_OK;
	size_t i;

	if (home == NULL) {
		out_error("%s", e.msg);
		free(span);
		return EXIT_FAIL;
	}
	env.home = home;
	env.config_home = xdg && xdg[0] == '/' ? xdg : NULL;
	env.system_unit_dir = NULL;
	env.uid = getuid();
	ret = install ? sched_install(o, &env, &r, &e) : sched_uninstall(o, &env, &r, &e);
	for (i = 0; i < r.n_notes; i++)
		if (!g_opts.quiet || ret < 0)
			out_warn("%s", r.notes[i]);
	if (ret < 0) {
		out_error("cannot %s the schedule: %s", install ? "install" : "remove", e.msg);
		rc = EXIT_FAIL;
	}
	if (g_opts.json) {
		report_json(install ? "install" : "uninstall", o, &r);
	} else if (!g_opts.quiet && ret == 0) {
		const char *ok = out_sym_ok();

		if (install && r.method == SCHED_M_SYSTEMD)
			printf("%s Scheduled '%s scan --quiet' every %s with the systemd %s timer "
			       SCHED_UNIT ".timer%s\n", ok, prog_name, span, o->system ? "system" : "user",
			       r.changed ? "" : " (already installed)");
		else if (install && r.method == SCHED_M_CRON)
			printf("%s Scheduled '%s scan --quiet' every %s with a crontab line%s\n", ok,
			       prog_name, span, r.changed ? "" : " (already installed)");
		else if (install)
			printf("%s Scheduled '%s scan --quiet' every %s with the LaunchAgent "
			       SCHED_LABEL "\n", ok, prog_name, span);
		else if (r.changed)
			printf("%s Removed the scheduled scan\n", ok);
		else
			printf("%s No scheduled scan to remove\n", ok);
		for (i = 0; i < r.n_written; i++)
			printf("  %s %s\n", install ? "wrote" : "removed", r.written[i]);
	}
	log_report(install ? "schedule_install" : "schedule_uninstall", o, &r, rc);
	sched_report_release(&r);
	free(home);
	free(span);
	return rc;
}

static int
schedule_main(const struct cmd_help *help, int argc, char **argv)
{
	int install = 0, uninstall = 0, print = 0, system_units = 0, rc;
	const char *interval = NULL, *os = NULL, *binary = NULL, *outdir = NULL;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "install", &install, NULL, "install the schedule on this machine", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "uninstall", &uninstall, NULL, "remove the schedule installed by --install", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "print", &print, NULL, "print the scheduler files for --os", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "interval", &interval, "DURATION", "time between scans (default 15m)", 0, 0, NULL, 0, 0 },
		{ OPT_CHOICE, 0, "os", &os, "OS", "darwin, windows or linux (default: this machine's)", 0, 0, "darwin|windows|linux", 0, 0 },
		{ OPT_FLAG, 0, "system", &system_units, NULL, "Linux: system-wide units run as root", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "binary", &binary, "PATH", "binary the scheduler runs (default: this one)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "output-dir", &outdir, "DIR", "with --print: write the files into DIR", 0, 0, NULL, 0, 0 },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct sched_opts so;
	struct log_config lc;
	struct err e = ERR_INIT;
	char **args, *self = NULL, *state = NULL, *logdir = NULL;
	int nargs;

	if (opt_parse(opts, help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(help, "unexpected argument");
	if (install + uninstall + print != 1)
		return opt_usage_error(help, "give exactly one of --install, --uninstall "
				       "and --print");
	memset(&so, 0, sizeof(so));
	so.os = host_os();
	if (os && sched_os_parse(os, &so.os) < 0)
		return opt_usage_error(help, "unknown OS '%s'", os);
	if (!print && so.os != host_os())
		return opt_usage_error(help, "--%s acts on this machine (%s); use --print "
				       "for %s", install ? "install" : "uninstall",
				       sched_os_name(host_os()), sched_os_name(so.os));
	if (system_units && so.os != SCHED_LINUX)
		return opt_usage_error(help, "--system is for Linux only");
	if (outdir && !print)
		return opt_usage_error(help, "--output-dir goes with --print");
	if (g_opts.json && print)
		return opt_usage_error(help, "--json goes with --install or --uninstall");
	so.interval = SCHED_INTERVAL_DEFAULT;
	if (interval && sched_interval_parse(interval, &so.interval, &e) < 0)
		return opt_usage_error(help, "%s", e.msg);
	so.system = system_units;
	so.utf16 = so.os == SCHED_WINDOWS && outdir != NULL;
	if (binary) {
		so.binary = binary;
	} else if (so.os != host_os()) {
		so.binary = so.os == SCHED_WINDOWS ? "C:\\Program Files\\Runlayer\\runlayer.exe" :
						     "/usr/local/bin/runlayer";
	} else if ((self = self_path()) != NULL) {
		so.binary = self;
	} else {
		out_error("cannot find the path of this binary: pass --binary PATH");
		return EXIT_FAIL;
	}
	if ((state = state_dir(&e)) == NULL) {
		out_error("%s", e.msg);
		free(self);
		return EXIT_FAIL;
	}
	logdir = path_join(state, "logs");
	so.log_dir = logdir;
	if (!print && system_units && geteuid() != 0) {
		out_error("--system needs root: the units go to /etc/systemd/system");
		rc = EXIT_FAIL;
		goto out;
	}
	if (print) {
		rc = print_files(&so, outdir);
		goto out;
	}
	memset(&lc, 0, sizeof(lc));
	lc.command = "schedule";
	if (log_open(&lc, &e) < 0)
		out_verbose("not logging: %s", e.msg);
	rc = act(install, &so);
	log_close();
out:
	free(self);
	free(state);
	free(logdir);
	return rc;
}

int
setup_schedule(int argc, char **argv)
{
	return schedule_main(&setup_schedule_help, argc, argv);
}

int
cmd_schedule(int argc, char **argv)
{
	return schedule_main(&schedule_help, argc, argv);
}
