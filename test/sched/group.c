/*
 * test/sched/group.c: task groups (HOP_GROUP, hop_group_spawn,
 * hop_group_nerrors, hop_group_error) on the simulation backend: a body
 * that fails, the owner cancelled while it waits at HOP_END_GROUP,
 * spawning into a group that is not entered, children that return
 * normally, HOP_GROUP outside a task, and a group entered several times
 * in a loop.
 */
#include "t.h"

#define E_A 1001
#define E_B 1002

static const char m_a[] = "message A";
static const char m_b[] = "message B";

static const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_B:
        return "E_B";
    case 0:
        return "none";
    default:
        return hop_err_name(e);
    }
}

/* Record "<what> <clock in ms>". */
static void at(const char *what, hop_loop *l)
{
    char buf[24];

    tr_add3(what, " ", t_itoa((long long)(hop_loop_now(l) / HOP_MSEC(1)),
                              buf));
}

/* -- children -------------------------------------------------------------- */

/* The frame of every child task of this file. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_loop *loop;
    const char *name;  /* prefix of its trace entries */
    hop_time d;        /* how long it sleeps */
    hop_time linger;   /* how long its cleanup sleeps */
    hop_value v;       /* what it returns */
    int err;           /* what it raises after the sleep, or 0 */
    const char *msg;   /* with this message */
    int seen;          /* the error its cleanup saw */
    hop_future *fut;   /* when not NULL: wait on it instead of sleeping */
} child_frame;

/* try { wait sleep(d) (or on fut); if err raise err (msg); return v }
 * cleanup { seen = error; if linger { wait sleep(linger); record
 *           "<name> <t>" } else record "<name> cleanup <error>" } */
static hop_step child(hop_gen *g, hop_frame *f)
{
    child_frame *self = (child_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        if (self->fut != NULL)
            HOP_SUSPEND(self, hop_future_wait(self->fut));
        else
            HOP_AWAIT(self, hop_sleep(&self->sl, self->d));
        if (self->err != 0)
            HOP_RAISE_MSG(self, self->err, self->msg);
        HOP_RETURN(self, self->v);
    HOP_FINALLY(self);
        self->seen = HOP_ERROR(self);
        if (self->linger > 0) {
            HOP_AWAIT(self, hop_sleep(&self->sl, self->linger));
            at(self->name, self->loop);
        } else {
            tr_add3(self->name, " cleanup ", err_str(HOP_ERROR(self)));
        }
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Set up child task t (frame cf) in loop l and spawn it into grp. */
static int child_spawn(hop_group *grp, hop_loop *l, hop_task *t,
                       child_frame *cf, const char *name, hop_time d,
                       hop_value v, int err)
{
    t_fill(t, sizeof *t, 0);
    cf->loop = l;
    cf->name = name;
    cf->d = d;
    cf->v = v;
    cf->err = err;
    if (hop_frame_init(&cf->hdr, child, HOP_COROUTINE) != HOP_OK)
        return HOP_EINVAL;
    if (hop_task_init(t, l, &cf->hdr, name) != HOP_OK)
        return HOP_EINVAL;
    return hop_group_spawn(grp, t);
}

/* -- owners ---------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_group grp;
    hop_sleep_frame sl;
    hop_loop *loop;
    hop_task t[3];
    child_frame c[3];
    hop_task xt[2];     /* children waiting on fut */
    child_frame x[2];
    hop_future *fut;
    hop_time linger;   /* cleanup time of the children */
    int rc[4];         /* hop_group_spawn results */
    int st[3];         /* children's statuses seen after the block */
    int i, n;
    int nerr[4];       /* hop_group_nerrors after each block */
    int err0[4];       /* hop_group_error(0) after each block */
    const char *msg0;  /* its message */
} owner_frame;

static void owner_prep(hop_task *t, hop_loop *l, owner_frame *of, hop_fn fn)
{
    t_fill(of, sizeof *of, 0);
    of->loop = l;
    t_spawn(t, l, &of->hdr, fn, "owner");
}

/* -- a body that fails ---------------------------------------------------- */

/* group { spawn A (sleep 1 s) and B (sleep 2 s); wait sleep(0.1);
 *         raise E_A ("message A") } */
static hop_step o_body_fails(hop_gen *g, hop_frame *f)
{
    owner_frame *self = (owner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_GROUP(self, &self->grp);
            self->c[0].linger = self->linger;
            self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                      &self->c[0], "A", HOP_SEC(1), 1, 0);
            self->c[1].linger = 2 * self->linger;
            self->rc[1] = child_spawn(&self->grp, self->loop, &self->t[1],
                                      &self->c[1], "B", HOP_SEC(2), 2, 0);
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
            at("body raises", self->loop);
            HOP_RAISE_MSG(self, E_A, m_a);
        HOP_END_GROUP(self, &self->grp);
        tr_add("past the group");
    HOP_CATCH_ALL(self);
        at("owner caught", self->loop);
        tr_add2("error ", err_str(HOP_ERROR(self)));
        self->st[0] = hop_task_status(&self->t[0]);
        self->st[1] = hop_task_status(&self->t[1]);
        HOP_RERAISE(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void group_body_fails(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    owner_frame of;
    const char *msg = NULL;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    owner_prep(&o, &l, &of, o_body_fails);
    of.linger = HOP_MSEC(50);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    /* The children are cancelled when the body fails, their cleanups run
     * to their end, and only then does the block end. */
    TR_EXPECT("body raises 100", "A 150", "B 200", "owner caught 200",
              "error HOP_EGROUP");
    T_EQ(of.c[0].seen, HOP_ECANCELED);
    T_EQ(of.c[1].seen, HOP_ECANCELED);
    T_EQ(of.rc[0], HOP_OK);
    T_EQ(of.rc[1], HOP_OK);
    T_EQ(of.st[0], HOP_TASK_CANCELLED);
    T_EQ(of.st[1], HOP_TASK_CANCELLED);
    T_EQ(hop_group_nerrors(&of.grp), 1);
    T_EQ(hop_group_error(&of.grp, 0, &msg), E_A);
    T_STREQ(msg, m_a);
    T_EQ(hop_task_status(&o), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&o), HOP_EGROUP);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- the owner cancelled at HOP_END_GROUP --------------------------------- */

/* try { group { spawn A (1 s) and B (2 s); record "body ended" }
 *       record "past the group" }
 * handler CANCELLED { record "owner cancelled <t>"; statuses; re-raise } */
static hop_step o_wait_cancelled(hop_gen *g, hop_frame *f)
{
    owner_frame *self = (owner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_GROUP(self, &self->grp);
            self->c[0].linger = self->linger;
            self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                      &self->c[0], "A", HOP_SEC(1), 1, 0);
            self->c[1].linger = 2 * self->linger;
            self->rc[1] = child_spawn(&self->grp, self->loop, &self->t[1],
                                      &self->c[1], "B", HOP_SEC(2), 2, 0);
            tr_add("body ended");
        HOP_END_GROUP(self, &self->grp);
        tr_add("past the group");
    HOP_CATCH(self, HOP_ECANCELED);
        at("owner cancelled", self->loop);
        self->st[0] = hop_task_status(&self->t[0]);
        self->st[1] = hop_task_status(&self->t[1]);
        HOP_RERAISE(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void group_owner_cancelled(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    owner_frame of;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    owner_prep(&o, &l, &of, o_wait_cancelled);
    of.linger = HOP_MSEC(300);
    /* The owner's body ends, the children start to sleep. */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("body ended");
    T_EQ(hop_sim_advance(&sim, HOP_MSEC(500)), HOP_OK);
    T_EQ(hop_task_cancel(&o, "stop"), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("body ended", "A 800", "B 1100", "owner cancelled 1100");
    T_EQ(of.c[0].seen, HOP_ECANCELED);
    T_EQ(of.c[1].seen, HOP_ECANCELED);
    T_EQ(of.rc[0], HOP_OK);
    T_EQ(of.rc[1], HOP_OK);
    /* No child outlived the block. */
    T_EQ(of.st[0], HOP_TASK_CANCELLED);
    T_EQ(of.st[1], HOP_TASK_CANCELLED);
    T_EQ(hop_group_nerrors(&of.grp), 0);
    T_EQ(hop_task_status(&o), HOP_TASK_CANCELLED);
    T_EQ(hop_task_error(&o), HOP_ECANCELED);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- spawning into a group that is not entered --------------------------- */

/* group { spawn A (returns 5) }; then spawn into the group that was left */
static hop_step o_spawn_after(hop_gen *g, hop_frame *f)
{
    owner_frame *self = (owner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                  &self->c[0], "A", 0, 5, 0);
    HOP_END_GROUP(self, &self->grp);
    self->rc[1] = child_spawn(&self->grp, self->loop, &self->t[1],
                              &self->c[1], "B", 0, 6, 0);
    HOP_RETURN(self, 9);
    HOP_END(self);
}

static void group_spawn_not_entered(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o, t;
    owner_frame of;
    child_frame cf;
    hop_group grp;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);

    /* A group never entered (zero-filled). */
    t_fill(&grp, sizeof grp, 0);
    t_fill(&cf, sizeof cf, 0);
    T_EQ(child_spawn(&grp, &l, &t, &cf, "X", 0, 1, 0), HOP_ESTATE);
    T_EQ(hop_task_status(&t), HOP_TASK_NEW); /* not spawned */
    T_EQ(hop_loop_tasks(&l), 0);
    T_EQ(hop_group_spawn(NULL, &t), HOP_EINVAL);

    /* A group whose block has ended. */
    owner_prep(&o, &l, &of, o_spawn_after);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(of.rc[0], HOP_OK);
    T_EQ(of.rc[1], HOP_ESTATE);
    T_EQ(hop_task_status(&of.t[1]), HOP_TASK_NEW);
    T_EQ(hop_task_status(&of.t[0]), HOP_TASK_DONE);
    T_EQ(hop_task_status(&o), HOP_TASK_DONE);
    T_EQ(hop_task_result(&o), 9);
    /* And from outside, after the owner ended. */
    T_EQ(hop_group_spawn(&of.grp, &t), HOP_ESTATE);
    T_EQ(hop_task_status(&t), HOP_TASK_NEW);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- children that return normally ---------------------------------------- */

/* group { spawn A (0.1 s, 5), B (sleep 0: one pass, 6) }; record "left <t>";
 * return 9 */
static hop_step o_children_ok(hop_gen *g, hop_frame *f)
{
    owner_frame *self = (owner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                  &self->c[0], "A", HOP_MSEC(100), 5, 0);
        self->rc[1] = child_spawn(&self->grp, self->loop, &self->t[1],
                                  &self->c[1], "B", 0, 6, 0);
    HOP_END_GROUP(self, &self->grp);
    at("left", self->loop);
    self->nerr[0] = hop_group_nerrors(&self->grp);
    HOP_RETURN(self, 9);
    HOP_END(self);
}

static void group_child_returns(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    owner_frame of;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    owner_prep(&o, &l, &of, o_children_ok);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("B cleanup none", "A cleanup none", "left 100");
    T_EQ(of.rc[0], HOP_OK);
    T_EQ(of.rc[1], HOP_OK);
    T_EQ(hop_task_status(&of.t[0]), HOP_TASK_DONE);
    T_EQ(hop_task_result(&of.t[0]), 5);
    T_EQ(hop_task_status(&of.t[1]), HOP_TASK_DONE);
    T_EQ(hop_task_result(&of.t[1]), 6);
    T_EQ(of.nerr[0], 0);
    T_EQ(hop_group_nerrors(&of.grp), 0);
    T_EQ(hop_task_status(&o), HOP_TASK_DONE);
    T_EQ(hop_task_result(&o), 9);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- HOP_GROUP outside a task ---------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_group grp;
    int body_ran;
} plain_group_frame;

/* group { body_ran = 1 } */
static hop_step plain_group(hop_gen *g, hop_frame *f)
{
    plain_group_frame *self = (plain_group_frame *)f;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        self->body_ran = 1;
    HOP_END_GROUP(self, &self->grp);
    HOP_RETURN(self, 1);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_gen g;
    plain_group_frame pf;
    int rc, err;
} driver_frame;

/* Drive a plain generator whose root enters a group, inside a task. */
static hop_step drive_plain(hop_gen *g, hop_frame *f)
{
    driver_frame *self = (driver_frame *)f;
    hop_value v = 0;
    HOP_BEGIN(g, self);
    t_fill(&self->pf, sizeof self->pf, 0);
    hop_frame_init(&self->pf.hdr, plain_group, HOP_COROUTINE);
    hop_gen_init(&self->g, &self->pf.hdr);
    self->rc = hop_gen_start(&self->g, &v);
    self->err = (int)v;
    hop_gen_cleanup(&self->g);
    HOP_END(self);
}

static void group_outside_task(void)
{
    hop_gen g;
    plain_group_frame pf;
    hop_value v = 0;
    hop_loop l;
    hop_sim sim;
    hop_task t;
    driver_frame df;

    t_fill(&pf, sizeof pf, 0);
    T_EQ(hop_frame_init(&pf.hdr, plain_group, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &pf.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ENOTASK);
    T_EQ(hop_gen_exc(&g)->code, HOP_ENOTASK);
    T_EQ(pf.body_ran, 0);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    /* A plain handle driven from inside a task is still outside it. */
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    t_fill(&df, sizeof df, 0);
    t_spawn(&t, &l, &df.hdr, drive_plain, NULL);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(df.rc, HOP_RAISED);
    T_EQ(df.err, HOP_ENOTASK);
    T_EQ(df.pf.body_ran, 0);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- a group entered several times in a loop ------------------------------ */

/* for i in 0..3: try { group { spawn A (0.1 s, returns i; raises E_B
 *   ("message B") when i == 1); wait sleep(0.05) } record "round <i>" }
 *   handler EGROUP { record "round failed" }; nerrors, error(0) noted;
 * record "end <t>"; return 4 */
static hop_step o_rounds(hop_gen *g, hop_frame *f)
{
    owner_frame *self = (owner_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 4; self->i++) {
        HOP_TRY(self);
            HOP_GROUP(self, &self->grp);
                self->rc[0] = child_spawn(&self->grp, self->loop,
                                          &self->t[0], &self->c[0], "A",
                                          HOP_MSEC(100), self->i,
                                          self->i == 1 ? E_B : 0);
                self->c[0].msg = m_b;
                HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(50)));
            HOP_END_GROUP(self, &self->grp);
            at("round ok", self->loop);
        HOP_CATCH(self, HOP_EGROUP);
            at("round failed", self->loop);
        HOP_END_TRY(self);
        if (self->rc[0] != HOP_OK)
            HOP_RAISE(self, self->rc[0]);
        self->nerr[self->i] = hop_group_nerrors(&self->grp);
        self->err0[self->i] = self->nerr[self->i] > 0
                                  ? hop_group_error(&self->grp, 0,
                                                    &self->msg0)
                                  : 0;
        if (hop_task_status(&self->t[0]) == HOP_TASK_DONE)
            tr_addv("result ", hop_task_result(&self->t[0]));
        else
            tr_add2("result ", err_str(hop_task_error(&self->t[0])));
    }
    at("end", self->loop);
    HOP_RETURN(self, 4);
    HOP_END(self);
}

static void group_in_loop(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    owner_frame of;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    owner_prep(&o, &l, &of, o_rounds);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A cleanup none", "round ok 100", "result 0",
              "A cleanup E_B", "round failed 200", "result E_B",
              "A cleanup none", "round ok 300", "result 2",
              "A cleanup none", "round ok 400", "result 3", "end 400");
    T_EQ(of.nerr[0], 0);
    T_EQ(of.nerr[1], 1);
    T_EQ(of.err0[1], E_B);
    T_STREQ(of.msg0, m_b);
    T_EQ(of.nerr[2], 0);
    T_EQ(of.nerr[3], 0);
    T_EQ(hop_task_status(&o), HOP_TASK_DONE);
    T_EQ(hop_task_result(&o), 4);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}


/* -- a failing child among other tasks -------------------------------------- */

/* group { spawn A (1 s), X and Y (on the future fut) and C (0.1 s, then
 *         raise E_B) } */
static hop_step o_child_fails(hop_gen *g, hop_frame *f)
{
    owner_frame *self = (owner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_GROUP(self, &self->grp);
            self->rc[0] = child_spawn(&self->grp, self->loop, &self->t[0],
                                      &self->c[0], "A", HOP_SEC(1), 1, 0);
            self->x[0].fut = self->x[1].fut = self->fut;
            self->rc[1] = child_spawn(&self->grp, self->loop, &self->xt[0],
                                      &self->x[0], "X", 0, 0, 0);
            self->rc[2] = child_spawn(&self->grp, self->loop, &self->xt[1],
                                      &self->x[1], "Y", 0, 0, 0);
            self->rc[3] = child_spawn(&self->grp, self->loop, &self->t[2],
                                      &self->c[2], "C", HOP_MSEC(100), 0,
                                      E_B);
        HOP_END_GROUP(self, &self->grp);
    HOP_CATCH_ALL(self);
        at("owner caught", self->loop);
        tr_add2("error ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * A child fails in a loop where other tasks wait too (on a sleep, and on
 * the same future as two of the children): the group cancels its own
 * children only (cancelling X cancels the future, which wakes Y; Y is
 * cancelled all the same), and the others go on.
 */
static void group_cancel_spares_others(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future fu;
    hop_task o, u;
    owner_frame of;
    child_frame uf;
    int i;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&fu, NULL), HOP_OK);
    t_fill(&uf, sizeof uf, 0);
    uf.loop = &l;
    uf.name = "U";
    uf.d = HOP_SEC(5);
    uf.v = 9;
    t_spawn(&u, &l, &uf.hdr, child, "U");
    owner_prep(&o, &l, &of, o_child_fails);
    of.fut = &fu;
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK); /* U sleeps */
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK); /* the owner spawns */
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    /* (X and Y are woken by their future, oldest first, before A.) */
    TR_EXPECT("C cleanup E_B", "X cleanup HOP_ECANCELED",
              "Y cleanup HOP_ECANCELED", "A cleanup HOP_ECANCELED",
              "owner caught 100", "error HOP_EGROUP", "U cleanup none");
    for (i = 0; i < 4; i++)
        T_EQ(of.rc[i], HOP_OK);
    T_EQ(hop_task_status(&of.t[0]), HOP_TASK_CANCELLED);
    T_EQ(hop_task_status(&of.xt[0]), HOP_TASK_CANCELLED);
    T_EQ(hop_task_status(&of.xt[1]), HOP_TASK_CANCELLED);
    T_EQ(hop_task_status(&of.t[2]), HOP_TASK_FAILED);
    T_EQ(hop_task_status(&u), HOP_TASK_DONE);
    T_EQ(hop_task_result(&u), 9);
    T_EQ(sim.now, HOP_SEC(5));
    T_EQ(hop_group_nerrors(&of.grp), 1);
    T_EQ(hop_group_error(&of.grp, 0, NULL), E_B);
    T_EQ(hop_future_state(&fu), HOP_FUTURE_CANCELLED);
    /* A child that ended no longer needs its group: the group's frame
     * may be gone, the task still knows its loop. */
    t_fill(&of.grp, sizeof of.grp, 0xa5);
    T_ASSERT(hop_task_loop(&of.xt[0]) == &l);
    T_EQ(hop_task_cancel(&of.xt[0], NULL), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_group[] = {
    T_CASE(group_body_fails),
    T_CASE(group_owner_cancelled),
    T_CASE(group_spawn_not_entered),
    T_CASE(group_child_returns),
    T_CASE(group_outside_task),
    T_CASE(group_in_loop),
    T_CASE(group_cancel_spares_others),
    T_END,
};
