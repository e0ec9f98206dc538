build/util/file.o: util/file.c util/file.h util/buf.h util/err.h \
 util/xalloc.h util/banned.h
util/file.h:
util/buf.h:
util/err.h:
util/xalloc.h:
util/banned.h:
