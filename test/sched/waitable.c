/*
 * test/sched/waitable.c: kinds of waitable written by the test (the
 * extension API, hop/waitable.h): timers, wrong and second wakes, wakes
 * of a task that is not waiting, and waitables that complete, fail,
 * return an error or give way while they arm.
 */
#include "t.h"
#include "task.h"

/* A waitable no task waits on, for wakes that must be refused. */
static hop_waitable stray;

/* -- kinds of waitable written here --------------------------------------- */

/*
 * "tick": wakes the task from a timer callback, delay after it was
 * armed, with the value v (or the error err); wakes times wakes.
 */
typedef struct tick {
    hop_waitable w; /* first: the header */
    hop_timer timer;
    hop_loop *loop;
    hop_task *task;
    hop_time delay;
    hop_value v;
    int err;
    int wakes;
    int armed, disarmed;
    int rc[2];
} tick;

static int tick_arm(hop_waitable *w, hop_task *t)
{
    tick *k = (tick *)(void *)w;

    k->armed++;
    k->task = t;
    return hop_timer_start(k->loop, &k->timer,
                           hop_loop_now(k->loop) + k->delay);
}

static void tick_disarm(hop_waitable *w, hop_task *t)
{
    tick *k = (tick *)(void *)w;

    T_ASSERT(t == k->task);
    k->disarmed++;
    T_EQ(hop_timer_stop(k->loop, &k->timer), HOP_OK);
}

static void tick_fire(hop_timer *tm)
{
    tick *k = (tick *)tm->data;
    int i;

    for (i = 0; i < k->wakes && i < 2; i++)
        k->rc[i] = k->err != 0
                       ? hop_task_wake_err(k->task, &k->w, k->err, m_a)
                       : hop_task_wake(k->task, &k->w, k->v + i);
}

static const hop_waitable_ops tick_ops = {tick_arm, tick_disarm, "tick", NULL};

static void tick_init(tick *k, hop_loop *l, hop_time delay, hop_value v)
{
    t_fill(k, sizeof *k, 0);
    k->w.ops = &tick_ops;
    k->loop = l;
    k->delay = delay;
    k->v = v;
    k->wakes = 1;
    T_EQ(hop_timer_init(&k->timer, tick_fire), HOP_OK);
    k->timer.data = k;
}

static void waitable_timer_kind(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, e;
    body ab, bb, eb;
    tick k, k2, k3;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    tick_init(&k, &l, 25, 7);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    T_ASSERT(hop_task_waiting_on(&a) == NULL);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(k.armed, 1);
    T_ASSERT(hop_task_waiting_on(&a) == &k.w);
    T_ASSERT(hop_task_waiting_on(&a)->ops == &tick_ops);
    T_STREQ(hop_task_waiting_on(&a)->ops->kind, "tick");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 7");
    T_EQ(k.rc[0], HOP_OK);
    T_EQ(k.disarmed, 0);
    T_EQ(hop_loop_now(&l), 25);
    T_ASSERT(hop_task_waiting_on(&a) == NULL);

    /* Woken with an error: raised where it waits, with its message. */
    tr_reset();
    tick_init(&k3, &l, 5, 0);
    k3.err = E_B;
    spawn(&e, &l, &eb, b_wait, "E");
    eb.w = &k3.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("E waits", "E raised E_B");
    T_STREQ(eb.msg, m_a);

    /* Cancelled while waiting: disarm is called once, the timer is
     * stopped, and the task gets HOP_ECANCELED. */
    tr_reset();
    tick_init(&k2, &l, 100, 8);
    spawn(&b, &l, &bb, b_wait_plain, "B");
    bb.w = &k2.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_timer_active(&k2.timer), 1);
    T_EQ(hop_task_cancel(&b, NULL), 1);
    T_EQ(k2.disarmed, 1);
    T_EQ(hop_timer_active(&k2.timer), 0);
    T_ASSERT(hop_task_waiting_on(&b) == NULL);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("B waits");
    T_EQ(hop_task_status(&b), HOP_TASK_CANCELLED);
    T_EQ(k2.armed, 1);
    T_EQ(k2.disarmed, 1);
    T_EQ(hop_loop_now(&l), 30);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A wake that names another waitable than the one the task waits on is
 * HOP_ESTATE and changes nothing: the task goes on waiting, and its own
 * waitable wakes it as if nothing had happened.
 */
static void waitable_wrong_waker(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a;
    body ab;
    tick k, other;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    tick_init(&k, &l, 10, 42);
    tick_init(&other, &l, 10, 0);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&a) == &k.w);
    T_EQ(hop_task_wake(&a, &other.w, 1), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&a, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_wake(&a, NULL, 1), HOP_EINVAL);
    T_ASSERT(hop_task_waiting_on(&a) == &k.w);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 42");
    T_EQ(k.rc[0], HOP_OK);
    T_EQ(k.disarmed, 0);
    T_EQ(hop_loop_now(&l), 10);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A second wake of a task that is no longer waiting is HOP_ESTATE and
 * changes nothing: the task resumes with the first value.
 */
static void waitable_second_wake(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a;
    body ab;
    tick k;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    tick_init(&k, &l, 5, 100);
    k.wakes = 2;
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(k.rc[0], HOP_OK);
    T_EQ(k.rc[1], HOP_ESTATE);
    TR_EXPECT("A waits", "A got 100");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A wake of a task that is not waiting (never spawned, finished) is
 * HOP_ESTATE and changes nothing: a failing call changes nothing.
 */
static void wake_not_waiting(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task n, d, f;
    body nb, db, fb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&n, &l, &nb, b_return, "N");
    T_EQ(hop_task_wake(&n, &stray, 1), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&n, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_status(&n), HOP_TASK_NEW);
    spawn(&d, &l, &db, b_return, "D");
    db.v = 5;
    spawn(&f, &l, &fb, b_raise, "F");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_wake(&d, &stray, 99), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&d, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_status(&d), HOP_TASK_DONE);
    T_EQ(hop_task_result(&d), 5);
    T_EQ(hop_task_wake(&f, &stray, 99), HOP_ESTATE);
    T_EQ(hop_task_wake_err(&f, &stray, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_task_status(&f), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&f), E_A);
    T_STREQ(hop_task_errmsg(&f), m_a);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * "now": completes inside arm in one of several ways (mode): wake with
 * v, wake with an error, return an error, give way for one pass, or
 * wake twice (the first wake wins, the second is HOP_ESTATE).
 */
typedef struct now_w {
    hop_waitable w;
    int mode;
    hop_value v;
    int armed, disarmed, rc, rc2;
} now_w;

static int now_arm(hop_waitable *w, hop_task *t)
{
    now_w *k = (now_w *)(void *)w;

    k->armed++;
    switch (k->mode) {
    case 0:
        k->rc = hop_task_wake(t, w, k->v);
        return HOP_OK;
    case 1:
        k->rc = hop_task_wake_err(t, w, E_A, m_a);
        return HOP_OK;
    case 2:
        return HOP_ETIMEDOUT;
    case 4:
        k->rc = hop_task_wake(t, w, k->v);
        k->rc2 = hop_task_wake_err(t, w, E_B, m_b);
        return HOP_OK;
    default:
        return HOP_WAIT_PASS;
    }
}

static void now_disarm(hop_waitable *w, hop_task *t)
{
    (void)t;
    ((now_w *)(void *)w)->disarmed++;
}

static const hop_waitable_ops now_ops = {now_arm, now_disarm, "now", NULL};

static void now_case(int mode)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    body ab, bb;
    now_w k;

    t_fill(&k, sizeof k, 0);
    k.w.ops = &now_ops;
    k.mode = mode;
    k.v = 9;
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = &k.w;
    spawn(&b, &l, &bb, b_return, "B");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    switch (mode) {
    case 0:
        TR_EXPECT("A waits", "A got 9", "B ran");
        T_EQ(k.rc, HOP_OK);
        break;
    case 1:
        TR_EXPECT("A waits", "A raised E_A", "B ran");
        T_EQ(k.rc, HOP_OK);
        T_STREQ(ab.msg, m_a);
        break;
    case 2:
        TR_EXPECT("A waits", "A raised HOP_ETIMEDOUT", "B ran");
        T_ASSERT(ab.msg == NULL);
        break;
    case 4:
        TR_EXPECT("A waits", "A got 9", "B ran");
        T_EQ(k.rc, HOP_OK);
        T_EQ(k.rc2, HOP_ESTATE);
        break;
    default:
        TR_EXPECT("A waits", "B ran", "A got EMPTY");
        break;
    }
    T_EQ(k.armed, 1);
    T_EQ(k.disarmed, 0);
    T_ASSERT(hop_task_waiting_on(&a) == NULL);
    T_EQ(hop_task_status(&a), HOP_TASK_DONE);
    T_EQ(hop_loop_now(&l), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void waitable_completes_in_arm(void)
{
    now_case(0);
}

static void waitable_fails_in_arm(void)
{
    now_case(1);
}

static void waitable_arm_returns_error(void)
{
    now_case(2);
}

static void waitable_arm_gives_way(void)
{
    now_case(3);
}

static void waitable_wakes_twice_in_arm(void)
{
    now_case(4);
}

const t_case t_cases_sched_waitable[] = {
    T_CASE(waitable_timer_kind),
    T_CASE(waitable_second_wake),
    T_CASE(wake_not_waiting),
    T_CASE(waitable_wrong_waker),
    T_CASE(waitable_completes_in_arm),
    T_CASE(waitable_fails_in_arm),
    T_CASE(waitable_arm_returns_error),
    T_CASE(waitable_arm_gives_way),
    T_CASE(waitable_wakes_twice_in_arm),
    T_END,
};
