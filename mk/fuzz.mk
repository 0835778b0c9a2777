# mk/fuzz.mk: the libFuzzer targets of test/fuzz/ and their replay.
#
# The targets build the sample servers' request paths (samples/*-server.c)
# with a session harness (test/fuzz/session.h): under libFuzzer with
# clang for make fuzz, and without it, replaying the seed corpus and the
# regression inputs of test/fuzz/regress/, for make check.

.PHONY: fuzz check-fuzz-replay

FUZZ_TARGETS := resp http
FUZZ_TIME ?= 30
FUZZ_CC ?= clang
FUZZ_SRC := $(CORE_SRC) $(EVENT_SRC) $(IO_SRC)
FUZZ_DEPS := $(FUZZ_SRC) $(HEADERS) $(LIB_PRIV_HDRS)

$(BUILDDIR)/fuzz/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/session.h $(SAMPLE_MODS) \
    $(SAMPLE_MOD_HDRS) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [libFuzzer])
	$(Q)$(FUZZ_CC) -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Wno-unused-function -Iinclude $(LIB_PRIV_INC) \
	    $(EVENT_CFLAGS) $< $(SAMPLE_MODS_$*-server) $(FUZZ_SRC) $(EVENT_LIBS) \
	    -pthread -o $@

$(BUILDDIR)/fuzz-replay/replay_%: test/fuzz/fuzz_%.c test/fuzz/replay.c test/fuzz/session.h \
    $(SAMPLE_MODS) $(SAMPLE_MOD_HDRS) $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [replay])
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -std=c99 -Wall -Wextra -Werror \
	    -Wno-unused-function -Iinclude $< test/fuzz/replay.c \
	    $(SAMPLE_MODS_$*-server) $(STATIC_LIB) $(EVENT_LIBS) -pthread -o $@

## fuzz: run each libFuzzer target (clang) for FUZZ_TIME s from its seed corpus
# A crash stops it and leaves the input in build/fuzz/.
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

## check-fuzz-replay: the fuzz targets, without libFuzzer, on the corpus and regressions
check-fuzz-replay: $(FUZZ_TARGETS:%=$(BUILDDIR)/fuzz-replay/replay_%)
	@for t in $(FUZZ_TARGETS); do \
	    $(BUILDDIR)/fuzz-replay/replay_$$t test/fuzz/corpus/$$t/* \
	        $$(ls test/fuzz/regress/$$t-* 2>/dev/null) > /dev/null || exit 1; \
	done
	@echo "== fuzz targets: seed corpus and regression inputs replayed"
