/* Hook installation: our hook entries written into each AI client's own
 * configuration (Claude Code, Codex, Cursor, Gemini CLI, Hermes, Copilot
 * CLI, Windsurf), next to the user's hooks, with every other byte kept;
 * uninstall removes only ours; check reports drift per client and file. */
#ifndef HOOKS_INSTALL_H
#define HOOKS_INSTALL_H

#include <stddef.h>
#include <time.h>

#include "util/err.h"

enum hook_client {
	HOOK_CLAUDE_CODE,
	HOOK_CODEX,
	HOOK_CURSOR,
	HOOK_GEMINI,
	HOOK_HERMES,
	HOOK_COPILOT,
	HOOK_WINDSURF,
	HOOK_N_CLIENTS
};

struct hook_client_def {
	const char *id;		/* `--client` value and the id in `hook --client <id>` */
	const char *label;	/* "Claude Code" */
	const char *aliases;	/* other accepted spellings, '|'-separated */
	int has_mdm;		/* has a managed (system) location */
};

extern const struct hook_client_def hook_clients[HOOK_N_CLIENTS];

/* The client named name (id or alias), or -1. */
int hook_client_lookup(const char *name);

enum hook_action {
	HOOK_INSTALL,
	HOOK_UNINSTALL,
	HOOK_CHECK,
};

enum hook_mode {
	HOOK_MODE_ENFORCE = 0,		/* enforcement events only */
	HOOK_MODE_ALL_EVENTS = 1,	/* enforcement + event hooks */
	HOOK_MODE_MONITOR = 2,		/* all events, `hook … --no-enforcement` */
};

struct hook_opts {
	enum hook_action action;
	const char *home;	/* the user's home, no trailing '/' */
	const char *root;	/* prefix of system paths ("" for the live system) */
	unsigned os;		/* one enum cat_os bit (discover/catalog.h) */
	int live;		/* honour CODEX_HOME, CLAUDE_CONFIG_DIR, HERMES_HOME, … */
	const char *binary;	/* absolute path of our binary, written into entries */
	unsigned clients;	/* 1 << enum hook_client bits; 0 = every client */
	int explicit_clients;	/* --client given: install even where the client is absent */
	enum hook_mode mode;
	int mode_given;		/* check: compare with mode; else infer it per client */
	int mdm;		/* managed/system locations instead of the user's */
	int trust;		/* consent: write Codex trust and the Hermes allowlist */
	int dry_run;		/* compute and diff, write nothing */
	int follow_symlinks;	/* edit a symlinked file's target (never as root) */
	unsigned lock_timeout_ms;
	time_t now;		/* timestamp for backups; 0 = time(NULL) */
};

enum hook_file_action {
	HOOK_FILE_UNCHANGED,
	HOOK_FILE_CREATED,
	HOOK_FILE_MODIFIED,
	HOOK_FILE_DELETED,
};

/* Check findings (bits). */
enum hook_problem {
	HOOK_PB_MISSING = 1 << 0,	/* a wanted event has no entry of ours */
	HOOK_PB_MODIFIED = 1 << 1,	/* our entry differs from what install writes */
	HOOK_PB_DUPLICATED = 1 << 2,	/* more than one entry of ours in an event */
	HOOK_PB_EXTRA = 1 << 3,		/* ours in an event the mode does not use */
	HOOK_PB_UNTRUSTED = 1 << 4,	/* Codex trust / Hermes allowlist missing or stale */
	HOOK_PB_DISABLED = 1 << 5,	/* the client switches hooks off (disableAllHooks, …) */
	HOOK_PB_ERROR = 1 << 6,		/* the file cannot be read or parsed */
};

struct hook_file_report {
	char *path;		/* the file as the client names it */
	const char *role;	/* "hooks", "trust" or "allowlist" */
	enum hook_file_action action;	/* done (or planned with dry_run) */
	char *backup;		/* the backup made before changing it, or NULL */
	char *diff;		/* dry_run: unified diff of the change, or NULL */
	unsigned problems;	/* check: enum hook_problem bits */
	char **notes;		/* human-readable findings and warnings */
	size_t nnotes;
	size_t n_entries;	/* entries of ours found (check) or written */
	struct err err;		/* err.code != 0: this file failed and was left as it was */
	int hidden;		/* not relevant here (Codex hooks.json when hooks live in
				 * config.toml and hooks.json does not exist) */
};

struct hook_client_report {
	enum hook_client client;
	const char *skipped;	/* why the client was left alone, or NULL */
	enum hook_mode mode;	/* the mode used (check: as inferred) */
	struct hook_file_report *files;
	size_t nfiles;
};

struct hook_report {
	struct hook_client_report *v;
	size_t n;
};

/*
 * Install, uninstall or check (o->action) for every selected client. Each
 * client's files are edited under a lock on their directory: read, edit in
 * memory, verify by re-parsing that the result is exactly the intended
 * structure, back up, then replace atomically. A file that does not parse
 * is never written. Results, per client and file, go to r (caller releases
 * with hook_report_release). Returns 0 when every file succeeded, else the
 * -ERR_* of the first failure (details in the file reports).
 */
int hooks_run(const struct hook_opts *o, struct hook_report *r);
void hook_report_release(struct hook_report *r);

/*
 * The command our entries run: binary (double-quoted when it holds a space
 * or other shell-special byte), "hook --client <id>", and
 * " --no-enforcement" in monitor mode. NULL when the path holds a byte that
 * cannot be quoted for every client (", \, $, `, control characters).
 */
char *hooks_command(const char *binary, enum hook_client c, enum hook_mode mode);

/*
 * Whether a hook command is ours: its program is runlayer or aiwatch (any
 * directory, optional .exe, optionally quoted) followed by the word "hook",
 * or it names one of the older shims (runlayer-hook.sh, aiwatch-hook, …).
 */
int hooks_command_is_ours(const char *cmd);

/*
 * Codex trust hash of one command handler (clients.md §5.2): "sha256:" and
 * the hex SHA-256 of the sorted compact JSON identity. event_snake is the
 * event in snake case, matcher NULL when absent (or ignored by the event),
 * timeout the explicit value or -1 for Codex's default, status_message
 * NULL when unset. out receives 72 bytes including the NUL.
 */
void hooks_codex_hash(const char *event_snake, const char *matcher, const char *command,
		      long timeout, int async, const char *status_message, char out[72]);

#endif
