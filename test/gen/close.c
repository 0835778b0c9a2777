/*
 * test/gen/close.c: close through delegation, beyond the CLS cases:
 * which frames count as being closed, and what their callers see.
 */
#include "t.h"

#define E_B 2002

/* -- a delegate that catches the close and returns a value -------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} catcher_frame;

/* try { yield 1 } handler CLOSE { record; return 77 } */
static hop_step catcher(hop_gen *g, hop_frame *f)
{
    catcher_frame *self = (catcher_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
    HOP_CATCH(self, HOP_EEXIT);
        tr_add("catcher caught close");
        HOP_RETURN(self, 77);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    catcher_frame child;
} mid_frame;

/* try { r = DELEGATE catcher(); record r } handler CLOSE { record; return 5 } */
static hop_step mid(hop_gen *g, hop_frame *f)
{
    mid_frame *self = (mid_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->child.hdr, catcher, HOP_GENERATOR);
        HOP_AWAIT(self, &self->child.hdr);
        tr_addv("mid got value ", HOP_VALUE(self));
    HOP_CATCH(self, HOP_EEXIT);
        tr_add("mid caught close");
        HOP_RETURN(self, 5);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    mid_frame child;
} top_frame;

/* try { r = DELEGATE mid(); record r } handler CLOSE { record; re-raise } */
static hop_step top(hop_gen *g, hop_frame *f)
{
    top_frame *self = (top_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->child.hdr, mid, HOP_GENERATOR);
        HOP_AWAIT(self, &self->child.hdr);
        tr_addv("top got value ", HOP_VALUE(self));
    HOP_CATCH(self, HOP_EEXIT);
        tr_add("top caught close");
        HOP_RERAISE(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* A delegate's value returned from its close is discarded: CLOSE is
 * raised at each await in turn, and the root's own value is close's. */
static void close_return_value_discarded(void)
{
    mid_frame m;
    top_frame t;
    hop_gen g;
    hop_value v;

    hop_frame_init(&m.hdr, mid, HOP_GENERATOR);
    hop_gen_init(&g, &m.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, 5);
    TR_EXPECT("catcher caught close", "mid caught close");

    tr_reset();
    hop_frame_init(&t.hdr, top, HOP_GENERATOR);
    hop_gen_init(&g, &t.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("catcher caught close", "mid caught close", "top caught close");
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
}

/* -- a delegate whose close fails with another error -------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} failer_frame;

/* try { yield 1 } handler CLOSE { raise E_B } */
static hop_step failer(hop_gen *g, hop_frame *f)
{
    failer_frame *self = (failer_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
    HOP_CATCH(self, HOP_EEXIT);
        HOP_RAISE(self, E_B);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    failer_frame child;
} absorber_frame;

/* try { DELEGATE failer() } handler E_B { record; return 9 } */
static hop_step absorber(hop_gen *g, hop_frame *f)
{
    absorber_frame *self = (absorber_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->child.hdr, failer, HOP_GENERATOR);
        HOP_AWAIT(self, &self->child.hdr);
    HOP_CATCH(self, E_B);
        tr_add("absorber caught E_B");
        HOP_RETURN(self, 9);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    absorber_frame child;
} outer_frame;

/* try { DELEGATE absorber(); record value } handler CLOSE { record } */
static hop_step outer(hop_gen *g, hop_frame *f)
{
    outer_frame *self = (outer_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->child.hdr, absorber, HOP_GENERATOR);
        HOP_AWAIT(self, &self->child.hdr);
        tr_addv("outer got value ", HOP_VALUE(self));
    HOP_CATCH(self, HOP_EEXIT);
        tr_add("outer caught close");
    HOP_END_TRY(self);
    HOP_RETURN(self, 3);
    HOP_END(self);
}

/* The failing delegate's error is raised in its caller, which is being
 * closed too: when that caller recovers and returns, its own caller still
 * sees CLOSE, not the value. */
static void close_mark_crosses_a_raise(void)
{
    outer_frame o;
    hop_gen g;
    hop_value v;

    hop_frame_init(&o.hdr, outer, HOP_GENERATOR);
    hop_gen_init(&g, &o.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, 3);
    TR_EXPECT("absorber caught E_B", "outer caught close");
}

/* -- frames pushed during a cleanup are not being closed ---------------- */

typedef struct {
    hop_frame hdr;
} value_frame;

static hop_step returns_42(hop_gen *g, hop_frame *f)
{
    value_frame *self = (value_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, 42);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    value_frame helper;
} cleaner_frame;

/* try { yield 1 } cleanup { r = DELEGATE returns_42(); record r } */
static hop_step cleaner(hop_gen *g, hop_frame *f)
{
    cleaner_frame *self = (cleaner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
    HOP_FINALLY(self);
        hop_frame_init(&self->helper.hdr, returns_42, HOP_COROUTINE);
        HOP_AWAIT(self, &self->helper.hdr);
        tr_addv("cleanup got ", HOP_VALUE(self));
        tr_addv("pending ", HOP_ERROR(self));
    HOP_END_TRY(self);
    HOP_END(self);
}

static void close_cleanup_awaits_normally(void)
{
    cleaner_frame c;
    hop_gen g;
    hop_value v;
    char buf[T_VBUF];

    hop_frame_init(&c.hdr, cleaner, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_EQ(tr_count(), 2);
    T_STREQ(tr_at(0), "cleanup got 42");
    {
        char want[T_VBUF + 8] = "pending ";
        const char *n = t_itoa(HOP_EEXIT, buf);
        int i = 8;
        while (*n)
            want[i++] = *n++;
        want[i] = '\0';
        T_STREQ(tr_at(1), want);
    }
}

/* -- throw(EEXIT) closes delegates but reports the error ---------------- */

static void throw_exit_closes_delegates(void)
{
    mid_frame m;
    hop_gen g;
    hop_value v;

    hop_frame_init(&m.hdr, mid, HOP_GENERATOR);
    hop_gen_init(&g, &m.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    /* The delegate returns 77 from its close; mid sees CLOSE, catches it
     * and returns 5: a throw reports that as the generator's return. */
    T_EQ(hop_gen_throw(&g, HOP_EEXIT, NULL, &v), HOP_RETURNED);
    T_EQ(v, 5);
    TR_EXPECT("catcher caught close", "mid caught close");
}

/* -- a throw of HOP_EEXIT into a delegate that yields ------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} stubborn_frame;

/* try { yield 1 } handler CLOSE { yield 2 }; return 8 */
static hop_step stubborn(hop_gen *g, hop_frame *f)
{
    stubborn_frame *self = (stubborn_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_YIELD(self, 1);
    HOP_CATCH(self, HOP_EEXIT);
        HOP_YIELD(self, 2);
    HOP_END_TRY(self);
    HOP_RETURN(self, 8);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    stubborn_frame child;
} holder_frame;

/* try { DELEGATE stubborn() } handler EIGNORED { record; yield 3 };
 * r = DELEGATE stubborn(); record r */
static hop_step holder(hop_gen *g, hop_frame *f)
{
    holder_frame *self = (holder_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->child.hdr, stubborn, HOP_GENERATOR);
        HOP_AWAIT(self, &self->child.hdr);
    HOP_CATCH(self, HOP_EIGNORED);
        tr_add("holder caught EIGNORED");
        HOP_YIELD(self, 3);
    HOP_END_TRY(self);
    hop_frame_init(&self->child.hdr, stubborn, HOP_GENERATOR);
    HOP_AWAIT(self, &self->child.hdr);
    tr_addv("holder got ", HOP_VALUE(self));
    HOP_END(self);
}

static void throw_exit_into_yielding_delegate(void)
{
    holder_frame h;
    stubborn_frame s;
    hop_gen g;
    hop_value v;

    /* The delegate ignores the exit: its caller gets HOP_EIGNORED. */
    hop_frame_init(&h.hdr, holder, HOP_GENERATOR);
    hop_gen_init(&g, &h.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_throw(&g, HOP_EEXIT, NULL, &v), HOP_YIELDED);
    T_EQ(v, 3);
    TR_EXPECT("holder caught EIGNORED");
    /* Nothing stale is left: the next delegate's return value arrives. */
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    TR_EXPECT("holder caught EIGNORED", "holder got 8");

    /* The root itself may catch a thrown exit and yield. */
    hop_frame_init(&s.hdr, stubborn, HOP_GENERATOR);
    hop_gen_init(&g, &s.hdr);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_throw(&g, HOP_EEXIT, NULL, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 8);
}

const t_case t_cases_gen_close[] = {
    T_CASE(throw_exit_into_yielding_delegate),
    T_CASE(close_return_value_discarded),
    T_CASE(close_mark_crosses_a_raise),
    T_CASE(close_cleanup_awaits_normally),
    T_CASE(throw_exit_closes_delegates),
    T_END,
};
