#!/bin/sh
# samples/demo.sh: what `make demo` shows. Starts samples/resp-server on
# a free loopback port, runs samples/resp-client against it (and the
# stock redis-cli when it is installed), stops the server and exits 0.
#
#   sh samples/demo.sh BUILDDIR
set -eu
bin=${1:-build}/samples
out=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT

"$bin/resp-server" --port 0 > "$out" &
pid=$!
i=0
until grep -q 'listening on' "$out" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "demo: the server did not start" >&2
        exit 1
    fi
    sleep 0.05
done
port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$out")
echo "== samples/resp-server: a RESP2 server of hop tasks, on 127.0.0.1:$port"
echo
echo "== samples/resp-client: requests as sub-coroutines"
"$bin/resp-client" --port "$port"
if command -v redis-cli > /dev/null 2>&1; then
    echo
    echo "== the stock redis-cli against it"
    for cmd in "PING" "SET tool redis-cli" "GET tool" "INCR hits" \
               "MGET tool greeting nothing"; do
        echo "  \$ redis-cli $cmd"
        # shellcheck disable=SC2086
        redis-cli -p "$port" $cmd | sed 's/^/  /'
    done
else
    echo
    echo "(redis-cli is not installed: apt-get install redis-tools to see it"
    echo " talk to the server too)"
fi
kill "$pid"
wait "$pid"
echo
sed -n 's/^resp-server: stopped$/== the server stopped cleanly/p' "$out"
