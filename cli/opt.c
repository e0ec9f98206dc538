/* Option parsing and --help generation from a command's option table. */
#include "cli/opt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit.h"
#include "cli/out.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct global_opts g_opts = { 0, 0, 0, 0, "auto" };

int
opt_usage_error(const struct cmd_help *help, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (help && help->name)
		fprintf(stderr, "See '%s %s --help'.\n", prog_name, help->name);
	else
		fprintf(stderr, "See '%s --help'.\n", prog_name);
	return EXIT_USAGE;
}

static int
choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

static int
parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
apply(const struct opt *o, const struct cmd_help *help, const char *value, const char *shown)
{
	long v;

	switch (o->type) {
	case OPT_FLAG:
		*(int *)o->value = o->ival ? o->ival : 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->value = value;
		return 0;
	case OPT_LIST: {
		struct opt_list *l = o->value;

		l->items = xreallocarray(l->items, (size_t)l->n + 1, sizeof(*l->items));
		l->items[l->n++] = value;
		return 0;
	}
	case OPT_CHOICE:
		if (!choice_ok(o->choices, value)) {
			opt_usage_error(help, "invalid value '%s' for %s (expected %s)", value,
					shown, o->choices);
			return -1;
		}
		*(const char **)o->value = value;
		return 0;
	case OPT_INT:
		if (parse_long(value, &v) < 0) {
			opt_usage_error(help, "%s expects a whole number, not '%s'", shown, value);
			return -1;
		}
		if (v < o->min || v > o->max) {
			if (!(o->flags & OPT_CLAMP)) {
				opt_usage_error(help, "%s must be between %ld and %ld", shown,
						o->min, o->max);
				return -1;
			}
			v = v < o->min ? o->min : o->max;
		}
		*(long *)o->value = v;
		return 0;
	default:
		return 0;
	}
}

static int
takes_arg(const struct opt *o)
{
	return o->type == OPT_STRING || o->type == OPT_LIST || o->type == OPT_INT ||
	       o->type == OPT_CHOICE;
}

int
opt_parse(const struct opt *opts, const struct cmd_help *help, int argc, char **argv,
	  char ***args, int *nargs)
{
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	int n = 0, i, only_args = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o;
		char shown[128];

		if (only_args || a[0] != '-' || a[1] == '\0') {
			rest[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			for (o = opts; o->type != OPT_END; o++)
				if (o->long_name && strlen(o->long_name) == len &&
				    strncmp(o->long_name, name, len) == 0)
					break;
			if (o->type == OPT_END) {
				opt_usage_error(help, "unknown option '--%.*s'", (int)len, name);
				goto fail;
			}
			snprintf(shown, sizeof(shown), "--%s", o->long_name);
			if (takes_arg(o)) {
				const char *val;

				if (eq)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else {
					opt_usage_error(help, "option '%s' needs a value", shown);
					goto fail;
				}
				if (apply(o, help, val, shown) < 0)
					goto fail;
			} else {
				if (eq) {
					opt_usage_error(help, "option '%s' takes no value", shown);
					goto fail;
				}
				apply(o, help, NULL, shown);
			}
			continue;
		}
		/* A cluster of short options: -vq, -n, -Hvalue, -H value. */
		for (const char *c = a + 1; *c; c++) {
			for (o = opts; o->type != OPT_END; o++)
				if (o->short_name && o->short_name == *c)
					break;
			if (o->type == OPT_END) {
				opt_usage_error(help, "unknown option '-%c'", *c);
				goto fail;
			}
			snprintf(shown, sizeof(shown), "-%c", *c);
			if (takes_arg(o)) {
				const char *val;

				if (c[1])
					val = c + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else {
					opt_usage_error(help, "option '%s' needs a value", shown);
					goto fail;
				}
				if (apply(o, help, val, shown) < 0)
					goto fail;
				break;
			}
			apply(o, help, NULL, shown);
		}
	}
	*args = rest;
	*nargs = n;
	return 0;
fail:
	free(rest);
	*args = NULL;
	*nargs = 0;
	return -1;
}

void
opt_usage(FILE *fp, const struct cmd_help *help, const struct opt *opts)
{
	const struct opt *o;

	fprintf(fp, "usage: %s %s %s\n", prog_name, help->name, help->synopsis ? help->synopsis : "");
	if (help->summary)
		fprintf(fp, "\n%s\n", help->summary);
	if (help->description)
		fprintf(fp, "\n%s\n", help->description);
	fputs("\noptions:\n", fp);
	for (o = opts; o->type != OPT_END; o++) {
		struct buf b = BUF_INIT;

		if (o->flags & OPT_HIDDEN)
			continue;
		if (o->type == OPT_GROUP) {
			fprintf(fp, "\n%s:\n", o->help);
			continue;
		}
		buf_adds(&b, "  ");
		if (o->short_name)
			buf_addf(&b, "-%c%s", o->short_name, o->long_name ? ", " : "");
		else
			buf_adds(&b, "    ");
		if (o->long_name)
			buf_addf(&b, "--%s", o->long_name);
		if (takes_arg(o))
			buf_addf(&b, " %s", o->arg ? o->arg : "VALUE");
		if (b.len < 28)
			fprintf(fp, "%-28s%s", b.data, o->help);
		else
			fprintf(fp, "%s\n%-28s%s", b.data, "", o->help);
		if (o->type == OPT_INT && (o->flags & OPT_CLAMP))
			fprintf(fp, " (%ld-%ld)", o->min, o->max);
		fputc('\n', fp);
		buf_release(&b);
	}
}
