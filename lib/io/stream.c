/*
 * lib/io/stream.c: streams and their operations (read, read exactly,
 * write all, accept, connect).
 *
 * Every operation tries its system call first and waits only when it
 * would block. The read event is level-triggered and persistent: added
 * once, it stays in the base while tasks read and wait in turn, so a
 * stream that is read costs no libevent call per operation. When it
 * fires with nobody waiting to read (the task waits on something else
 * while bytes are there), it is taken out of the base until a task waits
 * to read again, so that it does not fire on every turn of the loop.
 *
 * A read that got less than it asked for took all there was (a stream
 * gives what it holds): the stream is marked dry, and the next read
 * waits for the read event without asking the system first, which
 * spares a request-reply exchange a third call that says EAGAIN. Being
 * level-triggered, the event fires at once when bytes, the end of the
 * stream or an error came meanwhile; any firing clears the mark.
 *
 * Writes block rarely: the write event is added when a task waits to
 * write and fires once.
 *
 * The send timeout measures how long the peer has taken no byte: the
 * first write that would block after one that moved bytes marks the
 * stream stalled and records the time (wstall); a write that moves
 * bytes clears the mark. A wait to write on a stalled stream runs a
 * timer to wstall + the timeout, so a wake-up that finds no room after
 * all (and waits again) does not give the peer more time, and a long
 * reply that the peer keeps taking never times out. hop_connect waits
 * for writability too, but the stream is not stalled then: its own
 * deadline rules it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "hop/backend.h"
#include "hop/waitable.h"
#include "io_internal.h"

#define S_SIG 0x5e000000u  /* signature of an initialised stream */
#define S_SIG_MASK 0xff000000u
#define S_SOCKET 0x02u     /* a socket: send with MSG_NOSIGNAL */
#define S_RADDED 0x04u     /* the read event is in the base */
#define S_DRY 0x08u        /* the last read took all there was */
#define S_WSTALL 0x10u     /* writes block since wstall */

#define REV(s) ((struct event *)(void *)(s)->rev.bytes)
#define WEV(s) ((struct event *)(void *)(s)->wev.bytes)

/* -- the system calls ------------------------------------------------------ */

static long sys_read(int fd, void *buf, size_t len)
{
    return (long)read(fd, buf, len);
}

static long sys_write(int fd, const void *buf, size_t len, int is_socket)
{
    if (is_socket)
        return (long)send(fd, buf, len, MSG_NOSIGNAL);
    return (long)write(fd, buf, len);
}

static int sys_accept(int fd, void *addr, unsigned *addrlen)
{
    socklen_t n = (socklen_t)*addrlen;
    int r;

#if defined(__linux__)
    r = accept4(fd, (struct sockaddr *)addr, &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    r = accept(fd, (struct sockaddr *)addr, &n);
    if (r >= 0 && (fcntl(r, F_SETFL, fcntl(r, F_GETFL) | O_NONBLOCK) < 0 ||
                   fcntl(r, F_SETFD, FD_CLOEXEC) < 0)) {
        int e = errno;
        close(r);
        errno = e;
        return -1;
    }
#endif
    *addrlen = (unsigned)n;
    return r;
}

static const hop_io_sys real_sys = {sys_read, sys_write, sys_accept, malloc,
                                    free};

const hop_io_sys *hop__io_sys = &real_sys;

void hop_io_set_sys(const hop_io_sys *sys)
{
    hop__io_sys = sys != NULL && sys->read != NULL && sys->write != NULL &&
                          sys->accept != NULL && sys->alloc != NULL &&
                          sys->release != NULL
                      ? sys
                      : &real_sys;
}

const char *hop_io_strerror(int err)
{
    if (err >= HOP_ERR_FIRST && err <= HOP_ERR_LAST)
        return hop_strerror(err);
    return err < 0 ? strerror(-err) : hop_strerror(err);
}

/* -- waiting ---------------------------------------------------------------- */

static void read_cb(evutil_socket_t fd, short what, void *arg)
{
    hop_stream *s = arg;
    hop_task *t = s->reader;

    (void)fd;
    (void)what;
    s->flags &= ~S_DRY;
    if (t != NULL) {
        s->reader = NULL;
        hop_task_settle(t, &s->rw, 0, 0, NULL);
    } else {
        event_del(REV(s)); /* nobody reads: until somebody waits to */
        s->flags &= ~S_RADDED;
    }
}

static void write_cb(evutil_socket_t fd, short what, void *arg)
{
    hop_stream *s = arg;
    hop_task *t = s->writer;

    (void)fd;
    (void)what;
    hop_timer_stop(s->loop, &s->wtimer);
    if (t != NULL) {
        s->writer = NULL;
        hop_task_settle(t, &s->ww, 0, 0, NULL);
    }
}

/* The peer took no byte for the send timeout: the wait fails. */
static void send_timeout_cb(hop_timer *tm)
{
    hop_stream *s = tm->data;
    hop_task *t = s->writer;

    if (t != NULL) {
        s->writer = NULL;
        event_del(WEV(s));
        hop_task_settle(t, &s->ww, HOP_EMPTY, HOP_ETIMEDOUT,
                           "send timed out");
    }
}

#if HOP_CONF_DESCRIBE
static int describe(const hop_stream *s, const char *what, hop_write_fn wr,
                    void *ctx)
{
    int r = hop_write_str(wr, ctx, "fd ");

    if (r == 0)
        r = hop_write_int(wr, ctx, s->fd);
    return r == 0 ? hop_write_str(wr, ctx, what) : r;
}
#endif

static int rw_arm(hop_waitable *w, hop_task *t)
{
    hop_stream *s = HOP_CONTAINER_OF(w, hop_stream, rw);

    hop_task_seal(t, w);
    if (s->reader != NULL)
        return HOP_EBUSY; /* another task waits to read already */
    if (!(s->flags & S_RADDED)) {
        if (event_add(REV(s), NULL) != 0)
            return HOP_ENOMEM;
        s->flags |= S_RADDED;
    }
    s->reader = t;
    return HOP_OK;
}

static void rw_disarm(hop_waitable *w, hop_task *t)
{
    hop_stream *s = HOP_CONTAINER_OF(w, hop_stream, rw);

    (void)t;
    s->reader = NULL; /* (the event stays: see read_cb) */
}

#if HOP_CONF_DESCRIBE
static int rw_describe(hop_waitable *w, const hop_task *t, hop_write_fn wr,
                       void *ctx)
{
    (void)t;
    return describe(HOP_CONTAINER_OF(w, hop_stream, rw), " readable", wr,
                    ctx);
}
#else
#define rw_describe NULL
#endif

static int ww_arm(hop_waitable *w, hop_task *t)
{
    hop_stream *s = HOP_CONTAINER_OF(w, hop_stream, ww);

    hop_task_seal(t, w);
    if (s->writer != NULL)
        return HOP_EBUSY; /* another task waits to write already */
    if (event_add(WEV(s), NULL) != 0)
        return HOP_ENOMEM;
    s->writer = t;
    if (s->send_timeout > 0 && (s->flags & S_WSTALL)) {
        hop_time when = hop_time_after(s->wstall, s->send_timeout);
        if (when != HOP_FOREVER)
            hop_timer_start(s->loop, &s->wtimer, when);
    }
    return HOP_OK;
}

static void ww_disarm(hop_waitable *w, hop_task *t)
{
    hop_stream *s = HOP_CONTAINER_OF(w, hop_stream, ww);

    (void)t;
    s->writer = NULL;
    event_del(WEV(s));
    hop_timer_stop(s->loop, &s->wtimer);
}

#if HOP_CONF_DESCRIBE
static int ww_describe(hop_waitable *w, const hop_task *t, hop_write_fn wr,
                       void *ctx)
{
    (void)t;
    return describe(HOP_CONTAINER_OF(w, hop_stream, ww), " writable", wr,
                    ctx);
}
#else
#define ww_describe NULL
#endif

static const hop_waitable_ops rw_ops = {rw_arm, rw_disarm, "stream",
                                        rw_describe};
static const hop_waitable_ops ww_ops = {ww_arm, ww_disarm, "stream",
                                        ww_describe};

/* -- streams ----------------------------------------------------------------- */

int hop__stream_ok(const hop_stream *s)
{
    return s != NULL && (s->flags & S_SIG_MASK) == S_SIG && s->fd >= 0;
}

int hop__stream_is_socket(const hop_stream *s)
{
    return (s->flags & S_SOCKET) != 0;
}

int hop_stream_init(hop_stream *s, hop_loop *l, int fd)
{
    struct event_base *base = hop_libevent_base(l);
    int fl, type;
    socklen_t tlen = sizeof type;

    if (s == NULL || fd < 0 || base == NULL)
        return HOP_EINVAL;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0))
        return -errno;
    s->rw.ops = &rw_ops;
    s->ww.ops = &ww_ops;
    s->loop = l;
    s->reader = s->writer = NULL;
    s->fd = fd;
    s->flags = S_SIG;
    s->send_timeout = 0;
    s->wstall = 0;
    hop_timer_init(&s->wtimer, send_timeout_cb);
    s->wtimer.data = s;
    s->data = NULL;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0)
        s->flags |= S_SOCKET;
    if (event_assign(REV(s), base, fd, EV_READ | EV_PERSIST, read_cb, s) !=
            0 ||
        event_assign(WEV(s), base, fd, EV_WRITE, write_cb, s) != 0) {
        s->flags = 0;
        return HOP_EINVAL;
    }
    return HOP_OK;
}

int hop_stream_cleanup(hop_stream *s)
{
    if (!hop__stream_ok(s))
        return HOP_EINVAL;
    if (s->reader != NULL || s->writer != NULL)
        return HOP_EBUSY;
    event_del(REV(s));
    event_del(WEV(s));
    hop_timer_stop(s->loop, &s->wtimer);
    s->flags = 0;
    s->fd = -1;
    return HOP_OK;
}

int hop_stream_close(hop_stream *s)
{
    int fd = hop_stream_fd(s);
    int r = hop_stream_cleanup(s);

    if (r != HOP_OK)
        return r;
    return close(fd) == 0 ? HOP_OK : -errno;
}

int hop_stream_fd(const hop_stream *s)
{
    return hop__stream_ok(s) ? s->fd : -1;
}

int hop_stream_set_send_timeout(hop_stream *s, hop_time d)
{
    if (!hop__stream_ok(s) || d < 0)
        return HOP_EINVAL;
    s->send_timeout = d == HOP_FOREVER ? 0 : d;
    return HOP_OK;
}

int hop_stream_send_timed_out(const hop_stream *s)
{
    if (!hop__stream_ok(s))
        return HOP_EINVAL;
    return s->send_timeout > 0 && (s->flags & S_WSTALL) &&
           hop_loop_now(s->loop) >= hop_time_after(s->wstall, s->send_timeout);
}

int hop_stream_shutdown(hop_stream *s)
{
    if (!hop__stream_ok(s))
        return HOP_EINVAL;
    return shutdown(s->fd, SHUT_WR) == 0 ? HOP_OK : -errno;
}

long hop__io_read(hop_stream *s, void *buf, size_t len)
{
    if (!hop__stream_ok(s))
        return HOP_ECLOSED; /* released while its task was being woken */
    if (s->flags & S_DRY) {
        s->flags &= ~S_DRY;
        return -EAGAIN; /* (see the top of this file) */
    }
    for (;;) {
        long n = hop__io_sys->read(s->fd, buf, len);
        if (n >= 0) {
            if (n > 0 && (size_t)n < len)
                s->flags |= S_DRY;
            return n;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -EAGAIN;
        if (errno != EINTR)
            return -errno;
    }
}

/* -- read, read exactly, write all ------------------------------------------ */

enum { M_SOME = 1, M_EXACT, M_WRITE };

long hop__io_write(hop_stream *s, const void *buf, size_t len)
{
    if (!hop__stream_ok(s))
        return HOP_ECLOSED;
    for (;;) {
        long n = hop__io_sys->write(s->fd, buf, len, hop__stream_is_socket(s));
        if (n > 0) {
            s->flags &= ~S_WSTALL;
            return n;
        }
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!(s->flags & S_WSTALL)) { /* the peer stops taking bytes */
                s->flags |= S_WSTALL;
                s->wstall = hop_loop_now(s->loop);
            }
            return -EAGAIN;
        }
        if (errno != EINTR)
            return -errno;
    }
}

/* One call: bytes moved (> 0), 0 at the end of the stream, or -errno. */
static long io_call(hop_io_frame *f)
{
    if (f->mode != M_WRITE)
        return hop__io_read(f->s, f->buf + f->done, f->len - f->done);
    return hop__io_write(f->s, f->buf + f->done, f->len - f->done);
}

static int io_more(const hop_io_frame *f)
{
    return f->mode == M_SOME ? f->done == 0 && f->len > 0 : f->done < f->len;
}

static hop_step io_step(hop_gen *g, hop_frame *fr)
{
    hop_io_frame *self = (hop_io_frame *)fr;
    long n;
    HOP_BEGIN(g, self);
    if (!hop__stream_ok(self->s) || (self->buf == NULL && self->len > 0) ||
        self->len > HOP__IO_MAX)
        HOP_RAISE(self, HOP_EINVAL);
    HOP_SPEND(self, 1);
    while (io_more(self)) {
        n = io_call(self);
        if (n > 0)
            self->done += (size_t)n;
        else
            HOP__IO_WAIT_OR_RAISE(self, n, self->mode == M_WRITE
                                               ? &self->s->ww
                                               : &self->s->rw);
    }
    HOP_RETURN(self, (hop_value)self->done);
    HOP_END(self);
}

static hop_frame *io_init(hop_io_frame *f, hop_stream *s, const void *buf,
                          size_t len, int mode)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, io_step, HOP_COROUTINE);
    f->s = s;
    f->buf = (char *)(uintptr_t)buf;
    f->len = len;
    f->done = 0;
    f->mode = mode;
    return &f->hdr;
}

hop_frame *hop_read(hop_io_frame *f, hop_stream *s, void *buf, size_t len)
{
    return io_init(f, s, buf, len, M_SOME);
}

hop_frame *hop_read_exact(hop_io_frame *f, hop_stream *s, void *buf,
                          size_t len)
{
    return io_init(f, s, buf, len, M_EXACT);
}

hop_frame *hop_write_all(hop_io_frame *f, hop_stream *s, const void *buf,
                         size_t len)
{
    return io_init(f, s, buf, len, M_WRITE);
}

/* -- linger ------------------------------------------------------------------ */

static hop_step linger_step(hop_gen *g, hop_frame *fr)
{
    hop_linger_frame *self = (hop_linger_frame *)fr;
    HOP_BEGIN(g, self);
    self->dropped = 0;
    if (!hop__stream_ok(self->s) || self->buf == NULL || self->cap == 0)
        HOP_RETURN(self, 0);
    (void)shutdown(self->s->fd, SHUT_WR);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->scope, self->time);
            for (;;) {
                HOP_AWAIT(self, hop_read(&self->io, self->s, self->buf,
                                         self->cap));
                self->dropped += (size_t)HOP_VALUE(self);
            }
        HOP_END_TIMEOUT(self, &self->scope);
    HOP_CATCH_IF(self, HOP_ERROR(self) != HOP_ECANCELED);
        /* The end of the stream, an error or the time: done. */
    HOP_END_TRY(self);
    HOP_RETURN(self, (hop_value)self->dropped);
    HOP_END(self);
}

hop_frame *hop_linger(hop_linger_frame *f, hop_stream *s, void *buf,
                      size_t cap, hop_time time)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, linger_step, HOP_COROUTINE);
    f->s = s;
    f->buf = buf;
    f->cap = cap;
    f->time = time;
    return &f->hdr;
}

/* -- accept ------------------------------------------------------------------ */

/*
 * Whether accept's error e is about the connection it would have given,
 * which is gone, rather than about the listener: an abort, or (on Linux,
 * which passes on the pending errors of the new socket) a network error
 * of the peer's. The next connection is then taken. EOPNOTSUPP and
 * ENOPROTOOPT, also in Linux's list, are left out: they are what a
 * listener that cannot accept gets, every time.
 */
static int lost_connection(int e)
{
    switch (e) {
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTUNREACH:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
#ifdef ENONET
    case ENONET:
#endif
        return 1;
    default:
        return 0;
    }
}

static hop_step accept_step(hop_gen *g, hop_frame *fr)
{
    hop_accept_frame *self = (hop_accept_frame *)fr;
    int fd, e;
    HOP_BEGIN(g, self);
    if (!hop__stream_ok(self->s))
        HOP_RAISE(self, HOP_EINVAL);
    HOP_SPEND(self, 1);
    if (!hop__stream_ok(self->s)) /* (released while it gave way) */
        HOP_RAISE(self, HOP_ECLOSED);
    for (;;) {
        if (!hop__stream_ok(self->s))
            HOP_RAISE(self, HOP_ECLOSED); /* released while woken */
        self->addrlen = sizeof self->addr;
        fd = hop__io_sys->accept(self->s->fd, self->addr.bytes,
                                 &self->addrlen);
        if (fd >= 0)
            HOP_RETURN(self, fd);
        e = errno;
        if (e == EAGAIN || e == EWOULDBLOCK)
            HOP_SUSPEND(self, &self->s->rw);
        else if (e != EINTR && !lost_connection(e))
            HOP_RAISE(self, -e);
    }
    HOP_END(self);
}

hop_frame *hop_accept(hop_accept_frame *f, hop_stream *s)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, accept_step, HOP_COROUTINE);
    f->s = s;
    f->addrlen = 0;
    return &f->hdr;
}

/* -- connect ----------------------------------------------------------------- */

static hop_step connect_step(hop_gen *g, hop_frame *fr)
{
    hop_connect_frame *self = (hop_connect_frame *)fr;
    int e;
    socklen_t elen = sizeof e;
    HOP_BEGIN(g, self);
    if (!hop__stream_ok(self->s) || self->addr == NULL)
        HOP_RAISE(self, HOP_EINVAL);
    if (connect(self->s->fd, self->addr, (socklen_t)self->addrlen) == 0)
        HOP_RETURN(self, 0);
    if (errno != EINPROGRESS && errno != EINTR)
        HOP_RAISE(self, -errno);
    HOP_TIMEOUT_AT(self, &self->scope, self->deadline);
        HOP_SUSPEND(self, &self->s->ww);
    HOP_END_TIMEOUT(self, &self->scope);
    if (!hop__stream_ok(self->s))
        HOP_RAISE(self, HOP_ECLOSED); /* released while woken */
    if (getsockopt(self->s->fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
        HOP_RAISE(self, -errno);
    if (e != 0)
        HOP_RAISE(self, -e);
    HOP_RETURN(self, 0);
    HOP_END(self);
}

hop_frame *hop_connect(hop_connect_frame *f, hop_stream *s,
                       const struct sockaddr *addr, unsigned addrlen,
                       hop_time deadline)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, connect_step, HOP_COROUTINE);
    f->s = s;
    f->addr = addr;
    f->addrlen = addrlen;
    f->deadline = deadline;
    return &f->hdr;
}
