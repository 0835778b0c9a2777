/*
 * lib/gen/gen.c: the trampoline and the generator protocol.
 *
 * hop__gen_resume (inline, hop/core.h) and hop__gen_continue are the
 * trampoline: the only code that calls step functions. They resume the
 * innermost frame and dispatch on the record the step returns: a Call pushes the child, a Return or a Raise pops exactly one
 * frame and resumes its caller with the value or the error, a Yield or a
 * Suspend goes back to the driver. The chain is never walked to resume,
 * so the cost and the C stack of a resume do not depend on the depth.
 *
 * The driver functions (start, next, send, throw, close) check the
 * handle's state, load the value or error to deliver and resume. Close
 * follows PEP 342 and PEP 380: HOP_EEXIT is raised in the innermost frame
 * and every frame it is delivered into is marked closing; when a closing
 * frame finishes, its caller is closed in turn (a returned value is
 * discarded and HOP_EEXIT raised at the await instead); a frame that
 * yields while being closed has ignored the close. A throw of HOP_EEXIT
 * closes delegates the same way, but the root may catch it and yield.
 */
#include "gen_internal.h"

/* The state of g without the closing mark. */
#define STATE(g) ((g)->state & HOP__GS_STATE)

static void put(hop_value *out, hop_value v)
{
    if (out != NULL)
        *out = v;
}

/* The frame f is finished: mark it, unlink it, give back its memory. */
static inline void finish(hop_gen *g, hop_frame *f)
{
    f->flags = (f->flags & ~(HOP__FS_MASK | HOP__FF_CLOSING)) |
               HOP_STATE_FINISHED;
    f->caller = NULL;
    if (g->arena != NULL)
        g->arena->release(g->arena, f);
}

/* Push the fresh frame c (CREATED) above f: it runs next, with nothing
 * delivered. */
static inline void push(hop_gen *g, hop_frame *f, hop_frame *c)
{
    c->flags += HOP_STATE_SUSPENDED - HOP_STATE_CREATED;
    c->caller = f;
    g->top = c;
    g->val = HOP_EMPTY;
    g->err = 0;
}

/* Pop f (SUSPENDED, no closing mark), which has finished: its caller
 * resumes with the value v or the error err. */
static inline void pop(hop_gen *g, hop_frame *f, hop_value v, int err)
{
    hop_frame *p = f->caller;

    f->flags += HOP_STATE_FINISHED - HOP_STATE_SUSPENDED;
    f->caller = NULL;
    if (g->arena != NULL)
        g->arena->release(g->arena, f);
    g->top = p;
    g->val = v;
    g->err = err;
}

/* The generator is finished with the outcome o and its value v. */
static int done(hop_gen *g, int o, hop_value v, hop_value *out)
{
    g->top = NULL;
    g->state = HOP_STATE_FINISHED;
    put(out, v);
    return o;
}

/* A frame hop_frame_init made and nobody started. */
#define CREATED_FLAGS (HOP__FF_SIG | HOP_STATE_CREATED)
#define CHECK_MASK (HOP__FF_SIG_MASK | HOP__FS_MASK)

/* Have g->top go on with the error e raised where it awaits. */
static void raise_at(hop_gen *g, int e)
{
    hop__exc_new(g, e, NULL, 0);
    g->val = HOP_EMPTY;
    g->err = e;
}

/* May the fresh frame c be awaited: made by hop_frame_init, never
 * started? */
static inline int awaitable(const hop_frame *c)
{
    return c != NULL && (c->flags & CHECK_MASK) == CREATED_FLAGS &&
           c->fn != NULL;
}

/*
 * An await of c, which is not awaitable: a finished generator gives
 * HOP_EMPTY at once; anything else raises at the await HOP_EREUSED (a
 * finished coroutine), HOP_ERUNNING (a frame on a chain) or HOP_EINVAL.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void refuse(hop_gen *g, const hop_frame *c)
{
    int e = HOP_EINVAL;

    if (hop__frame_ok(c)) {
        if (hop__fstate(c) != HOP_STATE_FINISHED)
            e = HOP_ERUNNING;
        else if (c->flags & HOP__FF_COROUTINE)
            e = HOP_EREUSED;
        else
            e = 0;
    }
    if (e != 0) {
        raise_at(g, e);
    } else {
        g->val = HOP_EMPTY;
        g->err = 0;
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
        if (closing) {
            g->state = HOP_STATE_SUSPENDED;
            return HOP_EIGNORED;
        }
        return hop__gen_yielded(g, v, out);
    }
    p = x->caller;
    while (f != p) {
        hop_frame *next = f->caller;
        finish(g, f);
        f = next;
    }
    p->flags |= HOP__FF_CLOSING;
    g->top = p;
    raise_at(g, HOP_EIGNORED);
    return 0;
}

/*
 * The records the trampoline's loop leaves out: a yield while an exit is
 * delivered, a suspension, a return from the root or from a frame being
 * closed, a raise, and a record that is none of these. The record
 * (op, v) came from the frame f (g->top). Returns an outcome for the
 * driver, or 0 to go on with g->top.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int dispatch(hop_gen *g, hop_frame *f, intptr_t op, hop_value v,
                    hop_value *out)
{
    hop_frame *p = f->caller;
    unsigned closing = f->flags & HOP__FF_CLOSING;
    int e;

    switch (op) {
    case HOP_STEP_YIELD:
        return yield_exiting(g, f, v, out);

    case HOP_STEP_SUSPEND:
        /* A close in progress goes on when the wait is over. */
        g->state = (g->state & HOP__GS_MARKS) | HOP_STATE_SUSPENDED;
        put(out, v);
        return HOP_WAITING;

    case HOP_STEP_RETURN:
        e = 0;
        break;

    case HOP_STEP_RAISE:
    default:
        if (op != HOP_STEP_RAISE || v == 0 || v < INT32_MIN ||
            v > INT32_MAX) {
            hop__exc_new(g, HOP_EINVAL, "bad step record", 0);
            v = HOP_EINVAL;
        }
        e = (int)v;
        break;
    }
    if (p == NULL) {
        finish(g, f);
        if (e == 0)
            return done(g, HOP_RETURNED, v, out);
        if ((g->state & HOP__GS_CLOSING) && e == HOP_EEXIT)
            return done(g, HOP_RETURNED, HOP_EMPTY, out);
        return done(g, HOP_RAISED, e, out);
    }
    if (e == 0) {
        /* (A return to a caller comes here only from a frame being
         * closed.) A delegate that returned from its close: the close
         * goes on in its caller (PEP 380). */
        e = HOP_EEXIT;
        hop__exc_new(g, HOP_EEXIT, NULL, 0);
    }
    f->flags &= ~HOP__FF_CLOSING;
    pop(g, f, HOP_EMPTY, e);
    if (closing)
        p->flags |= HOP__FF_CLOSING;
    return 0;
}

/*
 * The trampoline: go on from the record (op, v) that the frame g->top
 * just returned, resuming frames until the driver has something to see.
 * A yield, a call and a return to a caller are handled here; everything
 * else goes to dispatch(). The inline fast path of hop_gen_send
 * (hop__gen_resume, hop/core.h) and the checked drivers (resume() below)
 * make the first step and come here with its record.
 */
int hop__gen_continue(hop_gen *g, intptr_t op, hop_value v, hop_value *out)
{
    hop_frame *f = g->top;

    /* The record travels as two scalars: kept as a struct, it would be
     * spilled and reloaded through memory on every step. */
    for (;;) {
        if (op == HOP_STEP_YIELD && !(g->state & HOP__GS_EXITING))
            return hop__gen_yielded(g, v, out);
        if (op == HOP_STEP_CALL) {
            hop_frame *c = (hop_frame *)v;

            if (awaitable(c))
                push(g, f, c);
            else
                refuse(g, c);
        } else if (op == HOP_STEP_RETURN && f->caller != NULL &&
                   !(f->flags & HOP__FF_CLOSING)) {
            pop(g, f, v, 0);
        } else {
            int e = dispatch(g, f, op, v, out);
            if (e != 0)
                return e;
        }
        f = g->top;
        {
            hop_step s = f->fn(g, f);
            op = s.op;
            v = s.v;
        }
    }
}

/* Resume g->top with v or err, keeping the marks of a close: the
 * checked drivers' way in, which leaves even a plain yield to the
 * trampoline (hop__gen_resume is the inline way in of hop_gen_send). */
static int resume(hop_gen *g, hop_value v, int err, hop_value *out)
{
    hop_step s;

    g->val = v;
    g->err = err;
    g->state = (g->state & HOP__GS_MARKS) | HOP_STATE_RUNNING;
    s = g->top->fn(g, g->top);
    return hop__gen_continue(g, s.op, s.v, out);
}

/* -- the handle --------------------------------------------------------- */

static int gen_ok(const hop_gen *g)
{
    return g != NULL && g->magic == HOP__GEN_MAGIC;
}

static int root_is_coroutine(const hop_gen *g)
{
    /* (A driver's handle resuming a chain does not keep its root.) */
    return g->root == NULL || (g->root->flags & HOP__FF_COROUTINE) != 0;
}

/* Every field of a fresh handle: the root frame, the state, the owner. */
static void set_up(hop_gen *g, hop_frame *root, unsigned state, void *owner)
{
    g->top = NULL;
    g->root = root;
    g->val = HOP_EMPTY;
    g->err = 0;
    g->state = state;
    g->magic = HOP__GEN_MAGIC;
    g->arena = NULL;
    g->data = NULL;
    g->exc = &g->rec;
    g->owner = owner;
    hop__exc_new(g, 0, NULL, 0);
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
    return g->magic == HOP__GEN_MAGIC &&
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
    set_up(g, root, HOP_STATE_CREATED, NULL);
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

/* What a driver call asks for. */
enum { SEND, THROW, CLOSE };

/*
 * The driver operations in one place: check the handle's state, then
 * send v (SEND), raise err with msg in the innermost frame (THROW), or
 * close (CLOSE: err is HOP_EEXIT), and resume.
 */
static int drive(hop_gen *g, int op, hop_value v, int err, const char *msg,
                 hop_value *out)
{
    unsigned st;

    if (!gen_ok(g))
        return HOP_EINVAL;
    st = STATE(g);
    if (st == HOP_STATE_RUNNING)
        return HOP_ERUNNING;
    if (st == HOP_STATE_FINISHED) {
        if (op != CLOSE && root_is_coroutine(g))
            return HOP_EREUSED;
        if (op != THROW) {
            put(out, HOP_EMPTY);
            return HOP_RETURNED;
        }
    } else if (st == HOP_STATE_CREATED) {
        if (op == SEND && v != HOP_EMPTY)
            return HOP_ENOTSTARTED;
        if (hop__fstate(g->root) != HOP_STATE_CREATED)
            return HOP_EBUSY;
        if (op == SEND) {
            push(g, NULL, g->root);
            return resume(g, HOP_EMPTY, 0, out);
        }
        /* Thrown or closed before the first line: the body never runs. */
        finish(g, g->root);
        if (op == CLOSE)
            return done(g, HOP_RETURNED, HOP_EMPTY, out);
    } else if (op == SEND) {
        return resume(g, v, 0, out);
    }
    /* A throw, or the close of a suspended generator. */
    hop__exc_new(g, err, msg, 0);
    if (st != HOP_STATE_SUSPENDED)
        return done(g, HOP_RAISED, err, out);
    if (err == HOP_EEXIT) {
        g->top->flags |= HOP__FF_CLOSING;
        g->state |= op == CLOSE ? HOP__GS_CLOSING | HOP__GS_EXITING
                                : HOP__GS_EXITING;
    }
    return resume(g, HOP_EMPTY, err, out);
}

int(hop_gen_send)(hop_gen *g, hop_value v, hop_value *out)
{
    return drive(g, SEND, v, 0, NULL, out);
}

int(hop_gen_next)(hop_gen *g, hop_value *out)
{
    return drive(g, SEND, HOP_EMPTY, 0, NULL, out);
}

int hop_gen_start(hop_gen *g, hop_value *out)
{
    if (!gen_ok(g))
        return HOP_EINVAL;
    if (STATE(g) != HOP_STATE_CREATED)
        return STATE(g) == HOP_STATE_RUNNING ? HOP_ERUNNING : HOP_ESTATE;
    return drive(g, SEND, HOP_EMPTY, 0, NULL, out);
}

int hop_gen_throw(hop_gen *g, int err, const char *msg, hop_value *out)
{
    if (err == 0)
        return HOP_EINVAL;
    return drive(g, THROW, HOP_EMPTY, err, msg, out);
}

int hop_gen_close(hop_gen *g, hop_value *out)
{
    return drive(g, CLOSE, HOP_EMPTY, HOP_EEXIT, NULL, out);
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

/* -- driving frames the handle does not own ----------------------------- */

void hop__gen_init_driven(hop_gen *g, void *owner)
{
    set_up(g, NULL, HOP_STATE_FINISHED, owner);
}

void hop__gen_load(hop_gen *g, hop_frame *f, hop_exc *exc)
{
    g->exc = exc != NULL ? exc : &g->rec;
    if (f == NULL) {
        g->root = g->top = NULL;
        g->state = HOP_STATE_FINISHED;
    } else if (hop__fstate(f) == HOP_STATE_CREATED) {
        g->root = f;
        g->top = NULL;
        g->state = HOP_STATE_CREATED;
    } else {
        g->root = NULL;
        g->top = f;
        g->state = HOP_STATE_SUSPENDED;
    }
}

int hop__frame_where(const hop_frame *f, const hop_where **where, int *line)
{
    hop_frame copy;
    hop_gen q;
    hop_step s;

    if (f == NULL || f->lc == 0 || f->fn == NULL)
        return 0;
    /* The step function is run on a copy of the header, on a handle that
     * asks where it is (HOP__QUERY): the code at its suspension point
     * answers with a HOP__STEP_WHERE record and changes nothing. */
    copy = *f;
    q.err = HOP__QUERY;
    q.val = 0;
    q.magic = 0;
    q.state = HOP_STATE_RUNNING;
    q.owner = NULL;
    s = copy.fn(&q, &copy);
    if (s.op != HOP__STEP_WHERE)
        return 0;
    *where = (const hop_where *)s.v;
    *line = (int)q.val;
    return 1;
}
