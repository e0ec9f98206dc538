/* Benchmark driver: runs several commands in turn (interleaved, so drift on
 * a busy machine hits them alike), each with the same file on stdin, and
 * prints per command the median, p10, p90 and mean whole-process wall time
 * and the median CPU time (user + system, from wait4).
 * usage: hook_driver RUNS INPUT NAME -- CMD... [-- NAME2 -- CMD2...]... */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8

struct cmd {
	const char *name;
	char **argv;
	double *ms;
	double *cpu;	/* user + system ms of the child */
	int failures;
};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* One run: fork, stdin from input, stdout/stderr to /dev/null, wait. */
static double
run_once(const struct cmd *c, const char *input, int *status, double *cpu)
{
	struct rusage ru;
	double t0 = now_ms();
	pid_t pid = fork();

	if (pid == 0) {
		int in = open(input, O_RDONLY), nul = open("/dev/null", O_WRONLY);

		if (in < 0 || nul < 0)
			_exit(127);
		dup2(in, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	memset(&ru, 0, sizeof(ru));
	if (pid < 0 || wait4(pid, status, 0, &ru) < 0)
		*status = -1;
	*cpu = ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0 +
	       ru.ru_stime.tv_sec * 1000.0 + ru.ru_stime.tv_usec / 1000.0;
	return now_ms() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	int ncmd = 0, runs, i, k;
	const char *input;

	if (argc < 6)
		goto usage;
	runs = (int)strtol(argv[1], NULL, 10);
	input = argv[2];
	if (runs < 1 || runs > 100000)
		goto usage;
	/* NAME -- CMD... [-- NAME -- CMD...] */
	for (i = 3; i < argc && ncmd < MAX_CMDS;) {
		struct cmd *c = &cmds[ncmd++];
		int start;

		c->name = argv[i++];
		if (i >= argc || strcmp(argv[i], "--") != 0)
			goto usage;
		start = ++i;
		while (i < argc && strcmp(argv[i], "--") != 0)
			i++;
		c->argv = calloc((size_t)(i - start + 1), sizeof(char *));
		for (k = start; k < i; k++)
			c->argv[k - start] = argv[k];
		c->ms = calloc((size_t)runs, sizeof(double));
		c->cpu = calloc((size_t)runs, sizeof(double));
		c->failures = 0;
		if (i < argc)
			i++;	/* the "--" before the next name */
	}
	/* warm-up */
	for (k = 0; k < ncmd; k++) {
		int st;
		double cpu;

		run_once(&cmds[k], input, &st, &cpu);
	}
	for (i = 0; i < runs; i++) {
		for (k = 0; k < ncmd; k++) {
			int st = 0;

			cmds[k].ms[i] = run_once(&cmds[k], input, &st, &cmds[k].cpu[i]);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				cmds[k].failures++;
		}
	}
	for (k = 0; k < ncmd; k++) {
		double sum = 0;

		for (i = 0; i < runs; i++)
			sum += cmds[k].ms[i];
		qsort(cmds[k].ms, (size_t)runs, sizeof(double), cmp_double);
		qsort(cmds[k].cpu, (size_t)runs, sizeof(double), cmp_double);
		printf("%s median_ms=%.3f p10_ms=%.3f p90_ms=%.3f mean_ms=%.3f cpu_median_ms=%.3f "
		       "runs=%d failures=%d\n", cmds[k].name, cmds[k].ms[runs / 2], cmds[k].ms[runs / 10],
		       cmds[k].ms[(runs * 9) / 10], sum / runs, cmds[k].cpu[runs / 2], runs,
		       cmds[k].failures);
	}
	return 0;
usage:
	fprintf(stderr, "usage: hook_driver RUNS INPUT NAME -- CMD... [-- NAME -- CMD...]...\n");
	return 64;
}
