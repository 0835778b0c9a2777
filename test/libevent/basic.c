/*
 * test/libevent/basic.c: the libevent backend with real time and real file
 * descriptors. Timing assertions use generous bounds and never measure
 * speed. (Hosted only: sockets and libevent.)
 */
#define _POSIX_C_SOURCE 200809L
#include <event2/event.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

static hop_loop loop;
static hop_libevent ev;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_fd_frame fw;
    int fd;
    hop_time deadline;
    hop_future *fut;
    hop_value got;
    int err;
} task_frame;

static void run_and_clean(void)
{
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* -- sleeping on the real clock ----------------------------------------- */

static hop_step sleeper(hop_gen *g, hop_frame *f)
{
    task_frame *self = (task_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(20)));
    HOP_END(self);
}

static void ev_sleep(void)
{
    task_frame fr;
    hop_task t = {0};
    hop_time t0, dt;

    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_ASSERT(hop_libevent_base(&loop) != NULL);
    hop_frame_init(&fr.hdr, sleeper, HOP_COROUTINE);
    T_EQ(hop_task_init(&t, &loop, &fr.hdr, "sleeper"), HOP_OK);
    T_EQ(hop_spawn(&t), HOP_OK);
    t0 = hop_loop_now(&loop);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    dt = hop_loop_now(&loop) - t0;
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
    /* Not before the deadline; well within a generous bound after it. */
    T_ASSERT(dt >= HOP_MSEC(20));
    T_ASSERT(dt < HOP_SEC(3));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
}

/* -- waiting for a file descriptor --------------------------------------- */

/* Wait until fd is readable (with self->deadline), read one byte. */
static hop_step reader(hop_gen *g, hop_frame *f)
{
    task_frame *self = (task_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_fd_wait(&self->fw, self->fd, HOP_READABLE,
                                    self->deadline));
        T_EQ(HOP_VALUE(self), HOP_READABLE);
        {
            char c = 0;
            T_EQ(read(self->fd, &c, 1), 1);
            self->got = c;
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Sleep 10 ms, then write one byte to fd. */
static hop_step writer(hop_gen *g, hop_frame *f)
{
    task_frame *self = (task_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
    T_EQ(write(self->fd, "x", 1), 1);
    HOP_END(self);
}

static void ev_fd_readable(void)
{
    task_frame r, w;
    hop_task tr = {0}, tw = {0};
    int sv[2];

    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    hop_frame_init(&r.hdr, reader, HOP_COROUTINE);
    r.fd = sv[0];
    r.deadline = HOP_FOREVER;
    r.got = 0;
    r.err = 0;
    hop_frame_init(&w.hdr, writer, HOP_COROUTINE);
    w.fd = sv[1];
    hop_task_init(&tr, &loop, &r.hdr, "reader");
    hop_task_init(&tw, &loop, &w.hdr, "writer");
    hop_spawn(&tr);
    hop_spawn(&tw);
    run_and_clean();
    T_EQ(r.got, 'x');
    T_EQ(r.err, 0);
    close(sv[0]);
    close(sv[1]);
}

static void ev_fd_deadline(void)
{
    task_frame r;
    hop_task tr = {0};
    int sv[2];

    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    hop_frame_init(&r.hdr, reader, HOP_COROUTINE);
    r.fd = sv[0];
    r.deadline = hop_loop_now(&loop) + HOP_MSEC(20);
    r.got = 0;
    r.err = 0;
    hop_task_init(&tr, &loop, &r.hdr, "reader");
    hop_spawn(&tr);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(r.err, HOP_ETIMEDOUT);
    T_ASSERT(hop_loop_now(&loop) >= r.deadline);
    /* The fd interest is gone: libevent has nothing left to wait for. */
    T_EQ(event_base_loop(hop_libevent_base(&loop), EVLOOP_NONBLOCK), 1);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
    close(sv[0]);
    close(sv[1]);
}

/* A canceller: sleep 10 ms, cancel the task in self->got. */
static hop_step canceller(hop_gen *g, hop_frame *f)
{
    task_frame *self = (task_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
    T_EQ(hop_task_cancel((hop_task *)self->got, "stop"), 1);
    HOP_END(self);
}

static void ev_fd_cancel(void)
{
    task_frame r, c;
    hop_task tr = {0}, tc = {0};
    int sv[2];

    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    hop_frame_init(&r.hdr, reader, HOP_COROUTINE);
    r.fd = sv[0];
    r.deadline = HOP_FOREVER;
    r.got = 0;
    r.err = 0;
    hop_frame_init(&c.hdr, canceller, HOP_COROUTINE);
    c.got = (hop_value)&tr;
    hop_task_init(&tr, &loop, &r.hdr, "reader");
    hop_task_init(&tc, &loop, &c.hdr, "canceller");
    hop_spawn(&tr);
    hop_spawn(&tc);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(r.err, HOP_ECANCELED);
    T_EQ(event_base_loop(hop_libevent_base(&loop), EVLOOP_NONBLOCK), 1);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
    close(sv[0]);
    close(sv[1]);
}

/* -- nothing can ever happen ---------------------------------------------- */

static hop_step waiter(hop_gen *g, hop_frame *f)
{
    task_frame *self = (task_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->fut));
        self->got = HOP_VALUE(self);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void ev_deadlock(void)
{
    task_frame w;
    hop_task tw = {0};
    hop_future fu;

    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    hop_future_init(&fu, NULL);
    hop_frame_init(&w.hdr, waiter, HOP_COROUTINE);
    w.fut = &fu;
    w.err = 0;
    hop_task_init(&tw, &loop, &w.hdr, "waiter");
    hop_spawn(&tw);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_EBUSY);
    T_EQ(hop_task_cancel(&tw, NULL), 1);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(w.err, HOP_ECANCELED);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* -- hop tasks in the application's own event_base ------------------------ */

static int app_calls;

/* A plain libevent timer callback of the application: it completes the
 * future a hop task waits on. */
static void app_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    app_calls++;
    T_EQ(hop_future_complete((hop_future *)arg, 42), HOP_OK);
}

static void ev_attached(void)
{
    struct event_base *base = event_base_new();
    struct event *tm;
    struct timeval tv = {0, 10000};
    task_frame w, s;
    hop_task tw = {0}, ts = {0};
    hop_future fu;

    T_ASSERT(base != NULL);
    T_EQ(hop_libevent_attach(&loop, &ev, base), HOP_OK);
    T_ASSERT(hop_libevent_base(&loop) == base);
    hop_future_init(&fu, NULL);
    hop_frame_init(&w.hdr, waiter, HOP_COROUTINE);
    w.fut = &fu;
    w.got = 0;
    w.err = 0;
    hop_frame_init(&s.hdr, sleeper, HOP_COROUTINE);
    hop_task_init(&tw, &loop, &w.hdr, "waiter");
    hop_task_init(&ts, &loop, &s.hdr, "sleeper");
    hop_spawn(&tw);
    hop_spawn(&ts);
    app_calls = 0;
    tm = evtimer_new(base, app_cb, &fu);
    T_ASSERT(tm != NULL);
    evtimer_add(tm, &tv);
    /* The application runs its loop as it always does. */
    T_EQ(event_base_dispatch(base), 1);
    T_EQ(app_calls, 1);
    T_EQ(hop_task_status(&tw), HOP_TASK_DONE);
    T_EQ(w.got, 42);
    T_EQ(hop_task_status(&ts), HOP_TASK_DONE);
    T_EQ(hop_loop_tasks(&loop), 0);
    event_free(tm);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
    event_base_free(base);
}

static void ev_args(void)
{
    hop_fd_frame fw;

    T_EQ(hop_libevent_init(NULL, &ev), HOP_EINVAL);
    T_EQ(hop_libevent_init(&loop, NULL), HOP_EINVAL);
    T_EQ(hop_libevent_attach(&loop, &ev, NULL), HOP_EINVAL);
    T_ASSERT(hop_libevent_base(NULL) == NULL);
    T_ASSERT(hop_fd_wait(NULL, 0, HOP_READABLE, HOP_FOREVER) == NULL);
    T_ASSERT(hop_fd_wait(&fw, 0, HOP_READABLE, HOP_FOREVER) == &fw.hdr);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_EBUSY);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

const t_case t_cases_libevent_basic[] = {
    T_CASE(ev_sleep),
    T_CASE(ev_fd_readable),
    T_CASE(ev_fd_deadline),
    T_CASE(ev_fd_cancel),
    T_CASE(ev_deadlock),
    T_CASE(ev_attached),
    T_CASE(ev_args),
    T_END,
};
