/* Scheduling of `runlayer scan --quiet`: renders launchd, Task Scheduler and
 * systemd/cron definitions and installs or removes them idempotently. */
#include "ops/schedule.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define RUN_OUTPUT_MAX	(1u << 20)
#define CRONTAB_MAX	(1u << 20)

/* ---- parsing ---------------------------------------------------------- */

int
sched_interval_parse(const char *s, unsigned long *out, struct err *e)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (s == NULL || !isdigit((unsigned char)*s))
		return err_set(e, ERR_INVALID, "interval '%s' is not a duration like 15m, 1h or 900s",
			       s ? s : "");
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > SCHED_INTERVAL_MAX)
			return err_set(e, ERR_INVALID, "interval '%s' is longer than 31 days", s);
		p++;
	}
	if (strcmp(p, "") == 0 || strcmp(p, "s") == 0 || strcmp(p, "sec") == 0)
		mult = 1;
	else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0)
		mult = 60;
	else if (strcmp(p, "h") == 0)
		mult = 3600;
	else if (strcmp(p, "d") == 0)
		mult = 86400;
	else
		return err_set(e, ERR_INVALID, "interval '%s' has an unknown unit (use s, m, h or d)", s);
	v *= mult;
	if (v < SCHED_INTERVAL_MIN || v > SCHED_INTERVAL_MAX)
		return err_set(e, ERR_INVALID, "interval '%s' must be between 1m and 31d", s);
	if (v % 60)
		return err_set(e, ERR_INVALID, "interval '%s' must be whole minutes", s);
	*out = (unsigned long)v;
	return 0;
}

int
sched_os_parse(const char *s, enum sched_os *out)
{
	if (strcmp(s, "linux") == 0)
		*out = SCHED_LINUX;
	else if (strcmp(s, "darwin") == 0 || strcmp(s, "macos") == 0)
		*out = SCHED_DARWIN;
	else if (strcmp(s, "windows") == 0)
		*out = SCHED_WINDOWS;
	else
		return -1;
	return 0;
}

const char *
sched_os_name(enum sched_os os)
{
	return os == SCHED_DARWIN ? "darwin" : os == SCHED_WINDOWS ? "windows" : "linux";
}

/* ---- rendering -------------------------------------------------------- */

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void
add_xml(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

/* systemd command-line word: bare when plain, else "quoted"; % and $
 * are specifier and variable characters in ExecStart. */
static void
add_systemd_word(struct buf *b, const char *s)
{
	const char *p;
	int plain = *s != '\0';

	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/._+-,:@", *p))
			plain = 0;
	if (plain) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		if (*p == '%' || *p == '$')
			buf_addc(b, *p);
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/* POSIX shell word in single quotes. */
static void
add_sh_word(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* "15min", "1h", "90min", "1d" for systemd time spans. */
static void
add_span(struct buf *b, unsigned long secs)
{
	if (secs % 86400 == 0)
		buf_addf(b, "%lud", secs / 86400);
	else if (secs % 3600 == 0)
		buf_addf(b, "%luh", secs / 3600);
	else
		buf_addf(b, "%lumin", secs / 60);
}

/* ISO 8601 duration: PT15M, PT1H30M, P1D, P2DT6H. */
static void
add_iso_duration(struct buf *b, unsigned long secs)
{
	unsigned long d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60;

	buf_addc(b, 'P');
	if (d)
		buf_addf(b, "%luD", d);
	if (h || m) {
		buf_addc(b, 'T');
		if (h)
			buf_addf(b, "%luH", h);
		if (m)
			buf_addf(b, "%luM", m);
	}
}

static void
add_file(struct sched_files *f, const char *name, struct buf *b)
{
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n].name = xstrdup(name);
	f->v[f->n].data = buf_detach(b, &f->v[f->n].len);
	f->n++;
}

static void
render_plist(const struct sched_opts *o, struct sched_files *f)
{
	struct buf b = BUF_INIT;
	char *log = path_join(o->log_dir, "launchd-scan.log");

	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
		 "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
		 "<!-- " SCHED_MARK " (its uninstall action removes it). -->\n"
		 "<plist version=\"1.0\">\n<dict>\n"
		 "\t<key>Label</key>\n\t<string>" SCHED_LABEL "</string>\n"
		 "\t<key>ProgramArguments</key>\n\t<array>\n\t\t<string>");
	add_xml(&b, o->binary);
	buf_adds(&b, "</string>\n\t\t<string>scan</string>\n\t\t<string>--quiet</string>\n"
		 "\t</array>\n");
	buf_addf(&b, "\t<key>StartInterval</key>\n\t<integer>%lu</integer>\n", o->interval);
	buf_adds(&b, "\t<key>RunAtLoad</key>\n\t<true/>\n"
		 "\t<key>ProcessType</key>\n\t<string>Background</string>\n"
		 "\t<key>LowPriorityIO</key>\n\t<true/>\n"
		 "\t<key>Nice</key>\n\t<integer>10</integer>\n"
		 "\t<key>StandardOutPath</key>\n\t<string>");
	add_xml(&b, log);
	buf_adds(&b, "</string>\n\t<key>StandardErrorPath</key>\n\t<string>");
	add_xml(&b, log);
	buf_adds(&b, "</string>\n</dict>\n</plist>\n");
	add_file(f, SCHED_LABEL ".plist", &b);
	free(log);
}

static void
render_task(const struct sched_opts *o, struct sched_files *f)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n", o->utf16 ? "UTF-16" : "UTF-8");
	buf_adds(&b, "<!-- " SCHED_MARK ". Import: schtasks /Create /TN \"" SCHED_TASK
		 "\" /XML runlayer-scan.xml /F -->\n"
		 "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
		 "  <RegistrationInfo>\n"
		 "    <Author>Runlayer</Author>\n");
	buf_adds(&b, "    <Description>Inventory the MCP servers configured on this machine (runlayer "
		 SCHED_ARGS ") every ");
	add_span(&b, o->interval);
	buf_adds(&b, ".</Description>\n"
		 "    <URI>" SCHED_TASK "</URI>\n"
		 "  </RegistrationInfo>\n"
		 "  <Triggers>\n"
		 "    <TimeTrigger>\n"
		 /* triggerBaseType is an xs:sequence: Enabled, StartBoundary,
		  * EndBoundary, Repetition, ExecutionTimeLimit. */
		 "      <Enabled>true</Enabled>\n"
		 "      <StartBoundary>2024-01-01T00:00:00</StartBoundary>\n"
		 "      <Repetition>\n"
		 "        <Interval>");
	add_iso_duration(&b, o->interval);
	buf_adds(&b, "</Interval>\n"
		 "        <StopAtDurationEnd>false</StopAtDurationEnd>\n"
		 "      </Repetition>\n"
		 "    </TimeTrigger>\n"
		 "  </Triggers>\n"
		 "  <Principals>\n"
		 "    <Principal id=\"Author\">\n"
		 "      <LogonType>InteractiveToken</LogonType>\n"
		 "      <RunLevel>LeastPrivilege</RunLevel>\n"
		 "    </Principal>\n"
		 "  </Principals>\n"
		 "  <Settings>\n"
		 "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
		 "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
		 "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
		 "    <AllowHardTerminate>true</AllowHardTerminate>\n"
		 "    <StartWhenAvailable>true</StartWhenAvailable>\n"
		 "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n"
		 "    <IdleSettings>\n"
		 "      <StopOnIdleEnd>false</StopOnIdleEnd>\n"
		 "      <RestartOnIdle>false</RestartOnIdle>\n"
		 "    </IdleSettings>\n"
		 "    <AllowStartOnDemand>true</AllowStartOnDemand>\n"
		 "    <Enabled>true</Enabled>\n"
		 "    <Hidden>true</Hidden>\n"
		 "    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n"
		 "    <WakeToRun>false</WakeToRun>\n"
		 "    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>\n"
		 "    <Priority>7</Priority>\n"
		 "  </Settings>\n"
		 "  <Actions Context=\"Author\">\n"
		 "    <Exec>\n"
		 "      <Command>");
	add_xml(&b, o->binary);
	buf_adds(&b, "</Command>\n"
		 "      <Arguments>" SCHED_ARGS "</Arguments>\n"
		 "    </Exec>\n"
		 "  </Actions>\n"
		 "</Task>\n");
	if (o->utf16) {
		/* ASCII-safe conversion: the text is UTF-8; decode code points. */
		struct buf u = BUF_INIT;
		const unsigned char *p = (const unsigned char *)b.data;
		const unsigned char *end = p + b.len;

		buf_add(&u, "\xff\xfe", 2);
		while (p < end) {
			unsigned cp;
			size_t k, need;

			if (*p < 0x80)
				cp = *p, need = 0;
			else if ((*p & 0xe0) == 0xc0)
				cp = *p & 0x1f, need = 1;
			else if ((*p & 0xf0) == 0xe0)
				cp = *p & 0x0f, need = 2;
			else
				cp = *p & 0x07, need = 3;
			p++;
			for (k = 0; k < need && p < end; k++, p++)
				cp = (cp << 6) | (*p & 0x3f);
			if (cp >= 0x10000) {
				unsigned hi = 0xd800 + ((cp - 0x10000) >> 10);
				unsigned lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);

				buf_addc(&u, (char)(hi & 0xff));
				buf_addc(&u, (char)(hi >> 8));
				cp = lo;
			}
			buf_addc(&u, (char)(cp & 0xff));
			buf_addc(&u, (char)(cp >> 8));
		}
		buf_release(&b);
		b = u;
	}
	add_file(f, SCHED_UNIT ".xml", &b);
}

static void
render_systemd(const struct sched_opts *o, struct sched_files *f)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "# " SCHED_MARK "; 'runlayer schedule --uninstall");
	buf_adds(&b, o->system ? " --system" : "");
	buf_adds(&b, "' removes it.\n"
		 "[Unit]\n"
		 "Description=Runlayer: inventory the MCP servers configured on this machine\n"
		 "Documentation=man:runlayer(1)\n"
		 "\n[Service]\n"
		 "Type=oneshot\n");
	if (o->system)
		buf_adds(&b, "EnvironmentFile=-/etc/runlayer/aiwatch/credentials\n");
	buf_adds(&b, "ExecStart=");
	add_systemd_word(&b, o->binary);
	buf_adds(&b, " " SCHED_ARGS "\n"
		 "Nice=10\n"
		 "IOSchedulingClass=idle\n"
		 "TimeoutStartSec=1h\n");
	add_file(f, SCHED_UNIT ".service", &b);

	buf_adds(&b, "# " SCHED_MARK "; 'runlayer schedule --uninstall");
	buf_adds(&b, o->system ? " --system" : "");
	buf_adds(&b, "' removes it.\n"
		 "[Unit]\n"
		 "Description=Run runlayer scan every ");
	add_span(&b, o->interval);
	buf_adds(&b, "\nDocumentation=man:runlayer(1)\n"
		 "\n[Timer]\n"
		 "OnBootSec=" SCHED_BOOT_DELAY "\n"
		 "OnUnitActiveSec=");
	add_span(&b, o->interval);
	buf_adds(&b, "\n"
		 "Persistent=true\n"
		 "Unit=" SCHED_UNIT ".service\n"
		 "\n[Install]\n"
		 "WantedBy=timers.target\n");
	add_file(f, SCHED_UNIT ".timer", &b);
}

static int
check_binary(const struct sched_opts *o, struct err *e)
{
	const char *b = o->binary;

	if (b == NULL || *b == '\0')
		return err_set(e, ERR_INVALID, "no binary path");
	if (has_control(b))
		return err_set(e, ERR_INVALID, "binary path contains control characters");
	if (o->os == SCHED_WINDOWS) {
		if (!((isalpha((unsigned char)b[0]) && b[1] == ':' && (b[2] == '\\' || b[2] == '/')) ||
		      strncmp(b, "\\\\", 2) == 0 || b[0] == '%'))
			return err_set(e, ERR_INVALID, "binary path '%s' is not absolute (C:\\...)", b);
	} else if (b[0] != '/') {
		return err_set(e, ERR_INVALID, "binary path '%s' is not absolute", b);
	}
	if (o->interval < SCHED_INTERVAL_MIN || o->interval > SCHED_INTERVAL_MAX ||
	    o->interval % 60)
		return err_set(e, ERR_INVALID, "interval of %lu seconds is out of range", o->interval);
	return 0;
}

int
sched_render(const struct sched_opts *o, struct sched_files *out, struct err *e)
{
	int ret;

	out->v = NULL;
	out->n = 0;
	if ((ret = check_binary(o, e)) < 0)
		return ret;
	switch (o->os) {
	case SCHED_DARWIN:
		if (o->log_dir == NULL || o->log_dir[0] != '/' || has_control(o->log_dir))
			return err_set(e, ERR_INVALID, "no absolute log directory for launchd");
		render_plist(o, out);
		break;
	case SCHED_WINDOWS:
		render_task(o, out);
		break;
	case SCHED_LINUX:
	default:
		render_systemd(o, out);
		break;
	}
	return 0;
}

void
sched_files_release(struct sched_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].data);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

char *
sched_cron_line(const struct sched_opts *o, struct err *e)
{
	struct buf b = BUF_INIT;
	unsigned long m = o->interval / 60;

	if (check_binary(o, e) < 0)
		return NULL;
	if (strchr(o->binary, '%')) {
		err_set(e, ERR_INVALID, "binary path contains '%%', which crontab treats as a newline");
		return NULL;
	}
	if (m < 60 && 60 % m == 0) {
		if (m == 1)
			buf_adds(&b, "* * * * *");
		else
			buf_addf(&b, "*/%lu * * * *", m);
	} else if (m % 60 == 0 && m / 60 < 24 && 24 % (m / 60) == 0) {
		if (m == 60)
			buf_adds(&b, "0 * * * *");
		else
			buf_addf(&b, "0 */%lu * * *", m / 60);
	} else if (m == 1440) {
		buf_adds(&b, "0 0 * * *");
	} else {
		err_set(e, ERR_INVALID, "an interval of %lu minutes cannot be written as a crontab "
			"schedule (use a divisor of 60 minutes or of 24 hours)", m);
		return NULL;
	}
	buf_addc(&b, ' ');
	add_sh_word(&b, o->binary);
	buf_adds(&b, " " SCHED_ARGS " 2>&1 | logger -t runlayer-scan " SCHED_CRON_TAG);
	return buf_detach(&b, NULL);
}

/* ---- running programs ------------------------------------------------- */

/*
 * Run argv (PATH lookup) with input on stdin (NULL: /dev/null), stdout
 * into out (may be NULL), stderr into errout (may be NULL); both capped.
 * Returns the exit status (0-255), 127 when the program cannot be run,
 * or -1 when it could not be started at all.
 */
static int
run(char *const argv[], const char *input, struct buf *out, struct buf *errout)
{
	int in[2] = { -1, -1 }, o[2], er[2], status, devnull;
	size_t in_left = input ? strlen(input) : 0;
	pid_t pid;

	if (pipe2(o, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(er, O_CLOEXEC) < 0) {
		close(o[0]);
		close(o[1]);
		return -1;
	}
	if (input && pipe2(in, O_CLOEXEC) < 0) {
		close(o[0]); close(o[1]); close(er[0]); close(er[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(o[0]); close(o[1]); close(er[0]); close(er[1]);
		if (input) {
			close(in[0]);
			close(in[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (input) {
			dup2(in[0], 0);
		} else if ((devnull = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(devnull, 0);
		}
		dup2(o[1], 1);
		dup2(er[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(o[1]);
	close(er[1]);
	if (input)
		close(in[0]);
	{
		struct pollfd pf[3];
		int open_fds = 2;

		pf[0].fd = o[0];
		pf[1].fd = er[0];
		pf[2].fd = input ? in[1] : -1;
		pf[0].events = pf[1].events = POLLIN;
		pf[2].events = POLLOUT;
		if (input && in_left == 0) {
			close(in[1]);
			pf[2].fd = -1;
		}
		while (open_fds > 0) {
			int i;

			if (poll(pf, 3, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (i = 0; i < 2; i++) {
				char chunk[4096];
				struct buf *dst = i == 0 ? out : errout;
				ssize_t n;

				if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				n = read(pf[i].fd, chunk, sizeof(chunk));
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					close(pf[i].fd);
					pf[i].fd = -1;
					open_fds--;
					continue;
				}
				if (dst && dst->len + (size_t)n <= RUN_OUTPUT_MAX)
					buf_add(dst, chunk, (size_t)n);
			}
			if (pf[2].fd >= 0 && (pf[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
				ssize_t n = (pf[2].revents & POLLOUT) ?
					write(pf[2].fd, input + strlen(input) - in_left, in_left) : -1;

				if (n > 0)
					in_left -= (size_t)n;
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0 || in_left == 0) {
					close(pf[2].fd);
					pf[2].fd = -1;
				}
			}
		}
		if (pf[2].fd >= 0)
			close(pf[2].fd);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Is prog found on PATH (an executable regular file)? */
static int
on_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *colon;

	if (path == NULL || *path == '\0')
		path = "/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		char *dir, *full;
		struct stat st;
		int ok;

		colon = strchr(p, ':');
		dir = colon ? xstrndup(p, (size_t)(colon - p)) : xstrdup(p);
		full = path_join(*dir ? dir : ".", prog);
		ok = stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
		free(dir);
		free(full);
		if (ok)
			return 1;
		if (!colon)
			return 0;
	}
}

/* ---- reports ----------------------------------------------------------- */

static void
note(struct sched_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(struct sched_report *r, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/* One line: trim what a program printed after its first line. */
	if (strchr(b.data, '\n'))
		buf_setlen(&b, (size_t)(strchr(b.data, '\n') - b.data));
	r->notes = xreallocarray(r->notes, r->n_notes + 1, sizeof(*r->notes));
	r->notes[r->n_notes++] = buf_detach(&b, NULL);
}

static void
wrote(struct sched_report *r, const char *path)
{
	r->written = xreallocarray(r->written, r->n_written + 1, sizeof(*r->written));
	r->written[r->n_written++] = xstrdup(path);
	r->changed = 1;
}

void
sched_report_release(struct sched_report *r)
{
	size_t i;

	for (i = 0; i < r->n_written; i++)
		free(r->written[i]);
	for (i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->written);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

/* First line of a program's stderr, for notes. */
static const char *
first_line(struct buf *b)
{
	char *nl = strchr(b->data, '\n');

	if (nl)
		buf_setlen(b, (size_t)(nl - b->data));
	return b->len ? b->data : "no message";
}

/* ---- files ------------------------------------------------------------- */

/* 1 when path holds exactly data, 0 otherwise (missing, different). */
static int
same_file(const char *path, const char *data, size_t len)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	int same;

	same = file_read(path, len + 1, 0, &b, NULL, &e) == 0 && b.len == len &&
	       memcmp(b.data, data, len) == 0;
	buf_release(&b);
	return same;
}

/* Write files into dir (created 0755) when they differ. */
static int
write_files(const char *dir, const struct sched_files *f, struct sched_report *r,
	    struct err *e)
{
	size_t i;
	int ret;

	if ((ret = file_mkdirs(dir, 0755, e)) < 0)
		return ret;
	for (i = 0; i < f->n; i++) {
		char *p = path_join(dir, f->v[i].name);

		if (!same_file(p, f->v[i].data, f->v[i].len)) {
			ret = file_write_atomic(p, f->v[i].data, f->v[i].len, 0644, 0, e);
			if (ret < 0) {
				free(p);
				return ret;
			}
			wrote(r, p);
		}
		free(p);
	}
	return 0;
}

/* Remove dir/name when it carries marker; 1 removed, 0 absent, -1 kept. */
static int
remove_ours(const char *dir, const char *name, const char *marker, struct sched_report *r)
{
	char *p = path_join(dir, name);
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	struct stat st;
	int ret = 0;

	if (lstat(p, &st) < 0)
		goto out;
	if (!S_ISREG(st.st_mode) || file_read(p, 1 << 20, 0, &b, NULL, &e) < 0 ||
	    strstr(b.data, marker) == NULL) {
		note(r, "left %s in place: it was not written by runlayer schedule", p);
		ret = -1;
		goto out;
	}
	if (unlink(p) == 0) {
		wrote(r, p);
		ret = 1;
	} else {
		note(r, "cannot remove %s: %s", p, strerror(errno));
		ret = -1;
	}
out:
	buf_release(&b);
	free(p);
	return ret;
}

/* ---- cron -------------------------------------------------------------- */

/* Current crontab into b (empty when the user has none). 0 or -1. */
static int
crontab_read(struct buf *b, struct buf *err_text)
{
	char *argv[] = { (char *)"crontab", (char *)"-l", NULL };
	int rc = run(argv, NULL, b, err_text);

	if (rc == 0)
		return 0;
	/* "no crontab for <user>" exits 1 with nothing on stdout. */
	if (rc == 1 && b->len == 0 && strstr(err_text->data, "no crontab"))
		return 0;
	return -1;
}

/* Rewrite the crontab without our lines, plus line when not NULL.
 * Returns 1 changed, 0 unchanged, -1 failure (note added). */
static int
crontab_update(const char *line, struct sched_report *r)
{
	struct buf cur = BUF_INIT, next = BUF_INIT, errt = BUF_INIT;
	char *argv[] = { (char *)"crontab", (char *)"-", NULL };
	const char *p;
	int ret = 0, rc;

	if (!on_path("crontab")) {
		note(r, "crontab is not installed");
		return -1;
	}
	if (crontab_read(&cur, &errt) < 0) {
		note(r, "crontab -l failed: %s", first_line(&errt));
		ret = -1;
		goto out;
	}
	for (p = cur.data; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!(memmem(p, len, SCHED_CRON_TAG, strlen(SCHED_CRON_TAG)) != NULL))
			buf_add(&next, p, len);
		p += len;
	}
	if (next.len && next.data[next.len - 1] != '\n')
		buf_addc(&next, '\n');
	if (line)
		buf_addf(&next, "%s\n", line);
	if (next.len == cur.len && memcmp(next.data, cur.data, cur.len) == 0)
		goto out;
	buf_clear(&errt);
	rc = run(argv, next.data, NULL, &errt);
	if (rc != 0) {
		note(r, "crontab - failed (exit %d): %s", rc, first_line(&errt));
		ret = -1;
		goto out;
	}
	r->changed = 1;
	ret = 1;
out:
	buf_release(&cur);
	buf_release(&next);
	buf_release(&errt);
	return ret;
}

/* ---- systemd ----------------------------------------------------------- */

static char *
unit_dir(const struct sched_opts *o, const struct sched_env *env)
{
	if (o->system)
		return xstrdup(env->system_unit_dir ? env->system_unit_dir : "/etc/systemd/system");
	if (env->config_home && env->config_home[0] == '/')
		return path_join(env->config_home, "systemd/user");
	return path_join(env->home, ".config/systemd/user");
}

/* systemctl [--user] args…; 0 on success, else a note and -1. */
static int
systemctl(const struct sched_opts *o, struct sched_report *r, const char *a1, const char *a2,
	  const char *a3)
{
	char *argv[7];
	struct buf errt = BUF_INIT;
	int i = 0, rc;

	argv[i++] = (char *)"systemctl";
	if (!o->system)
		argv[i++] = (char *)"--user";
	argv[i++] = (char *)a1;
	if (a2)
		argv[i++] = (char *)a2;
	if (a3)
		argv[i++] = (char *)a3;
	argv[i] = NULL;
	rc = run(argv, NULL, NULL, &errt);
	if (rc != 0)
		note(r, "systemctl%s %s failed (exit %d): %s", o->system ? "" : " --user", a1, rc,
		     first_line(&errt));
	buf_release(&errt);
	return rc == 0 ? 0 : -1;
}

static int
install_linux(const struct sched_opts *o, const struct sched_env *env, struct sched_report *r,
	      struct err *e)
{
	struct sched_files f = { NULL, 0 };
	char *dir = unit_dir(o, env), *line = NULL;
	struct err ce = ERR_INIT;
	int ret;

	if ((ret = sched_render(o, &f, e)) < 0)
		goto out;
	if ((ret = write_files(dir, &f, r, e)) < 0)
		goto out;
	if (on_path("systemctl")) {
		if (systemctl(o, r, "daemon-reload", NULL, NULL) == 0 &&
		    systemctl(o, r, "enable", "--now", SCHED_UNIT ".timer") == 0) {
			r->method = SCHED_M_SYSTEMD;
			/* One scheduler only: drop a crontab line left by a fallback. */
			if (!o->system && on_path("crontab"))
				crontab_update(NULL, r);
			goto out;
		}
	} else {
		note(r, "systemctl is not installed");
	}
	if (o->system) {
		ret = err_set(e, ERR_IO, "the units are in %s but systemd could not enable "
			      SCHED_UNIT ".timer", dir);
		goto out;
	}
	/* No usable systemd: take our units back out and use cron. */
	{
		struct sched_report scratch;
		size_t i;

		memset(&scratch, 0, sizeof(scratch));
		remove_ours(dir, SCHED_UNIT ".timer", SCHED_MARK, &scratch);
		remove_ours(dir, SCHED_UNIT ".service", SCHED_MARK, &scratch);
		sched_report_release(&scratch);
		for (i = 0; i < r->n_written; i++)
			free(r->written[i]);
		r->n_written = 0;
		/* Written and taken back: only the crontab can change now. */
		r->changed = 0;
	}
	if ((line = sched_cron_line(o, &ce)) == NULL) {
		ret = err_set(e, ERR_INVALID, "systemd is unavailable and %s", ce.msg);
		goto out;
	}
	if (crontab_update(line, r) < 0) {
		ret = err_set(e, ERR_IO, "neither a systemd user timer nor a crontab line could "
			      "be installed (install cron, or run in a systemd user session)");
		goto out;
	}
	note(r, "systemd is not usable here: scheduled with cron instead");
	r->method = SCHED_M_CRON;
out:
	sched_files_release(&f);
	free(dir);
	free(line);
	return ret;
}

static int
uninstall_linux(const struct sched_opts *o, const struct sched_env *env, struct sched_report *r)
{
	char *dir = unit_dir(o, env), *timer = path_join(dir, SCHED_UNIT ".timer");
	struct stat st;

	if (lstat(timer, &st) == 0 && on_path("systemctl"))
		systemctl(o, r, "disable", "--now", SCHED_UNIT ".timer");
	remove_ours(dir, SCHED_UNIT ".timer", SCHED_MARK, r);
	remove_ours(dir, SCHED_UNIT ".service", SCHED_MARK, r);
	if (r->changed && on_path("systemctl"))
		systemctl(o, r, "daemon-reload", NULL, NULL);
	if (!o->system && on_path("crontab"))
		crontab_update(NULL, r);
	free(timer);
	free(dir);
	return 0;
}

/* ---- launchd ----------------------------------------------------------- */

static int
install_darwin(const struct sched_opts *o, const struct sched_env *env, struct sched_report *r,
	       struct err *e)
{
	struct sched_files f = { NULL, 0 };
	char *dir = path_join(env->home, "Library/LaunchAgents"), *plist = NULL;
	char domain[64], target[128];
	struct buf errt = BUF_INIT;
	int ret, rc;

	if ((ret = sched_render(o, &f, e)) < 0)
		goto out;
	if (o->log_dir && (ret = file_mkdirs(o->log_dir, 0700, e)) < 0)
		goto out;
	if ((ret = write_files(dir, &f, r, e)) < 0)
		goto out;
	plist = path_join(dir, f.v[0].name);
	snprintf(domain, sizeof(domain), "gui/%lu", (unsigned long)env->uid);
	snprintf(target, sizeof(target), "%s/%s", domain, SCHED_LABEL);
	{
		/* Reload: boot out a loaded copy (fails harmlessly when none). */
		char *out_argv[] = { (char *)"launchctl", (char *)"bootout", target, NULL };
		char *in_argv[] = { (char *)"launchctl", (char *)"bootstrap", domain, plist, NULL };

		run(out_argv, NULL, NULL, NULL);
		rc = run(in_argv, NULL, NULL, &errt);
		if (rc != 0) {
			ret = err_set(e, ERR_IO, "launchctl bootstrap %s failed (exit %d): %s", domain,
				      rc, first_line(&errt));
			goto out;
		}
	}
	r->method = SCHED_M_LAUNCHD;
	r->changed = 1;
out:
	buf_release(&errt);
	sched_files_release(&f);
	free(plist);
	free(dir);
	return ret;
}

static int
uninstall_darwin(const struct sched_env *env, struct sched_report *r)
{
	char *dir = path_join(env->home, "Library/LaunchAgents");
	char *plist = path_join(dir, SCHED_LABEL ".plist");
	char target[128];
	struct stat st;

	if (lstat(plist, &st) == 0) {
		char *argv[] = { (char *)"launchctl", (char *)"bootout", target, NULL };

		snprintf(target, sizeof(target), "gui/%lu/%s", (unsigned long)env->uid, SCHED_LABEL);
		run(argv, NULL, NULL, NULL);
		remove_ours(dir, SCHED_LABEL ".plist", "<string>" SCHED_LABEL "</string>", r);
	}
	free(plist);
	free(dir);
	return 0;
}

/* ---- entry points ----------------------------------------------------- */

/* Does dir/name exist and carry marker? */
static int
has_ours(const char *dir, const char *name, const char *marker, struct sched_report *r)
{
	char *p = path_join(dir, name);
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	int found = file_read(p, 1 << 20, 0, &b, NULL, &e) == 0 && strstr(b.data, marker);

	if (found) {
		r->written = xreallocarray(r->written, r->n_written + 1, sizeof(*r->written));
		r->written[r->n_written++] = xstrdup(p);
	}
	buf_release(&b);
	free(p);
	return found;
}

int
sched_find(const struct sched_opts *o, const struct sched_env *env, struct sched_report *r)
{
	memset(r, 0, sizeof(*r));
	if (env->home == NULL)
		return 0;
	if (o->os == SCHED_DARWIN) {
		char *dir = path_join(env->home, "Library/LaunchAgents");

		if (has_ours(dir, SCHED_LABEL ".plist", "<string>" SCHED_LABEL "</string>", r))
			r->method = SCHED_M_LAUNCHD;
		free(dir);
		return 0;
	}
	if (o->os == SCHED_LINUX) {
		char *dir = unit_dir(o, env);

		if (has_ours(dir, SCHED_UNIT ".timer", SCHED_MARK, r)) {
			has_ours(dir, SCHED_UNIT ".service", SCHED_MARK, r);
			r->method = SCHED_M_SYSTEMD;
		}
		free(dir);
		if (r->method == SCHED_M_NONE && !o->system && on_path("crontab")) {
			struct buf cur = BUF_INIT, errt = BUF_INIT;

			if (crontab_read(&cur, &errt) == 0 && strstr(cur.data, SCHED_CRON_TAG)) {
				r->method = SCHED_M_CRON;
				r->written = xreallocarray(r->written, 1, sizeof(*r->written));
				r->written[r->n_written++] = xstrdup("crontab");
			}
			buf_release(&cur);
			buf_release(&errt);
		}
	}
	return 0;
}

int
sched_install(const struct sched_opts *o, const struct sched_env *env, struct sched_report *r,
	      struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (env->home == NULL || env->home[0] != '/')
		return err_set(e, ERR_INVALID, "no home directory");
	switch (o->os) {
	case SCHED_LINUX:
		return install_linux(o, env, r, e);
	case SCHED_DARWIN:
		return install_darwin(o, env, r, e);
	default:
		return err_set(e, ERR_INVALID, "installing a Windows task is not supported by this "
			       "build: write the XML with --print --output-dir and import it with "
			       "schtasks /Create /XML");
	}
}

int
sched_uninstall(const struct sched_opts *o, const struct sched_env *env, struct sched_report *r,
		struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (env->home == NULL || env->home[0] != '/')
		return err_set(e, ERR_INVALID, "no home directory");
	switch (o->os) {
	case SCHED_LINUX:
		return uninstall_linux(o, env, r);
	case SCHED_DARWIN:
		return uninstall_darwin(env, r);
	default:
		return err_set(e, ERR_INVALID, "removing a Windows task is not supported by this "
			       "build: schtasks /Delete /TN \"" SCHED_TASK "\" /F");
	}
}
