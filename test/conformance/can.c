/*
 * test/conformance/can.c: cancellation, cases CAN-01 to CAN-05 of
 * CASES.md, on the simulation backend and on libevent.
 */
#include "common.h"

#define E_X 1024

static const char *err_str(int e)
{
    switch (e) {
    case E_X:
        return "E_X";
    default:
        return cc_err_str(e);
    }
}

/* The frame most cases' T runs in. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_future *f, *f2;
} t_frame;

/* -- CAN-01: cancelling a sleeping or yielding task ----------------------- */

/* A: T: wait sleep(10); return 12 */
static hop_step c01a(hop_gen *g, hop_frame *f)
{
    t_frame *self = (t_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
    tr_add("T woke");
    HOP_RETURN(self, 12);
    HOP_END(self);
}

/* B: T: wait sleep(0); wait sleep(0); return 12 */
static hop_step c01b(hop_gen *g, hop_frame *f)
{
    t_frame *self = (t_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    tr_add("T first sleep done");
    HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    tr_add("T second sleep done");
    HOP_RETURN(self, 12);
    HOP_END(self);
}

/* C: T: wait F */
static hop_step c01c(hop_gen *g, hop_frame *f)
{
    t_frame *self = (t_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(self->f));
    tr_add("T got past the wait");
    HOP_END(self);
}

static void CAN_01(void)
{
    hop_loop loop;
    hop_task t, c, j;
    t_frame tf;
    cc_canceller_frame cf;
    cc_joiner_frame jf;
    hop_future f;
    hop_time t0;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    t_spawn(&t, &loop, &tf.hdr, c01a, NULL);
    cf.t = &t;
    cf.r = -1;
    t_spawn(&c, &loop, &cf.hdr, cc_canceller, NULL);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(cf.r, 1);
    TR_EXPECT("join raised CANCELLED");
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_task_error(&t), HOP_ECANCELED);
    T_AT(&loop, t0, 0);
    T_ASSERT(!hop_timer_active(&tf.sl.timer));
    T_EQ(hop_task_cancel(&t, NULL), 0);
    T_EQ(t_loop_cleanup(&loop), HOP_OK); /* no timer left in the heap */

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_spawn(&t, &loop, &tf.hdr, c01b, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised CANCELLED");
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_task_cancel(&t, NULL), 0);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    tf.f = &f;
    t_spawn(&t, &loop, &tf.hdr, c01c, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == hop_future_wait(&f));
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == NULL);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised CANCELLED");
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- CAN-02: the awaited waitable is cancelled by someone else ----------- */

/* A and B: T: wait F; return 12 */
static hop_step c02ab(hop_gen *g, hop_frame *f)
{
    t_frame *self = (t_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(self->f));
    tr_add("T got past the wait");
    HOP_RETURN(self, 12);
    HOP_END(self);
}

/* C: T: try { wait F } handler CANCELLED { record "h" }; wait sleep(0);
 *    return 12 */
static hop_step c02c(hop_gen *g, hop_frame *f)
{
    t_frame *self = (t_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->f));
        tr_add("T got past the wait");
    HOP_CATCH(self, HOP_ECANCELED);
        tr_add("h");
    HOP_END_TRY(self);
    HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    tr_add("sleep(0) done");
    HOP_RETURN(self, 12);
    HOP_END(self);
}

static void CAN_02(void)
{
    hop_loop loop;
    hop_task t, j;
    t_frame tf;
    cc_joiner_frame jf;
    hop_future f;

    /* Case A: cancel(F), not T. */
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    tf.f = &f;
    t_spawn(&t, &loop, &tf.hdr, c02ab, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised CANCELLED");
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B: cancel(F), then cancel(T), before the next pass. */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    tf.f = &f;
    t_spawn(&t, &loop, &tf.hdr, c02ab, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised CANCELLED");
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_task_status(&t), HOP_TASK_CANCELLED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C: both interruptions arrive as one CANCELLED. */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    tf.f = &f;
    t_spawn(&t, &loop, &tf.hdr, c02c, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("h", "sleep(0) done");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 12);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- CAN-03: a task that catches cancellation and returns ---------------- */

/* T: wait F1; try { wait F2 } handler CANCELLED { return 42 } */
static hop_step c03(hop_gen *g, hop_frame *f)
{
    t_frame *self = (t_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(self->f));
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->f2));
        tr_add("T got past F2");
    HOP_CATCH(self, HOP_ECANCELED);
        HOP_RETURN(self, 42);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void CAN_03(void)
{
    hop_loop loop;
    hop_task t;
    t_frame tf;
    hop_future f1, f2;

    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f1, NULL), HOP_OK);
    T_EQ(hop_future_init(&f2, NULL), HOP_OK);
    tf.f = &f1;
    tf.f2 = &f2;
    t_spawn(&t, &loop, &tf.hdr, c03, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == hop_future_wait(&f1));
    T_EQ(hop_future_complete(&f1, HOP_EMPTY), HOP_OK);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == hop_future_wait(&f2));
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_future_state(&f2), HOP_FUTURE_CANCELLED); /* at once */
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 42);
    T_EQ(hop_future_cleanup(&f1), HOP_OK);
    T_EQ(hop_future_cleanup(&f2), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- CAN-04: cancellation travels from the innermost frame outwards ------ */

static int c04_proof;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_future *w;
} c04_inner_frame;

/* inner: try { wait W } handler CANCELLED { proof += 1; re-raise } */
static hop_step c04_inner(hop_gen *g, hop_frame *f)
{
    c04_inner_frame *self = (c04_inner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->w));
        c04_proof += 1000; /* reaching past the wait is a failure */
    HOP_CATCH(self, HOP_ECANCELED);
        c04_proof += 1;
        HOP_RERAISE(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    c04_inner_frame inner;
} c04_outer_frame;

/* outer: try { DELEGATE inner() } handler CANCELLED { proof += 100 } */
static hop_step c04_outer(hop_gen *g, hop_frame *f)
{
    c04_outer_frame *self = (c04_outer_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->inner.hdr, c04_inner, HOP_COROUTINE);
        HOP_AWAIT(self, &self->inner.hdr);
    HOP_CATCH(self, HOP_ECANCELED);
        c04_proof += 100;
    HOP_END_TRY(self);
    HOP_END(self);
}

static void CAN_04(void)
{
    hop_loop loop;
    hop_task t;
    c04_outer_frame of;
    hop_future w;

    c04_proof = 0;
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&w, NULL), HOP_OK);
    of.inner.w = &w;
    t_spawn(&t, &loop, &of.hdr, c04_outer, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(c04_proof, 101);
    T_EQ(hop_future_state(&w), HOP_FUTURE_CANCELLED);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), HOP_EMPTY);
    T_EQ(hop_future_cleanup(&w), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- CAN-05: a cancellation handler that raises a different error -------- */

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
} c05_sleeper_frame;

/* sleeper: wait sleep(10) */
static hop_step c05_sleeper(hop_gen *g, hop_frame *f)
{
    c05_sleeper_frame *self = (c05_sleeper_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    c05_sleeper_frame sleeper;
} c05_frame;

/* T: try { DELEGATE sleeper() } handler CANCELLED { raise E_X } */
static hop_step c05(hop_gen *g, hop_frame *f)
{
    c05_frame *self = (c05_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->sleeper.hdr, c05_sleeper, HOP_COROUTINE);
        HOP_AWAIT(self, &self->sleeper.hdr);
    HOP_CATCH(self, HOP_ECANCELED);
        HOP_RAISE(self, E_X);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void CAN_05(void)
{
    hop_loop loop;
    hop_task t, j;
    c05_frame tf;
    cc_joiner_frame jf;
    hop_time t0;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    t_spawn(&t, &loop, &tf.hdr, c05, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING); /* not yet finished */
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_status(&t), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&t), E_X);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised E_X");
    T_AT(&loop, t0, 0);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_conf_can[] = {
    T_TASK_CASE(CAN_01),
    T_TASK_CASE(CAN_02),
    T_TASK_CASE(CAN_03),
    T_TASK_CASE(CAN_04),
    T_TASK_CASE(CAN_05),
    T_END,
};
