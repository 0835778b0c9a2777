/*
 * test/conformance/common.c: the coroutines that several cases of
 * CASES.md share, and the helpers of the task cases; see common.h. No
 * cases of its own.
 */
#include "common.h"

const char cc_s_g1_ham[] = "g1 ham";
const char cc_s_g1_eggs[] = "g1 eggs";
const char cc_s_g2_spam[] = "g2 spam";
const char cc_s_g2_more[] = "g2 more spam";
const char cc_s_first[] = "first";
const char cc_s_second[] = "second";
const char cc_s_returned[] = "returned";

/* -- G1 and G2 of THR-01 ------------------------------------------------- */

hop_step cc_thr01_g2(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("G2 starts");
        HOP_YIELD(self, T_SV(cc_s_g2_spam));
        HOP_YIELD(self, T_SV(cc_s_g2_more));
    HOP_FINALLY(self);
        tr_add("G2 finishing");
    HOP_END_TRY(self);
    HOP_END(self);
}

hop_step cc_thr01_g1(hop_gen *g, hop_frame *f)
{
    cc_thr01_g1_frame *self = (cc_thr01_g1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("G1 starts");
        HOP_YIELD(self, T_SV(cc_s_g1_ham));
        hop_frame_init(&self->g2.hdr, self->g2_fn, HOP_GENERATOR);
        HOP_AWAIT(self, &self->g2.hdr);
        HOP_YIELD(self, T_SV(cc_s_g1_eggs));
    HOP_FINALLY(self);
        tr_add("G1 finishing");
    HOP_END_TRY(self);
    HOP_END(self);
}

void cc_thr01_next_twice(cc_thr01_g1_frame *fr, hop_gen *g, hop_fn g2_fn)
{
    hop_value v = 0;

    t_name_str(cc_s_g1_ham);
    t_name_str(cc_s_g1_eggs);
    t_name_str(cc_s_g2_spam);
    t_name_str(cc_s_g2_more);
    fr->g2_fn = g2_fn;
    T_EQ(hop_frame_init(&fr->hdr, cc_thr01_g1, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &fr->hdr), HOP_OK);
    T_EQ(hop_gen_next(g, &v), HOP_YIELDED);
    tr_addv("got ", v);
    T_EQ(hop_gen_next(g, &v), HOP_YIELDED);
    tr_addv("got ", v);
}

/* -- Inner and Outer of THR-04 ------------------------------------------- */

hop_step cc_thr04_inner(hop_gen *g, hop_frame *f)
{
    cc_try1_frame *self = (cc_try1_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, T_SV(cc_s_first));
    HOP_FINALLY(self);
        HOP_YIELD(self, T_SV(cc_s_second));
    HOP_END_TRY(self);
    HOP_RETURN(self, T_SV(cc_s_returned));
    HOP_END(self);
}

hop_step cc_thr04_outer(hop_gen *g, hop_frame *f)
{
    cc_thr04_outer_frame *self = (cc_thr04_outer_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->inner.hdr, self->inner_fn, HOP_GENERATOR);
    HOP_AWAIT(self, &self->inner.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

/* -- F of DLG-03 C and THR-03 A ------------------------------------------ */

hop_step cc_return_yield(hop_gen *g, hop_frame *f)
{
    cc_plain_frame *self = (cc_plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, HOP_EMPTY);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

/* -- tasks: errors, J and the canceller ----------------------------------- */

const char *cc_err_str(int e)
{
    switch (e) {
    case HOP_ECANCELED:
        return "CANCELLED";
    case HOP_ETIMEDOUT:
        return "TIMED_OUT";
    default:
        return hop_err_name(e);
    }
}

hop_step cc_joiner(hop_gen *g, hop_frame *f)
{
    cc_joiner_frame *self = (cc_joiner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_join(&self->j, self->t));
        tr_addv("joined ", HOP_VALUE(self));
    HOP_CATCH_ALL(self);
        tr_add2("join raised ", self->err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

void cc_spawn_joiner(hop_task *j, cc_joiner_frame *jf, hop_loop *l,
                     hop_task *t, cc_err_fn err_str)
{
    t_fill(jf, sizeof *jf, 0);
    jf->t = t;
    jf->err_str = err_str;
    t_spawn(j, l, &jf->hdr, cc_joiner, NULL);
}

hop_step cc_canceller(hop_gen *g, hop_frame *f)
{
    cc_canceller_frame *self = (cc_canceller_frame *)f;
    HOP_BEGIN(g, self);
    self->r = hop_task_cancel(self->t, NULL);
    HOP_END(self);
}
