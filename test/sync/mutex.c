/*
 * test/sync/mutex.c: mutexes on the simulation backend: tasks taking
 * turns, recursion, timeouts and cancellation, a handoff then a cancel.
 */
#include "t.h"
#include "sync.h"

/* -- mutexes --------------------------------------------------------------- */

static void mutex_tasks(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_mutex m;
    hop_task t[3];
    body b[3];
    static const char *const names[3] = {"A", "B", "C"};
    int i;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_mutex_init(&m), HOP_OK);
    for (i = 0; i < 3; i++) {
        start(&t[i], &loop, &b[i], OP_LOCK, names[i]);
        b[i].mx = &m;
        b[i].hold = HOP_MSEC(1);
    }
    nowait(&loop);
    TR_EXPECT("A locked");
    T_ASSERT(hop_mutex_owner(&m) == &t[0]);
    /* Unlock by tasks that do not hold it. */
    T_EQ(hop_mutex_unlock(&m, &t[1]), HOP_ESTATE);
    T_EQ(hop_mutex_try_lock(&m, &t[1]), HOP_EBUSY);
    T_EQ(hop_mutex_try_lock(&m, &t[0]), HOP_ESTATE);
    T_EQ(hop_mutex_cleanup(&m), HOP_EBUSY);
    run(&loop);
    TR_EXPECT("A locked", "A released", "B locked", "B released",
              "C locked", "C released");
    T_EQ(sim.now, HOP_MSEC(3));
    for (i = 0; i < 3; i++)
        T_EQ(b[i].rc, HOP_OK);
    T_ASSERT(hop_mutex_owner(&m) == NULL);
    T_EQ(hop_mutex_unlock(&m, &t[0]), HOP_ESTATE); /* not locked */
    T_EQ(hop_mutex_try_lock(&m, &t[2]), HOP_OK);
    T_ASSERT(hop_mutex_owner(&m) == &t[2]);
    T_EQ(hop_mutex_unlock(&m, &t[2]), HOP_OK);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* A task that locks twice: the second lock raises HOP_ESTATE at once. */
static void mutex_recursive(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_mutex m;
    hop_task t;
    body b;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_mutex_init(&m), HOP_OK);
    start(&t, &loop, &b, OP_LOCK, "A");
    b.mx = &m;
    b.n = 2;
    run(&loop);
    TR_EXPECT("A locked", "A raised HOP_ESTATE");
    T_STREQ(b.msg, "mutex already held by the task");
    T_ASSERT(hop_mutex_owner(&m) == &t); /* it still holds it */
    T_EQ(hop_mutex_unlock(&m, &t), HOP_OK);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

static void mutex_timeout_cancel(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_mutex m;
    hop_task ta, tb, tc, td;
    body a, b, c, d;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_mutex_init(&m), HOP_OK);
    start(&ta, &loop, &a, OP_LOCK, "A"); /* holds it for 10 ms */
    a.mx = &m;
    a.hold = HOP_MSEC(10);
    start(&tb, &loop, &b, OP_LOCK, "B"); /* gives up after 2 ms */
    b.mx = &m;
    b.deadline = HOP_MSEC(2);
    start(&tc, &loop, &c, OP_LOCK, "C"); /* cancelled while waiting */
    c.mx = &m;
    start(&td, &loop, &d, OP_LOCK, "D");
    d.mx = &m;
    d.hold = 0;
    nowait(&loop);
    T_EQ(hop_task_cancel(&tc, NULL), 1);
    run(&loop);
    TR_EXPECT("A locked", "C raised HOP_ECANCELED", "B raised HOP_ETIMEDOUT",
              "A released", "D locked", "D released");
    T_EQ(b.at, HOP_MSEC(2));
    T_EQ(sim.now, HOP_MSEC(10));
    T_ASSERT(hop_mutex_owner(&m) == NULL);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* Handed the lock, then cancelled before it ran: it holds the lock, and
 * the cancellation arrives at its next suspension (the sleep before its
 * unlock, so it still holds the lock when it ends). */
static void mutex_handoff_then_cancel(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_mutex m;
    hop_task ta, tb;
    body x, b;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_mutex_init(&m), HOP_OK);
    /* Plain code locks it on behalf of a task that never runs. */
    prep(&ta, &loop, &x, OP_LOCK, "X");
    T_EQ(hop_mutex_try_lock(&m, &ta), HOP_OK);
    start(&tb, &loop, &b, OP_LOCK, "B");
    b.mx = &m;
    b.hold = 0;
    nowait(&loop);
    T_EQ(hop_mutex_unlock(&m, &ta), HOP_OK);
    T_ASSERT(hop_mutex_owner(&m) == &tb); /* handed off */
    T_EQ(hop_task_cancel(&tb, NULL), 1);
    run(&loop);
    TR_EXPECT("B locked", "B raised HOP_ECANCELED");
    T_ASSERT(hop_mutex_owner(&m) == &tb); /* kept: nothing was lost */
    T_EQ(hop_mutex_cleanup(&m), HOP_EBUSY);
    T_EQ(hop_mutex_unlock(&m, &tb), HOP_OK);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_sync_mutex[] = {
    T_CASE(mutex_tasks),
    T_CASE(mutex_recursive),
    T_CASE(mutex_timeout_cancel),
    T_CASE(mutex_handoff_then_cancel),
    T_END,
};
