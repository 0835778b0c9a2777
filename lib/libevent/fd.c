/*
 * lib/libevent/fd.c: waiting for a file descriptor to be readable or
 * writable, with an optional deadline.
 *
 * The struct event lives in the caller's frame and is assigned afresh
 * each time the wait is armed (it is never pending then). Whichever
 * comes first, the fd event or the deadline, removes the other, and a
 * cancelled wait removes both before the task runs again, so no callback
 * ever fires for a wait that is over.
 */
#include <event2/event.h>
#include <event2/event_struct.h>

#include "hop/libevent.h"
#include "hop/backend.h"
#include "hop/waitable.h"

#define EVP(f) ((struct event *)(void *)(f)->ev.bytes)

static hop_fd_frame *from_w(hop_waitable *w)
{
    return (hop_fd_frame *)(void *)((char *)(void *)w -
                                    offsetof(hop_fd_frame, w));
}

static void fd_cb(evutil_socket_t fd, short what, void *arg)
{
    hop_fd_frame *f = arg;

    (void)fd;
    f->added = 0;
    hop_timer_stop(hop_task_loop(f->task), &f->timer);
    hop_task_settle(f->task, &f->w,
                       (hop_value)(what & (EV_READ | EV_WRITE)), 0, NULL);
}

static void deadline_cb(hop_timer *t)
{
    hop_fd_frame *f = t->data;

    if (f->added) {
        event_del(EVP(f));
        f->added = 0;
    }
    hop_task_settle(f->task, &f->w, HOP_EMPTY, HOP_ETIMEDOUT, NULL);
}

static int fd_arm(hop_waitable *w, hop_task *t)
{
    hop_fd_frame *f = from_w(w);
    struct event_base *base = hop_libevent_base(hop_task_loop(t));

    hop_task_seal(t, w);
    f->task = t;
    if (base == NULL)
        return HOP_EINVAL;
    if (event_assign(EVP(f), base, f->fd, f->what, fd_cb, f) != 0 ||
        event_add(EVP(f), NULL) != 0)
        return HOP_EINVAL;
    f->added = 1;
    if (f->deadline != HOP_FOREVER)
        hop_timer_start(hop_task_loop(t), &f->timer, f->deadline);
    return HOP_OK;
}

static void fd_disarm(hop_waitable *w, hop_task *t)
{
    hop_fd_frame *f = from_w(w);

    if (f->added) {
        event_del(EVP(f));
        f->added = 0;
    }
    hop_timer_stop(hop_task_loop(t), &f->timer);
}

#if HOP_CONF_DESCRIBE
/* "fd 7 readable" */
static int fd_describe(hop_waitable *w, const hop_task *t, hop_write_fn wr,
                       void *ctx)
{
    hop_fd_frame *f = from_w(w);
    int r = hop_write_str(wr, ctx, "fd ");

    (void)t;
    if (r == 0)
        r = hop_write_int(wr, ctx, f->fd);
    if (r == 0 && (f->what & HOP_READABLE))
        r = hop_write_str(wr, ctx, " readable");
    if (r == 0 && (f->what & HOP_WRITABLE))
        r = hop_write_str(wr, ctx, " writable");
    return r;
}
#else
#define fd_describe NULL
#endif

static const hop_waitable_ops fd_ops = {fd_arm, fd_disarm, "fd",
                                        fd_describe};

static hop_step fd_step(hop_gen *g, hop_frame *fr)
{
    hop_fd_frame *self = (hop_fd_frame *)fr;
    HOP_BEGIN(g, self);
    if (hop_loop_current(hop_gen_loop(g)) == NULL)
        HOP_RAISE(self, HOP_ENOTASK);
    if (hop_libevent_base(hop_gen_loop(g)) == NULL || self->fd < 0 ||
        (self->what & ~(HOP_READABLE | HOP_WRITABLE)) != 0 ||
        self->what == 0)
        HOP_RAISE(self, HOP_EINVAL);
    HOP_SUSPEND(self, &self->w);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

hop_frame *hop_fd_wait(hop_fd_frame *f, int fd, int what, hop_time deadline)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, fd_step, HOP_COROUTINE);
    f->w.ops = &fd_ops;
    hop_timer_init(&f->timer, deadline_cb);
    f->timer.data = f;
    f->task = NULL;
    f->deadline = deadline;
    f->fd = fd;
    f->what = (short)what;
    f->added = 0;
    return &f->hdr;
}
