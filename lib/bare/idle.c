/*
 * lib/bare/idle.c: idling and the two ways of running a bare loop.
 *
 * hop_bare_run_until_idle and hop_bare_run alternate the events queued
 * and passes of the loop (hop_loop_run with HOP_RUN_NOWAIT), so events
 * run between passes, in the main loop, and a stream of ready tasks
 * never starves them. When nothing is ready, queued or due, the loop is
 * idle: run_until_idle returns, run waits as the backend's wait does
 * (tick.c), calling the idle hook.
 */
#include "bare_internal.h"

int hop_bare_set_idle(hop_bare *b, hop_bare_idle_fn fn, void *ctx)
{
    if (!hop__bare_ok(b))
        return HOP_EINVAL;
    b->idle = fn;
    b->idle_ctx = ctx;
    return HOP_OK;
}

/*
 * What is read of the loop goes through hop/backend.h (its context on
 * this backend, whether it runs or was stopped); the stop is cleared on
 * entry, as hop_loop_run clears it.
 */
static int run(hop_loop *l, int forever)
{
    hop_bare *b;
    int r = HOP_OK;

    b = hop_loop_backend(l, &hop__bare_backend);
    if (!hop__bare_ok(b) || b->loop != l)
        return HOP_EINVAL;
    if (hop_loop_current(l) != NULL || hop_loop_running(l) || b->running)
        return HOP_ERUNNING;
    b->running = 1;
    hop_loop_clear_stop(l);
    for (;;) {
        hop_time d;
        unsigned s;

        s = hop__bare_enter(b);
        b->woken = 0; /* we are about to look at everything anyway */
        hop__bare_leave(b, s);
        hop__bare_drain(b);
        if (hop_loop_stopping(l))
            break;
        d = hop_loop_deadline(l);
        if (d <= hop_bare_now(b)) {
            /* A task is ready, or a timer or a delayed start is due. */
            r = hop_loop_run(l, HOP_RUN_NOWAIT);
            if (r != HOP_OK || hop_loop_stopping(l))
                break;
            continue;
        }
        if (hop_bare_pending(b) != 0)
            continue;
        if (!forever)
            break;
        hop__bare_idle_wait(b, d);
        if (hop_loop_stopping(l))
            break;
    }
    b->running = 0;
    return r;
}

int hop_bare_run_until_idle(hop_loop *l)
{
    return run(l, 0);
}

int hop_bare_run(hop_loop *l)
{
    return run(l, 1);
}
