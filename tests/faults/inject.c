/* Fault injection for the end-to-end tests: an LD_PRELOAD shim that makes
 * chosen calls to malloc, write, fsync or rename fail with a chosen errno.
 *
 * Environment (read once, at load time):
 *
 *   FAULT_FN      comma-separated classes to watch: malloc, calloc, realloc,
 *                 alloc (the three), write (write, writev, pwrite, pwrite64,
 *                 pwritev), fsync (fsync, fdatasync), rename (rename,
 *                 renameat, renameat2), open (open, open64, openat,
 *                 openat64: with FAULT_DELAY_MS, a file system that hangs)
 *   FAULT_NTH     fail the Nth watched call (1-based); 0 or unset = count only
 *   FAULT_FROM    fail the Nth watched call and every later one
 *   FAULT_ERRNO   ENOSPC (default), EIO, ENOMEM, EROFS, EDQUOT, EPERM,
 *                 EACCES, EFBIG or a number
 *   FAULT_PATH    only calls on a file whose path contains this text count
 *                 (the descriptor's /proc/self/fd link, or either rename
 *                 path); allocation calls never match a path
 *   FAULT_COUNT   file that receives "<calls> <faults>" when the process
 *                 exits (so a test can count, then fail each call in turn)
 *   FAULT_LOG     file that gets one line per injected fault
 *                 ("<class> <call> <n> <errno> <path>")
 *   FAULT_DELAY_MS  instead of failing, a chosen call stalls this long and
 *                 then goes through (a hung disk or network file system)
 *
 * Only the process that loaded the shim is affected: LD_PRELOAD is removed
 * from its environment (programs it runs start clean) and a forked child
 * stops counting. Built by tests/faults/build.sh with cc -shared -fPIC.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum fault_class {
	FC_MALLOC = 1 << 0,
	FC_CALLOC = 1 << 1,
	FC_REALLOC = 1 << 2,
	FC_WRITE = 1 << 3,
	FC_FSYNC = 1 << 4,
	FC_RENAME = 1 << 5,
	FC_OPEN = 1 << 6,
};

static int fault_ready;		/* configuration read; counting may start */
static int fault_off;		/* a forked child: pass everything through */
static unsigned fault_classes;
static unsigned long fault_nth, fault_from;
static int fault_errno = ENOSPC;
static unsigned long fault_delay_ms;
static char fault_path[512];
static char fault_count_file[1024];
static char fault_log_file[1024];
static unsigned long fault_calls;	/* watched calls seen (atomic) */
static unsigned long fault_hits;	/* faults injected (atomic) */
static __thread int fault_busy;	/* inside the shim: do not recurse */

/* glibc's own entry points: no dlsym() needed for the allocator. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOMEM", ENOMEM }, { "EROFS", EROFS },
	{ "EDQUOT", EDQUOT }, { "EPERM", EPERM }, { "EACCES", EACCES }, { "EFBIG", EFBIG },
	{ "EINTR", EINTR }, { "EAGAIN", EAGAIN }, { "EXDEV", EXDEV }, { "EBUSY", EBUSY },
};

static unsigned long
env_ulong(const char *name)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtoul(v, &end, 10);
	return *end == '\0' ? n : 0;
}

static void
env_copy(const char *name, char *out, size_t len)
{
	const char *v = getenv(name);

	snprintf(out, len, "%s", v ? v : "");
}

static unsigned
parse_classes(const char *v)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {
		{ "malloc", FC_MALLOC }, { "calloc", FC_CALLOC }, { "realloc", FC_REALLOC },
		{ "alloc", FC_MALLOC | FC_CALLOC | FC_REALLOC }, { "write", FC_WRITE },
		{ "fsync", FC_FSYNC }, { "rename", FC_RENAME }, { "open", FC_OPEN },
	};
	unsigned bits = 0;
	size_t i;

	while (v && *v) {
		size_t n = strcspn(v, ",");

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && strncmp(v, names[i].name, n) == 0)
				bits |= names[i].bits;
		v += n;
		if (*v == ',')
			v++;
	}
	return bits;
}

static void
fault_child(void)
{
	fault_off = 1;
}

static void
fault_report(void)
{
	char line[64];
	int fd, n;

	if (fault_off || fault_count_file[0] == '\0')
		return;
	fault_busy = 1;
	fd = open(fault_count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%lu %lu\n",
		     __atomic_load_n(&fault_calls, __ATOMIC_SEQ_CST),
		     __atomic_load_n(&fault_hits, __ATOMIC_SEQ_CST));
	if (real_write(fd, line, (size_t)n) < 0) {
		/* Nothing to do: the test sees no count and fails. */
	}
	close(fd);
}

/* The next definitions of the wrapped calls (libc, or a sanitizer runtime
 * loaded before us). Also called lazily: another library's constructor may
 * write before ours ran. */
static void
fault_resolve(void)
{
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	real_writev = (ssize_t (*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
	real_pwrite = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
	real_pwrite64 = (ssize_t (*)(int, const void *, size_t, off64_t))dlsym(RTLD_NEXT, "pwrite64");
	real_pwritev = (ssize_t (*)(int, const struct iovec *, int, off_t))dlsym(RTLD_NEXT, "pwritev");
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	real_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	real_renameat = (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
	real_renameat2 = (int (*)(int, const char *, int, const char *, unsigned))
		dlsym(RTLD_NEXT, "renameat2");
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_open64 = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open64");
	real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	real_openat64 = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat64");
}

__attribute__((constructor)) static void
fault_init(void)
{
	const char *v;
	size_t i;

	fault_busy = 1;
	fault_resolve();
	fault_classes = parse_classes(getenv("FAULT_FN"));
	fault_nth = env_ulong("FAULT_NTH");
	fault_from = env_ulong("FAULT_FROM");
	fault_delay_ms = env_ulong("FAULT_DELAY_MS");
	env_copy("FAULT_PATH", fault_path, sizeof(fault_path));
	env_copy("FAULT_COUNT", fault_count_file, sizeof(fault_count_file));
	env_copy("FAULT_LOG", fault_log_file, sizeof(fault_log_file));
	if ((v = getenv("FAULT_ERRNO")) != NULL && *v) {
		if (*v >= '0' && *v <= '9')
			fault_errno = (int)strtol(v, NULL, 10);
		for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
			if (strcmp(v, errno_names[i].name) == 0)
				fault_errno = errno_names[i].value;
	}
	/* Programs this one runs (git, an editor, the hook) start unfaulted. */
	unsetenv("LD_PRELOAD");
	pthread_atfork(NULL, NULL, fault_child);
	atexit(fault_report);
	fault_busy = 0;
	__atomic_store_n(&fault_ready, 1, __ATOMIC_SEQ_CST);
}

/* Does the file behind fd (or the path, when fd < 0) match FAULT_PATH? */
static int
path_matches(int fd, const char *path, char *seen, size_t len)
{
	char link[64];
	ssize_t n;

	seen[0] = '\0';
	if (fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, seen, len - 1);
		seen[n > 0 ? n : 0] = '\0';
	} else if (path) {
		snprintf(seen, len, "%s", path);
	}
	if (fault_path[0] == '\0')
		return 1;
	return strstr(seen, fault_path) != NULL;
}

static void
log_fault(const char *call, unsigned long nth, const char *path)
{
	char line[1200];
	int fd, n;

	if (fault_log_file[0] == '\0')
		return;
	fd = open(fault_log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %lu %d %s\n", call, nth, fault_errno, path);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (real_write(fd, line, (size_t)n) < 0) {
		/* A lost log line only weakens the test's own checks. */
	}
	close(fd);
}

/*
 * Count one call of class c and decide whether it fails. fd or path name
 * the file (fd -1 and path NULL for allocations). 1 = inject a fault.
 */
static int
fault_now(unsigned c, const char *call, int fd, const char *path, const char *path2)
{
	char seen[1024];
	unsigned long nth;
	int hit;

	if (!__atomic_load_n(&fault_ready, __ATOMIC_SEQ_CST) || fault_off || fault_busy ||
	    !(fault_classes & c))
		return 0;
	fault_busy = 1;
	if (c & (FC_MALLOC | FC_CALLOC | FC_REALLOC)) {
		seen[0] = '\0';
		hit = fault_path[0] == '\0';
	} else {
		hit = path_matches(fd, path, seen, sizeof(seen));
		if (!hit && path2)
			hit = path_matches(-1, path2, seen, sizeof(seen));
	}
	if (!hit) {
		fault_busy = 0;
		return 0;
	}
	nth = __atomic_add_fetch(&fault_calls, 1, __ATOMIC_SEQ_CST);
	hit = (fault_nth && nth == fault_nth) || (fault_from && nth >= fault_from);
	if (hit) {
		__atomic_add_fetch(&fault_hits, 1, __ATOMIC_SEQ_CST);
		log_fault(call, nth, seen);
	}
	fault_busy = 0;
	if (hit && fault_delay_ms) {
		struct timespec ts;

		ts.tv_sec = (time_t)(fault_delay_ms / 1000);
		ts.tv_nsec = (long)(fault_delay_ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		return 0;
	}
	return hit;
}

void *
malloc(size_t n)
{
	if (fault_now(FC_MALLOC, "malloc", -1, NULL, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	if (fault_now(FC_CALLOC, "calloc", -1, NULL, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees: never "fail" it, that would leak or double free. */
	if (n != 0 && fault_now(FC_REALLOC, "realloc", -1, NULL, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

#define FAIL_WITH(ret) do { errno = fault_errno; return (ret); } while (0)
#define RESOLVE(fn) do { if ((fn) == NULL) fault_resolve(); } while (0)

ssize_t
write(int fd, const void *p, size_t n)
{
	RESOLVE(real_write);
	if (fault_now(FC_WRITE, "write", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_write(fd, p, n);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	RESOLVE(real_writev);
	if (fault_now(FC_WRITE, "writev", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_writev(fd, iov, cnt);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	RESOLVE(real_pwrite);
	if (fault_now(FC_WRITE, "pwrite", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_pwrite(fd, p, n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off64_t off)
{
	RESOLVE(real_pwrite64);
	if (fault_now(FC_WRITE, "pwrite64", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_pwrite64(fd, p, n, off);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	RESOLVE(real_pwritev);
	if (fault_now(FC_WRITE, "pwritev", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_pwritev(fd, iov, cnt, off);
}

int
fsync(int fd)
{
	RESOLVE(real_fsync);
	if (fault_now(FC_FSYNC, "fsync", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	RESOLVE(real_fdatasync);
	if (fault_now(FC_FSYNC, "fdatasync", fd, NULL, NULL))
		FAIL_WITH(-1);
	return real_fdatasync(fd);
}

int
rename(const char *from, const char *to)
{
	RESOLVE(real_rename);
	if (fault_now(FC_RENAME, "rename", -1, to, from))
		FAIL_WITH(-1);
	return real_rename(from, to);
}

int
renameat(int dfrom, const char *from, int dto, const char *to)
{
	RESOLVE(real_renameat);
	if (fault_now(FC_RENAME, "renameat", -1, to, from))
		FAIL_WITH(-1);
	return real_renameat(dfrom, from, dto, to);
}

int
renameat2(int dfrom, const char *from, int dto, const char *to, unsigned flags)
{
	RESOLVE(real_renameat2);
	if (fault_now(FC_RENAME, "renameat2", -1, to, from))
		FAIL_WITH(-1);
	return real_renameat2(dfrom, from, dto, to, flags);
}

/* The mode argument exists only with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, mode) do { \
	if ((flags) & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	} \
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	RESOLVE(real_open);
	if (fault_now(FC_OPEN, "open", -1, path, NULL))
		FAIL_WITH(-1);
	return real_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	RESOLVE(real_open64);
	if (fault_now(FC_OPEN, "open64", -1, path, NULL))
		FAIL_WITH(-1);
	return real_open64(path, flags, mode);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	RESOLVE(real_openat);
	if (fault_now(FC_OPEN, "openat", -1, path, NULL))
		FAIL_WITH(-1);
	return real_openat(dfd, path, flags, mode);
}

int
openat64(int dfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	RESOLVE(real_openat64);
	if (fault_now(FC_OPEN, "openat64", -1, path, NULL))
		FAIL_WITH(-1);
	return real_openat64(dfd, path, flags, mode);
}
