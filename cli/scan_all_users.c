/* Scans every local user's home as that user (contract §9.3's wrapper, in
 * process): fork, drop privileges, reset the environment, exec the scan. */
#include "cli/scan_all_users.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "util/file.h"
#include "util/state.h"
#include "util/strset.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Environment variables a user's scan inherits (others are dropped). */
static const char *const kept_env[] = {
	"RUNLAYER_HOST", "RUNLAYER_API_KEY", "RUNLAYER_ORG_API_KEY_NAME", "RUNLAYER_CA_BUNDLE",
	"SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "RUNLAYER_PROJECT_DEPTH",
	"RUNLAYER_PROJECT_TIMEOUT", "RUNLAYER_DEVICE_ID", "RUNLAYER_MACHINE_ID_PATH",
	"RUNLAYER_HOSTNAME", "LOG_LEVEL", "TZ", "NO_COLOR", NULL
};

struct user {
	char *name, *home;
	uid_t uid;
	gid_t gid;
};

static void
users_free(struct user *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].home);
	}
	free(u);
}

/* Local users with an existing home, deduplicated by its real path. The
 * passwd database, or RUNLAYER_PASSWD_FILE (a passwd(5) file, for tests). */
static struct user *
list_users(size_t *n)
{
	const char *alt = getenv("RUNLAYER_PASSWD_FILE");
	struct strset seen = STRSET_INIT;
	struct user *v = NULL;
	struct passwd *pw;
	FILE *fp = NULL;
	size_t cap = 0;

	*n = 0;
	if (alt && *alt) {
		fp = fopen(alt, "re");
		if (fp == NULL)
			return NULL;
	} else {
		setpwent();
	}
	while ((pw = fp ? fgetpwent(fp) : getpwent()) != NULL) {
		char real[PATH_MAX];
		struct stat st;

		if (pw->pw_dir == NULL || pw->pw_dir[0] != '/' || stat(pw->pw_dir, &st) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (realpath(pw->pw_dir, real) == NULL)
			snprintf(real, sizeof(real), "%s", pw->pw_dir);
		if (!strset_add(&seen, real))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[*n].name = xstrdup(pw->pw_name);
		v[*n].home = xstrdup(pw->pw_dir);
		v[*n].uid = pw->pw_uid;
		v[*n].gid = pw->pw_gid;
		(*n)++;
	}
	if (fp)
		fclose(fp);
	else
		endpwent();
	strset_release(&seen);
	return v;
}

/* In the child: become the user, reset the environment, exec the scan. */
static void
exec_as(const struct user *u, const char *self, char **args, const char *secret)
{
	char **env = xcalloc(64, sizeof(*env));
	size_t ne = 0, i;
	int fd;

	for (i = 0; kept_env[i]; i++) {
		const char *v = getenv(kept_env[i]);

		if (v && *v)
			env[ne++] = xasprintf("%s=%s", kept_env[i], v);
	}
	if (secret)
		env[ne++] = xasprintf("RUNLAYER_API_KEY=%s", secret);
	env[ne++] = xasprintf("HOME=%s", u->home);
	env[ne++] = xasprintf("USER=%s", u->name);
	env[ne++] = xasprintf("LOGNAME=%s", u->name);
	env[ne++] = xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env[ne] = NULL;
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if (u->uid != 0) {
		if (initgroups(u->name, u->gid) < 0 && setgroups(0, NULL) < 0)
			_exit(126);
		if (setgid(u->gid) < 0 || setuid(u->uid) < 0)
			_exit(126);
		/* Make sure root cannot be regained. */
		if (setuid(0) == 0)
			_exit(126);
	}
	if (chdir(u->home) < 0 && chdir("/") < 0)
		_exit(126);
	execve(self, args, env);
	_exit(127);
}

/* Wait for pid up to timeout seconds; then TERM, and KILL 30 s later. */
static int
wait_bounded(pid_t pid, long timeout, int *timed_out)
{
	struct timespec start, now, nap = { 0, 50 * 1000 * 1000 };
	int status, sent = 0;

	*timed_out = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		long elapsed;

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (long)(now.tv_sec - start.tv_sec);
		if (sent == 0 && elapsed >= timeout) {
			kill(pid, SIGTERM);
			sent = 1;
			*timed_out = 1;
		} else if (sent == 1 && elapsed >= timeout + 30) {
			kill(pid, SIGKILL);
			sent = 2;
		}
		nanosleep(&nap, NULL);
	}
}

int
scan_all_users(int argc, char **argv, long timeout)
{
	struct user *users;
	struct err e = ERR_INIT;
	char self[PATH_MAX], *dir, *lockpath = NULL, **args;
	const char *secret = NULL;
	size_t n, i;
	int lock = -1, failed = 0, k, na;
	ssize_t len;

	if (geteuid() != 0) {
		out_error("--all-users needs root (it scans every user's home as that user)");
		return EXIT_UNSUPPORTED;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		out_error("cannot find this program's path: %s", strerror(errno));
		return EXIT_FAIL;
	}
	self[len] = '\0';
	/* One all-users run at a time. */
	dir = state_dir(&e);
	if (dir && file_mkdirs(dir, 0700, &e) == 0) {
		lockpath = path_join(dir, "all-users.lock");
		lock = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) < 0) {
			if (!g_opts.quiet)
				fprintf(stderr, "%s: another --all-users scan is running (it holds %s); "
					"skipping this one\n", prog_name, lockpath);
			close(lock);
			free(lockpath);
			free(dir);
			return EXIT_OK;
		}
	}
	free(dir);
	users = list_users(&n);
	/* The users' command line: ours minus --all-users and --secret. */
	args = xcalloc((size_t)argc + 8, sizeof(*args));
	na = 0;
	args[na++] = (char *)"runlayer";
	args[na++] = (char *)"scan";
	args[na++] = (char *)"--quiet";
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--all-users") == 0 || strcmp(argv[k], "-q") == 0 ||
		    strcmp(argv[k], "--quiet") == 0)
			continue;
		if (strcmp(argv[k], "--secret") == 0 || strcmp(argv[k], "-s") == 0) {
			if (k + 1 < argc)
				secret = argv[++k];
			continue;
		}
		if (strncmp(argv[k], "--secret=", 9) == 0) {
			secret = argv[k] + 9;
			continue;
		}
		args[na++] = argv[k];
	}
	args[na++] = (char *)"--username";
	args[na + 1] = NULL;
	for (i = 0; i < n; i++) {
		pid_t pid;
		int status, timed_out;

		args[na] = users[i].name;
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			out_error("cannot start the scan of %s: %s", users[i].name, strerror(errno));
			failed++;
			continue;
		}
		if (pid == 0)
			exec_as(&users[i], self, args, secret);
		status = wait_bounded(pid, timeout, &timed_out);
		if (status == 0) {
			if (g_opts.verbose && !g_opts.quiet)
				fprintf(stderr, "  %s (%s): ok\n", users[i].name, users[i].home);
			continue;
		}
		failed++;
		if (timed_out)
			out_error("scan failed for user %s (timed out after %ld s)", users[i].name, timeout);
		else if (status > 0 && WIFEXITED(status))
			out_error("scan failed for user %s (rc=%d)", users[i].name, WEXITSTATUS(status));
		else
			out_error("scan failed for user %s (killed)", users[i].name);
	}
	if (!g_opts.quiet)
		printf("Scanned %zu user%s: %zu ok, %d failed\n", n, n == 1 ? "" : "s",
		       n - (size_t)failed, failed);
	free(args);
	users_free(users, n);
	if (lock >= 0)
		close(lock);
	free(lockpath);
	return failed ? EXIT_FAIL : EXIT_OK;
}
