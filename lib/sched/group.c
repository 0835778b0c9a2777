/*
 * lib/sched/group.c: task groups.
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
#include "sched_internal.h"

enum { G_NEW = 0, G_BODY = 1, G_LEAVING = 2, G_LEFT = 3 };

/*
 * A child is a task whose owner is its group. The live ones are found on
 * the loop's lists (cancelling them is rare: a failure or a cancel). The
 * group keeps no link to a child that has ended, only a copy of its
 * error: so an ended child's struct can be initialised and spawned again
 * (into this group or any other) or released at once.
 */
static int is_child(const hop_task *t, const hop_group *g)
{
    return t->owner == (uintptr_t)(const void *)g + 1u;
}

static int cancel_one(hop_task *t, const hop_group *g)
{
    if (!is_child(t, g) || (t->flags & HOP__TF_PENDING))
        return 0;
    hop_task_cancel(t, NULL);
    return 1;
}

/*
 * Cancel every live child. A delayed child cancelled moves to the ready
 * queue alone; a waiting one is disarmed, which may wake other waiting
 * tasks too (the waiters of a future it cancels), so the walk of the
 * waiting list starts again when the next task has left it; the ready
 * queue comes last, where all of those went, and cancelling a ready
 * task moves nothing.
 */
static void cancel_children(hop_group *g)
{
    hop_loop *l = g->loop;
    hop_task *t, *next;

    for (t = l->delayed; t != NULL; t = next) {
        next = t->next;
        cancel_one(t, g);
    }
    for (t = l->waiting; t != NULL; t = next) {
        next = t->next;
        if (cancel_one(t, g) && next != NULL &&
            hop__tstate(next) != HOP__T_WAITING)
            next = l->waiting;
    }
    for (t = l->ready; t != NULL; t = t->next)
        cancel_one(t, g);
}

static int group_arm(hop_waitable *w, hop_task *t)
{
    hop_group *g = HOP_CONTAINER_OF(w, hop_group, w);

    hop_task_seal(t, w);
    if (g->alive == 0)
        return hop_task_settle(t, w, HOP_EMPTY, 0, NULL);
    g->waiting = t;
    return HOP_OK;
}

static void group_disarm(hop_waitable *w, hop_task *t)
{
    hop_group *g = HOP_CONTAINER_OF(w, hop_group, w);

    (void)t;
    g->waiting = NULL;
}

static const hop_waitable_ops group_ops = {group_arm, group_disarm,
                                           "group", NULL};

void hop__group_child_ended(hop_task *t)
{
    hop_group *g = (hop_group *)(t->owner - 1u);

    g->alive--;
    if (hop_task_status(t) == HOP_TASK_FAILED) {
        if (g->nerrs < HOP_CONF_GROUP_ERRORS) {
            g->errs[g->nerrs].code = hop_task_error(t);
            g->errs[g->nerrs].msg = hop__task_static_msg(t);
            g->nerrs++;
        } else if (g->dropped != UINT32_MAX) {
            g->dropped++;
        }
        if (!g->failed) {
            g->failed = 1;
            cancel_children(g);
            if (g->state == G_BODY) {
                g->interrupted = 1;
                hop__task_interrupt(g->owner, NULL);
            }
        }
    }
    if (g->alive == 0 && g->waiting != NULL) {
        hop_task *o = g->waiting;
        g->waiting = NULL;
        hop_task_settle(o, &g->w, HOP_EMPTY, 0, NULL);
    }
}

int hop__group_enter(hop_gen *gen, hop_group *g)
{
    hop_task *owner = hop__current(gen);

    if (g == NULL)
        return HOP_EINVAL;
    if (owner == NULL)
        return HOP_ENOTASK;
    if (hop__ctx_has(owner, &g->link))
        return HOP_ESTATE; /* its block has not ended */
    g->w.ops = &group_ops;
    g->owner = owner;
    g->loop = hop__task_loop(owner);
    g->waiting = NULL;
    g->body_msg = NULL;
    g->cancel_msg = NULL;
    g->nerrs = 0;
    g->dropped = 0;
    g->alive = 0;
    g->entry = owner->icount;
    g->body_err = 0;
    g->state = G_BODY;
    g->failed = 0;
    g->interrupted = 0;
    g->cancelled = 0;
    hop__ctx_push(owner, &g->link);
    return HOP_OK;
}

int(hop_group_spawn)(hop_group *g, hop_task *t)
{
    return hop__group_spawn_at(g, t, NULL);
}

int hop__group_spawn_at(hop_group *g, hop_task *t, const char *site)
{
    int r;

    if (g == NULL || t == NULL)
        return HOP_EINVAL;
    if (g->state != G_BODY && g->state != G_LEAVING)
        return HOP_ESTATE;
    if (g->state == G_LEAVING && g->alive == 0)
        return HOP_ESTATE; /* the block is ending */
    if (hop_task_loop(t) != g->loop)
        return HOP_EINVAL;
    r = hop__spawn_at(t, 0, site);
    if (r != HOP_OK)
        return r;
    t->owner = (uintptr_t)(void *)g + 1u;
    g->loop->child_ended = hop__group_child_ended;
    g->alive++;
    if (g->failed || g->cancelled)
        hop_task_cancel(t, NULL);
    return HOP_OK;
}

int hop_group_nerrors(const hop_group *g)
{
    if (g == NULL)
        return HOP_EINVAL;
    return (g->body_err != 0) + g->nerrs;
}

int hop_group_error(const hop_group *g, int i, const char **msg)
{
    const hop_group_err *e;

    if (g == NULL || i < 0)
        return HOP_EINVAL;
    if (g->body_err != 0 && i-- == 0) {
        if (msg != NULL)
            *msg = g->body_msg;
        return g->body_err;
    }
    if (i >= g->nerrs)
        return HOP_EINVAL;
    e = &g->errs[i];
    if (msg != NULL)
        *msg = e->msg;
    return e->code;
}

int hop_group_dropped(const hop_group *g)
{
    if (g == NULL)
        return HOP_EINVAL;
    return g->dropped > INT32_MAX ? INT32_MAX : (int)g->dropped;
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
             * block still waits for them; the cancellation goes on
             * afterwards with its message. */
            self->cancelled = 1;
            self->cancel_msg = HOP_ERROR_MSG(self);
            cancel_children(self);
        HOP_END_TRY(self);
    }
    self->state = G_LEFT;
    hop__ctx_pop(self->owner, &self->link);
    if (self->interrupted)
        (void)hop__task_take_back(self->owner, self->entry);
    if (hop_group_nerrors(self) > 0)
        HOP_RAISE(self, HOP_EGROUP);
    if (self->cancelled)
        HOP_RAISE_MSG(self, HOP_ECANCELED, self->cancel_msg);
    HOP_END(self);
}

hop_frame *hop__group_leave(hop_gen *gen, hop_group *g, hop_try *slot)
{
    (void)gen;
    g->state = G_LEAVING;
    if (hop__has_err(slot) && slot->mode == HOP__TRY_UNWIND_ERR) {
        int e = (int)slot->pend;
        if (e == HOP_ECANCELED) {
            if (!g->interrupted) {
                g->cancelled = 1; /* cancelled from outside */
                g->cancel_msg = slot->msg;
            }
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
