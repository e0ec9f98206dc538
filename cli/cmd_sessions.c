/* `runlayer sessions`: AI client sessions as the hooks recorded them: the
 * list, and one session's timeline of prompts, tool calls and decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "hooks/audit.h"
#include "parsers/tree.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define END_OPT { OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
#define DB_OPT(var) \
	{ OPT_STRING, 0, "db", &(var), "PATH", "inventory database (default ~/.runlayer/inventory.db)", 0, 0, NULL, 0, 0 }
#define SESSIONS_SCHEMA 1

/* One recorded hook event of a session. */
struct sev {
	const struct store_event_row *row;
	cJSON *det;		/* parsed details (owned) */
	const char *session;
};

struct session {
	const char *id, *client, *first, *last, *cwd;
	size_t n_events, n_prompts, n_tools, n_denied, n_shadow;
};

struct timeline {
	struct store_event_rows rows;
	struct sev *v;
	size_t n;
	struct session *s;
	size_t ns;
};

static const char *
dstr(const cJSON *det, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(det, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
is_session_event(const char *type)
{
	return strncmp(type, "hook.", 5) == 0 || strcmp(type, "security_decision") == 0;
}

static void
timeline_release(struct timeline *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		cJSON_Delete(t->v[i].det);
	free(t->v);
	free(t->s);
	store_event_rows_release(&t->rows);
	memset(t, 0, sizeof(*t));
}

static struct session *
session_of(struct timeline *t, const char *id, const char *client)
{
	size_t i;

	for (i = 0; i < t->ns; i++)
		if (strcmp(t->s[i].id, id) == 0 &&
		    strcmp(t->s[i].client ? t->s[i].client : "", client ? client : "") == 0)
			return &t->s[i];
	t->s = xreallocarray(t->s, t->ns + 1, sizeof(*t->s));
	memset(&t->s[t->ns], 0, sizeof(*t->s));
	t->s[t->ns].id = id;
	t->s[t->ns].client = client;
	return &t->s[t->ns++];
}

/* Read every hook event (since may be NULL) and group them by session. */
static int
timeline_load(const char *db, const char *since, struct timeline *t, int *rc)
{
	struct store *s = NULL;
	struct err e = ERR_INIT;
	char *path = db ? xstrdup(db) : store_default_path(&e);
	char norm[STORE_TIME_LEN + 1];
	size_t i;
	int r;

	memset(t, 0, sizeof(*t));
	*rc = EXIT_OK;
	if (path == NULL) {
		out_error_err(&e, "cannot locate the inventory");
		*rc = EXIT_FAIL;
		return -1;
	}
	if (since && store_time_parse(since, norm, &e) < 0) {
		free(path);
		out_error("%s", e.msg);
		*rc = EXIT_USAGE;
		return -1;
	}
	r = store_open(path, 0, 0, &s, &e);
	if (r == -ERR_NOTFOUND) {
		if (!g_opts.quiet)
			fprintf(stderr, "%s: no sessions recorded yet (no inventory at '%s')\n",
				prog_name, path);
		free(path);
		return 0;
	}
	free(path);
	if (r == 0) {
		/* Records the hooks had to spool (store busy) come in first. */
		char *dir = audit_spool_dir(&e);

		if (dir)
			audit_spool_import(s, dir, 0, NULL, &e);
		free(dir);
		err_clear(&e);
	}
	if (r < 0 || store_events(s, NULL, since ? norm : NULL, 0, &t->rows, &e) < 0) {
		out_error_err(&e, "cannot read the audit log");
		store_close(s);
		*rc = EXIT_FAIL;
		return -1;
	}
	store_close(s);
	for (i = 0; i < t->rows.n; i++) {
		const struct store_event_row *row = &t->rows.v[i];
		cJSON *det;
		const char *sid, *dec;
		struct session *ss;

		if (row->type == NULL || !is_session_event(row->type) || row->details == NULL)
			continue;
		det = cJSON_Parse(row->details);
		sid = dstr(det, "session_id");
		if (sid == NULL) {
			cJSON_Delete(det);
			continue;
		}
		if (t->n % 64 == 0)
			t->v = xreallocarray(t->v, t->n + 64, sizeof(*t->v));
		t->v[t->n].row = row;
		t->v[t->n].det = det;
		t->v[t->n].session = sid;
		t->n++;
		ss = session_of(t, sid, row->client);
		if (ss->first == NULL)
			ss->first = row->time;
		ss->last = row->time;
		if (ss->cwd == NULL)
			ss->cwd = dstr(det, "cwd");
		ss->n_events++;
		if (strcmp(row->type, "hook.prompt") == 0)
			ss->n_prompts++;
		if (strcmp(row->type, "security_decision") == 0 ||
		    strcmp(row->type, "hook.tool_call") == 0)
			ss->n_tools++;
		dec = dstr(det, "decision");
		if (dec && strcmp(dec, "deny") == 0 && strcmp(row->type, "hook.error") != 0)
			ss->n_denied++;
		if (strcmp(row->type, "security_decision") == 0 &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(det, "shadow")))
			ss->n_shadow++;
	}
	return 0;
}

static void
put_safe(const char *s, size_t max)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)(s ? s : "-"); *p && (max == 0 || n < max); p++, n++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	if (max && *p)
		fputs("…", stdout);
}

static const char *
short_time(const char *t)
{
	static char buf[4][32];
	static int i;

	if (t == NULL || strlen(t) != STORE_TIME_LEN)
		return t ? t : "-";
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%.19sZ", t);
	return buf[i];
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
session_json(const struct session *s)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "session_id", s->id);
	add_str(o, "client", s->client);
	add_str(o, "started", s->first);
	add_str(o, "last_event", s->last);
	add_str(o, "cwd", s->cwd);
	cJSON_AddItemToObject(o, "events", tree_new_integer((long long)s->n_events));
	cJSON_AddItemToObject(o, "prompts", tree_new_integer((long long)s->n_prompts));
	cJSON_AddItemToObject(o, "tool_calls", tree_new_integer((long long)s->n_tools));
	cJSON_AddItemToObject(o, "denied", tree_new_integer((long long)s->n_denied));
	cJSON_AddItemToObject(o, "shadow_servers", tree_new_integer((long long)s->n_shadow));
	return o;
}

/* ---- list -------------------------------------------------------------------- */

static const struct cmd_help list_help = {
	"sessions list", "[--client ID] [--since DATE] [-n N] [--json] [--db PATH]",
	"list the AI client sessions the hooks recorded, newest last",
	"Sessions are recorded by 'runlayer hook' when the clients' event hooks are\n"
	"installed ('runlayer setup hooks --install --all-events'). Times are UTC."
};

static int
sessions_list(int argc, char **argv)
{
	const char *db = NULL, *since = NULL, *client = NULL;
	long limit = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "client", &client, "ID", "only this client's sessions", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "since", &since, "DATE", "only events at or after DATE", 0, 0, NULL, 0, 0 },
		{ OPT_INT, 'n', "limit", &limit, "N", "only the newest N sessions", 1, 100000000, NULL, 0, 0 },
		DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT
	};
	struct timeline t;
	char **args;
	int nargs, rc;
	size_t i, first = 0, shown = 0;

	if (opt_parse(opts, &list_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &list_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&list_help, "too many arguments");
	if (timeline_load(db, since, &t, &rc) < 0)
		return rc;
	/* Sessions are in order of first event; -n keeps the newest. */
	if (limit > 0 && t.ns > (size_t)limit)
		first = t.ns - (size_t)limit;
	if (g_opts.json) {
		cJSON *root = cJSON_CreateObject(), *arr;

		cJSON_AddItemToObject(root, "schema", tree_new_integer(SESSIONS_SCHEMA));
		arr = cJSON_AddArrayToObject(root, "sessions");
		for (i = first; i < t.ns; i++)
			if (client == NULL || (t.s[i].client && strcmp(t.s[i].client, client) == 0))
				cJSON_AddItemToArray(arr, session_json(&t.s[i]));
		out_json(root);
	} else {
		for (i = first; i < t.ns; i++) {
			const struct session *s = &t.s[i];

			if (client && (s->client == NULL || strcmp(s->client, client) != 0))
				continue;
			if (shown++ == 0)
				printf("%-38s %-19s %-21s %-21s %7s %6s %6s\n", "SESSION", "CLIENT",
				       "STARTED", "LAST EVENT", "PROMPTS", "TOOLS", "DENIED");
			put_safe(s->id, 36);
			printf("%*s", s->id && strlen(s->id) < 38 ? (int)(39 - strlen(s->id)) : 1, "");
			printf("%-19s %-21s %-21s %7zu %6zu %6zu\n", s->client ? s->client : "-",
			       short_time(s->first), short_time(s->last), s->n_prompts, s->n_tools,
			       s->n_denied);
		}
		if (shown == 0 && !g_opts.quiet)
			fprintf(stderr, "No sessions recorded.\n");
	}
	timeline_release(&t);
	return EXIT_OK;
}

/* ---- show -------------------------------------------------------------------- */

static const struct cmd_help show_help = {
	"sessions show", "ID [--json] [--db PATH]",
	"one session's timeline: prompts, tool calls with their decisions, outputs, errors",
	"ID is a session id as listed by 'runlayer sessions list', or a unique prefix\n"
	"of one (at least 4 characters). Texts were redacted and cut to 4096\n"
	"characters when recorded."
};

/* What one timeline line says. */
static const char *
label_of(const struct sev *e)
{
	const char *type = e->row->type, *kind = dstr(e->det, "tool_kind");

	if (strcmp(type, "security_decision") == 0)
		return dstr(e->det, "rule") && strcmp(dstr(e->det, "rule"), "file_policy") == 0
		       ? "file policy" : "mcp call";
	if (strcmp(type, "hook.tool_call") == 0)
		return kind && strcmp(kind, "shell") == 0 ? "shell"
		       : kind && strcmp(kind, "read") == 0 ? "read" : "tool call";
	if (strcmp(type, "hook.tool_output") == 0)
		return "output";
	if (strcmp(type, "hook.tool_error") == 0)
		return "tool error";
	if (strcmp(type, "hook.prompt") == 0)
		return "prompt";
	if (strcmp(type, "hook.response") == 0)
		return "response";
	if (strcmp(type, "hook.session_start") == 0)
		return "session start";
	if (strcmp(type, "hook.session_end") == 0)
		return "session end";
	if (strcmp(type, "hook.error") == 0)
		return "hook error";
	if (strcmp(type, "hook.permission") == 0)
		return "permission";
	return "event";
}

static void
print_line(const struct sev *e)
{
	const cJSON *d = e->det;
	const char *tool = dstr(d, "tool"), *dec = dstr(d, "decision");

	printf("%s  %-13s ", short_time(e->row->time), label_of(e));
	if (strcmp(e->row->type, "security_decision") == 0 ||
	    strcmp(e->row->type, "hook.permission") == 0) {
		put_safe(tool ? tool : e->row->server_name, 80);
		printf(" -> %s", dec && strcmp(dec, "deny") == 0 ? "DENY" : "allow");
		if (dstr(d, "rule")) {
			printf(" (%s: ", dstr(d, "rule"));
			put_safe(dstr(d, "detail"), 120);
			putchar(')');
		}
		if (dstr(d, "verdict") && dec && strcmp(dstr(d, "verdict"), dec) != 0)
			printf(" [monitor: would %s]", dstr(d, "verdict"));
	} else if (dstr(d, "command")) {
		put_safe(dstr(d, "command"), 160);
	} else if (dstr(d, "text")) {
		put_safe(dstr(d, "text"), 160);
	} else if (dstr(d, "output")) {
		put_safe(tool, 60);
		fputs(": ", stdout);
		put_safe(dstr(d, "output"), 140);
	} else if (dstr(d, "error")) {
		put_safe(dstr(d, "error"), 160);
	} else if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d, "paths"))) {
		const cJSON *p;

		put_safe(tool, 40);
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "paths")) {
			putchar(' ');
			put_safe(cJSON_IsString(p) ? p->valuestring : NULL, 100);
		}
	} else {
		put_safe(tool ? tool : dstr(d, "event"), 100);
	}
	putchar('\n');
}

static int
sessions_show(int argc, char **argv)
{
	const char *db = NULL;
	const struct opt opts[] = { DB_OPT(db), OPT_COMMON, OPT_COMMON_JSON, END_OPT };
	struct timeline t;
	const struct session *match = NULL;
	char **args;
	int nargs, rc, ambiguous = 0;
	size_t i, n;

	if (opt_parse(opts, &show_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	if (g_opts.help) {
		free(args);
		opt_usage(stdout, &show_help, opts);
		return EXIT_OK;
	}
	if (nargs != 1) {
		free(args);
		return opt_usage_error(&show_help, nargs ? "too many arguments" : "missing session id");
	}
	if (timeline_load(db, NULL, &t, &rc) < 0) {
		free(args);
		return rc;
	}
	n = strlen(args[0]);
	for (i = 0; i < t.ns; i++) {
		if (strcmp(t.s[i].id, args[0]) == 0) {
			match = &t.s[i];
			ambiguous = 0;
			break;
		}
		if (n >= 4 && strncmp(t.s[i].id, args[0], n) == 0) {
			if (match && strcmp(match->id, t.s[i].id) != 0)
				ambiguous = 1;
			match = &t.s[i];
		}
	}
	if (match == NULL || ambiguous) {
		out_error("%s session '%s'", ambiguous ? "more than one" : "no", args[0]);
		fprintf(stderr, "See '%s sessions list'.\n", prog_name);
		free(args);
		timeline_release(&t);
		return EXIT_FAIL;
	}
	free(args);
	if (g_opts.json) {
		cJSON *root = cJSON_CreateObject(), *arr;

		cJSON_AddItemToObject(root, "schema", tree_new_integer(SESSIONS_SCHEMA));
		cJSON_AddItemToObject(root, "session", session_json(match));
		arr = cJSON_AddArrayToObject(root, "timeline");
		for (i = 0; i < t.n; i++) {
			const struct sev *e = &t.v[i];
			cJSON *o;

			if (strcmp(e->session, match->id) != 0 ||
			    strcmp(e->row->client ? e->row->client : "",
				   match->client ? match->client : "") != 0)
				continue;
			o = cJSON_CreateObject();
			cJSON_AddItemToObject(o, "event_id", tree_new_integer(e->row->id));
			add_str(o, "time", e->row->time);
			add_str(o, "type", e->row->type);
			add_str(o, "server_name", e->row->server_name);
			add_str(o, "config_hash", e->row->config_hash);
			cJSON_AddItemToObject(o, "details", cJSON_Duplicate(e->det, 1));
			cJSON_AddItemToArray(arr, o);
		}
		out_json(root);
	} else {
		printf("Session ");
		put_safe(match->id, 0);
		printf(" (%s)\n", match->client ? match->client : "-");
		if (match->cwd) {
			printf("Directory: ");
			put_safe(match->cwd, 0);
			putchar('\n');
		}
		printf("%zu events, %zu prompts, %zu tool calls, %zu denied\n\n", match->n_events,
		       match->n_prompts, match->n_tools, match->n_denied);
		for (i = 0; i < t.n; i++) {
			const struct sev *e = &t.v[i];

			if (strcmp(e->session, match->id) == 0 &&
			    strcmp(e->row->client ? e->row->client : "",
				   match->client ? match->client : "") == 0)
				print_line(e);
		}
	}
	timeline_release(&t);
	return EXIT_OK;
}

static const struct subcommand sessions_verbs[] = {
	{ "list", sessions_list, "the sessions the hooks recorded" },
	{ "show", sessions_show, "one session's timeline" },
	{ NULL, NULL, NULL }
};

int
cmd_sessions(int argc, char **argv)
{
	return subcommand_run("sessions", sessions_verbs, argc, argv);
}
