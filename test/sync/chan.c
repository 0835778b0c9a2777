/*
 * test/sync/chan.c: channels on the simulation backend: try operations,
 * ping-pong, producers and consumers, close, deadlines (and deadline
 * scopes), cancellation, stray wakes, FIFO order, cleanup while busy.
 */
#include "t.h"
#include "sync.h"

static const char m_cancel[] = "cancel message";

/* -- channels without tasks ------------------------------------------------ */

static void chan_try_buffered(void)
{
    hop_chan ch;
    hop_value buf[3], v = 0;
    int i;

    T_EQ(hop_chan_init(&ch, buf, 3), HOP_OK);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_EBUSY);
    /* Many rounds, so the ring wraps around. */
    for (i = 0; i < 10; i++) {
        T_EQ(hop_chan_try_send(&ch, 10 * i + 1), HOP_OK);
        T_EQ(hop_chan_try_send(&ch, 10 * i + 2), HOP_OK);
        T_EQ(hop_chan_len(&ch), 2);
        T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK);
        T_EQ(v, 10 * i + 1);
        T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK);
        T_EQ(v, 10 * i + 2);
        T_EQ(hop_chan_len(&ch), 0);
    }
    T_EQ(hop_chan_try_send(&ch, 1), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 2), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 3), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 4), HOP_EBUSY); /* full */
    T_EQ(hop_chan_len(&ch), 3);
    /* HOP_EMPTY is an ordinary value. */
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, HOP_EMPTY), HOP_OK);

    T_EQ(hop_chan_close(&ch), HOP_OK);
    T_EQ(hop_chan_close(&ch), HOP_ESTATE);
    T_EQ(hop_chan_try_send(&ch, 5), HOP_ECLOSED);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK); /* buffered values remain */
    T_EQ(v, 2);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK);
    T_EQ(v, 3);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK);
    T_EQ(v, HOP_EMPTY);
    v = 99;
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_ECLOSED);
    T_EQ(v, 99);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    /* Initialised again: open and empty. */
    T_EQ(hop_chan_init(&ch, buf, 1), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 7), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 8), HOP_EBUSY);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
}

static void chan_try_unbuffered(void)
{
    hop_chan ch;
    hop_value v = 0;

    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EBUSY); /* nobody receives */
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_EBUSY); /* nobody sends */
    T_EQ(hop_chan_len(&ch), 0);
    T_EQ(hop_chan_close(&ch), HOP_OK);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_ECLOSED);
    T_EQ(hop_chan_try_send(&ch, 1), HOP_ECLOSED);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
}

/* -- ping-pong ------------------------------------------------------------- */

typedef struct pp {
    hop_frame hdr;
    hop_sync_op op;
    hop_chan *in, *out;
    const char *name;
    hop_value v;
    int i, n;
    int serve; /* 1: receive then answer; 0: send then wait for the answer */
} pp;

static hop_step pp_body(hop_gen *g, hop_frame *f)
{
    pp *self = (pp *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++) {
        if (self->serve) {
            HOP_AWAIT(self, hop_chan_recv(&self->op, self->in, HOP_FOREVER));
            self->v = HOP_VALUE(self);
            tr_add3(self->name, " got ", t_vstr(self->v, buf));
            HOP_AWAIT(self, hop_chan_send(&self->op, self->out, self->v + 1,
                                          HOP_FOREVER));
        } else {
            HOP_AWAIT(self, hop_chan_send(&self->op, self->out,
                                          self->v, HOP_FOREVER));
            HOP_AWAIT(self, hop_chan_recv(&self->op, self->in, HOP_FOREVER));
            self->v = HOP_VALUE(self);
            tr_add3(self->name, " got ", t_vstr(self->v, buf));
            self->v++;
        }
    }
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

static void chan_ping_pong(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ping, pong;
    hop_task ta, tb;
    pp a, b;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ping, NULL, 0), HOP_OK);
    T_EQ(hop_chan_init(&pong, NULL, 0), HOP_OK);
    t_fill(&a, sizeof a, 0);
    t_fill(&b, sizeof b, 0);
    a.name = "A";
    a.out = &ping;
    a.in = &pong;
    a.n = 3;
    a.v = 0;
    b.name = "B";
    b.in = &ping;
    b.out = &pong;
    b.n = 3;
    b.serve = 1;
    T_EQ(hop_frame_init(&a.hdr, pp_body, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_frame_init(&b.hdr, pp_body, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_task_init(&ta, &loop, &a.hdr, "A"), HOP_OK);
    T_EQ(hop_task_init(&tb, &loop, &b.hdr, "B"), HOP_OK);
    T_EQ(hop_spawn(&ta), HOP_OK);
    T_EQ(hop_spawn(&tb), HOP_OK);
    run(&loop);
    TR_EXPECT("B got 0", "A got 1", "B got 2", "A got 3", "B got 4",
              "A got 5");
    T_EQ(hop_task_result(&ta), 6);
    T_EQ(hop_task_result(&tb), 4);
    T_EQ(sim.now, 0);
    T_EQ(hop_chan_cleanup(&ping), HOP_OK);
    T_EQ(hop_chan_cleanup(&pong), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* -- producers and consumers ----------------------------------------------- */

/* A producer sends 1..5 into a buffer of 2; the consumer takes them in
 * order. The producer runs ahead by the buffer and then waits. */
static void chan_buffered_tasks(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_value buf[2];
    hop_task tp, tc;
    body p, c;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, buf, 2), HOP_OK);
    start(&tp, &loop, &p, OP_SEND, "P");
    p.ch = &ch;
    p.v = 1;
    p.n = 5;
    start(&tc, &loop, &c, OP_RECV, "C");
    c.ch = &ch;
    c.n = 5;
    c.hold = HOP_MSEC(1); /* a slow consumer */
    run(&loop);
    TR_EXPECT("P sent 1", "P sent 2", "C got 1", "P sent 3", "C got 2",
              "P sent 4", "C got 3", "P sent 5", "C got 4", "C got 5");
    T_EQ(sim.now, HOP_MSEC(5));
    T_EQ(hop_chan_len(&ch), 0);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* -- close ----------------------------------------------------------------- */

static void chan_close_wakes_all(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan rx, tx;
    hop_task t[4];
    body b[4];
    int i;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&rx, NULL, 0), HOP_OK);
    T_EQ(hop_chan_init(&tx, NULL, 0), HOP_OK);
    start(&t[0], &loop, &b[0], OP_RECV, "R1");
    start(&t[1], &loop, &b[1], OP_RECV, "R2");
    start(&t[2], &loop, &b[2], OP_SEND, "S1");
    start(&t[3], &loop, &b[3], OP_SEND, "S2");
    b[0].ch = b[1].ch = &rx;
    b[2].ch = b[3].ch = &tx;
    b[2].v = 1;
    b[3].v = 2;
    for (i = 0; i < 4; i++)
        b[i].deadline = HOP_SEC(10);
    nowait(&loop);
    TR_EXPECT_NONE();
    T_EQ(hop_chan_cleanup(&rx), HOP_EBUSY);
    T_EQ(hop_chan_cleanup(&tx), HOP_EBUSY);
    T_ASSERT(hop_timer_active(&b[0].op.timer));
    T_EQ(hop_chan_close(&rx), HOP_OK);
    T_EQ(hop_chan_close(&tx), HOP_OK);
    T_EQ(hop_chan_cleanup(&rx), HOP_OK); /* nobody waits any more */
    T_EQ(hop_chan_cleanup(&tx), HOP_OK);
    for (i = 0; i < 4; i++)
        T_ASSERT(!hop_timer_active(&b[i].op.timer));
    run(&loop);
    TR_EXPECT("R1 raised HOP_ECLOSED", "R2 raised HOP_ECLOSED",
              "S1 raised HOP_ECLOSED", "S2 raised HOP_ECLOSED");
    T_STREQ(b[0].msg, "receive on a closed channel");
    T_STREQ(b[2].msg, "send on a closed channel");
    T_EQ(sim.now, 0); /* the abandoned deadlines did not move the clock */
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* A task closes the channel that others wait on; the buffered values
 * of a closed channel can still be received, then HOP_ECLOSED. */
typedef struct closer {
    hop_frame hdr;
    hop_chan *ch;
    int rc;
} closer;

static hop_step closer_body(hop_gen *g, hop_frame *f)
{
    closer *self = (closer *)f;
    HOP_BEGIN(g, self);
    self->rc = hop_chan_close(self->ch);
    tr_add("closed");
    HOP_END(self);
}

static void chan_close_from_task(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_value buf[2];
    hop_task tr, ts, tk, tl;
    body r, s, late;
    closer k;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, buf, 2), HOP_OK);
    /* S fills the buffer and waits with its third value. */
    start(&ts, &loop, &s, OP_SEND, "S");
    s.ch = &ch;
    s.v = 1;
    s.n = 3;
    t_fill(&k, sizeof k, 0);
    k.ch = &ch;
    t_spawn(&tk, &loop, &k.hdr, closer_body, "K");
    run(&loop);
    TR_EXPECT("S sent 1", "S sent 2", "closed", "S raised HOP_ECLOSED");
    T_EQ(k.rc, HOP_OK);
    T_EQ(hop_chan_len(&ch), 2); /* the third value was not delivered */

    /* R receives the two buffered values, then HOP_ECLOSED at once. */
    tr_reset();
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    r.n = 3;
    run(&loop);
    TR_EXPECT("R got 1", "R got 2", "R raised HOP_ECLOSED");
    /* A send on the closed channel fails at once too. */
    tr_reset();
    start(&tl, &loop, &late, OP_SEND, "L");
    late.ch = &ch;
    run(&loop);
    TR_EXPECT("L raised HOP_ECLOSED");
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* -- deadlines ------------------------------------------------------------- */

static void chan_timeouts(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch, full;
    hop_value buf[1], v = 0;
    hop_task ta, tb, tc, td;
    body a, b, c, d;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    T_EQ(hop_chan_init(&full, buf, 1), HOP_OK);
    T_EQ(hop_chan_try_send(&full, 42), HOP_OK);

    start(&ta, &loop, &a, OP_RECV, "A"); /* receive, 5 ms */
    a.ch = &ch;
    a.deadline = HOP_MSEC(5);
    start(&tb, &loop, &b, OP_SEND, "B"); /* send into a full buffer, 3 ms */
    b.ch = &full;
    b.v = 7;
    b.deadline = HOP_MSEC(3);
    start(&tc, &loop, &c, OP_SEND, "C"); /* deadline already passed */
    c.ch = &full;
    c.v = 8;
    c.deadline = 0;
    nowait(&loop);
    TR_EXPECT("C raised HOP_ETIMEDOUT"); /* did not suspend */
    T_EQ(c.at, 0);
    T_ASSERT(!hop_timer_active(&c.op.timer));
    T_ASSERT(hop_timer_active(&a.op.timer));
    run(&loop);
    TR_EXPECT("C raised HOP_ETIMEDOUT", "B raised HOP_ETIMEDOUT",
              "A raised HOP_ETIMEDOUT");
    T_EQ(b.at, HOP_MSEC(3));
    T_EQ(a.at, HOP_MSEC(5));
    T_EQ(sim.now, HOP_MSEC(5));
    T_ASSERT(!hop_timer_active(&a.op.timer));
    /* No trace: nobody waits, nothing was delivered. */
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EBUSY);
    T_EQ(hop_chan_len(&full), 1);
    T_EQ(hop_chan_try_recv(&full, &v), HOP_OK);
    T_EQ(v, 42);
    T_EQ(hop_chan_try_recv(&full, &v), HOP_EBUSY);

    /* A deadline that does not pass: the operation completes first and
     * its timer is stopped (the loop ends without waiting for it). */
    tr_reset();
    start(&td, &loop, &d, OP_RECV, "D");
    d.ch = &ch;
    d.deadline = sim.now + HOP_SEC(100);
    nowait(&loop);
    T_ASSERT(hop_timer_active(&d.op.timer));
    T_EQ(hop_chan_try_send(&ch, 9), HOP_OK);
    T_ASSERT(!hop_timer_active(&d.op.timer));
    run(&loop);
    TR_EXPECT("D got 9");
    T_EQ(sim.now, HOP_MSEC(5));
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_chan_cleanup(&full), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* A waiter in the middle of the queue times out; the others keep their
 * order. */
static void chan_timeout_middle(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_task t[3];
    body b[3];
    static const char *const names[3] = {"R1", "R2", "R3"};
    int i;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    for (i = 0; i < 3; i++) {
        start(&t[i], &loop, &b[i], OP_RECV, names[i]);
        b[i].ch = &ch;
    }
    b[1].deadline = HOP_MSEC(1);
    nowait(&loop);
    T_EQ(hop_loop_run(&loop, HOP_RUN_ONCE), HOP_OK); /* the clock jumps */
    TR_EXPECT("R2 raised HOP_ETIMEDOUT");
    T_EQ(hop_chan_try_send(&ch, 1), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 2), HOP_OK);
    T_EQ(hop_chan_try_send(&ch, 3), HOP_EBUSY);
    run(&loop);
    TR_EXPECT("R2 raised HOP_ETIMEDOUT", "R1 got 1", "R3 got 2");
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* -- cancellation ---------------------------------------------------------- */

static void chan_cancel_blocked(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch, full;
    hop_value buf[1], v = 0;
    hop_task tr, ts, tu;
    body r, s, u;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    T_EQ(hop_chan_init(&full, buf, 1), HOP_OK);
    T_EQ(hop_chan_try_send(&full, 1), HOP_OK);
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    r.deadline = HOP_SEC(1);
    start(&ts, &loop, &s, OP_SEND, "S");
    s.ch = &full;
    s.v = 2;
    start(&tu, &loop, &u, OP_SEND, "U"); /* unbuffered sender */
    u.ch = &ch;
    u.v = 3;
    nowait(&loop);
    /* R waits to receive; U found R waiting and handed it 3. */
    TR_EXPECT("U sent 3");
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    TR_EXPECT("U sent 3", "R got 3");

    /* Now block R again (receive) and U (send on the full channel). */
    tr_reset();
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    r.deadline = HOP_SEC(1);
    start(&tu, &loop, &u, OP_SEND, "U");
    u.ch = &full;
    u.v = 4;
    nowait(&loop);
    TR_EXPECT_NONE();
    T_ASSERT(hop_task_waiting_on(&tr) == &r.op.w);
    T_ASSERT(hop_task_waiting_on(&ts) == &s.op.w);
    T_EQ(hop_task_cancel(&tr, m_cancel), 1);
    T_EQ(hop_task_cancel(&ts, NULL), 1);
    /* Unlinked and stopped at once, by the disarm. */
    T_ASSERT(!hop_timer_active(&r.op.timer));
    T_EQ(hop_chan_try_send(&ch, 5), HOP_EBUSY); /* no receiver left */
    T_EQ(hop_chan_try_recv(&full, &v), HOP_OK);  /* S's 2 not delivered */
    T_EQ(v, 1);
    run(&loop);
    TR_EXPECT("R raised HOP_ECANCELED", "S raised HOP_ECANCELED",
              "U sent 4");
    T_STREQ(r.msg, m_cancel);
    T_EQ(hop_chan_try_recv(&full, &v), HOP_OK); /* U's 4, not S's 2 */
    T_EQ(v, 4);
    T_EQ(hop_chan_try_recv(&full, &v), HOP_EBUSY);
    T_EQ(sim.now, 0);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_chan_cleanup(&full), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/*
 * Completed, then cancelled before the task ran again: the receive still
 * gives its value, the send still counts as delivered, and the
 * cancellation is raised at the next suspension (the sleep after).
 */
static void chan_cancel_after_completion(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_value v = 0;
    hop_task tr, ts;
    body r, s;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    r.hold = 0;
    nowait(&loop);
    T_EQ(hop_chan_try_send(&ch, 7), HOP_OK); /* R woken with 7 */
    T_ASSERT(hop_task_waiting_on(&tr) == NULL);
    T_EQ(hop_task_cancel(&tr, m_cancel), 1);
    run(&loop);
    TR_EXPECT("R got 7", "R raised HOP_ECANCELED");
    T_STREQ(r.msg, m_cancel);

    tr_reset();
    start(&ts, &loop, &s, OP_SEND, "S");
    s.ch = &ch;
    s.v = 8;
    s.hold = 0;
    nowait(&loop);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK); /* took S's value */
    T_EQ(v, 8);
    T_EQ(hop_task_cancel(&ts, NULL), 1);
    run(&loop);
    TR_EXPECT("S sent 8", "S raised HOP_ECANCELED");

    /* Uncaught, the re-raised cancellation ends the task CANCELLED. */
    tr_reset();
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    nowait(&loop);
    T_EQ(hop_chan_try_send(&ch, 9), HOP_OK);
    T_EQ(hop_task_cancel(&tr, NULL), 1);
    run(&loop);
    TR_EXPECT("R got 9");
    T_EQ(hop_task_status(&tr), HOP_TASK_CANCELLED);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/*
 * A stray wake of a waiting operation: refused when it names another
 * waitable (HOP_ESTATE), and in the operation's own name too (HOP_EINVAL:
 * only the channel completes its waits); the operation goes on waiting
 * and takes the next value sent.
 */
static void chan_stray_wake(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_task tr;
    hop_waitable other;
    body r;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    r.deadline = HOP_SEC(1);
    nowait(&loop);
    T_EQ(hop_task_wake(&tr, &other, 5), HOP_ESTATE);
    T_ASSERT(hop_task_waiting_on(&tr) == &r.op.w);
    T_EQ(hop_task_wake(&tr, hop_task_waiting_on(&tr), 5), HOP_EINVAL);
    T_EQ(hop_task_wake_err(&tr, hop_task_waiting_on(&tr), HOP_EEXIT,
                           m_cancel),
         HOP_EINVAL);
    T_ASSERT(hop_task_waiting_on(&tr) == &r.op.w);
    T_EQ(hop_chan_try_send(&ch, 1), HOP_OK);
    run(&loop);
    TR_EXPECT("R got 1");
    T_ASSERT(!hop_timer_active(&r.op.timer));
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EBUSY);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* -- FIFO ------------------------------------------------------------------ */

static void chan_fifo(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch, one;
    hop_value buf[1], v = 0;
    hop_task t[3];
    body b[3];
    static const char *const rn[3] = {"R1", "R2", "R3"};
    static const char *const sn[3] = {"S1", "S2", "S3"};
    int i;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    T_EQ(hop_chan_init(&one, buf, 1), HOP_OK);

    /* Receivers, served in the order they started waiting. */
    for (i = 0; i < 3; i++) {
        start(&t[i], &loop, &b[i], OP_RECV, rn[i]);
        b[i].ch = &ch;
    }
    nowait(&loop);
    for (i = 0; i < 3; i++)
        T_EQ(hop_chan_try_send(&ch, 10 + i), HOP_OK);
    run(&loop);
    TR_EXPECT("R1 got 10", "R2 got 11", "R3 got 12");

    /* Senders on an unbuffered channel. */
    tr_reset();
    for (i = 0; i < 3; i++) {
        start(&t[i], &loop, &b[i], OP_SEND, sn[i]);
        b[i].ch = &ch;
        b[i].v = 20 + i;
    }
    nowait(&loop);
    for (i = 0; i < 3; i++) {
        T_EQ(hop_chan_try_recv(&ch, &v), HOP_OK);
        T_EQ(v, 20 + i);
    }
    run(&loop);
    TR_EXPECT("S1 sent 20", "S2 sent 21", "S3 sent 22");

    /* Senders on a buffer of one: each receive moves the oldest waiting
     * value into the buffer. */
    tr_reset();
    for (i = 0; i < 3; i++) {
        start(&t[i], &loop, &b[i], OP_SEND, sn[i]);
        b[i].ch = &one;
        b[i].v = 30 + i;
    }
    nowait(&loop);
    TR_EXPECT("S1 sent 30");
    for (i = 0; i < 3; i++) {
        T_EQ(hop_chan_try_recv(&one, &v), HOP_OK);
        T_EQ(v, 30 + i);
        T_EQ(hop_chan_len(&one), i < 2 ? 1 : 0);
    }
    run(&loop);
    TR_EXPECT("S1 sent 30", "S2 sent 31", "S3 sent 32");
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_chan_cleanup(&one), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* Busy re-initialisation and release of a channel with waiters. */
static void chan_busy(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_task tr;
    body r;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    start(&tr, &loop, &r, OP_RECV, "R");
    r.ch = &ch;
    nowait(&loop);
    T_EQ(hop_chan_cleanup(&ch), HOP_EBUSY);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_EBUSY); /* deadlock */
    T_EQ(hop_chan_try_send(&ch, 1), HOP_OK);
    run(&loop);
    TR_EXPECT("R got 1");
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

/* -- deadline scopes ------------------------------------------------------- */

typedef struct scoped {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope sc;
    hop_sync_op op;
    hop_sleep_frame sl;
    hop_chan *ch;
    hop_time when;
} scoped;

/* try { scope(when) { v = recv; sleep 10 s } } catch any: record */
static hop_step scoped_body(hop_gen *g, hop_frame *f)
{
    scoped *self = (scoped *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_TIMEOUT_AT(self, &self->sc, self->when);
            HOP_AWAIT(self, hop_chan_recv(&self->op, self->ch, HOP_FOREVER));
            tr_addv("got ", HOP_VALUE(self));
            HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
            tr_add("slept");
        HOP_END_TIMEOUT(self, &self->sc);
    HOP_CATCH_ALL(self);
        tr_add2("raised ", err_str(HOP_ERROR(self)));
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * A deadline scope around a receive. A: the scope expires while the
 * receive waits: it is withdrawn, and the scope turns the cancellation
 * into HOP_ETIMEDOUT. B: the value arrives, then the scope expires
 * before the task runs: the receive keeps its value, and the same
 * interruption (still the scope's, so still a timeout) is raised at the
 * next suspension.
 */
static void chan_deadline_scope(void)
{
    hop_loop loop;
    hop_sim sim;
    hop_chan ch;
    hop_task t;
    scoped b;

    T_EQ(hop_loop_init_sim(&loop, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);

    /* A */
    t_fill(&b, sizeof b, 0);
    b.ch = &ch;
    b.when = HOP_MSEC(5);
    t_spawn(&t, &loop, &b.hdr, scoped_body, "T");
    run(&loop);
    TR_EXPECT("raised HOP_ETIMEDOUT");
    T_EQ(sim.now, HOP_MSEC(5));
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EBUSY); /* the receive is gone */

    /* B */
    tr_reset();
    t_fill(&b, sizeof b, 0);
    b.ch = &ch;
    b.when = HOP_MSEC(10);
    T_EQ(hop_frame_init(&b.hdr, scoped_body, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_task_init(&t, &loop, &b.hdr, "T"), HOP_OK);
    T_EQ(hop_spawn(&t), HOP_OK);
    nowait(&loop);
    T_EQ(hop_chan_try_send(&ch, 7), HOP_OK);
    T_EQ(hop_sim_advance(&sim, HOP_MSEC(5)), HOP_OK);
    run(&loop);
    TR_EXPECT("got 7", "raised HOP_ETIMEDOUT");
    T_EQ(sim.now, HOP_MSEC(10));
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
}

const t_case t_cases_sync_chan[] = {
    T_CASE(chan_try_buffered),
    T_CASE(chan_try_unbuffered),
    T_CASE(chan_ping_pong),
    T_CASE(chan_buffered_tasks),
    T_CASE(chan_close_wakes_all),
    T_CASE(chan_close_from_task),
    T_CASE(chan_timeouts),
    T_CASE(chan_timeout_middle),
    T_CASE(chan_cancel_blocked),
    T_CASE(chan_cancel_after_completion),
    T_CASE(chan_stray_wake),
    T_CASE(chan_deadline_scope),
    T_CASE(chan_fifo),
    T_CASE(chan_busy),
    T_END,
};
