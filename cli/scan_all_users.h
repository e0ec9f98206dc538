/* `runlayer scan --all-users`: one scan per local user, each as that user. */
#ifndef CLI_SCAN_ALL_USERS_H
#define CLI_SCAN_ALL_USERS_H

/*
 * Run `scan --quiet --username <user> <args>` once per local user with an
 * existing home (homes deduplicated by their real path, first wins), as
 * that user (privileges dropped, environment reset, stdin /dev/null), each
 * within timeout seconds, under one run lock. args are the original scan
 * arguments minus --all-users; a --secret is passed on through the
 * environment, never on a command line. Root only. Returns the exit code:
 * 0 when every scan succeeded (or there was nobody to scan), 1 when any
 * failed, 2 when not root.
 */
int scan_all_users(int argc, char **argv, long timeout);

#endif
