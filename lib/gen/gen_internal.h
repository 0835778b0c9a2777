/*
 * lib/gen/gen_internal.h: what the files of the generator layer share and
 * nobody else sees. Never installed.
 */
#ifndef HOP_GEN_INTERNAL_H
#define HOP_GEN_INTERNAL_H

#include "hop/core.h"
#include "driver.h"

/*
 * hop_frame.flags: state in the low bits, then marks, then a signature.
 * The state is CREATED, SUSPENDED (started: on an await chain, whether
 * its step runs or not; the trampoline writes it only on push and pop)
 * or FINISHED. (HOP__FS_MASK, HOP__FF_COROUTINE, HOP__FF_CLOSING: closing
 * was delivered into the frame, HOP__FF_SIG and its mask are in core.h.)
 */

/* hop_arena.magic of an initialised arena ("hopa"; HOP__GEN_MAGIC is in
 * core.h). */
#define HOP__ARENA_MAGIC 0x686f7061u

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

/* Release a frame taken from a's memory (no-op for any other frame). */
void hop__arena_release(hop_arena *a, void *p);

#endif /* HOP_GEN_INTERNAL_H */
