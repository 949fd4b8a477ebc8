# mailjobs: `make` builds out/mailjobs (one static binary); `make test`, `make demo`, `make bench`,
# `make release`, `make install PREFIX=... DESTDIR=...`. On a fresh Debian 12 machine, as root,
# the first `make` installs the Debian packages it needs and builds static libcurl once.
PREFIX ?= /usr/local
DESTDIR ?=
OUT ?= out
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

CXX ?= g++
CXXFLAGS ?= -O2 -g
CURL_DIR := out/third_party
CURL_LIB := $(CURL_DIR)/lib/libcurl.a
# libpq for the PostgreSQL backend, built from Debian's postgresql-15 source (third_party/build-libpq.sh)
PQ_LIB := $(CURL_DIR)/lib/libpq.a
PQ_LIBS := $(PQ_LIB) $(CURL_DIR)/lib/libpgcommon.a $(CURL_DIR)/lib/libpgport.a
override CXXFLAGS += -std=c++17 -Wall -Wextra -Wno-unused-parameter -MMD -MP -Isrc -I$(CURL_DIR)/include \
	-I$(OUT)/gen -DCURL_STATICLIB
LDFLAGS ?=
# `make asan` clears STATIC: sanitizer runtimes do not link statically.
STATIC ?= -static
override LDFLAGS += $(STATIC)
LIBS := $(CURL_LIB) $(PQ_LIBS) -lSQLiteCpp -lsqlite3 -linih -lminizip -lssl -lcrypto -lcares -lz -lpthread -ldl

SRCS := $(wildcard src/*/*.cpp)
OBJS := $(SRCS:%.cpp=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/src/main.o
UNIT_SRCS := $(wildcard tests/unit/*.cpp)
UNIT_OBJS := $(UNIT_SRCS:%.cpp=$(OUT)/%.o)
DEPS_STAMP := out/.debian-deps

BIN := $(OUT)/mailjobs
# test-only: the same binary plus the fault-injection VFS (see test-faults below)
FAULT_BIN := $(OUT)/mailjobs-faults
FAULT_OBJ := $(OUT)/tests/faults/fault_vfs.o

# Build in parallel by default; the test recipe itself runs its steps in order.
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)

all: $(BIN)

$(DEPS_STAMP): third_party/debian-deps.sh
	@mkdir -p out
	third_party/debian-deps.sh
	@touch $@

$(CURL_LIB): third_party/build-curl.sh | $(DEPS_STAMP)
	third_party/build-curl.sh $(CURL_DIR)

# After curl's: build-curl.sh sets up the deb-src entry both downloads use.
$(PQ_LIB): third_party/build-libpq.sh | $(DEPS_STAMP) $(CURL_LIB)
	third_party/build-libpq.sh $(CURL_DIR)

$(OUT)/%.o: %.cpp | $(DEPS_STAMP) $(CURL_LIB) $(PQ_LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

# The version (`git describe`) lives in a generated header rewritten only when it changes, so an
# incremental build never reports an older commit and an unchanged one rebuilds nothing.
VERSION_H := $(OUT)/gen/version.h
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@echo '#define MAILJOBS_VERSION "$(VERSION)"' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(OUT)/src/main.o $(OUT)/src/delivery/http.o: $(VERSION_H)
FORCE:

$(BIN): $(OBJS) $(MAIN_OBJ) $(CURL_LIB) $(PQ_LIB)
	$(CXX) $(LDFLAGS) -o $@.tmp $(OBJS) $(MAIN_OBJ) $(LIBS)
	mv $@.tmp $@

$(OUT)/unit_tests: $(OBJS) $(UNIT_OBJS) $(CURL_LIB) $(PQ_LIB)
	$(CXX) $(LDFLAGS) -o $@.tmp $(UNIT_OBJS) $(OBJS) $(LIBS)
	mv $@.tmp $@

# The layer rule over src/'s includes (tests/layers.sh, README "Layout"), unit tests (Catch2), then
# whole-binary tests (tests/cli/*.sh, each in its own temp folder, in parallel).
test: $(BIN) $(OUT)/unit_tests $(FAULT_BIN)
	tests/layers.sh
	$(OUT)/unit_tests
	tests/cli/run-all.sh $(abspath $(BIN))
	tests/faults/run-all.sh $(abspath $(FAULT_BIN))

# I/O fault injection (tests/faults/lib.sh, README "Testing"): the same objects plus a test-only SQLite VFS
# (tests/faults/fault_vfs.cpp, MAILJOBS_FAULT=write:N|sync:N|truncate:N|full:N) in a binary of its
# own; the release binary never contains it. `make test` sweeps a fixed sample of failure points,
# `make test-faults FAULT_ALL=1` (part of `make torture`) every one.
$(FAULT_BIN): $(OBJS) $(MAIN_OBJ) $(FAULT_OBJ) $(CURL_LIB) $(PQ_LIB)
	$(CXX) $(LDFLAGS) -o $@.tmp $(FAULT_OBJ) $(OBJS) $(MAIN_OBJ) $(LIBS)
	mv $@.tmp $@
test-faults: $(FAULT_BIN)
	FAULT_ALL=$(FAULT_ALL) tests/faults/run-all.sh $(abspath $(FAULT_BIN))

# Sanitizer build: the same sources and rules with AddressSanitizer + UndefinedBehaviorSanitizer,
# into out/asan (out/asan/mailjobs, out/asan/unit_tests). Dynamic, since sanitizer runtimes do not
# link with -static (the static libcurl.a links into it as usual). UB is fatal, not a warning.
ASAN_OUT := out/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# -Wno-maybe-uninitialized: g++ 12 warns inside <regex>/<functional> only when instrumenting.
# -g1 (line tables): enough for symbolized stack traces, and the build is faster than with -g.
asan:
	$(MAKE) OUT=$(ASAN_OUT) STATIC= CXXFLAGS="-O1 -g1 $(SAN_FLAGS) -Wno-maybe-uninitialized" LDFLAGS="$(SAN_FLAGS)" \
		$(ASAN_OUT)/mailjobs $(ASAN_OUT)/unit_tests

# Unit tests and whole-binary tests against the sanitizer build (tests/sanitize.sh: options, leaks,
# and a check that no process anywhere in the suite wrote a sanitizer report). CI runs a fixed
# subset of the whole-binary tests (see tests/sanitize.sh); ASAN_CLI=all (`make torture`) runs all.
test-asan: asan
	tests/sanitize.sh $(abspath $(ASAN_OUT)) $(ASAN_CLI)

# libFuzzer targets (tests/fuzz/NAME.cpp -> out/fuzz/bin/NAME), built with Debian's clang++
# (libFuzzer is clang's) through the same rules: the sources they reach are compiled with
# coverage and ASan+UBSan into out/fuzz and linked with each target. `make fuzz FUZZ_TIME=60` runs
# each target that many seconds; `make fuzz-ci` replays the seed corpus (tests/fuzz/corpus/NAME)
# and runs each target FUZZ_CI_TIME seconds. New inputs collect in out/fuzz/corpus, crashes in
# out/fuzz/artifacts (tests/fuzz/run.sh).
FUZZ_OUT := out/fuzz
FUZZ_NAMES := $(basename $(notdir $(wildcard tests/fuzz/*.cpp)))
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_TIME ?= 60
FUZZ_CI_TIME ?= 20
fuzz-build:
	$(MAKE) OUT=$(FUZZ_OUT) CXX=clang++ STATIC= CXXFLAGS="-O1 -gline-tables-only $(FUZZ_FLAGS)" \
		$(FUZZ_NAMES:%=$(FUZZ_OUT)/bin/%)
# The quick ones alone: make fuzz-build FUZZ_NAMES="duration tzif schedule cgi"
# Only the layers the targets reach (commands and the CGI routes above cgi_io are not compiled).
FUZZ_LIB_OBJS := $(filter-out $(OUT)/src/cli/% $(OUT)/src/api/%,$(OBJS)) $(OUT)/src/cli/common.o $(OUT)/src/api/cgi_io.o
$(OUT)/libmailjobs.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $(FUZZ_LIB_OBJS)
# Targets of one or two sources link just those objects (a quick build); the others link the
# archive, from which the linker takes only what they reach. tzif.cpp compiles schedule.cpp itself
# (its TZif reader is file-local), so it is linked without schedule.o.
$(OUT)/bin/%: $(OUT)/tests/fuzz/%.o | $(CURL_LIB) $(PQ_LIB)
	@mkdir -p $(dir $@)
	$(CXX) -fsanitize=fuzzer,address,undefined -o $@.tmp $(filter %.o,$^) $(filter %.a,$^) $(LIBS)
	mv $@.tmp $@
$(OUT)/bin/duration $(OUT)/bin/tzif: $(OUT)/src/core/duration.o
$(OUT)/bin/schedule: $(OUT)/src/core/schedule.o $(OUT)/src/core/duration.o
$(OUT)/bin/cgi: $(OUT)/src/api/cgi_io.o $(OUT)/src/core/text.o
.PRECIOUS: $(OUT)/tests/fuzz/%.o
# mail links the archive too: an explicit object list broke when core/db.cpp grew a backend beside it.
$(OUT)/bin/now $(OUT)/bin/config $(OUT)/bin/mail: $(OUT)/libmailjobs.a
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_OUT) $(FUZZ_TIME) $(FUZZ_NAMES)
fuzz-ci: fuzz-build
	tests/fuzz/run.sh $(FUZZ_OUT) $(FUZZ_CI_TIME) $(FUZZ_NAMES)

# The long forms of what CI samples: every whole-binary test under the sanitizers, and long
# fuzzing (TORTURE_FUZZ_TIME seconds per target). Other exhaustive sweeps belong here too.
TORTURE_FUZZ_TIME ?= 600
torture:
	$(MAKE) test-asan ASAN_CLI=all
	$(MAKE) fuzz FUZZ_TIME=$(TORTURE_FUZZ_TIME)
	$(MAKE) test-crash CRASH_KILLS=$(TORTURE_CRASH_KILLS)
	$(MAKE) test-faults FAULT_ALL=1

# Crash sweep (tests/cli/helpers/crash_sweep.sh): kill -9 of forward-retry, webhook-retry and
# notification-delivery at many points against the real SMTP/HTTP servers; `make test` runs 10
# kills per job (the defaults), `make torture` 200. One job at a time, printing the counts.
CRASH_KILLS ?= 10
TORTURE_CRASH_KILLS ?= 200
test-crash: $(BIN)
	for t in tests/cli/crash-sweep-*.sh; do CRASH_KILLS=$(CRASH_KILLS) MAILJOBS_BIN=$(abspath $(BIN)) bash $$t || exit 1; done
.PHONY: test-crash

unit-test: $(OUT)/unit_tests
	$(OUT)/unit_tests

# One whole-binary test: make cli-test T=concurrent-run
cli-test: $(BIN)
	tests/cli/run-all.sh $(abspath $(BIN)) $(T)

# Every whole-binary test on PostgreSQL (tests/servers/postgres.sh starts one); T= filters as above.
test-postgresql: $(BIN)
	MJ_TEST_BACKEND=postgresql tests/cli/run-all.sh $(abspath $(BIN)) $(T)

demo: $(BIN)
	share/demo/demo.sh $(abspath $(BIN))

bench: $(BIN)
	bench/run.sh $(abspath $(BIN))

release: $(BIN)
	@mkdir -p $(OUT)/release
	strip -o $(OUT)/release/mailjobs $(BIN)
	cd $(OUT)/release && sha256sum mailjobs > SHA256SUMS
	@file $(OUT)/release/mailjobs; cat $(OUT)/release/SHA256SUMS

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mailjobs
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mailjobs
	install -m 0644 jobs.ini.sample $(DESTDIR)$(PREFIX)/share/mailjobs/jobs.ini.sample
	cp -r share/cron share/cpanel share/schema.md $(DESTDIR)$(PREFIX)/share/mailjobs/
	install -D -m 0644 share/completion/mailjobs.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mailjobs

clean:
	rm -rf $(OUT)/src $(OUT)/tests $(BIN) $(OUT)/unit_tests $(OUT)/release

.PHONY: test-faults asan test-asan fuzz-build fuzz fuzz-ci all test unit-test cli-test demo bench release install clean FORCE
-include $(OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJS:.o=.d) $(FAULT_OBJ:.o=.d) $(wildcard $(OUT)/tests/fuzz/*.d)
