/*
 * test/core_macros.c: unit tests of each macro of the coroutine language
 * (hop/coro.h), one behaviour at a time.
 */
#include "t.h"

#define E_A 1001
#define E_B 1002
#define E_C 1003

static const char msg_a[] = "message A";
static const char msg_b[] = "message B";

/* Waitables: hop_waitable is incomplete, any static object will do. */
static int w_obj_a, w_obj_b;
#define W_A ((hop_waitable *)(void *)&w_obj_a)
#define W_B ((hop_waitable *)(void *)&w_obj_b)

/* -- HOP_BEGIN / HOP_END: falling off the end returns HOP_EMPTY --------- */

typedef struct {
    hop_frame hdr;
} plain_frame;

static hop_step be_empty(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_END(self);
}

static hop_step be_work(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_addv("work, value at start ", HOP_VALUE(self));
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

/* -- HOP_RETURN through nested cleanups ---------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(3);
} rn_frame;

static hop_step rn_fn(hop_gen *g, hop_frame *f)
{
    rn_frame *self = (rn_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TRY(self);
            HOP_TRY(self);
                tr_add("body");
                HOP_RETURN(self, 77);
                tr_add("not reached 1");
            HOP_FINALLY(self);
                tr_add("cleanup 3");
                HOP_YIELD(self, 1);
                tr_addv("cleanup 3 got ", HOP_VALUE(self));
            HOP_END_TRY(self);
            tr_add("not reached 2");
        HOP_CATCH_ANY(self);
            tr_add("handler: wrong");
        HOP_FINALLY(self);
            tr_add("cleanup 2");
            HOP_YIELD(self, 2);
            tr_addv("cleanup 2 got ", HOP_VALUE(self));
        HOP_END_TRY(self);
        tr_add("not reached 3");
    HOP_FINALLY(self);
        tr_addv("cleanup 1, error ", HOP_ERROR(self));
    HOP_END_TRY(self);
    tr_add("not reached 4");
    HOP_END(self);
}

/* A return from a handler runs the cleanups outwards too. */
static hop_step rn_handler(hop_gen *g, hop_frame *f)
{
    rn_frame *self = (rn_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TRY(self);
            HOP_RAISE(self, E_A);
        HOP_CATCH(self, E_A);
            HOP_YIELD(self, 1);
            HOP_RETURN(self, -4001);
        HOP_FINALLY(self);
            tr_add("inner cleanup");
            HOP_YIELD(self, 2);
        HOP_END_TRY(self);
    HOP_FINALLY(self);
        tr_add("outer cleanup");
    HOP_END_TRY(self);
    HOP_END(self);
}

static void mac_return_nested_cleanups(void)
{
    rn_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, rn_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    TR_EXPECT("body", "cleanup 3");
    T_EQ(hop_gen_send(&g, 5, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_send(&g, 6, &v), HOP_RETURNED);
    T_EQ(v, 77);
    TR_EXPECT("body", "cleanup 3", "cleanup 3 got 5", "cleanup 2",
              "cleanup 2 got 6", "cleanup 1, error 0");

    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, rn_handler, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_send(&g, 8, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, -4001);
    TR_EXPECT("inner cleanup", "outer cleanup");
}

/* -- HOP_RAISE and HOP_RAISE_MSG ----------------------------------------- */

typedef struct {
    hop_frame hdr;
    int which;
} ra_frame;

static hop_step ra_fn(hop_gen *g, hop_frame *f)
{
    ra_frame *self = (ra_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("before");
    if (self->which == 0)
        HOP_RAISE(self, E_A);
    HOP_YIELD(self, 1);
    HOP_RAISE_MSG(self, E_B, msg_b);
    tr_add("not reached");
    HOP_END(self);
}

static void mac_raise(void)
{
    ra_frame fr;
    hop_gen g;
    hop_value v = 0;
    const hop_exc *e;

    T_EQ(hop_frame_init(&fr.hdr, ra_fn, HOP_GENERATOR), HOP_OK);
    fr.which = 0;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    e = hop_gen_exc(&g);
    T_EQ(e->code, E_A);
    T_ASSERT(e->msg == NULL);
    T_EQ(e->ctx, 0);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_FINISHED);
    TR_EXPECT("before");

    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, ra_fn, HOP_GENERATOR), HOP_OK);
    fr.which = 1;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
    T_EQ(v, E_B);
    e = hop_gen_exc(&g);
    T_EQ(e->code, E_B);
    T_ASSERT(e->msg == msg_b);
    T_STREQ(e->msg, "message B");
    T_EQ(e->ctx, 0);
    TR_EXPECT("before");
}

/* -- HOP_RERAISE -------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
} rr_frame;

static int rr_line;

static hop_step rr_fn(hop_gen *g, hop_frame *f)
{
    rr_frame *self = (rr_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        rr_line = __LINE__; HOP_RAISE_MSG(self, E_A, msg_a);
    HOP_CATCH(self, E_A);
        tr_add("handler");
        HOP_YIELD(self, 1);
        HOP_RERAISE(self);
        tr_add("not reached");
    HOP_CATCH_ANY(self);
        tr_add("wrong: second handler");
    HOP_FINALLY(self);
        tr_addv("cleanup sees ", HOP_ERROR(self));
    HOP_END_TRY(self);
    tr_add("not reached 2");
    HOP_END(self);
}

/* HOP_RERAISE in the body of a try block inside a handler raises the
 * error that handler handles. */
static hop_step rr_nested(hop_gen *g, hop_frame *f)
{
    rr_frame *self = (rr_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_RAISE_MSG(self, E_A, msg_a);
    HOP_CATCH(self, E_A);
        HOP_TRY(self);
            HOP_RAISE(self, E_B);
        HOP_CATCH(self, E_B);
            tr_addv("inner caught ", HOP_ERROR(self));
            tr_addv("ctx ", hop_gen_exc(g)->ctx);
        HOP_END_TRY(self);
        HOP_TRY(self);
            tr_addv("outer error in inner body ", HOP_ERROR(self));
            HOP_RERAISE(self);
            tr_add("not reached 1");
        HOP_CATCH(self, E_B);
            tr_add("wrong: E_B reraised");
        HOP_CATCH(self, E_A);
            tr_addv("inner caught ", HOP_ERROR(self));
            tr_add2("msg ", HOP_ERROR_MSG(self));
        HOP_END_TRY(self);
        HOP_TRY(self);
            HOP_RERAISE(self);
        HOP_FINALLY(self);
            tr_addv("inner cleanup ", HOP_ERROR(self));
        HOP_END_TRY(self);
        tr_add("not reached 2");
    HOP_CATCH_ANY(self);
        tr_add("wrong: second outer handler");
    HOP_FINALLY(self);
        tr_addv("outer cleanup ", HOP_ERROR(self));
    HOP_END_TRY(self);
    tr_add("not reached 3");
    HOP_END(self);
}

static void mac_reraise(void)
{
    rr_frame fr;
    hop_gen g;
    hop_value v = 0;
    const hop_exc *e;

    T_EQ(hop_frame_init(&fr.hdr, rr_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    e = hop_gen_exc(&g);
    T_EQ(e->code, E_A);
    T_ASSERT(e->msg == msg_a);
#if HOP_CONF_TRACE > 0
    /* The traceback still starts where the error was first raised. */
    T_ASSERT(e->ntrace >= 1);
    T_EQ(e->trace[0].line, rr_line);
    T_STREQ(e->trace[0].file, __FILE__);
#endif
    TR_EXPECT("handler", "cleanup sees 1001");

    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, rr_nested, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    e = hop_gen_exc(&g);
    T_EQ(e->code, E_A);
    T_ASSERT(e->msg == msg_a);
    TR_EXPECT("inner caught 1002", "ctx 1001", "outer error in inner body 1001",
              "inner caught 1001", "msg message A", "inner cleanup 1001",
              "outer cleanup 1001");
}

/* -- HOP_CATCH, HOP_CATCH_IF, HOP_CATCH_ANY: which handler runs ---------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    int code;
} cd_frame;

static hop_step cd_fn(hop_gen *g, hop_frame *f)
{
    cd_frame *self = (cd_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add("body");
        HOP_RAISE(self, self->code);
        tr_add("not reached");
    HOP_CATCH(self, E_A);
        tr_add("catch A");
    HOP_CATCH_IF(self, HOP_ERROR(self) >= 2000 && HOP_ERROR(self) < 3000);
        tr_addv("catch if ", HOP_ERROR(self));
    HOP_CATCH(self, E_B);
        tr_add("catch B");
        HOP_RAISE(self, E_C);
        tr_add("not reached 2");
    HOP_CATCH(self, E_C);
        tr_add("catch C");
    HOP_CATCH(self, 2500);
        tr_add("wrong: CATCH_IF came first");
    HOP_CATCH_ANY(self);
        tr_addv("catch any ", HOP_ERROR(self));
    HOP_FINALLY(self);
        tr_addv("cleanup ", HOP_ERROR(self));
    HOP_END_TRY(self);
    tr_add("after");
    HOP_RETURN(self, 1);
    HOP_END(self);
}

static int cd_run(int code, hop_value *v)
{
    cd_frame fr;
    hop_gen g;

    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, cd_fn, HOP_GENERATOR), HOP_OK);
    fr.code = code;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    return hop_gen_start(&g, v);
}

static void mac_catch_dispatch(void)
{
    hop_value v = 0;

    T_EQ(cd_run(E_A, &v), HOP_RETURNED);
    T_EQ(v, 1);
    TR_EXPECT("body", "catch A", "cleanup 0", "after");

    T_EQ(cd_run(2500, &v), HOP_RETURNED);
    T_EQ(v, 1);
    TR_EXPECT("body", "catch if 2500", "cleanup 0", "after");

    T_EQ(cd_run(E_C, &v), HOP_RETURNED);
    TR_EXPECT("body", "catch C", "cleanup 0", "after");

    T_EQ(cd_run(-7, &v), HOP_RETURNED);
    TR_EXPECT("body", "catch any -7", "cleanup 0", "after");

    /* An error raised in a handler skips the other handlers, runs the
     * cleanup and leaves, linked to the error it was handling. */
    T_EQ(cd_run(E_B, &v), HOP_RAISED);
    T_EQ(v, E_C);
    TR_EXPECT("body", "catch B", "cleanup 1003");

    /* Not an ordinary error: no handler, the cleanup runs. */
    T_EQ(cd_run(HOP_ECANCELED, &v), HOP_RAISED);
    T_EQ(v, HOP_ECANCELED);
    TR_EXPECT("body", "cleanup -4005");
}

static void mac_catch_dispatch_ctx(void)
{
    cd_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, cd_fn, HOP_GENERATOR), HOP_OK);
    fr.code = E_B;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(hop_gen_exc(&g)->code, E_C);
    T_EQ(hop_gen_exc(&g)->ctx, E_B);
}

/* -- HOP_CATCH_ANY leaves close and cancellation alone; CATCH_ALL not ---- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} ca_frame;

static hop_step any_fn(hop_gen *g, hop_frame *f)
{
    ca_frame *self = (ca_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
        tr_add("not reached");
    HOP_CATCH_ANY(self);
        tr_addv("any ", HOP_ERROR(self));
    HOP_FINALLY(self);
        tr_addv("cleanup ", HOP_ERROR(self));
    HOP_END_TRY(self);
    tr_add("after");
    HOP_END(self);
}

static hop_step all_fn(hop_gen *g, hop_frame *f)
{
    ca_frame *self = (ca_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
        tr_add("not reached");
    HOP_CATCH_ANY(self);
        tr_addv("any ", HOP_ERROR(self));
    HOP_CATCH_ALL(self);
        tr_addv("all ", HOP_ERROR(self));
        if (HOP_ERROR(self) == HOP_EEXIT)
            HOP_RETURN(self, 8);
        HOP_YIELD(self, 2);
        tr_add("all resumed");
    HOP_FINALLY(self);
        tr_addv("cleanup ", HOP_ERROR(self));
    HOP_END_TRY(self);
    HOP_RETURN(self, 5);
    HOP_END(self);
}

static void ca_start(hop_gen *g, ca_frame *fr, hop_fn fn)
{
    hop_value v = 0;

    tr_reset();
    T_EQ(hop_frame_init(&fr->hdr, fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &fr->hdr), HOP_OK);
    T_EQ(hop_gen_start(g, &v), HOP_YIELDED);
    T_EQ(v, 1);
}

static void mac_catch_any_all(void)
{
    ca_frame fr;
    hop_gen g;
    hop_value v = 0;

    /* CATCH_ANY: close runs the cleanup only. */
    ca_start(&g, &fr, any_fn);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("cleanup -4009");

    /* CATCH_ANY: cancellation goes through. */
    ca_start(&g, &fr, any_fn);
    T_EQ(hop_gen_throw(&g, HOP_ECANCELED, NULL, &v), HOP_RAISED);
    T_EQ(v, HOP_ECANCELED);
    TR_EXPECT("cleanup -4005");

    /* CATCH_ANY: an ordinary error is caught, even a negative one. */
    ca_start(&g, &fr, any_fn);
    T_EQ(hop_gen_throw(&g, HOP_ETIMEDOUT, NULL, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("any -4006", "cleanup 0", "after");

    /* CATCH_ALL: cancellation is caught. */
    ca_start(&g, &fr, all_fn);
    T_EQ(hop_gen_throw(&g, HOP_ECANCELED, NULL, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 5);
    TR_EXPECT("all -4005", "all resumed", "cleanup 0");

    /* CATCH_ALL: close is caught; the value returned is close's. */
    ca_start(&g, &fr, all_fn);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, 8);
    TR_EXPECT("all -4009", "cleanup 0");

    /* CATCH_ANY before CATCH_ALL still takes ordinary errors. */
    ca_start(&g, &fr, all_fn);
    T_EQ(hop_gen_throw(&g, E_A, NULL, &v), HOP_RETURNED);
    T_EQ(v, 5);
    TR_EXPECT("any 1001", "cleanup 0");
}

/* -- HOP_FINALLY runs exactly once on every way out ---------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    int how;
} fo_frame;

static int fo_count;

static hop_step fo_fn(hop_gen *g, hop_frame *f)
{
    fo_frame *self = (fo_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        if (self->how == 1)
            HOP_RAISE(self, E_A);
        if (self->how == 2)
            HOP_RAISE(self, E_B);
        if (self->how == 3)
            HOP_RETURN(self, 3);
        if (self->how == 4)
            HOP_YIELD(self, 4);
    HOP_CATCH(self, E_A);
        if (self->how == 1)
            HOP_RETURN(self, 11);
    HOP_FINALLY(self);
        fo_count++;
    HOP_END_TRY(self);
    HOP_RETURN(self, 100);
    HOP_END(self);
}

static int fo_run(int how, int close, hop_value *v)
{
    fo_frame fr;
    hop_gen g;
    int r;

    fo_count = 0;
    T_EQ(hop_frame_init(&fr.hdr, fo_fn, HOP_GENERATOR), HOP_OK);
    fr.how = how;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    r = hop_gen_start(&g, v);
    if (close) {
        T_EQ(r, HOP_YIELDED);
        T_EQ(fo_count, 0);
        r = hop_gen_close(&g, v);
    }
    T_EQ(fo_count, 1);
    return r;
}

static void mac_finally_once(void)
{
    hop_value v = 0;

    T_EQ(fo_run(0, 0, &v), HOP_RETURNED); /* normal end */
    T_EQ(v, 100);
    T_EQ(fo_run(1, 0, &v), HOP_RETURNED); /* handled, handler returns */
    T_EQ(v, 11);
    T_EQ(fo_run(2, 0, &v), HOP_RAISED); /* not handled */
    T_EQ(v, E_B);
    T_EQ(fo_run(3, 0, &v), HOP_RETURNED); /* return from the body */
    T_EQ(v, 3);
    T_EQ(fo_run(4, 1, &v), HOP_RETURNED); /* closed */
    T_EQ(v, HOP_EMPTY);
}

/* -- an error raised in a cleanup replaces the pending one ---------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    int mode;
} cr_frame;

static hop_step cr_fn(hop_gen *g, hop_frame *f)
{
    cr_frame *self = (cr_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TRY(self);
            if (self->mode == 0)
                HOP_RAISE_MSG(self, E_A, msg_a);
            HOP_RETURN(self, 5);
        HOP_FINALLY(self);
            tr_addv("inner cleanup ", HOP_ERROR(self));
            HOP_YIELD(self, 1);
            HOP_RAISE_MSG(self, E_B, msg_b);
            tr_add("not reached");
        HOP_END_TRY(self);
        tr_add("not reached 2");
    HOP_CATCH(self, E_A);
        tr_add("wrong: the pending error survived");
    HOP_CATCH(self, E_B);
        tr_addv("caught ", HOP_ERROR(self));
        tr_add2("msg ", HOP_ERROR_MSG(self));
        tr_addv("ctx ", hop_gen_exc(HOP_GEN(self))->ctx);
    HOP_END_TRY(self);
    HOP_RETURN(self, 9);
    HOP_END(self);
}

/* The same, nobody catches the replacement. */
static hop_step cr_out(hop_gen *g, hop_frame *f)
{
    cr_frame *self = (cr_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_RAISE_MSG(self, E_A, msg_a);
    HOP_FINALLY(self);
        HOP_RAISE_MSG(self, E_B, msg_b);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void mac_cleanup_raise(void)
{
    cr_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, cr_fn, HOP_GENERATOR), HOP_OK);
    fr.mode = 0;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 9);
    TR_EXPECT("inner cleanup 1001", "caught 1002", "msg message B", "ctx 1001");

    /* The pending thing was a return: no context. */
    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, cr_fn, HOP_GENERATOR), HOP_OK);
    fr.mode = 1;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 9);
    TR_EXPECT("inner cleanup 0", "caught 1002", "msg message B", "ctx 0");

    T_EQ(hop_frame_init(&fr.hdr, cr_out, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, E_B);
    T_EQ(hop_gen_exc(&g)->code, E_B);
    T_ASSERT(hop_gen_exc(&g)->msg == msg_b);
    T_EQ(hop_gen_exc(&g)->ctx, E_A);
}

/* -- a return inside a cleanup ------------------------------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    int mode;
} rc_frame;

static hop_step rc_fn(hop_gen *g, hop_frame *f)
{
    rc_frame *self = (rc_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TRY(self);
            if (self->mode == 0)
                HOP_RAISE(self, E_A);
            if (self->mode == 1)
                HOP_RETURN(self, 1);
        HOP_FINALLY(self);
            tr_addv("inner cleanup ", HOP_ERROR(self));
            HOP_RETURN(self, 2);
            tr_add("not reached");
        HOP_END_TRY(self);
        tr_add("not reached 2");
    HOP_CATCH_ANY(self);
        tr_add("wrong: the error survived the return");
    HOP_FINALLY(self);
        tr_addv("outer cleanup ", HOP_ERROR(self));
    HOP_END_TRY(self);
    tr_add("not reached 3");
    HOP_END(self);
}

static void mac_cleanup_return(void)
{
    rc_frame fr;
    hop_gen g;
    hop_value v = 0;
    int mode;

    for (mode = 0; mode < 3; mode++) {
        tr_reset();
        T_EQ(hop_frame_init(&fr.hdr, rc_fn, HOP_GENERATOR), HOP_OK);
        fr.mode = mode;
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
        T_EQ(v, 2);
        if (mode == 0)
            TR_EXPECT("inner cleanup 1001", "outer cleanup 0");
        else
            TR_EXPECT("inner cleanup 0", "outer cleanup 0");
    }
}

/* -- HOP_ERROR / HOP_ERROR_MSG ------------------------------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
} er_frame;

static hop_step er_fn(hop_gen *g, hop_frame *f)
{
    er_frame *self = (er_frame *)f;
    HOP_BEGIN(g, self);
    tr_addv("outside ", HOP_ERROR(self));
    T_ASSERT(HOP_ERROR_MSG(self) == NULL);
    HOP_TRY(self);
        tr_addv("body ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == NULL);
        HOP_RAISE_MSG(self, E_A, msg_a);
    HOP_CATCH(self, E_A);
        tr_addv("handler ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == msg_a);
        HOP_YIELD(self, 1);
        tr_addv("handler after yield ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == msg_a);
    HOP_FINALLY(self);
        tr_addv("cleanup after handled ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == NULL);
    HOP_END_TRY(self);
    HOP_TRY(self);
        tr_add("empty body");
    HOP_FINALLY(self);
        tr_addv("cleanup after normal end ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == NULL);
    HOP_END_TRY(self);
    HOP_TRY(self);
        HOP_TRY(self);
            HOP_RAISE_MSG(self, E_B, msg_b);
        HOP_CATCH(self, E_A);
            tr_add("wrong");
        HOP_FINALLY(self);
            tr_addv("cleanup while unwinding ", HOP_ERROR(self));
            T_ASSERT(HOP_ERROR_MSG(self) == msg_b);
            HOP_YIELD(self, 2);
            tr_addv("cleanup after yield ", HOP_ERROR(self));
            T_ASSERT(HOP_ERROR_MSG(self) == msg_b);
        HOP_END_TRY(self);
    HOP_CATCH(self, E_B);
        tr_addv("outer handler ", HOP_ERROR(self));
        T_ASSERT(HOP_ERROR_MSG(self) == msg_b);
    HOP_END_TRY(self);
    tr_addv("outside again ", HOP_ERROR(self));
    T_ASSERT(HOP_ERROR_MSG(self) == NULL);
    HOP_END(self);
}

static void mac_error_query(void)
{
    er_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, er_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    TR_EXPECT("outside 0", "body 0", "handler 1001", "handler after yield 1001",
              "cleanup after handled 0", "empty body",
              "cleanup after normal end 0", "cleanup while unwinding 1002",
              "cleanup after yield 1002", "outer handler 1002",
              "outside again 0");
}

/* -- a try block inside a loop, entered many times ----------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    int i, caught, cleaned, bodies;
} tl_frame;

static hop_step tl_fn(hop_gen *g, hop_frame *f)
{
    tl_frame *self = (tl_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 300; self->i++) {
        HOP_TRY(self);
            self->bodies++;
            if (self->i % 3 == 0)
                HOP_RAISE(self, E_A + self->i);
            if (self->i % 3 == 1)
                HOP_YIELD(self, self->i);
        HOP_CATCH_IF(self, HOP_ERROR(self) == E_A + self->i);
            self->caught++;
        HOP_FINALLY(self);
            self->cleaned++;
        HOP_END_TRY(self);
    }
    T_EQ(self->bodies, 300);
    HOP_RETURN(self, self->caught * 1000 + self->cleaned);
    HOP_END(self);
}

static void mac_try_in_loop(void)
{
    tl_frame fr;
    hop_gen g;
    hop_value v = 0;
    int r, k = 0;

    T_EQ(hop_frame_init(&fr.hdr, tl_fn, HOP_GENERATOR), HOP_OK);
    fr.i = fr.caught = fr.cleaned = fr.bodies = 0;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    r = hop_gen_start(&g, &v);
    while (r == HOP_YIELDED) {
        T_EQ(v, 3 * k + 1);
        /* Every other yield gets the error its handler waits for. */
        if (k % 2 == 0)
            r = hop_gen_throw(&g, E_A + (int)v, NULL, &v);
        else
            r = hop_gen_next(&g, &v);
        k++;
    }
    T_EQ(r, HOP_RETURNED);
    T_EQ(k, 100);
    T_EQ(v, 150 * 1000 + 300);
}

/* -- HOP_RERAISE in a cleanup block -------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    int mode;
} rc2_frame;

static hop_step rrc_fn(hop_gen *g, hop_frame *f)
{
    rc2_frame *self = (rc2_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TRY(self);
            if (self->mode == 0)
                HOP_RAISE_MSG(self, E_A, msg_a);
            tr_add("normal end");
        HOP_FINALLY(self);
            tr_addv("cleanup ", HOP_ERROR(self));
            HOP_RERAISE(self);
            tr_add("not reached");
        HOP_END_TRY(self);
        tr_add("not reached 2");
    HOP_CATCH(self, E_A);
        tr_addv("outer caught ", HOP_ERROR(self));
        tr_add2("msg ", HOP_ERROR_MSG(self));
    HOP_CATCH(self, HOP_ESTATE);
        tr_addv("outer caught ", HOP_ERROR(self));
        tr_add2("msg ", HOP_ERROR_MSG(self));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void mac_reraise_in_cleanup(void)
{
    rc2_frame fr;
    hop_gen g;
    hop_value v = 0;

    /* While an error unwinds: that error goes on at once. */
    T_EQ(hop_frame_init(&fr.hdr, rrc_fn, HOP_GENERATOR), HOP_OK);
    fr.mode = 0;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    TR_EXPECT("cleanup 1001", "outer caught 1001", "msg message A");

    /* With nothing pending: HOP_ESTATE. */
    tr_reset();
    T_EQ(hop_frame_init(&fr.hdr, rrc_fn, HOP_GENERATOR), HOP_OK);
    fr.mode = 1;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED);
    TR_EXPECT("normal end", "cleanup 0", "outer caught -4004",
              "msg no error is being handled");
}

/* -- frame states: RUNNING only while the frame's own step runs ----------- */

typedef struct {
    hop_frame hdr;
    plain_frame c;
} fs_frame;

static fs_frame *fs_parent;

static hop_step fs_child(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_addv("child ", hop_frame_state(&self->hdr));
    tr_addv("parent ", hop_frame_state(&fs_parent->hdr));
    HOP_YIELD(self, 1);
    tr_addv("child ", hop_frame_state(&self->hdr));
    HOP_END(self);
}

static hop_step fs_fn(hop_gen *g, hop_frame *f)
{
    fs_frame *self = (fs_frame *)f;
    HOP_BEGIN(g, self);
    tr_addv("parent ", hop_frame_state(&self->hdr));
    hop_frame_init(&self->c.hdr, fs_child, HOP_COROUTINE);
    tr_addv("child ", hop_frame_state(&self->c.hdr));
    HOP_AWAIT(self, &self->c.hdr);
    tr_addv("child ", hop_frame_state(&self->c.hdr));
    tr_addv("parent ", hop_frame_state(&self->hdr));
    HOP_END(self);
}

static void mac_frame_states(void)
{
    fs_frame fr;
    hop_gen g;
    hop_value v = 0;

    fs_parent = &fr;
    T_EQ(hop_frame_init(&fr.hdr, fs_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_SUSPENDED);
    T_EQ(hop_frame_state(&fr.c.hdr), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_FINISHED);
    T_EQ(hop_frame_state(&fr.c.hdr), HOP_STATE_FINISHED);
    /* 1 CREATED, 2 RUNNING, 3 SUSPENDED, 4 FINISHED */
    TR_EXPECT("parent 3", "child 1", "child 3", "parent 3", "child 3",
              "child 4", "parent 3");
}

/* -- HOP_GEN and HOP_ALLOC ------------------------------------------------ */

static hop_gen *ga_g;

static hop_step ga_child(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(HOP_GEN(self) == ga_g);
    HOP_YIELD(self, 1);
    T_ASSERT(HOP_GEN(self) == ga_g);
    HOP_RETURN(self, 11);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    plain_frame *c;
} ga_frame;

static hop_step ga_fn(hop_gen *g, hop_frame *f)
{
    ga_frame *self = (ga_frame *)f;
    HOP_BEGIN(g, self);
    T_ASSERT(HOP_GEN(self) == ga_g);
    T_ASSERT(hop_gen_frame(HOP_GEN(self)) == &self->hdr);
    self->c = HOP_ALLOC(self, plain_frame);
    if (self->c == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    hop_frame_init(&self->c->hdr, ga_child, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c->hdr);
    T_ASSERT(HOP_GEN(self) == ga_g);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void mac_gen_alloc(void)
{
    ga_frame fr;
    hop_gen g;
    hop_arena a;
    hop_value buf[64];
    hop_value v = 0;

    ga_g = &g;
    /* No arena: HOP_ALLOC gives NULL. */
    T_EQ(hop_frame_init(&fr.hdr, ga_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ENOMEM);

    /* With an arena: a frame inside the buffer, given back at the end. */
    T_EQ(hop_arena_init(&a, buf, sizeof buf), HOP_OK);
    T_EQ(hop_frame_init(&fr.hdr, ga_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_ASSERT(fr.c != NULL);
    T_ASSERT((char *)fr.c >= (char *)buf);
    T_ASSERT((char *)(fr.c + 1) <= (char *)buf + sizeof buf);
    T_ASSERT(hop_gen_frame(&g) == &fr.c->hdr);
    T_ASSERT(hop_arena_used(&a) >= sizeof(plain_frame));
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 11);
    T_EQ(hop_arena_used(&a), 0);
}

/* -- labels only: suspensions and try blocks in a switch of one's own ---- */

#if HOP_CONF_RESUME == HOP_RESUME_LABELS

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    int i;
    plain_frame c;
} sw_frame;

static hop_step sw_fn(hop_gen *g, hop_frame *f)
{
    sw_frame *self = (sw_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 4; self->i++) {
        switch (self->i) {
        case 0:
            HOP_YIELD(self, 100);
            tr_addv("case 0 got ", HOP_VALUE(self));
            break;
        case 1:
            HOP_TRY(self);
                HOP_YIELD(self, 101);
                tr_add("not reached");
            HOP_CATCH(self, E_A);
                tr_addv("case 1 caught ", HOP_ERROR(self));
                HOP_YIELD(self, 102);
            HOP_FINALLY(self);
                tr_add("case 1 cleanup");
                HOP_SUSPEND(self, W_A);
                tr_addv("case 1 woke with ", HOP_VALUE(self));
            HOP_END_TRY(self);
            break;
        case 2:
            hop_frame_init(&self->c.hdr, be_work, HOP_GENERATOR);
            HOP_AWAIT(self, &self->c.hdr);
            tr_addv("case 2 awaited ", HOP_VALUE(self));
            break;
        default:
            tr_add("default");
            break;
        }
    }
    HOP_END(self);
}

static void mac_labels_user_switch(void)
{
    sw_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, sw_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 100);
    T_EQ(hop_gen_send(&g, 7, &v), HOP_YIELDED);
    T_EQ(v, 101);
    T_EQ(hop_gen_throw(&g, E_A, NULL, &v), HOP_YIELDED);
    T_EQ(v, 102);
    T_EQ(hop_gen_next(&g, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_A);
    T_EQ(hop_gen_send(&g, 12, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("case 0 got 7", "case 1 caught 1001", "case 1 cleanup",
              "case 1 woke with 12", "work, value at start EMPTY",
              "case 2 awaited EMPTY",
              "default");
}

#endif

const t_case t_cases_core_macros[] = {
    T_CASE(mac_begin_end_empty),
    T_CASE(mac_yield_send),
    T_CASE(mac_await_value),
    T_CASE(mac_await_error),
    T_CASE(mac_await_catch),
    T_CASE(mac_await_catch_exit_cancel),
    T_CASE(mac_suspend),
    T_CASE(mac_return_nested_cleanups),
    T_CASE(mac_raise),
    T_CASE(mac_reraise),
    T_CASE(mac_catch_dispatch),
    T_CASE(mac_catch_dispatch_ctx),
    T_CASE(mac_catch_any_all),
    T_CASE(mac_finally_once),
    T_CASE(mac_cleanup_raise),
    T_CASE(mac_cleanup_return),
    T_CASE(mac_error_query),
    T_CASE(mac_try_in_loop),
    T_CASE(mac_reraise_in_cleanup),
    T_CASE(mac_frame_states),
    T_CASE(mac_gen_alloc),
#if HOP_CONF_RESUME == HOP_RESUME_LABELS
    T_CASE(mac_labels_user_switch),
#endif
    T_END,
};
