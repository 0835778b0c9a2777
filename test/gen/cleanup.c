/*
 * test/gen/cleanup.c: unit tests of the coroutine language's cleanups and
 * what surrounds them: HOP_FINALLY runs once, raising and returning in a
 * cleanup, HOP_ERROR in a handler, try blocks in loops, frame states,
 * HOP_ALLOC, and (labels variant) suspensions inside a user's switch.
 */
#include "t.h"
#include "macros.h"

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
/* A waitable: hop_waitable is incomplete, any static object will do. */
static int w_obj_a;
#define W_A ((hop_waitable *)(void *)&w_obj_a)

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

const t_case t_cases_gen_cleanup[] = {
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
