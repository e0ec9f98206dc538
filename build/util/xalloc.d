build/util/xalloc.o: util/xalloc.c util/xalloc.h util/banned.h
util/xalloc.h:
util/banned.h:
