/*
 * lib/sched/wait.c: the built-in waitables: sleeps, joins and futures.
 *
 * Each is a waitable (an ops table) that links the waiting task somewhere
 * when armed and wakes it when the thing happens: the sleep's timer
 * expires, the joined task ends, the future is completed. Sleeps and
 * joins are also small frames to await, so the checks and the result
 * (a joined task's error raised at the join) are written as coroutines.
 */
#include "sched_internal.h"

#define CONTAINER HOP_CONTAINER_OF

/* -- sleep ---------------------------------------------------------------- */

static void sleep_fire(hop_timer *tm)
{
    hop_sleep_frame *s = tm->data;

    hop_task_settle(s->task, &s->w, HOP_EMPTY, 0, NULL);
}

static int sleep_arm(hop_waitable *w, hop_task *t)
{
    hop_sleep_frame *s = CONTAINER(w, hop_sleep_frame, w);

    hop_task_seal(t, w);
    s->task = t;
    if (s->relative && s->when <= 0)
        return HOP_WAIT_PASS;
    if (s->relative)
        s->when = hop_time_after(hop_loop_now(hop__task_loop(t)), s->when);
    if (s->when <= hop_loop_now(hop__task_loop(t)))
        return hop_task_settle(t, w, HOP_EMPTY, 0, NULL);
    if (s->when == HOP_FOREVER)
        return HOP_OK; /* only a cancel ends it */
    return hop_timer_start(hop__task_loop(t), &s->timer, s->when);
}

static void sleep_disarm(hop_waitable *w, hop_task *t)
{
    hop_sleep_frame *s = CONTAINER(w, hop_sleep_frame, w);

    hop_timer_stop(hop__task_loop(t), &s->timer);
}

#if HOP_CONF_DESCRIBE
/* "deadline +120 ms" (or "pass"), relative to the loop's clock. */
static int sleep_describe(hop_waitable *w, const hop_task *t,
                          hop_write_fn wr, void *ctx)
{
    hop_sleep_frame *s = CONTAINER(w, hop_sleep_frame, w);
    hop_time d;
    int r;

    if (s->relative && s->when <= 0)
        return hop_write_str(wr, ctx, "pass");
    if (s->when == HOP_FOREVER)
        return hop_write_str(wr, ctx, "deadline never");
    d = s->when - hop_loop_now(hop__task_loop(t));
    r = hop_write_str(wr, ctx, d < 0 ? "deadline -" : "deadline +");
    if (r == 0)
        r = hop__write_scaled(wr, ctx, d < 0 ? -d : d, 6);
    return r == 0 ? hop_write_str(wr, ctx, " ms") : r;
}
#else
#define sleep_describe NULL
#endif

static const hop_waitable_ops sleep_ops = {sleep_arm, sleep_disarm,
                                           "sleep", sleep_describe};

static hop_step sleep_step(hop_gen *g, hop_frame *f)
{
    hop_sleep_frame *self = (hop_sleep_frame *)f;
    HOP_BEGIN(g, self);
    if (hop__current(g) == NULL)
        HOP_RAISE_MSG(self, HOP_ESTATE, "sleep outside a task");
    HOP_SUSPEND(self, &self->w);
    HOP_END(self);
}

static hop_frame *sleep_init(hop_sleep_frame *s, hop_time t, int relative)
{
    if (s == NULL)
        return NULL;
    hop_frame_init(&s->hdr, sleep_step, HOP_COROUTINE);
    s->w.ops = &sleep_ops;
    hop_timer_init(&s->timer, sleep_fire);
    s->timer.data = s;
    s->task = NULL;
    s->when = t;
    s->relative = relative;
    return &s->hdr;
}

hop_frame *hop_sleep(hop_sleep_frame *s, hop_time delay)
{
    return sleep_init(s, delay, 1);
}

hop_frame *hop_sleep_until(hop_sleep_frame *s, hop_time when)
{
    return sleep_init(s, when, 0);
}

/* -- join ------------------------------------------------------------------ */

static int join_arm(hop_waitable *w, hop_task *t)
{
    hop_join_frame *j = CONTAINER(w, hop_join_frame, w);

    hop_task_seal(t, w);
    if (hop_task_status(j->target) != HOP_TASK_RUNNING)
        return hop_task_settle(t, w, HOP_EMPTY, 0, NULL);
    hop__join_park(hop__task_loop(t), j);
    return HOP_OK;
}

static void join_disarm(hop_waitable *w, hop_task *t)
{
    hop__join_unpark(hop__task_loop(t), CONTAINER(w, hop_join_frame, w));
}

#if HOP_CONF_DESCRIBE
/* "task 12" */
static int join_describe(hop_waitable *w, const hop_task *t, hop_write_fn wr,
                         void *ctx)
{
    hop_join_frame *j = CONTAINER(w, hop_join_frame, w);
    int r = hop_write_str(wr, ctx, "task ");

    (void)t;
    return r == 0 ? hop_write_int(wr, ctx, hop_task_id(j->target)) : r;
}
#else
#define join_describe NULL
#endif

static const hop_waitable_ops join_ops = {join_arm, join_disarm, "task",
                                          join_describe};

static hop_step join_step(hop_gen *g, hop_frame *f)
{
    hop_join_frame *self = (hop_join_frame *)f;
    HOP_BEGIN(g, self);
    self->self = hop__current(g);
    if (self->self == NULL)
        HOP_RAISE_MSG(self, HOP_ESTATE, "join outside a task");
    if (hop_task_status(self->target) < 0)
        HOP_RAISE(self, HOP_EINVAL);
    if (self->target == self->self)
        HOP_RAISE(self, HOP_ESELFJOIN);
    if (hop_task_status(self->target) == HOP_TASK_NEW)
        HOP_RAISE_MSG(self, HOP_ESTATE, "join of a task never spawned");
    if (hop_task_status(self->target) == HOP_TASK_RUNNING)
        HOP_SUSPEND(self, &self->w);
    switch (hop_task_status(self->target)) {
    case HOP_TASK_DONE:
        HOP_RETURN(self, hop_task_result(self->target));
        break;
    case HOP_TASK_FAILED:
    case HOP_TASK_CANCELLED:
        /* Its error goes on here, with the frames it crossed there. */
        hop__raise_joined(g, self->target);
        return hop__step(HOP_STEP_RAISE, g->exc->code);
    default:
        HOP_RAISE_MSG(self, HOP_ESTATE, "joined task still running");
        break;
    }
    HOP_END(self);
}

hop_frame *hop_join(hop_join_frame *j, hop_task *t)
{
    if (j == NULL)
        return NULL;
    hop_frame_init(&j->hdr, join_step, HOP_COROUTINE);
    j->w.ops = &join_ops;
    j->target = t;
    j->self = NULL;
    return &j->hdr;
}

/* -- futures --------------------------------------------------------------- */

static int future_ok(const hop_future *f)
{
    return f != NULL && f->state >= HOP_FUTURE_PENDING &&
           f->state <= HOP_FUTURE_CANCELLED;
}

/* Wake task t with f's outcome. */
static int deliver(hop_future *f, hop_task *t)
{
    switch (f->state) {
    case HOP_FUTURE_DONE:
        return hop_task_settle(t, &f->w, f->val, 0, NULL);
    case HOP_FUTURE_FAILED:
        return hop_task_settle(t, &f->w, HOP_EMPTY, f->err, f->msg);
    default:
        return hop_task_settle(t, &f->w, HOP_EMPTY, HOP_ECANCELED, NULL);
    }
}

/*
 * The tasks waiting on a future are together in their loop's waiting
 * list, newest first, from f->waiters on: so the future needs one
 * pointer whatever the number of waiters.
 */
static int waits_on(const hop_task *t, const hop_future *f)
{
    return t != NULL && hop_task_waiting_on(t) == &f->w &&
           t->state == (HOP__TASK_SIG | HOP__T_WAITING);
}

/* f's newest waiter, or NULL. */
static hop_task *newest(const hop_future *f)
{
    return waits_on(f->waiters, f) ? f->waiters : NULL;
}

/* The waiter of f just before t (older than t) in the run, or NULL. */
static hop_task *older(const hop_future *f, hop_task *t)
{
    return waits_on(t->next, f) ? t->next : NULL;
}

/* The waiter of f just after t (newer than t), or NULL. */
static hop_task *newer(const hop_future *f, hop_task *t)
{
    hop_task **p = t->u.w.pprev;
    hop_task *n = HOP_CONTAINER_OF(p, hop_task, next);

    return p != &hop__task_loop(t)->waiting && waits_on(n, f) ? n : NULL;
}

static void wake_all(hop_future *f)
{
    hop_task *t = newest(f);
    hop_task *o;

    f->waiters = NULL;
    if (t == NULL)
        return;
    while ((o = older(f, t)) != NULL)
        t = o;
    while (t != NULL) { /* oldest first */
        hop_task *n = newer(f, t);
        deliver(f, t);
        t = n;
    }
}

static int future_arm(hop_waitable *w, hop_task *t)
{
    hop_future *f = CONTAINER(w, hop_future, w);
    hop_task *n;

    hop_task_seal(t, w);
    if (f->state != HOP_FUTURE_PENDING)
        return deliver(f, t);
    n = newest(f);
    if (n != NULL)
        hop__task_beside(t, n);
    f->waiters = t;
    return HOP_OK;
}

/* A waiting task is cancelled: the future is cancelled with it. */
static void future_disarm(hop_waitable *w, hop_task *t)
{
    hop_future *f = CONTAINER(w, hop_future, w);

    (void)t;
    hop_future_cancel(f);
}

static const hop_waitable_ops future_ops = {future_arm, future_disarm,
                                            "future", NULL};

int hop_future_init(hop_future *f, hop_future_hook hook)
{
    if (f == NULL)
        return HOP_EINVAL;
    f->w.ops = &future_ops;
    f->waiters = NULL;
    f->val = HOP_EMPTY;
    f->msg = NULL;
    f->hook = hook;
    f->err = 0;
    f->state = HOP_FUTURE_PENDING;
    f->data = NULL;
    return HOP_OK;
}

int hop_future_complete(hop_future *f, hop_value v)
{
    if (!future_ok(f))
        return HOP_EINVAL;
    if (f->state != HOP_FUTURE_PENDING)
        return HOP_ESTATE;
    f->val = v;
    f->state = HOP_FUTURE_DONE;
    wake_all(f);
    return HOP_OK;
}

int hop_future_fail(hop_future *f, int err, const char *msg)
{
    if (!future_ok(f) || err == 0)
        return HOP_EINVAL;
    if (f->state != HOP_FUTURE_PENDING)
        return HOP_ESTATE;
    f->err = err;
    f->msg = msg;
    f->state = HOP_FUTURE_FAILED;
    wake_all(f);
    return HOP_OK;
}

int hop_future_cancel(hop_future *f)
{
    if (!future_ok(f))
        return HOP_EINVAL;
    if (f->state != HOP_FUTURE_PENDING)
        return 0;
    if (f->hook != NULL) {
        hop_future_hook hook = f->hook;
        f->hook = NULL; /* a cancel from inside the hook just cancels */
        hook(f);
        f->hook = hook;
        if (f->state != HOP_FUTURE_PENDING)
            return 0; /* the hook settled it another way */
    }
    f->state = HOP_FUTURE_CANCELLED;
    wake_all(f);
    return 1;
}

int hop_future_state(const hop_future *f)
{
    return future_ok(f) ? f->state : HOP_EINVAL;
}

hop_waitable *hop_future_wait(hop_future *f)
{
    return f != NULL ? &f->w : NULL;
}

int hop_future_cleanup(hop_future *f)
{
    if (!future_ok(f))
        return HOP_EINVAL;
    if (newest(f) != NULL)
        return HOP_EBUSY;
    f->state = 0;
    return HOP_OK;
}
