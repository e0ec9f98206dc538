build/parsers/tree.o: parsers/tree.c parsers/tree.h util/err.h util/buf.h \
 util/file.h util/xalloc.h util/banned.h
parsers/tree.h:
util/err.h:
util/buf.h:
util/file.h:
util/xalloc.h:
util/banned.h:
