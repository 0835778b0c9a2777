/*
 * bench/soak_clients.c: the clients of `make soak` (bench/soak.sh). For
 * a set time, threads attack samples/resp-server and samples/http-server
 * at once, the way test/e2e/hostile_clients.c does once each:
 *
 *   churn      connections opened and closed at once, closed without
 *              reading the reply, reset (SO_LINGER 0) in the middle of
 *              a request, half closed after one, and ordinary ones
 *   pipeline   one connection per server streaming pipelined requests
 *              and checking every reply (now and then a long one: a
 *              value or a file of 1 MB, an echo of 64 KB), opened again
 *              every thousand rounds
 *   never-read clients that ask for a long reply and never read it,
 *              held past the servers' send timeout
 *   garbage    random bytes and malformed requests, then half closed:
 *              the server must close every one
 *   slowloris  connections that send a byte a second, opened again
 *              whenever the server cuts one
 *   probe      a normal client twice a second against each server: it
 *              must be served within 5 s
 *
 * A wrong reply, a normal client not served, or a connection the server
 * does not close when it must, is a failure: the program prints what
 * each thread did and exits 1 when anything failed. First it sets the
 * key "big" (1 MB) on resp-server; http-server's root must hold the
 * files "file" (1 MB of 'f') and "big" (64 MB), as bench/soak.sh makes
 * them. With SECONDS 0, it only does that and sees each server serve a
 * normal client.
 *
 *   soak_clients SECONDS RESP_PORT HTTP_PORT [HOLD_SECONDS]
 *
 * HOLD_SECONDS (4 by default) is how long a never-reading client holds
 * its connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { RESP = 0, HTTP = 1 };
static const char *const names[] = {"resp", "http"};

static int ports[2];
static long long deadline_ms; /* when the threads stop */
static int hold_s = 4;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int running(void)
{
    return now_ms() < deadline_ms;
}

static void nap_ms(int ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* What a thread did, and what went wrong (counted, the first said). */
typedef struct {
    const char *name;
    long long count[4];
    const char *what[4];
    long failures;
    pthread_mutex_t lock;
} stats;

static void fail(stats *st, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&st->lock);
    if (st->failures++ < 5) {
        fprintf(stderr, "soak-clients: %s: ", st->name);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    pthread_mutex_unlock(&st->lock);
}

/* -- sockets ------------------------------------------------------------- */

/* A connection to the server (RESP or HTTP), with 5 s timeouts on its
 * reads and writes and, when rcvbuf > 0, a receive buffer that small:
 * the descriptor, or -1. */
static int dial(int server, int rcvbuf)
{
    struct sockaddr_in a;
    struct timeval tv = {5, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)ports[server]);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void reset_on_close(int fd)
{
    struct linger l;

    l.l_onoff = 1;
    l.l_linger = 0;
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A connection's bytes read and not yet taken. */
typedef struct {
    int fd;
    char *buf;
    size_t cap, start, end;
} conn;

static int conn_open(conn *c, int server, size_t cap)
{
    c->fd = dial(server, 0);
    c->buf = malloc(cap);
    c->cap = cap;
    c->start = c->end = 0;
    if (c->fd < 0 || c->buf == NULL) {
        if (c->fd >= 0)
            close(c->fd);
        free(c->buf);
        c->fd = -1;
        c->buf = NULL;
        return -1;
    }
    return 0;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    c->fd = -1;
    c->buf = NULL;
}

/* At least n bytes unread (n <= cap): 0, or -1 at the end, an error or
 * a timeout. */
static int conn_fill(conn *c, size_t n)
{
    while (c->end - c->start < n) {
        ssize_t r;
        if (c->cap - c->start < n) {
            memmove(c->buf, c->buf + c->start, c->end - c->start);
            c->end -= c->start;
            c->start = 0;
        }
        r = recv(c->fd, c->buf + c->end, c->cap - c->end, 0);
        if (r <= 0)
            return -1;
        c->end += (size_t)r;
    }
    return 0;
}

/* The next n bytes are exactly want (NULL: any): 0, or -1. */
static int conn_expect(conn *c, const char *want, size_t n)
{
    while (n > 0) {
        size_t k = n < c->cap ? n : c->cap;
        if (conn_fill(c, k) != 0 ||
            (want != NULL && memcmp(c->buf + c->start, want, k) != 0))
            return -1;
        c->start += k;
        n -= k;
        if (want != NULL)
            want += k;
    }
    return 0;
}

/* The unread bytes up to and including the next "\r\n\r\n" (HTTP): their
 * length, or 0. */
static size_t conn_head(conn *c)
{
    size_t at = 0;

    for (;;) {
        char *p = memmem(c->buf + c->start + at, c->end - c->start - at,
                         "\r\n\r\n", 4);
        if (p != NULL)
            return (size_t)(p - (c->buf + c->start)) + 4;
        at = c->end - c->start > 3 ? c->end - c->start - 3 : 0;
        if (c->end - c->start == c->cap ||
            conn_fill(c, c->end - c->start + 1) != 0)
            return 0;
    }
}

/* One HTTP response: status 200 and a body of n bytes (whose first
 * bytes are prefix, when not NULL): 0, or -1. */
static int http_response(conn *c, long long n, const char *prefix)
{
    size_t h = conn_head(c);
    const char *cl;
    long long len;

    if (h == 0 || strncmp(c->buf + c->start, "HTTP/1.1 200 ", 13) != 0)
        return -1;
    c->buf[c->start + h - 1] = '\0';
    cl = strcasestr(c->buf + c->start, "\r\nContent-Length: ");
    len = cl != NULL ? atoll(cl + 18) : -1;
    c->start += h;
    if (len != n)
        return -1;
    if (prefix != NULL && conn_expect(c, prefix, strlen(prefix)) != 0)
        return -1;
    return conn_expect(c, NULL, (size_t)n - (prefix != NULL
                                                 ? strlen(prefix) : 0));
}

/* Whether the server closes fd (reading and dropping what it sends)
 * within ms. */
static int closed_within(int fd, int ms)
{
    char drop[16384];
    long long end = now_ms() + ms;

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        long long left = end - now_ms();
        ssize_t r;
        if (poll(&p, 1, left > 0 ? (int)left : 0) != 1)
            return 0;
        r = recv(fd, drop, sizeof drop, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return 1;
    }
}

/* A normal exchange on a new connection: 0 when it was served. */
static int normal(int server)
{
    char buf[256];
    conn c;
    int r;

    if (conn_open(&c, server, 4096) != 0)
        return -1;
    if (server == RESP) {
        r = send_all(c.fd, "PING\r\n", 6) == 0 &&
                    conn_expect(&c, "+PONG\r\n", 7) == 0
                ? 0
                : -1;
    } else {
        snprintf(buf, sizeof buf, "GET /hello HTTP/1.1\r\nHost: s\r\n\r\n");
        r = send_all(c.fd, buf, strlen(buf)) == 0 &&
                    http_response(&c, 14, "Hello, world!\n") == 0
                ? 0
                : -1;
    }
    conn_close(&c);
    return r;
}

/* -- the threads ----------------------------------------------------------- */

static const char *const one_req[2] = {
    "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n",
    "GET /hello HTTP/1.1\r\nHost: s\r\n\r\n",
};
static const char *const one_rep[2] = {
    "$5\r\nhello\r\n",
    "HTTP/1.1 200 OK\r\n",
};

static stats st_churn[2] = {{"churn resp", {0}, {"connections"}, 0,
                             PTHREAD_MUTEX_INITIALIZER},
                            {"churn http", {0}, {"connections"}, 0,
                             PTHREAD_MUTEX_INITIALIZER}};

static void *churn(void *arg)
{
    int server = (int)(long)arg, fd, k = 0, mode;
    stats *st = &st_churn[server];
    const char *req = one_req[server], *rep = one_rep[server];
    size_t n = strlen(req), m = strlen(rep);
    char buf[64];

    while (running()) {
        fd = dial(server, 0);
        if (fd < 0) {
            fail(st, "connect: %s", strerror(errno));
            nap_ms(100);
            continue;
        }
        mode = k++ % 5;
        switch (mode) {
        case 0: /* open and close */
            break;
        case 1: /* a request, the reply not read */
            send_all(fd, req, n);
            break;
        case 2: /* reset in the middle of a request */
            send_all(fd, req, n / 2);
            reset_on_close(fd);
            break;
        default: /* 3: half closed after a request; 4: an ordinary one */
            if (send_all(fd, req, n) != 0 ||
                (mode == 3 && shutdown(fd, SHUT_WR) != 0)) {
                fail(st, "send: %s", strerror(errno));
                break;
            }
            if (recv(fd, buf, m, MSG_WAITALL) != (ssize_t)m ||
                memcmp(buf, rep, m) != 0)
                fail(st, "no reply (%s)", mode == 3 ? "half closed" : "");
            else if (mode == 3 && !closed_within(fd, 5000))
                fail(st, "a half-closed connection was not closed");
            break;
        }
        close(fd);
        st->count[0]++;
        nap_ms(1);
    }
    return NULL;
}

static stats st_pipe[2] = {{"pipeline resp", {0}, {"requests"}, 0,
                            PTHREAD_MUTEX_INITIALIZER},
                           {"pipeline http", {0}, {"requests"}, 0,
                            PTHREAD_MUTEX_INITIALIZER}};

enum { DEPTH = 64 }; /* requests per write */

/* One round on c: DEPTH requests in one write, every reply checked (and
 * the long one of the round, when it is its turn). */
static int pipe_round(int server, conn *c, long round, char *out,
                      size_t cap)
{
    static const char ping[] = "PING\r\n";
    static const char get[] = "GET /hello HTTP/1.1\r\nHost: s\r\n\r\n";
    size_t n = 0;
    int i, echo = round % 100 == 99, big = round % 500 == 250;
    const size_t echo_len = 65536;

    for (i = 0; i < DEPTH; i++) {
        const char *r = server == RESP ? ping : get;
        size_t k = server == RESP ? sizeof ping - 1 : sizeof get - 1;
        memcpy(out + n, r, k);
        n += k;
    }
    if (echo) {
        n += (size_t)(server == RESP
                          ? sprintf(out + n, "*2\r\n$4\r\nECHO\r\n$%lu\r\n",
                                    (unsigned long)echo_len)
                          : sprintf(out + n,
                                    "POST /echo HTTP/1.1\r\nHost: s\r\n"
                                    "Content-Length: %lu\r\n\r\n",
                                    (unsigned long)echo_len));
        memset(out + n, 'e', echo_len);
        n += echo_len;
        if (server == RESP)
            n += (size_t)sprintf(out + n, "\r\n");
    }
    if (big)
        n += (size_t)sprintf(out + n, server == RESP
                                          ? "GET big\r\n"
                                          : "GET /file HTTP/1.1\r\n"
                                            "Host: s\r\n\r\n");
    if (n > cap || send_all(c->fd, out, n) != 0)
        return -1;
    for (i = 0; i < DEPTH; i++)
        if ((server == RESP ? conn_expect(c, "+PONG\r\n", 7)
                            : http_response(c, 14, "Hello, world!\n")) != 0)
            return -1;
    if (echo) {
        if (server == RESP
                ? conn_expect(c, "$65536\r\ne", 9) != 0 ||
                      conn_expect(c, NULL, echo_len - 1 + 2) != 0
                : http_response(c, (long long)echo_len, "eeee") != 0)
            return -1;
    }
    if (big) {
        if (server == RESP
                ? conn_expect(c, "$1000000\r\nx", 11) != 0 ||
                      conn_expect(c, NULL, 1000000 - 1 + 2) != 0
                : http_response(c, 1000000, NULL) != 0)
            return -1;
    }
    return DEPTH + echo + big;
}

static void *pipeline(void *arg)
{
    int server = (int)(long)arg, r;
    stats *st = &st_pipe[server];
    size_t cap = 64 * 64 + 65536 + 256;
    char *out = malloc(cap);
    long round = 0;
    conn c;

    c.fd = -1;
    c.buf = NULL;
    while (out != NULL && running()) {
        if (c.fd < 0 && conn_open(&c, server, 1 << 16) != 0) {
            fail(st, "connect: %s", strerror(errno));
            nap_ms(100);
            continue;
        }
        r = pipe_round(server, &c, round++, out, cap);
        if (r < 0) {
            fail(st, "round %ld: a reply was wrong or missing", round);
            conn_close(&c);
            continue;
        }
        st->count[0] += r;
        if (round % 1000 == 0)
            conn_close(&c);
        nap_ms(2);
    }
    conn_close(&c);
    free(out);
    return NULL;
}

static stats st_never = {"never-read", {0}, {"clients"}, 0,
                         PTHREAD_MUTEX_INITIALIZER};

enum { NEVER = 4 }; /* held at once */

static void *never_read(void *arg)
{
    static char req[512];
    int fd[NEVER], srv[NEVER], i, k = 0, n;
    long long since[NEVER];

    (void)arg;
    n = sprintf(req, "MGET");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, " big");
    n += sprintf(req + n, "\r\n");
    for (i = 0; i < NEVER; i++)
        fd[i] = -1;
    while (running()) {
        for (i = 0; i < NEVER; i++) {
            if (fd[i] >= 0 && now_ms() - since[i] < hold_s * 1000LL)
                continue;
            if (fd[i] >= 0) {
                /* The server let it go after its send timeout: what
                 * it sent before ends, soon, with the end of the
                 * stream. */
                if (!closed_within(fd[i], 5000))
                    fail(&st_never, "%s kept a client that never read",
                         names[srv[i]]);
                close(fd[i]);
                st_never.count[0]++;
            }
            srv[i] = k % 2;
            fd[i] = dial(srv[i], 4096);
            if (fd[i] < 0) {
                fail(&st_never, "connect: %s", strerror(errno));
                continue;
            }
            if ((srv[i] == RESP ? send_all(fd[i], req, (size_t)n)
                               : send_all(fd[i],
                                          "GET /big HTTP/1.1\r\n"
                                          "Host: s\r\n\r\n",
                                          30)) != 0)
                fail(&st_never, "send: %s", strerror(errno));
            since[i] = now_ms();
            k++;
        }
        nap_ms(100);
    }
    for (i = 0; i < NEVER; i++)
        if (fd[i] >= 0) {
            reset_on_close(fd[i]);
            close(fd[i]);
        }
    return NULL;
}

static stats st_garbage = {"garbage", {0}, {"connections"}, 0,
                           PTHREAD_MUTEX_INITIALIZER};

/* Requests a server must refuse. */
static const char *const bad_req[2][6] = {
    {"*1\r\n:1\r\n", "*-2\r\n", "*1\r\n$99999999999\r\n",
     "*1\r\n$4\r\nPINGXX", "*1\n$4\nPING\n", "*2\r\n$3\r\nGET\r\n*1\r\n"},
    {"GET /hello\r\n\r\n", "GET /hello HTTP/2.0\r\n\r\n",
     "GET /hello HTTP/1.1\r\nX : y\r\n\r\n",
     "POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
     "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
     "POST /echo HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"},
};

static void *garbage(void *arg)
{
    static const char proto[] = "*$:+-0123456789\r\n GETPOSTHTTP/1.1";
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    char buf[4096];
    size_t n, j;
    int k = 0, fd, server;

    (void)arg;
    while (running()) {
        server = k % 2;
        if (k % 3 == 0) { /* a malformed request */
            const char *r = bad_req[server][(k / 3) % 6];
            n = strlen(r);
            memcpy(buf, r, n);
        } else { /* random bytes, or the protocol's own */
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            n = 1 + (size_t)(x % sizeof buf);
            for (j = 0; j < n; j++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf[j] = k % 3 == 1 ? (char)x
                                    : proto[x % (sizeof proto - 1)];
            }
        }
        k++;
        fd = dial(server, 0);
        if (fd < 0) {
            fail(&st_garbage, "connect: %s", strerror(errno));
            nap_ms(100);
            continue;
        }
        send_all(fd, buf, n);
        shutdown(fd, SHUT_WR);
        if (!closed_within(fd, 5000))
            fail(&st_garbage, "%s did not close a connection of garbage",
                 names[server]);
        close(fd);
        st_garbage.count[0]++;
        nap_ms(5);
    }
    return NULL;
}

static stats st_slow = {"slowloris", {0}, {"connections cut"}, 0,
                        PTHREAD_MUTEX_INITIALIZER};

enum { SLOW = 16 }; /* per server */

static void *slowloris(void *arg)
{
    static const char *const req[2] = {
        "*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$20\r\n01234567890123456789\r\n",
        "GET /hello HTTP/1.1\r\nHost: s\r\nX-Slow: 0123456789\r\n\r\n",
    };
    int fd[2 * SLOW], i, server;
    size_t sent[2 * SLOW];
    long long cut_by[2 * SLOW];

    (void)arg;
    for (i = 0; i < 2 * SLOW; i++)
        fd[i] = -1;
    while (running()) {
        for (i = 0; i < 2 * SLOW; i++) {
            server = i % 2;
            if (fd[i] < 0) {
                fd[i] = dial(server, 0);
                sent[i] = 0;
                cut_by[i] = now_ms() + 30000; /* (far past the timeouts) */
                if (fd[i] < 0)
                    fail(&st_slow, "connect: %s", strerror(errno));
                continue;
            }
            if (closed_within(fd[i], 0)) {
                close(fd[i]);
                fd[i] = -1;
                st_slow.count[0]++;
                continue;
            }
            if (now_ms() > cut_by[i]) {
                fail(&st_slow, "%s kept a slow connection", names[server]);
                close(fd[i]);
                fd[i] = -1;
                continue;
            }
            if (sent[i] < strlen(req[server]))
                (void)send(fd[i], req[server] + sent[i]++, 1, MSG_NOSIGNAL);
        }
        nap_ms(1000);
    }
    for (i = 0; i < 2 * SLOW; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return NULL;
}

static stats st_probe = {"probe", {0}, {"served", "slowest ms"}, 0,
                         PTHREAD_MUTEX_INITIALIZER};

static void *probe(void *arg)
{
    int server;
    long long t0, took;

    (void)arg;
    while (running()) {
        for (server = 0; server < 2; server++) {
            t0 = now_ms();
            if (normal(server) != 0) {
                fail(&st_probe, "%s did not serve a normal client",
                     names[server]);
                continue;
            }
            took = now_ms() - t0;
            st_probe.count[0]++;
            if (took > st_probe.count[1])
                st_probe.count[1] = took;
        }
        nap_ms(500);
    }
    return NULL;
}

/* -- main --------------------------------------------------------------- */

/* Before the threads: the key "big" (1 MB of 'x') on resp-server, and a
 * normal client served by each server. 0, or -1. */
static int setup(void)
{
    static const char head[] = "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n"
                               "$1000000\r\n";
    char *req = malloc(sizeof head + 1000000 + 2);
    conn c;
    int r = -1;

    if (req == NULL || conn_open(&c, RESP, 4096) != 0) {
        free(req);
        return -1;
    }
    memcpy(req, head, sizeof head - 1);
    memset(req + sizeof head - 1, 'x', 1000000);
    memcpy(req + sizeof head - 1 + 1000000, "\r\n", 2);
    if (send_all(c.fd, req, sizeof head - 1 + 1000000 + 2) == 0 &&
        conn_expect(&c, "+OK\r\n", 5) == 0 && normal(RESP) == 0 &&
        normal(HTTP) == 0)
        r = 0;
    conn_close(&c);
    free(req);
    return r;
}

static void report(const stats *st)
{
    int i;

    printf("soak-clients: %-14s", st->name);
    for (i = 0; i < 4 && st->what[i] != NULL; i++)
        printf(" %lld %s%s", st->count[i], st->what[i],
               i + 1 < 4 && st->what[i + 1] != NULL ? "," : "");
    printf("; %ld failures\n", st->failures);
}

int main(int argc, char **argv)
{
    pthread_t th[9];
    int n = 0, i;
    long failures = 0;
    const stats *all[] = {&st_churn[RESP], &st_churn[HTTP], &st_pipe[RESP],
                          &st_pipe[HTTP],  &st_never,       &st_garbage,
                          &st_slow,        &st_probe};

    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: soak_clients SECONDS RESP_PORT HTTP_PORT "
                        "[HOLD_SECONDS]\n");
        return 2;
    }
    deadline_ms = now_ms() + 1000LL * atoi(argv[1]);
    ports[RESP] = atoi(argv[2]);
    ports[HTTP] = atoi(argv[3]);
    if (argc == 5)
        hold_s = atoi(argv[4]);
    if (setup() != 0) {
        fprintf(stderr, "soak-clients: the servers are not ready\n");
        return 1;
    }
    if (!running())
        return 0;
    if (pthread_create(&th[n++], NULL, churn, (void *)(long)RESP) != 0 ||
        pthread_create(&th[n++], NULL, churn, (void *)(long)HTTP) != 0 ||
        pthread_create(&th[n++], NULL, pipeline, (void *)(long)RESP) != 0 ||
        pthread_create(&th[n++], NULL, pipeline, (void *)(long)HTTP) != 0 ||
        pthread_create(&th[n++], NULL, never_read, NULL) != 0 ||
        pthread_create(&th[n++], NULL, garbage, NULL) != 0 ||
        pthread_create(&th[n++], NULL, slowloris, NULL) != 0 ||
        pthread_create(&th[n++], NULL, probe, NULL) != 0) {
        fprintf(stderr, "soak-clients: cannot start the threads\n");
        return 1;
    }
    for (i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < (int)(sizeof all / sizeof all[0]); i++) {
        report(all[i]);
        failures += all[i]->failures;
    }
    return failures == 0 ? 0 : 1;
}
