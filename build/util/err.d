build/util/err.o: util/err.c util/err.h util/banned.h
util/err.h:
util/banned.h:
