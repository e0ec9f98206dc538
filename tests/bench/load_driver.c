/* Load driver: runs a manifest of hook invocations across parallel workers,
 * each one a fork/exec with its payload on a stdin pipe, timed to the exit.
 *
 * usage: load_driver WORKERS MANIFEST OUTDIR -- CMD...
 * MANIFEST lines: ID TAB CLIENT TAB MODE TAB PAYLOAD_FILE TAB EXPECT_PREFIX
 * Each run is CMD... --client CLIENT --mode MODE; its stdout, stderr and
 * exit status must equal EXPECT_PREFIX.out, .err and .rc byte for byte.
 * Worker w takes the entries w, w + WORKERS, ... in order and writes
 * OUTDIR/worker.<w>: "ID WORKER START_MS WALL_MS EXIT STATUS" per run
 * (STATUS ok, out, err, rc or exec); a mismatch also leaves
 * OUTDIR/fail.<ID>.{out,err}. The parent prints one summary line:
 *   load runs=N workers=W failures=F late=L p50_ms= p90_ms= p99_ms= max_ms=
 *        mean_ms= wall_s= throughput_per_s=
 * where late counts runs over LOAD_DEADLINE_MS (default 4000). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS	200000
#define MAX_WORKERS	64
#define MAX_OUT		(1u << 20)

struct blob {
	char *data;
	size_t len;
};

struct expect {
	char *prefix;
	struct blob out, err;
	int rc;
};

struct entry {
	char *id, *client, *mode;
	struct blob payload;
	const struct expect *want;
};

static struct expect **expects;	/* pointers: entries keep them */
static size_t n_expects;

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "load_driver: %s '%s': %s\n", what, arg, strerror(errno));
	exit(1);
}

static void
read_blob(const char *path, struct blob *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open", path);
	b->len = (size_t)st.st_size;
	b->data = malloc(b->len + 1);
	if (b->data == NULL)
		die("out of memory reading", path);
	while (got < b->len) {
		ssize_t n = read(fd, b->data + got, b->len - got);

		if (n <= 0)
			die("cannot read", path);
		got += (size_t)n;
	}
	b->data[b->len] = '\0';
	close(fd);
}

static const struct expect *
expect_for(const char *prefix)
{
	char path[4096];
	struct expect *x;
	struct blob rc;
	size_t i;

	for (i = 0; i < n_expects; i++)
		if (strcmp(expects[i]->prefix, prefix) == 0)
			return expects[i];
	expects = realloc(expects, (n_expects + 1) * sizeof(*expects));
	x = calloc(1, sizeof(*x));
	if (expects == NULL || x == NULL)
		die("out of memory for", prefix);
	x->prefix = strdup(prefix);
	snprintf(path, sizeof(path), "%s.out", prefix);
	read_blob(path, &x->out);
	snprintf(path, sizeof(path), "%s.err", prefix);
	read_blob(path, &x->err);
	snprintf(path, sizeof(path), "%s.rc", prefix);
	read_blob(path, &rc);
	x->rc = (int)strtol(rc.data, NULL, 10);
	free(rc.data);
	expects[n_expects++] = x;
	return x;
}

static size_t
load_manifest(const char *path, struct entry **out)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	struct entry *v = NULL;
	size_t n = 0;

	if (f == NULL)
		die("cannot open", path);
	while (fgets(line, sizeof(line), f)) {
		char *field[5], *p = line, *save = NULL;
		int k;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		for (k = 0; k < 5; k++) {
			field[k] = strtok_r(k ? NULL : p, "\t", &save);
			if (field[k] == NULL) {
				fprintf(stderr, "load_driver: %s: bad line '%s'\n", path, line);
				exit(1);
			}
		}
		if (n >= MAX_RUNS) {
			fprintf(stderr, "load_driver: more than %d runs\n", MAX_RUNS);
			exit(1);
		}
		v = realloc(v, (n + 1) * sizeof(*v));
		if (v == NULL)
			die("out of memory for", path);
		v[n].id = strdup(field[0]);
		v[n].client = strdup(field[1]);
		v[n].mode = strdup(field[2]);
		read_blob(field[3], &v[n].payload);
		v[n].want = expect_for(field[4]);
		n++;
	}
	fclose(f);
	*out = v;
	return n;
}

/* Append up to MAX_OUT bytes from fd to b; 0 at end of file, 1 for more. */
static int
drain(int fd, struct blob *b)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	if (b->len + (size_t)n <= MAX_OUT) {
		memcpy(b->data + b->len, chunk, (size_t)n);
		b->len += (size_t)n;
	}
	return 1;
}

static int
same(const struct blob *a, const struct blob *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static void
save(const char *dir, const char *id, const char *ext, const struct blob *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/fail.%s.%s", dir, id, ext);
	if ((f = fopen(path, "w")) != NULL) {
		fwrite(b->data, 1, b->len, f);
		fclose(f);
	}
}

/* One invocation, as a client runs it: payload on a pipe, replies read
 * from pipes, timed from fork to the exit of the child. */
static char opt_client[] = "--client", opt_mode[] = "--mode";

static const char *
run_one(char **cmd, int ncmd, const struct entry *e, const char *dir, double *ms, int *code)
{
	int in[2], po[2], pe[2], status = 0, open_fds = 2;
	struct blob out = { NULL, 0 }, err = { NULL, 0 };
	const char *st = "ok";
	size_t off = 0;
	double t0;
	pid_t pid;

	out.data = malloc(MAX_OUT);
	err.data = malloc(MAX_OUT);
	if (out.data == NULL || err.data == NULL || pipe(in) < 0 || pipe(po) < 0 || pipe(pe) < 0)
		die("cannot set up run", e->id);
	cmd[ncmd] = opt_client;
	cmd[ncmd + 1] = e->client;
	cmd[ncmd + 2] = opt_mode;
	cmd[ncmd + 3] = e->mode;
	cmd[ncmd + 4] = NULL;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(in[0]); close(in[1]); close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
		execv(cmd[0], cmd);
		_exit(127);
	}
	if (pid < 0)
		die("cannot fork for", e->id);
	close(in[0]);
	close(po[1]);
	close(pe[1]);
	/* The payloads are small; a hook that stops reading early is not an
	 * error here (EPIPE is ignored), its reply is what counts. */
	while (off < e->payload.len) {
		ssize_t w = write(in[1], e->payload.data + off, e->payload.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(in[1]);
	/* Negative fds are ignored by poll(): closed pipes drop out. */
	while (open_fds > 0) {
		struct pollfd p[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		int i;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			int *fd = i == 0 ? &po[0] : &pe[0];

			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!drain(*fd, i == 0 ? &out : &err)) {
				close(*fd);
				*fd = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*ms = now_ms() - t0;
	*code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (*code == 127)
		st = "exec";
	else if (*code != e->want->rc)
		st = "rc";
	else if (!same(&out, &e->want->out))
		st = "out";
	else if (!same(&err, &e->want->err))
		st = "err";
	if (strcmp(st, "ok") != 0) {
		save(dir, e->id, "out", &out);
		save(dir, e->id, "err", &err);
	}
	free(out.data);
	free(err.data);
	return st;
}

static void
release(struct entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].client);
		free(v[i].mode);
		free(v[i].payload.data);
	}
	free(v);
	for (i = 0; i < n_expects; i++) {
		free(expects[i]->prefix);
		free(expects[i]->out.data);
		free(expects[i]->err.data);
		free(expects[i]);
	}
	free(expects);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

int
main(int argc, char **argv)
{
	struct entry *ents = NULL;
	size_t n, i;
	int workers, w, ncmd, failures = 0, late = 0;
	double deadline = 4000, t0, wall, *ms, sum = 0, base;
	char **cmd, path[4096];
	const char *dir, *dl = getenv("LOAD_DEADLINE_MS");

	if (argc < 6 || strcmp(argv[4], "--") != 0)
		goto usage;
	workers = (int)strtol(argv[1], NULL, 10);
	if (workers < 1 || workers > MAX_WORKERS)
		goto usage;
	if (dl && *dl)
		deadline = strtod(dl, NULL);
	dir = argv[3];
	n = load_manifest(argv[2], &ents);
	if (n == 0)
		goto usage;
	ncmd = argc - 5;
	signal(SIGPIPE, SIG_IGN);
	t0 = now_ms();
	base = t0;
	for (w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			die("cannot fork worker", argv[1]);
		if (pid == 0) {
			FILE *log;

			cmd = calloc((size_t)ncmd + 5, sizeof(char *));
			if (cmd == NULL)
				_exit(1);
			for (i = 0; i < (size_t)ncmd; i++)
				cmd[i] = argv[5 + i];
			snprintf(path, sizeof(path), "%s/worker.%d", dir, w);
			if ((log = fopen(path, "w")) == NULL)
				die("cannot create", path);
			for (i = (size_t)w; i < n; i += (size_t)workers) {
				double start = now_ms() - base, took;
				int code;
				const char *st = run_one(cmd, ncmd, &ents[i], dir, &took, &code);

				fprintf(log, "%s %d %.3f %.3f %d %s\n", ents[i].id, w, start, took, code, st);
			}
			fclose(log);
			_exit(0);
		}
	}
	for (w = 0; w < workers; w++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failures++;
	}
	wall = now_ms() - t0;

	/* Merge the workers' records. */
	ms = calloc(n, sizeof(double));
	i = 0;
	for (w = 0; w < workers; w++) {
		FILE *f;
		char line[1024];

		snprintf(path, sizeof(path), "%s/worker.%d", dir, w);
		if ((f = fopen(path, "r")) == NULL)
			die("cannot read", path);
		while (fgets(line, sizeof(line), f) && i < n) {
			char id[512], st[16];
			int ww, code;
			double start, took;

			if (sscanf(line, "%511s %d %lf %lf %d %15s", id, &ww, &start, &took, &code,
				   st) != 6)
				continue;
			ms[i++] = took;
			sum += took;
			if (strcmp(st, "ok") != 0)
				failures++;
			if (took > deadline)
				late++;
		}
		fclose(f);
	}
	release(ents, n);
	if (i != n) {
		fprintf(stderr, "load_driver: %zu of %zu runs recorded\n", i, n);
		failures += (int)(n - i);
		n = i;
	}
	if (n == 0) {
		free(ms);
		return 1;
	}
	qsort(ms, n, sizeof(double), cmp_double);
	printf("load runs=%zu workers=%d failures=%d late=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
	       "max_ms=%.2f mean_ms=%.2f wall_s=%.2f throughput_per_s=%.1f\n", n, workers, failures,
	       late, pct(ms, n, 0.50), pct(ms, n, 0.90), pct(ms, n, 0.99), ms[n - 1], sum / (double)n,
	       wall / 1000, (double)n / (wall / 1000));
	free(ms);
	return 0;
usage:
	fprintf(stderr, "usage: load_driver WORKERS MANIFEST OUTDIR -- CMD...\n");
	return 64;
}
