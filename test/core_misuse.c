/*
 * test/core_misuse.c: every misuse of the core API is an error code, and
 * leaves the generator as it was where the API says so.
 */
#include "t.h"

#define E_A 1001

static int w_obj;
#define W_A ((hop_waitable *)(void *)&w_obj)

static int same_bytes(const void *p, const void *q, size_t n)
{
    const unsigned char *a = (const unsigned char *)p;
    const unsigned char *b = (const unsigned char *)q;

    while (n-- > 0)
        if (*a++ != *b++)
            return 0;
    return 1;
}

static int null_writer(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 0;
}

typedef struct {
    hop_frame hdr;
} plain_frame;

/* "start"; yield 1; "resumed"; yield 2; return 3 */
static hop_step two_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("start");
    HOP_YIELD(self, 1);
    tr_addv("resumed with ", HOP_VALUE(self));
    HOP_YIELD(self, 2);
    HOP_RETURN(self, 3);
    HOP_END(self);
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

/* -- NULL everywhere ----------------------------------------------------- */

static void mis_null_args(void)
{
    plain_frame fr;
    hop_gen g;
    hop_arena a;
    hop_value buf[32];
    hop_value v = 0;

    t_fill(&fr, sizeof fr, 0);
    T_EQ(hop_frame_init(NULL, two_fn, HOP_GENERATOR), HOP_EINVAL);
    T_EQ(hop_frame_init(&fr.hdr, NULL, HOP_GENERATOR), HOP_EINVAL);
    T_EQ(hop_frame_state(&fr.hdr), HOP_EINVAL);
    T_EQ(hop_frame_state(NULL), HOP_EINVAL);
    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(NULL, &fr.hdr), HOP_EINVAL);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    t_fill(&g, sizeof g, 0);
    T_EQ(hop_gen_init(&g, NULL), HOP_EINVAL);
    T_EQ(hop_gen_state(&g), HOP_EINVAL);
    T_EQ(hop_gen_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, buf, sizeof buf), HOP_OK);
    T_EQ(hop_gen_set_arena(NULL, NULL), HOP_EINVAL);
    T_EQ(hop_gen_set_arena(NULL, &a), HOP_EINVAL);
    T_EQ(hop_gen_start(NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_next(NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_send(NULL, HOP_EMPTY, &v), HOP_EINVAL);
    T_EQ(hop_gen_send(NULL, 5, &v), HOP_EINVAL);
    T_EQ(hop_gen_throw(NULL, E_A, NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_close(NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_state(NULL), HOP_EINVAL);
    T_ASSERT(hop_gen_delegate(NULL) == NULL);
    T_ASSERT(hop_gen_frame(NULL) == NULL);
    T_EQ(hop_gen_depth(NULL), HOP_EINVAL);
    T_ASSERT(hop_gen_exc(NULL) == NULL);
    T_ASSERT(hop_frame_alloc(NULL, 16) == NULL);
    T_EQ(hop_arena_used(&a), 0);
    T_EQ(hop_arena_init(NULL, buf, sizeof buf), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, NULL, sizeof buf), HOP_EINVAL);
    T_EQ(hop_arena_used(NULL), 0);
    T_EQ(hop_exc_write(NULL, null_writer, NULL), HOP_EINVAL);
    T_ASSERT(hop_strerror(HOP_EINVAL) != NULL);
    T_ASSERT(hop_err_name(HOP_EINVAL) != NULL);
    /* The frame was never touched by the failed calls. */
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    TR_EXPECT_NONE();
}

/* -- uninitialised handles ------------------------------------------------ */

/* Every operation on g, which is not an initialised handle, fails. */
static void check_dead_handle(hop_gen *g)
{
    hop_value v = 0;
    hop_arena a;
    hop_value buf[32];

    T_EQ(hop_gen_start(g, &v), HOP_EINVAL);
    T_EQ(hop_gen_next(g, &v), HOP_EINVAL);
    T_EQ(hop_gen_send(g, HOP_EMPTY, &v), HOP_EINVAL);
    T_EQ(hop_gen_send(g, 1, &v), HOP_EINVAL);
    /* The exported functions behind the inline fast paths. */
    T_EQ((hop_gen_next)(g, &v), HOP_EINVAL);
    T_EQ((hop_gen_send)(g, 1, &v), HOP_EINVAL);
    T_EQ((hop_frame_init)(NULL, two_fn, HOP_GENERATOR), HOP_EINVAL);
    T_EQ(hop_gen_throw(g, E_A, NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_close(g, &v), HOP_EINVAL);
    T_EQ(hop_gen_state(g), HOP_EINVAL);
    T_ASSERT(hop_gen_delegate(g) == NULL);
    T_ASSERT(hop_gen_frame(g) == NULL);
    T_EQ(hop_gen_depth(g), HOP_EINVAL);
    T_ASSERT(hop_gen_exc(g) == NULL);
    T_EQ(hop_gen_cleanup(g), HOP_EINVAL);
    T_ASSERT(hop_frame_alloc(g, 16) == NULL);
    T_EQ(hop_arena_init(&a, buf, sizeof buf), HOP_OK);
    T_EQ(hop_gen_set_arena(g, &a), HOP_EINVAL);
    T_EQ(hop_gen_set_arena(g, NULL), HOP_EINVAL);
    T_EQ(hop_arena_used(&a), 0);
}

static void mis_uninit_handle(void)
{
    static const unsigned char pats[] = {0x00, 0xa5, 0xff, 0x5a, 0x01};
    plain_frame fr;
    hop_gen g;
    hop_value v = 0;
    unsigned i;

    for (i = 0; i < sizeof pats; i++) {
        t_fill(&g, sizeof g, pats[i]);
        check_dead_handle(&g);
    }
    TR_EXPECT_NONE();

    /* A handle after hop_gen_cleanup is uninitialised again. */
    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    check_dead_handle(&g);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    TR_EXPECT_NONE();

    /* Garbage is fine for hop_gen_init, which overwrites it. */
    t_fill(&g, sizeof g, 0xa5);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_state(&g), HOP_STATE_CREATED);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    TR_EXPECT("start");
}

/* -- uninitialised frames ------------------------------------------------- */

static void mis_uninit_frame(void)
{
    static const unsigned char pats[] = {0x00, 0xa5, 0xff, 0x5a};
    plain_frame fr;
    hop_gen g;
    unsigned i;

    for (i = 0; i < sizeof pats; i++) {
        t_fill(&fr, sizeof fr, pats[i]);
        T_EQ(hop_frame_state(&fr.hdr), HOP_EINVAL);
        t_fill(&g, sizeof g, 0);
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_EINVAL);
        T_EQ(hop_gen_state(&g), HOP_EINVAL);
    }
    /* A step function alone does not make a frame. */
    t_fill(&fr, sizeof fr, 0);
    fr.hdr.fn = two_fn;
    T_EQ(hop_frame_state(&fr.hdr), HOP_EINVAL);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_EINVAL);
    TR_EXPECT_NONE();
}

static void mis_frame_init_kind(void)
{
    static const int kinds[] = {2, -1, 3, 100, HOP_COROUTINE + 1, -2147483647};
    plain_frame fr;
    hop_gen g;
    unsigned i;

    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        t_fill(&fr, sizeof fr, 0);
        T_EQ(hop_frame_init(&fr.hdr, two_fn, kinds[i]), HOP_EINVAL);
        T_EQ(hop_frame_state(&fr.hdr), HOP_EINVAL);
        T_EQ(hop_gen_init(&g, &fr.hdr), HOP_EINVAL);
    }
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        t_fill(&fr, sizeof fr, 0);
        T_EQ((hop_frame_init)(&fr.hdr, two_fn, kinds[i]), HOP_EINVAL);
        T_EQ(hop_frame_state(&fr.hdr), HOP_EINVAL);
    }
    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    T_EQ((hop_frame_init)(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
}

/* -- hop_gen_init on a frame that is not CREATED -------------------------- */

typedef struct {
    hop_frame hdr;
    plain_frame c;
} par_frame;

static hop_gen *ib_spare;
static int ib_inside;

static hop_step ib_fn(hop_gen *g, hop_frame *f)
{
    par_frame *self = (par_frame *)f;
    HOP_BEGIN(g, self);
    /* The running frame itself. */
    ib_inside = hop_gen_init(ib_spare, &self->hdr);
    hop_frame_init(&self->c.hdr, two_fn, HOP_GENERATOR);
    HOP_AWAIT(self, &self->c.hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void mis_gen_init_busy(void)
{
    par_frame fr;
    hop_gen g1, g2;
    hop_value v = 0;

    ib_spare = &g2;
    ib_inside = 0;
    t_fill(&g2, sizeof g2, 0);
    T_EQ(hop_frame_init(&fr.hdr, ib_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g1, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g1, &v), HOP_YIELDED);
    T_EQ(ib_inside, HOP_EBUSY);
    T_EQ(hop_gen_state(&g2), HOP_EINVAL);
    /* Suspended in an await, and suspended at a yield. */
    T_EQ(hop_gen_init(&g2, &fr.hdr), HOP_EBUSY);
    T_EQ(hop_gen_init(&g2, &fr.c.hdr), HOP_EBUSY);
    T_EQ(hop_gen_state(&g2), HOP_EINVAL);
    /* g1 is none the worse. */
    T_EQ(hop_gen_state(&g1), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_send(&g1, 6, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g1, &v), HOP_RETURNED);
    T_EQ(v, 3);
    TR_EXPECT("start", "resumed with 6");
    /* Finished. */
    T_EQ(hop_gen_init(&g2, &fr.hdr), HOP_EBUSY);
    T_EQ(hop_gen_init(&g2, &fr.c.hdr), HOP_EBUSY);
    T_EQ(hop_gen_state(&g2), HOP_EINVAL);
    /* Initialised again, it can be a root again. */
    T_EQ(hop_frame_init(&fr.c.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g2, &fr.c.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g2, &v), HOP_YIELDED);
    T_EQ(v, 1);
}

/* -- two handles on one root: the second one is refused at its start ------ */

static void mis_root_taken(void)
{
    plain_frame fr;
    hop_gen g1, g2;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g1, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_init(&g2, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g1, &v), HOP_YIELDED);
    T_EQ(hop_gen_start(&g2, &v), HOP_EBUSY);
    T_EQ(hop_gen_next(&g2, &v), HOP_EBUSY);
    T_EQ(hop_gen_send(&g2, HOP_EMPTY, &v), HOP_EBUSY);
    T_EQ(hop_gen_throw(&g2, E_A, NULL, &v), HOP_EBUSY);
    T_EQ(hop_gen_close(&g2, &v), HOP_EBUSY);
    T_EQ(hop_gen_state(&g2), HOP_STATE_CREATED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_SUSPENDED);
    T_ASSERT(hop_gen_frame(&g2) == NULL);
    TR_EXPECT("start");
    /* g1 goes on undisturbed. */
    T_EQ(hop_gen_send(&g1, 3, &v), HOP_YIELDED);
    T_EQ(v, 2);
    T_EQ(hop_gen_next(&g1, &v), HOP_RETURNED);
    T_EQ(v, 3);
    TR_EXPECT("start", "resumed with 3");
    T_EQ(hop_gen_start(&g2, &v), HOP_EBUSY);
    T_EQ(hop_gen_cleanup(&g2), HOP_OK);
}

/* -- hop_gen_cleanup --------------------------------------------------- */

static hop_gen *cl_g;
static int cl_inside;

static hop_step cl_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    cl_inside = hop_gen_cleanup(cl_g);
    HOP_YIELD(self, 1);
    HOP_SUSPEND(self, W_A);
    HOP_RETURN(self, 2);
    HOP_END(self);
}

static void mis_cleanup(void)
{
    plain_frame fr;
    hop_gen g;
    hop_value v = 0;

    cl_g = &g;
    cl_inside = 0;
    /* Never started: fine. */
    T_EQ(hop_frame_init(&fr.hdr, cl_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    T_EQ(hop_gen_cleanup(&g), HOP_EINVAL);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);

    /* Running (from inside) and suspended: busy, nothing changes. */
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(cl_inside, HOP_EBUSY);
    T_EQ(hop_gen_cleanup(&g), HOP_EBUSY);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_next(&g, &v), HOP_WAITING);
    T_ASSERT(v == (hop_value)W_A);
    T_EQ(hop_gen_cleanup(&g), HOP_EBUSY);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_ASSERT(hop_gen_frame(&g) == &fr.hdr);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 2);
    /* Finished: fine. */
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    T_EQ(hop_gen_state(&g), HOP_EINVAL);

    /* Closed: fine. */
    T_EQ(hop_frame_init(&fr.hdr, cl_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_cleanup(&g), HOP_EBUSY);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    check_dead_handle(&g);
}

/* -- start twice ---------------------------------------------------------- */

static void mis_start_twice(void)
{
    plain_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_start(&g, &v), HOP_ESTATE);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_SUSPENDED);
    TR_EXPECT("start");
    /* It goes on from where it was. */
    T_EQ(hop_gen_send(&g, 4, &v), HOP_YIELDED);
    T_EQ(v, 2);
    TR_EXPECT("start", "resumed with 4");
    T_EQ(hop_gen_start(&g, &v), HOP_ESTATE);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 3);
    T_EQ(hop_gen_start(&g, &v), HOP_ESTATE);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    TR_EXPECT("start", "resumed with 4");
}

/* -- send before start --------------------------------------------------- */

static void mis_send_before_start(void)
{
    static const hop_value vals[] = {5, 0, -1, HOP_EEXIT, INTPTR_MAX,
                                     HOP_EMPTY + 1};
    plain_frame fr;
    hop_gen g;
    hop_value v = 0;
    unsigned i;

    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        T_EQ(hop_gen_send(&g, vals[i], &v), HOP_ENOTSTARTED);
        T_EQ(hop_gen_state(&g), HOP_STATE_CREATED);
        T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
        T_ASSERT(hop_gen_frame(&g) == NULL);
    }
    TR_EXPECT_NONE();
    /* send(HOP_EMPTY) is a start. */
    T_EQ(hop_gen_send(&g, HOP_EMPTY, &v), HOP_YIELDED);
    T_EQ(v, 1);
    TR_EXPECT("start");
    T_EQ(hop_gen_send(&g, 5, &v), HOP_YIELDED);
    T_EQ(v, 2);
    TR_EXPECT("start", "resumed with 5");
}

/* -- resuming a running generator from inside ------------------------------ */

static hop_gen *rs_g;

static void rs_check(void)
{
    hop_value v = 0;

    T_EQ(hop_gen_state(rs_g), HOP_STATE_RUNNING);
    T_EQ(hop_gen_next(rs_g, &v), HOP_ERUNNING);
    T_EQ(hop_gen_send(rs_g, 5, &v), HOP_ERUNNING);
    T_EQ(hop_gen_send(rs_g, HOP_EMPTY, &v), HOP_ERUNNING);
    T_EQ((hop_gen_next)(rs_g, &v), HOP_ERUNNING);
    T_EQ((hop_gen_send)(rs_g, 5, &v), HOP_ERUNNING);
    T_EQ(hop_gen_throw(rs_g, E_A, NULL, &v), HOP_ERUNNING);
    T_EQ(hop_gen_throw(rs_g, HOP_EEXIT, NULL, &v), HOP_ERUNNING);
    T_EQ(hop_gen_close(rs_g, &v), HOP_ERUNNING);
    T_EQ(hop_gen_start(rs_g, &v), HOP_ERUNNING);
    T_EQ(hop_gen_cleanup(rs_g), HOP_EBUSY);
    T_EQ(hop_gen_state(rs_g), HOP_STATE_RUNNING);
    tr_add("checked");
}

static hop_step rs_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    rs_check();
    HOP_YIELD(self, 1);
    tr_addv("got ", HOP_VALUE(self));
    rs_check();
    HOP_RETURN(self, 2);
    HOP_END(self);
}

static hop_step rs_parent(hop_gen *g, hop_frame *f)
{
    par_frame *self = (par_frame *)f;
    HOP_BEGIN(g, self);
    rs_check();
    hop_frame_init(&self->c.hdr, rs_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    rs_check();
    HOP_RETURN(self, HOP_VALUE(self) + 10);
    HOP_END(self);
}

static void mis_resume_running(void)
{
    plain_frame fr;
    par_frame p;
    hop_gen g;
    hop_value v = 0;

    rs_g = &g;
    T_EQ(hop_frame_init(&fr.hdr, rs_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_send(&g, 4, &v), HOP_RETURNED);
    T_EQ(v, 2);
    TR_EXPECT("checked", "got 4", "checked");

    /* The same from a child, two frames deep. */
    tr_reset();
    T_EQ(hop_frame_init(&p.hdr, rs_parent, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_depth(&g), 2);
    T_EQ(hop_gen_send(&g, 5, &v), HOP_RETURNED);
    T_EQ(v, 12);
    TR_EXPECT("checked", "checked", "got 5", "checked", "checked");
}

/* -- throw with error 0 ---------------------------------------------------- */

static void mis_throw_zero(void)
{
    plain_frame fr;
    hop_gen g;
    hop_value v = 0;

    T_EQ(hop_frame_init(&fr.hdr, two_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_throw(&g, 0, NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_throw(&g, 0, "msg", &v), HOP_EINVAL);
    T_EQ(hop_gen_state(&g), HOP_STATE_CREATED);
    T_EQ(hop_frame_state(&fr.hdr), HOP_STATE_CREATED);
    TR_EXPECT_NONE();
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_throw(&g, 0, NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_state(&g), HOP_STATE_SUSPENDED);
    T_EQ(hop_gen_exc(&g)->code, 0);
    T_EQ(hop_gen_send(&g, 9, &v), HOP_YIELDED);
    T_EQ(v, 2);
    TR_EXPECT("start", "resumed with 9");
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(hop_gen_throw(&g, 0, NULL, &v), HOP_EINVAL);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
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

const t_case t_cases_core_misuse[] = {
    T_CASE(mis_null_args),
    T_CASE(mis_uninit_handle),
    T_CASE(mis_uninit_frame),
    T_CASE(mis_frame_init_kind),
    T_CASE(mis_gen_init_busy),
    T_CASE(mis_root_taken),
    T_CASE(mis_cleanup),
    T_CASE(mis_start_twice),
    T_CASE(mis_send_before_start),
    T_CASE(mis_resume_running),
    T_CASE(mis_throw_zero),
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
