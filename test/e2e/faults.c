/*
 * test/e2e/faults.c: fault injection into samples/resp-server. The
 * server (its modules under samples/resp/ and samples/common/, linked
 * here, so that its system calls go through hop_io_set_sys) runs in a
 * thread of its own; for each kind of fault and for N over a
 * range, the Nth read, write, accept4 (also with the errors Linux
 * reports there for the network of the new connection) or allocation
 * by hop's I/O layer (the connections' writers) from then on fails, and
 * a client checks that its connection is either served correctly or
 * closed, and that a fresh connection is served afterwards. The server
 * then stops and frees everything (valgrind, in check-valgrind, finds no
 * leak).
 * (Hosted only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../samples/resp/session.h"
#include "t.h"

/* -- the faults ----------------------------------------------------------- */

enum { F_READ, F_WRITE, F_ACCEPT, F_ALLOC };

static int fault_call;      /* which call fails: F_READ, F_WRITE, ... */
static int fault_countdown; /* calls before it (-1: none) */
static int fault_errno;

static int fault_now(int call)
{
    if (__atomic_load_n(&fault_call, __ATOMIC_SEQ_CST) != call)
        return 0;
    if (__atomic_load_n(&fault_countdown, __ATOMIC_SEQ_CST) < 0)
        return 0;
    if (__atomic_fetch_sub(&fault_countdown, 1, __ATOMIC_SEQ_CST) != 0)
        return 0;
    errno = __atomic_load_n(&fault_errno, __ATOMIC_SEQ_CST);
    return 1;
}

static long f_read(int fd, void *buf, size_t len)
{
    return fault_now(F_READ) ? -1 : (long)read(fd, buf, len);
}

static long f_write(int fd, const void *buf, size_t len, int sock)
{
    if (fault_now(F_WRITE))
        return -1;
    return sock ? (long)send(fd, buf, len, MSG_NOSIGNAL)
                : (long)write(fd, buf, len);
}

static int f_accept(int fd, void *addr, unsigned *len)
{
    socklen_t n = (socklen_t)*len;
    int r;

    if (fault_now(F_ACCEPT))
        return -1;
    r = accept4(fd, addr, &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *len = (unsigned)n;
    return r;
}

static void *f_alloc(size_t n)
{
    return fault_now(F_ALLOC) ? NULL : malloc(n);
}

static const hop_io_sys faulty = {f_read, f_write, f_accept, f_alloc, free};

static void arm(int call, int n, int err)
{
    __atomic_store_n(&fault_countdown, -1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_call, call, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_errno, err, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_countdown, n, __ATOMIC_SEQ_CST);
}

/* -- the server in a thread --------------------------------------------------- */

static hop_loop loop;
static hop_libevent ev;
static hop_post stop_post;
static server srv;
static int port;

static void stop_now(hop_post *p)
{
    (void)p;
    server_stop(&srv);
}

static void *serve(void *unused)
{
    (void)unused;
    hop_loop_run(&loop, HOP_RUN_DEFAULT);
    return NULL;
}

static void server_up(pthread_t *th)
{
    struct sockaddr_in sa;
    int fd;

    resp_opt.max_clients = 8;
    resp_opt.timeout = 2;
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_enable_posts(&ev), 0);
    T_EQ(store_init(&loop, 64), 0);
    T_EQ(resp_sessions_init(&srv, &loop), 0);
    fd = server_listen("127.0.0.1", 0, 0, &sa);
    T_ASSERT(fd >= 0);
    port = ntohs(sa.sin_port);
    T_EQ(server_start(&srv, fd), HOP_OK);
    hop_io_set_sys(&faulty);
    T_EQ(pthread_create(th, NULL, serve, NULL), 0);
}

static void server_down(pthread_t th)
{
    T_EQ(hop_libevent_post(&ev, &stop_post, stop_now), HOP_OK);
    T_EQ(pthread_join(th, NULL), 0);
    hop_io_set_sys(NULL);
    T_EQ(hop_task_status(&srv.acceptor), HOP_TASK_CANCELLED);
    T_EQ(srv.nclients, 0);
    T_EQ(server_cleanup(&srv), HOP_OK);
    resp_sessions_cleanup(&srv);
    store_cleanup();
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* -- the client ----------------------------------------------------------------- */

static void nap(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static int dial_server(void)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Read what comes within 3 s, until want bytes or the end; returns the
 * count (closed: the server closed or reset the connection). */
static size_t gather(int fd, char *buf, size_t want, int *closed)
{
    size_t n = 0;

    *closed = 0;
    while (n < want) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 3000) != 1)
            break;
        r = recv(fd, buf + n, want - n, 0);
        if (r <= 0) {
            *closed = 1;
            break;
        }
        n += (size_t)r;
    }
    buf[n] = '\0';
    return n;
}

/*
 * One session under the armed fault: SET then GET, sent in two pieces.
 * Either both replies come right, or the connection is closed after a
 * prefix of them: never a wrong reply.
 */
static void session(int i)
{
    char req[64], want[64], got[64];
    int fd = dial_server(), closed, n;
    size_t len;

    n = snprintf(req, sizeof req, "SET k%d v%d\r\nGET k", i, i);
    send(fd, req, (size_t)n, MSG_NOSIGNAL);
    nap(5);
    n = snprintf(req, sizeof req, "%d\r\n", i);
    send(fd, req, (size_t)n, MSG_NOSIGNAL);
    n = snprintf(want, sizeof want, "+OK\r\n$%d\r\nv%d\r\n",
                 (int)strlen(req) - 2 + 1, i);
    len = gather(fd, got, (size_t)n, &closed);
    T_ASSERT(len == (size_t)n || closed);
    T_ASSERT(memcmp(got, want, len) == 0);
    close(fd);
}

/* A fresh connection is served. */
static void still_serving(void)
{
    char got[16];
    int fd = dial_server(), closed;

    send(fd, "PING\r\n", 6, MSG_NOSIGNAL);
    T_EQ(gather(fd, got, 7, &closed), 7);
    T_STREQ(got, "+PONG\r\n");
    close(fd);
}

static void faults_resp(void)
{
    static const struct {
        int call, err;
    } kinds[] = {
        {F_READ, ECONNRESET}, {F_READ, EIO},       {F_READ, EINTR},
        {F_READ, EAGAIN},     {F_WRITE, ECONNRESET}, {F_WRITE, EPIPE},
        {F_WRITE, EINTR},     {F_WRITE, ENOBUFS},  {F_ACCEPT, EMFILE},
        {F_ACCEPT, ENOMEM},   {F_ACCEPT, ECONNABORTED}, {F_ALLOC, ENOMEM},
        /* what Linux's accept reports of the new connection's network */
        {F_ACCEPT, ENETDOWN}, {F_ACCEPT, ENOPROTOOPT}, {F_ACCEPT, EHOSTDOWN},
        {F_ACCEPT, ENONET},   {F_ACCEPT, EHOSTUNREACH}, {F_ACCEPT, EOPNOTSUPP},
        {F_ACCEPT, ENETUNREACH}, {F_ACCEPT, EPERM},
    };
    pthread_t th;
    size_t k;
    int n;

    server_up(&th);
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (n = 0; n < 4; n++) {
            arm(kinds[k].call, n, kinds[k].err);
            session((int)(k * 10 + (size_t)n));
            arm(F_READ, -1, 0);
            still_serving();
        }
    }
    server_down(th);
}

const t_case t_cases_e2e_faults[] = {
    T_CASE(faults_resp),
    T_END,
};
