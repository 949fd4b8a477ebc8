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
override CXXFLAGS += -std=c++17 -Wall -Wextra -Wno-unused-parameter -MMD -MP -Isrc -I$(CURL_DIR)/include \
	-I$(OUT)/gen -DCURL_STATICLIB
LDFLAGS ?=
override LDFLAGS += -static
LIBS := $(CURL_LIB) -lSQLiteCpp -lsqlite3 -linih -lssl -lcrypto -lcares -lz -lpthread -ldl

SRCS := $(wildcard src/*/*.cpp)
OBJS := $(SRCS:%.cpp=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/src/main.o
UNIT_SRCS := $(wildcard tests/unit/*.cpp)
UNIT_OBJS := $(UNIT_SRCS:%.cpp=$(OUT)/%.o)
DEPS_STAMP := out/.debian-deps

BIN := $(OUT)/mailjobs

# Build in parallel by default; the test recipe itself runs its steps in order.
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)

all: $(BIN)

$(DEPS_STAMP): third_party/debian-deps.sh
	@mkdir -p out
	third_party/debian-deps.sh
	@touch $@

$(CURL_LIB): third_party/build-curl.sh | $(DEPS_STAMP)
	third_party/build-curl.sh $(CURL_DIR)

$(OUT)/%.o: %.cpp | $(DEPS_STAMP) $(CURL_LIB)
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

$(BIN): $(OBJS) $(MAIN_OBJ) $(CURL_LIB)
	$(CXX) $(LDFLAGS) -o $@.tmp $(OBJS) $(MAIN_OBJ) $(LIBS)
	mv $@.tmp $@

$(OUT)/unit_tests: $(OBJS) $(UNIT_OBJS) $(CURL_LIB)
	$(CXX) $(LDFLAGS) -o $@.tmp $(UNIT_OBJS) $(OBJS) $(LIBS)
	mv $@.tmp $@

# Unit tests (Catch2), then whole-binary tests (tests/cli/*.sh, each in its own temp folder, in parallel).
test: $(BIN) $(OUT)/unit_tests
	$(OUT)/unit_tests
	tests/cli/run-all.sh $(abspath $(BIN))

unit-test: $(OUT)/unit_tests
	$(OUT)/unit_tests

# One whole-binary test: make cli-test T=concurrent-run
cli-test: $(BIN)
	tests/cli/run-all.sh $(abspath $(BIN)) $(T)

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

clean:
	rm -rf $(OUT)/src $(OUT)/tests $(BIN) $(OUT)/unit_tests $(OUT)/release

.PHONY: all test unit-test cli-test demo bench release install clean FORCE
-include $(OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJS:.o=.d)
