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
#define HOP__TASK_MAGIC 0x686f7074u  /* "hopt" */

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

/* Interrupt t (a cancel request or an expired deadline scope). */
void hop__task_interrupt(hop_task *t, const char *msg);

/* A child task of a group has ended. */
void hop__group_child_ended(hop_task *t);

/* Write the string s, or the decimal v, through w (0 or w's result). */
int hop__put(hop_write_fn w, void *ctx, const char *s);
int hop__put_int(hop_write_fn w, void *ctx, long long v);

/* Work appeared: tell a backend that runs passes from its callbacks. */
void hop__loop_notify(hop_loop *l);

/* The earliest expiry in l's timer heap, or HOP_FOREVER. */
hop_time hop__timers_next(const hop_loop *l);

/* Fire, in order, every timer of l due at now. */
void hop__timers_fire(hop_loop *l, hop_time now);

#endif /* HOP_CORE_INTERNAL_H */
