/*
 * test/libevent/limits.h: the task that the tests of the write side's limits
 * (send_timeout.c, limits.c) share.
 */
#ifndef HOP_TEST_EVENT_LIMITS_H
#define HOP_TEST_EVENT_LIMITS_H

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

/* A socket pair whose near end sv[0] has a small send buffer, so that a
 * peer that does not read stops taking bytes soon. */
static inline void small_pair(int sv[2])
{
    int sz = 4096;

    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz), 0);
    T_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz), 0);
}

/* Take every byte waiting at fd (made nonblocking) into buf, at most
 * cap; the number taken. */
static inline size_t take_all(int fd, char *buf, size_t cap)
{
    size_t total = 0;
    ssize_t n;

    T_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
    while (total < cap && (n = read(fd, buf + total, cap - total)) > 0)
        total += (size_t)n;
    return total;
}

static inline char *pattern(size_t n)
{
    char *p = malloc(n);
    size_t i;

    T_ASSERT(p != NULL);
    for (i = 0; i < n; i++)
        p[i] = (char)(i * 131 >> 7);
    return p;
}

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

static inline hop_step lim_step(hop_gen *g, hop_frame *f)
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

static inline void lim_start(hop_task *t, lim_task *f, int op)
{
    t_fill(f, sizeof *f, 0);
    f->op = op;
    t_spawn(t, &loop, &f->hdr, lim_step, "limits");
}

#endif /* HOP_TEST_EVENT_LIMITS_H */
