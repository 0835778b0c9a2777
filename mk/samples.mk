# mk/samples.mk: the samples (samples/*.c) and make demo.

SAMPLES := $(basename $(notdir $(wildcard samples/*.c)))
# The samples' modules: samples/<name>-server.c links samples/common/*.c
# and samples/<name>/*.c; the tests and the fuzz targets link them too.
SAMPLE_MODS_resp-server := $(wildcard samples/common/*.c samples/resp/*.c)
SAMPLE_MODS_http-server := $(wildcard samples/common/*.c samples/http/*.c)
SAMPLE_MODS := $(sort $(SAMPLE_MODS_resp-server) $(SAMPLE_MODS_http-server))
SAMPLE_MOD_HDRS := $(wildcard samples/common/*.h samples/resp/*.h samples/http/*.h)

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
