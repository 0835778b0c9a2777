/*
 * hop/time.h: time on a loop's clock, and timers.
 *

 * Times are nanoseconds on the clock of a loop's backend. A timer calls
 * a function when its deadline passes; it lives in the caller's memory
 * and the loop's timer queue links it in, so nothing is allocated.
 *
 * This header is freestanding.
 */
#ifndef HOP_TIME_H
#define HOP_TIME_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -- time --------------------------------------------------------------- */

/* A point or span of time on a loop's clock, in nanoseconds. */
typedef int64_t hop_time;

/* A deadline that never comes. */
#define HOP_FOREVER INT64_MAX

#define HOP_USEC(n) ((hop_time)(n) * 1000)
#define HOP_MSEC(n) ((hop_time)(n) * 1000000)
#define HOP_SEC(n) ((hop_time)(n) * 1000000000)

/* now + d (d >= 0), saturating at HOP_FOREVER. */
static inline hop_time hop_time_after(hop_time now, hop_time d)
{
    return d >= HOP_FOREVER - now ? HOP_FOREVER : now + d;
}

typedef struct hop_loop hop_loop;
typedef struct hop_timer hop_timer;

/* Lists in the timer queue (see HOP_CONF_TIMER_BITS). */
#if HOP_CONF_TIMER_BITS > 0
#define HOP__TIMER_BUCKETS                                                   \
    (1 + (64 / HOP_CONF_TIMER_BITS) * ((1 << HOP_CONF_TIMER_BITS) - 1))
#else
#define HOP__TIMER_BUCKETS 1
#endif

/* -- timers --------------------------------------------------------------- */

/* Called by the loop when the timer t expires (it is then stopped). */
typedef void (*hop_timer_fn)(hop_timer *t);

/*
 * A timer: a node of the loop's timer queue. Caller-owned; hop_timer_init
 * once, then start and stop any number of times. Starting and stopping
 * cost O(1); firing costs amortised O(log d) in the span d of the
 * deadlines (a radix heap, see HOP_CONF_TIMER_BITS: time only moves
 * forward). All fields are private but data.
 */
struct hop_timer {
    hop_timer *next;    /* private: next in its bucket */
    hop_timer **pprev;  /* private: the link that points at it */
    hop_time when;      /* private: absolute expiry */
    hop_timer_fn fn;    /* private: called on expiry */
    uint32_t seq;       /* private: start order, breaks ties */
    uint8_t active;     /* private: queued */
    uint8_t bucket;     /* private: its bucket */
    uint16_t magic;     /* private: set by hop_timer_init */
    void *data;         /* public: for the caller */
};

/* Initialise t with the expiry callback fn. HOP_EINVAL for NULL. */
HOP_API int hop_timer_init(hop_timer *t, hop_timer_fn fn);

/*
 * Start t to expire at the absolute time when (restarting it if it was
 * running). Timers that expire together fire in the order they were
 * started. HOP_EINVAL for NULL or uninitialised arguments.
 */
HOP_API int hop_timer_start(hop_loop *l, hop_timer *t, hop_time when);

/* Stop t if it runs. HOP_EINVAL for NULL arguments. */
HOP_API int hop_timer_stop(hop_loop *l, hop_timer *t);

/* Nonzero while t is started and has not expired. */
HOP_API int hop_timer_active(const hop_timer *t);

#ifdef __cplusplus
}
#endif

#endif /* HOP_TIME_H */
