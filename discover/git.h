/* Git provenance of project configs (libgit2): repository root, origin URL
 * without credentials, branch, commit and the file's status in git. */
#ifndef DISCOVER_GIT_H
#define DISCOVER_GIT_H

#include "discover/model.h"
#include "util/err.h"

/*
 * Repository lookups are cached per repository for the life of the cache,
 * so thousands of configs in hundreds of repositories open each one once.
 * Only the most recently used repository is kept open (file descriptors
 * stay bounded); its root, remote, branch and commit are remembered.
 * git_cache_new() initialises libgit2 (reference counted); git_cache_free()
 * releases it. Not thread-safe: one cache per thread.
 */
struct git_cache;

/*
 * ceiling (may be NULL): repository discovery never looks at this
 * directory or above it (libgit2 ceiling_dirs; absolute, ':'-separated), so
 * a scan of a home kept inside some other repository attributes nothing
 * to that repository. The home itself may still be one (dotfiles).
 */
struct git_cache *git_cache_new(const char *ceiling);
void git_cache_free(struct git_cache *c);

/*
 * Provenance of the config file at path for a project rooted at project
 * (either may be NULL, not both). The repository is looked up from the
 * config file's directory when the file lies inside the project (or no
 * project is given), else from the project directory; a config kept
 * outside the repository (e.g. ~/.claude.json for a project) gets the
 * repository fields with status NULL.
 *
 * status: "tracked"   committed, unchanged in the index and work tree;
 *         "modified"  committed or staged, with changes not committed
 *                     (also a new file that is staged but not committed);
 *         "untracked" not in the index;
 *         "ignored"   not in the index and matched by an ignore rule.
 * remote_url is origin's URL with credentials removed
 * (git_strip_credentials); branch is NULL when HEAD is detached; commit is
 * NULL in a repository without commits.
 *
 * Returns 0 with *out set (free with git_info_free()), 0 with *out NULL
 * when the path is not inside a work tree (or the repository cannot be
 * opened: not owned by us, corrupt), or -ERR_* with e filled for a
 * failure worth reporting.
 */
int git_provenance(struct git_cache *c, const char *path, const char *project,
		   struct git_info **out, struct err *e);

/*
 * A remote URL without credentials: the userinfo of a URL with a scheme is
 * removed ("https://user:token@host/x.git" → "https://host/x.git"), and so
 * are its query and fragment; scp-like "user@host:path" keeps its user
 * (an SSH login name, not a secret) unless it carries a password
 * ("user:pw@host:path" → "host:path"). Returns a new string (NULL for NULL).
 */
char *git_strip_credentials(const char *url);

/* Number of repositories opened through c (for tests and benchmarks). */
unsigned long git_cache_opens(const struct git_cache *c);

#endif
