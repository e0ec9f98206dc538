build/cli/out.o: cli/out.c cli/out.h util/err.h cli/opt.h util/banned.h
cli/out.h:
util/err.h:
cli/opt.h:
util/banned.h:
