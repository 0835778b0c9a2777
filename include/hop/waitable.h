/*
 * hop/waitable.h: the extension API for new kinds of waitable.
 *
 * A waitable is a struct whose first member is a hop_waitable: a pointer
 * to an ops table. A frame suspends on it with HOP_SUSPEND(self, w); the
 * loop then calls ops->arm(w, task). The waitable completes the wait by
 * calling hop_task_wake or hop_task_wake_err for that task and itself,
 * later (from a timer, a callback, another task) or at once inside arm
 * when it has already completed, in which case the task goes on without
 * suspending.
 * When the wait is abandoned (the task is cancelled), the loop calls
 * ops->disarm(w, task), after which the waitable must not wake the task.
 * The trampoline needs no change for a new kind.
 *
 * This header is freestanding.
 */
#ifndef HOP_WAITABLE_H
#define HOP_WAITABLE_H

#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What arm returns to make the task give way for one pass. */
#define HOP_WAIT_PASS 1

/* The operations of a kind of waitable. */
struct hop_waitable_ops {
    /* Arm w for the task t, which just suspended on it. Return HOP_OK
     * to wait, HOP_WAIT_PASS to give way (t resumes with HOP_EMPTY on
     * the next pass), or a negative error code to raise in t at once. */
    int (*arm)(hop_waitable *w, hop_task *t);
    /* The task t stops waiting on w (it was cancelled). */
    void (*disarm)(hop_waitable *w, hop_task *t);
    /* A short static description for debugging ("future", "sleep"). */
    const char *kind;
    /* Optional (NULL: kind is printed): describe what t waits on for
     * hop_dump ("fd 7 readable", "deadline +120 ms") through w, and
     * return w's result. Must not allocate or change anything. */
    int (*describe)(hop_waitable *w, const hop_task *t, hop_write_fn wr,
                    void *ctx);
};

/*
 * Complete t's wait on the waitable w: it resumes with the value v, or
 * with the error err (nonzero; msg an optional static message) raised
 * where it suspended. Called inside arm, the task goes on at once
 * without suspending; otherwise it is queued to run on the loop's pass.
 * HOP_ESTATE, and nothing changes, when t is not waiting, was woken
 * already, or waits on another waitable than w; HOP_EINVAL for NULL,
 * and for a waitable of one of hop's own kinds (a sleep, a join, a
 * future, a group, a channel, semaphore, event or mutex operation, an
 * fd or stream wait): those complete their waits themselves, and a
 * wake from outside would leave them holding the task (a timer still
 * running, a place in a queue). To end such a wait early, cancel the
 * task (hop_task_cancel) or complete the thing itself
 * (hop_future_complete, hop_chan_send, ...).
 */
HOP_API int hop_task_wake(hop_task *t, hop_waitable *w, hop_value v);
HOP_API int hop_task_wake_err(hop_task *t, hop_waitable *w, int err,
                              const char *msg);

/* Private, for hop's own kinds: from arm, mark t's wait as one that only
 * the kind's code completes; and complete a wait (hop_task_wake without
 * that refusal; err 0 for the value v). */
HOP_API void hop__task_own_wait(hop_task *t);
HOP_API int hop__task_complete(hop_task *t, hop_waitable *w, hop_value v,
                               int err, const char *msg);

/* The waitable t is suspended on, or NULL. */
HOP_API hop_waitable *hop_task_waiting_on(const hop_task *t);

#ifdef __cplusplus
}
#endif

#endif /* HOP_WAITABLE_H */
