/* Shared backend plumbing for the commands: resolve and report credentials,
 * build the HTTP client, print outcomes in the contract's words. */
#include "cli/backend.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "hooks/queue.h"
#include "net/hook_events.h"
#include "util/file.h"
#include "util/log.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void
warn_lines(const char *text)
{
	const char *p = text, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		out_warn("%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : NULL;
	}
}

void
backend_error(const struct backend *b, const char *fmt, ...)
{
	char msg[2048], *clean;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clean = creds_scrub(msg, b ? b->cr.secret : NULL);
	fprintf(stderr, "%sError: %s%s\n", out_color(stderr, OUT_RED), clean,
		out_color(stderr, OUT_RESET));
	log_error("error", LOG_KV(LOG_TEXT("message", clean)));
	if (log_path())
		fprintf(stderr, "See logs for details: %s\n", log_path());
	free(clean);
}

int
backend_exit_code(enum api_outcome o)
{
	switch (o) {
	case API_OK:
		return EXIT_OK;
	case API_UNAUTHORIZED:
	case API_FORBIDDEN:
		return EXIT_FAIL;
	case API_NOT_FOUND:
		return EXIT_UNSUPPORTED;
	default:
		return EXIT_SUBMIT;
	}
}

int
backend_open(struct backend *b, const char *command, const struct backend_flags *f,
	     unsigned flags)
{
	struct log_config lc;
	struct managed_opts mo;
	struct creds_opts co;
	struct err e = ERR_INIT;
	char msg[2048];

	memset(b, 0, sizeof(*b));
	config_init(&b->cfg);
	b->command = command;
	memset(&lc, 0, sizeof(lc));
	lc.command = command;
	log_open(&lc, &e);
	err_clear(&e);
	b->state_dir = state_dir(&e);
	if (b->state_dir == NULL) {
		backend_error(b, "%s", err_format(&e, msg, sizeof(msg)));
		return EXIT_FAIL;
	}
	if ((flags & BACKEND_LOCK_CONFIG) && config_lock(&b->cfg, b->state_dir, &e) < 0) {
		backend_error(b, "cannot lock %s: %s", CONFIG_FILE_NAME, err_format(&e, msg, sizeof(msg)));
		return EXIT_FAIL;
	}
	if (flags & BACKEND_NO_CREDS)
		return 0;
	if (config_load(&b->cfg, b->state_dir, &e) < 0) {
		backend_error(b, "cannot use %s", err_format(&e, msg, sizeof(msg)));
		return EXIT_FAIL;
	}
	if (b->cfg.warning[0])
		out_warn("%s", b->cfg.warning);
	memset(&mo, 0, sizeof(mo));
	mo.root = f->root;
	mo.os = f->os;
	mo.home = f->home;
	mo.aiwatch = strcmp(prog_name, "aiwatch") == 0;
	managed_load(&b->mdm, &mo, &e);
	warn_lines(b->mdm.warnings.data);
	memset(&co, 0, sizeof(co));
	co.host = f->host;
	co.secret = f->secret;
	co.org_key_name = f->org_key;
	co.scan = (flags & BACKEND_SCAN) != 0;
	co.aiwatch = mo.aiwatch;
	co.host_only = (flags & BACKEND_HOST_ONLY) != 0;
	co.cfg = &b->cfg;
	co.mdm = &b->mdm;
	if (creds_resolve(&co, &b->cr, &e) < 0) {
		warn_lines(b->cr.warnings.data);
		if (b->cr.failure == CREDS_NO_HOST && (flags & BACKEND_LOCAL_OK))
			return BACKEND_NO_HOST;
		backend_error(b, "%s", e.msg);
		return EXIT_FAIL;
	}
	warn_lines(b->cr.warnings.data);
	log_info("backend", LOG_KV(LOG_URL("host", b->cr.url),
				   LOG_TEXT("host_source", b->cr.host_source),
				   LOG_TEXT("key_source", b->cr.secret_source ? b->cr.secret_source : "")));
	out_verbose("  Backend: %s (from %s)", b->cr.url, b->cr.host_source);
	if (b->cr.secret_source)
		out_verbose("  API key: from %s", b->cr.secret_source);
	return 0;
}

static void
trace_line(void *ctx, const char *line)
{
	(void)ctx;
	out_verbose("  %s", line);
}

static double
env_seconds(const char *name, double def, double min, double max)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || d != d) {
		out_warn("ignoring %s='%s': not a number", name, v);
		return def;
	}
	return d < min ? min : d > max ? max : d;
}

int
backend_http(struct backend *b, const struct backend_flags *f)
{
	struct http_opts ho;
	struct err e = ERR_INIT;
	const char *src = NULL;
	char msg[1024];

	if (http_global_init(&e) < 0) {
		backend_error(b, "%s", e.msg);
		return EXIT_SOFTWARE;
	}
	b->curl_ready = 1;
	memset(&ho, 0, sizeof(ho));
	ho.ca_bundle = http_ca_bundle(f ? f->ca_bundle : NULL, &src);
	ho.ca_bundle_source = src;
	ho.ca_dir = getenv("SSL_CERT_DIR");
	ho.connect_timeout_ms = (long)(env_seconds("RUNLAYER_HTTP_CONNECT_TIMEOUT", 5, 0.2, 120) *
				       1000);
	if (g_opts.verbose && !g_opts.quiet)
		ho.trace = trace_line;
	if (http_client_init(&b->http, &ho, &e) < 0) {
		backend_error(b, "%s", err_format(&e, msg, sizeof(msg)));
		return EXIT_SOFTWARE;
	}
	if (b->http.warning[0])
		out_warn("%s", b->http.warning);
	else if (ho.ca_bundle)
		out_verbose("  CA bundle: %s (from %s), added to the system trust store",
			    ho.ca_bundle, src);
	b->api.http = &b->http;
	b->api.base_url = b->cr.url;
	b->api.api_key = b->cr.secret;
	b->api.key_source = b->cr.secret_source;
	b->api.timeout_ms = (long)(env_seconds("RUNLAYER_HTTP_TIMEOUT", 30, 0.2, 600) * 1000);
	/* Check-in and hook events: 5 s (contract §3.2) unless set. */
	b->api.small_timeout_ms = getenv("RUNLAYER_HTTP_TIMEOUT") ? b->api.timeout_ms : 5000;
	b->api.retry.on = HTTP_RETRY_ALL;
	b->api.retry.max_attempts = 1 + (int)env_seconds("RUNLAYER_HTTP_RETRIES", 4, 0, 20);
	b->api.retry.budget = env_seconds("RUNLAYER_HTTP_BUDGET", 120, 1, 3600);
	b->api.retry.base_delay = env_seconds("RUNLAYER_HTTP_BACKOFF", 1, 0.01, 60);
	b->api.retry.max_delay = 30;
	return 0;
}

void
backend_close(struct backend *b)
{
	if (b == NULL)
		return;
	http_client_release(&b->http);
	if (b->curl_ready)
		http_global_cleanup();
	creds_release(&b->cr);
	managed_release(&b->mdm);
	config_release(&b->cfg);
	free(b->state_dir);
	log_close();
	memset(b, 0, sizeof(*b));
}

int
backend_run_lock(struct lock *l, const char *state_dir)
{
	struct err e = ERR_INIT;
	char *path;
	int ret;

	if (file_mkdirs(state_dir, 0700, &e) < 0) {
		log_warning("scan_run_lock_unavailable", LOG_KV(LOG_TEXT("error", e.msg)));
		return 0;
	}
	path = path_join(state_dir, BACKEND_LOCK_FILE);
	ret = lock_acquire(l, path, LOCK_FILE_CREATE, 0, &e);
	free(path);
	if (ret == -ERR_LIMIT) {
		log_info("scan_skipped_lock_busy", NULL);
		return 1;
	}
	if (ret < 0) {
		log_warning("scan_run_lock_unavailable", LOG_KV(LOG_TEXT("error", e.msg)));
		out_verbose("  run lock unavailable (%s); going on without it", e.msg);
	}
	return 0;
}

struct store *
backend_store(const char *db)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char *path = db ? xstrdup(db) : store_default_path(&e);
	char msg[1600];

	if (path == NULL || store_open(path, STORE_CREATE, 0, &s, &e) < 0) {
		out_warn("cannot open the submission queue (%s); sending without it, so a "
			 "failed submission is not kept for a retry",
			 err_format(&e, msg, sizeof(msg)));
		s = NULL;
	}
	free(path);
	return s;
}

void
backend_spool_limits(struct spool_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_entries = (size_t)env_seconds("RUNLAYER_SPOOL_MAX", SPOOL_MAX_ENTRIES, 1,
					       1000000);
}

enum submit_gzip
backend_gzip_mode(void)
{
	const char *v = getenv("RUNLAYER_GZIP");

	if (v && strcmp(v, "0") == 0)
		return SUBMIT_GZIP_NEVER;
	if (v && strcmp(v, "1") == 0)
		return SUBMIT_GZIP_ALWAYS;
	return SUBMIT_GZIP_AUTO;
}

static long
json_int(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

int
backend_print_report(struct backend *b, const struct submit_report *r, int is_scan)
{
	const struct api_result *res = &r->result;
	const char *url = b->cr.url;
	int failed = res->outcome != API_OK && res->outcome != API_REJECTED;

	if (r->added.dropped)
		out_warn("the submission queue is full: dropped %zu older queued scan%s (the oldest "
			 "from %s); %s kept in the local inventory", r->added.dropped,
			 r->added.dropped == 1 ? "" : "s", r->added.oldest_dropped,
			 r->added.dropped == 1 ? "it is" : "they are");
	if (r->rejected)
		out_warn("the backend refused %zu queued scan%s for good; %s set aside (see '%s "
			 "sync --list')", r->rejected, r->rejected == 1 ? "" : "s",
			 r->rejected == 1 ? "it is" : "they are", prog_name);
	if (is_scan && r->current_sent) {
		log_info("submit_ok", LOG_KV(LOG_URL("host", url), LOG_INT("status", res->status),
					     LOG_INT("attempts", res->attempts),
					     LOG_INT("older_sent", (long long)r->older_sent)));
		if (!g_opts.quiet) {
			printf("%s%s Scan complete: %ld servers, %ld shadow, %ld managed%s\n",
			       out_color(stdout, OUT_GREEN), out_sym_ok(),
			       json_int(res->json, "servers_processed"),
			       json_int(res->json, "shadow_servers_found"),
			       json_int(res->json, "managed_servers_matched"),
			       out_color(stdout, OUT_RESET));
			if (r->older_sent)
				printf("Also delivered %zu scan%s queued by earlier runs.\n",
				       r->older_sent, r->older_sent == 1 ? "" : "s");
		}
		return EXIT_OK;
	}
	if (!is_scan && !failed) {
		log_info("sync_ok", LOG_KV(LOG_URL("host", url),
					   LOG_INT("sent", (long long)r->older_sent),
					   LOG_INT("rejected", (long long)r->rejected)));
		if (!g_opts.quiet)
			printf("%s%s Sent %zu queued scan%s to %s%s\n", out_color(stdout, OUT_GREEN),
			       out_sym_ok(), r->older_sent, r->older_sent == 1 ? "" : "s", url,
			       out_color(stdout, OUT_RESET));
		return r->rejected ? EXIT_SUBMIT : EXIT_OK;
	}
	log_error("submit_failed", LOG_KV(LOG_URL("host", url), LOG_INT("status", res->status),
					  LOG_TEXT("fault", http_fault_name(res->fault)),
					  LOG_INT("attempts", res->attempts),
					  LOG_INT("queued", (long long)r->remaining)));
	backend_error(b, "%s", res->message);
	if (is_scan && res->outcome == API_REJECTED && !r->current_blocked)
		fprintf(stderr, "The backend will never accept this scan as it is; it is set aside "
			"(see '%s sync --list') and kept in the local inventory.\n", prog_name);
	else if (is_scan && !r->spooled)
		fprintf(stderr, "The scan could not be queued for a retry; it is kept in the local "
			"inventory only.\n");
	else if (is_scan)
		fprintf(stderr, "The scan is queued (%zu waiting for %s) and will be sent by the "
			"next scan or by '%s sync'.\n", r->remaining, url, prog_name);
	else
		fprintf(stderr, "Sent %zu; %zu scan%s still queued for %s.\n", r->older_sent,
			r->remaining, r->remaining == 1 ? "" : "s", url);
	return backend_exit_code(res->outcome);
}

/* Drop a UTF-8 sequence cut short at the end of s (after truncation). */
static void
utf8_trim(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char c;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (i - 1 + need > n)
		s[i - 1] = '\0';
}

void
backend_device_opts(struct device_opts *o, const struct backend *b, const struct backend_flags *f)
{
	memset(o, 0, sizeof(*o));
	o->state_dir = b->state_dir;
	o->root = f->root;
	o->os = f->os;
}

cJSON *
backend_check_in_payload(const struct device_info *dev, const char *org_device_id,
			 const char *feature, const char *status, const char *error)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "device_id", dev->device_id);
	if (dev->hostname)
		cJSON_AddStringToObject(o, "hostname", dev->hostname);
	else
		cJSON_AddNullToObject(o, "hostname");
	cJSON_AddStringToObject(o, "os", dev->os ? dev->os : "");
	cJSON_AddStringToObject(o, "os_version", dev->os_version ? dev->os_version : "");
	if (dev->username)
		cJSON_AddStringToObject(o, "username", dev->username);
	else
		cJSON_AddNullToObject(o, "username");
	if (org_device_id)
		cJSON_AddStringToObject(o, "org_device_id", org_device_id);
	else
		cJSON_AddNullToObject(o, "org_device_id");
	cJSON_AddNullToObject(o, "serial_number");
	cJSON_AddStringToObject(o, "feature", feature);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddItemToObject(o, "tools", cJSON_CreateArray());
	cJSON_AddStringToObject(o, "agent_version", RUNLAYER_VERSION);
	if (error) {
		char cut[501];

		snprintf(cut, sizeof(cut), "%s", error);
		utf8_trim(cut);
		cJSON_AddStringToObject(o, "error_message", cut);
	}
	return o;
}

int
backend_send_hook_events(struct backend *b, const struct device_info *dev, size_t max)
{
	struct hook_events_report rep;
	struct err e = ERR_INIT;
	char *dir = queue_default_dir(&e);
	int rc = EXIT_OK;

	if (dir == NULL)
		return EXIT_OK;
	if (queue_count(dir, 1) == 0) {
		free(dir);
		return EXIT_OK;
	}
	hook_events_report_init(&rep);
	if (hook_events_send(&b->api, dir, dev->device_id[0] ? dev->device_id : NULL,
			     dev->username, max, &rep, &e) < 0) {
		out_warn("cannot read the hook event queue: %s", e.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	log_info("hook_events", LOG_KV(LOG_URL("host", b->cr.url), LOG_INT("sent", (long long)rep.sent),
				       LOG_INT("rejected", (long long)rep.rejected),
				       LOG_INT("left", (long long)rep.left)));
	if (rep.sent && !g_opts.quiet)
		printf("Sent %zu hook event%s to %s.\n", rep.sent, rep.sent == 1 ? "" : "s",
		       b->cr.url);
	if (rep.rejected)
		out_warn("%zu hook event%s refused by %s and dropped: %s", rep.rejected,
			 rep.rejected == 1 ? " was" : "s were", b->cr.url, rep.result.message);
	if (rep.stopped) {
		out_warn("hook events not delivered (%zu still queued, sent by the next sync or "
			 "scan): %s", rep.left, rep.result.message);
		rc = backend_exit_code(rep.result.outcome);
		if (rep.result.outcome == API_NOT_FOUND)
			rc = EXIT_OK;
	}
out:
	hook_events_report_release(&rep);
	free(dir);
	return rc;
}
