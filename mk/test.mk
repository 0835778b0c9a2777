# mk/test.mk: the test runners and the runs of the suite.
#
# The suite is a set of case tables (`const t_case t_cases_<name>[]`, see
# test/common/t.h). A runner registers the tables listed in a generated header,
# suites.h, one X(name) per table; the host runners (Check), the cross
# runners (Check under qemu-user) and the MCU images (test/mcu/main.c)
# each get theirs from suites_h below, over the sources they link.

# test/ mirrors the library: gen/ (generators, frames, the coroutine
# language), sched/ (tasks, the loop, timers, groups), sync/ (channels,
# semaphores, events, mutexes), event/ (the libevent backend and stream
# io), bare/ (the bare-metal backend), e2e/ (the samples end to end),
# conformance/ (one test per CASES.md id); common/ holds the runner and
# the helpers every table uses. test/mcu/, test/fuzz/ and test/tools/
# have rules of their own (mk/mcu.mk, mk/fuzz.mk, mk/check.mk).
#
# The sources, by what they need:
#   TEST_MAIN_SRC   the Check runner
#   TEST_HELPER_SRC the helpers every runner links (part of TEST_FREE_SRC)
#   TEST_FREE_SRC   the helpers and every table that needs no OS, no
#                   Check and no libevent (the simulation backend): what
#                   the MCU images and the cross runners run
#   TEST_EV_SRC     the libevent side: its backend for the cases marked
#                   T_RT, the event and io tables, the end-to-end tests
#   TEST_SRC        all of them: the host runner
TEST_DIRS := common gen sched sync libevent bare e2e conformance
TEST_MAIN_SRC := test/common/check_main.c
TEST_HELPER_SRC := test/common/t.c
TEST_EV_SRC := test/common/t_ev.c $(wildcard test/libevent/*.c test/e2e/*.c)
TEST_FREE_SRC := $(filter-out $(TEST_MAIN_SRC) $(TEST_EV_SRC), \
    $(wildcard $(TEST_DIRS:%=test/%/*.c)))
TEST_SRC := $(TEST_MAIN_SRC) $(TEST_FREE_SRC) $(TEST_EV_SRC)
TEST_HDRS := $(wildcard $(TEST_DIRS:%=test/%/*.h))
# -Itest: the end-to-end tests that build a sample's source in reach
# it as "../samples/..." from there.
TEST_INC := -Itest -Itest/common

# $(call suites_h,FILE,SOURCES): the rule that writes FILE, one X(name)
# per t_cases_<name> table defined in SOURCES, sorted by name. FILE is
# rewritten only when the list changes.
define suites_h
$(1): FORCE
	@mkdir -p $$(dir $$@)
	@grep -ho '^const t_case t_cases_[a-z0-9_]*\[\]' $(2) | \
	    sed 's/.*t_cases_\(.*\)\[\]/X(\1)/' | sort > $$@.tmp
	@cmp -s $$@.tmp $$@ 2>/dev/null || mv $$@.tmp $$@; rm -f $$@.tmp
endef

$(eval $(call suites_h,$(BUILDDIR)/test/suites.h,$(TEST_SRC)))

# The runner, built once per resume variant.
define variant_rules
$(BUILDDIR)/test/$(1)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(SAMPLE_MOD_HDRS) $(BUILDDIR)/test/suites.h $(FLAGS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1)])
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(HOP_CFLAGS) $$(CHECK_CFLAGS) \
	    $(TEST_INC) -I$(BUILDDIR)/test $$(EVENT_CFLAGS) -DHOP_CONF_RESUME=$(RESUME_$(1)) \
	    -DHOP_TEST_VARIANT='"$(1)"' -DHOP_TEST_SAMPLES='"$(BUILDDIR)/samples"' \
	    -c $$< -o $$@

$(BUILDDIR)/test/$(1)/hop-test: $(TEST_SRC:%.c=$(BUILDDIR)/test/$(1)/%.o) \
    $(SAMPLE_MODS_resp-server:%.c=$(BUILDDIR)/test/$(1)/%.o) $(STATIC_LIB)
	$$(call say,LD,$$@)
	$$(Q)$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(CHECK_LIBS) $$(EVENT_LIBS)
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))

RUNNERS := $(VARIANTS:%=$(BUILDDIR)/test/%/hop-test)

.PHONY: test check check-lib-switch check-asan check-valgrind

## test: build the runners and run the suite, both resume variants
# The end-to-end tables (test/e2e/) start the sample servers.
test: $(RUNNERS) $(SAMPLES:%=$(BUILDDIR)/samples/%)
	@for v in $(VARIANTS); do \
	    echo "== hop test suite, resume variant: $$v"; \
	    $(TEST_ENV) $(BUILDDIR)/test/$$v/hop-test || exit 1; \
	done

## check: install what is missing, build, run every test and check (~3 min)
check: deps
	@$(MAKE) --no-print-directory all test samples check-freestanding \
	    check-layering check-headers check-sizes check-readme check-exports \
	    check-docs check-fuzz-replay check-knobs check-lib-switch check-make
	@echo "== make check: all passed"

## check-lib-switch: the library and the suite built with HOP_RESUME_SWITCH
# The library and the samples built with the portable resume
# (HOP_RESUME_SWITCH) too, under the suite's switch variant: a
# suspension inside a switch statement of their own breaks only there.
check-lib-switch:
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/libswitch \
	    CPPFLAGS='$(CPPFLAGS) -DHOP_CONF_RESUME=1' VARIANTS=switch test
	@echo "== library built with HOP_RESUME_SWITCH: the suite passed"

# -- sanitizers and valgrind ---------------------------------------------

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer
## check-asan: the suite under AddressSanitizer and UBSan
check-asan: deps
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/asan \
	    CFLAGS='-O1 -g $(SAN)' LDFLAGS='$(SAN)' test

## check-valgrind: the suite under valgrind
check-valgrind: deps
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/vg CFLAGS='-O1 -g' \
	    TEST_ENV='CK_FORK=no CK_TIMEOUT_MULTIPLIER=10 $(VALGRIND) -q \
	        --suppressions=doc/hop.supp \
	        --leak-check=full --errors-for-leak-kinds=definite \
	        --error-exitcode=1' test
