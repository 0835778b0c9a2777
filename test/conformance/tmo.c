/*
 * test/conformance/tmo.c: deadline scopes, cases TMO-01 to TMO-06 of
 * CASES.md, on the simulation backend and on libevent: a scope that
 * expires around a long wait, what its body sees, nested scopes, an inner
 * expiry that does not disarm the outer deadline, a call that finishes
 * first, deadlines that move, and errors the deadline did not cause.
 * TMO-07 to TMO-09 and SEED-03 (with_timeout, and the cleanups of what a
 * timeout cancels) are in tmo_with.c; tmo.h holds what both files share,
 * with the names the cases use (TIMED_OUT, CANCELLED, "linked").
 */
#include "tmo.h"

static const char s_ok[] = "ok";

/* -- TMO-01: a deadline expires around a long wait ----------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope cm;
    hop_sleep_frame sl;
    hop_time d;  /* B: the deadline D */
    hop_time at; /* when the error left the scope */
} t01_frame;

/* A: try { TIMEOUT(0.01) as cm { wait sleep(10) } } handler any { record
 *    "left cm: <E>" } */
static hop_step t01a(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_MSEC(10));
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
            tr_add("sleep(10) ended");
        HOP_END_TIMEOUT(self, &self->cm);
        tr_add("left cm normally");
    HOP_CATCH_ALL(self);
        self->at = now_of(HOP_GEN(self));
        tr_add2("left cm: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* B: the same with TIMEOUT_AT(D = now + 0.01) */
static hop_step t01b(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        self->d = now_of(HOP_GEN(self)) + HOP_MSEC(10);
        HOP_TIMEOUT_AT(self, &self->cm, self->d);
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
            tr_add("sleep(10) ended");
        HOP_END_TIMEOUT(self, &self->cm);
        tr_add("left cm normally");
    HOP_CATCH_ALL(self);
        self->at = now_of(HOP_GEN(self));
        tr_add2("left cm: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* C: T: try { TIMEOUT(0.001) { wait sleep(10) } } handler TIMED_OUT { };
 *    return */
static hop_step t01c(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_MSEC(1));
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
        HOP_END_TIMEOUT(self, &self->cm);
    HOP_CATCH(self, HOP_ETIMEDOUT);
        (void)0;
    HOP_END_TRY(self);
    HOP_RETURN(self, HOP_EMPTY);
    HOP_END(self);
}

static void TMO_01(void)
{
    hop_loop loop;
    hop_task t, j;
    t01_frame tf;
    cc_joiner_frame jf;
    hop_time t0;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t01a, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("left cm: TIMED_OUT");
    T_SPAN(tf.at - t0, HOP_MSEC(10));
    T_ASSERT(hop_scope_expired(&tf.cm));
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t01b, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("left cm: TIMED_OUT");
    T_ASSERT(hop_scope_expired(&tf.cm));
    T_SPAN(tf.d - t0, HOP_MSEC(10));
    T_EQ(hop_scope_when(&tf.cm), tf.d);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t01c, NULL);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("joined EMPTY");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), HOP_EMPTY);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-02: inside the expired scope the body sees CANCELLED ------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(3);
    hop_scope cm;
    hop_sleep_frame sl;
    int ctx; /* the context of the error that left the scope */
} t02_frame;

/* try { TIMEOUT(0.01) { try { wait sleep(10) } handler CANCELLED {
 *     record "body cancelled"; re-raise } } } handler any { record
 *     "left the scope: <E>" } */
static hop_step t02(hop_gen *g, hop_frame *f)
{
    t02_frame *self = (t02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_MSEC(10));
            HOP_TRY(self);
                HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
                tr_add("sleep(10) ended");
            HOP_CATCH(self, HOP_ECANCELED);
                tr_add("body cancelled");
                HOP_RERAISE(self);
            HOP_END_TRY(self);
        HOP_END_TIMEOUT(self, &self->cm);
        tr_add("left the scope normally");
    HOP_CATCH_ALL(self);
        self->ctx = hop_gen_exc(HOP_GEN(self))->ctx;
        tr_add2("left the scope: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void TMO_02(void)
{
    hop_loop loop;
    hop_task t;
    t02_frame tf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t02, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("body cancelled", "left the scope: TIMED_OUT");
    T_EQ(tf.ctx, HOP_ECANCELED); /* linked to the CANCELLED */
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-03: nested scopes with the same deadline ------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(4);
    hop_scope cm1, cm2;
    hop_sleep_frame sl;
    hop_time d;
} t03_frame;

/* try { TIMEOUT_AT(D) as cm1 { try { TIMEOUT_AT(D) as cm2 {
 *     wait sleep(10) } } handler CANCELLED { record "between scopes:
 *     CANCELLED"; re-raise } handler TIMED_OUT { record "between scopes:
 *     TIMED_OUT"; re-raise } } } handler any { record "left cm1: <E>" } */
static hop_step t03(hop_gen *g, hop_frame *f)
{
    t03_frame *self = (t03_frame *)f;
    HOP_BEGIN(g, self);
    self->d = now_of(HOP_GEN(self)) + HOP_MSEC(10);
    HOP_TRY(self);
        HOP_TIMEOUT_AT(self, &self->cm1, self->d);
            HOP_TRY(self);
                HOP_TIMEOUT_AT(self, &self->cm2, self->d);
                    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
                    tr_add("sleep(10) ended");
                HOP_END_TIMEOUT(self, &self->cm2);
            HOP_CATCH(self, HOP_ECANCELED);
                tr_add("between scopes: CANCELLED");
                HOP_RERAISE(self);
            HOP_CATCH(self, HOP_ETIMEDOUT);
                tr_add("between scopes: TIMED_OUT");
                HOP_RERAISE(self);
            HOP_END_TRY(self);
        HOP_END_TIMEOUT(self, &self->cm1);
        tr_add("left cm1 normally");
    HOP_CATCH_ALL(self);
        tr_add2("left cm1: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void TMO_03(void)
{
    hop_loop loop;
    hop_task t;
    t03_frame tf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t03, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    /* Exactly one TIMED_OUT, and only outside cm1. */
    TR_EXPECT("between scopes: CANCELLED", "left cm1: TIMED_OUT");
    T_ASSERT(hop_scope_expired(&tf.cm1));
    T_ASSERT(hop_scope_expired(&tf.cm2));
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-04: an inner expiry that was handled does not disarm the outer -- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(4);
    hop_scope outer, inner;
    hop_sleep_frame sl;
    hop_time t0, inner_at, outer_at;
} t04_frame;

/* t0 = now; try { TIMEOUT(0.1) { try { TIMEOUT(0.01) { wait sleep(10) } }
 *     handler TIMED_OUT { record "inner timed out" }; busy for 0.1 s;
 *     wait sleep(10) } } handler any { record "left the outer scope: <E>" } */
static hop_step t04(hop_gen *g, hop_frame *f)
{
    t04_frame *self = (t04_frame *)f;
    HOP_BEGIN(g, self);
    self->t0 = now_of(HOP_GEN(self));
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->outer, HOP_MSEC(100));
            HOP_TRY(self);
                HOP_TIMEOUT(self, &self->inner, HOP_MSEC(10));
                    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
                    tr_add("first sleep(10) ended");
                HOP_END_TIMEOUT(self, &self->inner);
            HOP_CATCH(self, HOP_ETIMEDOUT);
                self->inner_at = now_of(HOP_GEN(self));
                tr_add("inner timed out");
            HOP_END_TRY(self);
            /* Busy for 0.1 s without suspending. */
            t_busy(hop_gen_loop(HOP_GEN(self)), HOP_MSEC(100));
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
            tr_add("second sleep(10) ended");
        HOP_END_TIMEOUT(self, &self->outer);
        tr_add("left the outer scope normally");
    HOP_CATCH_ALL(self);
        self->outer_at = now_of(HOP_GEN(self));
        tr_add2("left the outer scope: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void TMO_04(void)
{
    hop_loop loop;
    hop_task t;
    t04_frame tf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t04, NULL);
    /* Pass 1 (t=0): T waits in the inner scope. */
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT_NONE();
    /* Pass 2 (t=0.01): the inner scope times out, T is busy for 0.1 s and
     * waits on the second sleep(10). */
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("inner timed out");
    T_SPAN(tf.inner_at - tf.t0, HOP_MSEC(10));
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_ASSERT(hop_task_waiting_on(&t) != NULL);
    /* The first pass after it interrupts that sleep. */
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("inner timed out", "left the outer scope: TIMED_OUT");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_ASSERT(tf.outer_at - tf.t0 <= HOP_SEC(1));
    T_ASSERT(t_now(&loop) - tf.t0 <= HOP_SEC(1));
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-05: the call finishes first; deadlines can move ------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope cm;
    hop_sleep_frame sl;
    hop_timeout_frame wt;
    done_frame child;
    hop_future *f;
    hop_time t0; /* B: the start of the clock */
    hop_time exit_at, at, end_at;
} t05_frame;

/* A: try { TIMEOUT(10) as cm { wait sleep(0.01) }; record "completed" }
 *    handler any { record "raised <E>" } */
static hop_step t05a(hop_gen *g, hop_frame *f)
{
    t05_frame *self = (t05_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_SEC(10));
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
        HOP_END_TIMEOUT(self, &self->cm);
        self->exit_at = now_of(HOP_GEN(self));
        tr_add("completed");
    HOP_CATCH_ALL(self);
        tr_add2("raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* B: try { r = with_timeout(0.2, F); record "with_timeout gave <r>";
 *    wait sleep until t=0.5 (t0 + 0.5); record "slept until t=0.5" }
 *    handler any { record "raised <E>" } */
static hop_step t05b(hop_gen *g, hop_frame *f)
{
    t05_frame *self = (t05_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_with_timeout_future(&self->wt, HOP_MSEC(200),
                                                self->f));
        self->at = now_of(HOP_GEN(self));
        tr_addv("with_timeout gave ", HOP_VALUE(self));
        HOP_AWAIT(self,
                  hop_sleep_until(&self->sl, self->t0 + HOP_MSEC(500)));
        self->end_at = now_of(HOP_GEN(self));
        tr_add("slept until t=0.5");
    HOP_CATCH_ALL(self);
        tr_add2("raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* B's completer: wait sleep(0.1); complete(F, "ok") */
typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    hop_future *f;
    int r;
} t05_completer_frame;

static hop_step t05b_completer(hop_gen *g, hop_frame *f)
{
    t05_completer_frame *self = (t05_completer_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
    self->r = hop_future_complete(self->f, T_SV(s_ok));
    HOP_END(self);
}

/* C: try { r = with_timeout(NONE, coroutine returning "done"); record
 *    "with_timeout gave <r>" } handler any { record "raised <E>" } */
static hop_step t05c(hop_gen *g, hop_frame *f)
{
    t05_frame *self = (t05_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->child.hdr, ret_done, HOP_COROUTINE);
        HOP_AWAIT(self, hop_with_timeout(&self->wt, HOP_FOREVER,
                                         &self->child.hdr));
        tr_addv("with_timeout gave ", HOP_VALUE(self));
    HOP_CATCH_ALL(self);
        tr_add2("raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* D: task f: TIMEOUT_AT(D1 = now + 10) as cm { complete(Fcm, cm);
 *    wait sleep(50); record "f: sleep(50) ended" } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_scope cm;
    hop_sleep_frame sl;
    hop_future *fcm;
    hop_time d1;
} t05d_f_frame;

static hop_step t05d_f(hop_gen *g, hop_frame *f)
{
    t05d_f_frame *self = (t05d_f_frame *)f;
    HOP_BEGIN(g, self);
    self->d1 = now_of(HOP_GEN(self)) + HOP_SEC(10);
    HOP_TIMEOUT_AT(self, &self->cm, self->d1);
        hop_future_complete(self->fcm, (hop_value)&self->cm);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(50)));
        tr_add("f: sleep(50) ended");
    HOP_END_TIMEOUT(self, &self->cm);
    HOP_END(self);
}

/* D: the test: cm = wait Fcm; the checks of the case; cancel(f);
 *    try { join(f) } handler any { record "join(f) raised <E>" } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_join_frame j;
    hop_future *fcm;
    hop_task *f;
    t05d_f_frame *ff;
    hop_scope *cm;
    hop_time d1, d2, when1, when2, when3;
    int r1, r2, cr, expired;
} t05d_test_frame;

static hop_step t05d_test(hop_gen *g, hop_frame *f)
{
    t05d_test_frame *self = (t05d_test_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(self->fcm));
    self->cm = (hop_scope *)HOP_VALUE(self);
    self->d1 = self->ff->d1;
    self->when1 = hop_scope_when(self->cm);
    self->d2 = self->d1 + HOP_SEC(20);
    self->r1 = hop_scope_reschedule(self->cm, self->d2);
    self->when2 = hop_scope_when(self->cm);
    self->r2 = hop_scope_reschedule(self->cm, HOP_FOREVER);
    self->when3 = hop_scope_when(self->cm);
    self->cr = hop_task_cancel(self->f, NULL);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_join(&self->j, self->f));
        tr_addv("join(f) gave ", HOP_VALUE(self));
    HOP_CATCH_ALL(self);
        tr_add2("join(f) raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    self->expired = hop_scope_expired(self->cm);
    HOP_END(self);
}

static void TMO_05(void)
{
    hop_loop loop;
    hop_task t, c;
    t05_frame tf;
    t05_completer_frame cf;
    t05d_f_frame ff;
    t05d_test_frame xf;
    hop_future fut;
    hop_time t0;

    t_name_str(s_ok);
    t_name_str(s_done);

    /* Case A: no expiry; the timer is disarmed. */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t05a, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("completed");
    T_SPAN(tf.exit_at - t0, HOP_MSEC(10));
    T_ASSERT(!hop_scope_expired(&tf.cm));
    T_ASSERT(hop_scope_when(&tf.cm) > tf.exit_at);
    T_ASSERT(!hop_timer_active(&tf.cm.timer));
    T_EQ(t_loop_cleanup(&loop), HOP_OK); /* no timer left in the heap */

    /* Case B: with_timeout(0.2, F), F completed at t=0.1. */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    T_EQ(hop_future_init(&fut, NULL), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    tf.f = &fut;
    tf.t0 = t0;
    t_spawn(&t, &loop, &tf.hdr, t05b, NULL);
    t_fill(&cf, sizeof cf, 0);
    cf.f = &fut;
    cf.r = -1;
    t_spawn(&c, &loop, &cf.hdr, t05b_completer, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(cf.r, HOP_OK);
    TR_EXPECT("with_timeout gave ok", "slept until t=0.5");
    T_SPAN(tf.at - t0, HOP_MSEC(100));
    T_SPAN(tf.end_at - t0, HOP_MSEC(500));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_future_cleanup(&fut), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C: with_timeout(NONE, coroutine returning "done"). */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t05c, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("with_timeout gave done");
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case D: when() and reschedule(). */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    T_EQ(hop_future_init(&fut, NULL), HOP_OK);
    t_fill(&ff, sizeof ff, 0);
    ff.fcm = &fut;
    t_spawn(&t, &loop, &ff.hdr, t05d_f, NULL);
    t_fill(&xf, sizeof xf, 0);
    xf.fcm = &fut;
    xf.f = &t;
    xf.ff = &ff;
    t_spawn(&c, &loop, &xf.hdr, t05d_test, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_ASSERT(xf.cm == &ff.cm);
    T_SPAN(xf.d1 - t0, HOP_SEC(10));
    T_EQ(xf.when1, xf.d1);
    T_EQ(xf.r1, HOP_OK);
    T_EQ(xf.when2, xf.d2);
    T_EQ(xf.d2, xf.d1 + HOP_SEC(20));
    T_EQ(xf.r2, HOP_OK);
    T_EQ(xf.when3, HOP_FOREVER);
    T_EQ(xf.cr, 1);
    TR_EXPECT("join(f) raised CANCELLED");
    T_EQ(xf.expired, 0);
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_future_cleanup(&fut), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-06: errors the deadline did not cause pass through unchanged ---- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope cm;
    hop_sleep_frame sl;
    hop_task *cur;
    int cr;
} t06_frame;

/* A: try { TIMEOUT(0.01) as cm { raise E_A } } handler any { record
 *    "left cm: <E>" } */
static hop_step t06a(hop_gen *g, hop_frame *f)
{
    t06_frame *self = (t06_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_MSEC(10));
            HOP_RAISE(self, E_A);
        HOP_END_TIMEOUT(self, &self->cm);
        tr_add("left cm normally");
    HOP_CATCH_ALL(self);
        tr_add2("left cm: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* B: try { TIMEOUT(10) as cm { cancel(current_task()); wait sleep(10) } }
 *    handler any { record "left cm: <E>" } */
static hop_step t06b(hop_gen *g, hop_frame *f)
{
    t06_frame *self = (t06_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_SEC(10));
            self->cur = hop_loop_current(hop_gen_loop(HOP_GEN(self)));
            self->cr = hop_task_cancel(self->cur, NULL);
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
            tr_add("sleep(10) ended");
        HOP_END_TIMEOUT(self, &self->cm);
        tr_add("left cm normally");
    HOP_CATCH_ALL(self);
        tr_add2("left cm: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void TMO_06(void)
{
    hop_loop loop;
    hop_task t;
    t06_frame tf;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t06a, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("left cm: E_A");
    T_ASSERT(!hop_scope_expired(&tf.cm));
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t06b, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_ASSERT(tf.cur == &t);
    T_EQ(tf.cr, 1);
    TR_EXPECT("left cm: CANCELLED");
    T_ASSERT(!hop_scope_expired(&tf.cm));
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_conf_tmo[] = {
    T_TASK_CASE(TMO_01),
    T_TASK_CASE(TMO_02),
    T_TASK_CASE(TMO_03),
    T_TASK_CASE(TMO_04),
    T_LONG_CASE(TMO_05), /* case B alone sleeps until t=0.5 */
    T_TASK_CASE(TMO_06),
    T_END,
};
