/* `runlayer enroll` / `aiwatch enroll`: exchange an MDM enrollment key for a
 * per-user API key (POST /api/v1/mdm/enroll) and save it for the host. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "discover/device.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help enroll_help = {
	"enroll", "[--host URL] [--enrollment-key -] [--username U] [--device-name N] [--force]",
	"Exchange an enrollment key for this user's API key.",
	"The enrollment key comes from --enrollment-key (\"-\" reads it from standard\n"
	"input), else RUNLAYER_ENROLLMENT_API_KEY, else the managed EnrollmentKey;\n"
	"without one there is nothing to do (exit 0). The host: --host,\n"
	"RUNLAYER_HOST, default_host, managed Host. The minted key is saved as the\n"
	"host's secret in ~/.runlayer/config.yaml. A host that already has a saved\n"
	"key is left alone unless --force is given, so repeated runs (a scheduled\n"
	"job) enroll once. Messages go to standard error.\n"
	"Exit: 0 enrolled or already enrolled, 1 the backend refused or could not be\n"
	"reached, 2 no host configured."
};

/* First usable of the candidates (placeholders and empty values skipped). */
static const char *
first(const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] && *v[i] && !config_is_placeholder(v[i]))
			return v[i];
	return NULL;
}

static void
touch_marker(const char *state_dir, const char *host_key)
{
	char *name = xasprintf(".enrolled-%s", host_key), *p = path_join(state_dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd >= 0) {
		futimens(fd, NULL);
		close(fd);
	}
	free(p);
	free(name);
}

int
cmd_enroll(int argc, char **argv)
{
	struct backend_flags f;
	const char *key_flag = NULL, *user_flag = NULL, *name_flag = NULL;
	int force = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 'k', "enrollment-key", &key_flag, "KEY", "enrollment key, or - to read it from standard input (RUNLAYER_ENROLLMENT_API_KEY)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 'H', "host", &f.host, "URL", "backend URL (RUNLAYER_HOST)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "username", &user_flag, "USER", "user to enroll (ENROLLMENT_USERNAME)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "device-name", &name_flag, "NAME", "device name (ENROLLMENT_DEVICE_NAME)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 'f', "force", &force, NULL, "enroll again even when a key is saved", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "ca-bundle", &f.ca_bundle, "PATH", "extra CA bundle (RUNLAYER_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "root", &f.root, "DIR", "read the managed configuration under DIR", 0, 0, NULL, 0, OPT_HIDDEN },
		{ OPT_CHOICE, 0, "os", &f.os, "OS", "managed configuration of this OS", 0, 0, "darwin|windows|linux", 0, OPT_HIDDEN },
		OPT_COMMON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct backend b;
	struct api_result res;
	struct device_opts dopts;
	struct device_info dev;
	struct buf stdin_key = BUF_INIT;
	struct err e = ERR_INIT;
	const char *key, *user, *dname;
	const cJSON *minted;
	char **args, msg[1200];
	int nargs, rc;

	memset(&f, 0, sizeof(f));
	memset(&dev, 0, sizeof(dev));
	if (opt_parse(opts, &enroll_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &enroll_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&enroll_help, "unexpected argument");
	api_result_init(&res);
	rc = backend_open(&b, "enroll", &f, BACKEND_HOST_ONLY | BACKEND_LOCK_CONFIG |
			  BACKEND_LOCAL_OK);
	if (rc == BACKEND_NO_HOST) {
		backend_error(&b, "no host configured (pass --host, set RUNLAYER_HOST, or push "
			      "MDM Host).");
		rc = EXIT_UNSUPPORTED;
		goto out;
	}
	if (rc != 0)
		goto out;
	if (key_flag && strcmp(key_flag, "-") == 0) {
		char tmp[512];
		ssize_t r;

		buf_init(&stdin_key, 4096);
		while ((r = read(STDIN_FILENO, tmp, sizeof(tmp))) > 0 &&
		       buf_add(&stdin_key, tmp, (size_t)r) == 0)
			;
		buf_setlen(&stdin_key, strcspn(stdin_key.data, "\r\n"));
		key_flag = stdin_key.data;
	}
	{
		const char *const keys[] = { key_flag, getenv("RUNLAYER_ENROLLMENT_API_KEY"),
					     managed_string(&b.mdm, "EnrollmentKey") };

		key = first(keys, 3);
	}
	if (key == NULL) {
		out_verbose("  no enrollment key (--enrollment-key, RUNLAYER_ENROLLMENT_API_KEY or "
			    "managed EnrollmentKey): nothing to do");
		rc = EXIT_OK;
		goto out;
	}
	b.cr.secret = xstrdup(key);	/* scrubbed from every message */
	if (config_secret(&b.cfg, b.cr.url) && !force) {
		fprintf(stderr, "Already enrolled for %s; pass --force to re-enroll.\n", b.cr.url);
		rc = EXIT_OK;
		goto out;
	}
	memset(&dopts, 0, sizeof(dopts));
	dopts.no_write = 1;
	dopts.os = f.os;
	dopts.root = f.root;
	device_identify(&dopts, &dev, &e);
	{
		const char *const users[] = { user_flag, managed_string(&b.mdm, "Username"),
					      getenv("ENROLLMENT_USERNAME"),
					      getenv("RUNLAYER_ENROLLMENT_USERNAME"), dev.username };
		const char *const names[] = { name_flag, managed_string(&b.mdm, "DeviceName"),
					      getenv("ENROLLMENT_DEVICE_NAME"),
					      getenv("RUNLAYER_ENROLLMENT_DEVICE_NAME"), dev.hostname };

		user = first(users, 5);
		dname = first(names, 5);
	}
	if ((rc = backend_http(&b, &f)) != 0)
		goto out;
	api_enroll(&b.api, key, user, dname, &res);
	if (res.outcome != API_OK) {
		log_error("enrollment_failed", LOG_KV(LOG_URL("host", b.cr.url),
						      LOG_INT("status", res.status)));
		backend_error(&b, "%s", res.message);
		rc = EXIT_FAIL;
		goto out;
	}
	minted = cJSON_GetObjectItemCaseSensitive(res.json, "api_key");
	if (config_set_secret(&b.cfg, b.cr.url, minted->valuestring, &e) < 0 ||
	    config_save(&b.cfg, &e) < 0) {
		backend_error(&b, "enrolled, but cannot save the key: %s",
			      err_format(&e, msg, sizeof(msg)));
		rc = EXIT_FAIL;
		goto out;
	}
	touch_marker(b.state_dir, b.cr.host_key);
	log_info("enrolled", LOG_KV(LOG_URL("host", b.cr.url)));
	fprintf(stderr, "Enrollment successful. API key saved to config file for %s.\n", b.cr.url);
	rc = EXIT_OK;
out:
	if (stdin_key.cap)
		memset(stdin_key.data, 0, stdin_key.cap);
	buf_release(&stdin_key);
	device_info_release(&dev);
	api_result_release(&res);
	backend_close(&b);
	return rc;
}
