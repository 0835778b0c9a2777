#!/bin/sh
# bench/soak.sh: `make soak`. samples/resp-server under redis-benchmark
# with connection churn (-k 0: a new connection per request) for
# SOAK_TIME seconds; prints the server's descriptors and RSS at the start
# and at the end, and fails if descriptors were left behind.
#
#   sh bench/soak.sh BUILDDIR [SECONDS]
set -eu
bin=${1:-build}/samples
secs=${2:-60}
out=$(mktemp)
"$bin/resp-server" --port 0 --max-clients 4096 > "$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
until grep -q 'listening on' "$out"; do sleep 0.05; done
port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$out")

fds() { ls /proc/"$pid"/fd | wc -l; }
rss() { sed -n 's/^VmRSS:[[:space:]]*//p' /proc/"$pid"/status; }

fd0=$(fds)
echo "soak: start: $fd0 descriptors, RSS $(rss)"
end=$(( $(date +%s) + secs ))
rounds=0
while [ "$(date +%s)" -lt "$end" ]; do
    redis-benchmark -p "$port" -q -t ping,set,get,incr -n 20000 -c 50 -k 0 \
        > /dev/null 2>&1 || { echo "soak: redis-benchmark failed"; exit 1; }
    redis-benchmark -p "$port" -q -t set,get -n 20000 -c 20 -P 16 -d 512 \
        > /dev/null 2>&1 || { echo "soak: redis-benchmark failed"; exit 1; }
    rounds=$((rounds + 1))
done
sleep 0.5
fd1=$(fds)
echo "soak: end after $rounds rounds: $fd1 descriptors, RSS $(rss)"
[ "$fd1" -le "$fd0" ] || { echo "soak: descriptors left behind"; exit 1; }
echo "soak: OK"
