/*
 * test/sched/loop.c: the loop on the simulation backend: argument checks,
 * cleanup while busy, running it from inside a task, deadlocks, the
 * on_error hook, hop_loop_current, the run modes, hop_loop_stop, and a
 * backend written by the test.
 */
#include "t.h"
#include "task.h"

/* Probe the loop from inside a task, before and after a suspension. */
static hop_step b_probe(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    self->rc = hop_loop_run(self->loop, HOP_RUN_DEFAULT);
    self->rc2 = hop_loop_run(self->loop, HOP_RUN_NOWAIT);
    self->rc3 = hop_loop_cleanup(self->loop);
    self->cur = hop_loop_current(self->loop) == self->task;
    self->gl = hop_gen_loop(HOP_GEN(self)) == self->loop;
    HOP_AWAIT(self, hop_sleep(&self->sl, 5));
    self->cur2 = hop_loop_current(self->loop) == self->task;
    tr_add2(self->name, " probed");
    HOP_END(self);
}

/* -- argument checks ------------------------------------------------------ */

static hop_time be_now(void *ctx)
{
    (void)ctx;
    return 0;
}

static int be_wait(void *ctx, hop_time deadline)
{
    (void)ctx;
    (void)deadline;
    return HOP_EBUSY;
}

static void loop_args(void)
{
    static const hop_backend no_now = {0, be_wait, 0, 0};
    static const hop_backend no_wait = {be_now, 0, 0, 0};
    static const hop_backend no_wake = {be_now, be_wait, 0, 0};
    hop_loop l, bad;
    hop_sim sim;
    hop_gen pg;
    body b;
    int fill;

    T_EQ(hop_loop_init(NULL, &no_wake, NULL), HOP_EINVAL);
    T_EQ(hop_loop_init(&l, NULL, NULL), HOP_EINVAL);
    T_EQ(hop_loop_init(&l, &no_now, NULL), HOP_EINVAL);
    T_EQ(hop_loop_init(&l, &no_wait, NULL), HOP_EINVAL);
    T_EQ(hop_loop_init(&l, &no_wake, NULL), HOP_OK);
    T_ASSERT(l.data == NULL);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
    T_EQ(hop_loop_init_sim(&l, NULL), HOP_EINVAL);
    T_EQ(hop_loop_init_sim(NULL, &sim), HOP_EINVAL);

    /* NULL, never initialised, and released. */
    for (fill = 0; fill < 3; fill++) {
        hop_loop *p = &bad;

        if (fill == 0)
            p = NULL;
        else if (fill == 1)
            t_fill(&bad, sizeof bad, 0);
        else
            t_fill(&bad, sizeof bad, 0xa5);
        T_EQ(hop_loop_cleanup(p), HOP_EINVAL);
        T_EQ(hop_loop_run(p, HOP_RUN_DEFAULT), HOP_EINVAL);
        T_EQ(hop_loop_run(p, HOP_RUN_NOWAIT), HOP_EINVAL);
        T_EQ(hop_loop_now(p), 0);
        T_ASSERT(hop_loop_current(p) == NULL);
        T_EQ(hop_loop_tasks(p), HOP_EINVAL);
        hop_loop_stop(p);
        hop_loop_on_error(p, count_error);
    }
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_EINVAL);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_EINVAL);
    T_EQ(hop_loop_tasks(&l), HOP_EINVAL);

    /* hop_gen_loop of anything but a loop's handle is NULL. */
    T_ASSERT(hop_gen_loop(NULL) == NULL);
    T_EQ(hop_frame_init(&b.hdr, b_return, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&pg, &b.hdr), HOP_OK);
    T_ASSERT(hop_gen_loop(&pg) == NULL);
    t_fill(&pg, sizeof pg, 0);
    T_ASSERT(hop_gen_loop(&pg) == NULL);
}

static void loop_cleanup_busy(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, u, n;
    body b, c, nb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    /* An initialised task that was never spawned does not hold it. */
    prep(&n, &l, &nb, b_return, "N");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_return, "A");
    T_EQ(hop_loop_cleanup(&l), HOP_EBUSY);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    prep(&u, &l, &c, b_return, "B");
    T_EQ(hop_spawn_after(&u, 50), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_EBUSY); /* delayed */
    T_EQ(hop_loop_tasks(&l), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran", "B ran");
    T_EQ(hop_loop_now(&l), 50);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* hop_loop_run from inside a task is HOP_ERUNNING; releasing the loop
 * from there is HOP_EBUSY; the task is current and its handle is the
 * loop's. */
static void loop_run_inside_task(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_probe, "A");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A probed");
    T_EQ(b.rc, HOP_ERUNNING);
    T_EQ(b.rc2, HOP_ERUNNING);
    T_EQ(b.rc3, HOP_EBUSY);
    T_EQ(b.cur, 1);
    T_EQ(b.gl, 1);
    T_EQ(b.cur2, 1);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_loop_now(&l), 5);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void loop_run_bad_mode(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_return, "A");
    T_EQ(hop_loop_run(&l, 3), HOP_EINVAL);
    T_EQ(hop_loop_run(&l, -1), HOP_EINVAL);
    T_EQ(hop_loop_run(&l, 100), HOP_EINVAL);
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A task waits on a future nobody completes: the loop reports the
 * deadlock as HOP_EBUSY; the task can then be cancelled (which cancels
 * the future) and the loop released.
 */
static void loop_deadlock(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    hop_future f;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&t, &l, &b, b_wait_plain, "A");
    b.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_EBUSY);
    TR_EXPECT("A waits");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_EBUSY);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_EBUSY);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_ASSERT(hop_task_waiting_on(&t) == hop_future_wait(&f));
    T_EQ(hop_loop_cleanup(&l), HOP_EBUSY);
    T_EQ(hop_future_cleanup(&f), HOP_EBUSY);

    T_EQ(hop_task_cancel(&t, m_cancel), 1);
    T_ASSERT(hop_task_waiting_on(&t) == NULL);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits");
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_task_error(&t), HOP_ECANCELED);
    T_STREQ(hop_task_errmsg(&t), m_cancel);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- on_error, current ---------------------------------------------------- */

static void loop_on_error(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, c, d, e;
    body ab, cb, db, eb;

    on_error_calls = 0;
    on_error_last = NULL;
    err_loop = &l;
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    hop_loop_on_error(&l, note_error);
    spawn(&a, &l, &ab, b_raise, "A");       /* fails, nobody joins */
    spawn(&c, &l, &cb, b_passes, "C");      /* cancelled */
    cb.n = 2;
    cb.t = 10;
    spawn(&d, &l, &db, b_return, "D");      /* returns */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(on_error_calls, 1);
    T_ASSERT(on_error_last == &a);
    T_EQ(err_status, HOP_TASK_FAILED);
    T_EQ(err_code, E_A);
    T_STREQ(err_msg, m_a);
    T_EQ(err_current_null, 1);
    T_EQ(hop_task_cancel(&c, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(on_error_calls, 1);
    /* The error stays in the task. */
    T_EQ(hop_task_error(&a), E_A);
    T_STREQ(hop_task_errmsg(&a), m_a);
    T_EQ(hop_task_status(&c), HOP_TASK_CANCELLED);
    T_EQ(hop_task_status(&d), HOP_TASK_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(on_error_calls, 1);

    /* Without a handler nothing is reported. */
    hop_loop_on_error(&l, NULL);
    spawn(&e, &l, &eb, b_raise, "E");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(on_error_calls, 1);
    T_EQ(hop_task_error(&e), E_A);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A failed task that a joiner waits for when it ends is not reported:
 * the joiner gets the error. */
static void loop_on_error_joined(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, j;
    body ab, jb;

    on_error_calls = 0;
    err_loop = &l;
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    hop_loop_on_error(&l, note_error);
    spawn(&j, &l, &jb, b_join, "J");
    spawn(&a, &l, &ab, b_raise, "A");
    jb.other = &a;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran", "J join raised E_A");
    T_STREQ(jb.msg, m_a);
    T_EQ(on_error_calls, 0);
    T_EQ(hop_task_status(&a), HOP_TASK_FAILED);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static hop_loop *cur_loop;
static int timer_saw_null;

static void current_fire(hop_timer *t)
{
    (void)t;
    timer_saw_null = hop_loop_current(cur_loop) == NULL;
}

static void loop_current_outside(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    hop_timer tm;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    cur_loop = &l;
    timer_saw_null = 0;
    T_ASSERT(hop_loop_current(&l) == NULL);
    spawn(&t, &l, &b, b_probe, "A");
    T_ASSERT(hop_loop_current(&l) == NULL);
    T_EQ(hop_timer_init(&tm, current_fire), HOP_OK);
    T_EQ(hop_timer_start(&l, &tm, 3), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_loop_current(&l) == NULL);
    T_EQ(b.cur, 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(timer_saw_null, 1);
    T_EQ(b.cur2, 1);
    T_ASSERT(hop_loop_current(&l) == NULL);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- run modes, stop ------------------------------------------------------ */

static void loop_run_modes(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c, d;
    body ab, bb, cb, db;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    /* Nothing at all: every mode returns at once. */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_now(&l), 0);

    /* A spawn never runs the task inside the call. */
    spawn(&a, &l, &ab, b_passes, "A");
    ab.n = 3;
    spawn(&b, &l, &bb, b_passes, "B");
    bb.n = 2;
    TR_EXPECT_NONE();
    /* NOWAIT: one pass. */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A1", "B1");
    /* ONCE with tasks ready: one pass. */
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1", "A2", "B2");
    T_EQ(hop_loop_tasks(&l), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A1", "B1", "A2", "B2", "A3");
    T_EQ(hop_loop_tasks(&l), 0);

    /* A sleeper: NOWAIT never waits; ONCE waits and runs it in the
     * same call. */
    tr_reset();
    spawn(&c, &l, &cb, b_passes, "C");
    cb.n = 3;
    cb.t = 10;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("C1");
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("C1");
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("C1", "C2");
    T_EQ(hop_loop_now(&l), 10);
    /* The clock moved past the deadline: NOWAIT runs it. */
    T_EQ(hop_sim_advance(&sim, 15), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("C1", "C2", "C3");
    T_EQ(hop_task_status(&c), HOP_TASK_DONE);

    /* Tasks woken during a pass run in the next one. */
    tr_reset();
    spawn(&d, &l, &db, b_passes, "D");
    db.n = 2;
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("D1");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("D1", "D2");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void loop_stop(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c;
    body ab, bb, cb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&a, &l, &ab, b_passes, "A");
    spawn(&b, &l, &bb, b_passes, "B");
    spawn(&c, &l, &cb, b_passes, "C");
    ab.n = bb.n = cb.n = 3;
    ab.stop_at = 1;
    /* A stop before the run is forgotten by the run. */
    hop_loop_stop(&l);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    /* A stopped it after its first step: B and C have not run. */
    TR_EXPECT("A1");
    T_EQ(hop_loop_tasks(&l), 3);
    /* They keep their places, ahead of A. */
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "B1", "C1", "A2", "B2", "C2", "A3", "B3", "C3");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- a backend of the test's own ------------------------------------------ */

typedef struct fake_be {
    hop_time now;
    hop_time asked[8]; /* the deadlines the loop waited for */
    int n;
} fake_be;

static hop_time fake_now(void *ctx)
{
    return ((fake_be *)ctx)->now;
}

static int fake_wait(void *ctx, hop_time deadline)
{
    fake_be *f = (fake_be *)ctx;

    T_ASSERT(f->n < 8);
    f->asked[f->n++] = deadline;
    if (deadline == HOP_FOREVER)
        return HOP_EBUSY;
    f->now = deadline;
    return HOP_OK;
}

static void fire_nothing(hop_timer *t)
{
    tr_addv("timer@", hop_loop_now(cur_loop));
    (void)t;
}

/* The loop waits for the earliest of its timers and delayed spawns. */
static void loop_custom_backend(void)
{
    static const hop_backend be = {fake_now, fake_wait, 0, 0};
    fake_be fb;
    hop_loop l;
    hop_task a, b;
    hop_timer tm;
    body ab, bb;

    t_fill(&fb, sizeof fb, 0);
    fb.now = 1000;
    T_EQ(hop_loop_init(&l, &be, &fb), HOP_OK);
    cur_loop = &l;
    T_EQ(hop_loop_now(&l), 1000);
    spawn(&a, &l, &ab, b_passes, "A");
    ab.n = 2;
    ab.t = 30;
    prep(&b, &l, &bb, b_time, "B@");
    T_EQ(hop_spawn_after(&b, 20), HOP_OK);
    T_EQ(hop_timer_init(&tm, fire_nothing), HOP_OK);
    T_EQ(hop_timer_start(&l, &tm, 1050), HOP_OK);
    /* The default mode runs until no task and no timer is left. */
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "B@1020", "A2", "timer@1050");
    T_EQ(fb.n, 3);
    T_EQ(fb.asked[0], 1020);
    T_EQ(fb.asked[1], 1030);
    T_EQ(fb.asked[2], 1050);
    T_EQ(hop_timer_active(&tm), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_loop[] = {
    T_CASE(loop_args),
    T_CASE(loop_cleanup_busy),
    T_CASE(loop_run_inside_task),
    T_CASE(loop_run_bad_mode),
    T_CASE(loop_deadlock),
    T_CASE(loop_on_error),
    T_CASE(loop_on_error_joined),
    T_CASE(loop_current_outside),
    T_CASE(loop_run_modes),
    T_CASE(loop_stop),
    T_CASE(loop_custom_backend),
    T_END,
};
