/*
 * test/conformance/grp.c: task groups, cases GRP-01 and GRP-02 of
 * CASES.md, on the simulation backend and on libevent.
 *
 * "The group error" is HOP_EGROUP raised from HOP_END_GROUP (and so at
 * join(runner)); its members are read with hop_group_nerrors and
 * hop_group_error on the runner's group once the runner has ended.
 */
#include "common.h"

#define E_Z 1026
#define E_M 1013

static const char *err_str(int e)
{
    switch (e) {
    case E_Z:
        return "E_Z";
    case E_M:
        return "E_M";
    default:
        return cc_err_str(e);
    }
}

/* The frame of every child task of this file. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_time d;  /* how long it sleeps */
    hop_value v; /* what it returns */
    int *flag;   /* set by a CANCELLED handler */
    int *num;    /* NUM of GRP-02 */
} child_frame;

/* Initialise the task t with the child frame cf (step fn) in the body of
 * a task of l, and spawn it into the group grp. */
static int child_spawn(hop_group *grp, hop_loop *l, hop_task *t,
                       child_frame *cf, hop_fn fn)
{
    t_fill(t, sizeof *t, 0);
    if (hop_frame_init(&cf->hdr, fn, HOP_COROUTINE) != HOP_OK)
        return HOP_EINVAL;
    if (hop_task_init(t, l, &cf->hdr, NULL) != HOP_OK)
        return HOP_EINVAL;
    return hop_group_spawn(grp, t);
}

/* wait sleep(d); return v */
static hop_step sleep_return(hop_gen *g, hop_frame *f)
{
    child_frame *self = (child_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, self->d));
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* -- GRP-01: a group waits for its children and collects their results -- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_group grp;
    hop_sleep_frame sl;
    hop_loop *loop;
    hop_task t1, t2;
    child_frame c1, c2;
    hop_time pause;      /* case B: the body sleeps this long before t2 */
    int rc1, rc2;        /* hop_group_spawn results */
    hop_time body_at, left_at; /* the clock at "body ended" and "left" */
} g01_frame;

/* runner: group { t1 = child(sleep 0.1; return 42); [sleep pause;]
 *                 t2 = child(sleep 0.2; return 11) }; record "left" */
static hop_step g01_runner(hop_gen *g, hop_frame *f)
{
    g01_frame *self = (g01_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->c1.d = HOP_MSEC(100);
        self->c1.v = 42;
        self->rc1 = child_spawn(&self->grp, self->loop, &self->t1,
                                &self->c1, sleep_return);
        if (self->pause > 0)
            HOP_AWAIT(self, hop_sleep(&self->sl, self->pause));
        self->c2.d = HOP_MSEC(200);
        self->c2.v = 11;
        self->rc2 = child_spawn(&self->grp, self->loop, &self->t2,
                                &self->c2, sleep_return);
        self->body_at = hop_loop_now(self->loop);
        tr_add("body ended");
    HOP_END_GROUP(self, &self->grp);
    self->left_at = hop_loop_now(self->loop);
    tr_add("left");
    HOP_RETURN(self, 7);
    HOP_END(self);
}

/* Run the runner with the given pause; the body ends at t0 + body_at and
 * the runner leaves the group at t0 + left_at. */
static void g01_case(hop_time pause, hop_time body_at, hop_time left_at)
{
    hop_loop loop;
    hop_task r;
    g01_frame rf;
    hop_time t0;

    t_fill(&rf, sizeof rf, 0);
    T_EQ(t_loop_init(&loop), HOP_OK);
    t0 = t_now(&loop);
    rf.loop = &loop;
    rf.pause = pause;
    t_spawn(&r, &loop, &rf.hdr, g01_runner, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(rf.rc1, HOP_OK);
    T_EQ(rf.rc2, HOP_OK);
    T_EQ(hop_task_status(&rf.t1), HOP_TASK_DONE);
    T_EQ(hop_task_result(&rf.t1), 42);
    T_EQ(hop_task_status(&rf.t2), HOP_TASK_DONE);
    T_EQ(hop_task_result(&rf.t2), 11);
    T_EQ(hop_group_nerrors(&rf.grp), 0);
    T_EQ(hop_task_status(&r), HOP_TASK_DONE);
    T_EQ(hop_task_result(&r), 7);
    TR_EXPECT("body ended", "left");
    T_SPAN(rf.body_at - t0, body_at);
    T_SPAN(rf.left_at - t0, left_at);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

static void GRP_01(void)
{
    /* Case A: the body ends at once; leaving happens at t=0.2. */
    g01_case(0, 0, HOP_MSEC(200));

    /* Case B: the body sleeps 0.15 s before creating t2: same results;
     * leaving waits for t2 (0.15 + 0.2). */
    tr_reset();
    g01_case(HOP_MSEC(150), HOP_MSEC(150), HOP_MSEC(350));
}

/* -- GRP-02: the first failure cancels siblings and the owner's body ----- */

/* foo1: wait sleep(0.1); raise E_Z  (crash_soon of case C) */
static hop_step foo1(hop_gen *g, hop_frame *f)
{
    child_frame *self = (child_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
    HOP_RAISE(self, E_Z);
    HOP_END(self);
}

/* foo2: try { wait sleep(5) } handler CANCELLED { t2_cancel = true;
 *       re-raise }; NUM += 1 */
static hop_step foo2(hop_gen *g, hop_frame *f)
{
    child_frame *self = (child_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(5)));
    HOP_CATCH(self, HOP_ECANCELED);
        *self->flag = 1;
        HOP_RERAISE(self);
    HOP_END_TRY(self);
    *self->num += 1;
    HOP_END(self);
}

/* nested (case C): try { wait sleep(10) } cleanup { raise E_M } */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
} nested_frame;

static hop_step nested(hop_gen *g, hop_frame *f)
{
    nested_frame *self = (nested_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
    HOP_FINALLY(self);
        HOP_RAISE(self, E_M);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2); /* the group, and the try block inside its body */
    hop_group grp;
    hop_sleep_frame sl;
    nested_frame nest;
    hop_loop *loop;
    hop_task t[4];
    child_frame c[4];
    int rc[4];
    int num;           /* NUM */
    int t2_cancel;
    int runner_cancel;
    int i;
} g02_frame;

/* A: group { three foo1 and one foo2; try { wait sleep(10) } handler
 *    CANCELLED { runner_cancel = true; re-raise } }; NUM += 10 */
static hop_step g02a_runner(hop_gen *g, hop_frame *f)
{
    g02_frame *self = (g02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        for (self->i = 0; self->i < 4; self->i++) {
            self->c[self->i].flag = &self->t2_cancel;
            self->c[self->i].num = &self->num;
            self->rc[self->i] = child_spawn(&self->grp, self->loop,
                                            &self->t[self->i],
                                            &self->c[self->i],
                                            self->i < 3 ? foo1 : foo2);
        }
        HOP_TRY(self);
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
        HOP_CATCH(self, HOP_ECANCELED);
            self->runner_cancel = 1;
            HOP_RERAISE(self);
        HOP_END_TRY(self);
    HOP_END_GROUP(self, &self->grp);
    self->num += 10;
    HOP_END(self);
}

/* B: group { two children sleeping 1 s and 2 s; raise E_Z } */
static hop_step g02b_runner(hop_gen *g, hop_frame *f)
{
    g02_frame *self = (g02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->c[0].d = HOP_SEC(1);
        self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                  &self->c[0], sleep_return);
        self->c[1].d = HOP_SEC(2);
        self->rc[1] = child_spawn(&self->grp, self->loop, &self->t[1],
                                  &self->c[1], sleep_return);
        HOP_RAISE(self, E_Z);
    HOP_END_GROUP(self, &self->grp);
    self->num += 10;
    HOP_END(self);
}

/* C: group { crash_soon; DELEGATE nested() } */
static hop_step g02c_runner(hop_gen *g, hop_frame *f)
{
    g02_frame *self = (g02_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                  &self->c[0], foo1);
        hop_frame_init(&self->nest.hdr, nested, HOP_COROUTINE);
        HOP_AWAIT(self, &self->nest.hdr);
    HOP_END_GROUP(self, &self->grp);
    self->num += 10;
    HOP_END(self);
}

/* Run runner (step fn) with a joiner until both end; check that the
 * join raised the group error. */
static void g02_run(g02_frame *rf, hop_fn fn)
{
    hop_loop loop;
    hop_task r, j;
    cc_joiner_frame jf;

    tr_reset();
    t_fill(rf, sizeof *rf, 0);
    T_EQ(t_loop_init(&loop), HOP_OK);
    rf->loop = &loop;
    t_spawn(&r, &loop, &rf->hdr, fn, NULL);
    cc_spawn_joiner(&j, &jf, &loop, &r, err_str);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("join raised HOP_EGROUP");
    T_EQ(hop_task_status(&r), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&r), HOP_EGROUP);
    T_EQ(t_loop_cleanup(&loop), HOP_OK);
}

static void GRP_02(void)
{
    g02_frame rf;
    int i, n;

    /* Case A */
    g02_run(&rf, g02a_runner);
    for (i = 0; i < 4; i++)
        T_EQ(rf.rc[i], HOP_OK);
    n = hop_group_nerrors(&rf.grp);
    T_ASSERT(n >= 1);
    for (i = 0; i < n; i++)
        T_STREQ(err_str(hop_group_error(&rf.grp, i, NULL)), "E_Z");
    T_EQ(rf.num, 0);
    T_EQ(rf.t2_cancel, 1);
    T_EQ(rf.runner_cancel, 1);
    T_EQ(hop_task_status(&rf.t[3]), HOP_TASK_CANCELLED);

    /* Case B */
    g02_run(&rf, g02b_runner);
    T_EQ(rf.rc[0], HOP_OK);
    T_EQ(rf.rc[1], HOP_OK);
    T_EQ(hop_task_status(&rf.t[0]), HOP_TASK_CANCELLED);
    T_EQ(hop_task_status(&rf.t[1]), HOP_TASK_CANCELLED);
    T_EQ(hop_group_nerrors(&rf.grp), 1);
    T_STREQ(err_str(hop_group_error(&rf.grp, 0, NULL)), "E_Z");
    T_EQ(rf.num, 0);

    /* Case C: the members are E_M and E_Z, in no particular order. */
    g02_run(&rf, g02c_runner);
    T_EQ(rf.rc[0], HOP_OK);
    T_EQ(hop_task_status(&rf.t[0]), HOP_TASK_FAILED);
    T_EQ(hop_group_nerrors(&rf.grp), 2);
    {
        int a = hop_group_error(&rf.grp, 0, NULL);
        int b = hop_group_error(&rf.grp, 1, NULL);
        T_ASSERT((a == E_M && b == E_Z) || (a == E_Z && b == E_M));
    }
    T_EQ(rf.num, 0);
}

const t_case t_cases_conf_grp[] = {
    T_LONG_CASE(GRP_01), /* 0.2 s + 0.35 s */
    T_TASK_CASE(GRP_02),
    T_END,
};
