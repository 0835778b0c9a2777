/*
 * test/conformance/mis.c: misuse is an error, never undefined behaviour,
 * cases MIS-01 to MIS-04 of CASES.md.
 */
#include "t.h"

#define E_A 1001
#define E_M 1013

typedef struct {
    hop_frame hdr;
} one_yield_frame;

/* -- MIS-01: a non-EMPTY send to a just-started generator ---------------- */

static int m01_entries; /* entries into g's step function */

/* g: yield 1 */
static hop_step m01_body(hop_gen *g, hop_frame *f)
{
    one_yield_frame *self = (one_yield_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_END(self);
}

/* g's step function: counts every entry, then runs the body. */
static hop_step m01_g(hop_gen *g, hop_frame *f)
{
    m01_entries++;
    return m01_body(g, f);
}

static void MIS_01(void)
{
    one_yield_frame fr, fr2;
    hop_gen g, g2;
    hop_value v = 0;

    m01_entries = 0;
    hop_frame_init(&fr.hdr, m01_g, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(hop_gen_send(&g, 0, &v), HOP_ENOTSTARTED);
    T_EQ(m01_entries, 0);
    T_EQ(hop_gen_state(&g), HOP_STATE_CREATED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);

    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(m01_entries, 1);

    /* send(EMPTY) to another new g starts it normally. */
    hop_frame_init(&fr2.hdr, m01_g, HOP_GENERATOR);
    hop_gen_init(&g2, &fr2.hdr);
    v = 0;
    T_EQ(hop_gen_send(&g2, HOP_EMPTY, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(m01_entries, 2);
}

/* -- MIS-02: a generator that resumes itself ----------------------------- */

typedef struct {
    hop_frame hdr;
    hop_gen *me; /* the handle driving this very frame */
    int r;       /* outcome of the inner resume */
    hop_value i;
} m02_frame;

static int m02_entries, m02_depth, m02_maxdepth;

/* me: i = <resume me with next>; yield i */
static hop_step m02_body(hop_gen *g, hop_frame *f)
{
    m02_frame *self = (m02_frame *)f;
    HOP_BEGIN(g, self);
    self->i = HOP_EMPTY;
    self->r = hop_gen_next(self->me, &self->i);
    tr_add2("inner resume: ", hop_err_name(self->r));
    T_EQ(hop_gen_state(self->me), HOP_STATE_RUNNING);
    if (self->r < 0)
        HOP_RAISE(self, self->r);
    HOP_YIELD(self, self->i);
    HOP_END(self);
}

/* me's step function: counts entries and nesting of entries. */
static hop_step m02_me(hop_gen *g, hop_frame *f)
{
    hop_step s;

    m02_entries++;
    if (++m02_depth > m02_maxdepth)
        m02_maxdepth = m02_depth;
    s = m02_body(g, f);
    m02_depth--;
    return s;
}

static void MIS_02(void)
{
    m02_frame fr;
    hop_gen g;
    hop_value v = 0;

    m02_entries = m02_depth = m02_maxdepth = 0;
    fr.me = &g;
    hop_frame_init(&fr.hdr, m02_me, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ERUNNING);
    T_EQ(hop_gen_exc(&g)->code, HOP_ERUNNING);
    TR_EXPECT("inner resume: HOP_ERUNNING");
    T_EQ(m02_entries, 1);
    T_EQ(m02_maxdepth, 1);

    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(m02_entries, 1);
}

/* -- MIS-03: recovering from "already running" at a delegation point ----- */

static hop_frame *m03_g1; /* the root frame of the running outermost one */
static int m03_caught;    /* runs of two's ERR_RUNNING handler */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} two_frame;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    two_frame two;
} one_frame;

/* two: yield 1; try { DELEGATE g1 } handler ERR_RUNNING { }; yield 2 */
static hop_step m03_two(hop_gen *g, hop_frame *f)
{
    two_frame *self = (two_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_TRY(self);
        HOP_AWAIT(self, m03_g1);
    HOP_CATCH(self, HOP_ERUNNING);
        m03_caught++;
    HOP_END_TRY(self);
    HOP_YIELD(self, 2);
    HOP_END(self);
}

/* one: yield 0; DELEGATE two(); yield 3 */
static hop_step m03_one(hop_gen *g, hop_frame *f)
{
    one_frame *self = (one_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 0);
    hop_frame_init(&self->two.hdr, m03_two, HOP_GENERATOR);
    HOP_AWAIT(self, &self->two.hdr);
    HOP_YIELD(self, 3);
    HOP_END(self);
}

/* The variant of two with each yield in try { } handler E_M { }. */
static hop_step m03_two_t(hop_gen *g, hop_frame *f)
{
    two_frame *self = (two_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
    HOP_CATCH(self, E_M);
    HOP_END_TRY(self);
    HOP_TRY(self);
        HOP_AWAIT(self, m03_g1);
    HOP_CATCH(self, HOP_ERUNNING);
        m03_caught++;
    HOP_END_TRY(self);
    HOP_TRY(self);
        HOP_YIELD(self, 2);
    HOP_CATCH(self, E_M);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* The variant of one with each yield in try { } handler E_M { }. */
static hop_step m03_one_t(hop_gen *g, hop_frame *f)
{
    one_frame *self = (one_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 0);
    HOP_CATCH(self, E_M);
    HOP_END_TRY(self);
    hop_frame_init(&self->two.hdr, m03_two_t, HOP_GENERATOR);
    HOP_AWAIT(self, &self->two.hdr);
    HOP_TRY(self);
        HOP_YIELD(self, 3);
    HOP_CATCH(self, E_M);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* How the driver resumes g1 after the start. */
enum { M03_NEXT, M03_SEND, M03_THROW };

/* Start g1 (one_fn as root), then resume it the given way until it is
 * done, recording each yielded value; return the final outcome. */
static int m03_drive(one_frame *fr, hop_gen *g, hop_fn one_fn, int how,
                     hop_value *v)
{
    int r;

    m03_caught = 0;
    m03_g1 = &fr->hdr;
    T_EQ(hop_frame_init(&fr->hdr, one_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &fr->hdr), HOP_OK);
    r = hop_gen_start(g, v);
    while (r == HOP_YIELDED) {
        tr_addv("", *v);
        if (how == M03_NEXT)
            r = hop_gen_next(g, v);
        else if (how == M03_SEND)
            r = hop_gen_send(g, 42, v);
        else
            r = hop_gen_throw(g, E_M, NULL, v);
    }
    return r;
}

static void MIS_03(void)
{
    one_frame fr;
    hop_gen g;
    hop_value v = 0;

    /* Drained with next. */
    T_EQ(m03_drive(&fr, &g, m03_one, M03_NEXT, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("0", "1", "2", "3");
    T_EQ(m03_caught, 1);

    /* Driven by send(42) after the start. */
    tr_reset();
    T_EQ(m03_drive(&fr, &g, m03_one, M03_SEND, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("0", "1", "2", "3");
    T_EQ(m03_caught, 1);

    /* Variant: every yield catches E_M; throw(E_M) until DONE. */
    tr_reset();
    T_EQ(m03_drive(&fr, &g, m03_one_t, M03_THROW, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("0", "1", "2", "3");
    T_EQ(m03_caught, 1);
}

/* -- MIS-04: resuming a finished generator ------------------------------- */

static int m04_entries; /* entries into the step functions of f and k */

/* Case A, f: yield 1; return */
static hop_step m04_f_body(hop_gen *g, hop_frame *f)
{
    one_yield_frame *self = (one_yield_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_RETURN(self, HOP_EMPTY);
    HOP_END(self);
}

static hop_step m04_f(hop_gen *g, hop_frame *f)
{
    m04_entries++;
    return m04_f_body(g, f);
}

/* A plain call that fails with E_A (Python: 1 // 0). */
static int m04_compute(hop_value *out)
{
    (void)out;
    return E_A;
}

typedef struct {
    hop_frame hdr;
    int err;
    hop_value x;
} k_frame;

/* Case B, k: yield <value computed by a call that raises E_A>; yield 42 */
static hop_step m04_k_body(hop_gen *g, hop_frame *f)
{
    k_frame *self = (k_frame *)f;
    HOP_BEGIN(g, self);
    self->err = m04_compute(&self->x);
    if (self->err != 0)
        HOP_RAISE(self, self->err);
    HOP_YIELD(self, self->x);
    HOP_YIELD(self, 42);
    HOP_END(self);
}

static hop_step m04_k(hop_gen *g, hop_frame *f)
{
    m04_entries++;
    return m04_k_body(g, f);
}

static void MIS_04(void)
{
    one_yield_frame fr;
    k_frame k;
    hop_gen g;
    hop_value v = 0;

    /* Case A. */
    m04_entries = 0;
    hop_frame_init(&fr.hdr, m04_f, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(m04_entries, 2);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(m04_entries, 2);

    /* Case B. */
    m04_entries = 0;
    hop_frame_init(&k.hdr, m04_k, HOP_GENERATOR);
    hop_gen_init(&g, &k.hdr);
    T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_EQ(m04_entries, 1);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(m04_entries, 1);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(m04_entries, 1);
}

const t_case t_cases_conf_mis[] = {
    T_CASE(MIS_01),
    T_CASE(MIS_02),
    T_CASE(MIS_03),
    T_CASE(MIS_04),
    T_END,
};
