/*
 * lib/core/internal.h: what the files of lib/core share and nobody else
 * sees. Never installed.
 */
#ifndef HOP_CORE_INTERNAL_H
#define HOP_CORE_INTERNAL_H

#include "hop/core.h"
#include "hop/task.h"
#include "hop/waitable.h"

/*
 * hop_frame.flags: state in the low bits, then marks, then a signature.
 * The state is CREATED, SUSPENDED (started: on an await chain, whether
 * its step runs or not; the trampoline writes it only on push and pop)
 * or FINISHED.
 */
/* (HOP__FS_MASK, HOP__FF_COROUTINE, HOP__FF_CLOSING: closing was
 * delivered into the frame, HOP__FF_SIG and its mask are in core.h.) */

/* Magic numbers of initialised handles (HOP__GEN_MAGIC is in core.h). */
#define HOP__ARENA_MAGIC 0x686f7061u /* "hopa" */
#define HOP__LOOP_MAGIC 0x686f706cu  /* "hopl" */

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

static inline unsigned hop__fstate(const hop_frame *f)
{
    return f->flags & HOP__FS_MASK;
}

static inline void hop__fset(hop_frame *f, unsigned state)
{
    f->flags = (f->flags & ~HOP__FS_MASK) | state;
}

static inline int hop__frame_ok(const hop_frame *f)
{
    return f != NULL && f->fn != NULL &&
           (f->flags & HOP__FF_SIG_MASK) == HOP__FF_SIG &&
           hop__fstate(f) >= HOP_STATE_CREATED &&
           hop__fstate(f) <= HOP_STATE_FINISHED;
}

/* Start a new error in g: code, message, context; empty traceback. */
void hop__exc_new(hop_gen *g, int code, const char *msg, int ctx);

/* The same in the record e (its formatted text is left as it is). */
void hop__exc_reset(hop_exc *e, int code, const char *msg, int ctx);

/* Release a frame taken from a's memory (no-op for any other frame). */
void hop__arena_release(hop_arena *a, void *p);

/* Put t at the end of its loop's ready queue, to resume with HOP_EMPTY
 * on the next pass (a yield to the other tasks, sleep(0)). */
void hop__task_requeue(hop_task *t);

/* now + d, saturating at HOP_FOREVER (d >= 0). */
static inline hop_time hop__after(hop_time now, hop_time d)
{
    return d >= HOP_FOREVER - now ? HOP_FOREVER : now + d;
}

/* The task running the frame a step got g for, or NULL (a plain
 * generator handle, or no task running). */
static inline hop_task *hop__current(const hop_gen *g)
{
    hop_loop *l = hop_gen_loop(g);

    return l != NULL ? l->current : NULL;
}

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

/* Write the string s, or the decimal v, through w (0 or w's result). */
int hop__put(hop_write_fn w, void *ctx, const char *s);
int hop__put_int(hop_write_fn w, void *ctx, long long v);

/* hop_exc_write, with str (when not NULL) giving the message of a code
 * outside hop's own band that was raised without one. */
int hop__exc_write(const hop_exc *e, hop_write_fn w, void *ctx,
                   const char *(*str)(int));

/* A loop's reports describe such codes with str (the libevent backend:
 * strerror for -errno). */
void hop__loop_set_errstr(hop_loop *l, const char *(*str)(int));

/* 'task 3 "name" (spawned at f.c:9)', the name and site when known. */
int hop__put_task(hop_write_fn w, void *ctx, uint32_t id, const char *name,
                  const char *site);

/* Work appeared: tell a backend that runs passes from its callbacks. */
void hop__loop_notify(hop_loop *l);

/* The earliest expiry in l's timer heap, or HOP_FOREVER. */
hop_time hop__timers_next(const hop_loop *l);

/* Fire, in order, every timer of l due at now. */
void hop__timers_fire(hop_loop *l, hop_time now);

#endif /* HOP_CORE_INTERNAL_H */
