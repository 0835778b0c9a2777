# mk/lib.mk: the library, and the one place that knows lib/'s folders.
#
# ---------------------------------------------------------------------
# THE LIBRARY'S SOURCE LISTS. The rest of mk/ uses only the names
# defined in this block, never a lib/ path:
#
#   GEN_SRC         the generator layer (lib/gen: no loop, no time)
#   SCHED_SRC       the scheduler (lib/sched), on the generator layer
#   SYNC_SRC        sync (lib/sync), on the public waitable API
#   CORE_SRC        the freestanding core: the three strata
#   BARE_SRC        the bare-metal backend (freestanding)
#   EVENT_SRC       the libevent backend
#   IO_SRC          stream io on the libevent backend
#   FREE_SRC        what builds freestanding: CORE_SRC and BARE_SRC
#   LIB_SRC         every source of libhop
#   LIB_PRIV_HDRS   the internal headers (never installed)
#   LIB_PRIV_INC    the -I flags that programs built from the sources
#                   need (none: each folder includes its own headers by
#                   their relative names)
#   FREE_CPPFLAGS   the flags a freestanding source needs besides
#                   -Iinclude (the MCU and cross builds, check-freestanding)
#   ERROR_SRC       the error table alone (check-knobs links it)
# ---------------------------------------------------------------------
GEN_SRC := $(wildcard lib/gen/*.c)
SCHED_SRC := $(wildcard lib/sched/*.c)
SYNC_SRC := $(wildcard lib/sync/*.c)
CORE_SRC := $(GEN_SRC) $(SCHED_SRC) $(SYNC_SRC)
BARE_SRC := $(wildcard lib/bare/*.c)
EVENT_SRC := $(wildcard lib/libevent/*.c)
IO_SRC := $(wildcard lib/io/*.c)
FREE_SRC := $(CORE_SRC) $(BARE_SRC)
LIB_SRC := $(CORE_SRC) $(EVENT_SRC) $(BARE_SRC) $(IO_SRC)
LIB_PRIV_HDRS := $(wildcard lib/*/*.h)
LIB_PRIV_INC :=
FREE_CPPFLAGS :=
ERROR_SRC := lib/gen/error.c

LIB_OBJ := $(LIB_SRC:%.c=$(BUILDDIR)/obj/%.o)

# The objects, one rule for every folder: each includes its own private
# headers (and the scheduler lib/gen/driver.h) by relative names; the
# hosted ones add libevent's flags.
$(BUILDDIR)/obj/lib/%.o: lib/%.c $(HEADERS) $(LIB_PRIV_HDRS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) \
	    $(if $(filter lib/libevent/% lib/io/%,$<),$(EVENT_CFLAGS)) -c $< -o $@

# Dependencies point one way. By includes: the strata (lib/gen,
# lib/sched, lib/sync), lib/bare and the freestanding headers include
# nothing but <stddef.h>, <stdint.h> and hop's own headers (hop/libevent.h,
# the libevent layer's header, names libevent types only); by symbols,
# which includes cannot hide: test/tools/layering.sh on the objects.
FREE_HEADERS := $(filter-out include/hop/libevent.h,$(HEADERS))
.PHONY: check-layering
## check-layering: the strata point one way, by includes and by the objects' symbols (nm)
check-layering: $(LIB_OBJ)
	@bad=$$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' \
	    $(FREE_SRC) $(filter lib/gen/% lib/sched/% lib/bare/%,$(LIB_PRIV_HDRS)) \
	    $(FREE_HEADERS) | \
	    grep -v -e '<stddef\.h>' -e '<stdint\.h>' -e 'lib/gen/error\.c:.*<stdarg\.h>' || true); \
	if [ -n "$$bad" ]; then echo "layering: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/libevent\.h\|event2/\|hop/bare\.h' $(CORE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: core uses a backend layer: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/libevent\.h\|event2/' $(BARE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: bare uses the event layer: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'hop/io\.h\|io_internal\.h' $(CORE_SRC) $(EVENT_SRC) $(BARE_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: a lower layer uses lib/io: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'sched_internal\.h\|gen_internal\.h\|driver\.h' \
	    $(SYNC_SRC) $(EVENT_SRC) $(BARE_SRC) $(IO_SRC) || true); \
	if [ -n "$$bad" ]; then echo "layering: a private header of the core used above it: $$bad"; exit 1; fi
	@bad=$$(grep -ln 'sched_internal\.h\|hop/\(loop\|task\|time\|scope\|future\|backend\|waitable\)\.h' \
	    $(GEN_SRC) $(filter lib/gen/%,$(LIB_PRIV_HDRS)) include/hop/core.h include/hop/coro.h || true); \
	if [ -n "$$bad" ]; then echo "layering: the generator layer knows of the scheduler: $$bad"; exit 1; fi
	@NM=$(NM) sh test/tools/layering.sh $(BUILDDIR)/obj
# ---------------------------------------------------------------------
# End of what knows lib/'s folders.
# ---------------------------------------------------------------------

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
