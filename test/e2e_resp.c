/*
 * test/e2e_resp.c: samples/resp-server end to end. Each case starts the
 * server on an ephemeral loopback port, talks to it over real sockets
 * (whole requests, one byte at a time, pipelined, malformed, oversized,
 * idle), stops it with SIGTERM and checks that it exits 0 having served
 * everyone. (Hosted only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "t.h"

/* -- the cases ------------------------------------------------------------- */

static void resp_commands(void)
{
    server s;
    int fd;

    start(&s, "resp-server", NULL);
    fd = dial(&s);
    expect(fd, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n");
    expect(fd, "*2\r\n$4\r\nPING\r\n$2\r\nhi\r\n", "$2\r\nhi\r\n");
    expect(fd, "*2\r\n$4\r\nECHO\r\n$5\r\na\r\nbc\r\n", "$5\r\na\r\nbc\r\n");
    expect(fd, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", "+OK\r\n");
    expect(fd, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$5\r\nhello\r\n");
    expect(fd, "*2\r\n$3\r\nget\r\n$7\r\nmissing\r\n", "$-1\r\n");
    expect(fd, "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nNX\r\n",
           "$-1\r\n");
    expect(fd, "*4\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\nv\r\n$2\r\nXX\r\n",
           "$-1\r\n");
    expect(fd, "*5\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
           "+OK\r\n");
    expect(fd, "*4\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nz\r\n$1\r\nb\r\n",
           "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
    expect(fd, "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n", ":2\r\n");
    expect(fd, "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", ":1\r\n");
    expect(fd, "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(fd, "*4\r\n$6\r\nEXISTS\r\n$1\r\na\r\n$1\r\nz\r\n$1\r\nk\r\n",
           ":2\r\n");
    expect(fd, "*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nz\r\n", ":1\r\n");
    expect(fd, "*1\r\n$6\r\nDBSIZE\r\n", ":3\r\n");
    expect(fd, "*1\r\n$3\r\nGET\r\n",
           "-ERR wrong number of arguments for 'get' command\r\n");
    expect(fd, "*1\r\n$5\r\nHELLO\r\n",
           "-ERR unknown command 'HELLO', with args beginning with: \r\n");
    expect(fd, "*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nsave\r\n",
           "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
    expect(fd, "*2\r\n$7\r\nCOMMAND\r\n$4\r\nDOCS\r\n", "*0\r\n");
    /* inline commands */
    expect(fd, "PING\r\n", "+PONG\r\n");
    expect(fd, "SET  spaced   value\r\nGET spaced\n",
           "+OK\r\n$5\r\nvalue\r\n");
    expect(fd, "\r\n*0\r\nPING\r\n", "+PONG\r\n"); /* empty: no reply */
    expect_close(fd, "QUIT\r\n", 6, "+OK\r\n");
    close(fd);
    stop(&s);
}

/* A request one byte at a time, and replies to a pipeline in order. */
static void partial_and_pipelined(const char *const *args)
{
    static const char req[] = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"
                              "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
    static char pipe_req[100 * 32], pipe_rep[100 * 16];
    server s;
    int fd, i, closed;
    size_t k, qn = 0, pn = 0;
    char buf[sizeof pipe_rep];

    start(&s, "resp-server", args);
    fd = dial(&s);
    for (k = 0; k < sizeof req - 1; k++) {
        send_all(fd, req + k, 1);
        nap_ms(1);
    }
    T_EQ(recv_n(fd, buf, 16, 0, &closed), 16);
    T_ASSERT(memcmp(buf, "+OK\r\n$5\r\nvalue\r\n", 16) == 0);

    for (i = 0; i < 100; i++) {
        qn += (size_t)sprintf(pipe_req + qn,
                              "*2\r\n$4\r\nINCR\r\n$3\r\nctr\r\n");
        pn += (size_t)sprintf(pipe_rep + pn, ":%d\r\n", i + 1);
    }
    send_all(fd, pipe_req, qn);
    T_EQ(recv_n(fd, buf, pn, 0, &closed), pn);
    T_ASSERT(memcmp(buf, pipe_rep, pn) == 0);
    close(fd);
    stop(&s);
}

static void resp_partial_and_pipelined(void)
{
    partial_and_pipelined(NULL);
}

/* The same with busy polling (hop_ev_busy_poll): gaps of about a
 * millisecond between the bytes, then none in the pipeline. */
static void resp_busy_poll(void)
{
    static const char *const args[] = {"--busy-poll", "2000", NULL};

    partial_and_pipelined(args);
}

/* Malformed and oversized requests: an error, the connection closed,
 * and the server goes on serving. */
static void resp_bad_requests(void)
{
    static const char *const args[] = {"--max-bulk", "1024", "--max-args",
                                       "8", NULL};
    static char longline[20000];
    server s;
    int fd;

    start(&s, "resp-server", args);
    fd = dial(&s);
    expect_close(fd, "PING\r\n*1\r\n$x\r\n", 14,
                 "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*2\r\n$3\r\nGET\r\n$2000\r\n", 20,
                 "-ERR Protocol error: invalid bulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*9\r\n", 4,
                 "-ERR Protocol error: invalid multibulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*1\r\n+PING\r\n", 11,
                 "-ERR Protocol error: expected '$'\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*1\r\n$4\r\nPINGXX\r\n", 16,
                 "-ERR Protocol error: bulk not followed by CRLF\r\n");
    close(fd);
    fd = dial(&s);
    memset(longline, 'a', sizeof longline);
    expect_close(fd, longline, sizeof longline,
                 "-ERR Protocol error: too big request line\r\n");
    close(fd);
    /* A bulk up to the limit, bigger than the reader's buffer... */
    fd = dial(&s);
    {
        static char big[64 + 1024];
        int n = sprintf(big, "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1024\r\n");
        memset(big + n, 'x', 1024);
        memcpy(big + n + 1024, "\r\n", 2);
        expect(fd, big, "+OK\r\n");
        expect(fd, "*2\r\n$6\r\nEXISTS\r\n$1\r\nb\r\n", ":1\r\n");
    }
    /* ...and the first client's peers were not disturbed. */
    expect(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
    stop(&s);
}

/* A big value through a reader buffer of 16 KiB. */
static void resp_big_value(void)
{
    static const char *const args[] = {"--max-bulk", "1000000", NULL};
    static char req[200100], rep[200100];
    server s;
    int fd, closed;
    size_t n, m;

    start(&s, "resp-server", args);
    fd = dial(&s);
    n = (size_t)sprintf(req, "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$200000\r\n");
    memset(req + n, 'v', 200000);
    memcpy(req + n + 200000, "\r\n", 2);
    expect(fd, "PING\r\n", "+PONG\r\n");
    send_all(fd, req, n + 200002);
    T_EQ(recv_n(fd, rep, 5, 0, &closed), 5);
    T_ASSERT(memcmp(rep, "+OK\r\n", 5) == 0);
    send_all(fd, "GET big\r\n", 9);
    m = 9 + 200000 + 2;
    T_EQ(recv_n(fd, rep, m, 0, &closed), m);
    T_ASSERT(memcmp(rep, "$200000\r\nv", 10) == 0);
    T_ASSERT(memcmp(rep + m - 3, "v\r\n", 3) == 0);
    close(fd);
    stop(&s);
}

/* An idle client is dropped after --timeout; a busy one is served. */
static void resp_idle_client(void)
{
    static const char *const args[] = {"--timeout", "1", NULL};
    server s;
    int idle, busy, closed;
    char buf[8];

    int i;

    start(&s, "resp-server", args);
    idle = dial(&s);
    busy = dial(&s);
    for (i = 0; i < 8; i++) { /* 2.4 s, never 1 s idle */
        expect(busy, "PING\r\n", "+PONG\r\n");
        nap_ms(300);
    }
    T_EQ(recv_n(idle, buf, 1, 0, &closed), 0);
    T_EQ(closed, 1); /* the server closed it */
    expect(busy, "PING\r\n", "+PONG\r\n");
    close(idle);
    close(busy);
    stop(&s);
}

/* Expiring keys, and the client limit; a key that would expire much
 * later does not hold the server up when it stops. */
static void resp_expiry_and_limits(void)
{
    static const char *const args[] = {"--max-clients", "2", NULL};
    server s;
    int a, b, c, closed;
    char buf[64];

    start(&s, "resp-server", args);
    a = dial(&s);
    expect(a, "SET t v PX 100\r\n", "+OK\r\n");
    expect(a, "SET u v EX 100\r\n", "+OK\r\n");
    expect(a, "SET w v PX 0\r\n",
           "-ERR invalid expire time in 'set' command\r\n");
    expect(a, "GET t\r\n", "$1\r\nv\r\n");
    nap_ms(300);
    expect(a, "GET t\r\n", "$-1\r\n");
    expect(a, "GET u\r\n", "$1\r\nv\r\n");
    expect(a, "SET u v2\r\nDBSIZE\r\n", "+OK\r\n:1\r\n");
    expect(a, "SET later v EX 100000\r\n", "+OK\r\n");
    b = dial(&s);
    expect(b, "PING\r\n", "+PONG\r\n");
    c = dial(&s);
    T_EQ(recv_n(c, buf, 36, 1, &closed), 36);
    T_ASSERT(memcmp(buf, "-ERR max number of clients reached\r\n", 36) ==
             0);
    T_EQ(closed, 1);
    close(c);
    close(b);
    nap_ms(50);
    c = dial(&s);
    expect(c, "PING\r\n", "+PONG\r\n");
    close(a);
    close(c);
    stop(&s);
}

/* The numbers a client sends, read as Redis reads them: SET's expiry
 * (zero, negative, not a number, or past what the clock holds), INCR's
 * value, and the lengths of the protocol. */
static void resp_integers(void)
{
    static const char *const args[] = {"--max-bulk", "1024", NULL};
    server s;
    int fd;

    start(&s, "resp-server", args);
    fd = dial(&s);
    /* 9223372036 s is within a long long of milliseconds but not of
     * the loop's nanoseconds from now: refused, and nothing is set. */
    expect(fd, "SET k v EX 9223372036\r\nGET k\r\n",
           "-ERR invalid expire time in 'set' command\r\n$-1\r\n");
    expect(fd, "SET k v PX 9223372036854775807\r\nGET k\r\n",
           "-ERR invalid expire time in 'set' command\r\n$-1\r\n");
    expect(fd, "SET k v EX 9223372036854775808\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET k v EX 0\r\n",
           "-ERR invalid expire time in 'set' command\r\n");
    expect(fd, "SET k v EX -1\r\n",
           "-ERR invalid expire time in 'set' command\r\n");
    expect(fd, "SET k v PX -9223372036854775808\r\n",
           "-ERR invalid expire time in 'set' command\r\n");
    expect(fd, "SET k v EX abc\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET k v EX +5\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET k v EX 05\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(fd, "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nEX\r\n"
               "$2\r\n 5\r\n",
           "-ERR value is not an integer or out of range\r\n");
    /* the options before the time, as Redis */
    expect(fd, "SET k v EX 10 PX 10\r\n", "-ERR syntax error\r\n");
    expect(fd, "SET k v EX 0 NOSUCH\r\n", "-ERR syntax error\r\n");
    expect(fd, "SET k v EX\r\n", "-ERR syntax error\r\n");
    expect(fd, "SET k v NX XX\r\n", "-ERR syntax error\r\n");
    expect(fd, "GET k\r\n", "$-1\r\n");
    expect(fd, "SET k v EX 10 EX 100000\r\nGET k\r\n", "+OK\r\n$1\r\nv\r\n");
    expect(fd, "SET k w PX 100000000\r\nGET k\r\n", "+OK\r\n$1\r\nw\r\n");
    /* INCR takes only what Redis takes for an integer */
    expect(fd, "SET n 9223372036854775807\r\nINCR n\r\n",
           "+OK\r\n-ERR increment or decrement would overflow\r\n");
    expect(fd, "SET n -9223372036854775808\r\nINCR n\r\n",
           "+OK\r\n:-9223372036854775807\r\n");
    expect(fd, "SET n 99999999999999999999\r\nINCR n\r\n",
           "+OK\r\n-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET n +5\r\nINCR n\r\n",
           "+OK\r\n-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET n 05\r\nINCR n\r\n",
           "+OK\r\n-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET n -0\r\nINCR n\r\n",
           "+OK\r\n-ERR value is not an integer or out of range\r\n");
    expect(fd, "*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$2\r\n 5\r\nINCR n\r\n",
           "+OK\r\n-ERR value is not an integer or out of range\r\n");
    expect(fd, "SET n -1\r\nINCR n\r\nINCR n\r\n", "+OK\r\n:0\r\n:1\r\n");
    close(fd);
    /* lengths past a long, or past the limits */
    fd = dial(&s);
    expect_close(fd, "*9223372036854775808\r\n", 22,
                 "-ERR Protocol error: invalid multibulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*99999999999999999999\r\n", 23,
                 "-ERR Protocol error: invalid multibulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*1\r\n$9223372036854775807\r\n", 26,
                 "-ERR Protocol error: invalid bulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect_close(fd, "*1\r\n$18446744073709551617\r\n", 27,
                 "-ERR Protocol error: invalid bulk length\r\n");
    close(fd);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
    stop(&s);
}

/* Redis's errors for an unknown command and a wrong number of
 * arguments, word for word; CR and LF in what the client sent become
 * spaces, so that one bad command gets one reply line. */
static void resp_error_replies(void)
{
    static char req[1024], rep[1024];
    server s;
    int fd, n;

    start(&s, "resp-server", NULL);
    fd = dial(&s);
    expect(fd, "*3\r\n$3\r\nf\no\r\n$3\r\na\rb\r\n$1\r\nc\r\nPING\r\n",
           "-ERR unknown command 'f o', with args beginning with: 'a b' "
           "'c' \r\n+PONG\r\n");
    expect(fd, "*1\r\n$4\r\n\r\n\r\n\r\nPING\r\n",
           "-ERR unknown command '    ', with args beginning with: \r\n"
           "+PONG\r\n");
    expect(fd, "FOO a b\r\n",
           "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' "
           "\r\n");
    send_all(fd, "*2\r\n$3\r\nf\0o\r\n$3\r\na\0b\r\n", 22);
    expect(fd, "",
           "-ERR unknown command 'f', with args beginning with: 'a' \r\n");
    expect(fd, "*2\r\n$3\r\nfoo\r\n$0\r\n\r\n",
           "-ERR unknown command 'foo', with args beginning with: '' \r\n");
    /* the name cut at 128 bytes, the arguments at 128 with the quotes */
    n = sprintf(req, "*4\r\n$200\r\n");
    memset(req + n, 'x', 200);
    n += 200;
    n += sprintf(req + n, "\r\n$100\r\n");
    memset(req + n, 'a', 100);
    n += 100;
    n += sprintf(req + n, "\r\n$100\r\n");
    memset(req + n, 'b', 100);
    n += 100;
    n += sprintf(req + n, "\r\n$1\r\nc\r\n");
    req[n] = '\0';
    n = sprintf(rep, "-ERR unknown command '");
    memset(rep + n, 'x', 128);
    n += 128;
    n += sprintf(rep + n, "', with args beginning with: '");
    memset(rep + n, 'a', 100);
    n += 100;
    n += sprintf(rep + n, "' '");
    memset(rep + n, 'b', 25);
    n += 25;
    sprintf(rep + n, "' \r\n");
    expect(fd, req, rep);
    /* arity, with each command's name as Redis spells it */
    expect(fd, "GET\r\n",
           "-ERR wrong number of arguments for 'get' command\r\n");
    expect(fd, "get a b\r\n",
           "-ERR wrong number of arguments for 'get' command\r\n");
    expect(fd, "SeT a\r\n",
           "-ERR wrong number of arguments for 'set' command\r\n");
    expect(fd, "MSET a\r\n",
           "-ERR wrong number of arguments for 'mset' command\r\n");
    expect(fd, "MSET a b c\r\n",
           "-ERR wrong number of arguments for 'mset' command\r\n");
    expect(fd, "PING a b\r\n",
           "-ERR wrong number of arguments for 'ping' command\r\n");
    expect(fd, "INCR a b\r\n",
           "-ERR wrong number of arguments for 'incr' command\r\n");
    expect(fd, "DBSIZE x\r\n",
           "-ERR wrong number of arguments for 'dbsize' command\r\n");
    expect(fd, "MGET\r\nDEL\r\nEXISTS\r\nECHO\r\n",
           "-ERR wrong number of arguments for 'mget' command\r\n"
           "-ERR wrong number of arguments for 'del' command\r\n"
           "-ERR wrong number of arguments for 'exists' command\r\n"
           "-ERR wrong number of arguments for 'echo' command\r\n");
    expect(fd, "CONFIG\r\n",
           "-ERR wrong number of arguments for 'config' command\r\n");
    expect(fd, "CONFIG GET\r\n",
           "-ERR wrong number of arguments for 'config|get' command\r\n");
    expect(fd, "*2\r\n$6\r\nCONFIG\r\n$3\r\nS\nT\r\n",
           "-ERR unknown subcommand 'S T'. Try CONFIG HELP.\r\n");
    expect(fd, "FLUSHALL x\r\n", "-ERR syntax error\r\n");
    expect(fd, "FLUSHALL ASYNC\r\nFLUSHDB sync\r\n", "+OK\r\n+OK\r\n");
    expect(fd, "PING\r\n", "+PONG\r\n");
    expect_close(fd, "QUIT now\r\n", 10, "+OK\r\n");
    close(fd);
    stop(&s);
}

/* Read an array of count bulk strings of n bytes of ch. */
static void expect_bulks(int fd, int count, size_t n, char ch)
{
    static char buf[8 << 20], want[8 << 20];
    char head[32];
    size_t k;
    int j, closed;

    T_ASSERT(n + 2 <= sizeof buf);
    memset(want, ch, n);
    memcpy(want + n, "\r\n", 2);
    k = (size_t)sprintf(head, "*%d\r\n", count);
    T_EQ(recv_n(fd, buf, k, 0, &closed), k);
    T_ASSERT(memcmp(buf, head, k) == 0);
    for (j = 0; j < count; j++) {
        k = (size_t)sprintf(head, "$%lu\r\n", (unsigned long)n);
        T_EQ(recv_n(fd, buf, k, 0, &closed), k);
        T_ASSERT(memcmp(buf, head, k) == 0);
        T_EQ(recv_n(fd, buf, n + 2, 0, &closed), n + 2);
        T_ASSERT(memcmp(buf, want, n + 2) == 0);
    }
}

/* Read and drop what comes until the peer closes or 10 s pass: 1 when
 * it closed. */
static int until_closed(int fd)
{
    static char buf[1 << 16];
    int i;

    for (i = 0; i < 100; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 100) != 1)
            continue;
        r = recv(fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno == ECONNRESET))
            return 1;
    }
    return 0;
}

/*
 * A 1 MB value named 500 times in one MGET of 5 KB: a reply of 500 MB,
 * past the output limit (64 MiB by default). The client is closed at
 * once, the server says so in one line naming it and the limit, its
 * memory stays near what it was, and the other clients are served
 * meanwhile and after.
 */
static void resp_output_limit(void)
{
    static char req[8192], log[1024], want[256];
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    server s;
    int a, b, n, i;
    long idle;

    start_logged(&s, "resp-server", NULL);
    a = dial(&s);
    set_big(a, "big", 1000000, 'x');
    idle = rss_kb(&s);
    b = dial(&s);
    T_EQ(getsockname(b, (struct sockaddr *)&me, &len), 0);
    n = sprintf(req, "*501\r\n$4\r\nMGET\r\n");
    for (i = 0; i < 500; i++)
        n += sprintf(req + n, "$3\r\nbig\r\n");
    send_all(b, req, (size_t)n);
    nap_ms(300);
    expect(a, "PING\r\n", "+PONG\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    T_ASSERT(until_closed(b));
    close(b);
    T_ASSERT(rss_kb(&s) < idle + 16384);
    snprintf(want, sizeof want,
             "resp-server: client 127.0.0.1:%d closed: its replies went "
             "over --client-output-limit 67108864\n",
             ntohs(me.sin_port));
    read_log(&s, log, sizeof log, 500);
    T_STREQ(log, want);
    send_all(a, "MGET big\r\n", 10);
    expect_bulks(a, 1, 1000000, 'x');
    close(a);
    a = dial(&s);
    expect(a, "PING\r\n", "+PONG\r\n");
    close(a);
    stop(&s);
}

/*
 * A reply of 40 MB, within the limit, to a client that reads it: it
 * goes out as the connection's writer fills, so that the server never
 * holds it whole; the values are those of when the command ran, even
 * when the key changes while they are sent.
 */
static void resp_output_streamed(void)
{
    static char req[8192];
    server s;
    int a, b, n, i;
    long idle;

    start(&s, "resp-server", NULL);
    a = dial(&s);
    set_big(a, "big", 1000000, 'x');
    idle = rss_kb(&s);
    b = dial(&s);
    n = sprintf(req, "*41\r\n$4\r\nMGET\r\n");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, "$3\r\nbig\r\n");
    send_all(b, req, (size_t)n);
    nap_ms(300);
    expect(a, "SET big small\r\n", "+OK\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    expect_bulks(b, 40, 1000000, 'x');
    T_ASSERT(rss_kb(&s) < idle + 16384);
    expect(b, "GET big\r\n", "$5\r\nsmall\r\n");
    close(a);
    close(b);
    stop(&s);
}

/* With --timeout, a client that stops reading a long reply is dropped
 * as an idle one is. */
static void resp_idle_reader(void)
{
    static const char *const args[] = {"--timeout", "1", NULL};
    static char req[8192], buf[1 << 16];
    server s;
    int a, b, n, i, closed = 0;
    size_t got = 0;

    start(&s, "resp-server", args);
    a = dial(&s);
    set_big(a, "big", 1000000, 'x');
    b = dial(&s);
    n = sprintf(req, "*41\r\n$4\r\nMGET\r\n");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, "$3\r\nbig\r\n");
    send_all(b, req, (size_t)n);
    for (i = 0; i < 6; i++) { /* 3 s, a as busy as ever */
        expect(a, "PING\r\n", "+PONG\r\n");
        nap_ms(500);
    }
    for (;;) {
        ssize_t r = recv(b, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno == ECONNRESET)) {
            closed = 1;
            break;
        }
        if (r < 0)
            break;
        got += (size_t)r;
    }
    T_EQ(closed, 1);
    T_ASSERT(got < 40000000);
    close(a);
    close(b);
    stop(&s);
}

/*
 * Buffers that one big command grew go back to their idle size: a
 * client that stays after a SET of 40 MB and a DEL of it, three that
 * send such a SET at once and leave, one that leaves in the middle of
 * its value, and an ECHO of 40 MB leave the server's memory near where
 * it was.
 */
static void resp_buffers_shrink(void)
{
    static const char *const args[] = {"--max-bulk", "50000000", NULL};
    static const size_t big = 40000000;
    server s;
    int a, b[3], i;
    long idle, during;
    char key[16], asan[512];
    const char *was = getenv("ASAN_OPTIONS");

    /* (a server built with AddressSanitizer would keep what it frees
     * for a while: not this one) */
    snprintf(asan, sizeof asan, "%s%squarantine_size_mb=0",
             was != NULL ? was : "", was != NULL && *was ? ":" : "");
    T_EQ(setenv("ASAN_OPTIONS", asan, 1), 0);
    start(&s, "resp-server", args);
    a = dial(&s);
    expect(a, "PING\r\n", "+PONG\r\n");
    idle = rss_kb(&s);
    set_big(a, "k", big, 'a');
    T_ASSERT(rss_kb(&s) > idle + 30000);
    expect(a, "DEL k\r\n", ":1\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    for (i = 0; i < 3; i++) {
        b[i] = dial(&s);
        sprintf(key, "k%d", i);
        send_set_big(b[i], key, big, (char)('a' + i));
    }
    for (i = 0; i < 3; i++)
        expect(b[i], "", "+OK\r\n");
    during = rss_kb(&s);
    T_ASSERT(during > idle + 100000);
    for (i = 0; i < 3; i++)
        close(b[i]);
    nap_ms(200);
    T_ASSERT(rss_kb(&s) < idle + 130000); /* the values are still there */
    expect(a, "FLUSHALL\r\n", "+OK\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    /* one that leaves in the middle of its value */
    b[0] = dial(&s);
    {
        static char part[1 << 20];
        const char *head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000000\r\n";
        send_all(b[0], head, strlen(head));
        memset(part, 'p', sizeof part);
        for (i = 0; i < 30; i++)
            send_all(b[0], part, sizeof part);
    }
    expect(a, "PING\r\n", "+PONG\r\n");
    T_ASSERT(rss_kb(&s) > idle + 16384);
    close(b[0]);
    nap_ms(200);
    T_ASSERT(rss_kb(&s) < idle + 16384);
    expect(a, "DBSIZE\r\n", ":0\r\n");
    /* an ECHO of 40 MB: the reply's copy goes once sent */
    {
        char *req = malloc(big + 64), head[32];
        size_t k = (size_t)sprintf(req, "*2\r\n$4\r\nECHO\r\n$%lu\r\n",
                                   (unsigned long)big);
        int closed;
        T_ASSERT(req != NULL);
        memset(req + k, 'e', big);
        memcpy(req + k + big, "\r\n", 2);
        send_all(a, req, k + big + 2);
        k = (size_t)sprintf(head, "$%lu\r\n", (unsigned long)big);
        T_EQ(recv_n(a, req, k + big + 2, 0, &closed), k + big + 2);
        T_ASSERT(memcmp(req, head, k) == 0 && req[k] == 'e' &&
                 req[k + big - 1] == 'e');
        free(req);
    }
    expect(a, "PING\r\n", "+PONG\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    close(a);
    stop(&s);
}

/*
 * --maxmemory: past it, the commands that grow the data set get Redis's
 * answer, and reads, DEL and FLUSHALL still work; after a DEL there is
 * room again.
 */
static void resp_maxmemory(void)
{
    static const char *const args[] = {"--maxmemory", "10000000", NULL};
    static const char oom[] =
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    server s;
    int a, i, n = 0;
    char key[16], want[64];

    start(&s, "resp-server", args);
    a = dial(&s);
    for (i = 0; i < 20 && n == 0; i++) {
        sprintf(key, "k%d", i);
        send_set_big(a, key, 1000000, 'v');
        if (i < 9) { /* 9 MB and a little more fit in 10 */
            expect(a, "", "+OK\r\n");
        } else {
            expect(a, "", oom);
            n = i;
        }
    }
    T_EQ(n, 9);
    expect(a, "SET small v\r\n", "+OK\r\n"); /* that one still fits */
    expect(a, "INCR small\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(a, "MSET a 1 b 2\r\n", "+OK\r\n");
    send_set_big(a, "k9", 1000000, 'v');
    expect(a, "", oom);
    expect(a, "GET k9\r\nEXISTS k0 k8 k9\r\n", "$-1\r\n:2\r\n");
    sprintf(want, "*2\r\n$1\r\n1\r\n$1\r\nv\r\n");
    expect(a, "MGET a small\r\n", want);
    expect(a, "DBSIZE\r\n", ":12\r\n");
    /* room again */
    expect(a, "DEL k0\r\n", ":1\r\n");
    set_big(a, "k9", 1000000, 'w');
    send_set_big(a, "k10", 1000000, 'v');
    expect(a, "", oom);
    expect(a, "FLUSHALL\r\n", "+OK\r\n");
    set_big(a, "k10", 1000000, 'v');
    expect(a, "INCR n\r\nDBSIZE\r\n", ":1\r\n:2\r\n");
    close(a);
    stop(&s);
}

/* The server's side of the connection fd in /proc/net/tcp: its timer
 * ("tr": 2 for keepalive) and the time left on it, in hundredths of a
 * second. */
static void server_timer(const server *s, int fd, int *tr, long *when)
{
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    char line[512];
    FILE *f;
    int found = 0;

    T_EQ(getsockname(fd, (struct sockaddr *)&me, &len), 0);
    f = fopen("/proc/net/tcp", "r");
    T_ASSERT(f != NULL);
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned lport, rport, st, t;
        unsigned long w;
        if (sscanf(line, "%*d: %*x:%x %*x:%x %x %*x:%*x %x:%lx", &lport,
                   &rport, &st, &t, &w) == 5 &&
            lport == (unsigned)s->port && rport == ntohs(me.sin_port) &&
            st == 1) {
            *tr = (int)t;
            *when = (long)w;
            found = 1;
        }
    }
    fclose(f);
    T_ASSERT(found);
}

/*
 * --tcp-keepalive SECONDS sets keepalive on each client's socket as
 * Redis does (idle time, then probes every third of it): the kernel's
 * keepalive timer on the server's side, seen in /proc/net/tcp, never
 * shows more than the idle time, also after the first probe. 300 by
 * default; 0 turns it off.
 */
static void resp_tcp_keepalive(void)
{
    static const char *const off[] = {"--tcp-keepalive", "0", NULL};
    static const char *const three[] = {"--tcp-keepalive", "3", NULL};
    server s;
    int fd, tr, i;
    long when;

    start(&s, "resp-server", NULL);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    server_timer(&s, fd, &tr, &when);
    T_EQ(tr, 2);
    T_ASSERT(when > 29000 && when <= 30000);
    close(fd);
    stop(&s);

    start(&s, "resp-server", off);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    server_timer(&s, fd, &tr, &when);
    T_EQ(tr, 0);
    close(fd);
    stop(&s);

    start(&s, "resp-server", three);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    server_timer(&s, fd, &tr, &when);
    T_EQ(tr, 2);
    T_ASSERT(when > 200 && when <= 300);
    for (i = 0; i < 50; i++) { /* 5 s: the first probe at 3 s, answered */
        nap_ms(100);
        server_timer(&s, fd, &tr, &when);
        T_EQ(tr, 2);
        T_ASSERT(when <= 300);
    }
    expect(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
    stop(&s);
}

/* An option's value that is not a whole number in its range is refused
 * with the usage (status 2), never taken as 0 or as a wrapped number. */
static void resp_bad_options(void)
{
    static const char *const bad[][3] = {
        {"--port", "abc", NULL},
        {"--port", "70000", NULL},
        {"--port", "-1", NULL},
        {"--port", "1e3", NULL},
        {"--max-clients", "0", NULL},
        {"--max-clients", "4294967297", NULL},
        {"--max-clients", "99999999999999999999", NULL},
        {"--max-bulk", "-1", NULL},
        {"--max-bulk", "1k", NULL},
        {"--max-args", "0", NULL},
        {"--max-args", "18446744073709551616", NULL},
        {"--timeout", "x", NULL},
        {"--timeout", "9223372036854775807", NULL},
        {"--busy-poll", "1000001", NULL},
        {"--client-output-limit", "-1", NULL},
        {"--maxmemory", "10mb", NULL},
        {"--tcp-keepalive", "32768", NULL},
        {"--tcp-keepalive", " 5", NULL},
        {"--send-timeout", "-1", NULL},
        {"--send-timeout", "1000000001", NULL},
        {"--port", NULL, NULL},
        {"--nosuch", "1", NULL},
    };
    expect_refused("resp-server", bad, sizeof bad / sizeof bad[0]);
}

const t_case t_cases_e2e_resp[] = {
    T_CASE(resp_commands),
    T_CASE(resp_partial_and_pipelined),
    T_CASE(resp_busy_poll),
    T_CASE(resp_bad_requests),
    T_CASE(resp_big_value),
    T_CASE(resp_idle_client),
    T_CASE(resp_expiry_and_limits),
    T_CASE(resp_integers),
    T_CASE(resp_error_replies),
    T_CASE(resp_output_limit),
    T_CASE(resp_output_streamed),
    T_CASE(resp_idle_reader),
    T_CASE(resp_buffers_shrink),
    T_CASE(resp_maxmemory),
    T_CASE(resp_tcp_keepalive),
    T_CASE(resp_bad_options),
    T_END,
};
