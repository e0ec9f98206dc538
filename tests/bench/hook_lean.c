/* The hook runtime alone, for the benchmark: the same library code as
 * `runlayer hook`, linked without the libraries only other commands use
 * (libgit2, libcurl), to show what their loading costs every hook.
 * usage: hook_lean CLIENT MODE < event */
#include <stdlib.h>

#include "hooks/runtime.h"

int
main(int argc, char **argv)
{
	struct hook_run_opts o;

	if (argc < 3)
		return 64;
	hook_run_opts_init(&o);
	o.client = hook_client_parse(argv[1]);
	o.mode_set = policy_mode_parse(argv[2], &o.mode) == 0;
	o.watchdog = 1;
	return hook_run(&o);
}
