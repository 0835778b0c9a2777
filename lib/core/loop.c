/*
 * lib/core/loop.c: the loop, tasks and the scheduling of passes.
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
#include "internal.h"

/* Internal task states (hop_task.state). */
enum {
    T_NEW = 1,     /* initialised */
    T_DELAYED,     /* spawned with a delay that has not passed */
    T_READY,       /* in the ready queue */
    T_RUNNING,     /* its frames are executing */
    T_ARMING,      /* its waitable is being armed */
    T_WAITING,     /* suspended on a waitable */
    T_DONE,        /* finished: returned */
    T_FAILED,      /* finished: error */
    T_CANCELLED    /* finished: cancelled */
};

/* hop_task.flags */
#define F_STARTED 0x1u /* the root frame has run */
#define F_NOW 0x2u     /* woken while arming: go on at once */

static int loop_ok(const hop_loop *l)
{
    return l != NULL && l->magic == HOP__LOOP_MAGIC;
}

static int task_ok(const hop_task *t)
{
    return t != NULL && t->magic == HOP__TASK_MAGIC && loop_ok(t->loop);
}

static int finished(const hop_task *t)
{
    return t->state >= T_DONE;
}

/* -- the loop ------------------------------------------------------------- */

int hop_loop_init(hop_loop *l, const hop_backend *be, void *ctx)
{
    if (l == NULL || be == NULL || be->now == NULL || be->wait == NULL)
        return HOP_EINVAL;
    l->be = be;
    l->be_ctx = ctx;
    l->run.top = NULL;
    l->run.root = NULL;
    l->run.val = HOP_EMPTY;
    l->run.err = 0;
    l->run.state = HOP_STATE_FINISHED | HOP__GS_LOOP;
    l->run.magic = HOP__GEN_MAGIC;
    l->run.arena = NULL;
    l->run.data = NULL;
    hop__exc_new(&l->run, 0, NULL, 0);
    l->ready = l->ready_tail = NULL;
    l->delayed = NULL;
    l->current = NULL;
    l->all = NULL;
    {
        int i;
        for (i = 0; i < HOP__TIMER_BUCKETS; i++)
            l->buckets[i] = l->btails[i] = NULL;
    }
    l->tlast = 0;
    l->ntimers = 0;
    l->seq = 0;
    l->ntasks = 0;
    l->next_id = 1;
    l->stop = 0;
    l->running = 0;
    l->on_error = NULL;
    l->data = NULL;
    l->magic = HOP__LOOP_MAGIC;
    return HOP_OK;
}

int hop_loop_cleanup(hop_loop *l)
{
    if (!loop_ok(l))
        return HOP_EINVAL;
    if (l->ntasks != 0 || l->ntimers != 0 || l->current != NULL ||
        l->running)
        return HOP_EBUSY;
    l->magic = 0;
    l->run.magic = 0;
    return HOP_OK;
}

void hop_loop_stop(hop_loop *l)
{
    if (loop_ok(l))
        l->stop = 1;
}

hop_time hop_loop_now(const hop_loop *l)
{
    return loop_ok(l) ? l->be->now(l->be_ctx) : 0;
}

hop_task *hop_loop_current(const hop_loop *l)
{
    return loop_ok(l) ? l->current : NULL;
}

int hop_loop_tasks(const hop_loop *l)
{
    return loop_ok(l) ? (int)l->ntasks : HOP_EINVAL;
}

void hop_loop_on_error(hop_loop *l, void (*fn)(hop_task *t))
{
    if (loop_ok(l))
        l->on_error = fn;
}

hop_loop *hop_gen_loop(const hop_gen *g)
{
    if (g == NULL || g->magic != HOP__GEN_MAGIC ||
        !(g->state & HOP__GS_LOOP))
        return NULL;
    return (hop_loop *)(void *)((char *)(void *)(hop_gen *)g -
                                offsetof(hop_loop, run));
}

static void enqueue(hop_loop *l, hop_task *t)
{
    t->state = T_READY;
    t->next = NULL;
    if (l->ready_tail != NULL) {
        l->ready_tail->next = t;
    } else {
        l->ready = t;
        hop__loop_notify(l);
    }
    l->ready_tail = t;
}

void hop__loop_notify(hop_loop *l)
{
    if (!l->running && l->be->notify != NULL)
        l->be->notify(l->be_ctx);
}

hop_time hop_loop_deadline(const hop_loop *l)
{
    hop_time d;

    if (!loop_ok(l))
        return HOP_FOREVER;
    if (l->ready != NULL)
        return l->be->now(l->be_ctx);
    d = hop__timers_next(l);
    if (l->delayed != NULL && l->delayed->start < d)
        d = l->delayed->start;
    return d;
}

/* -- tasks ---------------------------------------------------------------- */

int hop_task_init(hop_task *t, hop_loop *l, hop_frame *root,
                  const char *name)
{
    if (t == NULL || !loop_ok(l) || root == NULL)
        return HOP_EINVAL;
    if (hop_frame_state(root) != HOP_STATE_CREATED)
        return hop_frame_state(root) < 0 ? HOP_EINVAL : HOP_EBUSY;
    t->top = NULL;
    t->root = root;
    t->next = NULL;
    t->wait = NULL;
    t->loop = l;
    t->joiners = NULL;
    t->group = NULL;
    t->gnext = NULL;
    t->lnext = t->lprev = NULL;
    t->sfile = NULL;
    t->sline = 0;
    t->val = HOP_EMPTY;
    t->msg = NULL;
    t->cmsg = NULL;
    t->start = 0;
    t->err = 0;
    t->state = T_NEW;
    t->pending = 0;
    t->icount = 0;
    t->flags = 0;
    t->id = l->next_id++;
    t->magic = HOP__TASK_MAGIC;
    t->name = name;
    t->data = NULL;
    return HOP_OK;
}

int(hop_spawn)(hop_task *t)
{
    return hop__spawn_at(t, 0, NULL, 0);
}

int(hop_spawn_after)(hop_task *t, hop_time delay)
{
    return hop__spawn_at(t, delay, NULL, 0);
}

int hop__spawn_at(hop_task *t, hop_time delay, const char *file, int line)
{
    hop_loop *l;
    hop_task **p;

    if (!task_ok(t))
        return HOP_EINVAL;
    if (t->state != T_NEW)
        return HOP_EBUSY;
    l = t->loop;
    l->ntasks++;
    t->sfile = file;
    t->sline = line;
    t->lprev = NULL;
    t->lnext = l->all;
    if (l->all != NULL)
        l->all->lprev = t;
    l->all = t;
    if (delay <= 0) {
        enqueue(l, t);
        return HOP_OK;
    }
    t->start = hop__after(l->be->now(l->be_ctx), delay);
    t->state = T_DELAYED;
    for (p = &l->delayed; *p != NULL && (*p)->start <= t->start;
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
    if (t == NULL || t->magic != HOP__TASK_MAGIC)
        return HOP_EINVAL;
    switch (t->state) {
    case T_NEW:
        return HOP_TASK_NEW;
    case T_DONE:
        return HOP_TASK_DONE;
    case T_FAILED:
        return HOP_TASK_FAILED;
    case T_CANCELLED:
        return HOP_TASK_CANCELLED;
    default:
        return HOP_TASK_RUNNING;
    }
}

hop_value hop_task_result(const hop_task *t)
{
    return t != NULL && t->magic == HOP__TASK_MAGIC && t->state == T_DONE
               ? t->val
               : HOP_EMPTY;
}

int hop_task_error(const hop_task *t)
{
    if (t == NULL || t->magic != HOP__TASK_MAGIC)
        return 0;
    if (t->state == T_FAILED)
        return t->err;
    return t->state == T_CANCELLED ? HOP_ECANCELED : 0;
}

const char *hop_task_errmsg(const hop_task *t)
{
    if (t == NULL || t->magic != HOP__TASK_MAGIC)
        return NULL;
    return t->state == T_FAILED || t->state == T_CANCELLED ? t->msg : NULL;
}

int hop_task_cleanup(hop_task *t)
{
    if (t == NULL || t->magic != HOP__TASK_MAGIC)
        return HOP_EINVAL;
    if ((t->state > T_NEW && t->state < T_DONE) || t->joiners != NULL)
        return HOP_EBUSY;
    t->magic = 0;
    return HOP_OK;
}

hop_waitable *hop_task_waiting_on(const hop_task *t)
{
    return t != NULL && t->magic == HOP__TASK_MAGIC ? t->wait : NULL;
}

static int wake(hop_task *t, hop_value v, int err, const char *msg)
{
    if (!task_ok(t))
        return HOP_EINVAL;
    if ((t->state != T_ARMING && t->state != T_WAITING) ||
        (t->flags & F_NOW))
        return HOP_ESTATE; /* not waiting, or already woken */
    t->val = v;
    t->err = err;
    t->msg = msg;
    if (t->state == T_ARMING) {
        t->flags |= F_NOW;
        return HOP_OK;
    }
    t->wait = NULL;
    enqueue(t->loop, t);
    return HOP_OK;
}

int hop_task_wake(hop_task *t, hop_value v)
{
    return wake(t, v, 0, NULL);
}

int hop_task_wake_err(hop_task *t, int err, const char *msg)
{
    if (err == 0)
        return HOP_EINVAL;
    return wake(t, HOP_EMPTY, err, msg);
}

void hop__task_requeue(hop_task *t)
{
    t->val = HOP_EMPTY;
    t->err = 0;
    t->msg = NULL;
    t->wait = NULL;
    enqueue(t->loop, t);
}

/*
 * Interrupt t: count it and have HOP_ECANCELED (with the message msg)
 * delivered where t is suspended when it next runs. A wait in progress
 * is disarmed now; a waitable that settles the wait another way while
 * being disarmed (a future's cancel hook) uses the interruption up.
 */
void hop__task_interrupt(hop_task *t, const char *msg)
{
    hop_loop *l = t->loop;

    t->icount++;
    t->pending = 1;
    t->cmsg = msg;
    switch (t->state) {
    case T_DELAYED: {
        hop_task **p;
        for (p = &l->delayed; *p != t; p = &(*p)->next)
            ;
        *p = t->next;
        enqueue(l, t);
        break;
    }
    case T_WAITING: {
        hop_waitable *w = t->wait;
        t->state = T_ARMING;
        t->flags &= ~F_NOW;
        w->ops->disarm(w, t);
        if ((t->flags & F_NOW) && t->err != HOP_ECANCELED)
            t->pending = 0; /* another outcome used the request up */
        t->flags &= ~F_NOW;
        t->wait = NULL;
        enqueue(l, t);
        break;
    }
    default:
        /* Ready, running or not spawned: delivered when it next runs. */
        break;
    }
}

int hop_task_cancel(hop_task *t, const char *msg)
{
    if (!task_ok(t))
        return HOP_EINVAL;
    if (finished(t))
        return 0;
    hop__task_interrupt(t, msg);
    return 1;
}

/* -- running a task ------------------------------------------------------- */

/* t has ended with the state s; wake whoever joins it. */
static void end_task(hop_loop *l, hop_task *t, int s)
{
    hop_task *j = NULL;
    hop_task *p = t->joiners;

    while (p != NULL) { /* pushed newest first: wake in waiting order */
        hop_task *next = p->next;
        p->next = j;
        j = p;
        p = next;
    }

    t->state = (uint16_t)s;
    t->top = NULL;
    t->wait = NULL;
    t->joiners = NULL;
    l->ntasks--;
    if (t->lprev != NULL)
        t->lprev->lnext = t->lnext;
    else
        l->all = t->lnext;
    if (t->lnext != NULL)
        t->lnext->lprev = t->lprev;
    t->lnext = t->lprev = NULL;
    if (t->group != NULL)
        hop__group_child_ended(t);
    if (s == T_FAILED && j == NULL && l->on_error != NULL)
        l->on_error(t);
    while (j != NULL) {
        hop_task *n = j->next;
        hop_task_wake(j, HOP_EMPTY);
        j = n;
    }
}

/* Run t until it waits, yields to other tasks or ends. */
static void run_task(hop_loop *l, hop_task *t)
{
    hop_gen *g = &l->run;
    hop_value v;
    int r;

    l->current = t;
    t->state = T_RUNNING;
    g->root = t->root;
    if (!(t->flags & F_STARTED)) {
        if (t->pending) {
            /* Cancelled before its body ran: none of it runs. */
            t->err = HOP_ECANCELED;
            t->msg = t->cmsg;
            l->current = NULL;
            end_task(l, t, T_CANCELLED);
            return;
        }
        t->flags |= F_STARTED;
        g->top = NULL;
        g->state = HOP_STATE_CREATED | HOP__GS_LOOP;
        r = hop_gen_send(g, HOP_EMPTY, &v);
    } else {
        g->top = t->top;
        g->state = HOP_STATE_SUSPENDED | HOP__GS_LOOP;
        goto deliver;
    }
    for (;;) {
        switch (r) {
        case HOP_WAITING: {
            hop_waitable *w = (hop_waitable *)v;
            int e;

            t->top = g->top;
            if (!t->pending) {
                t->wait = w;
                t->state = T_ARMING;
                t->flags &= ~F_NOW;
                e = w->ops->arm(w, t);
                if (e == HOP_WAIT_PASS) {
                    hop__task_requeue(t);
                    l->current = NULL;
                    return;
                }
                if (e < 0) {
                    t->wait = NULL;
                    t->val = HOP_EMPTY;
                    t->err = e;
                    t->msg = NULL;
                } else if (!(t->flags & F_NOW)) {
                    t->state = T_WAITING;
                    l->current = NULL;
                    return;
                }
                t->flags &= ~F_NOW;
                t->wait = NULL;
                t->state = T_RUNNING;
            }
            goto deliver;
        }
        case HOP_YIELDED:
            /* A plain yield at the top: let the other ready tasks run. */
            t->top = g->top;
            hop__task_requeue(t);
            l->current = NULL;
            return;
        case HOP_RETURNED:
            t->val = v;
            t->err = 0;
            t->msg = NULL;
            if (t->pending) {
                t->err = HOP_ECANCELED;
                t->msg = t->cmsg;
            }
            l->current = NULL;
            end_task(l, t, t->pending ? T_CANCELLED : T_DONE);
            return;
        default:
            t->err = r == HOP_RAISED ? g->exc.code : r;
            t->msg = r == HOP_RAISED ? g->exc.msg : NULL;
            t->val = HOP_EMPTY;
            l->current = NULL;
            end_task(l, t,
                     t->err == HOP_ECANCELED ? T_CANCELLED : T_FAILED);
            return;
        }
    deliver:
        if (t->pending) {
            /* Every interruption so far arrives as one CANCELLED. */
            t->pending = 0;
            r = hop_gen_throw(g, HOP_ECANCELED, t->cmsg, &v);
        } else if (t->err != 0) {
            r = hop_gen_throw(g, t->err, t->msg, &v);
        } else {
            r = hop_gen_send(g, t->val, &v);
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

    while (l->delayed != NULL && l->delayed->start <= now) {
        hop_task *t = l->delayed;
        l->delayed = t->next;
        enqueue(l, t);
    }
    hop__timers_fire(l, now);
}

static hop_time next_deadline(const hop_loop *l)
{
    hop_time d = hop__timers_next(l);

    if (l->delayed != NULL && l->delayed->start < d)
        d = l->delayed->start;
    return d;
}

static int loop_run(hop_loop *l, int mode);

int hop_loop_run(hop_loop *l, int mode)
{
    int r;

    if (!loop_ok(l))
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

static int loop_run(hop_loop *l, int mode)
{
    for (;;) {
        due(l);
        if (l->ready == NULL && mode != HOP_RUN_NOWAIT &&
            (l->ntasks != 0 || l->ntimers != 0)) {
            int r = l->be->wait(l->be_ctx, next_deadline(l));
            if (r != HOP_OK)
                return r;
            due(l);
        }
        pass(l);
        if (mode != HOP_RUN_DEFAULT || l->stop)
            return HOP_OK;
        if (l->ntasks == 0 && l->ntimers == 0)
            return HOP_OK;
    }
}

/* -- the simulation backend ------------------------------------------------ */

static hop_time sim_now(void *ctx)
{
    return ((hop_sim *)ctx)->now;
}

static int sim_wait(void *ctx, hop_time deadline)
{
    hop_sim *s = ctx;

    if (s->woken) {
        s->woken = 0;
        return HOP_OK;
    }
    if (deadline == HOP_FOREVER)
        return HOP_EBUSY;
    if (deadline > s->now)
        s->now = deadline;
    return HOP_OK;
}

static void sim_wake(void *ctx)
{
    ((hop_sim *)ctx)->woken = 1;
}

static const hop_backend sim_backend = {sim_now, sim_wait, sim_wake, NULL};

int hop_loop_init_sim(hop_loop *l, hop_sim *sim)
{
    if (sim == NULL)
        return HOP_EINVAL;
    sim->now = 0;
    sim->woken = 0;
    return hop_loop_init(l, &sim_backend, sim);
}

int hop_sim_advance(hop_sim *sim, hop_time d)
{
    if (sim == NULL || d < 0)
        return HOP_EINVAL;
    sim->now += d;
    return HOP_OK;
}
