#!/bin/sh
# .ci/clients.sh: the stock clients against the samples. redis-cli and
# redis-benchmark (redis-tools) against samples/resp-server, asserting
# that every request succeeded: the INCRs of the benchmark runs are
# counted by the server. curl against samples/http-server.
#
#   sh .ci/clients.sh BUILDDIR
set -eu
bin=${1:-build}/samples
out=$(mktemp)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -f "$out"' EXIT

fail() {
    echo "clients: $*" >&2
    exit 1
}

# start NAME ARGS...: run a sample server, wait for its port in $port.
start() {
    name=$1
    shift
    "$bin/$name" --port 0 "$@" > "$out" &
    pid=$!
    i=0
    until grep -q 'listening on' "$out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 200 ] && kill -0 "$pid" 2>/dev/null || fail "$name did not start"
        sleep 0.05
    done
    port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$out")
}

stop() {
    kill "$pid"
    wait "$pid" || fail "the server exited with $?"
    pid=
}

# expect WANT CMD...: the output of redis-cli CMD... is WANT.
expect() {
    want=$1
    shift
    got=$(redis-cli -p "$port" "$@")
    [ "$got" = "$want" ] || fail "redis-cli $*: got '$got', want '$want'"
    echo "  redis-cli $*: $got"
}

echo "== redis-cli against samples/resp-server"
start resp-server
expect PONG PING
expect OK SET k hello
expect hello GET k
expect 1 EXISTS k
expect OK SET n 4
expect 5 INCR n
expect "$(printf 'hello\n\n5')" MGET k missing n
expect OK SET t v PX 100
sleep 0.3
expect "" GET t
expect 2 DEL k n
expect "ERR unknown command 'NOPE', with args beginning with: " NOPE

echo "== redis-benchmark against samples/resp-server"
bench() {
    log=$(redis-benchmark -p "$port" -q "$@" 2>&1) || fail "redis-benchmark $*: $log"
    echo "$log" | tr '\r' '\n' | grep 'requests per second' | grep -v 'rps=' |
        sed 's/^/  /'
    for t in PING_INLINE PING_MBULK SET GET INCR; do
        echo "$log" | tr '\r' '\n' | grep -q "^$t: .*requests per second" ||
            fail "redis-benchmark $*: no result for $t"
    done
}
bench -t ping,set,get,incr -n 20000
expect 20000 GET "counter:__rand_int__"
bench -t ping,set,get,incr -n 20000 -P 16
expect 40000 GET "counter:__rand_int__"
stop

echo "== curl against samples/http-server"
root=$(mktemp -d)
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$out" "$root"' EXIT
echo "<h1>hop</h1>" > "$root/index.html"
start http-server --root "$root" --threads 2
url=http://127.0.0.1:$port
# check WANT CURL-ARGS...: curl prints WANT.
check() {
    want=$1
    shift
    got=$(curl -s "$@") || fail "curl $*: exit $?"
    [ "$got" = "$want" ] || fail "curl $*: got '$got', want '$want'"
    echo "  curl $(echo "$*" | cut -c1-72): $(echo "$got" | head -n 1)"
}
check "Hello, world!" "$url/hello"
check "<h1>hop</h1>" "$url/"
check 404 -o /dev/null -w '%{http_code}' "$url/missing"
check 404 -o /dev/null -w '%{http_code}' --path-as-is "$url/../../etc/passwd"
check 405 -o /dev/null -w '%{http_code}' -X DELETE "$url/hello"
check "sent by curl" -d "sent by curl" "$url/echo"
head -c 2000000 /dev/zero > "$root/big.bin"
check 413 -o /dev/null -w '%{http_code}' --data-binary "@$root/big.bin" "$url/echo"
check 2000000 -o /dev/null -w '%{size_download}' "$url/big.bin"
check 431 -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$url/hello"
check "200 200 " -w '%{http_code} ' -o /dev/null -o /dev/null "$url/hello" "$url/"
stop
echo "== clients: all passed"
