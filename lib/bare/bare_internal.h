/*
 * lib/bare/internal.h: what the files of lib/bare share and nobody else
 * sees. Never installed. Freestanding, like the whole layer.
 */
#ifndef HOP_BARE_INTERNAL_H
#define HOP_BARE_INTERNAL_H

#include "hop/bare.h"
#include "hop/backend.h"

/* Magic number of an initialised hop_bare ("hopb"). */
#define HOP__BARE_MAGIC 0x686f7062u

/* The backend's operations (tick.c); a loop is on this backend when its
 * hop_loop.be points here. */
extern const hop_backend hop__bare_backend;

/* Nonzero when b is initialised. */
static inline int hop__bare_ok(const hop_bare *b)
{
    return b != NULL && b->magic == HOP__BARE_MAGIC;
}

/* Enter and leave b's critical section. */
static inline unsigned hop__bare_enter(hop_bare *b)
{
    return b->enter(b->crit_ctx);
}

static inline void hop__bare_leave(hop_bare *b, unsigned state)
{
    b->leave(b->crit_ctx, state);
}

/* The hooks installed by default: they do nothing. */
unsigned hop__bare_enter_none(void *ctx);
void hop__bare_leave_none(void *ctx, unsigned state);

/*
 * Run the events queued when called (not those they post), oldest
 * first, each outside the critical section (post.c). Returns how many
 * ran. Stops early when the loop is stopped.
 */
unsigned hop__bare_drain(hop_bare *b);

/*
 * Wait, in the loop's context, until deadline, an event or a wake: run
 * the events queued (returning as soon as any ran), else return when the
 * clock has reached deadline or hop_bare_wake was called, else call the
 * idle hook inside the critical section and look again (tick.c).
 */
void hop__bare_idle_wait(hop_bare *b, hop_time deadline);

#endif /* HOP_BARE_INTERNAL_H */
