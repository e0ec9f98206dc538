/* The state directory (~/.runlayer or $RUNLAYER_HOME) and the home it
 * hangs off, found the same way by every command. */
#include "util/state.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

char *
state_home(struct err *e)
{
	struct passwd pw, *res = NULL;
	const char *h = getenv("HOME");
	char buf[4096];

	if (h != NULL && h[0] == '/')
		return xstrdup(h);
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 || res == NULL ||
	    res->pw_dir == NULL || res->pw_dir[0] != '/') {
		err_set(e, ERR_NOTFOUND, "no home directory: set HOME or RUNLAYER_HOME");
		return NULL;
	}
	return xstrdup(res->pw_dir);
}

char *
state_dir(struct err *e)
{
	const char *v = getenv("RUNLAYER_HOME");
	char *home, *dir;

	if (v != NULL && v[0] == '/')
		return xstrdup(v);
	if ((home = state_home(e)) == NULL)
		return NULL;
	dir = path_join(home, ".runlayer");
	free(home);
	return dir;
}
