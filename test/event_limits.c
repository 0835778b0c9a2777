/*
 * test/event_limits.c: the limits of the write side, over socket pairs
 * on the libevent backend: the send timeout (hop_stream_set_send_timeout)
 * of write_all, flush and a reader writing out its writer, with deadline
 * scopes around them; and a writer's memory, which comes back once a
 * big reply went out. (Hosted only.)
 *
 * The times are real: each bound is generous (a time out of d is seen
 * between d - 2 ms and d + 1 s), and the cases that must not time out
 * leave the peer ten times the gap it needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev_case.h"
#include "t.h"

/* A socket pair whose near end sv[0] has a small send buffer, so that a
 * peer that does not read stops taking bytes soon. */
static void small_pair(int sv[2])
{
    int sz = 4096;

    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz), 0);
    T_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz), 0);
}

/* Take every byte waiting at fd (made nonblocking) into buf, at most
 * cap; the number taken. */
static size_t take_all(int fd, char *buf, size_t cap)
{
    size_t total = 0;
    ssize_t n;

    T_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
    while (total < cap && (n = read(fd, buf + total, cap - total)) > 0)
        total += (size_t)n;
    return total;
}

/* span lies in [d - 2 ms, d + 1 s): libevent's timers are precise to a
 * millisecond, and the upper bound never measures speed. */
#define T_ABOUT(span, d)                                                     \
    do {                                                                     \
        T_ASSERT((span) >= (d) - HOP_MSEC(2));                               \
        T_ASSERT((span) < (d) + HOP_SEC(1));                                 \
    } while (0)

static char *pattern(size_t n)
{
    char *p = malloc(n);
    size_t i;

    T_ASSERT(p != NULL);
    for (i = 0; i < n; i++)
        p[i] = (char)(i * 131 >> 7);
    return p;
}

/* -- one task for the cases of this file ----------------------------------- */

enum {
    OP_WRITE = 1,     /* write_all out/len on s */
    OP_FLUSH,         /* flush w */
    OP_SERVE,         /* per line read through r: put reply/len in w */
    OP_WRITE_SLEEP    /* write_all (its error caught), then sleep 10 s */
};

typedef struct {
    hop_frame hdr;
    HOP_TRIES(3);
    hop_scope sc;         /* the scope around the operation */
    hop_io_frame io;
    hop_reader_frame rf;
    hop_sleep_frame sl;
    hop_stream *s;
    hop_writer *w;
    hop_reader *r;
    const char *out;      /* what to write, or the reply to each line */
    size_t len;
    hop_time scope;       /* the scope's time (0: 5 s, a safety net) */
    int op;
    int lines;            /* OP_SERVE: lines answered */
    size_t most;          /* OP_SERVE: the most the writer held */
    int err;              /* what the operation raised, or 0 */
    const char *msg;      /* and its message */
    int inner_err;        /* OP_WRITE_SLEEP: what the write raised */
    const char *inner_msg;
    hop_time inner_took;  /* and when */
    hop_task *peer;       /* a task to cancel on an error, or NULL */
    hop_time t0;
    hop_time took;        /* from the start to the end of the operation */
    size_t done;          /* the io frame's done after the await */
} lim_task;

static hop_step lim_step(hop_gen *g, hop_frame *f)
{
    lim_task *self = (lim_task *)f;
    size_t n;
    HOP_BEGIN(g, self);
    self->t0 = hop_loop_now(&loop);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->sc,
                    self->scope > 0 ? self->scope : HOP_SEC(5));
            if (self->op == OP_WRITE) {
                HOP_AWAIT(self, hop_write_all(&self->io, self->s, self->out,
                                              self->len));
            } else if (self->op == OP_FLUSH) {
                HOP_AWAIT(self, hop_flush(&self->io, self->w));
            } else if (self->op == OP_SERVE) {
                for (;;) {
                    HOP_AWAIT(self, hop_read_line(&self->rf, self->r, 64));
                    n = (size_t)HOP_VALUE(self);
                    hop_reader_consume(self->r, n);
                    T_EQ(hop_writer_put(self->w, self->out, self->len),
                         HOP_OK);
                    if (hop_writer_len(self->w) > self->most)
                        self->most = hop_writer_len(self->w);
                    self->lines++;
                }
            } else {
                HOP_TRY(self);
                    HOP_AWAIT(self, hop_write_all(&self->io, self->s,
                                                  self->out, self->len));
                HOP_CATCH_ALL(self);
                    self->inner_err = HOP_ERROR(self);
                    self->inner_msg = HOP_ERROR_MSG(self);
                    self->inner_took = hop_loop_now(&loop) - self->t0;
                HOP_END_TRY(self);
                HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
            }
        HOP_END_TIMEOUT(self, &self->sc);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
    HOP_END_TRY(self);
    self->took = hop_loop_now(&loop) - self->t0;
    self->done = self->io.done;
    if (self->peer != NULL && self->err != 0)
        hop_task_cancel(self->peer, NULL); /* (it would wait forever) */
    HOP_END(self);
}

static void lim_start(hop_task *t, lim_task *f, int op)
{
    t_fill(f, sizeof *f, 0);
    f->op = op;
    t_spawn(t, &loop, &f->hdr, lim_step, "limits");
}

/* A task that reads a stream slowly: at most 2 KiB, every 10 ms, until
 * want bytes came. */
typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    hop_io_frame io;
    hop_stream *s;
    char *buf;
    size_t want;
    size_t got;
} slow_task;

static hop_step slow_step(hop_gen *g, hop_frame *f)
{
    slow_task *self = (slow_task *)f;
    size_t n;
    HOP_BEGIN(g, self);
    while (self->got < self->want) {
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
        n = self->want - self->got < 2048 ? self->want - self->got : 2048;
        HOP_AWAIT(self, hop_read(&self->io, self->s, self->buf + self->got,
                                 n));
        self->got += (size_t)HOP_VALUE(self);
    }
    HOP_END(self);
}

/* -- the send timeout ------------------------------------------------------ */

/*
 * A peer that never reads: write_all raises HOP_ETIMEDOUT, "send timed
 * out", about d after the peer stopped taking bytes, well before the
 * scope's safety net; done counts exactly the bytes the peer then
 * finds. A second write, the peer still taking nothing, times out at
 * once: the time runs from the first write that found no room.
 */
static void send_timeout_write(void)
{
    enum { N = 1 << 20 };
    int sv[2];
    hop_stream a;
    hop_task t;
    lim_task f;
    char *src = pattern(N), *dst = malloc(N);
    size_t got;

    T_ASSERT(dst != NULL);
    loop_up();
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(300)), HOP_OK);
    T_EQ(hop_stream_send_timed_out(&a), 0);
    T_EQ(hop_stream_send_timed_out(NULL), HOP_EINVAL);
    lim_start(&t, &f, OP_WRITE);
    f.s = &a;
    f.out = src;
    f.len = N;
    run();
    T_EQ(f.err, HOP_ETIMEDOUT);
    T_STREQ(f.msg, "send timed out");
    T_ASSERT(!hop_scope_expired(&f.sc));
    T_EQ(hop_stream_send_timed_out(&a), 1); /* the stream says why */
    T_ABOUT(f.took, HOP_MSEC(300));
    T_ASSERT(f.done > 0 && f.done < N);
    got = f.done;

    /* Nothing was taken since: the next write times out at once (on
     * the next pass, well before a new 300 ms would have passed). */
    lim_start(&t, &f, OP_WRITE);
    f.s = &a;
    f.out = src + got;
    f.len = N - got;
    run();
    T_EQ(f.err, HOP_ETIMEDOUT);
    T_STREQ(f.msg, "send timed out");
    T_EQ(f.done, 0);
    T_ASSERT(f.took < HOP_MSEC(250));

    T_EQ(take_all(sv[1], dst, N), got);
    T_ASSERT(memcmp(dst, src, got) == 0);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
    free(src);
    free(dst);
}

/*
 * A peer that reads slowly, but keeps reading: the whole write takes
 * more than twice the send timeout and never times out, since the peer
 * never leaves it 250 ms without taking a byte.
 */
static void send_timeout_slow_reader(void)
{
    enum { N = 1 << 17 };
    int sv[2];
    hop_stream a, b;
    hop_task t, tr;
    lim_task f;
    slow_task sr;
    char *src = pattern(N), *dst = malloc(N);

    T_ASSERT(dst != NULL);
    loop_up();
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(250)), HOP_OK);
    lim_start(&t, &f, OP_WRITE);
    f.s = &a;
    f.out = src;
    f.len = N;
    f.scope = HOP_SEC(15);
    t_fill(&sr, sizeof sr, 0);
    sr.s = &b;
    sr.buf = dst;
    sr.want = N;
    t_spawn(&tr, &loop, &sr.hdr, slow_step, "slow reader");
    f.peer = &tr;
    run();
    T_EQ(f.err, 0);
    T_EQ(f.done, N);
    T_ASSERT(f.took > HOP_MSEC(500)); /* 64 reads, 10 ms apart */
    T_EQ(sr.got, N);
    T_ASSERT(memcmp(dst, src, N) == 0);
    T_EQ(hop_stream_close(&a), HOP_OK);
    T_EQ(hop_stream_close(&b), HOP_OK);
    loop_down();
    free(src);
    free(dst);
}

/* hop_flush times out the same way; what went out left the writer. */
static void send_timeout_flush(void)
{
    enum { N = 1 << 20 };
    int sv[2];
    hop_stream a;
    hop_writer w;
    hop_task t;
    lim_task f;
    char *src = pattern(N), *dst = malloc(N);

    T_ASSERT(dst != NULL);
    loop_up();
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(40)), HOP_OK);
    T_EQ(hop_writer_init(&w, &a, 0), HOP_OK);
    T_EQ(hop_writer_put(&w, src, N), HOP_OK);
    lim_start(&t, &f, OP_FLUSH);
    f.w = &w;
    run();
    T_EQ(f.err, HOP_ETIMEDOUT);
    T_STREQ(f.msg, "send timed out");
    T_ABOUT(f.took, HOP_MSEC(40));
    T_ASSERT(f.done > 0 && f.done < N);
    T_EQ(hop_writer_len(&w), N - f.done);
    T_EQ(take_all(sv[1], dst, N), f.done);
    T_ASSERT(memcmp(dst, src, f.done) == 0);
    hop_writer_cleanup(&w);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
    free(src);
    free(dst);
}

/*
 * A client that sends a request and never reads the reply: the reader
 * writes its writer out before it waits for the next request, the peer
 * takes nothing, and the send timeout surfaces at the read's await.
 */
static void send_timeout_reader(void)
{
    enum { N = 1 << 20 };
    int sv[2];
    hop_stream a;
    hop_reader r;
    hop_writer w;
    hop_task t;
    lim_task f;
    char rbuf[64];
    char *src = pattern(N), *dst = malloc(N);

    T_ASSERT(dst != NULL);
    loop_up();
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(40)), HOP_OK);
    T_EQ(hop_reader_init(&r, &a, rbuf, sizeof rbuf), HOP_OK);
    T_EQ(hop_writer_init(&w, &a, 0), HOP_OK);
    T_EQ(hop_reader_set_writer(&r, &w), HOP_OK);
    T_EQ(write(sv[1], "get\n", 4), 4);
    lim_start(&t, &f, OP_SERVE);
    f.r = &r;
    f.w = &w;
    f.out = src;
    f.len = N;
    run();
    T_EQ(f.lines, 1);
    T_EQ(f.err, HOP_ETIMEDOUT);
    T_STREQ(f.msg, "send timed out");
    T_ABOUT(f.took, HOP_MSEC(40));
    T_ASSERT(hop_writer_len(&w) > 0 && hop_writer_len(&w) < N);
    T_EQ(hop_reader_len(&r), 0);
    T_EQ(take_all(sv[1], dst, N), N - hop_writer_len(&w));
    T_ASSERT(memcmp(dst, src, N - hop_writer_len(&w)) == 0);
    hop_writer_cleanup(&w);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
    free(src);
    free(dst);
}

/*
 * With deadline scopes: a scope that ends first raises its own
 * HOP_ETIMEDOUT (no message, the scope expired); a send timeout inside
 * a longer scope is an error of the write, which the scope lets through
 * and which does not use up the scope's own expiry later; the two due
 * at about the same time give HOP_ETIMEDOUT.
 */
static void send_timeout_scopes(void)
{
    enum { N = 1 << 20 };
    int sv[2], k;
    hop_stream a;
    hop_task t;
    lim_task f;
    char *src = pattern(N);

    loop_up();
    /* The scope first. */
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_SEC(10)), HOP_OK);
    lim_start(&t, &f, OP_WRITE);
    f.s = &a;
    f.out = src;
    f.len = N;
    f.scope = HOP_MSEC(50);
    run();
    T_EQ(f.err, HOP_ETIMEDOUT);
    T_ASSERT(f.msg == NULL);
    T_ASSERT(hop_scope_expired(&f.sc));
    T_EQ(hop_stream_send_timed_out(&a), 0); /* the scope's, not its own */
    T_ABOUT(f.took, HOP_MSEC(50));
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);

    /* The send timeout first, caught inside the scope; the scope then
     * expires in the sleep that follows, and says so. */
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(30)), HOP_OK);
    lim_start(&t, &f, OP_WRITE_SLEEP);
    f.s = &a;
    f.out = src;
    f.len = N;
    f.scope = HOP_MSEC(300);
    run();
    T_EQ(f.inner_err, HOP_ETIMEDOUT);
    T_STREQ(f.inner_msg, "send timed out");
    T_ABOUT(f.inner_took, HOP_MSEC(30));
    T_ASSERT(f.inner_took < HOP_MSEC(300));
    T_EQ(f.err, HOP_ETIMEDOUT);
    T_ASSERT(f.msg == NULL);
    T_ASSERT(hop_scope_expired(&f.sc));
    T_ABOUT(f.took, HOP_MSEC(300));
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);

    /* Both due at about the same time. */
    for (k = 0; k < 2; k++) {
        small_pair(sv);
        T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
        T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(40)), HOP_OK);
        lim_start(&t, &f, OP_WRITE);
        f.s = &a;
        f.out = src;
        f.len = N;
        f.scope = HOP_MSEC(40) + k * HOP_MSEC(1);
        run();
        T_EQ(f.err, HOP_ETIMEDOUT);
        T_ASSERT(f.done > 0);
        T_EQ(hop_stream_close(&a), HOP_OK);
        close(sv[1]);
    }
    loop_down();
    free(src);
}

/*
 * No send timeout by default (and with HOP_FOREVER or 0): the write
 * waits for the scope. A peer that is gone still raises -EPIPE.
 * Arguments are checked.
 */
static void send_timeout_default(void)
{
    enum { N = 1 << 20 };
    int sv[2], k;
    hop_stream a, z;
    hop_task t;
    lim_task f;
    char *src = pattern(N);
    static const hop_time none[] = {HOP_FOREVER, 0, HOP_FOREVER - 1};

    loop_up();
    for (k = 0; k < 4; k++) {
        small_pair(sv);
        T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
        if (k > 0) { /* set, then none (or as good as none) */
            T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(10)), HOP_OK);
            T_EQ(hop_stream_set_send_timeout(&a, none[k - 1]), HOP_OK);
        }
        lim_start(&t, &f, OP_WRITE);
        f.s = &a;
        f.out = src;
        f.len = N;
        f.scope = HOP_MSEC(150);
        run();
        T_EQ(f.err, HOP_ETIMEDOUT);
        T_ASSERT(f.msg == NULL);
        T_ASSERT(hop_scope_expired(&f.sc));
        T_ABOUT(f.took, HOP_MSEC(150));
        T_EQ(hop_stream_close(&a), HOP_OK);
        close(sv[1]);
    }

    /* The peer is gone: -EPIPE (or a reset), not a time out. */
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(20)), HOP_OK);
    close(sv[1]);
    lim_start(&t, &f, OP_WRITE);
    f.s = &a;
    f.out = src;
    f.len = N;
    run();
    T_ASSERT(f.err == -EPIPE || f.err == -ECONNRESET);

    /* Arguments. */
    T_EQ(hop_stream_set_send_timeout(NULL, HOP_MSEC(1)), HOP_EINVAL);
    T_EQ(hop_stream_set_send_timeout(&a, -1), HOP_EINVAL);
    T_EQ(hop_stream_set_send_timeout(&a, INT64_MIN), HOP_EINVAL);
    T_EQ(hop_stream_close(&a), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&a, HOP_MSEC(1)), HOP_EINVAL);
    t_fill(&z, sizeof z, 0);
    T_EQ(hop_stream_set_send_timeout(&z, HOP_MSEC(1)), HOP_EINVAL);
    loop_down();
    free(src);
}

/* -- a writer's memory ----------------------------------------------------- */

/* The allocations of lib/io, tracked: the bytes live, and a switch that
 * makes them fail. */
static struct {
    void *p;
    size_t n;
} blocks[16];
static size_t live;
static int fail_alloc;

static long plain_read(int fd, void *buf, size_t len)
{
    return (long)read(fd, buf, len);
}

static long plain_write(int fd, const void *buf, size_t len, int sock)
{
    return sock ? (long)send(fd, buf, len, MSG_NOSIGNAL)
                : (long)write(fd, buf, len);
}

static int plain_accept(int fd, void *addr, unsigned *len)
{
    socklen_t n = *len;
    int r = accept4(fd, addr, &n, SOCK_NONBLOCK | SOCK_CLOEXEC);

    *len = (unsigned)n;
    return r;
}

static void *track_alloc(size_t n)
{
    size_t i;
    void *p;

    if (fail_alloc)
        return NULL;
    for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (blocks[i].p == NULL)
            break;
    T_ASSERT(i < sizeof blocks / sizeof blocks[0]);
    p = malloc(n);
    if (p != NULL) {
        blocks[i].p = p;
        blocks[i].n = n;
        live += n;
    }
    return p;
}

static void track_release(void *p)
{
    size_t i;

    for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (blocks[i].p == p && p != NULL) {
            live -= blocks[i].n;
            blocks[i].p = NULL;
            free(p);
            return;
        }
    t_fail(__FILE__, __LINE__, "released a block never allocated");
}

static const hop_io_sys tracked = {plain_read, plain_write, plain_accept,
                                   track_alloc, track_release};

typedef struct {
    int fd;
    char *buf;
    size_t want;
    size_t got;
} drain;

/* Read from the blocking descriptor until want bytes or the end. */
static void *drainer(void *arg)
{
    drain *d = arg;
    ssize_t k;

    while (d->got < d->want &&
           (k = read(d->fd, d->buf + d->got, d->want - d->got)) > 0)
        d->got += (size_t)k;
    return NULL;
}

/* Put n bytes of src in w, in pieces of 1000. */
static void put_pieces(hop_writer *w, const char *src, size_t n)
{
    size_t i;

    for (i = 0; i < n; i += 1000)
        T_EQ(hop_writer_put(w, src + i, n - i < 1000 ? n - i : 1000), HOP_OK);
}

/*
 * A writer whose buffer grew for a big reply releases it once the reply
 * is out: after hop_flush, after a reader wrote it out, after
 * hop_writer_clear. A buffer of at most HOP_WRITER_KEEP stays for the
 * next replies. The next put after a release allocates afresh, and when
 * that fails, the writer is empty and holds nothing.
 */
static void writer_gives_back(void)
{
    enum { N = 1 << 20 };
    int sv[2];
    hop_stream a;
    hop_writer w;
    hop_reader r;
    hop_task t;
    lim_task f;
    pthread_t th;
    drain d;
    char rbuf[64];
    char *src = pattern(N), *dst = malloc(N);

    T_ASSERT(dst != NULL);
    loop_up();
    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    live = 0;
    fail_alloc = 0;
    hop_io_set_sys(&tracked);
    T_EQ(hop_writer_init(&w, &a, 0), HOP_OK);

    /* A big reply, flushed to a peer that reads it all. */
    put_pieces(&w, src, N);
    T_ASSERT(hop_writer_cap(&w) >= N);
    T_EQ(live, hop_writer_cap(&w));
    d.fd = sv[1];
    d.buf = dst;
    d.want = N;
    d.got = 0;
    T_EQ(pthread_create(&th, NULL, drainer, &d), 0);
    lim_start(&t, &f, OP_FLUSH);
    f.w = &w;
    run();
    T_EQ(pthread_join(th, NULL), 0);
    T_EQ(f.err, 0);
    T_EQ(d.got, N);
    T_ASSERT(memcmp(dst, src, N) == 0);
    T_EQ(hop_writer_len(&w), 0);
    T_EQ(hop_writer_cap(&w), 0);
    T_EQ(live, 0);

    /* Small replies keep their buffer, up to HOP_WRITER_KEEP. */
    T_EQ(hop_writer_put(&w, src, 100), HOP_OK);
    T_EQ(hop_writer_cap(&w), 256);
    lim_start(&t, &f, OP_FLUSH);
    f.w = &w;
    run();
    T_EQ(f.err, 0);
    T_EQ(hop_writer_cap(&w), 256);
    put_pieces(&w, src, HOP_WRITER_KEEP);
    T_EQ(hop_writer_cap(&w), HOP_WRITER_KEEP);
    lim_start(&t, &f, OP_FLUSH);
    f.w = &w;
    run();
    T_EQ(f.err, 0);
    T_EQ(hop_writer_len(&w), 0);
    T_EQ(hop_writer_cap(&w), HOP_WRITER_KEEP);
    T_EQ(live, HOP_WRITER_KEEP);
    T_EQ(take_all(sv[1], dst, N), 100 + HOP_WRITER_KEEP);
    T_EQ(fcntl(sv[1], F_SETFL, 0), 0);

    /* Cleared: the big buffer goes too. */
    put_pieces(&w, src, HOP_WRITER_KEEP + 1);
    T_EQ(hop_writer_cap(&w), 2 * HOP_WRITER_KEEP);
    hop_writer_clear(&w);
    T_EQ(hop_writer_cap(&w), 0);
    T_EQ(live, 0);

    /* Written out by a reader, before it reports the end. */
    T_EQ(hop_reader_init(&r, &a, rbuf, sizeof rbuf), HOP_OK);
    T_EQ(hop_reader_set_writer(&r, &w), HOP_OK);
    T_EQ(write(sv[1], "get\n", 4), 4);
    T_EQ(shutdown(sv[1], SHUT_WR), 0);
    d.got = 0;
    T_EQ(pthread_create(&th, NULL, drainer, &d), 0);
    lim_start(&t, &f, OP_SERVE);
    f.r = &r;
    f.w = &w;
    f.out = src;
    f.len = N;
    run();
    T_EQ(pthread_join(th, NULL), 0);
    T_EQ(f.lines, 1);
    T_EQ(f.err, HOP_EOF);
    T_EQ(d.got, N);
    T_ASSERT(memcmp(dst, src, N) == 0);
    T_EQ(hop_writer_cap(&w), 0);
    T_EQ(live, 0);

    /* The next put cannot allocate: nothing held, nothing appended. */
    fail_alloc = 1;
    T_EQ(hop_writer_put(&w, src, 10), HOP_ENOMEM);
    T_EQ(hop_writer_len(&w), 0);
    T_EQ(hop_writer_cap(&w), 0);
    fail_alloc = 0;
    T_EQ(hop_writer_put(&w, src, 10), HOP_OK);
    T_EQ(live, 256);
    hop_writer_cleanup(&w);
    T_EQ(live, 0);
    hop_io_set_sys(NULL);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
    free(src);
    free(dst);
}

/*
 * The writer is uncoupled (hop_reader_set_writer(r, NULL)) while the
 * reader waits to write it out: when the stream has room again, the
 * reader stops writing, leaves the rest in the writer, and reads on.
 */
static void reader_uncoupled_while_writing(void)
{
    enum { N = 1 << 20 };
    int sv[2], i;
    hop_stream a;
    hop_reader r;
    hop_writer w;
    hop_task t;
    lim_task f;
    char rbuf[64];
    char *src = pattern(N), *dst = malloc(N);
    size_t took;

    T_ASSERT(dst != NULL);
    loop_up();
    small_pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_reader_init(&r, &a, rbuf, sizeof rbuf), HOP_OK);
    T_EQ(hop_writer_init(&w, &a, 0), HOP_OK);
    T_EQ(hop_reader_set_writer(&r, &w), HOP_OK);
    T_EQ(write(sv[1], "get\n", 4), 4);
    lim_start(&t, &f, OP_SERVE);
    f.r = &r;
    f.w = &w;
    f.out = src;
    f.len = N;
    for (i = 0; i < 100 && hop_task_waiting_on(&t) != &a.ww; i++)
        T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == &a.ww); /* writing out */
    T_EQ(f.lines, 1);
    T_EQ(hop_reader_set_writer(&r, NULL), HOP_OK);
    took = take_all(sv[1], dst, N); /* room again */
    T_ASSERT(took > 0);
    T_EQ(shutdown(sv[1], SHUT_WR), 0);
    run();
    T_EQ(f.err, HOP_EOF);
    T_EQ(f.lines, 1);
    T_EQ(hop_writer_len(&w), N - took); /* the rest stayed */
    T_ASSERT(memcmp(dst, src, took) == 0);
    hop_writer_cleanup(&w);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
    free(src);
    free(dst);
}

/* -- a peer that sends and never waits for the replies --------------------- */

/*
 * Requests that are always there to read (every read fills the reader)
 * never make the reader wait, which is when it writes its writer out.
 * It writes it out as well once it holds HOP_WRITER_KEEP bytes, so the
 * replies do not pile up in memory: the writer never holds more than
 * that plus one reply.
 */
/* Serve LINES pipelined lines through a writer of the limit lim (0:
 * none); it never holds more than keep plus one reply. */
static void bounds_writer(size_t lim, size_t keep)
{
    enum { LINES = 4096, REPLY = 64 };
    int in[2], out[2], i;
    hop_stream a, b;
    hop_reader r;
    hop_writer w;
    hop_task t;
    lim_task f;
    pthread_t th;
    drain d;
    char rbuf[64], reply[REPLY];
    char *got = malloc((size_t)LINES * REPLY);

    T_ASSERT(got != NULL);
    memset(reply, 'r', sizeof reply);
    loop_up();
    T_EQ(pipe(in), 0);
    T_EQ(pipe(out), 0);
    for (i = 0; i < LINES; i++) /* 32 KiB: fits in the pipe */
        T_EQ(write(in[1], "1234567\n", 8), 8);
    close(in[1]);
    T_EQ(hop_stream_init(&a, &loop, in[0]), HOP_OK);
    T_EQ(hop_stream_init(&b, &loop, out[1]), HOP_OK);
    T_EQ(hop_reader_init(&r, &a, rbuf, sizeof rbuf), HOP_OK);
    T_EQ(hop_writer_init(&w, &b, lim), HOP_OK);
    T_EQ(hop_reader_set_writer(&r, &w), HOP_OK);
    d.fd = out[0];
    d.buf = got;
    d.want = (size_t)LINES * REPLY;
    d.got = 0;
    T_EQ(pthread_create(&th, NULL, drainer, &d), 0);
    lim_start(&t, &f, OP_SERVE);
    f.r = &r;
    f.w = &w;
    f.out = reply;
    f.len = REPLY;
    run();
    T_EQ(pthread_join(th, NULL), 0);
    T_EQ(f.err, HOP_EOF);
    T_EQ(f.lines, LINES);
    T_EQ(d.got, (size_t)LINES * REPLY);
    T_ASSERT(f.most <= keep + REPLY);
    T_EQ(hop_writer_len(&w), 0);
    hop_writer_cleanup(&w);
    T_EQ(hop_stream_close(&a), HOP_OK);
    T_EQ(hop_stream_close(&b), HOP_OK);
    close(out[0]);
    loop_down();
    free(got);
}

static void reader_bounds_writer(void)
{
    bounds_writer(0, HOP_WRITER_KEEP);
}

/* With a small limit, the reader writes the writer out at half of it:
 * a long pipeline never fills it past its limit (it once met -ENOBUFS
 * at the 64th line). */
static void reader_bounds_small_writer(void)
{
    bounds_writer(4096, 2048);
}

const t_case t_cases_event_limits[] = {
    T_CASE(send_timeout_write),
    T_CASE(send_timeout_slow_reader),
    T_CASE(send_timeout_flush),
    T_CASE(send_timeout_reader),
    T_CASE(send_timeout_scopes),
    T_CASE(send_timeout_default),
    T_CASE(writer_gives_back),
    T_CASE(reader_bounds_writer),
    T_CASE(reader_bounds_small_writer),
    T_CASE(reader_uncoupled_while_writing),
    T_END,
};
