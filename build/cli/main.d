build/cli/main.o: cli/main.c cli/commands.h cli/exit.h cli/opt.h \
 cli/out.h util/err.h util/banned.h
cli/commands.h:
cli/exit.h:
cli/opt.h:
cli/out.h:
util/err.h:
util/banned.h:
