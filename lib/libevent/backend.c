/*
 * lib/libevent/backend.c: the libevent backend of the loop.
 *
 * The clock is CLOCK_MONOTONIC in nanoseconds. With a base of its own,
 * hop_loop_run asks wait() to run one libevent iteration, bounded by a
 * timer at hop's earliest deadline; libevent's callbacks (fd readiness)
 * wake tasks, and the loop runs them after wait returns. With the
 * application's base, hop never waits: a "runner" event, activated when
 * work appears (the loop's notify op) or when the deadline timer fires,
 * runs one pass from inside the application's event loop and then arms
 * the timer for the next deadline.
 */
#define _POSIX_C_SOURCE 200809L
#include <event2/event.h>
#include <event2/event_struct.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hop/libevent.h"
#include "hop/backend.h"
#include "hop/waitable.h"
#include "libevent_internal.h"

#define EV(x) ((struct event *)(void *)(x).bytes)

static hop_time ev_now(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (hop_time)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timeval until(hop_time deadline)
{
    struct timeval tv;
    hop_time d = deadline - ev_now(NULL);

    if (d < 0)
        d = 0;
    tv.tv_sec = (time_t)(d / 1000000000);
    tv.tv_usec = (suseconds_t)((d % 1000000000 + 999) / 1000);
    if (tv.tv_usec >= 1000000) {
        tv.tv_sec++;
        tv.tv_usec -= 1000000;
    }
    return tv;
}

/* Attached mode: after a pass, arrange for the next one. */
static void rearm(hop_libevent *ev)
{
    hop_time d = hop_loop_deadline(ev->loop);

    if (d == HOP_FOREVER) {
        event_del(EV(ev->timer));
    } else if (d <= ev_now(NULL)) {
        event_active(EV(ev->runner), EV_READ, 0);
    } else {
        struct timeval tv = until(d);
        event_add(EV(ev->timer), &tv);
    }
}

static void runner_cb(evutil_socket_t fd, short what, void *arg)
{
    hop_libevent *ev = arg;

    (void)fd;
    (void)what;
    hop_loop_run(ev->loop, HOP_RUN_NOWAIT);
    rearm(ev);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
    hop_libevent *ev = arg;

    ev->expired = 1;
    if (ev->attached)
        runner_cb(fd, what, arg);
}

/* The busy-poll window starts at, and falls to 0 below, this size. */
#define POLL_START 10000

/*
 * Busy polling: run nonblocking iterations of the base until a task is
 * ready (or the loop must look again) or the window or the deadline
 * has passed. 1 when the wait is over, 0 to go on and block.
 */
static int ev_poll(hop_libevent *ev, hop_time start, hop_time deadline)
{
    hop_loop *l = ev->loop;
    hop_time end = deadline - start > ev->poll ? start + ev->poll : deadline;
    hop_time now;

    do {
        if (event_base_loop(ev->base, EVLOOP_NONBLOCK) < 0)
            return 0;
        if (hop_loop_ready(l) || hop_loop_stopping(l) ||
            event_base_got_break(ev->base))
            return 1;
        now = ev_now(NULL);
    } while (now < end);
    return now >= deadline;
}

/*
 * After a wait that the window did not cover: an idle gap longer than
 * the limit narrows the window, down to nothing; a shorter one that
 * ended in an event widens it (the next one would likely end in it).
 * A timer is the loop's own wake-up and costs no other thread a thing:
 * one within the limit leaves the window as it is.
 */
static void ev_poll_adapt(hop_libevent *ev, hop_time idle, int timer)
{
    if (idle > ev->poll_max) {
        ev->poll /= 2;
        if (ev->poll < POLL_START)
            ev->poll = 0;
    } else if (!timer) {
        ev->poll = ev->poll == 0               ? POLL_START
                   : ev->poll > ev->poll_max / 2 ? ev->poll_max
                                                 : ev->poll * 2;
        if (ev->poll > ev->poll_max)
            ev->poll = ev->poll_max;
    }
}

static int ev_wait(void *ctx, hop_time deadline)
{
    hop_libevent *ev = ctx;
    hop_time start = 0;
    int r;

    if (ev->poll_max > 0) {
        start = ev_now(NULL);
        if (ev->poll > 0 && ev_poll(ev, start, deadline))
            return HOP_OK;
    }
    do {
        if (deadline != HOP_FOREVER) {
            struct timeval tv = until(deadline);
            event_add(EV(ev->timer), &tv);
        }
        ev->expired = 0;
        r = event_base_loop(ev->base, EVLOOP_ONCE);
        if (deadline != HOP_FOREVER && !ev->expired)
            event_del(EV(ev->timer));
        /* libevent's timers are millisecond-precise and may fire a
         * little before hop's clock reaches the deadline: wait again. */
    } while (r == 0 && ev->expired && ev_now(NULL) < deadline);
    if (ev->poll_max > 0)
        ev_poll_adapt(ev, ev_now(NULL) - start, ev->expired);
    if (r < 0)
        return HOP_EINVAL;
    return r == 1 ? HOP_EBUSY : HOP_OK; /* 1: nothing could happen */
}

static void ev_wake(void *ctx)
{
    hop_libevent *ev = ctx;

    event_base_loopbreak(ev->base);
}

static void ev_notify(void *ctx)
{
    hop_libevent *ev = ctx;

    if (ev->attached)
        event_active(EV(ev->runner), EV_READ, 0);
}

static const hop_backend ev_backend = {ev_now, ev_wait, ev_wake, ev_notify};

static int write_fd(void *ctx, const char *buf, size_t len);
static int stderr_fd = 2;

/* The message of a code raised without one: strerror for -errno. */
static const char *errno_str(int err)
{
    return err < 0 && err > -4000 ? strerror(-err) : hop_strerror(err);
}

static int setup(hop_loop *l, hop_libevent *ev, struct event_base *base)
{
    int r;

    hop__libevent_posts_init(ev);
    if (event_get_struct_event_size() > sizeof(hop_libevent_event)) {
        if (ev->owns_base)
            event_base_free(base);
        return HOP_EINVAL;
    }
    ev->loop = l;
    ev->base = base;
    ev->expired = 0;
    ev->poll_max = 0;
    ev->poll = 0;
    ev->data = NULL;
    event_assign(EV(ev->timer), base, -1, 0, timer_cb, ev);
    event_assign(EV(ev->runner), base, -1, 0, runner_cb, ev);
    r = hop_loop_init(l, &ev_backend, ev);
    if (r != HOP_OK && ev->owns_base)
        event_base_free(base);
    if (r == HOP_OK) { /* tasks that fail unobserved are reported there */
        hop_loop_set_report(l, write_fd, &stderr_fd);
        hop_loop_set_errstr(l, errno_str);
    }
    return r;
}

int hop_libevent_init(hop_loop *l, hop_libevent *ev)
{
    struct event_base *base;

    if (l == NULL || ev == NULL)
        return HOP_EINVAL;
    {
        /* Precise timers: libevent's default coarse clock would wake
         * the loop up to a few milliseconds late. */
        struct event_config *cfg = event_config_new();
        if (cfg == NULL)
            return HOP_ENOMEM;
        event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
        base = event_base_new_with_config(cfg);
        event_config_free(cfg);
    }
    if (base == NULL)
        return HOP_ENOMEM;
    ev->owns_base = 1;
    ev->attached = 0;
    return setup(l, ev, base);
}

int hop_libevent_attach(hop_loop *l, hop_libevent *ev, struct event_base *base)
{
    int r;

    if (l == NULL || ev == NULL || base == NULL)
        return HOP_EINVAL;
    ev->owns_base = 0;
    ev->attached = 1;
    r = setup(l, ev, base);
    return r;
}

int hop_libevent_cleanup(hop_libevent *ev)
{
    if (ev == NULL || ev->base == NULL)
        return HOP_EINVAL;
    if (hop_loop_tasks(ev->loop) >= 0)
        return HOP_EBUSY; /* the loop is still initialised */
    event_del(EV(ev->timer));
    event_del(EV(ev->runner));
    hop__libevent_posts_cleanup(ev);
    if (ev->owns_base)
        event_base_free(ev->base);
    ev->base = NULL;
    return HOP_OK;
}

struct event_base *hop_libevent_base(const hop_loop *l)
{
    hop_libevent *ev = hop_loop_backend(l, &ev_backend);

    return ev != NULL ? ev->base : NULL;
}

int hop_libevent_busy_poll(hop_libevent *ev, hop_time max_ns)
{
    if (ev == NULL || ev->base == NULL || ev->attached || max_ns < 0)
        return HOP_EINVAL;
    ev->poll_max = max_ns;
    if (ev->poll > max_ns)
        ev->poll = max_ns;
    return HOP_OK;
}

/* -- debugging ------------------------------------------------------------- */

static int write_fd(void *ctx, const char *buf, size_t len)
{
    int fd = *(const int *)ctx;

    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int hop_dump_fd(const hop_loop *l, int fd)
{
    return hop_dump(l, write_fd, &fd);
}

int hop_dump_stderr(const hop_loop *l)
{
    return hop_dump_fd(l, 2);
}
