# mk/lib.mk: the library, and the one place that knows lib/'s folders.
#
# ---------------------------------------------------------------------
# THE LIBRARY'S SOURCE LISTS. The rest of mk/ uses only the names
# defined in this block, never a lib/ path:
#
#   CORE_SRC        the freestanding core (no libevent, no OS)
#   BARE_SRC        the bare-metal backend (freestanding)
#   EVENT_SRC       the libevent backend
#   IO_SRC          stream io on the libevent backend
#   FREE_SRC        what builds freestanding: CORE_SRC and BARE_SRC
#   LIB_SRC         every source of libhop
#   LIB_PRIV_HDRS   the internal headers (never installed)
#   LIB_PRIV_INC    the -I flags that the hosted layers (event, io) and
#                   programs built from the sources need
#   FREE_CPPFLAGS   the flags a freestanding source needs besides
#                   -Iinclude (the MCU and cross builds, check-freestanding)
#   ERROR_SRC       the error table alone (check-knobs links it)
# ---------------------------------------------------------------------
CORE_SRC := $(wildcard lib/core/*.c)
BARE_SRC := $(wildcard lib/bare/*.c)
EVENT_SRC := $(wildcard lib/event/*.c)
IO_SRC := $(wildcard lib/io/*.c)
FREE_SRC := $(CORE_SRC) $(BARE_SRC)
LIB_SRC := $(CORE_SRC) $(EVENT_SRC) $(BARE_SRC) $(IO_SRC)
LIB_PRIV_HDRS := $(wildcard lib/*/*.h)
LIB_PRIV_INC := -Ilib/core
FREE_CPPFLAGS :=
ERROR_SRC := lib/core/error.c

LIB_OBJ := $(LIB_SRC:%.c=$(BUILDDIR)/obj/%.o)

# The objects, one rule per folder (each folder's own headers and flags).
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

# Dependencies point one way: lib/core, lib/bare and the freestanding headers
# include nothing but <stddef.h>, <stdint.h> and hop's own headers
# (hop/event.h, the libevent layer's header, names libevent types only).
FREE_HEADERS := $(filter-out include/hop/event.h,$(HEADERS))
.PHONY: check-layering
## check-layering: lib/'s layers include only what their place allows
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
