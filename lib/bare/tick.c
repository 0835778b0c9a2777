/*
 * lib/bare/tick.c: the bare-metal backend's clock, its hop_backend
 * operations and its initialisation.
 *
 * The clock is a hop_time the application moves forward (hop_bare_tick,
 * hop_bare_advance), typically from a SysTick handler. On a 32-bit CPU a
 * 64-bit store is two stores, so the clock is read and written inside
 * the critical section: an interrupt can never show the loop half a
 * tick.
 *
 * Waiting (the backend's wait, and hop_bare_run when idle) calls the
 * idle hook inside the critical section, after a last look at the ring
 * and the clock made inside it: an interrupt that posts or ticks after
 * that look stays pending until the hook sleeps, and WFI returns at once
 * for a pending interrupt, so no wake-up is lost between the look and
 * the sleep.
 */
#include "bare_internal.h"

unsigned hop__bare_enter_none(void *ctx)
{
    (void)ctx;
    return 0;
}

void hop__bare_leave_none(void *ctx, unsigned state)
{
    (void)ctx;
    (void)state;
}

static hop_time bare_now(void *ctx)
{
    return hop_bare_now((hop_bare *)ctx);
}

void hop__bare_idle_wait(hop_bare *b, hop_time deadline)
{
    for (;;) {
        unsigned s;
        int done;

        if (hop__bare_drain(b) > 0 || hop_loop_stopping(b->loop))
            return;
        s = hop__bare_enter(b);
        done = b->woken || b->now >= deadline;
        b->woken = 0;
        if (!done && b->count == 0 && b->idle != NULL)
            b->idle(b->idle_ctx, deadline);
        hop__bare_leave(b, s);
        if (done || hop_loop_stopping(b->loop))
            return;
    }
}

/*
 * hop_loop_run waits here when no task is ready. Posted events may come
 * from interrupts at any time, so waiting forever is never a deadlock:
 * this returns HOP_OK once something happened (an event ran, the
 * deadline came, a wake), and never HOP_EBUSY.
 */
static int bare_wait(void *ctx, hop_time deadline)
{
    hop__bare_idle_wait((hop_bare *)ctx, deadline);
    return HOP_OK;
}

static void bare_wake(void *ctx)
{
    hop_bare_wake((hop_bare *)ctx);
}

/* notify: a task became ready or a deadline moved outside hop_loop_run
 * (from an event or the idle hook): an idle wait must look again. */
const hop_backend hop__bare_backend = {bare_now, bare_wait, bare_wake,
                                       bare_wake};

int hop_loop_init_bare(hop_loop *l, hop_bare *b, hop_bare_event *queue,
                       unsigned cap)
{
    int r;

    if (l == NULL || b == NULL || queue == NULL || cap == 0)
        return HOP_EINVAL;
    b->loop = l;
    b->queue = queue;
    b->cap = cap;
    b->head = 0;
    b->count = 0;
    b->dropped = 0;
    b->now = 0;
    b->woken = 0;
    b->running = 0;
    b->enter = hop__bare_enter_none;
    b->leave = hop__bare_leave_none;
    b->crit_ctx = NULL;
    b->idle = NULL;
    b->idle_ctx = NULL;
    b->data = NULL;
    r = hop_loop_init(l, &hop__bare_backend, b);
    b->magic = r == HOP_OK ? HOP__BARE_MAGIC : 0;
    return r;
}

int hop_bare_cleanup(hop_bare *b)
{
    if (!hop__bare_ok(b))
        return HOP_EINVAL;
    if (b->count != 0 || b->running)
        return HOP_EBUSY;
    b->magic = 0;
    b->loop = NULL;
    return HOP_OK;
}

int hop_bare_set_critical(hop_bare *b, hop_bare_enter_fn enter,
                          hop_bare_exit_fn leave, void *ctx)
{
    if (!hop__bare_ok(b) || (enter == NULL) != (leave == NULL))
        return HOP_EINVAL;
    if (enter == NULL) {
        enter = hop__bare_enter_none;
        leave = hop__bare_leave_none;
    }
    b->enter = enter;
    b->leave = leave;
    b->crit_ctx = ctx;
    return HOP_OK;
}

hop_time hop_bare_now(hop_bare *b)
{
    unsigned s;
    hop_time t;

    if (!hop__bare_ok(b))
        return 0;
    s = hop__bare_enter(b);
    t = b->now;
    hop__bare_leave(b, s);
    return t;
}

int hop_bare_tick(hop_bare *b, hop_time now)
{
    unsigned s;
    int r = HOP_OK;

    if (!hop__bare_ok(b) || now == HOP_FOREVER)
        return HOP_EINVAL;
    s = hop__bare_enter(b);
    if (now < b->now)
        r = HOP_EINVAL;
    else
        b->now = now;
    hop__bare_leave(b, s);
    return r;
}

int hop_bare_advance(hop_bare *b, hop_time d)
{
    unsigned s;
    int r = HOP_OK;

    if (!hop__bare_ok(b) || d < 0)
        return HOP_EINVAL;
    s = hop__bare_enter(b);
    if (d >= HOP_FOREVER - b->now)
        r = HOP_EINVAL;
    else
        b->now += d;
    hop__bare_leave(b, s);
    return r;
}
