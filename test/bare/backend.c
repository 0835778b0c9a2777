/*
 * test/bare/backend.c: the bare-metal backend (hop/bare.h). Ticks that
 * move the clock and fire timers and sleeps, posted events that complete
 * futures and run in order, a full ring counted and refused with
 * HOP_EBUSY, the idle hook with its deadline (inside the critical
 * section, feeding ticks), run-until-idle and run-until-stopped,
 * hop_loop_run on the backend, and misuse. Needs no libc: it runs under
 * Check and on the boards.
 */
#include "t.h"

#define CAP 4

static hop_loop loop;
static hop_bare bare;
static hop_bare_event ring[CAP];

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_time woke[4];   /* the clock after each sleep */
    hop_value got;      /* the future's value */
    int err;            /* or its error */
    int rc;             /* a result recorded inside the task */
} frame;

static hop_future fut;

static void setup(void)
{
    t_fill(&bare, sizeof bare, 0);
    t_fill(ring, sizeof ring, 0);
    T_EQ(hop_loop_init_bare(&loop, &bare, ring, CAP), HOP_OK);
    T_EQ(hop_bare_now(&bare), 0);
    T_EQ(hop_bare_pending(&bare), 0);
    T_EQ(hop_bare_dropped(&bare), 0);
}

static void teardown(void)
{
    T_EQ(hop_loop_tasks(&loop), 0);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_bare_cleanup(&bare), HOP_OK);
}

/* Sleep 10 ms, then 5 ms, recording the clock after each. */
static hop_step sleeper(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
    self->woke[0] = hop_loop_now(&loop);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(5)));
    self->woke[1] = hop_loop_now(&loop);
    HOP_END(self);
}

/* Wait on fut; record its value or error. */
static hop_step waiter(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(&fut));
        self->got = HOP_VALUE(self);
        tr_add("waiter woke");
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Events. */
static void ev_complete(void *arg)
{
    T_ASSERT(hop_loop_current(&loop) == NULL);
    T_EQ(hop_future_complete(&fut, (hop_value)(intptr_t)arg), HOP_OK);
    tr_add("complete");
}

static void ev_trace(void *arg)
{
    tr_add((const char *)arg);
}

static void ev_stop(void *arg)
{
    (void)arg;
    tr_add("stop");
    hop_loop_stop(&loop);
}

static void ev_repost(void *arg)
{
    tr_add("repost");
    T_EQ(hop_bare_post(&bare, ev_trace, arg), HOP_OK);
}

static void ev_nested_run(void *arg)
{
    (void)arg;
    T_EQ(hop_bare_run_until_idle(&loop), HOP_ERUNNING);
    T_EQ(hop_bare_run(&loop), HOP_ERUNNING);
    tr_add("nested refused");
}

/* -- ticks, timers and sleeps ------------------------------------------- */

static hop_time timer_at;

static void on_timer(hop_timer *t)
{
    (void)t;
    timer_at = hop_loop_now(&loop);
}

static void ticks_fire_timers(void)
{
    static frame f;
    static hop_task t;
    static hop_timer tm;

    setup();
    timer_at = -1;
    t_fill(&f, sizeof f, 0);
    t_spawn(&t, &loop, &f.hdr, sleeper, "sleeper");
    T_EQ(hop_timer_init(&tm, on_timer), HOP_OK);
    T_EQ(hop_timer_start(&loop, &tm, HOP_MSEC(3)), HOP_OK);

    /* The task starts and sleeps; nothing is due at 0. */
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_loop_now(&loop), 0);
    T_EQ(hop_loop_deadline(&loop), HOP_MSEC(3));
    T_EQ(timer_at, -1);

    /* Ticks move the clock; what is due fires on the next run. */
    T_EQ(hop_bare_advance(&bare, HOP_MSEC(2)), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(timer_at, -1);
    T_EQ(hop_bare_tick(&bare, HOP_MSEC(4)), HOP_OK);
    T_EQ(timer_at, -1); /* a tick only moves the clock */
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(timer_at, HOP_MSEC(4));
    T_EQ(hop_loop_deadline(&loop), HOP_MSEC(10));

    T_EQ(hop_bare_tick(&bare, HOP_MSEC(10)), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(f.woke[0], HOP_MSEC(10));
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_loop_deadline(&loop), HOP_MSEC(15));

    /* A tick past the deadline: the sleep ends at the tick's time. */
    T_EQ(hop_bare_tick(&bare, HOP_MSEC(21)), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(f.woke[1], HOP_MSEC(21));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_loop_deadline(&loop), HOP_FOREVER);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    teardown();
}

/* A delayed spawn starts when a tick reaches its start. */
static void ticks_start_delayed(void)
{
    static frame f;
    static hop_task t;

    setup();
    t_fill(&f, sizeof f, 0);
    t_task_new(&t, &loop, &f.hdr, sleeper, NULL);
    T_EQ(hop_spawn_after(&t, HOP_MSEC(1)), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_loop_deadline(&loop), HOP_MSEC(1));
    T_EQ(hop_bare_advance(&bare, HOP_MSEC(1)), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_loop_deadline(&loop), HOP_MSEC(11));
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    teardown();
}

/* -- posted events --------------------------------------------------------- */

static void post_completes_future(void)
{
    static frame f;
    static hop_task t;

    setup();
    T_EQ(hop_future_init(&fut, NULL), HOP_OK);
    t_fill(&f, sizeof f, 0);
    t_spawn(&t, &loop, &f.hdr, waiter, "waiter");
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);

    /* As an interrupt handler would. */
    T_EQ(hop_bare_post(&bare, ev_complete, (void *)(intptr_t)42), HOP_OK);
    T_EQ(hop_bare_pending(&bare), 1);
    T_EQ(hop_future_state(&fut), HOP_FUTURE_PENDING);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_bare_pending(&bare), 0);
    T_EQ(hop_future_state(&fut), HOP_FUTURE_DONE);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(f.got, 42);
    T_EQ(f.err, 0);
    /* The event ran, then the task it woke, in the same call. */
    TR_EXPECT("complete", "waiter woke");
    T_EQ(hop_loop_now(&loop), 0);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_future_cleanup(&fut), HOP_OK);
    teardown();
}

/* Events run in the order posted; what an event posts runs after. */
static void post_order(void)
{
    setup();
    T_EQ(hop_bare_post(&bare, ev_trace, "a"), HOP_OK);
    T_EQ(hop_bare_post(&bare, ev_repost, "c"), HOP_OK);
    T_EQ(hop_bare_post(&bare, ev_trace, "b"), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    TR_EXPECT("a", "repost", "b", "c");
    T_EQ(hop_bare_pending(&bare), 0);
    teardown();
}

/* A full ring refuses, counts, and keeps what it has; it wraps. */
static void post_queue_full(void)
{
    int i, round;

    setup();
    T_EQ(hop_bare_post(&bare, ev_trace, "1"), HOP_OK);
    T_EQ(hop_bare_post(&bare, ev_trace, "2"), HOP_OK);
    T_EQ(hop_bare_post(&bare, ev_trace, "3"), HOP_OK);
    T_EQ(hop_bare_post(&bare, ev_trace, "4"), HOP_OK);
    T_EQ(hop_bare_pending(&bare), CAP);
    T_EQ(hop_bare_post(&bare, ev_trace, "5"), HOP_EBUSY);
    T_EQ(hop_bare_dropped(&bare), 1);
    T_EQ(hop_bare_post(&bare, ev_trace, "6"), HOP_EBUSY);
    T_EQ(hop_bare_dropped(&bare), 2);
    T_EQ(hop_bare_pending(&bare), CAP);
    T_EQ(hop_bare_cleanup(&bare), HOP_EBUSY); /* events are queued */
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    TR_EXPECT("1", "2", "3", "4");
    T_EQ(hop_bare_dropped(&bare), 2); /* the count stays */

    /* Around the ring a few times, with the head at every slot. */
    tr_reset();
    for (round = 0; round < 3 * CAP; round++) {
        for (i = 0; i < round % CAP + 1; i++)
            T_EQ(hop_bare_post(&bare, ev_trace, "x"), HOP_OK);
        T_EQ(hop_bare_pending(&bare), round % CAP + 1);
        T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
        T_EQ(hop_bare_pending(&bare), 0);
    }
    T_EQ(tr_count(), 3 * (1 + 2 + 3 + 4));
    T_EQ(hop_bare_dropped(&bare), 2);
    teardown();
}

/* -- the idle hook ---------------------------------------------------------- */

static hop_time idle_seen[8];
static int idle_n;
static int crit_depth;      /* nesting of the critical section */
static int crit_max;
static int crit_calls;
static int idle_depth;      /* crit_depth while the idle hook ran */

static unsigned crit_enter(void *ctx)
{
    T_ASSERT(ctx == &crit_depth);
    crit_calls++;
    crit_depth++;
    if (crit_depth > crit_max)
        crit_max = crit_depth;
    return (unsigned)(crit_depth - 1);
}

static void crit_leave(void *ctx, unsigned state)
{
    T_ASSERT(ctx == &crit_depth);
    T_EQ(state, crit_depth - 1);
    crit_depth = (int)state;
}

/* Sleep until the deadline by feeding the tick; stop at HOP_FOREVER. */
static void idle_tick(void *ctx, hop_time deadline)
{
    T_ASSERT(ctx == &bare);
    T_ASSERT(idle_n < 8);
    idle_seen[idle_n++] = deadline;
    idle_depth = crit_depth;
    if (deadline == HOP_FOREVER)
        hop_loop_stop(&loop);
    else
        T_EQ(hop_bare_tick(&bare, deadline), HOP_OK);
}

static void idle_reset(void)
{
    int i;

    for (i = 0; i < 8; i++)
        idle_seen[i] = -1;
    idle_n = 0;
    crit_depth = crit_max = crit_calls = 0;
    idle_depth = -1;
}

static void idle_gets_deadline(void)
{
    static frame f;
    static hop_task t;

    setup();
    idle_reset();
    T_EQ(hop_bare_set_critical(&bare, crit_enter, crit_leave, &crit_depth),
         HOP_OK);
    T_EQ(hop_bare_set_idle(&bare, idle_tick, &bare), HOP_OK);
    t_fill(&f, sizeof f, 0);
    t_spawn(&t, &loop, &f.hdr, sleeper, "sleeper");
    T_EQ(hop_bare_run(&loop), HOP_OK);
    /* Idle until each wake-up, then with nothing left, until stopped. */
    T_EQ(idle_n, 3);
    T_EQ(idle_seen[0], HOP_MSEC(10));
    T_EQ(idle_seen[1], HOP_MSEC(15));
    T_EQ(idle_seen[2], HOP_FOREVER);
    T_EQ(f.woke[0], HOP_MSEC(10));
    T_EQ(f.woke[1], HOP_MSEC(15));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    /* The hook runs inside the critical section, which nests and is
     * balanced. */
    T_EQ(idle_depth, 1);
    T_EQ(crit_max, 2); /* the hook's tick entered it again */
    T_EQ(crit_depth, 0);
    T_ASSERT(crit_calls > 0);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_bare_set_critical(&bare, NULL, NULL, NULL), HOP_OK);
    teardown();
}

/* An idle hook that posts, as an interrupt during WFI would. */
static void idle_post(void *ctx, hop_time deadline)
{
    (void)ctx;
    T_ASSERT(idle_n < 8);
    idle_seen[idle_n++] = deadline;
    T_EQ(hop_bare_post(&bare, ev_complete, (void *)(intptr_t)7), HOP_OK);
}

static void idle_event_wakes(void)
{
    static frame f;
    static hop_task t;

    setup();
    idle_reset();
    T_EQ(hop_future_init(&fut, NULL), HOP_OK);
    T_EQ(hop_bare_set_idle(&bare, idle_post, NULL), HOP_OK);
    t_fill(&f, sizeof f, 0);
    t_spawn(&t, &loop, &f.hdr, waiter, NULL);
    /* hop_loop_run on this backend: its wait runs the idle hook and the
     * events; it returns once the task is done. */
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(idle_n, 1);
    T_EQ(idle_seen[0], HOP_FOREVER);
    T_EQ(f.got, 7);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_future_cleanup(&fut), HOP_OK);
    teardown();
}

/* hop_loop_run's own waits go through the idle hook too. */
static void loop_run_sleeps(void)
{
    static frame f;
    static hop_task t;

    setup();
    idle_reset();
    T_EQ(hop_bare_set_idle(&bare, idle_tick, &bare), HOP_OK);
    t_fill(&f, sizeof f, 0);
    t_spawn(&t, &loop, &f.hdr, sleeper, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(idle_n, 2);
    T_EQ(idle_seen[0], HOP_MSEC(10));
    T_EQ(idle_seen[1], HOP_MSEC(15));
    T_EQ(hop_loop_now(&loop), HOP_MSEC(15));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    teardown();
}

/* -- run-until-idle -------------------------------------------------------- */

static void idle_never(void *ctx, hop_time deadline)
{
    (void)ctx;
    (void)deadline;
    t_fail(__FILE__, __LINE__, "run_until_idle called the idle hook");
}

/* Yield three times between traces. */
static hop_step yielder(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    for (self->rc = 0; self->rc < 3; self->rc++) {
        tr_add("yield");
        HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    }
    HOP_END(self);
}

static void run_until_idle_semantics(void)
{
    static frame f, f2;
    static hop_task t, t2;

    setup();
    T_EQ(hop_bare_set_idle(&bare, idle_never, NULL), HOP_OK);

    /* Nothing at all: returns at once. */
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);

    /* Ready tasks run to their waits, passes as many as they need; a
     * sleeping task is left sleeping, the clock stays. */
    t_fill(&f, sizeof f, 0);
    t_fill(&f2, sizeof f2, 0);
    t_spawn(&t, &loop, &f.hdr, yielder, NULL);
    t_spawn(&t2, &loop, &f2.hdr, sleeper, NULL);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    TR_EXPECT("yield", "yield", "yield");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_status(&t2), HOP_TASK_RUNNING);
    T_EQ(hop_bare_now(&bare), 0);

    /* hop_loop_stop from an event: the run returns, later events wait. */
    tr_reset();
    T_EQ(hop_bare_post(&bare, ev_stop, NULL), HOP_OK);
    T_EQ(hop_bare_post(&bare, ev_trace, "after"), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    TR_EXPECT("stop");
    T_EQ(hop_bare_pending(&bare), 1);
    /* The stop does not carry over to the next run. */
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    TR_EXPECT("stop", "after");

    /* Runs may not nest. */
    T_EQ(hop_bare_post(&bare, ev_nested_run, NULL), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    TR_EXPECT("stop", "after", "nested refused");

    T_EQ(hop_task_cancel(&t2, NULL), 1);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_task_cleanup(&t2), HOP_OK);
    teardown();
}

/* A task calls the runner: refused. */
static hop_step runs_inside(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    self->rc = hop_bare_run_until_idle(&loop);
    self->err = hop_bare_run(&loop);
    HOP_END(self);
}

/* -- misuse ------------------------------------------------------------------ */

static void noop(void *arg)
{
    (void)arg;
}

static unsigned enter0(void *ctx)
{
    (void)ctx;
    return 0;
}

static void misuse(void)
{
    static hop_loop other;
    static hop_sim sim;
    static hop_bare zero;
    static frame f;
    static hop_task t;

    /* Init. */
    T_EQ(hop_loop_init_bare(NULL, &bare, ring, CAP), HOP_EINVAL);
    T_EQ(hop_loop_init_bare(&loop, NULL, ring, CAP), HOP_EINVAL);
    T_EQ(hop_loop_init_bare(&loop, &bare, NULL, CAP), HOP_EINVAL);
    T_EQ(hop_loop_init_bare(&loop, &bare, ring, 0), HOP_EINVAL);

    /* An uninitialised backend. */
    t_fill(&zero, sizeof zero, 0);
    T_EQ(hop_bare_post(&zero, noop, NULL), HOP_EINVAL);
    T_EQ(hop_bare_tick(&zero, 1), HOP_EINVAL);
    T_EQ(hop_bare_advance(&zero, 1), HOP_EINVAL);
    T_EQ(hop_bare_set_idle(&zero, NULL, NULL), HOP_EINVAL);
    T_EQ(hop_bare_set_critical(&zero, NULL, NULL, NULL), HOP_EINVAL);
    T_EQ(hop_bare_cleanup(&zero), HOP_EINVAL);
    T_EQ(hop_bare_now(&zero), 0);
    T_EQ(hop_bare_dropped(&zero), 0);
    T_EQ(hop_bare_pending(&zero), 0);
    hop_bare_wake(&zero);

    /* NULL everywhere. */
    T_EQ(hop_bare_post(NULL, noop, NULL), HOP_EINVAL);
    T_EQ(hop_bare_tick(NULL, 1), HOP_EINVAL);
    T_EQ(hop_bare_advance(NULL, 1), HOP_EINVAL);
    T_EQ(hop_bare_set_idle(NULL, NULL, NULL), HOP_EINVAL);
    T_EQ(hop_bare_set_critical(NULL, NULL, NULL, NULL), HOP_EINVAL);
    T_EQ(hop_bare_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_bare_now(NULL), 0);
    T_EQ(hop_bare_dropped(NULL), 0);
    T_EQ(hop_bare_pending(NULL), 0);
    hop_bare_wake(NULL);
    T_EQ(hop_bare_run_until_idle(NULL), HOP_EINVAL);
    T_EQ(hop_bare_run(NULL), HOP_EINVAL);

    setup();
    T_EQ(hop_bare_post(&bare, NULL, NULL), HOP_EINVAL);
    T_EQ(hop_bare_pending(&bare), 0);
    T_EQ(hop_bare_dropped(&bare), 0); /* misuse is not a drop */
    T_EQ(hop_bare_set_critical(&bare, enter0, NULL, NULL), HOP_EINVAL);

    /* The clock never goes back, and never reaches HOP_FOREVER. */
    T_EQ(hop_bare_tick(&bare, HOP_MSEC(5)), HOP_OK);
    T_EQ(hop_bare_tick(&bare, HOP_MSEC(5)), HOP_OK);
    T_EQ(hop_bare_tick(&bare, HOP_MSEC(4)), HOP_EINVAL);
    T_EQ(hop_bare_advance(&bare, -1), HOP_EINVAL);
    T_EQ(hop_bare_advance(&bare, 0), HOP_OK);
    T_EQ(hop_bare_tick(&bare, HOP_FOREVER), HOP_EINVAL);
    T_EQ(hop_bare_advance(&bare, HOP_FOREVER - HOP_MSEC(5)), HOP_EINVAL);
    T_EQ(hop_bare_now(&bare), HOP_MSEC(5));
    T_EQ(hop_loop_now(&loop), HOP_MSEC(5));

    /* Loops that are not on this backend. */
    T_EQ(hop_loop_init_sim(&other, &sim), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&other), HOP_EINVAL);
    T_EQ(hop_bare_run(&other), HOP_EINVAL);
    T_EQ(hop_loop_cleanup(&other), HOP_OK);
    T_EQ(hop_bare_run_until_idle(&other), HOP_EINVAL); /* released */

    /* From inside a task. */
    t_fill(&f, sizeof f, 0);
    t_spawn(&t, &loop, &f.hdr, runs_inside, NULL);
    T_EQ(hop_bare_run_until_idle(&loop), HOP_OK);
    T_EQ(f.rc, HOP_ERUNNING);
    T_EQ(f.err, HOP_ERUNNING);
    T_EQ(hop_task_cleanup(&t), HOP_OK);

    /* Cleanup: the backend after the loop; afterwards it is refused. */
    teardown();
    T_EQ(hop_bare_post(&bare, noop, NULL), HOP_EINVAL);
    T_EQ(hop_bare_cleanup(&bare), HOP_EINVAL);
}

const t_case t_cases_bare_backend[] = {
    T_CASE(ticks_fire_timers),
    T_CASE(ticks_start_delayed),
    T_CASE(post_completes_future),
    T_CASE(post_order),
    T_CASE(post_queue_full),
    T_CASE(idle_gets_deadline),
    T_CASE(idle_event_wakes),
    T_CASE(loop_run_sleeps),
    T_CASE(run_until_idle_semantics),
    T_CASE(misuse),
    T_END
};
