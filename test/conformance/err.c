/*
 * test/conformance/err.c: errors and their propagation, cases ERR-01 and
 * ERR-02 of CASES.md.
 */
#include "t.h"

#define E_A 1001
#define E_B 1002

static const char e01_msg[] = "spanish inquisition occurred";

/* -- ERR-01: an error in the child before its first yield ---------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} e01g2_frame;

/* G2: try { record "G2 starts"; raise E_A("spanish inquisition occurred") }
 * cleanup { record "G2 finishing" } */
static hop_step e01g2(hop_gen *g, hop_frame *f)
{
    e01g2_frame *self = (e01g2_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("G2 starts");
        HOP_RAISE_MSG(self, E_A, e01_msg);
    HOP_FINALLY(self);
        tr_add("G2 finishing");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    e01g2_frame g2;
} e01g1_frame;

/* G1: try { record "G1 starts"; DELEGATE G2() }
 * cleanup { record "G1 finishing" } */
static hop_step e01g1(hop_gen *g, hop_frame *f)
{
    e01g1_frame *self = (e01g1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("G1 starts");
        hop_frame_init(&self->g2.hdr, e01g2, HOP_GENERATOR);
        HOP_AWAIT(self, &self->g2.hdr);
    HOP_FINALLY(self);
        tr_add("G1 finishing");
    HOP_END_TRY(self);
    HOP_END(self);
}

/* The value of G3's first yield: computing it fails with E_B. */
static int e01_value(hop_value *out)
{
    *out = 0;
    return E_B;
}

typedef struct {
    hop_frame hdr;
    hop_value x;
    int e;
} e01g3_frame;

/* G3: yield <a value whose computation raises E_B> */
static hop_step e01g3(hop_gen *g, hop_frame *f)
{
    e01g3_frame *self = (e01g3_frame *)f;
    HOP_BEGIN(g, self);
    self->e = e01_value(&self->x);
    if (self->e != 0)
        HOP_RAISE(self, self->e);
    HOP_YIELD(self, self->x);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    e01g3_frame g3;
} e01v_frame;

/* Variant G1: record "about to delegate"; DELEGATE G3();
 * record "not reached" */
static hop_step e01v(hop_gen *g, hop_frame *f)
{
    e01v_frame *self = (e01v_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("about to delegate");
    hop_frame_init(&self->g3.hdr, e01g3, HOP_GENERATOR);
    HOP_AWAIT(self, &self->g3.hdr);
    tr_add("not reached");
    HOP_END(self);
}

static void ERR_01(void)
{
    e01g1_frame fr;
    e01v_frame fv;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, e01g1, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_STREQ(hop_gen_exc(&g)->msg, "spanish inquisition occurred");
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT("G1 starts", "G2 starts", "G2 finishing", "G1 finishing");

    /* Variant: G3 fails while computing its first yield's value. */
    tr_reset();
    T_EQ(hop_frame_init(&fv.hdr, e01v, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fv.hdr), HOP_OK);
    v = 0;
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, E_B);
    T_EQ(hop_gen_exc(&g)->code, E_B);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT("about to delegate");
}

/* -- ERR-02: an error from the child caught at the delegation point ----- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} e02in_frame;

/* Inner: try { yield "i1"; raise E_A } cleanup { record "inner cleanup" } */
static hop_step e02in(hop_gen *g, hop_frame *f)
{
    e02in_frame *self = (e02in_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, "i1");
        HOP_RAISE(self, E_A);
    HOP_FINALLY(self);
        tr_add("inner cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    e02in_frame in;
} e02out_frame;

/* Outer: try { r = DELEGATE Inner(); record "not reached" }
 * handler E_A { record "outer caught E_A" }; yield "recovered"; return 7 */
static hop_step e02out(hop_gen *g, hop_frame *f)
{
    e02out_frame *self = (e02out_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->in.hdr, e02in, HOP_GENERATOR);
        HOP_AWAIT(self, &self->in.hdr);
        tr_add("not reached");
    HOP_CATCH(self, E_A);
        tr_add("outer caught E_A");
    HOP_END_TRY(self);
    HOP_YIELD(self, "recovered");
    HOP_RETURN(self, 7);
    HOP_END(self);
}

static void ERR_02(void)
{
    e02out_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, e02out, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_STREQ((const char *)v, "i1");
    TR_EXPECT_NONE();
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_STREQ((const char *)v, "recovered");
    TR_EXPECT("inner cleanup", "outer caught E_A");
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 7);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT("inner cleanup", "outer caught E_A");
}

const t_case t_cases_conf_err[] = {
    T_CASE(ERR_01),
    T_CASE(ERR_02),
    T_END,
};
