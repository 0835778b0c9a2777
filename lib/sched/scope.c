/*
 * lib/sched/scope.c: deadline scopes.
 *
 * A scope is a try block with a timer. Entering it records the task's
 * interruption count and starts the timer; expiry interrupts the task
 * (the count goes up by one and HOP_ECANCELED is delivered where it
 * waits). Leaving it, by any route, stops the timer; if it expired, the
 * count goes down by one, and an HOP_ECANCELED leaving the scope becomes
 * HOP_ETIMEDOUT when the count is back at its entry value: no other
 * interruption arrived while inside. So the body sees HOP_ECANCELED and
 * the code around the scope sees HOP_ETIMEDOUT, and an inner scope never
 * swallows an outer one's expiry.
 */
#include "sched_internal.h"

enum { S_NEW = 0, S_ENTERED = 1, S_LEFT = 2 };

static void scope_fire(hop_timer *tm)
{
    hop_scope *s = tm->data;

    s->expired = 1;
    hop__task_interrupt(s->task, NULL);
}

int hop__scope_enter(hop_gen *g, hop_scope *s, hop_time t, int relative)
{
    hop_loop *l = hop_gen_loop(g);
    hop_task *task = hop__current(g);

    if (s == NULL)
        return HOP_EINVAL;
    if (task == NULL)
        return HOP_ENOTASK;
    if (hop__ctx_has(task, &s->link))
        return HOP_ESTATE; /* entered already, and not left */
    hop_timer_init(&s->timer, scope_fire);
    s->timer.data = s;
    s->task = task;
    s->entry = task->icount;
    s->expired = 0;
    s->state = S_ENTERED;
    hop__ctx_push(task, &s->link);
    if (relative && t != HOP_FOREVER)
        t = t <= 0 ? hop_loop_now(l) : hop_time_after(hop_loop_now(l), t);
    s->when = t;
    if (t != HOP_FOREVER)
        hop_timer_start(l, &s->timer, t);
    return HOP_OK;
}

void hop__scope_leave(hop_gen *g, hop_scope *s, hop_try *slot)
{
    hop_task *t = s->task;

    hop_timer_stop(hop__task_loop(t), &s->timer);
    s->state = S_LEFT;
    hop__ctx_pop(t, &s->link);
    if (!s->expired)
        return;
    if (hop__task_take_back(t, s->entry)) {
        /* The interruption was this scope's own: one not delivered yet
         * is withdrawn, and a CANCELLED leaving it is a timeout. */
        if (slot->mode == HOP__TRY_UNWIND_ERR && slot->pend == HOP_ECANCELED) {
            slot->pend = HOP_ETIMEDOUT;
            slot->msg = NULL;
            hop__exc_new(g, HOP_ETIMEDOUT, NULL, HOP_ECANCELED);
        }
    }
}

int hop_scope_expired(const hop_scope *s)
{
    return s != NULL && s->expired != 0;
}

hop_time hop_scope_when(const hop_scope *s)
{
    return s != NULL ? s->when : HOP_FOREVER;
}

int hop_scope_reschedule(hop_scope *s, hop_time when)
{
    if (s == NULL)
        return HOP_EINVAL;
    if (s->state != S_ENTERED)
        return HOP_ESTATE;
    s->when = when;
    if (s->expired)
        return HOP_OK; /* already interrupted: nothing to move */
    if (when == HOP_FOREVER)
        return hop_timer_stop(hop__task_loop(s->task), &s->timer);
    return hop_timer_start(hop__task_loop(s->task), &s->timer, when);
}

/* -- with_timeout ------------------------------------------------------- */

static hop_step timeout_step(hop_gen *g, hop_frame *f)
{
    hop_timeout_frame *self = (hop_timeout_frame *)f;
    HOP_BEGIN(g, self);
    if (self->child == NULL && self->future == NULL && self->task == NULL)
        HOP_RAISE(self, HOP_EINVAL);
    if (self->child != NULL && self->delay != HOP_FOREVER &&
        self->delay <= 0) {
        /* No time at all: the call is never started. */
        (void)hop__raise(g, HOP_ETIMEDOUT, NULL, HOP_ECANCELED, HOP__SITE);
        return hop__step(HOP_STEP_RAISE, HOP_ETIMEDOUT);
    }
    HOP_TIMEOUT(self, &self->scope, self->delay);
        if (self->child != NULL) {
            HOP_AWAIT(self, self->child);
            self->val = HOP_VALUE(self);
        } else if (self->future != NULL) {
            HOP_SUSPEND(self, hop_future_wait(self->future));
            self->val = HOP_VALUE(self);
        } else {
            HOP_TRY(self);
                HOP_AWAIT(self, hop_join(&self->join, self->task));
                self->val = HOP_VALUE(self);
            HOP_CATCH(self, HOP_ECANCELED);
                /* Interrupted (the deadline, or a cancel of the awaiting
                 * task): the guarded task is cancelled and waited for,
                 * and its outcome is the outcome. */
                hop_task_cancel(self->task, NULL);
                HOP_AWAIT(self, hop_join(&self->join, self->task));
                self->val = HOP_VALUE(self);
            HOP_END_TRY(self);
        }
    HOP_END_TIMEOUT(self, &self->scope);
    HOP_RETURN(self, self->val);
    HOP_END(self);
}

static hop_frame *timeout_init(hop_timeout_frame *f, hop_time delay)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, timeout_step, HOP_COROUTINE);
    f->delay = delay;
    f->child = NULL;
    f->future = NULL;
    f->task = NULL;
    f->val = HOP_EMPTY;
    f->scope.state = S_NEW;
    return &f->hdr;
}

hop_frame *hop_with_timeout(hop_timeout_frame *f, hop_time delay,
                            hop_frame *child)
{
    hop_frame *r = timeout_init(f, delay);

    if (r != NULL)
        f->child = child;
    return r;
}

hop_frame *hop_with_timeout_future(hop_timeout_frame *f, hop_time delay,
                                   hop_future *fut)
{
    hop_frame *r = timeout_init(f, delay);

    if (r != NULL)
        f->future = fut;
    return r;
}

hop_frame *hop_with_timeout_task(hop_timeout_frame *f, hop_time delay,
                                 hop_task *task)
{
    hop_frame *r = timeout_init(f, delay);

    if (r != NULL)
        f->task = task;
    return r;
}
