/*
 * test/gen/misuse.c: every misuse of the generator handle is an error code,
 * and leaves the generator as it was where the API says so: NULL and
 * uninitialised arguments, a busy or taken root, cleanup, starting twice,
 * sending before the start, resuming a running generator, throwing 0.
 */
#include "t.h"
#include "misuse.h"

static int w_obj;

static int null_writer(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 0;
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

const t_case t_cases_gen_misuse[] = {
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
    T_END,
};
