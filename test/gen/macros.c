/*
 * test/gen/macros.c: unit tests of each macro of the coroutine language
 * (hop/coro.h), one behaviour at a time: HOP_BEGIN/END, HOP_YIELD,
 * HOP_AWAIT, HOP_AWAIT_CATCH, HOP_SUSPEND. raise.c and cleanup.c have the
 * error and cleanup macros.
 */
#include "t.h"
#include "macros.h"

/* Waitables: hop_waitable is incomplete, any static object will do. */
static int w_obj_a, w_obj_b;
#define W_A ((hop_waitable *)(void *)&w_obj_a)
#define W_B ((hop_waitable *)(void *)&w_obj_b)

/* -- HOP_BEGIN / HOP_END: falling off the end returns HOP_EMPTY --------- */

static hop_step be_empty(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    plain_frame c;
} be_parent_frame;

static hop_step be_parent(hop_gen *g, hop_frame *f)
{
    be_parent_frame *self = (be_parent_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, be_work, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    tr_addv("child gave ", HOP_VALUE(self));
    HOP_RETURN(self, 7);
    HOP_END(self);
}

static void mac_begin_end_empty(void)
{
    plain_frame fr;
    be_parent_frame p;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, be_empty, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_state(&g), HOP_STATE_CREATED);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_FINISHED);
    T_EQ(hop_gen_depth(&g), 0);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    /* Code runs, then the end returns HOP_EMPTY (coroutine kind too). */
    v = 0;
    T_EQ(hop_frame_init(&fr.hdr, be_work, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("work, value at start EMPTY");

    /* A child that falls off its end gives HOP_EMPTY at the await. */
    tr_reset();
    v = 0;
    T_EQ(hop_frame_init(&p.hdr, be_parent, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    T_EQ(v, 7);
    TR_EXPECT("work, value at start EMPTY", "child gave EMPTY");
}

/* -- HOP_YIELD: the value goes out, the sent value comes in -------------- */

typedef struct {
    hop_frame hdr;
    int i;
    hop_value sum;
} ys_frame;

static hop_step ys_fn(hop_gen *g, hop_frame *f)
{
    ys_frame *self = (ys_frame *)f;
    HOP_BEGIN(g, self);
    self->sum = 0;
    HOP_YIELD(self, 10);
    tr_addv("got ", HOP_VALUE(self));
    for (self->i = 0; self->i < 3; self->i++) {
        HOP_YIELD(self, 100 + self->i);
        tr_addv("got ", HOP_VALUE(self));
        if (HOP_VALUE(self) != HOP_EMPTY)
            self->sum += HOP_VALUE(self);
    }
    HOP_YIELD(self, self->sum);
    HOP_RETURN(self, HOP_VALUE(self) * 2);
    HOP_END(self);
}

static void mac_yield_send(void)
{
    ys_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, ys_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 10);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_SUSPENDED);
    T_ASSERT(hop_gen_frame(&g) == &fr.hdr);
    T_EQ(hop_gen_depth(&g), 1);
    TR_EXPECT_NONE();
    T_EQ(hop_gen_send(&g, 5, &v), HOP_YIELDED);
    T_EQ(v, 100);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 101);
    T_EQ(hop_gen_send(&g, 7, &v), HOP_YIELDED);
    T_EQ(v, 102);
    T_EQ(hop_gen_send(&g, -3, &v), HOP_YIELDED);
    T_EQ(v, 4);
    TR_EXPECT("got 5", "got EMPTY", "got 7", "got -3");
    T_EQ(hop_gen_send(&g, 21, &v), HOP_RETURNED);
    T_EQ(v, 42);
    T_ASSERT(hop_gen_frame(&g) == NULL);
    /* A finished generator gives HOP_RETURNED with HOP_EMPTY again. */
    v = 0;
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    /* out may be NULL. */
    T_EQ(hop_frame_init(&fr.hdr, ys_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, NULL), HOP_YIELDED);
    T_EQ(hop_gen_send(&g, 1, NULL), HOP_YIELDED);
}

/* -- HOP_AWAIT: the child's return value arrives through HOP_VALUE ------- */

typedef struct {
    hop_frame hdr;
} av_child_frame;

static hop_step av_child(hop_gen *g, hop_frame *f)
{
    av_child_frame *self = (av_child_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("child starts");
    T_ASSERT(hop_gen_frame(g) == f);
    T_EQ(hop_gen_depth(g), 2);
    HOP_YIELD(self, 1);
    tr_addv("child got ", HOP_VALUE(self));
    HOP_RETURN(self, 42);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    av_child_frame c;
    hop_value first;
} av_frame;

static hop_step av_fn(hop_gen *g, hop_frame *f)
{
    av_frame *self = (av_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, av_child, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    self->first = HOP_VALUE(self);
    tr_addv("parent got ", self->first);
    T_EQ(hop_frame_state(&self->c.hdr), HOP_STATE_FINISHED);
    T_EQ(hop_gen_depth(g), 1);
    /* A finished frame, initialised again, runs again. */
    hop_frame_init(&self->c.hdr, av_child, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    tr_addv("parent got ", HOP_VALUE(self));
    HOP_RETURN(self, self->first + HOP_VALUE(self));
    HOP_END(self);
}

static void mac_await_value(void)
{
    av_frame p;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&p.hdr, av_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_depth(&g), 2);
    T_ASSERT(hop_gen_frame(&g) == &p.c.hdr);
    T_ASSERT(hop_gen_delegate(&g) == &p.c.hdr);
    T_EQ(hop_frame_state(&p.hdr), HOP_STATE_SUSPENDED);
    T_EQ(hop_frame_state(&p.c.hdr), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_send(&g, 8, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_send(&g, 9, &v), HOP_RETURNED);
    T_EQ(v, 84);
    TR_EXPECT("child starts", "child got 8", "parent got 42", "child starts",
              "child got 9", "parent got 42");
}

/* -- HOP_AWAIT: the child's error is raised at the await ---------------- */

static hop_step ae_child(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_RAISE_MSG(self, E_A, msg_a);
    tr_add("child: not reached");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    plain_frame c;
} ae_frame;

/* No handler: the error leaves the parent too. */
static hop_step ae_bare(hop_gen *g, hop_frame *f)
{
    ae_frame *self = (ae_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, ae_child, HOP_GENERATOR);
    HOP_AWAIT(self, &self->c.hdr);
    tr_add("parent: not reached");
    HOP_END(self);
}

/* The await inside a try block: the handler sees the child's error. */
static hop_step ae_caught(hop_gen *g, hop_frame *f)
{
    ae_frame *self = (ae_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->c.hdr, ae_child, HOP_GENERATOR);
        HOP_AWAIT(self, &self->c.hdr);
        tr_add("parent: not reached");
    HOP_CATCH(self, E_A);
        tr_addv("caught ", HOP_ERROR(self));
        tr_add2("msg ", HOP_ERROR_MSG(self));
        T_ASSERT(HOP_ERROR_MSG(self) == msg_a);
        T_EQ(hop_frame_state(&self->c.hdr), HOP_STATE_FINISHED);
    HOP_END_TRY(self);
    HOP_RETURN(self, 3);
    HOP_END(self);
}

static void mac_await_error(void)
{
    ae_frame p;
    hop_gen g;
    hop_value v = 0;
    const hop_exc *e;

    T_EQ(hop_frame_init(&p.hdr, ae_bare, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    e = hop_gen_exc(&g);
    T_ASSERT(e != NULL);
    T_EQ(e->code, E_A);
    T_ASSERT(e->msg == msg_a);
    T_EQ(hop_frame_state(&p.hdr), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(&p.c.hdr), HOP_STATE_FINISHED);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT_NONE();

    v = 0;
    T_EQ(hop_frame_init(&p.hdr, ae_caught, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 3);
    TR_EXPECT("caught 1001", "msg message A");
}

/* -- HOP_AWAIT_CATCH ---------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_value ret; /* what to return */
    int raise;     /* or the error to raise, when nonzero */
} ac_child_frame;

static hop_step ac_child(hop_gen *g, hop_frame *f)
{
    ac_child_frame *self = (ac_child_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    if (self->raise != 0)
        HOP_RAISE_MSG(self, self->raise, msg_b);
    HOP_RETURN(self, self->ret);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    ac_child_frame c;
    int err;
} ac_frame;

/* Ordinary outcomes: 0 on success, the error code otherwise. */
static hop_step ac_fn(hop_gen *g, hop_frame *f)
{
    ac_frame *self = (ac_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, ac_child, HOP_GENERATOR);
    self->c.raise = 0;
    self->c.ret = 5;
    self->err = -1;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("err ", self->err);
    tr_addv("value ", HOP_VALUE(self));
    hop_frame_init(&self->c.hdr, ac_child, HOP_GENERATOR);
    self->c.raise = E_A;
    self->err = -1;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    tr_addv("err ", self->err);
    tr_addv("value ", HOP_VALUE(self));
    tr_addv("no error handled here ", HOP_ERROR(self));
    T_EQ(hop_gen_exc(g)->code, E_A);
    T_ASSERT(hop_gen_exc(g)->msg == msg_b);
    /* The frame goes on normally: it can suspend, and raise again. */
    HOP_YIELD(self, 2);
    HOP_TRY(self);
        HOP_RAISE(self, E_B);
    HOP_CATCH(self, E_B);
        tr_add("raise after AWAIT_CATCH caught");
    HOP_END_TRY(self);
    HOP_RETURN(self, 6);
    HOP_END(self);
}

/* close and cancellation are raised at the AWAIT_CATCH all the same. */
static hop_step acx_fn(hop_gen *g, hop_frame *f)
{
    ac_frame *self = (ac_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->c.hdr, ac_child, HOP_GENERATOR);
        self->c.raise = 0;
        self->c.ret = 5;
        self->err = -1;
        HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
        tr_addv("after, err ", self->err);
    HOP_CATCH_ALL(self);
        tr_addv("caught ", HOP_ERROR(self));
        tr_addv("err ", self->err);
        HOP_RETURN(self, 99);
    HOP_END_TRY(self);
    HOP_RETURN(self, 7);
    HOP_END(self);
}

static void mac_await_catch(void)
{
    ac_frame p;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&p.hdr, ac_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    TR_EXPECT("err 0", "value 5");
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 6);
    TR_EXPECT("err 0", "value 5", "err 1001", "value EMPTY",
              "no error handled here 0", "raise after AWAIT_CATCH caught");
}

static void mac_await_catch_exit_cancel(void)
{
    ac_frame p;
    hop_gen g;
    hop_value v = 0;

    /* close: HOP_EEXIT is raised at the await, err is never written. */
    T_EQ(hop_frame_init(&p.hdr, acx_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, 99);
    TR_EXPECT("caught -4009", "err -1");

    /* cancellation: the same. */
    tr_reset();
    T_EQ(hop_frame_init(&p.hdr, acx_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_throw(&g, HOP_ECANCELED, NULL, &v), HOP_RETURNED);
    T_EQ(v, 99);
    TR_EXPECT("caught -4005", "err -1");

    /* An ordinary error thrown into the child is stored. */
    tr_reset();
    T_EQ(hop_frame_init(&p.hdr, acx_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_throw(&g, E_B, NULL, &v), HOP_RETURNED);
    T_EQ(v, 7);
    TR_EXPECT("after, err 1002");

    /* Success. */
    tr_reset();
    T_EQ(hop_frame_init(&p.hdr, acx_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 7);
    TR_EXPECT("after, err 0");
}

/* -- HOP_SUSPEND -------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} su_frame;

static hop_step su_fn(hop_gen *g, hop_frame *f)
{
    su_frame *self = (su_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, W_A);
    tr_addv("woke with ", HOP_VALUE(self));
    HOP_TRY(self);
        HOP_SUSPEND(self, W_B);
        tr_add("not reached");
    HOP_CATCH(self, E_A);
        tr_addv("thrown ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == msg_a);
    HOP_END_TRY(self);
    HOP_SUSPEND(self, W_A);
    tr_addv("woke with ", HOP_VALUE(self));
    HOP_SUSPEND(self, W_B);
    tr_add("not reached 2");
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    su_frame c;
} su_parent_frame;

static hop_step su_parent(hop_gen *g, hop_frame *f)
{
    su_parent_frame *self = (su_parent_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, su_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    HOP_END(self);
}

static void mac_suspend(void)
{
    su_frame fr;
    su_parent_frame p;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, su_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_A);
    T_ASSERT((hop_waitable *)v == W_A);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_send(&g, 33, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_B);
    T_EQ(hop_gen_throw(&g, E_A, msg_a, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_A);
    T_EQ(hop_gen_next(&g, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_B);
    /* An error thrown at a suspension nobody handles leaves the frame. */
    T_EQ(hop_gen_throw(&g, E_B, msg_b, &v), HOP_RAISED);
    T_EQ(v, E_B);
    T_EQ(hop_gen_exc(&g)->code, E_B);
    T_ASSERT(hop_gen_exc(&g)->msg == msg_b);
    TR_EXPECT("woke with 33", "thrown 1001", "woke with EMPTY");

    /* A child's suspension goes straight to the driver. */
    tr_reset();
    T_EQ(hop_frame_init(&p.hdr, su_parent, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_A);
    T_EQ(hop_gen_depth(&g), 2);
    T_ASSERT(hop_gen_frame(&g) == &p.c.hdr);
    T_EQ(hop_gen_send(&g, -5, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_B);
    T_EQ(hop_gen_throw(&g, E_A, msg_a, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_A);
    T_EQ(hop_gen_send(&g, 4, &v), HOP_WAITING);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("woke with -5", "thrown 1001", "woke with 4");
}

const t_case t_cases_gen_macros[] = {
    T_CASE(mac_begin_end_empty),
    T_CASE(mac_yield_send),
    T_CASE(mac_await_value),
    T_CASE(mac_await_error),
    T_CASE(mac_await_catch),
    T_CASE(mac_await_catch_exit_cancel),
    T_CASE(mac_suspend),
    T_END,
};
