/*
 * test/libevent/writer.c: the buffered writer (hop_writer, hop_flush) and a
 * reader that writes its writer out before it waits
 * (hop_reader_set_writer), over socket pairs on the libevent backend.
 * (Hosted only.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "case.h"
#include "t.h"

static void pair(int sv[2])
{
    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* The system calls, counted; allocation may be made to fail. */
static int writes, allocs, fail_alloc;

static long plain_read(int fd, void *buf, size_t len)
{
    return (long)read(fd, buf, len);
}

static long count_write(int fd, const void *buf, size_t len, int sock)
{
    writes++;
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

static void *count_alloc(size_t n)
{
    allocs++;
    return fail_alloc ? NULL : malloc(n);
}

static const hop_io_sys counted = {plain_read, count_write, plain_accept,
                                   count_alloc, free};

static void counting(void)
{
    writes = allocs = fail_alloc = 0;
    hop_io_set_sys(&counted);
}

/* Read from a blocking descriptor until n bytes or the end. */
static size_t slurp(int fd, char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return got;
}

/* -- putting ------------------------------------------------------------------ */

static void writer_put(void)
{
    int sv[2];
    hop_stream s;
    hop_writer w;
    static char big[100000];
    size_t i;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&s, &loop, sv[0]), HOP_OK);
    T_EQ(hop_writer_init(NULL, &s, 0), HOP_EINVAL);
    T_EQ(hop_writer_init(&w, NULL, 0), HOP_EINVAL);
    T_EQ(hop_writer_init(&w, &s, 10), HOP_OK);
    T_EQ(hop_writer_len(&w), 0);
    T_EQ(hop_writer_cap(&w), 0); /* nothing allocated yet */
    T_EQ(hop_writer_cap(NULL), 0);
    T_EQ(hop_writer_put(&w, "hello", 5), HOP_OK);
    T_EQ(hop_writer_cap(&w), 10); /* never past the limit */
    T_EQ(hop_writer_put(&w, NULL, 0), HOP_OK);
    T_EQ(hop_writer_put(&w, NULL, 1), HOP_EINVAL);
    T_EQ(hop_writer_put(&w, "world!", 6), -ENOBUFS); /* 11 > 10 */
    T_EQ(hop_writer_len(&w), 5);                     /* nothing added */
    T_EQ(hop_writer_put(&w, "world", 5), HOP_OK);    /* exactly 10 */
    T_EQ(hop_writer_len(&w), 10);
    T_EQ(hop_writer_put(NULL, "x", 1), HOP_EINVAL);
    T_EQ(hop_writer_len(NULL), 0);
    hop_writer_clear(&w);
    T_EQ(hop_writer_len(&w), 0);
    hop_writer_cleanup(&w);

    /* Growing: many small puts keep every byte in order. */
    for (i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 23);
    T_EQ(hop_writer_init(&w, &s, 0), HOP_OK);
    for (i = 0; i < sizeof big; i += 7)
        T_EQ(hop_writer_put(&w, big + i,
                            sizeof big - i < 7 ? sizeof big - i : 7), HOP_OK);
    T_EQ(hop_writer_len(&w), sizeof big);

    /* Out of memory: HOP_ENOMEM, and what was held stays. */
    counting();
    fail_alloc = 1;
    T_EQ(hop_writer_put(&w, big, sizeof big), HOP_ENOMEM);
    T_EQ(allocs, 1);
    T_EQ(hop_writer_len(&w), sizeof big);
    hop_io_set_sys(NULL);
    hop_writer_cleanup(&w);
    T_EQ(hop_writer_len(&w), 0);
    T_EQ(hop_writer_cap(&w), 0);
    hop_writer_cleanup(&w); /* twice: nothing to free */
    T_EQ(hop_stream_close(&s), HOP_OK);
    close(sv[1]);
    loop_down();
}

/* -- flushing -------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope sc;
    hop_io_frame io;
    hop_writer *w;
    hop_time timeout;   /* 0: none */
    hop_value got;
    size_t done;
    int err;
} flush_task;

static hop_step flusher(hop_gen *g, hop_frame *f)
{
    flush_task *self = (flush_task *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        if (self->timeout > 0) {
            HOP_TIMEOUT(self, &self->sc, self->timeout);
                HOP_AWAIT(self, hop_flush(&self->io, self->w));
            HOP_END_TIMEOUT(self, &self->sc);
        } else {
            HOP_AWAIT(self, hop_flush(&self->io, self->w));
        }
        self->got = HOP_VALUE(self);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    self->done = self->io.done;
    HOP_END(self);
}

static void run_flush(flush_task *f, hop_writer *w, hop_time timeout)
{
    hop_task t;

    t_fill(&t, sizeof t, 0);
    hop_frame_init(&f->hdr, flusher, HOP_COROUTINE);
    f->w = w;
    f->timeout = timeout;
    f->got = 0;
    f->done = 0;
    f->err = 0;
    hop_task_init(&t, &loop, &f->hdr, "flusher");
    hop_spawn(&t);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
}

typedef struct {
    int fd;
    char *buf;
    size_t want;
    size_t got;
} drain;

static void *drainer(void *arg)
{
    drain *d = arg;

    d->got = slurp(d->fd, d->buf, d->want);
    return NULL;
}

/*
 * A flush that cannot finish (nobody reads) times out: done counts the
 * bytes that went out, which left the writer, and the rest stays for a
 * later flush. The peer then reads every byte once, in order.
 */
static void writer_flush_cancel_safe(void)
{
    enum { N = 1 << 22 };
    int sv[2];
    hop_stream s;
    hop_writer w;
    flush_task f;
    char *src = malloc(N), *dst = malloc(N);
    size_t i, first;

    T_ASSERT(src != NULL && dst != NULL);
    for (i = 0; i < N; i++)
        src[i] = (char)(i * 131 >> 7);
    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&s, &loop, sv[0]), HOP_OK);
    T_EQ(hop_writer_init(&w, &s, 0), HOP_OK);
    T_EQ(hop_writer_put(&w, src, N), HOP_OK);

    run_flush(&f, &w, HOP_MSEC(50));
    T_EQ(f.err, HOP_ETIMEDOUT);
    first = f.done;
    T_ASSERT(first > 0 && first < N);
    T_EQ(hop_writer_len(&w), N - first);

    /* The peer takes what went out; the rest follows in a second flush. */
    T_EQ(slurp(sv[1], dst, first), first);
    T_ASSERT(memcmp(dst, src, first) == 0);
    {
        /* The far end drains in the background, in a thread. */
        pthread_t th;
        drain d = {sv[1], dst + first, N - first, 0};
        T_EQ(pthread_create(&th, NULL, drainer, &d), 0);
        run_flush(&f, &w, 0);
        T_EQ(pthread_join(th, NULL), 0);
        T_EQ(f.err, 0);
        T_EQ(f.got, N - first);
        T_EQ(f.done, N - first);
        T_EQ(hop_writer_len(&w), 0);
        T_EQ(d.got, N - first);
        T_ASSERT(memcmp(dst, src, N) == 0);
    }
    /* An empty writer flushes at once. */
    run_flush(&f, &w, 0);
    T_EQ(f.err, 0);
    T_EQ(f.got, 0);
    hop_writer_cleanup(&w);
    T_EQ(hop_stream_close(&s), HOP_OK);
    close(sv[1]);
    loop_down();
    free(src);
    free(dst);
}

/* A flush to a peer that is gone raises -EPIPE, and no SIGPIPE. */
static void writer_flush_epipe(void)
{
    int sv[2];
    hop_stream s;
    hop_writer w;
    flush_task f;

    loop_up();
    pair(sv);
    close(sv[1]);
    T_EQ(hop_stream_init(&s, &loop, sv[0]), HOP_OK);
    T_EQ(hop_writer_init(&w, &s, 0), HOP_OK);
    T_EQ(hop_writer_put(&w, "lost", 4), HOP_OK);
    run_flush(&f, &w, 0);
    T_EQ(f.err, -EPIPE);
    T_EQ(f.done, 0);
    T_EQ(hop_writer_len(&w), 4);
    run_flush(&f, NULL, 0);
    T_EQ(f.err, HOP_EINVAL);
    hop_writer_cleanup(&w);
    T_EQ(hop_stream_close(&s), HOP_OK);
    loop_down();
}

/* -- a reader that writes its writer out ------------------------------------- */

/* Answer each line with "<line length>\n" until the end of the stream. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_reader_frame rf;
    hop_reader *r;
    hop_writer *w;
    size_t max;         /* the line limit */
    int lines;
    int err;
    int writes_at_end;  /* writes counted when the end was read */
} echo_task;

static hop_step answerer(hop_gen *g, hop_frame *f)
{
    echo_task *self = (echo_task *)f;
    char b[32];
    size_t n;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT(self, hop_read_line(&self->rf, self->r, self->max));
            n = (size_t)HOP_VALUE(self);
            hop_reader_consume(self->r, n);
            snprintf(b, sizeof b, "%zu\n", n);
            T_EQ(hop_writer_put(self->w, b, strlen(b)), HOP_OK);
            self->lines++;
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->writes_at_end = writes;
    HOP_END_TRY(self);
    HOP_END(self);
}

/* A socket pair, its near end a stream with a reader and a writer
 * coupled, and the answerer task on them (spawned, not yet run). */
typedef struct {
    int sv[2];
    hop_stream s;
    hop_reader r;
    hop_writer w;
    echo_task e;
    hop_task t;
} served;

static void serve_up(served *x, char *rbuf, size_t cap)
{
    loop_up();
    pair(x->sv);
    T_EQ(hop_stream_init(&x->s, &loop, x->sv[0]), HOP_OK);
    T_EQ(hop_reader_init(&x->r, &x->s, rbuf, cap), HOP_OK);
    T_EQ(hop_writer_init(&x->w, &x->s, 0), HOP_OK);
    T_EQ(hop_reader_set_writer(&x->r, &x->w), HOP_OK);
    memset(&x->e, 0, sizeof x->e);
    hop_frame_init(&x->e.hdr, answerer, HOP_COROUTINE);
    x->e.r = &x->r;
    x->e.w = &x->w;
    x->e.max = cap;
    t_fill(&x->t, sizeof x->t, 0);
    hop_task_init(&x->t, &loop, &x->e.hdr, "answerer");
    hop_spawn(&x->t);
}

static void serve_down(served *x)
{
    hop_writer_cleanup(&x->w);
    T_EQ(hop_stream_close(&x->s), HOP_OK);
    if (x->sv[1] >= 0)
        close(x->sv[1]);
    loop_down();
}

/*
 * A pipeline of lines read in one read gets its answers in one write,
 * made when the reader runs out of lines and before it waits; a peer
 * that then shuts its side gets the answers to what came last before
 * the reader reports the end.
 */
static void reader_writes_out(void)
{
    served x;
    char rbuf[256], got[64];
    size_t n;

    serve_up(&x, rbuf, sizeof rbuf);
    T_EQ(hop_reader_set_writer(NULL, &x.w), HOP_EINVAL);
    counting();
    T_EQ(write(x.sv[1], "a\nbb\nccc\n", 9), 9);
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);  /* starts, reads */
    while (x.e.lines < 3)
        T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    /* The three answers went out together before the reader waited. */
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(writes, 1);
    T_EQ(hop_writer_len(&x.w), 0);
    n = (size_t)read(x.sv[1], got, sizeof got);
    T_EQ(n, 6);
    T_ASSERT(memcmp(got, "2\n3\n4\n", 6) == 0);

    /* The last line and the end of the stream in one go. */
    T_EQ(write(x.sv[1], "dddd\n", 5), 5);
    T_EQ(shutdown(x.sv[1], SHUT_WR), 0);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(x.e.lines, 4);
    T_EQ(x.e.err, HOP_EOF);
    T_EQ(x.e.writes_at_end, 2);  /* the answer went out before the end */
    hop_io_set_sys(NULL);
    n = (size_t)read(x.sv[1], got, sizeof got);
    T_EQ(n, 2);
    T_ASSERT(memcmp(got, "5\n", 2) == 0);
    serve_down(&x);
}

/*
 * The end of the stream read at once (the read before took all it asked
 * for, so the reader asks again): the answers still go out first.
 */
static void reader_flushes_at_end(void)
{
    served x;
    char rbuf[8], got[8];

    serve_up(&x, rbuf, sizeof rbuf);
    T_EQ(write(x.sv[1], "1234567\n", 8), 8); /* fills the reader exactly */
    T_EQ(shutdown(x.sv[1], SHUT_WR), 0);
    counting();
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    hop_io_set_sys(NULL);
    T_EQ(x.e.lines, 1);
    T_EQ(x.e.err, HOP_EOF);
    T_EQ(x.e.writes_at_end, 1);
    T_EQ(read(x.sv[1], got, sizeof got), 2);
    T_ASSERT(memcmp(got, "8\n", 2) == 0);
    serve_down(&x);
}

/* Writing out fails (the peer is gone): the read raises the error. */
static void reader_write_error(void)
{
    served x;
    char rbuf[64];

    serve_up(&x, rbuf, sizeof rbuf);
    T_EQ(write(x.sv[1], "x\n", 2), 2);
    close(x.sv[1]);
    x.sv[1] = -1;
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(x.e.lines, 1);
    T_ASSERT(x.e.err == -EPIPE || x.e.err == -ECONNRESET);
    serve_down(&x);
}

const t_case t_cases_libevent_writer[] = {
    T_CASE(writer_put),
    T_CASE(writer_flush_cancel_safe),
    T_CASE(writer_flush_epipe),
    T_CASE(reader_writes_out),
    T_CASE(reader_flushes_at_end),
    T_CASE(reader_write_error),
    T_END,
};
