# runlayer: plain Makefile (C11, gcc or clang). `make help` lists targets.

O        ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
VERSION  := $(shell cat VERSION)

PKGS       := libcurl libcjson yaml-0.1 libgit2 sqlite3
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN     := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla
CFLAGS   ?= -O2 -g
SANFLAGS ?=
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) \
             -DRUNLAYER_VERSION=\"$(VERSION)\" -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS      = $(PKG_LIBS) -lm -lpthread

LIB_SRCS  := $(sort $(wildcard util/*.c parsers/*.c discover/*.c resolver/*.c store/*.c \
                               net/*.c hooks/*.c ops/*.c))
CLI_SRCS  := $(sort $(filter-out cli/hook_main.c,$(wildcard cli/*.c)))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJS  := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(O)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
FUZZ_REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(O)/tests/replay_%)
BIN       := $(O)/runlayer
HOOK_BIN  := $(O)/runlayer-hook
HOOK_OBJS := $(O)/cli/hook_main.o $(O)/cli/cmd_hook.o $(O)/cli/opt.o $(O)/cli/out.o
HOOK_LIBS  = $(shell pkg-config --libs libcjson yaml-0.1 sqlite3 2>/dev/null) -lm -lpthread

.PHONY: all deps check check-unit check-e2e check-fuzz asan valgrind fuzz bench install \
        uninstall clean run hdr-check help check-clients deb man-check gen-docs coverage

all: $(BIN) $(O)/aiwatch $(HOOK_BIN)

help:
	@echo "make            build $(BIN) (developer flags, -Werror)"
	@echo "make run        build, then scan this machine (dry run, prints the inventory)"
	@echo "make check      run every test (unit, end-to-end, fuzz corpus replay)"
	@echo "make asan       the whole test suite under AddressSanitizer + UBSan"
	@echo "make valgrind   unit tests, fuzz corpora and end-to-end suite under valgrind memcheck"
	@echo "                (VG_TESTS=\"t0800 t0820\" selects end-to-end tests only)"
	@echo "make coverage   the whole test suite with gcov: per-directory table, build/coverage/html (lcov)"
	@echo "make fuzz       libFuzzer targets with clang (FUZZ_SECONDS=60 each)"
	@echo "make bench      benchmarks"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR= (binary, aiwatch link, man page, completions, systemd units)"
	@echo "make deb        build $(O)/runlayer_$(VERSION)_<arch>.deb with dpkg-deb"
	@echo "make man-check  mandoc -Tlint the man page and check it is up to date with --help"
	@echo "make gen-docs   regenerate docs/runlayer.1 and completions/ from --help"
	@echo "make deps       install the Debian packages the build and tests need"

deps:
	@./scripts/deps.sh

$(O)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(O)/librunlayer.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(O)/librunlayer.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(O)/librunlayer.a $(LIBS)

# runlayer-hook: the hook runtime alone. Every AI client tool call starts it,
# so it links only what a decision needs: not libcurl, not libgit2 (whose
# loading is most of a hook's time otherwise).

$(HOOK_BIN): $(HOOK_OBJS) $(O)/librunlayer.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $(HOOK_OBJS) $(O)/librunlayer.a $(HOOK_LIBS)

$(O)/aiwatch: $(BIN)
	$(Q)ln -sf runlayer $@

# Unit tests: one binary per module, TAP output, linked with the library.
$(O)/tests/%: tests/unit/%.c tests/unit/tap.h $(O)/librunlayer.a | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(O)/librunlayer.a $(LIBS) $(ALL_LDFLAGS)

# Fuzz targets replayed over their corpus without libFuzzer.
$(O)/tests/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(O)/librunlayer.a | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< tests/fuzz/replay.c \
		$(O)/librunlayer.a $(LIBS) $(ALL_LDFLAGS)

run: all
	./$(BIN) scan --dry-run

check: check-unit check-fuzz check-e2e

check-unit: $(UNIT_BINS)
	@./tests/run-unit.sh $(UNIT_BINS)

check-fuzz: $(FUZZ_REPLAY_BINS)
	@./tests/run-replay.sh $(O)

check-e2e: all
	@RUNLAYER=$(abspath $(BIN)) ./tests/run-e2e.sh

asan:
	$(MAKE) O=build/asan CFLAGS="-O1 -g" \
		SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		check

# Line, function and branch coverage of unit + fuzz replay + e2e (lcov).
coverage: | deps
	@./tests/coverage/run.sh

# Every run of runlayer, runlayer-hook and aiwatch in the tests goes through
# tests/valgrind/wrap.sh; see tests/valgrind/README.md.
VG_O := build/valgrind
valgrind:
	$(MAKE) O=$(VG_O) CFLAGS="-O1 -g" SANFLAGS= all \
		$(UNIT_SRCS:tests/unit/%.c=$(VG_O)/tests/%) $(FUZZ_SRCS:tests/fuzz/%.c=$(VG_O)/tests/replay_%)
	@./tests/valgrind/run.sh $(VG_O) $(VG_TESTS)

FUZZ_SECONDS ?= 60
fuzz: | deps
	@./tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: all
	@./tests/bench/run.sh $(abspath $(BIN))

# Exit 77 means the clients could not be installed (no npm registry): a skip.
check-clients: all
	@for t in ./tests/clients/run.sh ./tests/clients/hooks_accept.sh ./tests/clients/enforce_*.sh; do \
		[ -f "$$t" ] || continue; \
		RUNLAYER=$(abspath $(BIN)) sh $$t; rc=$$?; \
		if [ $$rc -eq 77 ]; then echo "check-clients: $$t skipped"; \
		elif [ $$rc -ne 0 ]; then exit $$rc; fi; \
	done

hdr-check: | deps
	@for h in $$(find util parsers discover resolver store net hooks ops cli -name '*.h'); do \
		printf "#include \"%s\"\ntypedef int hdr_check_t;\n" "$$h" | $(CC) $(ALL_CFLAGS) -fsyntax-only -x c - || exit 1; \
	done; echo "headers compile alone"

MANDIR  = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR  = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
UNITDIR = $(DESTDIR)$(PREFIX)/lib/systemd

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(MANDIR) $(BASHDIR) $(ZSHDIR) $(UNITDIR)/user $(UNITDIR)/system
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/runlayer
	install -m 0755 $(HOOK_BIN) $(DESTDIR)$(PREFIX)/bin/runlayer-hook
	ln -sf runlayer $(DESTDIR)$(PREFIX)/bin/aiwatch
	install -m 0644 docs/runlayer.1 $(MANDIR)/runlayer.1
	ln -sf runlayer.1 $(MANDIR)/aiwatch.1
	install -m 0644 completions/runlayer.bash $(BASHDIR)/runlayer
	ln -sf runlayer $(BASHDIR)/aiwatch
	install -m 0644 completions/_runlayer $(ZSHDIR)/_runlayer
	@# The scan timer (not enabled): user units and system units.
	RUNLAYER_HOME=/nonexistent $(BIN) schedule --print --os linux --binary $(PREFIX)/bin/runlayer \
		--output-dir $(UNITDIR)/user >/dev/null
	RUNLAYER_HOME=/nonexistent $(BIN) schedule --print --os linux --system \
		--binary $(PREFIX)/bin/runlayer --output-dir $(UNITDIR)/system >/dev/null

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/runlayer $(DESTDIR)$(PREFIX)/bin/aiwatch \
		$(DESTDIR)$(PREFIX)/bin/runlayer-hook \
		$(MANDIR)/runlayer.1 $(MANDIR)/aiwatch.1 $(BASHDIR)/runlayer $(BASHDIR)/aiwatch \
		$(ZSHDIR)/_runlayer $(UNITDIR)/user/runlayer-scan.service \
		$(UNITDIR)/user/runlayer-scan.timer $(UNITDIR)/system/runlayer-scan.service \
		$(UNITDIR)/system/runlayer-scan.timer

deb: all
	@./packaging/mkdeb.sh $(abspath $(BIN)) $(O)

man-check: all
	mandoc -Tlint docs/runlayer.1
	python3 scripts/gen-man.py --runlayer $(BIN) --check

gen-docs: all
	python3 scripts/gen-man.py --runlayer $(BIN)
	python3 scripts/gen-completions.py --runlayer $(BIN)

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
