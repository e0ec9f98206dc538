/* `runlayer debug parse`: parse a config file with the project's parsers
 * and print the tree as JSON (or toml-test tagged JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/banned.h"

static const struct cmd_help parse_help = {
	"debug parse", "[--format json|jsonc|toml|yaml] [--tagged] [--compact] FILE",
	"Parse FILE with the project's parsers and print the resulting tree as JSON.",
	"The format is guessed from the file name when --format is not given\n"
	"(.toml, .yaml/.yml, .jsonc; anything else is read as JSONC). Errors are\n"
	"printed as FILE:LINE:COL: message. '-' reads standard input."
};

static int
debug_parse(int argc, char **argv)
{
	const char *format = NULL;
	int tagged = 0, compact = 0;
	const struct opt opts[] = {
		{ OPT_CHOICE, 'f', "format", &format, "FMT", "input format: json, jsonc, toml or yaml", 0, 0, "json|jsonc|toml|yaml|yml", 0, 0 },
		{ OPT_FLAG, 0, "tagged", &tagged, NULL, "print scalars as {\"type\",\"value\"} (toml-test encoding)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "compact", &compact, NULL, "print on one line", 0, 0, NULL, 0, 0 },
		OPT_COMMON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct err e = ERR_INIT;
	enum tree_format fmt;
	cJSON *tree = NULL;
	char **args, *text;
	int nargs, r;

	if (opt_parse(opts, &parse_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	if (g_opts.help) {
		free(args);
		opt_usage(stdout, &parse_help, opts);
		return EXIT_OK;
	}
	if (nargs != 1) {
		free(args);
		return opt_usage_error(&parse_help, nargs ? "too many arguments" : "missing FILE");
	}
	fmt = format ? tree_format_from_string(format) : TREE_FMT_UNKNOWN;
	if (strcmp(args[0], "-") == 0) {
		struct buf b = BUF_INIT;
		char chunk[65536];
		size_t n;

		buf_init(&b, tree_limits_default.max_bytes + 1);
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_add(&b, chunk, n) < 0)
				break;
		r = tree_parse(b.data, b.len, fmt == TREE_FMT_UNKNOWN ? TREE_FMT_JSONC : fmt,
			       NULL, &tree, &e);
		err_set_path(&e, "<stdin>");
		buf_release(&b);
	} else {
		r = tree_parse_file(args[0], fmt, NULL, &tree, &e);
	}
	free(args);
	if (r < 0) {
		char msg[2048];

		fprintf(stderr, "%s\n", err_format(&e, msg, sizeof(msg)));
		return r == -ERR_NOTFOUND || r == -ERR_IO || r == -ERR_SKIP ? EXIT_NOINPUT
									  : EXIT_DATAERR;
	}
	text = tree_print(tree, !compact, tagged);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(tree);
	return EXIT_OK;
}

static const struct subcommand debug_verbs[] = {
	{ "parse", debug_parse, "parse a config file and print its tree" },
	{ NULL, NULL, NULL }
};

int
cmd_debug(int argc, char **argv)
{
	return subcommand_run("debug", debug_verbs, argc, argv);
}
