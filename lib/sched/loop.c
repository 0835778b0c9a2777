/*
 * lib/sched/loop.c: the loop, tasks and the scheduling of passes.
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

/* The start time of a delayed task (kept in two halves). */
static hop_time start_of(const hop_task *t)
{
    return (hop_time)(((uint64_t)t->u.start[1] << 32) | t->u.start[0]);
}

static void set_start(hop_task *t, hop_time when)
{
    t->u.start[0] = (uint32_t)((uint64_t)when & 0xffffffffu);
    t->u.start[1] = (uint32_t)((uint64_t)when >> 32);
}

static void set_state(hop_task *t, unsigned s)
{
    t->state = (uint8_t)(HOP__TASK_SIG | s);
}

static int loop_ok(const hop_loop *l)
{
    return l != NULL && l->magic == HOP__LOOP_MAGIC;
}

/* An initialised task (its loop is checked by task_ok). */
static int task_sig(const hop_task *t)
{
    return t != NULL && (t->state & HOP__TASK_SIG_MASK) == HOP__TASK_SIG &&
           ST(t) >= HOP__T_NEW && ST(t) <= HOP__T_CANCELLED;
}

static int task_ok(const hop_task *t)
{
    /* (A loop or group is at least pointer-aligned: a cheap check on a
     * task that is not what it seems before following its owner.) */
    return task_sig(t) && t->owner > 1u &&
           ((t->owner & ~(uintptr_t)1u) % sizeof(void *)) == 0 &&
           loop_ok(hop__task_loop(t));
}

static int finished(const hop_task *t)
{
    return ST(t) >= HOP__T_DONE;
}

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
            l->buckets[i] = l->btails[i] = NULL;
    }
    l->tlast = 0;
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
    l->errstr = NULL;
    l->unobserved = 0;
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
    (void)hop_gen_cleanup(&l->run);
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

int hop_loop_set_budget(hop_loop *l, uint32_t units)
{
    if (!loop_ok(l))
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
    if (loop_ok(l)) {
        l->report = w;
        l->report_ctx = ctx;
        /* (Through a pointer, so that a program that never reports does
         * not link the report's writing.) */
        l->report_task = w != NULL ? hop_task_write_error : NULL;
    }
}

void hop_loop_set_errstr(hop_loop *l, const char *(*str)(int))
{
    if (loop_ok(l))
        l->errstr = str;
}

/* -- what backends read --------------------------------------------------- */

void *hop_loop_backend(const hop_loop *l, const hop_backend *be)
{
    return loop_ok(l) && be != NULL && l->be == be ? l->be_ctx : NULL;
}

int hop_loop_ready(const hop_loop *l)
{
    return loop_ok(l) && l->ready != NULL;
}

int hop_loop_stopping(const hop_loop *l)
{
    return loop_ok(l) && l->stop;
}

void hop_loop_clear_stop(hop_loop *l)
{
    if (loop_ok(l))
        l->stop = 0;
}

int hop_loop_running(const hop_loop *l)
{
    return loop_ok(l) && l->running;
}

int hop_loop_unobserved(const hop_loop *l)
{
    if (!loop_ok(l))
        return HOP_EINVAL;
    return l->unobserved > INT32_MAX ? INT32_MAX : (int)l->unobserved;
}

hop_loop *hop_gen_loop(const hop_gen *g)
{
    hop_loop *l = hop__gen_owner(g);

    /* (Only a loop drives a handle today; the check costs two loads.) */
    return l != NULL && l->magic == HOP__LOOP_MAGIC && &l->run == g ? l
                                                                    : NULL;
}

static void enqueue(hop_loop *l, hop_task *t)
{
    set_state(t, HOP__T_READY);
    t->next = NULL;
    if (l->ready_tail != NULL) {
        l->ready_tail->next = t;
    } else {
        l->ready = t;
        hop__loop_notify(l);
    }
    l->ready_tail = t;
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

/* Take the waiting task t off its loop's waiting list. */
static void unpark(hop_task *t)
{
    *t->u.w.pprev = t->next;
    if (t->next != NULL)
        t->next->u.w.pprev = t->u.w.pprev;
    t->next = NULL;
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
    if (l->delayed != NULL && start_of(l->delayed) < d)
        d = start_of(l->delayed);
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
    t->top = root;
    t->next = NULL;
    t->owner = (uintptr_t)(void *)l;
    t->u.r.msg = NULL;
    t->u.r.val = HOP_EMPTY;
    t->id = l->next_id++;
    set_state(t, HOP__T_NEW);
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

    if (!task_ok(t))
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
        enqueue(l, t);
        return HOP_OK;
    }
    start = hop_time_after(l->be->now(l->be_ctx), delay);
    set_start(t, start);
    set_state(t, HOP__T_DELAYED);
    for (p = &l->delayed; *p != NULL && start_of(*p) <= start;
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
    if (!task_sig(t))
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
    return task_sig(t) && ST(t) == HOP__T_DONE ? t->u.r.val : HOP_EMPTY;
}

int hop_task_error(const hop_task *t)
{
    if (!task_sig(t))
        return 0;
    if (ST(t) == HOP__T_FAILED)
        return (int)t->u.r.val;
    return ST(t) == HOP__T_CANCELLED ? HOP_ECANCELED : 0;
}

const char *hop_task_errmsg(const hop_task *t)
{
    if (!task_sig(t))
        return NULL;
    return ST(t) == HOP__T_FAILED || ST(t) == HOP__T_CANCELLED ? t->u.r.msg
                                                                : NULL;
}

uint32_t hop_task_id(const hop_task *t)
{
    return task_sig(t) ? t->id : 0;
}

const char *hop_task_name(const hop_task *t)
{
#if HOP_CONF_TASK_NAMES
    return task_sig(t) ? t->name : NULL;
#else
    (void)t;
    return NULL;
#endif
}

hop_loop *hop_task_loop(const hop_task *t)
{
    return task_ok(t) ? hop__task_loop(t) : NULL;
}

const hop_exc *hop_task_exc(const hop_task *t)
{
    if (!task_sig(t) || (ST(t) != HOP__T_FAILED && ST(t) != HOP__T_CANCELLED))
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
                          task_ok(t) ? hop__task_loop(t)->errstr : NULL);
}

int hop_task_cleanup(hop_task *t)
{
    if (!task_sig(t))
        return HOP_EINVAL;
    if (ST(t) > HOP__T_NEW && ST(t) < HOP__T_DONE)
        return HOP_EBUSY;
    t->state = 0;
    return HOP_OK;
}

hop_waitable *hop_task_waiting_on(const hop_task *t)
{
    return task_sig(t) && !(t->flags & HOP__TF_PENDING) &&
                   (ST(t) == HOP__T_WAITING || ST(t) == HOP__T_ARMING)
               ? t->u.w.wait
               : NULL;
}

/* Set what t is to resume with: the value v, or the error err (msg). */
static void outcome(hop_task *t, hop_value v, int err, const char *msg)
{
    if (err != 0) {
        t->flags |= HOP__TF_ERR;
        t->u.r.val = err;
    } else {
        t->flags &= ~HOP__TF_ERR;
        t->u.r.val = v;
    }
    t->u.r.msg = msg;
}

int hop_task_settle(hop_task *t, hop_waitable *w, hop_value v, int err,
                       const char *msg)
{
    if (!task_ok(t) || w == NULL)
        return HOP_EINVAL;
    if ((ST(t) != HOP__T_ARMING && ST(t) != HOP__T_WAITING) ||
        (t->flags & HOP__TF_NOW))
        return HOP_ESTATE; /* not waiting, or already woken */
    if (!(t->flags & HOP__TF_PENDING) && t->u.w.wait != w)
        return HOP_ESTATE; /* waiting on another waitable */
    if (ST(t) == HOP__T_ARMING) {
        t->flags |= HOP__TF_NOW;
        if (!(t->flags & HOP__TF_PENDING)) /* (that message stays) */
            outcome(t, v, err, msg);
        return HOP_OK;
    }
    unpark(t);
    outcome(t, v, err, msg);
    enqueue(hop__task_loop(t), t);
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
    if (!task_ok(t) || w == NULL)
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
    if (task_ok(t) && w != NULL && (t->flags & HOP__TF_OWN) &&
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
        outcome(t, HOP_EMPTY, 0, NULL);
    enqueue(hop__task_loop(t), t);
}

void hop__task_pend(hop_task *t, const char *msg)
{
    t->flags |= HOP__TF_PENDING;
    t->u.r.msg = msg;
}

int hop_task_defer_cancel(hop_task *t, const char *msg)
{
    if (!task_ok(t))
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
        enqueue(l, t);
        break;
    }
    case HOP__T_WAITING: {
        hop_waitable *w = t->u.w.wait;
        w->ops->disarm(w, t); /* (it may wake t) */
        if (ST(t) == HOP__T_WAITING) {
            unpark(t);
            enqueue(l, t);
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
    if (!task_ok(t))
        return HOP_EINVAL;
    if (finished(t))
        return 0;
    hop__task_interrupt(t, msg);
    return 1;
}

/* -- joins ---------------------------------------------------------------- */

void hop__join_park(hop_loop *l, hop_join_frame *j)
{
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

/* Wake, in the order they came, the joins of t, which has ended.
 * Returns how many there were. */
static int wake_joins(hop_loop *l, hop_task *t)
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

/* -- running a task ------------------------------------------------------- */

/* t has ended with the state s; wake whoever joins it. */
static void end_task(hop_loop *l, hop_task *t, unsigned s)
{
    int joined = (t->flags & HOP__TF_JOINED) != 0;
    int grouped = (t->owner & 1u) != 0;

    set_state(t, s);
    t->flags &= ~(HOP__TF_PENDING | HOP__TF_JOINED);
    t->top = NULL;
    t->next = NULL;
    t->ctx = NULL;
    l->ntasks--;
    if (grouped) {
        hop__group_child_ended(t);
        t->owner = (uintptr_t)(void *)l; /* the group may go before it */
    }
    if ((joined ? wake_joins(l, t) : 0) == 0 && !grouped &&
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
    return hop_gen_send(g, t->u.r.val, v);
}

/* Run t until it waits, yields to other tasks or ends. */
static void run_task(hop_loop *l, hop_task *t)
{
    hop_gen *g = &l->run;
    hop_value v;
    int r;

    l->current = t;
    l->left = l->budget;
    set_state(t, HOP__T_RUNNING);
    if (!(t->flags & HOP__TF_STARTED)) {
        if (t->flags & HOP__TF_PENDING) {
            /* Cancelled before its body ran: none of it runs. */
            hop__exc_reset(&t->exc, HOP_ECANCELED, t->u.r.msg, 0);
            outcome(t, HOP_EMPTY, HOP_ECANCELED, t->u.r.msg);
            l->current = NULL;
            end_task(l, t, HOP__T_CANCELLED);
            return;
        }
        t->flags |= HOP__TF_STARTED;
        hop__gen_load(g, t->top, &t->exc);
        r = hop_gen_send(g, HOP_EMPTY, &v);
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
                set_state(t, HOP__T_ARMING);
                t->flags &= ~(HOP__TF_NOW | HOP__TF_OWN);
                e = w->ops->arm(w, t);
                if (e == HOP_WAIT_PASS) {
                    t->flags &= ~HOP__TF_BESIDE;
                    hop__task_requeue(t);
                    l->current = NULL;
                    return;
                }
                if (e < 0) {
                    outcome(t, HOP_EMPTY, e, NULL);
                } else if (!(t->flags & HOP__TF_NOW)) {
                    if (!(t->flags & HOP__TF_PENDING)) {
                        set_state(t, HOP__T_WAITING);
                        park(l, t);
                        l->current = NULL;
                        return;
                    }
                    w->ops->disarm(w, t); /* interrupted while arming */
                }
                t->flags &= ~(HOP__TF_NOW | HOP__TF_BESIDE);
                set_state(t, HOP__T_RUNNING);
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
                outcome(t, HOP_EMPTY, HOP_ECANCELED, t->u.r.msg);
                end_task(l, t, HOP__T_CANCELLED);
            } else {
                outcome(t, v, 0, NULL);
                end_task(l, t, HOP__T_DONE);
            }
            return;
        default: {
            int err = r == HOP_RAISED ? t->exc.code : r;
            if (r != HOP_RAISED)
                hop__exc_reset(&t->exc, err, NULL, 0);
            outcome(t, HOP_EMPTY, err, t->exc.msg);
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

    while (l->delayed != NULL && start_of(l->delayed) <= now) {
        hop_task *t = l->delayed;
        l->delayed = t->next;
        hop__task_requeue(t);
    }
    hop__timers_fire(l, now);
}

static hop_time next_deadline(const hop_loop *l)
{
    hop_time d = hop__timers_next(l);

    if (l->delayed != NULL && start_of(l->delayed) < d)
        d = start_of(l->delayed);
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
