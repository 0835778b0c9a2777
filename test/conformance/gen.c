/*
 * test/conformance/gen.c: the generator protocol (PEP 342), cases GEN-01
 * to GEN-03 of CASES.md.
 */
#include "t.h"

#define E_A 1001

/* -- GEN-01: send into a started generator; send(EMPTY) is next --------- */

typedef struct {
    hop_frame hdr;
} g01_frame;

/* G: record "G starts"; x = yield 1; record "G got <x>"; yield 2; return */
static hop_step g01(hop_gen *g, hop_frame *f)
{
    g01_frame *self = (g01_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G starts");
    HOP_YIELD(self, 1);
    tr_addv("G got ", HOP_VALUE(self));
    HOP_YIELD(self, 2);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    int i;
} seq3_frame;

/* A child that yields 0, 1, 2. */
static hop_step seq3(hop_gen *g, hop_frame *f)
{
    seq3_frame *self = (seq3_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 3; self->i++)
        HOP_YIELD(self, self->i);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    seq3_frame child;
} g01h_frame;

/* H: delegate to seq3. */
static hop_step g01h(hop_gen *g, hop_frame *f)
{
    g01h_frame *self = (g01h_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->child.hdr, seq3, HOP_GENERATOR);
    HOP_AWAIT(self, &self->child.hdr);
    HOP_END(self);
}

static void GEN_01(void)
{
    g01_frame fr;
    g01h_frame h;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, g01, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    TR_EXPECT("G starts");
    T_EQ(hop_gen_send(&g, 42, &v), HOP_YIELDED);
    T_EQ(v, 2);
    TR_EXPECT("G starts", "G got 42");
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);

    /* Variant: next instead of send(42). */
    tr_reset();
    hop_frame_init(&fr.hdr, g01, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 2);
    TR_EXPECT("G starts", "G got EMPTY");
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);

    /* Variant: send(EMPTY) three times into a delegating H. */
    hop_frame_init(&h.hdr, g01h, HOP_GENERATOR);
    hop_gen_init(&g, &h.hdr);
    T_EQ(hop_gen_send(&g, HOP_EMPTY, &v), HOP_YIELDED);
    T_EQ(v, 0);
    T_EQ(hop_gen_send(&g, HOP_EMPTY, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_send(&g, HOP_EMPTY, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_send(&g, HOP_EMPTY, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
}

/* -- GEN-02: yields inside handlers and cleanup blocks ------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
} g02_frame;

static hop_step g02(hop_gen *g, hop_frame *f)
{
    g02_frame *self = (g02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
        HOP_TRY(self);
            HOP_YIELD(self, 2);
            HOP_RAISE(self, E_A);
            HOP_YIELD(self, 3);
        HOP_CATCH(self, E_A);
            HOP_YIELD(self, 4);
            HOP_YIELD(self, 5);
            HOP_RERAISE(self);
        HOP_CATCH_ANY(self);
            HOP_YIELD(self, 6);
        HOP_END_TRY(self);
        HOP_YIELD(self, 7);
    HOP_CATCH_ANY(self);
        HOP_YIELD(self, 8);
    HOP_END_TRY(self);
    HOP_YIELD(self, 9);
    HOP_TRY(self);
    HOP_FINALLY(self);
        HOP_YIELD(self, 10);
    HOP_END_TRY(self);
    HOP_YIELD(self, 11);
    HOP_END(self);
}

/* Variant A: try { return } handler any { yield 1 } */
static hop_step g02a(hop_gen *g, hop_frame *f)
{
    g02_frame *self = (g02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_RETURN(self, HOP_EMPTY);
    HOP_CATCH_ANY(self);
        HOP_YIELD(self, 1);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Variant B: try { return } cleanup { yield 1 } */
static hop_step g02b(hop_gen *g, hop_frame *f)
{
    g02_frame *self = (g02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_RETURN(self, HOP_EMPTY);
    HOP_FINALLY(self);
        HOP_YIELD(self, 1);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void GEN_02(void)
{
    g02_frame fr;
    hop_gen g;
    hop_value v;

    hop_frame_init(&fr.hdr, g02, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(tr_drain(&g, "", &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("1", "2", "4", "5", "8", "9", "10", "11");

    tr_reset();
    hop_frame_init(&fr.hdr, g02a, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(tr_drain(&g, "", &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT_NONE();

    tr_reset();
    hop_frame_init(&fr.hdr, g02b, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
}

/* -- GEN-03: state queries during delegation ---------------------------- */

static hop_gen *g03_b;       /* B's handle, queried from inside */
static hop_frame *g03_a;     /* A's frame */

typedef struct {
    hop_frame hdr;
} g03a_frame;

typedef struct {
    hop_frame hdr;
    g03a_frame a;
} g03b_frame;

/* A: yield; return (checking B from inside). */
static hop_step g03a(hop_gen *g, hop_frame *f)
{
    g03a_frame *self = (g03a_frame *)f;
    HOP_BEGIN(g, self);
    T_EQ(hop_gen_state(g03_b), HOP_STATE_RUNNING);
    T_ASSERT(hop_gen_delegate(g03_b) == NULL);
    tr_add("A before yield");
    HOP_YIELD(self, HOP_EMPTY);
    T_EQ(hop_gen_state(g03_b), HOP_STATE_RUNNING);
    T_ASSERT(hop_gen_delegate(g03_b) == NULL);
    tr_add("A after yield");
    HOP_END(self);
}

/* B: DELEGATE A(); yield; return */
static hop_step g03b(hop_gen *g, hop_frame *f)
{
    g03b_frame *self = (g03b_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(hop_gen_delegate(g03_b) == NULL);
    hop_frame_init(&self->a.hdr, g03a, HOP_GENERATOR);
    g03_a = &self->a.hdr;
    HOP_AWAIT(self, &self->a.hdr);
    T_ASSERT(hop_gen_delegate(g03_b) == NULL);
    HOP_YIELD(self, HOP_EMPTY);
    T_ASSERT(hop_gen_delegate(g03_b) == NULL);
    HOP_END(self);
}

static void GEN_03(void)
{
    g03b_frame b;
    hop_gen g;
    hop_value v;

    g03_b = &g;
    hop_frame_init(&b.hdr, g03b, HOP_GENERATOR);
    hop_gen_init(&g, &b.hdr);
    T_EQ(hop_gen_state(&g), HOP_STATE_CREATED);
    T_ASSERT(hop_gen_delegate(&g) == NULL);

    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_ASSERT(hop_gen_delegate(&g) == g03_a);

    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_ASSERT(hop_gen_delegate(&g) == NULL);

    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_ASSERT(hop_gen_delegate(&g) == NULL);
    TR_EXPECT("A before yield", "A after yield");
}

const t_case t_cases_conf_gen[] = {
    T_CASE(GEN_01),
    T_CASE(GEN_02),
    T_CASE(GEN_03),
    T_END,
};
