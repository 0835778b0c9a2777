#!/bin/sh
# bench/soak.sh: `make soak`. samples/resp-server and samples/http-server
# run side by side for SOAK_TIME seconds under bench/soak_clients (churn,
# pipelines, clients that never read, garbage, slowloris, a probe; see
# there) and, when it is installed, redis-benchmark (a new connection per
# request, and -P 16). The servers run with short timeouts, so that the
# hostile clients are cut often. Each server's descriptors and RSS are
# printed at the start (after a first exchange) and at the end, once the
# clients are gone; the soak fails when a client failed, when a server
# has more descriptors than at the start, when its RSS grew by more than
# SOAK_RSS_SLACK kB (32768 by default), or when it does not stop cleanly.
#
#   sh bench/soak.sh BUILDDIR [SECONDS]
set -eu
build=${1:-build}
bin=$build/samples
secs=${2:-60}
slack=${SOAK_RSS_SLACK:-32768}
tmp=$(mktemp -d)
rpid=
hpid=
bpid=
cleanup() {
    for p in $bpid $rpid $hpid; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "soak: $*" >&2
    exit 1
}

# A root for http-server: an index, a file of 1 MB, a sparse one of 64 MB.
mkdir "$tmp/www"
echo '<h1>hop</h1>' > "$tmp/www/index.html"
head -c 1000000 /dev/zero | tr '\0' f > "$tmp/www/file"
truncate -s 64M "$tmp/www/big"

# wait_port FILE: the port a server printed in FILE.
wait_port() {
    i=0
    until grep -q 'listening on' "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 200 ] || fail "a server did not start ($1)"
        sleep 0.05
    done
    sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$1"
}

"$bin/resp-server" --port 0 --max-clients 4096 --timeout 5 \
    --send-timeout 2 > "$tmp/resp.out" 2> "$tmp/resp.err" &
rpid=$!
"$bin/http-server" --port 0 --threads 2 --max-clients 2048 \
    --root "$tmp/www" --idle-timeout 5 --request-timeout 3 \
    --send-timeout 2 > "$tmp/http.out" 2> "$tmp/http.err" &
hpid=$!
rport=$(wait_port "$tmp/resp.out")
hport=$(wait_port "$tmp/http.out")

fds() { ls /proc/"$1"/fd | wc -l; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$1"/status; }
figures() { # figures WHEN: both servers' descriptors and RSS
    echo "soak: $1: resp-server $(fds $rpid) descriptors," \
        "RSS $(rss $rpid) kB; http-server $(fds $hpid) descriptors," \
        "RSS $(rss $hpid) kB"
}

echo "soak: resp-server on port $rport, http-server on port $hport," \
    "for $secs s"
"$build/bench/soak_clients" 0 "$rport" "$hport" ||
    fail "the servers did not serve a first client"
rfd0=$(fds $rpid); rrss0=$(rss $rpid)
hfd0=$(fds $hpid); hrss0=$(rss $hpid)
figures start

end=$(( $(date +%s) + secs ))
if command -v redis-benchmark > /dev/null; then
    (
        rounds=0
        while [ "$(date +%s)" -lt "$end" ]; do
            redis-benchmark -p "$rport" -q -t ping,set,get,incr -n 20000 \
                -c 50 -k 0 > /dev/null 2>&1 || { echo failed; exit 1; }
            redis-benchmark -p "$rport" -q -t set,get -n 20000 -c 20 \
                -P 16 -d 512 > /dev/null 2>&1 || { echo failed; exit 1; }
            rounds=$((rounds + 1))
        done
        echo "$rounds"
    ) > "$tmp/bench.out" &
    bpid=$!
else
    echo "soak: redis-benchmark is not installed: soak_clients only"
fi
ok=1
"$build/bench/soak_clients" "$secs" "$rport" "$hport" || ok=0
if [ -n "$bpid" ]; then
    wait "$bpid" || true
    bpid=
    rounds=$(cat "$tmp/bench.out")
    [ "$rounds" != failed ] || fail "redis-benchmark failed"
    echo "soak: redis-benchmark: $rounds rounds"
fi
echo "soak: resp-server closed $(grep -c 'send-timeout' "$tmp/resp.err" ||
    true) clients by its send timeout"
[ $ok = 1 ] || fail "a client failed"

# The clients are gone: the servers close what they still hold (a
# lingering close takes up to a second).
i=0
while [ "$(fds $rpid)" -gt "$rfd0" ] || [ "$(fds $hpid)" -gt "$hfd0" ]; do
    i=$((i + 1))
    [ $i -le 100 ] || break
    sleep 0.1
done
rfd1=$(fds $rpid); rrss1=$(rss $rpid)
hfd1=$(fds $hpid); hrss1=$(rss $hpid)
figures end
[ "$rfd1" -le "$rfd0" ] || fail "resp-server: descriptors left behind"
[ "$hfd1" -le "$hfd0" ] || fail "http-server: descriptors left behind"
[ "$rrss1" -le $((rrss0 + slack)) ] ||
    fail "resp-server: RSS grew by $((rrss1 - rrss0)) kB"
[ "$hrss1" -le $((hrss0 + slack)) ] ||
    fail "http-server: RSS grew by $((hrss1 - hrss0)) kB"

for p in $rpid $hpid; do
    kill "$p"
    wait "$p" || fail "a server exited with $?"
done
for s in resp http; do
    grep -q "$s-server: stopped" "$tmp/$s.out" ||
        fail "$s-server did not stop cleanly"
done
rpid=
hpid=
echo "soak: OK"
