/*
 * test/gen/raise.c: unit tests of the coroutine language's errors: HOP_RETURN
 * through nested cleanups, HOP_RAISE, HOP_RERAISE, the dispatch of
 * HOP_CATCH and HOP_CATCH_IF, HOP_CATCH_ANY and HOP_CATCH_ALL.
 */
#include "t.h"
#include "macros.h"

#define E_C 1003

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

const t_case t_cases_gen_raise[] = {
    T_CASE(mac_return_nested_cleanups),
    T_CASE(mac_raise),
    T_CASE(mac_reraise),
    T_CASE(mac_catch_dispatch),
    T_CASE(mac_catch_dispatch_ctx),
    T_CASE(mac_catch_any_all),
    T_END,
};
