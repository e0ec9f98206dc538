/* Path templates of the catalog (~, {AS}, {VSU}, {env:X|fallback}, globs)
 * expanded for one OS, home and system root. */
#ifndef DISCOVER_PATHS_H
#define DISCOVER_PATHS_H

#include <stddef.h>

struct path_ctx {
	const char *home;	/* home directory, no trailing '/' */
	const char *root;	/* prefix for system paths; "" for the live root */
	unsigned os;		/* one enum cat_os bit */
	int live;		/* honour relocation variables (CODEX_HOME, XDG_CONFIG_HOME, …) */
};

struct path_list {
	char **v;
	size_t n, cap;
};

void path_list_add(struct path_list *l, char *owned);
void path_list_release(struct path_list *l);

/*
 * Expand tmpl (see discover/catalog.h for the syntax) into concrete paths,
 * appended to out. Components with '*' are matched against the directory's
 * entries (hidden names excluded), sorted; other paths are produced whether
 * or not they exist. Returns 0, or -ERR_INVALID for a malformed template.
 */
int paths_expand(const struct path_ctx *ctx, const char *tmpl, struct path_list *out);

/* Lowercase id of the running OS: CAT_LINUX, CAT_DARWIN or CAT_WINDOWS. */
unsigned paths_host_os(void);
unsigned paths_os_from_name(const char *name);	/* 0 when unknown */
const char *paths_os_name(unsigned os);

#endif
