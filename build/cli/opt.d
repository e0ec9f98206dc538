build/cli/opt.o: cli/opt.c cli/opt.h cli/exit.h cli/out.h util/err.h \
 util/buf.h util/xalloc.h util/banned.h
cli/opt.h:
cli/exit.h:
cli/out.h:
util/err.h:
util/buf.h:
util/xalloc.h:
util/banned.h:
