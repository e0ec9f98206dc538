/* Unit tests for ops/schedule: interval parsing, the launchd, Task
 * Scheduler, systemd and cron renderings, and install/uninstall against
 * fake systemctl, crontab and launchctl programs on PATH. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/schedule.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/file.h"
#include "util/xalloc.h"

static char tmp[256];

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;

	if (file_read(path, 1 << 20, 0, &b, NULL, &e) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void
put(const char *path, const char *text, mode_t mode)
{
	struct err e = ERR_INIT;

	if (file_write_atomic(path, text, strlen(text), mode, 0, &e) < 0)
		printf("# cannot write %s: %s\n", path, e.msg);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static const char *
find_file(const struct sched_files *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return f->v[i].data;
	return NULL;
}

static void
test_interval(void)
{
	struct err e = ERR_INIT;
	unsigned long v = 0;

	ok(sched_interval_parse("15m", &v, &e) == 0 && v == 900, "15m");
	ok(sched_interval_parse("1h", &v, &e) == 0 && v == 3600, "1h");
	ok(sched_interval_parse("900", &v, &e) == 0 && v == 900, "bare seconds");
	ok(sched_interval_parse("120s", &v, &e) == 0 && v == 120, "120s");
	ok(sched_interval_parse("2d", &v, &e) == 0 && v == 172800, "2d");
	ok(sched_interval_parse("31d", &v, &e) == 0, "31d is the limit");
	ok(sched_interval_parse("32d", &v, &e) < 0, "32d refused");
	ok(sched_interval_parse("30s", &v, &e) < 0, "under a minute refused");
	ok(sched_interval_parse("90s", &v, &e) < 0 && strstr(e.msg, "whole minutes"), "90s refused");
	ok(sched_interval_parse("15x", &v, &e) < 0 && strstr(e.msg, "unit"), "unknown unit");
	ok(sched_interval_parse("-5m", &v, &e) < 0, "negative refused");
	ok(sched_interval_parse("", &v, &e) < 0, "empty refused");
	ok(sched_interval_parse("99999999999999999999m", &v, &e) < 0, "overflow refused");
}

static void
test_render(void)
{
	struct sched_opts o = { SCHED_LINUX, "/opt/run layer/bin/runlayer", 900, 0, "/home/me/.runlayer/logs", 0 };
	struct sched_files f;
	struct err e = ERR_INIT;
	const char *svc, *tmr;
	char *line;

	ok(sched_render(&o, &f, &e) == 0 && f.n == 2, "linux: two units");
	svc = find_file(&f, "runlayer-scan.service");
	tmr = find_file(&f, "runlayer-scan.timer");
	ok(svc && strstr(svc, "ExecStart=\"/opt/run layer/bin/runlayer\" scan --quiet\n"),
	   "ExecStart quotes a path with a space");
	ok(svc && strstr(svc, "Type=oneshot\n") && !strstr(svc, "EnvironmentFile"),
	   "user service: oneshot, no credentials file");
	ok(tmr && strstr(tmr, "OnUnitActiveSec=15min\n") && strstr(tmr, "OnBootSec=5min\n") &&
	   strstr(tmr, "Persistent=true\n") && strstr(tmr, "WantedBy=timers.target\n"),
	   "timer keys");
	ok(svc && strstr(svc, SCHED_MARK) && tmr && strstr(tmr, SCHED_MARK), "both carry the mark");
	sched_files_release(&f);

	o.binary = "/usr/bin/run%layer$x";
	o.system = 1;
	o.interval = 7200;
	ok(sched_render(&o, &f, &e) == 0, "system units");
	svc = find_file(&f, "runlayer-scan.service");
	tmr = find_file(&f, "runlayer-scan.timer");
	ok(svc && strstr(svc, "ExecStart=\"/usr/bin/run%%layer$$x\" scan --quiet"),
	   "%% and $ escaped for systemd");
	ok(svc && strstr(svc, "EnvironmentFile=-/etc/runlayer/aiwatch/credentials\n"),
	   "system service reads the managed credentials when present");
	ok(tmr && strstr(tmr, "OnUnitActiveSec=2h\n"), "2h span");
	sched_files_release(&f);

	o.binary = "/usr/local/bin/run<&>layer";
	o.os = SCHED_DARWIN;
	o.interval = 900;
	ok(sched_render(&o, &f, &e) == 0 && f.n == 1, "darwin: one plist");
	ok(f.n == 1 && strcmp(f.v[0].name, "com.runlayer.cli.scan.plist") == 0, "plist name");
	ok(f.n == 1 && strstr(f.v[0].data, "<string>/usr/local/bin/run&lt;&amp;&gt;layer</string>"),
	   "binary XML-escaped");
	ok(f.n == 1 && strstr(f.v[0].data, "<key>StartInterval</key>\n\t<integer>900</integer>"),
	   "StartInterval");
	ok(f.n == 1 && strstr(f.v[0].data, "<string>/home/me/.runlayer/logs/launchd-scan.log</string>"),
	   "stdout/stderr under the log directory");
	sched_files_release(&f);
	o.log_dir = "relative";
	ok(sched_render(&o, &f, &e) < 0, "relative log directory refused");
	o.log_dir = "/home/me/.runlayer/logs";

	o.os = SCHED_WINDOWS;
	o.binary = "C:\\Program Files\\Runlayer\\runlayer.exe";
	o.interval = 5400;
	ok(sched_render(&o, &f, &e) == 0 && f.n == 1, "windows: one XML");
	ok(f.n == 1 && strstr(f.v[0].data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "UTF-8 declaration");
	ok(f.n == 1 && strstr(f.v[0].data, "<Interval>PT1H30M</Interval>"), "PT1H30M");
	ok(f.n == 1 && strstr(f.v[0].data, "<Hidden>true</Hidden>") &&
	   strstr(f.v[0].data, "<ExecutionTimeLimit>PT1H</ExecutionTimeLimit>"), "hidden, 1 h limit");
	ok(f.n == 1 && strstr(f.v[0].data, "<Command>C:\\Program Files\\Runlayer\\runlayer.exe</Command>"),
	   "command");
	sched_files_release(&f);
	o.utf16 = 1;
	o.interval = 86400 * 2 + 3600 * 6;
	ok(sched_render(&o, &f, &e) == 0 && f.n == 1, "UTF-16");
	if (f.n == 1) {
		const char *want = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>";
		size_t i, good = 1;

		ok(f.v[0].len > 4 && memcmp(f.v[0].data, "\xff\xfe", 2) == 0, "little-endian BOM");
		for (i = 0; want[i]; i++)
			if (f.v[0].data[2 + 2 * i] != want[i] || f.v[0].data[3 + 2 * i] != 0)
				good = 0;
		ok(good, "UTF-16LE declaration says UTF-16");
		ok(f.v[0].len % 2 == 0, "even length");
	}
	sched_files_release(&f);
	o.binary = "runlayer.exe";
	ok(sched_render(&o, &f, &e) < 0, "relative Windows path refused");
	o.os = SCHED_LINUX;
	o.binary = "/usr/bin/run\nlayer";
	ok(sched_render(&o, &f, &e) < 0 && strstr(e.msg, "control"), "newline in path refused");

	o.binary = "/usr/bin/it's";
	o.interval = 900;
	line = sched_cron_line(&o, &e);
	is_str(line, "*/15 * * * * '/usr/bin/it'\\''s' scan --quiet 2>&1 | logger -t runlayer-scan "
	       SCHED_CRON_TAG, "cron line, shell-quoted");
	free(line);
	o.interval = 60;
	line = sched_cron_line(&o, &e);
	ok(line && strncmp(line, "* * * * * ", 10) == 0, "every minute");
	free(line);
	o.interval = 3600 * 6;
	line = sched_cron_line(&o, &e);
	ok(line && strncmp(line, "0 */6 * * * ", 12) == 0, "every 6 hours");
	free(line);
	o.interval = 3600;
	line = sched_cron_line(&o, &e);
	ok(line && strncmp(line, "0 * * * * ", 10) == 0, "hourly");
	free(line);
	o.interval = 7 * 60;
	ok(sched_cron_line(&o, &e) == NULL && strstr(e.msg, "crontab"), "7 minutes cannot be cron");
	o.interval = 900;
	o.binary = "/usr/bin/a%b";
	ok(sched_cron_line(&o, &e) == NULL, "'%%' refused for cron");
}

/* Fake programs: every call appended to $tmp/calls. */
static void
make_fakes(const char *bin)
{
	char *p;

	p = path_join(bin, "systemctl");
	put(p, "#!/bin/sh\necho \"systemctl $*\" >>\"$FAKE_DIR/calls\"\n"
	    "if [ -f \"$FAKE_DIR/systemctl-fails\" ]; then\n"
	    "  echo 'Failed to connect to bus: No medium found' >&2; exit 1\nfi\nexit 0\n", 0755);
	free(p);
	p = path_join(bin, "crontab");
	put(p, "#!/bin/sh\necho \"crontab $*\" >>\"$FAKE_DIR/calls\"\n"
	    "case \"$1\" in\n"
	    "-l) if [ -f \"$FAKE_DIR/crontab\" ]; then cat \"$FAKE_DIR/crontab\"; exit 0; fi\n"
	    "    echo 'no crontab for tester' >&2; exit 1;;\n"
	    "-) cat >\"$FAKE_DIR/crontab\"; exit 0;;\nesac\nexit 2\n", 0755);
	free(p);
	p = path_join(bin, "launchctl");
	put(p, "#!/bin/sh\necho \"launchctl $*\" >>\"$FAKE_DIR/calls\"\nexit 0\n", 0755);
	free(p);
}

static void
reset_calls(void)
{
	char *p = path_join(tmp, "calls");

	unlink(p);
	free(p);
}

static char *
calls(void)
{
	char *p = path_join(tmp, "calls"), *t = slurp(p);

	free(p);
	return t ? t : xstrdup("");
}

static void
test_install(void)
{
	char *bin = path_join(tmp, "bin"), *home = path_join(tmp, "home");
	char *units = path_join(home, ".config/systemd/user");
	char *timer = path_join(units, "runlayer-scan.timer");
	char *service = path_join(units, "runlayer-scan.service");
	char *fails = path_join(tmp, "systemctl-fails"), *cronf = path_join(tmp, "crontab");
	struct sched_opts o = { SCHED_LINUX, "/usr/local/bin/runlayer", 900, 0, NULL, 0 };
	struct sched_env env = { home, NULL, NULL, 501 };
	struct sched_report r;
	struct err e = ERR_INIT;
	char *c, *text, *syspath;

	file_mkdirs(bin, 0755, &e);
	file_mkdirs(home, 0755, &e);
	make_fakes(bin);
	/* The fakes first; the fake scripts need cat from the system. */
	syspath = xasprintf("%s:/usr/bin:/bin", bin);
	setenv("PATH", syspath, 1);
	setenv("FAKE_DIR", tmp, 1);

	/* systemd works */
	ok(sched_install(&o, &env, &r, &e) == 0, "install (systemd): %s", e.msg);
	is_int(r.method, SCHED_M_SYSTEMD, "method systemd");
	is_int(r.n_written, 2, "two files written");
	ok(exists(timer) && exists(service), "units in ~/.config/systemd/user");
	c = calls();
	ok(strstr(c, "systemctl --user daemon-reload\nsystemctl --user enable --now runlayer-scan.timer\n") != NULL,
	   "daemon-reload then enable --now");
	free(c);
	sched_report_release(&r);
	reset_calls();
	ok(sched_install(&o, &env, &r, &e) == 0 && r.n_written == 0, "second install writes nothing");
	sched_report_release(&r);
	ok(sched_find(&o, &env, &r) == 0 && r.method == SCHED_M_SYSTEMD && r.n_written == 2,
	   "find: the systemd timer");
	sched_report_release(&r);

	/* A user's own line survives; ours is replaced, not duplicated. */
	put(cronf, "MAILTO=me\n0 3 * * * backup.sh\n", 0600);
	ok(sched_uninstall(&o, &env, &r, &e) == 0 && r.changed, "uninstall");
	ok(!exists(timer) && !exists(service), "units removed");
	c = calls();
	ok(strstr(c, "systemctl --user disable --now runlayer-scan.timer") != NULL, "timer disabled");
	free(c);
	sched_report_release(&r);
	ok(sched_uninstall(&o, &env, &r, &e) == 0 && !r.changed, "second uninstall: nothing to do");
	sched_report_release(&r);
	ok(sched_find(&o, &env, &r) == 0 && r.method == SCHED_M_NONE && r.n_written == 0,
	   "find: nothing installed");
	sched_report_release(&r);

	/* No systemd: cron fallback, said in a note. */
	put(fails, "", 0644);
	reset_calls();
	ok(sched_install(&o, &env, &r, &e) == 0, "install (no systemd): %s", e.msg);
	is_int(r.method, SCHED_M_CRON, "method cron");
	ok(r.n_notes >= 2 && strstr(r.notes[r.n_notes - 1], "cron instead"), "note says cron");
	ok(r.n_notes >= 2 && strstr(r.notes[0], "Failed to connect to bus"), "note has systemctl's reason");
	ok(!exists(timer) && !exists(service), "units taken back out");
	text = slurp(cronf);
	ok(text && strstr(text, "MAILTO=me\n0 3 * * * backup.sh\n*/15 * * * * '/usr/local/bin/runlayer' scan --quiet"),
	   "crontab: user's lines kept, ours appended");
	free(text);
	sched_report_release(&r);
	o.interval = 1800;
	ok(sched_install(&o, &env, &r, &e) == 0, "reinstall with another interval");
	text = slurp(cronf);
	ok(text && strstr(text, "*/30 * * * *") && !strstr(text, "*/15 * * * *"),
	   "our old line replaced, not duplicated");
	free(text);
	sched_report_release(&r);
	ok(sched_install(&o, &env, &r, &e) == 0 && !r.changed, "identical reinstall changes nothing");
	sched_report_release(&r);
	ok(sched_find(&o, &env, &r) == 0 && r.method == SCHED_M_CRON, "find: the crontab line");
	sched_report_release(&r);

	/* systemd comes back: the timer replaces the crontab line. */
	unlink(fails);
	ok(sched_install(&o, &env, &r, &e) == 0 && r.method == SCHED_M_SYSTEMD, "systemd again");
	text = slurp(cronf);
	ok(text && strcmp(text, "MAILTO=me\n0 3 * * * backup.sh\n") == 0, "crontab line removed");
	free(text);
	sched_report_release(&r);

	/* A foreign file with our name is never removed. */
	put(timer, "[Timer]\nOnCalendar=daily\n", 0644);
	ok(sched_uninstall(&o, &env, &r, &e) == 0, "uninstall with a foreign timer");
	ok(exists(timer), "foreign timer kept");
	ok(!exists(service), "our service removed");
	ok(r.n_notes >= 1 && strstr(r.notes[0], "not written by runlayer schedule") != NULL,
	   "note about the foreign file");
	sched_report_release(&r);
	unlink(timer);

	/* Nothing works: no systemctl, no crontab. */
	{
		char *empty = path_join(tmp, "empty");

		file_mkdirs(empty, 0755, &e);
		setenv("PATH", empty, 1);
		err_clear(&e);
		ok(sched_install(&o, &env, &r, &e) < 0 && strstr(e.msg, "neither"),
		   "no scheduler at all is an error: %s", e.msg);
		ok(r.n_notes >= 2, "notes explain why");
		sched_report_release(&r);
		setenv("PATH", syspath, 1);
		free(empty);
	}

	/* XDG_CONFIG_HOME is where systemd looks for user units. */
	{
		char *xdg = path_join(tmp, "xdg"), *t2 = path_join(tmp, "xdg/systemd/user/runlayer-scan.timer");

		env.config_home = xdg;
		ok(sched_install(&o, &env, &r, &e) == 0 && exists(t2), "XDG_CONFIG_HOME honoured");
		sched_report_release(&r);
		ok(sched_uninstall(&o, &env, &r, &e) == 0 && !exists(t2), "and cleaned");
		sched_report_release(&r);
		env.config_home = NULL;
		free(xdg);
		free(t2);
	}

	/* macOS LaunchAgent. */
	{
		char *plist = path_join(home, "Library/LaunchAgents/com.runlayer.cli.scan.plist");
		char *logs = path_join(home, ".runlayer/logs");

		o.os = SCHED_DARWIN;
		o.log_dir = logs;
		reset_calls();
		ok(sched_install(&o, &env, &r, &e) == 0 && r.method == SCHED_M_LAUNCHD, "launchd install");
		ok(exists(plist), "plist in ~/Library/LaunchAgents");
		sched_report_release(&r);
		ok(sched_find(&o, &env, &r) == 0 && r.method == SCHED_M_LAUNCHD, "find: the plist");
		c = calls();
		ok(strstr(c, "launchctl bootout gui/501/com.runlayer.cli.scan\nlaunchctl bootstrap gui/501 ") != NULL,
		   "bootout then bootstrap gui/<uid>");
		free(c);
		sched_report_release(&r);
		ok(sched_uninstall(&o, &env, &r, &e) == 0 && !exists(plist), "launchd uninstall");
		sched_report_release(&r);
		o.os = SCHED_WINDOWS;
		ok(sched_install(&o, &env, &r, &e) < 0 && strstr(e.msg, "schtasks"), "Windows install explains");
		sched_report_release(&r);
		free(plist);
		free(logs);
	}
	free(syspath);
	free(bin);
	free(home);
	free(units);
	free(timer);
	free(service);
	free(fails);
	free(cronf);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");
	char *path = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;

	snprintf(tmp, sizeof(tmp), "%s/test_schedule.XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_interval();
	test_render();
	test_install();
	if (path)
		setenv("PATH", path, 1);
	free(path);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmp);
	}
	return tap_done();
}
