/*
 * test/libevent/send_timeout.c: the send timeout
 * (hop_stream_set_send_timeout) of write_all, flush and a reader writing
 * out its writer, over socket pairs on the libevent backend, with
 * deadline scopes around them. (Hosted only.)
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
#include "case.h"
#include "t.h"
#include "limits.h"

/* span lies in [d - 2 ms, d + 1 s): libevent's timers are precise to a
 * millisecond, and the upper bound never measures speed. */
#define T_ABOUT(span, d)                                                     \
    do {                                                                     \
        T_ASSERT((span) >= (d) - HOP_MSEC(2));                               \
        T_ASSERT((span) < (d) + HOP_SEC(1));                                 \
    } while (0)

/* -- one task for the cases of this file ----------------------------------- */

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

const t_case t_cases_libevent_send_timeout[] = {
    T_CASE(send_timeout_write),
    T_CASE(send_timeout_slow_reader),
    T_CASE(send_timeout_flush),
    T_CASE(send_timeout_reader),
    T_CASE(send_timeout_scopes),
    T_CASE(send_timeout_default),
    T_END,
};
