/*
 * lib/gen/driver.h: what the generator layer offers the code that drives
 * handles over frames it does not own (the scheduler, which runs every
 * task of a loop on one handle). Never installed; nothing here knows of
 * loops or tasks: the handle carries one opaque owner word for its
 * driver.
 */
#ifndef HOP_GEN_DRIVER_H
#define HOP_GEN_DRIVER_H

#include "hop/core.h"

/*
 * Make g a driver's handle: owned by owner (never NULL), finished, with
 * nothing loaded. hop_gen_init is for handles of a root of their own.
 */
void hop__gen_init_driven(hop_gen *g, void *owner);

/*
 * Load into the driver's handle g the chain to run next: f is either a
 * frame not started yet (it becomes the root: the next hop_gen_send
 * starts it) or the innermost frame of a suspended chain (resumed by
 * hop_gen_send or hop_gen_throw). Errors raised are recorded in exc
 * (NULL: g's own record). f NULL unloads: g is finished again. After a
 * run, hop_gen_frame(g) is the innermost frame to save.
 */
void hop__gen_load(hop_gen *g, hop_frame *f, hop_exc *exc);

/* The owner of g (NULL for a handle of the caller's own, or not a
 * handle). */
static inline void *hop__gen_owner(const hop_gen *g)
{
    return g != NULL && g->magic == HOP__GEN_MAGIC ? g->owner : NULL;
}

/* Where the suspended frame f waits: its function's hop_where and the
 * line (1), or 0 for a frame that cannot tell or has not started. */
int hop__frame_where(const hop_frame *f, const hop_where **where,
                     int *line);

/* Start a new error in g: code, message, context; empty traceback. */
void hop__exc_new(hop_gen *g, int code, const char *msg, int ctx);

/* The same in the record e (its formatted text is left as it is). */
void hop__exc_reset(hop_exc *e, int code, const char *msg, int ctx);

/* hop_exc_write, with str (when not NULL) giving the message of a code
 * outside hop's own band that was raised without one. */
int hop__exc_write(const hop_exc *e, hop_write_fn w, void *ctx,
                   const char *(*str)(int));

/* Write v / 10^k (toward zero) in decimal through w: 0 or w's result.
 * (No division: nothing from libgcc on a core without one.) */
int hop__write_scaled(hop_write_fn w, void *ctx, long long v, unsigned k);

/* 'task 3 "name" (spawned at f.c:9)', the name and site when known (the
 * origin of an error that came through a join). */
int hop__put_task(hop_write_fn w, void *ctx, uint32_t id, const char *name,
                  const char *site);

#endif /* HOP_GEN_DRIVER_H */
