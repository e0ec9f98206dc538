build/parsers/yaml.o: parsers/yaml.c parsers/tree.h util/err.h
parsers/tree.h:
util/err.h:
