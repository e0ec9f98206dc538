/* `runlayer version` / `--version`: "<prog> version <ver>" as the existing
 * CLI prints it. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "util/banned.h"

static const struct cmd_help help = {
	"version", "[options]", "Print the program version.", NULL
};

int
cmd_version(int argc, char **argv)
{
	static const struct opt opts[] = { OPT_COMMON, OPT_COMMON_JSON, { OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 } };
	char **args;
	int nargs;

	if (opt_parse(opts, &help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &help, opts);
		return EXIT_OK;
	}
	if (nargs > 0)
		return opt_usage_error(&help, "too many arguments");
	if (g_opts.json)
		printf("{\"name\": \"%s\", \"version\": \"%s\"}\n", prog_name, RUNLAYER_VERSION);
	else
		printf("%s version %s\n", prog_name, RUNLAYER_VERSION);
	return EXIT_OK;
}
