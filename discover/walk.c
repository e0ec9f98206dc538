/* Parallel crawl of a directory tree for project config files: a shared
 * LIFO of directories, workers that openat() below their parent, no symlinks. */
#include "discover/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) && !defined(WALK_NO_GETDENTS)
#include <sys/syscall.h>
#define WALK_GETDENTS 1
#else
#define WALK_GETDENTS 0
#endif

#include "util/xalloc.h"
#include "util/banned.h"

/* How many directory entries a worker handles between clock reads. */
#define WALK_CHECK_EVERY 256u
/* getdents64 buffer per thread (glibc's readdir uses 32 KiB). */
#define WALK_DENTS_BUF (64u * 1024)
/* Subdirectories taken from one directory before it yields (memory bound). */
#define WALK_BATCH 1024u

struct walk_comp {
	const char *s;		/* NUL-terminated (points into walk_set.text) */
	size_t len;
	int glob;
};

/* One pattern or exclude, split into components. */
struct walk_rule {
	unsigned index;			/* in the caller's array */
	int anchored;			/* leading '/': the dirs must reach the root */
	struct walk_comp last;		/* the entry's own name */
	struct walk_comp *dirs;		/* parent components, outermost first */
	size_t n_dirs;
	long next;			/* next rule with the same literal name, or -1 */
};

/*
 * A compiled list of rules. Literal names go into an open-addressing table
 * whose slots hold the first rule (lowest index) of a chain of rules sharing
 * that name; glob names are tried one by one.
 */
struct walk_set {
	struct walk_rule *rules;
	size_t n_rules;
	long *slots;
	size_t mask;
	unsigned *globs;		/* rule numbers with a glob name, ascending */
	size_t n_globs;
	char **text;			/* per rule: a copy with '/' turned into NUL */
};

/*
 * A directory to read. Created by its parent's worker, pushed on the stack,
 * opened by whichever worker pops it. `pending` counts the children not yet
 * opened, plus one while the directory itself is still being read: the
 * descriptor stays open until it drops to zero. `refs` counts the node's own
 * processing plus its live children, which keep the ancestor chain alive for
 * the loop check.
 *
 * A directory with many subdirectories is read in batches: after
 * WALK_BATCH subdirectories the reader pushes itself back under them and
 * moves on, so the stack never holds more than a batch per level.
 */
struct walk_node {
	struct walk_node *next;		/* stack link */
	struct walk_node *parent;
	int fd;				/* open while pending > 0 */
	int reading;			/* opened, entries left: resume, do not open */
#if !WALK_GETDENTS
	DIR *dir;			/* readdir stream on a dup of fd */
#endif
	atomic_uint pending;
	atomic_uint refs;
	dev_t dev;
	ino_t ino;
	unsigned depth;
	size_t len;			/* strlen(path) */
	size_t name_off;		/* the last component */
	char path[];
};

struct walk_ctx {
	const struct walk_opts *opts;
	struct walk_set pats, excl;
	unsigned max_depth;
	size_t max_hits;
	size_t rel_off;			/* where relative paths start in node paths */
	int root_fd;			/* taken by whoever opens the root node */
	dev_t root_dev;
	struct timespec deadline;
	int has_deadline;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct walk_node *stack;	/* under mu */
	unsigned active;		/* workers holding a node, under mu */
	unsigned waiting;		/* workers in cond_wait, under mu */

	atomic_int stop;
	atomic_int timed_out;
	atomic_int truncated;
	atomic_size_t n_hits;

	struct walk_result *res;	/* problems[], under mu */
};

struct walk_thread {
	struct walk_ctx *ctx;
	pthread_t tid;
	struct walk_hit *hits;
	size_t n_hits, alloc_hits;
	struct walk_result stats;	/* counters only */
	unsigned tick;
	char name_buf[1024];		/* NUL-terminated component for fnmatch */
	char *dents;			/* WALK_DENTS_BUF bytes, with getdents64 */
};

/* ---- rules ---- */

static int
comp_is_glob(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

static uint32_t
hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
set_release(struct walk_set *set)
{
	size_t i;

	for (i = 0; i < set->n_rules; i++) {
		free(set->rules[i].dirs);
		free(set->text[i]);
	}
	free(set->rules);
	free(set->text);
	free(set->slots);
	free(set->globs);
	memset(set, 0, sizeof(*set));
}

/* Split one pattern into rule r (set->text[r] receives the owned copy). */
static int
rule_compile(struct walk_set *set, size_t r, const char *pat, const char *what,
	     struct err *e)
{
	struct walk_rule *rule = &set->rules[r];
	size_t len, i, n = 0, start;
	char *t;

	len = strlen(pat);
	if (len == 0 || len >= WALK_PATTERN_MAX)
		return err_set(e, ERR_INVALID, "%s '%.64s': %s", what, pat,
			       len ? "too long" : "empty");
	t = set->text[r] = xstrdup(pat);
	if (*t == '/') {
		rule->anchored = 1;
		t++;
		len--;
	}
	if (len == 0 || t[len - 1] == '/')
		return err_set(e, ERR_INVALID, "%s '%s': ends with '/'", what, pat);
	for (i = 0; i <= len; i++)
		if (t[i] == '/' || t[i] == '\0')
			n++;
	rule->dirs = xreallocarray(NULL, n, sizeof(*rule->dirs));
	for (i = start = 0; i <= len; i++) {
		struct walk_comp *c;

		if (t[i] != '/' && t[i] != '\0')
			continue;
		t[i] = '\0';
		if (i == start || strcmp(t + start, ".") == 0 || strcmp(t + start, "..") == 0)
			return err_set(e, ERR_INVALID,
				       "%s '%s': empty, '.' or '..' component", what, pat);
		c = &rule->dirs[rule->n_dirs++];
		c->s = t + start;
		c->len = i - start;
		c->glob = comp_is_glob(c->s);
		start = i + 1;
	}
	rule->last = rule->dirs[--rule->n_dirs];
	return 0;
}

/* Compile a NULL-terminated list into set. list may be NULL (empty set). */
static int
set_compile(struct walk_set *set, const char *const *list, const char *what, struct err *e)
{
	size_t n = 0, i, h, size = 16;
	long *tail;
	int ret;

	memset(set, 0, sizeof(*set));
	while (list && list[n]) {
		if (++n > WALK_RULES_MAX)
			return err_set(e, ERR_INVALID, "too many %ss (limit %u)", what,
				       WALK_RULES_MAX);
	}
	set->rules = xcalloc(n ? n : 1, sizeof(*set->rules));
	set->text = xcalloc(n ? n : 1, sizeof(*set->text));
	set->globs = xcalloc(n ? n : 1, sizeof(*set->globs));
	while (size < 2 * n)
		size *= 2;
	set->slots = xreallocarray(NULL, size, sizeof(*set->slots));
	set->mask = size - 1;
	for (i = 0; i < size; i++)
		set->slots[i] = -1;
	for (i = 0; i < n; i++) {
		struct walk_rule *rule = &set->rules[i];

		set->n_rules = i + 1;
		rule->index = (unsigned)i;
		rule->next = -1;
		if ((ret = rule_compile(set, i, list[i], what, e)) < 0)
			return ret;
		if (rule->last.glob) {
			set->globs[set->n_globs++] = (unsigned)i;
			continue;
		}
		/* Find the chain for this name, or an empty slot to start one. */
		h = hash_name(rule->last.s, rule->last.len) & set->mask;
		for (;; h = (h + 1) & set->mask) {
			long s = set->slots[h];

			if (s < 0) {
				set->slots[h] = (long)i;
				break;
			}
			if (set->rules[s].last.len == rule->last.len &&
			    memcmp(set->rules[s].last.s, rule->last.s, rule->last.len) == 0) {
				tail = &set->rules[s].next;
				while (*tail >= 0)
					tail = &set->rules[*tail].next;
				*tail = (long)i;
				break;
			}
		}
	}
	return 0;
}

static int
comp_match(struct walk_thread *t, const struct walk_comp *c, const char *s, size_t len)
{
	if (!c->glob)
		return c->len == len && memcmp(c->s, s, len) == 0;
	if (len >= sizeof(t->name_buf))
		return 0;
	memcpy(t->name_buf, s, len);
	t->name_buf[len] = '\0';
	return fnmatch(c->s, t->name_buf, 0) == 0;
}

/* Do the rule's directory components match the end of rel (a relative
 * directory path, "" for the root)? */
static int
dirs_match(struct walk_thread *t, const struct walk_rule *rule, const char *rel, size_t end)
{
	size_t n = rule->n_dirs;

	while (n > 0) {
		size_t start = end;

		if (end == 0)
			return 0;
		while (start > 0 && rel[start - 1] != '/')
			start--;
		if (!comp_match(t, &rule->dirs[n - 1], rel + start, end - start))
			return 0;
		n--;
		end = start ? start - 1 : 0;
	}
	return !rule->anchored || end == 0;
}

/* The lowest rule index matching entry `name` (length len) in directory rel
 * (length rel_len), or -1. */
static long
set_match(struct walk_thread *t, const struct walk_set *set, const char *rel, size_t rel_len,
	  const char *name, size_t len)
{
	long best = -1, r;
	size_t i, h;

	if (set->n_rules == 0)
		return -1;
	for (h = hash_name(name, len) & set->mask; (r = set->slots[h]) >= 0;
	     h = (h + 1) & set->mask) {
		const struct walk_rule *rule = &set->rules[r];

		if (rule->last.len != len || memcmp(rule->last.s, name, len) != 0)
			continue;
		for (; r >= 0; r = set->rules[r].next) {
			if (dirs_match(t, &set->rules[r], rel, rel_len)) {
				best = r;
				break;
			}
		}
		break;
	}
	for (i = 0; i < set->n_globs; i++) {
		const struct walk_rule *rule = &set->rules[set->globs[i]];

		if (best >= 0 && (long)set->globs[i] > best)
			break;
		if (comp_match(t, &rule->last, name, len) && dirs_match(t, rule, rel, rel_len))
			return (long)set->globs[i];
	}
	return best;
}

/* ---- directory entries ---- */

/*
 * On Linux, getdents64 straight into a per-thread buffer: fdopendir() would
 * cost an fstat, two fcntl and a 32 KiB allocation per directory, and the
 * descriptor's offset carries the position across batches. Elsewhere,
 * readdir on a stream kept in the node.
 */
struct walk_iter {
	struct walk_node *n;
#if WALK_GETDENTS
	char *buf;
	size_t len, off;
#endif
};

#if WALK_GETDENTS
struct walk_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};
#endif

static void
iter_init(struct walk_thread *t, struct walk_iter *it, struct walk_node *n)
{
	it->n = n;
#if WALK_GETDENTS
	it->buf = t->dents;
	it->len = it->off = 0;
#else
	(void)t;
#endif
}

/* Set up reading of a freshly opened n. 0, or -1 with errno. */
static int
iter_open(struct walk_node *n)
{
#if WALK_GETDENTS
	(void)n;
	return 0;
#else
	int dfd;

	if ((dfd = dup(n->fd)) < 0)
		return -1;
	if ((n->dir = fdopendir(dfd)) == NULL) {
		int saved = errno;

		close(dfd);
		errno = saved;
		return -1;
	}
	return 0;
#endif
}

/* Could reading stop here and resume later without losing entries? */
static int
iter_can_pause(const struct walk_iter *it)
{
#if WALK_GETDENTS
	return it->off >= it->len;
#else
	(void)it;
	return 1;
#endif
}

/* The next entry: 1 (name and type set), 0 at the end, -1 on error (errno). */
static int
iter_next(struct walk_iter *it, const char **name, unsigned char *type)
{
#if WALK_GETDENTS
	const struct walk_dirent64 *d;

	if (it->off >= it->len) {
		long got;

		do
			got = syscall(SYS_getdents64, it->n->fd, it->buf, WALK_DENTS_BUF);
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			return got < 0 ? -1 : 0;
		it->len = (size_t)got;
		it->off = 0;
	}
	d = (const struct walk_dirent64 *)(it->buf + it->off);
	it->off += d->d_reclen;
	*name = d->d_name;
	*type = d->d_type;
	return 1;
#else
	struct dirent *d;

	errno = 0;
	if ((d = readdir(it->n->dir)) == NULL)
		return errno ? -1 : 0;
	*name = d->d_name;
	*type = d->d_type;
	return 1;
#endif
}

/* ---- nodes and the shared stack ---- */

static struct walk_node *
node_new(struct walk_node *parent, const char *name, size_t len)
{
	struct walk_node *n;
	size_t plen = parent ? parent->len : len;
	int slash = parent && !(plen > 0 && parent->path[plen - 1] == '/');

	n = xmalloc(sizeof(*n) + plen + (size_t)slash + len + 1);
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->fd = -1;
	atomic_init(&n->pending, 0);
	atomic_init(&n->refs, 1);
	if (parent == NULL) {
		memcpy(n->path, name, len);
		n->len = len;
		n->path[len] = '\0';
		return n;
	}
	n->depth = parent->depth + 1;
	memcpy(n->path, parent->path, plen);
	if (slash)
		n->path[plen] = '/';
	n->name_off = plen + (size_t)slash;
	memcpy(n->path + n->name_off, name, len);
	n->len = n->name_off + len;
	n->path[n->len] = '\0';
	return n;
}

/* Drop one reference; free nodes that reach zero, walking up the chain. */
static void
node_unref(struct walk_node *n)
{
	while (n && atomic_fetch_sub(&n->refs, 1) == 1) {
		struct walk_node *parent = n->parent;

		if (n->fd >= 0)
			close(n->fd);
		free(n);
		n = parent;
	}
}

/* Drop one need of n's descriptor; close it when none is left. */
static void
node_unpend(struct walk_node *n)
{
	if (n && atomic_fetch_sub(&n->pending, 1) == 1) {
		close(n->fd);
		n->fd = -1;
	}
}

/* n is done being read (whole, or abandoned). */
static void
node_read_done(struct walk_node *n)
{
	if (!n->reading)
		return;
	n->reading = 0;
#if !WALK_GETDENTS
	closedir(n->dir);
	n->dir = NULL;
#endif
	node_unpend(n);
}

static void
walk_stop(struct walk_ctx *c, atomic_int *why)
{
	pthread_mutex_lock(&c->mu);
	atomic_store(why, 1);
	atomic_store(&c->stop, 1);
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static int
walk_expired(struct walk_thread *t)
{
	struct walk_ctx *c = t->ctx;
	struct timespec now;

	if (atomic_load_explicit(&c->stop, memory_order_relaxed))
		return 1;
	if (!c->has_deadline)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < c->deadline.tv_sec ||
	    (now.tv_sec == c->deadline.tv_sec && now.tv_nsec < c->deadline.tv_nsec))
		return 0;
	walk_stop(c, &c->timed_out);
	return 1;
}

static void
note_problem(struct walk_thread *t, const char *path, int sys_errno)
{
	struct walk_result *res = t->ctx->res;

	pthread_mutex_lock(&t->ctx->mu);
	if (res->n_problems < WALK_PROBLEMS_MAX) {
		res->problems[res->n_problems].path = xstrdup(path);
		res->problems[res->n_problems].sys_errno = sys_errno;
		res->n_problems++;
	}
	pthread_mutex_unlock(&t->ctx->mu);
}

static void
add_hit(struct walk_thread *t, const struct walk_node *dir, const char *name, size_t len,
	long pattern, unsigned flags)
{
	struct walk_ctx *c = t->ctx;
	struct walk_hit *h;
	int slash = !(dir->len > 0 && dir->path[dir->len - 1] == '/');

	if (atomic_fetch_add(&c->n_hits, 1) >= c->max_hits) {
		if (!atomic_load(&c->truncated))
			walk_stop(c, &c->truncated);
		return;
	}
	if (t->n_hits == t->alloc_hits) {
		t->alloc_hits = t->alloc_hits ? 2 * t->alloc_hits : 64;
		t->hits = xreallocarray(t->hits, t->alloc_hits, sizeof(*t->hits));
	}
	h = &t->hits[t->n_hits++];
	h->path = xmalloc(dir->len + (size_t)slash + len + 1);
	memcpy(h->path, dir->path, dir->len);
	if (slash)
		h->path[dir->len] = '/';
	memcpy(h->path + dir->len + slash, name, len + 1);
	h->pattern = (unsigned)pattern;
	h->flags = flags;
}

#ifdef SF_DATALESS
/* A cloud placeholder: reading it would trigger a download. */
static int
is_dataless_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       (st.st_flags & SF_DATALESS);
}
#endif

/* Open n (relative to its parent's descriptor) and check it may be read:
 * 0 with n->reading set, or -1 (counted). */
static int
node_open(struct walk_thread *t, struct walk_node *n)
{
	struct walk_ctx *c = t->ctx;
	struct walk_node *a;
	struct stat st;
	int fd, err = 0;

	if (n->parent) {
		fd = openat(n->parent->fd, n->path + n->name_off,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
			    O_NONBLOCK);
		err = errno;
		node_unpend(n->parent);
	} else {
		fd = c->root_fd;	/* opened by walk_run, following symlinks */
		c->root_fd = -1;
	}
	if (fd < 0) {
		switch (err) {
		case ENOENT:
		case ENOTDIR:
			break;	/* removed or replaced since it was listed */
		case ELOOP:
			t->stats.skipped_symlink++;
			break;
		case EACCES:
		case EPERM:
			t->stats.skipped_permission++;
			note_problem(t, n->path, err);
			break;
		default:
			t->stats.errors++;
			note_problem(t, n->path, err);
			break;
		}
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		t->stats.errors++;
		note_problem(t, n->path, errno);
		goto fail;
	}
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	if ((c->opts->flags & WALK_ONE_FS) && st.st_dev != c->root_dev) {
		t->stats.skipped_other_fs++;
		goto fail;
	}
#ifdef SF_DATALESS
	if (st.st_flags & SF_DATALESS) {
		t->stats.skipped_dataless++;
		goto fail;
	}
#endif
	for (a = n->parent; a; a = a->parent) {
		if (a->dev == st.st_dev && a->ino == st.st_ino) {
			t->stats.skipped_loop++;
			goto fail;
		}
	}
	n->fd = fd;
	if (iter_open(n) < 0) {
		t->stats.errors++;
		note_problem(t, n->path, errno);
		n->fd = -1;
		goto fail;
	}
	n->reading = 1;
	atomic_store(&n->pending, 1);	/* the reader's own need */
	t->stats.dirs_visited++;
	return 0;
fail:
	close(fd);
	return -1;
}

static unsigned char
type_at(struct walk_thread *t, struct walk_node *n, const char *name)
{
	struct stat st;

	if (fstatat(n->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			t->stats.errors++;
		return DT_UNKNOWN;
	}
	if (S_ISDIR(st.st_mode))
		return DT_DIR;
	if (S_ISREG(st.st_mode))
		return DT_REG;
	if (S_ISLNK(st.st_mode))
		return DT_LNK;
	return DT_FIFO;	/* any other special file */
}

/*
 * Read directory n (opening it first unless resuming): record hits, and
 * return in *kids the subdirectories to enter (a list linked through next),
 * their number in *n_kids, already counted in n->pending and n->refs.
 * Returns 1 when n paused after a batch and must be pushed back, else 0.
 */
static int
walk_dir(struct walk_thread *t, struct walk_node *n, struct walk_node **kids,
	 unsigned *n_kids)
{
	struct walk_ctx *c = t->ctx;
	struct walk_iter it;
	const char *rel;
	size_t rel_len;
	int paused = 0;

	*kids = NULL;
	*n_kids = 0;
	if (!n->reading) {
		if (walk_expired(t)) {
			if (n->parent)
				node_unpend(n->parent);
			return 0;
		}
		if (node_open(t, n) < 0)
			return 0;
	}
	iter_init(t, &it, n);
	rel = n->len > c->rel_off ? n->path + c->rel_off : "";
	rel_len = n->len > c->rel_off ? n->len - c->rel_off : 0;
	for (;;) {
		const char *name;
		unsigned char type;
		size_t len;
		long m;
		int got;

		if (atomic_load_explicit(&c->stop, memory_order_relaxed) ||
		    (++t->tick % WALK_CHECK_EVERY == 0 && walk_expired(t)))
			break;
		if (*n_kids >= WALK_BATCH && iter_can_pause(&it)) {
			paused = 1;
			break;
		}
		if ((got = iter_next(&it, &name, &type)) <= 0) {
			if (got < 0) {
				t->stats.errors++;
				note_problem(t, n->path, errno);
			}
			break;
		}
		if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
			continue;
		len = strlen(name);
		if (type == DT_UNKNOWN && (type = type_at(t, n, name)) == DT_UNKNOWN)
			continue;
		if (type == DT_DIR) {
			struct walk_node *k;

			if (n->depth + 1 >= c->max_depth) {
				t->stats.skipped_depth++;
				continue;
			}
			if (set_match(t, &c->excl, rel, rel_len, name, len) >= 0) {
				t->stats.skipped_excluded++;
				continue;
			}
			k = node_new(n, name, len);
			k->next = *kids;
			*kids = k;
			++*n_kids;
			continue;
		}
		t->stats.files_seen++;
		m = set_match(t, &c->pats, rel, rel_len, name, len);
		if (type == DT_LNK) {
			if (m >= 0)
				add_hit(t, n, name, len, m, WALK_HIT_SYMLINK);
			else
				t->stats.skipped_symlink++;
		} else if (m < 0) {
			continue;
		} else if (type != DT_REG) {
			t->stats.skipped_special++;
#ifdef SF_DATALESS
		} else if (is_dataless_at(n->fd, name)) {
			t->stats.skipped_dataless++;
#endif
		} else {
			add_hit(t, n, name, len, m, 0);
		}
	}
	/* Count the children before they become visible, then let go of the
	 * reader's own need of the descriptor unless coming back. */
	atomic_fetch_add(&n->pending, *n_kids);
	atomic_fetch_add(&n->refs, *n_kids);
	if (!paused)
		node_read_done(n);
	return paused;
}

/* Take a node off the stack, or leave behind what a stop left there. */
static void
node_drop(struct walk_node *n)
{
	if (n->reading)
		node_read_done(n);
	else if (n->parent)
		node_unpend(n->parent);
	node_unref(n);
}

/*
 * Worker loop: pop a directory, read it, push its subdirectories (and the
 * directory itself under them when it paused). The crawl is over when the
 * stack is empty and no worker holds a directory, or on stop (the caller
 * drains what is left).
 */
static void *
walk_worker(void *arg)
{
	struct walk_thread *t = arg;
	struct walk_ctx *c = t->ctx;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		struct walk_node *n, *kids, *last;
		unsigned n_kids;
		int paused;

		while (!c->stack && c->active > 0 && !atomic_load(&c->stop)) {
			c->waiting++;
			pthread_cond_wait(&c->cv, &c->mu);
			c->waiting--;
		}
		if (atomic_load(&c->stop) || !c->stack) {
			pthread_cond_broadcast(&c->cv);
			break;
		}
		n = c->stack;
		c->stack = n->next;
		c->active++;
		pthread_mutex_unlock(&c->mu);

		paused = walk_dir(t, n, &kids, &n_kids);
		if (!paused)
			node_unref(n);

		pthread_mutex_lock(&c->mu);
		if (paused) {
			n->next = c->stack;
			c->stack = n;
		}
		if (kids) {
			for (last = kids; last->next; last = last->next)
				;
			last->next = c->stack;
			c->stack = kids;
		}
		if ((kids || paused) && c->waiting)
			pthread_cond_broadcast(&c->cv);
		c->active--;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static void
walk_thread_merge(struct walk_result *res, struct walk_thread *t)
{
	const struct walk_result *s = &t->stats;

	res->dirs_visited += s->dirs_visited;
	res->files_seen += s->files_seen;
	res->skipped_excluded += s->skipped_excluded;
	res->skipped_depth += s->skipped_depth;
	res->skipped_permission += s->skipped_permission;
	res->skipped_symlink += s->skipped_symlink;
	res->skipped_special += s->skipped_special;
	res->skipped_other_fs += s->skipped_other_fs;
	res->skipped_loop += s->skipped_loop;
	res->skipped_dataless += s->skipped_dataless;
	res->errors += s->errors;
	if (t->n_hits) {
		res->hits = xreallocarray(res->hits, res->n_hits + t->n_hits, sizeof(*res->hits));
		memcpy(res->hits + res->n_hits, t->hits, t->n_hits * sizeof(*t->hits));
		res->n_hits += t->n_hits;
	}
	free(t->hits);
	t->hits = NULL;
	t->n_hits = 0;
}

static int
hit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct walk_hit *)a)->path, ((const struct walk_hit *)b)->path);
}

static int
problem_cmp(const void *a, const void *b)
{
	return strcmp(((const struct walk_problem *)a)->path,
		      ((const struct walk_problem *)b)->path);
}

static unsigned
walk_threads(unsigned want)
{
	long n;

	if (want)
		return want > WALK_THREADS_MAX ? WALK_THREADS_MAX : want;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > (long)WALK_THREADS_AUTO_MAX ? WALK_THREADS_AUTO_MAX : (unsigned)n;
}

static double
ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

int
walk_run(const struct walk_opts *opts, struct walk_result *res, struct err *e)
{
	struct walk_ctx c;
	struct walk_thread *threads = NULL;
	struct timespec start, end;
	struct stat st;
	unsigned nthreads = 0, started, i;
	size_t root_len;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.root_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (opts->root == NULL || opts->root[0] == '\0')
		return err_set(e, ERR_INVALID, "no directory to crawl");
	if (opts->patterns == NULL || opts->patterns[0] == NULL)
		return err_set(e, ERR_INVALID, "no pattern to look for");
	if ((ret = set_compile(&c.pats, opts->patterns, "pattern", e)) < 0 ||
	    (ret = set_compile(&c.excl, opts->excludes, "exclude", e)) < 0)
		goto out;

	c.opts = opts;
	c.res = res;
	c.max_depth = opts->max_depth == 0 || opts->max_depth > WALK_DEPTH_MAX ?
		      WALK_DEPTH_MAX : opts->max_depth;
	c.max_hits = opts->max_hits ? opts->max_hits : WALK_MAX_HITS_DEFAULT;
	if (opts->timeout > 0 && opts->timeout < 1e9) {
		double whole = (double)(time_t)opts->timeout;

		c.has_deadline = 1;
		c.deadline = start;
		c.deadline.tv_sec += (time_t)opts->timeout;
		c.deadline.tv_nsec += (long)((opts->timeout - whole) * 1e9);
		if (c.deadline.tv_nsec >= 1000000000L) {
			c.deadline.tv_sec++;
			c.deadline.tv_nsec -= 1000000000L;
		}
	}
	atomic_init(&c.stop, 0);
	atomic_init(&c.timed_out, 0);
	atomic_init(&c.truncated, 0);
	atomic_init(&c.n_hits, 0);

	/* The root is the one path we follow: $HOME may be a symlink. */
	c.root_fd = open(opts->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (c.root_fd < 0) {
		int saved = errno;

		err_set_path(e, opts->root);
		errno = saved;
		ret = err_sys(e, saved == ENOENT || saved == ENOTDIR ? ERR_NOTFOUND : ERR_IO,
			      "cannot open directory");
		goto out;
	}
	if (fstat(c.root_fd, &st) < 0) {
		err_set_path(e, opts->root);
		ret = err_sys(e, ERR_IO, "cannot stat directory");
		goto out;
	}
	c.root_dev = st.st_dev;

	/* Node paths are root + '/' + relative path; "/a/" and "/" both work. */
	root_len = strlen(opts->root);
	while (root_len > 1 && opts->root[root_len - 1] == '/')
		root_len--;
	c.stack = node_new(NULL, opts->root, root_len);
	c.rel_off = opts->root[root_len - 1] == '/' ? root_len : root_len + 1;

	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cv, NULL);
	nthreads = walk_threads(opts->threads);
	threads = xcalloc(nthreads, sizeof(*threads));
	for (i = 0; i < nthreads; i++) {
		threads[i].ctx = &c;
#if WALK_GETDENTS
		threads[i].dents = xmalloc(WALK_DENTS_BUF);
#endif
	}
	/* Fewer threads than asked for if creation fails: the walk still ends. */
	for (started = 1; started < nthreads; started++) {
		if (pthread_create(&threads[started].tid, NULL, walk_worker,
				   &threads[started]) != 0)
			break;
	}
	walk_worker(&threads[0]);
	for (i = 1; i < started; i++)
		pthread_join(threads[i].tid, NULL);

	/* Drop what a stop left on the stack (single-threaded from here). */
	while (c.stack) {
		struct walk_node *n = c.stack;

		c.stack = n->next;
		node_drop(n);
	}
	for (i = 0; i < nthreads; i++)
		walk_thread_merge(res, &threads[i]);
	if (res->n_hits > 1)
		qsort(res->hits, res->n_hits, sizeof(*res->hits), hit_cmp);
	if (res->n_problems > 1)
		qsort(res->problems, res->n_problems, sizeof(*res->problems), problem_cmp);
	res->timed_out = atomic_load(&c.timed_out);
	res->truncated = atomic_load(&c.truncated);
	pthread_cond_destroy(&c.cv);
	pthread_mutex_destroy(&c.mu);
out:
	if (c.root_fd >= 0)
		close(c.root_fd);
	for (i = 0; threads && i < nthreads; i++)
		free(threads[i].dents);
	free(threads);
	set_release(&c.pats);
	set_release(&c.excl);
	clock_gettime(CLOCK_MONOTONIC, &end);
	res->elapsed = ts_diff(&start, &end);
	return ret;
}

void
walk_result_release(struct walk_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->n_hits; i++)
		free(res->hits[i].path);
	free(res->hits);
	for (i = 0; i < res->n_problems; i++)
		free(res->problems[i].path);
	memset(res, 0, sizeof(*res));
}
