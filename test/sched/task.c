/*
 * test/sched/task.c: tasks on the simulation backend: argument checks,
 * init, spawn, cancel and cleanup and their misuse, ids and names, the
 * accessors, what a task waits on.
 */
#include "t.h"
#include "task.h"

/* record "<name> cancels itself"; cancel own task; sleep(100) */
static hop_step b_self_cancel(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " cancels itself");
    self->rc = hop_task_cancel(self->task, m_cancel);
    HOP_AWAIT(self, hop_sleep(&self->sl, 100));
    tr_add2(self->name, " slept");
    HOP_END(self);
}

/* A waitable no task waits on, for wakes that must be refused. */
static hop_waitable stray;

static void task_args(void)
{
    hop_loop l, bad;
    hop_sim sim;
    hop_task t, u;
    hop_frame zf;
    body b;
    int fill;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    t_fill(&bad, sizeof bad, 0);
    t_fill(&zf, sizeof zf, 0);
    t_fill(&t, sizeof t, 0);
    T_EQ(hop_frame_init(&b.hdr, b_return, HOP_COROUTINE), HOP_OK);
    b.name = "x";
    b.v = 1;

    T_EQ(hop_task_init(NULL, &l, &b.hdr, "x"), HOP_EINVAL);
    T_EQ(hop_task_init(&t, NULL, &b.hdr, "x"), HOP_EINVAL);
    T_EQ(hop_task_init(&t, &bad, &b.hdr, "x"), HOP_EINVAL);
    T_EQ(hop_task_init(&t, &l, NULL, "x"), HOP_EINVAL);
    T_EQ(hop_task_init(&t, &l, &zf, "x"), HOP_EINVAL);

    /* NULL, zero-filled and garbage tasks. */
    for (fill = 0; fill < 3; fill++) {
        hop_task *p = &u;

        if (fill == 0)
            p = NULL;
        else
            t_fill(&u, sizeof u, fill == 1 ? 0 : 0xa5);
        T_EQ(hop_spawn(p), HOP_EINVAL);
        T_EQ(hop_spawn_after(p, 10), HOP_EINVAL);
        T_EQ(hop_task_cancel(p, m_cancel), HOP_EINVAL);
        T_EQ(hop_task_status(p), HOP_EINVAL);
        T_EQ(hop_task_result(p), HOP_EMPTY);
        T_EQ(hop_task_error(p), 0);
        T_ASSERT(hop_task_errmsg(p) == NULL);
        T_EQ(hop_task_cleanup(p), HOP_EINVAL);
        T_ASSERT(hop_task_waiting_on(p) == NULL);
        T_EQ(hop_task_wake(p, &stray, 1), HOP_EINVAL);
        T_EQ(hop_task_wake_err(p, &stray, E_A, m_a), HOP_EINVAL);
    }

    /* A valid task: an error code 0 is refused. */
    T_EQ(hop_task_init(&t, &l, &b.hdr, "x"), HOP_OK);
    T_EQ(hop_task_wake_err(&t, &stray, 0, m_a), HOP_EINVAL);
    T_EQ(hop_task_wake(&t, NULL, 1), HOP_EINVAL);
    T_EQ(hop_task_status(&t), HOP_TASK_NEW);
    T_EQ(hop_loop_tasks(&l), 0);

    /* Released: refused from now on. */
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_task_cleanup(&t), HOP_EINVAL);
    T_EQ(hop_task_status(&t), HOP_EINVAL);
    T_EQ(hop_spawn(&t), HOP_EINVAL);

    /* A task whose loop was released cannot be spawned or cancelled. */
    T_EQ(hop_task_init(&t, &l, &b.hdr, "x"), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
    T_EQ(hop_spawn(&t), HOP_EINVAL);
    T_EQ(hop_task_cancel(&t, NULL), HOP_EINVAL);

    /* The frames to await refuse a NULL frame struct. */
    T_ASSERT(hop_sleep(NULL, 1) == NULL);
    T_ASSERT(hop_sleep_until(NULL, 1) == NULL);
    T_ASSERT(hop_join(NULL, &t) == NULL);
}

/* -- init, spawn, cancel, cleanup misuse ---------------------------------- */

static void task_init_busy(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, u;
    body b, b2, b3;
    uint32_t id;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_return, "A");
    b.v = 5;
    id = hop_task_id(&t);
    T_EQ(hop_frame_init(&b2.hdr, b_return, HOP_COROUTINE), HOP_OK);
    /* Spawned, not finished: spawning again and releasing are refused
     * (hop_task_init itself never reads the struct it initialises). */
    T_EQ(hop_spawn(&t), HOP_EBUSY);
    T_EQ(hop_task_cleanup(&t), HOP_EBUSY);
    T_EQ(hop_task_id(&t), id);
    T_TASK_NAME(&t, "A");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 5);

    /* A root that is not CREATED: busy. */
    T_EQ(hop_task_init(&u, &l, &b.hdr, "C"), HOP_EBUSY);
    /* A finished task may be initialised again, on a fresh frame. */
    b2.name = "B";
    b2.v = 6;
    T_EQ(hop_task_init(&t, &l, &b2.hdr, "B"), HOP_OK);
    T_ASSERT(hop_task_id(&t) > id);
    T_EQ(hop_task_status(&t), HOP_TASK_NEW);
    T_EQ(hop_task_result(&t), HOP_EMPTY);
    /* Initialised, not spawned: may be initialised again. */
    T_EQ(hop_task_init(&t, &l, &b2.hdr, "B"), HOP_OK);
    T_EQ(hop_spawn(&t), HOP_OK);
    /* Spawned and suspended (sleeping) in another test shape: busy. */
    spawn(&u, &l, &b3, b_passes, "P");
    b3.n = 2;
    b3.t = 10;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_status(&u), HOP_TASK_RUNNING);
    T_EQ(hop_task_init(&u, &l, &b2.hdr, "x"), HOP_EBUSY);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_result(&t), 6);
    T_EQ(hop_task_result(&u), 2);
    TR_EXPECT("A ran", "B ran", "P1", "P2");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void task_spawn_twice(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&t, &l, &b, b_return, "A");
    T_EQ(hop_loop_tasks(&l), 0);
    T_EQ(hop_spawn(&t), HOP_OK);
    T_EQ(hop_loop_tasks(&l), 1);
    T_EQ(hop_spawn(&t), HOP_EBUSY);
    T_EQ(hop_spawn_after(&t, 10), HOP_EBUSY);
    T_EQ(hop_loop_tasks(&l), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran"); /* once */
    T_EQ(hop_loop_tasks(&l), 0);
    T_EQ(hop_spawn(&t), HOP_EBUSY); /* finished: still spawned once */
    T_EQ(hop_loop_tasks(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void task_cancel_finished(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, u;
    body b, c;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_return, "A");
    b.v = 7;
    spawn(&u, &l, &c, b_raise, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_cancel(&t, m_cancel), 0);
    T_EQ(hop_task_cancel(&u, m_cancel), 0);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 7);
    T_EQ(hop_task_error(&t), 0);
    T_ASSERT(hop_task_errmsg(&t) == NULL);
    T_EQ(hop_task_status(&u), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&u), E_A);
    T_STREQ(hop_task_errmsg(&u), m_a);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Cancelled before it was spawned: spawned, it ends CANCELLED with
 * none of its body run; a joiner gets HOP_ECANCELED. */
static void task_cancel_before_spawn(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, j;
    body b, jb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&t, &l, &b, b_return, "A");
    T_EQ(hop_task_cancel(&t, m_cancel), 1);
    T_EQ(hop_task_status(&t), HOP_TASK_NEW);
    T_EQ(hop_loop_tasks(&l), 0);
    T_EQ(hop_spawn(&t), HOP_OK);
    spawn(&j, &l, &jb, b_join, "J");
    jb.other = &t;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("J join raised HOP_ECANCELED");
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_task_error(&t), HOP_ECANCELED);
    T_STREQ(hop_task_errmsg(&t), m_cancel);
    T_EQ(hop_task_result(&t), HOP_EMPTY);
    T_EQ(hop_frame_state(&b.hdr), HOP_STATE_CREATED);
    T_STREQ(jb.msg, m_cancel);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Cancelled while delayed: it ends at once, without waiting for the
 * delay and without running. */
static void task_cancel_delayed(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&t, &l, &b, b_return, "A");
    T_EQ(hop_spawn_after(&t, 1000), HOP_OK);
    T_EQ(hop_loop_tasks(&l), 1);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_ASSERT(hop_task_errmsg(&t) == NULL);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Cancelled while sleeping: the timer is stopped, the clock does not
 * move; several requests arrive as one; a handler may catch it. */
static void task_cancel_sleeping(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, u;
    body b, c;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_passes, "A");
    b.n = 2;
    b.t = 1000;
    spawn(&u, &l, &c, b_self_cancel, "S");
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A1", "S cancels itself");
    /* S cancelled itself while running: raised at its next suspension. */
    T_EQ(c.rc, 1);
    T_EQ(hop_task_status(&u), HOP_TASK_CANCELLED);
    T_STREQ(hop_task_errmsg(&u), m_cancel);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_task_cancel(&t, m_cancel), 1);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "S cancels itself");
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_STREQ(hop_task_errmsg(&t), m_cancel);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A task that catches the cancellation goes on and ends DONE. */
static void task_cancel_caught(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    hop_future f;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&t, &l, &b, b_wait, "A");
    b.w = hop_future_wait(&f);
    b.v = 3;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&t, m_cancel), 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A raised HOP_ECANCELED");
    T_STREQ(b.msg, m_cancel);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 3);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Cancelled after it was woken, before it ran: HOP_ECANCELED, and the
 * value of the wake-up is dropped. */
static void task_cancel_ready(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t;
    hop_future f;
    body b;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&t, &l, &b, b_wait, "A");
    b.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_complete(&f, 5), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == NULL);
    T_EQ(hop_task_cancel(&t, m_cancel), 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A raised HOP_ECANCELED");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A joiner that is cancelled leaves the joined task's list. */
static void task_cancel_joiner(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, j;
    body b, jb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&t, &l, &b, b_passes, "A");
    b.n = 2;
    b.t = 10;
    spawn(&j, &l, &jb, b_join, "J");
    jb.other = &t;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cleanup(&t), HOP_EBUSY);
    T_EQ(hop_task_cancel(&j, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A1", "J join raised HOP_ECANCELED");
    T_EQ(hop_task_status(&j), HOP_TASK_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "J join raised HOP_ECANCELED", "A2");
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_task_cleanup(&j), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void task_cleanup_busy(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task t, j, n;
    body b, jb, nb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&n, &l, &nb, b_return, "N");
    spawn(&t, &l, &b, b_passes, "A");
    b.n = 2;
    b.t = 10;
    b.v = 0;
    /* Spawned, not yet run. */
    T_EQ(hop_task_cleanup(&t), HOP_EBUSY);
    spawn(&j, &l, &jb, b_join, "J");
    jb.other = &t;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    /* Sleeping, and joined by J. */
    T_EQ(hop_task_cleanup(&t), HOP_EBUSY);
    T_EQ(hop_task_cleanup(&j), HOP_EBUSY);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "A2", "J joined 2");
    T_EQ(hop_task_cleanup(&t), HOP_OK);
    T_EQ(hop_task_cleanup(&j), HOP_OK);
    /* Never spawned: may be released. */
    T_EQ(hop_task_cleanup(&n), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- ids and names -------------------------------------------------------- */

static void task_ids_and_names(void)
{
    static const char n_a[] = "alpha";
    hop_loop l, l2;
    hop_sim sim, sim2;
    hop_task a, b, c, d;
    body ab, bb, cb, db;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_loop_init_sim(&l2, &sim2), HOP_OK);
    prep(&a, &l, &ab, b_return, n_a);
    prep(&b, &l, &bb, b_return, NULL);
    prep(&c, &l, &cb, b_return, "gamma");
    prep(&d, &l2, &db, b_return, "delta");
    T_EQ(hop_task_id(&a), 1);
    T_EQ(hop_task_id(&b), 2);
    T_EQ(hop_task_id(&c), 3);
    T_EQ(hop_task_id(&d), 1); /* per loop */
#if HOP_CONF_TASK_NAMES
    T_ASSERT(hop_task_name(&a) == n_a);
#endif
    T_TASK_NAME(&a, "alpha");
    T_TASK_NAME(&b, NULL);
    T_TASK_NAME(&c, "gamma");
    /* Ids are given at init, not at spawn. */
    bb.name = "b";
    ab.name = "a";
    cb.name = "c";
    T_EQ(hop_spawn(&c), HOP_OK);
    T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_spawn(&b), HOP_OK);
    T_EQ(hop_task_id(&c), 3);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("c ran", "a ran", "b ran");
    /* Initialising again gives a new id. */
    T_EQ(hop_frame_init(&ab.hdr, b_return, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_task_init(&a, &l, &ab.hdr, "again"), HOP_OK);
    T_EQ(hop_task_id(&a), 4);
    T_TASK_NAME(&a, "again");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
    T_EQ(hop_loop_cleanup(&l2), HOP_OK);
}

/* hop_task_waiting_on through a task's life. */
static void task_waiting_on(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task a;
    body ab;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    prep(&a, &l, &ab, b_wait, "A");
    ab.w = hop_future_wait(&f);
    T_ASSERT(hop_task_waiting_on(&a) == NULL); /* new */
    T_EQ(hop_spawn(&a), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&a) == NULL); /* ready */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&a) == hop_future_wait(&f));
    T_STREQ(hop_task_waiting_on(&a)->ops->kind, "future");
    T_EQ(hop_future_complete(&f, 3), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&a) == NULL); /* woken */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&a) == NULL); /* done */
    T_EQ(hop_task_result(&a), 3);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A struct of the caller's that embeds a task, reached back from it. */
typedef struct job {
    int tag;
    hop_task task;
    body b;
} job;

static void task_accessors(void)
{
    hop_loop l, l2;
    hop_sim sim, sim2;
    hop_task g;
    job jb;
    int fill;
    static const unsigned char fills[] = {0x00, 0xa5, 0xcc, 0xff};

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_loop_init_sim(&l2, &sim2), HOP_OK);
    T_EQ(hop_task_id(NULL), 0);
    T_ASSERT(hop_task_name(NULL) == NULL);
    T_ASSERT(hop_task_loop(NULL) == NULL);
    for (fill = 0; fill < 4; fill++) {
        t_fill(&g, sizeof g, fills[fill]);
        T_EQ(hop_task_id(&g), 0);
        T_ASSERT(hop_task_name(&g) == NULL);
        T_ASSERT(hop_task_loop(&g) == NULL);
        T_EQ(hop_task_status(&g), HOP_EINVAL);
        T_EQ(hop_spawn(&g), HOP_EINVAL);
    }
    jb.tag = 42;
    prep(&jb.task, &l2, &jb.b, b_return, "job");
    T_EQ(hop_task_id(&jb.task), 1);
    T_ASSERT(hop_task_loop(&jb.task) == &l2);
    T_TASK_NAME(&jb.task, "job");
    T_EQ(HOP_CONTAINER_OF(&jb.task, job, task)->tag, 42);
    T_EQ(hop_spawn(&jb.task), HOP_OK);
    T_EQ(hop_loop_run(&l2, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&jb.task), HOP_TASK_DONE);
    T_ASSERT(hop_task_loop(&jb.task) == &l2); /* finished, still its loop */
    T_EQ(hop_loop_cleanup(&l2), HOP_OK);
    T_ASSERT(hop_task_loop(&jb.task) == NULL); /* its loop is released */
    T_EQ(hop_task_id(&jb.task), 1);
    T_EQ(hop_task_cleanup(&jb.task), HOP_OK);
    T_EQ(hop_task_id(&jb.task), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_task[] = {
    T_CASE(task_args),
    T_CASE(task_init_busy),
    T_CASE(task_spawn_twice),
    T_CASE(task_cancel_finished),
    T_CASE(task_cancel_before_spawn),
    T_CASE(task_cancel_delayed),
    T_CASE(task_cancel_sleeping),
    T_CASE(task_cancel_caught),
    T_CASE(task_cancel_ready),
    T_CASE(task_cancel_joiner),
    T_CASE(task_cleanup_busy),
    T_CASE(task_ids_and_names),
    T_CASE(task_accessors),
    T_CASE(task_waiting_on),
    T_END,
};
