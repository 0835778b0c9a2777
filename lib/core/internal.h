/*
 * lib/core/internal.h: what the files of lib/core share and nobody else
 * sees. Never installed.
 */
#ifndef HOP_CORE_INTERNAL_H
#define HOP_CORE_INTERNAL_H

#include "hop/core.h"

/* hop_frame.flags: state in the low bits, then marks, then a signature. */
#define HOP__FS_MASK 0x7u     /* HOP_STATE_* or HOP__FS_AWAITING */
#define HOP__FS_AWAITING 5u   /* suspended in an await of a child */
#define HOP__FF_COROUTINE 0x8u /* kind HOP_COROUTINE */
#define HOP__FF_CLOSING 0x10u  /* close was delivered into this frame */
#define HOP__FF_SIG 0x4f500000u /* set by hop_frame_init */
#define HOP__FF_SIG_MASK 0xfff00000u

/* Magic numbers of initialised handles. */
#define HOP__GEN_MAGIC 0x686f7067u   /* "hopg" */
#define HOP__ARENA_MAGIC 0x686f7061u /* "hopa" */

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
           hop__fstate(f) <= HOP__FS_AWAITING;
}

/* Start a new error in g: code, message, context; empty traceback. */
void hop__exc_new(hop_gen *g, int code, const char *msg, int ctx);

/* Release a frame taken from a's memory (no-op for any other frame). */
void hop__arena_release(hop_arena *a, void *p);

#endif /* HOP_CORE_INTERNAL_H */
