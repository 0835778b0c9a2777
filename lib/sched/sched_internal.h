/*
 * lib/sched/sched_internal.h: what the files of the scheduler share and
 * nobody else sees. Never installed. The scheduler drives generator
 * handles through the generator layer's driver interface (driver.h).
 */
#ifndef HOP_SCHED_INTERNAL_H
#define HOP_SCHED_INTERNAL_H

#include "hop/core.h"
#include "hop/task.h"
#include "hop/future.h"
#include "hop/scope.h"
#include "hop/waitable.h"
#include "hop/backend.h"
#include "../gen/driver.h"

/* hop_loop.magic of an initialised loop ("hopl"). */
#define HOP__LOOP_MAGIC 0x686f706cu

/* hop_task.state: the signature in the high bits, the state below. */
#define HOP__TASK_SIG 0xc0u
#define HOP__TASK_SIG_MASK 0xf0u

/* The internal task states (low bits of hop_task.state). */
enum {
    HOP__T_NEW = 1,     /* initialised */
    HOP__T_DELAYED,     /* spawned with a delay that has not passed */
    HOP__T_READY,       /* in the ready queue */
    HOP__T_RUNNING,     /* its frames are executing */
    HOP__T_ARMING,      /* its waitable is being armed */
    HOP__T_WAITING,     /* suspended on a waitable */
    HOP__T_DONE,        /* finished: returned */
    HOP__T_FAILED,      /* finished: error */
    HOP__T_CANCELLED    /* finished: cancelled */
};

/* hop_task.flags */
#define HOP__TF_STARTED 0x01u /* the root frame has run */
#define HOP__TF_NOW 0x02u     /* woken while arming: go on at once */
#define HOP__TF_PENDING 0x04u /* an interruption not yet delivered */
#define HOP__TF_ERR 0x08u     /* u.r.val holds an error code */
#define HOP__TF_JOINED 0x10u  /* a join has waited on it */
#define HOP__TF_BESIDE 0x20u  /* arming: u.w.pprev says where to wait */
#define HOP__TF_OWN 0x40u     /* its wait is one of hop's own kinds' */

static inline unsigned hop__tstate(const hop_task *t)
{
    return t->state & ~HOP__TASK_SIG_MASK;
}

/* The loop of t (through its group for a group's child). */
static inline hop_loop *hop__task_loop(const hop_task *t)
{
    uintptr_t o = t->owner;

    return (o & 1u) != 0 ? ((const hop_group *)(o - 1u))->loop
                         : (hop_loop *)o;
}

/* Put t at the end of its loop's ready queue, to resume with HOP_EMPTY
 * on the next pass (a yield to the other tasks, sleep(0)). */
void hop__task_requeue(hop_task *t);

/* The loop that drives the handle g, or NULL (hop_gen_loop). */
static inline hop_loop *hop__gen_loop(const hop_gen *g)
{
    hop_loop *l = (hop_loop *)hop__gen_owner(g);

    /* (Only a loop drives a handle today; the check costs two loads.) */
    return l != NULL && l->magic == HOP__LOOP_MAGIC && &l->run == g ? l
                                                                    : NULL;
}

/* The task running the frame a step got g for, or NULL (a plain
 * generator handle, or no task running). */
hop_task *hop__current(const hop_gen *g);

/*
 * The scopes and groups a task has entered and not left, innermost first
 * (hop_task.ctx): entering one already on the list is refused, and
 * leaving takes it off. Only the task's own list is read, never the
 * struct being entered (which may be memory never written).
 */
static inline int hop__ctx_has(const hop_task *t, const hop__link *k)
{
    const hop__link *p;

    for (p = t->ctx; p != NULL; p = p->up)
        if (p == k)
            return 1;
    return 0;
}

static inline void hop__ctx_push(hop_task *t, hop__link *k)
{
    k->up = t->ctx;
    t->ctx = k;
}

static inline void hop__ctx_pop(hop_task *t, hop__link *k)
{
    hop__link **p;

    for (p = &t->ctx; *p != NULL; p = &(*p)->up) {
        if (*p == k) {
            *p = k->up;
            return;
        }
    }
}

/* Interrupt t (a cancel request or an expired deadline scope). */
void hop__task_interrupt(hop_task *t, const char *msg);

/* From a waitable's arm: have the arming task t wait right before
 * other in the loop's waiting list (waiters of one waitable together). */
void hop__task_beside(hop_task *t, hop_task *other);

/* A join starts or stops waiting (the loop wakes it when its target
 * ends). */
void hop__join_park(hop_loop *l, hop_join_frame *j);
void hop__join_unpark(hop_loop *l, hop_join_frame *j);

/* Wake, in the order they came, the joins of t, which has ended.
 * Returns how many there were. */
int hop__wake_joins(hop_loop *l, hop_task *t);

/* Have the running task t raise HOP_ECANCELED (msg) at its next
 * suspension, as the delivery of an interruption already counted. */
void hop__task_pend(hop_task *t, const char *msg);

/* Take back an interruption of t made by a scope or group entered when
 * t's count was entry. Returns 1 when no other interruption came since
 * (one not delivered yet is then withdrawn). */
int hop__task_take_back(hop_task *t, uint32_t entry);


/* Raise in g the error the ended task t failed or was cancelled with,
 * its own traceback first (a join). */
void hop__raise_joined(hop_gen *g, const hop_task *t);

/* The message of t's error as a static string: the format of a
 * formatted one (for those who keep it past t's reuse). */
const char *hop__task_static_msg(const hop_task *t);

/* A child task of a group has ended. */
void hop__group_child_ended(hop_task *t);


/* The earliest expiry in l's timer heap, or HOP_FOREVER. */
hop_time hop__timers_next(const hop_loop *l);

/* Fire, in order, every timer of l due at now. */
void hop__timers_fire(hop_loop *l, hop_time now);

/* -- the states and lists of tasks, shared by loop.c and task.c --------- */

/* Work appeared: tell a backend that runs passes from its callbacks
 * (task.c, below loop.c and timer.c, which use it too). */
void hop__loop_notify(hop_loop *l);

/* The start time of a delayed task (kept in two halves). */
static inline hop_time hop__start_of(const hop_task *t)
{
    return (hop_time)(((uint64_t)t->u.start[1] << 32) | t->u.start[0]);
}

static inline void hop__set_start(hop_task *t, hop_time when)
{
    t->u.start[0] = (uint32_t)((uint64_t)when & 0xffffffffu);
    t->u.start[1] = (uint32_t)((uint64_t)when >> 32);
}

static inline void hop__set_state(hop_task *t, unsigned s)
{
    t->state = (uint8_t)(HOP__TASK_SIG | s);
}

static inline int hop__loop_ok(const hop_loop *l)
{
    return l != NULL && l->magic == HOP__LOOP_MAGIC;
}

/* An initialised task (its loop is checked by task_ok). */
static inline int hop__task_sig(const hop_task *t)
{
    return t != NULL && (t->state & HOP__TASK_SIG_MASK) == HOP__TASK_SIG &&
           hop__tstate(t) >= HOP__T_NEW && hop__tstate(t) <= HOP__T_CANCELLED;
}

static inline int hop__task_ok(const hop_task *t)
{
    /* (A loop or group is at least pointer-aligned: a cheap check on a
     * task that is not what it seems before following its owner.) */
    return hop__task_sig(t) && t->owner > 1u &&
           ((t->owner & ~(uintptr_t)1u) % sizeof(void *)) == 0 &&
           hop__loop_ok(hop__task_loop(t));
}

static inline int hop__finished(const hop_task *t)
{
    return hop__tstate(t) >= HOP__T_DONE;
}

static inline void hop__enqueue(hop_loop *l, hop_task *t)
{
    hop__set_state(t, HOP__T_READY);
    t->next = NULL;
    if (l->ready_tail != NULL) {
        l->ready_tail->next = t;
    } else {
        l->ready = t;
        hop__loop_notify(l);
    }
    l->ready_tail = t;
}

/* Take the waiting task t off its loop's waiting list. */
static inline void hop__unpark(hop_task *t)
{
    *t->u.w.pprev = t->next;
    if (t->next != NULL)
        t->next->u.w.pprev = t->u.w.pprev;
    t->next = NULL;
}

/* Set what t is to resume with: the value v, or the error err (msg). */
static inline void hop__outcome(hop_task *t, hop_value v, int err, const char *msg)
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

#endif /* HOP_SCHED_INTERNAL_H */

