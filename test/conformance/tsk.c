/*
 * test/conformance/tsk.c: tasks, join and current_task, cases TSK-01 to
 * TSK-03 of CASES.md, on the simulation backend and on libevent.
 */
#include "common.h"

#define E_A 1001
#define E_B 1002

static const char s_ok[] = "ok";

/* Name user errors and CANCELLED for the trace. */
static const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_B:
        return "E_B";
    default:
        return cc_err_str(e);
    }
}

/* Initialise the frame f with fn and spawn the task t on it. */
/* -- TSK-01: join returns the task's value ------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
} t01_frame;

/* return "ok" with no suspension */
static hop_step t01_ok(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, T_SV(s_ok));
    HOP_END(self);
}

/* wait sleep(0); return 6 */
static hop_step t01_six(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    HOP_RETURN(self, 6);
    HOP_END(self);
}

/* wait sleep(0); return */
static hop_step t01_bare(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    HOP_RETURN(self, HOP_EMPTY);
    HOP_END(self);
}

/* no suspension points and no return value */
static hop_step t01_nothing(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    (void)self;
    HOP_END(self);
}

/* Run fn as a task T joined from a task J; check T is DONE(want). */
static void t01_run(hop_fn fn, hop_value want)
{
    hop_loop loop;
    hop_task t, j;
    t01_frame tf;
    cc_joiner_frame jf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t_spawn(&t, &loop, &tf.hdr, fn, NULL);
    cc_spawn_joiner(&j, &jf, &loop, &t, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), want);
    T_EQ(hop_task_error(&t), 0);
    T_EQ(hop_task_status(&j), HOP_TASK_DONE);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

static void TSK_01(void)
{
    t_name_str(s_ok);
    t01_run(t01_ok, T_SV(s_ok));
    TR_EXPECT("joined ok");

    tr_reset();
    t01_run(t01_six, 6);
    TR_EXPECT("joined 6");

    tr_reset();
    t01_run(t01_bare, HOP_EMPTY);
    TR_EXPECT("joined EMPTY");

    tr_reset();
    t01_run(t01_nothing, HOP_EMPTY);
    TR_EXPECT("joined EMPTY");
}

/* -- TSK-02: joining a failed task raises its error at the join ---------- */

/* raise_error: raise E_A */
static hop_step t02_raise_error(hop_gen *g, hop_frame *f)
{
    t01_frame *self = (t01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RAISE(self, E_A);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_loop *loop;
    hop_task t;        /* T, spawned from inside the handler */
    t01_frame tf;
    hop_join_frame j;
    int ctx;           /* the context of E_A where run caught it */
} t02_run_frame;

/* run: try { raise E_B(3) } handler E_B { T = spawn(raise_error);
 *      try { join(T) } handler E_A { record "run caught E_A" } }; return */
static hop_step t02_run(hop_gen *g, hop_frame *f)
{
    t02_run_frame *self = (t02_run_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_RAISE_MSG(self, E_B, "3");
    HOP_CATCH(self, E_B);
        t_spawn(&self->t, self->loop, &self->tf.hdr, t02_raise_error, NULL);
        HOP_TRY(self);
            HOP_AWAIT(self, hop_join(&self->j, &self->t));
            tr_add("run reached past the join");
        HOP_CATCH(self, E_A);
            self->ctx = hop_gen_exc(HOP_GEN(self))->ctx;
            tr_add("run caught E_A");
        HOP_END_TRY(self);
    HOP_END_TRY(self);
    HOP_RETURN(self, HOP_EMPTY);
    HOP_END(self);
}

static void TSK_02(void)
{
    hop_loop loop;
    hop_task run;
    t02_run_frame rf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    rf.loop = &loop;
    rf.ctx = 0;
    t_spawn(&run, &loop, &rf.hdr, t02_run, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("run caught E_A");
    T_EQ(hop_task_status(&run), HOP_TASK_DONE);
    T_EQ(hop_task_result(&run), HOP_EMPTY);
    T_EQ(hop_task_status(&rf.t), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&rf.t), E_A);
    /* The error being handled when E_A reached run is linked: E_B. */
    T_EQ(rf.ctx, E_B);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- TSK-03: current_task ------------------------------------------------- */

static hop_loop *t03_loop;

typedef struct {
    hop_frame hdr;
} t03_child_frame;

/* A child of T: checks that current_task is still T. */
static hop_step t03a_child(hop_gen *g, hop_frame *f)
{
    t03_child_frame *self = (t03_child_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(hop_loop_current(t03_loop) == (hop_task *)t03_loop->data);
    tr_add("child checked");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    t03_child_frame c;
} t03a_frame;

static hop_step t03a(hop_gen *g, hop_frame *f)
{
    t03a_frame *self = (t03a_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(hop_loop_current(t03_loop) == (hop_task *)t03_loop->data);
    tr_add("T checked");
    hop_frame_init(&self->c.hdr, t03a_child, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    T_ASSERT(hop_loop_current(t03_loop) == (hop_task *)t03_loop->data);
    tr_add("T checked again");
    HOP_END(self);
}

static hop_task *t03_task1, *t03_task2;
static hop_future t03_f1, t03_f2;

typedef struct {
    hop_frame hdr;
} t03b_frame;

/* task1: check current is task1; record "t1 start"; wait F1;
 *        check current is task1; record "t1 resumed"; complete(F2, true) */
static hop_step t03b_task1(hop_gen *g, hop_frame *f)
{
    t03b_frame *self = (t03b_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(hop_loop_current(t03_loop) == t03_task1);
    tr_add("t1 start");
    HOP_SUSPEND(self, hop_future_wait(&t03_f1));
    T_ASSERT(hop_loop_current(t03_loop) == t03_task1);
    tr_add("t1 resumed");
    T_EQ(hop_future_complete(&t03_f2, 1), HOP_OK);
    HOP_END(self);
}

/* task2: check current is task2; record "t2 start"; complete(F1, true);
 *        wait F2; check current is task2; record "t2 resumed" */
static hop_step t03b_task2(hop_gen *g, hop_frame *f)
{
    t03b_frame *self = (t03b_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(hop_loop_current(t03_loop) == t03_task2);
    tr_add("t2 start");
    T_EQ(hop_future_complete(&t03_f1, 1), HOP_OK);
    HOP_SUSPEND(self, hop_future_wait(&t03_f2));
    T_ASSERT(hop_loop_current(t03_loop) == t03_task2);
    tr_add("t2 resumed");
    HOP_END(self);
}

static void TSK_03(void)
{
    hop_loop loop;
    hop_task t, t1, t2;
    t03a_frame af;
    t03b_frame f1, f2;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t03_loop = &loop;
    T_ASSERT(hop_loop_current(&loop) == NULL);
    t_spawn(&t, &loop, &af.hdr, t03a, NULL);
    loop.data = &t;
    T_ASSERT(hop_loop_current(&loop) == NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("T checked", "child checked", "T checked again");
    T_ASSERT(hop_loop_current(&loop) == NULL);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&t03_f1, NULL), HOP_OK);
    T_EQ(hop_future_init(&t03_f2, NULL), HOP_OK);
    t03_task1 = &t1;
    t03_task2 = &t2;
    t_spawn(&t1, &loop, &f1.hdr, t03b_task1, NULL);
    t_spawn(&t2, &loop, &f2.hdr, t03b_task2, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("t1 start", "t2 start", "t1 resumed", "t2 resumed");
    T_EQ(hop_task_status(&t1), HOP_TASK_DONE);
    T_EQ(hop_task_status(&t2), HOP_TASK_DONE);
    T_ASSERT(hop_loop_current(&loop) == NULL);
    T_EQ(hop_future_cleanup(&t03_f1), HOP_OK);
    T_EQ(hop_future_cleanup(&t03_f2), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_conf_tsk[] = {
    T_TASK_CASE(TSK_01),
    T_TASK_CASE(TSK_02),
    T_TASK_CASE(TSK_03),
    T_END,
};
