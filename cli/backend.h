/* What the commands that talk to the backend share (scan, sync, check-in,
 * enroll, login, logout): credentials, the HTTP client, the spool, the run
 * lock, the check-in, and how outcomes are printed and mapped to exit codes. */
#ifndef CLI_BACKEND_H
#define CLI_BACKEND_H

#include <cjson/cJSON.h>

#include "discover/device.h"
#include "net/api.h"
#include "net/config.h"
#include "net/creds.h"
#include "net/managed.h"
#include "net/submit.h"
#include "store/store.h"
#include "util/lock.h"

#define BACKEND_LOCK_FILE "aiwatch-scan.lock"

struct backend_flags {
	const char *host;	/* --host */
	const char *secret;	/* --secret */
	const char *org_key;	/* --org-api-key NAME */
	const char *ca_bundle;	/* --ca-bundle */
	const char *root;	/* --root: managed configuration under this prefix */
	const char *os;		/* --os: whose managed configuration */
	const char *home;	/* the scanned home (Windows NTUSER.DAT) */
};

/* Option rows for struct backend_flags f (the scan declares its own). */
#define BACKEND_OPTS(f) \
	{ OPT_STRING, 'H', "host", &(f).host, "URL", "backend URL (RUNLAYER_HOST; default: default_host in config.yaml)", 0, 0, NULL, 0, 0 }, \
	{ OPT_STRING, 's', "secret", &(f).secret, "KEY", "API key (prefer RUNLAYER_API_KEY: argv is visible to other users)", 0, 0, NULL, 0, 0 }, \
	{ OPT_STRING, 0, "org-api-key", &(f).org_key, "NAME", "named org API key from config.yaml (RUNLAYER_ORG_API_KEY_NAME)", 0, 0, NULL, 0, 0 }, \
	{ OPT_STRING, 0, "ca-bundle", &(f).ca_bundle, "PATH", "extra CA bundle (RUNLAYER_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE)", 0, 0, NULL, 0, 0 }, \
	{ OPT_STRING, 0, "root", &(f).root, "DIR", "read the managed configuration under DIR", 0, 0, NULL, 0, OPT_HIDDEN }, \
	{ OPT_CHOICE, 0, "os", &(f).os, "OS", "managed configuration of this OS", 0, 0, "darwin|windows|linux", 0, OPT_HIDDEN }

enum backend_open_flags {
	BACKEND_SCAN = 1,	/* the scan's key order (implicit ai_watch_mdm org key) */
	BACKEND_HOST_ONLY = 2,	/* resolve the host; no key needed */
	BACKEND_LOCK_CONFIG = 4,	/* lock config.yaml for a read-modify-write */
	BACKEND_LOCAL_OK = 8,	/* no host is not an error: return BACKEND_NO_HOST */
	BACKEND_NO_CREDS = 16,	/* only the state directory and the log */
};

#define BACKEND_NO_HOST (-1)

struct backend {
	const char *command;
	char *state_dir;
	struct config cfg;
	struct managed mdm;
	struct creds cr;
	struct http_client http;
	struct api api;
	int curl_ready;
};

/*
 * Load config.yaml and the managed configuration, resolve host and key,
 * open the command's log file. Prints warnings, and errors as "Error: …".
 * Returns 0, BACKEND_NO_HOST (with BACKEND_LOCAL_OK), or an exit code.
 * backend_close() is needed in every case.
 */
int backend_open(struct backend *b, const char *command, const struct backend_flags *f,
		 unsigned flags);
/* Start libcurl and the client (CA bundle, verbose trace, retry settings
 * from RUNLAYER_HTTP_*). 0 or an exit code. */
int backend_http(struct backend *b, const struct backend_flags *f);
void backend_close(struct backend *b);

/* "Error: <msg>" on stderr, the key scrubbed out; then the log path. */
void backend_error(const struct backend *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 0 ok, 1 401/403, 2 404 (unsupported), 3 anything else. */
int backend_exit_code(enum api_outcome o);

/*
 * Take the run lock (<state>/aiwatch-scan.lock, non-blocking). Returns 0
 * (held, or unavailable for another reason: go on unlocked), or 1 when
 * another scan or sync holds it.
 */
int backend_run_lock(struct lock *l, const char *state_dir);

/* Open the inventory holding the spool (db NULL = default); NULL after a
 * warning when it cannot be opened. */
struct store *backend_store(const char *db);
/* Bound of the spool ($RUNLAYER_SPOOL_MAX entries overrides the count). */
void backend_spool_limits(struct spool_limits *lim);
/* RUNLAYER_GZIP: 0 never, 1 always, else per backend. */
enum submit_gzip backend_gzip_mode(void);

/*
 * Print a submission report (scan: the contract's result line; sync: a
 * count) and return the exit code.
 */
int backend_print_report(struct backend *b, const struct submit_report *r, int is_scan);

/*
 * Send up to max (0 = all) queued hook events (hooks/queue.h) to the
 * backend after backend_http(); prints what was sent unless quiet, and a
 * warning when the delivery stopped (the rest stays queued). Returns the
 * exit code of the last request's outcome (0 when nothing failed).
 */
int backend_send_hook_events(struct backend *b, const struct device_info *dev, size_t max);

/* Device identity options for this backend's state directory and the
 * managed configuration's --root/--os (device_identify()). */
void backend_device_opts(struct device_opts *o, const struct backend *b,
			 const struct backend_flags *f);

/* The check-in body (contract §3.8). */
cJSON *backend_check_in_payload(const struct device_info *dev, const char *org_device_id,
				const char *feature, const char *status, const char *error);

#endif
