/*
 * lib/sched/sim.c: the simulation backend: a virtual clock that starts
 * at 0 and jumps to each deadline the loop waits for, so that timing
 * code runs deterministically and in no real time. Waiting forever with
 * nothing to wake the loop is a deadlock (HOP_EBUSY).
 */
#include "sched_internal.h"

static hop_time sim_now(void *ctx)
{
    return ((hop_sim *)ctx)->now;
}

static int sim_wait(void *ctx, hop_time deadline)
{
    hop_sim *s = ctx;

    if (s->woken) {
        s->woken = 0;
        return HOP_OK;
    }
    if (deadline == HOP_FOREVER)
        return HOP_EBUSY;
    if (deadline > s->now)
        s->now = deadline;
    return HOP_OK;
}

static void sim_wake(void *ctx)
{
    ((hop_sim *)ctx)->woken = 1;
}

static const hop_backend sim_backend = {sim_now, sim_wait, sim_wake, NULL};

int hop_loop_init_sim(hop_loop *l, hop_sim *sim)
{
    if (sim == NULL)
        return HOP_EINVAL;
    sim->now = 0;
    sim->woken = 0;
    return hop_loop_init(l, &sim_backend, sim);
}

int hop_sim_advance(hop_sim *sim, hop_time d)
{
    if (sim == NULL || d < 0)
        return HOP_EINVAL;
    sim->now += d;
    return HOP_OK;
}
