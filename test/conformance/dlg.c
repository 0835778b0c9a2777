/*
 * test/conformance/dlg.c: delegation (PEP 380), cases DLG-01 to DLG-03 of
 * CASES.md.
 */
#include "common.h"

/* -- DLG-01: the first resume is delegated to the child ------------------ */

typedef struct {
    hop_frame hdr;
} d01g2_frame;

/* G2: record "G2 starts"; yield 42; record "G2 finishes" */
static hop_step d01g2(hop_gen *g, hop_frame *f)
{
    d01g2_frame *self = (d01g2_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G2 starts");
    HOP_YIELD(self, 42);
    tr_add("G2 finishes");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    d01g2_frame g2;
} d01g1_frame;

/* G1: record "G1 starts"; DELEGATE G2(); record "G1 finishes" */
static hop_step d01g1(hop_gen *g, hop_frame *f)
{
    d01g1_frame *self = (d01g1_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G1 starts");
    hop_frame_init(&self->g2.hdr, d01g2, HOP_GENERATOR);
    HOP_AWAIT(self, &self->g2.hdr);
    tr_add("G1 finishes");
    HOP_END(self);
}

static void DLG_01(void)
{
    d01g1_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, d01g1, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(tr_drain(&g, "got ", &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("G1 starts", "G2 starts", "got 42", "G2 finishes",
              "G1 finishes");
}

/* -- DLG-02: send is delegated to the innermost frame -------------------- */

typedef struct {
    hop_frame hdr;
} d02g2_frame;

/* G2: record "G2 starts"; x = yield "g2 spam"; record "G2 received <x>";
 * x = yield "g2 more spam"; record "G2 received <x>";
 * record "G2 finishes" */
static hop_step d02g2(hop_gen *g, hop_frame *f)
{
    d02g2_frame *self = (d02g2_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G2 starts");
    HOP_YIELD(self, "g2 spam");
    tr_addv("G2 received ", HOP_VALUE(self));
    HOP_YIELD(self, "g2 more spam");
    tr_addv("G2 received ", HOP_VALUE(self));
    tr_add("G2 finishes");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    d02g2_frame g2;
} d02g1_frame;

/* G1: record "G1 starts"; x = yield "g1 ham"; record "G1 received <x>";
 * DELEGATE G2(); x = yield "g1 eggs"; record "G1 received <x>";
 * record "G1 finishes" */
static hop_step d02g1(hop_gen *g, hop_frame *f)
{
    d02g1_frame *self = (d02g1_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G1 starts");
    HOP_YIELD(self, "g1 ham");
    tr_addv("G1 received ", HOP_VALUE(self));
    hop_frame_init(&self->g2.hdr, d02g2, HOP_GENERATOR);
    HOP_AWAIT(self, &self->g2.hdr);
    HOP_YIELD(self, "g1 eggs");
    tr_addv("G1 received ", HOP_VALUE(self));
    tr_add("G1 finishes");
    HOP_END(self);
}

static void DLG_02(void)
{
    d02g1_frame fr;
    hop_gen g;
    hop_value v = 0;
    int r, i;

    T_EQ(hop_frame_init(&fr.hdr, d02g1, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_STREQ((const char *)v, "g1 ham");
    for (i = 1; i < 10; i++) {
        r = hop_gen_send(&g, i, &v);
        if (r != HOP_YIELDED)
            break;
        tr_add2("got ", (const char *)v);
    }
    T_EQ(r, HOP_RETURNED);
    T_EQ(i, 4);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("G1 starts", "G1 received 1", "G2 starts", "got g2 spam",
              "G2 received 2", "got g2 more spam", "G2 received 3",
              "G2 finishes", "got g1 eggs", "G1 received 4", "G1 finishes");
}

/* -- DLG-03: yields of a chain reach the driver; sends the innermost ----- */

typedef struct {
    hop_frame hdr;
    int i;
} d03seq_frame;

/* Seq: yields 1, 2, 3 and returns EMPTY. */
static hop_step d03seq(hop_gen *g, hop_frame *f)
{
    d03seq_frame *self = (d03seq_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 1; self->i <= 3; self->i++)
        HOP_YIELD(self, self->i);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    d03seq_frame seq;
} d03fooa_frame;

/* Case A foo: DELEGATE Seq() */
static hop_step d03fooa(hop_gen *g, hop_frame *f)
{
    d03fooa_frame *self = (d03fooa_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->seq.hdr, d03seq, HOP_GENERATOR);
    HOP_AWAIT(self, &self->seq.hdr);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
} d03aw_frame;

/* Aw: yield 42; return 100 */
static hop_step d03aw(hop_gen *g, hop_frame *f)
{
    d03aw_frame *self = (d03aw_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 42);
    HOP_RETURN(self, 100);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    d03aw_frame aw;
} d03foob_frame;

/* Case B foo: return DELEGATE Aw() */
static hop_step d03foob(hop_gen *g, hop_frame *f)
{
    d03foob_frame *self = (d03foob_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->aw.hdr, d03aw, HOP_GENERATOR);
    HOP_AWAIT(self, &self->aw.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

/* F: cc_return_yield (common.c). */

typedef struct {
    hop_frame hdr;
    cc_plain_frame f;
} d03c1_frame;

/* coro1: return DELEGATE F() */
static hop_step d03c1(hop_gen *g, hop_frame *f)
{
    d03c1_frame *self = (d03c1_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->f.hdr, cc_return_yield, HOP_GENERATOR);
    HOP_AWAIT(self, &self->f.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    d03c1_frame c1;
} d03c2_frame;

/* coro2: return DELEGATE coro1() */
static hop_step d03c2(hop_gen *g, hop_frame *f)
{
    d03c2_frame *self = (d03c2_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c1.hdr, d03c1, HOP_GENERATOR);
    HOP_AWAIT(self, &self->c1.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

/* Send EMPTY until done, recording each yielded value; the outcome. */
static int drive(hop_gen *g, hop_value *last)
{
    int r, n = 0;

    while ((r = hop_gen_send(g, HOP_EMPTY, last)) == HOP_YIELDED &&
           n++ < 10)
        tr_addv("", *last);
    return r;
}

static void DLG_03(void)
{
    static const char spam[] = "spam";
    d03fooa_frame fa;
    d03foob_frame fb;
    d03c2_frame c2;
    hop_gen g;
    hop_value v = 0;

    /* A: yields [1, 2, 3], result EMPTY. */
    T_EQ(hop_frame_init(&fa.hdr, d03fooa, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fa.hdr), HOP_OK);
    T_EQ(drive(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("1", "2", "3");

    /* B: yields [42], result 100. */
    tr_reset();
    T_EQ(hop_frame_init(&fb.hdr, d03foob, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fb.hdr), HOP_OK);
    T_EQ(drive(&g, &v), HOP_RETURNED);
    T_EQ(v, 100);
    TR_EXPECT("42");

    /* C: the sent value goes to F and comes back up through coro1 and
     * coro2. */
    T_EQ(hop_frame_init(&c2.hdr, d03c2, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &c2.hdr), HOP_OK);
    v = 0;
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_depth(&g), 3);
    T_ASSERT(hop_gen_frame(&g) == &c2.c1.f.hdr);
    T_EQ(hop_gen_send(&g, (hop_value)spam, &v), HOP_RETURNED);
    T_ASSERT(v == (hop_value)spam);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
}

const t_case t_cases_conf_dlg[] = {
    T_CASE(DLG_01),
    T_CASE(DLG_02),
    T_CASE(DLG_03),
    T_END,
};
