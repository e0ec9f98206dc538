build/cli/cmd_help.o: cli/cmd_help.c cli/commands.h cli/exit.h cli/out.h \
 util/err.h util/xalloc.h util/banned.h
cli/commands.h:
cli/exit.h:
cli/out.h:
util/err.h:
util/xalloc.h:
util/banned.h:
