/* Unit tests for util/log: file names, line format and escaping, parsing
 * back, level threshold, age/size cleanup, permissions, fallback, and a
 * canary proving planted secrets never reach a log file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

#define GH	"ghp_Zq7CanaryAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define PW	"Zq7Hunter2CanaryPw"
#define TOK	"Zq7CanaryQueryTok"
#define SEC	"Zq7CanarySecretValue"
#define BEARER	"Zq7CanaryBearerXyz123"
#define APIKEY	"Zq7CanaryApiKey0123456789"
#define ANTH	"sk-ant-api03-Zq7Canary_abcdefghijklmnopqrstuvwxyz0123456789-AAAA"

static char tmpdir[256];

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;

	if (file_read(path, 1 << 24, 0, &b, NULL, &e) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void
touch(const char *dir, const char *name, size_t size, time_t mtime)
{
	char *p = path_join(dir, name);
	struct timespec ts[2];
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd >= 0) {
		if (size && ftruncate(fd, (off_t)size) < 0)
			perror("ftruncate");
		close(fd);
	}
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, p, ts, 0);
	free(p);
}

static int
exists(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	struct stat st;
	int r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static void
test_names(void)
{
	struct log_name ln;
	char *n;

	n = log_name_make("0.29.5", "scan", "2026-03-25");
	is_str(n, "runlayer-v0-29-5-scan-2026-03-25.log", "contract example name");
	ok(log_name_parse(n, &ln) == 0, "example parses");
	is_str(ln.version, "0-29-5", "version");
	is_str(ln.command, "scan", "command");
	is_str(ln.date, "2026-03-25", "date");
	free(n);
	n = log_name_make("0.1.0", "setup hooks", "2026-01-02");
	is_str(n, "runlayer-v0-1-0-setup-hooks-2026-01-02.log", "spaces become dashes");
	ok(log_name_parse(n, &ln) == 0 && strcmp(ln.command, "setup-hooks") == 0,
	   "dashed command parses");
	free(n);
	n = log_name_make("1.0", "../../etc/Passwd", "2026-01-02");
	ok(strchr(n, '/') == NULL, "no slash can reach a file name: %s", n);
	free(n);
	ok(log_name_parse("runlayer-v0-1-0-scan-2026-03-25.log.1", &ln) < 0, "suffix refused");
	ok(log_name_parse("runlayer-v0-1-0-2026-03-25.log", &ln) < 0, "no command refused");
	ok(log_name_parse("runlayer-vx-scan-2026-03-25.log", &ln) < 0, "no version refused");
	ok(log_name_parse("runlayer-v0-1-0-scan-2026-3-25.log", &ln) < 0, "bad date refused");
	ok(log_name_parse("other-v0-1-0-scan-2026-03-25.log", &ln) < 0, "other prefix refused");
	ok(log_name_parse("runlayer-v12-scan-2026-03-25.log", &ln) == 0 &&
	   strcmp(ln.version, "12") == 0, "one-part version");
}

static void
test_levels(void)
{
	is_int(log_level_parse("debug"), LOG_DEBUG, "debug");
	is_int(log_level_parse("INFO"), LOG_INFO, "INFO");
	is_int(log_level_parse("Warning"), LOG_WARNING, "Warning");
	is_int(log_level_parse("warn"), LOG_WARNING, "warn");
	is_int(log_level_parse("ERROR"), LOG_ERROR, "ERROR");
	is_int(log_level_parse("critical"), LOG_CRITICAL, "critical");
	is_int(log_level_parse("loud"), -1, "unknown level");
	is_int(log_level_parse(NULL), -1, "NULL level");
}

static void
test_format(void)
{
	struct buf b = BUF_INIT;
	struct log_entry en;
	const char *odd = "a b \"q\" back\\slash\nnl\ttab\x01 caf\xc3\xa9 bad\xff=eq";

	setenv("TZ", "UTC", 1);
	tzset();
	log_format(&b, 1774433700, 123, LOG_INFO, "scan_done",
		   LOG_KV(LOG_INT("servers", 3), LOG_TEXT("home", "/home/a b"),
			  LOG_TEXT("path", "/x/y.json"), LOG_TEXT("empty", "")));
	is_str(b.data, "2026-03-25T10:15:00.123+00:00 INFO scan_done servers=3 "
	       "home=\"/home/a b\" path=/x/y.json empty=\"\"\n", "line format (UTC)");
	buf_clear(&b);
	setenv("TZ", "IST-5:30", 1);
	tzset();
	log_format(&b, 1774433700, 5, LOG_WARNING, "Bad Event!", NULL);
	is_str(b.data, "2026-03-25T15:45:00.005+05:30 WARNING bad_event_\n",
	       "local time with offset; event sanitised");
	setenv("TZ", "UTC", 1);
	tzset();

	buf_clear(&b);
	log_format(&b, 0, 0, LOG_ERROR, "e", LOG_KV(LOG_TEXT("v", odd), LOG_TEXT("Key With-Dash", "x")));
	ok(strchr(b.data, '\n') == b.data + b.len - 1, "one event is one line");
	ok(strstr(b.data, "\\xff") != NULL, "invalid UTF-8 escaped");
	ok(strstr(b.data, "caf\xc3\xa9") != NULL, "valid UTF-8 kept");
	ok(strstr(b.data, "\\x01") != NULL, "control byte escaped");
	ok(strstr(b.data, " key_with_dash=x") != NULL, "key sanitised");
	ok(log_parse_line(b.data, b.len - 1, &en) == 0, "line parses back");
	is_int(en.n, 2, "two pairs");
	if (en.n == 2) {
		is_str(en.keys[0], "v", "key");
		is_str(en.values[0], odd, "value round-trips through escaping");
	}
	is_str(en.event, "e", "event");
	is_int(en.level, LOG_ERROR, "level");
	is_int(en.epoch, 0, "epoch");
	log_entry_release(&en);

	{
		char *big = xmalloc(LOG_VALUE_MAX * 2 + 1);

		memset(big, 'a', LOG_VALUE_MAX * 2);
		big[LOG_VALUE_MAX * 2] = '\0';
		buf_clear(&b);
		log_format(&b, 0, 0, LOG_INFO, "big", LOG_KV(LOG_TEXT("v", big)));
		ok(b.len < LOG_VALUE_MAX + 200, "long value capped (%zu bytes)", b.len);
		ok(strstr(b.data, "...[+4096 bytes]") != NULL, "truncation is marked");
		free(big);
	}
	buf_release(&b);

	ok(log_parse_line("garbage", 7, &en) < 0, "garbage refused");
	ok(log_parse_line("2026-03-25T10:15:00Z INFO ev k=\"open", 36, &en) < 0,
	   "unterminated quote refused");
	ok(log_parse_line("2026-03-25T10:15:00Z INFO ev k=v", 32, &en) == 0 && en.n == 1,
	   "Z time accepted");
	log_entry_release(&en);
}

static void
test_time(void)
{
	time_t t;

	ok(log_parse_time("2026-03-25T10:15:00.123+01:00", &t) == 0 && t == 1774430100,
	   "offset subtracted");
	ok(log_parse_time("2026-03-25T10:15:00Z", &t) == 0 && t == 1774433700, "Z");
	ok(log_parse_time("2026-03-25T10:15:00-0230", &t) == 0 && t == 1774442700,
	   "offset without colon");
	ok(log_parse_time("1969-12-31T23:59:59Z", &t) == 0 && t == -1, "before the epoch");
	ok(log_parse_time("2026-13-25T10:15:00Z", &t) < 0, "month 13 refused");
	ok(log_parse_time("2026-03-25T10:15:00", &t) < 0, "no zone refused");
	ok(log_parse_time("2026-03-25T10:15:00Zx", &t) < 0, "trailing text refused");
}

/* Planted secrets never reach the file; the rest of each line does. */
static void
test_canary(void)
{
	struct log_config c = { 0 };
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "canary"), *text;
	struct stat st;

	c.dir = dir;
	c.command = "scan";
	c.version = "0.1.0";
	ok(log_open(&c, &e) == 0, "open: %s", e.msg);
	ok(log_path() != NULL && strstr(log_path(), "/runlayer-v0-1-0-scan-") != NULL,
	   "path %s", log_path() ? log_path() : "(none)");
	log_info("canary", LOG_KV(LOG_TEXT("command", "npx server --token " GH " --port 8080"),
				 LOG_TEXT("args", "--api-key=" APIKEY),
				 LOG_TEXT("header", "Authorization: Bearer " BEARER),
				 LOG_TEXT("token", SEC),
				 LOG_TEXT("api_key", SEC),
				 LOG_TEXT("message", "failed with key " ANTH " at /srv/x.json"),
				 LOG_URL("url", "https://user:" PW "@mcp.example.com/sse?token=" TOK "&x=1"),
				 LOG_TEXT("endpoint", "connect https://u:" PW "@h.example/p?key=" TOK),
				 LOG_SECRET("secret", SEC),
				 LOG_SECRET("ref", "${GITHUB_TOKEN}")));
	log_error("second", LOG_KV(LOG_TEXT("env", "GITHUB_TOKEN=" GH)));
	text = slurp(log_path());
	log_close();
	ok(text != NULL, "log file readable");
	if (text) {
		ok(strstr(text, "Zq7") == NULL, "no canary byte sequence in the log");
		ok(strstr(text, "--port 8080") != NULL, "non-secret words kept");
		ok(strstr(text, "mcp.example.com/sse?token=<redacted>") != NULL, "URL kept, query redacted");
		ok(strstr(text, "/srv/x.json") != NULL, "path in message kept");
		ok(strstr(text, "secret=<redacted:len=20>") != NULL, "secret shows only its length");
		ok(strstr(text, "ref=${GITHUB_TOKEN}") != NULL || strstr(text, "ref=\"${GITHUB_TOKEN}\"") != NULL,
		   "a reference is not a secret");
		ok(strstr(text, " second ") != NULL, "second event written");
	}
	free(text);
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "directory 0700");
	{
		struct log_file *files;
		size_t n;

		ok(log_list(dir, &files, &n, &e) == 0 && n == 1, "one file listed");
		if (n == 1)
			ok(stat(files[0].path, &st) == 0 && (st.st_mode & 0777) == 0600, "file 0600");
		log_files_free(files, n);
	}
	free(dir);
}

static void
test_threshold(void)
{
	struct log_config c = { 0 };
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "level"), *text;

	c.dir = dir;
	c.command = "lvl";
	setenv("LOG_LEVEL", "warning", 1);
	ok(log_open(&c, &e) == 0, "open");
	log_debug("dbg_event", NULL);
	log_info("info_event", NULL);
	log_warning("warn_event", NULL);
	log_error("err_event", NULL);
	text = slurp(log_path());
	log_close();
	ok(text && !strstr(text, "dbg_event") && !strstr(text, "info_event"), "below WARNING dropped");
	ok(text && strstr(text, "warn_event") && strstr(text, "err_event"), "WARNING and up written");
	free(text);
	setenv("LOG_LEVEL", "nonsense", 1);
	ok(log_open(&c, &e) == 0, "open with a bad LOG_LEVEL");
	log_debug("dbg2", NULL);
	log_info("info2", NULL);
	text = slurp(log_path());
	log_close();
	ok(text && !strstr(text, "dbg2") && strstr(text, "info2"), "bad LOG_LEVEL means INFO");
	free(text);
	unsetenv("LOG_LEVEL");
	log_info("after_close", NULL);
	ok(log_path() == NULL, "closed log has no path");
	free(dir);
}

static void
test_cleanup(void)
{
	struct log_config c = { 0 };
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "clean"), *lnk;
	time_t now = 1774433700;	/* 2026-03-25 10:15 UTC */

	ok(file_mkdirs(dir, 0700, &e) == 0, "mkdir");
	touch(dir, "runlayer-v0-1-0-scan-2026-03-01.log", 10, now - 24 * 86400);
	touch(dir, "runlayer-v0-0-9-hook-2026-03-10.log", 10, now - 15 * 86400);
	touch(dir, "runlayer-v0-1-0-scan-2026-03-12.log", 10, now - 13 * 86400);
	touch(dir, "notes.txt", 10, now - 90 * 86400);
	touch(dir, "runlayer-v0-1-0-scan-2026-01-01.log.bak", 10, now - 90 * 86400);
	lnk = path_join(dir, "runlayer-v0-1-0-link-2026-01-01.log");
	if (symlink("/etc/hostname", lnk) < 0)
		perror("symlink");
	c.dir = dir;
	c.command = "scan";
	c.version = "0.1.0";
	c.now = now;
	ok(log_open(&c, &e) == 0, "open");
	log_close();
	ok(!exists(dir, "runlayer-v0-1-0-scan-2026-03-01.log"), "24-day-old file deleted");
	ok(!exists(dir, "runlayer-v0-0-9-hook-2026-03-10.log"), "15-day-old file of another version deleted");
	ok(exists(dir, "runlayer-v0-1-0-scan-2026-03-12.log"), "13-day-old file kept");
	ok(exists(dir, "notes.txt"), "unrelated file kept");
	ok(exists(dir, "runlayer-v0-1-0-scan-2026-01-01.log.bak"), "other suffix kept");
	ok(exists(dir, "runlayer-v0-1-0-link-2026-01-01.log"), "symlink left alone");
	ok(exists(dir, "runlayer-v0-1-0-scan-2026-03-25.log"), "current file created");

	/* Size: 4 files of 400 bytes and the 10-byte one, 1300-byte budget → oldest go. */
	touch(dir, "runlayer-v0-1-0-a-2026-03-20.log", 400, now - 5 * 86400);
	touch(dir, "runlayer-v0-1-0-b-2026-03-21.log", 400, now - 4 * 86400);
	touch(dir, "runlayer-v0-1-0-c-2026-03-22.log", 400, now - 3 * 86400);
	touch(dir, "runlayer-v0-1-0-scan-2026-03-25.log", 400, now - 10 * 86400);
	c.max_total = 1300;
	ok(log_open(&c, &e) == 0, "open with a small budget");
	log_close();
	ok(!exists(dir, "runlayer-v0-1-0-scan-2026-03-12.log"), "oldest deleted first");
	ok(!exists(dir, "runlayer-v0-1-0-a-2026-03-20.log"), "next oldest deleted");
	ok(exists(dir, "runlayer-v0-1-0-b-2026-03-21.log"), "newer kept once under budget");
	ok(exists(dir, "runlayer-v0-1-0-c-2026-03-22.log"), "newest kept");
	ok(exists(dir, "runlayer-v0-1-0-scan-2026-03-25.log"), "current file never deleted (though oldest)");
	c.max_total = 1;
	ok(log_open(&c, &e) == 0, "open with a 1-byte budget");
	log_close();
	ok(exists(dir, "runlayer-v0-1-0-scan-2026-03-25.log"), "current file survives alone");
	ok(!exists(dir, "runlayer-v0-1-0-c-2026-03-22.log"), "everything else deleted");
	free(lnk);
	free(dir);
}

static void
test_refusals(void)
{
	struct log_config c = { 0 };
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "open"), *lnk, *home, *tmp2, *file, *text;
	time_t now = 1774433700;

	file_mkdirs(dir, 0700, &e);
	chmod(dir, 0777);
	c.dir = dir;
	c.command = "scan";
	c.version = "0.1.0";
	c.now = now;
	ok(log_open(&c, &e) < 0, "world-writable directory refused");
	ok(log_path() == NULL, "no log open after a refusal");
	chmod(dir, 0700);
	lnk = path_join(dir, "runlayer-v0-1-0-scan-2026-03-25.log");
	if (symlink("/dev/null", lnk) < 0)
		perror("symlink");
	err_clear(&e);
	ok(log_open(&c, &e) < 0 && e.sys_errno == ELOOP, "symlinked log file refused");

	/* Fallback: the state directory cannot be created (its parent is a file). */
	home = path_join(tmpdir, "homefile");
	touch(tmpdir, "homefile", 0, now);
	file = path_join(home, "state");
	tmp2 = path_join(tmpdir, "tmp2");
	file_mkdirs(tmp2, 0700, &e);
	setenv("RUNLAYER_HOME", file, 1);
	setenv("TMPDIR", tmp2, 1);
	c.dir = NULL;
	err_clear(&e);
	ok(log_open(&c, &e) == 0, "fallback open: %s", e.msg);
	ok(log_path() && strncmp(log_path(), tmp2, strlen(tmp2)) == 0 &&
	   strstr(log_path(), "/runlayer-logs/") != NULL, "fallback in TMPDIR/runlayer-logs: %s",
	   log_path() ? log_path() : "(none)");
	log_info("fell_back", NULL);
	text = slurp(log_path());
	ok(text && strstr(text, "fell_back"), "fallback file written");
	free(text);
	log_close();
	/* RUNLAYER_HOME relocates the primary directory. */
	setenv("RUNLAYER_HOME", tmp2, 1);
	ok(log_open(&c, &e) == 0 && log_path() &&
	   strstr(log_path(), "tmp2/logs/runlayer-v0-1-0-scan-") != NULL,
	   "RUNLAYER_HOME/logs used: %s", log_path() ? log_path() : "(none)");
	log_close();
	setenv("RUNLAYER_HOME", "relative/dir", 1);
	setenv("HOME", tmp2, 1);
	ok(log_open(&c, &e) == 0 && log_path() &&
	   strstr(log_path(), "tmp2/.runlayer/logs/") != NULL,
	   "relative RUNLAYER_HOME ignored: %s", log_path() ? log_path() : "(none)");
	log_close();
	unsetenv("RUNLAYER_HOME");
	free(home);
	free(file);
	free(tmp2);
	free(lnk);
	free(dir);
}

static void
test_list_empty(void)
{
	struct log_file *files = NULL;
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "empty"), *missing = path_join(tmpdir, "missing");
	size_t n = 7;

	file_mkdirs(dir, 0700, &e);
	ok(log_list(dir, &files, &n, &e) == 0 && n == 0 && files == NULL, "empty directory: no files");
	n = 7;
	ok(log_list(missing, &files, &n, &e) == 0 && n == 0, "missing directory: no files");
	log_files_free(files, n);
	free(dir);
	free(missing);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_log.XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_names();
	test_levels();
	test_format();
	test_time();
	test_canary();
	test_threshold();
	test_cleanup();
	test_refusals();
	test_list_empty();
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
	}
	return tap_done();
}
