/*
 * lib/sched/task.c: tasks: initialising and spawning them, what they
 * ended with, waking and sealing their waits, interrupting and
 * cancelling them, and joins.
 *
 * A task's state (hop_task.state) changes here and in loop.c, which runs
 * it: NEW, DELAYED or READY once spawned, RUNNING while its frames run,
 * ARMING and WAITING on a waitable, then DONE, FAILED or CANCELLED.
 */
#include "sched_internal.h"

#define ST(t) hop__tstate(t)

hop_task *hop__current(const hop_gen *g)
{
    hop_loop *l = hop__gen_loop(g);

    return l != NULL ? l->current : NULL;
}

void hop__loop_notify(hop_loop *l)
{
    if (!l->running && l->be->notify != NULL)
        l->be->notify(l->be_ctx);
}

/* -- tasks ---------------------------------------------------------------- */

int hop_task_init(hop_task *t, hop_loop *l, hop_frame *root,
                  const char *name)
{
    if (t == NULL || !hop__loop_ok(l) || root == NULL)
        return HOP_EINVAL;
    if (hop_frame_state(root) != HOP_STATE_CREATED)
        return hop_frame_state(root) < 0 ? HOP_EINVAL : HOP_EBUSY;
    t->top = root;
    t->next = NULL;
    t->owner = (uintptr_t)(void *)l;
    t->u.r.msg = NULL;
    t->u.r.val = HOP_EMPTY;
    t->id = l->next_id++;
    hop__set_state(t, HOP__T_NEW);
    t->flags = 0;
    t->icount = 0;
    t->ctx = NULL;
#if HOP_CONF_TASK_NAMES
    t->name = name;
    t->site = NULL;
#else
    (void)name;
#endif
    hop__exc_reset(&t->exc, 0, NULL, 0);
    return HOP_OK;
}

int(hop_spawn)(hop_task *t)
{
    return hop__spawn_at(t, 0, NULL);
}

int(hop_spawn_after)(hop_task *t, hop_time delay)
{
    return hop__spawn_at(t, delay, NULL);
}

int hop__spawn_at(hop_task *t, hop_time delay, const char *site)
{
    hop_loop *l;
    hop_task **p;
    hop_time start;

    if (!hop__task_ok(t))
        return HOP_EINVAL;
    if (ST(t) != HOP__T_NEW)
        return HOP_EBUSY;
    l = hop__task_loop(t);
    l->ntasks++;
#if HOP_CONF_TASK_NAMES
    t->site = site;
#else
    (void)site;
#endif
    if (delay <= 0 || (t->flags & HOP__TF_PENDING)) {
        /* (A task cancelled before its spawn ends on the next pass.) */
        hop__enqueue(l, t);
        return HOP_OK;
    }
    start = hop_time_after(l->be->now(l->be_ctx), delay);
    hop__set_start(t, start);
    hop__set_state(t, HOP__T_DELAYED);
    for (p = &l->delayed; *p != NULL && hop__start_of(*p) <= start;
         p = &(*p)->next)
        ;
    t->next = *p;
    *p = t;
    if (l->delayed == t)
        hop__loop_notify(l);
    return HOP_OK;
}

int hop_task_status(const hop_task *t)
{
    if (!hop__task_sig(t))
        return HOP_EINVAL;
    switch (ST(t)) {
    case HOP__T_NEW:
        return HOP_TASK_NEW;
    case HOP__T_DONE:
        return HOP_TASK_DONE;
    case HOP__T_FAILED:
        return HOP_TASK_FAILED;
    case HOP__T_CANCELLED:
        return HOP_TASK_CANCELLED;
    default:
        return HOP_TASK_RUNNING;
    }
}

hop_value hop_task_result(const hop_task *t)
{
    return hop__task_sig(t) && ST(t) == HOP__T_DONE ? t->u.r.val : HOP_EMPTY;
}

int hop_task_error(const hop_task *t)
{
    if (!hop__task_sig(t))
        return 0;
    if (ST(t) == HOP__T_FAILED)
        return (int)t->u.r.val;
    return ST(t) == HOP__T_CANCELLED ? HOP_ECANCELED : 0;
}

const char *hop_task_errmsg(const hop_task *t)
{
    if (!hop__task_sig(t))
        return NULL;
    return ST(t) == HOP__T_FAILED || ST(t) == HOP__T_CANCELLED ? t->u.r.msg
                                                                : NULL;
}

uint32_t hop_task_id(const hop_task *t)
{
    return hop__task_sig(t) ? t->id : 0;
}

const char *hop_task_name(const hop_task *t)
{
#if HOP_CONF_TASK_NAMES
    return hop__task_sig(t) ? t->name : NULL;
#else
    (void)t;
    return NULL;
#endif
}

hop_loop *hop_task_loop(const hop_task *t)
{
    return hop__task_ok(t) ? hop__task_loop(t) : NULL;
}

const hop_exc *hop_task_exc(const hop_task *t)
{
    if (!hop__task_sig(t) || (ST(t) != HOP__T_FAILED && ST(t) != HOP__T_CANCELLED))
        return NULL;
    return &t->exc;
}

/* Is the message m the formatted text of the record e? */
static int in_text(const hop_exc *e, const char *m)
{
#if HOP_CONF_ERRMSG > 0
    return m != NULL && m == e->text;
#else
    (void)e;
    (void)m;
    return 0;
#endif
}

const char *hop__task_static_msg(const hop_task *t)
{
    const char *m = hop_task_errmsg(t);

    return in_text(&t->exc, m) ? t->exc.fmt : m;
}

void hop__raise_joined(hop_gen *g, const hop_task *t)
{
    hop_exc *e = g->exc;
    const hop_exc *c = &t->exc;
    const char *msg = hop_task_errmsg(t);

    hop__exc_reset(e, hop_task_error(t), msg, 0);
    if (c->code != e->code)
        return; /* (a task cancelled before its record was written) */
    e->ctx = c->ctx;
    e->fmt = c->fmt;
#if HOP_CONF_ERRMSG > 0
    if (in_text(c, msg)) {
        unsigned i;
        for (i = 0; i < sizeof e->text; i++)
            e->text[i] = c->text[i];
        e->msg = e->text;
    }
#endif
#if HOP_CONF_TRACE > 0
    {
        /* The innermost frames where it began, leaving a quarter of the
         * room for the frames of this task. */
        unsigned keep = HOP_CONF_TRACE - HOP_CONF_TRACE / 4;
        unsigned i;

        if (keep > c->ntrace)
            keep = c->ntrace;
        for (i = 0; i < keep; i++)
            e->trace[i] = c->trace[i];
        e->ntrace = e->nfrom = keep;
        e->dropped = c->dropped + (c->ntrace - keep);
    }
#endif
    if (c->nfrom > 0) { /* it came to t through a join too */
        e->from_id = c->from_id;
        e->from_name = c->from_name;
        e->from_site = c->from_site;
    } else {
        e->from_id = t->id;
#if HOP_CONF_TASK_NAMES
        e->from_name = t->name;
        e->from_site = t->site;
#endif
    }
}

int hop_task_write_error(const hop_task *t, hop_write_fn w, void *ctx)
{
    const hop_exc *e = hop_task_exc(t);
    int r;

    if (e == NULL || w == NULL)
        return HOP_EINVAL;
#if HOP_CONF_TASK_NAMES
    r = hop__put_task(w, ctx, t->id, t->name, t->site);
#else
    r = hop__put_task(w, ctx, t->id, NULL, NULL);
#endif
    if (r == 0)
        r = hop_write_str(w, ctx, ST(t) == HOP__T_FAILED ? " failed:\n"
                                                    : " was cancelled:\n");
    if (r != 0)
        return r;
    /* (the loop may have been released since the task ended) */
    return hop__exc_write(e, w, ctx,
                          hop__task_ok(t) ? hop__task_loop(t)->errstr : NULL);
}

int hop_task_cleanup(hop_task *t)
{
    if (!hop__task_sig(t))
        return HOP_EINVAL;
    if (ST(t) > HOP__T_NEW && ST(t) < HOP__T_DONE)
        return HOP_EBUSY;
    t->state = 0;
    return HOP_OK;
}

hop_waitable *hop_task_waiting_on(const hop_task *t)
{
    return hop__task_sig(t) && !(t->flags & HOP__TF_PENDING) &&
                   (ST(t) == HOP__T_WAITING || ST(t) == HOP__T_ARMING)
               ? t->u.w.wait
               : NULL;
}

int hop_task_settle(hop_task *t, hop_waitable *w, hop_value v, int err,
                       const char *msg)
{
    if (!hop__task_ok(t) || w == NULL)
        return HOP_EINVAL;
    if ((ST(t) != HOP__T_ARMING && ST(t) != HOP__T_WAITING) ||
        (t->flags & HOP__TF_NOW))
        return HOP_ESTATE; /* not waiting, or already woken */
    if (!(t->flags & HOP__TF_PENDING) && t->u.w.wait != w)
        return HOP_ESTATE; /* waiting on another waitable */
    if (ST(t) == HOP__T_ARMING) {
        t->flags |= HOP__TF_NOW;
        if (!(t->flags & HOP__TF_PENDING)) /* (that message stays) */
            hop__outcome(t, v, err, msg);
        return HOP_OK;
    }
    hop__unpark(t);
    hop__outcome(t, v, err, msg);
    hop__enqueue(hop__task_loop(t), t);
    return HOP_OK;
}

/* t is arming its wait on w (w's arm is running). */
static int arming_on(const hop_task *t, const hop_waitable *w)
{
    return ST(t) == HOP__T_ARMING && !(t->flags & HOP__TF_PENDING) &&
           t->u.w.wait == w;
}

int hop_task_seal(hop_task *t, hop_waitable *w)
{
    if (!hop__task_ok(t) || w == NULL)
        return HOP_EINVAL;
    if (!arming_on(t, w))
        return HOP_ESTATE;
    t->flags |= HOP__TF_OWN;
    return HOP_OK;
}

/* A wake through hop_task_wake: never of a sealed wait (a task not
 * waiting gets HOP_ESTATE from hop_task_settle). */
static int wake_ext(hop_task *t, hop_waitable *w, hop_value v, int err,
                    const char *msg)
{
    if (hop__task_ok(t) && w != NULL && (t->flags & HOP__TF_OWN) &&
        (ST(t) == HOP__T_ARMING || ST(t) == HOP__T_WAITING) &&
        t->u.w.wait == w)
        return HOP_EINVAL;
    return hop_task_settle(t, w, v, err, msg);
}

int hop_task_wake(hop_task *t, hop_waitable *w, hop_value v)
{
    return wake_ext(t, w, v, 0, NULL);
}

int hop_task_wake_err(hop_task *t, hop_waitable *w, int err, const char *msg)
{
    if (err == 0)
        return HOP_EINVAL;
    return wake_ext(t, w, HOP_EMPTY, err, msg);
}

void hop__task_requeue(hop_task *t)
{
    if (!(t->flags & HOP__TF_PENDING)) /* (that message stays) */
        hop__outcome(t, HOP_EMPTY, 0, NULL);
    hop__enqueue(hop__task_loop(t), t);
}

void hop__task_pend(hop_task *t, const char *msg)
{
    t->flags |= HOP__TF_PENDING;
    t->u.r.msg = msg;
}

int hop_task_defer_cancel(hop_task *t, const char *msg)
{
    if (!hop__task_ok(t))
        return HOP_EINVAL;
    if (ST(t) != HOP__T_RUNNING || hop__task_loop(t)->current != t)
        return HOP_ESTATE;
    hop__task_pend(t, msg);
    return HOP_OK;
}

int hop__task_take_back(hop_task *t, uint32_t entry)
{
    if (t->icount > 0)
        t->icount--;
    if (t->icount > entry)
        return 0;
    t->flags &= ~HOP__TF_PENDING;
    return 1;
}

/*
 * Interrupt t: count it and have HOP_ECANCELED (with the message msg)
 * delivered where t is suspended when it next runs. A wait in progress
 * is disarmed now; a waitable that settles the wait another way while
 * being disarmed (a future's cancel hook) uses the interruption up.
 */
void hop__task_interrupt(hop_task *t, const char *msg)
{
    hop_loop *l = hop__task_loop(t);

    if (t->icount != UINT16_MAX)
        t->icount++;
    switch (ST(t)) {
    case HOP__T_DELAYED: {
        hop_task **p;
        for (p = &l->delayed; *p != t; p = &(*p)->next)
            ;
        *p = t->next;
        hop__enqueue(l, t);
        break;
    }
    case HOP__T_WAITING: {
        hop_waitable *w = t->u.w.wait;
        w->ops->disarm(w, t); /* (it may wake t) */
        if (ST(t) == HOP__T_WAITING) {
            hop__unpark(t);
            hop__enqueue(l, t);
        } else if ((t->flags & HOP__TF_ERR) == 0 ||
                   t->u.r.val != HOP_ECANCELED) {
            return; /* another outcome used the request up */
        }
        break;
    }
    default:
        /* Ready, arming, running or not spawned: delivered when it next
         * suspends or runs. */
        break;
    }
    hop__task_pend(t, msg);
}

int hop_task_cancel(hop_task *t, const char *msg)
{
    if (!hop__task_ok(t))
        return HOP_EINVAL;
    if (hop__finished(t))
        return 0;
    hop__task_interrupt(t, msg);
    return 1;
}

/* -- joins ---------------------------------------------------------------- */

void hop__join_park(hop_loop *l, hop_join_frame *j)
{
    l->wake_joins = hop__wake_joins;
    j->target->flags |= HOP__TF_JOINED;
    j->jnext = l->joins;
    l->joins = j;
}

void hop__join_unpark(hop_loop *l, hop_join_frame *j)
{
    hop_join_frame **p;

    for (p = &l->joins; *p != NULL; p = &(*p)->jnext) {
        if (*p == j) {
            *p = j->jnext;
            return;
        }
    }
}

int hop__wake_joins(hop_loop *l, hop_task *t)
{
    int n = 0;
    hop_join_frame **p = &l->joins;
    hop_join_frame *q = NULL;

    while (*p != NULL) { /* take them off, newest first */
        hop_join_frame *j = *p;
        if (j->target == t) {
            *p = j->jnext;
            j->jnext = q;
            q = j;
        } else {
            p = &j->jnext;
        }
    }
    while (q != NULL) { /* q is in waiting order now */
        hop_join_frame *next = q->jnext;
        q->jnext = NULL;
        hop_task_settle(q->self, &q->w, HOP_EMPTY, 0, NULL);
        q = next;
        n++;
    }
    return n;
}

