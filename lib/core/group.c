/*
 * lib/core/group.c: task groups.
 *
 * A group is a try block of its owner's frame plus a list of child
 * tasks. The cleanup of that block awaits the group's own frame, which
 * waits until every child has ended: so no child outlives the block,
 * whichever way the body left it. The first failure, of a child or of
 * the body, cancels the remaining children; a child's failure also
 * interrupts the owner's body, like a deadline scope does, and that
 * interruption is taken back when the block ends. The failures are then
 * raised together as HOP_EGROUP.
 */
#include "internal.h"

enum { G_NEW = 0, G_BODY = 1, G_LEAVING = 2, G_LEFT = 3 };

static void cancel_children(hop_group *g)
{
    hop_task *c;

    for (c = g->children; c != NULL; c = c->gnext)
        hop_task_cancel(c, NULL);
}

static int group_arm(hop_waitable *w, hop_task *t)
{
    hop_group *g = (hop_group *)(void *)((char *)(void *)w -
                                         offsetof(hop_group, w));

    if (g->alive == 0)
        return hop_task_wake(t, HOP_EMPTY);
    g->waiting = t;
    return HOP_OK;
}

static void group_disarm(hop_waitable *w, hop_task *t)
{
    hop_group *g = (hop_group *)(void *)((char *)(void *)w -
                                         offsetof(hop_group, w));

    (void)t;
    g->waiting = NULL;
}

static const hop_waitable_ops group_ops = {group_arm, group_disarm,
                                           "group", NULL};

void hop__group_child_ended(hop_task *t)
{
    hop_group *g = t->group;

    g->alive--;
    if (hop_task_status(t) == HOP_TASK_FAILED && !g->failed) {
        g->failed = 1;
        cancel_children(g);
        if (g->state == G_BODY) {
            g->interrupted = 1;
            hop__task_interrupt(g->owner, NULL);
        }
    }
    if (g->alive == 0 && g->waiting != NULL) {
        hop_task *o = g->waiting;
        g->waiting = NULL;
        hop_task_wake(o, HOP_EMPTY);
    }
}

int hop__group_enter(hop_gen *gen, hop_group *g)
{
    hop_task *owner = hop__current(gen);

    if (g == NULL)
        return HOP_EINVAL;
    if (owner == NULL)
        return HOP_ENOTASK;
    g->w.ops = &group_ops;
    g->owner = owner;
    g->children = NULL;
    g->waiting = NULL;
    g->body_msg = NULL;
    g->alive = 0;
    g->entry = owner->icount;
    g->body_err = 0;
    g->state = G_BODY;
    g->failed = 0;
    g->interrupted = 0;
    g->cancelled = 0;
    return HOP_OK;
}

int(hop_group_spawn)(hop_group *g, hop_task *t)
{
    return hop__group_spawn_at(g, t, NULL, 0);
}

int hop__group_spawn_at(hop_group *g, hop_task *t, const char *file,
                        int line)
{
    int r;

    if (g == NULL || t == NULL)
        return HOP_EINVAL;
    if (g->state != G_BODY && g->state != G_LEAVING)
        return HOP_ESTATE;
    if (g->state == G_LEAVING && g->alive == 0)
        return HOP_ESTATE; /* the block is ending */
    if (t->loop != g->owner->loop)
        return HOP_EINVAL;
    r = hop__spawn_at(t, 0, file, line);
    if (r != HOP_OK)
        return r;
    t->group = g;
    t->gnext = g->children;
    g->children = t;
    g->alive++;
    if (g->failed || g->cancelled)
        hop_task_cancel(t, NULL);
    return HOP_OK;
}

int hop_group_nerrors(const hop_group *g)
{
    const hop_task *c;
    int n;

    if (g == NULL)
        return HOP_EINVAL;
    n = g->body_err != 0;
    for (c = g->children; c != NULL; c = c->gnext)
        n += hop_task_status(c) == HOP_TASK_FAILED;
    return n;
}

int hop_group_error(const hop_group *g, int i, const char **msg)
{
    const hop_task *c;

    if (g == NULL || i < 0)
        return HOP_EINVAL;
    if (g->body_err != 0 && i-- == 0) {
        if (msg != NULL)
            *msg = g->body_msg;
        return g->body_err;
    }
    for (c = g->children; c != NULL; c = c->gnext) {
        if (hop_task_status(c) == HOP_TASK_FAILED && i-- == 0) {
            if (msg != NULL)
                *msg = hop_task_errmsg(c);
            return hop_task_error(c);
        }
    }
    return HOP_EINVAL;
}

/* The group's own frame: wait until every child has ended. */
static hop_step group_wait(hop_gen *gen, hop_frame *f)
{
    hop_group *self = (hop_group *)(void *)f;
    HOP_BEGIN(gen, self);
    while (self->alive > 0) {
        HOP_TRY(self);
            HOP_SUSPEND(self, &self->w);
        HOP_CATCH(self, HOP_ECANCELED);
            /* The owner is cancelled: so are the children, and the
             * block still waits for them. */
            self->cancelled = 1;
            cancel_children(self);
        HOP_END_TRY(self);
    }
    self->state = G_LEFT;
    if (self->interrupted) {
        hop_task *o = self->owner;
        if (o->icount > 0)
            o->icount--;
        if (o->icount <= self->entry)
            o->pending = 0;
    }
    if (hop_group_nerrors(self) > 0)
        HOP_RAISE(self, HOP_EGROUP);
    if (self->cancelled)
        HOP_RAISE(self, HOP_ECANCELED);
    HOP_END(self);
}

hop_frame *hop__group_leave(hop_gen *gen, hop_group *g, hop_try *slot)
{
    (void)gen;
    g->state = G_LEAVING;
    if (hop__has_err(slot) && slot->mode == HOP__T_UNWIND_ERR) {
        int e = (int)slot->pend;
        if (e == HOP_ECANCELED) {
            if (!g->interrupted)
                g->cancelled = 1; /* cancelled from outside */
        } else {
            g->body_err = e;
            g->body_msg = slot->msg;
            g->failed = 1;
        }
    }
    if (g->failed || g->cancelled)
        cancel_children(g);
    hop_frame_init(&g->wait_hdr, group_wait, HOP_COROUTINE);
    return &g->wait_hdr;
}
