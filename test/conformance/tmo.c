/*
 * test/conformance/tmo.c: deadlines and timeouts, cases TMO-01 to TMO-09
 * and SEED-03 of CASES.md, on the simulation backend and on libevent.
 *
 * TIMED_OUT is HOP_ETIMEDOUT, CANCELLED is HOP_ECANCELED; "linked" is the
 * context of the error record (hop_gen_exc()->ctx) in the handler that
 * catches it. Handlers that record "... <E>" catch every error, CANCELLED
 * included, so that an unexpected outcome shows in the trace.
 */
#include "common.h"

#define E_A 1024
#define E_Z 1025
#define E_F 1026

static const char s_ok[] = "ok";
static const char s_done[] = "done";

static const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_Z:
        return "E_Z";
    case E_F:
        return "E_F";
    default:
        return cc_err_str(e);
    }
}

/* The clock of the loop that runs the frame a step got g for. */
static hop_time now_of(hop_gen *g)
{
    return hop_loop_now(hop_gen_loop(g));
}

/* A coroutine that returns "done" at once. */
typedef struct {
    hop_frame hdr;
} done_frame;

static hop_step ret_done(hop_gen *g, hop_frame *f)
{
    done_frame *self = (done_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, T_SV(s_done));
    HOP_END(self);
}

/* -- slow (TMO-08 C, TMO-09 B) --------------------------------------------- */

static int slow_exited;

/* slow: repeatedly sleeps until 0.2 s have passed since it started,
 * catching and ignoring every CANCELLED; then exited = true. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_time start;
} slow_frame;

static hop_step slow(hop_gen *g, hop_frame *f)
{
    slow_frame *self = (slow_frame *)f;
    HOP_BEGIN(g, self);
    self->start = now_of(HOP_GEN(self));
    while (now_of(HOP_GEN(self)) - self->start < HOP_MSEC(200)) {
        HOP_TRY(self);
            HOP_AWAIT(self, hop_sleep_until(&self->sl,
                                            self->start + HOP_MSEC(200)));
        HOP_CATCH(self, HOP_ECANCELED);
            (void)0; /* ignored */
        HOP_END_TRY(self);
    }
    slow_exited = 1;
    tr_add("slow exited");
    HOP_END(self);
}

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

/* -- TMO-07: a cleanup that raises while a timeout unwinds wins ---------- */

/* crash: try { wait sleep(1) } cleanup { raise E_Z } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
} t07_crash_frame;

static hop_step t07_crash(hop_gen *g, hop_frame *f)
{
    t07_crash_frame *self = (t07_crash_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(1)));
        tr_add("crash: sleep(1) ended");
    HOP_FINALLY(self);
        HOP_RAISE(self, E_Z);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope cm;
    t07_crash_frame crash;
} t07a_frame;

/* A: try { TIMEOUT(0.01) { DELEGATE crash() } } handler any { record
 *    "left the scope: <E>" } */
static hop_step t07a(hop_gen *g, hop_frame *f)
{
    t07a_frame *self = (t07a_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT(self, &self->cm, HOP_MSEC(10));
            hop_frame_init(&self->crash.hdr, t07_crash, HOP_COROUTINE);
            HOP_AWAIT(self, &self->crash.hdr);
        HOP_END_TIMEOUT(self, &self->cm);
        tr_add("left the scope normally");
    HOP_CATCH_ALL(self);
        tr_add2("left the scope: ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* B: inner task I: try { wait sleep(0.2) } cleanup { raise E_F } */
static hop_step t07b_inner(hop_gen *g, hop_frame *f)
{
    t07_crash_frame *self = (t07_crash_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(200)));
        tr_add("I: sleep(0.2) ended");
    HOP_FINALLY(self);
        HOP_RAISE(self, E_F);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* The task awaiting with_timeout(d, I) (TMO-07 B, TMO-08 A and B):
 * try { v = with_timeout(d, I); record "with_timeout gave <v>" }
 * handler any { record "with_timeout raised <E>" } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_timeout_frame wt;
    hop_task *i;
    hop_time d, at;
    int ctx;
    int done_seen; /* TMO-08 B: task_done when the error arrived */
} wt_task_frame;

static int t08_running, t08_task_done;

static hop_step wt_task(hop_gen *g, hop_frame *f)
{
    wt_task_frame *self = (wt_task_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_with_timeout_task(&self->wt, self->d, self->i));
        tr_addv("with_timeout gave ", HOP_VALUE(self));
    HOP_CATCH_ALL(self);
        self->at = now_of(HOP_GEN(self));
        self->ctx = hop_gen_exc(HOP_GEN(self))->ctx;
        self->done_seen = t08_task_done;
        tr_add2("with_timeout raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void TMO_07(void)
{
    hop_loop loop;
    hop_task t, i;
    t07a_frame af;
    t07_crash_frame inf;
    wt_task_frame wf;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&af, sizeof af, 0);
    t_spawn(&t, &loop, &af.hdr, t07a, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("left the scope: E_Z");
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&inf, sizeof inf, 0);
    t_spawn(&i, &loop, &inf.hdr, t07b_inner, NULL);
    t_fill(&wf, sizeof wf, 0);
    wf.i = &i;
    wf.d = HOP_USEC(100);
    t_spawn(&t, &loop, &wf.hdr, wt_task, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("with_timeout raised E_F");
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-08: with_timeout cancels what it guards and waits for its cleanup */

/* A: foo: running = true; try { wait sleep(10) } cleanup { running = false };
 *    return "done" */
static hop_step t08_foo(hop_gen *g, hop_frame *f)
{
    t07_crash_frame *self = (t07_crash_frame *)f;
    HOP_BEGIN(g, self);
    t08_running = 1;
    HOP_TRY(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
    HOP_FINALLY(self);
        t08_running = 0;
    HOP_END_TRY(self);
    HOP_RETURN(self, T_SV(s_done));
    HOP_END(self);
}

/* B: inner: try { wait sleep(10) } handler CANCELLED { wait sleep(0.0001);
 *    re-raise } cleanup { task_done = true; record "inner cleanup" } */
static hop_step t08_inner(hop_gen *g, hop_frame *f)
{
    t07_crash_frame *self = (t07_crash_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
    HOP_CATCH(self, HOP_ECANCELED);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_USEC(100)));
        HOP_RERAISE(self);
    HOP_FINALLY(self);
        t08_task_done = 1;
        tr_add("inner cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

/* C: try { v = with_timeout(0.1, DELEGATE slow()); record "with_timeout
 *    gave <v>" } handler any { record "with_timeout raised <E>" } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_timeout_frame wt;
    slow_frame slow;
    hop_time d;
} wt_slow_frame;

static hop_step wt_slow(hop_gen *g, hop_frame *f)
{
    wt_slow_frame *self = (wt_slow_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->slow.hdr, slow, HOP_COROUTINE);
        HOP_AWAIT(self, hop_with_timeout(&self->wt, self->d,
                                         &self->slow.hdr));
        tr_addv("with_timeout gave ", HOP_VALUE(self));
    HOP_CATCH_ALL(self);
        tr_add2("with_timeout raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void TMO_08(void)
{
    hop_loop loop;
    hop_task t, w;
    t07_crash_frame tf;
    wt_task_frame wf;
    wt_slow_frame sf;
    hop_time t0;

    t_name_str(s_done);

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    t08_running = 0;
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t08_foo, NULL);
    t_fill(&wf, sizeof wf, 0);
    wf.i = &t;
    wf.d = HOP_MSEC(100);
    t_spawn(&w, &loop, &wf.hdr, wt_task, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("with_timeout raised TIMED_OUT");
    T_SPAN(wf.at - t0, HOP_MSEC(100));
    T_ASSERT(wf.at - t0 < HOP_MSEC(500));
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(t08_running, 0);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t08_task_done = 0;
    t_fill(&tf, sizeof tf, 0);
    t_spawn(&t, &loop, &tf.hdr, t08_inner, NULL);
    t_fill(&wf, sizeof wf, 0);
    wf.i = &t;
    wf.d = HOP_USEC(100);
    t_spawn(&w, &loop, &wf.hdr, wt_task, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("inner cleanup", "with_timeout raised TIMED_OUT");
    T_EQ(wf.done_seen, 1);
    T_EQ(wf.ctx, HOP_ECANCELED); /* linked to a CANCELLED */
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    slow_exited = 0;
    t_fill(&sf, sizeof sf, 0);
    sf.d = HOP_MSEC(100);
    t_spawn(&w, &loop, &sf.hdr, wt_slow, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("slow exited", "with_timeout gave EMPTY");
    T_EQ(slow_exited, 1);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TMO-09: cancelling a task blocked in with_timeout ------------------- */

/* B: a coroutine waiting forever on a future */
typedef struct {
    hop_frame hdr;
    hop_future *f;
} t09_block_frame;

static hop_step t09_block(hop_gen *g, hop_frame *f)
{
    t09_block_frame *self = (t09_block_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(self->f));
    tr_add("B: the future completed");
    HOP_END(self);
}

/* A: W: with_timeout(d, B) */
typedef struct {
    hop_frame hdr;
    hop_timeout_frame wt;
    hop_task *b;
    hop_time d;
} t09a_frame;

static hop_step t09a_w(hop_gen *g, hop_frame *f)
{
    t09a_frame *self = (t09a_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_with_timeout_task(&self->wt, self->d, self->b));
    tr_addv("W: with_timeout gave ", HOP_VALUE(self));
    HOP_END(self);
}

/* B: W: with_timeout(0.4, DELEGATE slow()) */
typedef struct {
    hop_frame hdr;
    hop_timeout_frame wt;
    slow_frame slow;
} t09b_frame;

static hop_step t09b_w(hop_gen *g, hop_frame *f)
{
    t09b_frame *self = (t09b_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->slow.hdr, slow, HOP_COROUTINE);
    HOP_AWAIT(self, hop_with_timeout(&self->wt, HOP_MSEC(400),
                                     &self->slow.hdr));
    HOP_END(self);
}

/* C: W: with_timeout(100, coroutine that returns at once); wait sleep(1);
 *    reached_end = true */
typedef struct {
    hop_frame hdr;
    hop_timeout_frame wt;
    done_frame child;
    hop_sleep_frame sl;
    int reached_end;
} t09c_frame;

static hop_step t09c_w(hop_gen *g, hop_frame *f)
{
    t09c_frame *self = (t09c_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->child.hdr, ret_done, HOP_COROUTINE);
    HOP_AWAIT(self, hop_with_timeout(&self->wt, HOP_SEC(100),
                                     &self->child.hdr));
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(1)));
    self->reached_end = 1;
    HOP_END(self);
}

static void TMO_09(void)
{
    static const hop_time ds[2] = {HOP_SEC(60), HOP_FOREVER};
    hop_loop loop;
    hop_task b, w, c, j;
    hop_future fut;
    t09_block_frame bf;
    t09a_frame af;
    cc_canceller_frame cf;
    cc_joiner_frame jf;
    t09b_frame sbf;
    t09c_frame ccf;
    int k;

    /* Case A: with_timeout(60, B), then the same with NONE. */
    for (k = 0; k < 2; k++) {
        tr_reset();
        T_EQ(t_loop_init(&loop), HOP_OK);
        T_EQ(hop_future_init(&fut, NULL), HOP_OK);
        t_fill(&bf, sizeof bf, 0);
        bf.f = &fut;
        t_spawn(&b, &loop, &bf.hdr, t09_block, NULL);
        t_fill(&af, sizeof af, 0);
        af.b = &b;
        af.d = ds[k];
        t_spawn(&w, &loop, &af.hdr, t09a_w, NULL);
        /* cancel(W) on the next pass, after W has suspended. */
        t_fill(&cf, sizeof cf, 0);
        cf.t = &w;
        cf.r = -1;
        t_spawn(&c, &loop, &cf.hdr, cc_canceller, NULL);
        cc_spawn_joiner(&j, &jf, &loop, &w, err_str);
        T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
        T_EQ(cf.r, 1);
        TR_EXPECT("join raised CANCELLED");
        T_EQ(hop_task_status(&w), HOP_TASK_CANCELLED);
        T_EQ(hop_task_status(&b), HOP_TASK_CANCELLED);
        T_EQ(hop_future_cleanup(&fut), HOP_OK);
        T_EQ(t_loop_cleanup(&loop), HOP_OK);
    }

    /* Case B: slow under with_timeout(0.4); one pass; cancel(W). */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    slow_exited = 0;
    t_fill(&sbf, sizeof sbf, 0);
    t_spawn(&w, &loop, &sbf.hdr, t09b_w, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&w, NULL), 1);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_ASSERT(hop_task_status(&w) != HOP_TASK_RUNNING); /* W finished */
    TR_EXPECT("slow exited");
    T_EQ(slow_exited, 1);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C: a finished with_timeout leaves nothing behind. */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_fill(&ccf, sizeof ccf, 0);
    t_spawn(&w, &loop, &ccf.hdr, t09c_w, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&w, NULL), 1);
    cc_spawn_joiner(&j, &jf, &loop, &w, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised CANCELLED");
    T_EQ(ccf.reached_end, 0);
    T_EQ(hop_task_status(&w), HOP_TASK_CANCELLED);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- SEED-03: with_timeout raises TIMED_OUT in the blocked task ---------- */

/* slow: try { wait F } cleanup { record "slow cleanup" } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_future *f;
} s03_slow_frame;

static hop_step s03_slow(hop_gen *g, hop_frame *f)
{
    s03_slow_frame *self = (s03_slow_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->f));
        tr_add("slow: F completed");
    HOP_FINALLY(self);
        tr_add("slow cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

/* T: try { r = with_timeout(0.1, DELEGATE slow()) } handler TIMED_OUT {
 *    record "T timed out" }; record "T goes on"; return 5 */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_timeout_frame wt;
    s03_slow_frame slow;
    hop_time timed_out_at, goes_on_at;
} s03_frame;

static hop_step s03(hop_gen *g, hop_frame *f)
{
    s03_frame *self = (s03_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->slow.hdr, s03_slow, HOP_COROUTINE);
        HOP_AWAIT(self, hop_with_timeout(&self->wt, HOP_MSEC(100),
                                         &self->slow.hdr));
        tr_addv("r = ", HOP_VALUE(self));
    HOP_CATCH(self, HOP_ETIMEDOUT);
        self->timed_out_at = now_of(HOP_GEN(self));
        tr_add("T timed out");
    HOP_END_TRY(self);
    self->goes_on_at = now_of(HOP_GEN(self));
    tr_add("T goes on");
    HOP_RETURN(self, 5);
    HOP_END(self);
}

static void SEED_03(void)
{
    hop_loop loop;
    hop_task t;
    hop_future fut;
    s03_frame tf;
    hop_time t0;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    T_EQ(hop_future_init(&fut, NULL), HOP_OK);
    t_fill(&tf, sizeof tf, 0);
    tf.slow.f = &fut;
    t_spawn(&t, &loop, &tf.hdr, s03, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("slow cleanup", "T timed out", "T goes on");
    T_SPAN(tf.timed_out_at - t0, HOP_MSEC(100));
    T_SPAN(tf.goes_on_at - t0, HOP_MSEC(100));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 5);
    /* F no longer has T registered as a waiter. */
    T_ASSERT(fut.waiters == NULL);
    T_ASSERT(hop_task_waiting_on(&t) == NULL);
    T_EQ(hop_future_cleanup(&fut), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_conf_tmo[] = {
    T_TASK_CASE(TMO_01),
    T_TASK_CASE(TMO_02),
    T_TASK_CASE(TMO_03),
    T_TASK_CASE(TMO_04),
    T_LONG_CASE(TMO_05), /* case B alone sleeps until t=0.5 */
    T_TASK_CASE(TMO_06),
    T_TASK_CASE(TMO_07),
    T_TASK_CASE(TMO_08),
    T_TASK_CASE(TMO_09),
    T_TASK_CASE(SEED_03),
    T_END,
};
