/* One hook invocation: bounded stdin read, classification, resolution and
 * decision, the client's reply under a watchdog, then the audit record. */
#include "hooks/runtime.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "hooks/audit.h"
#include "hooks/queue.h"
#include "hooks/reply.h"
#include "hooks/resolve.h"
#include "parsers/redact.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/recdir.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TEXT_CAP	4096		/* characters of text kept in the timeline */
#define REDACT_CAP	(64u * 1024)	/* text looked at for secrets */
#define QUEUE_STR_CAP	(16u * 1024)	/* per string in the queued payload */
#define COPILOT_GITHUB_MCP	"https://api.githubcopilot.com/mcp/"

/* An audit record kept for after the reply (record(), flush_records()). */
struct pending_rec {
	char *type, *server, *hash;
	cJSON *details;
	char time[STORE_TIME_LEN + 1];
	char *text;			/* as spooled (audit_record_text()) */
	size_t len;
	struct recdir_slot slot;	/* its spool file names */
	volatile sig_atomic_t done;	/* in the store or the spool */
};

/* ---- watchdog --------------------------------------------------------------
 * Clients let a call through when a hook crashes or times out, so the hook
 * answers by itself at the deadline: the fallback reply (deny in enforce
 * mode, allow otherwise) if no reply was written yet, else just the exit
 * status already chosen. The handler only makes async-signal-safe calls:
 * write(), _exit(), and the spool's open, write, close and rename
 * (recdir_slot_write()). */

static volatile sig_atomic_t wd_replied;
static volatile sig_atomic_t wd_exit_after;
static const char *volatile wd_out, *volatile wd_err;
static volatile size_t wd_out_len, wd_err_len;
static volatile int wd_exit_code, wd_out_fd = 1, wd_err_fd = 2;
/* After the reply: the records not yet recorded are spooled at the deadline
 * (recdir_slot_write() is safe here), so running out of time loses none. */
static struct pending_rec *volatile wd_recs;
static volatile size_t wd_nrecs;
/* Before the reply: the record of the fallback answer, spooled with it. */
static struct pending_rec *volatile wd_fb_rec;

static void
wd_handler(int sig)
{
	size_t i;

	(void)sig;
	if (!wd_replied) {
		if (wd_out_len)
			file_write_all(wd_out_fd, wd_out, wd_out_len);
		if (wd_err_len)
			file_write_all(wd_err_fd, wd_err, wd_err_len);
		if (wd_fb_rec && wd_fb_rec->text)
			recdir_slot_write(&wd_fb_rec->slot, wd_fb_rec->text, wd_fb_rec->len, 0);
		_exit(wd_exit_code);
	}
	for (i = 0; i < wd_nrecs; i++)
		if (!wd_recs[i].done && wd_recs[i].text)
			recdir_slot_write(&wd_recs[i].slot, wd_recs[i].text, wd_recs[i].len, 0);
	_exit(wd_exit_after);
}

/* Keep the watchdog out while a record is being written. */
static void
wd_hold(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_BLOCK, &s, old);
}

static void
wd_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Point the watchdog at fb (which must outlive the run). */
static void
wd_set_fallback(const struct reply *fb)
{
	sigset_t old;

	wd_hold(&old);
	wd_out = fb->out.data;
	wd_out_len = fb->out.len;
	wd_err = fb->err.data;
	wd_err_len = fb->err.len;
	wd_exit_code = fb->exit_code;
	wd_release(&old);
}

static void
wd_arm(long ms)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wd_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void
wd_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_DFL);
}

/* ---- the run --------------------------------------------------------------- */

struct run {
	const struct hook_run_opts *o;
	struct timespec start;
	long deadline_ms;
	enum hook_client client;	/* best knowledge: argv, then the payload */
	struct hook_event ev;
	int have_event;
	struct policy pol;
	int rules_error;
	char rules_msg[600];
	enum policy_mode mode;
	struct reply fallback, reply;
	char *home;
	char *cache_dir;
	struct store *store;
	int store_failed;
	struct pending_rec *recs;
	struct pending_rec *fb_rec;	/* the fallback answer's record */
	char *spool;			/* spool_ready() */
	int spool_tried;
	size_t n_recs;
	char hostname[256];
	const char *username;
};

void
hook_run_opts_init(struct hook_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->in_fd = 0;
	o->out_fd = 1;
	o->err_fd = 2;
	o->client = HOOK_CLIENT_NONE;
	o->mode = POLICY_ENFORCE;
}

static long
elapsed_ms(const struct run *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - r->start.tv_sec) * 1000 +
		      (now.tv_nsec - r->start.tv_nsec) / 1000000);
}

static long
remaining_ms(const struct run *r)
{
	long left = r->deadline_ms - elapsed_ms(r);

	return left > 0 ? left : 0;
}

/* Read all of fd into out (cap max bytes) within ms; 0 or -ERR_*. */
static int
read_input(int fd, size_t max, const struct run *r, long ms, struct buf *out, struct err *e)
{
	char chunk[65536];
	long start = elapsed_ms(r);

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = ms - (elapsed_ms(r) - start);
		ssize_t n;
		int pr;

		if (left <= 0)
			return err_set(e, ERR_IO, "stdin: no end of input within %ld ms", ms);
		pr = poll(&p, 1, (int)left);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, ERR_IO, "stdin");
		}
		if (pr == 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return err_sys(e, ERR_IO, "stdin");
		}
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max)
			return err_set(e, ERR_LIMIT, "event larger than %zu bytes", max);
		buf_add(out, chunk, (size_t)n);
	}
}

/*
 * Write the reply. When stdout cannot take a reply that is not the plain
 * allow (a deny, or an ask), the client would see an empty answer and let
 * the call through: block with exit 2 and a line on stderr instead, which
 * every client that can block honours. Copilot CLI reads only stdout.
 */
static void
write_reply(const struct run *r, struct reply *rp)
{
	int out_failed = 0, saved = 0;

	if (rp->out.len && file_write_all(r->o->out_fd, rp->out.data, rp->out.len) < 0) {
		out_failed = 1;
		saved = errno;
	}
	if (rp->err.len)
		file_write_all(r->o->err_fd, rp->err.data, rp->err.len);
	if (out_failed && r->mode != POLICY_MONITOR) {
		struct reply allow = REPLY_INIT;
		int is_allow;

		reply_allow(r->client, r->have_event ? r->ev.kind : HOOK_KIND_OTHER, &allow);
		is_allow = allow.out.len == rp->out.len &&
			   memcmp(allow.out.data ? allow.out.data : "", rp->out.data,
				  rp->out.len) == 0;
		reply_release(&allow);
		if (!is_allow) {
			char fdp[64], where[512], msg[800];
			ssize_t n;

			snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", r->o->out_fd);
			n = readlink(fdp, where, sizeof(where) - 1);
			if (n <= 0)
				snprintf(where, sizeof(where), "standard output");
			else
				where[n] = '\0';
			n = snprintf(msg, sizeof(msg), "runlayer: the hook reply could not be "
				     "written to %s: %s; the call is blocked\n", where,
				     strerror(saved));
			if (n > 0)
				file_write_all(r->o->err_fd, msg, (size_t)n < sizeof(msg) ? (size_t)n :
					       sizeof(msg) - 1);
			rp->exit_code = 2;
		}
	}
}

/* ---- text for the record ---------------------------------------------------- */

/* Secrets redacted (parsers/redact.h), cut to TEXT_CAP bytes on a UTF-8
 * boundary. New string. */
static char *
safe_text(const char *s)
{
	char *in, *out;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	in = xstrndup(s, n > REDACT_CAP ? REDACT_CAP : n);
	out = redact_arg(NULL, in);
	free(in);
	n = strlen(out);
	if (n > TEXT_CAP) {
		size_t cut = TEXT_CAP;

		while (cut > 0 && ((unsigned char)out[cut] & 0xc0) == 0x80)
			cut--;
		out[cut] = '\0';
		out = xrealloc(out, cut + 16);
		memcpy(out + cut, "…[truncated]", strlen("…[truncated]") + 1);
	}
	return out;
}

static void
add_text(cJSON *o, const char *key, const char *s)
{
	char *t = safe_text(s);

	if (t)
		cJSON_AddStringToObject(o, key, t);
	free(t);
}

/*
 * Every string of v redacted and capped, in place (the queued payload, tool
 * output). A string is redacted as a command-line argument whose previous
 * argument is, for an object member, "--<member name>" (so {"api_key": X}
 * and {"Authorization": X} lose X) and, in an array, the original string
 * before it (so ["--token", X] loses X).
 */
static void
redact_tree_at(cJSON *v, const char *prev, int depth)
{
	cJSON *c;
	char *last = NULL;

	if (depth > 64)
		return;
	if (cJSON_IsString(v) && v->valuestring) {
		size_t n = strlen(v->valuestring);
		char *in = xstrndup(v->valuestring, n > QUEUE_STR_CAP ? QUEUE_STR_CAP : n);
		char *out = redact_arg(prev, in);

		cJSON_SetValuestring(v, out);
		free(in);
		free(out);
		return;
	}
	if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(c, v) {
			char *flag = xasprintf("--%s", c->string ? c->string : "");

			redact_tree_at(c, flag, depth + 1);
			free(flag);
		}
		return;
	}
	cJSON_ArrayForEach(c, v) {
		char *orig = cJSON_IsString(c) && c->valuestring ? xstrdup(c->valuestring) : NULL;

		redact_tree_at(c, last, depth + 1);
		free(last);
		last = orig;
	}
	free(last);
}

static void
redact_tree(cJSON *v, int depth)
{
	redact_tree_at(v, NULL, depth);
}

/* Tool output as text: strings as they are, the rest as compact JSON with
 * every string redacted first (a secret inside JSON text has no spaces
 * around it for the text rules to find). */
static void
add_output(cJSON *o, const cJSON *resp)
{
	cJSON *copy;
	char *s;

	if (resp == NULL)
		return;
	if (cJSON_IsString(resp)) {
		add_text(o, "output", resp->valuestring);
		return;
	}
	copy = cJSON_Duplicate(resp, 1);
	redact_tree(copy, 0);
	s = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	if (s && strlen(s) > REDACT_CAP)
		s[REDACT_CAP] = '\0';
	add_text(o, "output", s);
	free(s);
}

/* ---- recording -------------------------------------------------------------- */

static struct store *
store_for(struct run *r)
{
	struct err e = ERR_INIT;
	char *path;
	long left;

	if (r->store || r->store_failed)
		return r->store;
	if (r->o->db_path && r->o->db_path[0] == '\0') {
		r->store_failed = 1;
		return NULL;
	}
	path = r->o->db_path ? xstrdup(r->o->db_path) : store_default_path(&e);
	/* Keep time to spool what the store could not take. */
	left = remaining_ms(r) - 500;
	if (left > HOOK_STORE_WAIT_MS)
		left = HOOK_STORE_WAIT_MS;
	if (path == NULL || left < 20 ||
	    store_open(path, STORE_CREATE, (int)left, &r->store, &e) < 0) {
		r->store = NULL;
		r->store_failed = 1;
	}
	free(path);
	return r->store;
}

/* Keep a record for after the reply (flush_records()). details is copied. */
static void
record(struct run *r, const char *type, const char *server, const char *hash, cJSON *details)
{
	struct pending_rec *p;

	r->recs = xreallocarray(r->recs, r->n_recs + 1, sizeof(*r->recs));
	p = &r->recs[r->n_recs++];
	memset(p, 0, sizeof(*p));
	p->type = xstrdup(type);
	p->server = server ? xstrdup(server) : NULL;
	p->hash = hash && *hash ? xstrdup(hash) : NULL;
	p->details = cJSON_Duplicate(details, 1);
}

static char *
spool_dir(const struct run *r)
{
	struct err e = ERR_INIT;

	if (r->o->db_path && r->o->db_path[0] == '\0')
		return NULL;
	if (r->o->db_path) {
		/* tests and --db: the spool sits next to the database */
		char *d = xstrdup(r->o->db_path), *slash = strrchr(d, '/'), *p;

		if (slash)
			*slash = '\0';
		p = path_join(slash ? d : ".", "audit-pending");
		free(d);
		return p;
	}
	return audit_spool_dir(&e);
}

/* The store event of record p. */
static void
rec_event(const struct run *r, const struct pending_rec *p, struct store_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = p->type;
	ev->time = p->time;
	ev->hostname = r->hostname[0] ? r->hostname : NULL;
	ev->username = r->username;
	ev->client = hook_client_id(r->client);
	ev->server_name = p->server;
	ev->config_hash = p->hash;
	ev->details = p->details;
}

/* Fix p's time, and make its spool text and file names in dir (if any). */
static void
prep_rec(const struct run *r, struct pending_rec *p, const char *dir)
{
	struct err e = ERR_INIT;
	struct store_event ev;
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	store_time_format(&t, p->time);
	if (dir == NULL)
		return;
	rec_event(r, p, &ev);
	if ((p->text = audit_record_text(&ev, &e)) == NULL)
		return;
	p->len = strlen(p->text);
	recdir_slot_init(&p->slot, dir);
}

static void
rec_release(struct pending_rec *p)
{
	free(p->type);
	free(p->server);
	free(p->hash);
	cJSON_Delete(p->details);
	free(p->text);
	recdir_slot_release(&p->slot);
}

/* The spool directory, created once per run; NULL when there is none. */
static const char *
spool_ready(struct run *r)
{
	struct err e = ERR_INIT;

	if (r->spool_tried)
		return r->spool;
	r->spool_tried = 1;
	r->spool = spool_dir(r);
	if (r->spool && file_mkdirs(r->spool, 0700, &e) < 0) {
		free(r->spool);
		r->spool = NULL;
	}
	return r->spool;
}

/*
 * After the reply, before anything that can take time: fix each record's
 * time, and make its spool text and file names for the watchdog, which
 * spools what is not recorded yet when the recording time runs out.
 */
static void
prepare_records(struct run *r)
{
	const char *dir;
	sigset_t old;
	size_t i;

	if (r->n_recs == 0)
		return;
	dir = spool_ready(r);
	for (i = 0; i < r->n_recs; i++)
		prep_rec(r, &r->recs[i], dir);
	wd_hold(&old);
	wd_recs = r->recs;
	wd_nrecs = r->n_recs;
	wd_release(&old);
}

/*
 * Write the records to the store; what it cannot take in time goes to the
 * spool, and a few spooled records of earlier runs come back in. The
 * watchdog stays free to stop a store that hangs: it then spools the
 * records not done, and the import skips one the store had taken just
 * before (store_event.once). A spool write holds it off: it is quick, and
 * the watchdog would write the same file.
 */
static void
flush_records(struct run *r)
{
	struct store *s;
	sigset_t old;
	size_t i;

	if (r->n_recs == 0)
		return;
	s = store_for(r);
	for (i = 0; i < r->n_recs; i++) {
		struct pending_rec *p = &r->recs[i];
		struct store_event ev;
		struct err e = ERR_INIT;

		rec_event(r, p, &ev);
		if (s && store_event_add(s, &ev, NULL, &e) == 0) {
			p->done = 1;
			continue;
		}
		s = NULL;
		if (p->text) {
			wd_hold(&old);
			if (recdir_slot_write(&p->slot, p->text, p->len, 0) == 0)
				p->done = 1;
			wd_release(&old);
		}
	}
	if (s && remaining_ms(r) > 500) {
		struct err e = ERR_INIT;
		const char *dir = spool_ready(r);

		if (dir)
			audit_spool_import(s, dir, AUDIT_IMPORT_BATCH, NULL, &e);
	}
}

static void
records_release(struct run *r)
{
	sigset_t old;
	size_t i;

	wd_hold(&old);
	wd_recs = NULL;
	wd_nrecs = 0;
	wd_release(&old);
	for (i = 0; i < r->n_recs; i++)
		rec_release(&r->recs[i]);
	free(r->recs);
	r->recs = NULL;
	r->n_recs = 0;
}

/* Details every record shares. */
static cJSON *
base_details(const struct run *r)
{
	cJSON *d = cJSON_CreateObject();
	const struct hook_event *ev = &r->ev;

	if (!r->have_event)
		return d;
	if (ev->session_id)
		cJSON_AddStringToObject(d, "session_id", ev->session_id);
	if (ev->event_name)
		cJSON_AddStringToObject(d, "event", ev->event_name);
	cJSON_AddStringToObject(d, "kind", hook_kind_name(ev->kind));
	if (ev->tool_name)
		cJSON_AddStringToObject(d, "tool", ev->tool_name);
	if (ev->tool != HOOK_TOOL_OTHER)
		cJSON_AddStringToObject(d, "tool_kind", ev->tool == HOOK_TOOL_MCP ? "mcp" :
					ev->tool == HOOK_TOOL_SHELL ? "shell" : "read");
	if (ev->call_id)
		cJSON_AddStringToObject(d, "call_id", ev->call_id);
	if (ev->cwd)
		cJSON_AddStringToObject(d, "cwd", ev->cwd);
	if (ev->invoked_as != HOOK_CLIENT_NONE && ev->invoked_as != ev->client)
		cJSON_AddStringToObject(d, "invoked_as", hook_client_id(ev->invoked_as));
	cJSON_AddStringToObject(d, "mode", policy_mode_name(r->mode));
	return d;
}

/* Queue the event for POST /api/v1/hooks/events (contract §3.11). */
static void
enqueue(struct run *r)
{
	struct err e = ERR_INIT;
	cJSON *body, *payload;
	char *dir;

	if (!r->have_event || (r->o->queue_dir && r->o->queue_dir[0] == '\0'))
		return;
	dir = r->o->queue_dir ? xstrdup(r->o->queue_dir) : queue_default_dir(&e);
	if (dir == NULL)
		return;
	payload = cJSON_Duplicate(r->ev.root, 1);
	redact_tree(payload, 0);
	if (!cJSON_GetObjectItemCaseSensitive(payload, "timestamp")) {
		char now[STORE_TIME_LEN + 1];
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		store_time_format(&t, now);
		cJSON_AddStringToObject(payload, "timestamp", now);
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "client", hook_client_id(r->client));
	cJSON_AddStringToObject(body, "event_name", r->ev.event_name ? r->ev.event_name : "");
	cJSON_AddItemToObject(body, "payload", payload);
	queue_add(dir, body, &e);
	cJSON_Delete(body);
	free(dir);
}

/* ---- replies ---------------------------------------------------------------- */

/* Deny when nothing is known about the event: exit 2 with the message on
 * stderr blocks in every client that can block (Claude Code, Codex, Gemini
 * CLI, Cursor, Hermes, Windsurf); Copilot CLI gets its JSON deny. */
static void
error_deny(enum hook_client c, const char *msg, struct reply *rp)
{
	if (c == HOOK_COPILOT) {
		reply_deny(c, HOOK_KIND_PRE_TOOL, NULL, msg, msg, rp);
		return;
	}
	buf_clear(&rp->out);
	buf_clear(&rp->err);
	buf_adds(&rp->err, msg);
	buf_addc(&rp->err, '\n');
	rp->exit_code = 2;
}

static int
blocking_kind(enum hook_kind k)
{
	return k == HOOK_KIND_PRE_TOOL || k == HOOK_KIND_PERMISSION || k == HOOK_KIND_SHELL ||
	       k == HOOK_KIND_READ;
}

/*
 * The record of the fallback answer (deny when set), for the watchdog to
 * spool with it: a decision taken at the deadline is recorded too. NULL
 * when there is no spool.
 */
static struct pending_rec *
fallback_record(struct run *r, int deny)
{
	struct pending_rec *p = xcalloc(1, sizeof(*p));
	const char *dir;
	char detail[96];

	snprintf(detail, sizeof(detail), "the hook did not finish within %ld ms", r->deadline_ms);
	p->type = xstrdup("security_decision");
	p->details = base_details(r);
	cJSON_AddStringToObject(p->details, "decision", deny ? "deny" : "allow");
	cJSON_AddBoolToObject(p->details, "enforced", deny);
	cJSON_AddStringToObject(p->details, "rule", "deadline");
	cJSON_AddStringToObject(p->details, "detail", detail);
	if ((dir = spool_ready(r)) != NULL)
		prep_rec(r, p, dir);
	if (p->text == NULL) {
		rec_release(p);
		free(p);
		return NULL;
	}
	return p;
}

static void
fallback_release(struct pending_rec *p)
{
	if (p) {
		rec_release(p);
		free(p);
	}
}

/* The fallback for the event at hand, by mode. Built aside and swapped in
 * with SIGALRM blocked, so the watchdog never sees half a reply. */
static void
set_fallback(struct run *r)
{
	const char *msg = "Action blocked by organization security policy: the Runlayer hook "
			  "did not finish in time";
	struct reply fb = REPLY_INIT, old;
	struct pending_rec *rec, *old_rec;
	sigset_t om;

	if (r->mode != POLICY_ENFORCE)
		reply_allow(r->client, r->have_event ? r->ev.kind : HOOK_KIND_PRE_TOOL, &fb);
	else if (!r->have_event)
		error_deny(r->client, msg, &fb);
	else if (blocking_kind(r->ev.kind))
		reply_deny(r->client, r->ev.kind, r->ev.event_name, msg, msg, &fb);
	else
		reply_allow(r->client, r->ev.kind, &fb);
	rec = fallback_record(r, r->mode == POLICY_ENFORCE &&
				 (!r->have_event || blocking_kind(r->ev.kind)));
	wd_hold(&om);
	old = r->fallback;
	r->fallback = fb;
	old_rec = r->fb_rec;
	r->fb_rec = rec;
	if (r->o->watchdog) {
		wd_set_fallback(&r->fallback);
		wd_fb_rec = rec;
	}
	wd_release(&om);
	reply_release(&old);
	fallback_release(old_rec);
}

/* An internal error: allow unless enforcing. */
static void
internal_error(struct run *r, const char *what)
{
	char msg[900];
	cJSON *d = base_details(r);

	snprintf(msg, sizeof(msg), "Action blocked by organization security policy: Runlayer "
		 "could not check this call (%.700s)", what);
	if (r->mode == POLICY_ENFORCE) {
		if (!r->have_event) {
			error_deny(r->client, msg, &r->reply);
		} else if (blocking_kind(r->ev.kind)) {
			struct buf a = BUF_INIT;
			struct reply_msg m = { "Infrastructure", r->ev.tool_name, NULL, NULL, what,
					       "Contact your administrator: the Runlayer hook on this "
					       "machine cannot evaluate tool calls.\n"
					       "An administrator can check it with 'runlayer policy show'." };

			reply_agent_message(&m, &a);
			reply_deny(r->client, r->ev.kind, r->ev.event_name, msg, a.data, &r->reply);
			buf_release(&a);
		} else {
			reply_allow(r->client, r->ev.kind, &r->reply);
		}
	} else {
		reply_allow(r->client, r->have_event ? r->ev.kind : HOOK_KIND_PRE_TOOL, &r->reply);
	}
	cJSON_AddStringToObject(d, "error", what);
	cJSON_AddStringToObject(d, "decision", r->mode == POLICY_ENFORCE &&
				(!r->have_event || blocking_kind(r->ev.kind)) ? "deny" : "allow");
	record(r, "hook.error", NULL, NULL, d);
	cJSON_Delete(d);
}

/* ---- MCP calls ------------------------------------------------------------- */

static const char *
config_label(enum hook_client c)
{
	switch (c) {
	case HOOK_CLAUDE_CODE: return "Claude Code settings";
	case HOOK_CODEX: return "Codex config";
	case HOOK_CURSOR: return "Cursor MCP config";
	case HOOK_GEMINI: return "Gemini CLI settings";
	case HOOK_HERMES: return "Hermes config";
	case HOOK_COPILOT: return "Copilot CLI MCP config";
	case HOOK_WINDSURF: return "Windsurf MCP config";
	default: return "the client's config";
	}
}

/* The base URL an admin would allowlist for url ("scheme://host[:port]/path"). */
static char *
allowlist_hint(const char *url)
{
	struct uri u = URI_INIT;
	char *s = NULL;

	if (url && uri_parse(url, &u, NULL) == 0)
		s = uri_format(&u, 0);
	uri_release(&u);
	return s;
}

static void
source_details(cJSON *d, const struct resolve_result *res)
{
	cJSON *src = cJSON_AddObjectToObject(d, "source");

	cJSON_AddStringToObject(src, "scope", res->scope ? res->scope : "none");
	if (res->config_path)
		cJSON_AddStringToObject(src, "config_path", res->config_path);
	if (res->plugin)
		cJSON_AddStringToObject(src, "plugin", res->plugin);
	if (res->has_server && res->server.type)
		cJSON_AddStringToObject(src, "type", res->server.type);
	if (res->url) {
		char *u = redact_url(res->url);

		cJSON_AddStringToObject(src, "url", u);
		free(u);
	}
	if (res->command) {
		char *c = redact_arg(NULL, res->command);

		cJSON_AddStringToObject(src, "command", c);
		free(c);
	}
	if (res->args) {
		cJSON *a = cJSON_Duplicate(res->args, 1);

		redact_args(a);
		cJSON_AddItemToObject(src, "args", a);
	}
}

static void
decide_mcp(struct run *r, struct resolve_result *res, int resolved)
{
	const struct hook_event *ev = &r->ev;
	struct resolve_ctx ctx;
	struct resolve_query q;
	struct policy_subject subj;
	struct policy_decision d;
	struct err e = ERR_INIT;
	const char *hash;
	char user[1400];
	cJSON *det;
	int deny;

	if (!resolved) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.client = r->client;
		ctx.home = r->home;
		ctx.root = r->o->root ? r->o->root : "";
		ctx.cwd = r->o->cwd ? r->o->cwd : ev->cwd;
		ctx.live = 1;
		ctx.cache_dir = r->cache_dir;
		memset(&q, 0, sizeof(q));
		q.tool_name = ev->tool_name;
		q.server_name = ev->server_name;
		q.url = ev->url;
		q.command = ev->command;
		q.args = ev->args;
		q.workspace_roots = ev->workspace_roots;
		q.profile = ev->profile;
		if (resolve_server(&ctx, &q, res, &e) < 0) {
			internal_error(r, e.msg);
			return;
		}
	}
	if (r->rules_error) {
		internal_error(r, r->rules_msg);
		return;
	}
	hash = res->has_server && res->server.config_hash[0] ? res->server.config_hash : NULL;
	memset(&subj, 0, sizeof(subj));
	subj.name = res->name;
	subj.url = res->url;
	subj.command = res->command;
	subj.args = res->args;
	subj.config_hash = hash;
	subj.found = res->found;
	policy_decide(&r->pol, &subj, &d);

	deny = !d.allow && r->mode != POLICY_MONITOR;
	if (deny) {
		struct buf a = BUF_INIT, how = BUF_INIT;
		char *base = allowlist_hint(res->url);
		struct reply_msg m;

		if (d.rule == RULE_SHADOW)
			snprintf(user, sizeof(user), "Action blocked: MCP server '%.200s' not registered "
				 "in %s", res->name ? res->name : "?", config_label(r->client));
		else if (d.rule == RULE_DENIED)
			snprintf(user, sizeof(user), "MCP execution blocked by organization policy: "
				 "server '%.200s' was denied by an administrator",
				 res->name ? res->name : "?");
		else
			snprintf(user, sizeof(user), "MCP execution blocked by organization policy: "
				 "server '%.200s' is not managed by Runlayer, not allowlisted and not "
				 "approved", res->name ? res->name : "?");
		if (d.rule == RULE_DENIED) {
			buf_adds(&how, "This server was denied by an administrator; contact your "
				       "administrator if you need it.");
		} else {
			if (hash) {
				size_t n = strlen(user);

				snprintf(user + n, sizeof(user) - n, ". An administrator can approve it "
					 "with 'runlayer policy allow %s'", hash);
				buf_addf(&how, "Ask your administrator to approve this server: "
					 "`runlayer policy allow %s`\n", hash);
			} else {
				size_t n = strlen(user);

				snprintf(user + n, sizeof(user) - n, ". To use it, configure it in %s "
					 "and ask an administrator to approve it ('runlayer scan', then "
					 "'runlayer policy allow <config_hash>')", config_label(r->client));
				buf_addf(&how, "Configure this server in %s, then ask your administrator "
					 "to approve it (`runlayer scan`, then `runlayer policy allow "
					 "<config_hash>`)\n", config_label(r->client));
			}
			if (base)
				buf_addf(&how, "Or to allowlist its URL: `runlayer policy allowlist add "
					 "%s`\n", base);
			buf_adds(&how, "Or use the Runlayer-managed version of this server "
				       "(a Runlayer proxy URL or `runlayer run <uuid>`).");
		}
		m.violation = "MCP Execution Policy";
		m.tool = ev->tool_name;
		m.server = res->name;
		m.file = NULL;
		m.reason = d.detail;
		m.remedy = how.data;
		reply_agent_message(&m, &a);
		reply_deny(r->client, ev->kind, ev->event_name, user, a.data, &r->reply);
		buf_release(&a);
		buf_release(&how);
		free(base);
	} else {
		reply_allow(r->client, ev->kind, &r->reply);
	}

	det = base_details(r);
	if (res->name)
		cJSON_AddStringToObject(det, "server", res->name);
	if (res->tool)
		cJSON_AddStringToObject(det, "mcp_tool", res->tool);
	cJSON_AddStringToObject(det, "decision", deny ? "deny" : "allow");
	cJSON_AddStringToObject(det, "verdict", d.allow ? "allow" : "deny");
	cJSON_AddBoolToObject(det, "enforced", r->mode != POLICY_MONITOR);
	cJSON_AddStringToObject(det, "rule", policy_rule_name(d.rule));
	cJSON_AddStringToObject(det, "detail", d.detail);
	cJSON_AddBoolToObject(det, "shadow", !res->found);
	cJSON_AddBoolToObject(det, "rules_file", r->pol.exists);
	source_details(det, res);
	record(r, ev->kind == HOOK_KIND_PERMISSION ? "hook.permission" : "security_decision",
	       res->name, hash, det);
	cJSON_Delete(det);
	if (!res->found && ev->kind != HOOK_KIND_PERMISSION) {
		det = base_details(r);
		if (res->name)
			cJSON_AddStringToObject(det, "server", res->name);
		cJSON_AddStringToObject(det, "decision", deny ? "deny" : "allow");
		source_details(det, res);
		record(r, "shadow_mcp_detected", res->name, hash, det);
		cJSON_Delete(det);
	}
}

/* ---- local tools -------------------------------------------------------------- */

static void
local_tool(struct run *r)
{
	const struct hook_event *ev = &r->ev;
	enum policy_file fc = POLICY_FILE_OK;
	char word[512] = "";
	cJSON *det;
	const cJSON *p;

	if (r->mode == POLICY_ENFORCE) {
		if (ev->text && ev->tool == HOOK_TOOL_SHELL)
			fc = policy_shell_check(ev->text, word, sizeof(word));
		if (fc == POLICY_FILE_OK && ev->paths) {
			cJSON_ArrayForEach(p, ev->paths) {
				if (cJSON_IsString(p) &&
				    (fc = policy_file_class(p->valuestring)) != POLICY_FILE_OK) {
					snprintf(word, sizeof(word), "%s", p->valuestring);
					break;
				}
			}
		}
	}
	det = base_details(r);
	if (ev->text && ev->tool == HOOK_TOOL_SHELL)
		add_text(det, "command", ev->text);
	if (ev->paths)
		cJSON_AddItemToObject(det, "paths", cJSON_Duplicate(ev->paths, 1));
	if (fc != POLICY_FILE_OK) {
		struct buf a = BUF_INIT;
		struct reply_msg m = { "File Access Policy", ev->tool_name, NULL, word,
				       policy_file_message(fc),
				       "Ask the user to share the information you need without "
				       "reading this file.\nContact your administrator if this access "
				       "is required." };

		reply_agent_message(&m, &a);
		reply_deny(r->client, ev->kind, ev->event_name, policy_file_message(fc), a.data,
			   &r->reply);
		buf_release(&a);
		cJSON_AddStringToObject(det, "decision", "deny");
		cJSON_AddStringToObject(det, "rule", "file_policy");
		cJSON_AddStringToObject(det, "file", word);
		cJSON_AddStringToObject(det, "detail", policy_file_message(fc));
		record(r, "security_decision", NULL, NULL, det);
	} else {
		reply_allow(r->client, ev->kind, &r->reply);
		record(r, "hook.tool_call", NULL, NULL, det);
	}
	cJSON_Delete(det);
}

/* Observational events: the timeline only. */
static void
observe(struct run *r)
{
	const struct hook_event *ev = &r->ev;
	cJSON *det = base_details(r);
	const char *type;

	reply_allow(r->client, ev->kind, &r->reply);
	switch (ev->kind) {
	case HOOK_KIND_POST_TOOL:
	case HOOK_KIND_TOOL_FAILURE:
		type = ev->kind == HOOK_KIND_POST_TOOL ? "hook.tool_output" : "hook.tool_error";
		add_output(det, ev->tool_response);
		{
			const cJSON *err = cJSON_GetObjectItemCaseSensitive(ev->root, "error");

			if (cJSON_IsString(err))
				add_text(det, "error", err->valuestring);
		}
		break;
	case HOOK_KIND_PROMPT:
		type = "hook.prompt";
		add_text(det, "text", ev->text);
		break;
	case HOOK_KIND_RESPONSE:
		type = "hook.response";
		add_text(det, "text", ev->text);
		break;
	case HOOK_KIND_SESSION_START:
		type = "hook.session_start";
		break;
	case HOOK_KIND_SESSION_END:
		type = "hook.session_end";
		break;
	default:
		type = "hook.event";
		break;
	}
	record(r, type, NULL, NULL, det);
	cJSON_Delete(det);
}

/* An MCP call the client decides elsewhere (Cursor enforces on
 * beforeMCPExecution; its preToolUse and imported Claude hooks pass). */
static void
mcp_passthrough(struct run *r)
{
	cJSON *det = base_details(r);

	reply_allow(r->client, r->ev.kind, &r->reply);
	cJSON_AddStringToObject(det, "decided_by", "beforeMCPExecution");
	record(r, "hook.tool_call", NULL, NULL, det);
	cJSON_Delete(det);
}

static void
dispatch(struct run *r)
{
	struct hook_event *ev = &r->ev;
	struct resolve_result res;

	memset(&res, 0, sizeof(res));
	switch (ev->kind) {
	case HOOK_KIND_PRE_TOOL:
	case HOOK_KIND_PERMISSION:
		if (ev->tool == HOOK_TOOL_MCP) {
			if (ev->client == HOOK_CURSOR &&
			    (ev->from_import || ev->event_name == NULL ||
			     strcmp(ev->event_name, "beforeMCPExecution") != 0))
				mcp_passthrough(r);
			else
				decide_mcp(r, &res, 0);
		} else if (ev->client == HOOK_COPILOT && ev->tool == HOOK_TOOL_OTHER &&
			   ev->tool_name) {
			/* Copilot names MCP tools after their server: look it up. */
			struct resolve_ctx ctx = { r->client, r->home, r->o->root ? r->o->root : "",
						   r->o->cwd ? r->o->cwd : ev->cwd, 1, r->cache_dir };
			struct resolve_query q;
			struct err e = ERR_INIT;

			memset(&q, 0, sizeof(q));
			q.tool_name = ev->tool_name;
			/* Copilot's built-in GitHub server is remote: give its URL so
			 * an admin can allowlist it [U: naming unverified]. */
			if (strncmp(ev->tool_name, "github-mcp-server-", 18) == 0)
				q.url = COPILOT_GITHUB_MCP;
			if (resolve_server(&ctx, &q, &res, &e) == 0 &&
			    (res.found || strchr(ev->tool_name, '-'))) {
				/* Built-in tools have no '-': a dashed name is
				 * <server>-<tool>, found or shadow. */
				if (q.url && !res.found) {
					free(res.name);
					res.name = xstrdup("github-mcp-server");
				}
				ev->tool = HOOK_TOOL_MCP;
				decide_mcp(r, &res, 1);
			} else {
				local_tool(r);
			}
		} else {
			local_tool(r);
		}
		break;
	case HOOK_KIND_SHELL:
	case HOOK_KIND_READ:
		local_tool(r);
		break;
	default:
		observe(r);
		break;
	}
	resolve_result_release(&res);
}

#define OOM_BLOCK_MSG "runlayer: the hook ran out of memory; the call is blocked (enforce mode)\n"

int
hook_run(const struct hook_run_opts *o)
{
	struct run r;
	struct buf in = BUF_INIT;
	struct err e = ERR_INIT;
	cJSON *root = NULL;
	char *rules = NULL;
	const char *end = NULL;
	long read_ms;
	int code;

	/* Enforce (the default) until the rules say otherwise. */
	xalloc_oom_exit(!o->mode_set || o->mode == POLICY_ENFORCE ? 2 : -1, OOM_BLOCK_MSG);
	memset(&r, 0, sizeof(r));
	r.o = o;
	clock_gettime(CLOCK_MONOTONIC, &r.start);
	r.deadline_ms = o->deadline_ms > 0 ? o->deadline_ms : HOOK_DEADLINE_MS;
	r.client = o->client != HOOK_CLIENT_NONE ? o->client : HOOK_CLAUDE_CODE;
	r.fallback = (struct reply)REPLY_INIT;
	r.reply = (struct reply)REPLY_INIT;
	wd_replied = 0;
	wd_out_fd = o->out_fd;
	wd_err_fd = o->err_fd;
	if (gethostname(r.hostname, sizeof(r.hostname)) < 0)
		r.hostname[0] = '\0';
	r.hostname[sizeof(r.hostname) - 1] = '\0';
	r.username = getenv("USER") ? getenv("USER") : getenv("LOGNAME");
	r.home = o->home ? xstrdup(o->home) : state_home(&e);
	if (r.home == NULL)
		r.home = xstrdup("/");
	r.cache_dir = o->cache_dir ? (o->cache_dir[0] ? xstrdup(o->cache_dir) : NULL)
				   : resolve_cache_dir();

	/* The rules decide the mode; a broken file is an internal error
	 * (enforce unless the command line says otherwise). */
	policy_init(&r.pol);
	rules = o->rules_path ? xstrdup(o->rules_path) : policy_default_path(&e);
	if (rules == NULL || policy_load(&r.pol, rules, &e) < 0) {
		char pos[1200];

		r.rules_error = 1;
		snprintf(r.rules_msg, sizeof(r.rules_msg), "rules file: %.500s",
			 err_format(&e, pos, sizeof(pos)));
	}
	if (!r.rules_error && !r.pol.exists) {
		/* No rules yet: managed sources still pass, so learn the hosts
		 * from the configuration (contract §7.1). */
		struct policy_sources src = { NULL, o->root, r.home };

		policy_add_configured(&r.pol, &src, NULL);
	}
	r.mode = o->mode_set ? o->mode : r.rules_error ? POLICY_ENFORCE : r.pol.mode;
	/* Out of memory before the answer: enforce blocks, the others abort
	 * (which the clients take as "let it through"). */
	xalloc_oom_exit(r.mode == POLICY_ENFORCE ? 2 : -1, OOM_BLOCK_MSG);
	set_fallback(&r);
	if (o->watchdog)
		wd_arm(r.deadline_ms);

	read_ms = remaining_ms(&r) < HOOK_READ_MS ? remaining_ms(&r) : HOOK_READ_MS;
	err_clear(&e);
	if (read_input(o->in_fd, o->max_input ? o->max_input : HOOK_MAX_INPUT, &r, read_ms, &in,
		       &e) < 0) {
		internal_error(&r, e.msg);
		goto reply;
	}
	if (in.len == 0) {
		internal_error(&r, "empty event on stdin");
		goto reply;
	}
	root = cJSON_ParseWithLengthOpts(in.data, in.len, &end, 0);
	if (root && end) {
		/* One object, then only blank space. */
		while (end < in.data + in.len && (*end == ' ' || *end == '\t' || *end == '\n' ||
						  *end == '\r'))
			end++;
		if (end < in.data + in.len) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (!cJSON_IsObject(root)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "event is not a JSON object (at byte %zu)",
			 end && end >= in.data ? (size_t)(end - in.data) : (size_t)0);
		cJSON_Delete(root);
		root = NULL;
		internal_error(&r, msg);
		goto reply;
	}
	hook_event_classify(root, o->client, getenv("HOOK_EVENT_NAME"), o->event, &r.ev);
	root = NULL;
	r.have_event = 1;
	r.client = r.ev.client;
	if (r.ev.kind == HOOK_KIND_NONE) {
		/* No event name: nothing to decide (contract §1.8). */
		reply_allow(r.client, HOOK_KIND_OTHER, &r.reply);
		buf_clear(&r.reply.out);
		goto reply;
	}
	set_fallback(&r);
	dispatch(&r);
reply:
	if (o->watchdog) {
		sigset_t old;

		wd_hold(&old);
		write_reply(&r, &r.reply);
		wd_exit_after = r.reply.exit_code;
		wd_replied = 1;
		wd_release(&old);
	} else {
		write_reply(&r, &r.reply);
	}
	code = r.reply.exit_code;
	/* The answer stands, whatever happens while recording. */
	xalloc_oom_exit(code, NULL);
	/*
	 * The answer is out; the records get a budget of their own, so a late
	 * answer never costs its record: the backend queue first (one file),
	 * then the audit records (the store, or its spool when the store
	 * stays locked).
	 */
	r.deadline_ms = elapsed_ms(&r) + HOOK_RECORD_MS;
	if (o->watchdog)
		wd_arm(HOOK_RECORD_MS);
	prepare_records(&r);
	enqueue(&r);
	flush_records(&r);
	if (o->watchdog)
		wd_disarm();
	/* Closing checkpoints the WAL: left open, it would grow with every
	 * hook and each next open would read all of it. */
	store_close(r.store);
	records_release(&r);
	wd_fb_rec = NULL;
	fallback_release(r.fb_rec);
	free(r.spool);
	hook_event_release(&r.ev);
	cJSON_Delete(root);
	policy_release(&r.pol);
	reply_release(&r.reply);
	reply_release(&r.fallback);
	buf_release(&in);
	free(rules);
	free(r.home);
	free(r.cache_dir);
	xalloc_oom_exit(-1, NULL);
	return code;
}
