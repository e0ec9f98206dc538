build/cli/commands.o: cli/commands.c cli/commands.h cli/exit.h cli/opt.h \
 cli/out.h util/err.h util/xalloc.h util/banned.h
cli/commands.h:
cli/exit.h:
cli/opt.h:
cli/out.h:
util/err.h:
util/xalloc.h:
util/banned.h:
