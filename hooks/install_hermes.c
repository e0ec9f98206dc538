/* Hermes: the hooks: block of config.yaml and the shell-hook allowlist. */
#include "hooks/install_int.h"

#include "util/banned.h"

int
hook_run_hermes(struct hook_ctx *x, const char *config_path)
{
	(void)x;
	(void)config_path;
	return 0;
}

int
hfile_yaml_edit(const struct hook_spec *s, const struct hook_wants *w, int check,
		const char *text, size_t len, int exists, struct buf *out,
		struct hook_file_report *fr, struct err *e)
{
	(void)s; (void)w; (void)check; (void)text; (void)len; (void)exists; (void)out; (void)fr; (void)e;
	return 0;
}
