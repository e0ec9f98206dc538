build/parsers/toml.o: parsers/toml.c parsers/tree.h util/err.h
parsers/tree.h:
util/err.h:
