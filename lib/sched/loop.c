/*
 * lib/sched/loop.c: the loop and the scheduling of passes.
 *
 * The loop runs its ready tasks in passes: every task that is ready when
 * a pass begins runs once, in the order it became ready; tasks woken
 * during the pass run in the next one. Before each pass the loop reads
 * the clock, starts delayed tasks that are due and fires due timers, all
 * before any task runs. With nothing ready it asks the backend to wait
 * until the earliest deadline.
 *
 * A task runs on the loop's own generator handle (hop_loop.run): its
 * innermost frame is loaded into the handle, the handle is resumed with
 * the value or error the task's wait delivered, and the new innermost
 * frame is saved back. When a frame suspends on a waitable (HOP_WAITING
 * from the trampoline), the loop arms it; a waitable that completes
 * inside arm resumes the task at once, without a pass in between.
 */
#include "sched_internal.h"

#define ST(t) hop__tstate(t)

/* -- the loop ------------------------------------------------------------- */

int hop_loop_init(hop_loop *l, const hop_backend *be, void *ctx)
{
    if (l == NULL || be == NULL || be->now == NULL || be->wait == NULL)
        return HOP_EINVAL;
    l->be = be;
    l->be_ctx = ctx;
    hop__gen_init_driven(&l->run, l);
    l->ready = l->ready_tail = NULL;
    l->delayed = NULL;
    l->current = NULL;
    l->waiting = NULL;
    l->joins = NULL;
    {
        int i;
        for (i = 0; i < HOP__TIMER_BUCKETS; i++)
            l->buckets[i] = NULL;
    }
#if HOP_CONF_TIMER_BITS > 0
    {
        int i;
        for (i = 0; i < HOP__TIMER_BUCKETS; i++)
            l->btails[i] = NULL;
    }
    l->tlast = 0;
#endif
    l->ntimers = 0;
    l->seq = 0;
    l->ntasks = 0;
    l->next_id = 1;
    l->stop = 0;
    l->running = 0;
    l->budget = HOP_CONF_BUDGET;
    l->left = 0;
    l->turns = 0;
    l->gave_way = 0;
    l->on_error = NULL;
    l->report = NULL;
    l->report_ctx = NULL;
    l->report_task = NULL;
    l->child_ended = NULL;
    l->wake_joins = NULL;
    l->errstr = NULL;
    l->unobserved = 0;
    l->data = NULL;
    l->magic = HOP__LOOP_MAGIC;
    return HOP_OK;
}

int hop_loop_cleanup(hop_loop *l)
{
    if (!hop__loop_ok(l))
        return HOP_EINVAL;
    if (l->ntasks != 0 || l->ntimers != 0 || l->current != NULL ||
        l->running)
        return HOP_EBUSY;
    l->magic = 0;
    (void)hop_gen_cleanup(&l->run);
    return HOP_OK;
}

void hop_loop_stop(hop_loop *l)
{
    if (hop__loop_ok(l))
        l->stop = 1;
}

hop_time hop_loop_now(const hop_loop *l)
{
    return hop__loop_ok(l) ? l->be->now(l->be_ctx) : 0;
}

hop_task *hop_loop_current(const hop_loop *l)
{
    return hop__loop_ok(l) ? l->current : NULL;
}

int hop_loop_tasks(const hop_loop *l)
{
    return hop__loop_ok(l) ? (int)l->ntasks : HOP_EINVAL;
}

void hop_loop_on_error(hop_loop *l, void (*fn)(hop_task *t))
{
    if (hop__loop_ok(l))
        l->on_error = fn;
}

int hop_loop_set_budget(hop_loop *l, uint32_t units)
{
    if (!hop__loop_ok(l))
        return HOP_EINVAL;
    l->budget = units;
    return HOP_OK;
}

int hop__spend(hop_gen *g, uint32_t n)
{
    hop_loop *l = hop_gen_loop(g);

    if (l == NULL || l->budget == 0 || l->current == NULL)
        return 0;
    if (l->left >= n) {
        l->left -= n;
        return 0;
    }
    l->left = 0;
    l->gave_way++;
    return 1;
}

static int give_way_arm(hop_waitable *w, hop_task *t)
{
    (void)w;
    (void)t;
    return HOP_WAIT_PASS;
}

static void give_way_disarm(hop_waitable *w, hop_task *t)
{
    (void)w;
    (void)t;
}

static const hop_waitable_ops give_way_ops = {give_way_arm, give_way_disarm,
                                              "budget spent", NULL};
static const hop_waitable give_way = {&give_way_ops};

hop_waitable *hop__give_way(void)
{
    /* (The loop only reads a waitable's operations: it stays in flash.) */
    return (hop_waitable *)(uintptr_t)&give_way;
}

void hop_loop_set_report(hop_loop *l, hop_write_fn w, void *ctx)
{
    if (hop__loop_ok(l)) {
        l->report = w;
        l->report_ctx = ctx;
        /* (Through a pointer, so that a program that never reports does
         * not link the report's writing.) */
        l->report_task = w != NULL ? hop_task_write_error : NULL;
    }
}

void hop_loop_set_errstr(hop_loop *l, const char *(*str)(int))
{
    if (hop__loop_ok(l))
        l->errstr = str;
}

/* -- what backends read --------------------------------------------------- */

void *hop_loop_backend(const hop_loop *l, const hop_backend *be)
{
    return hop__loop_ok(l) && be != NULL && l->be == be ? l->be_ctx : NULL;
}

int hop_loop_ready(const hop_loop *l)
{
    return hop__loop_ok(l) && l->ready != NULL;
}

int hop_loop_stopping(const hop_loop *l)
{
    return hop__loop_ok(l) && l->stop;
}

void hop_loop_clear_stop(hop_loop *l)
{
    if (hop__loop_ok(l))
        l->stop = 0;
}

int hop_loop_running(const hop_loop *l)
{
    return hop__loop_ok(l) && l->running;
}

int hop_loop_unobserved(const hop_loop *l)
{
    if (!hop__loop_ok(l))
        return HOP_EINVAL;
    return l->unobserved > INT32_MAX ? INT32_MAX : (int)l->unobserved;
}

hop_loop *hop_gen_loop(const hop_gen *g)
{
    return hop__gen_loop(g);
}

/* Put t, which has just armed its waitable, on l's waiting list: first,
 * or where hop__task_beside said. */
static void park(hop_loop *l, hop_task *t)
{
    hop_task **p = &l->waiting;

    if (t->flags & HOP__TF_BESIDE) {
        t->flags &= ~HOP__TF_BESIDE;
        p = t->u.w.pprev;
    }
    t->next = *p;
    if (t->next != NULL)
        t->next->u.w.pprev = &t->next;
    t->u.w.pprev = p;
    *p = t;
}

void hop__task_beside(hop_task *t, hop_task *other)
{
    t->u.w.pprev = other->u.w.pprev;
    t->flags |= HOP__TF_BESIDE;
}

hop_time hop_loop_deadline(const hop_loop *l)
{
    hop_time d;

    if (!hop__loop_ok(l))
        return HOP_FOREVER;
    if (l->ready != NULL)
        return l->be->now(l->be_ctx);
    d = hop__timers_next(l);
    if (l->delayed != NULL && hop__start_of(l->delayed) < d)
        d = hop__start_of(l->delayed);
    return d;
}

/* -- running a task ------------------------------------------------------- */

/* t has ended with the state s; wake whoever joins it. */
static void end_task(hop_loop *l, hop_task *t, unsigned s)
{
    int joined = (t->flags & HOP__TF_JOINED) != 0;
    int grouped = (t->owner & 1u) != 0;

    hop__set_state(t, s);
    t->flags &= ~(HOP__TF_PENDING | HOP__TF_JOINED);
    t->top = NULL;
    t->next = NULL;
    t->ctx = NULL;
    l->ntasks--;
    /* (Groups and joins are reached through the loop, so that a program
     * that uses neither links neither.) */
    if (grouped) {
        l->child_ended(t);
        t->owner = (uintptr_t)(void *)l; /* the group may go before it */
    }
    if ((joined ? l->wake_joins(l, t) : 0) == 0 && !grouped &&
        s == HOP__T_FAILED) {
        /* Failed, and nobody there to see it. */
        if (l->unobserved != UINT32_MAX)
            l->unobserved++;
        if (l->on_error != NULL)
            l->on_error(t);
        else if (l->report_task != NULL)
            (void)l->report_task(t, l->report, l->report_ctx);
    }
}

/* Resume the task t on g with what its wait delivered. */
static int deliver(hop_gen *g, hop_task *t, hop_value *v)
{
    if (t->flags & HOP__TF_PENDING) {
        /* Every interruption so far arrives as one CANCELLED. */
        t->flags &= ~HOP__TF_PENDING;
        return hop_gen_throw(g, HOP_ECANCELED, t->u.r.msg, v);
    }
    if (t->flags & HOP__TF_ERR)
        return hop_gen_throw(g, (int)t->u.r.val, t->u.r.msg, v);
    /* (The function, not the inline path of hop/core.h: a task's frames
     * then always run at one depth of the C stack, whether started,
     * resumed with a value or with an error.) */
    return (hop_gen_send)(g, t->u.r.val, v);
}

/* Run t until it waits, yields to other tasks or ends. */
static void run_task(hop_loop *l, hop_task *t)
{
    hop_gen *g = &l->run;
    hop_value v;
    int r;

    l->current = t;
    l->left = l->budget;
    hop__set_state(t, HOP__T_RUNNING);
    if (!(t->flags & HOP__TF_STARTED)) {
        if (t->flags & HOP__TF_PENDING) {
            /* Cancelled before its body ran: none of it runs. */
            hop__exc_reset(&t->exc, HOP_ECANCELED, t->u.r.msg, 0);
            hop__outcome(t, HOP_EMPTY, HOP_ECANCELED, t->u.r.msg);
            l->current = NULL;
            end_task(l, t, HOP__T_CANCELLED);
            return;
        }
        t->flags |= HOP__TF_STARTED;
        hop__gen_load(g, t->top, &t->exc);
        r = (hop_gen_send)(g, HOP_EMPTY, &v);
    } else {
        hop__gen_load(g, t->top, &t->exc);
        r = deliver(g, t, &v);
    }
    for (;;) {
        switch (r) {
        case HOP_WAITING: {
            hop_waitable *w = (hop_waitable *)v;
            int e;

            t->top = hop_gen_frame(g);
            if (!(t->flags & HOP__TF_PENDING)) {
                t->u.w.wait = w;
                hop__set_state(t, HOP__T_ARMING);
                t->flags &= ~(HOP__TF_NOW | HOP__TF_OWN);
                e = w->ops->arm(w, t);
                if (e == HOP_WAIT_PASS) {
                    t->flags &= ~HOP__TF_BESIDE;
                    hop__task_requeue(t);
                    l->current = NULL;
                    return;
                }
                if (e < 0) {
                    hop__outcome(t, HOP_EMPTY, e, NULL);
                } else if (!(t->flags & HOP__TF_NOW)) {
                    if (!(t->flags & HOP__TF_PENDING)) {
                        hop__set_state(t, HOP__T_WAITING);
                        park(l, t);
                        l->current = NULL;
                        return;
                    }
                    w->ops->disarm(w, t); /* interrupted while arming */
                }
                t->flags &= ~(HOP__TF_NOW | HOP__TF_BESIDE);
                hop__set_state(t, HOP__T_RUNNING);
            }
            r = deliver(g, t, &v);
            break;
        }
        case HOP_YIELDED:
            /* A plain yield at the top: let the other ready tasks run. */
            t->top = hop_gen_frame(g);
            hop__task_requeue(t);
            l->current = NULL;
            return;
        case HOP_RETURNED:
            l->current = NULL;
            hop__gen_load(g, NULL, NULL);
            if (t->flags & HOP__TF_PENDING) {
                hop__exc_reset(&t->exc, HOP_ECANCELED, t->u.r.msg, 0);
                hop__outcome(t, HOP_EMPTY, HOP_ECANCELED, t->u.r.msg);
                end_task(l, t, HOP__T_CANCELLED);
            } else {
                hop__outcome(t, v, 0, NULL);
                end_task(l, t, HOP__T_DONE);
            }
            return;
        default: {
            int err = r == HOP_RAISED ? t->exc.code : r;
            if (r != HOP_RAISED)
                hop__exc_reset(&t->exc, err, NULL, 0);
            hop__outcome(t, HOP_EMPTY, err, t->exc.msg);
            l->current = NULL;
            hop__gen_load(g, NULL, NULL);
            end_task(l, t,
                     err == HOP_ECANCELED ? HOP__T_CANCELLED
                                          : HOP__T_FAILED);
            return;
        }
        }
    }
}

/* One pass: every task ready now runs once. Returns how many ran. */
static int pass(hop_loop *l)
{
    hop_task *t = l->ready;
    int n = 0;

    l->ready = l->ready_tail = NULL;
    while (t != NULL) {
        hop_task *next = t->next;
        t->next = NULL;
        run_task(l, t);
        n++;
        if (l->stop) {
            /* Put the rest back, ahead of what this pass woke. */
            if (next != NULL) {
                hop_task *last = next;
                while (last->next != NULL)
                    last = last->next;
                last->next = l->ready;
                if (l->ready == NULL)
                    l->ready_tail = last;
                l->ready = next;
            }
            break;
        }
        t = next;
    }
    return n;
}

/* Start due delayed tasks and fire due timers. */
static void due(hop_loop *l)
{
    hop_time now = l->be->now(l->be_ctx);

    while (l->delayed != NULL && hop__start_of(l->delayed) <= now) {
        hop_task *t = l->delayed;
        l->delayed = t->next;
        hop__task_requeue(t);
    }
    hop__timers_fire(l, now);
}

static hop_time next_deadline(const hop_loop *l)
{
    hop_time d = hop__timers_next(l);

    if (l->delayed != NULL && hop__start_of(l->delayed) < d)
        d = hop__start_of(l->delayed);
    return d;
}

static int loop_run(hop_loop *l, int mode);

int hop_loop_run(hop_loop *l, int mode)
{
    int r;

    if (!hop__loop_ok(l))
        return HOP_EINVAL;
    if (l->current != NULL || l->running)
        return HOP_ERUNNING;
    if (mode != HOP_RUN_DEFAULT && mode != HOP_RUN_ONCE &&
        mode != HOP_RUN_NOWAIT)
        return HOP_EINVAL;
    l->stop = 0;
    l->running = 1;
    r = loop_run(l, mode);
    l->running = 0;
    return r;
}

/* Passes run with tasks ready before the loop looks outside anyway. */
#define POLL_TURNS 61

static int loop_run(hop_loop *l, int mode)
{
    for (;;) {
        due(l);
        if (l->ready == NULL && mode != HOP_RUN_NOWAIT &&
            (l->ntasks != 0 || l->ntimers != 0)) {
            int r = l->be->wait(l->be_ctx, next_deadline(l));
            if (r != HOP_OK)
                return r;
            l->turns = 0;
            l->gave_way = 0;
            due(l);
        } else if (l->ready != NULL &&
                   (l->gave_way != 0 || ++l->turns >= POLL_TURNS)) {
            /* Tasks are ready, but some gave way for their budget, or
             * many passes ran without a look outside: poll the backend
             * without waiting (a deadline already here), so that the
             * events of the other tasks are seen. */
            (void)l->be->wait(l->be_ctx, l->be->now(l->be_ctx));
            l->turns = 0;
            l->gave_way = 0;
            due(l);
        }
        pass(l);
        if (mode != HOP_RUN_DEFAULT || l->stop)
            return HOP_OK;
        if (l->ntasks == 0 && l->ntimers == 0)
            return HOP_OK;
    }
}

