/*
 * test/sync/sem.c: semaphores on the simulation backend: the counts,
 * tasks waiting, timeouts and cancellation.
 */
#include "t.h"
#include "sync.h"

/* -- semaphores ------------------------------------------------------------ */

static void sem_basic(void)
{
    hop_sem s;

    T_EQ(hop_sem_init(&s, 2), HOP_OK);
    T_EQ(hop_sem_count(&s), 2);
    T_EQ(hop_sem_try_acquire(&s), HOP_OK);
    T_EQ(hop_sem_try_acquire(&s), HOP_OK);
    T_EQ(hop_sem_try_acquire(&s), HOP_EBUSY);
    T_EQ(hop_sem_count(&s), 0);
    T_EQ(hop_sem_release(&s), HOP_OK);
    T_EQ(hop_sem_count(&s), 1);
    T_EQ(hop_sem_cleanup(&s), HOP_OK);
    T_EQ(hop_sem_init(&s, (uint32_t)HOP_SEM_MAX), HOP_OK);
    T_EQ(hop_sem_release(&s), HOP_ESTATE); /* would overflow */
    T_EQ(hop_sem_count(&s), HOP_SEM_MAX);
    T_EQ(hop_sem_cleanup(&s), HOP_OK);
}

static void sem_tasks(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_sem s;
    hop_task t[4];
    body b[4];
    static const char *const names[4] = {"A", "B", "C", "D"};
    int i;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_sem_init(&s, 2), HOP_OK);
    /* Four tasks hold a permit for 1 ms each; two at a time, FIFO. */
    for (i = 0; i < 4; i++) {
        start(&t[i], &loop, &b[i], OP_ACQ, names[i]);
        b[i].sem = &s;
        b[i].hold = HOP_MSEC(1);
    }
    nowait(&loop);
    TR_EXPECT("A acquired", "B acquired");
    T_EQ(hop_sem_cleanup(&s), HOP_EBUSY);
    run(&loop);
    TR_EXPECT("A acquired", "B acquired", "A released", "B released",
              "C acquired", "D acquired", "C released", "D released");
    T_EQ(sim.now, HOP_MSEC(2));
    T_EQ(hop_sem_count(&s), 2);
    for (i = 0; i < 4; i++)
        T_EQ(b[i].rc, HOP_OK);
    T_EQ(hop_sem_cleanup(&s), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

static void sem_timeout_cancel(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_sem s;
    hop_task ta, tb, tc;
    body a, b, c;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_sem_init(&s, 0), HOP_OK);
    start(&ta, &loop, &a, OP_ACQ, "A");
    a.sem = &s;
    a.deadline = HOP_MSEC(2);
    start(&tb, &loop, &b, OP_ACQ, "B");
    b.sem = &s;
    start(&tc, &loop, &c, OP_ACQ, "C");
    c.sem = &s;
    nowait(&loop);
    T_EQ(hop_task_cancel(&tb, NULL), 1);
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("B raised HOP_ECANCELED", "A raised HOP_ETIMEDOUT");
    T_EQ(sim.now, HOP_MSEC(2));
    /* Only C waits: one release goes to it, the next one is counted. */
    T_EQ(hop_sem_release(&s), HOP_OK);
    T_EQ(hop_sem_count(&s), 0);
    T_EQ(hop_sem_release(&s), HOP_OK);
    T_EQ(hop_sem_count(&s), 1);
    run(&loop);
    TR_EXPECT("B raised HOP_ECANCELED", "A raised HOP_ETIMEDOUT",
              "C acquired");
    T_EQ(hop_sem_cleanup(&s), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_sync_sem[] = {
    T_CASE(sem_basic),
    T_CASE(sem_tasks),
    T_CASE(sem_timeout_cancel),
    T_END,
};
