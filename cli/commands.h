/* The command dispatch table: one row per command, sorted by name. */
#ifndef CLI_COMMANDS_H
#include <stdio.h>
#define CLI_COMMANDS_H

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	unsigned flags;
};

enum command_flags {
	CMD_HIDDEN = 1,		/* not listed in the main help */
};

extern const struct command commands[];
extern const unsigned n_commands;

const struct command *command_find(const char *name);
/* Nearest command name by edit distance, or NULL if none is close. */
const char *command_suggest(const char *name);
void commands_usage(FILE *fp);

/* A nested verb table inside a command file ("inventory export"). */
struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
/* Dispatch argv[1] to a subcommand of parent (argv[0] is the parent name). */
int subcommand_run(const char *parent, const struct subcommand *subs, int argc, char **argv);

int cmd_bootstrap(int argc, char **argv);
int cmd_checkin(int argc, char **argv);
int cmd_clients(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_setup_hooks(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_users(int argc, char **argv);
/* `inventory import`, with the identity code in cli/cmd_users.c. */
int cmd_inventory_import(int argc, char **argv);
/* `schedule` options, exported for `setup schedule` (argv[0] is the verb). */
int setup_schedule(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
