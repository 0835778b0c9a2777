/*
 * test/libevent/limits.c: a writer's memory, which comes back once a big
 * reply went out, and a peer that sends and never waits for the replies,
 * over socket pairs on the libevent backend. (Hosted only.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "case.h"
#include "t.h"
#include "limits.h"

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

const t_case t_cases_libevent_limits[] = {
    T_CASE(writer_gives_back),
    T_CASE(reader_bounds_writer),
    T_CASE(reader_bounds_small_writer),
    T_CASE(reader_uncoupled_while_writing),
    T_END,
};
