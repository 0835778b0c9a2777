# mk/bench.mk: the benchmarks, the network benchmarks and the soak.

.PHONY: bench bench-net soak

$(BUILDDIR)/bench/%: bench/%.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

# The idle-task figure again with HOP_CONF_TASK_NAMES=0, which changes
# the layout of hop_task: built from the sources with the knob.
$(BUILDDIR)/bench/bench_sched_nonames: bench/bench_sched.c $(CORE_SRC) \
    $(HEADERS) $(LIB_PRIV_HDRS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [HOP_CONF_TASK_NAMES=0])
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) $(FREE_CPPFLAGS) -DHOP_CONF_TASK_NAMES=0 $< $(CORE_SRC) \
	    $(EVENT_LIBS) -o $@

## bench: run the benchmarks (ratios against baselines)
bench: $(BUILDDIR)/bench/bench_core $(BUILDDIR)/bench/bench_sched \
    $(BUILDDIR)/bench/bench_sched_nonames
	$(BUILDDIR)/bench/bench_core
	$(BUILDDIR)/bench/bench_sched
	$(BUILDDIR)/bench/bench_sched_nonames 1000000 idle

# -- soak ----------------------------------------------------------------

## soak: the RESP and HTTP servers under bench/soak_clients for SOAK_TIME s (not in CI)
# samples/resp-server and samples/http-server side by side for SOAK_TIME
# seconds under bench/soak_clients (churn, pipelines, clients that never
# read, garbage, slowloris) and redis-benchmark; fails when a client
# failed, or a server kept descriptors or grew its RSS past
# SOAK_RSS_SLACK kB once the clients are gone.
SOAK_TIME ?= 60
$(BUILDDIR)/bench/soak_clients: bench/soak_clients.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(HOP_CFLAGS) -pthread $< $(LDFLAGS) -o $@

soak: $(BUILDDIR)/samples/resp-server $(BUILDDIR)/samples/http-server \
    $(BUILDDIR)/bench/soak_clients
	@sh bench/soak.sh $(BUILDDIR) $(SOAK_TIME)

# -- network benchmarks ----------------------------------------------------

## bench-net: hop's servers against baselines (echo, RESP, HTTP; needs redis, wrk)
# bench/net.sh: BENCH_NET_TIME s a run, medians of ROUNDS rounds. Needs
# redis-server, redis-tools and wrk.
BENCH_NET_TIME ?= 3
BENCH_NET_BIN := $(BUILDDIR)/bench/echo_hop $(BUILDDIR)/bench/echo_libevent \
    $(BUILDDIR)/bench/echo_load $(BUILDDIR)/bench/http_evhttp

$(BUILDDIR)/bench/echo_hop: bench/net/echo_hop.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g $(HOP_CFLAGS) $< $(STATIC_LIB) $(EVENT_LIBS) -o $@

$(BUILDDIR)/bench/%: bench/net/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) -O2 -g -Wall -Wextra $< $(EVENT_LIBS) -o $@

bench-net: deps $(BENCH_NET_BIN) $(BUILDDIR)/samples/resp-server \
    $(BUILDDIR)/samples/http-server
	@bash bench/net.sh $(BUILDDIR) $(BENCH_NET_TIME)
