# hop: resumable functions for C.
#
# This file holds the variables every part uses and includes the parts:
#
#   mk/lib.mk      the library: lib/'s source lists and object rules,
#                  libhop.a, libhop.so, hop.pc, the layering check
#   mk/samples.mk  the samples and make demo
#   mk/test.mk     the test runners, suites.h, make test / check and the
#                  sanitizer and valgrind runs
#   mk/check.mk    the checks of make check that are not the suite
#   mk/install.mk  install, uninstall, installcheck, check-make
#   mk/bench.mk    benchmarks and the soak
#   mk/fuzz.mk     the libFuzzer targets and their replay
#   mk/mcu.mk      the bare-metal images under QEMU, sizes
#   mk/cross.mk    the Check suite on armhf and s390x under qemu-user
#
# `make help` lists the targets (from the `## target: ...` lines of
# these files).
#
# The project's flags come after the user's CFLAGS, so `make CFLAGS=-O0`
# changes optimisation but never drops -std=c99 or the warnings.

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BUILDDIR ?= build
DESTDIR ?=

CC ?= cc
CXX ?= c++
AR ?= ar
NM ?= nm
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
VALGRIND ?= valgrind

VERSION_H := include/hop/version.h
V_MAJOR := $(shell sed -n 's/^\#define HOP_VERSION_MAJOR \([0-9]*\)/\1/p' $(VERSION_H))
V_MINOR := $(shell sed -n 's/^\#define HOP_VERSION_MINOR \([0-9]*\)/\1/p' $(VERSION_H))
V_PATCH := $(shell sed -n 's/^\#define HOP_VERSION_PATCH \([0-9]*\)/\1/p' $(VERSION_H))
VERSION := $(V_MAJOR).$(V_MINOR).$(V_PATCH)
SONAME := libhop.so.$(V_MAJOR)

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' '$(1)' '$(2)'
endif

WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes
HOP_CFLAGS := -std=c99 $(WARN) -Iinclude
LIB_CFLAGS := $(HOP_CFLAGS) -fPIC -fvisibility=hidden -fno-semantic-interposition

DEPS := libevent-dev check pkg-config
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
EVENT_PKGS := libevent_core libevent_extra
EVENT_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(EVENT_PKGS) 2>/dev/null)
EVENT_LIBS = $(shell $(PKG_CONFIG) --libs $(EVENT_PKGS) 2>/dev/null)
HEADERS := include/hop.h $(wildcard include/hop/*.h)

# The resume variants every runner is built in (HOP_CONF_RESUME).
VARIANTS := switch labels
RESUME_switch := 1
RESUME_labels := 2

STATIC_LIB := $(BUILDDIR)/libhop.a
SHARED_LIB := $(BUILDDIR)/libhop.so.$(VERSION)

# Plain `make` builds the library, whatever rule comes first below.
.DEFAULT_GOAL := all

FORCE:

.PHONY: FORCE all deps clean help

# Objects are rebuilt when the compiler or the flags change.
FLAGS_STAMP := $(BUILDDIR)/.flags
FLAGS_NOW := $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HOP_CFLAGS)
$(shell mkdir -p $(BUILDDIR) && \
    if [ "$$(cat $(FLAGS_STAMP) 2>/dev/null)" != '$(FLAGS_NOW)' ]; then \
        echo '$(FLAGS_NOW)' > $(FLAGS_STAMP); fi)

## all: build libhop.a, libhop.so and hop.pc into $(BUILDDIR) (plain make)
all: $(STATIC_LIB) $(SHARED_LIB) $(BUILDDIR)/hop.pc

## deps: install the Debian packages the build and the suite need
deps:
	@sh .ci/deps.sh $(DEPS)

## clean: remove $(BUILDDIR)
clean:
	rm -rf $(BUILDDIR)

## help: list the targets, one line each
help:
	@sed -n 's/^## \([a-zA-Z0-9_.-]*\): \(.*\)/\1\t\2/p' $(MAKEFILE_LIST) | \
	    awk -F '\t' '{printf "  %-20s %s\n", $$1, $$2}'

include mk/lib.mk
include mk/samples.mk
include mk/test.mk
include mk/check.mk
include mk/install.mk
include mk/bench.mk
include mk/fuzz.mk
include mk/mcu.mk
include mk/cross.mk
