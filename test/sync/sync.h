/*
 * test/sync/sync.h: the task body that runs any single operation on a
 * channel, semaphore, event or mutex, and what else the tests of
 * test/sync/ share.
 */
#ifndef HOP_TEST_SYNC_SYNC_H
#define HOP_TEST_SYNC_SYNC_H

#include "t.h"

static inline const char *err_str(int e)
{
    return hop_err_name(e);
}

enum { OP_SEND = 1, OP_RECV, OP_ACQ, OP_WAIT, OP_LOCK };

typedef struct body {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sync_op op;
    hop_sleep_frame sl;
    hop_chan *ch;
    hop_chan *ch2;
    hop_sem *sem;
    hop_event *ev;
    hop_mutex *mx;
    hop_task *task;        /* the task running this body */
    const char *name;      /* prefix of the trace entries */
    const char *msg;       /* message of the error caught */
    hop_time deadline;     /* of each operation */
    hop_time hold;         /* sleep after each operation; < 0: none */
    hop_time at;           /* the clock when the error was caught */
    hop_value v;           /* value to send (plus i), or last received */
    int kind;              /* OP_* */
    int i, n;              /* operations done, operations to do */
    int err;               /* error caught */
    int rc;                /* result of a release or unlock */
} body;

static inline void rec(body *b, const char *what, hop_value v)
{
    char buf[T_VBUF];

    tr_add3(b->name, what, v == HOP_EMPTY ? "" : t_vstr(v, buf));
}

static inline hop_frame *make_op(body *b)
{
    switch (b->kind) {
    case OP_SEND:
        return hop_chan_send(&b->op, b->ch, b->v + b->i, b->deadline);
    case OP_RECV:
        return hop_chan_recv(&b->op, b->ch, b->deadline);
    case OP_ACQ:
        return hop_sem_acquire(&b->op, b->sem, b->deadline);
    case OP_WAIT:
        return hop_event_wait(&b->op, b->ev, b->deadline);
    default:
        return hop_mutex_lock(&b->op, b->mx, b->deadline);
    }
}

static inline const char *done_word(int kind)
{
    switch (kind) {
    case OP_SEND:
        return " sent ";
    case OP_RECV:
        return " got ";
    case OP_ACQ:
        return " acquired";
    case OP_WAIT:
        return " woke";
    default:
        return " locked";
    }
}

/* Give back what the operation took (a permit, a lock), if anything. */
static inline void give_back(body *b)
{
    if (b->kind == OP_ACQ)
        b->rc = hop_sem_release(b->sem);
    else if (b->kind == OP_LOCK)
        b->rc = hop_mutex_unlock(b->mx, b->task);
    else
        return;
    tr_add2(b->name, " released");
}

/*
 * n times: op; record it; if hold >= 0: sleep(hold), give back. Any
 * error (cancellation included) is caught and recorded.
 */
static inline hop_step op_body(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (self->i = 0; self->i < self->n; self->i++) {
            HOP_AWAIT(self, make_op(self));
            if (self->kind == OP_RECV)
                self->v = HOP_VALUE(self);
            rec(self, done_word(self->kind),
                self->kind == OP_SEND ? self->v + self->i
                                      : HOP_VALUE(self));
            if (self->hold >= 0) {
                HOP_AWAIT(self, hop_sleep(&self->sl, self->hold));
                give_back(self);
            }
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        self->at = hop_loop_now(hop_gen_loop(HOP_GEN(self)));
        tr_add3(self->name, " raised ", err_str(self->err));
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Prepare body b and task t (zero-filled) for one op of kind, unspawned. */
static inline void prep(hop_task *t, hop_loop *l, body *b, int kind,
                        const char *name)
{
    t_fill(b, sizeof *b, 0);
    b->kind = kind;
    b->name = name;
    b->n = 1;
    b->hold = -1;
    b->deadline = HOP_FOREVER;
    b->task = t;
    t_task_new(t, l, &b->hdr, op_body, name);
}

static inline void start(hop_task *t, hop_loop *l, body *b, int kind,
                         const char *name)
{
    prep(t, l, b, kind, name);
    T_EQ(hop_spawn(t), HOP_OK);
}

static inline void run(hop_loop *l)
{
    T_EQ(hop_loop_run(l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_tasks(l), 0);
}

static inline void nowait(hop_loop *l)
{
    T_EQ(hop_loop_run(l, HOP_RUN_NOWAIT), HOP_OK);
}

#endif /* HOP_TEST_SYNC_SYNC_H */
