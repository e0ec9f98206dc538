/* `runlayer check-in`: send one device heartbeat (POST
 * /api/v1/ai-watch/check-in) for a feature and status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "discover/device.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help checkin_help = {
	"check-in", "[--feature F] [--status S] [--error-message TEXT] [options]",
	"Tell the backend this device is alive (a device heartbeat).",
	"Sends the device identity with a feature (detect, enforce, protect,\n"
	"sessions, skill_sync, daemon) and its status (ok, error, disabled,\n"
	"drifted). 'scan' checks in by itself after each run. A backend without\n"
	"check-ins (HTTP 404) is not an error. Transport faults are retried twice\n"
	"(after ~0.1 s and ~0.2 s); HTTP errors are not.\n"
	"Exit: 0 recorded (or not supported), 1 key refused, 3 failed."
};

int
cmd_checkin(int argc, char **argv)
{
	struct backend_flags f;
	const char *feature = "detect", *status = "ok", *error = NULL, *device_id = NULL,
		   *org_device_id = NULL, *username = NULL;
	const struct opt opts[] = {
		{ OPT_CHOICE, 0, "feature", &feature, "F", "feature checking in (default detect)", 0, 0, "detect|enforce|protect|sessions|skill_sync|daemon", 0, 0 },
		{ OPT_CHOICE, 0, "status", &status, "S", "its status (default ok)", 0, 0, "ok|error|disabled|drifted", 0, 0 },
		{ OPT_STRING, 0, "error-message", &error, "TEXT", "what went wrong (status error; up to 500 bytes)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "device-id", &device_id, "ID", "device id to report (wins over RUNLAYER_DEVICE_ID)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "org-device-id", &org_device_id, "ID", "MDM asset tag to report", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "username", &username, "USER", "user name to report (RUNLAYER_USERNAME)", 0, 0, NULL, 0, 0 },
		BACKEND_OPTS(f),
		OPT_COMMON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct backend b;
	struct device_opts dopts;
	struct device_info dev;
	struct api_result res;
	struct err e = ERR_INIT;
	cJSON *body = NULL;
	char **args, msg[1200];
	int nargs, rc;

	memset(&f, 0, sizeof(f));
	memset(&dev, 0, sizeof(dev));
	if (opt_parse(opts, &checkin_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &checkin_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&checkin_help, "unexpected argument");
	api_result_init(&res);
	rc = backend_open(&b, "check-in", &f, BACKEND_SCAN);
	if (rc != 0)
		goto out;
	backend_device_opts(&dopts, &b, &f);
	dopts.device_id = device_id;
	dopts.username = username;
	if (device_identify(&dopts, &dev, &e) < 0 && dev.device_id[0] == '\0') {
		backend_error(&b, "cannot identify this device: %s", err_format(&e, msg, sizeof(msg)));
		rc = EXIT_FAIL;
		goto out;
	}
	if ((rc = backend_http(&b, &f)) != 0)
		goto out;
	body = backend_check_in_payload(&dev, org_device_id, feature, status, error);
	api_check_in(&b.api, body, &res);
	switch (res.outcome) {
	case API_OK:
		log_info("check_in", LOG_KV(LOG_URL("host", b.cr.url), LOG_TEXT("feature", feature),
					    LOG_TEXT("status", status)));
		if (!g_opts.quiet)
			printf("%s Check-in recorded by %s (%s: %s)\n", out_sym_ok(), b.cr.url,
			       feature, status);
		rc = EXIT_OK;
		break;
	case API_NOT_FOUND:
		if (!g_opts.quiet)
			printf("%s does not take check-ins (HTTP 404, an older backend); nothing "
			       "recorded.\n", b.cr.url);
		rc = EXIT_OK;
		break;
	default:
		backend_error(&b, "%s", res.message);
		rc = backend_exit_code(res.outcome);
	}
out:
	cJSON_Delete(body);
	device_info_release(&dev);
	api_result_release(&res);
	backend_close(&b);
	return rc;
}
