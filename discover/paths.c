/* Expansion of catalog path templates: placeholders per OS, relocation
 * variables on live scans, VS Code fork fan-out and one-level globs. */
#include "discover/paths.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "discover/catalog.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
path_list_add(struct path_list *l, char *owned)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = owned;
}

void
path_list_release(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

unsigned
paths_host_os(void)
{
#if defined(__APPLE__)
	return CAT_DARWIN;
#elif defined(_WIN32)
	return CAT_WINDOWS;
#else
	return CAT_LINUX;
#endif
}

unsigned
paths_os_from_name(const char *name)
{
	if (strcmp(name, "linux") == 0)
		return CAT_LINUX;
	if (strcmp(name, "darwin") == 0 || strcmp(name, "macos") == 0)
		return CAT_DARWIN;
	if (strcmp(name, "windows") == 0)
		return CAT_WINDOWS;
	return 0;
}

const char *
paths_os_name(unsigned os)
{
	return os == CAT_DARWIN ? "darwin" : os == CAT_WINDOWS ? "windows" : "linux";
}

static const char *
live_env(const struct path_ctx *ctx, const char *name)
{
	const char *v;

	if (!ctx->live)
		return NULL;
	v = getenv(name);
	/* Empty or relative values are ignored, as the clients mostly do. */
	if (v == NULL || v[0] != '/')
		return NULL;
	return v;
}

static void
add_xdg(const struct path_ctx *ctx, struct buf *b)
{
	const char *x = live_env(ctx, "XDG_CONFIG_HOME");

	if (x)
		buf_adds(b, x);
	else
		buf_addf(b, "%s/.config", ctx->home);
}

static int expand_one(const struct path_ctx *ctx, const char *tmpl, struct buf *b);

/* Substitute placeholders (not {VSU}, not globs) into b. */
static int
expand_one(const struct path_ctx *ctx, const char *tmpl, struct buf *b)
{
	const char *p = tmpl;

	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		buf_adds(b, ctx->home);
		p++;
	} else if (p[0] == '/') {
		/* A system path: below --root. */
		if (ctx->root && ctx->root[0] && strcmp(ctx->root, "/") != 0) {
			size_t l = strlen(ctx->root);

			buf_add(b, ctx->root, ctx->root[l - 1] == '/' ? l - 1 : l);
		}
	}
	while (*p) {
		if (*p != '{') {
			buf_addc(b, *p++);
			continue;
		}
		if (strncmp(p, "{AS}", 4) == 0) {
			if (ctx->os == CAT_DARWIN)
				buf_addf(b, "%s/Library/Application Support", ctx->home);
			else if (ctx->os == CAT_WINDOWS)
				buf_addf(b, "%s/AppData/Roaming", ctx->home);
			else
				add_xdg(ctx, b);
			p += 4;
		} else if (strncmp(p, "{XDG}", 5) == 0) {
			add_xdg(ctx, b);
			p += 5;
		} else if (strncmp(p, "{APPDATA}", 9) == 0) {
			buf_addf(b, "%s/AppData/Roaming", ctx->home);
			p += 9;
		} else if (strncmp(p, "{LOCALAPPDATA}", 14) == 0) {
			buf_addf(b, "%s/AppData/Local", ctx->home);
			p += 14;
		} else if (strncmp(p, "{PROGRAMDATA}", 13) == 0) {
			buf_addf(b, "%s/ProgramData", ctx->root ? ctx->root : "");
			p += 13;
		} else if (strncmp(p, "{PROGRAMFILES}", 14) == 0) {
			buf_addf(b, "%s/Program Files", ctx->root ? ctx->root : "");
			p += 14;
		} else if (strncmp(p, "{env:", 5) == 0) {
			const char *bar = strchr(p, '|'), *end;
			char *name, *fallback;
			const char *v;
			int depth = 0;

			if (bar == NULL)
				return -ERR_INVALID;
			/* The fallback may itself hold {…}: find the matching brace. */
			for (end = bar + 1; *end; end++) {
				if (*end == '{')
					depth++;
				else if (*end == '}' && depth-- == 0)
					break;
			}
			if (*end != '}')
				return -ERR_INVALID;
			name = xstrndup(p + 5, (size_t)(bar - p - 5));
			fallback = xstrndup(bar + 1, (size_t)(end - bar - 1));
			v = live_env(ctx, name);
			if (v)
				buf_adds(b, v);
			else if (expand_one(ctx, fallback, b) < 0) {
				free(name);
				free(fallback);
				return -ERR_INVALID;
			}
			free(name);
			free(fallback);
			p = end + 1;
		} else {
			return -ERR_INVALID;
		}
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand '*' components of path against the filesystem. */
static void
glob_expand(const char *path, struct path_list *out)
{
	const char *star = strchr(path, '*');
	const char *comp_start, *comp_end;
	char *dir, *pattern;
	struct path_list names = { NULL, 0, 0 };
	DIR *d;
	struct dirent *de;
	size_t i;

	if (star == NULL) {
		path_list_add(out, xstrdup(path));
		return;
	}
	comp_start = star;
	while (comp_start > path && comp_start[-1] != '/')
		comp_start--;
	comp_end = strchr(star, '/');
	if (comp_end == NULL)
		comp_end = star + strlen(star);
	dir = comp_start > path ? xstrndup(path, (size_t)(comp_start - path - 1)) : xstrdup(".");
	pattern = xstrndup(comp_start, (size_t)(comp_end - comp_start));
	d = opendir(dir[0] ? dir : "/");
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fnmatch(pattern, de->d_name, FNM_PERIOD) == 0)
			path_list_add(&names, xstrdup(de->d_name));
	}
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (i = 0; i < names.n; i++) {
		char *next = xasprintf("%s/%s%s", dir, names.v[i], comp_end);

		glob_expand(next, out);
		free(next);
	}
	path_list_release(&names);
	free(dir);
	free(pattern);
}

int
paths_expand(const struct path_ctx *ctx, const char *tmpl, struct path_list *out)
{
	const char *vsu = strstr(tmpl, "{VSU}");
	struct buf b = BUF_INIT;
	int r;

	if (vsu) {
		const char *rest = vsu + 5;
		size_t i;

		for (i = 0; catalog_vscode_forks[i]; i++) {
			char *t = xasprintf("%.*s{AS}/%s/User%s", (int)(vsu - tmpl), tmpl,
					    catalog_vscode_forks[i], rest);

			r = paths_expand(ctx, t, out);
			free(t);
			if (r < 0)
				return r;
		}
		for (i = 0; catalog_vscode_user_dirs[i]; i++) {
			char *t = xasprintf("~/%s%s", catalog_vscode_user_dirs[i], rest);

			r = paths_expand(ctx, t, out);
			free(t);
			if (r < 0)
				return r;
		}
		return 0;
	}
	r = expand_one(ctx, tmpl, &b);
	if (r == 0)
		glob_expand(b.data, out);
	buf_release(&b);
	return r;
}
