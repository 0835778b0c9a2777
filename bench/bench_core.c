/*
 * bench/bench_core.c: the cost of the trampoline against hand-written
 * state machines measured in the same run.
 *
 *   yield        a generator yields N values to a driver loop
 *                (hop_gen_next per value); the baseline is a function
 *                reached through a pointer that switches on an int state
 *                and returns a two-word struct, called N times.
 *   call_return  a parent awaits a child that returns at once, N times;
 *                the baseline is the same pattern hand-written: the parent
 *                returns a "call" record, a driver loop calls the child's
 *                step through a pointer and resumes the parent with the
 *                child's value.
 *
 * Each line reads: bench <name> ns_per_op=<x> baseline_ns=<y> ratio=<x/y>.
 * The best of several runs is taken for both sides.
 */
#define _POSIX_C_SOURCE 200809L
#include <hop.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/*
 * Every function measured, hop's step functions and the baselines
 * alike, is kept out of line and starts on a 64-byte boundary: at a few
 * cycles per operation, where a function happens to be placed (a loop
 * that straddles a fetch block) otherwise moves the figures by a third.
 */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline, aligned(64)))
#else
#define NOINLINE
#endif

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long n_ops = 20000000;
static volatile long sink;

/* -- yield -------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    long i, n;
} gen_frame;

static NOINLINE hop_step gen_step(hop_gen *g, hop_frame *f)
{
    gen_frame *self = (gen_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++)
        HOP_YIELD(self, self->i);
    HOP_END(self);
}

static double run_yield(void)
{
    gen_frame fr;
    hop_gen g;
    hop_value v, sum = 0;
    double t0, t1;

    hop_frame_init(&fr.hdr, gen_step, HOP_GENERATOR);
    fr.n = n_ops;
    hop_gen_init(&g, &fr.hdr);
    t0 = now_ns();
    while (hop_gen_next(&g, &v) == HOP_YIELDED)
        sum += v;
    t1 = now_ns();
    sink = (long)sum;
    hop_gen_cleanup(&g);
    return (t1 - t0) / (double)n_ops;
}

/* The hand-written baseline: state in a struct, a switch on it. */
typedef struct {
    long op;
    long v;
} rec;

typedef struct base_sm base_sm;
struct base_sm {
    rec (*step)(base_sm *m, long sent);
    int state;
    long i, n;
};

static NOINLINE rec base_step(base_sm *m, long sent)
{
    rec r;

    (void)sent;
    switch (m->state) {
    case 0:
        m->i = 0;
        /* fall through */
    case 1:
        if (m->state == 1)
            m->i++;
        if (m->i < m->n) {
            m->state = 1;
            r.op = 1;
            r.v = m->i;
            return r;
        }
        m->state = 2;
        /* fall through */
    default:
        r.op = 2;
        r.v = 0;
        return r;
    }
}

static double run_yield_base(void)
{
    base_sm m;
    base_sm *volatile pm = &m;
    long sum = 0;
    double t0, t1;
    rec r;

    m.step = base_step;
    m.state = 0;
    m.n = n_ops;
    t0 = now_ns();
    for (;;) {
        base_sm *p = pm;
        r = p->step(p, 0);
        if (r.op != 1)
            break;
        sum += r.v;
    }
    t1 = now_ns();
    sink = sum;
    return (t1 - t0) / (double)n_ops;
}

/* -- call and return ------------------------------------------------------ */

typedef struct {
    hop_frame hdr;
    long v;
} leaf_frame;

static NOINLINE hop_step leaf_step(hop_gen *g, hop_frame *f)
{
    leaf_frame *self = (leaf_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    long i, n, sum;
    leaf_frame leaf;
} parent_frame;

static NOINLINE hop_step parent_step(hop_gen *g, hop_frame *f)
{
    parent_frame *self = (parent_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++) {
        hop_frame_init(&self->leaf.hdr, leaf_step, HOP_COROUTINE);
        self->leaf.v = self->i;
        HOP_AWAIT(self, &self->leaf.hdr);
        self->sum += HOP_VALUE(self);
    }
    HOP_RETURN(self, self->sum);
    HOP_END(self);
}

static double run_call(void)
{
    static parent_frame fr;
    hop_gen g;
    hop_value v;
    double t0, t1;

    hop_frame_init(&fr.hdr, parent_step, HOP_COROUTINE);
    fr.n = n_ops;
    fr.sum = 0;
    hop_gen_init(&g, &fr.hdr);
    t0 = now_ns();
    if (hop_gen_next(&g, &v) != HOP_RETURNED)
        abort();
    t1 = now_ns();
    sink = (long)v;
    hop_gen_cleanup(&g);
    return (t1 - t0) / (double)n_ops;
}

/* The hand-written baseline: a parent machine that asks a driver loop
 * to call a child machine and is resumed with the child's result. */
typedef struct bframe bframe;
struct bframe {
    rec (*step)(bframe *f, long in);
    bframe *caller;
    int state;
    long i, n, sum, v;
    bframe *child;
};

static NOINLINE rec bleaf_step(bframe *f, long in)
{
    rec r;

    (void)in;
    r.op = 2; /* return */
    r.v = f->v;
    return r;
}

static NOINLINE rec bparent_step(bframe *f, long in)
{
    rec r;

    switch (f->state) {
    case 0:
        f->i = 0;
        break;
    case 1:
        f->sum += in;
        f->i++;
        break;
    }
    if (f->i < f->n) {
        f->child->step = bleaf_step;
        f->child->state = 0;
        f->child->v = f->i;
        f->state = 1;
        r.op = 3; /* call */
        r.v = (long)(intptr_t)f->child;
        return r;
    }
    r.op = 2;
    r.v = f->sum;
    return r;
}

static double run_call_base(void)
{
    static bframe parent, child;
    bframe *volatile top0 = &parent;
    bframe *top;
    long in = 0;
    double t0, t1;
    rec r;

    parent.step = bparent_step;
    parent.caller = NULL;
    parent.state = 0;
    parent.n = n_ops;
    parent.sum = 0;
    parent.child = &child;
    top = top0;
    t0 = now_ns();
    for (;;) {
        r = top->step(top, in);
        if (r.op == 3) {
            bframe *c = (bframe *)(intptr_t)r.v;
            c->caller = top;
            top = c;
            in = 0;
        } else if (top->caller != NULL) {
            top = top->caller;
            in = r.v;
        } else {
            break;
        }
    }
    t1 = now_ns();
    sink = r.v;
    return (t1 - t0) / (double)n_ops;
}

/* -- main ------------------------------------------------------------------ */

static double best(double (*fn)(void), int runs)
{
    double b = 0;
    int i;

    for (i = 0; i < runs; i++) {
        double t = fn();
        if (i == 0 || t < b)
            b = t;
    }
    return b;
}

static void report(const char *name, double x, double y)
{
    printf("bench %s ns_per_op=%.3f baseline_ns=%.3f ratio=%.2f\n", name, x,
           y, x / y);
}

int main(int argc, char **argv)
{
    int runs = 5;

    if (argc > 1)
        n_ops = atol(argv[1]);
    if (n_ops <= 0)
        n_ops = 1;
    report("yield", best(run_yield, runs), best(run_yield_base, runs));
    report("call_return", best(run_call, runs), best(run_call_base, runs));
    return 0;
}
