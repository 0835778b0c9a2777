# mk/mcu.mk: microcontrollers (bare metal under QEMU).
#
# The core and the bare backend built freestanding for Cortex-M0 and M3,
# the libc-free test runner (test/mcu/) on QEMU microbit (M0) and
# mps2-an385 (M3), both resume variants, the sample samples/mcu/lines.c
# on the same boards, the sizes, and the size configurations held to
# doc/porting.md (their programs run on microbit). check-mcu runs the
# cross builds of mk/cross.mk too. Not part of `make check`.

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
MCU_CORE_OBJ = $(FREE_SRC:%.c=$(BUILDDIR)/mcu/$(1)/%.o)

# The test tables each board runs. mps2-an385 (4 MiB of flash and RAM)
# runs every table that needs no OS: all of TEST_SRC but the Check
# runner, the libevent backend and the libevent tables. microbit (256 KiB
# of flash, 16 KiB of RAM) runs t.c's helpers, the generator conformance
# tables and their shared coroutines: the whole set is 310 KiB of code and
# 540 KiB of data (DEEP-01 alone needs a 2 MiB arena).
MCU_TEST_SRC := $(TEST_HELPER_SRC) test/conformance/common.c \
    $(patsubst %,test/conformance/%.c,gen ret dlg err thr cls mis itr)
MCU_TEST_SRC_microbit := $(MCU_TEST_SRC)
MCU_TEST_SRC_mps2-an385 := $(MCU_TEST_SRC) $(filter-out $(MCU_TEST_SRC),$(TEST_FREE_SRC))
MCU_RUNNER_SRC := $(wildcard test/mcu/*.c)
MCU_RUNNER_SRC := $(filter-out test/mcu/sizes.c test/mcu/size_gen.c \
    test/mcu/size_tasks.c,$(MCU_RUNNER_SRC))
MCU_RUNNER_HDRS := $(wildcard test/mcu/*.h)

.PHONY: deps-mcu check-mcu mcu-core mcu-images mcu-sizes-inputs sizes

## deps-mcu: install the cross compiler and QEMU the MCU targets need
deps-mcu:
	@sh .ci/deps.sh $(MCU_DEPS)

# The core per CPU, and the allow-list: after removing what the core
# objects define themselves, they may reference only memcpy, memset,
# memmove, memcmp, the __aeabi_* helpers, and other helpers that the
# CPU's own libgcc.a defines (on M0: __gnu_thumb1_case_*, __clzdi2).
define mcu_cpu_rules
$(BUILDDIR)/mcu/$(1)/lib/%.o: lib/%.c $(HEADERS) $(LIB_PRIV_HDRS)
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

## mcu-core: the core and bare built per CPU, their references allow-listed
mcu-core: deps-mcu
	@$(MAKE) --no-print-directory $(MCU_CPUS:%=$(BUILDDIR)/mcu/%/allowed)

# The runner per board and resume variant; its list of tables
# (mcu_suites.h) from suites_h (mk/test.mk).
$(foreach b,$(MCU_BOARDS),$(eval $(call suites_h,$(BUILDDIR)/mcu/$(b)/mcu_suites.h,$(MCU_TEST_SRC_$(b)))))

define mcu_variant_rules
$(BUILDDIR)/mcu/$(1)/$(2)/%.o: %.c $(HEADERS) $(TEST_HDRS) $(MCU_RUNNER_HDRS) \
        $(BUILDDIR)/mcu/$(1)/mcu_suites.h
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$< [$(1) $(2)])
	$$(Q)$$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$$(MCU_CPU_$(1)) \
	    -fno-tree-loop-distribute-patterns $(TEST_INC) -Itest/mcu \
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

## mcu-images: build the MCU test images (both boards, both variants)
mcu-images: $(MCU_IMAGES)

## check-mcu: the suite on QEMU microbit (M0) and mps2-an385 (M3), the cross runs, the MCU sample, the size configurations
# Each run must exit 0 and close with `N passed, 0 failed`.
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
# program's, sizeof on 32-bit ARM and on the host as doc/porting.md's
# table publishes it (test/mcu/sizeof.sh), and, last, the five figures of
# the size configurations (test/mcu/configs.sh, below).
# arm-none-eabi-size counts .rodata in text.
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
$(BUILDDIR)/mcu/$(1)-%/done: $(CORE_SRC) $(HEADERS) $(LIB_PRIV_HDRS) mk/mcu.mk
	@mkdir -p $$(dir $$@)
	$$(Q)for f in $(CORE_SRC); do \
	    o=$$(dir $$@)$$$${f%.c}.o; mkdir -p $$$$(dirname $$$$o); \
	    $$(MCU_CC) $$(MCU_CFLAGS) -mcpu=$$* $(KNOB_FLAGS_$(1)) -c $$$$f \
	        -o $$$$o || exit 1; \
	done; touch $$@
endef
$(foreach k,$(KNOB_VARIANTS),$(eval $(call knob_rules,$(k))))

## mcu-sizes-inputs: build the objects make sizes measures
mcu-sizes-inputs: $(MCU_CPUS:%=$(BUILDDIR)/mcu/%/allowed) \
    $(foreach k,$(KNOB_VARIANTS),$(MCU_CPUS:%=$(BUILDDIR)/mcu/$(k)-%/done))

## sizes: .text/.data/.bss of the core per CPU and knob, sizeof on 32-bit and host, the size configurations
sizes: deps-mcu
	@$(MAKE) --no-print-directory mcu-sizes-inputs
	@for c in $(MCU_CPUS); do \
	    echo "== core objects, $$c, -Os -mthumb (arm-none-eabi-size)"; \
	    $(MCU_SIZE) -t $(CORE_SRC:%.c=$(BUILDDIR)/mcu/$$c/%.o) | \
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
	        $(MCU_SIZE) -t $(CORE_SRC:%.c=$(BUILDDIR)/mcu/$$k-$$c/%.o) | \
	            tail -n 1 | sed "s/(TOTALS)/(TOTALS, $$what)/"; \
	    done; \
	    echo "== bare backend objects, $$c"; \
	    $(MCU_SIZE) -t $(BARE_SRC:%.c=$(BUILDDIR)/mcu/$$c/%.o) | \
	        sed 's|$(BUILDDIR)/mcu/[^ ]*/||'; \
	done
	@echo "== a minimal program on cortex-m0 (test/mcu/blink-size.sh)"
	@MCU_CC=$(MCU_CC) sh test/mcu/blink-size.sh $(BUILDDIR)/mcu/blink
	@echo "== sizeof, bytes: 32-bit (arm-none-eabi, cortex-m0) and host" \
	    "(test/mcu/sizeof.sh)"
	@MCU_CC=$(MCU_CC) MCU_NM=$(MCU_NM) CC="$(CC)" NM="$(NM)" \
	    sh test/mcu/sizeof.sh $(BUILDDIR)/mcu/sizeof
	@echo "== the configurations against the targets, cortex-m0" \
	    "(test/mcu/configs.sh)"
	@$(MCU_CONFIGS_ENV) sh test/mcu/configs.sh $(BUILDDIR)/mcu/sizes-configs

# The configurations of doc/porting.md's table "Configurations against
# the targets", built for Cortex-M0 with function sections and
# --gc-sections and measured by test/mcu/configs.sh: gen
# (test/mcu/size_gen.c on the generator layer), tasks
# (test/mcu/size_tasks.c on the loop, tasks, timers, sleeps and the bare
# backend), blink (the tutorial's blink program on the core and the bare
# backend), and sizeof(hop_loop) and sizeof(hop_task) on 32-bit in the
# small configuration. Each configuration's knobs and lib/ sources are
# here and nowhere else: a knob added to the small configuration goes in
# MCU_SMALL_KNOBS alone. `make sizes` ends with the script's five
# figures; mcu-configs (part of check-mcu) runs the three programs on
# QEMU microbit and fails when a figure is above the one porting.md
# publishes (test/mcu/targets.sh).
MCU_SMALL_KNOBS := -DHOP_CONF_TIMER_BITS=0 -DHOP_CONF_TRACE=0 \
    -DHOP_CONF_ERRMSG=0 -DHOP_CONF_TASK_NAMES=0 -DHOP_CONF_GROUP_ERRORS=1 \
    -DHOP_CONF_ERROR_NAMES=0 -DHOP_CONF_DESCRIBE=0
MCU_CONF_KNOBS_gen := -DHOP_CONF_TRACE=0 -DHOP_CONF_ERROR_NAMES=0
MCU_CONF_KNOBS_tasks := $(MCU_SMALL_KNOBS)
MCU_CONF_KNOBS_blink := $(MCU_SMALL_KNOBS)
MCU_CONF_SRC_gen := $(GEN_SRC)
MCU_CONF_SRC_tasks := $(GEN_SRC) $(SCHED_SRC) $(BARE_SRC)
MCU_CONF_SRC_blink := $(FREE_SRC)
MCU_CONFIGS_ENV = MCU_CC="$(MCU_CC)" MCU_NM="$(MCU_NM)" \
    MCU_SIZE="$(MCU_SIZE)" MCU_CFLAGS="$(MCU_CFLAGS)" \
    KNOBS_SMALL="$(MCU_SMALL_KNOBS)" KNOBS_GEN="$(MCU_CONF_KNOBS_gen)" \
    KNOBS_TASKS="$(MCU_CONF_KNOBS_tasks)" \
    KNOBS_BLINK="$(MCU_CONF_KNOBS_blink)" SRC_GEN="$(MCU_CONF_SRC_gen)" \
    SRC_TASKS="$(MCU_CONF_SRC_tasks)" SRC_BLINK="$(MCU_CONF_SRC_blink)"
MCU_CONFIGS := gen tasks blink

.PHONY: mcu-configs
## mcu-configs: the size configurations built, run on QEMU microbit and held to doc/porting.md (part of check-mcu)
mcu-configs: deps-mcu
	@d=$(BUILDDIR)/mcu/configs; mkdir -p $(BUILDDIR)/mcu; \
	$(MCU_CONFIGS_ENV) sh test/mcu/configs.sh $$d > $$d.log 2>&1 || \
	    { cat $$d.log; echo "mcu-configs: the build failed"; exit 1; }; \
	for c in $(MCU_CONFIGS); do \
	    timeout 60 $(QEMU_ARM) -M microbit -display none -monitor none \
	        -serial none -chardev stdio,id=sh0 \
	        -semihosting-config enable=on,target=native,chardev=sh0 \
	        -kernel $$d/$$c.elf > $$d/$$c.log 2>&1; rc=$$?; \
	    echo "== size configuration $$c on QEMU microbit: exit $$rc" \
	        "$$(tail -n 1 $$d/$$c.log)"; \
	    if [ $$rc -ne 0 ]; then \
	        cat $$d/$$c.log; echo "mcu-configs: $$c failed; log: $$d/$$c.log"; \
	        exit 1; \
	    fi; \
	done; \
	echo "== the configurations against doc/porting.md (test/mcu/targets.sh)"; \
	sh test/mcu/targets.sh $$d/figures

check-mcu: mcu-configs

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

## mcu-size-asserts: sizeof of the public structs on 32-bit as doc/porting.md publishes
mcu-size-asserts: deps-mcu
	@$(MAKE) --no-print-directory $(MCU_SA_OBJ)
	@n=$$(sh test/mcu/published.sh 56) && \
	echo "== size assertions [$(MCU_CPUS)]: OK, doc/porting.md publishes" \
	    "$$n sizes"

mcu-core: mcu-size-asserts
check-mcu: mcu-size-asserts

# The sample on the boards: samples/mcu/lines.c (a line-protocol session
# fed by a simulated UART interrupt, a heartbeat task beside it) on QEMU
# microbit (M0) and mps2-an385 (M3), both resume variants.
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
## mcu-sample: samples/mcu/lines.c on both boards, both variants (part of check-mcu)
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

