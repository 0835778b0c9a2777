/*
 * lib/sync/sync.c: channels, semaphores, events and mutexes.
 *
 * Every blocking operation is a hop_sync_op: a coroutine frame whose one
 * step suspends on the waitable embedded in it, like a sleep or a join
 * (lib/sched/wait.c). Arming the waitable either completes the operation at once
 * (a wake inside arm: the task goes on without suspending) or links the
 * operation at the tail of the primitive's wait queue and starts the
 * deadline's timer. Whatever completes a queued operation (the other
 * side of a channel, a release, a set, an unlock, a close, the timer)
 * unlinks it, stops its timer, records the outcome in it and wakes its
 * task; disarm (the task was cancelled) unlinks it and stops the timer.
 * So a queue holds exactly the operations still waiting, oldest first.
 *
 * The outcome recorded in the frame settles a race the loop leaves
 * open: a task woken with a value that is cancelled before it runs
 * again gets HOP_ECANCELED thrown in. The step catches it, keeps the
 * completed outcome (a value received, a value delivered, a lock held)
 * and marks the same interruption pending again, so the loop raises it
 * at the task's next suspension.
 */
#include "hop/sync.h"
#include "hop/waitable.h"

#define CONTAINER HOP_CONTAINER_OF

#define CHAN_MAGIC 0x686f7063u  /* "hopc" */
#define SEM_MAGIC 0x686f7073u   /* "hops" */
#define EVENT_MAGIC 0x686f7065u /* "hope" */
#define MUTEX_MAGIC 0x686f706du /* "hopm" */

/* hop_sync_op.kind */
enum { K_SEND = 1, K_RECV, K_SEM, K_EVENT, K_MUTEX };

/* hop_sync_op.state */
enum {
    S_IDLE = 0, /* initialised, not armed */
    S_WAIT,     /* armed: in a queue, or being armed */
    S_DONE,     /* completed: val is the result */
    S_FAILED    /* completed with an error (closed, timed out) */
};

static int chan_ok(const hop_chan *ch)
{
    return ch != NULL && ch->magic == CHAN_MAGIC;
}

static int sem_ok(const hop_sem *s)
{
    return s != NULL && s->magic == SEM_MAGIC;
}

static int event_ok(const hop_event *e)
{
    return e != NULL && e->magic == EVENT_MAGIC;
}

static int mutex_ok(const hop_mutex *m)
{
    return m != NULL && m->magic == MUTEX_MAGIC;
}

/* -- wait queues ----------------------------------------------------------- */

static void q_init(hop_sync_queue *q)
{
    q->head = q->tail = NULL;
}

static void q_push(hop_sync_queue *q, hop_sync_op *op)
{
    op->next = NULL;
    op->prev = q->tail;
    if (q->tail != NULL)
        q->tail->next = op;
    else
        q->head = op;
    q->tail = op;
    op->queue = q;
}

/* Take op out of its queue, if it is in one. */
static void q_unlink(hop_sync_op *op)
{
    hop_sync_queue *q = op->queue;

    if (q == NULL)
        return;
    if (op->prev != NULL)
        op->prev->next = op->next;
    else
        q->head = op->next;
    if (op->next != NULL)
        op->next->prev = op->prev;
    else
        q->tail = op->prev;
    op->next = op->prev = NULL;
    op->queue = NULL;
}

/* Leave no trace of op: out of its queue, its timer stopped. */
static void withdraw(hop_sync_op *op)
{
    q_unlink(op);
    if (op->task != NULL)
        hop_timer_stop(hop_task_loop(op->task), &op->timer);
}

/*
 * Complete op: with the value v (err 0) or with the error err. Works on
 * a queued operation and, inside arm, on the one being armed.
 */
static void complete(hop_sync_op *op, hop_value v, int err, const char *msg)
{
    withdraw(op);
    if (err != 0) {
        op->state = S_FAILED;
        hop_task_settle(op->task, &op->w, HOP_EMPTY, err, msg);
    } else {
        op->state = S_DONE;
        op->val = v;
        hop_task_settle(op->task, &op->w, v, 0, NULL);
    }
}

/*
 * The operation being armed cannot complete now: fail it when its
 * deadline has passed, else queue it and start its timer.
 */
static int wait_in(hop_sync_op *op, hop_sync_queue *q)
{
    hop_loop *l = hop_task_loop(op->task);

    if (op->deadline != HOP_FOREVER && op->deadline <= hop_loop_now(l)) {
        complete(op, HOP_EMPTY, HOP_ETIMEDOUT, NULL);
        return HOP_OK;
    }
    q_push(q, op);
    if (op->deadline != HOP_FOREVER)
        hop_timer_start(l, &op->timer, op->deadline);
    return HOP_OK;
}

static void op_expire(hop_timer *tm)
{
    hop_sync_op *op = tm->data;

    complete(op, HOP_EMPTY, HOP_ETIMEDOUT, NULL);
}

/* The task was cancelled while it waited. */
static void op_disarm(hop_waitable *w, hop_task *t)
{
    hop_sync_op *op = CONTAINER(w, hop_sync_op, w);

    (void)t;
    withdraw(op);
}

/* -- channels: moving values ----------------------------------------------- */

static void buf_push(hop_chan *ch, hop_value v)
{
    size_t i = ch->head + ch->len;

    if (i >= ch->cap)
        i -= ch->cap;
    ch->buf[i] = v;
    ch->len++;
}

static hop_value buf_pop(hop_chan *ch)
{
    hop_value v = ch->buf[ch->head];

    if (++ch->head == ch->cap)
        ch->head = 0;
    ch->len--;
    return v;
}

/*
 * Deliver v without waiting: to the oldest waiting receive, else into
 * the buffer. 0 when it would have to wait. A receive waits only while
 * the buffer is empty, and a send only while it is full, so FIFO order
 * holds on both sides.
 */
static int chan_put(hop_chan *ch, hop_value v)
{
    if (ch->receivers.head != NULL) {
        complete(ch->receivers.head, v, 0, NULL);
        return 1;
    }
    if (ch->len < ch->cap) {
        buf_push(ch, v);
        return 1;
    }
    return 0;
}

/*
 * Take a value without waiting into *v: the oldest buffered one (the
 * oldest waiting send then moves its value into the freed slot), else
 * the value of the oldest waiting send. 0 when it would have to wait.
 */
static int chan_take(hop_chan *ch, hop_value *v)
{
    hop_sync_op *s = ch->senders.head;

    if (ch->len > 0) {
        *v = buf_pop(ch);
        if (s != NULL) {
            buf_push(ch, s->val);
            complete(s, HOP_EMPTY, 0, NULL);
        }
        return 1;
    }
    if (s != NULL) {
        *v = s->val;
        complete(s, HOP_EMPTY, 0, NULL);
        return 1;
    }
    return 0;
}

static const char closed_send[] = "send on a closed channel";
static const char closed_recv[] = "receive on a closed channel";

/* -- the arms of the operations -------------------------------------------- */

static int send_arm(hop_waitable *w, hop_task *t)
{
    hop_sync_op *op = CONTAINER(w, hop_sync_op, w);
    hop_chan *ch = op->obj;

    hop_task_seal(t, w);
    op->task = t;
    op->state = S_WAIT;
    if (ch->closed)
        complete(op, HOP_EMPTY, HOP_ECLOSED, closed_send);
    else if (chan_put(ch, op->val))
        complete(op, HOP_EMPTY, 0, NULL);
    else
        return wait_in(op, &ch->senders);
    return HOP_OK;
}

static int recv_arm(hop_waitable *w, hop_task *t)
{
    hop_sync_op *op = CONTAINER(w, hop_sync_op, w);
    hop_chan *ch = op->obj;
    hop_value v;

    hop_task_seal(t, w);
    op->task = t;
    op->state = S_WAIT;
    if (chan_take(ch, &v))
        complete(op, v, 0, NULL);
    else if (ch->closed)
        complete(op, HOP_EMPTY, HOP_ECLOSED, closed_recv);
    else
        return wait_in(op, &ch->receivers);
    return HOP_OK;
}

static int sem_arm(hop_waitable *w, hop_task *t)
{
    hop_sync_op *op = CONTAINER(w, hop_sync_op, w);
    hop_sem *s = op->obj;

    hop_task_seal(t, w);
    op->task = t;
    op->state = S_WAIT;
    if (s->count == 0)
        return wait_in(op, &s->waiters);
    s->count--;
    complete(op, HOP_EMPTY, 0, NULL);
    return HOP_OK;
}

static int event_arm(hop_waitable *w, hop_task *t)
{
    hop_sync_op *op = CONTAINER(w, hop_sync_op, w);
    hop_event *e = op->obj;

    hop_task_seal(t, w);
    op->task = t;
    op->state = S_WAIT;
    if (!e->set)
        return wait_in(op, &e->waiters);
    complete(op, HOP_EMPTY, 0, NULL);
    return HOP_OK;
}

static int mutex_arm(hop_waitable *w, hop_task *t)
{
    hop_sync_op *op = CONTAINER(w, hop_sync_op, w);
    hop_mutex *m = op->obj;

    hop_task_seal(t, w);
    op->task = t;
    op->state = S_WAIT;
    if (m->owner == t) {
        complete(op, HOP_EMPTY, HOP_ESTATE, "mutex already held by the task");
    } else if (m->owner == NULL) {
        m->owner = t;
        complete(op, HOP_EMPTY, 0, NULL);
    } else {
        return wait_in(op, &m->waiters);
    }
    return HOP_OK;
}

static const hop_waitable_ops send_ops = {send_arm, op_disarm,
                                          "channel send", NULL};
static const hop_waitable_ops recv_ops = {recv_arm, op_disarm,
                                          "channel receive", NULL};
static const hop_waitable_ops sem_ops = {sem_arm, op_disarm, "semaphore", NULL};
static const hop_waitable_ops event_ops = {event_arm, op_disarm, "event", NULL};
static const hop_waitable_ops mutex_ops = {mutex_arm, op_disarm, "mutex", NULL};

/* -- the operation frame --------------------------------------------------- */

/* Whether op->obj is an initialised primitive of op's kind. */
static int target_ok(const hop_sync_op *op)
{
    switch (op->kind) {
    case K_SEND:
    case K_RECV:
        return chan_ok(op->obj);
    case K_SEM:
        return sem_ok(op->obj);
    case K_EVENT:
        return event_ok(op->obj);
    default:
        return mutex_ok(op->obj);
    }
}

static hop_step op_step(hop_gen *g, hop_frame *f)
{
    hop_sync_op *self = (hop_sync_op *)f;
    HOP_BEGIN(g, self);
    if (!target_ok(self))
        HOP_RAISE(self, HOP_EINVAL);
    self->task = hop_loop_current(hop_gen_loop(g));
    if (self->task == NULL)
        HOP_RAISE_MSG(self, HOP_ESTATE, "synchronisation outside a task");
    HOP_SPEND(self, 1);
    if (!target_ok(self)) /* (released while the task gave way) */
        HOP_RAISE(self, HOP_EINVAL);
    HOP_TRY(self);
        HOP_SUSPEND(self, &self->w);
    HOP_CATCH_ALL(self);
        withdraw(self);
        if (self->state != S_DONE || HOP_ERROR(self) != HOP_ECANCELED)
            HOP_RERAISE(self);
        /* Completed, then interrupted before the task ran again: keep
         * the outcome, and deliver the same interruption (not a new
         * one: a deadline scope's count stays right) at the next
         * suspension. */
        hop_task_defer_cancel(self->task, HOP_ERROR_MSG(self));
    HOP_END_TRY(self);
    if (self->state != S_DONE) {
        /* Woken by something else than the operation (a stray wake). */
        withdraw(self);
        HOP_RAISE_MSG(self, HOP_ESTATE, "woken while still waiting");
    }
    HOP_RETURN(self, self->val);
    HOP_END(self);
}

static hop_frame *op_init(hop_sync_op *op, int kind,
                          const hop_waitable_ops *ops, void *obj,
                          hop_value v, hop_time deadline)
{
    if (op == NULL)
        return NULL;
    hop_frame_init(&op->hdr, op_step, HOP_COROUTINE);
    op->w.ops = ops;
    hop_timer_init(&op->timer, op_expire);
    op->timer.data = op;
    op->next = op->prev = NULL;
    op->queue = NULL;
    op->task = NULL;
    op->obj = obj;
    op->deadline = deadline;
    op->val = v;
    op->kind = kind;
    op->state = S_IDLE;
    return &op->hdr;
}

/* Wake every operation of q with the error err. */
static void fail_all(hop_sync_queue *q, int err, const char *msg)
{
    while (q->head != NULL)
        complete(q->head, HOP_EMPTY, err, msg);
}

/* -- channels -------------------------------------------------------------- */

int hop_chan_init(hop_chan *ch, hop_value *buf, size_t cap)
{
    if (ch == NULL || (buf == NULL && cap > 0))
        return HOP_EINVAL;
    ch->buf = buf;
    ch->cap = cap;
    ch->head = 0;
    ch->len = 0;
    q_init(&ch->senders);
    q_init(&ch->receivers);
    ch->magic = CHAN_MAGIC;
    ch->closed = 0;
    ch->data = NULL;
    return HOP_OK;
}

int hop_chan_cleanup(hop_chan *ch)
{
    if (!chan_ok(ch))
        return HOP_EINVAL;
    if (ch->senders.head != NULL || ch->receivers.head != NULL)
        return HOP_EBUSY;
    ch->magic = 0;
    return HOP_OK;
}

hop_frame *hop_chan_send(hop_chan_op *op, hop_chan *ch, hop_value v,
                         hop_time deadline)
{
    return op_init(op, K_SEND, &send_ops, ch, v, deadline);
}

hop_frame *hop_chan_recv(hop_chan_op *op, hop_chan *ch, hop_time deadline)
{
    return op_init(op, K_RECV, &recv_ops, ch, HOP_EMPTY, deadline);
}

int hop_chan_try_send(hop_chan *ch, hop_value v)
{
    if (!chan_ok(ch))
        return HOP_EINVAL;
    if (ch->closed)
        return HOP_ECLOSED;
    return chan_put(ch, v) ? HOP_OK : HOP_EBUSY;
}

int hop_chan_try_recv(hop_chan *ch, hop_value *v)
{
    if (!chan_ok(ch) || v == NULL)
        return HOP_EINVAL;
    if (chan_take(ch, v))
        return HOP_OK;
    return ch->closed ? HOP_ECLOSED : HOP_EBUSY;
}

int hop_chan_close(hop_chan *ch)
{
    if (!chan_ok(ch))
        return HOP_EINVAL;
    if (ch->closed)
        return HOP_ESTATE;
    ch->closed = 1;
    fail_all(&ch->senders, HOP_ECLOSED, closed_send);
    fail_all(&ch->receivers, HOP_ECLOSED, closed_recv);
    return HOP_OK;
}

int hop_chan_len(const hop_chan *ch)
{
    return chan_ok(ch) ? (int)ch->len : HOP_EINVAL;
}

/* -- semaphores ------------------------------------------------------------ */

int hop_sem_init(hop_sem *s, uint32_t count)
{
    if (s == NULL || count > (uint32_t)HOP_SEM_MAX)
        return HOP_EINVAL;
    q_init(&s->waiters);
    s->count = count;
    s->magic = SEM_MAGIC;
    s->data = NULL;
    return HOP_OK;
}

int hop_sem_cleanup(hop_sem *s)
{
    if (!sem_ok(s))
        return HOP_EINVAL;
    if (s->waiters.head != NULL)
        return HOP_EBUSY;
    s->magic = 0;
    return HOP_OK;
}

hop_frame *hop_sem_acquire(hop_sem_op *op, hop_sem *s, hop_time deadline)
{
    return op_init(op, K_SEM, &sem_ops, s, HOP_EMPTY, deadline);
}

int hop_sem_release(hop_sem *s)
{
    if (!sem_ok(s))
        return HOP_EINVAL;
    if (s->waiters.head != NULL) {
        complete(s->waiters.head, HOP_EMPTY, 0, NULL); /* hand-off */
        return HOP_OK;
    }
    if (s->count >= (uint32_t)HOP_SEM_MAX)
        return HOP_ESTATE;
    s->count++;
    return HOP_OK;
}

int hop_sem_try_acquire(hop_sem *s)
{
    if (!sem_ok(s))
        return HOP_EINVAL;
    if (s->count == 0)
        return HOP_EBUSY;
    s->count--;
    return HOP_OK;
}

int hop_sem_count(const hop_sem *s)
{
    return sem_ok(s) ? (int)s->count : HOP_EINVAL;
}

/* -- events ---------------------------------------------------------------- */

int hop_event_init(hop_event *e)
{
    if (e == NULL)
        return HOP_EINVAL;
    q_init(&e->waiters);
    e->magic = EVENT_MAGIC;
    e->set = 0;
    e->data = NULL;
    return HOP_OK;
}

int hop_event_cleanup(hop_event *e)
{
    if (!event_ok(e))
        return HOP_EINVAL;
    if (e->waiters.head != NULL)
        return HOP_EBUSY;
    e->magic = 0;
    return HOP_OK;
}

int hop_event_set(hop_event *e)
{
    if (!event_ok(e))
        return HOP_EINVAL;
    e->set = 1;
    while (e->waiters.head != NULL)
        complete(e->waiters.head, HOP_EMPTY, 0, NULL);
    return HOP_OK;
}

int hop_event_clear(hop_event *e)
{
    if (!event_ok(e))
        return HOP_EINVAL;
    e->set = 0;
    return HOP_OK;
}

int hop_event_is_set(const hop_event *e)
{
    return event_ok(e) ? e->set != 0 : HOP_EINVAL;
}

hop_frame *hop_event_wait(hop_event_op *op, hop_event *e, hop_time deadline)
{
    return op_init(op, K_EVENT, &event_ops, e, HOP_EMPTY, deadline);
}

/* -- mutexes --------------------------------------------------------------- */

int hop_mutex_init(hop_mutex *m)
{
    if (m == NULL)
        return HOP_EINVAL;
    q_init(&m->waiters);
    m->owner = NULL;
    m->magic = MUTEX_MAGIC;
    m->data = NULL;
    return HOP_OK;
}

int hop_mutex_cleanup(hop_mutex *m)
{
    if (!mutex_ok(m))
        return HOP_EINVAL;
    if (m->owner != NULL || m->waiters.head != NULL)
        return HOP_EBUSY;
    m->magic = 0;
    return HOP_OK;
}

hop_frame *hop_mutex_lock(hop_mutex_op *op, hop_mutex *m, hop_time deadline)
{
    return op_init(op, K_MUTEX, &mutex_ops, m, HOP_EMPTY, deadline);
}

int hop_mutex_unlock(hop_mutex *m, hop_task *t)
{
    hop_sync_op *next;

    if (!mutex_ok(m) || hop_task_status(t) < 0)
        return HOP_EINVAL;
    if (m->owner != t)
        return HOP_ESTATE;
    next = m->waiters.head;
    m->owner = next != NULL ? next->task : NULL;
    if (next != NULL)
        complete(next, HOP_EMPTY, 0, NULL); /* hand-off */
    return HOP_OK;
}

int hop_mutex_try_lock(hop_mutex *m, hop_task *t)
{
    if (!mutex_ok(m) || hop_task_status(t) < 0)
        return HOP_EINVAL;
    if (m->owner == t)
        return HOP_ESTATE;
    if (m->owner != NULL)
        return HOP_EBUSY;
    m->owner = t;
    return HOP_OK;
}

hop_task *hop_mutex_owner(const hop_mutex *m)
{
    return mutex_ok(m) ? m->owner : NULL;
}
