/*
 * test/gen/misuse_frames.c: misuse inside coroutines is an error code:
 * a finished root resumed, awaiting a finished, running, NULL or
 * uninitialised frame, HOP_RAISE with code 0, HOP_TRIES out of place, a
 * step function returning garbage; and values that look like internals
 * travel untouched.
 */
#include "t.h"
#include "misuse.h"

static int w_obj;

static int same_bytes(const void *p, const void *q, size_t n)
{
    const unsigned char *a = (const unsigned char *)p;
    const unsigned char *b = (const unsigned char *)q;

    while (n-- > 0)
        if (*a++ != *b++)
            return 0;
    return 1;
}

/* Returns 3 at once. */
static hop_step ret3_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("ret3 runs");
    HOP_RETURN(self, 3);
    HOP_END(self);
}

/* -- a finished coroutine root cannot be resumed ---------------------------- */

static hop_step raise_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("raise runs");
    HOP_RAISE(self, E_A);
    HOP_END(self);
}

static void check_reused(hop_gen *g, hop_frame *root)
{
    hop_value v = 0;

    T_EQ(hop_gen_next(g, &v), HOP_EREUSED);
    T_EQ(hop_gen_send(g, 5, &v), HOP_EREUSED);
    T_EQ(hop_gen_send(g, HOP_EMPTY, &v), HOP_EREUSED);
    T_EQ(hop_gen_throw(g, E_A, NULL, &v), HOP_EREUSED);
    T_EQ(hop_gen_throw(g, HOP_EEXIT, NULL, &v), HOP_EREUSED);
    T_EQ(hop_gen_start(g, &v), HOP_ESTATE);
    T_EQ(hop_gen_state(g), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(root), HOP_STATE_FINISHED);
    v = 0;
    T_EQ(hop_gen_close(g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_next(g, &v), HOP_EREUSED);
    T_EQ(hop_gen_state(g), HOP_STATE_FINISHED);
    T_EQ(hop_gen_cleanup(g), HOP_OK);
}

static void mis_reused_root(void)
{
    plain_frame fr;
    hop_gen g;
    hop_value v = 0;

    /* Returned. */
    T_EQ(hop_frame_init(&fr.hdr, ret3_fn, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, 3);
    check_reused(&g, &fr.hdr);
    TR_EXPECT("ret3 runs");

    /* Raised. */
    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, raise_fn, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    check_reused(&g, &fr.hdr);
    TR_EXPECT("raise runs");

    /* Closed while suspended. */
    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    check_reused(&g, &fr.hdr);
    TR_EXPECT("start");

    /* A generator root answers HOP_RETURNED / HOP_EMPTY instead. */
    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, ret3_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, 3);
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    v = 0;
    T_EQ(hop_gen_send(&g, 5, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_throw(&g, E_A, "thrown", &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_gen_exc(&g)->code, E_A);
    T_STREQ(hop_gen_exc(&g)->msg, "thrown");
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT("ret3 runs");
}

/* -- awaiting a finished frame ------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    plain_frame c;
    int err;
} aw_frame;

static int awc_line;

static hop_step awc_child(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("child runs");
    HOP_YIELD(self, 1);
    HOP_RETURN(self, 4);
    HOP_END(self);
}

static hop_step awc_fn(hop_gen *g, hop_frame *f)
{
    aw_frame *self = (aw_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, awc_child, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    tr_addv("first ", HOP_VALUE(self));
    self->err = 0;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("second err ", self->err);
    T_EQ(hop_frame_state(&self->c.hdr), HOP_STATE_FINISHED);
    HOP_TRY(self);
        awc_line = __LINE__; HOP_AWAIT(self, &self->c.hdr);
        tr_add("not reached");
    HOP_CATCH(self, HOP_EREUSED);
        tr_add("caught at the await");
        T_ASSERT(hop_gen_exc(g)->msg == NULL);
#if HOP_CONF_TRACE > 0
        T_EQ(hop_gen_exc(g)->ntrace, 1);
        T_EQ(hop_gen_exc(g)->trace[0].line, awc_line);
#endif
    HOP_END_TRY(self);
    HOP_AWAIT(self, &self->c.hdr);
    tr_add("not reached 2");
    HOP_END(self);
}

static void mis_await_finished_coroutine(void)
{
    aw_frame p;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&p.hdr, awc_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_EREUSED);
    T_EQ(hop_gen_exc(&g)->code, HOP_EREUSED);
    TR_EXPECT("child runs", "first 4", "second err -4013",
              "caught at the await");
}

static hop_step awg_child(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("child runs");
    HOP_YIELD(self, 1);
    if (HOP_VALUE(self) == 66)
        HOP_RAISE(self, E_A);
    HOP_RETURN(self, 4);
    HOP_END(self);
}

static hop_step awg_fn(hop_gen *g, hop_frame *f)
{
    aw_frame *self = (aw_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, awg_child, HOP_GENERATOR);
    self->err = 0;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("first err ", self->err);
    T_EQ(hop_frame_state(&self->c.hdr), HOP_STATE_FINISHED);
    HOP_AWAIT(self, &self->c.hdr);
    tr_addv("second ", HOP_VALUE(self));
    T_EQ(hop_gen_depth(g), 1);
    self->err = -1;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("third err ", self->err);
    tr_addv("third ", HOP_VALUE(self));
    HOP_YIELD(self, 9);
    HOP_END(self);
}

static void mis_await_finished_generator(void)
{
    aw_frame p;
    hop_gen g;
    hop_value v = 0;
    int send;

    /* The child returned, then it raised: awaits give HOP_EMPTY. */
    for (send = 0; send < 2; send++) {
        tr_reset();
        T_EQ(hop_frame_init(&p.hdr, awg_fn, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
        T_EQ(v, 1);
        T_EQ(hop_gen_send(&g, send ? 66 : 1, &v), HOP_YIELDED);
        T_EQ(v, 9);
        T_EQ(hop_gen_depth(&g), 1);
        if (send)
            TR_EXPECT("child runs", "first err 1001", "second EMPTY",
                      "third err 0", "third EMPTY");
        else
            TR_EXPECT("child runs", "first err 0", "second EMPTY",
                      "third err 0", "third EMPTY");
        T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    }
}

/* -- awaiting a running frame ---------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_frame *target;
    int err;
} arc_frame;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    arc_frame c;
    int err;
} arp_frame;

static hop_frame *ar_other;
static int ar_line;

/* The child awaits its own caller. */
static hop_step arc_fn(hop_gen *g, hop_frame *f)
{
    arc_frame *self = (arc_frame *)f;
    HOP_BEGIN(g, self);
    self->err = 0;
    HOP_AWAIT_CATCH(self, self->target, self->err);
    tr_addv("child awaits its caller: ", self->err);
    T_EQ(hop_frame_state(self->target), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_depth(g), 2);
    HOP_YIELD(self, 3);
    HOP_RETURN(self, 5);
    HOP_END(self);
}

static hop_step arp_fn(hop_gen *g, hop_frame *f)
{
    arp_frame *self = (arp_frame *)f;
    HOP_BEGIN(g, self);
    self->err = 0;
    HOP_AWAIT_CATCH(self, &self->hdr, self->err);
    tr_addv("self await: ", self->err);
    T_EQ(hop_gen_depth(g), 1);
    hop_frame_init(&self->c.hdr, arc_fn, HOP_COROUTINE);
    self->c.target = &self->hdr;
    HOP_AWAIT(self, &self->c.hdr);
    tr_addv("child returned ", HOP_VALUE(self));
    self->err = 0;
    HOP_AWAIT_CATCH(self, ar_other, self->err);
    tr_addv("other handle's root: ", self->err);
    HOP_TRY(self);
        ar_line = __LINE__; HOP_AWAIT(self, &self->hdr);
        tr_add("not reached");
    HOP_CATCH(self, HOP_ERUNNING);
        tr_add("caught at the await");
        T_ASSERT(hop_gen_exc(g)->msg == NULL);
#if HOP_CONF_TRACE > 0
        T_EQ(hop_gen_exc(g)->ntrace, 1);
        T_EQ(hop_gen_exc(g)->trace[0].line, ar_line);
#endif
    HOP_END_TRY(self);
    HOP_RETURN(self, 1);
    HOP_END(self);
}

static void mis_await_running(void)
{
    arp_frame p;
    plain_frame other;
    hop_gen g, g2;
    hop_value v = 0;

    /* Another handle's suspended root. */
    T_EQ(hop_frame_init(&other.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g2, &other.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g2, &v), HOP_YIELDED);
    ar_other = &other.hdr;

    T_EQ(hop_frame_init(&p.hdr, arp_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 3);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 1);
    TR_EXPECT("start", "self await: -4010", "child awaits its caller: -4010",
              "child returned 5", "other handle's root: -4010",
              "caught at the await");
    /* The other generator was not disturbed. */
    T_EQ(hop_frame_state(&other.hdr), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_send(&g2, 8, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g2, &v), HOP_RETURNED);
    T_EQ(v, 3);
}

/* -- awaiting NULL or an uninitialised frame ------------------------------- */

static hop_frame *an_target;

static hop_step an_fn(hop_gen *g, hop_frame *f)
{
    aw_frame *self = (aw_frame *)f;
    HOP_BEGIN(g, self);
    self->err = 0;
    HOP_AWAIT_CATCH(self, an_target, self->err);
    tr_addv("err ", self->err);
    HOP_TRY(self);
        HOP_AWAIT(self, an_target);
        tr_add("not reached");
    HOP_CATCH(self, HOP_EINVAL);
        tr_add("caught");
    HOP_END_TRY(self);
    HOP_AWAIT(self, an_target);
    tr_add("not reached 2");
    HOP_END(self);
}

static void mis_await_null_uninit(void)
{
    static const unsigned char pats[] = {0x00, 0xa5, 0xff};
    aw_frame p;
    plain_frame bad, copy;
    hop_gen g;
    hop_value v = 0;
    unsigned i;

    for (i = 0; i <= sizeof pats; i++) {
        tr_reset();
        if (i == sizeof pats) {
            an_target = NULL;
        } else {
            t_fill(&bad, sizeof bad, pats[i]);
            t_fill(&copy, sizeof copy, pats[i]);
            an_target = &bad.hdr;
        }
        T_EQ(hop_frame_init(&p.hdr, an_fn, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
        T_EQ(v, HOP_EINVAL);
        T_EQ(hop_gen_exc(&g)->code, HOP_EINVAL);
        TR_EXPECT("err -4001", "caught");
        if (an_target != NULL)
            T_ASSERT(same_bytes(&bad, &copy, sizeof bad));
    }
}

/* -- HOP_RAISE with code 0 ------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} try_frame;

static hop_step rz_fn(hop_gen *g, hop_frame *f)
{
    try_frame *self = (try_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_RAISE(self, 0);
        tr_add("not reached");
    HOP_CATCH(self, HOP_EINVAL);
        tr_addv("caught ", HOP_ERROR(self));
        tr_add2("msg ", HOP_ERROR_MSG(self));
    HOP_CATCH_ANY(self);
        tr_addv("wrong ", HOP_ERROR(self));
    HOP_END_TRY(self);
    HOP_RAISE_MSG(self, 0, "zero");
    tr_add("not reached 2");
    HOP_END(self);
}

static void mis_raise_zero(void)
{
    try_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, rz_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_EINVAL);
    T_EQ(hop_gen_exc(&g)->code, HOP_EINVAL);
    T_STREQ(hop_gen_exc(&g)->msg, "error code 0 raised");
    TR_EXPECT("caught -4001", "msg error code 0 raised");
}

/* -- HOP_TRIES not right after the header ---------------------------------- */

typedef struct {
    hop_frame hdr;
    int misplaced;
    HOP_TRIES(1);
} tm_frame;

static hop_step tm_fn(hop_gen *g, hop_frame *f)
{
    tm_frame *self = (tm_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("before");
    HOP_TRY(self);
        tr_add("body");
    HOP_CATCH_ANY(self);
        tr_add("handler");
    HOP_FINALLY(self);
        tr_add("cleanup");
    HOP_END_TRY(self);
    HOP_RETURN(self, 1);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    tm_frame c;
    int err;
} tmp_frame;

static hop_step tm_parent(hop_gen *g, hop_frame *f)
{
    tmp_frame *self = (tmp_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, tm_fn, HOP_COROUTINE);
    self->err = 0;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("child err ", self->err);
    HOP_RETURN(self, 2);
    HOP_END(self);
}

static void mis_tries_misplaced(void)
{
    tm_frame fr;
    tmp_frame p;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, tm_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_EINVAL);
    T_EQ(hop_gen_exc(&g)->code, HOP_EINVAL);
    T_STREQ(hop_gen_exc(&g)->msg,
            "HOP_TRIES must directly follow the frame header");
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_FINISHED);
    TR_EXPECT("before");

    tr_reset();
    T_EQ(hop_frame_init(&p.hdr, tm_parent, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, 2);
    TR_EXPECT("before", "child err -4001");
}

/* -- a step function returning garbage -------------------------------------- */

static hop_step bad_rec;

static hop_step bad_fn(hop_gen *g, hop_frame *f)
{
    (void)g;
    (void)f;
    tr_add("bad step");
    return bad_rec;
}

typedef struct {
    hop_frame hdr;
    plain_frame c;
    int err;
} bp_frame;

static hop_step bad_parent(hop_gen *g, hop_frame *f)
{
    bp_frame *self = (bp_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, bad_fn, HOP_GENERATOR);
    self->err = 0;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("child err ", self->err);
    HOP_RETURN(self, 7);
    HOP_END(self);
}

static void mis_bad_step_record(void)
{
    static const struct {
        intptr_t op;
        hop_value v;
    } recs[] = {
        {0, 0},
        {0, 5},
        {6, 1},
        {99, 5},
        {-1, HOP_EINVAL},
        {INTPTR_MAX, 1},
        {INTPTR_MIN, 1},
        {HOP_STEP_RAISE, 0},
#if INTPTR_MAX > INT32_MAX
        {HOP_STEP_RAISE, (hop_value)INT32_MAX + 1},
        {HOP_STEP_RAISE, (hop_value)INT32_MIN - 1},
        {HOP_STEP_RAISE, HOP_EMPTY},
#endif
    };
    plain_frame fr;
    bp_frame p;
    hop_gen g;
    hop_value v = 0;
    unsigned i;

    for (i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        bad_rec.op = recs[i].op;
        bad_rec.v = recs[i].v;
        tr_reset();
        T_EQ(hop_frame_init(&fr.hdr, bad_fn, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
        T_EQ(v, HOP_EINVAL);
        T_EQ(hop_gen_exc(&g)->code, HOP_EINVAL);
        T_STREQ(hop_gen_exc(&g)->msg, "bad step record");
        T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
        T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_FINISHED);
        TR_EXPECT("bad step");

        tr_reset();
        T_EQ(hop_frame_init(&p.hdr, bad_parent, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
        T_EQ(v, 7);
        TR_EXPECT("bad step", "child err -4001");
    }
}

/* -- values that look like internals travel untouched ----------------------- */

static const hop_value odd[] = {
    0, 1, 2, 3, 4, 5, 6, -1, -2,
    HOP_STEP_SUSPEND, HOP_STEP_RETURN, HOP_STEP_CALL, HOP_STEP_YIELD,
    HOP_STEP_RAISE, HOP_YIELDED, HOP_RETURNED, HOP_RAISED, HOP_WAITING,
    HOP_STATE_CREATED, HOP_STATE_FINISHED,
    HOP_EINVAL, HOP_ENOMEM, HOP_ECANCELED, HOP_EEXIT, HOP_ERUNNING,
    HOP_ENOTSTARTED, HOP_EIGNORED, HOP_EREUSED, HOP_ERR_FIRST, HOP_ERR_LAST,
    -4096, INT32_MIN, INT32_MAX, INTPTR_MAX, INTPTR_MIN + 1,
    0x686f7067, 0x686f7061, 0x4f500001, 0x4f500003, 0x4f500005, 0x4f500009,
};
#define N_ODD ((int)(sizeof odd / sizeof odd[0]))

typedef struct {
    hop_frame hdr;
    int i;
    int ret;
} vu_frame;

static hop_step vu_fn(hop_gen *g, hop_frame *f)
{
    vu_frame *self = (vu_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < N_ODD; self->i++) {
        HOP_YIELD(self, odd[self->i]);
        T_EQ(HOP_VALUE(self), odd[N_ODD - 1 - self->i]);
    }
    /* Pointers to a frame or a waitable are plain values too. */
    HOP_YIELD(self, (hop_value)&self->hdr);
    T_EQ(HOP_VALUE(self), (hop_value)&self->hdr);
    HOP_YIELD(self, (hop_value)W_A);
    T_EQ(HOP_VALUE(self), (hop_value)W_A);
    HOP_RETURN(self, odd[self->ret]);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    vu_frame c;
    hop_value got;
} vup_frame;

static hop_step vu_parent(hop_gen *g, hop_frame *f)
{
    vup_frame *self = (vup_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, &self->c.hdr);
    self->got = HOP_VALUE(self);
    HOP_YIELD(self, self->got);
    HOP_RETURN(self, self->got);
    HOP_END(self);
}

/* Drive the value exchange of vu_fn through g; it then returns. */
static void vu_drive(hop_gen *g, hop_frame *inner)
{
    hop_value v = 0;
    int i;

    T_EQ(hop_gen_start(g, &v), HOP_YIELDED);
    for (i = 0; i < N_ODD; i++) {
        T_EQ(v, odd[i]);
        /* Both the inline fast path and the exported function. */
        if (i % 2 == 0)
            T_EQ(hop_gen_send(g, odd[N_ODD - 1 - i], &v), HOP_YIELDED);
        else
            T_EQ((hop_gen_send)(g, odd[N_ODD - 1 - i], &v), HOP_YIELDED);
    }
    T_EQ(v, (hop_value)inner);
    T_EQ(hop_gen_send(g, (hop_value)inner, &v), HOP_YIELDED);
    T_EQ(v, (hop_value)W_A);
    T_ASSERT(hop_gen_frame(g) == inner);
}

static void mis_values_untouched(void)
{
    vu_frame fr;
    vup_frame p;
    hop_gen g;
    hop_value v = 0;
    int k;

    for (k = 0; k < N_ODD; k++) {
        T_EQ(hop_frame_init(&fr.hdr, vu_fn, HOP_GENERATOR), HOP_OK);
        fr.ret = k;
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
        vu_drive(&g, &fr.hdr);
        T_EQ(hop_gen_send(&g, (hop_value)W_A, &v), HOP_RETURNED);
        T_EQ(v, odd[k]);

        /* Through an await: out of the child, into the parent. */
        T_EQ(hop_frame_init(&p.hdr, vu_parent, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_frame_init(&p.c.hdr, vu_fn, HOP_COROUTINE), HOP_OK);
        p.c.ret = k;
        T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
        vu_drive(&g, &p.c.hdr);
        T_EQ(hop_gen_send(&g, (hop_value)W_A, &v), HOP_YIELDED);
        T_EQ(v, odd[k]);
        T_EQ(hop_gen_depth(&g), 1);
        T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
        T_EQ(v, odd[k]);
    }
    TR_EXPECT_NONE();
}

const t_case t_cases_gen_misuse_frames[] = {
    T_CASE(mis_reused_root),
    T_CASE(mis_await_finished_coroutine),
    T_CASE(mis_await_finished_generator),
    T_CASE(mis_await_running),
    T_CASE(mis_await_null_uninit),
    T_CASE(mis_raise_zero),
    T_CASE(mis_tries_misplaced),
    T_CASE(mis_bad_step_record),
    T_CASE(mis_values_untouched),
    T_END,
};
