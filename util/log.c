/* Local log files: naming, age/size cleanup, one redacted line per event,
 * and the reader behind `runlayer logs`. */
#include "util/log.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parsers/redact.h"
#include "util/file.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LOG_PREFIX	"runlayer-v"

static struct {
	pthread_mutex_t lock;
	int fd;
	int level;
	char *path;
	unsigned long write_errors;
} logger = { PTHREAD_MUTEX_INITIALIZER, -1, LOG_INFO, NULL, 0 };

/* ---- names ------------------------------------------------------------- */

int
log_level_parse(const char *s)
{
	static const struct { const char *name; int level; } names[] = {
		{ "DEBUG", LOG_DEBUG }, { "INFO", LOG_INFO }, { "WARNING", LOG_WARNING },
		{ "WARN", LOG_WARNING }, { "ERROR", LOG_ERROR }, { "CRITICAL", LOG_CRITICAL },
		{ "FATAL", LOG_CRITICAL },
	};
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].level;
	return -1;
}

const char *
log_level_name(int level)
{
	switch (level) {
	case LOG_DEBUG: return "DEBUG";
	case LOG_INFO: return "INFO";
	case LOG_WARNING: return "WARNING";
	case LOG_ERROR: return "ERROR";
	case LOG_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

static int
is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; i < 10; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return 0;
	return 1;
}

int
log_name_parse(const char *name, struct log_name *out)
{
	size_t len = strlen(name), pl = strlen(LOG_PREFIX), vend, cstart, cend;
	const char *p;

	memset(out, 0, sizeof(*out));
	/* runlayer-v V -C -YYYY-MM-DD.log: at least "0" and one command byte. */
	if (len < pl + 1 + 1 + 1 + 1 + 10 + 4 || strncmp(name, LOG_PREFIX, pl) != 0 ||
	    strcmp(name + len - 4, ".log") != 0 || name[len - 15] != '-' ||
	    !is_date(name + len - 14))
		return -1;
	/* The version is dash-separated digit groups; the command follows. */
	p = name + pl;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (;;) {
		while (isdigit((unsigned char)*p))
			p++;
		if (*p != '-' || !isdigit((unsigned char)p[1]) || (size_t)(p - name) >= len - 15)
			break;
		p++;
	}
	if (*p != '-')
		return -1;
	vend = (size_t)(p - name);
	cstart = vend + 1;
	cend = len - 15;
	if (cstart >= cend || vend - pl >= sizeof(out->version) ||
	    cend - cstart >= sizeof(out->command))
		return -1;
	memcpy(out->version, name + pl, vend - pl);
	memcpy(out->command, name + cstart, cend - cstart);
	memcpy(out->date, name + len - 14, 10);
	return 0;
}

char *
log_name_make(const char *version, const char *command, const char *date)
{
	struct buf b = BUF_INIT;
	const char *p;

	buf_adds(&b, LOG_PREFIX);
	for (p = version; *p; p++)
		buf_addc(&b, *p == '.' ? '-' : isalnum((unsigned char)*p) ? *p : '-');
	buf_addc(&b, '-');
	for (p = command; *p && b.len < 200; p++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*p);

		buf_addc(&b, (isalnum(c) || c == '_' || c == '-') ? (char)c : '-');
	}
	if (*command == '\0')
		buf_adds(&b, "cli");
	buf_addf(&b, "-%s.log", date);
	return buf_detach(&b, NULL);
}

/* ---- formatting -------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t need, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (need > n)
		return 0;
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

static void
add_name(struct buf *out, const char *s)
{
	const char *p;

	if (s == NULL || *s == '\0') {
		buf_addc(out, '_');
		return;
	}
	for (p = s; *p && p - s < 64; p++) {
		unsigned char c = (unsigned char)*p;

		buf_addc(out, (islower(c) || isdigit(c) || c == '_' || c == '.') ? (char)c :
			 isupper(c) ? (char)tolower(c) : '_');
	}
}

static void
add_value(struct buf *out, const char *v)
{
	size_t len = strlen(v), i, cut = len;
	int bare = len > 0;

	if (len > LOG_VALUE_MAX) {
		cut = LOG_VALUE_MAX;
		/* Do not split a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)v[cut] & 0xc0) == 0x80)
			cut--;
		bare = 0;
	}
	for (i = 0; i < cut && bare; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
			bare = 0;
	}
	if (bare) {
		buf_add(out, v, cut);
		return;
	}
	buf_addc(out, '"');
	for (i = 0; i < cut; ) {
		unsigned char c = (unsigned char)v[i];
		size_t ul;

		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)c);
		} else if (c == '\n') {
			buf_adds(out, "\\n");
		} else if (c == '\r') {
			buf_adds(out, "\\r");
		} else if (c == '\t') {
			buf_adds(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			buf_addf(out, "\\x%02x", c);
		} else if (c >= 0x80) {
			ul = utf8_len((const unsigned char *)v + i, cut - i);
			if (ul == 0) {
				buf_addf(out, "\\x%02x", c);
			} else {
				buf_add(out, v + i, ul);
				i += ul;
				continue;
			}
		} else {
			buf_addc(out, (char)c);
		}
		i++;
	}
	if (cut < len)
		buf_addf(out, "...[+%zu bytes]", len - cut);
	buf_addc(out, '"');
}

/* The value as it may be written: redacted by kind. New string. */
static char *
redacted(const struct log_kv *kv)
{
	char *prev, *r;

	if (kv->s == NULL)
		return xstrdup("");
	switch (kv->kind) {
	case LOG_K_URL:
		return redact_url(kv->s);
	case LOG_K_SECRET:
		return redact_value(NULL, kv->s, 0);
	case LOG_K_TEXT:
	default:
		/* "--<key>" as the previous argument: a secret-named key hides
		 * the whole value, any other key leaves word-by-word redaction. */
		prev = xasprintf("--%s", kv->key ? kv->key : "value");
		r = redact_arg(prev, kv->s);
		free(prev);
		return r;
	}
}

static void
add_time(struct buf *out, time_t ts, unsigned ms)
{
	struct tm tm;
	char date[32], zone[8];

	if (localtime_r(&ts, &tm) == NULL) {
		buf_adds(out, "1970-01-01T00:00:00.000+00:00");
		return;
	}
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	buf_addf(out, "%s.%03u", date, ms % 1000);
	if (strlen(zone) == 5)
		buf_addf(out, "%.3s:%s", zone, zone + 3);
	else
		buf_adds(out, "+00:00");
}

void
log_format(struct buf *out, time_t ts, unsigned ms, enum log_level level, const char *event,
	   const struct log_kv *kv)
{
	int i;

	add_time(out, ts, ms);
	buf_addf(out, " %s ", log_level_name(level));
	add_name(out, event);
	for (i = 0; kv && kv[i].kind != LOG_K_END && i < LOG_MAX_PAIRS; i++) {
		buf_addc(out, ' ');
		add_name(out, kv[i].key);
		buf_addc(out, '=');
		if (kv[i].kind == LOG_K_INT) {
			buf_addf(out, "%lld", kv[i].n);
		} else {
			char *v = redacted(&kv[i]);

			add_value(out, v);
			free(v);
		}
	}
	buf_addc(out, '\n');
}

void
log_emit(enum log_level level, const char *event, const struct log_kv *kv)
{
	struct buf line = BUF_INIT;
	struct timespec now;
	const char *p;
	size_t left;

	pthread_mutex_lock(&logger.lock);
	if (logger.fd < 0 || (int)level < logger.level)
		goto out;
	clock_gettime(CLOCK_REALTIME, &now);
	log_format(&line, now.tv_sec, (unsigned)(now.tv_nsec / 1000000), level, event, kv);
	/* One write() per line: O_APPEND keeps lines of concurrent runs whole. */
	for (p = line.data, left = line.len; left > 0; ) {
		ssize_t w = write(logger.fd, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			logger.write_errors++;
			break;
		}
		p += w;
		left -= (size_t)w;
	}
out:
	pthread_mutex_unlock(&logger.lock);
	buf_release(&line);
}

/* ---- directories and cleanup ------------------------------------------ */

char *
log_default_dir(struct err *e)
{
	char *st = state_dir(e), *d;

	if (st == NULL)
		return NULL;
	d = path_join(st, "logs");
	free(st);
	return d;
}

char *
log_fallback_dir(void)
{
	const char *t = getenv("TMPDIR");

	return path_join(t && t[0] == '/' ? t : "/tmp", "runlayer-logs");
}

/* Create (0700) and open dir as a directory we own that nobody else may
 * write to. Returns the descriptor or -ERR_*. */
static int
open_dir(const char *dir, struct err *e)
{
	struct stat st;
	int fd, ret;

	if ((ret = file_mkdirs(dir, 0700, e)) < 0)
		return ret;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err_set_path(e, dir);
		return err_sys(e, ERR_IO, "cannot open log directory");
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		close(fd);
		err_set_path(e, dir);
		return err_set(e, ERR_INVALID,
			       "log directory is not ours or is writable by others");
	}
	return fd;
}

struct old_file {
	char *name;
	time_t mtime;
	unsigned long long size;
};

static int
old_cmp(const void *a, const void *b)
{
	const struct old_file *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Delete expired files, then the oldest while over max_total; never keep. */
static void
cleanup(int dfd, const char *keep, time_t now, unsigned max_age_days,
	unsigned long long max_total)
{
	struct old_file *files = NULL;
	unsigned long long total = 0;
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int fd2 = dup(dfd);

	if (fd2 < 0)
		return;
	if ((d = fdopendir(fd2)) == NULL) {
		close(fd2);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL && n < LOG_DIR_MAX_FILES) {
		struct log_name ln;
		struct stat st;

		if (log_name_parse(de->d_name, &ln) < 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (strcmp(de->d_name, keep) != 0 &&
		    st.st_mtime < now - (time_t)max_age_days * 86400) {
			unlinkat(dfd, de->d_name, 0);
			continue;
		}
		files = xreallocarray(files, n + 1, sizeof(*files));
		files[n].name = xstrdup(de->d_name);
		files[n].mtime = st.st_mtime;
		files[n].size = (unsigned long long)st.st_size;
		total += files[n].size;
		n++;
	}
	closedir(d);
	if (n)
		qsort(files, n, sizeof(*files), old_cmp);
	for (i = 0; i < n && total > max_total; i++) {
		if (strcmp(files[i].name, keep) == 0)
			continue;
		if (unlinkat(dfd, files[i].name, 0) == 0)
			total -= files[i].size;
	}
	for (i = 0; i < n; i++)
		free(files[i].name);
	free(files);
}

/* Open dir/name for appending: a regular file we own, mode 0600. */
static int
open_file(int dfd, const char *dir, const char *name, struct err *e)
{
	struct stat st;
	int fd;

	fd = openat(dfd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK, 0600);
	if (fd < 0) {
		char *p = path_join(dir, name);

		err_set_path(e, p);
		free(p);
		return err_sys(e, ERR_IO, "cannot open log file");
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		char *p = path_join(dir, name);

		close(fd);
		err_set_path(e, p);
		free(p);
		return err_set(e, ERR_INVALID, "log file is not a regular file of ours");
	}
	if ((st.st_mode & 07777) != 0600)
		fchmod(fd, 0600);
	/* Back to blocking writes (O_NONBLOCK only guarded the open). */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int
open_in(const char *dir, const char *name, const struct log_config *c, time_t now,
	struct err *e)
{
	int dfd, fd;

	if ((dfd = open_dir(dir, e)) < 0)
		return dfd;
	fd = open_file(dfd, dir, name, e);
	if (fd >= 0)
		cleanup(dfd, name, now, c->max_age_days ? c->max_age_days : LOG_MAX_AGE_DAYS,
			c->max_total ? c->max_total : LOG_MAX_TOTAL);
	close(dfd);
	return fd;
}

void
log_close(void)
{
	pthread_mutex_lock(&logger.lock);
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
	free(logger.path);
	logger.path = NULL;
	pthread_mutex_unlock(&logger.lock);
}

int
log_open(const struct log_config *c, struct err *e)
{
	time_t now = c->now ? c->now : time(NULL);
	char date[16], *name = NULL, *dir = NULL, *path = NULL;
	struct tm tm;
	int fd = -1, level = c->level, ret = 0;

	log_close();
	if (localtime_r(&now, &tm) == NULL)
		return err_set(e, ERR_INVALID, "cannot convert the time to a date");
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	name = log_name_make(c->version ? c->version : RUNLAYER_VERSION,
			     c->command ? c->command : "", date);
	if (c->dir) {
		dir = xstrdup(c->dir);
		fd = open_in(dir, name, c, now, e);
	} else {
		struct err e2 = ERR_INIT;

		dir = log_default_dir(&e2);
		if (dir)
			fd = open_in(dir, name, c, now, &e2);
		if (fd < 0) {
			free(dir);
			dir = log_fallback_dir();
			fd = open_in(dir, name, c, now, e);
			if (fd < 0) {
				char *alt = xasprintf("%s-%lu", dir, (unsigned long)geteuid());

				free(dir);
				dir = alt;
				err_clear(e);
				fd = open_in(dir, name, c, now, e);
			}
		}
	}
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	if (level <= 0) {
		level = log_level_parse(getenv("LOG_LEVEL"));
		if (level < 0)
			level = LOG_INFO;
	}
	path = path_join(dir, name);
	pthread_mutex_lock(&logger.lock);
	logger.fd = fd;
	logger.level = level;
	logger.path = path;
	logger.write_errors = 0;
	pthread_mutex_unlock(&logger.lock);
out:
	free(name);
	free(dir);
	return ret;
}

const char *
log_path(void)
{
	return logger.path;
}

unsigned long
log_write_errors(void)
{
	return logger.write_errors;
}

/* ---- reading ----------------------------------------------------------- */

static int
file_cmp(const void *a, const void *b)
{
	const struct log_file *x = a, *y = b;
	int c = strcmp(x->name.date, y->name.date);

	return c ? c : strcmp(x->path, y->path);
}

int
log_list(const char *dir, struct log_file **files, size_t *n, struct err *e)
{
	struct log_file *v = NULL;
	struct dirent *de;
	size_t k = 0;
	DIR *d;
	int dfd;

	*files = NULL;
	*n = 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		err_set_path(e, dir);
		return err_sys(e, ERR_IO, "cannot open log directory");
	}
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		err_set_path(e, dir);
		return err_sys(e, ERR_IO, "cannot read log directory");
	}
	while ((de = readdir(d)) != NULL && k < LOG_DIR_MAX_FILES) {
		struct log_name ln;
		struct stat st;

		if (log_name_parse(de->d_name, &ln) < 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k].path = path_join(dir, de->d_name);
		v[k].name = ln;
		v[k].mtime = st.st_mtime;
		v[k].size = st.st_size;
		k++;
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof(*v), file_cmp);
	*files = v;
	*n = k;
	return 0;
}

void
log_files_free(struct log_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
log_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;

	if (strlen(s) < 19 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.' || *p == ',') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(p, 2, &oh))
			return -1;
		p += 2;
		if (*p == ':')
			p++;
		if (digits(p, 2, &om))
			return -1;
		p += 2;
		if (oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	*out = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
			mi * 60 + sec - sign * (oh * 3600 + om * 60));
	return 0;
}

void
log_entry_release(struct log_entry *en)
{
	size_t i;

	free(en->time);
	free(en->level_name);
	free(en->event);
	for (i = 0; i < en->n; i++) {
		free(en->keys[i]);
		free(en->values[i]);
	}
	free(en->keys);
	free(en->values);
	memset(en, 0, sizeof(*en));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A space-free token at *p (advanced past it). */
static char *
token(const char **p, const char *end)
{
	const char *s = *p;

	while (*p < end && **p != ' ')
		(*p)++;
	return xstrndup(s, (size_t)(*p - s));
}

int
log_parse_line(const char *line, size_t len, struct log_entry *out)
{
	const char *p = line, *end = line + len;

	memset(out, 0, sizeof(*out));
	out->level = -1;
	out->time = token(&p, end);
	if (p >= end || log_parse_time(out->time, &out->epoch) < 0)
		goto bad;
	p++;
	out->level_name = token(&p, end);
	out->level = log_level_parse(out->level_name);
	if (p >= end || out->level_name[0] == '\0')
		goto bad;
	p++;
	out->event = token(&p, end);
	if (out->event[0] == '\0')
		goto bad;
	while (p < end) {
		struct buf v = BUF_INIT;
		const char *k;

		if (*p++ != ' ')
			goto bad;
		k = p;
		while (p < end && *p != '=' && *p != ' ')
			p++;
		if (p >= end || *p != '=' || p == k)
			goto bad;
		out->keys = xreallocarray(out->keys, out->n + 1, sizeof(*out->keys));
		out->values = xreallocarray(out->values, out->n + 1, sizeof(*out->values));
		out->keys[out->n] = xstrndup(k, (size_t)(p - k));
		out->values[out->n] = NULL;
		out->n++;
		p++;
		if (p < end && *p == '"') {
			p++;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end) {
					p++;
					switch (*p) {
					case 'n': buf_addc(&v, '\n'); break;
					case 'r': buf_addc(&v, '\r'); break;
					case 't': buf_addc(&v, '\t'); break;
					case 'x':
						if (p + 2 < end && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
							buf_addc(&v, (char)(hexval(p[1]) * 16 + hexval(p[2])));
							p += 2;
						} else {
							buf_addc(&v, 'x');
						}
						break;
					default: buf_addc(&v, *p); break;
					}
					p++;
				} else {
					buf_addc(&v, *p++);
				}
			}
			if (p >= end) {
				buf_release(&v);
				goto bad;
			}
			p++;
		} else {
			while (p < end && *p != ' ')
				buf_addc(&v, *p++);
		}
		out->values[out->n - 1] = buf_detach(&v, NULL);
	}
	return 0;
bad:
	log_entry_release(out);
	out->level = -1;
	return -1;
}
