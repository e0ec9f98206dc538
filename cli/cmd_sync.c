/* `runlayer sync`: deliver the scans waiting in the submission spool (after
 * a failed submission) and the hook events queued by `runlayer hook`, or
 * list the scans with --list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "discover/device.h"
#include "hooks/queue.h"
#include "net/spool.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_help sync_help = {
	"sync", "[--list] [--host URL] [--db PATH] [options]",
	"Send the queued scans and hook events to the backend.",
	"A scan whose submission failed (network, TLS, the backend) stays queued in\n"
	"the local inventory database and goes out, oldest first, with the next\n"
	"successful submission; 'sync' sends the queue now. Each queued scan keeps\n"
	"the idempotency key of its first attempt, so a resend is never counted\n"
	"twice. --list shows the queue (and scans the backend refused for good)\n"
	"without sending anything. The hook events recorded by 'runlayer hook'\n"
	"(decisions, and with --all-events the session timeline; secrets redacted)\n"
	"are queued on disk and sent by 'sync' and by each submitted scan, oldest\n"
	"first; an event stays queued until the backend accepts it.\n"
	"Exit codes as for 'scan': 0 sent (or nothing to\n"
	"send, or another scan or sync is running), 1 credentials refused, 2 the\n"
	"backend lacks the endpoint, 3 the submission failed."
};

static int
list_queue(const char *db)
{
	struct store *s = backend_store(db);
	struct spool_entries l = { NULL, 0, 0 };
	struct err e = ERR_INIT;
	size_t i;

	if (s == NULL)
		return EXIT_FAIL;
	if (spool_list(s, NULL, SPOOL_ALL, 0, &l, &e) < 0) {
		out_error("cannot read the submission queue: %s", e.msg);
		store_close(s);
		return EXIT_FAIL;
	}
	if (g_opts.json) {
		cJSON *a = cJSON_CreateArray();
		char *text;

		for (i = 0; i < l.n; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddNumberToObject(o, "id", (double)l.v[i].id);
			cJSON_AddStringToObject(o, "queued_at", l.v[i].created_at);
			cJSON_AddStringToObject(o, "host", l.v[i].host_url);
			cJSON_AddStringToObject(o, "state", l.v[i].rejected ? "rejected" : "queued");
			cJSON_AddStringToObject(o, "idempotency_key", l.v[i].idempotency_key);
			if (l.v[i].scan)
				cJSON_AddNumberToObject(o, "scan", (double)l.v[i].scan);
			else
				cJSON_AddNullToObject(o, "scan");
			cJSON_AddNumberToObject(o, "bytes", (double)l.v[i].bytes);
			cJSON_AddNumberToObject(o, "attempts", (double)l.v[i].attempts);
			if (l.v[i].last_status)
				cJSON_AddNumberToObject(o, "last_status", (double)l.v[i].last_status);
			else
				cJSON_AddNullToObject(o, "last_status");
			if (l.v[i].last_error)
				cJSON_AddStringToObject(o, "last_error", l.v[i].last_error);
			else
				cJSON_AddNullToObject(o, "last_error");
			cJSON_AddItemToArray(a, o);
		}
		text = cJSON_Print(a);
		printf("%s\n", text);
		free(text);
		cJSON_Delete(a);
	} else if (l.n == 0) {
		printf("The submission queue is empty.\n");
	} else {
		printf("%-5s %-24s %-8s %8s %8s  %s\n", "ID", "QUEUED AT", "STATE", "BYTES",
		       "ATTEMPTS", "BACKEND / LAST ERROR");
		for (i = 0; i < l.n; i++) {
			printf("%-5lld %-24s %-8s %8zu %8ld  %s\n", l.v[i].id, l.v[i].created_at,
			       l.v[i].rejected ? "rejected" : "queued", l.v[i].bytes,
			       l.v[i].attempts, l.v[i].host_url);
			if (l.v[i].last_error)
				printf("%-58s  %s\n", "", l.v[i].last_error);
		}
	}
	spool_entries_release(&l);
	store_close(s);
	return EXIT_OK;
}

int
cmd_sync(int argc, char **argv)
{
	struct backend_flags f;
	const char *db = NULL;
	int list = 0;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "list", &list, NULL, "show the queue, send nothing", 0, 0, NULL, 0, 0 },
		BACKEND_OPTS(f),
		{ OPT_STRING, 0, "db", &db, "PATH", "inventory database holding the queue (RUNLAYER_DB)", 0, 0, NULL, 0, 0 },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct backend b;
	struct lock run_lock = LOCK_INIT;
	struct spool_limits lim;
	struct submit_ctx sc;
	struct submit_report rep;
	struct err e = ERR_INIT;
	struct device_opts dopts;
	struct device_info dev;
	size_t queued = 0, other = 0, rejected = 0, events = 0;
	char **args, *qdir;
	int nargs, rc, erc;

	memset(&f, 0, sizeof(f));
	memset(&dev, 0, sizeof(dev));
	if (opt_parse(opts, &sync_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &sync_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&sync_help, "unexpected argument");
	if (list)
		return list_queue(db);
	memset(&sc, 0, sizeof(sc));
	submit_report_init(&rep);
	rc = backend_open(&b, "sync", &f, BACKEND_SCAN);
	if (rc != 0)
		goto out;
	if (backend_run_lock(&run_lock, b.state_dir)) {
		if (!g_opts.quiet)
			fprintf(stderr, "%s: a scan or sync is running (it holds %s/%s) and sends "
				"the queue itself; nothing to do\n", prog_name, b.state_dir,
				BACKEND_LOCK_FILE);
		goto out;
	}
	sc.store = backend_store(db);
	if (sc.store == NULL) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (spool_stats(sc.store, b.cr.url, &queued, &other, &rejected, &e) < 0) {
		backend_error(&b, "cannot read the submission queue: %s", e.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	if (other && !g_opts.quiet)
		printf("%zu scan%s queued for other backends (see '%s sync --list'; pass --host "
		       "to send them).\n", other, other == 1 ? " is" : "s are", prog_name);
	if ((qdir = queue_default_dir(&e)) != NULL) {
		events = queue_count(qdir, 0);
		free(qdir);
	}
	if (queued == 0 && events == 0) {
		if (!g_opts.quiet)
			printf("Nothing to send: no scans or hook events are queued for %s.\n",
			       b.cr.url);
		goto out;
	}
	if ((rc = backend_http(&b, &f)) != 0)
		goto out;
	if (queued == 0)
		goto events;
	if (!g_opts.quiet)
		printf("Sending %zu queued scan%s to %s...\n", queued, queued == 1 ? "" : "s",
		       b.cr.url);
	backend_spool_limits(&lim);
	sc.api = &b.api;
	sc.limits = &lim;
	sc.gzip = backend_gzip_mode();
	if (submit_flush(&sc, &rep, &e) < 0) {
		backend_error(&b, "cannot deliver the submission queue: %s", e.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	rc = backend_print_report(&b, &rep, 0);
	if (rc != EXIT_OK)
		goto out;
events:
	if (events == 0)
		goto out;
	backend_device_opts(&dopts, &b, &f);
	device_identify(&dopts, &dev, &e);
	erc = backend_send_hook_events(&b, &dev, 0);
	if (rc == EXIT_OK)
		rc = erc;
out:
	device_info_release(&dev);
	submit_report_release(&rep);
	store_close(sc.store);
	lock_release(&run_lock);
	backend_close(&b);
	return rc;
}
