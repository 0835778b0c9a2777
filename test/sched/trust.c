/*
 * test/sched/trust.c: misuse of the scheduler that once hung or crashed
 * the loop, each refused with an error code or made to work: a task
 * struct reused after it ended in a group, a wake of a built-in
 * waitable through the extension API, scopes and groups entered twice,
 * a generator handle initialised again while its generator is
 * suspended, and a cancellation's message that must reach the joiner
 * wherever the task waited.
 */
#include "t.h"

#define E_A 1001
#define E_B 1002

static const char m_a[] = "message A";
static const char m_stop[] = "shutting down";

static const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_B:
        return "E_B";
    case 0:
        return "none";
    default:
        return hop_err_name(e);
    }
}

/* -- a child: sleep d, then raise err (if any) or return v ---------------- */

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    hop_time d;
    hop_value v;
    int err;
} kid_frame;

static hop_step kid(hop_gen *g, hop_frame *f)
{
    kid_frame *self = (kid_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, self->d));
    if (self->err != 0)
        HOP_RAISE_MSG(self, self->err, m_a);
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* Initialise the task t on the child frame k (sleep d; err or v). */
static int kid_init(hop_task *t, hop_loop *l, kid_frame *k, hop_time d,
                    hop_value v, int err)
{
    k->d = d;
    k->v = v;
    k->err = err;
    if (hop_frame_init(&k->hdr, kid, HOP_COROUTINE) != HOP_OK)
        return HOP_EINVAL;
    return hop_task_init(t, l, &k->hdr, "kid");
}

/* -- owners ------------------------------------------------------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(4);
    hop_group grp;
    hop_scope sc;
    hop_sleep_frame sl;
    hop_join_frame j;
    hop_loop *loop;
    hop_task kt[6];
    kid_frame kf[6];
    hop_task *other;    /* a task to act on */
    int rc[8];          /* results of calls made inside */
    int err;            /* error caught, or 0 */
    const char *msg;    /* its message */
    int i;
} own_frame;

static void own_prep(hop_task *t, hop_loop *l, own_frame *o, hop_fn fn)
{
    t_fill(o, sizeof *o, 0);
    o->loop = l;
    t_spawn(t, l, &o->hdr, fn, "owner");
}

/*
 * group {
 *   spawn kid 0 (10 ms, returns 1); sleep 20 ms (it has ended);
 *   initialise kid 0 again (30 ms, returns 2), spawn it again
 * }  (twice, the second time into a group whose kid fails)
 */
static hop_step o_reuse(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->rc[0] = kid_init(&self->kt[0], self->loop, &self->kf[0],
                               HOP_MSEC(10), 1, 0);
        self->rc[1] = hop_group_spawn(&self->grp, &self->kt[0]);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(20)));
        self->rc[2] = hop_task_status(&self->kt[0]);
        self->rc[3] = kid_init(&self->kt[0], self->loop, &self->kf[0],
                               HOP_MSEC(30), 2, 0);
        self->rc[4] = hop_group_spawn(&self->grp, &self->kt[0]);
    HOP_END_GROUP(self, &self->grp);
    tr_add("group 1 left");
    HOP_TRY(self);
        HOP_GROUP(self, &self->grp);
            kid_init(&self->kt[1], self->loop, &self->kf[1], HOP_MSEC(10),
                     0, E_A);
            hop_group_spawn(&self->grp, &self->kt[1]);
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(1)));
        HOP_END_GROUP(self, &self->grp);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    /* The failed kid's struct runs again, outside any group; the group
     * still reports what it kept. */
    self->rc[5] = kid_init(&self->kt[1], self->loop, &self->kf[1],
                           HOP_MSEC(5), 3, 0);
    self->rc[6] = hop_spawn(&self->kt[1]);
    HOP_AWAIT(self, hop_join(&self->j, &self->kt[1]));
    self->rc[7] = (int)HOP_VALUE(self);
    HOP_RETURN(self, 0);
    HOP_END(self);
}

/*
 * An ended child's struct is initialised again and spawned into the
 * same group: the group ends when it does (once, this made HOP_END_GROUP
 * loop forever on its own list of ended children). A failed child's
 * struct reused outside the group leaves the group's errors as they
 * were.
 */
static void group_child_reused(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    own_frame of;
    const char *msg = NULL;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    own_prep(&o, &l, &of, o_reuse);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("group 1 left");
    T_EQ(of.rc[0], HOP_OK);
    T_EQ(of.rc[1], HOP_OK);
    T_EQ(of.rc[2], HOP_TASK_DONE);
    T_EQ(of.rc[3], HOP_OK);
    T_EQ(of.rc[4], HOP_OK);
    T_EQ(hop_task_status(&of.kt[0]), HOP_TASK_DONE);
    T_EQ(hop_task_result(&of.kt[0]), 2);
    T_EQ(hop_loop_now(&l), HOP_MSEC(20 + 30 + 10 + 5));
    T_STREQ(err_str(of.err), "HOP_EGROUP");
    T_EQ(of.rc[5], HOP_OK);
    T_EQ(of.rc[6], HOP_OK);
    T_EQ(of.rc[7], 3);
    T_EQ(hop_group_nerrors(&of.grp), 1);
    T_EQ(hop_group_error(&of.grp, 0, &msg), E_A);
    T_STREQ(msg, m_a);
    T_EQ(hop_group_dropped(&of.grp), 0);
    T_EQ(hop_task_status(&o), HOP_TASK_DONE);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* group { spawn six kids that fail at 10, 10, 20, 30, 40, 50 ms with
 *         E_A, E_B, E_A, E_B, ... } */
static hop_step o_many_fail(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_GROUP(self, &self->grp);
            for (self->i = 0; self->i < 6; self->i++) {
                kid_init(&self->kt[self->i], self->loop, &self->kf[self->i],
                         HOP_MSEC(10), 0, self->i % 2 == 0 ? E_A : E_B);
                hop_group_spawn(&self->grp, &self->kt[self->i]);
            }
        HOP_END_GROUP(self, &self->grp);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * Six children fail in the same pass: the group keeps the first
 * HOP_CONF_GROUP_ERRORS in the order they failed and counts the rest.
 */
static void group_errors_bounded(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    own_frame of;
    int i, kept = HOP_CONF_GROUP_ERRORS < 6 ? HOP_CONF_GROUP_ERRORS : 6;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    own_prep(&o, &l, &of, o_many_fail);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_STREQ(err_str(of.err), "HOP_EGROUP");
    T_EQ(hop_group_nerrors(&of.grp), kept);
    for (i = 0; i < kept; i++)
        T_STREQ(err_str(hop_group_error(&of.grp, i, NULL)),
                i % 2 == 0 ? "E_A" : "E_B");
    T_EQ(hop_group_error(&of.grp, kept, NULL), HOP_EINVAL);
    T_EQ(hop_group_dropped(&of.grp), 6 - kept);
    T_EQ(hop_group_dropped(NULL), HOP_EINVAL);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- waking a built-in waitable from outside -------------------------------- */

/* Sleep 100 ms; record "slept <ms>". */
static hop_step o_sleeper(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    char buf[24];
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
    tr_add2("slept ",
            t_itoa(hop_loop_now(self->loop) / HOP_MSEC(1), buf));
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
    HOP_END(self);
}

/* Wait 10 ms, then wake other through the extension API with what it
 * waits on (rc 0, 1), and with an error (rc 2). */
static hop_step o_waker(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
    self->rc[0] = hop_task_waiting_on(self->other) != NULL;
    self->rc[1] = hop_task_wake(self->other,
                                hop_task_waiting_on(self->other), 5);
    self->rc[2] = hop_task_wake_err(self->other,
                                    hop_task_waiting_on(self->other), E_A,
                                    m_a);
    HOP_END(self);
}

/*
 * hop_task_wake on a task that sleeps, in the sleep's own name, once
 * returned HOP_OK and left the sleep's timer in the heap (the loop then
 * crashed). hop's own waitables are refused (HOP_EINVAL) and the sleep
 * goes on to its time.
 */
static void wake_builtin_refused(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task s, w;
    own_frame sf, wf;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    own_prep(&s, &l, &sf, o_sleeper);
    own_prep(&w, &l, &wf, o_waker);
    wf.other = &s;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(wf.rc[0], 1);
    T_EQ(wf.rc[1], HOP_EINVAL);
    T_EQ(wf.rc[2], HOP_EINVAL);
    TR_EXPECT("slept 100");
    T_EQ(hop_task_status(&s), HOP_TASK_DONE);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Wait on other's end (rc 0: join, 1: future, 2: group). */
static hop_step o_waits(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    if (self->i == 0) {
        HOP_AWAIT(self, hop_join(&self->j, self->other));
    } else if (self->i == 1) {
        HOP_SUSPEND(self, hop_future_wait((hop_future *)self->loop->data));
    } else {
        HOP_GROUP(self, &self->grp);
            kid_init(&self->kt[0], self->loop, &self->kf[0], HOP_MSEC(50),
                     0, 0);
            hop_group_spawn(&self->grp, &self->kt[0]);
        HOP_END_GROUP(self, &self->grp);
    }
    tr_add("waiter done");
    HOP_END(self);
}

/* The same for a join, a future and the end of a group. */
static void wake_builtin_kinds(void)
{
    int kind;

    for (kind = 0; kind < 3; kind++) {
        hop_loop l;
        hop_sim sim;
        hop_task a, b, k;
        own_frame af, bf;
        kid_frame kf;
        hop_future fut;

        tr_reset();
        T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
        T_EQ(hop_future_init(&fut, NULL), HOP_OK);
        l.data = &fut;
        T_EQ(kid_init(&k, &l, &kf, HOP_MSEC(50), 7, 0), HOP_OK);
        T_EQ(hop_spawn(&k), HOP_OK);
        own_prep(&a, &l, &af, o_waits);
        af.i = kind;
        af.other = &k;
        own_prep(&b, &l, &bf, o_waker);
        bf.other = &a;
        T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
        T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
        T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK); /* b at 10 ms */
        T_EQ(bf.rc[0], 1);
        T_EQ(bf.rc[1], HOP_EINVAL);
        T_EQ(bf.rc[2], HOP_EINVAL);
        if (kind == 1)
            T_EQ(hop_future_complete(&fut, 1), HOP_OK);
        T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
        TR_EXPECT("waiter done");
        T_EQ(hop_task_status(&a), HOP_TASK_DONE);
        T_EQ(hop_future_cleanup(&fut), HOP_OK);
        T_EQ(hop_loop_cleanup(&l), HOP_OK);
    }
}

/* -- the message of a cancellation -------------------------------------------- */

/* group { spawn a kid (100 ms) }  : waits at HOP_END_GROUP */
static hop_step o_group_wait(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        kid_init(&self->kt[0], self->loop, &self->kf[0], HOP_MSEC(100), 0,
                 0);
        hop_group_spawn(&self->grp, &self->kt[0]);
    HOP_END_GROUP(self, &self->grp);
    HOP_END(self);
}

/* Wait 10 ms, cancel other with m_stop, join it: err and msg. */
static hop_step o_cancel_join(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
    self->rc[0] = hop_task_cancel(self->other, m_stop);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_join(&self->j, self->other));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * A task cancelled with a message while it waits at the end of its
 * group: the children are cancelled, and once they ended the
 * cancellation goes on with its message to the joiner (it once arrived
 * without it).
 */
static void group_cancel_keeps_message(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o, c;
    own_frame of, cf;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    own_prep(&o, &l, &of, o_group_wait);
    own_prep(&c, &l, &cf, o_cancel_join);
    cf.other = &o;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(cf.rc[0], 1);
    T_STREQ(err_str(cf.err), "HOP_ECANCELED");
    T_STREQ(cf.msg, m_stop);
    T_EQ(hop_task_status(&o), HOP_TASK_CANCELLED);
    T_STREQ(hop_task_errmsg(&o), m_stop);
    T_EQ(hop_task_status(&of.kt[0]), HOP_TASK_CANCELLED);
    T_EQ(hop_loop_now(&l), HOP_MSEC(10));
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- entering what is entered, initialising what is in use --------------- */

/* timeout(100 ms) { timeout(10 ms) on the same scope (rc 0); sleep 1 s } */
static hop_step o_scope_twice(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->sc, HOP_MSEC(100));
            HOP_TRY(self);
                HOP_TIMEOUT(self, &self->sc, HOP_MSEC(10));
                    tr_add("inner body");
                HOP_END_TIMEOUT(self, &self->sc);
            HOP_CATCH_ALL(self);
                self->rc[0] = HOP_ERROR(self);
            HOP_END_TRY(self);
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(1)));
        HOP_END_TIMEOUT(self, &self->sc);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * A deadline scope entered while the task has it entered (nested in
 * itself) raises HOP_ESTATE at the second entry, and the first goes on
 * to expire at its own time (it was accepted once and crashed the loop
 * later, in the timer heap). Left, it may be entered again.
 */
static void scope_entered_twice(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a;
    own_frame af;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    own_prep(&a, &l, &af, o_scope_twice);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_STREQ(err_str(af.rc[0]), "HOP_ESTATE");
    T_STREQ(err_str(af.err), "HOP_ETIMEDOUT");
    T_EQ(hop_loop_now(&l), HOP_MSEC(100));
    TR_EXPECT_NONE();

    /* The same frame, run again by another task: the scope was left. */
    T_EQ(hop_frame_init(&af.hdr, o_scope_twice, HOP_COROUTINE), HOP_OK);
    af.err = 0;
    af.rc[0] = 0;
    T_EQ(hop_task_init(&a, &l, &af.hdr, "again"), HOP_OK);
    T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_STREQ(err_str(af.rc[0]), "HOP_ESTATE");
    T_STREQ(err_str(af.err), "HOP_ETIMEDOUT");
    T_EQ(hop_loop_now(&l), HOP_MSEC(200));
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* group { group on the same struct (rc 0) ; spawn a kid (20 ms) } */
static hop_step o_group_twice(hop_gen *g, hop_frame *f)
{
    own_frame *self = (own_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        kid_init(&self->kt[0], self->loop, &self->kf[0], HOP_MSEC(20), 4,
                 0);
        hop_group_spawn(&self->grp, &self->kt[0]);
        HOP_TRY(self);
            HOP_GROUP(self, &self->grp);
                tr_add("inner group");
            HOP_END_GROUP(self, &self->grp);
        HOP_CATCH_ALL(self);
            self->rc[0] = HOP_ERROR(self);
        HOP_END_TRY(self);
    HOP_END_GROUP(self, &self->grp);
    self->rc[1] = hop_task_status(&self->kt[0]);
    HOP_END(self);
}

/* A group entered inside its own block: HOP_ESTATE, and the block still
 * waits for its child. */
static void group_entered_twice(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a;
    own_frame af;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    own_prep(&a, &l, &af, o_group_twice);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_STREQ(err_str(af.rc[0]), "HOP_ESTATE");
    T_EQ(af.rc[1], HOP_TASK_DONE);
    T_EQ(hop_task_status(&a), HOP_TASK_DONE);
    T_EQ(hop_loop_now(&l), HOP_MSEC(20));
    TR_EXPECT_NONE();
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A generator: try { yield 1; yield 2 } finally { record "cleanup" } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} gen_frame;

static hop_step two_yields(hop_gen *g, hop_frame *f)
{
    gen_frame *self = (gen_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
        HOP_YIELD(self, 2);
    HOP_FINALLY(self);
        tr_add("cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * hop_gen_init on a handle whose generator is suspended: HOP_EBUSY (it
 * once abandoned the generator, whose cleanup then never ran), and the
 * generator goes on; once closed, the handle takes a new one.
 */
static void gen_init_suspended(void)
{
    hop_gen g;
    gen_frame a, b;
    hop_value v = 0;

    t_fill(&g, sizeof g, 0);
    T_EQ(hop_frame_init(&a.hdr, two_yields, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_frame_init(&b.hdr, two_yields, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &a.hdr), HOP_OK);
    T_EQ(hop_gen_init(&g, &b.hdr), HOP_OK); /* not started: no loss */
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_init(&g, &a.hdr), HOP_EBUSY);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    TR_EXPECT("cleanup");
    T_EQ(hop_gen_init(&g, &a.hdr), HOP_OK);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
}

const t_case t_cases_sched_trust[] = {
    T_CASE(group_child_reused),
    T_CASE(group_errors_bounded),
    T_CASE(wake_builtin_refused),
    T_CASE(wake_builtin_kinds),
    T_CASE(group_cancel_keeps_message),
    T_CASE(scope_entered_twice),
    T_CASE(group_entered_twice),
    T_CASE(gen_init_suspended),
    T_END,
};
