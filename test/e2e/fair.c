/*
 * test/e2e/fair.c: one client never starves another. A client streams
 * pipelined commands at samples/resp-server without pause, from a large
 * buffer, and reads its replies, so that the server's receive queue
 * never runs dry and its session never has to wait; meanwhile another
 * client's PING must be answered within 100 ms, 100 times in a row.
 * The same against samples/http-server with pipelined GETs. (Hosted
 * only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "t.h"

/* The probe's bound, and how many probes in a row. */
#define BOUND_MS 100
#define PROBES 100

typedef struct {
    int fd;
    const char *req;      /* one request, repeated to fill the buffer */
    size_t reqlen;
    volatile int stop;
    volatile long long sent, got; /* bytes */
    int err;
    pthread_t tx, rx;
} flood;

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Send the request over and over, as fast as the socket takes it. */
static void *flood_tx(void *arg)
{
    flood *f = arg;
    size_t cap = 1 << 20, n = 0, off = 0;
    char *buf = malloc(cap);

    if (buf == NULL) {
        f->err = ENOMEM;
        return NULL;
    }
    while (n + f->reqlen <= cap) {
        memcpy(buf + n, f->req, f->reqlen);
        n += f->reqlen;
    }
    while (!f->stop) {
        ssize_t w = send(f->fd, buf + off, n - off, MSG_NOSIGNAL);
        if (w <= 0) {
            if (!f->stop)
                f->err = w < 0 ? errno : EPIPE;
            break;
        }
        f->sent += w;
        off = (off + (size_t)w) % n; /* (a cut request goes on next) */
    }
    free(buf);
    return NULL;
}

/* Read every reply as fast as they come. */
static void *flood_rx(void *arg)
{
    flood *f = arg;
    static char in[1 << 16];

    while (!f->stop) {
        ssize_t r = recv(f->fd, in, sizeof in, 0);
        if (r <= 0) {
            if (!f->stop)
                f->err = r < 0 ? errno : EPIPE;
            break;
        }
        f->got += r;
    }
    return NULL;
}

/* Big socket buffers, beyond the system's limits where allowed. */
static void big_buffers(int fd)
{
    int big = 16 << 20;

    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
}

static void flood_start(flood *f, const server *s, const char *req)
{
    f->fd = dial(s);
    f->req = req;
    f->reqlen = strlen(req);
    f->stop = 0;
    f->sent = f->got = 0;
    f->err = 0;
    big_buffers(f->fd);
    T_EQ(pthread_create(&f->tx, NULL, flood_tx, f), 0);
    T_EQ(pthread_create(&f->rx, NULL, flood_rx, f), 0);
}

static void flood_stop(flood *f)
{
    f->stop = 1;
    shutdown(f->fd, SHUT_RDWR);
    T_EQ(pthread_join(f->tx, NULL), 0);
    T_EQ(pthread_join(f->rx, NULL), 0);
    T_EQ(f->err, 0);
    close(f->fd);
}

/* Send req on fd and wait for rep; the time it took, in microseconds
 * (or a value past any bound when it did not come). */
static long long probe(int fd, const char *req, const char *rep)
{
    char buf[256];
    size_t want = strlen(rep), n = 0;
    long long t0 = now_us();

    send_all(fd, req, strlen(req));
    while (n < want) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 5000) != 1)
            return 5000000;
        r = recv(fd, buf + n, want - n, 0);
        if (r <= 0)
            return 5000000;
        n += (size_t)r;
    }
    buf[n] = '\0';
    T_STREQ(buf, rep);
    return now_us() - t0;
}

/* On a new connection, send req (which asks to close) and read the
 * reply to its end; it must start with rep. The time, as probe's. */
static long long probe_close(const server *s, const char *req,
                             const char *rep)
{
    char buf[1024];
    size_t n = 0;
    long long t0 = now_us();
    int fd = dial(s);

    send_all(fd, req, strlen(req));
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 5000) != 1) {
            close(fd);
            return 5000000;
        }
        r = recv(fd, buf + n, sizeof buf - 1 - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == sizeof buf - 1)
            break;
    }
    close(fd);
    buf[n] = '\0';
    T_ASSERT(strncmp(buf, rep, strlen(rep)) == 0);
    return now_us() - t0;
}

/* The flood runs; probe PROBES times (on one connection, or on a new
 * one each time when fresh); each must be within BOUND_MS. */
static void probe_under_flood(const server *s, const char *flood_req,
                              const char *req, const char *rep, int fresh)
{
    flood f;
    long long t, got0;
    int fd, i;

    flood_start(&f, s, flood_req);
    fd = fresh ? -1 : dial(s);
    /* Let the flood fill the server's receive queue first. */
    while (f.sent < (8 << 20) && f.err == 0)
        nap_ms(10);
    got0 = f.got;
    for (i = 0; i < PROBES; i++) {
        t = fresh ? probe_close(s, req, rep) : probe(fd, req, rep);
        if (t > BOUND_MS * 1000) {
            fprintf(stderr, "probe %d took %lld us under the flood\n", i, t);
            T_ASSERT(t <= BOUND_MS * 1000);
        }
        nap_ms(2);
    }
    /* The flooder was served all along, too. */
    T_ASSERT(f.got > got0);
    flood_stop(&f);
    if (fd >= 0)
        close(fd);
}

static void fair_resp(void)
{
    server s;

    start(&s, "resp-server", NULL);
    probe_under_flood(&s, "PING\r\n", "*1\r\n$4\r\nPING\r\n", "+PONG\r\n",
                      0);
    stop(&s);
}

/* The same with pipelined SETs of 64 KiB values: each value is read
 * whole, straight into the argument buffer, so no read comes up short. */
static void fair_resp_big(void)
{
    static char req[64 + 65536];
    server s;
    int n;

    n = snprintf(req, sizeof req, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n",
                 65536);
    memset(req + n, 'v', 65536);
    memcpy(req + n + 65536, "\r\n", 3);
    start(&s, "resp-server", NULL);
    probe_under_flood(&s, req, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n", 0);
    stop(&s);
}

static void fair_http(void)
{
    static const char get[] = "GET /f HTTP/1.1\r\nHost: x\r\n\r\n";
    char root[] = "/tmp/hop-fair-XXXXXX", path[64];
    const char *args[] = {"--root", root, NULL};
    server s;
    FILE *f;

    T_ASSERT(mkdtemp(root) != NULL);
    snprintf(path, sizeof path, "%s/f", root);
    f = fopen(path, "w");
    T_ASSERT(f != NULL);
    fputs("x", f);
    fclose(f);
    start(&s, "http-server", args);
    probe_under_flood(&s, get,
                      "GET /f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                      "HTTP/1.1 200 OK\r\n", 1);
    stop(&s);
    unlink(path);
    rmdir(root);
}

const t_case t_cases_e2e_fair[] = {
    T_CASE(fair_resp),
    T_CASE(fair_resp_big),
    T_CASE(fair_http),
    T_END,
};
