/* The project-config crawler behind `runlayer scan`: a parallel walk of the
 * home that never follows symlinks, bounded in depth, time, hits and memory. */
#ifndef DISCOVER_WALK_H
#define DISCOVER_WALK_H

#include <stddef.h>

#include "util/err.h"

#define WALK_DEPTH_MAX		64u	/* max_depth is clamped to this; 0 means it */
#define WALK_THREADS_AUTO_MAX	8u	/* threads = 0: online CPUs, at most this */
#define WALK_THREADS_MAX	64u	/* explicit thread counts are clamped to this */
#define WALK_MAX_HITS_DEFAULT	100000u	/* max_hits = 0 means this */
#define WALK_PATTERN_MAX	1024u	/* longest pattern or exclude, in bytes */
#define WALK_RULES_MAX		4096u	/* most patterns (and most excludes) */
#define WALK_PROBLEMS_MAX	8u	/* sample paths kept for --verbose */

enum walk_flags {
	WALK_ONE_FS = 1,	/* like find -xdev: stay on the root's file system */
};

/*
 * Patterns and excludes are relative paths of one or more components, each
 * a literal name or an fnmatch(3) glob (a component holding '*', '?', '[' or
 * '\'; no FNM_PERIOD, so '*' also matches dot names, as find -name does):
 *
 * - "name" (bare) matches any file (pattern) or directory (exclude) with
 *   that name, at any depth;
 * - "a/b/name" matches by path suffix: the entry is called "name" and the
 *   names of its parent directories, innermost first, are exactly "b" then
 *   "a" ("x.cursor/mcp.json" never matches ".cursor/mcp.json");
 * - a leading '/' anchors the pattern at the root: "/Library/Caches" matches
 *   root/Library/Caches only, where "Library/Caches" matches any
 *   .../Library/Caches below the root.
 *
 * Only directory names below the root take part in suffix matching (the
 * root's own name and its ancestors never do, unlike find -path on the full
 * path). Empty components, "." and "..", and a trailing '/' are rejected.
 */
struct walk_opts {
	const char *root;		/* directory to crawl; followed if a symlink */
	const char *const *patterns;	/* NULL-terminated; at least one */
	const char *const *excludes;	/* NULL-terminated dirs never entered; may be NULL */
	unsigned max_depth;		/* find -maxdepth: root/a/b/f has depth 3 */
	double timeout;			/* seconds for the whole crawl; <= 0: none */
	unsigned threads;		/* 0: online CPUs, capped at WALK_THREADS_AUTO_MAX */
	size_t max_hits;		/* 0: WALK_MAX_HITS_DEFAULT */
	unsigned flags;			/* enum walk_flags */
};

enum walk_hit_flags {
	WALK_HIT_SYMLINK = 1,	/* the entry is a symbolic link (not followed) */
};

struct walk_hit {
	char *path;		/* root + "/" + relative path; owned by the result */
	unsigned pattern;	/* index in opts->patterns of the first match */
	unsigned flags;		/* enum walk_hit_flags */
};

/* A directory that could not be read, for verbose reporting. */
struct walk_problem {
	char *path;		/* owned by the result */
	int sys_errno;
};

struct walk_result {
	struct walk_hit *hits;		/* sorted by path (strcmp), one per path */
	size_t n_hits;

	unsigned long dirs_visited;	/* directories opened and read */
	unsigned long files_seen;	/* non-directory entries looked at */
	unsigned long skipped_excluded;	/* directories matching an exclude */
	unsigned long skipped_depth;	/* directories at max_depth, not entered */
	unsigned long skipped_permission; /* directories refused (EACCES, EPERM) */
	unsigned long skipped_symlink;	/* symlinks not reported (never followed) */
	unsigned long skipped_special;	/* FIFOs, sockets, devices matching a pattern */
	unsigned long skipped_other_fs;	/* mount points not crossed (WALK_ONE_FS) */
	unsigned long skipped_loop;	/* directories equal to an ancestor (bind mounts) */
	unsigned long skipped_dataless;	/* cloud placeholders (macOS SF_DATALESS) */
	unsigned long errors;		/* other failures to open or read a directory */

	int timed_out;			/* the timeout expired: hits are partial */
	int truncated;			/* max_hits was reached: hits are partial */
	double elapsed;			/* seconds */

	/* Up to WALK_PROBLEMS_MAX directories behind skipped_permission and
	 * errors, sorted by path; which ones are kept is arbitrary beyond that. */
	struct walk_problem problems[WALK_PROBLEMS_MAX];
	size_t n_problems;
};

#define WALK_RESULT_INIT { 0 }

/*
 * Crawl opts->root and collect the regular files and symlinks whose path
 * matches one of opts->patterns, without entering excluded directories or
 * directories deeper than max_depth - 1.
 *
 * Symlinks are never followed. A symlink whose name matches is reported with
 * WALK_HIT_SYMLINK and not examined: the caller reads it with its own safe
 * open (util/file.h refuses symlinks unless asked) and decides whether its
 * target is acceptable. FIFOs, sockets and devices are never hits. A path
 * matching several patterns is reported once, with the lowest index.
 *
 * Directory entries are typed by d_type; only DT_UNKNOWN costs an fstatat().
 * Each directory is opened relative to its parent's descriptor with
 * O_NOFOLLOW, so a concurrent rename or symlink swap cannot lead the walk
 * outside the root. Unreadable or vanishing directories are counted and
 * skipped. Memory stays proportional to the hits plus the walk frontier: a
 * directory yields after 1024 subdirectories, so a level never queues more.
 * Bind-mount loops are cut by comparing each directory's (st_dev, st_ino)
 * with its ancestors'.
 *
 * Cloud placeholder trees (clients.md §2.1: "Library/Mobile Documents",
 * "Library/CloudStorage") are the caller's to exclude; on macOS, entries
 * flagged SF_DATALESS are skipped as well (skipped_dataless).
 *
 * A crawl cut short by the timeout or by max_hits still returns 0 with the
 * hits found so far (timed_out or truncated set). A thread blocked in a
 * system call (a hung network mount) delays the return: exclude such mounts
 * or pass WALK_ONE_FS.
 *
 * res must be zeroed (WALK_RESULT_INIT) or released; it is filled in all
 * cases and released with walk_result_release(). Returns 0, -ERR_INVALID
 * for bad options (e.g. a malformed pattern), or -ERR_NOTFOUND / -ERR_IO
 * when the root cannot be opened; e is filled on error.
 */
int walk_run(const struct walk_opts *opts, struct walk_result *res, struct err *e);

/* Free everything res owns and zero it. Accepts a zeroed result. */
void walk_result_release(struct walk_result *res);

#endif
