/*
 * test/sched/timer.c: the loop's timer heap on the simulation backend:
 * 1000 timers with pseudo-random deadlines fire in deadline order, ties
 * in start order, stopped ones never; restarts, hop_timer_active, stops
 * of stopped timers, the clock at each firing, timers started and
 * stopped from expiry callbacks, and a loop that cannot be released
 * while a timer runs.
 */
#include "t.h"

/* -- a pseudo-random sequence (no libc) ----------------------------------- */

static uint32_t lcg_x;

static void lcg_seed(uint32_t s)
{
    lcg_x = s;
}

/* Numerical Recipes' LCG; the high bits are the good ones. */
static uint32_t lcg(void)
{
    lcg_x = lcg_x * 1664525u + 1013904223u;
    return lcg_x >> 8;
}

/* -- a recording callback ------------------------------------------------- */

#define NT 1000

static hop_loop *cur_loop;       /* the loop the timers run on */
static hop_timer tm[NT];         /* the timers */
static hop_time tm_when[NT];     /* deadline of each timer's last start */
static uint32_t tm_order[NT];    /* start order of each timer's last start */
static unsigned char tm_stopped[NT];
static unsigned char tm_started[NT];
static int tm_fired[NT];         /* how many times each one fired */
static int fire_seq[NT * 2];     /* indices in firing order */
static hop_time fire_now[NT * 2]; /* the loop's clock at each firing */
static int nfired;
static uint32_t starts;          /* start counter, to know the order */

static int index_of(const hop_timer *t)
{
    return (int)(t - tm);
}

static void rec_fire(hop_timer *t)
{
    int i = index_of(t);

    T_ASSERT(i >= 0 && i < NT);
    T_ASSERT(nfired < NT * 2);
    /* The timer is stopped by the time its callback runs. */
    T_EQ(hop_timer_active(t), 0);
    /* No task runs while timers fire. */
    T_ASSERT(hop_loop_current(cur_loop) == NULL);
    fire_seq[nfired] = i;
    fire_now[nfired] = hop_loop_now(cur_loop);
    nfired++;
    tm_fired[i]++;
}

static void rec_reset(hop_loop *l)
{
    int i;

    cur_loop = l;
    nfired = 0;
    starts = 0;
    for (i = 0; i < NT; i++) {
        T_EQ(hop_timer_init(&tm[i], rec_fire), HOP_OK);
        tm_when[i] = 0;
        tm_order[i] = 0;
        tm_stopped[i] = 0;
        tm_started[i] = 0;
        tm_fired[i] = 0;
    }
}

static void rec_start(hop_loop *l, int i, hop_time when)
{
    T_EQ(hop_timer_start(l, &tm[i], when), HOP_OK);
    T_EQ(hop_timer_active(&tm[i]), 1);
    tm_when[i] = when;
    tm_order[i] = starts++;
    tm_stopped[i] = 0;
    tm_started[i] = 1;
}

static void rec_stop(hop_loop *l, int i)
{
    T_EQ(hop_timer_stop(l, &tm[i]), HOP_OK);
    T_EQ(hop_timer_active(&tm[i]), 0);
    tm_stopped[i] = 1;
}

static int any_active(void)
{
    int i;

    for (i = 0; i < NT; i++)
        if (hop_timer_active(&tm[i]))
            return 1;
    return 0;
}

/* Run the loop one pass at a time until nothing is left to fire. */
static void run_all(hop_loop *l)
{
    int guard = 0;

    while (any_active()) {
        T_EQ(hop_loop_run(l, HOP_RUN_ONCE), HOP_OK);
        T_ASSERT(++guard <= 2 * NT);
    }
}

/*
 * Check the firing record: each live timer fired exactly once, stopped
 * and never-started ones never, in nondecreasing deadline order with
 * ties in start order, and the clock at each firing was the deadline.
 */
static void check_fired(int live)
{
    int k, i;

    T_EQ(nfired, live);
    for (i = 0; i < NT; i++)
        T_EQ(tm_fired[i], tm_started[i] && !tm_stopped[i] ? 1 : 0);
    for (k = 0; k < nfired; k++) {
        i = fire_seq[k];
        T_EQ(fire_now[k], tm_when[i]);
        if (k > 0) {
            int p = fire_seq[k - 1];
            T_ASSERT(tm_when[p] <= tm_when[i]);
            if (tm_when[p] == tm_when[i])
                T_ASSERT(tm_order[p] < tm_order[i]);
        }
    }
}

/*
 * Start NT timers with deadlines in [0, range), stop a pseudo-random
 * third of them, restart every tenth live one at a new deadline, run.
 */
static void heap_run(uint32_t seed, uint32_t range)
{
    hop_loop l;
    hop_sim sim;
    int i, n, live = NT;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    lcg_seed(seed);
    for (i = 0; i < NT; i++)
        rec_start(&l, i, (hop_time)(lcg() % range));
    /* Stop exactly a third, chosen pseudo-randomly. */
    for (n = 0; n < NT / 3;) {
        i = (int)(lcg() % NT);
        if (tm_stopped[i])
            continue;
        rec_stop(&l, i);
        live--;
        n++;
    }
    /* Stop some of them again: nothing changes. */
    for (i = 0; i < NT; i++)
        if (tm_stopped[i] && i % 2 == 0)
            rec_stop(&l, i);
    /* Restart a few running ones: they move, keeping one place each. */
    for (i = 0; i < NT; i += 10)
        if (!tm_stopped[i])
            rec_start(&l, i, (hop_time)(lcg() % range));
    T_EQ(hop_loop_now(&l), 0);
    run_all(&l);
    check_fired(live);
    T_EQ(hop_loop_now(&l), sim.now);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Few distinct deadlines: many ties, broken by start order. */
static void timer_heap_1000_ties(void)
{
    heap_run(12345u, 37u);
}

/* Deadlines spread wide: mostly distinct. */
static void timer_heap_1000_spread(void)
{
    heap_run(987654321u, 1000000000u);
}

/* Mid-range deadlines, another seed. */
static void timer_heap_1000_mixed(void)
{
    heap_run(42u, 5000u);
}

/*
 * Timers started in decreasing and in increasing deadline order, then
 * stopped from the root and from the last position of the heap.
 */
static void timer_heap_monotone(void)
{
    hop_loop l;
    hop_sim sim;
    int i, live = 0;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    for (i = 0; i < NT / 2; i++)
        rec_start(&l, i, (hop_time)(NT - i));
    for (i = NT / 2; i < NT; i++)
        rec_start(&l, i, (hop_time)i);
    /* The earliest (the heap's root) and the last started. */
    rec_stop(&l, NT / 2 - 1);
    rec_stop(&l, NT - 1);
    for (i = 0; i < NT; i++)
        if (!tm_stopped[i])
            live++;
    run_all(&l);
    check_fired(live);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- restarts ------------------------------------------------------------- */

/* A running timer restarted earlier, later, and at the same deadline. */
static void timer_restart_running(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    rec_start(&l, 0, 100);
    rec_start(&l, 0, 50);  /* earlier */
    rec_start(&l, 1, 50);
    rec_start(&l, 1, 200); /* later */
    rec_start(&l, 2, 300);
    rec_start(&l, 3, 300);
    rec_start(&l, 2, 300); /* same deadline: now started after 3 */
    run_all(&l);
    T_EQ(nfired, 4);
    T_EQ(fire_seq[0], 0);
    T_EQ(fire_now[0], 50);
    T_EQ(fire_seq[1], 1);
    T_EQ(fire_now[1], 200);
    T_EQ(fire_seq[2], 3);
    T_EQ(fire_seq[3], 2);
    T_EQ(fire_now[3], 300);
    check_fired(4);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* A stopped (or expired) timer can be started again and fires again. */
static void timer_restart_after_stop_and_expiry(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    rec_start(&l, 0, 10);
    rec_stop(&l, 0);
    rec_start(&l, 0, 20);
    run_all(&l);
    T_EQ(nfired, 1);
    T_EQ(fire_now[0], 20);
    rec_start(&l, 0, 30);
    run_all(&l);
    T_EQ(nfired, 2);
    T_EQ(fire_now[1], 30);
    T_EQ(tm_fired[0], 2);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- hop_timer_active and stop -------------------------------------------- */

static void timer_active(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    T_EQ(hop_timer_active(NULL), 0);
    T_EQ(hop_timer_active(&tm[0]), 0);
    rec_start(&l, 0, 5);
    T_EQ(hop_timer_active(&tm[0]), 1);
    rec_stop(&l, 0);
    T_EQ(hop_timer_active(&tm[0]), 0);
    rec_start(&l, 0, 5);
    rec_start(&l, 1, 6);
    /* Not expired before its deadline. */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(nfired, 0);
    T_EQ(hop_timer_active(&tm[0]), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    T_EQ(nfired, 1);
    T_EQ(hop_timer_active(&tm[0]), 0);
    T_EQ(hop_timer_active(&tm[1]), 1);
    /* Re-initialising a stopped timer leaves it stopped. */
    T_EQ(hop_timer_init(&tm[0], rec_fire), HOP_OK);
    T_EQ(hop_timer_active(&tm[0]), 0);
    run_all(&l);
    T_EQ(hop_timer_active(&tm[1]), 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* Stopping a stopped or never-started timer is HOP_OK and changes nothing. */
static void timer_stop_stopped(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    rec_stop(&l, 0); /* never started */
    rec_start(&l, 1, 7);
    rec_start(&l, 2, 3);
    rec_start(&l, 3, 5);
    rec_stop(&l, 2);
    rec_stop(&l, 2); /* twice */
    rec_stop(&l, 0);
    T_EQ(hop_timer_active(&tm[1]), 1);
    T_EQ(hop_timer_active(&tm[3]), 1);
    run_all(&l);
    T_EQ(nfired, 2);
    T_EQ(fire_seq[0], 3);
    T_EQ(fire_seq[1], 1);
    /* Stop after expiry: still HOP_OK. */
    T_EQ(hop_timer_stop(&l, &tm[1]), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- the clock ------------------------------------------------------------ */

/*
 * The simulation clock jumps to each deadline; a timer whose deadline
 * has passed (the clock was advanced past it) fires on the next pass,
 * even one that never waits, at the current time.
 */
static void timer_clock(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    T_EQ(hop_loop_now(&l), 0);
    rec_start(&l, 0, HOP_MSEC(3));
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    T_EQ(nfired, 1);
    T_EQ(fire_now[0], HOP_MSEC(3));
    T_EQ(hop_loop_now(&l), HOP_MSEC(3));
    T_EQ(sim.now, HOP_MSEC(3));

    rec_start(&l, 1, HOP_MSEC(4));
    T_EQ(hop_sim_advance(&sim, HOP_MSEC(10)), HOP_OK);
    T_EQ(hop_loop_now(&l), HOP_MSEC(13));
    T_EQ(nfired, 1); /* not before the next pass */
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(nfired, 2);
    T_EQ(fire_now[1], HOP_MSEC(13));

    /* A deadline in the past at start: the next pass, clock unchanged. */
    rec_start(&l, 2, HOP_MSEC(1));
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(nfired, 3);
    T_EQ(fire_now[2], HOP_MSEC(13));

    T_EQ(hop_sim_advance(&sim, 0), HOP_OK);
    T_EQ(hop_sim_advance(&sim, -1), HOP_EINVAL);
    T_EQ(hop_sim_advance(NULL, 1), HOP_EINVAL);
    T_EQ(hop_loop_now(&l), HOP_MSEC(13));
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* HOP_USEC/MSEC/SEC are nanoseconds. */
static void timer_units(void)
{
    T_EQ(HOP_USEC(1), 1000);
    T_EQ(HOP_MSEC(1), 1000000);
    T_EQ(HOP_SEC(1), 1000000000);
    T_EQ(HOP_SEC(3), (hop_time)3000000000LL);
    T_EQ(HOP_FOREVER, INT64_MAX);
}

/* -- callbacks that start and stop timers --------------------------------- */

static int periodic_left;

/* Restart itself 10 later, three times in all. */
static void periodic_fire(hop_timer *t)
{
    rec_fire(t);
    if (--periodic_left > 0)
        T_EQ(hop_timer_start(cur_loop, t, hop_loop_now(cur_loop) + 10),
             HOP_OK);
}

/* Stop timer 2 (due at the same time), start timer 3 due now. */
static void meddle_fire(hop_timer *t)
{
    rec_fire(t);
    rec_stop(cur_loop, 2);
    rec_start(cur_loop, 3, hop_loop_now(cur_loop));
}

static void timer_callbacks_start_and_stop(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    T_EQ(hop_timer_init(&tm[0], periodic_fire), HOP_OK);
    T_EQ(hop_timer_init(&tm[1], meddle_fire), HOP_OK);
    periodic_left = 3;
    rec_start(&l, 0, 10);
    rec_start(&l, 1, 15);
    rec_start(&l, 2, 15);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    T_EQ(nfired, 1); /* 0 at 10 */
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    /* 1 at 15 stopped 2 and started 3 at 15: 3 fires in the same pass. */
    T_EQ(nfired, 3);
    T_EQ(fire_seq[1], 1);
    T_EQ(fire_seq[2], 3);
    T_EQ(fire_now[2], 15);
    run_all(&l);
    T_EQ(nfired, 5);
    T_EQ(fire_seq[3], 0);
    T_EQ(fire_now[3], 20);
    T_EQ(fire_seq[4], 0);
    T_EQ(fire_now[4], 30);
    T_EQ(tm_fired[2], 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- the loop cannot be released while a timer runs ----------------------- */

static void timer_loop_cleanup_busy(void)
{
    hop_loop l;
    hop_sim sim;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    rec_start(&l, 0, 10);
    T_EQ(hop_loop_cleanup(&l), HOP_EBUSY);
    rec_stop(&l, 0);
    rec_start(&l, 0, 10);
    rec_start(&l, 1, 20);
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    T_EQ(hop_loop_cleanup(&l), HOP_EBUSY); /* 1 still runs */
    T_EQ(hop_loop_run(&l, HOP_RUN_ONCE), HOP_OK);
    T_EQ(nfired, 2);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
    /* Released: the loop is refused from now on. */
    T_EQ(hop_loop_cleanup(&l), HOP_EINVAL);
    T_EQ(hop_timer_start(&l, &tm[0], 1), HOP_EINVAL);
}

/* -- arguments ------------------------------------------------------------ */

static void timer_args(void)
{
    hop_loop l, bad;
    hop_sim sim;
    hop_timer t, zero;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    rec_reset(&l);
    T_EQ(hop_timer_init(NULL, rec_fire), HOP_EINVAL);
    T_EQ(hop_timer_init(&t, NULL), HOP_EINVAL);
    T_EQ(hop_timer_init(&t, rec_fire), HOP_OK);
    T_ASSERT(t.data == NULL);
    T_EQ(hop_timer_active(&t), 0);

    T_EQ(hop_timer_start(NULL, &t, 1), HOP_EINVAL);
    T_EQ(hop_timer_start(&l, NULL, 1), HOP_EINVAL);
    t_fill(&bad, sizeof bad, 0);
    T_EQ(hop_timer_start(&bad, &t, 1), HOP_EINVAL);
    t_fill(&bad, sizeof bad, 0xa5);
    T_EQ(hop_timer_start(&bad, &t, 1), HOP_EINVAL);
    /* A zero-filled timer was never initialised. */
    t_fill(&zero, sizeof zero, 0);
    T_EQ(hop_timer_start(&l, &zero, 1), HOP_EINVAL);
    T_EQ(hop_timer_active(&zero), 0);
    T_EQ(hop_timer_active(&t), 0);

    T_EQ(hop_timer_stop(NULL, &t), HOP_EINVAL);
    T_EQ(hop_timer_stop(&l, NULL), HOP_EINVAL);
    /* Nothing was started by the refused calls. */
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_timer[] = {
    T_CASE(timer_heap_1000_ties),
    T_CASE(timer_heap_1000_spread),
    T_CASE(timer_heap_1000_mixed),
    T_CASE(timer_heap_monotone),
    T_CASE(timer_restart_running),
    T_CASE(timer_restart_after_stop_and_expiry),
    T_CASE(timer_active),
    T_CASE(timer_stop_stopped),
    T_CASE(timer_clock),
    T_CASE(timer_units),
    T_CASE(timer_callbacks_start_and_stop),
    T_CASE(timer_loop_cleanup_busy),
    T_CASE(timer_args),
    T_END,
};
