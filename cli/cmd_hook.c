/* `runlayer hook`: the runtime AI clients call before and after tool calls.
 * Tolerant argument parsing: a hook must always answer its client. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "hooks/runtime.h"
#include "util/banned.h"

static const char *client_arg, *mode_arg, *event_arg, *rules_arg, *db_arg, *queue_arg;
static const char *root_arg, *deadline_arg, *max_input_arg;
static int no_enforcement, show_help;

static const struct opt hook_opts[] = {
	{ OPT_STRING, 'c', "client", &client_arg, "ID",
	  "the calling client (default: detected): claude_code, codex, cursor, gemini_cli, "
	  "hermes, github_copilot_cli or windsurf", 0, 0, NULL, 0, 0 },
	{ OPT_CHOICE, 0, "mode", &mode_arg, "MODE",
	  "monitor, protect or enforce (default: the rules file's mode)", 0, 0,
	  "monitor|protect|enforce", 0, 0 },
	{ OPT_FLAG, 0, "no-enforcement", &no_enforcement, NULL, "monitor mode: never block",
	  0, 0, NULL, 0, 0 },
	{ OPT_STRING, 0, "event", &event_arg, "NAME", "the event name, when the payload lacks it",
	  0, 0, NULL, 0, OPT_HIDDEN },
	{ OPT_STRING, 0, "rules", &rules_arg, "FILE", "rules file", 0, 0, NULL, 0, OPT_HIDDEN },
	{ OPT_STRING, 0, "db", &db_arg, "FILE", "inventory database", 0, 0, NULL, 0, OPT_HIDDEN },
	{ OPT_STRING, 0, "queue-dir", &queue_arg, "DIR", "event queue", 0, 0, NULL, 0, OPT_HIDDEN },
	{ OPT_STRING, 0, "root", &root_arg, "DIR", "system root for /etc lookups", 0, 0, NULL, 0,
	  OPT_HIDDEN },
	{ OPT_STRING, 0, "deadline-ms", &deadline_arg, "MS", "answer within MS milliseconds",
	  0, 0, NULL, 0, OPT_HIDDEN },
	{ OPT_STRING, 0, "max-input", &max_input_arg, "BYTES", "largest event accepted",
	  0, 0, NULL, 0, OPT_HIDDEN },
	{ OPT_FLAG, 'h', "help", &show_help, NULL, "show this help", 0, 0, NULL, 0, 0 },
	{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 },
};

static const struct cmd_help hook_help = {
	"hook", "[--client ID] [--mode MODE | --no-enforcement]",
	"decide one AI client tool call from the local rules (called by the client)",
	"Reads one hook event from stdin and answers in the calling client's own\n"
	"protocol: MCP tool calls are allowed or denied by the rules in\n"
	"~/.runlayer/rules.json (see 'runlayer policy'); prompts, shell commands, file\n"
	"reads and tool outputs are recorded as a session timeline (see 'runlayer\n"
	"sessions'). Nothing but the client's reply is ever printed. The hook answers\n"
	"within 4 s (RUNLAYER_HOOK_DEADLINE_MS) and never uses the network.\n"
	"Modes: monitor never blocks; protect blocks on a deny rule and lets calls\n"
	"through on internal errors; enforce denies on any error and also blocks\n"
	"reads of .env and MCP configuration files."
};

/* The client from the environment and the path we were started by
 * (contract §1.8), when --client is absent. */
static enum hook_client
detect_client(void)
{
	static const struct {
		const char *dir;
		enum hook_client c;
	} dirs[] = {
		{ "/.cursor/", HOOK_CURSOR }, { "/.claude/", HOOK_CLAUDE_CODE },
		{ "/.codex/", HOOK_CODEX }, { "/.gemini/", HOOK_GEMINI },
		{ "/.hermes/", HOOK_HERMES }, { "/.copilot/", HOOK_COPILOT },
		{ "/.codeium/", HOOK_WINDSURF }, { "/.windsurf/", HOOK_WINDSURF },
	};
	const char *v = getenv("RUNLAYER_HOOK_CLIENT");
	char path[4096];
	size_t i;

	if (v && hook_client_parse(v) != HOOK_CLIENT_NONE)
		return hook_client_parse(v);
	if (getenv("CURSOR_VERSION"))
		return HOOK_CURSOR;
	snprintf(path, sizeof(path), "%s", program_invocation_name ? program_invocation_name : "");
	for (i = 0; path[i]; i++) {
		if (path[i] == '\\')
			path[i] = '/';
		else if (path[i] >= 'A' && path[i] <= 'Z')
			path[i] = (char)(path[i] - 'A' + 'a');
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strstr(path, dirs[i].dir))
			return dirs[i].c;
	return HOOK_CLIENT_NONE;
}

static long
number(const char *s, long min, long max, long def)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return def;
	return v;
}

int
cmd_hook(int argc, char **argv)
{
	struct hook_run_opts o;
	enum policy_mode m;
	int i;

	/* Parse by hand: an unknown option must not stop the hook from
	 * answering, and nothing may be printed but the reply. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *op;
		const char *eq = strchr(a, '=');
		size_t n;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			opt_usage(stdout, &hook_help, hook_opts);
			return EXIT_OK;
		}
		if (strcmp(a, "-c") == 0 && i + 1 < argc) {
			client_arg = argv[++i];
			continue;
		}
		if (strncmp(a, "--", 2) != 0)
			continue;
		n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (op = hook_opts; op->type != OPT_END; op++) {
			if (op->long_name == NULL || strlen(op->long_name) != n ||
			    strncmp(op->long_name, a + 2, n) != 0)
				continue;
			if (op->type == OPT_FLAG) {
				*(int *)op->value = 1;
			} else if (op->type == OPT_STRING || op->type == OPT_CHOICE) {
				if (eq)
					*(const char **)op->value = eq + 1;
				else if (i + 1 < argc)
					*(const char **)op->value = argv[++i];
			}
			break;
		}
	}

	hook_run_opts_init(&o);
	o.client = client_arg ? hook_client_parse(client_arg) : HOOK_CLIENT_NONE;
	if (o.client == HOOK_CLIENT_NONE)
		o.client = detect_client();
	if (mode_arg && policy_mode_parse(mode_arg, &m) == 0) {
		o.mode_set = 1;
		o.mode = m;
	} else if (no_enforcement) {
		o.mode_set = 1;
		o.mode = POLICY_MONITOR;
	}
	o.event = event_arg;
	o.rules_path = rules_arg;
	o.db_path = db_arg;
	o.queue_dir = queue_arg;
	o.root = root_arg;
	o.deadline_ms = number(deadline_arg ? deadline_arg : getenv("RUNLAYER_HOOK_DEADLINE_MS"),
			       50, 600000, HOOK_DEADLINE_MS);
	o.max_input = (size_t)number(max_input_arg, 1, 64L * 1024 * 1024, HOOK_MAX_INPUT);
	o.watchdog = 1;
	return hook_run(&o);
}
