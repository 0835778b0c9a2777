/*
 * test/sched/join.c: joins and sleeps on the simulation backend: their
 * misuse, joining several tasks, sleeps until a past time, of zero and
 * relative ones, and the order of delayed spawns.
 */
#include "t.h"
#include "task.h"

/* -- bodies --------------------------------------------------------------- */

/* record "<name> before"; sleep_until(t); record "<name> after" */
static hop_step b_until(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " before");
    HOP_AWAIT(self, hop_sleep_until(&self->sl, self->t));
    tr_add2(self->name, " after");
    HOP_END(self);
}

/* Drive a sleep frame with a plain handle from inside a task. */
static hop_step b_plain_sleep(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    hop_value out = 0;
    HOP_BEGIN(g, self);
    T_EQ(hop_gen_init(&self->g, hop_sleep(&self->sl2, 5)), HOP_OK);
    self->rc = hop_gen_start(&self->g, &out);
    self->err = (int)out;
    self->msg = hop_gen_exc(&self->g)->msg;
    T_ASSERT(hop_gen_loop(&self->g) == NULL);
    tr_add2(self->name, " drove a plain sleep");
    HOP_END(self);
}

/* -- joins and sleeps: misuse --------------------------------------------- */

static void join_misuse(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task n, a, s, z, d, dj;
    body nb, ab, sb, zb, db, djb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&n, &l, &nb, b_return, "N");
    /* A joins N, never spawned. */
    spawn(&a, &l, &ab, b_join, "A");
    ab.other = &n;
    /* S joins itself. */
    spawn(&s, &l, &sb, b_join, "S");
    sb.other = &s;
    /* Z joins NULL. */
    spawn(&z, &l, &zb, b_join, "Z");
    zb.other = NULL;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A join raised HOP_ESTATE", "S join raised HOP_ESELFJOIN",
              "Z join raised HOP_EINVAL");
    T_STREQ(ab.msg, "join of a task never spawned");
    T_EQ(hop_task_status(&n), HOP_TASK_NEW);

    /* Joining a finished task gives its value without suspending. */
    tr_reset();
    spawn(&d, &l, &db, b_return, "D");
    db.v = 11;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    spawn(&dj, &l, &djb, b_join, "J");
    djb.other = &d;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D ran", "J joined 11");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Sleep and join driven by a plain handle are outside any task. */
static void sleep_join_outside_task(void)
{
    hop_loop l;
    hop_sim sim;
    hop_gen g;
    hop_sleep_frame s;
    hop_join_frame j;
    hop_task t, p;
    body b, pb;
    hop_value v = 0;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);

    T_EQ(hop_gen_init(&g, hop_sleep(&s, 10)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);
    T_EQ(hop_gen_exc(&g)->code, HOP_ESTATE);
    T_STREQ(hop_gen_exc(&g)->msg, "sleep outside a task");
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    T_EQ(hop_gen_init(&g, hop_sleep(&s, 0)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);

    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    T_EQ(hop_gen_init(&g, hop_sleep_until(&s, 10)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    spawn(&t, &l, &b, b_return, "A");
    T_EQ(hop_gen_init(&g, hop_join(&j, &t)), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ESTATE);
    T_STREQ(hop_gen_exc(&g)->msg, "join outside a task");
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    /* A plain handle driven from inside a task is still outside it. */
    spawn(&p, &l, &pb, b_plain_sleep, "P");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A ran", "P drove a plain sleep");
    T_EQ(pb.rc, HOP_RAISED);
    T_EQ(pb.err, HOP_ESTATE);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- sleeps --------------------------------------------------------------- */

/* sleep_until a time that has come does not suspend: no other task runs
 * in between. */
static void sleep_until_past(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c, d;
    body ab, bb, cb, db;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_sim_advance(&sim, 100), HOP_OK);
    spawn(&a, &l, &ab, b_until, "A");
    ab.t = 50;
    spawn(&b, &l, &bb, b_return, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A before", "A after", "B ran");

    tr_reset();
    spawn(&a, &l, &ab, b_until, "A");
    ab.t = 100; /* now */
    spawn(&b, &l, &bb, b_return, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A before", "A after", "B ran");
    T_EQ(hop_loop_now(&l), 100);

    /* A future time does suspend, and the clock jumps there. */
    tr_reset();
    spawn(&c, &l, &cb, b_until, "C");
    cb.t = 150;
    spawn(&d, &l, &db, b_return, "D");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("C before", "D ran", "C after");
    T_EQ(hop_loop_now(&l), 150);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* sleep(0), and a negative sleep, let every other ready task run once. */
static void sleep_zero_pass(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c;
    body ab, bb, cb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&a, &l, &ab, b_passes, "A");
    ab.n = 3;
    spawn(&b, &l, &bb, b_passes, "B");
    bb.n = 3;
    bb.t = -5;
    spawn(&c, &l, &cb, b_passes, "C");
    cb.n = 2;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "B1", "C1", "A2", "B2", "C2", "A3", "B3");
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A positive sleep: other tasks run, the clock jumps by the delay. */
static void sleep_relative(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    body ab, bb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_sim_advance(&sim, 7), HOP_OK);
    spawn(&a, &l, &ab, b_passes, "A");
    ab.n = 3;
    ab.t = HOP_MSEC(2);
    spawn(&b, &l, &bb, b_passes, "B");
    bb.n = 2;
    bb.t = HOP_MSEC(3);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1");
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1", "A2");
    T_EQ(hop_loop_now(&l), 7 + HOP_MSEC(2));
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("A1", "B1", "A2", "B2");
    T_EQ(hop_loop_now(&l), 7 + HOP_MSEC(3));
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A1", "B1", "A2", "B2", "A3");
    T_EQ(hop_loop_now(&l), 7 + HOP_MSEC(4));
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Delayed spawns start in time order, ties in spawn order; a delay
 * <= 0 is the next pass. */
static void spawn_after_order(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c, d, e;
    body ab, bb, cb, db, eb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&a, &l, &ab, b_time, "A@");
    prep(&b, &l, &bb, b_time, "B@");
    prep(&c, &l, &cb, b_time, "C@");
    prep(&d, &l, &db, b_time, "D@");
    prep(&e, &l, &eb, b_time, "E@");
    T_EQ(hop_spawn_after(&a, 30), HOP_OK);
    T_EQ(hop_spawn_after(&b, 10), HOP_OK);
    T_EQ(hop_spawn_after(&c, 30), HOP_OK);
    T_EQ(hop_spawn_after(&d, 0), HOP_OK);
    T_EQ(hop_spawn_after(&e, -5), HOP_OK);
    T_EQ(hop_loop_tasks(&l), 5);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("D@0", "E@0", "B@10", "A@30", "C@30");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * Three joins of one task, the middle one cancelled: the others get the
 * value, in the order they came. Then a failing task whose only join was
 * cancelled is reported to the error hook once.
 */
static void join_several(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task t, j1, j2, j3, u, k;
    body tb, j1b, j2b, j3b, ub, kb;

    on_error_calls = 0;
    err_loop = &l;
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    hop_loop_on_error(&l, note_error);
    spawn(&t, &l, &tb, b_passes, "T");
    tb.n = 2;
    tb.t = 10;
    spawn(&j1, &l, &j1b, b_join, "J1");
    spawn(&j2, &l, &j2b, b_join, "J2");
    spawn(&j3, &l, &j3b, b_join, "J3");
    j1b.other = j2b.other = j3b.other = &t;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&j2, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("T1", "J2 join raised HOP_ECANCELED", "T2", "J1 joined 2",
              "J3 joined 2");
    T_EQ(on_error_calls, 0);

    tr_reset();
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&u, &l, &ub, b_wait_plain, "U");
    ub.w = hop_future_wait(&f);
    spawn(&k, &l, &kb, b_join, "K");
    kb.other = &u;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&k, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_fail(&f, E_A, m_a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("U waits", "K join raised HOP_ECANCELED");
    T_EQ(hop_task_status(&u), HOP_TASK_FAILED);
    T_EQ(on_error_calls, 1);
    T_ASSERT(on_error_last == &u);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_join[] = {
    T_CASE(join_misuse),
    T_CASE(sleep_join_outside_task),
    T_CASE(join_several),
    T_CASE(sleep_until_past),
    T_CASE(sleep_zero_pass),
    T_CASE(sleep_relative),
    T_CASE(spawn_after_order),
    T_END,
};
