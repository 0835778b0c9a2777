/*
 * test/sched_sync.c: channels, semaphores, events and mutexes on the
 * simulation backend: the non-blocking variants, ping-pong through
 * unbuffered channels, producers and consumers through a buffer, close
 * waking both sides, deadlines on the virtual clock, cancellation of
 * blocked operations (and of operations that completed before their task
 * ran again), FIFO order of waiters, hand-offs, misuse and NULL
 * arguments. Every case checks that nothing is left behind: the
 * primitives and the loop can be released afterwards.
 */
#include "t.h"

static const char m_cancel[] = "cancel message";

static const char *err_str(int e)
{
    return hop_err_name(e);
}

/* -- one body for every single operation ----------------------------------- */

enum { OP_SEND = 1, OP_RECV, OP_ACQ, OP_WAIT, OP_LOCK };

typedef struct body {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sync_op op;
    hop_sleep_frame sl;
    hop_chan *ch;
    hop_chan *ch2;
    hop_sem *sem;
    hop_event *ev;
    hop_mutex *mx;
    hop_task *task;        /* the task running this body */
    const char *name;      /* prefix of the trace entries */
    const char *msg;       /* message of the error caught */
    hop_time deadline;     /* of each operation */
    hop_time hold;         /* sleep after each operation; < 0: none */
    hop_time at;           /* the clock when the error was caught */
    hop_value v;           /* value to send (plus i), or last received */
    int kind;              /* OP_* */
    int i, n;              /* operations done, operations to do */
    int err;               /* error caught */
    int rc;                /* result of a release or unlock */
} body;

static void rec(body *b, const char *what, hop_value v)
{
    char buf[T_VBUF];

    tr_add3(b->name, what, v == HOP_EMPTY ? "" : t_vstr(v, buf));
}

static hop_frame *make_op(body *b)
{
    switch (b->kind) {
    case OP_SEND:
        return hop_chan_send(&b->op, b->ch, b->v + b->i, b->deadline);
    case OP_RECV:
        return hop_chan_recv(&b->op, b->ch, b->deadline);
    case OP_ACQ:
        return hop_sem_acquire(&b->op, b->sem, b->deadline);
    case OP_WAIT:
        return hop_event_wait(&b->op, b->ev, b->deadline);
    default:
        return hop_mutex_lock(&b->op, b->mx, b->deadline);
    }
}

static const char *done_word(int kind)
{
    switch (kind) {
    case OP_SEND:
        return " sent ";
    case OP_RECV:
        return " got ";
    case OP_ACQ:
        return " acquired";
    case OP_WAIT:
        return " woke";
    default:
        return " locked";
    }
}

/* Give back what the operation took (a permit, a lock), if anything. */
static void give_back(body *b)
{
    if (b->kind == OP_ACQ)
        b->rc = hop_sem_release(b->sem);
    else if (b->kind == OP_LOCK)
        b->rc = hop_mutex_unlock(b->mx, b->task);
    else
        return;
    tr_add2(b->name, " released");
}

/*
 * n times: op; record it; if hold >= 0: sleep(hold), give back. Any
 * error (cancellation included) is caught and recorded.
 */
static hop_step op_body(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (self->i = 0; self->i < self->n; self->i++) {
            HOP_AWAIT(self, make_op(self));
            if (self->kind == OP_RECV)
                self->v = HOP_VALUE(self);
            rec(self, done_word(self->kind),
                self->kind == OP_SEND ? self->v + self->i
                                      : HOP_VALUE(self));
            if (self->hold >= 0) {
                HOP_AWAIT(self, hop_sleep(&self->sl, self->hold));
                give_back(self);
            }
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        self->at = hop_loop_now(hop_gen_loop(HOP_GEN(self)));
        tr_add3(self->name, " raised ", err_str(self->err));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Prepare body b and task t (zero-filled) for one op of kind, unspawned. */
static void prep(hop_task *t, hop_loop *l, body *b, int kind,
                 const char *name)
{
    t_fill(b, sizeof *b, 0);
    b->kind = kind;
    b->name = name;
    b->n = 1;
    b->hold = -1;
    b->deadline = HOP_FOREVER;
    b->task = t;
    t_task_new(t, l, &b->hdr, op_body, name);
}

static void start(hop_task *t, hop_loop *l, body *b, int kind,
                  const char *name)
{
    prep(t, l, b, kind, name);
    T_EQ(hop_spawn(t), HOP_OK);
}

static void run(hop_loop *l)
{
    T_EQ(hop_loop_run(l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_tasks(l), 0);
}

static void nowait(hop_loop *l)
{
    T_EQ(hop_loop_run(l, HOP_RUN_NOWAIT), HOP_OK);
}

/* -- arguments ------------------------------------------------------------- */

static void sync_null_args(void)
{
    hop_chan ch;
    hop_sem s;
    hop_event e;
    hop_mutex m;
    hop_task t;
    hop_value v = 0, buf[2];

    t_fill(&ch, sizeof ch, 0);
    t_fill(&s, sizeof s, 0);
    t_fill(&e, sizeof e, 0);
    t_fill(&m, sizeof m, 0);
    t_fill(&t, sizeof t, 0);

    T_EQ(hop_chan_init(NULL, buf, 2), HOP_EINVAL);
    T_EQ(hop_chan_init(&ch, NULL, 2), HOP_EINVAL);
    T_EQ(hop_chan_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_chan_cleanup(&ch), HOP_EINVAL); /* never initialised */
    T_EQ(hop_chan_try_send(NULL, 1), HOP_EINVAL);
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EINVAL);
    T_EQ(hop_chan_try_recv(NULL, &v), HOP_EINVAL);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_EINVAL);
    T_EQ(hop_chan_close(NULL), HOP_EINVAL);
    T_EQ(hop_chan_close(&ch), HOP_EINVAL);
    T_EQ(hop_chan_len(NULL), HOP_EINVAL);
    T_EQ(hop_chan_len(&ch), HOP_EINVAL);
    T_ASSERT(hop_chan_send(NULL, &ch, 1, HOP_FOREVER) == NULL);
    T_ASSERT(hop_chan_recv(NULL, &ch, HOP_FOREVER) == NULL);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK); /* unbuffered: no buffer */
    T_EQ(hop_chan_try_recv(&ch, NULL), HOP_EINVAL);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_chan_cleanup(&ch), HOP_EINVAL); /* released */
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EINVAL);

    T_EQ(hop_sem_init(NULL, 1), HOP_EINVAL);
    T_EQ(hop_sem_init(&s, (uint32_t)HOP_SEM_MAX + 1u), HOP_EINVAL);
    T_EQ(hop_sem_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_sem_cleanup(&s), HOP_EINVAL);
    T_EQ(hop_sem_release(NULL), HOP_EINVAL);
    T_EQ(hop_sem_release(&s), HOP_EINVAL);
    T_EQ(hop_sem_try_acquire(NULL), HOP_EINVAL);
    T_EQ(hop_sem_try_acquire(&s), HOP_EINVAL);
    T_EQ(hop_sem_count(NULL), HOP_EINVAL);
    T_EQ(hop_sem_count(&s), HOP_EINVAL);
    T_ASSERT(hop_sem_acquire(NULL, &s, HOP_FOREVER) == NULL);

    T_EQ(hop_event_init(NULL), HOP_EINVAL);
    T_EQ(hop_event_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_event_cleanup(&e), HOP_EINVAL);
    T_EQ(hop_event_set(NULL), HOP_EINVAL);
    T_EQ(hop_event_set(&e), HOP_EINVAL);
    T_EQ(hop_event_clear(NULL), HOP_EINVAL);
    T_EQ(hop_event_clear(&e), HOP_EINVAL);
    T_EQ(hop_event_is_set(NULL), HOP_EINVAL);
    T_EQ(hop_event_is_set(&e), HOP_EINVAL);
    T_ASSERT(hop_event_wait(NULL, &e, HOP_FOREVER) == NULL);

    T_EQ(hop_mutex_init(NULL), HOP_EINVAL);
    T_EQ(hop_mutex_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_mutex_cleanup(&m), HOP_EINVAL);
    T_EQ(hop_mutex_unlock(NULL, &t), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(NULL, &t), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(&m, &t), HOP_EINVAL);
    T_ASSERT(hop_mutex_owner(NULL) == NULL);
    T_ASSERT(hop_mutex_lock(NULL, &m, HOP_FOREVER) == NULL);
    T_EQ(hop_mutex_init(&m), HOP_OK);
    T_EQ(hop_mutex_unlock(&m, NULL), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(&m, NULL), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(&m, &t), HOP_EINVAL); /* t never initialised */
    T_ASSERT(hop_mutex_owner(&m) == NULL);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
}

/* Awaited outside a task, or on what is not initialised. */
static void sync_await_misuse(void)
{
    hop_gen g;
    hop_sync_op op;
    hop_chan ch, bad;
    hop_sem s, bs;
    hop_event e;
    hop_mutex m, bm;
    hop_value out;
    hop_frame *fs[5];
    int i;

    t_fill(&bad, sizeof bad, 0);
    t_fill(&bs, sizeof bs, 0);
    t_fill(&bm, sizeof bm, 0);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    T_EQ(hop_sem_init(&s, 1), HOP_OK);
    T_EQ(hop_event_init(&e), HOP_OK);
    T_EQ(hop_mutex_init(&m), HOP_OK);

    /* A plain generator handle: not a task. */
    fs[0] = hop_chan_send(&op, &ch, 1, HOP_FOREVER);
    T_EQ(hop_gen_init(&g, fs[0]), HOP_OK);
    T_EQ(hop_gen_start(&g, &out), HOP_RAISED);
    T_EQ(out, HOP_ESTATE);
    T_STREQ(hop_gen_exc(&g)->msg, "synchronisation outside a task");
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    for (i = 0; i < 4; i++) {
        switch (i) {
        case 0:
            fs[i] = hop_chan_recv(&op, &ch, HOP_FOREVER);
            break;
        case 1:
            fs[i] = hop_sem_acquire(&op, &s, HOP_FOREVER);
            break;
        case 2:
            fs[i] = hop_event_wait(&op, &e, HOP_FOREVER);
            break;
        default:
            fs[i] = hop_mutex_lock(&op, &m, HOP_FOREVER);
            break;
        }
        T_EQ(hop_gen_init(&g, fs[i]), HOP_OK);
        T_EQ(hop_gen_start(&g, &out), HOP_RAISED);
        T_EQ(out, HOP_ESTATE);
        T_EQ(hop_gen_cleanup(&g), HOP_OK);
    }
    /* Nothing was taken by the failed operations. */
    T_EQ(hop_sem_count(&s), 1);
    T_ASSERT(hop_mutex_owner(&m) == NULL);

    /* Uninitialised (or released) primitives: HOP_EINVAL. */
    for (i = 0; i < 5; i++) {
        switch (i) {
        case 0:
            fs[i] = hop_chan_send(&op, &bad, 1, HOP_FOREVER);
            break;
        case 1:
            fs[i] = hop_chan_recv(&op, NULL, HOP_FOREVER);
            break;
        case 2:
            fs[i] = hop_sem_acquire(&op, &bs, HOP_FOREVER);
            break;
        case 3:
            fs[i] = hop_event_wait(&op, NULL, HOP_FOREVER);
            break;
        default:
            fs[i] = hop_mutex_lock(&op, &bm, HOP_FOREVER);
            break;
        }
        T_EQ(hop_gen_init(&g, fs[i]), HOP_OK);
        T_EQ(hop_gen_start(&g, &out), HOP_RAISED);
        T_EQ(out, HOP_EINVAL);
        T_EQ(hop_gen_cleanup(&g), HOP_OK);
    }
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_sem_cleanup(&s), HOP_OK);
    T_EQ(hop_event_cleanup(&e), HOP_OK);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
}

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

const t_case t_cases_sched_sync[] = {
    T_CASE(sync_null_args),
    T_CASE(sync_await_misuse),
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
    T_CASE(sem_basic),
    T_CASE(sem_tasks),
    T_CASE(sem_timeout_cancel),
    T_CASE(event_tasks),
    T_CASE(mutex_tasks),
    T_CASE(mutex_recursive),
    T_CASE(mutex_timeout_cancel),
    T_CASE(mutex_handoff_then_cancel),
    T_END
};
