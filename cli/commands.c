/* The dispatch table, name lookup, "did you mean" suggestions and nested
 * verb dispatch (git help.c style). */
#include "cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Sorted by name. */
const struct command commands[] = {
	{ "bootstrap", cmd_bootstrap, "make this device compliant: credential and hooks (aiwatch)", CMD_HIDDEN },
	{ "check-in", cmd_checkin, "send a device heartbeat to the backend", 0 },
	{ "clients", cmd_clients, "list the AI clients the scan knows, with their config files", 0 },
	{ "debug", cmd_debug, "developer tools: parse a config file and print its tree", 0 },
	{ "doctor", cmd_doctor, "check this installation and say what to fix", 0 },
	{ "enroll", cmd_enroll, "exchange an enrollment key for this user's API key", 0 },
	{ "help", cmd_help, "show help for a command", 0 },
	{ "hook", cmd_hook, "decide one AI client tool call (called by the client)", 0 },
	{ "inventory", cmd_inventory, "the local inventory: servers, history, diffs, exports, audit log", 0 },
	{ "login", cmd_login, "save an API key for a backend (read from stdin or a prompt)", 0 },
	{ "logout", cmd_logout, "remove the saved API key of a backend", 0 },
	{ "logs", cmd_logs, "show the events runlayer logged on this machine", 0 },
	{ "policy", cmd_policy, "enforcement rules: generate, allow, deny, allowlist, show, test", 0 },
	{ "scan", cmd_scan, "find every MCP server configured on this machine", 0 },
	{ "schedule", cmd_schedule, "run the scan periodically (launchd, Task Scheduler, systemd, cron)", 0 },
	{ "sessions", cmd_sessions, "AI client sessions recorded by the hooks: list, show a timeline", 0 },
	{ "setup", cmd_setup, "install, remove or check the runlayer hooks in AI clients", 0 },
	{ "sync", cmd_sync, "send the scans waiting in the submission queue", 0 },
	{ "users", cmd_users, "the organisation directory: who each OS username is", 0 },
	{ "version", cmd_version, "print the version", 0 },
};
const unsigned n_commands = sizeof(commands) / sizeof(commands[0]);

const struct command *
command_find(const char *name)
{
	unsigned i;

	for (i = 0; i < n_commands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Damerau-free Levenshtein distance, bounded inputs (command names). */
static unsigned
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned *prev, *cur, d;

	if (la > 64 || lb > 64)
		return 1000;
	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	for (j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

const char *
command_suggest(const char *name)
{
	const char *best = NULL;
	unsigned i, bestd = 3;

	for (i = 0; i < n_commands; i++) {
		unsigned d;

		if (commands[i].flags & CMD_HIDDEN)
			continue;
		d = distance(name, commands[i].name);
		if (strncmp(commands[i].name, name, strlen(name)) == 0 && strlen(name) >= 2)
			d = 1;
		if (d < bestd) {
			bestd = d;
			best = commands[i].name;
		}
	}
	return best;
}

void
commands_usage(FILE *fp)
{
	unsigned i;

	fprintf(fp, "usage: %s [--version] [--help] <command> [<options>]\n\n", prog_name);
	fputs("Find, inventory and control the MCP servers configured on this machine.\n\n", fp);
	fputs("commands:\n", fp);
	for (i = 0; i < n_commands; i++)
		if (!(commands[i].flags & CMD_HIDDEN))
			fprintf(fp, "  %-12s%s\n", commands[i].name, commands[i].summary);
	fputs("\nglobal options (accepted by every command):\n", fp);
	fputs("  -v, --verbose           say more\n", fp);
	fputs("  -q, --quiet             print errors only\n", fp);
	fputs("      --json              print machine-readable JSON (commands that print data)\n", fp);
	fputs("      --color WHEN        auto, always or never (NO_COLOR is honoured)\n", fp);
	fprintf(fp, "\nSee '%s help <command>' for the options of one command.\n", prog_name);
}

int
subcommand_run(const char *parent, const struct subcommand *subs, int argc, char **argv)
{
	const struct subcommand *s;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *fp = argc < 2 ? stderr : stdout;

		fprintf(fp, "usage: %s %s <verb> [<options>]\n\nverbs:\n", prog_name, parent);
		for (s = subs; s->name; s++)
			fprintf(fp, "  %-12s%s\n", s->name, s->summary);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (s = subs; s->name; s++)
		if (strcmp(s->name, argv[1]) == 0)
			return s->fn(argc - 1, argv + 1);
	out_error("'%s' is not a '%s' verb", argv[1], parent);
	fprintf(stderr, "See '%s %s --help'.\n", prog_name, parent);
	return EXIT_USAGE;
}
