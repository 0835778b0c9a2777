/*
 * hop/bare.h: the bare-metal backend, for microcontrollers with no OS.
 *
 * A hop loop whose clock is a tick the application feeds (hop_bare_tick
 * from a SysTick handler or the main loop, or hop_bare_advance), whose
 * outside events are posted from interrupt handlers into a fixed-size
 * ring the caller supplies (hop_bare_post), and which, when nothing is
 * ready, calls an idle hook with the next deadline so the application can
 * sleep the CPU until then (hop_bare_set_idle). hop_bare_run_until_idle
 * and hop_bare_run drive it.
 *
 * Interrupt safety comes from a critical-section hook the application
 * supplies (hop_bare_set_critical: on Cortex-M, save PRIMASK and disable
 * interrupts; restore it). Every access to the ring and to the clock is
 * made inside it, so any number of interrupt handlers, at any priority,
 * may post and tick while the main loop runs. The default hooks do
 * nothing, which is right on a host and in tests that post from the main
 * loop only.
 *
 * Everything is caller-owned and nothing allocates. This header is
 * freestanding.
 */
#ifndef HOP_BARE_H
#define HOP_BARE_H

#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A posted event: fn(arg) runs in the loop's context (the main loop). */
typedef void (*hop_bare_fn)(void *arg);

/*
 * One slot of the event ring. The caller supplies an array of them to
 * hop_loop_init_bare and never touches it while the loop is initialised.
 */
typedef struct hop_bare_event {
    hop_bare_fn fn; /* private: the callback */
    void *arg;      /* private: its argument */
} hop_bare_event;

/*
 * The critical section: enter masks whatever may call hop_bare_post or
 * hop_bare_tick (interrupts) and returns the previous state, which exit
 * restores. Sections nest: enter may be called again inside one.
 */
typedef unsigned (*hop_bare_enter_fn)(void *ctx);
typedef void (*hop_bare_exit_fn)(void *ctx, unsigned state);

/*
 * The idle hook: called when no task is ready, no event is queued and no
 * deadline has come, with the next deadline (absolute, on the loop's
 * clock; HOP_FOREVER when only an event can make work). It is called
 * inside the critical section; it should sleep the CPU until an
 * interrupt or the deadline (WFI wakes on a pending interrupt even with
 * interrupts masked), and it may feed ticks or post events itself.
 */
typedef void (*hop_bare_idle_fn)(void *ctx, hop_time deadline);

/*
 * The backend's state. Caller-owned; not movable while initialised. All
 * fields are private but data.
 */
typedef struct hop_bare {
    hop_loop *loop;                 /* private: the loop it serves */
    hop_bare_event *queue;          /* private: the caller's ring */
    unsigned cap;                   /* private: its slots */
    volatile unsigned head;         /* private: next slot to run */
    volatile unsigned count;        /* private: events queued */
    volatile uint32_t dropped;      /* private: posts refused, queue full */
    volatile hop_time now;          /* private: the clock (read with
                                       hop_bare_now) */
    volatile int woken;             /* private: hop_bare_wake was called */
    int running;                    /* private: inside hop_bare_run* */
    hop_bare_enter_fn enter;        /* private: critical section hooks */
    hop_bare_exit_fn leave;         /* private */
    void *crit_ctx;                 /* private: their context */
    hop_bare_idle_fn idle;          /* private: the idle hook, or NULL */
    void *idle_ctx;                 /* private: its context */
    uint32_t magic;                 /* private: set while initialised */
    void *data;                     /* public: for the caller */
} hop_bare;

/*
 * Initialise the backend b with the event ring queue[0..cap-1] (cap >= 1)
 * and the loop l on it. The clock starts at 0; the critical-section
 * hooks do nothing and there is no idle hook. b and queue must stay
 * valid and unmoved until hop_bare_cleanup. HOP_EINVAL for NULL
 * arguments or cap 0.
 */
HOP_API int hop_loop_init_bare(hop_loop *l, hop_bare *b,
                               hop_bare_event *queue, unsigned cap);

/*
 * Release b after hop_loop_cleanup(l) succeeded. HOP_EBUSY while events
 * are queued (run them first); HOP_EINVAL when b is not initialised.
 */
HOP_API int hop_bare_cleanup(hop_bare *b);

/*
 * Install the critical-section hooks (both, or both NULL for the no-op
 * default) with their context. Call it before interrupts may post.
 * HOP_EINVAL for a NULL b or only one hook.
 */
HOP_API int hop_bare_set_critical(hop_bare *b, hop_bare_enter_fn enter,
                                  hop_bare_exit_fn exit, void *ctx);

/* -- the clock ------------------------------------------------------------- */

/*
 * Set the clock to now (nanoseconds; it never goes back), or move it
 * forward by d >= 0. Timers that are then due fire on the loop's next
 * pass. Interrupt-safe. HOP_EINVAL for a NULL or uninitialised b, a time
 * before the clock, a negative d, or a clock that would reach
 * HOP_FOREVER.
 */
HOP_API int hop_bare_tick(hop_bare *b, hop_time now);
HOP_API int hop_bare_advance(hop_bare *b, hop_time d);

/* The clock (0 for a NULL or uninitialised b). Interrupt-safe. */
HOP_API hop_time hop_bare_now(hop_bare *b);

/* -- events from interrupt handlers ------------------------------------------ */

/*
 * Queue fn(arg) to run in the loop's context, after the events queued
 * before it. Interrupt-safe (inside the critical section). HOP_EBUSY
 * when the ring is full: the post is counted in hop_bare_dropped and not
 * queued. HOP_EINVAL for a NULL b or fn or an uninitialised b.
 */
HOP_API int hop_bare_post(hop_bare *b, hop_bare_fn fn, void *arg);

/* Posts refused because the ring was full, since init. Interrupt-safe. */
HOP_API uint32_t hop_bare_dropped(hop_bare *b);

/* Events queued and not yet run. Interrupt-safe. */
HOP_API unsigned hop_bare_pending(hop_bare *b);

/*
 * Make the loop look at its work again: an idle wait in progress returns
 * after the idle hook does. Interrupt-safe.
 */
HOP_API void hop_bare_wake(hop_bare *b);

/* -- idling and running -------------------------------------------------------- */

/*
 * Install the idle hook fn with its context (fn NULL: none; the loop then
 * polls the ring and the clock while it waits). HOP_EINVAL for a NULL or
 * uninitialised b.
 */
HOP_API int hop_bare_set_idle(hop_bare *b, hop_bare_idle_fn fn, void *ctx);

/*
 * Run l until it is idle: repeatedly run the events queued, then one pass
 * of the loop (due timers, delayed starts, every ready task once), until
 * no event is queued, no task is ready and no deadline is due at the
 * clock's time, or until hop_loop_stop. Never calls the idle hook and
 * never moves the clock. Returns HOP_OK; HOP_EINVAL when l is not an
 * initialised loop on this backend; HOP_ERUNNING when called from a task
 * of l, from a posted event or the idle hook, or inside hop_loop_run.
 */
HOP_API int hop_bare_run_until_idle(hop_loop *l);

/*
 * Run l until hop_loop_stop: as hop_bare_run_until_idle, and whenever l
 * is idle, call the idle hook with the next deadline (or, without one,
 * poll the ring and the clock), then go on. It does not return when the
 * tasks are all done: events may still come. Returns HOP_OK once
 * stopped; errors as hop_bare_run_until_idle.
 */
HOP_API int hop_bare_run(hop_loop *l);

#ifdef __cplusplus
}
#endif

#endif /* HOP_BARE_H */
