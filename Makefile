# fence build.
#
#   make            build $(O)/fence (O defaults to build/)
#   make deps       install missing Debian packages (apt-get; sudo when not root)
#   make run        deps, build, then start 'fence shell' with the built-in default
#   make test       deps, build, then every test, plain and under ASan+UBSan
#   make fuzz       build the libFuzzer targets with clang and run each briefly
#   make install    install under $(DESTDIR)$(PREFIX)
#   make format-check
#
# Every output goes under $(O), so the plain, sanitizer and fuzz builds sit
# side by side: build/, build-asan/, build-fuzz/.  V=1 shows the commands.

O       ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc

# pkg-config module names as Debian 12 ships them.
PKGS     := libuv vterm json-c libseccomp libbpf readline
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# -std=gnu11: C11 plus the GNU statement expressions and cleanup attribute
# that util/util.h uses.  _GNU_SOURCE for pipe2, accept4, unshare and friends.
# "override" keeps these when CFLAGS is given on the command line (make fuzz).
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Werror=implicit-function-declaration \
	   -D_GNU_SOURCE -DFENCE_VERSION='"$(VERSION)"' -I. -I$(O)/gen $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lutil

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

ifneq ($(V),1)
Q = @
msg = @printf '  %-5s %s\n' $(1) $(2);
else
Q =
msg =
endif

# Every folder's .c files are part of the program; cli/main.c is the only
# one left out of the library that the unit tests link against.
LIB_DIRS := util policy proxy platform/linux platform/macos session pty shellhooks cli
LIB_SRC  := $(filter-out cli/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
GEN_SRC   = $(wildcard $(O)/gen/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
HELPER_SRC := $(wildcard tests/helpers/*.c)
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(O)/tests/helpers/%)

# Extra generated sources (embedded hook scripts, BPF skeletons) register
# themselves through these in the included fragments.
GEN_OBJ :=
GEN_HDR :=
-include $(wildcard mk/*.mk)

.PHONY: all deps run test unit fuzz install format-check clean
all: $(O)/fence $(UNIT_BIN) $(HELPER_BIN)

$(O)/%.o: %.c | $(GEN_HDR)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/libfence.a: $(LIB_OBJ) $(GEN_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(O)/fence: $(O)/cli/main.o $(O)/libfence.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: tests/unit/%.c $(O)/libfence.a | $(GEN_HDR)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(CHECK_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(O)/libfence.a $(CHECK_LIBS) $(LDLIBS)

$(O)/tests/helpers/%: tests/helpers/%.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

deps:
	$(Q)scripts/deps

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(O)/fence shell

# The suite runs twice: against the plain build and against the ASan+UBSan
# build.  tests/run prints one 'N passed, N failed, N skipped' line each
# time; the last line of 'make test' is the sum of both.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory all O=build-asan SANITIZE=1
	$(Q)tests/run-all build build-asan

unit: all
	$(Q)FENCE_BUILD=$(O) tests/run --unit-only

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 20
fuzz: deps
	$(Q)$(MAKE) --no-print-directory O=build-fuzz CC=clang \
		CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' \
		LDFLAGS='-fsanitize=address,undefined' build-fuzz/libfence.a
	$(Q)set -e; for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		printf '  %-5s %s\n' FUZZ $$n; \
		clang -O1 -g -std=gnu11 -D_GNU_SOURCE -I. -Ibuild-fuzz/gen $(PKG_CFLAGS) \
			-fsanitize=fuzzer,address,undefined -o build-fuzz/$$n $$f \
			build-fuzz/libfence.a $(LDLIBS); \
		mkdir -p build-fuzz/corpus-$$n; \
		seeds=tests/fuzz/corpus/$$n; [ -d $$seeds ] || seeds=; \
		dict=tests/fuzz/$$n.dict; [ -f $$dict ] && dict=-dict=$$dict || dict=; \
		build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 $$dict \
			build-fuzz/corpus-$$n $$seeds >build-fuzz/$$n.log 2>&1 \
			|| { tail -40 build-fuzz/$$n.log; exit 1; }; \
		grep -E '^Done|stat::' build-fuzz/$$n.log | tail -1; \
	done

install: $(O)/fence
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(O)/fence $(DESTDIR)$(PREFIX)/bin/fence
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	[ ! -f completions/fence.bash ] || install -m 0644 completions/fence.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/fence
	[ ! -f completions/_fence ] || install -m 0644 completions/_fence \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_fence
	[ ! -f completions/fence.fish ] || install -m 0644 completions/fence.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/fence.fish
	[ ! -d docs/man ] || { install -d $(DESTDIR)$(PREFIX)/share/man/man1 && \
		install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/; }

format-check:
	$(Q)clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(O) -name '*.d' 2>/dev/null)
