/* Benchmark driver for discover/walk: crawl a tree like `runlayer scan` does
 * and print the hits, one path a line, like find -print. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "discover/walk.h"
#include "util/banned.h"

#define MAX_LIST 256

static void
usage(void)
{
	fprintf(stderr, "usage: walk_driver [-j THREADS] [-d DEPTH] [-t SECONDS] [-l] [-v]\n"
			"                   -p PATTERN... [-x EXCLUDE...] ROOT\n"
			"  -l  also print symlink hits (flagged with a trailing ' -> link')\n"
			"  -v  print counters, time and peak RSS on stderr\n");
	exit(2);
}

static unsigned long
number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *pats[MAX_LIST + 1], *excl[MAX_LIST + 1];
	size_t np = 0, nx = 0, i;
	struct walk_opts o = { 0 };
	struct walk_result r = WALK_RESULT_INIT;
	struct err e = ERR_INIT;
	struct rusage ru;
	static char obuf[1 << 20];
	int links = 0, verbose = 0, a;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		const char *opt = argv[a];

		if (strcmp(opt, "-l") == 0) {
			links = 1;
			continue;
		}
		if (strcmp(opt, "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (a + 1 >= argc)
			usage();
		if (strcmp(opt, "-j") == 0)
			o.threads = (unsigned)number(argv[++a]);
		else if (strcmp(opt, "-d") == 0)
			o.max_depth = (unsigned)number(argv[++a]);
		else if (strcmp(opt, "-t") == 0)
			o.timeout = (double)number(argv[++a]);
		else if (strcmp(opt, "-p") == 0 && np < MAX_LIST)
			pats[np++] = argv[++a];
		else if (strcmp(opt, "-x") == 0 && nx < MAX_LIST)
			excl[nx++] = argv[++a];
		else
			usage();
	}
	if (a + 1 != argc || np == 0)
		usage();
	pats[np] = NULL;
	excl[nx] = NULL;
	o.root = argv[a];
	o.patterns = pats;
	o.excludes = excl;

	if (walk_run(&o, &r, &e) < 0) {
		fprintf(stderr, "walk_driver: %s%s%s\n", e.path, *e.path ? ": " : "", e.msg);
		return 1;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	for (i = 0; i < r.n_hits; i++) {
		if (r.hits[i].flags & WALK_HIT_SYMLINK) {
			if (links)
				printf("%s -> link\n", r.hits[i].path);
			continue;
		}
		puts(r.hits[i].path);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "walk_driver: write error\n");
		return 1;
	}
	if (verbose) {
		long hwm = -1;
		char line[256];
		FILE *f;

		/* VmHWM covers this program only; ru_maxrss may include what the
		 * process held before exec. */
		getrusage(RUSAGE_SELF, &ru);
		if ((f = fopen("/proc/self/status", "r")) != NULL) {
			while (fgets(line, sizeof(line), f))
				if (strncmp(line, "VmHWM:", 6) == 0)
					hwm = strtol(line + 6, NULL, 10);
			fclose(f);
		}
		fprintf(stderr,
			"walk: hits=%zu dirs=%lu files=%lu excluded=%lu depth=%lu perm=%lu "
			"symlink=%lu special=%lu loop=%lu errors=%lu timed_out=%d truncated=%d "
			"crawl=%.3fs maxrss=%ldKB vmhwm=%ldKB\n",
			r.n_hits, r.dirs_visited, r.files_seen, r.skipped_excluded, r.skipped_depth,
			r.skipped_permission, r.skipped_symlink, r.skipped_special, r.skipped_loop,
			r.errors, r.timed_out, r.truncated, r.elapsed, ru.ru_maxrss, hwm);
		for (i = 0; i < r.n_problems; i++)
			fprintf(stderr, "walk: cannot read '%s': %s\n", r.problems[i].path,
				strerror(r.problems[i].sys_errno));
	}
	walk_result_release(&r);
	return 0;
}
