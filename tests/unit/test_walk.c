/* Unit tests for discover/walk: patterns, excludes, depth, symlinks, loops,
 * unreadable dirs, special files, timeout, max_hits and thread determinism. */
#include "discover/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/banned.h"

static char base[64];	/* the temp dir; trees live below it */

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "test_walk: %s '%s': %s\n", what, path, strerror(errno));
	exit(2);
}

static char *
at(const char *tree, const char *rel)
{
	static char path[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s%s%s", base, tree, *rel ? "/" : "", rel);
	return path[i];
}

/* mkdir -p tree/rel */
static void
mkp(const char *tree, const char *rel)
{
	char path[1024];
	size_t i;

	snprintf(path, sizeof(path), "%s", at(tree, rel));
	for (i = strlen(base) + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("mkdir", path);
		path[i] = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("mkdir", path);
}

static void
parent_of(const char *tree, const char *rel)
{
	char dir[1024];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkp(tree, dir);
	} else {
		mkp(tree, "");
	}
}

static void
touch(const char *tree, const char *rel)
{
	int fd;

	parent_of(tree, rel);
	fd = open(at(tree, rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create", at(tree, rel));
	if (write(fd, "{}\n", 3) != 3)
		die("write", at(tree, rel));
	close(fd);
}

static void
sym(const char *target, const char *tree, const char *rel)
{
	parent_of(tree, rel);
	if (symlink(target, at(tree, rel)) < 0)
		die("symlink", at(tree, rel));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
rm_rf(const char *path)
{
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* "rel pattern [L]" lines for every hit, root prefix removed. */
static char *
hits_str(const struct walk_result *r, const char *root)
{
	struct buf b = BUF_INIT;
	size_t i, n = strlen(root);

	for (i = 0; i < r->n_hits; i++) {
		const char *p = r->hits[i].path;

		if (strncmp(p, root, n) == 0 && p[n] == '/')
			p += n + 1;
		buf_addf(&b, "%s %u%s\n", p, r->hits[i].pattern,
			 r->hits[i].flags & WALK_HIT_SYMLINK ? " L" : "");
	}
	return buf_detach(&b, NULL);
}

static const char *const contract_excludes[] = {
	"node_modules", ".git", "venv", ".venv", "__pycache__", "dist", "build", "target",
	"vendor", "Library/Caches", "Library/Application Support", "AppData", ".Trash", "tmp",
	"temp", ".cache", ".npm", ".yarn", "/top", NULL,
};

static const char *const project_patterns[] = {
	".agents/plugins/*/.mcp.json",	/* 0: glob directory component */
	".mcp.json",			/* 1 */
	".cursor/mcp.json",		/* 2 */
	".vscode/mcp.json",		/* 3 */
	".codex/config.toml",		/* 4 */
	".github/hooks/*.json",		/* 5: glob name */
	"a/b/c/deep.json",		/* 6: three directory components */
	NULL,
};

static int
run(const char *tree, const char *const *pats, const char *const *excl, unsigned depth,
    unsigned threads, struct walk_result *r)
{
	struct walk_opts o = { 0 };
	struct err e = ERR_INIT;
	int ret;

	o.root = at(tree, "");
	o.patterns = pats;
	o.excludes = excl;
	o.max_depth = depth;
	o.threads = threads;
	ret = walk_run(&o, r, &e);
	if (ret < 0)
		printf("# walk_run: %s\n", e.msg);
	return ret;
}

static void
build_patterns_tree(void)
{
	touch("p", ".mcp.json");
	touch("p", ".cursor/mcp.json");
	touch("p", "proj/.mcp.json");
	touch("p", "proj/.cursor/mcp.json");
	touch("p", "proj/x.cursor/mcp.json");		/* parent name differs */
	touch("p", "proj/.cursor/other.json");
	touch("p", "proj/mcp.json");
	touch("p", "proj/.vscode/mcp.json");
	touch("p", "proj/.codex/config.toml");
	touch("p", "proj/.codex/config.toml.bak");
	touch("p", "proj/sub/.codex/config.toml");
	touch("p", "proj/.github/hooks/pre.json");
	touch("p", "proj/.github/hooks/readme.txt");
	touch("p", "proj/.github/other/x.json");
	touch("p", "proj/.agents/plugins/one/.mcp.json");
	touch("p", "proj/.agents/plugin/one/.mcp.json");	/* bare pattern only */
	touch("p", "x/a/b/c/deep.json");
	touch("p", "x/b/c/deep.json");			/* one component short */
	touch("p", "a/b/c/deep.json");			/* a is directly below root */
	touch("p", "b/c/deep.json");
	mkp("p", "dir/.mcp.json");			/* a directory, not a file */
	touch("p", "node_modules/pkg/.mcp.json");
	touch("p", "proj/node_modules/.mcp.json");
	touch("p", "proj/.git/.mcp.json");
	touch("p", "Library/Caches/app/.mcp.json");
	touch("p", "deep/Library/Caches/.mcp.json");	/* suffix exclude, any depth */
	touch("p", "Library/Other/.mcp.json");
	touch("p", "Caches/.mcp.json");			/* only Library/Caches excluded */
	touch("p", "Library/Application Support/x/.mcp.json");
	touch("p", "top/.mcp.json");			/* "/top": anchored */
	touch("p", "x/top/.mcp.json");
	touch("p", "build.d/.mcp.json");
}

static void
test_patterns(void)
{
	struct walk_result r = WALK_RESULT_INIT;
	char *s;

	build_patterns_tree();
	is_int(run("p", project_patterns, contract_excludes, 10, 1, &r), 0, "patterns: walk");
	s = hits_str(&r, at("p", ""));
	is_str(s,
	       ".cursor/mcp.json 2\n"
	       ".mcp.json 1\n"
	       "Caches/.mcp.json 1\n"
	       "Library/Other/.mcp.json 1\n"
	       "a/b/c/deep.json 6\n"
	       "build.d/.mcp.json 1\n"
	       "proj/.agents/plugin/one/.mcp.json 1\n"
	       "proj/.agents/plugins/one/.mcp.json 0\n"
	       "proj/.codex/config.toml 4\n"
	       "proj/.cursor/mcp.json 2\n"
	       "proj/.github/hooks/pre.json 5\n"
	       "proj/.mcp.json 1\n"
	       "proj/.vscode/mcp.json 3\n"
	       "proj/sub/.codex/config.toml 4\n"
	       "x/a/b/c/deep.json 6\n"
	       "x/top/.mcp.json 1\n",
	       "patterns: bare, suffix, glob and excludes select exactly these");
	free(s);
	/* node_modules x2, .git, Library/Caches x2, Application Support, /top */
	is_int(r.skipped_excluded, 7, "patterns: excluded directories counted");
	is_int(r.errors + r.skipped_permission, 0, "patterns: no errors");
	ok(r.hits[0].path[strlen(at("p", ""))] == '/' && r.hits[0].path[0] == '/',
	   "patterns: hit paths are absolute, root + '/'");
	walk_result_release(&r);

	/* Trailing slashes on the root do not double the separator. */
	{
		struct walk_opts o = { 0 };
		struct err e = ERR_INIT;
		char root[1024];
		const char *const one[] = { ".vscode/mcp.json", NULL };

		snprintf(root, sizeof(root), "%s//", at("p", ""));
		o.root = root;
		o.patterns = one;
		is_int(walk_run(&o, &r, &e), 0, "root with trailing slashes");
		ok(r.n_hits == 1 && strcmp(r.hits[0].path, at("p", "proj/.vscode/mcp.json")) == 0,
		   "root with trailing slashes: clean path");
		walk_result_release(&r);
	}

	/* No excludes at all: everything is found, .git and node_modules too. */
	is_int(run("p", project_patterns, NULL, 10, 1, &r), 0, "no excludes: walk");
	is_int(r.n_hits, 23, "no excludes: every candidate found");
	is_int(r.skipped_excluded, 0, "no excludes: nothing excluded");
	walk_result_release(&r);
}

static void
test_depth(void)
{
	static const char *const pats[] = { ".mcp.json", NULL };
	struct walk_result r = WALK_RESULT_INIT;
	char rel[256] = "";
	unsigned d, depths[] = { 1, 2, 3, 7, 8, 9 };
	size_t i;

	/* .mcp.json at depths 1..8: d1/.../d<k-1>/.mcp.json */
	for (d = 1; d <= 8; d++) {
		char file[300];

		snprintf(file, sizeof(file), "%s.mcp.json", rel);
		touch("d", file);
		snprintf(rel + strlen(rel), sizeof(rel) - strlen(rel), "d%u/", d);
	}
	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		unsigned want = depths[i] > 8 ? 8 : depths[i];

		is_int(run("d", pats, NULL, depths[i], 1, &r), 0, "depth %u: walk", depths[i]);
		is_int(r.n_hits, want, "depth %u: files at depth <= %u only", depths[i], depths[i]);
		/* find -maxdepth N reads directories at depth < N */
		is_int(r.dirs_visited, depths[i] > 8 ? 8 : depths[i],
		       "depth %u: directories read", depths[i]);
		walk_result_release(&r);
	}
	is_int(run("d", pats, NULL, 0, 1, &r), 0, "depth 0: walk");
	is_int(r.n_hits, 8, "depth 0 means WALK_DEPTH_MAX");
	walk_result_release(&r);
}

static void
test_symlinks(void)
{
	static const char *const pats[] = { ".mcp.json", ".cursor/mcp.json", NULL };
	struct walk_result r = WALK_RESULT_INIT;
	char *s;

	touch("s", "proj/.mcp.json");
	touch("o", "outside/.mcp.json");
	sym("proj", "s", "link-to-proj");			/* symlinked directory */
	sym(at("o", "outside"), "s", "link-out");		/* leaves the root */
	sym(".", "s", "proj/self");				/* loop */
	sym("l2", "s", "l1");					/* dangling loop */
	sym("l1", "s", "l2");
	sym("../proj", "s", "a/.cursor");			/* symlinked parent of a hit */
	sym("../proj/.mcp.json", "s", "b/.mcp.json");		/* symlinked candidate file */
	sym("/nonexistent", "s", "c/.mcp.json");		/* dangling candidate */
	is_int(run("s", pats, NULL, 20, 1, &r), 0, "symlinks: walk");
	s = hits_str(&r, at("s", ""));
	is_str(s,
	       "b/.mcp.json 0 L\n"
	       "c/.mcp.json 0 L\n"
	       "proj/.mcp.json 0\n",
	       "symlinks: no symlinked directory followed, symlinked files flagged");
	free(s);
	is_int(r.skipped_symlink, 6, "symlinks: the other links counted");
	is_int(r.dirs_visited, 5, "symlinks: root, proj, a, b, c read once each");
	walk_result_release(&r);
}

static void
test_special(void)
{
	static const char *const pats[] = { ".mcp.json", "mcp.json", NULL };
	struct walk_result r = WALK_RESULT_INIT;

	mkp("f", "x");
	if (mkfifo(at("f", "x/.mcp.json"), 0644) < 0)
		die("mkfifo", at("f", "x/.mcp.json"));
	touch("f", "mcp.json");
	is_int(run("f", pats, NULL, 5, 1, &r), 0, "fifo: walk (does not block)");
	ok(r.n_hits == 1 && strcmp(r.hits[0].path, at("f", "mcp.json")) == 0,
	   "fifo: a FIFO named like a pattern is no hit");
	is_int(r.skipped_special, 1, "fifo: counted as special");
	walk_result_release(&r);
}

/* A result summary a child process sends back through a pipe. */
struct summary {
	int ran;		/* 0: the child could not set up (skip) */
	int ret;
	unsigned long skipped_permission, skipped_loop, skipped_other_fs, errors, dirs;
	size_t n_hits, n_problems;
	int problem_errno;
	char problem[256];
	char hits[2048];
};

static void
summarise(struct summary *s, int ret, const struct walk_result *r, const char *root)
{
	char *h = hits_str(r, root);

	s->ran = 1;
	s->ret = ret;
	s->skipped_permission = r->skipped_permission;
	s->skipped_loop = r->skipped_loop;
	s->skipped_other_fs = r->skipped_other_fs;
	s->errors = r->errors;
	s->dirs = r->dirs_visited;
	s->n_hits = r->n_hits;
	s->n_problems = r->n_problems;
	if (r->n_problems) {
		s->problem_errno = r->problems[0].sys_errno;
		snprintf(s->problem, sizeof(s->problem), "%s", r->problems[0].path);
	}
	snprintf(s->hits, sizeof(s->hits), "%s", h);
	free(h);
}

/* Run fn in a child process and collect what it reports (privileged setup
 * such as dropping root or mounting must not leak into this process). */
static void
in_child(void (*fn)(struct summary *, void *), void *arg, struct summary *out)
{
	int fds[2];
	pid_t pid;

	memset(out, 0, sizeof(*out));
	fflush(stdout);
	if (pipe(fds) < 0)
		die("pipe", "");
	pid = fork();
	if (pid < 0)
		die("fork", "");
	if (pid == 0) {
		struct summary s;

		close(fds[0]);
		memset(&s, 0, sizeof(s));
		fn(&s, arg);
		if (write(fds[1], &s, sizeof(s)) != (ssize_t)sizeof(s))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, sizeof(*out)) != (ssize_t)sizeof(*out))
		memset(out, 0, sizeof(*out));
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static void
unreadable_child(struct summary *s, void *arg)
{
	static const char *const pats[] = { ".mcp.json", NULL };
	struct walk_result r = WALK_RESULT_INIT;
	int ret;

	(void)arg;
	if (geteuid() == 0) {
		/* Root reads anything: become nobody, which cannot. */
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			return;
	}
	ret = run("u", pats, NULL, 10, 2, &r);
	summarise(s, ret, &r, at("u", ""));
	walk_result_release(&r);
}

static void
test_unreadable(void)
{
	struct summary s;

	touch("u", "open/.mcp.json");
	touch("u", "locked/.mcp.json");
	touch("u", "locked/sub/.mcp.json");
	if (chmod(at("u", "locked"), 0) < 0)
		die("chmod", at("u", "locked"));
	in_child(unreadable_child, NULL, &s);
	if (!s.ran) {
		ok(1, "# skip unreadable: cannot drop root privileges here");
	} else {
		is_int(s.ret, 0, "unreadable: walk succeeds");
		is_str(s.hits, "open/.mcp.json 0\n", "unreadable: the readable part is found");
		is_int(s.skipped_permission, 1, "unreadable: counted as permission skip");
		is_int(s.errors, 0, "unreadable: not an error");
		is_int(s.n_problems, 1, "unreadable: one sample path");
		is_str(s.problem, at("u", "locked"), "unreadable: sample names the directory");
		is_int(s.problem_errno, EACCES, "unreadable: EACCES kept");
	}
	chmod(at("u", "locked"), 0755);
}

static void
mount_child(struct summary *s, void *arg)
{
	static const char *const pats[] = { ".mcp.json", NULL };
	struct walk_result r = WALK_RESULT_INIT;
	struct walk_opts o = { 0 };
	struct err e = ERR_INIT;
	int one_fs = *(int *)arg;
	int ret;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return;
	/* A bind mount of the root inside itself, and a tmpfs. */
	if (mount(at("m", ""), at("m", "proj/loop"), NULL, MS_BIND, NULL) < 0 ||
	    mount("none", at("m", "tmp"), "tmpfs", 0, NULL) < 0)
		return;
	touch("m", "tmp/.mcp.json");
	o.root = at("m", "");
	o.patterns = pats;
	o.max_depth = 30;
	o.threads = 2;
	o.flags = one_fs ? WALK_ONE_FS : 0;
	ret = walk_run(&o, &r, &e);
	summarise(s, ret, &r, at("m", ""));
	walk_result_release(&r);
	umount2(at("m", "tmp"), MNT_DETACH);
	umount2(at("m", "proj/loop"), MNT_DETACH);
}

static void
test_mounts(void)
{
	struct summary s;
	int one_fs = 0;

	touch("m", "proj/.mcp.json");
	mkp("m", "proj/loop");
	mkp("m", "tmp");
	in_child(mount_child, &one_fs, &s);
	if (!s.ran) {
		ok(1, "# skip bind-mount loop: no mount namespace here");
		return;
	}
	is_int(s.ret, 0, "bind-mount loop: walk succeeds");
	is_str(s.hits, "proj/.mcp.json 0\ntmp/.mcp.json 0\n",
	       "bind-mount loop: no hit found twice through the loop");
	is_int(s.skipped_loop, 1, "bind-mount loop: detected by (dev, ino)");
	one_fs = 1;
	in_child(mount_child, &one_fs, &s);
	is_str(s.hits, "proj/.mcp.json 0\n", "one_fs: the tmpfs is not entered");
	is_int(s.skipped_other_fs, 1, "one_fs: counted");
}

static unsigned
build_big_tree(void)
{
	char rel[128];
	unsigned i, j, hits = 0;

	/* 40 x 40 directories, 3 files each, .mcp.json in a third of them. */
	for (i = 0; i < 40; i++) {
		for (j = 0; j < 40; j++) {
			unsigned k;

			for (k = 0; k < 3; k++) {
				snprintf(rel, sizeof(rel), "g%u/r%u/f%u", i, j, k);
				touch("big", rel);
			}
			if ((i + j) % 3 == 0) {
				snprintf(rel, sizeof(rel), "g%u/r%u/.mcp.json", i, j);
				touch("big", rel);
				hits++;
			}
			if ((i * j) % 7 == 1) {
				snprintf(rel, sizeof(rel), "g%u/r%u/.cursor/mcp.json", i, j);
				touch("big", rel);
				hits++;
			}
			if (j % 10 == 0) {
				snprintf(rel, sizeof(rel), "g%u/r%u/node_modules/x/.mcp.json", i, j);
				touch("big", rel);
			}
		}
	}
	return hits;
}

static int
same_result(const struct walk_result *a, const struct walk_result *b)
{
	size_t i;

	if (a->n_hits != b->n_hits || a->dirs_visited != b->dirs_visited ||
	    a->files_seen != b->files_seen || a->skipped_excluded != b->skipped_excluded ||
	    a->skipped_symlink != b->skipped_symlink || a->skipped_depth != b->skipped_depth)
		return 0;
	for (i = 0; i < a->n_hits; i++)
		if (strcmp(a->hits[i].path, b->hits[i].path) != 0 ||
		    a->hits[i].pattern != b->hits[i].pattern)
			return 0;
	return 1;
}

/* Every hit of part is also in whole (both sorted). */
static int
is_subset(const struct walk_result *part, const struct walk_result *whole)
{
	size_t i, j = 0;

	for (i = 0; i < part->n_hits; i++) {
		while (j < whole->n_hits && strcmp(whole->hits[j].path, part->hits[i].path) < 0)
			j++;
		if (j == whole->n_hits || strcmp(whole->hits[j].path, part->hits[i].path) != 0)
			return 0;
	}
	return 1;
}

static void
test_threads_timeout_truncation(void)
{
	static const char *const pats[] = { ".mcp.json", ".cursor/mcp.json", NULL };
	static const char *const excl[] = { "node_modules", NULL };
	struct walk_result one = WALK_RESULT_INIT, many = WALK_RESULT_INIT, r = WALK_RESULT_INIT;
	struct walk_opts o = { 0 };
	struct err e = ERR_INIT;
	unsigned want = build_big_tree(), threads[] = { 2, 3, 8, 0 };
	double full;
	int ret = 0;
	size_t i;

	is_int(run("big", pats, excl, 10, 1, &one), 0, "big tree: single-threaded walk");
	is_int(one.n_hits, want, "big tree: every hit found");
	is_int(one.dirs_visited, 1 + 40 + 40 * 40 + 193, "big tree: every directory read once");
	is_int(one.skipped_excluded, 160, "big tree: node_modules skipped");
	for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		is_int(run("big", pats, excl, 10, threads[i], &many), 0, "%u threads: walk",
		       threads[i]);
		ok(same_result(&one, &many), "%u threads: same sorted hits and counters as 1",
		   threads[i]);
		walk_result_release(&many);
	}
	/* The same on the pattern tree, whose matches are more varied. */
	is_int(run("p", project_patterns, contract_excludes, 10, 1, &r), 0, "p tree: 1 thread");
	is_int(run("p", project_patterns, contract_excludes, 10, 4, &many), 0, "p tree: 4 threads");
	ok(same_result(&r, &many), "p tree: 4 threads give the same result as 1");
	walk_result_release(&r);
	walk_result_release(&many);

	/* max_hits */
	o.root = at("big", "");
	o.patterns = pats;
	o.excludes = excl;
	o.max_depth = 10;
	o.threads = 4;
	o.max_hits = 5;
	is_int(walk_run(&o, &r, &e), 0, "max_hits 5: walk returns 0");
	is_int(r.n_hits, 5, "max_hits 5: exactly 5 hits kept");
	is_int(r.truncated, 1, "max_hits 5: truncated");
	ok(is_subset(&r, &one), "max_hits 5: the kept hits are real");
	walk_result_release(&r);
	o.max_hits = want;
	is_int(walk_run(&o, &r, &e), 0, "max_hits = hits: walk");
	ok(r.n_hits == want && !r.truncated, "max_hits = hits: complete, not truncated");
	walk_result_release(&r);
	o.max_hits = 0;

	/* Timeout: a tiny one stops at once; a fraction of the full time keeps
	 * the hits found so far. */
	o.timeout = 1e-9;
	is_int(walk_run(&o, &r, &e), 0, "tiny timeout: walk returns 0");
	is_int(r.timed_out, 1, "tiny timeout: timed_out set");
	ok(r.n_hits < want && is_subset(&r, &one), "tiny timeout: partial, valid hits");
	walk_result_release(&r);

	o.timeout = 0;
	o.threads = 1;
	full = 1e9;
	for (i = 0; i < 3; i++) {
		is_int(walk_run(&o, &r, &e), 0, "full walk %zu for timing", i);
		if (r.elapsed < full)
			full = r.elapsed;
		walk_result_release(&r);
	}
	/* On a loaded machine the timing walks may all have been slowed down
	 * and this one not: a walk that finishes in time is a faster timing,
	 * so try again with a third of that (at most 5 times). */
	for (i = 0; i < 5; i++) {
		o.timeout = full / 3;
		ret = walk_run(&o, &r, &e);
		if (ret != 0 || r.timed_out)
			break;
		if (r.elapsed < full)
			full = r.elapsed;
		else
			full *= 0.5;
		walk_result_release(&r);
	}
	is_int(ret, 0, "timeout full/3 (%.4fs): walk returns 0", full / 3);
	is_int(r.timed_out, 1, "timeout full/3: timed_out set");
	ok(r.n_hits > 0 && r.n_hits < want, "timeout full/3: partial hits kept (%zu of %u)",
	   r.n_hits, want);
	ok(is_subset(&r, &one), "timeout full/3: partial hits are real");
	walk_result_release(&r);
	walk_result_release(&one);
}

/* More subdirectories than one batch: the directory yields and resumes. */
static void
test_wide(void)
{
	static const char *const pats[] = { ".mcp.json", NULL };
	struct walk_result one = WALK_RESULT_INIT, r = WALK_RESULT_INIT;
	struct walk_opts o = { 0 };
	struct err e = ERR_INIT;
	char rel[64];
	unsigned i;

	/* Names long enough that the entries overflow one getdents buffer. */
	for (i = 0; i < 2500; i++) {
		snprintf(rel, sizeof(rel), "subdirectory-%u%s", i, i % 10 ? "" : "/.mcp.json");
		if (i % 10)
			mkp("wide", rel);
		else
			touch("wide", rel);
	}
	is_int(run("wide", pats, NULL, 5, 1, &one), 0, "wide: walk");
	is_int(one.n_hits, 250, "wide: hits in all 2500 subdirectories found");
	is_int(one.dirs_visited, 2501, "wide: each directory read once");
	is_int(run("wide", pats, NULL, 5, 3, &r), 0, "wide: 3 threads");
	ok(same_result(&one, &r), "wide: 3 threads give the same result");
	walk_result_release(&r);
	/* Stop while the root is paused on the stack. */
	o.root = at("wide", "");
	o.patterns = pats;
	o.threads = 1;
	o.max_hits = 3;
	is_int(walk_run(&o, &r, &e), 0, "wide, max_hits 3: walk");
	ok(r.n_hits == 3 && r.truncated && is_subset(&r, &one), "wide, max_hits 3: truncated");
	walk_result_release(&r);
	walk_result_release(&one);
}

static int
count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void
test_invalid(void)
{
	static const char *const bad[][2] = {
		{ "", NULL }, { "a//b", NULL }, { "a/", NULL }, { "../x", NULL },
		{ "/", NULL }, { "a/./b", NULL }, { "//a", NULL },
	};
	static const char *const ok_pats[] = { ".mcp.json", NULL };
	struct walk_result r = WALK_RESULT_INIT;
	struct walk_opts o = { 0 };
	struct err e = ERR_INIT;
	size_t i;

	o.root = at("p", "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.patterns = bad[i];
		is_int(walk_run(&o, &r, &e), -ERR_INVALID, "pattern '%s' rejected", bad[i][0]);
		ok(r.n_hits == 0 && r.hits == NULL, "pattern '%s': empty result", bad[i][0]);
		walk_result_release(&r);
		o.patterns = ok_pats;
		o.excludes = bad[i];
		is_int(walk_run(&o, &r, &e), -ERR_INVALID, "exclude '%s' rejected", bad[i][0]);
		walk_result_release(&r);
		o.excludes = NULL;
	}
	o.patterns = NULL;
	is_int(walk_run(&o, &r, &e), -ERR_INVALID, "no patterns rejected");
	o.patterns = ok_pats;
	o.root = at("nonexistent", "");
	is_int(walk_run(&o, &r, &e), -ERR_NOTFOUND, "missing root: ERR_NOTFOUND");
	is_str(e.path, at("nonexistent", ""), "missing root: path in the error");
	o.root = at("p", ".mcp.json");
	is_int(walk_run(&o, &r, &e), -ERR_NOTFOUND, "root is a file: ERR_NOTFOUND");
	walk_result_release(&r);
	walk_result_release(NULL);
}

int
main(void)
{
	const char *tmp;
	int fds;

	/* Trees of a few thousand entries: tmpfs when there is one, as file
	 * creation and removal on some disks costs a millisecond each. */
	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 32)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(base, sizeof(base), "%s/runlayer-walk-XXXXXX", tmp);
	if (mkdtemp(base) == NULL)
		die("mkdtemp", base);
	/* Readable by the unprivileged user of the permission test. */
	chmod(base, 0755);
	fds = count_fds();

	test_patterns();
	test_depth();
	test_symlinks();
	test_special();
	test_unreadable();
	test_mounts();
	test_threads_timeout_truncation();
	test_wide();
	test_invalid();
	is_int(count_fds(), fds, "no descriptor leaked");

	rm_rf(base);
	return tap_done();
}
