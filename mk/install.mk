# mk/install.mk: install, uninstall, and the checks of both.

.PHONY: install uninstall installcheck check-make

## install: install into $(DESTDIR)$(PREFIX)
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

## uninstall: remove what install installed
uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/hop
	rm -f $(DESTDIR)$(INCLUDEDIR)/hop.h $(DESTDIR)$(LIBDIR)/libhop.a \
	    $(DESTDIR)$(LIBDIR)/libhop.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libhop.so.$(VERSION) \
	    $(DESTDIR)$(PKGCONFIGDIR)/hop.pc $(DESTDIR)$(DATADIR)/hop/hop.supp
	-rmdir $(DESTDIR)$(DATADIR)/hop

## check-make: plain make builds the library; hop.pc follows PREFIX
# An install with another PREFIX after a plain `make` installs a hop.pc
# that names that prefix.
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
	@$(MAKE) -s --no-print-directory BUILDDIR=$(MKSTAGE)/build help \
	    > $(MKSTAGE)/help
	@$(MAKE) -pq --no-print-directory BUILDDIR=$(MKSTAGE)/build help \
	    2>/dev/null | sed -n 's/^\.PHONY: //p' | tr ' ' '\n' | \
	    grep -vx 'FORCE' | sort -u > $(MKSTAGE)/phony
	@test -s $(MKSTAGE)/phony
	@for t in $$(cat $(MKSTAGE)/phony); do \
	    grep -q "^  $$t " $(MKSTAGE)/help || \
	        { echo "make help does not list $$t"; exit 1; }; \
	done
	@rm -rf $(MKSTAGE)
	@echo "== check-make: plain make builds the library; hop.pc follows PREFIX; make help lists every target"

## installcheck: install into a staging tree and build a sample on it
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
