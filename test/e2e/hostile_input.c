/*
 * test/e2e/hostile_input.c: hostile input to samples/resp-server and
 * samples/http-server: malformed, truncated, oversized and garbage
 * requests, and escapes from the HTTP root (hostile.h has the map of
 * every attack and where it is tested). (Hosted only.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "e2e.h"
#include "t.h"
#include "hostile.h"

/* A request of its bytes and length, for tables (NUL bytes allowed). */
#define R(s) s, sizeof s - 1

/* -- RESP: malformed, truncated, oversized, garbage ------------------------ */

/* On a new connection, send n bytes of req: the reply is rep, then the
 * server closes; then it serves a normal client and has its
 * descriptors back. */
static void refused_resp(target *t, const char *req, size_t n,
                         const char *rep)
{
    char got[256];
    size_t want = strlen(rep);
    int fd = dial(&t->s), closed;

    send_all(fd, req, n);
    T_EQ(recv_n(fd, got, want, 1, &closed), want);
    got[want] = '\0';
    T_STREQ(got, rep);
    T_EQ(closed, 1);
    close(fd);
    still_serving(t);
}

#define PROTO "-ERR Protocol error: "

/* Malformed RESP of every kind: each gets its protocol error, and the
 * connection is closed. */
static void hostile_resp_malformed(void)
{
    static const struct {
        const char *req;
        size_t len;
        const char *rep;
    } bad[] = {
        /* another type byte where a bulk string belongs */
        {R("*1\r\n:1\r\n"), PROTO "expected '$'\r\n"},
        {R("*1\r\n-ERR\r\n"), PROTO "expected '$'\r\n"},
        {R("*1\r\n%1\r\n"), PROTO "expected '$'\r\n"},
        {R("*1\r\n\0\r\n"), PROTO "expected '$'\r\n"},
        {R("*2\r\n$3\r\nGET\r\n~1\r\n"), PROTO "expected '$'\r\n"},
        /* arrays in arrays */
        {R("*1\r\n*1\r\n*1\r\n*1\r\n$4\r\nPING\r\n"),
         PROTO "expected '$'\r\n"},
        /* negative lengths */
        {R("*-2\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*-9223372036854775808\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*1\r\n$-1\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$-2\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$-0\r\n"), PROTO "invalid bulk length\r\n"},
        /* lengths that are not numbers */
        {R("*\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*1 \r\n$4\r\nPING\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("* 1\r\n$4\r\nPING\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*1\0\r\n$4\r\nPING\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*0x1\r\n$4\r\nPING\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*1\r\n$\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$4x\r\nPING\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$+4\r\nPING\r\n"), PROTO "invalid bulk length\r\n"},
        /* huge lengths: past --max-args and --max-bulk, past an int,
         * past a long */
        {R("*1025\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*2147483648\r\n"), PROTO "invalid multibulk length\r\n"},
        {R("*1\r\n$1048577\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$4294967296\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$99999999999999999999999\r\n"),
         PROTO "invalid bulk length\r\n"},
        /* CR LF missing, or only half of it */
        {R("*1\n$4\nPING\n"), PROTO "invalid multibulk length\r\n"},
        {R("*1\r\n$4\rPING\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$4\nPING\r\n"), PROTO "invalid bulk length\r\n"},
        {R("*1\r\n$4\r\nPING\n\n"), PROTO "bulk not followed by CRLF\r\n"},
        {R("*1\r\n$4\r\nPING\r\r"), PROTO "bulk not followed by CRLF\r\n"},
        {R("*1\r\n$4\r\nPINGPING"), PROTO "bulk not followed by CRLF\r\n"},
        /* a good command first: its reply comes before the error */
        {R("PING\r\n*1\r\n:1\r\n"), "+PONG\r\n" PROTO "expected '$'\r\n"},
    };
    static char big[64 + 20000];
    target t;
    size_t i;
    int n;

    up(&t, "resp-server", NULL, 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused_resp(&t, bad[i].req, bad[i].len, bad[i].rep);
    /* A bulk bigger than the reader's buffer, read into the argument
     * buffer, then not CR LF. */
    n = sprintf(big, "*2\r\n$4\r\nECHO\r\n$20000\r\n");
    memset(big + n, 'x', 20000);
    memcpy(big + n + 20000, "XX", 2);
    refused_resp(&t, big, (size_t)n + 20002,
                 PROTO "bulk not followed by CRLF\r\n");
    down(&t);
}

/*
 * A command cut short at each of its bytes, the connection then closed
 * or reset: the server drops the connection, and runs none of it.
 */
static void hostile_resp_truncated(void)
{
    static const char set[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
    static const char inl[] = "SET k value\r\n";
    target t;
    size_t k;
    int fd;

    up(&t, "resp-server", NULL, 0);
    for (k = 1; k < sizeof set - 1; k++) {
        fd = dial(&t.s);
        if (k % 2 == 0)
            reset_on_close(fd);
        send_all(fd, set, k);
        close(fd);
    }
    for (k = 1; k < sizeof inl - 1; k++) {
        fd = dial(&t.s);
        send_all(fd, inl, k);
        close(fd);
    }
    still_serving(&t);
    fd = dial(&t.s);
    expect(fd, "EXISTS k\r\n", ":0\r\n");
    close(fd);
    down(&t);
}

/* Input past every limit: an inline command with more arguments than
 * --max-args; a line, a bulk and an array past theirs are in the
 * malformed cases and in resp.c. */
static void hostile_resp_oversized(void)
{
    static const char *const args[] = {"--max-args", "16", NULL};
    static char req[256];
    target t;
    int n, i;

    up(&t, "resp-server", args, 0);
    n = sprintf(req, "PING");
    for (i = 0; i < 17; i++)
        n += sprintf(req + n, " a");
    n += sprintf(req + n, "\r\n");
    refused_resp(&t, req, (size_t)n, PROTO "too many arguments\r\n");
    refused_resp(&t, R("*17\r\n"), PROTO "invalid multibulk length\r\n");
    down(&t);
}

/* A small deterministic generator (xorshift), for garbage that is the
 * same on every run. */
static unsigned long rnd_state = 88172645463325252UL;

static unsigned rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state >> 16);
}

/*
 * Garbage: 200 connections of random bytes (up to 4 KB; every fourth
 * made of the protocol's own bytes: *, $, digits, CR, LF), each then
 * half closed. The server answers what it makes of them, or an error,
 * and closes every one.
 */
static void garbage(target *t)
{
    static const char proto[] = "*$:+-0123456789\r\n GETPOSTHTTP/1.1";
    static char buf[4096];
    size_t n, k;
    int i, fd;

    for (i = 0; i < 200; i++) {
        n = 1 + rnd() % sizeof buf;
        for (k = 0; k < n; k++)
            buf[k] = i % 4 == 0 ? proto[rnd() % (sizeof proto - 1)]
                                : (char)rnd();
        fd = dial(&t->s);
        send_all(fd, buf, n);
        shutdown(fd, SHUT_WR);
        T_ASSERT(closed_within(fd, 5000));
        close(fd);
    }
    still_serving(t);
}

static void hostile_resp_garbage(void)
{
    target t;

    up(&t, "resp-server", NULL, 0);
    garbage(&t);
    down(&t);
}

/* -- HTTP: malformed, truncated, oversized, garbage ------------------------ */

/* On a new connection, send n bytes of req: the reply's status is
 * status, then the server closes; then it serves a normal client and
 * has its descriptors back. */
static void refused_http(target *t, const char *req, size_t n, int status)
{
    char body[512];
    int fd = dial(&t->s), got, closed;

    got = exchange(fd, req, n, body, sizeof body);
    if (got != status)
        fprintf(stderr, "%.60s: %d\n", req, got);
    T_EQ(got, status);
    T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
    T_EQ(closed, 1);
    close(fd);
    still_serving(t);
}

#define CHUNKED "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"

/* Malformed HTTP of every kind: each gets its error status, and the
 * connection is closed. */
static void hostile_http_malformed(void)
{
    static const char *const args[] = {"--max-body", "4096", "--max-header",
                                       "2048", NULL};
    static const struct {
        const char *req;
        size_t len;
        int status;
    } bad[] = {
        /* request lines */
        {R("GET /hello\r\n\r\n"), 400},
        {R("GET\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1 x\r\n\r\n"), 400},
        {R(" /hello HTTP/1.1\r\n\r\n"), 400},
        {R("GET  /hello HTTP/1.1\r\n\r\n"), 400},
        {R("GET hello HTTP/1.1\r\n\r\n"), 400},
        {R("GET * HTTP/1.1\r\n\r\n"), 400},
        {R("GET http://t/hello HTTP/1.1\r\n\r\n"), 400},
        {R("GET /%zz HTTP/1.1\r\n\r\n"), 400},
        {R("GET /%2 HTTP/1.1\r\n\r\n"), 400},
        {R("GET /hello\0.php HTTP/1.1\r\n\r\n"), 400},
        {R("GET /hel\rlo HTTP/1.1\r\n\r\n"), 400},
        {R("GET /hel\x7flo HTTP/1.1\r\n\r\n"), 400},
        {R("G\0T /hello HTTP/1.1\r\n\r\n"), 400},
        {R("G(T /hello HTTP/1.1\r\n\r\n"), 400},
        {R("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"), 400},
        /* versions */
        {R("GET /hello http/1.1\r\n\r\n"), 400},
        {R("GET /hello HTTP/2.0\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.2\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.10\r\n\r\n"), 400},
        {R("GET /hello HTTP/1\r\n\r\n"), 400},
        {R("GET /hello HTTP/0.9\r\n\r\n"), 400},
        /* header lines */
        {R("GET /hello HTTP/1.1\r\nNoColon\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\n: empty name\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX : space before the colon\r\n\r\n"),
         400},
        {R("GET /hello HTTP/1.1\r\nX: a\r\n  folded\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX: a\r\n\tfolded: b\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\n X: leading space\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX\0Y: a\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX(Y): a\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX: a\0b\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX: a\rb\r\n\r\n"), 400},
        {R("GET /hello HTTP/1.1\r\nX: a\r\rContent-Length: 5\r\n\r\n"), 400},
        {R("POST /echo HTTP/1.1\r\nExpect: nothing\r\n"
           "Content-Length: 1\r\n\r\na"),
         400},
        /* Content-Length: duplicate and conflicting, not a number */
        {R("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n"
           "Content-Length: 4\r\n\r\nabcd"),
         400},
        {R("POST /echo HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc"), 400},
        {R("POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\nabc"), 400},
        {R("POST /echo HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc"), 400},
        {R("POST /echo HTTP/1.1\r\nContent-Length: 0x3\r\n\r\nabc"), 400},
        {R("POST /echo HTTP/1.1\r\nContent-Length:\r\n\r\nabc"), 400},
        {R("POST /echo HTTP/1.1\r\n"
           "Content-Length: 99999999999999999999999\r\n\r\nabc"),
         400},
        /* Content-Length with Transfer-Encoding, either way round; codings
         * other than chunked */
        {R("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n"
           "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
         400},
        {R("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
           "Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
         400},
        {R("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
           "3\r\nabc\r\n0\r\n\r\n"),
         501},
        {R("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n"
           "\r\n3\r\nabc\r\n0\r\n\r\n"),
         501},
        {R("POST /echo HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n"),
         501},
        {R("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
           "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
         501},
        /* chunk sizes */
        {R(CHUNKED "zz\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "-1\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED " 3\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "3 x\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "0x3\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "7fffffffffffffff\r\nabc\r\n0\r\n\r\n"), 413},
        {R(CHUNKED "3\r\nabcd\r\n0\r\n\r\n"), 400},
        {R(CHUNKED "3\r\nabc0\r\n\r\n"), 400},
        /* trailers */
        {R(CHUNKED "3\r\nabc\r\n0\r\nNoColon\r\n\r\n"), 400},
        {R(CHUNKED "3\r\nabc\r\n0\r\nX: a\0b\r\n\r\n"), 400},
        {R(CHUNKED "3\r\nabc\r\n0\r\n folded\r\n\r\n"), 400},
        /* oversized: a body, chunks that add up past --max-body, a head
         * of many small lines */
        {R("POST /echo HTTP/1.1\r\nContent-Length: 4097\r\n\r\n"), 413},
        {R(CHUNKED "1001\r\n"), 413},
    };
    static char req[8192];
    target t;
    size_t i, n;
    int k;

    up(&t, "http-server", args, 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused_http(&t, bad[i].req, bad[i].len, bad[i].status);
    /* Chunks of 1 KB, past --max-body at the fifth. */
    n = (size_t)sprintf(req, CHUNKED);
    for (k = 0; k < 5; k++) {
        n += (size_t)sprintf(req + n, "400\r\n");
        memset(req + n, 'c', 1024);
        n += 1024;
        n += (size_t)sprintf(req + n, "\r\n");
    }
    refused_http(&t, req, n, 413);
    /* 600 header lines of 6 bytes, past --max-header. */
    n = (size_t)sprintf(req, "GET /hello HTTP/1.1\r\n");
    for (k = 0; k < 600; k++)
        n += (size_t)sprintf(req + n, "X: y\r\n");
    n += (size_t)sprintf(req + n, "\r\n");
    refused_http(&t, req, n, 431);
    /* A request line past --max-header, with no end. */
    memset(req, 'a', 4096);
    memcpy(req, "GET /", 5);
    refused_http(&t, req, 4096, 414);
    /* Empty lines, and nothing else. */
    for (n = 0; n < 4096; n += 2)
        memcpy(req + n, "\r\n", 2);
    refused_http(&t, req, 4096, 400);
    down(&t);
}

/*
 * A request cut short at each of its bytes (in the request line, the
 * headers, the body), the connection then closed or reset: the server
 * drops the connection.
 */
static void hostile_http_truncated(void)
{
    static const char req[] = "POST /echo HTTP/1.1\r\nHost: t\r\n"
                              "Content-Length: 5\r\n\r\nhello";
    static const char chunked[] = CHUNKED "5\r\nhello\r\n0\r\n\r\n";
    target t;
    size_t k;
    int fd;

    up(&t, "http-server", NULL, 0);
    for (k = 1; k < sizeof req - 1; k++) {
        fd = dial(&t.s);
        if (k % 2 == 0)
            reset_on_close(fd);
        send_all(fd, req, k);
        close(fd);
    }
    for (k = 1; k < sizeof chunked - 1; k++) {
        fd = dial(&t.s);
        if (k % 2 == 1)
            reset_on_close(fd);
        send_all(fd, chunked, k);
        close(fd);
    }
    down(&t);
}

static void hostile_http_garbage(void)
{
    target t;

    up(&t, "http-server", NULL, 0);
    garbage(&t);
    down(&t);
}

/*
 * Escaped ways out of the root ("%2e%2e", "%2f", "//", backslashes, "."
 * and ".." mixed): each a 404 that shows nothing of the host, on a
 * connection that stays open. (Links out and FIFOs: http_clients.c.)
 */
static void hostile_http_traversal(void)
{
    static const char *const paths[] = {
        "/%2e%2e/%2e%2e/etc/passwd", "/big/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",   "//etc/passwd",
        "/./../etc/passwd",          "/.%2e/etc/passwd",
        "/..\\..\\etc\\passwd",      "/%2fetc%2fpasswd",
        "/big/..",                   "/big/%2e%2e",
        "/big/",                     "/proc/self/environ",
    };
    const char *args[] = {"--root", www, NULL};
    char req[256], body[512];
    target t;
    size_t i;
    int fd, n;

    make_www();
    up(&t, "http-server", args, 0);
    fd = dial(&t.s);
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n",
                     paths[i]);
        T_EQ(exchange(fd, req, (size_t)n, body, sizeof body), 404);
        T_ASSERT(strstr(body, "root:") == NULL);
    }
    close(fd);
    down(&t);
    drop_www();
}

const t_case t_cases_e2e_hostile_input[] = {
    T_CASE(hostile_resp_malformed),
    T_CASE(hostile_resp_truncated),
    T_CASE(hostile_resp_oversized),
    T_CASE(hostile_resp_garbage),
    T_CASE(hostile_http_malformed),
    T_CASE(hostile_http_truncated),
    T_CASE(hostile_http_garbage),
    T_CASE(hostile_http_traversal),
    T_END,
};
