/*
 * test/libevent/io.h: the task frame and helpers that the stream tests (io.c,
 * connect.c, io_misuse.c) share.
 */
#ifndef HOP_TEST_EVENT_IO_H
#define HOP_TEST_EVENT_IO_H

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

static inline void pair(int sv[2])
{
    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* A TCP listener on 127.0.0.1, an ephemeral port; *addr gets its address. */
static inline int listener(struct sockaddr_in *addr)
{
    socklen_t len = sizeof *addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    T_ASSERT(fd >= 0);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(bind(fd, (struct sockaddr *)addr, sizeof *addr), 0);
    T_EQ(listen(fd, 16), 0);
    T_EQ(getsockname(fd, (struct sockaddr *)addr, &len), 0);
    return fd;
}

/* A blocking TCP client connected to addr. */
static inline int dial(const struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    T_ASSERT(fd >= 0);
    T_EQ(connect(fd, (const struct sockaddr *)addr, sizeof *addr), 0);
    return fd;
}

typedef struct io_task {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope sc;
    hop_sleep_frame sl;
    hop_io_frame io;
    hop_reader_frame rf;
    hop_accept_frame af;
    hop_connect_frame cf;
    hop_stream *s;
    hop_reader *r;
    const char *out;     /* what to write */
    size_t out_len;
    char in[64];         /* what was read */
    size_t want;         /* how much to read */
    hop_time timeout;    /* a deadline scope around the operation, or 0 */
    hop_value got;       /* what the await gave */
    int err;             /* what it raised, or 0 */
    size_t done;         /* the frame's done after the await */
    int step;            /* which operation */
} io_task;

enum {
    OP_READ = 1,
    OP_READ_EXACT,
    OP_WRITE,
    OP_FILL,
    OP_UNTIL,
    OP_LINE,
    OP_RREAD,
    OP_ACCEPT
};

static inline hop_frame *op_frame(io_task *self)
{
    switch (self->step) {
    case OP_READ:
        return hop_read(&self->io, self->s, self->in, self->want);
    case OP_READ_EXACT:
        return hop_read_exact(&self->io, self->s, self->in, self->want);
    case OP_WRITE:
        return hop_write_all(&self->io, self->s, self->out, self->out_len);
    case OP_FILL:
        return hop_fill(&self->rf, self->r, self->want);
    case OP_UNTIL:
        return hop_read_until(&self->rf, self->r, "\r\n", 2, self->want);
    case OP_LINE:
        return hop_read_line(&self->rf, self->r, self->want);
    case OP_RREAD:
        return hop_reader_read(&self->rf, self->r, self->in, self->want);
    default:
        return hop_accept(&self->af, self->s);
    }
}

/* try { [deadline scope] got = await op } handler all { err = error };
 * done = the frame's done */
static inline hop_step do_op(hop_gen *g, hop_frame *f)
{
    io_task *self = (io_task *)f;
    HOP_BEGIN(g, self);
    self->err = 0;
    self->got = HOP_EMPTY;
    HOP_TRY(self);
        if (self->timeout > 0) {
            HOP_TIMEOUT(self, &self->sc, self->timeout);
                HOP_AWAIT(self, op_frame(self));
                self->got = HOP_VALUE(self);
            HOP_END_TIMEOUT(self, &self->sc);
        } else {
            HOP_AWAIT(self, op_frame(self));
            self->got = HOP_VALUE(self);
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    self->done = self->step <= OP_WRITE ? self->io.done : self->rf.done;
    HOP_END(self);
}

static inline void start_op(hop_task *t, io_task *f, hop_stream *s, int step)
{
    t_fill(f, sizeof *f, 0);
    f->s = s;
    f->step = step;
    t_spawn(t, &loop, &f->hdr, do_op, NULL);
}

/* connect s to addr; err gets what the await raised */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_connect_frame cf;
    hop_stream *s;
    const void *addr;
    socklen_t addrlen;
    int err;
} uconnect_frame;

static inline hop_step uconnect(hop_gen *g, hop_frame *f)
{
    uconnect_frame *self = (uconnect_frame *)f;
    HOP_BEGIN(g, self);
    self->err = 1;
    HOP_TRY(self);
        HOP_AWAIT(self, hop_connect(&self->cf, self->s,
                                    (const struct sockaddr *)self->addr,
                                    self->addrlen, HOP_FOREVER));
        self->err = 0;
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static int fail_after = -1; /* calls that succeed before the one failure
                               (-1: none fails) */
static int fail_errno;

static inline int fail_now(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after-- > 0)
        return 0;
    errno = fail_errno;
    return 1;
}

static inline long flaky_read(int fd, void *buf, size_t len)
{
    if (fail_now())
        return -1;
    return (long)read(fd, buf, len);
}

static inline long flaky_write(int fd, const void *buf, size_t len, int sock)
{
    if (fail_now())
        return -1;
    return sock ? (long)send(fd, buf, len, MSG_NOSIGNAL)
                : (long)write(fd, buf, len);
}

static inline int flaky_accept(int fd, void *addr, unsigned *len)
{
    socklen_t n = *len;
    int r;

    if (fail_now())
        return -1;
    r = accept4(fd, addr, &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *len = (unsigned)n;
    return r;
}

#endif /* HOP_TEST_EVENT_IO_H */
