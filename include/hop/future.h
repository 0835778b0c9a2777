/*
 * hop/future.h: futures.
 *

 * A future is a waitable that some code completes, fails or cancels once;
 * every task waiting on it resumes with its outcome.
 *
 * This header is freestanding.
 */
#ifndef HOP_FUTURE_H
#define HOP_FUTURE_H

#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -- futures ---------------------------------------------------------------- */

/* States of a future. */
enum hop_future_state {
    HOP_FUTURE_PENDING = 1,
    HOP_FUTURE_DONE = 2,      /* completed with a value */
    HOP_FUTURE_FAILED = 3,    /* failed with an error */
    HOP_FUTURE_CANCELLED = 4  /* cancelled */
};

typedef struct hop_future hop_future;

/*
 * Called when a pending future is cancelled, before it becomes
 * CANCELLED. The hook may complete or fail f instead; then that outcome
 * stands and waiters get it.
 */
typedef void (*hop_future_hook)(hop_future *f);

/*
 * A future: a waitable that plain C code completes, fails or cancels.
 * Tasks wait on it with HOP_SUSPEND(self, hop_future_wait(f)): the value
 * is delivered, or the error raised, at that point (HOP_ECANCELED when
 * cancelled); waiting on a finished future does not suspend. A task that
 * is cancelled while it waits cancels the future. All fields are
 * private but data.
 */
struct hop_future {
    hop_waitable w;        /* private: the waitable */
    hop_task *waiters;     /* private: the newest task waiting; the others
                              follow it in the loop's waiting list */
    hop_value val;         /* private: the value */
    const char *msg;       /* private: the error's message */
    hop_future_hook hook;  /* private: cancel hook, or NULL */
    int err;               /* private: the error */
    int state;             /* private: enum hop_future_state */
    void *data;            /* public: for the caller */
};

/* Initialise f as pending, with an optional cancel hook. */
HOP_API int hop_future_init(hop_future *f, hop_future_hook hook);

/*
 * Complete f with the value v, fail it with the error err (nonzero, msg
 * an optional static message) or cancel it, and wake every task waiting.
 * HOP_ESTATE when f is no longer pending (cancel returns 0 then, 1 when
 * it cancelled); HOP_EINVAL for NULL or an error code 0.
 */
HOP_API int hop_future_complete(hop_future *f, hop_value v);
HOP_API int hop_future_fail(hop_future *f, int err, const char *msg);
HOP_API int hop_future_cancel(hop_future *f);

/* enum hop_future_state, or HOP_EINVAL. */
HOP_API int hop_future_state(const hop_future *f);

/* The waitable to suspend on (NULL for NULL). */
HOP_API hop_waitable *hop_future_wait(hop_future *f);

/* Release f. HOP_EBUSY while tasks wait on it. */
HOP_API int hop_future_cleanup(hop_future *f);

#ifdef __cplusplus
}
#endif

#endif /* HOP_FUTURE_H */
