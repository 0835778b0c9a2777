/*
 * test/e2e/resp.c: samples/resp-server end to end. Each case starts the
 * server on an ephemeral loopback port, talks to it over real sockets
 * (whole requests, one byte at a time, pipelined, malformed, oversized,
 * idle), stops it with SIGTERM and checks that it exits 0 having served
 * everyone: the commands, expiry, integers, error replies. (Hosted only.)
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

/* The same with busy polling (hop_libevent_busy_poll): gaps of about a
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
    T_END,
};
