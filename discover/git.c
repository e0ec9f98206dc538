/* Git provenance with libgit2: which repository a project config lives in,
 * its origin (credentials stripped), branch, commit and file status. */
#include "discover/git.h"

#include <git2.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/redact.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* A repository seen through the cache. */
struct repo {
	char *gitdir;
	char *workdir;		/* as libgit2 reports it, no trailing '/' */
	char *real_workdir;	/* realpath, to place config files */
	char *remote, *branch, *commit;
	int usable;		/* opened, with a work tree */
};

/* String → index map (open addressing, FNV-1a), SIZE_MAX = "not a repo". */
struct smap {
	char **keys;
	size_t *vals;
	size_t n, cap;
};

struct git_cache {
	struct repo *repos;
	size_t n_repos, cap_repos;
	struct smap by_gitdir;	/* gitdir → repos index */
	struct smap by_dir;	/* start directory → repos index or SIZE_MAX */
	char *ceiling;		/* discovery stops here, or NULL */
	git_repository *open;	/* the most recently used repository */
	size_t open_idx;
	unsigned long opens;
};

#define NO_REPO SIZE_MAX

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t *
smap_find(struct smap *m, const char *k)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = fnv1a(k) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], k) == 0)
			return &m->vals[i];
	return NULL;
}

static void
smap_put(struct smap *m, const char *k, size_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct smap old = *m;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = fnv1a(old.keys[i]) & (m->cap - 1);

				while (m->keys[j])
					j = (j + 1) & (m->cap - 1);
				m->keys[j] = old.keys[i];
				m->vals[j] = old.vals[i];
				m->n++;
			}
		free(old.keys);
		free(old.vals);
	}
	for (i = fnv1a(k) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], k) == 0) {
			m->vals[i] = v;
			return;
		}
	m->keys[i] = xstrdup(k);
	m->vals[i] = v;
	m->n++;
}

static void
smap_release(struct smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

struct git_cache *
git_cache_new(const char *ceiling)
{
	struct git_cache *c = xcalloc(1, sizeof(*c));

	git_libgit2_init();
	c->ceiling = ceiling && *ceiling ? xstrdup(ceiling) : NULL;
	c->open_idx = NO_REPO;
	return c;
}

void
git_cache_free(struct git_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	git_repository_free(c->open);
	for (i = 0; i < c->n_repos; i++) {
		struct repo *r = &c->repos[i];

		free(r->gitdir);
		free(r->workdir);
		free(r->real_workdir);
		free(r->remote);
		free(r->branch);
		free(r->commit);
	}
	free(c->repos);
	smap_release(&c->by_gitdir);
	smap_release(&c->by_dir);
	free(c->ceiling);
	free(c);
	git_libgit2_shutdown();
}

unsigned long
git_cache_opens(const struct git_cache *c)
{
	return c->opens;
}

char *
git_strip_credentials(const char *url)
{
	const char *sep, *auth, *end, *at, *p;
	char *out, *red;

	if (url == NULL)
		return NULL;
	sep = strstr(url, "://");
	if (sep == NULL) {
		/* scp-like user@host:path, or a local path. */
		at = strchr(url, '@');
		p = strchr(url, ':');
		end = strchr(url, '/');
		if (at && p && p < at && (end == NULL || at < end))
			return xstrdup(at + 1);
		return xstrdup(url);
	}
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	/* Scheme and host, then the path up to any query or fragment. */
	{
		size_t scheme = (size_t)(auth - url);
		const char *host = at ? at + 1 : auth;
		size_t path_len = strcspn(end, "?#");

		out = xmalloc(scheme + (size_t)(end - host) + path_len + 1);
		memcpy(out, url, scheme);
		memcpy(out + scheme, host, (size_t)(end - host));
		memcpy(out + scheme + (end - host), end, path_len);
		out[scheme + (size_t)(end - host) + path_len] = '\0';
	}
	/* Tokens in the path (https://host/ghp_…/x.git) too. */
	red = redact_url(out);
	free(out);
	return red;
}

static char *
strip_trailing_slash(const char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	return xstrndup(p, n);
}

static void
read_head(git_repository *repo, struct repo *r)
{
	git_reference *head = NULL;
	git_object *obj = NULL;
	int rc = git_repository_head(&head, repo);

	if (rc == 0) {
		if (git_reference_is_branch(head))
			r->branch = xstrdup(git_reference_shorthand(head));
		if (git_reference_peel(&obj, head, GIT_OBJECT_COMMIT) == 0) {
			char hex[GIT_OID_HEXSZ + 1];

			git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
			r->commit = xstrdup(hex);
		}
	} else if (rc == GIT_EUNBORNBRANCH &&
		   git_reference_lookup(&head, repo, "HEAD") == 0 &&
		   git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(head);

		if (t && strncmp(t, "refs/heads/", 11) == 0)
			r->branch = xstrdup(t + 11);
	}
	git_object_free(obj);
	git_reference_free(head);
}

/* Make repos[idx] the open repository. 0, or -1 when it cannot be opened. */
static int
open_repo(struct git_cache *c, size_t idx)
{
	git_repository *repo = NULL;

	if (c->open_idx == idx && c->open)
		return 0;
	git_repository_free(c->open);
	c->open = NULL;
	c->open_idx = NO_REPO;
	if (git_repository_open_ext(&repo, c->repos[idx].gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0)
		return -1;
	c->opens++;
	c->open = repo;
	c->open_idx = idx;
	return 0;
}

/* The repository whose gitdir libgit2 discovered, opened once. */
static size_t
repo_for_gitdir(struct git_cache *c, const char *gitdir)
{
	size_t *found = smap_find(&c->by_gitdir, gitdir), idx;
	struct repo *r;
	git_config *cfg = NULL;
	const char *wd;

	if (found)
		return *found;
	if (c->n_repos == c->cap_repos) {
		c->cap_repos = c->cap_repos ? c->cap_repos * 2 : 16;
		c->repos = xreallocarray(c->repos, c->cap_repos, sizeof(*c->repos));
	}
	idx = c->n_repos++;
	r = &c->repos[idx];
	memset(r, 0, sizeof(*r));
	r->gitdir = xstrdup(gitdir);
	smap_put(&c->by_gitdir, gitdir, idx);
	if (open_repo(c, idx) < 0)
		return idx;
	wd = git_repository_workdir(c->open);
	if (wd == NULL || git_repository_is_bare(c->open))
		return idx;
	r->workdir = strip_trailing_slash(wd);
	r->real_workdir = realpath(r->workdir, NULL);
	if (r->real_workdir == NULL)
		r->real_workdir = xstrdup(r->workdir);
	/* The configured URL, read directly: git_remote_lookup() leaks PCRE2
	 * match data in libgit2 1.5 (regex over the remote's config keys). */
	if (git_repository_config_snapshot(&cfg, c->open) == 0) {
		const char *url = NULL;

		if (git_config_get_string(&url, cfg, "remote.origin.url") == 0 && url)
			r->remote = git_strip_credentials(url);
		git_config_free(cfg);
	}
	read_head(c->open, r);
	r->usable = 1;
	return idx;
}

static int
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static const char *
status_name(unsigned flags)
{
	if (flags & GIT_STATUS_IGNORED)
		return "ignored";
	if ((flags & GIT_STATUS_WT_NEW) &&
	    !(flags & (GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_RENAMED |
		       GIT_STATUS_INDEX_TYPECHANGE)))
		return "untracked";
	if (flags == GIT_STATUS_CURRENT)
		return "tracked";
	return "modified";
}

int
git_provenance(struct git_cache *c, const char *path, const char *project,
	       struct git_info **out, struct err *e)
{
	char *start = NULL, *real = NULL;
	size_t *found, idx;
	struct repo *r;
	struct git_info *g;

	(void)e;
	*out = NULL;
	if (path == NULL && project == NULL)
		return 0;
	if (path && (project == NULL || under(path, project))) {
		const char *slash = strrchr(path, '/');

		start = slash && slash != path ? xstrndup(path, (size_t)(slash - path)) : xstrdup("/");
	} else {
		start = xstrdup(project);
	}

	found = smap_find(&c->by_dir, start);
	if (found) {
		idx = *found;
	} else {
		git_buf gd = { NULL, 0, 0 };

		if (git_repository_discover(&gd, start, 0, c->ceiling) == 0) {
			idx = repo_for_gitdir(c, gd.ptr);
			git_buf_dispose(&gd);
		} else {
			idx = NO_REPO;
		}
		smap_put(&c->by_dir, start, idx);
	}
	free(start);
	if (idx == NO_REPO || !c->repos[idx].usable)
		return 0;
	r = &c->repos[idx];

	g = xcalloc(1, sizeof(*g));
	g->repo_root = xstrdup(r->workdir);
	g->remote_url = r->remote ? xstrdup(r->remote) : NULL;
	g->branch = r->branch ? xstrdup(r->branch) : NULL;
	g->commit = r->commit ? xstrdup(r->commit) : NULL;
	if (path && (real = realpath(path, NULL)) != NULL && under(real, r->real_workdir) &&
	    strcmp(real, r->real_workdir) != 0 && open_repo(c, idx) == 0) {
		unsigned int flags = 0;
		const char *rel = real + strlen(r->real_workdir);

		while (*rel == '/')
			rel++;
		if (git_status_file(&flags, c->open, rel) == 0)
			g->status = xstrdup(status_name(flags));
	}
	free(real);
	*out = g;
	return 0;
}
