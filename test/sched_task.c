/*
 * test/sched_task.c: tasks, the loop and futures on the simulation
 * backend, and kinds of waitable written here through hop/waitable.h:
 * argument checks, misuse (spawning twice, releasing what is in use,
 * running the loop from a task, deadlocks, joins and sleeps outside a
 * task), the run modes, hop_loop_stop, ids and names, sleeps that do or
 * do not suspend, cancellation, futures and their cancel hooks.
 */
#include "t.h"

#define E_A 1001
#define E_B 1002

static const char m_a[] = "message A";
static const char m_b[] = "message B";
static const char m_cancel[] = "cancel message";

/* -- bodies --------------------------------------------------------------- */

/* One frame type for every task body of this file. */
typedef struct body {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_join_frame j;
    hop_gen g;             /* a plain handle driven from inside a task */
    hop_sleep_frame sl2;   /* its root */
    hop_loop *loop;
    hop_task *task;        /* the task running this body */
    hop_task *other;       /* the task to join */
    hop_future *fut;       /* a future to complete */
    hop_waitable *w;       /* what to wait on */
    const char *name;      /* prefix of the trace entries */
    const char *msg;       /* message of the error caught */
    hop_time t;            /* a delay or a deadline */
    hop_value v;           /* value to return, or value received */
    int n, i, stop_at;
    int err;               /* error caught */
    int rc, rc2, rc3;      /* results of calls made inside the task */
    int cur, gl, cur2;     /* probes of hop_loop_current, hop_gen_loop */
} body;

static const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_B:
        return "E_B";
    default:
        return hop_err_name(e);
    }
}

/* Prepare body b and task t (zero-filled first) for fn, not spawned. */
static void prep(hop_task *t, hop_loop *l, body *b, hop_fn fn,
                 const char *name)
{
    t_fill(b, sizeof *b, 0);
    b->loop = l;
    b->task = t;
    b->name = name;
    t_task_new(t, l, &b->hdr, fn, name);
}

static void spawn(hop_task *t, hop_loop *l, body *b, hop_fn fn,
                  const char *name)
{
    prep(t, l, b, fn, name);
    T_EQ(hop_spawn(t), HOP_OK);
}

/* record "<name> ran"; return v */
static hop_step b_return(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " ran");
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* record "<name><clock>"; return */
static hop_step b_time(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_addv(self->name, hop_loop_now(self->loop));
    HOP_END(self);
}

/* record "<name> ran"; raise E_A "message A" */
static hop_step b_raise(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " ran");
    HOP_RAISE_MSG(self, E_A, m_a);
    HOP_END(self);
}

/* for i in 1..n: record "<name><i>"; stop the loop at stop_at; sleep(t)
 * between entries. Return n. */
static hop_step b_passes(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    for (self->i = 1; self->i <= self->n; self->i++) {
        tr_addv(self->name, self->i);
        if (self->i == self->stop_at)
            hop_loop_stop(self->loop);
        if (self->i < self->n)
            HOP_AWAIT(self, hop_sleep(&self->sl, self->t));
    }
    HOP_RETURN(self, self->n);
    HOP_END(self);
}

/* record "<name> before"; sleep_until(t); record "<name> after" */
static hop_step b_until(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " before");
    HOP_AWAIT(self, hop_sleep_until(&self->sl, self->t));
    tr_add2(self->name, " after");
    HOP_END(self);
}

/* try { record "<name> waits"; v = wait on w; record "<name> got <v>" }
 * handler all { record "<name> raised <E>", keep err and msg }; return v */
static hop_step b_wait(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add2(self->name, " waits");
        HOP_SUSPEND(self, self->w);
        self->v = HOP_VALUE(self);
        tr_add3(self->name, " got ", t_vstr(self->v, buf));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        tr_add3(self->name, " raised ", err_str(self->err));
    HOP_END_TRY(self);
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* record "<name> waits"; v = wait on w (errors leave the task);
 * record "<name> got <v>"; return v */
static hop_step b_wait_plain(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    tr_add2(self->name, " waits");
    HOP_SUSPEND(self, self->w);
    self->v = HOP_VALUE(self);
    tr_add3(self->name, " got ", t_vstr(self->v, buf));
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* try { v = join(other); record "<name> joined <v>" } handler all {
 * record "<name> join raised <E>", keep err and msg } */
static hop_step b_join(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_join(&self->j, self->other));
        self->v = HOP_VALUE(self);
        tr_add3(self->name, " joined ", t_vstr(self->v, buf));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        tr_add3(self->name, " join raised ", err_str(self->err));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* record "<name> completes"; complete fut with v */
static hop_step b_complete(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " completes");
    self->rc = hop_future_complete(self->fut, self->v);
    HOP_END(self);
}

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

/* Drive a sleep frame with a plain handle from inside a task. */
static hop_step b_plain_sleep(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    hop_value out = 0;
    HOP_BEGIN(g, self);
    T_EQ(hop_gen_init(&self->g, hop_sleep(&self->sl2, 5)), HOP_OK);
    self->rc = hop_gen_start(&self->g, &out);
    self->err = (int)out;
    self->msg = hop_gen_exc(&self->g)->msg;
    T_ASSERT(hop_gen_loop(&self->g) == NULL);
    tr_add2(self->name, " drove a plain sleep");
    HOP_END(self);
}

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

static int on_error_calls;
static hop_task *on_error_last;

static void count_error(hop_task *t)
{
    on_error_calls++;
    on_error_last = t;
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

static void future_args(void)
{
    hop_future f;
    int fill;

    T_EQ(hop_future_init(NULL, NULL), HOP_EINVAL);
    for (fill = 0; fill < 3; fill++) {
        hop_future *p = &f;

        if (fill == 0)
            p = NULL;
        else
            t_fill(&f, sizeof f, fill == 1 ? 0 : 0xa5);
        T_EQ(hop_future_complete(p, 1), HOP_EINVAL);
        T_EQ(hop_future_fail(p, E_A, m_a), HOP_EINVAL);
        T_EQ(hop_future_cancel(p), HOP_EINVAL);
        T_EQ(hop_future_state(p), HOP_EINVAL);
        T_EQ(hop_future_cleanup(p), HOP_EINVAL);
    }
    T_ASSERT(hop_future_wait(NULL) == NULL);

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_fail(&f, 0, m_a), HOP_EINVAL);
    T_EQ(hop_future_state(&f), HOP_FUTURE_PENDING);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_EINVAL);
    T_EQ(hop_future_complete(&f, 1), HOP_EINVAL);
    T_EQ(hop_future_state(&f), HOP_EINVAL);
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

/* -- joins and sleeps: misuse --------------------------------------------- */

static void join_misuse(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task n, a, s, z, d, dj;
    body nb, ab, sb, zb, db, djb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&n, &l, &nb, b_return, "N");
    /* A joins N, never spawned. */
    spawn(&a, &l, &ab, b_join, "A");
    ab.other = &n;
    /* S joins itself. */
    spawn(&s, &l, &sb, b_join, "S");
    sb.other = &s;
    /* Z joins NULL. */
    spawn(&z, &l, &zb, b_join, "Z");
    zb.other = NULL;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A join raised HOP_ESTATE", "S join raised HOP_ESELFJOIN",
              "Z join raised HOP_EINVAL");
    T_STREQ(ab.msg, "join of a task never spawned");
    T_EQ(hop_task_status(&n), HOP_TASK_NEW);

    /* Joining a finished task gives its value without suspending. */
    tr_reset();
    spawn(&d, &l, &db, b_return, "D");
    db.v = 11;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    spawn(&dj, &l, &djb, b_join, "J");
    djb.other = &d;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D ran", "J joined 11");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Sleep and join driven by a plain handle are outside any task. */
static void sleep_join_outside_task(void)
{
    hop_loop l;
    hop_sim sim;
    hop_gen g;
    hop_sleep_frame s;
    hop_join_frame j;
    hop_task t, p;
    body b, pb;
    hop_value v = 0;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);

    T_EQ(hop_gen_init(&g, hop_sleep(&s, 10)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);
    T_EQ(hop_gen_exc(&g)->code, HOP_ESTATE);
    T_STREQ(hop_gen_exc(&g)->msg, "sleep outside a task");
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    T_EQ(hop_gen_init(&g, hop_sleep(&s, 0)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);

    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    T_EQ(hop_gen_init(&g, hop_sleep_until(&s, 10)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    spawn(&t, &l, &b, b_return, "A");
    T_EQ(hop_gen_init(&g, hop_join(&j, &t)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);
    T_STREQ(hop_gen_exc(&g)->msg, "join outside a task");
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    /* A plain handle driven from inside a task is still outside it. */
    spawn(&p, &l, &pb, b_plain_sleep, "P");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran", "P drove a plain sleep");
    T_EQ(pb.rc, HOP_RAISED);
    T_EQ(pb.err, HOP_ESTATE);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- on_error, current ---------------------------------------------------- */

static hop_loop *err_loop;
static int err_status, err_code, err_current_null;
static const char *err_msg;

static void note_error(hop_task *t)
{
    count_error(t);
    err_status = hop_task_status(t);
    err_code = hop_task_error(t);
    err_msg = hop_task_errmsg(t);
    err_current_null = hop_loop_current(err_loop) == NULL;
}

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

/* -- sleeps --------------------------------------------------------------- */

/* sleep_until a time that has come does not suspend: no other task runs
 * in between. */
static void sleep_until_past(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c, d;
    body ab, bb, cb, db;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_sim_advance(&sim, 100), HOP_OK);
    spawn(&a, &l, &ab, b_until, "A");
    ab.t = 50;
    spawn(&b, &l, &bb, b_return, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A before", "A after", "B ran");

    tr_reset();
    spawn(&a, &l, &ab, b_until, "A");
    ab.t = 100; /* now */
    spawn(&b, &l, &bb, b_return, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A before", "A after", "B ran");
    T_EQ(hop_loop_now(&l), 100);

    /* A future time does suspend, and the clock jumps there. */
    tr_reset();
    spawn(&c, &l, &cb, b_until, "C");
    cb.t = 150;
    spawn(&d, &l, &db, b_return, "D");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("C before", "D ran", "C after");
    T_EQ(hop_loop_now(&l), 150);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* sleep(0), and a negative sleep, let every other ready task run once. */
static void sleep_zero_pass(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c;
    body ab, bb, cb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&a, &l, &ab, b_passes, "A");
    ab.n = 3;
    spawn(&b, &l, &bb, b_passes, "B");
    bb.n = 3;
    bb.t = -5;
    spawn(&c, &l, &cb, b_passes, "C");
    cb.n = 2;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "B1", "C1", "A2", "B2", "C2", "A3", "B3");
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A positive sleep: other tasks run, the clock jumps by the delay. */
static void sleep_relative(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    body ab, bb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_sim_advance(&sim, 7), HOP_OK);
    spawn(&a, &l, &ab, b_passes, "A");
    ab.n = 3;
    ab.t = HOP_MSEC(2);
    spawn(&b, &l, &bb, b_passes, "B");
    bb.n = 2;
    bb.t = HOP_MSEC(3);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1");
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1", "A2");
    T_EQ(hop_loop_now(&l), 7 + HOP_MSEC(2));
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1", "A2", "B2");
    T_EQ(hop_loop_now(&l), 7 + HOP_MSEC(3));
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "B1", "A2", "B2", "A3");
    T_EQ(hop_loop_now(&l), 7 + HOP_MSEC(4));
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Delayed spawns start in time order, ties in spawn order; a delay
 * <= 0 is the next pass. */
static void spawn_after_order(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c, d, e;
    body ab, bb, cb, db, eb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&a, &l, &ab, b_time, "A@");
    prep(&b, &l, &bb, b_time, "B@");
    prep(&c, &l, &cb, b_time, "C@");
    prep(&d, &l, &db, b_time, "D@");
    prep(&e, &l, &eb, b_time, "E@");
    T_EQ(hop_spawn_after(&a, 30), HOP_OK);
    T_EQ(hop_spawn_after(&b, 10), HOP_OK);
    T_EQ(hop_spawn_after(&c, 30), HOP_OK);
    T_EQ(hop_spawn_after(&d, 0), HOP_OK);
    T_EQ(hop_spawn_after(&e, -5), HOP_OK);
    T_EQ(hop_loop_tasks(&l), 5);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("D@0", "E@0", "B@10", "A@30", "C@30");
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

/* -- futures -------------------------------------------------------------- */

static void future_states(void)
{
    hop_future f;

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_ASSERT(f.data == NULL);
    T_ASSERT(hop_future_wait(&f) != NULL);
    T_ASSERT(hop_future_wait(&f) == hop_future_wait(&f));
    T_EQ(hop_future_state(&f), HOP_FUTURE_PENDING);
    T_EQ(hop_future_complete(&f, 5), HOP_OK);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_future_complete(&f, 6), HOP_ESTATE);
    T_EQ(hop_future_fail(&f, E_A, m_a), HOP_ESTATE);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_future_cleanup(&f), HOP_OK);

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_fail(&f, E_A, m_a), HOP_OK);
    T_EQ(hop_future_state(&f), HOP_FUTURE_FAILED);
    T_EQ(hop_future_fail(&f, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_future_complete(&f, 6), HOP_ESTATE);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hop_future_state(&f), HOP_FUTURE_FAILED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hop_future_complete(&f, 6), HOP_ESTATE);
    T_EQ(hop_future_fail(&f, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);

    /* A pending future without waiters may be released. */
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
}

/* Waiters of a completed, failed or cancelled future. */
static void future_waiters(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f, g, h, k;
    hop_task a, b, c, d, e, p, q;
    body ab, bb, cb, db, eb, pb, qb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_init(&g, NULL), HOP_OK);
    T_EQ(hop_future_init(&h, NULL), HOP_OK);
    T_EQ(hop_future_init(&k, NULL), HOP_OK);
    /* Three waiters of f, completed by a task. */
    spawn(&a, &l, &ab, b_wait, "A");
    spawn(&b, &l, &bb, b_wait, "B");
    spawn(&c, &l, &cb, b_wait, "C");
    ab.w = bb.w = cb.w = hop_future_wait(&f);
    spawn(&p, &l, &pb, b_complete, "P");
    pb.fut = &f;
    pb.v = 7;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A waits", "B waits", "C waits", "P completes");
    T_EQ(pb.rc, HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_OK); /* nobody waits any more */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(tr_count(), 7);
    T_EQ(hop_task_result(&a), 7);
    T_EQ(hop_task_result(&b), 7);
    T_EQ(hop_task_result(&c), 7);

    /* A failed future: the waiter gets the error and its message. */
    tr_reset();
    spawn(&d, &l, &db, b_wait, "D");
    db.w = hop_future_wait(&g);
    spawn(&e, &l, &eb, b_wait_plain, "E");
    eb.w = hop_future_wait(&g);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_fail(&g, E_A, m_a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(db.err, E_A);
    T_STREQ(db.msg, m_a);
    T_EQ(hop_task_status(&d), HOP_TASK_DONE);
    T_EQ(hop_task_status(&e), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&e), E_A);
    T_STREQ(hop_task_errmsg(&e), m_a);

    /* A cancelled future: HOP_ECANCELED, and uncaught it ends the task
     * CANCELLED. */
    tr_reset();
    spawn(&d, &l, &db, b_wait, "D");
    db.w = hop_future_wait(&h);
    spawn(&e, &l, &eb, b_wait_plain, "E");
    eb.w = hop_future_wait(&h);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&h), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(db.err, HOP_ECANCELED);
    T_EQ(hop_task_status(&e), HOP_TASK_CANCELLED);
    T_EQ(hop_task_error(&e), HOP_ECANCELED);

    /* Waiting on a finished future does not suspend. */
    tr_reset();
    T_EQ(hop_future_complete(&k, 9), HOP_OK);
    spawn(&d, &l, &db, b_wait_plain, "D");
    db.w = hop_future_wait(&k);
    spawn(&q, &l, &qb, b_return, "Q");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("D waits", "D got 9", "Q ran");
    spawn(&e, &l, &eb, b_wait, "E");
    eb.w = hop_future_wait(&g); /* failed */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D waits", "D got 9", "Q ran", "E waits", "E raised E_A");
    T_STREQ(eb.msg, m_a);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static int hook_calls;
static hop_value hook_value;
static int hook_err;

/* Settle the future another way (or not at all when both are 0). */
static void settle_hook(hop_future *f)
{
    hook_calls++;
    if (hook_err != 0)
        T_EQ(hop_future_fail(f, hook_err, m_b), HOP_OK);
    else if (hook_value != 0)
        T_EQ(hop_future_complete(f, hook_value), HOP_OK);
    /* Still pending while the hook runs. */
    T_ASSERT(hook_err != 0 || hook_value != 0 ||
             hop_future_state(f) == HOP_FUTURE_PENDING);
}

static void future_cancel_hook(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task a, b;
    body ab, bb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);

    /* A hook that does nothing: cancelled. */
    hook_calls = 0;
    hook_value = 0;
    hook_err = 0;
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    T_EQ(hook_calls, 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hook_calls, 1); /* not called for a finished future */

    /* The hook completes it: that stands, cancel returns 0, the waiter
     * gets the value. */
    hook_value = 42;
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hook_calls, 2);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 42");

    /* Cancelling the waiting task cancels the future; the hook completes
     * it instead: the task gets the value and ends DONE. */
    tr_reset();
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    spawn(&b, &l, &bb, b_wait_plain, "B");
    bb.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&b, m_cancel), 1);
    T_EQ(hook_calls, 3);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("B waits", "B got 42");
    T_EQ(hop_task_status(&b), HOP_TASK_DONE);
    T_EQ(hop_task_result(&b), 42);
    T_EQ(hop_task_error(&b), 0);

    /* The hook fails it: the waiter gets that error. */
    tr_reset();
    hook_err = E_B;
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    spawn(&b, &l, &bb, b_wait_plain, "B");
    bb.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&b, m_cancel), 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_FAILED);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&b), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&b), E_B);
    T_STREQ(hop_task_errmsg(&b), m_b);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void future_cleanup_busy(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task a;
    body ab;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = hop_future_wait(&f);
    T_EQ(hop_future_cleanup(&f), HOP_OK); /* nobody waits yet */
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_EBUSY);
    T_EQ(hop_future_state(&f), HOP_FUTURE_PENDING);
    T_EQ(hop_future_complete(&f, 1), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 1");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- kinds of waitable written here --------------------------------------- */


/*
 * "tick": wakes the task from a timer callback, delay after it was
 * armed, with the value v (or the error err); wakes times wakes.
 */
typedef struct tick {
    hop_waitable w; /* first: the header */
    hop_timer timer;
    hop_loop *loop;
    hop_task *task;
    hop_time delay;
    hop_value v;
    int err;
    int wakes;
    int armed, disarmed;
    int rc[2];
} tick;

static int tick_arm(hop_waitable *w, hop_task *t)
{
    tick *k = (tick *)(void *)w;

    k->armed++;
    k->task = t;
    return hop_timer_start(k->loop, &k->timer,
                           hop_loop_now(k->loop) + k->delay);
}

static void tick_disarm(hop_waitable *w, hop_task *t)
{
    tick *k = (tick *)(void *)w;

    T_ASSERT(t == k->task);
    k->disarmed++;
    T_EQ(hop_timer_stop(k->loop, &k->timer), HOP_OK);
}

static void tick_fire(hop_timer *tm)
{
    tick *k = (tick *)tm->data;
    int i;

    for (i = 0; i < k->wakes && i < 2; i++)
        k->rc[i] = k->err != 0
                       ? hop_task_wake_err(k->task, &k->w, k->err, m_a)
                       : hop_task_wake(k->task, &k->w, k->v + i);
}

static const hop_waitable_ops tick_ops = {tick_arm, tick_disarm, "tick", NULL};

static void tick_init(tick *k, hop_loop *l, hop_time delay, hop_value v)
{
    t_fill(k, sizeof *k, 0);
    k->w.ops = &tick_ops;
    k->loop = l;
    k->delay = delay;
    k->v = v;
    k->wakes = 1;
    T_EQ(hop_timer_init(&k->timer, tick_fire), HOP_OK);
    k->timer.data = k;
}

static void waitable_timer_kind(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, e;
    body ab, bb, eb;
    tick k, k2, k3;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    tick_init(&k, &l, 25, 7);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    T_ASSERT(hop_task_waiting_on(&a) == NULL);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(k.armed, 1);
    T_ASSERT(hop_task_waiting_on(&a) == &k.w);
    T_ASSERT(hop_task_waiting_on(&a)->ops == &tick_ops);
    T_STREQ(hop_task_waiting_on(&a)->ops->kind, "tick");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 7");
    T_EQ(k.rc[0], HOP_OK);
    T_EQ(k.disarmed, 0);
    T_EQ(hop_loop_now(&l), 25);
    T_ASSERT(hop_task_waiting_on(&a) == NULL);

    /* Woken with an error: raised where it waits, with its message. */
    tr_reset();
    tick_init(&k3, &l, 5, 0);
    k3.err = E_B;
    spawn(&e, &l, &eb, b_wait, "E");
    eb.w = &k3.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("E waits", "E raised E_B");
    T_STREQ(eb.msg, m_a);

    /* Cancelled while waiting: disarm is called once, the timer is
     * stopped, and the task gets HOP_ECANCELED. */
    tr_reset();
    tick_init(&k2, &l, 100, 8);
    spawn(&b, &l, &bb, b_wait_plain, "B");
    bb.w = &k2.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_timer_active(&k2.timer), 1);
    T_EQ(hop_task_cancel(&b, NULL), 1);
    T_EQ(k2.disarmed, 1);
    T_EQ(hop_timer_active(&k2.timer), 0);
    T_ASSERT(hop_task_waiting_on(&b) == NULL);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("B waits");
    T_EQ(hop_task_status(&b), HOP_TASK_CANCELLED);
    T_EQ(k2.armed, 1);
    T_EQ(k2.disarmed, 1);
    T_EQ(hop_loop_now(&l), 30);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A wake that names another waitable than the one the task waits on is
 * HOP_ESTATE and changes nothing: the task goes on waiting, and its own
 * waitable wakes it as if nothing had happened.
 */
static void waitable_wrong_waker(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a;
    body ab;
    tick k, other;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    tick_init(&k, &l, 10, 42);
    tick_init(&other, &l, 10, 0);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&a) == &k.w);
    T_EQ(hop_task_wake(&a, &other.w, 1), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&a, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_wake(&a, NULL, 1), HOP_EINVAL);
    T_ASSERT(hop_task_waiting_on(&a) == &k.w);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 42");
    T_EQ(k.rc[0], HOP_OK);
    T_EQ(k.disarmed, 0);
    T_EQ(hop_loop_now(&l), 10);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A second wake of a task that is no longer waiting is HOP_ESTATE and
 * changes nothing: the task resumes with the first value.
 */
static void waitable_second_wake(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a;
    body ab;
    tick k;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    tick_init(&k, &l, 5, 100);
    k.wakes = 2;
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(k.rc[0], HOP_OK);
    T_EQ(k.rc[1], HOP_ESTATE);
    TR_EXPECT("A waits", "A got 100");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A wake of a task that is not waiting (never spawned, finished) is
 * HOP_ESTATE and changes nothing: a failing call changes nothing.
 */
static void wake_not_waiting(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task n, d, f;
    body nb, db, fb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&n, &l, &nb, b_return, "N");
    T_EQ(hop_task_wake(&n, &stray, 1), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&n, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_status(&n), HOP_TASK_NEW);
    spawn(&d, &l, &db, b_return, "D");
    db.v = 5;
    spawn(&f, &l, &fb, b_raise, "F");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_wake(&d, &stray, 99), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&d, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_status(&d), HOP_TASK_DONE);
    T_EQ(hop_task_result(&d), 5);
    T_EQ(hop_task_wake(&f, &stray, 99), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&f, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_status(&f), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&f), E_A);
    T_STREQ(hop_task_errmsg(&f), m_a);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * "now": completes inside arm in one of several ways (mode): wake with
 * v, wake with an error, return an error, give way for one pass, or
 * wake twice (the first wake wins, the second is HOP_ESTATE).
 */
typedef struct now_w {
    hop_waitable w;
    int mode;
    hop_value v;
    int armed, disarmed, rc, rc2;
} now_w;

static int now_arm(hop_waitable *w, hop_task *t)
{
    now_w *k = (now_w *)(void *)w;

    k->armed++;
    switch (k->mode) {
    case 0:
        k->rc = hop_task_wake(t, w, k->v);
        return HOP_OK;
    case 1:
        k->rc = hop_task_wake_err(t, w, E_A, m_a);
        return HOP_OK;
    case 2:
        return HOP_ETIMEDOUT;
    case 4:
        k->rc = hop_task_wake(t, w, k->v);
        k->rc2 = hop_task_wake_err(t, w, E_B, m_b);
        return HOP_OK;
    default:
        return HOP_WAIT_PASS;
    }
}

static void now_disarm(hop_waitable *w, hop_task *t)
{
    (void)t;
    ((now_w *)(void *)w)->disarmed++;
}

static const hop_waitable_ops now_ops = {now_arm, now_disarm, "now", NULL};

static void now_case(int mode)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    body ab, bb;
    now_w k;

    t_fill(&k, sizeof k, 0);
    k.w.ops = &now_ops;
    k.mode = mode;
    k.v = 9;
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    spawn(&b, &l, &bb, b_return, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    switch (mode) {
    case 0:
        TR_EXPECT("A waits", "A got 9", "B ran");
        T_EQ(k.rc, HOP_OK);
        break;
    case 1:
        TR_EXPECT("A waits", "A raised E_A", "B ran");
        T_EQ(k.rc, HOP_OK);
        T_STREQ(ab.msg, m_a);
        break;
    case 2:
        TR_EXPECT("A waits", "A raised HOP_ETIMEDOUT", "B ran");
        T_ASSERT(ab.msg == NULL);
        break;
    case 4:
        TR_EXPECT("A waits", "A got 9", "B ran");
        T_EQ(k.rc, HOP_OK);
        T_EQ(k.rc2, HOP_ESTATE);
        break;
    default:
        TR_EXPECT("A waits", "B ran", "A got EMPTY");
        break;
    }
    T_EQ(k.armed, 1);
    T_EQ(k.disarmed, 0);
    T_ASSERT(hop_task_waiting_on(&a) == NULL);
    T_EQ(hop_task_status(&a), HOP_TASK_DONE);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void waitable_completes_in_arm(void)
{
    now_case(0);
}

static void waitable_fails_in_arm(void)
{
    now_case(1);
}

static void waitable_arm_returns_error(void)
{
    now_case(2);
}

static void waitable_arm_gives_way(void)
{
    now_case(3);
}

static void waitable_wakes_twice_in_arm(void)
{
    now_case(4);
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


/*
 * Waiters of two futures arm in turns: each future wakes its own waiters,
 * oldest first, and leaves the other's waiting. Cancelling one waiter
 * cancels its future, so all of that future's waiters get HOP_ECANCELED,
 * in the order they came.
 */
static void future_waiters_interleaved(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f, g, h;
    hop_task a, b, c, x, y, d, e, z;
    body ab, bb, cb, xb, yb, db, eb, zb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_init(&g, NULL), HOP_OK);
    T_EQ(hop_future_init(&h, NULL), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    spawn(&x, &l, &xb, b_wait, "X");
    spawn(&b, &l, &bb, b_wait, "B");
    spawn(&y, &l, &yb, b_wait, "Y");
    spawn(&c, &l, &cb, b_wait, "C");
    ab.w = bb.w = cb.w = hop_future_wait(&f);
    xb.w = yb.w = hop_future_wait(&g);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A waits", "X waits", "B waits", "Y waits", "C waits");
    T_EQ(hop_future_cleanup(&f), HOP_EBUSY);
    T_EQ(hop_future_complete(&f, 7), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A waits", "X waits", "B waits", "Y waits", "C waits",
              "A got 7", "B got 7", "C got 7");
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&x) == hop_future_wait(&g));
    T_ASSERT(hop_task_waiting_on(&y) == hop_future_wait(&g));

    tr_reset();
    spawn(&d, &l, &db, b_wait, "D");
    spawn(&z, &l, &zb, b_wait, "Z");
    spawn(&e, &l, &eb, b_wait, "E");
    db.w = eb.w = hop_future_wait(&h);
    zb.w = hop_future_wait(&g);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D waits", "Z waits", "E waits");
    T_EQ(hop_task_cancel(&e, m_cancel), 1);
    T_EQ(hop_future_state(&h), HOP_FUTURE_CANCELLED);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D waits", "Z waits", "E waits", "D raised HOP_ECANCELED",
              "E raised HOP_ECANCELED");
    T_STREQ(eb.msg, m_cancel);
    T_ASSERT(db.msg == NULL);
    T_EQ(hop_future_cleanup(&h), HOP_OK);

    tr_reset();
    T_EQ(hop_future_complete(&g, 8), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("X got 8", "Y got 8", "Z got 8");
    T_EQ(hop_future_cleanup(&g), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * Three joins of one task, the middle one cancelled: the others get the
 * value, in the order they came. Then a failing task whose only join was
 * cancelled is reported to the error hook once.
 */
static void join_several(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task t, j1, j2, j3, u, k;
    body tb, j1b, j2b, j3b, ub, kb;

    on_error_calls = 0;
    err_loop = &l;
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    hop_loop_on_error(&l, note_error);
    spawn(&t, &l, &tb, b_passes, "T");
    tb.n = 2;
    tb.t = 10;
    spawn(&j1, &l, &j1b, b_join, "J1");
    spawn(&j2, &l, &j2b, b_join, "J2");
    spawn(&j3, &l, &j3b, b_join, "J3");
    j1b.other = j2b.other = j3b.other = &t;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&j2, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("T1", "J2 join raised HOP_ECANCELED", "T2", "J1 joined 2",
              "J3 joined 2");
    T_EQ(on_error_calls, 0);

    tr_reset();
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&u, &l, &ub, b_wait_plain, "U");
    ub.w = hop_future_wait(&f);
    spawn(&k, &l, &kb, b_join, "K");
    kb.other = &u;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&k, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_fail(&f, E_A, m_a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("U waits", "K join raised HOP_ECANCELED");
    T_EQ(hop_task_status(&u), HOP_TASK_FAILED);
    T_EQ(on_error_calls, 1);
    T_ASSERT(on_error_last == &u);
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
    T_CASE(loop_args),
    T_CASE(task_args),
    T_CASE(future_args),
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
    T_CASE(loop_cleanup_busy),
    T_CASE(loop_run_inside_task),
    T_CASE(loop_run_bad_mode),
    T_CASE(loop_deadlock),
    T_CASE(join_misuse),
    T_CASE(sleep_join_outside_task),
    T_CASE(loop_on_error),
    T_CASE(loop_on_error_joined),
    T_CASE(loop_current_outside),
    T_CASE(loop_run_modes),
    T_CASE(loop_stop),
    T_CASE(task_ids_and_names),
    T_CASE(future_waiters_interleaved),
    T_CASE(join_several),
    T_CASE(task_accessors),
    T_CASE(sleep_until_past),
    T_CASE(sleep_zero_pass),
    T_CASE(sleep_relative),
    T_CASE(spawn_after_order),
    T_CASE(loop_custom_backend),
    T_CASE(future_states),
    T_CASE(future_waiters),
    T_CASE(future_cancel_hook),
    T_CASE(future_cleanup_busy),
    T_CASE(waitable_timer_kind),
    T_CASE(waitable_second_wake),
    T_CASE(wake_not_waiting),
    T_CASE(waitable_wrong_waker),
    T_CASE(waitable_completes_in_arm),
    T_CASE(waitable_fails_in_arm),
    T_CASE(waitable_arm_returns_error),
    T_CASE(waitable_arm_gives_way),
    T_CASE(waitable_wakes_twice_in_arm),
    T_CASE(task_waiting_on),
    T_END,
};
