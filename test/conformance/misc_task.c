/*
 * test/conformance/misc_task.c: the task cases of the other sections of
 * CASES.md, on the simulation backend and on libevent: ERR-03, MIS-05,
 * the task half of RET-03, DEEP-02 case A and ITR-02.
 */
#include "common.h"

#define E_A 1001

static const char s_hi[] = "hi";

static const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    default:
        return cc_err_str(e);
    }
}

/* -- ERR-03: an uncaught error crosses every frame to the task's joiner -- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_future *f;
} e03_l3_frame;

/* L3: try { x = wait F; record "L3 got <x>"; raise E_A }
 *     cleanup { record "L3 cleanup" } */
static hop_step e03_l3(hop_gen *g, hop_frame *f)
{
    e03_l3_frame *self = (e03_l3_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->f));
        tr_addv("L3 got ", HOP_VALUE(self));
        HOP_RAISE(self, E_A);
    HOP_FINALLY(self);
        tr_add("L3 cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    e03_l3_frame l3;
} e03_l2_frame;

/* L2: try { DELEGATE L3(); record "L2 after" } cleanup { record "L2 cleanup" } */
static hop_step e03_l2(hop_gen *g, hop_frame *f)
{
    e03_l2_frame *self = (e03_l2_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->l3.hdr, e03_l3, HOP_COROUTINE);
        HOP_AWAIT(self, &self->l3.hdr);
        tr_add("L2 after");
    HOP_FINALLY(self);
        tr_add("L2 cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    e03_l2_frame l2;
} e03_l1_frame;

/* L1: try { DELEGATE L2(); record "L1 after" } cleanup { record "L1 cleanup" } */
static hop_step e03_l1(hop_gen *g, hop_frame *f)
{
    e03_l1_frame *self = (e03_l1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->l2.hdr, e03_l2, HOP_COROUTINE);
        HOP_AWAIT(self, &self->l2.hdr);
        tr_add("L1 after");
    HOP_FINALLY(self);
        tr_add("L1 cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Completes F with "hi" on its first run (the pass after T waits). */
typedef struct {
    hop_frame hdr;
    hop_future *f;
} e03_completer_frame;

static hop_step e03_completer(hop_gen *g, hop_frame *f)
{
    e03_completer_frame *self = (e03_completer_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, HOP_EMPTY); /* give way: complete on the next pass */
    T_EQ(hop_future_complete(self->f, T_SV(s_hi)), HOP_OK);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_join_frame j;
    hop_task *t;
} e03_j_frame;

/* J: try { join(T) } handler E_A { record "J caught E_A" } */
static hop_step e03_j(hop_gen *g, hop_frame *f)
{
    e03_j_frame *self = (e03_j_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_join(&self->j, self->t));
        tr_add("J joined without error");
    HOP_CATCH(self, E_A);
        tr_add("J caught E_A");
    HOP_END_TRY(self);
    HOP_END(self);
}

static void ERR_03(void)
{
    hop_loop loop;
    hop_task t, c, j;
    e03_l1_frame l1;
    e03_completer_frame cf;
    e03_j_frame jf;
    hop_future f;

    t_name_str(s_hi);
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    l1.l2.l3.f = &f;
    t_spawn(&t, &loop, &l1.hdr, e03_l1, NULL);
    cf.f = &f;
    t_spawn(&c, &loop, &cf.hdr, e03_completer, NULL);
    jf.t = &t;
    t_spawn(&j, &loop, &jf.hdr, e03_j, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("L3 got hi", "L3 cleanup", "L2 cleanup", "L1 cleanup",
              "J caught E_A");
    T_EQ(hop_task_status(&t), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&t), E_A);
    T_EQ(hop_task_status(&j), HOP_TASK_DONE);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- MIS-05: a task that joins itself -------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_join_frame j;
    hop_task *self_task;
} m05_frame;

/* T: join(T) */
static hop_step m05(hop_gen *g, hop_frame *f)
{
    m05_frame *self = (m05_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_join(&self->j, self->self_task));
    tr_add("T got past the self-join");
    HOP_END(self);
}

static void MIS_05(void)
{
    hop_loop loop;
    hop_task t;
    m05_frame tf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    tf.self_task = &t;
    t_spawn(&t, &loop, &tf.hdr, m05, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK); /* does not hang */
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&t), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&t), HOP_ESELFJOIN);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- RET-03 (task half): foo finishes in the pass in which it starts ------- */

typedef struct {
    hop_frame hdr;
} r03_bar_frame;

/* bar: return 42 */
static hop_step r03_bar(hop_gen *g, hop_frame *f)
{
    r03_bar_frame *self = (r03_bar_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, 42);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    r03_bar_frame bar;
} r03_foo_frame;

/* foo: return DELEGATE bar() */
static hop_step r03_foo(hop_gen *g, hop_frame *f)
{
    r03_foo_frame *self = (r03_foo_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->bar.hdr, r03_bar, HOP_COROUTINE);
    HOP_AWAIT(self, &self->bar.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void RET_03_TASK(void)
{
    hop_loop loop;
    hop_task t;
    r03_foo_frame ff;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t_spawn(&t, &loop, &ff.hdr, r03_foo, NULL);
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK); /* one pass */
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 42);
    T_EQ(hop_loop_tasks(&loop), 0);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- DEEP-02 case A: 5000 waits on completed futures, flat stack ----------- */

#define D02_N 5000

static hop_future d02_f[D02_N];
static hop_value d02_sum;
static unsigned long d02_lo, d02_hi; /* stack addresses seen in T's step */

typedef struct {
    hop_frame hdr;
    int i;
} d02_frame;

static void d02_mark(void)
{
    volatile char here = 0;
    unsigned long a = (unsigned long)(uintptr_t)&here;

    if (d02_lo == 0 || a < d02_lo)
        d02_lo = a;
    if (a > d02_hi)
        d02_hi = a;
}

/* T: 5000 times wait F_i (each already completed with 1); return 0 */
static hop_step d02(hop_gen *g, hop_frame *f)
{
    d02_frame *self = (d02_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < D02_N; self->i++) {
        d02_mark();
        HOP_SUSPEND(self, hop_future_wait(&d02_f[self->i]));
        d02_sum += HOP_VALUE(self);
    }
    d02_mark();
    HOP_RETURN(self, 0);
    HOP_END(self);
}

static void DEEP_02_A(void)
{
    hop_loop loop;
    hop_task t;
    d02_frame tf;
    int i;

    d02_sum = 0;
    d02_lo = d02_hi = 0;
    for (i = 0; i < D02_N; i++) {
        T_EQ(hop_future_init(&d02_f[i], NULL), HOP_OK);
        T_EQ(hop_future_complete(&d02_f[i], 1), HOP_OK);
    }
    T_EQ(t_loop_init(&loop), HOP_OK);
    t_spawn(&t, &loop, &tf.hdr, d02, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 0);
    T_EQ(d02_sum, D02_N);
    /* Stack use stays flat: every wait is entered at the same depth. */
    T_ASSERT(d02_hi - d02_lo <= 64);
    for (i = 0; i < D02_N; i++)
        T_EQ(hop_future_cleanup(&d02_f[i]), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- ITR-02: for-each over a generator that suspends between values -------
 *
 * Mapping: a yield inside a task gives way to other tasks instead of
 * reaching a consumer frame, so the generator is written as an iterator
 * whose state (k, the position in its body) lives in a struct, and whose
 * "next" is an awaitable child coroutine: each call runs gen's body from
 * the current position up to its next `yield v` (returning v), its end
 * (returning the STOP sentinel, the for-each loop's StopIteration), or
 * an error (raised at the consumer's await). The body's waits are real
 * hop_sleep awaits inside that child. The consumer task awaits a fresh
 * "next" child per iteration, recording the values, as a for-each loop.
 * A third task, O, sleeps 5 ms and records "O ran": it runs while gen
 * sleeps (between the values 1 and 2).
 */

static const char s_stop[] = "STOP";

typedef struct {
    int k;       /* position in gen's body: 0, 1, 2, then finished */
    int raises;  /* case B: raise E_A where case A returns */
} i02_iter;

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    i02_iter *it;
} i02_next_frame;

/* next(gen). A: yield 1; wait sleep(0.01); yield 2; wait sleep(0.01);
 * return (yield 3 unreachable). B: yield 1; wait sleep(0.01); yield 2;
 * raise E_A; yield 3. */
static hop_step i02_next(hop_gen *g, hop_frame *f)
{
    i02_next_frame *self = (i02_next_frame *)f;
    HOP_BEGIN(g, self);
    if (self->it->k == 0) {
        self->it->k = 1;
        HOP_RETURN(self, 1); /* yield 1 */
    }
    if (self->it->k == 1) {
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
        self->it->k = 2;
        HOP_RETURN(self, 2); /* yield 2 */
    }
    if (self->it->k == 2) {
        self->it->k = 3;
        if (self->it->raises)
            HOP_RAISE(self, E_A);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
        HOP_RETURN(self, T_SV(s_stop)); /* return: the loop ends */
    }
    HOP_RETURN(self, T_SV(s_stop)); /* finished: StopIteration again */
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    i02_next_frame nx;
    i02_iter it;
} i02_consumer_frame;

/* consumer: for v in gen { record "got <v>" }; record "loop ended" */
static hop_step i02_consumer(hop_gen *g, hop_frame *f)
{
    i02_consumer_frame *self = (i02_consumer_frame *)f;
    HOP_BEGIN(g, self);
    for (;;) {
        self->nx.it = &self->it;
        hop_frame_init(&self->nx.hdr, i02_next, HOP_COROUTINE);
        HOP_AWAIT(self, &self->nx.hdr);
        if (HOP_VALUE(self) == T_SV(s_stop))
            break;
        tr_addv("got ", HOP_VALUE(self));
    }
    tr_add("loop ended");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
} i02_other_frame;

/* O: wait sleep(0.005); record "O ran" */
static hop_step i02_other(hop_gen *g, hop_frame *f)
{
    i02_other_frame *self = (i02_other_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(5)));
    tr_add("O ran");
    HOP_END(self);
}

static void ITR_02(void)
{
    hop_loop loop;
    hop_task c, o;
    i02_consumer_frame cf;
    i02_other_frame of;
    hop_time t0;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    cf.it.k = 0;
    cf.it.raises = 0;
    t_spawn(&c, &loop, &cf.hdr, i02_consumer, NULL);
    t_spawn(&o, &loop, &of.hdr, i02_other, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("got 1", "O ran", "got 2", "loop ended");
    T_AT(&loop, t0, HOP_MSEC(20));
    T_EQ(hop_task_status(&c), HOP_TASK_DONE);
    T_EQ(hop_task_status(&o), HOP_TASK_DONE);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    cf.it.k = 0;
    cf.it.raises = 1;
    t_spawn(&c, &loop, &cf.hdr, i02_consumer, NULL);
    t_spawn(&o, &loop, &of.hdr, i02_other, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("got 1", "O ran", "got 2");
    T_EQ(hop_task_status(&c), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&c), E_A);
    T_STREQ(err_str(hop_task_error(&c)), "E_A");
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_conf_task_misc[] = {
    T_TASK_CASE(ERR_03),
    T_TASK_CASE(MIS_05),
    T_TASK_CASE(RET_03_TASK),
    T_TASK_CASE(DEEP_02_A),
    T_TASK_CASE(ITR_02),
    T_END,
};
