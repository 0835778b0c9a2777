/*
 * test/sched/future.c: futures on the simulation backend: argument
 * checks, states, waiters (interleaved too), the cancel hook, cleanup
 * while busy.
 */
#include "t.h"
#include "task.h"

/* record "<name> completes"; complete fut with v */
static hop_step b_complete(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " completes");
    self->rc = hop_future_complete(self->fut, self->v);
    HOP_END(self);
}

static void future_args(void)
{
    hop_future f;
    int fill;

    T_EQ(hop_future_init(NULL, NULL), HOP_EINVAL);
    for (fill = 0; fill < 3; fill++) {
        hop_future *p = &f;

        if (fill == 0)
            p = NULL;
        else
            t_fill(&f, sizeof f, fill == 1 ? 0 : 0xa5);
        T_EQ(hop_future_complete(p, 1), HOP_EINVAL);
        T_EQ(hop_future_fail(p, E_A, m_a), HOP_EINVAL);
        T_EQ(hop_future_cancel(p), HOP_EINVAL);
        T_EQ(hop_future_state(p), HOP_EINVAL);
        T_EQ(hop_future_cleanup(p), HOP_EINVAL);
    }
    T_ASSERT(hop_future_wait(NULL) == NULL);

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_fail(&f, 0, m_a), HOP_EINVAL);
    T_EQ(hop_future_state(&f), HOP_FUTURE_PENDING);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_EINVAL);
    T_EQ(hop_future_complete(&f, 1), HOP_EINVAL);
    T_EQ(hop_future_state(&f), HOP_EINVAL);
}

/* -- futures -------------------------------------------------------------- */

static void future_states(void)
{
    hop_future f;

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_ASSERT(f.data == NULL);
    T_ASSERT(hop_future_wait(&f) != NULL);
    T_ASSERT(hop_future_wait(&f) == hop_future_wait(&f));
    T_EQ(hop_future_state(&f), HOP_FUTURE_PENDING);
    T_EQ(hop_future_complete(&f, 5), HOP_OK);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_future_complete(&f, 6), HOP_ESTATE);
    T_EQ(hop_future_fail(&f, E_A, m_a), HOP_ESTATE);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_future_cleanup(&f), HOP_OK);

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_fail(&f, E_A, m_a), HOP_OK);
    T_EQ(hop_future_state(&f), HOP_FUTURE_FAILED);
    T_EQ(hop_future_fail(&f, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_future_complete(&f, 6), HOP_ESTATE);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hop_future_state(&f), HOP_FUTURE_FAILED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);

    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hop_future_complete(&f, 6), HOP_ESTATE);
    T_EQ(hop_future_fail(&f, E_B, m_b), HOP_ESTATE);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_future_cleanup(&f), HOP_OK);

    /* A pending future without waiters may be released. */
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
}

/* Waiters of a completed, failed or cancelled future. */
static void future_waiters(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f, g, h, k;
    hop_task a, b, c, d, e, p, q;
    body ab, bb, cb, db, eb, pb, qb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_init(&g, NULL), HOP_OK);
    T_EQ(hop_future_init(&h, NULL), HOP_OK);
    T_EQ(hop_future_init(&k, NULL), HOP_OK);
    /* Three waiters of f, completed by a task. */
    spawn(&a, &l, &ab, b_wait, "A");
    spawn(&b, &l, &bb, b_wait, "B");
    spawn(&c, &l, &cb, b_wait, "C");
    ab.w = bb.w = cb.w = hop_future_wait(&f);
    spawn(&p, &l, &pb, b_complete, "P");
    pb.fut = &f;
    pb.v = 7;
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A waits", "B waits", "C waits", "P completes");
    T_EQ(pb.rc, HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_OK); /* nobody waits any more */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(tr_count(), 7);
    T_EQ(hop_task_result(&a), 7);
    T_EQ(hop_task_result(&b), 7);
    T_EQ(hop_task_result(&c), 7);

    /* A failed future: the waiter gets the error and its message. */
    tr_reset();
    spawn(&d, &l, &db, b_wait, "D");
    db.w = hop_future_wait(&g);
    spawn(&e, &l, &eb, b_wait_plain, "E");
    eb.w = hop_future_wait(&g);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_fail(&g, E_A, m_a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(db.err, E_A);
    T_STREQ(db.msg, m_a);
    T_EQ(hop_task_status(&d), HOP_TASK_DONE);
    T_EQ(hop_task_status(&e), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&e), E_A);
    T_STREQ(hop_task_errmsg(&e), m_a);

    /* A cancelled future: HOP_ECANCELED, and uncaught it ends the task
     * CANCELLED. */
    tr_reset();
    spawn(&d, &l, &db, b_wait, "D");
    db.w = hop_future_wait(&h);
    spawn(&e, &l, &eb, b_wait_plain, "E");
    eb.w = hop_future_wait(&h);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&h), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(db.err, HOP_ECANCELED);
    T_EQ(hop_task_status(&e), HOP_TASK_CANCELLED);
    T_EQ(hop_task_error(&e), HOP_ECANCELED);

    /* Waiting on a finished future does not suspend. */
    tr_reset();
    T_EQ(hop_future_complete(&k, 9), HOP_OK);
    spawn(&d, &l, &db, b_wait_plain, "D");
    db.w = hop_future_wait(&k);
    spawn(&q, &l, &qb, b_return, "Q");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("D waits", "D got 9", "Q ran");
    spawn(&e, &l, &eb, b_wait, "E");
    eb.w = hop_future_wait(&g); /* failed */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D waits", "D got 9", "Q ran", "E waits", "E raised E_A");
    T_STREQ(eb.msg, m_a);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static int hook_calls;
static hop_value hook_value;
static int hook_err;

/* Settle the future another way (or not at all when both are 0). */
static void settle_hook(hop_future *f)
{
    hook_calls++;
    if (hook_err != 0)
        T_EQ(hop_future_fail(f, hook_err, m_b), HOP_OK);
    else if (hook_value != 0)
        T_EQ(hop_future_complete(f, hook_value), HOP_OK);
    /* Still pending while the hook runs. */
    T_ASSERT(hook_err != 0 || hook_value != 0 ||
             hop_future_state(f) == HOP_FUTURE_PENDING);
}

static void future_cancel_hook(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task a, b;
    body ab, bb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);

    /* A hook that does nothing: cancelled. */
    hook_calls = 0;
    hook_value = 0;
    hook_err = 0;
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    T_EQ(hop_future_cancel(&f), 1);
    T_EQ(hook_calls, 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_CANCELLED);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hook_calls, 1); /* not called for a finished future */

    /* The hook completes it: that stands, cancel returns 0, the waiter
     * gets the value. */
    hook_value = 42;
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cancel(&f), 0);
    T_EQ(hook_calls, 2);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 42");

    /* Cancelling the waiting task cancels the future; the hook completes
     * it instead: the task gets the value and ends DONE. */
    tr_reset();
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    spawn(&b, &l, &bb, b_wait_plain, "B");
    bb.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&b, m_cancel), 1);
    T_EQ(hook_calls, 3);
    T_EQ(hop_future_state(&f), HOP_FUTURE_DONE);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("B waits", "B got 42");
    T_EQ(hop_task_status(&b), HOP_TASK_DONE);
    T_EQ(hop_task_result(&b), 42);
    T_EQ(hop_task_error(&b), 0);

    /* The hook fails it: the waiter gets that error. */
    tr_reset();
    hook_err = E_B;
    T_EQ(hop_future_init(&f, settle_hook), HOP_OK);
    spawn(&b, &l, &bb, b_wait_plain, "B");
    bb.w = hop_future_wait(&f);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&b, m_cancel), 1);
    T_EQ(hop_future_state(&f), HOP_FUTURE_FAILED);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&b), HOP_TASK_FAILED);
    T_EQ(hop_task_error(&b), E_B);
    T_STREQ(hop_task_errmsg(&b), m_b);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

static void future_cleanup_busy(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f;
    hop_task a;
    body ab;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    ab.w = hop_future_wait(&f);
    T_EQ(hop_future_cleanup(&f), HOP_OK); /* nobody waits yet */
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_EBUSY);
    T_EQ(hop_future_state(&f), HOP_FUTURE_PENDING);
    T_EQ(hop_future_complete(&f, 1), HOP_OK);
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("A waits", "A got 1");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * Waiters of two futures arm in turns: each future wakes its own waiters,
 * oldest first, and leaves the other's waiting. Cancelling one waiter
 * cancels its future, so all of that future's waiters get HOP_ECANCELED,
 * in the order they came.
 */
static void future_waiters_interleaved(void)
{
    hop_loop l;
    hop_sim sim;
    hop_future f, g, h;
    hop_task a, b, c, x, y, d, e, z;
    body ab, bb, cb, xb, yb, db, eb, zb;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_future_init(&f, NULL), HOP_OK);
    T_EQ(hop_future_init(&g, NULL), HOP_OK);
    T_EQ(hop_future_init(&h, NULL), HOP_OK);
    spawn(&a, &l, &ab, b_wait, "A");
    spawn(&x, &l, &xb, b_wait, "X");
    spawn(&b, &l, &bb, b_wait, "B");
    spawn(&y, &l, &yb, b_wait, "Y");
    spawn(&c, &l, &cb, b_wait, "C");
    ab.w = bb.w = cb.w = hop_future_wait(&f);
    xb.w = yb.w = hop_future_wait(&g);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A waits", "X waits", "B waits", "Y waits", "C waits");
    T_EQ(hop_future_cleanup(&f), HOP_EBUSY);
    T_EQ(hop_future_complete(&f, 7), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("A waits", "X waits", "B waits", "Y waits", "C waits",
              "A got 7", "B got 7", "C got 7");
    T_EQ(hop_future_cleanup(&f), HOP_OK);
    T_ASSERT(hop_task_waiting_on(&x) == hop_future_wait(&g));
    T_ASSERT(hop_task_waiting_on(&y) == hop_future_wait(&g));

    tr_reset();
    spawn(&d, &l, &db, b_wait, "D");
    spawn(&z, &l, &zb, b_wait, "Z");
    spawn(&e, &l, &eb, b_wait, "E");
    db.w = eb.w = hop_future_wait(&h);
    zb.w = hop_future_wait(&g);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D waits", "Z waits", "E waits");
    T_EQ(hop_task_cancel(&e, m_cancel), 1);
    T_EQ(hop_future_state(&h), HOP_FUTURE_CANCELLED);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("D waits", "Z waits", "E waits", "D raised HOP_ECANCELED",
              "E raised HOP_ECANCELED");
    T_STREQ(eb.msg, m_cancel);
    T_ASSERT(db.msg == NULL);
    T_EQ(hop_future_cleanup(&h), HOP_OK);

    tr_reset();
    T_EQ(hop_future_complete(&g, 8), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    TR_EXPECT("X got 8", "Y got 8", "Z got 8");
    T_EQ(hop_future_cleanup(&g), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_future[] = {
    T_CASE(future_args),
    T_CASE(future_waiters_interleaved),
    T_CASE(future_states),
    T_CASE(future_waiters),
    T_CASE(future_cancel_hook),
    T_CASE(future_cleanup_busy),
    T_END,
};
