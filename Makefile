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
LIB_OBJ := $(CORE_SRC:%.c=$(BUILDDIR)/obj/%.o) $(EVENT_SRC:%.c=$(BUILDDIR)/obj/%.o)
EVENT_CFLAGS = $(shell $(PKG_CONFIG) --cflags libevent_core 2>/dev/null)
EVENT_LIBS = $(shell $(PKG_CONFIG) --libs libevent_core 2>/dev/null)
HEADERS := include/hop.h $(wildcard include/hop/*.h)

TEST_SRC := $(wildcard test/*.c test/conformance/*.c)
TEST_HDRS := $(wildcard test/*.h test/conformance/*.h)
SAMPLES := $(basename $(notdir $(wildcard samples/*.c)))
VARIANTS := switch labels
RESUME_switch := 1
RESUME_labels := 2

STATIC_LIB := $(BUILDDIR)/libhop.a
SHARED_LIB := $(BUILDDIR)/libhop.so.$(VERSION)

FORCE:

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

$(BUILDDIR)/obj/lib/event/%.o: lib/event/%.c $(HEADERS) lib/core/internal.h lib/event/ev_internal.h $(FLAGS_STAMP)
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

$(BUILDDIR)/hop.pc: hop.pc.in $(VERSION_H)
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< > $@

# -- tests ---------------------------------------------------------------

# The runner, built once per resume variant.
define variant_rules
$(BUILDDIR)/test/$(1)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(BUILDDIR)/test/suites.h $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) $$(CHECK_CFLAGS) \
	    -Itest -I$(BUILDDIR)/test $$(EVENT_CFLAGS) -DHOP_CONF_RESUME=$(RESUME_$(1)) \
	    -DHOP_TEST_VARIANT='"$(1)"' -c $$< -o $$@

$(BUILDDIR)/test/$(1)/hop-test: $(TEST_SRC:%.c=$(BUILDDIR)/test/$(1)/%.o) $(STATIC_LIB)
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

test: $(RUNNERS)
	@for v in $(VARIANTS); do \
	    echo "== hop test suite, resume variant: $$v"; \
	    $(TEST_ENV) $(BUILDDIR)/test/$$v/hop-test || exit 1; \
	done

check: deps
	@$(MAKE) --no-print-directory all test samples check-freestanding \
	    check-layering check-headers check-sizes check-readme check-exports
	@echo "== make check: all passed"

# The core built freestanding must reference no library function but
# memcpy, memset, memmove and memcmp.
FREE_INC = $(shell d=$$($(CC) -print-file-name=include); \
    [ -f "$$d/stddef.h" ] || d=$$($(CC) -print-resource-dir)/include; echo $$d)
check-freestanding:
	@mkdir -p $(BUILDDIR)/free
	@for f in $(CORE_SRC); do \
	    o=$(BUILDDIR)/free/$$(basename $$f .c).o; \
	    $(CC) -std=c99 $(WARN) -Os -ffreestanding -fno-builtin -nostdinc \
	        -isystem $(FREE_INC) -Iinclude -c $$f -o $$o || exit 1; \
	done
	@$(NM) --defined-only $(BUILDDIR)/free/*.o | awk 'NF == 3 {print $$3}' | \
	    sort -u > $(BUILDDIR)/free/defined
	@bad=$$($(NM) -u $(BUILDDIR)/free/*.o | awk 'NF >= 2 {print $$2}' | \
	    sort -u | comm -23 - $(BUILDDIR)/free/defined | \
	    grep -vxE 'memcpy|memset|memmove|memcmp' || true); \
	if [ -n "$$bad" ]; then echo "core references: $$bad"; exit 1; fi
	@echo "== freestanding core: OK (nm -u lists nothing outside mem*)"

# Dependencies point one way: lib/core and the freestanding headers
# include nothing but <stddef.h>, <stdint.h> and hop's own headers
# (hop/event.h, the libevent layer's header, names libevent types only).
FREE_HEADERS := $(filter-out include/hop/event.h,$(HEADERS))
check-layering:
	@bad=$$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' \
	    $(CORE_SRC) lib/core/internal.h $(FREE_HEADERS) | \
	    grep -v -e '<stddef\.h>' -e '<stdint\.h>' || true); \
	if [ -n "$$bad" ]; then echo "layering: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/event\.h\|event2/' $(CORE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: core uses the event layer: $$bad"; exit 1; fi
	@echo "== layering: core and freestanding headers include only stddef/stdint"

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

# The sizes published in doc/reference/*.md are the real ones.
check-sizes: $(BUILDDIR)/sizes
	@$(BUILDDIR)/sizes | while read name size; do \
	    if ! grep -q "^| \`$$name\` | $$size |" doc/reference/*.md; then \
	        echo "doc/reference: sizeof($$name) is $$size here"; \
	        exit 1; \
	    fi; \
	done
	@echo "== published sizes: OK"

$(BUILDDIR)/sizes: test/tools/sizes.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(HOP_CFLAGS) $< -o $@

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
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(HOP_CFLAGS) $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

samples: $(SAMPLES:%=$(BUILDDIR)/samples/%)
	@for s in $(SAMPLES); do \
	    $(BUILDDIR)/samples/$$s > /dev/null || { echo "sample $$s failed"; exit 1; }; \
	done
	@echo "== samples: $(SAMPLES) ran"

demo: deps
	@$(MAKE) --no-print-directory $(BUILDDIR)/samples/kv
	$(BUILDDIR)/samples/kv

# -- benchmarks ----------------------------------------------------------

$(BUILDDIR)/bench/%: bench/%.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

bench: $(BUILDDIR)/bench/bench_core $(BUILDDIR)/bench/bench_sched
	$(BUILDDIR)/bench/bench_core
	$(BUILDDIR)/bench/bench_sched

# -- sanitizers and valgrind ---------------------------------------------

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer
check-asan: deps
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/asan \
	    CFLAGS='-O1 -g $(SAN)' LDFLAGS='$(SAN)' test

check-valgrind: deps
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/vg CFLAGS='-O1 -g' \
	    TEST_ENV='CK_FORK=no CK_TIMEOUT_MULTIPLIER=10 $(VALGRIND) -q \
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

uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/hop
	rm -f $(DESTDIR)$(INCLUDEDIR)/hop.h $(DESTDIR)$(LIBDIR)/libhop.a \
	    $(DESTDIR)$(LIBDIR)/libhop.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libhop.so.$(VERSION) \
	    $(DESTDIR)$(PKGCONFIGDIR)/hop.pc

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
