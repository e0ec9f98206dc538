/* Codex: hooks.json (or [hooks] in config.toml) plus the trust entries
 * Codex needs before it runs a user-level hook. */
#include "hooks/install_int.h"

#include "util/banned.h"

int
hook_run_codex(struct hook_ctx *x, const char *hooks_path)
{
	(void)x;
	(void)hooks_path;
	return 0;
}
