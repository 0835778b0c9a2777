/*
 * test/sched/budget.c: the cooperative budget on the simulation backend.
 * A task that works without waiting gives way to the other ready tasks
 * once it has spent its budget (HOP_SPEND, and channel operations that
 * complete at once), with a fresh budget afterwards; a cancellation
 * arrives where it gives way; budget 0 and plain generator handles never
 * give way.
 */
#include "t.h"

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_chan_op op;
    hop_chan *ch;
    hop_sleep_frame sl;
    int n, i, units;
    int *clock;  /* shared step counter */
    int at[8];   /* clock at the other task's first runs */
    int err;
} work_frame;

/* Spend one unit n times; *clock counts each. */
static hop_step spender(hop_gen *g, hop_frame *f)
{
    work_frame *self = (work_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (self->i = 0; self->i < self->n; self->i++) {
            HOP_SPEND(self, self->units);
            (*self->clock)++;
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Receive n values that are already in the channel; count each. */
static hop_step receiver(hop_gen *g, hop_frame *f)
{
    work_frame *self = (work_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++) {
        HOP_AWAIT(self, hop_chan_recv(&self->op, self->ch, HOP_FOREVER));
        (*self->clock)++;
    }
    HOP_END(self);
}

/* Give way n times (sleep 0); record the clock at each run. */
static hop_step prober(hop_gen *g, hop_frame *f)
{
    work_frame *self = (work_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++) {
        self->at[self->i] = *self->clock;
        HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    }
    HOP_END(self);
}

static void prep(hop_task *t, hop_loop *l, work_frame *w, hop_fn fn,
                 int *clock, int n)
{
    t_fill(w, sizeof *w, 0);
    w->clock = clock;
    w->n = n;
    w->units = 1;
    t_spawn(t, l, &w->hdr, fn, "worker");
}

/*
 * With the default budget (128), a task spending one unit 1000 times
 * gives way after every 128: the prober, ready all along, runs at 0,
 * 128, 256, ... of the spender's steps, and the loop polls its backend
 * in between.
 */
static void budget_gives_way(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    work_frame af, bf;
    int clock = 0, i;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&b, &l, &bf, prober, &clock, 5);
    prep(&a, &l, &af, spender, &clock, 1000);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(clock, 1000);
    T_EQ(af.err, 0);
    for (i = 0; i < 5; i++)
        T_EQ(bf.at[i], i * 128);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* HOP_SPEND(self, n) spends n units; hop_loop_set_budget sets them. */
static void budget_units(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    work_frame af, bf;
    int clock = 0;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_loop_set_budget(&l, 10), HOP_OK);
    T_EQ(hop_loop_set_budget(NULL, 10), HOP_EINVAL);
    prep(&b, &l, &bf, prober, &clock, 4);
    prep(&a, &l, &af, spender, &clock, 100);
    af.units = 3;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    /* 10 units: three steps of 3, the fourth gives way. */
    T_EQ(bf.at[0], 0);
    T_EQ(bf.at[1], 3);
    T_EQ(bf.at[2], 6);
    T_EQ(bf.at[3], 9);

    /* Budget 0: never gives way. */
    clock = 0;
    T_EQ(hop_loop_set_budget(&l, 0), HOP_OK);
    prep(&b, &l, &bf, prober, &clock, 2);
    prep(&a, &l, &af, spender, &clock, 1000);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(bf.at[0], 0);
    T_EQ(bf.at[1], 1000);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/*
 * A channel whose values are all there already: the receiver never
 * waits, so only the budget lets the prober run while it drains them.
 */
static void budget_channel(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    work_frame af, bf;
    hop_chan ch;
    hop_value buf[400];
    int clock = 0, i;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_chan_init(&ch, buf, 400), HOP_OK);
    for (i = 0; i < 400; i++)
        T_EQ(hop_chan_try_send(&ch, i), HOP_OK);
    prep(&b, &l, &bf, prober, &clock, 4);
    prep(&a, &l, &af, receiver, &clock, 400);
    af.ch = &ch;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(clock, 400);
    T_EQ(bf.at[0], 0);
    T_EQ(bf.at[1], 128);
    T_EQ(bf.at[2], 256);
    T_EQ(bf.at[3], 384);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Cancel a: from b's first run, where a gives way. */
static hop_step canceller(hop_gen *g, hop_frame *f)
{
    work_frame *self = (work_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, 0));
    self->at[0] = *self->clock;
    hop_task_cancel((hop_task *)(void *)self->ch, "enough");
    HOP_END(self);
}

/* A cancel arrives where the task gives way: HOP_ECANCELED there. */
static void budget_cancel(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b;
    work_frame af, bf;
    int clock = 0;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&b, &l, &bf, canceller, &clock, 1);
    prep(&a, &l, &af, spender, &clock, 1000);
    bf.ch = (hop_chan *)(void *)&a;
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(bf.at[0], 128);
    T_EQ(clock, 128);
    T_STREQ(hop_err_name(af.err), "HOP_ECANCELED");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Outside a task, HOP_SPEND does nothing. */
static void budget_plain_gen(void)
{
    hop_gen g;
    work_frame w;
    int clock = 0;
    hop_value v = 0;

    t_fill(&w, sizeof w, 0);
    t_fill(&g, sizeof g, 0);
    w.clock = &clock;
    w.n = 1000;
    w.units = 1;
    T_EQ(hop_frame_init(&w.hdr, spender, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_gen_init(&g, &w.hdr), HOP_OK);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(clock, 1000);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
}

const t_case t_cases_sched_budget[] = {
    T_TASK_CASE(budget_gives_way),
    T_TASK_CASE(budget_units),
    T_TASK_CASE(budget_channel),
    T_TASK_CASE(budget_cancel),
    T_CASE(budget_plain_gen),
    T_END,
};
