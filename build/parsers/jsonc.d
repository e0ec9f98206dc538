build/parsers/jsonc.o: parsers/jsonc.c parsers/tree.h util/err.h \
 util/buf.h util/xalloc.h util/banned.h
parsers/tree.h:
util/err.h:
util/buf.h:
util/xalloc.h:
util/banned.h:
