/*
 * test/conformance/cls.c: close, cleanup and finalisation, cases CLS-01
 * to CLS-06 of CASES.md.
 */
#include "common.h"

#define E_A 1001
#define E_B 1002
#define E_C 1003

static const char s_r[] = "r";
static const char s_foo[] = "foo!";

static const char m_nybbles[] = "nybbles have exploded with delight";
static const char m_vorpal[] = "Vorpal bunny encountered";
static const char m_fie[] = "fie!";

/* -- CLS-01: a delegated close runs cleanups innermost-first ------------- */

/* G1 and G2 as in THR-01: cc_thr01_g1 and cc_thr01_g2 (common.c). */

static void CLS_01(void)
{
    cc_thr01_g1_frame fr;
    hop_gen g;
    hop_value v = 0;

    cc_thr01_next_twice(&fr, &g, cc_thr01_g2);
    TR_EXPECT(CC_THR01_STARTED);

    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT(CC_THR01_FINISHED);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);

    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT(CC_THR01_FINISHED);
}

/* -- CLS-02: an error raised while closing ------------------------------- */

/* Case A: G1 as in THR-01 (cc_thr01_g1); G2 as in THR-01 but its
 * cleanup, after recording, raises E_A. */
static hop_step cls02a_g2(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("G2 starts");
        HOP_YIELD(self, T_SV(cc_s_g2_spam));
        HOP_YIELD(self, T_SV(cc_s_g2_more));
    HOP_FINALLY(self);
        tr_add("G2 finishing");
        HOP_RAISE_MSG(self, E_A, m_nybbles);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Case B, f: try { record "Enter f"; yield; record "Exit f" }
 *            handler CLOSE { raise E_B("Vorpal bunny encountered") } */
static hop_step cls02b_f(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("Enter f");
        HOP_YIELD(self, HOP_EMPTY);
        tr_add("Exit f");
    HOP_CATCH(self, HOP_EEXIT);
        HOP_RAISE_MSG(self, E_B, m_vorpal);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_fn f_fn; /* the step function of the f to delegate to */
    cc_try1_frame f;
} dg_frame;

/* g: record "Enter g"; DELEGATE f(); record "Exit g" */
static hop_step enter_g(hop_gen *g, hop_frame *f)
{
    dg_frame *self = (dg_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("Enter g");
    hop_frame_init(&self->f.hdr, self->f_fn, HOP_GENERATOR);
    HOP_AWAIT(self, &self->f.hdr);
    tr_add("Exit g");
    HOP_END(self);
}

/* Case C: try { yield } handler CLOSE { raise E_C("fie!") } */
static hop_step cls02c(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, HOP_EMPTY);
    HOP_CATCH(self, HOP_EEXIT);
        HOP_RAISE_MSG(self, E_C, m_fie);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Case D, Inner: try { yield "first"; yield "second"; return "r" }
 *                cleanup { raise CLOSE } */
static hop_step cls02d_inner(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, T_SV(cc_s_first));
        HOP_YIELD(self, T_SV(cc_s_second));
        HOP_RETURN(self, T_SV(s_r));
    HOP_FINALLY(self);
        HOP_RAISE(self, HOP_EEXIT);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Outer: cc_thr04_outer (common.c). */

static void CLS_02(void)
{
    cc_thr01_g1_frame g1;
    dg_frame dg;
    cc_try1_frame c;
    cc_thr04_outer_frame o;
    hop_gen g;
    hop_value v = 0;
    const hop_exc *e;

    /* Case A: G2's cleanup raises E_A while the close unwinds. */
    cc_thr01_next_twice(&g1, &g, cls02a_g2);
    T_EQ(hop_gen_close(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    e = hop_gen_exc(&g);
    T_ASSERT(e != NULL);
    T_EQ(e->code, E_A);
    T_STREQ(e->msg, m_nybbles);
    T_EQ(e->ctx, HOP_EEXIT);
    TR_EXPECT(CC_THR01_FINISHED);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* Case B: the delegate's CLOSE handler raises E_B. */
    tr_reset();
    dg.f_fn = cls02b_f;
    hop_frame_init(&dg.hdr, enter_g, HOP_GENERATOR);
    hop_gen_init(&g, &dg.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_close(&g, &v), HOP_RAISED);
    T_EQ(v, E_B);
    T_EQ(hop_gen_exc(&g)->code, E_B);
    T_STREQ(hop_gen_exc(&g)->msg, m_vorpal);
    TR_EXPECT("Enter g", "Enter f");

    /* Case C: a single generator whose CLOSE handler raises E_C. */
    tr_reset();
    hop_frame_init(&c.hdr, cls02c, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RAISED);
    T_EQ(v, E_C);
    T_EQ(hop_gen_exc(&g)->code, E_C);
    T_STREQ(hop_gen_exc(&g)->msg, m_fie);
    TR_EXPECT_NONE();

    /* Case D: a CLOSE raised by a cleanup during close is not an error. */
    t_name_str(cc_s_first);
    t_name_str(cc_s_second);
    t_name_str(s_r);
    o.inner_fn = cls02d_inner;
    hop_frame_init(&o.hdr, cc_thr04_outer, HOP_GENERATOR);
    hop_gen_init(&g, &o.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, T_SV(cc_s_first));
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
}

/* -- CLS-03: a coroutine that ignores close ------------------------------ */

static int cls03_caught; /* runs of the CLOSE handlers of cases A and C */

/* Case A, f: try { yield } handler CLOSE { yield "foo!" } */
static hop_step cls03a(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, HOP_EMPTY);
    HOP_CATCH(self, HOP_EEXIT);
        cls03_caught++;
        HOP_YIELD(self, T_SV(s_foo));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Case B, f: try { record "Enter f"; yield; record "Exit f" }
 *            handler CLOSE { yield } */
static hop_step cls03b_f(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("Enter f");
        HOP_YIELD(self, HOP_EMPTY);
        tr_add("Exit f");
    HOP_CATCH(self, HOP_EEXIT);
        HOP_YIELD(self, HOP_EMPTY);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Case C, gen: yields once; yield (nothing else) in CLS-05 too. */
static hop_step yield_once(hop_gen *g, hop_frame *f)
{
    cc_plain_frame *self = (cc_plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, HOP_EMPTY);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    cc_plain_frame gen1, gen2;
} c03c_frame;

/* Case C, coro (awaitable coroutine):
 *   try { DELEGATE gen() } handler CLOSE { DELEGATE gen() } */
static hop_step cls03c_coro(hop_gen *g, hop_frame *f)
{
    c03c_frame *self = (c03c_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->gen1.hdr, yield_once, HOP_GENERATOR);
        HOP_AWAIT(self, &self->gen1.hdr);
    HOP_CATCH(self, HOP_EEXIT);
        cls03_caught++;
        hop_frame_init(&self->gen2.hdr, yield_once, HOP_GENERATOR);
        HOP_AWAIT(self, &self->gen2.hdr);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Case D: Inner and Outer are cc_thr04_inner and cc_thr04_outer
 * (common.c). */

static void CLS_03(void)
{
    cc_try1_frame c;
    dg_frame dg;
    c03c_frame co;
    cc_thr04_outer_frame o;
    hop_gen g;
    hop_value v = 0;

    /* Case A: the root yields again while closed; a second close works. */
    t_name_str(s_foo);
    cls03_caught = 0;
    hop_frame_init(&c.hdr, cls03a, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_close(&g, &v), HOP_EIGNORED);
    T_EQ(cls03_caught, 1);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_EQ(cls03_caught, 1);

    /* Case B: the delegate ignores close: ERR_IGNORED_CLOSE escapes g. */
    tr_reset();
    dg.f_fn = cls03b_f;
    hop_frame_init(&dg.hdr, enter_g, HOP_GENERATOR);
    hop_gen_init(&g, &dg.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_EIGNORED);
    T_EQ(hop_gen_exc(&g)->code, HOP_EIGNORED);
    TR_EXPECT("Enter g", "Enter f");
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);

    /* Case C: an awaitable coroutine that catches CLOSE and delegates to
     * a new generator that yields. */
    tr_reset();
    cls03_caught = 0;
    T_EQ(hop_frame_init(&co.hdr, cls03c_coro, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &co.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_close(&g, &v), HOP_EIGNORED);
    T_EQ(cls03_caught, 1);

    /* The root ignored the close and stays suspended at its yield: the
     * handle is still in use. */
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);

    /* Case D: Inner's cleanup yields while the close unwinds. */
    t_name_str(cc_s_first);
    t_name_str(cc_s_second);
    t_name_str(cc_s_returned);
    o.inner_fn = cc_thr04_inner;
    hop_frame_init(&o.hdr, cc_thr04_outer, HOP_GENERATOR);
    T_EQ(hop_gen_init(&g, &o.hdr), HOP_EBUSY);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED); /* it finishes */
    T_EQ(hop_gen_init(&g, &o.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, T_SV(cc_s_first));
    T_EQ(hop_gen_close(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_EIGNORED);
    T_EQ(hop_gen_exc(&g)->code, HOP_EIGNORED);
    T_EQ(hop_gen_exc(&g)->ctx, 0);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
}

/* -- CLS-04: close on created, suspended, finished, closed generators ---- */

/* f: try { yield } handler CLOSE { record "exiting" } */
static hop_step cls04_f(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, HOP_EMPTY);
    HOP_CATCH(self, HOP_EEXIT);
        tr_add("exiting");
    HOP_END_TRY(self);
    HOP_END(self);
}

static int plain_entries; /* entries into plain_yield */

/* A plain one-yield generator: yield. */
static hop_step plain_yield(hop_gen *g, hop_frame *f)
{
    cc_plain_frame *self = (cc_plain_frame *)f;
    HOP_BEGIN(g, self);
    plain_entries++;
    HOP_YIELD(self, HOP_EMPTY);
    HOP_END(self);
}

static void CLS_04(void)
{
    cc_try1_frame c;
    cc_plain_frame p;
    hop_gen g;
    hop_value v = 0;

    /* 1. start f; close: "exiting"; close succeeds. */
    hop_frame_init(&c.hdr, cls04_f, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    TR_EXPECT_NONE();
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("exiting");

    /* 2. close the same f again: succeeds, nothing recorded. */
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("exiting");

    /* 3. a new f never started: close succeeds, the body never runs. */
    tr_reset();
    hop_frame_init(&c.hdr, cls04_f, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT_NONE();

    /* 4. a plain one-yield generator: close before start, then a new one
     * started and closed. */
    plain_entries = 0;
    hop_frame_init(&p.hdr, plain_yield, HOP_GENERATOR);
    hop_gen_init(&g, &p.hdr);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(plain_entries, 0);
    hop_frame_init(&p.hdr, plain_yield, HOP_GENERATOR);
    hop_gen_init(&g, &p.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(plain_entries, 1);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
}

/* -- CLS-05: the value returned by close --------------------------------- */

/* yield (nothing else): yield_once (CLS-03). */

/* try { yield } handler CLOSE { return 0 } */
static hop_step cls05_catch_ret0(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, HOP_EMPTY);
    HOP_CATCH(self, HOP_EEXIT);
        HOP_RETURN(self, 0);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* yield; return 0 */
static hop_step cls05_yield_ret0(hop_gen *g, hop_frame *f)
{
    cc_plain_frame *self = (cc_plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, HOP_EMPTY);
    HOP_RETURN(self, 0);
    HOP_END(self);
}

/* try { yield } handler CLOSE { }; raise E_A */
static hop_step cls05_raise(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, HOP_EMPTY);
    HOP_CATCH(self, HOP_EEXIT);
    HOP_END_TRY(self);
    HOP_RAISE(self, E_A);
    HOP_END(self);
}

/* Init fr with fn as the root of g and start it (YIELD EMPTY). */
static void start_root(hop_gen *g, hop_frame *fr, hop_fn fn)
{
    hop_value v = 0;

    T_EQ(hop_frame_init(fr, fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, fr), HOP_OK);
    T_EQ(hop_gen_start(g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
}

static void CLS_05(void)
{
    cc_try1_frame c;
    hop_gen g;
    hop_value v;

    /* yield: close returns EMPTY. */
    start_root(&g, &c.hdr, yield_once);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* try { yield } handler CLOSE { return 0 }: close returns 0. */
    start_root(&g, &c.hdr, cls05_catch_ret0);
    v = HOP_EMPTY;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, 0);

    /* yield; return 0: close returns EMPTY (the return never ran). */
    start_root(&g, &c.hdr, cls05_yield_ret0);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* The catching one, never started: close returns EMPTY. */
    hop_frame_init(&c.hdr, cls05_catch_ret0, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* The catching one, exhausted first: close returns EMPTY. */
    start_root(&g, &c.hdr, cls05_catch_ret0);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* The catching one, started: close returns 0, a second close EMPTY. */
    start_root(&g, &c.hdr, cls05_catch_ret0);
    v = HOP_EMPTY;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, 0);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* try { yield } handler CLOSE { }; raise E_A: close reports E_A. */
    start_root(&g, &c.hdr, cls05_raise);
    v = 0;
    T_EQ(hop_gen_close(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
}

/* -- CLS-06: nested scopes whose enter and exit steps suspend ------------ */

typedef struct {
    hop_frame hdr;
    hop_value a, b;
} steps_frame;

/* An enter or exit step: yields a, then b, to the driver. */
static hop_step steps(hop_gen *g, hop_frame *f)
{
    steps_frame *self = (steps_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, self->a);
    HOP_YIELD(self, self->b);
    HOP_END(self);
}

static void steps_init(steps_frame *s, hop_value a, hop_value b)
{
    s->a = a;
    s->b = b;
    hop_frame_init(&s->hdr, steps, HOP_GENERATOR);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    const char *const *names; /* enter-1, enter-2, exit-1, exit-2 */
    int swallows;             /* the exit step swallows an error */
    int exited;               /* the exit step ran in the handler */
    hop_frame *body;          /* the scope's body, CREATED */
    steps_frame steps;
} scope_frame;

/*
 * Scope S(name) around body: the enter step, then the body; on the way
 * out, by error or not, the exit step. A swallowing exit step is a
 * handler; a non-swallowing one is the cleanup block.
 */
static hop_step scope(hop_gen *g, hop_frame *f)
{
    scope_frame *self = (scope_frame *)f;
    HOP_BEGIN(g, self);
    steps_init(&self->steps, T_SV(self->names[0]), T_SV(self->names[1]));
    HOP_AWAIT(self, &self->steps.hdr);
    self->exited = 0;
    HOP_TRY(self);
        HOP_AWAIT(self, self->body);
    HOP_CATCH_IF(self, self->swallows && HOP_ERROR(self) != HOP_EEXIT);
        self->exited = 1;
        steps_init(&self->steps, T_SV(self->names[2]), T_SV(self->names[3]));
        HOP_AWAIT(self, &self->steps.hdr);
    HOP_FINALLY(self);
        if (!self->exited) {
            steps_init(&self->steps, T_SV(self->names[2]),
                       T_SV(self->names[3]));
            HOP_AWAIT(self, &self->steps.hdr);
        }
    HOP_END_TRY(self);
    HOP_END(self);
}

static void scope_init(scope_frame *s, const char *const *names,
                       int swallows, hop_frame *body)
{
    s->names = names;
    s->swallows = swallows;
    s->body = body;
    hop_frame_init(&s->hdr, scope, HOP_GENERATOR);
}

static const char *const cls06_a[] = {"enter-1-A", "enter-2-A", "exit-1-A",
                                      "exit-2-A"};
static const char *const cls06_b[] = {"enter-1-B", "enter-2-B", "exit-1-B",
                                      "exit-2-B"};
static const char *const cls06_c[] = {"enter-1-C", "enter-2-C", "exit-1-C",
                                      "exit-2-C"};

/* The pointer-valued ("managers", "A", "B") and ("managers", "A", "C"). */
typedef struct {
    const char *tag, *a, *b;
} managers;
static const managers cls06_mab = {"managers", "A", "B"};
static const managers cls06_mac = {"managers", "A", "C"};

typedef struct {
    hop_frame hdr;
    hop_value managers; /* what the body yields */
} c06_body_frame;

/* The inner body: yield ("managers", "A", <inner>); raise E_A */
static hop_step cls06_body(hop_gen *g, hop_frame *f)
{
    c06_body_frame *self = (c06_body_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, self->managers);
    HOP_RAISE(self, E_A);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    const char *const *inner; /* names of the inner scope (B or C) */
    int swallows;             /* the inner scope's exit swallows */
    hop_value managers;
    scope_frame a, b;
    c06_body_frame body;
} foo_frame;

/* foo: enter S("A") { enter S(inner) { yield managers; raise E_A } } */
static hop_step cls06_foo(hop_gen *g, hop_frame *f)
{
    foo_frame *self = (foo_frame *)f;
    HOP_BEGIN(g, self);
    self->body.managers = self->managers;
    hop_frame_init(&self->body.hdr, cls06_body, HOP_GENERATOR);
    scope_init(&self->b, self->inner, self->swallows, &self->body.hdr);
    scope_init(&self->a, cls06_a, 0, &self->b.hdr);
    HOP_AWAIT(self, &self->a.hdr);
    HOP_END(self);
}

static void cls06_names(const char *const *n)
{
    int i;

    for (i = 0; i < 4; i++)
        t_name_str(n[i]);
}

/* Drain foo, recording each yielded value; return the final outcome. */
static int cls06_drain(foo_frame *fr, hop_gen *g, hop_value *last)
{
    T_EQ(hop_frame_init(&fr->hdr, cls06_foo, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &fr->hdr), HOP_OK);
    return tr_drain(g, "", last);
}

static void CLS_06(void)
{
    foo_frame fr;
    hop_gen g;
    hop_value v = 0;

    cls06_names(cls06_a);
    cls06_names(cls06_b);
    cls06_names(cls06_c);
    t_name((hop_value)&cls06_mab, "(managers, A, B)");
    t_name((hop_value)&cls06_mac, "(managers, A, C)");

    /* S("B")'s exit step swallows E_A: foo ends DONE EMPTY. */
    fr.inner = cls06_b;
    fr.swallows = 1;
    fr.managers = (hop_value)&cls06_mab;
    T_EQ(cls06_drain(&fr, &g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("enter-1-A", "enter-2-A", "enter-1-B", "enter-2-B",
              "(managers, A, B)", "exit-1-B", "exit-2-B", "exit-1-A",
              "exit-2-A");

    /* With S("C"), whose exit does not swallow: foo ends ERROR E_A. */
    tr_reset();
    fr.inner = cls06_c;
    fr.swallows = 0;
    fr.managers = (hop_value)&cls06_mac;
    T_EQ(cls06_drain(&fr, &g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    TR_EXPECT("enter-1-A", "enter-2-A", "enter-1-C", "enter-2-C",
              "(managers, A, C)", "exit-1-C", "exit-2-C", "exit-1-A",
              "exit-2-A");
}

const t_case t_cases_conf_cls[] = {
    T_CASE(CLS_01),
    T_CASE(CLS_02),
    T_CASE(CLS_03),
    T_CASE(CLS_04),
    T_CASE(CLS_05),
    T_CASE(CLS_06),
    T_END,
};
