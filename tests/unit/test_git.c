/* Unit tests for discover/git: provenance of configs in real repositories
 * built with the git CLI (tracked, modified, staged, untracked, ignored,
 * empty, detached, nested, outside), credential stripping and caching. */
#include "discover/git.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "util/xalloc.h"
#include "util/banned.h"

static char base[256];

static char *
tp(const char *rel)
{
	static char p[8][1024];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return p[i];
}

/* Run a shell command inside base; abort the test run if it fails. */
static void
sh(const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && (%s) >/dev/null 2>&1", base, cmd);
	if (system(full) != 0) {
		printf("Bail out! command failed: %s\n", cmd);
		exit(2);
	}
}

static char *
head_of(const char *repo)
{
	char cmd[1200], line[128] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse HEAD", tp(repo));
	p = popen(cmd, "r");
	if (p && fgets(line, sizeof(line), p))
		line[strcspn(line, "\n")] = '\0';
	if (p)
		pclose(p);
	return xstrdup(line);
}

static void
test_strip(void)
{
	static const char *const cases[][2] = {
		{ "https://user:token@host/x.git", "https://host/x.git" },
		{ "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git",
		  "https://github.com/o/r.git" },
		{ "https://host/x.git?private_token=abc#frag", "https://host/x.git" },
		{ "ssh://git@host:2222/x.git", "ssh://host:2222/x.git" },
		{ "https://u:p@ss@host/x", "https://host/x" },
		{ "git@github.com:org/repo.git", "git@github.com:org/repo.git" },
		{ "user:secret@host:org/repo.git", "host:org/repo.git" },
		{ "/srv/git/repo.git", "/srv/git/repo.git" },
		{ "file:///srv/git/repo.git", "file:///srv/git/repo.git" },
		{ "https://host", "https://host" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = git_strip_credentials(cases[i][0]);

		is_str(got, cases[i][1], "strip %s", cases[i][0]);
		free(got);
	}
	ok(git_strip_credentials(NULL) == NULL, "NULL stays NULL");
}

static struct git_info *
prov(struct git_cache *c, const char *path, const char *project)
{
	struct git_info *g = NULL;
	struct err e = ERR_INIT;

	if (git_provenance(c, path, project, &g, &e) < 0)
		printf("# git_provenance: %s\n", e.msg);
	return g;
}

static void
test_provenance(void)
{
	struct git_cache *c;
	struct git_info *g;
	char *head, *root;

	/* committed: a .mcp.json checked in, remote with credentials. */
	sh("git init -q -b main committed && cd committed && echo '{}' > .mcp.json && "
	   "mkdir .cursor && echo '{}' > .cursor/mcp.json && git add . && git commit -q -m init && "
	   "git remote add origin https://user:token@host/x.git");
	/* untracked, ignored, staged, empty, detached. */
	sh("git init -q -b main untracked && cd untracked && echo x > README && git add README && "
	   "git commit -q -m init && echo '{}' > .mcp.json");
	sh("git init -q -b dev ignored && cd ignored && echo .mcp.json > .gitignore && "
	   "git add .gitignore && git commit -q -m init && echo '{}' > .mcp.json");
	sh("git init -q -b main staged && cd staged && echo x > README && git add README && "
	   "git commit -q -m init && echo '{}' > .mcp.json && git add .mcp.json");
	sh("git init -q -b trunk empty && echo '{}' > empty/.mcp.json");
	sh("git init -q -b main detached && cd detached && echo '{}' > .mcp.json && git add . && "
	   "git commit -q -m one && echo '{\"a\":1}' > .mcp.json && git commit -q -am two && "
	   "git checkout -q HEAD~1");
	sh("mkdir -p plain && echo '{}' > plain/.mcp.json && echo '{}' > outside.json");

	c = git_cache_new(NULL);
	root = realpath(tp("committed"), NULL);

	g = prov(c, tp("committed/.mcp.json"), tp("committed"));
	ok(g != NULL, "committed: provenance found");
	if (g) {
		head = head_of("committed");
		is_str(g->repo_root, tp("committed"), "repo root");
		is_str(g->remote_url, "https://host/x.git", "origin without credentials");
		is_str(g->branch, "main", "branch");
		is_str(g->commit, head, "commit");
		is_str(g->status, "tracked", "checked in");
		free(head);
	}
	git_info_free(g);
	g = prov(c, tp("committed/.cursor/mcp.json"), tp("committed"));
	is_str(g ? g->status : NULL, "tracked", "nested .cursor/mcp.json tracked");
	git_info_free(g);
	is_int(git_cache_opens(c), 1, "one open for two configs in one repository");

	sh("echo '{\"x\":1}' > committed/.mcp.json");
	g = prov(c, tp("committed/.mcp.json"), tp("committed"));
	is_str(g ? g->status : NULL, "modified", "edited after commit: modified");
	git_info_free(g);

	g = prov(c, tp("untracked/.mcp.json"), tp("untracked"));
	ok(g && g->remote_url == NULL, "no origin: remote NULL");
	is_str(g ? g->status : NULL, "untracked", "untracked");
	git_info_free(g);

	g = prov(c, tp("ignored/.mcp.json"), tp("ignored"));
	is_str(g ? g->status : NULL, "ignored", "ignored");
	is_str(g ? g->branch : NULL, "dev", "other branch name");
	git_info_free(g);

	g = prov(c, tp("staged/.mcp.json"), tp("staged"));
	is_str(g ? g->status : NULL, "modified", "staged, never committed: modified");
	git_info_free(g);

	g = prov(c, tp("empty/.mcp.json"), tp("empty"));
	ok(g && g->commit == NULL, "empty repository: no commit");
	is_str(g ? g->branch : NULL, "trunk", "empty repository: unborn branch named");
	is_str(g ? g->status : NULL, "untracked", "empty repository: untracked");
	git_info_free(g);

	g = prov(c, tp("detached/.mcp.json"), tp("detached"));
	ok(g && g->branch == NULL && g->commit && strlen(g->commit) == 40, "detached: no branch, commit");
	is_str(g ? g->status : NULL, "tracked", "detached: tracked");
	git_info_free(g);

	g = prov(c, tp("plain/.mcp.json"), tp("plain"));
	ok(g == NULL, "not in a repository: NULL");

	/* A config kept outside the project (~/.claude.json projects). */
	g = prov(c, tp("outside.json"), tp("committed"));
	ok(g && g->repo_root && strcmp(g->repo_root, tp("committed")) == 0 && g->status == NULL,
	   "config outside the repository: repository fields, status NULL");
	git_info_free(g);

	/* Through a symlinked directory. */
	sh("ln -s committed link && git -C committed checkout -q .mcp.json");
	g = prov(c, tp("link/.mcp.json"), tp("link"));
	is_str(g ? g->status : NULL, "tracked", "symlinked project dir resolves");
	git_info_free(g);

	/* A ceiling hides repositories at or above it. */
	{
		struct git_cache *cc;

		sh("mkdir -p committed/home/p && echo '{}' > committed/home/p/.mcp.json");
		cc = git_cache_new(tp("committed"));
		g = prov(cc, tp("committed/home/p/.mcp.json"), tp("committed/home/p"));
		ok(g == NULL, "ceiling: the enclosing repository is not used");
		git_info_free(g);
		git_cache_free(cc);
		g = prov(c, tp("committed/home/p/.mcp.json"), tp("committed/home/p"));
		is_str(g ? g->status : NULL, "untracked", "without a ceiling it is");
		git_info_free(g);
	}

	/* A missing project directory is not an error. */
	g = prov(c, NULL, tp("gone"));
	ok(g == NULL, "missing project: NULL");
	free(root);
	git_cache_free(c);
}

static void
test_many(void)
{
	struct git_cache *c;
	struct git_info *g;
	int i, found = 0;
	char rel[64];

	for (i = 0; i < 20; i++)
		sh("git init -q -b main many/r%d && echo '{}' > many/r%d/.mcp.json && "
		   "git -C many/r%d add .mcp.json && git -C many/r%d commit -q -m x", i, i, i, i);
	c = git_cache_new(NULL);
	/* Grouped by repository, as a scan produces them: one open each. */
	for (i = 0; i < 40; i++) {
		snprintf(rel, sizeof(rel), "many/r%d/.mcp.json", i / 2);
		g = prov(c, tp(rel), NULL);
		found += g && g->status && strcmp(g->status, "tracked") == 0;
		git_info_free(g);
	}
	is_int(found, 40, "40 lookups over 20 repositories");
	is_int(git_cache_opens(c), 20, "each repository opened once");
	/* Interleaved: still right (the one open repository switches). */
	found = 0;
	for (i = 0; i < 40; i++) {
		snprintf(rel, sizeof(rel), "many/r%d/.mcp.json", i % 20);
		g = prov(c, tp(rel), NULL);
		found += g && g->status && strcmp(g->status, "tracked") == 0;
		git_info_free(g);
	}
	is_int(found, 40, "interleaved lookups");
	git_cache_free(c);
}

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char *real;

	snprintf(base, sizeof(base), "%s/test_git.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	/* Paths as libgit2 reports them: resolve /tmp symlinks up front. */
	real = realpath(base, NULL);
	snprintf(base, sizeof(base), "%s", real);
	free(real);
	/* Hermetic git: no user or system configuration. */
	setenv("HOME", base, 1);
	setenv("XDG_CONFIG_HOME", base, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "t", 1);
	setenv("GIT_AUTHOR_EMAIL", "t@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "t", 1);
	setenv("GIT_COMMITTER_EMAIL", "t@example.com", 1);
	if (system("git --version >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP git CLI not installed\n# 0 passed, 0 failed\n");
		return 0;
	}
	test_strip();
	test_provenance();
	test_many();
	nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
