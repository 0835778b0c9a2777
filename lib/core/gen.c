/*
 * lib/core/gen.c: the trampoline and the generator protocol.
 *
 * run() is the trampoline: the only code that calls step functions. It
 * resumes the innermost frame and dispatches on the record the step
 * returns: a Call pushes the child, a Return or a Raise pops exactly one
 * frame and resumes its caller with the value or the error, a Yield or a
 * Suspend goes back to the driver. The chain is never walked to resume,
 * so the cost and the C stack of a resume do not depend on the depth.
 *
 * The driver functions (start, next, send, throw, close) check the
 * handle's state, load the value or error to deliver and call run(). Close
 * follows PEP 342 and PEP 380: HOP_EEXIT is raised in the innermost frame
 * and every frame it is delivered into is marked closing; when a closing
 * frame finishes, its caller is closed in turn (a returned value is
 * discarded and HOP_EEXIT raised at the await instead); a frame that
 * yields while being closed has ignored the close. A throw of HOP_EEXIT
 * closes delegates the same way, but the root may catch it and yield.
 */
#include "internal.h"

/* The state of g without the closing mark. */
#define STATE(g) ((g)->state & HOP__GS_STATE)

static void put(hop_value *out, hop_value v)
{
    if (out != NULL)
        *out = v;
}

/* The frame f is finished: mark it, unlink it, give back its memory. */
static void finish(hop_gen *g, hop_frame *f)
{
    f->flags &= ~(HOP__FS_MASK | HOP__FF_CLOSING);
    f->flags |= HOP_STATE_FINISHED;
    f->caller = NULL;
    hop__arena_release(g->arena, f);
}

/* The generator is finished with the outcome o and its value v. */
static int done(hop_gen *g, int o, hop_value v, hop_value *out)
{
    g->top = NULL;
    g->state = (g->state & HOP__GS_LOOP) | HOP_STATE_FINISHED;
    put(out, v);
    return o;
}

/* May the frame c be awaited? 0: push it; 1: finished generator, give
 * HOP_EMPTY at once; negative: the error to raise at the await. */
static int call_check(const hop_frame *c)
{
    if (!hop__frame_ok(c))
        return HOP_EINVAL;
    switch (hop__fstate(c)) {
    case HOP_STATE_CREATED:
        return 0;
    case HOP_STATE_FINISHED:
        return (c->flags & HOP__FF_COROUTINE) ? HOP_EREUSED : 1;
    default:
        return HOP_ERUNNING;
    }
}

/*
 * The frame f yielded the value v while an exit is being delivered (by
 * close, or by a throw of HOP_EEXIT). The innermost frame marked closing
 * at or above f has ignored its exit. If that is a delegate, its close
 * failed: the frames from f up to it are abandoned, HOP_EIGNORED is
 * raised at its caller's await and 0 is returned to go on. If it is the
 * root (or no frame is marked), the yield reaches the driver: as
 * HOP_EIGNORED when close() runs, as a plain yield after a throw.
 */
static int yield_exiting(hop_gen *g, hop_frame *f, hop_value v,
                         hop_value *out)
{
    hop_frame *x = f;
    hop_frame *p;

    while (x != NULL && !(x->flags & HOP__FF_CLOSING))
        x = x->caller;
    if (x == NULL || x->caller == NULL) {
        int closing = (g->state & HOP__GS_CLOSING) != 0;

        if (x != NULL)
            x->flags &= ~HOP__FF_CLOSING;
        g->state = (g->state & HOP__GS_LOOP) | HOP_STATE_SUSPENDED;
        if (closing)
            return HOP_EIGNORED;
        put(out, v);
        return HOP_YIELDED;
    }
    p = x->caller;
    while (f != p) {
        hop_frame *next = f->caller;
        finish(g, f);
        f = next;
    }
    hop__exc_new(g, HOP_EIGNORED, NULL, 0);
    p->flags |= HOP__FF_CLOSING;
    g->val = HOP_EMPTY;
    g->err = HOP_EIGNORED;
    g->top = p;
    return 0;
}

/*
 * Everything but the common cases of the trampoline: the record s came
 * from the frame f (g->top). Returns an outcome for the driver, or 0 to
 * go on with g->top.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int dispatch(hop_gen *g, hop_frame *f, intptr_t op, hop_value v,
                    hop_value *out)
{
    hop_step s;
    hop_frame *p;
    unsigned closing;
    int e;

    s.op = op;
    s.v = v;
    switch (s.op) {
    case HOP_STEP_YIELD:
        if (g->state & HOP__GS_EXITING)
            return yield_exiting(g, f, s.v, out);
        g->state = (g->state & HOP__GS_LOOP) | HOP_STATE_SUSPENDED;
        put(out, s.v);
        return HOP_YIELDED;

    case HOP_STEP_SUSPEND:
        /* A close in progress goes on when the wait is over. */
        g->state =
            (g->state & (HOP__GS_MARKS | HOP__GS_LOOP)) | HOP_STATE_SUSPENDED;
        put(out, s.v);
        return HOP_WAITING;

    case HOP_STEP_CALL: {
        hop_frame *c = (hop_frame *)s.v;

        e = call_check(c);
        g->val = HOP_EMPTY;
        g->err = 0;
        if (e == 0) {
            hop__fset(c, HOP_STATE_SUSPENDED);
            c->caller = f;
            g->top = c;
        } else if (e < 0) {
            hop__exc_new(g, e, NULL, 0);
            g->err = e;
        }
        return 0;
    }

    case HOP_STEP_RETURN:
        p = f->caller;
        closing = f->flags & HOP__FF_CLOSING;
        finish(g, f);
        if (p == NULL)
            return done(g, HOP_RETURNED, s.v, out);
        if (closing) {
            /* A delegate that returned from its close: the close goes
             * on in its caller (PEP 380). */
            p->flags |= HOP__FF_CLOSING;
            hop__exc_new(g, HOP_EEXIT, NULL, 0);
            g->val = HOP_EMPTY;
            g->err = HOP_EEXIT;
        } else {
            g->val = s.v;
            g->err = 0;
        }
        g->top = p;
        return 0;

    case HOP_STEP_RAISE:
    default:
        if (s.op != HOP_STEP_RAISE || s.v == 0 || s.v < INT32_MIN ||
            s.v > INT32_MAX) {
            hop__exc_new(g, HOP_EINVAL, "bad step record", 0);
            s.v = HOP_EINVAL;
        }
        e = (int)s.v;
        p = f->caller;
        closing = f->flags & HOP__FF_CLOSING;
        finish(g, f);
        if (p == NULL) {
            if ((g->state & HOP__GS_CLOSING) && e == HOP_EEXIT)
                return done(g, HOP_RETURNED, HOP_EMPTY, out);
            return done(g, HOP_RAISED, e, out);
        }
        if (closing)
            p->flags |= HOP__FF_CLOSING;
        g->val = HOP_EMPTY;
        g->err = e;
        g->top = p;
        return 0;
    }
}

/* A frame hop_frame_init made and nobody started. */
#define CREATED_FLAGS (HOP__FF_SIG | HOP_STATE_CREATED)
#define CHECK_MASK (HOP__FF_SIG_MASK | HOP__FS_MASK)

/*
 * The trampoline: go on from the record (op, v) that the frame g->top
 * just returned, resuming frames until the driver has something to see. A
 * yield, a call of a fresh frame and a plain return are handled here;
 * everything else goes to dispatch(). hop_gen_next and hop_gen_send
 * (inline in hop/core.h) make the first step themselves and come here
 * for anything but a plain yield.
 */
int hop__gen_continue(hop_gen *g, intptr_t op, hop_value v, hop_value *out)
{
    hop_frame *f = g->top;

    /* The record travels as two scalars: kept as a struct, it would be
     * spilled and reloaded through memory on every step. */
    for (;;) {
        int e;

        if (op == HOP_STEP_YIELD && !(g->state & HOP__GS_EXITING)) {
            g->state = (g->state & HOP__GS_LOOP) | HOP_STATE_SUSPENDED;
            if (out != NULL)
                *out = v;
            return HOP_YIELDED;
        }
        if (op == HOP_STEP_CALL) {
            hop_frame *c = (hop_frame *)v;
            if (c != NULL && (c->flags & CHECK_MASK) == CREATED_FLAGS &&
                c->fn != NULL) {
                c->flags += HOP_STATE_SUSPENDED - HOP_STATE_CREATED;
                c->caller = f;
                g->top = c;
                g->val = HOP_EMPTY;
                g->err = 0;
                goto next;
            }
        } else if (op == HOP_STEP_RETURN && f->caller != NULL &&
                   !(f->flags & HOP__FF_CLOSING) && g->arena == NULL) {
            f->flags += HOP_STATE_FINISHED - HOP_STATE_SUSPENDED;
            g->top = f->caller;
            f->caller = NULL;
            g->val = v;
            g->err = 0;
            goto next;
        }
        e = dispatch(g, f, op, v, out);
        if (e != 0)
            return e;
    next:
        f = g->top;
        {
            hop_step s = f->fn(g, f);
            op = s.op;
            v = s.v;
        }
    }
}

/* Resume g->top with g->val / g->err. */
static int run(hop_gen *g, hop_value *out)
{
    hop_frame *f = g->top;
    hop_step s;

    g->state =
        (g->state & (HOP__GS_MARKS | HOP__GS_LOOP)) | HOP_STATE_RUNNING;
    s = f->fn(g, f);
    return hop__gen_continue(g, s.op, s.v, out);
}

/* -- the handle --------------------------------------------------------- */

static int gen_ok(const hop_gen *g)
{
    return g != NULL && g->magic == HOP__GEN_MAGIC;
}

static int root_is_coroutine(const hop_gen *g)
{
    /* (A loop's handle resuming a task does not keep its root.) */
    return g->root == NULL || (g->root->flags & HOP__FF_COROUTINE) != 0;
}

/*
 * g drives a generator that has started and not finished. g may be
 * memory never written: only the magic and the state are read, and a
 * handle in use is the only thing that has both.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int gen_in_use(const hop_gen *g)
{
    return g->magic == HOP__GEN_MAGIC && !(g->state & HOP__GS_LOOP) &&
           (STATE(g) == HOP_STATE_RUNNING || STATE(g) == HOP_STATE_SUSPENDED);
}

int hop_gen_init(hop_gen *g, hop_frame *root)
{
    int busy;

    if (g == NULL || !hop__frame_ok(root))
        return HOP_EINVAL;
    if (hop__fstate(root) != HOP_STATE_CREATED)
        return HOP_EBUSY;
    busy = gen_in_use(g);
    if (busy)
        return HOP_EBUSY; /* its generator would be abandoned: close it */
#if defined(__GNUC__)
    /* Past here the compiler may not reuse busy (known 0) for a zero it
     * stores or returns: a memory checker would take those for values
     * read from memory never written, in the caller. */
    __asm__ __volatile__("" : "+r"(busy));
#endif
    g->top = NULL;
    g->root = root;
    g->val = HOP_EMPTY;
    g->err = 0;
    g->state = HOP_STATE_CREATED;
    g->magic = HOP__GEN_MAGIC;
    g->arena = NULL;
    g->data = NULL;
    g->exc = &g->rec;
    hop__exc_new(g, 0, NULL, 0);
    busy = HOP_OK;
#if defined(__GNUC__)
    __asm__ __volatile__("" : "+r"(busy)); /* (a fresh HOP_OK, as above) */
#endif
    return busy;
}

int hop_gen_cleanup(hop_gen *g)
{
    if (!gen_ok(g))
        return HOP_EINVAL;
    if (STATE(g) == HOP_STATE_RUNNING || STATE(g) == HOP_STATE_SUSPENDED)
        return HOP_EBUSY;
    g->magic = 0;
    return HOP_OK;
}

int hop_gen_set_arena(hop_gen *g, hop_arena *a)
{
    if (!gen_ok(g) || (a != NULL && a->magic != HOP__ARENA_MAGIC))
        return HOP_EINVAL;
    if (STATE(g) == HOP_STATE_RUNNING || STATE(g) == HOP_STATE_SUSPENDED)
        return HOP_EBUSY;
    g->arena = a;
    return HOP_OK;
}

/* Resume g with the value v or the error err. */
static int resume(hop_gen *g, hop_value v, int err, hop_value *out)
{
    g->val = v;
    g->err = err;
    return run(g, out);
}

int(hop_gen_send)(hop_gen *g, hop_value v, hop_value *out)
{
    if (!gen_ok(g))
        return HOP_EINVAL;
    switch (STATE(g)) {
    case HOP_STATE_RUNNING:
        return HOP_ERUNNING;
    case HOP_STATE_FINISHED:
        if (root_is_coroutine(g))
            return HOP_EREUSED;
        put(out, HOP_EMPTY);
        return HOP_RETURNED;
    case HOP_STATE_CREATED:
        if (v != HOP_EMPTY)
            return HOP_ENOTSTARTED;
        if (hop__fstate(g->root) != HOP_STATE_CREATED)
            return HOP_EBUSY;
        hop__fset(g->root, HOP_STATE_SUSPENDED);
        g->root->caller = NULL;
        g->top = g->root;
        return resume(g, HOP_EMPTY, 0, out);
    default:
        return resume(g, v, 0, out);
    }
}

int(hop_gen_next)(hop_gen *g, hop_value *out)
{
    return (hop_gen_send)(g, HOP_EMPTY, out);
}

int hop_gen_start(hop_gen *g, hop_value *out)
{
    if (!gen_ok(g))
        return HOP_EINVAL;
    if (STATE(g) != HOP_STATE_CREATED)
        return STATE(g) == HOP_STATE_RUNNING ? HOP_ERUNNING : HOP_ESTATE;
    return (hop_gen_send)(g, HOP_EMPTY, out);
}

int hop_gen_throw(hop_gen *g, int err, const char *msg, hop_value *out)
{
    if (!gen_ok(g) || err == 0)
        return HOP_EINVAL;
    switch (STATE(g)) {
    case HOP_STATE_RUNNING:
        return HOP_ERUNNING;
    case HOP_STATE_FINISHED:
        if (root_is_coroutine(g))
            return HOP_EREUSED;
        hop__exc_new(g, err, msg, 0);
        put(out, err);
        return HOP_RAISED;
    case HOP_STATE_CREATED:
        /* Raised before the first line: the body never runs. */
        if (hop__fstate(g->root) != HOP_STATE_CREATED)
            return HOP_EBUSY;
        finish(g, g->root);
        hop__exc_new(g, err, msg, 0);
        return done(g, HOP_RAISED, err, out);
    default:
        hop__exc_new(g, err, msg, 0);
        if (err == HOP_EEXIT) {
            g->top->flags |= HOP__FF_CLOSING;
            g->state |= HOP__GS_EXITING;
        }
        return resume(g, HOP_EMPTY, err, out);
    }
}

int hop_gen_close(hop_gen *g, hop_value *out)
{
    if (!gen_ok(g))
        return HOP_EINVAL;
    switch (STATE(g)) {
    case HOP_STATE_RUNNING:
        return HOP_ERUNNING;
    case HOP_STATE_FINISHED:
        put(out, HOP_EMPTY);
        return HOP_RETURNED;
    case HOP_STATE_CREATED:
        if (hop__fstate(g->root) != HOP_STATE_CREATED)
            return HOP_EBUSY;
        finish(g, g->root);
        return done(g, HOP_RETURNED, HOP_EMPTY, out);
    default:
        hop__exc_new(g, HOP_EEXIT, NULL, 0);
        g->top->flags |= HOP__FF_CLOSING;
        g->state |= HOP__GS_CLOSING | HOP__GS_EXITING;
        return resume(g, HOP_EMPTY, HOP_EEXIT, out);
    }
}

int hop_gen_state(const hop_gen *g)
{
    return gen_ok(g) ? (int)STATE(g) : HOP_EINVAL;
}

hop_frame *hop_gen_delegate(const hop_gen *g)
{
    hop_frame *f;

    if (!gen_ok(g) || STATE(g) != HOP_STATE_SUSPENDED || g->top == g->root)
        return NULL;
    for (f = g->top; f != NULL && f->caller != g->root; f = f->caller)
        ;
    return f;
}

hop_frame *hop_gen_frame(const hop_gen *g)
{
    return gen_ok(g) ? g->top : NULL;
}

int hop_gen_depth(const hop_gen *g)
{
    const hop_frame *f;
    int n = 0;

    if (!gen_ok(g))
        return HOP_EINVAL;
    for (f = g->top; f != NULL; f = f->caller)
        n++;
    return n;
}

const hop_exc *hop_gen_exc(const hop_gen *g)
{
    return gen_ok(g) ? g->exc : NULL;
}
