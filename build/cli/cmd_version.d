build/cli/cmd_version.o: cli/cmd_version.c cli/commands.h cli/exit.h \
 cli/opt.h cli/out.h util/err.h util/banned.h
cli/commands.h:
cli/exit.h:
cli/opt.h:
cli/out.h:
util/err.h:
util/banned.h:
