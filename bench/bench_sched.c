/*
 * bench/bench_sched.c: the scheduler against baselines measured in the
 * same run.
 *
 *   spawn        init, spawn and run to completion an empty task, N times
 *                (simulation backend, nothing allocated); the baseline
 *                puts a hand-written state machine on a run queue and
 *                calls it through a pointer until it says it is done.
 *   timers       start N timers with deadlines scattered over 1 ms in
 *                hop's timer heap and let the loop fire them all (the
 *                simulated clock jumps); the baseline does the same with
 *                libevent's own timers (evtimer_add, then
 *                event_base_dispatch) on a base of its own, which waits
 *                at most 1 ms of real time in all.
 *   chan_pingpong  two tasks exchange N messages through two
 *                unbuffered channels (a round trip per op); the baseline
 *                is two hand-written machines with one-slot mailboxes,
 *                scheduled round-robin through a pointer.
 *   idle_task    RSS per task with N tasks spawned and waiting on one
 *                future (bytes_per_task, against the bytes of the task
 *                struct plus its frame). `bench_sched N idle` runs only
 *                this one: `make bench` also runs it from a build with
 *                HOP_CONF_TASK_NAMES=0, as idle_task_nonames.
 *
 * Lines read: bench <name> ns_per_op=<x> baseline_ns=<y> ratio=<x/y>.
 */
#define _POSIX_C_SOURCE 200809L
#include <event2/event.h>
#include <event2/event_struct.h>
#include <hop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void report(const char *name, double x, double y)
{
    printf("bench %s ns_per_op=%.2f baseline_ns=%.2f ratio=%.2f\n", name, x,
           y, x / y);
}

/* -- spawn ---------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
} empty_frame;

static hop_step empty_step(hop_gen *g, hop_frame *f)
{
    empty_frame *self = (empty_frame *)f;
    HOP_BEGIN(g, self);
    HOP_END(self);
}

static double run_spawn(long n)
{
    static hop_loop l;
    static hop_sim sim;
    static hop_task t;
    static empty_frame fr;
    double t0, t1;
    long i;

    hop_loop_init_sim(&l, &sim);
    memset(&t, 0, sizeof t);
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        hop_frame_init(&fr.hdr, empty_step, HOP_COROUTINE);
        hop_task_init(&t, &l, &fr.hdr, NULL);
        hop_spawn(&t);
        hop_loop_run(&l, HOP_RUN_NOWAIT);
    }
    t1 = now_ns();
    if (hop_task_status(&t) != HOP_TASK_DONE || hop_loop_cleanup(&l) != 0)
        abort();
    return (t1 - t0) / (double)n;
}

/* The baseline: a run queue of hand-written machines. */
typedef struct bm bm;
struct bm {
    int (*step)(bm *m);
    bm *next;
    int state;
};

static int bm_step(bm *m)
{
    m->state = 1;
    return 1; /* done */
}

static double run_spawn_base(long n)
{
    static bm m;
    bm *volatile head = NULL;
    double t0, t1;
    long i;

    t0 = now_ns();
    for (i = 0; i < n; i++) {
        m.step = bm_step;
        m.state = 0;
        m.next = NULL;
        head = &m;
        while (head != NULL) {
            bm *x = head;
            head = x->next;
            if (!x->step(x))
                abort();
        }
    }
    t1 = now_ns();
    return (t1 - t0) / (double)n;
}

/* -- timers ----------------------------------------------------------------- */

static long fired;

static void on_timer(hop_timer *t)
{
    (void)t;
    fired++;
}

static unsigned long lcg(unsigned long *s)
{
    *s = *s * 6364136223846793005ul + 1442695040888963407ul;
    return *s >> 33;
}

static double run_timers(long n)
{
    static hop_loop l;
    static hop_sim sim;
    hop_timer *tm = malloc((size_t)n * sizeof *tm);
    unsigned long seed = 1;
    double t0, t1;
    long i;

    if (tm == NULL)
        abort();
    hop_loop_init_sim(&l, &sim);
    fired = 0;
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        hop_timer_init(&tm[i], on_timer);
        hop_timer_start(&l, &tm[i],
                        HOP_USEC(1 + (long)(lcg(&seed) % 1000)));
    }
    hop_loop_run(&l, HOP_RUN_DEFAULT);
    t1 = now_ns();
    if (fired != n || hop_loop_cleanup(&l) != 0)
        abort();
    free(tm);
    return (t1 - t0) / (double)n;
}

static void on_evtimer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    fired++;
}

static double run_timers_base(long n)
{
    struct event_base *base = event_base_new();
    struct event *ev = malloc((size_t)n * sizeof *ev);
    unsigned long seed = 1;
    double t0, t1;
    long i;

    if (base == NULL || ev == NULL)
        abort();
    fired = 0;
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        /* Deadlines spread like hop's: 1 us .. 1 ms ahead (real time:
         * the baseline waits at most 1 ms in all). */
        long us = 1 + (long)(lcg(&seed) % 1000);
        struct timeval tv;
        tv.tv_sec = us / 1000000;
        tv.tv_usec = us % 1000000;
        event_assign(&ev[i], base, -1, 0, on_evtimer, NULL);
        event_add(&ev[i], &tv);
    }
    event_base_dispatch(base);
    t1 = now_ns();
    if (fired != n)
        abort();
    event_base_free(base);
    free(ev);
    return (t1 - t0) / (double)n;
}

/* -- ping-pong through channels ---------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_chan_op op;
    hop_chan *in, *out;
    long i, n;
    int serve; /* the server receives first */
} pp_frame;

static hop_step pp_step(hop_gen *g, hop_frame *f)
{
    pp_frame *self = (pp_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++) {
        if (self->serve) {
            HOP_AWAIT(self, hop_chan_recv(&self->op, self->in, HOP_FOREVER));
            HOP_AWAIT(self, hop_chan_send(&self->op, self->out,
                                          HOP_VALUE(self) + 1, HOP_FOREVER));
        } else {
            HOP_AWAIT(self, hop_chan_send(&self->op, self->out, self->i,
                                          HOP_FOREVER));
            HOP_AWAIT(self, hop_chan_recv(&self->op, self->in, HOP_FOREVER));
        }
    }
    HOP_END(self);
}

static double run_pingpong(long n)
{
    static hop_loop l;
    static hop_sim sim;
    static hop_task a, b;
    static pp_frame fa, fb;
    static hop_chan ab, ba;
    double t0, t1;

    hop_loop_init_sim(&l, &sim);
    hop_chan_init(&ab, NULL, 0);
    hop_chan_init(&ba, NULL, 0);
    hop_frame_init(&fa.hdr, pp_step, HOP_COROUTINE);
    hop_frame_init(&fb.hdr, pp_step, HOP_COROUTINE);
    fa.out = &ab;
    fa.in = &ba;
    fa.serve = 0;
    fa.n = n;
    fb.out = &ba;
    fb.in = &ab;
    fb.serve = 1;
    fb.n = n;
    hop_task_init(&a, &l, &fa.hdr, NULL);
    hop_task_init(&b, &l, &fb.hdr, NULL);
    hop_spawn(&a);
    hop_spawn(&b);
    t0 = now_ns();
    hop_loop_run(&l, HOP_RUN_DEFAULT);
    t1 = now_ns();
    if (hop_task_status(&a) != HOP_TASK_DONE || hop_loop_cleanup(&l) != 0)
        abort();
    return (t1 - t0) / (double)n;
}

/* The baseline: two hand-written machines and a one-slot mailbox each
 * way, scheduled round-robin through a pointer. */
typedef struct pm pm;
struct pm {
    int (*step)(pm *m);
    long *in, *out; /* mailboxes: -1 empty */
    long i, n;
    int state, serve;
};

static int pm_step(pm *m)
{
    for (;;) {
        if (m->i >= m->n)
            return 1;
        if (m->state == 0) { /* send (client) or receive (server) */
            if (m->serve) {
                if (*m->in < 0)
                    return 0;
                *m->out = *m->in + 1;
                *m->in = -1;
                m->i++;
            } else {
                *m->out = m->i;
                m->state = 1;
            }
        } else {
            if (*m->in < 0)
                return 0;
            *m->in = -1;
            m->state = 0;
            m->i++;
        }
    }
}

static double run_pingpong_base(long n)
{
    static pm a, b;
    static long ab, ba;
    pm *volatile q[2];
    double t0, t1;
    int k = 0, done = 0;

    ab = ba = -1;
    a.step = b.step = pm_step;
    a.out = &ab;
    a.in = &ba;
    b.out = &ba;
    b.in = &ab;
    a.serve = 0;
    b.serve = 1;
    a.i = b.i = 0;
    a.n = b.n = n;
    a.state = b.state = 0;
    q[0] = &a;
    q[1] = &b;
    t0 = now_ns();
    while (done != 3) {
        pm *m = q[k];
        if (m->step(m))
            done |= 1 << k;
        k ^= 1;
    }
    t1 = now_ns();
    return (t1 - t0) / (double)n;
}

/* -- idle tasks ----------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_future *f;
} idle_frame;

static hop_step idle_step(hop_gen *g, hop_frame *f)
{
    idle_frame *self = (idle_frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(self->f));
    HOP_END(self);
}

static long rss_bytes(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = 0;
    fclose(f);
    return rss * 4096;
}

static void run_idle(long n)
{
    static hop_loop l;
    static hop_sim sim;
    static hop_future fu;
    hop_task *t;
    idle_frame *fr;
    long before, after, i;

    before = rss_bytes();
    t = calloc((size_t)n, sizeof *t);
    fr = calloc((size_t)n, sizeof *fr);
    if (t == NULL || fr == NULL)
        abort();
    hop_loop_init_sim(&l, &sim);
    hop_future_init(&fu, NULL);
    for (i = 0; i < n; i++) {
        hop_frame_init(&fr[i].hdr, idle_step, HOP_COROUTINE);
        fr[i].f = &fu;
        hop_task_init(&t[i], &l, &fr[i].hdr, NULL);
        hop_spawn(&t[i]);
    }
    hop_loop_run(&l, HOP_RUN_NOWAIT);
    after = rss_bytes();
    printf("bench %s bytes_per_task=%.1f task_struct=%u frame=%u "
           "tasks=%ld\n",
           HOP_CONF_TASK_NAMES ? "idle_task" : "idle_task_nonames",
           (double)(after - before) / (double)n, (unsigned)sizeof(hop_task),
           (unsigned)sizeof(idle_frame), n);
    hop_future_complete(&fu, 0);
    hop_loop_run(&l, HOP_RUN_DEFAULT);
    if (hop_loop_cleanup(&l) != 0)
        abort();
    free(t);
    free(fr);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    double a, b;
    int k;

    if (n <= 0)
        n = 1;
    if (argc > 2 && strcmp(argv[2], "idle") == 0) {
        run_idle(n);
        return 0;
    }
    a = b = 0;
    for (k = 0; k < 3; k++) {
        double x = run_spawn(n), y = run_spawn_base(n);
        if (k == 0 || x < a)
            a = x;
        if (k == 0 || y < b)
            b = y;
    }
    report("spawn", a, b);
    a = run_pingpong(n);
    b = run_pingpong_base(n);
    report("chan_pingpong", a, b);
    a = run_timers(n);
    b = run_timers_base(n);
    report("timers", a, b);
    run_idle(n);
    return 0;
}
