/*
 * test/conformance/ret.c: return values (PEP 380), cases RET-01 to RET-03
 * of CASES.md (RET-03: the driver half only).
 */
#include "t.h"

/*
 * X: values a careless implementation could take for a status, the
 * trampoline's Return tag and one of hop's error codes. Each case that
 * uses X runs once per value; the trace names the current one "X".
 */
static const hop_value xs[] = {(hop_value)HOP_STEP_RETURN,
                               (hop_value)HOP_EEXIT};
#define NX ((int)(sizeof xs / sizeof xs[0]))

/* (2,): a pointer to a small static struct, compared by identity. */
static const struct {
    int a;
} two = {2};
#define P2 ((hop_value)(const void *)&two)

/* Name the pointer value (2,) and the value X in traces. */
static void names(hop_value x)
{
    t_names_reset();
    t_name(P2, "(2,)");
    t_name(x, "X");
}

/* -- RET-01: a child's return value is delivered at the delegation point - */

typedef struct {
    hop_frame hdr;
    hop_value v; /* what to return */
} r01g2_frame;

/* G2(v): record "G2 starts"; yield "g2 spam"; yield "g2 more spam";
 * record "G2 finishes"; return v */
static hop_step r01g2(hop_gen *g, hop_frame *f)
{
    r01g2_frame *self = (r01g2_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G2 starts");
    HOP_YIELD(self, "g2 spam");
    HOP_YIELD(self, "g2 more spam");
    tr_add("G2 finishes");
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    r01g2_frame g2;
    hop_value x; /* X of this run */
    int i;
} r01g1_frame;

/* G1: record "G1 starts"; yield "g1 ham"; r = DELEGATE G2(); record;
 * then for v in 1, (2,), X: r = DELEGATE G2(v); record;
 * yield "g1 eggs"; record "G1 finishes" */
static hop_step r01g1(hop_gen *g, hop_frame *f)
{
    r01g1_frame *self = (r01g1_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("G1 starts");
    HOP_YIELD(self, "g1 ham");
    hop_frame_init(&self->g2.hdr, r01g2, HOP_GENERATOR);
    self->g2.v = HOP_EMPTY;
    HOP_AWAIT(self, &self->g2.hdr);
    tr_addv("G2 returned ", HOP_VALUE(self));
    for (self->i = 0; self->i < 3; self->i++) {
        hop_frame_init(&self->g2.hdr, r01g2, HOP_GENERATOR);
        self->g2.v = self->i == 0 ? 1 : self->i == 1 ? P2 : self->x;
        HOP_AWAIT(self, &self->g2.hdr);
        tr_addv("G2 returned ", HOP_VALUE(self));
    }
    HOP_YIELD(self, "g1 eggs");
    tr_add("G1 finishes");
    HOP_END(self);
}

static void RET_01(void)
{
    r01g1_frame fr;
    hop_gen g;
    hop_value v = 0;
    int k, r;

    for (k = 0; k < NX; k++) {
        tr_reset();
        names(xs[k]);
        fr.x = xs[k];
        T_EQ(hop_frame_init(&fr.hdr, r01g1, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
        while ((r = hop_gen_next(&g, &v)) == HOP_YIELDED)
            tr_add2("got ", (const char *)v);
        T_EQ(r, HOP_RETURNED);
        T_EQ(v, HOP_EMPTY);
        TR_EXPECT("G1 starts", "got g1 ham",
                  "G2 starts", "got g2 spam", "got g2 more spam",
                  "G2 finishes", "G2 returned EMPTY",
                  "G2 starts", "got g2 spam", "got g2 more spam",
                  "G2 finishes", "G2 returned 1",
                  "G2 starts", "got g2 spam", "got g2 more spam",
                  "G2 finishes", "G2 returned (2,)",
                  "G2 starts", "got g2 spam", "got g2 more spam",
                  "G2 finishes", "G2 returned X",
                  "got g1 eggs", "G1 finishes");
    }
}

/* -- RET-02: a direct driver sees the return value on next and on send -- */

typedef struct {
    hop_frame hdr;
    hop_value r; /* what to return */
} r02g_frame;

/* Record a value that is EMPTY or a string. */
static void tr_str(const char *a, hop_value v)
{
    if (v == HOP_EMPTY)
        tr_addv(a, v);
    else
        tr_add2(a, (const char *)v);
}

/* G(r): record "g starting"; x = yield; record "g received <x>";
 * record "g returning <r>"; return r */
static hop_step r02g(hop_gen *g, hop_frame *f)
{
    r02g_frame *self = (r02g_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("g starting");
    HOP_YIELD(self, HOP_EMPTY);
    tr_str("g received ", HOP_VALUE(self));
    tr_addv("g returning ", self->r);
    HOP_RETURN(self, self->r);
    HOP_END(self);
}

/* The driver F(r): start G(r), then next (send == 0) or send("spam"). */
static void r02_drive(hop_value r, int send)
{
    r02g_frame fr;
    hop_gen g;
    hop_value v = 0;
    int rc;

    T_EQ(hop_frame_init(&fr.hdr, r02g, HOP_GENERATOR), HOP_OK);
    fr.r = r;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, HOP_EMPTY);
    if (send) {
        tr_add("f sending spam");
        rc = hop_gen_send(&g, (hop_value) "spam", &v);
    } else {
        tr_add("f resuming g");
        rc = hop_gen_next(&g, &v);
    }
    T_EQ(rc, HOP_RETURNED);
    T_EQ(v, r);
    tr_addv("f saw DONE ", v);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
}

typedef struct {
    hop_frame hdr;
} r02h_frame;

/* H: return (yield 1) */
static hop_step r02h(hop_gen *g, hop_frame *f)
{
    r02h_frame *self = (r02h_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void RET_02(void)
{
    static const char *const ret_of[4] = {
        "g returning EMPTY", "g returning 1", "g returning (2,)",
        "g returning X"};
    static const char *const done_of[4] = {
        "f saw DONE EMPTY", "f saw DONE 1", "f saw DONE (2,)",
        "f saw DONE X"};
    r02h_frame h;
    hop_gen g;
    hop_value v = 0;
    int k, j, send;

    for (k = 0; k < NX; k++) {
        hop_value rs[4];

        rs[0] = HOP_EMPTY;
        rs[1] = 1;
        rs[2] = P2;
        rs[3] = xs[k];
        names(xs[k]);
        for (j = 0; j < 4; j++) {
            for (send = 0; send < 2; send++) {
                const char *exp[5];

                exp[0] = "g starting";
                exp[1] = send ? "f sending spam" : "f resuming g";
                exp[2] = send ? "g received spam" : "g received EMPTY";
                exp[3] = ret_of[j];
                exp[4] = done_of[j];
                tr_reset();
                r02_drive(rs[j], send);
                tr_check(exp, 5, __FILE__, __LINE__);
            }
        }
    }

    /* Variant H: send((2,)) comes back as the return value. */
    T_EQ(hop_frame_init(&h.hdr, r02h, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &h.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_send(&g, P2, &v), HOP_RETURNED);
    T_ASSERT(v == P2);

    /* A fresh H: a sent X comes back as the plain return value. */
    for (k = 0; k < NX; k++) {
        T_EQ(hop_frame_init(&h.hdr, r02h, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &h.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
        T_EQ(v, 1);
        v = 0;
        T_EQ(hop_gen_send(&g, xs[k], &v), HOP_RETURNED);
        T_EQ(v, xs[k]);
        T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    }
}

/* -- RET-03: a child that returns without suspending -------------------- */

static int r03_empty_runs;

typedef struct {
    hop_frame hdr;
} r03e_frame;

/* Empty: returns at once without yielding. */
static hop_step r03e(hop_gen *g, hop_frame *f)
{
    r03e_frame *self = (r03e_frame *)f;
    HOP_BEGIN(g, self);
    r03_empty_runs++;
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    r03e_frame child;
} r03g_frame;

/* G: DELEGATE Empty(); return */
static hop_step r03g(hop_gen *g, hop_frame *f)
{
    r03g_frame *self = (r03g_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->child.hdr, r03e, HOP_GENERATOR);
    HOP_AWAIT(self, &self->child.hdr);
    HOP_RETURN(self, HOP_EMPTY);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
} r03bar_frame;

/* bar: return 42 */
static hop_step r03bar(hop_gen *g, hop_frame *f)
{
    r03bar_frame *self = (r03bar_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, 42);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    r03bar_frame bar;
} r03foo_frame;

/* foo: return DELEGATE bar() */
static hop_step r03foo(hop_gen *g, hop_frame *f)
{
    r03foo_frame *self = (r03foo_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->bar.hdr, r03bar, HOP_GENERATOR);
    HOP_AWAIT(self, &self->bar.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void RET_03(void)
{
    r03g_frame ga;
    r03foo_frame foo;
    hop_gen g;
    hop_value v = 0;
    int r, yields, sends;

    /* A: the first resume of G gives DONE EMPTY; no YIELD is ever seen. */
    r03_empty_runs = 0;
    T_EQ(hop_frame_init(&ga.hdr, r03g, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &ga.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(r03_empty_runs, 1);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(r03_empty_runs, 1);

    /* B: a driver sending EMPTY until done gets DONE 42 from its first
     * send and sees no yields at all. */
    T_EQ(hop_frame_init(&foo.hdr, r03foo, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &foo.hdr), HOP_OK);
    yields = 0;
    sends = 0;
    do {
        v = 0;
        r = hop_gen_send(&g, HOP_EMPTY, &v);
        sends++;
        if (r == HOP_YIELDED)
            yields++;
    } while (r == HOP_YIELDED && sends < 10);
    T_EQ(yields, 0);
    T_EQ(sends, 1);
    T_EQ(r, HOP_RETURNED);
    T_EQ(v, 42);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT_NONE();
}

const t_case t_cases_conf_ret[] = {
    T_CASE(RET_01),
    T_CASE(RET_02),
    T_CASE(RET_03),
    T_END,
};
