/*
 * test/conformance/seed.c: the trampoline hop descends from, cases
 * SEED-01, SEED-02, SEED-04 and SEED-05 of CASES.md, on the simulation
 * backend and on libevent. (SEED-03 is in tmo_with.c, with the timeouts.)
 */
#include "common.h"

#define E_Z 1026
#define E_T 1020

static const char s_hi[] = "hi";
static const char s_woosh[] = "WOOSH";

/* Initialise the frame f with fn and the task t on it, unspawned. */
/* -- SEED-01: spawn(coroutine, delay) ------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    hop_join_frame j;
    hop_loop *loop;
    hop_task *ta, *tb;
    hop_value ra, rb;
    hop_time t0; /* the start of the clock */
} s01_frame;

/* A: record "A starts"; return 1 */
static hop_step s01_a(hop_gen *g, hop_frame *f)
{
    s01_frame *self = (s01_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("A starts");
    HOP_RETURN(self, 1);
    HOP_END(self);
}

/* B: record "B starts"; return 2 */
static hop_step s01_b(hop_gen *g, hop_frame *f)
{
    s01_frame *self = (s01_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("B starts");
    HOP_RETURN(self, 2);
    HOP_END(self);
}

/* C: record "C starts" */
static hop_step s01_c(hop_gen *g, hop_frame *f)
{
    s01_frame *self = (s01_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("C starts");
    HOP_END(self);
}

/* The joiner: keeps join(A) and join(B) out of the trace. */
static hop_step s01_join(hop_gen *g, hop_frame *f)
{
    s01_frame *self = (s01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_join(&self->j, self->ta));
    self->ra = HOP_VALUE(self);
    HOP_AWAIT(self, hop_join(&self->j, self->tb));
    self->rb = HOP_VALUE(self);
    HOP_END(self);
}

/* "Run until t=0.3": sleep until t0 + 0.3 s, then stop the loop. */
static hop_step s01_until(hop_gen *g, hop_frame *f)
{
    s01_frame *self = (s01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep_until(&self->sl, self->t0 + HOP_MSEC(300)));
    hop_loop_stop(self->loop);
    HOP_END(self);
}

static void SEED_01(void)
{
    hop_loop loop;
    hop_task ta, tb, tc, tj, tu;
    s01_frame fa, fb, fc, fj, fu;
    hop_time t0;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    /* 1. both spawns return at once; nothing runs inside them. */
    t_task_new(&ta, &loop, &fa.hdr, s01_a, NULL);
    t_task_new(&tb, &loop, &fb.hdr, s01_b, NULL);
    T_EQ(hop_spawn_after(&ta, HOP_MSEC(200)), HOP_OK);
    T_EQ(hop_spawn_after(&tb, HOP_MSEC(100)), HOP_OK);
    TR_EXPECT_NONE();
    fj.ta = &ta;
    fj.tb = &tb;
    fj.ra = fj.rb = 0;
    t_spawn(&tj, &loop, &fj.hdr, s01_join, NULL);

    /* 2. run until t=0.05: nothing recorded. */
    t_busy(&loop, HOP_MSEC(50));
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_AT(&loop, t0, HOP_MSEC(50));
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&ta), HOP_TASK_RUNNING);
    T_EQ(hop_task_status(&tb), HOP_TASK_RUNNING);

    /* 3. run until t=0.3: B first, then A; joins give 1 and 2. */
    fu.loop = &loop;
    fu.t0 = t0;
    t_spawn(&tu, &loop, &fu.hdr, s01_until, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_AT(&loop, t0, HOP_MSEC(300));
    TR_EXPECT("B starts", "A starts");
    T_EQ(hop_task_status(&ta), HOP_TASK_DONE);
    T_EQ(hop_task_status(&tb), HOP_TASK_DONE);
    T_EQ(hop_task_status(&tj), HOP_TASK_DONE);
    T_EQ(fj.ra, 1);
    T_EQ(fj.rb, 2);

    /* 4. spawn(C, 0) starts C on the next pass, never inside spawn. */
    t_task_new(&tc, &loop, &fc.hdr, s01_c, NULL);
    T_EQ(hop_spawn_after(&tc, 0), HOP_OK);
    TR_EXPECT("B starts", "A starts");
    T_EQ(hop_task_status(&tc), HOP_TASK_RUNNING);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("B starts", "A starts", "C starts");
    T_EQ(hop_task_status(&tc), HOP_TASK_DONE);
    T_AT(&loop, t0, HOP_MSEC(300));
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- SEED-02: Return(value) from nested calls ------------------------------ */

static int s02_depth[4];
static hop_gen *s02_gen;

typedef struct {
    hop_frame hdr;
} s02_leaf_frame;

/* leaf: record "leaf"; return 3; record "after return" */
static hop_step s02_leaf(hop_gen *g, hop_frame *f)
{
    s02_leaf_frame *self = (s02_leaf_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("leaf");
    s02_depth[0] = hop_gen_depth(HOP_GEN(self));
    HOP_RETURN(self, 3);
    tr_add("after return");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    s02_leaf_frame leaf;
} s02_mid_frame;

/* mid: x = DELEGATE leaf(); record "mid got <x>"; return x * 2 */
static hop_step s02_mid(hop_gen *g, hop_frame *f)
{
    s02_mid_frame *self = (s02_mid_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->leaf.hdr, s02_leaf, HOP_COROUTINE);
    HOP_AWAIT(self, &self->leaf.hdr);
    s02_depth[1] = hop_gen_depth(HOP_GEN(self));
    tr_addv("mid got ", HOP_VALUE(self));
    HOP_RETURN(self, HOP_VALUE(self) * 2);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    s02_mid_frame mid;
} s02_top_frame;

/* top: y = DELEGATE mid(); record "top got <y>"; return y + 1 */
static hop_step s02_top(hop_gen *g, hop_frame *f)
{
    s02_top_frame *self = (s02_top_frame *)f;
    HOP_BEGIN(g, self);
    s02_gen = HOP_GEN(self);
    hop_frame_init(&self->mid.hdr, s02_mid, HOP_COROUTINE);
    HOP_AWAIT(self, &self->mid.hdr);
    s02_depth[2] = hop_gen_depth(HOP_GEN(self));
    tr_addv("top got ", HOP_VALUE(self));
    HOP_RETURN(self, HOP_VALUE(self) + 1);
    HOP_END(self);
}

static void SEED_02(void)
{
    hop_loop loop;
    hop_task t;
    s02_top_frame tf;

    T_EQ(t_loop_init(&loop), HOP_OK);
    t_spawn(&t, &loop, &tf.hdr, s02_top, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("leaf", "mid got 3", "top got 6");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), 7);
    /* Each return pops exactly one frame: depth 3, 2, 1, then 0. */
    s02_depth[3] = hop_gen_depth(s02_gen);
    T_EQ(s02_depth[0], 3);
    T_EQ(s02_depth[1], 2);
    T_EQ(s02_depth[2], 1);
    T_EQ(s02_depth[3], 0);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- SEED-04: current_task from nested frames ------------------------------ */

static hop_loop *s04_loop;

typedef struct s04_frame s04_frame;
struct s04_frame {
    hop_frame hdr;
    int level;          /* 0 at the task's top frame, 3 innermost */
    const char *name;   /* "A" or "B" */
    hop_sleep_frame sl;
    s04_frame *child;   /* the next level, or NULL */
};

/* record "<name><what><current_task>" */
static void s04_record(const char *name, const char *what)
{
    char buf[T_VBUF];

    tr_add3(name, what, t_vstr((hop_value)hop_loop_current(s04_loop), buf));
}

/* Level 0 records current_task, then each level delegates to the next;
 * level 3 records it before and after a sleep(0). */
static hop_step s04_level(hop_gen *g, hop_frame *f)
{
    s04_frame *self = (s04_frame *)f;
    HOP_BEGIN(g, self);
    if (self->level == 0)
        s04_record(self->name, " top ");
    if (self->level < 3) {
        self->child->level = self->level + 1;
        self->child->name = self->name;
        hop_frame_init(&self->child->hdr, s04_level, HOP_COROUTINE);
        HOP_AWAIT(self, &self->child->hdr);
    } else {
        s04_record(self->name, " before ");
        HOP_AWAIT(self, hop_sleep(&self->sl, 0));
        s04_record(self->name, " after ");
    }
    HOP_END(self);
}

static void SEED_04(void)
{
    hop_loop loop;
    hop_task ta, tb;
    s04_frame fa[4], fb[4];
    int i;

    T_EQ(t_loop_init(&loop), HOP_OK);
    s04_loop = &loop;
    t_name((hop_value)&ta, "A");
    t_name((hop_value)&tb, "B");
    for (i = 0; i < 4; i++) {
        fa[i].child = i < 3 ? &fa[i + 1] : NULL;
        fb[i].child = i < 3 ? &fb[i + 1] : NULL;
    }
    fa[0].level = fb[0].level = 0;
    fa[0].name = "A";
    fb[0].name = "B";
    t_spawn(&ta, &loop, &fa[0].hdr, s04_level, NULL);
    t_spawn(&tb, &loop, &fb[0].hdr, s04_level, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A top A", "A before A", "B top B", "B before B",
              "A after A", "B after B");
    T_ASSERT(hop_loop_current(&loop) == NULL);
    T_EQ(hop_task_status(&ta), HOP_TASK_DONE);
    T_EQ(hop_task_status(&tb), HOP_TASK_DONE);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

/* -- SEED-05: a waitable's error surfaces at the yield point ----------------- */

/* A helper task that settles a future on its first run (the pass after
 * the one that spawned it). */
typedef struct {
    hop_frame hdr;
    hop_future *f;
    hop_value v;
    int err;
    const char *msg;
} settle_frame;

static hop_step settle(hop_gen *g, hop_frame *f)
{
    settle_frame *self = (settle_frame *)f;
    HOP_BEGIN(g, self);
    if (self->err != 0)
        T_EQ(hop_future_fail(self->f, self->err, self->msg), HOP_OK);
    else
        T_EQ(hop_future_complete(self->f, self->v), HOP_OK);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_loop *loop;
    hop_future thing, owie;
    hop_task h1, h2;
    settle_frame s1, s2;
} s05a_frame;

/* getThing(): a future completed with "hi" on the next pass. */
static hop_future *s05_get_thing(s05a_frame *self)
{
    T_EQ(hop_future_init(&self->thing, NULL), HOP_OK);
    self->s1.f = &self->thing;
    self->s1.v = T_SV(s_hi);
    self->s1.err = 0;
    t_spawn(&self->h1, self->loop, &self->s1.hdr, settle, NULL);
    return &self->thing;
}

/* getOwie(): a future failed with E_Z("OMG") on the next pass. */
static hop_future *s05_get_owie(s05a_frame *self)
{
    T_EQ(hop_future_init(&self->owie, NULL), HOP_OK);
    self->s2.f = &self->owie;
    self->s2.err = E_Z;
    self->s2.msg = "OMG";
    t_spawn(&self->h2, self->loop, &self->s2.hdr, settle, NULL);
    return &self->owie;
}

/* T: x = wait getThing(); check x == "hi";
 *    try { wait getOwie() } handler E_Z(m) { record "caught <m>" };
 *    return "WOOSH" */
static hop_step s05a(hop_gen *g, hop_frame *f)
{
    s05a_frame *self = (s05a_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(s05_get_thing(self)));
    T_EQ(HOP_VALUE(self), T_SV(s_hi));
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(s05_get_owie(self)));
        tr_add("reached past the failed wait");
    HOP_CATCH(self, E_Z);
        tr_add2("caught ", HOP_ERROR_MSG(self));
    HOP_END_TRY(self);
    HOP_RETURN(self, T_SV(s_woosh));
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_future *f;
} s05b_frame;

/* T: try { wait F } handler E_T { } */
static hop_step s05b(hop_gen *g, hop_frame *f)
{
    s05b_frame *self = (s05b_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(self->f));
        tr_add("reached past the failed wait");
    HOP_CATCH(self, E_T);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void SEED_05(void)
{
    hop_loop loop;
    hop_task t;
    s05a_frame af;
    s05b_frame bf;
    hop_future f;

    /* Case A */
    T_EQ(t_loop_init(&loop), HOP_OK);
    af.loop = &loop;
    t_spawn(&t, &loop, &af.hdr, s05a, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("caught OMG");
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), T_SV(s_woosh));
    T_EQ(hop_future_cleanup(&af.thing), HOP_OK);
    T_EQ(hop_future_cleanup(&af.owie), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case B: F failed before T started. */
    tr_reset();
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_fail(&f, E_T, "Handled Terminal Failure"), HOP_OK);
    bf.f = &f;
    t_spawn(&t, &loop, &bf.hdr, s05b, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), HOP_EMPTY);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);

    /* Case C: F fails only after T has suspended on it. */
    T_EQ(t_loop_init(&loop), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    bf.f = &f;
    t_spawn(&t, &loop, &bf.hdr, s05b, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&t) == hop_future_wait(&f));
    T_EQ(hop_task_status(&t), HOP_TASK_RUNNING);
    T_EQ(hop_future_fail(&f, E_T, "Handled Terminal Failure"), HOP_OK);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT_NONE();
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_task_result(&t), HOP_EMPTY);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_conf_seed[] = {
    T_TASK_CASE(SEED_01),
    T_TASK_CASE(SEED_02),
    T_TASK_CASE(SEED_04),
    T_TASK_CASE(SEED_05),
    T_END,
};
