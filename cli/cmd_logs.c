/* `runlayer logs`: read this machine's log files (~/.runlayer/logs and the
 * temp-directory fallback), filtered by time, level and command. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help logs_help = {
	"logs", "[--since DATE|DURATION] [--level LEVEL] [--command CMD] [--limit N] [--json]",
	"Show the events runlayer logged on this machine, oldest first.",
	"Reads the local log files (~/.runlayer/logs, or $RUNLAYER_HOME/logs, and the\n"
	"fallback <tmp>/runlayer-logs). --since takes a date (2026-03-25, local\n"
	"midnight), a time (2026-03-25T10:00, local, or with Z or an offset) or a\n"
	"duration back from now (90s, 30m, 2h, 7d, 1w). --level shows that level and\n"
	"above (debug, info, warning, error, critical). --command keeps one command's\n"
	"files (scan, schedule, setup-hooks…). --limit keeps the newest N events.\n"
	"The backend's audit log is not queried by this command."
};

struct line {
	time_t epoch;
	size_t file, no;	/* for a stable order */
	const char *command;
	struct log_entry en;
	char *raw;
};

static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->epoch != y->epoch)
		return x->epoch < y->epoch ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->no < y->no ? -1 : x->no > y->no;
}

/* --since: duration, date, local time or ISO time with a zone. */
static int
parse_since(const char *s, time_t now, time_t *out)
{
	struct tm tm;
	char *end;
	long long n;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t len = strlen(s);

	if (log_parse_time(s, out) == 0)
		return 0;
	if (isdigit((unsigned char)s[0]) && len <= 12) {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno == 0 && n >= 0 && n < 100000000 && end != s) {
			long long mult = 0;

			if (strcmp(end, "s") == 0) mult = 1;
			else if (strcmp(end, "m") == 0) mult = 60;
			else if (strcmp(end, "h") == 0) mult = 3600;
			else if (strcmp(end, "d") == 0) mult = 86400;
			else if (strcmp(end, "w") == 0) mult = 7 * 86400;
			if (mult) {
				*out = now - (time_t)(n * mult);
				return 0;
			}
		}
	}
	/* Local date or date and time without a zone. */
	if (len == 10 && sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
		;
	} else if ((len == 16 || len == 19) && (s[10] == 'T' || s[10] == ' ') &&
		   sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) == 3 &&
		   sscanf(s + 11, "%2d:%2d", &h, &mi) == 2 &&
		   (len == 16 || sscanf(s + 17, "%2d", &sec) == 1)) {
		;
	} else {
		return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60 || s[4] != '-' || s[7] != '-')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

/* "setup hooks" → "setup-hooks", as file names spell commands. */
static char *
command_key(const char *c)
{
	char *k = xstrdup(c), *p;

	for (p = k; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			*p = '-';
	}
	return k;
}

static void
add_dir(char ***dirs, size_t *n, char *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp((*dirs)[i], d) == 0) {
			free(d);
			return;
		}
	*dirs = xreallocarray(*dirs, *n + 1, sizeof(**dirs));
	(*dirs)[(*n)++] = d;
}

static cJSON *
entry_json(const struct line *l)
{
	cJSON *o = cJSON_CreateObject(), *fields;
	size_t i;

	cJSON_AddStringToObject(o, "time", l->en.time);
	cJSON_AddStringToObject(o, "level", l->en.level_name);
	cJSON_AddStringToObject(o, "event", l->en.event);
	cJSON_AddStringToObject(o, "command", l->command);
	fields = cJSON_AddObjectToObject(o, "fields");
	for (i = 0; i < l->en.n; i++)
		if (!cJSON_GetObjectItemCaseSensitive(fields, l->en.keys[i]))
			cJSON_AddStringToObject(fields, l->en.keys[i], l->en.values[i]);
	return o;
}

int
cmd_logs(int argc, char **argv)
{
	const char *since = NULL, *level = NULL, *command = NULL;
	long limit = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "since", &since, "WHEN", "events at or after a date, time or duration ago", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "level", &level, "LEVEL", "this level and above (default: all)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "command", &command, "CMD", "only the log files of this command", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 'n', "limit", &limit, "N", "only the newest N events (0: all)", 0, 1000000, NULL, 0, 0 },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct log_file *files = NULL;
	struct line *lines = NULL;
	struct err e = ERR_INIT;
	char **args, **dirs = NULL, *want_cmd = NULL;
	size_t n_files = 0, n_lines = 0, n_dirs = 0, i, j, bad = 0, first = 0;
	time_t since_t = 0;
	int nargs, min_level = 0, rc = EXIT_OK;

	if (opt_parse(opts, &logs_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &logs_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&logs_help, "unexpected argument");
	if (since && parse_since(since, time(NULL), &since_t) < 0)
		return opt_usage_error(&logs_help, "--since '%s' is not a date, time or duration "
				       "(2026-03-25, 2026-03-25T10:00, 2h, 7d)", since);
	if (level && (min_level = log_level_parse(level)) < 0)
		return opt_usage_error(&logs_help, "unknown level '%s' (debug, info, warning, "
				       "error, critical)", level);
	if (command)
		want_cmd = command_key(command);

	add_dir(&dirs, &n_dirs, log_default_dir(&e));
	{
		char *fb = log_fallback_dir();

		add_dir(&dirs, &n_dirs, xasprintf("%s-%lu", fb, (unsigned long)geteuid()));
		add_dir(&dirs, &n_dirs, fb);
	}
	for (i = 0; i < n_dirs; i++) {
		struct log_file *f;
		size_t n;

		if (log_list(dirs[i], &f, &n, &e) < 0) {
			out_warn("%s: %s, skipping", dirs[i], e.msg);
			continue;
		}
		files = xreallocarray(files, n_files + n + 1, sizeof(*files));
		if (n)
			memcpy(files + n_files, f, n * sizeof(*f));
		n_files += n;
		free(f);
	}
	for (i = 0; i < n_files; i++) {
		struct buf text = BUF_INIT;
		const char *p, *end;
		size_t no = 0;

		if (want_cmd && strcmp(files[i].name.command, want_cmd) != 0)
			continue;
		err_clear(&e);
		if (file_read(files[i].path, LOG_MAX_TOTAL + 1, 0, &text, NULL, &e) < 0) {
			out_warn("cannot read '%s': %s, skipping", files[i].path, e.msg);
			buf_release(&text);
			continue;
		}
		for (p = text.data, end = p + text.len; p < end; ) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			struct line l;

			no++;
			memset(&l, 0, sizeof(l));
			if (len && log_parse_line(p, len, &l.en) == 0) {
				if ((!since || l.en.epoch >= since_t) &&
				    (!min_level || l.en.level >= min_level)) {
					l.epoch = l.en.epoch;
					l.file = i;
					l.no = no;
					l.command = files[i].name.command;
					l.raw = xstrndup(p, len);
					lines = xreallocarray(lines, n_lines + 1, sizeof(*lines));
					lines[n_lines++] = l;
				} else {
					log_entry_release(&l.en);
				}
			} else if (len) {
				bad++;
			}
			p += len + 1;
		}
		buf_release(&text);
	}
	if (n_lines)
		qsort(lines, n_lines, sizeof(*lines), line_cmp);
	if (limit > 0 && (size_t)limit < n_lines)
		first = n_lines - (size_t)limit;
	if (bad)
		out_verbose("%zu lines were not log events and were skipped", bad);
	if (g_opts.json) {
		cJSON *root = cJSON_CreateObject(), *arr, *dl;
		char *text;

		cJSON_AddItemToObject(root, "schema", tree_new_integer(1));
		dl = cJSON_AddArrayToObject(root, "directories");
		for (i = 0; i < n_dirs; i++)
			cJSON_AddItemToArray(dl, cJSON_CreateString(dirs[i]));
		arr = cJSON_AddArrayToObject(root, "entries");
		for (j = first; j < n_lines; j++)
			cJSON_AddItemToArray(arr, entry_json(&lines[j]));
		text = tree_print(root, 1, 0);
		printf("%s\n", text);
		free(text);
		cJSON_Delete(root);
	} else {
		if (n_lines == 0 && !g_opts.quiet)
			fprintf(stderr, "%s: no log events%s in %s\n", prog_name,
				since || level || command ? " match" : "", dirs[0]);
		for (j = first; j < n_lines; j++)
			printf("[%s] %s\n", lines[j].command, lines[j].raw);
	}
	for (j = 0; j < n_lines; j++) {
		log_entry_release(&lines[j].en);
		free(lines[j].raw);
	}
	free(lines);
	log_files_free(files, n_files);
	for (i = 0; i < n_dirs; i++)
		free(dirs[i]);
	free(dirs);
	free(want_cmd);
	return rc;
}
