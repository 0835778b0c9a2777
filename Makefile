# hop: resumable functions for C.
#
#   make              build libhop.a, libhop.so and hop.pc into $(BUILDDIR)
#   make check        install what is missing, build, run every test
#   make demo         install what is missing, build, run the demo
#   make bench        run the benchmarks (ratios against baselines)
#   make install      install into $(DESTDIR)$(PREFIX)
#   make installcheck install into a staging tree and build a sample on it
#   make check-asan   the suite under AddressSanitizer and UBSan
#   make check-valgrind  the suite under valgrind
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

CORE_SRC := $(wildcard lib/core/*.c)
EVENT_SRC := $(wildcard lib/event/*.c)
BARE_SRC := $(wildcard lib/bare/*.c)
IO_SRC := $(wildcard lib/io/*.c)
LIB_OBJ := $(CORE_SRC:%.c=$(BUILDDIR)/obj/%.o) $(EVENT_SRC:%.c=$(BUILDDIR)/obj/%.o) \
    $(BARE_SRC:%.c=$(BUILDDIR)/obj/%.o) $(IO_SRC:%.c=$(BUILDDIR)/obj/%.o)
EVENT_PKGS := libevent_core libevent_extra
EVENT_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(EVENT_PKGS) 2>/dev/null)
EVENT_LIBS = $(shell $(PKG_CONFIG) --libs $(EVENT_PKGS) 2>/dev/null)
HEADERS := include/hop.h $(wildcard include/hop/*.h)

TEST_SRC := $(wildcard test/*.c test/conformance/*.c)
TEST_HDRS := $(wildcard test/*.h test/conformance/*.h)
SAMPLES := $(basename $(notdir $(wildcard samples/*.c)))
# The samples' modules: samples/<name>-server.c links samples/common/*.c
# and samples/<name>/*.c; the tests and the fuzz targets link them too.
SAMPLE_MODS_resp-server := $(wildcard samples/common/*.c samples/resp/*.c)
SAMPLE_MODS_http-server := $(wildcard samples/common/*.c samples/http/*.c)
SAMPLE_MODS := $(sort $(SAMPLE_MODS_resp-server) $(SAMPLE_MODS_http-server))
SAMPLE_MOD_HDRS := $(wildcard samples/common/*.h samples/resp/*.h samples/http/*.h)
VARIANTS := switch labels
RESUME_switch := 1
RESUME_labels := 2

STATIC_LIB := $(BUILDDIR)/libhop.a
SHARED_LIB := $(BUILDDIR)/libhop.so.$(VERSION)

# Plain `make` builds the library, whatever rule comes first below.
.DEFAULT_GOAL := all

FORCE:

.PHONY: fuzz check-fuzz-replay soak bench-net check-knobs check-lib-switch \
        check-make
.PHONY: FORCE all check deps test samples bench demo install uninstall clean \
        installcheck check-asan check-valgrind check-freestanding check-layering \
        check-headers check-sizes check-readme check-exports

all: $(STATIC_LIB) $(SHARED_LIB) $(BUILDDIR)/hop.pc

deps:
	@sh .ci/deps.sh $(DEPS)

# -- the library ---------------------------------------------------------

# Objects are rebuilt when the compiler or the flags change.
FLAGS_STAMP := $(BUILDDIR)/.flags
FLAGS_NOW := $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HOP_CFLAGS)
$(shell mkdir -p $(BUILDDIR) && \
    if [ "$$(cat $(FLAGS_STAMP) 2>/dev/null)" != '$(FLAGS_NOW)' ]; then \
        echo '$(FLAGS_NOW)' > $(FLAGS_STAMP); fi)

$(BUILDDIR)/obj/lib/core/%.o: lib/core/%.c $(HEADERS) lib/core/internal.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILDDIR)/obj/lib/bare/%.o: lib/bare/%.c $(HEADERS) lib/bare/internal.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILDDIR)/obj/lib/event/%.o: lib/event/%.c $(HEADERS) lib/core/internal.h lib/event/ev_internal.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -Ilib/core $(EVENT_CFLAGS) -c $< -o $@

$(BUILDDIR)/obj/lib/io/%.o: lib/io/%.c $(HEADERS) lib/core/internal.h lib/io/io_internal.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -Ilib/core $(EVENT_CFLAGS) -c $< -o $@

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(EVENT_LIBS)
	$(Q)ln -sf libhop.so.$(VERSION) $(BUILDDIR)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(BUILDDIR)/libhop.so

# hop.pc is written again whenever the install paths change, so that
# `make install PREFIX=...` after a plain `make` installs the right one.
PC_STAMP := $(BUILDDIR)/.pcpaths
PC_NOW := $(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(DATADIR)
$(shell mkdir -p $(BUILDDIR) && \
    if [ "$$(cat $(PC_STAMP) 2>/dev/null)" != '$(PC_NOW)' ]; then \
        echo '$(PC_NOW)' > $(PC_STAMP); fi)

$(BUILDDIR)/hop.pc: hop.pc.in $(VERSION_H) $(PC_STAMP)
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@DATADIR@|$(DATADIR)|' \
	    $< > $@

# -- tests ---------------------------------------------------------------

# The runner, built once per resume variant.
define variant_rules
$(BUILDDIR)/test/$(1)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(SAMPLE_MOD_HDRS) $(BUILDDIR)/test/suites.h $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) $$(CHECK_CFLAGS) \
	    -Itest -I$(BUILDDIR)/test $$(EVENT_CFLAGS) -DHOP_CONF_RESUME=$(RESUME_$(1)) \
	    -DHOP_TEST_VARIANT='"$(1)"' -DHOP_TEST_SAMPLES='"$(BUILDDIR)/samples"' \
	    -c $$< -o $$@

$(BUILDDIR)/test/$(1)/hop-test: $(TEST_SRC:%.c=$(BUILDDIR)/test/$(1)/%.o) \
    $(SAMPLE_MODS_resp-server:%.c=$(BUILDDIR)/test/$(1)/%.o) $(STATIC_LIB)
	$$(call say,LD,$$@)
	$$(Q)$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(CHECK_LIBS) $$(EVENT_LIBS)
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))

RUNNERS := $(VARIANTS:%=$(BUILDDIR)/test/%/hop-test)

# The list of case tables, one X(name) per t_cases_<name> in the sources.
$(BUILDDIR)/test/suites.h: FORCE
	@mkdir -p $(dir $@)
	@grep -ho '^const t_case t_cases_[a-z0-9_]*\[\]' $(TEST_SRC) | \
	    sed 's/.*t_cases_\(.*\)\[\]/X(\1)/' | sort > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null || mv $@.tmp $@; rm -f $@.tmp

# The end-to-end tables (test/e2e_*.c) start the sample servers.
test: $(RUNNERS) $(SAMPLES:%=$(BUILDDIR)/samples/%)
	@for v in $(VARIANTS); do \
	    echo "== hop test suite, resume variant: $$v"; \
	    $(TEST_ENV) $(BUILDDIR)/test/$$v/hop-test || exit 1; \
	done

check: deps
	@$(MAKE) --no-print-directory all test samples check-freestanding \
	    check-layering check-headers check-sizes check-readme check-exports \
	    check-fuzz-replay check-knobs check-lib-switch check-make
	@echo "== make check: all passed"

# The library and the samples built with the portable resume
# (HOP_RESUME_SWITCH) too, under the suite's switch variant: a
# suspension inside a switch statement of their own breaks only there.
check-lib-switch:
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/libswitch \
	    CPPFLAGS='$(CPPFLAGS) -DHOP_CONF_RESUME=1' VARIANTS=switch test
	@echo "== library built with HOP_RESUME_SWITCH: the suite passed"

# The core and the bare backend built freestanding must reference no
# library function but memcpy, memset, memmove and memcmp.
FREE_INC = $(shell d=$$($(CC) -print-file-name=include); \
    [ -f "$$d/stddef.h" ] || d=$$($(CC) -print-resource-dir)/include; echo $$d)
check-freestanding:
	@mkdir -p $(BUILDDIR)/free
	@for f in $(CORE_SRC) $(BARE_SRC); do \
	    o=$(BUILDDIR)/free/$$(basename $$(dirname $$f))_$$(basename $$f .c).o; \
	    $(CC) -std=c99 $(WARN) -Os -ffreestanding -fno-builtin -nostdinc \
	        -isystem $(FREE_INC) -Iinclude -c $$f -o $$o || exit 1; \
	done
	@$(NM) --defined-only $(BUILDDIR)/free/*.o | awk 'NF == 3 {print $$3}' | \
	    sort -u > $(BUILDDIR)/free/defined
	@bad=$$($(NM) -u $(BUILDDIR)/free/*.o | awk 'NF >= 2 {print $$2}' | \
	    sort -u | comm -23 - $(BUILDDIR)/free/defined | \
	    grep -vxE 'memcpy|memset|memmove|memcmp' || true); \
	if [ -n "$$bad" ]; then echo "core references: $$bad"; exit 1; fi
	@echo "== freestanding core and bare: OK (nm -u lists nothing outside mem*)"

# Dependencies point one way: lib/core, lib/bare and the freestanding headers
# include nothing but <stddef.h>, <stdint.h> and hop's own headers
# (hop/event.h, the libevent layer's header, names libevent types only).
FREE_HEADERS := $(filter-out include/hop/event.h,$(HEADERS))
check-layering:
	@bad=$$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' \
	    $(CORE_SRC) lib/core/internal.h $(BARE_SRC) lib/bare/internal.h \
	    $(FREE_HEADERS) | \
	    grep -v -e '<stddef\.h>' -e '<stdint\.h>' -e 'lib/core/error\.c:.*<stdarg\.h>' || true); \
	if [ -n "$$bad" ]; then echo "layering: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/event\.h\|event2/\|hop/bare\.h' $(CORE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: core uses a backend layer: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/event\.h\|event2/\|core/internal\.h' $(BARE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: bare uses the event layer or core internals: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/io\.h\|io_internal\.h' $(CORE_SRC) $(EVENT_SRC) $(BARE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: a lower layer uses lib/io: $$bad"; exit 1; fi
	@echo "== layering: core, bare and freestanding headers include only stddef/stdint (and stdarg for formatted errors)"

# Every public header compiles on its own as C99, C11 and C++.
check-headers:
	@mkdir -p $(BUILDDIR)/headers
	@for h in $(HEADERS); do \
	    n=$$(echo $$h | sed 's|include/||'); \
	    printf '#include <%s>\ntypedef int hop_header_check;\n' "$$n" > $(BUILDDIR)/headers/h.c; \
	    for std in c99 c11; do \
	        $(CC) -std=$$std $(WARN) -Iinclude -fsyntax-only \
	            $(BUILDDIR)/headers/h.c || exit 1; \
	    done; \
	    $(CXX) -std=c++11 -Wall -Wextra -Werror -Iinclude -fsyntax-only \
	        -x c++ $(BUILDDIR)/headers/h.c || exit 1; \
	done
	@echo "== headers: each compiles alone as C99, C11 and C++"

# A knob that the suite does not run with: HOP_CONF_ERROR_NAMES=0 (the
# suite's traces print error names).
check-knobs:
	@mkdir -p $(BUILDDIR)/knobs
	@$(CC) -std=c99 $(WARN) -Iinclude -DHOP_CONF_ERROR_NAMES=0 \
	    test/tools/error_names_off.c lib/core/error.c \
	    -o $(BUILDDIR)/knobs/error_names_off
	@$(BUILDDIR)/knobs/error_names_off
	@echo "== knobs: HOP_CONF_ERROR_NAMES=0 answers as documented"

# The sizes published in doc/reference/*.md are the real ones (and
# hop_task's with HOP_CONF_TASK_NAMES=0 too).
check-sizes: $(BUILDDIR)/sizes $(BUILDDIR)/sizes-names0
	@$(BUILDDIR)/sizes | while read name size; do \
	    if ! grep -q "^| \`$$name\` | $$size |" doc/reference/*.md; then \
	        echo "doc/reference: sizeof($$name) is $$size here"; \
	        exit 1; \
	    fi; \
	done
	@size=$$($(BUILDDIR)/sizes-names0 | awk '$$1 == "hop_task" {print $$2}'); \
	grep -q "^| \`hop_task\`, \`HOP_CONF_TASK_NAMES=0\` | $$size |" \
	    doc/reference/task.md || { \
	    echo "doc/reference: sizeof(hop_task) is $$size with HOP_CONF_TASK_NAMES=0"; \
	    exit 1; }
	@echo "== published sizes: OK"

$(BUILDDIR)/sizes: test/tools/sizes.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(HOP_CFLAGS) $< -o $@

$(BUILDDIR)/sizes-names0: test/tools/sizes.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [HOP_CONF_TASK_NAMES=0])
	$(Q)$(CC) $(CFLAGS) $(HOP_CFLAGS) -DHOP_CONF_TASK_NAMES=0 $< -o $@

# The example in README.md compiles, runs and prints what README shows.
check-readme: $(STATIC_LIB)
	@mkdir -p $(BUILDDIR)/readme
	@sed -n '/<!-- example -->/,/<!-- end -->/p' README.md | \
	    sed -n '/^```c$$/,/^```$$/p' | sed '1d;$$d' > $(BUILDDIR)/readme/example.c
	@sed -n '/<!-- output -->/,/<!-- end -->/p' README.md | \
	    sed -n '/^```$$/,/^```$$/p' | sed '1d;$$d' > $(BUILDDIR)/readme/expected
	@$(CC) $(CFLAGS) $(HOP_CFLAGS) $(BUILDDIR)/readme/example.c $(STATIC_LIB) \
	    $(EVENT_LIBS) -o $(BUILDDIR)/readme/example
	@$(BUILDDIR)/readme/example > $(BUILDDIR)/readme/got
	@diff -u $(BUILDDIR)/readme/expected $(BUILDDIR)/readme/got
	@echo "== README example: OK"

# The shared library exports hop_* and nothing else.
check-exports: $(SHARED_LIB)
	@bad=$$($(NM) -D --defined-only $(SHARED_LIB) | awk '{print $$3}' | \
	    grep -v '^hop_' || true); \
	if [ -n "$$bad" ]; then echo "exported: $$bad"; exit 1; fi
	@echo "== exports: only hop_*"

# -- samples -------------------------------------------------------------

$(BUILDDIR)/samples/%: samples/%.c $(STATIC_LIB) $(HEADERS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(HOP_CFLAGS) -pthread $(filter %.c,$^) \
	    $(STATIC_LIB) $(EVENT_LIBS) -o $@

$(BUILDDIR)/samples/resp-server: $(SAMPLE_MODS_resp-server) $(SAMPLE_MOD_HDRS)
$(BUILDDIR)/samples/http-server: $(SAMPLE_MODS_http-server) $(SAMPLE_MOD_HDRS)

# Samples that run to their end by themselves; the servers are driven by
# the end-to-end tests and by make demo.
RUN_SAMPLES := kv

samples: $(SAMPLES:%=$(BUILDDIR)/samples/%)
	@for s in $(RUN_SAMPLES); do \
	    $(BUILDDIR)/samples/$$s > /dev/null || { echo "sample $$s failed"; exit 1; }; \
	done
	@echo "== samples: $(SAMPLES) built, $(RUN_SAMPLES) ran"

# The README's first command: a RESP server of hop tasks, its client
# sample and (when installed) redis-cli, end to end on loopback.
demo: deps
	@$(MAKE) --no-print-directory $(BUILDDIR)/samples/resp-server \
	    $(BUILDDIR)/samples/resp-client
	@sh samples/demo.sh $(BUILDDIR)

# -- benchmarks ----------------------------------------------------------

$(BUILDDIR)/bench/%: bench/%.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

# The idle-task figure again with HOP_CONF_TASK_NAMES=0, which changes
# the layout of hop_task: built from the sources with the knob.
$(BUILDDIR)/bench/bench_sched_nonames: bench/bench_sched.c $(CORE_SRC) \
    $(HEADERS) lib/core/internal.h
	@mkdir -p $(dir $@)
	$(call say,CC,$< [HOP_CONF_TASK_NAMES=0])
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) -DHOP_CONF_TASK_NAMES=0 $< $(CORE_SRC) \
	    $(EVENT_LIBS) -o $@

bench: $(BUILDDIR)/bench/bench_core $(BUILDDIR)/bench/bench_sched \
    $(BUILDDIR)/bench/bench_sched_nonames
	$(BUILDDIR)/bench/bench_core
	$(BUILDDIR)/bench/bench_sched
	$(BUILDDIR)/bench/bench_sched_nonames 1000000 idle

# -- soak ----------------------------------------------------------------
#
#   make soak         samples/resp-server and samples/http-server side by
#                     side for SOAK_TIME seconds under bench/soak_clients
#                     (churn, pipelines, clients that never read, garbage,
#                     slowloris) and redis-benchmark; fails when a client
#                     failed, or a server kept descriptors or grew its RSS
#                     past SOAK_RSS_SLACK kB once the clients are gone
#                     (not in CI)
SOAK_TIME ?= 60
$(BUILDDIR)/bench/soak_clients: bench/soak_clients.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(HOP_CFLAGS) -pthread $< $(LDFLAGS) -o $@

soak: $(BUILDDIR)/samples/resp-server $(BUILDDIR)/samples/http-server \
    $(BUILDDIR)/bench/soak_clients
	@sh bench/soak.sh $(BUILDDIR) $(SOAK_TIME)

# -- fuzzing ---------------------------------------------------------------
#
#   make fuzz         build the libFuzzer targets of test/fuzz/ with clang
#                     (-fsanitize=fuzzer,address,undefined) and run each
#                     for FUZZ_TIME seconds from its seed corpus; a crash
#                     stops it and leaves the input in build/fuzz/
#   make check-fuzz-replay
#                     (part of make check) run the targets, built without
#                     libFuzzer, on the seed corpus and on every
#                     regression input of test/fuzz/regress/
FUZZ_TARGETS := resp http
FUZZ_TIME ?= 30
FUZZ_CC ?= clang
FUZZ_SRC := $(CORE_SRC) $(EVENT_SRC) $(IO_SRC)
FUZZ_DEPS := $(FUZZ_SRC) $(HEADERS) lib/core/internal.h lib/io/io_internal.h

$(BUILDDIR)/fuzz/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/session.h $(SAMPLE_MODS) \
    $(SAMPLE_MOD_HDRS) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [libFuzzer])
	$(Q)$(FUZZ_CC) -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Wno-unused-function -Iinclude -Ilib/core \
	    $(EVENT_CFLAGS) $< $(SAMPLE_MODS_$*-server) $(FUZZ_SRC) $(EVENT_LIBS) \
	    -pthread -o $@

$(BUILDDIR)/fuzz-replay/replay_%: test/fuzz/fuzz_%.c test/fuzz/replay.c test/fuzz/session.h \
    $(SAMPLE_MODS) $(SAMPLE_MOD_HDRS) $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [replay])
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -std=c99 -Wall -Wextra -Werror \
	    -Wno-unused-function -Iinclude $< test/fuzz/replay.c \
	    $(SAMPLE_MODS_$*-server) $(STATIC_LIB) \
	    $(EVENT_LIBS) -pthread -o $@

fuzz: $(FUZZ_TARGETS:%=$(BUILDDIR)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf $(BUILDDIR)/fuzz/corpus-$$t; \
	    mkdir -p $(BUILDDIR)/fuzz/corpus-$$t; \
	    cp test/fuzz/corpus/$$t/* $(BUILDDIR)/fuzz/corpus-$$t/; \
	    echo "== fuzz $$t for $(FUZZ_TIME) s"; \
	    if ! $(BUILDDIR)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
	        -max_len=4096 -timeout=10 -print_final_stats=1 \
	        -artifact_prefix=$(BUILDDIR)/fuzz/$$t- \
	        $(BUILDDIR)/fuzz/corpus-$$t > $(BUILDDIR)/fuzz/$$t.log 2>&1; then \
	        grep -E 'ERROR|SUMMARY|Test unit|artifact' $(BUILDDIR)/fuzz/$$t.log; \
	        echo "fuzz $$t: a crash (log: $(BUILDDIR)/fuzz/$$t.log)"; exit 1; \
	    fi; \
	    grep -E 'stat::(number_of_executed_units|new_units_added)' \
	        $(BUILDDIR)/fuzz/$$t.log | sed 's/^/  /'; \
	done; echo "== fuzz: no crash"

check-fuzz-replay: $(FUZZ_TARGETS:%=$(BUILDDIR)/fuzz-replay/replay_%)
	@for t in $(FUZZ_TARGETS); do \
	    $(BUILDDIR)/fuzz-replay/replay_$$t test/fuzz/corpus/$$t/* \
	        $$(ls test/fuzz/regress/$$t-* 2>/dev/null) > /dev/null || exit 1; \
	done
	@echo "== fuzz targets: seed corpus and regression inputs replayed"

# -- network benchmarks ----------------------------------------------------
#
#   make bench-net    hop's servers against baselines in the same run
#                     (bench/net.sh: echo, RESP, HTTP; BENCH_NET_TIME s a
#                     run, medians of ROUNDS rounds). Needs redis-server,
#                     redis-tools and wrk.
BENCH_NET_TIME ?= 3
BENCH_NET_BIN := $(BUILDDIR)/bench/echo_hop $(BUILDDIR)/bench/echo_libevent \
    $(BUILDDIR)/bench/echo_load $(BUILDDIR)/bench/http_evhttp

$(BUILDDIR)/bench/echo_hop: bench/net/echo_hop.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

$(BUILDDIR)/bench/%: bench/net/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g -Wall -Wextra $< $(EVENT_LIBS) -o $@

bench-net: deps $(BENCH_NET_BIN) $(BUILDDIR)/samples/resp-server \
    $(BUILDDIR)/samples/http-server
	@bash bench/net.sh $(BUILDDIR) $(BENCH_NET_TIME)

# -- sanitizers and valgrind ---------------------------------------------

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer
check-asan: deps
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/asan \
	    CFLAGS='-O1 -g $(SAN)' LDFLAGS='$(SAN)' test

check-valgrind: deps
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/vg CFLAGS='-O1 -g' \
	    TEST_ENV='CK_FORK=no CK_TIMEOUT_MULTIPLIER=10 $(VALGRIND) -q \
	        --suppressions=doc/hop.supp \
	        --leak-check=full --errors-for-leak-kinds=definite \
	        --error-exitcode=1' test

# -- install -------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(INCLUDEDIR)/hop $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/hop.h $(DESTDIR)$(INCLUDEDIR)/hop.h
	install -m 644 $(wildcard include/hop/*.h) $(DESTDIR)$(INCLUDEDIR)/hop/
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libhop.a
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libhop.so.$(VERSION)
	ln -sf libhop.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libhop.so
	install -m 644 $(BUILDDIR)/hop.pc $(DESTDIR)$(PKGCONFIGDIR)/hop.pc
	install -d $(DESTDIR)$(DATADIR)/hop
	install -m 644 doc/hop.supp $(DESTDIR)$(DATADIR)/hop/hop.supp

uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/hop
	rm -f $(DESTDIR)$(INCLUDEDIR)/hop.h $(DESTDIR)$(LIBDIR)/libhop.a \
	    $(DESTDIR)$(LIBDIR)/libhop.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libhop.so.$(VERSION) \
	    $(DESTDIR)$(PKGCONFIGDIR)/hop.pc $(DESTDIR)$(DATADIR)/hop/hop.supp
	-rmdir $(DESTDIR)$(DATADIR)/hop

# Plain `make` (no goal) builds the library, and an install with another
# PREFIX after it installs a hop.pc that names that prefix.
MKSTAGE = $(abspath $(BUILDDIR))/check-make
check-make:
	@rm -rf $(MKSTAGE)
	@$(MAKE) -s --no-print-directory BUILDDIR=$(MKSTAGE)/build >/dev/null
	@test -f $(MKSTAGE)/build/libhop.a && test -f $(MKSTAGE)/build/hop.pc || \
	    { echo 'plain make did not build the library'; exit 1; }
	@$(MAKE) -s --no-print-directory BUILDDIR=$(MKSTAGE)/build \
	    DESTDIR=$(MKSTAGE)/stage PREFIX=/opt/hop-check install >/dev/null
	@grep -qx 'prefix=/opt/hop-check' \
	    $(MKSTAGE)/stage/opt/hop-check/lib/pkgconfig/hop.pc || \
	    { echo 'hop.pc kept the prefix of the first build'; exit 1; }
	@rm -rf $(MKSTAGE)
	@echo "== check-make: plain make builds the library; hop.pc follows PREFIX"

STAGE = $(abspath $(BUILDDIR))/stage
installcheck: deps
	@rm -rf $(STAGE)
	@$(MAKE) --no-print-directory install DESTDIR=$(STAGE)
	@test -L $(STAGE)$(LIBDIR)/$(SONAME)
	@$(NM) -D $(STAGE)$(LIBDIR)/libhop.so.$(VERSION) >/dev/null
	@readelf -d $(STAGE)$(LIBDIR)/libhop.so.$(VERSION) | grep -q 'SONAME.*$(SONAME)'
	@! grep -q '$(STAGE)' $(STAGE)$(PKGCONFIGDIR)/hop.pc
	@mkdir -p $(BUILDDIR)/installcheck
	PKG_CONFIG_PATH=$(STAGE)$(PKGCONFIGDIR) PKG_CONFIG_SYSROOT_DIR=$(STAGE) \
	    sh -c '$(CC) -std=c99 $(WARN) samples/kv.c \
	        $$($(PKG_CONFIG) --cflags --libs hop) \
	        -o $(BUILDDIR)/installcheck/kv'
	LD_LIBRARY_PATH=$(STAGE)$(LIBDIR) $(BUILDDIR)/installcheck/kv
	@readelf -d $(BUILDDIR)/installcheck/kv | grep -q 'NEEDED.*$(SONAME)'
	@echo "== installcheck: OK (sample built through pkg-config and run)"

clean:
	rm -rf $(BUILDDIR)

# -- microcontrollers (bare metal under QEMU) ----------------------------
#
#   make check-mcu    the core built freestanding for Cortex-M0 and M3 and
#                     the libc-free test runner run on QEMU microbit (M0)
#                     and mps2-an385 (M3), both resume variants
#   make sizes        .text/.data/.bss of the core objects per target, and
#                     sizeof of the public structs on 32-bit and the host
#
# Not part of `make check` yet. See ../shared/MCU.md for the traps.

MCU_DEPS := gcc-arm-none-eabi binutils-arm-none-eabi qemu-system-arm
MCU_CC ?= arm-none-eabi-gcc
MCU_NM ?= arm-none-eabi-nm
MCU_SIZE ?= arm-none-eabi-size
QEMU_ARM ?= qemu-system-arm
MCU_CPUS := cortex-m0 cortex-m3
MCU_BOARDS := microbit mps2-an385
MCU_CPU_microbit := cortex-m0
MCU_CPU_mps2-an385 := cortex-m3

MCU_FREE_INC = $(shell $(MCU_CC) -print-file-name=include 2>/dev/null)
MCU_CFLAGS = -std=c99 $(WARN) -Os -mthumb -ffreestanding -fno-builtin \
    -nostdinc -isystem $(MCU_FREE_INC) -Iinclude
MCU_CORE_OBJ = $(CORE_SRC:lib/core/%.c=$(BUILDDIR)/mcu/$(1)/%.o) \
    $(BARE_SRC:lib/bare/%.c=$(BUILDDIR)/mcu/$(1)/bare/%.o)

# The test tables each board runs. mps2-an385 (4 MiB of flash and RAM)
# runs every table that needs no OS: all of TEST_SRC but the Check
# runner, the libevent backend and the libevent tables. microbit (256 KiB
# of flash, 16 KiB of RAM) runs t.c's helpers, the generator conformance
# tables and their shared coroutines: the whole set is 310 KiB of code and
# 540 KiB of data (DEEP-01 alone needs a 2 MiB arena).
MCU_TEST_SRC := test/t.c test/conformance/common.c \
    $(patsubst %,test/conformance/%.c,gen ret dlg err thr cls mis itr)
MCU_TEST_SRC_microbit := $(MCU_TEST_SRC)
MCU_TEST_SRC_mps2-an385 := $(MCU_TEST_SRC) $(filter-out $(MCU_TEST_SRC) \
    test/check_main.c test/t_ev.c test/event_%.c test/e2e_%.c,$(TEST_SRC))
MCU_RUNNER_SRC := $(wildcard test/mcu/*.c)
MCU_RUNNER_SRC := $(filter-out test/mcu/sizes.c,$(MCU_RUNNER_SRC))
MCU_RUNNER_HDRS := $(wildcard test/mcu/*.h)

.PHONY: deps-mcu check-mcu mcu-core mcu-images mcu-sizes-inputs sizes

deps-mcu:
	@sh .ci/deps.sh $(MCU_DEPS)

# The core per CPU, and the allow-list: after removing what the core
# objects define themselves, they may reference only memcpy, memset,
# memmove, memcmp, the __aeabi_* helpers, and other helpers that the
# CPU's own libgcc.a defines (on M0: __gnu_thumb1_case_*, __clzdi2).
define mcu_cpu_rules
$(BUILDDIR)/mcu/$(1)/%.o: lib/core/%.c $(HEADERS) lib/core/internal.h
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$(1) -c $$< -o $$@

$(BUILDDIR)/mcu/$(1)/bare/%.o: lib/bare/%.c $(HEADERS) lib/bare/internal.h
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$(1) -c $$< -o $$@

$(BUILDDIR)/mcu/$(1)/allowed: $(call MCU_CORE_OBJ,$(1))
	$$(Q)$$(MCU_NM) --defined-only $$^ > $$@.nm
	$$(Q)awk 'NF == 3 {print $$$$3}' $$@.nm | sort -u > $$@.defined
	$$(Q)$$(MCU_NM) --defined-only \
	    $$$$($$(MCU_CC) -mthumb -mcpu=$(1) -print-libgcc-file-name) \
	    > $$@.nm 2>/dev/null; test -s $$@.nm
	$$(Q)awk 'NF == 3 {print $$$$3}' $$@.nm | sort -u > $$@.libgcc
	$$(Q)$$(MCU_NM) -u $$^ > $$@.nm
	$$(Q)awk 'NF >= 2 {print $$$$2}' $$@.nm | sort -u | \
	    comm -23 - $$@.defined > $$@.undef
	$$(Q)bad=$$$$(grep -vxE 'memcpy|memset|memmove|memcmp|__aeabi_[a-z0-9_]+' \
	    $$@.undef | comm -23 - $$@.libgcc); \
	if [ -n "$$$$bad" ]; then echo "core [$(1)] references:" $$$$bad; exit 1; fi
	$$(Q)mv $$@.undef $$@
	@echo "== freestanding core [$(1)]: OK, references only:" $$$$(cat $$@)
endef
$(foreach c,$(MCU_CPUS),$(eval $(call mcu_cpu_rules,$(c))))

mcu-core: deps-mcu
	@$(MAKE) --no-print-directory $(MCU_CPUS:%=$(BUILDDIR)/mcu/%/allowed)

# The runner per board and resume variant.
define mcu_board_rules
$(BUILDDIR)/mcu/$(1)/mcu_suites.h: FORCE
	@mkdir -p $$(dir $$@)
	@grep -ho '^const t_case t_cases_[a-z0-9_]*\[\]' $$(MCU_TEST_SRC_$(1)) | \
	    sed 's/.*t_cases_\(.*\)\[\]/X(\1)/' > $$@.tmp
	@cmp -s $$@.tmp $$@ 2>/dev/null || mv $$@.tmp $$@; rm -f $$@.tmp
endef
$(foreach b,$(MCU_BOARDS),$(eval $(call mcu_board_rules,$(b))))

define mcu_variant_rules
$(BUILDDIR)/mcu/$(1)/$(2)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(MCU_RUNNER_HDRS) \
        $(BUILDDIR)/mcu/$(1)/mcu_suites.h
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1) $(2)])
	$$(Q)$$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$$(MCU_CPU_$(1)) \
	    -fno-tree-loop-distribute-patterns -Itest -Itest/mcu \
	    -I$(BUILDDIR)/mcu/$(1) -DHOP_CONF_RESUME=$(RESUME_$(2)) \
	    -DHOP_TEST_VARIANT='"$(2)"' -DHOP_MCU_BOARD='"$(1)"' -c $$< -o $$@

$(BUILDDIR)/mcu/$(1)/$(2)/hop-test.elf: \
        $$(patsubst %.c,$(BUILDDIR)/mcu/$(1)/$(2)/%.o,$$(MCU_RUNNER_SRC) $$(MCU_TEST_SRC_$(1))) \
        $$(call MCU_CORE_OBJ,$$(MCU_CPU_$(1))) \
        $(BUILDDIR)/mcu/$$(MCU_CPU_$(1))/allowed test/mcu/$(1).ld
	$$(call say,LD,$$@)
	$$(Q)$$(MCU_CC) -mthumb -mcpu=$$(MCU_CPU_$(1)) -nostdlib -T test/mcu/$(1).ld \
	    -Wl,--no-warn-rwx-segments -Wl,-Map,$$@.map -o $$@ \
	    $$(filter %.o,$$^) -lgcc
endef
$(foreach b,$(MCU_BOARDS),$(foreach v,$(VARIANTS),$(eval $(call mcu_variant_rules,$(b),$(v)))))

MCU_IMAGES := $(foreach b,$(MCU_BOARDS),$(VARIANTS:%=$(BUILDDIR)/mcu/$(b)/%/hop-test.elf))

# Each run must exit 0 and close with `N passed, 0 failed`.
mcu-images: $(MCU_IMAGES)

check-mcu: deps-mcu check-armhf check-s390x mcu-sample
	@$(MAKE) --no-print-directory mcu-images
	@for b in $(MCU_BOARDS); do for v in $(VARIANTS); do \
	    d=$(BUILDDIR)/mcu/$$b/$$v; \
	    echo "== QEMU $$b, resume variant: $$v"; \
	    timeout 60 $(QEMU_ARM) -M $$b -display none -monitor none \
	        -serial none -chardev stdio,id=sh0 \
	        -semihosting-config enable=on,target=native,chardev=sh0 \
	        -kernel $$d/hop-test.elf > $$d/log 2>&1; rc=$$?; \
	    grep -v '^PASS ' $$d/log; \
	    last=$$(tail -n 1 $$d/log); \
	    if [ $$rc -ne 0 ] || ! echo "$$last" | grep -qxE '[0-9]+ passed, 0 failed'; then \
	        echo "check-mcu: $$b [$$v] failed (exit $$rc); log: $$d/log"; exit 1; \
	    fi; \
	done; done
	@echo "== check-mcu: all passed"

# Sizes: the core's sections per CPU (with the default knobs and with
# each knob that changes its code), the bare backend's, the blink
# program's, and sizeof on 32-bit ARM and on the host as doc/porting.md's
# table publishes it (test/mcu/sizeof.sh). arm-none-eabi-size counts
# .rodata in text.
#
# The core built with each knob that changes its code, and with all of
# them: make sizes prints the .text of each (in bytes, .rodata included).
KNOB_VARIANTS := notrace errmsg0 names0 errnames0 switch timer1 all
KNOB_FLAGS_notrace := -DHOP_CONF_TRACE=0
KNOB_FLAGS_errmsg0 := -DHOP_CONF_ERRMSG=0
KNOB_FLAGS_names0 := -DHOP_CONF_TASK_NAMES=0
KNOB_FLAGS_errnames0 := -DHOP_CONF_ERROR_NAMES=0
KNOB_FLAGS_switch := -DHOP_CONF_RESUME=1
KNOB_FLAGS_timer1 := -DHOP_CONF_TIMER_BITS=1
KNOB_FLAGS_all := $(KNOB_FLAGS_notrace) $(KNOB_FLAGS_errmsg0) \
    $(KNOB_FLAGS_names0) $(KNOB_FLAGS_errnames0) $(KNOB_FLAGS_switch) \
    $(KNOB_FLAGS_timer1)

define knob_rules
$(BUILDDIR)/mcu/$(1)-%/done: $(CORE_SRC) $(HEADERS) lib/core/internal.h Makefile
	@mkdir -p $$(dir $$@)
	$$(Q)for f in $(CORE_SRC); do \
	    $$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$$* $(KNOB_FLAGS_$(1)) -c $$$$f \
	        -o $$(dir $$@)$$$$(basename $$$$f .c).o || exit 1; \
	done; touch $$@
endef
$(foreach k,$(KNOB_VARIANTS),$(eval $(call knob_rules,$(k))))

mcu-sizes-inputs: $(MCU_CPUS:%=$(BUILDDIR)/mcu/%/allowed) \
    $(foreach k,$(KNOB_VARIANTS),$(MCU_CPUS:%=$(BUILDDIR)/mcu/$(k)-%/done))

sizes: deps-mcu
	@$(MAKE) --no-print-directory mcu-sizes-inputs
	@for c in $(MCU_CPUS); do \
	    echo "== core objects, $$c, -Os -mthumb (arm-none-eabi-size)"; \
	    $(MCU_SIZE) -t $(CORE_SRC:lib/core/%.c=$(BUILDDIR)/mcu/$$c/%.o) | \
	        sed 's|$(BUILDDIR)/mcu/[^ ]*/||'; \
	    for k in $(KNOB_VARIANTS); do \
	        case $$k in \
	        notrace) what="HOP_CONF_TRACE=0";; \
	        errmsg0) what="HOP_CONF_ERRMSG=0";; \
	        names0) what="HOP_CONF_TASK_NAMES=0";; \
	        errnames0) what="HOP_CONF_ERROR_NAMES=0";; \
	        switch) what="HOP_CONF_RESUME=HOP_RESUME_SWITCH";; \
	        timer1) what="HOP_CONF_TIMER_BITS=1";; \
	        all) what="all six";; \
	        esac; \
	        $(MCU_SIZE) -t $(CORE_SRC:lib/core/%.c=$(BUILDDIR)/mcu/$$k-$$c/%.o) | \
	            tail -n 1 | sed "s/(TOTALS)/(TOTALS, $$what)/"; \
	    done; \
	    echo "== bare backend objects, $$c"; \
	    $(MCU_SIZE) -t $(BARE_SRC:lib/bare/%.c=$(BUILDDIR)/mcu/$$c/bare/%.o) | \
	        sed 's|$(BUILDDIR)/mcu/[^ ]*/||'; \
	done
	@echo "== a minimal program on cortex-m0 (test/mcu/blink-size.sh)"
	@MCU_CC=$(MCU_CC) sh test/mcu/blink-size.sh $(BUILDDIR)/mcu/blink
	@echo "== sizeof, bytes: 32-bit (arm-none-eabi, cortex-m0) and host" \
	    "(test/mcu/sizeof.sh)"
	@MCU_CC=$(MCU_CC) MCU_NM=$(MCU_NM) CC="$(CC)" NM="$(NM)" \
	    sh test/mcu/sizeof.sh $(BUILDDIR)/mcu/sizeof

# Size assertions: test/mcu/size_asserts.c compiled per CPU once per
# 32-bit cell of doc/porting.md's table, that is with the knobs of each
# of its rows (MCU_SA_ROWS), with and without HOP_CONF_TRACE=0. A
# compilation fails when a public struct's sizeof on 32-bit differs from
# the number asserted for its cell, and test/mcu/published.sh fails
# unless porting.md publishes every asserted number in its cell. Part of
# mcu-core and check-mcu.
MCU_SA_ROWS := default timer1 names0 errmsg0 grouperr1 names0-errmsg0 \
    timer1-errmsg0
MCU_SA_KNOBS := $(MCU_SA_ROWS) $(MCU_SA_ROWS:%=%-trace0)
MCU_SA_FLAG_default :=
MCU_SA_FLAG_trace0 := -DHOP_CONF_TRACE=0
MCU_SA_FLAG_timer1 := -DHOP_CONF_TIMER_BITS=1
MCU_SA_FLAG_names0 := -DHOP_CONF_TASK_NAMES=0
MCU_SA_FLAG_errmsg0 := -DHOP_CONF_ERRMSG=0
MCU_SA_FLAG_grouperr1 := -DHOP_CONF_GROUP_ERRORS=1
MCU_SA_FLAGS = $(foreach k,$(subst -, ,$(1)),$(MCU_SA_FLAG_$(k)))
MCU_SA_OBJ := $(foreach c,$(MCU_CPUS),$(MCU_SA_KNOBS:%=$(BUILDDIR)/mcu/size-asserts/$(c)-%.o))

.PHONY: mcu-size-asserts

define mcu_sa_rules
$(BUILDDIR)/mcu/size-asserts/$(1)-$(2).o: test/mcu/size_asserts.c $(HEADERS)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1) $(2)])
	$$(Q)$$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$(1) $$(call MCU_SA_FLAGS,$(2)) -c $$< -o $$@
endef
$(foreach c,$(MCU_CPUS),$(foreach k,$(MCU_SA_KNOBS),$(eval $(call mcu_sa_rules,$(c),$(k)))))

mcu-size-asserts: deps-mcu
	@$(MAKE) --no-print-directory $(MCU_SA_OBJ)
	@n=$$(sh test/mcu/published.sh 56) && \
	echo "== size assertions [$(MCU_CPUS)]: OK, doc/porting.md publishes" \
	    "$$n sizes"

mcu-core: mcu-size-asserts
check-mcu: mcu-size-asserts

# The sample on the boards:
#
#   make mcu-sample   samples/mcu/lines.c (a line-protocol session fed by
#                     a simulated UART interrupt, a heartbeat task beside
#                     it) on QEMU microbit (M0) and mps2-an385 (M3), both
#                     resume variants; part of check-mcu
#
# Linked with test/mcu's startup code, semihosting port and mem*
# functions. Each run must exit 0 and end with the line `lines: OK`; the
# clock is simulated, so every run must print the same transcript.
MCU_SAMPLE_SRC := samples/mcu/lines.c test/mcu/start.c test/mcu/semihost.c \
    test/mcu/mem.c

define mcu_sample_rules
$(BUILDDIR)/mcu/$(1)/$(2)/lines.elf: \
        $$(patsubst %.c,$(BUILDDIR)/mcu/$(1)/$(2)/%.o,$$(MCU_SAMPLE_SRC)) \
        $$(call MCU_CORE_OBJ,$$(MCU_CPU_$(1))) \
        $(BUILDDIR)/mcu/$$(MCU_CPU_$(1))/allowed test/mcu/$(1).ld
	$$(call say,LD,$$@)
	$$(Q)$$(MCU_CC) -mthumb -mcpu=$$(MCU_CPU_$(1)) -nostdlib -T test/mcu/$(1).ld \
	    -Wl,--no-warn-rwx-segments -Wl,-Map,$$@.map -o $$@ \
	    $$(filter %.o,$$^) -lgcc
endef
$(foreach b,$(MCU_BOARDS),$(foreach v,$(VARIANTS),$(eval $(call mcu_sample_rules,$(b),$(v)))))

MCU_SAMPLE_IMAGES := $(foreach b,$(MCU_BOARDS),$(VARIANTS:%=$(BUILDDIR)/mcu/$(b)/%/lines.elf))

.PHONY: mcu-sample
mcu-sample: deps-mcu
	@$(MAKE) --no-print-directory $(MCU_SAMPLE_IMAGES)
	@first=; for b in $(MCU_BOARDS); do for v in $(VARIANTS); do \
	    d=$(BUILDDIR)/mcu/$$b/$$v; log=$$d/lines.log; \
	    timeout 60 $(QEMU_ARM) -M $$b -display none -monitor none \
	        -serial none -chardev stdio,id=sh0 \
	        -semihosting-config enable=on,target=native,chardev=sh0 \
	        -kernel $$d/lines.elf > $$log 2>&1; rc=$$?; \
	    last=$$(tail -n 1 $$log); \
	    if [ -z "$$first" ]; then \
	        echo "== sample lines on QEMU $$b, resume variant: $$v"; cat $$log; \
	    else \
	        echo "== sample lines on QEMU $$b, resume variant: $$v: $$last"; \
	    fi; \
	    if [ $$rc -ne 0 ] || [ "$$last" != "lines: OK" ]; then \
	        [ -z "$$first" ] || cat $$log; \
	        echo "mcu-sample: $$b [$$v] failed (exit $$rc); log: $$log"; exit 1; \
	    fi; \
	    if [ -n "$$first" ] && ! cmp -s $$first $$log; then \
	        diff -u $$first $$log; \
	        echo "mcu-sample: $$b [$$v]: the transcript differs from $$first"; exit 1; \
	    fi; \
	    [ -n "$$first" ] || first=$$log; \
	done; done
	@echo "== mcu-sample: all passed"

# -- qemu-user (Check on armhf and s390x) --------------------------------
#
#   make check-armhf  the Check suite on armhf (32-bit little-endian)
#   make check-s390x  the Check suite on s390x (64-bit big-endian)
#
# lib/core, lib/bare and every test table that needs no libevent (all of
# TEST_SRC but t_ev.c and event_*.c; check_main.c built with
# -DHOP_TEST_NO_EV, so only the simulation backend runs), built with the cross compiler and
# linked -static (a dynamic binary run with qemu-arm -L crashed in Check's
# fork mode), run under qemu-user, both resume variants. Each run must
# exit 0 and print `100%: Checks: N, Failures: 0, Errors: 0`. Part of
# check-mcu; .ci/deps-cross.sh installs the packages.

XARCHS := armhf s390x
XTRIPLET_armhf := arm-linux-gnueabihf
XTRIPLET_s390x := s390x-linux-gnu
XCC_armhf ?= arm-linux-gnueabihf-gcc
XCC_s390x ?= s390x-linux-gnu-gcc
XQEMU_armhf ?= qemu-arm
XQEMU_s390x ?= qemu-s390x
XTEST_SRC := $(filter-out test/t_ev.c test/event_%.c test/e2e_%.c,$(TEST_SRC))
XCHECK = $(shell PKG_CONFIG_LIBDIR=/usr/lib/$(XTRIPLET_$(1))/pkgconfig \
    $(PKG_CONFIG) --cflags --libs check 2>/dev/null)

.PHONY: deps-cross check-armhf check-s390x $(XARCHS:%=x-runners-%)

deps-cross:
	@sh .ci/deps-cross.sh

$(BUILDDIR)/x/suites.h: FORCE
	@mkdir -p $(dir $@)
	@grep -ho '^const t_case t_cases_[a-z0-9_]*\[\]' $(XTEST_SRC) | \
	    sed 's/.*t_cases_\(.*\)\[\]/X(\1)/' | sort > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null || mv $@.tmp $@; rm -f $@.tmp

define x_arch_rules
$(BUILDDIR)/x/$(1)/core/%.o: lib/core/%.c $(HEADERS) lib/core/internal.h $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(XCC_$(1)) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) -c $$< -o $$@

$(BUILDDIR)/x/$(1)/bare/%.o: lib/bare/%.c $(HEADERS) $(wildcard lib/bare/*.h) $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(XCC_$(1)) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) -c $$< -o $$@
endef
$(foreach a,$(XARCHS),$(eval $(call x_arch_rules,$(a))))

define x_variant_rules
$(BUILDDIR)/x/$(1)/$(2)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(BUILDDIR)/x/suites.h $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1) $(2)])
	$$(Q)$$(XCC_$(1)) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) \
	    $$(filter-out -L% -l% -pthread,$$(call XCHECK,$(1))) \
	    -Itest -I$(BUILDDIR)/x -DHOP_TEST_NO_EV -DHOP_CONF_RESUME=$(RESUME_$(2)) \
	    -DHOP_TEST_VARIANT='"$(2) $(1)"' -c $$< -o $$@

$(BUILDDIR)/x/$(1)/$(2)/hop-test: $(XTEST_SRC:%.c=$(BUILDDIR)/x/$(1)/$(2)/%.o) \
        $(CORE_SRC:lib/core/%.c=$(BUILDDIR)/x/$(1)/core/%.o) \
        $(BARE_SRC:lib/bare/%.c=$(BUILDDIR)/x/$(1)/bare/%.o)
	$$(call say,LD,$$@)
	$$(Q)$$(XCC_$(1)) $$(CFLAGS) $$(LDFLAGS) -static -o $$@ $$^ \
	    $$(call XCHECK,$(1)) -lsubunit -lm -lrt -pthread
endef
$(foreach a,$(XARCHS),$(foreach v,$(VARIANTS),$(eval $(call x_variant_rules,$(a),$(v)))))

define x_check_rules
x-runners-$(1): $(VARIANTS:%=$(BUILDDIR)/x/$(1)/%/hop-test)

check-$(1): deps-cross
	@$$(MAKE) --no-print-directory x-runners-$(1)
	@for v in $(VARIANTS); do \
	    d=$(BUILDDIR)/x/$(1)/$$$$v; \
	    echo "== Check under $$(XQEMU_$(1)) ($(1)), resume variant: $$$$v"; \
	    timeout 600 $$(XQEMU_$(1)) $$$$d/hop-test > $$$$d/log 2>&1; rc=$$$$?; \
	    cat $$$$d/log; \
	    if [ $$$$rc -ne 0 ] || ! grep -qxE \
	        '100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0' $$$$d/log; then \
	        echo "check-$(1): [$$$$v] failed (exit $$$$rc); log: $$$$d/log"; exit 1; \
	    fi; \
	done
	@echo "== check-$(1): all passed"
endef
$(foreach a,$(XARCHS),$(eval $(call x_check_rules,$(a))))
