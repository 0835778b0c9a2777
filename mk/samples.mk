# mk/samples.mk: the samples (samples/*.c) and make demo.

SAMPLES := $(basename $(notdir $(wildcard samples/*.c)))

$(BUILDDIR)/samples/%: samples/%.c $(STATIC_LIB) $(HEADERS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(HOP_CFLAGS) -pthread $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

# Samples that run to their end by themselves; the servers are driven by
# the end-to-end tests and by make demo.
RUN_SAMPLES := kv

.PHONY: samples demo

## samples: build the samples and run those that end by themselves
samples: $(SAMPLES:%=$(BUILDDIR)/samples/%)
	@for s in $(RUN_SAMPLES); do \
	    $(BUILDDIR)/samples/$$s > /dev/null || { echo "sample $$s failed"; exit 1; }; \
	done
	@echo "== samples: $(SAMPLES) built, $(RUN_SAMPLES) ran"

## demo: the README's first command: the RESP server and its client on loopback
# The RESP server of hop tasks, its client sample and (when installed)
# redis-cli, end to end on loopback.
demo: deps
	@$(MAKE) --no-print-directory $(BUILDDIR)/samples/resp-server \
	    $(BUILDDIR)/samples/resp-client
	@sh samples/demo.sh $(BUILDDIR)
