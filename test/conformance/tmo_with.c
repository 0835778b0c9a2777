/*
 * test/conformance/tmo_with.c: what a timeout cancels, cases TMO-07 to
 * TMO-09 and SEED-03 of CASES.md, on the simulation backend and on
 * libevent: a cleanup that raises while a timeout unwinds, with_timeout
 * over a task or a coroutine (it cancels what it guards and waits for its
 * cleanup), and cancelling a task blocked in with_timeout. The deadline
 * scopes themselves (TMO-01 to TMO-06) are in tmo.c; tmo.h holds what
 * both files share, with the names the cases use (TIMED_OUT, CANCELLED,
 * "linked").
 */
#include "tmo.h"

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

const t_case t_cases_conf_tmo_with[] = {
    T_TASK_CASE(TMO_07),
    T_TASK_CASE(TMO_08),
    T_TASK_CASE(TMO_09),
    T_TASK_CASE(SEED_03),
    T_END,
};
