build/util/buf.o: util/buf.c util/buf.h util/xalloc.h util/banned.h
util/buf.h:
util/xalloc.h:
util/banned.h:
