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

CPPFLAGS += -D_GNU_SOURCE -DPROCINIT_VERSION='"$(VERSION)"' -MMD -MP
# Small by default (-Os, unused sections dropped); the per-line hot path gets -O2 below.
CFLAGS   ?= -Os -g
# No unwind tables: C needs none, and they are 5% of the binary (-g keeps debuggers happy).
CFLAGS   += -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables \
            -fno-ident -std=c11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter -pthread
# No RELRO: in a static non-PIE musl binary nothing applies it at run time (only the
# dynamic linker does), and its page alignment padded the file by up to 4 KiB.
LDFLAGS  += -static -pthread -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro

# Host builds (unit tests, sanitizers) use the system compiler and glibc.
HOSTCC     ?= gcc
HOSTCFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -Wshadow -Wvla -pthread -D_GNU_SOURCE \
              -DPROCINIT_VERSION='"$(VERSION)"'
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TSAN_FLAGS := -fsanitize=thread

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=build/obj/%.o)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))

UNIT_TESTS := $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))

PYTEST := /usr/bin/python3 -m pytest

.PHONY: all static demo test unit e2e docker-test fuzz valgrind bench asan tsan install uninstall clean deps lint fmt

all: build/procinit

# V=1 shows the full commands.
Q := $(if $(V),,@)

build/procinit: $(OBJS)
	@$(if $(NOTICE),echo "notice: $(NOTICE)",:)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS)

build/obj/linefmt.o build/obj/pump.o: CFLAGS += -O2

build/obj/%.o: src/%.c | build/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/obj build/unit build/asan build/tsan:
	mkdir -p $@

static:
	@command -v musl-gcc >/dev/null || { echo "make static needs musl-gcc: apt-get install musl-tools" >&2; exit 1; }
	$(MAKE) CC=musl-gcc all

# exit_0 and exit_1 race, as in the seed: procinit exits 0 or 1 with the winner.
demo: build/procinit
	cd examples && ../build/procinit -m loop=2 start || [ $$? -eq 1 ]

# Unit tests: one binary per module, built with ASan+UBSan against glibc.
# test_X tests src/X.c; UNIT_DEPS_X names any other module it needs.
UNIT_DEPS_cli := src/signames.c
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

# libFuzzer harnesses: FUZZ_SECONDS each (short in CI; longer by hand, e.g.
# make fuzz FUZZ_SECONDS=600). New inputs go to build/fuzz; the seeds and
# regression inputs in tests/fuzz/corpus are only read. A crash fails.
FUZZ_SECONDS ?= 15
FUZZERS := procfile dotenv formation cli linesplit
FUZZ_SRCS_procfile := src/procfile.c src/diag.c
FUZZ_SRCS_dotenv := src/dotenv.c src/diag.c
FUZZ_SRCS_formation := src/formation.c src/diag.c
FUZZ_SRCS_cli := src/cli.c src/signames.c src/diag.c
FUZZ_SRCS_linesplit := src/linefmt.c
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
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

# memcheck on representative runs (glibc build): no errors, no leaks.
valgrind:
	sh tests/valgrind.sh

asan: build/asan/procinit
	$(SAN_ENV) PROCINIT_BIN=$(CURDIR)/build/asan/procinit $(PYTEST) -q tests/e2e

tsan: build/tsan/procinit
	$(SAN_ENV) PROCINIT_BIN=$(CURDIR)/build/tsan/procinit $(PYTEST) -q tests/e2e

# deps first, in its own step: the sub-makes then see musl-gcc if it was missing.
test:
	@sh tests/deps.sh
	$(MAKE) all unit
	$(MAKE) fuzz
	$(MAKE) asan
	$(MAKE) tsan
	$(MAKE) valgrind
	$(MAKE) docker-test
	$(MAKE) e2e
	$(MAKE) boot-test

install: build/procinit
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1
	install -m 755 build/procinit $(DESTDIR)$(BINDIR)/procinit
	install -m 644 procinit.1 $(DESTDIR)$(MANPREFIX)/man1/procinit.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/procinit $(DESTDIR)$(MANPREFIX)/man1/procinit.1

lint:
	shellcheck tests/*.sh .ci/run
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability -D_GNU_SOURCE src

fmt:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build

-include $(OBJS:.o=.d)
