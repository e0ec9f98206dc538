/* Opening the inventory database (path, mode, WAL, busy handling, schema)
 * and writing to it: one transaction per scan, audit events. */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define STORE_DEFAULT_TIMEOUT_MS 30000

/* ---- time ------------------------------------------------------------- */

void
store_time_format(const struct timespec *t, char out[STORE_TIME_LEN + 1])
{
	struct tm tm;
	time_t sec = t->tv_sec;

	if (gmtime_r(&sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	/* Bounded fields, so the text is always STORE_TIME_LEN characters. */
	snprintf(out, STORE_TIME_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		 (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
		 (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
		 (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u,
		 (unsigned)(t->tv_nsec / 1000000) % 1000u);
}

void
store_now(char out[STORE_TIME_LEN + 1])
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	store_time_format(&t, out);
}

static int
digits(const char **p, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant). */
static long long
days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
store_time_parse(const char *text, char out[STORE_TIME_LEN + 1], struct err *e)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = text;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	long ms = 0;
	struct timespec t;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) < 0)
				goto bad;
			if (*p == '.') {
				long scale = 100;

				p++;
				if (*p < '0' || *p > '9')
					goto bad;
				for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
					ms += (*p - '0') * scale;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			goto bad;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0 ||
			    oh > 23 || om > 59)
				goto bad;
		}
	}
	if (*p != '\0')
		goto bad;
	t.tv_sec = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
			    sign * (oh * 3600 + om * 60));
	t.tv_nsec = ms * 1000000;
	store_time_format(&t, out);
	return 0;
bad:
	return err_set(e, ERR_INVALID, "invalid date '%s' (expected YYYY-MM-DD or "
		       "YYYY-MM-DDTHH:MM:SSZ)", text);
}

/* ---- connection helpers ----------------------------------------------- */

/*
 * The errno behind an I/O error. SQLite records it for statements
 * (sqlite3_system_errno) but not for a failed COMMIT, where the write or
 * sync of the WAL failed: ask the WAL, then the database file, for the last
 * errno their VFS saw. 0 when unknown.
 */
static int
io_errno(sqlite3 *db)
{
	sqlite3_file *f = NULL;
	int n = sqlite3_system_errno(db);

	if (n != 0)
		return n;
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) == SQLITE_OK &&
	    f != NULL && f->pMethods != NULL &&
	    f->pMethods->xFileControl(f, SQLITE_FCNTL_LAST_ERRNO, &n) == SQLITE_OK && n != 0)
		return n;
	n = 0;
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &n) != SQLITE_OK)
		n = 0;
	return n;
}

int
store_sql_err(struct store *s, struct err *e, const char *what)
{
	/* Extended result codes are on: compare the primary code. */
	int rc = sqlite3_errcode(s->db) & 0xff, sys;
	char msg[256];

	/* Copied first: the file controls below may replace the message. */
	snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(s->db));
	err_set_path(e, s->path);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return err_set(e, ERR_INVALID, "%s: %s; the file is left as it is: move it "
			       "aside to start a new inventory, or restore a backup", what, msg);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return err_set(e, ERR_IO, "%s: %s (another process kept it busy for %d.%d s; "
			       "nothing was written: try again)", what, msg, s->timeout_ms / 1000,
			       s->timeout_ms % 1000 / 100);
	/* "disk I/O error" alone does not say whether the disk is full. */
	if ((rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN) && (sys = io_errno(s->db)) != 0) {
		errno = sys;
		return err_sys(e, ERR_IO, "%s: %s", what, msg);
	}
	return err_set(e, ERR_IO, "%s: %s", what, msg);
}

int
store_exec(struct store *s, const char *sql, struct err *e)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_err(s, e, "inventory database");
	return 0;
}

int
store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_sql_err(s, e, "inventory database");
	}
	return 0;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

char *
store_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static long long
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - since->tv_sec) * 1000 +
	       (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Jitter in [0, n]: xorshift seeded per process (no need for quality). */
static long
jitter(long n)
{
	static unsigned long long x;

	if (x == 0) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		x = ((unsigned long long)getpid() << 32) ^ (unsigned long long)t.tv_nsec ^ 0x9e3779b97f4a7c15ULL;
	}
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return n > 0 ? (long)(x % (unsigned long long)(n + 1)) : 0;
}

/*
 * Wait for a lock in short, jittered steps (not SQLite's fixed schedule,
 * which lets many writers wake in lockstep) until the timeout.
 */
static int
busy_handler(void *arg, int count)
{
	struct store *s = arg;
	long cap, us;

	if (count == 0)
		clock_gettime(CLOCK_MONOTONIC, &s->busy_start);
	if (elapsed_ms(&s->busy_start) >= s->timeout_ms)
		return 0;
	cap = count < 5 ? 500L << count : 20000;
	us = cap / 2 + jitter(cap / 2);
	sleep_us(us);
	return 1;
}

int
store_begin(struct store *s, int immediate, struct err *e)
{
	struct timespec start;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		rc = sqlite3_exec(s->db, immediate ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		/* The handler gave up early (recovery, a lock it cannot wait
		 * on): keep trying until our own deadline. */
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (elapsed_ms(&start) >= s->timeout_ms)
			break;
		sleep_us(2000 + jitter(8000));
	}
	return store_sql_err(s, e, "cannot start a transaction");
}

int
store_commit(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int ret = store_sql_err(s, e, "cannot commit");

		store_rollback(s);
		return ret;
	}
	return 0;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- opening ---------------------------------------------------------- */

static char *
env_abs(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? xstrdup(v) : NULL;
}

char *
store_default_path(struct err *e)
{
	char *p, *home;
	const char *h;

	if ((p = env_abs("RUNLAYER_DB")) != NULL)
		return p;
	if ((home = env_abs("RUNLAYER_HOME")) != NULL) {
		p = path_join(home, "inventory.db");
		free(home);
		return p;
	}
	h = getenv("HOME");
	if (h == NULL || h[0] != '/') {
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 || res == NULL ||
		    res->pw_dir == NULL || res->pw_dir[0] != '/') {
			err_set(e, ERR_NOTFOUND, "no home directory: set HOME or RUNLAYER_DB");
			return NULL;
		}
		return path_join(res->pw_dir, ".runlayer/inventory.db");
	}
	return path_join(h, ".runlayer/inventory.db");
}

/* Create the file 0600 (parents 0700) or check the existing one: a regular
 * file, never a symlink, not readable by others. */
static int
prepare_file(const char *path, unsigned flags, struct err *e)
{
	struct stat st;
	int fd, ret = 0;

	if (flags & STORE_CREATE) {
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = '\0';
			ret = file_mkdirs(dir, 0700, e);
		}
		free(dir);
		if (ret < 0)
			return ret;
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	} else {
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	}
	err_set_path(e, path);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(e, ERR_NOTFOUND, "no inventory database (run 'runlayer scan' first)");
		if (errno == ELOOP)
			return err_set(e, ERR_INVALID, "is a symbolic link; refusing to open it");
		return err_sys(e, ERR_IO, "cannot open inventory database");
	}
	if (fstat(fd, &st) < 0) {
		ret = err_sys(e, ERR_IO, "cannot stat inventory database");
	} else if (!S_ISREG(st.st_mode)) {
		ret = err_set(e, ERR_INVALID, "inventory database is not a regular file");
	} else if ((st.st_mode & 077) && st.st_uid == geteuid() && fchmod(fd, 0600) < 0) {
		ret = err_sys(e, ERR_IO, "cannot make inventory database private");
	}
	close(fd);
	if (ret == 0)
		err_clear(e);
	return ret;
}

/* RUNLAYER_DB_TIMEOUT_MS (1..600000) when set, for tests and slow disks. */
static int
default_timeout_ms(void)
{
	const char *v = getenv("RUNLAYER_DB_TIMEOUT_MS");
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return STORE_DEFAULT_TIMEOUT_MS;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 600000)
		return STORE_DEFAULT_TIMEOUT_MS;
	return (int)n;
}

int
store_open(const char *path, unsigned flags, int timeout_ms, struct store **out,
	   struct err *e)
{
	struct store *s;
	sqlite3_stmt *st = NULL;
	int ret, oflags = SQLITE_OPEN_READWRITE;

	*out = NULL;
	if ((ret = prepare_file(path, flags, e)) < 0)
		return ret;
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : default_timeout_ms();
#ifdef SQLITE_OPEN_NOFOLLOW
	oflags |= SQLITE_OPEN_NOFOLLOW;
#endif
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		ret = store_sql_err(s, e, "cannot open inventory database");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_handler, s);
	/* A tampered file must not run code through views or triggers. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
#endif
	/* WAL: readers never block the writer and a killed writer leaves the
	 * last committed state. Switching needs a lock: retry while busy. */
	{
		struct timespec start;

		clock_gettime(CLOCK_MONOTONIC, &start);
		for (;;) {
			int rc;

			ret = store_prepare(s, "PRAGMA journal_mode = WAL", &st, e);
			if (ret < 0)
				goto fail;
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			st = NULL;
			if (rc == SQLITE_ROW)
				break;
			if ((rc & 0xff) != SQLITE_BUSY || elapsed_ms(&start) >= s->timeout_ms) {
				ret = store_sql_err(s, e, "cannot open inventory database");
				goto fail;
			}
			sleep_us(2000 + jitter(8000));
		}
	}
	ret = store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", e);
	if (ret < 0)
		goto fail;
	ret = store_migrate(s, e);
	if (ret < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return ret;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return s->version;
}

const char *
store_submission_name(enum store_submission st)
{
	switch (st) {
	case STORE_SUB_PENDING: return "pending";
	case STORE_SUB_SUBMITTED: return "submitted";
	case STORE_SUB_FAILED: return "failed";
	case STORE_SUB_UNSUPPORTED: return "unsupported";
	default: return "local";
	}
}
