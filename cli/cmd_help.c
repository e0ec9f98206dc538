/* `runlayer help [<command> [<verb>]]`: the same text as `<command> --help`,
 * on stdout, exit 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/out.h"
#include "util/xalloc.h"
#include "util/banned.h"

int
cmd_help(int argc, char **argv)
{
	const struct command *cmd;
	char **av;
	int i, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		commands_usage(stdout);
		return EXIT_OK;
	}
	cmd = command_find(argv[1]);
	if (cmd == NULL) {
		const char *s = command_suggest(argv[1]);

		out_error("no such command '%s'", argv[1]);
		if (s)
			fprintf(stderr, "\nThe most similar command is\n\t%s\n", s);
		return EXIT_USAGE;
	}
	/* Re-run the command as `<cmd> [<verb>…] --help`. */
	av = xcalloc((size_t)argc + 1, sizeof(*av));
	for (i = 1; i < argc; i++)
		av[i - 1] = argv[i];
	av[argc - 1] = (char *)"--help";
	rc = cmd->fn(argc, av);
	free(av);
	return rc;
}
