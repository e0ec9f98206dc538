/* Benchmark driver for resolver/: import a directory file, build the
 * indexes once, resolve every username of a list; prints the time of each
 * step, the index size, peak RSS and how the usernames resolved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "resolver/import.h"
#include "resolver/resolver.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/banned.h"

static double
clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double
cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

int
main(int argc, char **argv)
{
	struct resolver_dir d = RESOLVER_DIR_INIT;
	struct resolver_import rep;
	struct resolver_result r;
	struct err e = ERR_INIT;
	struct buf names = BUF_INIT;
	struct rusage ru;
	size_t count[RESOLVER_EMPTY + 1] = { 0 }, tiers[RESOLVER_TIER_MAPPING + 1] = { 0 }, n = 0, i;
	double t0, t1, tb, t2, t3, c1, cb, c2, c3;
	char *p, *nl;

	if (argc != 3) {
		fprintf(stderr, "usage: users_driver DIRECTORY USERNAMES\n");
		return 2;
	}
	t0 = now();
	if (resolver_import_file(argv[1], RESOLVER_FMT_AUTO, &d, &rep, &e) < 0) {
		fprintf(stderr, "users_driver: %s: %s\n", argv[1], e.msg);
		return 1;
	}
	t1 = now();
	c1 = cpu();
	if (resolver_dir_build(&d, &e) < 0) {
		fprintf(stderr, "users_driver: %s\n", e.msg);
		return 1;
	}
	tb = now();
	cb = cpu();
	if (file_read(argv[2], 64u << 20, 0, &names, NULL, &e) < 0) {
		fprintf(stderr, "users_driver: %s: %s\n", argv[2], e.msg);
		return 1;
	}
	t2 = now();
	c2 = cpu();
	for (p = names.data; p < names.data + names.len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(names.data + names.len - p));
		if (nl == NULL)
			nl = names.data + names.len;
		*nl = '\0';
		resolver_resolve(&d, p, &r, &e);
		count[r.status]++;
		tiers[r.tier]++;
		n++;
	}
	t3 = now();
	c3 = cpu();
	getrusage(RUSAGE_SELF, &ru);
	printf("users: %zu users (%zu inactive, %zu skipped) read in %.3f s\n", d.n_users,
	       rep.n_inactive, rep.n_skipped, t1 - t0);
	printf("users: indexes built once in %.3f s, %.3f s CPU (%.1f MB)\n", tb - t1, cb - c1,
	       (double)resolver_dir_index_bytes(&d) / 1e6);
	printf("users: %zu usernames resolved in %.3f s, %.3f s CPU (%.2f us each)\n", n,
	       t3 - t2, c3 - c2, n ? (t3 - t2) * 1e6 / (double)n : 0.0);
	printf("users: build + resolve %.3f s, %.3f s CPU; peak RSS %ld KB\n",
	       (tb - t1) + (t3 - t2), (cb - c1) + (c3 - c2), ru.ru_maxrss);
	printf("users: outcomes:");
	for (i = 0; i <= RESOLVER_EMPTY; i++)
		printf(" %s %zu", resolver_status_name((enum resolver_status)i), count[i]);
	printf("\nusers: deciding tiers:");
	for (i = 1; i <= RESOLVER_TIER_MAPPING; i++)
		printf(" %s %zu", resolver_tier_name((enum resolver_tier)i), tiers[i]);
	printf("\n");
	buf_release(&names);
	resolver_import_release(&rep);
	resolver_dir_release(&d);
	return 0;
}
