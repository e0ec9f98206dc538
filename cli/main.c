/* Program entry: picks the program name from argv[0] (runlayer or aiwatch),
 * handles root options and dispatches to a command. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "util/banned.h"

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	/* The hook runtime first and alone: it must start fast and print
	 * nothing but its client's reply (contract §1.1). */
	if (argc > 1 && strcmp(argv[1], "hook") == 0)
		return cmd_hook(argc - 1, argv + 1);
	if (argc > 0 && argv[0] && strncmp(base_name(argv[0]), "aiwatch", 7) == 0)
		prog_name = "aiwatch";
	out_init();

	if (argc < 2) {
		commands_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		commands_usage(stdout);
		return out_finish() ? EXIT_FAIL : EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0 ||
	    strcmp(argv[1], "-V") == 0)
		return cmd_version(1, argv + 1);
	if (argv[1][0] == '-') {
		out_error("unknown option '%s'", argv[1]);
		fprintf(stderr, "See '%s --help'.\n", prog_name);
		return EXIT_USAGE;
	}
	cmd = command_find(argv[1]);
	if (cmd == NULL) {
		const char *s = command_suggest(argv[1]);

		out_error("'%s' is not a %s command", argv[1], prog_name);
		if (s)
			fprintf(stderr, "\nThe most similar command is\n\t%s\n", s);
		fprintf(stderr, "See '%s --help'.\n", prog_name);
		return EXIT_USAGE;
	}
	rc = cmd->fn(argc - 1, argv + 1);
	if (out_finish() < 0 && rc == EXIT_OK)
		rc = EXIT_FAIL;
	return rc;
}
