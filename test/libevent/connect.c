/*
 * test/libevent/connect.c: accepting and connecting streams (hop/io.h) on
 * the libevent backend: deadlines, a full unix listener, name
 * resolution, and the conformance cases IO-01 and IO-02. (Hosted only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "case.h"
#include "t.h"
#include "io.h"

/* -- accept and connect ---------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_connect_frame cf;
    hop_io_frame io;
    hop_stream s;
    const struct sockaddr_in *addr;
    hop_time deadline;
    hop_time send_timeout;
    char in[8];
    int err;
} client_frame;

/* connect, write "hi", read 2 bytes back */
static hop_step client(hop_gen *g, hop_frame *f)
{
    client_frame *self = (client_frame *)f;
    HOP_BEGIN(g, self);
    T_EQ(hop_stream_init(&self->s, hop_gen_loop(g),
                         socket(AF_INET, SOCK_STREAM, 0)), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&self->s, self->send_timeout), HOP_OK);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_connect(&self->cf, &self->s,
                                    (const struct sockaddr *)self->addr,
                                    sizeof *self->addr, self->deadline));
        HOP_AWAIT(self, hop_write_all(&self->io, &self->s, "hi", 2));
        HOP_AWAIT(self, hop_read_exact(&self->io, &self->s, self->in, 2));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    T_EQ(hop_stream_close(&self->s), HOP_OK);
    HOP_END(self);
}

static void spawn_client(hop_task *t, client_frame *c,
                         const struct sockaddr_in *addr, hop_time deadline)
{
    t_fill(c, sizeof *c, 0);
    c->addr = addr;
    c->deadline = deadline;
    t_spawn(t, &loop, &c->hdr, client, "client");
}

typedef struct {
    hop_frame hdr;
    hop_accept_frame af;
    hop_io_frame io;
    hop_stream *ls;
    hop_stream s;
    char in[2];
} server_frame;

/* accept one, echo 2 bytes */
static hop_step server(hop_gen *g, hop_frame *f)
{
    server_frame *self = (server_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_accept(&self->af, self->ls));
    T_ASSERT(fcntl((int)HOP_VALUE(self), F_GETFL) & O_NONBLOCK);
    T_EQ(self->af.addrlen, sizeof(struct sockaddr_in));
    T_EQ(hop_stream_init(&self->s, hop_gen_loop(g), (int)HOP_VALUE(self)),
         HOP_OK);
    HOP_AWAIT(self, hop_read_exact(&self->io, &self->s, self->in, 2));
    HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->in, 2));
    T_EQ(hop_stream_close(&self->s), HOP_OK);
    HOP_END(self);
}

static void io_accept_connect(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task ts, tc;
    server_frame sf;
    client_frame cf;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    t_fill(&sf, sizeof sf, 0);
    sf.ls = &ls;
    t_spawn(&ts, &loop, &sf.hdr, server, "server");
    spawn_client(&tc, &cf, &addr, HOP_FOREVER);
    run();
    T_EQ(cf.err, 0);
    T_ASSERT(memcmp(cf.in, "hi", 2) == 0);
    T_EQ(hop_task_status(&ts), HOP_TASK_DONE);
    T_EQ(hop_stream_close(&ls), HOP_OK);
    loop_down();
}

/* A listener whose queue is full ignores the handshake: the connect
 * deadline passes (a send timeout does not apply to the connect). */
static void io_connect_deadline(void)
{
    struct sockaddr_in addr;
    int lfd = socket(AF_INET, SOCK_STREAM, 0), fill[4], i, nfill = 0;
    socklen_t len = sizeof addr;
    hop_task tc;
    client_frame cf;
    hop_time t0;

    loop_up();
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
    T_EQ(listen(lfd, 0), 0);
    T_EQ(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
    /* Fill the accept queue with connections nobody accepts. */
    for (i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(fill[i], (struct sockaddr *)&addr, sizeof addr) == 0 ||
            errno == EINPROGRESS)
            nfill++;
    }
    T_EQ(nfill, 4);
    t0 = hop_loop_now(&loop);
    spawn_client(&tc, &cf, &addr, hop_loop_now(&loop) + HOP_MSEC(50));
    cf.send_timeout = HOP_MSEC(5);
    run();
    T_EQ(cf.err, HOP_ETIMEDOUT);
    t0 = hop_loop_now(&loop) - t0;
    T_ASSERT(t0 >= HOP_MSEC(48) && t0 < HOP_SEC(2)); /* generous */
    for (i = 0; i < 4; i++)
        close(fill[i]);
    close(lfd);
    loop_down();
}

/*
 * A Unix listener whose queue is full refuses a nonblocking connect
 * with EAGAIN: nothing is in progress, so the connect raises -EAGAIN
 * rather than waiting for a writability that comes at once and means
 * nothing. Once the queue has room, it connects.
 */
static void io_connect_unix_full(void)
{
    struct sockaddr_un addr;
    socklen_t len;
    int lfd, fill[8], nfill = 0, i, c;
    hop_stream s;
    hop_task t;
    uconnect_frame uf;
    char name[64], port[24];

    loop_up();
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(name, "hop-test-full-");
    strcat(name, t_itoa(getpid(), port));
    memcpy(addr.sun_path + 1, name, strlen(name)); /* abstract */
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                      strlen(name));
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    T_ASSERT(lfd >= 0);
    T_EQ(bind(lfd, (struct sockaddr *)&addr, len), 0);
    T_EQ(listen(lfd, 0), 0);
    for (i = 0; i < 8; i++) {
        fill[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(fill[i], (struct sockaddr *)&addr, len) != 0) {
            T_EQ(errno, EAGAIN);
            close(fill[i]);
            break;
        }
        nfill++;
    }
    T_ASSERT(nfill < 8); /* the queue is full */

    c = socket(AF_UNIX, SOCK_STREAM, 0);
    T_EQ(hop_stream_init(&s, &loop, c), HOP_OK);
    t_fill(&uf, sizeof uf, 0);
    uf.s = &s;
    uf.addr = &addr;
    uf.addrlen = len;
    t_spawn(&t, &loop, &uf.hdr, uconnect, NULL);
    run();
    T_EQ(uf.err, -EAGAIN);
    T_EQ(hop_stream_close(&s), HOP_OK);

    /* Room in the queue: connected. */
    for (i = 0; i < nfill; i++) {
        int a = accept(lfd, NULL, NULL);
        T_ASSERT(a >= 0);
        close(a);
        close(fill[i]);
    }
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    T_EQ(hop_stream_init(&s, &loop, c), HOP_OK);
    t_fill(&uf, sizeof uf, 0);
    uf.s = &s;
    uf.addr = &addr;
    uf.addrlen = len;
    t_spawn(&t, &loop, &uf.hdr, uconnect, NULL);
    run();
    T_EQ(uf.err, 0);
    T_EQ(hop_stream_close(&s), HOP_OK);
    close(lfd);
    loop_down();
}

/* -- failures of the system calls ------------------------------------------------ */

static void *no_memory(size_t n)
{
    (void)n;
    return NULL;
}
static const hop_io_sys no_alloc = {flaky_read, flaky_write, flaky_accept,
                                    no_memory, free};

/* -- name resolution ------------------------------------------------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_resolve_frame rf;
    struct evdns_base *dns;
    const char *host;
    hop_value got;
    int err;
} resolve_task;

static hop_step do_resolve(hop_gen *g, hop_frame *f)
{
    resolve_task *self = (resolve_task *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_resolve(&self->rf, self->dns, self->host, "80",
                                    NULL));
        self->got = HOP_VALUE(self);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void quiet_log(int severity, const char *msg)
{
    (void)severity;
    (void)msg;
}

static void io_resolve(void)
{
    struct evdns_base *dns;
    struct evutil_addrinfo *ai;
    struct sockaddr_in ns;
    hop_task t;
    resolve_task rt;
    int udp;
    socklen_t len = sizeof ns;
    char nsaddr[64];

    loop_up();
    event_set_log_callback(quiet_log); /* (evdns reports the timeouts) */
    dns = evdns_base_new(hop_libevent_base(&loop), 0);
    T_ASSERT(dns != NULL);
    /* A numeric address is answered at once. */
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "127.0.0.1";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    run();
    T_EQ(rt.err, 0);
    ai = (struct evutil_addrinfo *)(intptr_t)rt.got;
    T_ASSERT(ai != NULL);
    T_EQ(ai->ai_family, AF_INET);
    T_EQ(ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port), 80);
    evutil_freeaddrinfo(ai);

    /* Out of memory for the request's link: HOP_ENOMEM at the await. */
    hop_io_set_sys(&no_alloc);
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "127.0.0.1";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    run();
    hop_io_set_sys(NULL);
    T_EQ(rt.err, HOP_ENOMEM);

    /* A name server that never answers: the request waits until the
     * task is cancelled, and the late callback finds nobody. */
    udp = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&ns, 0, sizeof ns);
    ns.sin_family = AF_INET;
    ns.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(bind(udp, (struct sockaddr *)&ns, sizeof ns), 0);
    T_EQ(getsockname(udp, (struct sockaddr *)&ns, &len), 0);
    T_ASSERT(evutil_inet_ntop(AF_INET, &ns.sin_addr, nsaddr, 32) != NULL);
    {
        char port[16];
        strcat(nsaddr, ":");
        strcat(nsaddr, t_itoa(ntohs(ns.sin_port), port));
    }
    T_EQ(evdns_base_nameserver_ip_add(dns, nsaddr), 0);
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "never.invalid";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    run();
    T_EQ(rt.err, HOP_ECANCELED);
    t_fill(&rt, sizeof rt, 0xa5); /* the frame is gone */

    /* The same server, one try of 0.1 s: evdns gives up, and the await
     * raises HOP_ERESOLVE with evutil's message. */
    T_EQ(evdns_base_set_option(dns, "timeout:", "0.1"), 0);
    T_EQ(evdns_base_set_option(dns, "attempts:", "1"), 0);
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "nothing.invalid";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    run();
    T_EQ(rt.err, HOP_ERESOLVE);
    T_ASSERT(rt.rf.eai != 0);
    T_STREQ(hop_strerror(HOP_ERESOLVE), "name resolution failed");
    evdns_base_free(dns, 1); /* the late callback of the cancelled one */
    event_base_loop(hop_libevent_base(&loop), EVLOOP_NONBLOCK);
    close(udp);
    event_set_log_callback(NULL);
    loop_down();
}

/* -- conformance: IO-01, IO-02 ---------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_timeout_frame tf;
    hop_accept_frame af;
    hop_stream *ls;
    hop_time t0, t1;
    int err;
} io01_frame;

/* try { with_timeout(0.1, accept(listener)) } handler all { err } */
static hop_step io01_accept(hop_gen *g, hop_frame *f)
{
    io01_frame *self = (io01_frame *)f;
    HOP_BEGIN(g, self);
    self->t0 = hop_loop_now(hop_gen_loop(g));
    HOP_TRY(self);
        HOP_AWAIT(self, hop_with_timeout(&self->tf, HOP_MSEC(100),
                                         hop_accept(&self->af, self->ls)));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    self->t1 = hop_loop_now(hop_gen_loop(g));
    HOP_END(self);
}

/*
 * IO-01: a deadline on a pending accept raises HOP_ETIMEDOUT at 0.1 s and
 * removes the fd interest: the listener is then closed, a client that
 * connects to its old address is refused, and nothing fires for the
 * closed descriptor (ASan and valgrind watch).
 */
static void IO_01(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task ta, tc;
    io01_frame af;
    client_frame cf;
    hop_time span;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    t_fill(&af, sizeof af, 0);
    af.ls = &ls;
    t_spawn(&ta, &loop, &af.hdr, io01_accept, "acceptor");
    run();
    T_EQ(af.err, HOP_ETIMEDOUT);
    span = af.t1 - af.t0;
    T_ASSERT(span >= HOP_MSEC(98) && span < HOP_SEC(2));
    T_EQ(hop_stream_close(&ls), HOP_OK);
    spawn_client(&tc, &cf, &addr, HOP_FOREVER);
    run();
    T_EQ(cf.err, -ECONNREFUSED);
    loop_down();
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_io_frame io;
    hop_stream s;
    char buf[64];
    size_t n;
    int fd;
} echo_frame;

/* try { loop { n = read; write_all(n) } } handler EOF or reset { return }
 * cleanup { close; record "handler done" } */
static hop_step echo_handler(hop_gen *g, hop_frame *f)
{
    echo_frame *self = (echo_frame *)f;
    HOP_BEGIN(g, self);
    T_EQ(hop_stream_init(&self->s, hop_gen_loop(g), self->fd), HOP_OK);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT(self, hop_read(&self->io, &self->s, self->buf,
                                     sizeof self->buf));
            self->n = (size_t)HOP_VALUE(self);
            HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->buf,
                                          self->n));
        }
    HOP_CATCH_IF(self, HOP_ERROR(self) == HOP_EOF ||
                           HOP_ERROR(self) == -ECONNRESET);
        /* the connection is lost: done */
    HOP_FINALLY(self);
        hop_stream_close(&self->s);
        tr_add("handler done");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_accept_frame af;
    hop_stream *ls;
    hop_task *handlers;
    echo_frame *frames;
    int i;
} listen_frame;

/* accept two connections, one echo handler task each */
static hop_step io02_listener(hop_gen *g, hop_frame *f)
{
    listen_frame *self = (listen_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 2; self->i++) {
        HOP_AWAIT(self, hop_accept(&self->af, self->ls));
        t_fill(&self->frames[self->i], sizeof self->frames[self->i], 0);
        self->frames[self->i].fd = (int)HOP_VALUE(self);
        t_spawn(&self->handlers[self->i], hop_gen_loop(g),
                &self->frames[self->i].hdr, echo_handler, "handler");
    }
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_connect_frame cf;
    hop_io_frame io;
    hop_join_frame j;
    hop_stream s;
    const struct sockaddr_in *addr;
    hop_task *h0;
    const char *msg;
    char in[8];
    int i;
    int h0_status;
} io02_client_frame;

/* client 1: "ping"; close; join handler 0; client 2: "pong" */
static hop_step io02_clients(hop_gen *g, hop_frame *f)
{
    io02_client_frame *self = (io02_client_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 2; self->i++) {
        self->msg = self->i == 0 ? "ping" : "pong";
        T_EQ(hop_stream_init(&self->s, hop_gen_loop(g),
                             socket(AF_INET, SOCK_STREAM, 0)), HOP_OK);
        HOP_AWAIT(self, hop_connect(&self->cf, &self->s,
                                    (const struct sockaddr *)self->addr,
                                    sizeof *self->addr, HOP_FOREVER));
        HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->msg, 4));
        HOP_AWAIT(self, hop_read_exact(&self->io, &self->s, self->in, 4));
        self->in[4] = '\0';
        tr_add2("client read ", self->in);
        T_EQ(hop_stream_close(&self->s), HOP_OK);
        if (self->i == 0) {
            HOP_AWAIT(self, hop_join(&self->j, self->h0));
            self->h0_status = hop_task_status(self->h0);
        }
    }
    HOP_END(self);
}

/*
 * IO-02: connection loss surfaces at the read await. The first client's
 * handler ends DONE when its client closes (HOP_EOF at the read, caught),
 * and the listener goes on serving the second.
 */
static void IO_02(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task tl, tc, handlers[2];
    echo_frame frames[2];
    listen_frame lf;
    io02_client_frame cf;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    t_fill(&lf, sizeof lf, 0);
    lf.ls = &ls;
    lf.handlers = handlers;
    lf.frames = frames;
    t_spawn(&tl, &loop, &lf.hdr, io02_listener, "listener");
    t_fill(&cf, sizeof cf, 0);
    cf.addr = &addr;
    cf.h0 = &handlers[0];
    t_spawn(&tc, &loop, &cf.hdr, io02_clients, "clients");
    run();
    TR_EXPECT("client read ping", "handler done", "client read pong",
              "handler done");
    T_EQ(cf.h0_status, HOP_TASK_DONE);
    T_EQ(hop_task_status(&handlers[1]), HOP_TASK_DONE);
    T_EQ(hop_task_status(&tl), HOP_TASK_DONE);
    T_EQ(hop_stream_close(&ls), HOP_OK);
    loop_down();
}

const t_case t_cases_libevent_connect[] = {
    T_CASE(io_accept_connect),
    T_CASE(io_connect_deadline),
    T_CASE(io_connect_unix_full),
    T_CASE(io_resolve),
    T_CASE(IO_01),
    T_CASE(IO_02),
    T_END,
};
