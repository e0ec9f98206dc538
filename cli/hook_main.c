/* runlayer-hook: `runlayer hook` alone, linked without libcurl and libgit2, so
 * each tool call only pays for loading cJSON, libyaml and SQLite. */
#include <signal.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/out.h"
#include "util/banned.h"

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	prog_name = "runlayer";
	/* Accept both "runlayer-hook hook --client X" and "runlayer-hook --client X". */
	if (argc > 1 && strcmp(argv[1], "hook") == 0) {
		argc--;
		argv++;
	}
	return cmd_hook(argc, argv);
}
