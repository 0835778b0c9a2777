#!/usr/bin/env bash
# bench/net.sh: `make bench-net`. Servers on core 0, load on core 1,
# loopback only, bounded in time; each line compares a hop server with a
# baseline measured in the same run:
#
#   echo_cN     64-byte echo round trips over N connections (N = 1, 100,
#               1000): bench/net/echo_hop.c against a raw libevent
#               callback echo server (bench/net/echo_libevent.c)
#   resp_*      samples/resp-server against redis-server, the same
#               redis-benchmark commands, plain, -P 16 and -P 64 (where
#               the servers rather than the client set the rate);
#               *_poll: the sample with --busy-poll
#               50; resp_cpu_*: the server's CPU time per request
#               without busy polling (the load generator, one thread,
#               may be what bounds the rate)
#   http_wrk    samples/http-server against libevent's evhttp
#               (bench/net/http_evhttp.c) under wrk -c100
#
# The echo and RESP figures are medians of ROUNDS (default 3) rounds
# that alternate hop and the baseline.
#
# Lines read: bench <name> ns_per_op=<x> baseline_ns=<y> ratio=<x/y>
# (ns_per_op: 1e9 / requests per second; ratio < 1: hop is faster).
#
#   [ROUNDS=N] bash bench/net.sh BUILDDIR [SECONDS]
set -eu
b=${1:-build}
secs=${2:-3}
port=17071
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi' EXIT

cpu_ticks() { # the CPU time of $pid so far, in clock ticks
    awk '{print $14 + $15}' /proc/"$pid"/stat
}
ticks_ns=$((1000000000 / $(getconf CLK_TCK)))

serve() { # serve CMD...: start a server on core 0, wait until it listens
    taskset -c 0 "$@" > /dev/null 2>&1 &
    pid=$!
    i=0
    until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 100 ] || { echo "bench-net: $1 did not start" >&2; exit 1; }
        sleep 0.05
    done
}
unserve() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
    port=$((port + 1))
}
line() { # line NAME HOP_RPS BASE_RPS
    awk -v n="$1" -v h="$2" -v b="$3" 'BEGIN {
        if (h <= 0 || b <= 0) { print "bench " n " failed"; exit 1 }
        printf "bench %s ns_per_op=%.1f baseline_ns=%.1f ratio=%.3f\n",
               n, 1e9 / h, 1e9 / b, b / h }'
}

# Rounds alternate the servers, and each figure is the median of its
# rounds, so that a machine whose speed drifts skews neither side.
rounds=${ROUNDS:-3}

# median KEY RUNS...: the median of KEY's values over the runs
median() {
    k=$1
    shift
    printf '%s\n' "$@" | tr ' ' '\n' | sed -n "s/^$k=//p" | sort -g |
        awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}

for c in 1 100 1000; do
    H=() L=()
    for i in $(seq "$rounds"); do
        serve "$b/bench/echo_hop" $port
        H+=("R=$(taskset -c 1 "$b/bench/echo_load" $port $c "$secs")")
        unserve
        serve "$b/bench/echo_libevent" $port
        L+=("R=$(taskset -c 1 "$b/bench/echo_load" $port $c "$secs")")
        unserve
    done
    line echo_c$c "$(median R "${H[@]}")" "$(median R "${L[@]}")"
done

# resp_run CMD...: serve CMD, run the redis-benchmark commands at -P $p;
# prints "PING_INLINE=<rps> PING_MBULK=... SET=... GET=... CPU=<ns/req>".
# (Called in a command substitution: the caller moves on the port.)
resp_run() {
    serve "$@" --port $port
    c0=$(cpu_ticks)
    taskset -c 1 redis-benchmark -p $port -q -t ping,set,get -n $n -P $p |
        tr '\r' '\n' | grep 'requests per second' | grep -v 'rps=' |
        sed 's/^\([A-Z_]*\): \([0-9.]*\) requests.*/\1=\2/' | tr '\n' ' '
    echo "CPU=$(( ($(cpu_ticks) - c0) * ticks_ns / (4 * n) ))"
    unserve
}
if command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null; then
    # "_poll": the same sample with --busy-poll 50 (hop_libevent_busy_poll).
    for p in 1 16 64; do
        n=$((100000 * p))
        H=() P=() R=()
        for i in $(seq "$rounds"); do
            H+=("$(resp_run "$b/samples/resp-server")")
            port=$((port + 1))
            P+=("$(resp_run "$b/samples/resp-server" --busy-poll 50)")
            port=$((port + 1))
            R+=("$(resp_run redis-server --save '' --appendonly no)")
            port=$((port + 1))
        done
        sfx=
        [ $p = 1 ] || sfx=_p$p
        for t in PING_INLINE PING_MBULK SET GET; do
            name=$(echo "resp_$t" | tr 'A-Z' 'a-z')$sfx
            r=$(median $t "${R[@]}")
            line "$name" "$(median $t "${H[@]}")" "$r"
            line "${name}_poll" "$(median $t "${P[@]}")" "$r"
        done
        awk -v n=resp_cpu$sfx -v h="$(median CPU "${H[@]}")" \
            -v b="$(median CPU "${R[@]}")" 'BEGIN {
            if (h <= 0 || b <= 0) { print "bench " n " failed"; exit 1 }
            printf "bench %s ns_per_op=%d baseline_ns=%d ratio=%.3f\n",
                   n, h, b, h / b }'
    done
else
    echo "bench resp_*: skipped (apt-get install redis-server redis-tools)"
fi

if command -v wrk > /dev/null; then
    serve "$b/samples/http-server" --port $port
    h=$(taskset -c 1 wrk -t1 -c100 -d"${secs}s" http://127.0.0.1:$port/hello |
        sed -n 's/^Requests\/sec: *//p')
    unserve
    serve "$b/bench/http_evhttp" $port
    e=$(taskset -c 1 wrk -t1 -c100 -d"${secs}s" http://127.0.0.1:$port/hello |
        sed -n 's/^Requests\/sec: *//p')
    unserve
    line http_wrk "$h" "$e"
else
    echo "bench http_wrk: skipped (apt-get install wrk)"
fi
