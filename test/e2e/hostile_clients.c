/*
 * test/e2e/hostile_clients.c: hostile clients of samples/resp-server and
 * samples/http-server: churn, clients past --max-clients and past the
 * descriptors, slowloris, more sent after a request that ends the
 * connection, clients that never read (hostile.h has the map of every
 * attack and where it is tested). (Hosted only.)
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

/* -- the target ------------------------------------------------------------ */

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

const t_case t_cases_e2e_hostile_clients[] = {
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
