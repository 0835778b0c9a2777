/*
 * test/e2e/hostile.h: what a hostile client does to samples/resp-server
 * and samples/http-server, gathered in test/e2e/hostile_input.c and
 * test/e2e/hostile_clients.c so that none of it can come back; this
 * header holds what they share. Each case starts a server on an ephemeral loopback port,
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
 *     resp.c resp_bad_requests        a bad bulk length, a bulk past
 *                                     --max-bulk, a multibulk past
 *                                     --max-args, '+' for '$', a bulk
 *                                     not followed by CR LF, a line past
 *                                     the reader's buffer; a good
 *                                     command pipelined before a bad one
 *     resp.c resp_integers            lengths past a long, SET ... EX
 *                                     and PX past the clock, INCR
 *                                     overflow
 *     resp.c resp_error_replies       CR, LF and NUL in unknown command
 *                                     names and their arguments
 *     resp_limits.c resp_output_limit
 *                                     MGET of a 1 MB key 500 times (the
 *                                     client output limit)
 *     resp_limits.c resp_idle_reader  a client that stops reading, with
 *                                     --timeout
 *     resp_limits.c resp_buffers_shrink
 *                                     big commands, and a client that
 *                                     leaves in the middle of one
 *     resp_limits.c resp_maxmemory    a data set past --maxmemory
 *     resp_unit.c                     keys chosen to collide
 *   http-server
 *     http_clients.c http_root_confined,
 *       http_root_confined_walk       symbolic links out of the root
 *                                     (absolute, relative, through a
 *                                     directory's index.html), "..",
 *                                     FIFOs under the root
 *     http_clients.c http_replies_before_error
 *                                     good requests pipelined before a
 *                                     bad one
 *     http_clients.c http_persistence HTTP/1.0 keep-alive
 *     http_clients.c http_framing     trailers past --max-header, a
 *                                     Content-Length "1 2", chunked
 *                                     twice, a long chunk-size line
 *     http.c http_slow_and_idle       one slow and one idle client
 *     http_clients.c http_unread_reply
 *                                     a big echo that is not taken
 *     http_clients.c http_buffers_shrink
 *                                     big bodies
 *   both
 *     fair.c                          the flood: a client that streams
 *                                     pipelined requests without pause
 *                                     never starves another
 *
 * (Hosted only.)
 *
 */
#ifndef HOP_TEST_E2E_HOSTILE_H
#define HOP_TEST_E2E_HOSTILE_H

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

/* A server under attack, and what it looked like before. */
typedef struct {
    server s;
    int fds;    /* the descriptors it has open with no client */
    int http;   /* it speaks HTTP (else RESP) */
} target;

static inline long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* On a new connection, what a normal client asks: 1 when it was served
 * (PING, or GET /hello), 0 when it was refused or closed. */
static inline int try_normal(target *t)
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
static inline int served_within(target *t, long ms)
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
static inline void still_serving(target *t)
{
    T_ASSERT(served_within(t, 5000));
    T_EQ(fds_back_to(&t->s, t->fds), t->fds);
}

/* Start the sample name with args (its standard error in a pipe when
 * logged), count its descriptors, and see it serve. */
static inline void up(target *t, const char *name, const char *const *args,
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
static inline void down(target *t)
{
    still_serving(t);
    stop(&t->s);
}

/* Close fd with a reset (SO_LINGER 0) rather than a FIN. */
static inline void reset_on_close(int fd)
{
    struct linger l;

    l.l_onoff = 1;
    l.l_linger = 0;
    T_EQ(setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l), 0);
}

/* Whether the server has closed (or reset) fd, looking for ms at most;
 * what it sent before is read and dropped. */
static inline int closed_within(int fd, long ms)
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

/* An HTTP root with a file of 64 MB ("big", sparse: nothing is
 * written). */
static char www[64];

static inline void make_www(void)
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

static inline void drop_www(void)
{
    char p[128];

    snprintf(p, sizeof p, "%s/big", www);
    unlink(p);
    rmdir(www);
}

#endif /* HOP_TEST_E2E_HOSTILE_H */
