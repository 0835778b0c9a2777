/*
 * test/conformance/thr.c: throw into a suspended coroutine, cases THR-01
 * to THR-04 of CASES.md.
 */
#include "common.h"

#define E_A 1001
#define E_B 1002
#define E_M 1003

/* -- THR-01: a delegated throw that nobody catches ----------------------- */

/* G1 and G2: cc_thr01_g1 and cc_thr01_g2 (common.c). */

static void THR_01(void)
{
    static const char tomato[] = "tomato ejected";
    cc_thr01_g1_frame fr;
    hop_gen g;
    hop_value v = 0;

    cc_thr01_next_twice(&fr, &g, cc_thr01_g2);
    v = 0;
    T_EQ(hop_gen_throw(&g, E_A, tomato, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_STREQ(hop_gen_exc(&g)->msg, "tomato ejected");
    T_EQ(hop_gen_exc(&g)->ctx, 0);
    TR_EXPECT(CC_THR01_FINISHED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT(CC_THR01_FINISHED);
}

/* -- THR-02: throw on a looping catcher, then on finished and unstarted -- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} t02_frame;

/* F: loop forever { try { x = yield; record "got <x>" }
 * handler E_A(m) { record "caught E_A (<m>)" } } */
static hop_step t02(hop_gen *g, hop_frame *f)
{
    t02_frame *self = (t02_frame *)f;
    HOP_BEGIN(g, self);
    for (;;) {
        HOP_TRY(self);
            HOP_YIELD(self, HOP_EMPTY);
            tr_addv("got ", HOP_VALUE(self));
        HOP_CATCH(self, E_A);
            tr_add3("caught E_A (", HOP_ERROR_MSG(self), ")");
        HOP_END_TRY(self);
    }
    HOP_END(self);
}

static void THR_02(void)
{
    t02_frame fr, fr2;
    hop_gen g, g2;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, t02, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);

    /* 1. start: YIELD EMPTY. */
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT_NONE();

    /* 2. throw(E_A) with no message. */
    v = 0;
    T_EQ(hop_gen_throw(&g, E_A, (const char *)0, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("caught E_A ()");

    /* 3. throw(E_A("xyz")). */
    v = 0;
    T_EQ(hop_gen_throw(&g, E_A, "xyz", &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("caught E_A ()", "caught E_A (xyz)");

    /* 4. send(1). */
    v = 0;
    T_EQ(hop_gen_send(&g, 1, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("caught E_A ()", "caught E_A (xyz)", "got 1");

    /* 5. throw(E_B): ERROR E_B; F is finished and its frame released. */
    v = 0;
    T_EQ(hop_gen_throw(&g, E_B, (const char *)0, &v), HOP_RAISED);
    T_EQ(v, E_B);
    T_EQ(hop_gen_exc(&g)->code, E_B);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_FINISHED);
    T_ASSERT(hop_gen_frame(&g) == NULL);
    T_EQ(hop_gen_depth(&g), 0);
    TR_EXPECT("caught E_A ()", "caught E_A (xyz)", "got 1");

    /* 6. send(2): DONE EMPTY; no user code runs. */
    v = 0;
    T_EQ(hop_gen_send(&g, 2, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("caught E_A ()", "caught E_A (xyz)", "got 1");

    /* 7. throw(E_A("6")) into the finished F: ERROR E_A("6") at once. */
    v = 0;
    T_EQ(hop_gen_throw(&g, E_A, "6", &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_STREQ(hop_gen_exc(&g)->msg, "6");
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT("caught E_A ()", "caught E_A (xyz)", "got 1");

    /* 8. throw(E_A("7")) into a new F that never started. */
    tr_reset();
    T_EQ(hop_frame_init(&fr2.hdr, t02, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g2, &fr2.hdr), HOP_OK);
    v = 0;
    T_EQ(hop_gen_throw(&g2, E_A, "7", &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g2)->code, E_A);
    T_STREQ(hop_gen_exc(&g2)->msg, "7");
    T_EQ(hop_gen_state(&g2), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(&fr2.hdr), HOP_STATE_FINISHED);
    TR_EXPECT_NONE();
    /* Finished: a later next runs no code either. */
    T_EQ(hop_gen_next(&g2, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT_NONE();
}

/* -- THR-03: throw and close through an await chain ---------------------- */

/* F: cc_return_yield (common.c). */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    cc_plain_frame f;
} t03c1_frame;

/* coro1: try { return DELEGATE F() } handler E_A { raise E_M } */
static hop_step t03c1(hop_gen *g, hop_frame *f)
{
    t03c1_frame *self = (t03c1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->f.hdr, cc_return_yield, HOP_GENERATOR);
        HOP_AWAIT(self, &self->f.hdr);
        HOP_RETURN(self, HOP_VALUE(self));
    HOP_CATCH(self, E_A);
        HOP_RAISE(self, E_M);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    t03c1_frame c1;
} t03c2_frame;

/* coro2: return DELEGATE coro1() */
static hop_step t03c2(hop_gen *g, hop_frame *f)
{
    t03c2_frame *self = (t03c2_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c1.hdr, t03c1, HOP_GENERATOR);
    HOP_AWAIT(self, &self->c1.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static int t03_n; /* the counter N */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_value a;
} t03gen_frame;

/* gen: try { a = yield; yield a*a } handler E_A { N += 100; re-raise }
 * cleanup { N += 1 } */
static hop_step t03gen(hop_gen *g, hop_frame *f)
{
    t03gen_frame *self = (t03gen_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, HOP_EMPTY);
        self->a = HOP_VALUE(self);
        HOP_YIELD(self, self->a * self->a);
    HOP_CATCH(self, E_A);
        t03_n += 100;
        HOP_RERAISE(self);
    HOP_FINALLY(self);
        t03_n += 1;
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    t03gen_frame gen;
} t03foo_frame;

/* foo: DELEGATE gen() */
static hop_step t03foo(hop_gen *g, hop_frame *f)
{
    t03foo_frame *self = (t03foo_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->gen.hdr, t03gen, HOP_GENERATOR);
    HOP_AWAIT(self, &self->gen.hdr);
    HOP_END(self);
}

static void THR_03(void)
{
    t03c2_frame c2;
    t03foo_frame foo;
    hop_gen g;
    hop_value v = 0;

    /* A: E_A thrown into F is turned into E_M by coro1. */
    T_EQ(hop_frame_init(&c2.hdr, t03c2, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &c2.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    v = 0;
    T_EQ(hop_gen_throw(&g, E_A, (const char *)0, &v), HOP_RAISED);
    T_EQ(v, E_M);
    T_EQ(hop_gen_exc(&g)->code, E_M);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);

    /* B1: start foo; send(10): YIELD 100; N == 0. */
    t03_n = 0;
    T_EQ(hop_frame_init(&foo.hdr, t03foo, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &foo.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_send(&g, 10, &v), HOP_YIELDED);
    T_EQ(v, 100);
    T_EQ(t03_n, 0);

    /* B2: close foo: succeeds; N == 1. */
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(t03_n, 1);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);

    /* B3: a new foo: start; throw(E_A): ERROR E_A; N == 102. */
    T_EQ(hop_frame_init(&foo.hdr, t03foo, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &foo.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(t03_n, 1);
    v = 0;
    T_EQ(hop_gen_throw(&g, E_A, (const char *)0, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_EQ(t03_n, 102);
}

/* -- THR-04: a cleanup that yields while an error is unwinding ---------- */

/* Inner and Outer: cc_thr04_inner and cc_thr04_outer (common.c). */

static void THR_04(void)
{
    /* E_A thrown without a message, then with one. */
    static const char *const msgs[2] = {0, "thr04 E_A"};
    cc_thr04_outer_frame fr;
    hop_gen g;
    hop_value v = 0;
    int k;

    for (k = 0; k < 2; k++) {
        fr.inner_fn = cc_thr04_inner;
        T_EQ(hop_frame_init(&fr.hdr, cc_thr04_outer, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);

        /* 1. start Outer: YIELD "first". */
        T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
        T_STREQ((const char *)v, "first");

        /* 2. throw(E_A): YIELD "second", in the middle of unwinding. */
        v = 0;
        T_EQ(hop_gen_throw(&g, E_A, msgs[k], &v), HOP_YIELDED);
        T_STREQ((const char *)v, "second");
        T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
        T_ASSERT(hop_gen_frame(&g) == &fr.inner.hdr);

        /* 3. next: ERROR E_A, the same error, nothing linked. */
        v = 0;
        T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
        T_EQ(v, E_A);
        T_EQ(hop_gen_exc(&g)->code, E_A);
        T_ASSERT(hop_gen_exc(&g)->msg == msgs[k]);
        T_EQ(hop_gen_exc(&g)->ctx, 0);
        T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);

        /* 4. next: DONE EMPTY. */
        v = 0;
        T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
        T_EQ(v, HOP_EMPTY);
    }
}

const t_case t_cases_conf_thr[] = {
    T_CASE(THR_01),
    T_CASE(THR_02),
    T_CASE(THR_03),
    T_CASE(THR_04),
    T_END,
};
