# SPDX-License-Identifier: MIT
# procinit: plain make. `make` builds build/procinit statically (musl when
# musl-gcc is installed), `make test` runs every test, `make demo` the seed.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR   ?=

MUSL_GCC  := $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(origin CC),default)
  ifneq ($(MUSL_GCC),)
    CC := $(MUSL_GCC)
  else
    CC := cc
    NOTICE := musl-gcc not found: linking statically against the system libc (apt-get install musl-tools for musl)
  endif
endif

# What the build needs lives in internal variables, so that `make CFLAGS=-O0` or
# CFLAGS from the environment only change optimisation and debugging, never the
# language, the warnings or the threading model (make check-flags proves it).
# WARNINGS is the one warning set of every build: static, host, sanitizers,
# valgrind and fuzz.
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter
REQ_CPPFLAGS := -D_GNU_SOURCE -DPROCINIT_VERSION='"$(VERSION)"'
REQ_CFLAGS   := -std=c11 -pthread $(WARNINGS)
# No unwind tables: C needs none, and they are 5% of the binary (-g keeps debuggers happy).
SIZE_CFLAGS  := -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
                -fno-unwind-tables -fno-ident
# No RELRO: in a static non-PIE musl binary nothing applies it at run time (only the
# dynamic linker does), and its page alignment padded the file by up to 4 KiB.
REQ_LDFLAGS  := -static -pthread -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro

# Small by default (-Os); the per-line hot path gets -O2 unless CFLAGS was chosen.
ifeq ($(origin CFLAGS),undefined)
  CFLAGS     := -Os -g
  HOT_CFLAGS := -O2
endif

BUILD_CPPFLAGS = $(REQ_CPPFLAGS) -MMD -MP $(CPPFLAGS)
BUILD_CFLAGS   = $(REQ_CFLAGS) $(SIZE_CFLAGS) $(CFLAGS)
BUILD_LDFLAGS  = $(REQ_LDFLAGS) $(LDFLAGS)

# Host builds (unit tests, sanitizers, valgrind) use the system compiler and glibc.
HOSTCC     ?= gcc
HOSTCFLAGS  = $(REQ_CPPFLAGS) $(REQ_CFLAGS) -O1 -g
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TSAN_FLAGS := -fsanitize=thread

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=build/obj/%.o)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))

UNIT_TESTS := $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))

PYTEST := /usr/bin/python3 -m pytest

.PHONY: all static demo test unit e2e docker-test fuzz valgrind bench asan tsan install uninstall \
        clean deps lint fmt fmt-check check-flags print-flags export-test export-golden

all: build/procinit

# V=1 shows the full commands.
Q := $(if $(V),,@)

build/procinit: $(OBJS)
	@$(if $(NOTICE),echo "notice: $(NOTICE)",:)
	@echo "  LD      $@"
	$(Q)$(CC) $(BUILD_LDFLAGS) -o $@ $(OBJS)

build/obj/linefmt.o build/obj/pump.o: BUILD_CFLAGS += $(HOT_CFLAGS)

build/obj/%.o: src/%.c | build/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(BUILD_CPPFLAGS) $(BUILD_CFLAGS) -c -o $@ $<

build/obj build/unit build/asan build/tsan build/host:
	mkdir -p $@

static:
	@command -v musl-gcc >/dev/null || { echo "make static needs musl-gcc: apt-get install musl-tools" >&2; exit 1; }
	$(MAKE) CC=musl-gcc all

# exit_0 and exit_1 race, as in the seed: procinit exits 0 or 1 with the winner.
demo: build/procinit
	cd examples && ../build/procinit -m all=1,loop=2 start || [ $$? -eq 1 ]

# Unit tests: one binary per module, built with ASan+UBSan against glibc.
# test_X tests src/X.c; UNIT_DEPS_X names any other module it needs.
UNIT_DEPS_cli := src/signames.c src/lex.c
UNIT_DEPS_cmdline := src/lex.c src/quote.c
UNIT_DEPS_procfile := src/lex.c src/quote.c
UNIT_DEPS_dotenv := src/lex.c src/quote.c
UNIT_DEPS_formation := src/lex.c
UNIT_DEPS_quote := src/lex.c
# h15-export: the generators the model dispatches to, and what they use.
UNIT_DEPS_export_model := src/lex.c src/ready.c src/quote.c src/formation.c src/signames.c src/export_systemd.c \
                          src/export_supervisord.c src/export_runit.c src/export_compose.c src/export_k8s.c
# h13-control: the wire format appends to quote.c's buffer (grown by lex.c), names
# signals, and takes lex.c's name rule and lex_show.
UNIT_DEPS_ctlproto := src/quote.c src/lex.c src/signames.c
# The backoff window is measured with clock.c's mono_diff.
UNIT_DEPS_restart := src/clock.c
.SECONDEXPANSION:
build/unit/test_%: tests/unit/test_%.c src/%.c src/diag.c $$(UNIT_DEPS_$$*) tests/unit/harness.h | build/unit
	$(HOSTCC) $(HOSTCFLAGS) $(ASAN_FLAGS) -Isrc -o $@ $< src/$*.c src/diag.c $(UNIT_DEPS_$*)

unit: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do $$t || rc=1; done; exit $$rc

# Sanitizer builds of the whole program, for the end-to-end suite.
build/asan/procinit: $(SRCS) $(wildcard src/*.h) | build/asan
	$(HOSTCC) $(HOSTCFLAGS) $(ASAN_FLAGS) -o $@ $(SRCS)

build/tsan/procinit: $(SRCS) $(wildcard src/*.h) | build/tsan
	$(HOSTCC) $(HOSTCFLAGS) $(TSAN_FLAGS) -o $@ $(SRCS)

# A plain glibc build for valgrind (which cannot run sanitized binaries).
build/host/procinit: $(SRCS) $(wildcard src/*.h) | build/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(SRCS)

# libFuzzer harnesses: FUZZ_SECONDS each (short in CI; longer by hand, e.g.
# make fuzz FUZZ_SECONDS=600). New inputs go to build/fuzz; the seeds and
# regression inputs in tests/fuzz/corpus are only read. A crash fails.
FUZZ_SECONDS ?= 15
FUZZERS := procfile dotenv formation cli linesplit cmdline ctlproto
FUZZ_SRCS_procfile := src/procfile.c src/lex.c src/diag.c
FUZZ_SRCS_dotenv := src/dotenv.c src/lex.c src/quote.c src/diag.c
FUZZ_SRCS_formation := src/formation.c src/lex.c src/diag.c
FUZZ_SRCS_cli := src/cli.c src/signames.c src/lex.c src/diag.c
FUZZ_SRCS_linesplit := src/linefmt.c
FUZZ_SRCS_cmdline := src/cmdline.c src/lex.c src/quote.c
FUZZ_SRCS_ctlproto := src/ctlproto.c src/quote.c src/lex.c src/signames.c
FUZZ_FLAGS = $(REQ_CPPFLAGS) $(REQ_CFLAGS) -g -O1 -Isrc -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=undefined

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) | build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS_$*)

build/fuzz:
	mkdir -p $@

fuzz: $(FUZZERS:%=build/fuzz/fuzz_%)
	@set -e; for f in $(FUZZERS); do \
		mkdir -p build/fuzz/corpus_$$f; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-max_len=4096 -artifact_prefix=build/fuzz/crash_$$f- -print_final_stats=0 \
			build/fuzz/corpus_$$f tests/fuzz/corpus/$$f 2>build/fuzz/$$f.log \
			|| { tail -40 build/fuzz/$$f.log; exit 1; }; \
		tail -1 build/fuzz/$$f.log; \
	done

# The benchmark suite against foreman, node-foreman, concurrently, tini,
# dumb-init, catatonit and cat (not part of make test): docs/benchmarks.md.
bench: build/procinit
	bench/run.sh

deps:
	@sh tests/deps.sh

e2e: build/procinit
	$(PYTEST) -q tests/e2e

# procinit as /init of a Linux system booted in QEMU, software emulation (tests/boot:
# qemu-system-x86, a Debian kernel, cpio and busybox-static, which tests/deps.sh installs).
.PHONY: boot-test
boot-test: build/procinit
	$(PYTEST) -q tests/boot

# Sanitized runs carry a quarter of the volume: they look for races and
# memory errors, not throughput. Any report makes procinit exit non-zero.
SAN_ENV := PROCINIT_E2E_SCALE=0.25 ASAN_OPTIONS=detect_leaks=1:exitcode=99 \
           UBSAN_OPTIONS=halt_on_error=1:exitcode=99 \
           TSAN_OPTIONS=halt_on_error=1:exitcode=99:atexit_sleep_ms=50

# Containers in a private Docker engine (the suite installs docker.io and
# busybox-static, starts its own dockerd and stops it at the end).
docker-test: build/procinit
	$(PYTEST) -q tests/docker

# h15-export: `procinit export` read back by each format's real parser and run by
# supervisord and runsvdir (tests/export; the compose run is in docker-test).
export-test: build/procinit
	$(PYTEST) -q tests/export

# Rewrites tests/export/golden from the current binary: review the diff before committing.
export-golden: build/procinit
	PROCINIT_REGOLD=1 $(PYTEST) -q tests/export -k golden

# memcheck on representative runs (glibc build): no errors, no leaks.
valgrind: build/host/procinit
	PROCINIT_VALGRIND_BIN=$(CURDIR)/build/host/procinit sh tests/valgrind.sh

asan: build/asan/procinit
	$(SAN_ENV) PROCINIT_BIN=$(CURDIR)/build/asan/procinit $(PYTEST) -q tests/e2e

tsan: build/tsan/procinit
	$(SAN_ENV) PROCINIT_BIN=$(CURDIR)/build/tsan/procinit $(PYTEST) -q tests/e2e

# The flags a compile and a link would use, for scripts that build on their own.
print-flags:
	@echo "CC=$(CC)"
	@echo "CPPFLAGS=$(BUILD_CPPFLAGS)"
	@echo "CFLAGS=$(BUILD_CFLAGS)"
	@echo "LDFLAGS=$(BUILD_LDFLAGS)"
	@echo "HOSTCC=$(HOSTCC)"
	@echo "HOSTCFLAGS=$(HOSTCFLAGS)"

# A user's CFLAGS (and LDFLAGS) must not drop what the build needs: dry-run a
# compile and the link with CFLAGS=-O0 and look for the required flags.
check-flags:
	@set -e; cmds=$$($(MAKE) -s -n -B CFLAGS=-O0 LDFLAGS= V=1 build/obj/cli.o build/procinit); \
	for f in -std=c11 -pthread -Werror -Wall -Wextra -D_GNU_SOURCE -static -O0; do \
		if ! printf '%s\n' "$$cmds" | grep -q -- " $$f\( \|$$\)"; then \
			echo "check-flags: $$f missing with CFLAGS=-O0" >&2; exit 1; \
		fi; \
	done; \
	echo "check-flags: CFLAGS=-O0 keeps -std=c11 -pthread -Werror -D_GNU_SOURCE -static"

# deps first, in its own step: the sub-makes then see musl-gcc if it was missing.
test:
	@sh tests/deps.sh
	$(MAKE) check-flags
	$(MAKE) all unit
	$(MAKE) fuzz
	$(MAKE) asan
	$(MAKE) tsan
	$(MAKE) valgrind
	$(MAKE) docker-test
	$(MAKE) export-test
	$(MAKE) e2e
	$(MAKE) boot-test

install: build/procinit
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1
	install -m 755 build/procinit $(DESTDIR)$(BINDIR)/procinit
	install -m 644 procinit.1 $(DESTDIR)$(MANPREFIX)/man1/procinit.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/procinit $(DESTDIR)$(MANPREFIX)/man1/procinit.1

lint: fmt-check
	shellcheck tests/*.sh .ci/run
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability -D_GNU_SOURCE src

FMT_FILES = $(wildcard src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)

fmt:
	clang-format -i $(FMT_FILES)

# Style drift without rewriting anything (.clang-format holds the style).
fmt-check:
	@clang-format --dry-run --Werror $(FMT_FILES) && echo "fmt-check: $(words $(FMT_FILES)) files as .clang-format says"

clean:
	rm -rf build

-include $(OBJS:.o=.d)
