/*
 * test/e2e_hostile.c: what a hostile client does to samples/resp-server
 * and samples/http-server, gathered in one place so that none of it can
 * come back. Each case starts a server on an ephemeral loopback port,
 * attacks it over real sockets, then checks that it still serves a
 * normal client and that its descriptors (/proc/PID/fd) are back where
 * they were before the attack: no slot, socket or file is left behind.
 * Bounds are generous and only say that something happens at all, never
 * how fast. The attacks, against both servers where both apply:
 *
 *   malformed    every kind of bad request (RESP: type bytes, negative,
 *                huge and overflowing lengths, CR LF missing, arrays in
 *                arrays, NUL; HTTP: request lines, versions, field
 *                lines, obs-fold, NUL and bare CR, Content-Length and
 *                Transfer-Encoding together or twice, chunk sizes,
 *                trailers), each answered with its error and closed
 *   truncated    a request cut at each of its bytes, closed or reset
 *   oversized    past --max-args, --max-body, --max-header
 *   garbage      random bytes, and random bytes of the protocol's own
 *   traversal    escaped ways out of the HTTP root
 *   churn        thousands of connections opened and closed, reset
 *                (SO_LINGER 0), half closed, left unread
 *   max_clients  200 clients past --max-clients
 *   out_of_descriptors
 *                more clients than the process has descriptors for
 *   slowloris    requests a byte a second on many connections, and
 *                connections that send nothing: cut by the request or
 *                idle timeout while the others are served
 *   more_after_close, more_after_quit
 *                more sent after a request that ends the connection:
 *                the reply is not lost to a reset
 *   never_reads  clients that ask for long replies and never read, as
 *                many as --max-clients: freed by --send-timeout (and,
 *                _off, held for good without it)
 *
 * Attacks covered by the other end-to-end tables, and not repeated here:
 *
 *   resp-server
 *     e2e_resp.c resp_bad_requests    a bad bulk length, a bulk past
 *                                     --max-bulk, a multibulk past
 *                                     --max-args, '+' for '$', a bulk
 *                                     not followed by CR LF, a line past
 *                                     the reader's buffer; a good
 *                                     command pipelined before a bad one
 *     e2e_resp.c resp_integers        lengths past a long, SET ... EX
 *                                     and PX past the clock, INCR
 *                                     overflow
 *     e2e_resp.c resp_error_replies   CR, LF and NUL in unknown command
 *                                     names and their arguments
 *     e2e_resp.c resp_output_limit    MGET of a 1 MB key 500 times (the
 *                                     client output limit)
 *     e2e_resp.c resp_idle_reader     a client that stops reading, with
 *                                     --timeout
 *     e2e_resp.c resp_buffers_shrink  big commands, and a client that
 *                                     leaves in the middle of one
 *     e2e_resp.c resp_maxmemory       a data set past --maxmemory
 *     e2e_resp_unit.c                 keys chosen to collide
 *   http-server
 *     e2e_http.c http_root_confined,  symbolic links out of the root
 *       http_root_confined_walk       (absolute, relative, through a
 *                                     directory's index.html), "..",
 *                                     FIFOs under the root
 *     e2e_http.c http_replies_before_error
 *                                     good requests pipelined before a
 *                                     bad one
 *     e2e_http.c http_persistence     HTTP/1.0 keep-alive
 *     e2e_http.c http_framing         trailers past --max-header, a
 *                                     Content-Length "1 2", chunked
 *                                     twice, a long chunk-size line
 *     e2e_http.c http_slow_and_idle   one slow and one idle client
 *     e2e_http.c http_unread_reply    a big echo that is not taken
 *     e2e_http.c http_buffers_shrink  big bodies
 *   both
 *     e2e_fair.c                      the flood: a client that streams
 *                                     pipelined requests without pause
 *                                     never starves another
 *
 * (Hosted only.)
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

/* -- the target ------------------------------------------------------------ */

/* A server under attack, and what it looked like before. */
typedef struct {
    server s;
    int fds;    /* the descriptors it has open with no client */
    int http;   /* it speaks HTTP (else RESP) */
} target;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* On a new connection, what a normal client asks: 1 when it was served
 * (PING, or GET /hello), 0 when it was refused or closed. */
static int try_normal(target *t)
{
    char buf[256];
    int fd = dial(&t->s), ok, closed;

    if (t->http) {
        ok = exchange(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 32, buf,
                      sizeof buf) == 200 &&
             strcmp(buf, "Hello, world!\n") == 0;
    } else {
        send(fd, "PING\r\n", 6, MSG_NOSIGNAL);
        ok = recv_n(fd, buf, 7, 0, &closed) == 7 &&
             memcmp(buf, "+PONG\r\n", 7) == 0;
    }
    close(fd);
    return ok;
}

/* Wait up to ms for a normal client to be served: 1 when it was. */
static int served_within(target *t, long ms)
{
    long end = now_ms() + ms;

    do {
        if (try_normal(t))
            return 1;
        nap_ms(50);
    } while (now_ms() < end);
    return 0;
}

/* A normal client is served (within 5 s: the server may have attackers
 * to let go first), and then the server has the descriptors it had
 * before the attack. */
static void still_serving(target *t)
{
    T_ASSERT(served_within(t, 5000));
    T_EQ(fds_back_to(&t->s, t->fds), t->fds);
}

/* Start the sample name with args (its standard error in a pipe when
 * logged), count its descriptors, and see it serve. */
static void up(target *t, const char *name, const char *const *args,
               int logged)
{
    if (logged)
        start_logged(&t->s, name, args);
    else
        start(&t->s, name, args);
    t->http = strcmp(name, "http-server") == 0;
    t->fds = open_fds(&t->s);
    still_serving(t);
}

/* A last check, and stop. */
static void down(target *t)
{
    still_serving(t);
    stop(&t->s);
}

/* A socket connected to the server whose receive buffer is small, so
 * that a reply it does not read fills it soon. */
static int dial_small(const target *t)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;

    T_ASSERT(fd >= 0);
    T_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)t->s.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Close fd with a reset (SO_LINGER 0) rather than a FIN. */
static void reset_on_close(int fd)
{
    struct linger l;

    l.l_onoff = 1;
    l.l_linger = 0;
    T_EQ(setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l), 0);
}

/* Whether the server has closed (or reset) fd, looking for ms at most;
 * what it sent before is read and dropped. */
static int closed_within(int fd, long ms)
{
    static char buf[1 << 16];
    long end = now_ms() + ms;

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        long left = end - now_ms();
        ssize_t r;
        if (poll(&p, 1, left > 0 ? (int)left : 0) != 1)
            return 0;
        r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return 1;
    }
}

/* A request of its bytes and length, for tables (NUL bytes allowed). */
#define R(s) s, sizeof s - 1

/* An HTTP root with a file of 64 MB ("big", sparse: nothing is
 * written). */
static char www[64];

static void make_www(void)
{
    char p[128];
    int fd;

    strcpy(www, "/tmp/hop-hostile-XXXXXX");
    T_ASSERT(mkdtemp(www) != NULL);
    snprintf(p, sizeof p, "%s/big", www);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T_ASSERT(fd >= 0);
    T_EQ(ftruncate(fd, 64L << 20), 0);
    close(fd);
}

static void drop_www(void)
{
    char p[128];

    snprintf(p, sizeof p, "%s/big", www);
    unlink(p);
    rmdir(www);
}

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
 * malformed cases and in e2e_resp.c. */
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
 * connection that stays open. (Links out and FIFOs: e2e_http.c.)
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

/* -- both: churn, slots, slowloris ----------------------------------------- */

/*
 * Connection churn: 2000 connections opened and closed at once, 500
 * that send a request and close without reading the reply, 500 reset
 * (SO_LINGER 0) in the middle of a request, 200 half closed after a
 * whole request (each gets its reply, then the end of the stream), and
 * 100 open at once, then reset together. req is one whole request, rep
 * the start of its reply.
 */
static void churn(target *t, const char *req, const char *rep)
{
    static char buf[4096];
    size_t n = strlen(req), m = strlen(rep);
    int fd[100], i, closed;

    for (i = 0; i < 2000; i++)
        close(dial(&t->s));
    for (i = 0; i < 500; i++) {
        fd[0] = dial(&t->s);
        send_all(fd[0], req, n);
        close(fd[0]);
    }
    for (i = 0; i < 500; i++) {
        fd[0] = dial(&t->s);
        reset_on_close(fd[0]);
        send_all(fd[0], req, n / 2);
        close(fd[0]);
    }
    for (i = 0; i < 200; i++) {
        fd[0] = dial(&t->s);
        send_all(fd[0], req, n);
        T_EQ(shutdown(fd[0], SHUT_WR), 0);
        T_ASSERT(recv_n(fd[0], buf, m, 0, &closed) == m);
        T_ASSERT(memcmp(buf, rep, m) == 0);
        T_ASSERT(closed_within(fd[0], 5000));
        close(fd[0]);
    }
    for (i = 0; i < 100; i++)
        fd[i] = dial(&t->s);
    T_ASSERT(try_normal(t));
    for (i = 0; i < 100; i++) {
        reset_on_close(fd[i]);
        close(fd[i]);
    }
    still_serving(t);
}

static void hostile_resp_churn(void)
{
    target t;

    up(&t, "resp-server", NULL, 0);
    churn(&t, "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n", "$5\r\nhello\r\n");
    down(&t);
}

static void hostile_http_churn(void)
{
    target t;

    up(&t, "http-server", NULL, 0);
    churn(&t, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 200 OK\r\n");
    down(&t);
}

enum { SLOTS = 4 }; /* --max-clients of the cases below */

/*
 * Clients past --max-clients: with every slot taken, 200 more are each
 * told so (full: the start of what they are told) and closed, while the
 * clients in the slots are served throughout; once one leaves, a new
 * client takes its slot.
 */
static void past_max_clients(target *t, const char *full)
{
    static char buf[256];
    size_t n = strlen(full);
    int fd[SLOTS], i, extra, closed;

    for (i = 0; i < SLOTS; i++) {
        fd[i] = dial(&t->s);
        if (t->http)
            T_EQ(exchange(fd[i], "GET /hello HTTP/1.1\r\n\r\n", 23, buf,
                          sizeof buf),
                 200);
        else
            expect(fd[i], "PING\r\n", "+PONG\r\n");
    }
    for (i = 0; i < 200; i++) {
        extra = dial(&t->s);
        T_EQ(recv_n(extra, buf, n, 0, &closed), n);
        T_ASSERT(memcmp(buf, full, n) == 0);
        T_ASSERT(closed_within(extra, 5000));
        close(extra);
        if (i % 50 == 0 && t->http)
            T_EQ(exchange(fd[i % SLOTS], "GET /hello HTTP/1.1\r\n\r\n", 23,
                          buf, sizeof buf),
                 200);
        else if (i % 50 == 0)
            expect(fd[i % SLOTS], "PING\r\n", "+PONG\r\n");
    }
    T_ASSERT(!try_normal(t));
    close(fd[0]);
    T_ASSERT(served_within(t, 5000));
    for (i = 1; i < SLOTS; i++)
        close(fd[i]);
    still_serving(t);
}

static void hostile_resp_max_clients(void)
{
    static const char *const args[] = {"--max-clients", "4", NULL};
    target t;

    up(&t, "resp-server", args, 0);
    past_max_clients(&t, "-ERR max number of clients reached\r\n");
    down(&t);
}

static void hostile_http_max_clients(void)
{
    static const char *const args[] = {"--max-clients", "4", NULL};
    target t;

    up(&t, "http-server", args, 0);
    past_max_clients(&t, "HTTP/1.1 503 Service Unavailable\r\n");
    down(&t);
}

/*
 * More clients than the server has descriptors for (its soft limit made
 * 32 once it runs, with --max-clients 1024): accept fails with EMFILE,
 * and the server waits for some to leave (the others wait in the listen
 * queue) instead of stopping or spinning; once they leave, it serves
 * again, with its descriptors back where they were.
 */
static void out_of_descriptors(const char *name)
{
    struct rlimit r;
    target t;
    int fd[64], i;

    up(&t, name, NULL, 0);
    T_EQ(prlimit(t.s.pid, RLIMIT_NOFILE, NULL, &r), 0);
    r.rlim_cur = 32;
    T_EQ(prlimit(t.s.pid, RLIMIT_NOFILE, &r, NULL), 0);
    for (i = 0; i < 64; i++)
        fd[i] = dial(&t.s);
    nap_ms(300);
    T_ASSERT(open_fds(&t.s) < t.fds + 64); /* (not all taken) */
    for (i = 0; i < 64; i++)
        close(fd[i]);
    still_serving(&t);
    down(&t);
}

static void hostile_resp_out_of_descriptors(void)
{
    out_of_descriptors("resp-server");
}

static void hostile_http_out_of_descriptors(void)
{
    out_of_descriptors("http-server");
}

enum { SLOW = 24 }; /* slowloris connections */

/*
 * Slowloris: SLOW connections each send a request one byte a second
 * (after the fast part of it, sent at once), or nothing at all; the
 * requests alternate among the n pairs of fast[] and slow[]. Meanwhile
 * a normal client is served five times a second, and within 8 s the
 * server has closed every slow connection (its request or idle
 * timeout: a few seconds).
 */
static void slowloris(target *t, const char *const *fast,
                      const char *const *slow, int n)
{
    int fd[SLOW], open_ = SLOW, i;
    size_t sent = 0;
    long start = now_ms(), next = start;

    for (i = 0; i < SLOW; i++) {
        fd[i] = dial(&t->s);
        send_all(fd[i], fast[i % n], strlen(fast[i % n]));
    }
    while (open_ > 0 && now_ms() - start < 8000) {
        if (now_ms() >= next) { /* one more byte each */
            for (i = 0; i < SLOW; i++)
                if (fd[i] >= 0 && sent < strlen(slow[i % n]))
                    (void)send(fd[i], slow[i % n] + sent, 1, MSG_NOSIGNAL);
            sent++;
            next += 1000;
        }
        T_ASSERT(try_normal(t));
        for (i = 0; i < SLOW; i++) {
            if (fd[i] >= 0 && closed_within(fd[i], 0)) {
                close(fd[i]);
                fd[i] = -1;
                open_--;
            }
        }
        nap_ms(200);
    }
    T_EQ(open_, 0);
    still_serving(t);
}

static void hostile_resp_slowloris(void)
{
    static const char *const args[] = {"--timeout", "2", NULL};
    static const char *const fast[] = {"", "", "*2\r\n$4\r\nECHO\r\n",
                                       ""};
    static const char *const slow[] = {"*1\r\n$4\r\nPING\r\n",
                                       "PING and more\r\n",
                                       "$100\r\n0123456789", ""};
    target t;

    up(&t, "resp-server", args, 0);
    slowloris(&t, fast, slow, 4);
    down(&t);
}

static void hostile_http_slowloris(void)
{
    static const char *const args[] = {"--request-timeout", "2",
                                       "--idle-timeout", "3", NULL};
    static const char *const fast[] = {
        "",
        "GET /hello HTTP/1.1\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\n",
        "",
    };
    static const char *const slow[] = {
        "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n",
        "Host: t\r\nX-Slow: 0123456789\r\n\r\n",
        "0123456789012345678901234567890123456789",
        "",
    };
    target t;

    up(&t, "http-server", args, 0);
    slowloris(&t, fast, slow, 4);
    down(&t);
}

/* -- a close the client did not wait for ----------------------------------- */

/*
 * On a connection whose receive buffer is small, send req, then (while
 * the server is busy with its long reply) more; then read everything up
 * to the end of the stream, and return how many bytes came, the first
 * cap - 1 of them in first (a string). A reset on the way fails. A
 * server that closes a socket with bytes it has not read makes the
 * kernel reset the connection and drop the reply still queued: it must
 * read and drop them first (a lingering close).
 */
static size_t more_after_close(target *t, const char *req, const char *more,
                               char *first, size_t cap)
{
    static char buf[1 << 16];
    size_t got = 0, k;
    int fd = dial_small(t);

    send_all(fd, req, strlen(req));
    nap_ms(200);
    send_all(fd, more, strlen(more));
    nap_ms(200);
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        T_ASSERT(poll(&p, 1, 5000) == 1);
        r = recv(fd, buf, sizeof buf, 0);
        if (r == 0)
            break;
        if (r < 0)
            fprintf(stderr, "%s after %lu bytes\n", strerror(errno),
                    (unsigned long)got);
        T_ASSERT(r > 0);
        if (got < cap - 1) {
            k = cap - 1 - got < (size_t)r ? cap - 1 - got : (size_t)r;
            memcpy(first + got, buf, k);
            first[got + k] = '\0';
        }
        got += (size_t)r;
    }
    close(fd);
    return got;
}

/*
 * http-server: a file of 64 MB asked for with "Connection: close" (and
 * by HTTP/1.0, without keep-alive), then, while it is sent, another
 * request: the whole file comes, then the end of the stream.
 */
static void hostile_http_more_after_close(void)
{
    static const char *const reqs[] = {
        "GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "GET /big HTTP/1.0\r\n\r\n",
    };
    static const char more[] = "GET /big HTTP/1.1\r\nHost: t\r\n\r\n";
    const char *args[] = {"--root", www, NULL};
    char head[1024];
    const char *end;
    target t;
    size_t i, got;

    make_www();
    up(&t, "http-server", args, 0);
    for (i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        got = more_after_close(&t, reqs[i], more, head, sizeof head);
        end = strstr(head, "\r\n\r\n");
        T_ASSERT(end != NULL);
        T_EQ(head_length(head), 64L << 20);
        T_EQ(got, (size_t)(end + 4 - head) + (64UL << 20));
    }
    down(&t);
    drop_www();
}

/*
 * resp-server: an MGET of 40 MB and a QUIT, then, while the reply is
 * sent, another command: the whole reply comes, and the QUIT's +OK,
 * then the end of the stream.
 */
static void hostile_resp_more_after_quit(void)
{
    static char req[512];
    char first[64];
    target t;
    int fd, n, i;

    up(&t, "resp-server", NULL, 0);
    fd = dial(&t.s);
    set_big(fd, "big", 1000000, 'x');
    close(fd);
    n = sprintf(req, "MGET");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, " big");
    sprintf(req + n, "\r\nQUIT\r\n");
    T_EQ(more_after_close(&t, req, "PING\r\n", first, sizeof first),
         5 + 40 * (10 + 1000000 + 2) + 5);
    T_ASSERT(strncmp(first, "*40\r\n$1000000\r\nxxx", 18) == 0);
    down(&t);
}

/* -- clients that never read ---------------------------------------------- */

enum { NEVER = 5 }; /* clients that never read, and --max-clients */

/*
 * NEVER clients ask resp-server for 40 MB each (MGET of a 1 MB key 40
 * times, within the client output limit) and never read, with
 * --max-clients NEVER. With --send-timeout 1 the server closes them
 * within 5 s, says so for each, and a sixth client is served; with
 * --send-timeout 0 (off) they hold every slot for good.
 */
static void never_reads_resp(const char *secs)
{
    const char *args[] = {"--max-clients", "5", "--send-timeout", secs,
                          NULL};
    static char req[512], log[4096];
    target t;
    int fd[NEVER], i, n, on = strcmp(secs, "0") != 0;
    const char *p;

    up(&t, "resp-server", args, 1);
    fd[0] = dial(&t.s);
    set_big(fd[0], "big", 1000000, 'x');
    close(fd[0]);
    T_EQ(fds_back_to(&t.s, t.fds), t.fds);
    n = sprintf(req, "MGET");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, " big");
    n += sprintf(req + n, "\r\n");
    for (i = 0; i < NEVER; i++) {
        fd[i] = dial_small(&t);
        send_all(fd[i], req, (size_t)n);
    }
    if (on) {
        T_ASSERT(served_within(&t, 5000));
        /* One line for each. */
        read_log(&t.s, log, sizeof log, 500);
        for (i = 0, p = log; (p = strstr(p, "closed: it took no byte of "
                                            "its replies for 1 s "
                                            "(--send-timeout)\n")) != NULL;
             p++)
            i++;
        T_EQ(i, NEVER);
    } else {
        nap_ms(2000);
        T_ASSERT(!try_normal(&t));
    }
    for (i = 0; i < NEVER; i++)
        close(fd[i]);
    down(&t);
}

static void hostile_resp_never_reads(void)
{
    never_reads_resp("1");
}

static void hostile_resp_never_reads_off(void)
{
    never_reads_resp("0");
}

/*
 * NEVER clients GET a file of 64 MB from http-server and never read,
 * with --max-clients NEVER and every other timeout short: the idle and
 * request timeouts do not apply while a reply is sent, so without a
 * send timeout they hold every slot, and a descriptor of the file each,
 * for good. With --send-timeout 1 the server closes them within 5 s
 * and a sixth client is served.
 */
static void never_reads_http(const char *secs)
{
    const char *args[] = {"--root", www, "--max-clients", "5",
                          "--idle-timeout", "1", "--request-timeout", "1",
                          "--send-timeout", secs, NULL};
    static const char get[] = "GET /big HTTP/1.1\r\nHost: t\r\n\r\n";
    target t;
    int fd[NEVER], i, on = strcmp(secs, "0") != 0;

    make_www();
    up(&t, "http-server", args, 0);
    for (i = 0; i < NEVER; i++) {
        fd[i] = dial_small(&t);
        send_all(fd[i], get, sizeof get - 1);
    }
    if (on) {
        T_ASSERT(served_within(&t, 5000));
    } else {
        nap_ms(2000);
        T_ASSERT(!try_normal(&t));
    }
    for (i = 0; i < NEVER; i++)
        close(fd[i]);
    down(&t);
    drop_www();
}

static void hostile_http_never_reads(void)
{
    never_reads_http("1");
}

static void hostile_http_never_reads_off(void)
{
    never_reads_http("0");
}

const t_case t_cases_e2e_hostile[] = {
    T_CASE(hostile_resp_malformed),
    T_CASE(hostile_resp_truncated),
    T_CASE(hostile_resp_oversized),
    T_CASE(hostile_resp_garbage),
    T_CASE(hostile_http_malformed),
    T_CASE(hostile_http_truncated),
    T_CASE(hostile_http_garbage),
    T_CASE(hostile_http_traversal),
    T_CASE(hostile_resp_churn),
    T_CASE(hostile_http_churn),
    T_CASE(hostile_resp_max_clients),
    T_CASE(hostile_http_max_clients),
    T_CASE(hostile_resp_out_of_descriptors),
    T_CASE(hostile_http_out_of_descriptors),
    T_CASE(hostile_resp_slowloris),
    T_CASE(hostile_http_slowloris),
    T_CASE(hostile_http_more_after_close),
    T_CASE(hostile_resp_more_after_quit),
    T_CASE(hostile_resp_never_reads),
    T_CASE(hostile_resp_never_reads_off),
    T_CASE(hostile_http_never_reads),
    T_CASE(hostile_http_never_reads_off),
    T_END,
};
