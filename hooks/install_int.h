/* Internals shared by the hook installer's files: per-client specs (events,
 * entry shapes, locations), wanted entries, and the per-format editors. */
#ifndef HOOKS_INSTALL_INT_H
#define HOOKS_INSTALL_INT_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "hooks/install.h"
#include "util/buf.h"
#include "util/err.h"

enum hook_ev_flags {
	HEV_ENFORCE = 1,	/* in the enforcement-only set (else all-events only) */
	HEV_TOOL = 2,		/* a tool event: matcher = the client's MCP tool pattern */
	HEV_BLOCKING = 4,	/* can block: failClosed / fail_closed in enforcement */
	HEV_NO_MATCHER = 8,	/* the client ignores matchers here (Codex hash omits it) */
};

struct hook_ev {
	const char *name;
	unsigned flags;
	const char *matcher;	/* a fixed matcher (Codex SessionStart), else NULL */
	const char *snake;	/* Codex: the event in snake case for trust keys */
};

enum hook_shape {
	SHAPE_GROUPED,	/* {matcher, hooks:[{type:"command", command}]} (Claude, Codex, Gemini) */
	SHAPE_FLAT,	/* {command, …} directly in the event list (Cursor, Hermes, …) */
};

struct hook_spec {
	const struct hook_ev *events;	/* terminated by { NULL } */
	const char *mcp_matcher;	/* for HEV_TOOL events, or NULL for none */
	enum hook_shape shape;
	const char *cmd_key;		/* "command"; Copilot "bash" */
	const char *user_path;		/* path template (discover/paths.h) */
	const char *presence;		/* directory whose presence means "installed" */
	const char *mdm_path[3];	/* Linux, macOS, Windows; NULL: no managed file */
	const char *skeleton;		/* text of a file we create */
	int delete_if_empty;		/* 1: delete the file when only "version" is left;
					 * 2: when it is exactly the skeleton (a file we made) */
};

extern const struct hook_spec hook_specs[HOOK_N_CLIENTS];

struct hook_want {
	const struct hook_ev *ev;
	cJSON *entry;		/* the group (grouped) or the entry (flat) we write */
};

struct hook_wants {
	struct hook_want *v;
	size_t n;
};

/* The entries install writes for client c in mode m running command. */
void hook_wants_build(enum hook_client c, enum hook_mode m, const char *command,
		      struct hook_wants *w);
void hook_wants_release(struct hook_wants *w);
const struct hook_want *hook_wants_find(const struct hook_wants *w, const char *event);
const struct hook_ev *hook_event_find(enum hook_client c, const char *name);

/*
 * Count the handlers of entry that are ours (*n_ours) out of all its
 * command handlers (*n_all): a group's hooks[], or the entry itself.
 */
void hook_entry_count(const struct hook_spec *s, const cJSON *entry, size_t *n_ours,
		      size_t *n_all);
/* Whether handler h (a group's element, or a flat entry) runs our command. */
int hook_handler_ours(const struct hook_spec *s, const cJSON *h);
/* The command string of a handler, or NULL. */
const char *hook_handler_command(const struct hook_spec *s, const cJSON *h);

/* Add a finding or warning to a file report. */
void hook_note(struct hook_file_report *fr, unsigned problems, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An edit of a hooks object ({event: [entries]}), planned once on the
 * parsed tree and then carried out on the text by each format's editor. */
enum hop_kind {
	HOP_REMOVE_ENTRY,	/* event[idx] */
	HOP_REMOVE_HANDLER,	/* event[idx].hooks[h] (a group shared with other hooks) */
	HOP_APPEND_ENTRY,	/* entry appended to event's list */
	HOP_REMOVE_EVENT,	/* the event's list (emptied by the removals before) */
	HOP_ADD_EVENT,		/* a new event list holding entry */
	HOP_ADD_HOOKS,		/* no hooks object yet: add it with every wanted event */
	HOP_REMOVE_HOOKS,	/* the hooks object (emptied by the removals before) */
};

struct hop {
	enum hop_kind kind;
	const char *event;	/* borrowed from the tree or the wants */
	size_t idx, h;
	const cJSON *entry;	/* borrowed from the wants */
};

struct hplan {
	struct hop *v;
	size_t n, cap;
};

/*
 * Plan the edits that make hooks (the parsed hooks object, or NULL when
 * absent) hold exactly wants: an entry of ours that is already right stays
 * where it is (so nothing moves and nothing is rewritten); otherwise ours are
 * removed (last first) and the wanted entry appended after the user's.
 * Events named skip (NULL: none) are not events (Codex's "state"). check:
 * record findings in fr instead of planning. 0 or -ERR_INVALID (e filled)
 * when an event we must edit is not a list.
 */
int hook_plan(const struct hook_spec *s, const struct hook_wants *w, int check,
	      const cJSON *hooks, const char *skip, struct hplan *p,
	      struct hook_file_report *fr, struct err *e);
void hplan_release(struct hplan *p);
/* Apply one planned edit to a parsed tree whose hooks object is at
 * root[key] (created or deleted by HOP_ADD_HOOKS / HOP_REMOVE_HOOKS). */
void hop_apply_tree(cJSON *root, const char *key, const struct hop *op,
		    const struct hook_wants *w);

/*
 * Edit the text of a JSON hooks file ({"hooks": {event: [entries]}}) for
 * wants (none: uninstall). check: only fill fr with findings. Otherwise the
 * result goes to out, verified by re-parsing against the same edits made on
 * the parsed tree; *remove_file is set when the file should be deleted
 * (delete_if_empty and nothing but "version" left). exists = 0 starts from
 * the spec's skeleton. 0 or -ERR_* (e filled; the file is left alone).
 */
int hfile_json_edit(const struct hook_spec *s, const struct hook_wants *w, int check,
		    const char *text, size_t len, int exists, struct buf *out,
		    int *remove_file, struct hook_file_report *fr, struct err *e);

/* The same for Hermes' config.yaml `hooks:` block (flat entries). */
int hfile_yaml_edit(const struct hook_spec *s, const struct hook_wants *w, int check,
		    const char *text, size_t len, int exists, struct buf *out,
		    struct hook_file_report *fr, struct err *e);

/* Whether any entry of ours in tree (a parsed hooks file) runs in monitor
 * mode, or sits in an all-events-only event: the mode it was installed in. */
enum hook_mode hook_infer_mode(enum hook_client c, const cJSON *hooks_obj);

/* Structural equality of two trees (objects compared by key, whatever
 * their order; duplicate keys never equal), fast for large objects. */
int hook_tree_equal(const cJSON *a, const cJSON *b);

/* A unified diff (3 lines of context) from a to b, labelled; "" when equal. */
char *hook_udiff(const char *a_label, const char *a, size_t alen, const char *b_label,
		 const char *b, size_t blen);

/* ---- files and clients (hooks/install.c) ---- */

#include <sys/stat.h>

#include "discover/paths.h"

/* One file being edited: its old text, the new one, and how to write it. */
struct fjob {
	struct hook_file_report *fr;
	char *target;		/* the file written: fr->path, or a symlink's target */
	int exists;
	struct stat st;
	struct buf old;
	struct buf new;
	int remove;		/* delete the file instead of writing new */
	int system;		/* a managed/system file (created 0644, dirs 0755) */
	int no_backup;		/* a file wholly ours (Copilot's runlayer.json) */
};

/* What every client's install step works with. */
struct hook_ctx {
	const struct hook_opts *o;
	enum hook_client c;
	struct hook_client_report *cr;
	struct path_ctx pc;
	enum hook_mode mode;
	char *command;		/* our command for this client and mode */
	struct hook_wants wants;	/* empty for uninstall */
};

/* A new file report for path (owned copy) in the client's report. */
struct hook_file_report *hook_report_file(struct hook_client_report *cr, const char *path,
					  const char *role);
/* Read j->fr->path (following a symlink only when allowed). A missing file
 * is not an error (j->exists = 0). 0 or -ERR_* (also noted in j->fr). */
int fjob_load(struct fjob *j, const struct hook_opts *o);
/* Whether the job changes the file. */
int fjob_changed(const struct fjob *j);
/* Write the change: backup, then atomic replace or unlink; under dry_run
 * only fill fr->diff. Sets fr->action. 0 or -ERR_* (noted in j->fr). */
int fjob_commit(struct fjob *j, const struct hook_opts *o);
void fjob_release(struct fjob *j);

/* Per-client steps with more than one file (install_codex.c, install_hermes.c). */
int hook_run_codex(struct hook_ctx *x, const char *hooks_path);
int hook_run_hermes(struct hook_ctx *x, const char *config_path);

/* Lock the directories of the jobs (each once, in path order); release with
 * hook_unlock. 0 or -ERR_* noted in the first job's report. */
struct lock;
int hook_lock_jobs(struct fjob *jobs, size_t n, const struct hook_opts *o, struct lock *locks);
void hook_unlock(struct lock *locks, size_t n);

/* Crash points for the crash-safety test (RUNLAYER_TEST_CRASH=<name>). */
void hook_crash_point(const char *name);

#endif
