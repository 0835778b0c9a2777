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
 * and for a sealed wait (hop_task_seal), which every one of hop's own
 * kinds makes (a sleep, a join, a future, a group, a channel,
 * semaphore, event or mutex operation, an fd or stream wait): those
 * complete their waits themselves, and a wake from outside would leave
 * them holding the task (a timer still running, a place in a queue). To
 * end such a wait early, cancel the task (hop_task_cancel) or complete
 * the thing itself (hop_future_complete, hop_chan_send, ...).
 */
HOP_API int hop_task_wake(hop_task *t, hop_waitable *w, hop_value v);
HOP_API int hop_task_wake_err(hop_task *t, hop_waitable *w, int err,
                              const char *msg);

/*
 * Seal t's wait on w, from w's arm: only the kind's own code ends it,
 * through hop_task_settle; hop_task_wake and hop_task_wake_err refuse it
 * with HOP_EINVAL. A kind that keeps the task somewhere (a queue, a
 * timer) seals its waits, so that a stray wake cannot leave it holding
 * a task that has gone on. HOP_ESTATE when t is not arming a wait on w,
 * HOP_EINVAL for NULL.
 */
HOP_API int hop_task_seal(hop_task *t, hop_waitable *w);

/*
 * End t's wait on w, sealed or not: with the value v when err is 0,
 * else with the error err (msg an optional static message). As
 * hop_task_wake otherwise, with the same HOP_ESTATE cases.
 */
HOP_API int hop_task_settle(hop_task *t, hop_waitable *w, hop_value v,
                            int err, const char *msg);

/*
 * For a kind whose wait completed just before its task was interrupted
 * (cancelled, or a deadline scope expired): the running task t got
 * HOP_ECANCELED (message msg) at its await instead of the outcome. The
 * kind keeps the outcome and hands the same interruption back, to be
 * raised at t's next suspension: counts of interruptions, which deadline
 * scopes read, stay right. HOP_ESTATE when t is not the task running
 * now, HOP_EINVAL for NULL.
 */
HOP_API int hop_task_defer_cancel(hop_task *t, const char *msg);

/* The waitable t is suspended on, or NULL. */
HOP_API hop_waitable *hop_task_waiting_on(const hop_task *t);

#ifdef __cplusplus
}
#endif

#endif /* HOP_WAITABLE_H */
