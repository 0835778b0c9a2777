/*
 * hop/backend.h: what a backend of the loop is and may use.
 *

 * A backend gives a loop its clock, its way of waiting and of being
 * woken (hop_backend), and may run the loop's passes from its own event
 * loop. The backends in the library (libevent, bare metal, simulation)
 * reach the loop through this header only; a program may write its own
 * the same way.
 *
 * This header is freestanding.
 */
#ifndef HOP_BACKEND_H
#define HOP_BACKEND_H

#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a loop needs from the world. now returns the current time.
 * wait blocks until the absolute time deadline (HOP_FOREVER: until woken
 * or until an event source of the backend fires) or until wake is
 * called; it returns HOP_OK, or HOP_EBUSY when it can never return
 * (nothing could ever happen: a deadlock). wake may be called from
 * another thread or a signal handler, if the backend says so. notify
 * (optional, NULL for none) is called when work appears while
 * hop_loop_run is not running (a task became ready, or the earliest
 * deadline moved), for backends whose event loop is run by the
 * application and runs hop's passes from its own callbacks.
 */
struct hop_backend {
    hop_time (*now)(void *ctx);
    int (*wait)(void *ctx, hop_time deadline);
    void (*wake)(void *ctx);
    void (*notify)(void *ctx);
};

/*
 * The context l was initialised with (hop_loop_init's ctx) when l runs
 * on the backend be, else NULL (NULL arguments, an uninitialised loop,
 * another backend).
 */
HOP_API void *hop_loop_backend(const hop_loop *l, const hop_backend *be);

/* Nonzero when tasks of l are ready to run (0 for NULL). */
HOP_API int hop_loop_ready(const hop_loop *l);

/*
 * Nonzero when hop_loop_stop was called on l since the stop was last
 * cleared (hop_loop_run clears it when it begins; so does
 * hop_loop_clear_stop, for a backend that runs passes itself).
 */
HOP_API int hop_loop_stopping(const hop_loop *l);
HOP_API void hop_loop_clear_stop(hop_loop *l);

/* Nonzero while hop_loop_run runs on l. */
HOP_API int hop_loop_running(const hop_loop *l);

/*
 * Have l's reports of failed tasks describe error codes outside hop's
 * own band that were raised without a message with str (the libevent
 * backend: strerror for a negated errno). NULL: hop_strerror.
 */
HOP_API void hop_loop_set_errstr(hop_loop *l, const char *(*str)(int));

#ifdef __cplusplus
}
#endif

#endif /* HOP_BACKEND_H */
