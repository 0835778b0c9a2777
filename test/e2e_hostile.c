/*
 * test/e2e_hostile.c: what a hostile client does to samples/resp-server
 * and samples/http-server, gathered in one place so that none of it can
 * come back. Each case starts a server on an ephemeral loopback port,
 * attacks it over real sockets, then checks that it still serves a
 * normal client and that its descriptors (/proc/PID/fd) are back where
 * they were before the attack: no slot, socket or file is left behind.
 * Bounds are generous and only say that something happens at all, never
 * how fast.
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

/* -- clients that never read ---------------------------------------------- */

enum { NEVER = 5 }; /* clients that never read, and --max-clients */

/* An HTTP root with a file of 64 MB ("big", sparse: nothing is written)
 * and an index. */
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
    T_CASE(hostile_resp_never_reads),
    T_CASE(hostile_resp_never_reads_off),
    T_CASE(hostile_http_never_reads),
    T_CASE(hostile_http_never_reads_off),
    T_END,
};
