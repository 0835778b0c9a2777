/*
 * test/sync/event.c: events on the simulation backend: tasks waiting
 * for one.
 */
#include "t.h"
#include "sync.h"

/* -- events ---------------------------------------------------------------- */

static void event_tasks(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_event e;
    hop_task t[4];
    body b[4];
    static const char *const names[4] = {"A", "B", "C", "D"};
    int i;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_event_init(&e), HOP_OK);
    T_EQ(hop_event_is_set(&e), 0);
    for (i = 0; i < 4; i++) {
        start(&t[i], &loop, &b[i], OP_WAIT, names[i]);
        b[i].ev = &e;
    }
    b[2].deadline = HOP_MSEC(1);
    nowait(&loop);
    T_EQ(hop_task_cancel(&t[3], NULL), 1);
    T_EQ(hop_event_cleanup(&e), HOP_EBUSY);
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK);
    TR_EXPECT("D raised HOP_ECANCELED", "C raised HOP_ETIMEDOUT");
    T_EQ(hop_event_set(&e), HOP_OK); /* wakes A and B, in order */
    T_EQ(hop_event_set(&e), HOP_OK);
    T_EQ(hop_event_is_set(&e), 1);
    T_EQ(hop_event_cleanup(&e), HOP_OK);
    run(&loop);
    TR_EXPECT("D raised HOP_ECANCELED", "C raised HOP_ETIMEDOUT", "A woke",
              "B woke");

    /* Set: a wait completes at once; cleared: it waits again. */
    tr_reset();
    T_EQ(hop_event_init(&e), HOP_OK);
    T_EQ(hop_event_set(&e), HOP_OK);
    start(&t[0], &loop, &b[0], OP_WAIT, "A");
    b[0].ev = &e;
    b[0].deadline = 0; /* past, but the event is set */
    run(&loop);
    TR_EXPECT("A woke");
    T_EQ(hop_event_clear(&e), HOP_OK);
    T_EQ(hop_event_is_set(&e), 0);
    start(&t[0], &loop, &b[0], OP_WAIT, "A");
    b[0].ev = &e;
    nowait(&loop);
    TR_EXPECT("A woke");
    T_EQ(hop_event_set(&e), HOP_OK);
    run(&loop);
    TR_EXPECT("A woke", "A woke");
    T_EQ(hop_event_cleanup(&e), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_sync_event[] = {
    T_CASE(event_tasks),
    T_END,
};
