/* A whole discovery run: global configs of every catalog client, projects
 * listed by clients, a bounded crawl of the home, and plugin manifests. */
#ifndef DISCOVER_SCAN_H
#define DISCOVER_SCAN_H

#include "discover/model.h"
#include "util/err.h"

struct scan_opts {
	const char *home;		/* home directory to scan */
	const char *root;		/* system root ("" = /) for /etc, /Library, ProgramData */
	unsigned os;			/* enum cat_os bit */
	int live;			/* the live machine: honour CODEX_HOME, XDG_*, … */
	int no_projects;		/* skip the crawl of the home */
	unsigned project_depth;		/* crawl depth, [1, 20] */
	double project_timeout;		/* seconds, [1, 300] */
	unsigned threads;		/* crawl threads, 0 = auto */
};

/*
 * Run discovery into r (zeroed by the caller). Unreadable or broken files
 * become issues in r, never errors. Returns 0, or -ERR_* when the scan
 * cannot run at all (e.g. the home is missing), with e filled.
 */
int scan_run(const struct scan_opts *o, struct scan_result *r, struct err *e);

#endif
