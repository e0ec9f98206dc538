/* Which program the installed hooks run: the lean runlayer-hook beside the
 * main binary when it is there, else the main binary itself. */
#ifndef HOOKS_HOOK_BINARY_H
#define HOOKS_HOOK_BINARY_H

/*
 * Given the absolute path of the running runlayer binary, return (newly
 * allocated) the path hooks should run: "<same dir>/runlayer-hook" when that
 * is an executable, which loads neither libcurl nor libgit2 and so starts in
 * a fraction of the time, else a copy of self.
 */
char *hook_binary_for(const char *self);

#endif
