/* `runlayer logout`: remove the saved key of a backend from config.yaml
 * (--all: the host entry with its org API keys too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help logout_help = {
	"logout", "[--host URL] [--all]",
	"Remove the saved API key of a backend from ~/.runlayer/config.yaml.",
	"Without --host, the default host. The host's org API keys stay unless\n"
	"--all is given, which removes the whole host entry (and default_host\n"
	"when it names that host). Other hosts and unknown settings are kept."
};

int
cmd_logout(int argc, char **argv)
{
	struct backend_flags f;
	int all = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 'H', "host", &f.host, "URL", "backend URL (RUNLAYER_HOST; default: default_host)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "all", &all, NULL, "also remove the host's org API keys and its entry", 0, 0, NULL, 0, 0 },
		OPT_COMMON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct backend b;
	struct err e = ERR_INIT;
	char **args, msg[1200], *marker, *name;
	int nargs, rc, removed, org_left;

	memset(&f, 0, sizeof(f));
	if (opt_parse(opts, &logout_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &logout_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&logout_help, "unexpected argument");
	rc = backend_open(&b, "logout", &f, BACKEND_HOST_ONLY | BACKEND_LOCK_CONFIG |
			  BACKEND_LOCAL_OK);
	if (rc == BACKEND_NO_HOST) {
		if (!g_opts.quiet)
			printf("Not logged in: no host is configured.\n");
		rc = EXIT_OK;
		goto out;
	}
	if (rc != 0)
		goto out;
	org_left = config_org_keys(&b.cfg, b.cr.url) != NULL && !all;
	removed = config_forget(&b.cfg, b.cr.url, all);
	name = xasprintf(".enrolled-%s", b.cr.host_key);
	marker = path_join(b.state_dir, name);
	unlink(marker);
	free(marker);
	free(name);
	if (!removed) {
		if (!g_opts.quiet)
			printf("Not logged in to %s: no saved key to remove.\n", b.cr.url);
		goto out;
	}
	if (config_save(&b.cfg, &e) < 0) {
		backend_error(&b, "cannot update %s", err_format(&e, msg, sizeof(msg)));
		rc = EXIT_FAIL;
		goto out;
	}
	log_info("logout", LOG_KV(LOG_URL("host", b.cr.url), LOG_INT("all", all)));
	if (!g_opts.quiet) {
		printf("%s Logged out of %s: %s removed from %s\n", out_sym_ok(), b.cr.url,
		       all ? "the host entry and its keys" : "the saved key", b.cfg.path);
		if (org_left)
			printf("Its org API keys are kept; '%s logout --all' removes them too.\n",
			       prog_name);
	}
out:
	backend_close(&b);
	return rc;
}
