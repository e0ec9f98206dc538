build/cli/cmd_debug.o: cli/cmd_debug.c cli/commands.h cli/exit.h \
 cli/opt.h cli/out.h util/err.h parsers/tree.h util/buf.h util/banned.h
cli/commands.h:
cli/exit.h:
cli/opt.h:
cli/out.h:
util/err.h:
parsers/tree.h:
util/buf.h:
util/banned.h:
