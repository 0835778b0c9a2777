# mk/cross.mk: the Check suite on other CPUs under qemu-user.
#
# The freestanding library (FREE_SRC: the core and the bare backend) and
# every test table that needs no libevent (TEST_FREE_SRC, with the Check
# runner built with -DHOP_TEST_NO_EV, so only the simulation backend
# runs), built with the cross compiler and linked -static (a dynamic
# binary run with qemu-arm -L crashed in Check's fork mode), run under
# qemu-user, both resume variants. Each run must
# exit 0 and print `100%: Checks: N, Failures: 0, Errors: 0`. Part of
# check-mcu; .ci/deps-cross.sh installs the packages.

XARCHS := armhf s390x
XTRIPLET_armhf := arm-linux-gnueabihf
XTRIPLET_s390x := s390x-linux-gnu
XCC_armhf ?= arm-linux-gnueabihf-gcc
XCC_s390x ?= s390x-linux-gnu-gcc
XQEMU_armhf ?= qemu-arm
XQEMU_s390x ?= qemu-s390x
XTEST_SRC := $(TEST_MAIN_SRC) $(TEST_FREE_SRC)
XCHECK = $(shell PKG_CONFIG_LIBDIR=/usr/lib/$(XTRIPLET_$(1))/pkgconfig \
    $(PKG_CONFIG) --cflags --libs check 2>/dev/null)

.PHONY: deps-cross check-armhf check-s390x $(XARCHS:%=x-runners-%)

## check-armhf: the Check suite on armhf (32-bit little-endian) under qemu-arm
## check-s390x: the Check suite on s390x (64-bit big-endian) under qemu-s390x
## x-runners-armhf: build the armhf Check runners (both variants)
## x-runners-s390x: build the s390x Check runners (both variants)

## deps-cross: install the cross compilers, qemu-user and the armhf/s390x Check
deps-cross:
	@sh .ci/deps-cross.sh

$(eval $(call suites_h,$(BUILDDIR)/x/suites.h,$(XTEST_SRC)))

define x_arch_rules
$(BUILDDIR)/x/$(1)/lib/%.o: lib/%.c $(HEADERS) $(LIB_PRIV_HDRS) $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(XCC_$(1)) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) $$(FREE_CPPFLAGS) -c $$< -o $$@
endef
$(foreach a,$(XARCHS),$(eval $(call x_arch_rules,$(a))))

define x_variant_rules
$(BUILDDIR)/x/$(1)/$(2)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(BUILDDIR)/x/suites.h $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1) $(2)])
	$$(Q)$$(XCC_$(1)) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) \
	    $$(filter-out -L% -l% -pthread,$$(call XCHECK,$(1))) \
	    $(TEST_INC) -I$(BUILDDIR)/x -DHOP_TEST_NO_EV -DHOP_CONF_RESUME=$(RESUME_$(2)) \
	    -DHOP_TEST_VARIANT='"$(2) $(1)"' -c $$< -o $$@

$(BUILDDIR)/x/$(1)/$(2)/hop-test: $(XTEST_SRC:%.c=$(BUILDDIR)/x/$(1)/$(2)/%.o) \
        $(FREE_SRC:%.c=$(BUILDDIR)/x/$(1)/%.o)
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
