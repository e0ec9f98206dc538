/* Console output helpers: colour only on a TTY and never with NO_COLOR,
 * UTF-8 symbols with ASCII fallbacks, and a checked final flush. */
#include "cli/out.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opt.h"
#include "parsers/tree.h"
#include "util/banned.h"

const char *prog_name = "runlayer";

static int color_out, color_err, utf8 = 1;

void
out_init(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *cs;

	if (strcmp(g_opts.color, "always") == 0) {
		color_out = color_err = 1;
	} else if (strcmp(g_opts.color, "never") == 0 || (nc && *nc)) {
		color_out = color_err = 0;
	} else {
		const char *term = getenv("TERM");
		int dumb = term && strcmp(term, "dumb") == 0;

		color_out = !dumb && isatty(STDOUT_FILENO);
		color_err = !dumb && isatty(STDERR_FILENO);
	}
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	/* Restore the C locale for everything but the check above. */
	setlocale(LC_CTYPE, "C");
}

const char *
out_color(FILE *fp, enum out_color c)
{
	static const char *seq[] = { "\033[0m", "\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[2m" };
	int on = fp == stdout ? color_out : fp == stderr ? color_err : 0;

	return on ? seq[c] : "";
}

const char *out_sym_ok(void) { return utf8 ? "\xe2\x9c\x93" : "[ok]"; }
const char *out_sym_fail(void) { return utf8 ? "\xe2\x9c\x97" : "[error]"; }
const char *out_sym_warn(void) { return utf8 ? "\xe2\x9a\xa0" : "[warn]"; }

void
out_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s%s: ", out_color(stderr, OUT_RED), prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", out_color(stderr, OUT_RESET));
}

void
out_error_err(const struct err *e, const char *what)
{
	char msg[2048];

	err_format(e, msg, sizeof(msg));
	if (what)
		out_error("%s: %s", what, msg);
	else
		out_error("%s", msg);
}

void
out_warn(const char *fmt, ...)
{
	va_list ap;

	if (g_opts.quiet)
		return;
	/* Keep warnings after what stdout already said, also through pipes. */
	fflush(stdout);
	fprintf(stderr, "%s%s: warning: ", out_color(stderr, OUT_YELLOW), prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", out_color(stderr, OUT_RESET));
}

void
out_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!g_opts.verbose || g_opts.quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
out_json(cJSON *root)
{
	char *text = tree_print(root, 1, 0);

	printf("%s\n", text);
	free(text);
	cJSON_Delete(root);
}

cJSON *
out_json_doc(long long schema)
{
	cJSON *root = cJSON_CreateObject();

	cJSON_AddItemToObject(root, "schema", tree_new_integer(schema));
	return root;
}

int
out_finish(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		fprintf(stderr, "%s: cannot write to standard output: %s\n", prog_name,
			strerror(errno));
		return -1;
	}
	return 0;
}
