/*
 * test/sched/task.h: the bodies and helpers that the tests of tasks, the
 * loop, joins, futures and waitables (task.c, loop.c, join.c, future.c,
 * waitable.c) share.
 */
#ifndef HOP_TEST_SCHED_TASK_H
#define HOP_TEST_SCHED_TASK_H

#include "t.h"

#define E_A 1001
#define E_B 1002

static const char m_a[] = "message A";
static const char m_b[] = "message B";
static const char m_cancel[] = "cancel message";

/* One frame type for every task body of these tests. */
typedef struct body {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_join_frame j;
    hop_gen g;             /* a plain handle driven from inside a task */
    hop_sleep_frame sl2;   /* its root */
    hop_loop *loop;
    hop_task *task;        /* the task running this body */
    hop_task *other;       /* the task to join */
    hop_future *fut;       /* a future to complete */
    hop_waitable *w;       /* what to wait on */
    const char *name;      /* prefix of the trace entries */
    const char *msg;       /* message of the error caught */
    hop_time t;            /* a delay or a deadline */
    hop_value v;           /* value to return, or value received */
    int n, i, stop_at;
    int err;               /* error caught */
    int rc, rc2, rc3;      /* results of calls made inside the task */
    int cur, gl, cur2;     /* probes of hop_loop_current, hop_gen_loop */
} body;

static inline const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_B:
        return "E_B";
    default:
        return hop_err_name(e);
    }
}

/* Prepare body b and task t (zero-filled first) for fn, not spawned. */
static inline void prep(hop_task *t, hop_loop *l, body *b, hop_fn fn,
                        const char *name)
{
    t_fill(b, sizeof *b, 0);
    b->loop = l;
    b->task = t;
    b->name = name;
    t_task_new(t, l, &b->hdr, fn, name);
}

static inline void spawn(hop_task *t, hop_loop *l, body *b, hop_fn fn,
                         const char *name)
{
    prep(t, l, b, fn, name);
    T_EQ(hop_spawn(t), HOP_OK);
}

/* record "<name> ran"; return v */
static inline hop_step b_return(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " ran");
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* record "<name><clock>"; return */
static inline hop_step b_time(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_addv(self->name, hop_loop_now(self->loop));
    HOP_END(self);
}

/* record "<name> ran"; raise E_A "message A" */
static inline hop_step b_raise(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    tr_add2(self->name, " ran");
    HOP_RAISE_MSG(self, E_A, m_a);
    HOP_END(self);
}

/* for i in 1..n: record "<name><i>"; stop the loop at stop_at; sleep(t)
 * between entries. Return n. */
static inline hop_step b_passes(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    for (self->i = 1; self->i <= self->n; self->i++) {
        tr_addv(self->name, self->i);
        if (self->i == self->stop_at)
            hop_loop_stop(self->loop);
        if (self->i < self->n)
            HOP_AWAIT(self, hop_sleep(&self->sl, self->t));
    }
    HOP_RETURN(self, self->n);
    HOP_END(self);
}

/* try { record "<name> waits"; v = wait on w; record "<name> got <v>" }
 * handler all { record "<name> raised <E>", keep err and msg }; return v */
static inline hop_step b_wait(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        tr_add2(self->name, " waits");
        HOP_SUSPEND(self, self->w);
        self->v = HOP_VALUE(self);
        tr_add3(self->name, " got ", t_vstr(self->v, buf));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        tr_add3(self->name, " raised ", err_str(self->err));
    HOP_END_TRY(self);
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* record "<name> waits"; v = wait on w (errors leave the task);
 * record "<name> got <v>"; return v */
static inline hop_step b_wait_plain(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    tr_add2(self->name, " waits");
    HOP_SUSPEND(self, self->w);
    self->v = HOP_VALUE(self);
    tr_add3(self->name, " got ", t_vstr(self->v, buf));
    HOP_RETURN(self, self->v);
    HOP_END(self);
}

/* try { v = join(other); record "<name> joined <v>" } handler all {
 * record "<name> join raised <E>", keep err and msg } */
static inline hop_step b_join(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    char buf[T_VBUF];
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_join(&self->j, self->other));
        self->v = HOP_VALUE(self);
        tr_add3(self->name, " joined ", t_vstr(self->v, buf));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        tr_add3(self->name, " join raised ", err_str(self->err));
    HOP_END_TRY(self);
    HOP_END(self);
}

static int on_error_calls;
static hop_task *on_error_last;

static inline void count_error(hop_task *t)
{
    on_error_calls++;
    on_error_last = t;
}

static hop_loop *err_loop;
static int err_status, err_code, err_current_null;
static const char *err_msg;

static inline void note_error(hop_task *t)
{
    count_error(t);
    err_status = hop_task_status(t);
    err_code = hop_task_error(t);
    err_msg = hop_task_errmsg(t);
    err_current_null = hop_loop_current(err_loop) == NULL;
}

#endif /* HOP_TEST_SCHED_TASK_H */
