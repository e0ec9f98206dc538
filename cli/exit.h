/* Every exit status the program uses, in one place (documented in
 * docs/exit-codes.md and the man page's EXIT STATUS). */
#ifndef CLI_EXIT_H
#define CLI_EXIT_H

enum exit_code {
	EXIT_OK = 0,		/* success; scan: submitted, nothing found, dry run, lock busy */
	EXIT_FAIL = 1,		/* generic failure; scan: no host/credentials, 401/403 */
	EXIT_UNSUPPORTED = 2,	/* scan: backend lacks the endpoint (404 on both paths) */
	EXIT_SUBMIT = 3,	/* scan: transport error or non-auth HTTP error */
	EXIT_NOCRED = 4,	/* setup hooks / bootstrap: no credential */
	EXIT_USAGE = 64,	/* bad command line (sysexits EX_USAGE) */
	EXIT_DATAERR = 65,	/* input file could not be parsed (EX_DATAERR) */
	EXIT_NOINPUT = 66,	/* input file missing or unreadable (EX_NOINPUT) */
	EXIT_SOFTWARE = 70,	/* internal error (EX_SOFTWARE) */
};

#endif
