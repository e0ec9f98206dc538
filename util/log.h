/* Local log files (contract §2.4): one file per version, command and day
 * under ~/.runlayer/logs, bounded in age and total size, secrets redacted. */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Files are named runlayer-v<version, '.' → '-'>-<command>-<YYYY-MM-DD>.log
 * (local date), e.g. runlayer-v0-1-0-scan-2026-03-25.log, appended to, mode
 * 0600 in a 0700 directory. One line per event:
 *
 *   2026-03-25T10:15:00.123+01:00 INFO scan_done servers=3 home="/home/a b"
 *
 * ISO 8601 local time with its offset, the level, the event name, then
 * key=value pairs (keys never hold '='). A value is written bare when it
 * is printable ASCII without space, '"' or '\'; otherwise it is quoted with \" \\ \n \r
 * \t and \xHH escapes (control bytes, invalid UTF-8), so one event is
 * always one line.
 *
 * Secrets: there is no way to log a raw string. Every string value has a
 * kind that decides how it is redacted (parsers/redact.h) before it is
 * written:
 *   LOG_TEXT(k, s)    redact_arg("--<k>", s): a key that names a secret
 *                     (token, password, api_key…) hides the whole value;
 *                     otherwise token shapes (ghp_, sk-…, JWTs…), URL
 *                     credentials and query values, "Bearer x", NAME=VALUE
 *                     pairs with a secret name are replaced word by word.
 *                     Use it for paths, commands, messages.
 *   LOG_URL(k, s)     redact_url(s): userinfo removed, query values and
 *                     fragments replaced.
 *   LOG_SECRET(k, s)  redact_value(): only "<redacted:len=N>" is written
 *                     (or the value when it is a ${VAR} reference).
 *   LOG_INT(k, n)     a number.
 * Keys and event names must be string literals of [a-z0-9_.] (anything
 * else becomes '_'); they are never redacted, so never build them from
 * data. Values are capped at LOG_VALUE_MAX bytes after redaction.
 *
 * Libraries below cli/ do not log (they return errors); commands do.
 * Logging never fails the caller: write errors are counted, not reported.
 */

enum log_level {
	LOG_DEBUG = 10,
	LOG_INFO = 20,
	LOG_WARNING = 30,
	LOG_ERROR = 40,
	LOG_CRITICAL = 50,
};

enum log_kind { LOG_K_END = 0, LOG_K_INT, LOG_K_TEXT, LOG_K_URL, LOG_K_SECRET };

struct log_kv {
	enum log_kind kind;
	const char *key;
	const char *s;
	long long n;
};

#define LOG_INT(k, v)		{ LOG_K_INT, (k), NULL, (long long)(v) }
#define LOG_TEXT(k, v)		{ LOG_K_TEXT, (k), (v), 0 }
#define LOG_URL(k, v)		{ LOG_K_URL, (k), (v), 0 }
#define LOG_SECRET(k, v)	{ LOG_K_SECRET, (k), (v), 0 }
#define LOG_END			{ LOG_K_END, NULL, NULL, 0 }
/* A LOG_END-terminated array literal: log_info("x", LOG_KV(LOG_INT("n", 1))). */
#define LOG_KV(...)		((const struct log_kv[]){ __VA_ARGS__, LOG_END })

#define LOG_VALUE_MAX		4096
#define LOG_MAX_PAIRS		64
#define LOG_MAX_AGE_DAYS	14
#define LOG_MAX_TOTAL		(100ull * 1024 * 1024)
#define LOG_DIR_MAX_FILES	4096	/* log files considered in one directory */

struct log_config {
	const char *dir;		/* NULL: log_default_dir(), then log_fallback_dir() */
	const char *command;		/* "scan", "setup hooks" (→ "setup-hooks") */
	const char *version;		/* NULL: RUNLAYER_VERSION */
	time_t now;			/* 0: time(NULL) (tests pin it) */
	unsigned max_age_days;		/* 0: LOG_MAX_AGE_DAYS */
	unsigned long long max_total;	/* 0: LOG_MAX_TOTAL bytes */
	int level;			/* 0: $LOG_LEVEL, default LOG_INFO */
};

/*
 * Open (create) today's log file for c->command and clean the directory:
 * files of this naming scheme (any version or command) whose mtime is
 * older than max_age_days are deleted, then the oldest while the total size
 * exceeds max_total — never the file just opened. With c->dir NULL the
 * state directory's logs/ is tried first (created 0700), then
 * <$TMPDIR or /tmp>/runlayer-logs (or runlayer-logs-<uid> when that one
 * belongs to someone else). A directory must be a real directory owned by
 * us and not writable by others; the file must be a regular file owned by
 * us (opened with O_NOFOLLOW). Replaces a log already open. Returns 0, or
 * -ERR_* with e filled (logging then stays off; callers usually go on).
 */
int log_open(const struct log_config *c, struct err *e);
/* Close the log (no-op when none is open). */
void log_close(void);
/* Full path of the open log file, or NULL. Valid until log_close(). */
const char *log_path(void);
/* Lines that could not be written since log_open(). */
unsigned long log_write_errors(void);

/* Write one event when a log is open and level passes the threshold. kv
 * may be NULL or a LOG_END-terminated array (see LOG_KV). */
void log_emit(enum log_level level, const char *event, const struct log_kv *kv);
#define log_debug(ev, kv)	log_emit(LOG_DEBUG, (ev), (kv))
#define log_info(ev, kv)	log_emit(LOG_INFO, (ev), (kv))
#define log_warning(ev, kv)	log_emit(LOG_WARNING, (ev), (kv))
#define log_error(ev, kv)	log_emit(LOG_ERROR, (ev), (kv))

/* Append one formatted line (with '\n') to out: what log_emit writes.
 * ts is seconds + milliseconds, shown in local time with its offset. */
void log_format(struct buf *out, time_t ts, unsigned ms, enum log_level level,
		const char *event, const struct log_kv *kv);

/* "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL" (case-insensitive; WARN
 * and FATAL accepted) → level, or -1. */
int log_level_parse(const char *s);
const char *log_level_name(int level);

/* ~/.runlayer/logs (see util/state.h); new string or NULL with e filled. */
char *log_default_dir(struct err *e);
/* <$TMPDIR when absolute, else /tmp>/runlayer-logs. New string. */
char *log_fallback_dir(void);

/* ---- reading ---------------------------------------------------------- */

/* The parts of a log file name. */
struct log_name {
	char version[64];	/* "0-1-0" */
	char command[64];	/* "scan", "setup-hooks" */
	char date[11];		/* "2026-03-25" */
};

/* Split a file name of the scheme above; 0, or -1 when it is not one. */
int log_name_parse(const char *name, struct log_name *out);
/* The file name for version/command/date (command sanitised to
 * [a-z0-9_-], version '.' → '-'). New string. */
char *log_name_make(const char *version, const char *command, const char *date);

struct log_file {
	char *path;
	struct log_name name;
	time_t mtime;
	off_t size;
};

/*
 * List the log files (regular files of this naming scheme, symlinks
 * skipped) in dir, sorted by date then name; at most LOG_DIR_MAX_FILES.
 * A missing directory is an empty list. Returns 0 or -ERR_IO.
 */
int log_list(const char *dir, struct log_file **files, size_t *n, struct err *e);
void log_files_free(struct log_file *files, size_t n);

/* One parsed line. Strings are owned by the entry. */
struct log_entry {
	char *time;		/* as written */
	time_t epoch;		/* from time, UTC seconds */
	int level;		/* enum log_level, or -1 when unknown */
	char *level_name;
	char *event;
	size_t n;		/* pairs */
	char **keys;
	char **values;		/* unescaped */
};

/* Parse one line (without its '\n'). 0, or -1 when the line does not have
 * the shape above (the entry is then empty). Quoted values are unescaped;
 * a \xHH escape yields that byte. */
int log_parse_line(const char *line, size_t len, struct log_entry *out);
void log_entry_release(struct log_entry *en);

/* Parse an ISO 8601 time "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM|±HHMM)" into
 * UTC seconds. 0 or -1. */
int log_parse_time(const char *s, time_t *out);

#endif
