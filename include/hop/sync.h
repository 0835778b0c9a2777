/*
 * hop/sync.h: synchronisation between the tasks of a loop: channels,
 * counting semaphores, events and mutexes.
 *
 * Every primitive is a caller-owned struct, initialised with its _init
 * function and released with its _cleanup function; nothing allocates.
 * A channel's buffer is a caller-supplied array of hop_value.
 *
 * A blocking operation is a small frame to await, embedded in the
 * awaiting frame, exactly like a sleep or a join (hop/task.h):
 *
 *     HOP_AWAIT(self, hop_chan_recv(&self->op, self->ch, HOP_FOREVER));
 *     v = HOP_VALUE(self);
 *
 * Each takes an absolute deadline (hop_time, HOP_FOREVER for none). When
 * the operation can complete at once, the await does not suspend.
 * Otherwise the task joins the primitive's wait queue, first come first
 * served, until the operation completes (the await gives its result),
 * the deadline passes (HOP_ETIMEDOUT), the primitive is closed
 * (channels: HOP_ECLOSED) or the task is cancelled (HOP_ECANCELED). In
 * the last three cases the operation did not happen and left no trace:
 * the task left the queue and the deadline's timer was stopped.
 *
 * An operation that completed is never undone: a send that completed
 * delivered its value, a receive that completed has its value. If the
 * task is interrupted (cancelled, or its deadline scope expired) after
 * its operation completed but before it ran again, the await still
 * gives the result and the same interruption is raised at the task's
 * next suspension instead.
 *
 * The non-blocking variants (try_send, try_recv, try_acquire, try_lock)
 * return HOP_EBUSY when the operation would block. Tasks and plain C
 * code of the loop's thread may call every function that is not an
 * await (release, set, close, try_*). This header is freestanding.
 */
#ifndef HOP_SYNC_H
#define HOP_SYNC_H

#include "core.h"
#include "task.h"
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hop_sync_op hop_sync_op;

/* A wait queue: the operations waiting on a primitive, oldest first. */
typedef struct hop_sync_queue {
    hop_sync_op *head; /* private: the oldest waiting operation */
    hop_sync_op *tail; /* private: the newest */
} hop_sync_queue;

/*
 * The frame of one blocking operation: a coroutine frame to await, the
 * waitable its task suspends on, the deadline's timer and the links of
 * the wait queue. hop_chan_op, hop_sem_op, hop_event_op and hop_mutex_op
 * are this struct. Caller-owned, normally a member of the awaiting
 * frame; it must stay in place until the await has finished. All fields
 * are private.
 */
struct hop_sync_op {
    hop_frame hdr;          /* private: the frame header */
    HOP_TRIES(1);           /* private: the step's try block */
    hop_waitable w;         /* private: what the task suspends on */
    hop_timer timer;        /* private: expiry of the deadline */
    hop_sync_op *next;      /* private: wait queue, newer neighbour */
    hop_sync_op *prev;      /* private: wait queue, older neighbour */
    hop_sync_queue *queue;  /* private: the queue it is in, or NULL */
    hop_task *task;         /* private: the task performing it */
    void *obj;              /* private: the primitive operated on */
    hop_time deadline;      /* private: absolute, or HOP_FOREVER */
    hop_value val;          /* private: the value sent or received */
    int kind;               /* private: which operation */
    int state;              /* private: pending, done or failed */
};

typedef struct hop_sync_op hop_chan_op;
typedef struct hop_sync_op hop_sem_op;
typedef struct hop_sync_op hop_event_op;
typedef struct hop_sync_op hop_mutex_op;

/* -- channels -------------------------------------------------------------- */

/*
 * A channel: a FIFO of values between tasks, buffered (capacity n > 0:
 * a send completes once its value is in the buffer) or unbuffered
 * (capacity 0: a send completes when a receiver takes the value). All
 * fields are private but data.
 */
typedef struct hop_chan {
    hop_value *buf;          /* private: caller's array of cap values */
    size_t cap;              /* private: capacity, 0 for unbuffered */
    size_t head;             /* private: index of the oldest value */
    size_t len;              /* private: values in the buffer */
    hop_sync_queue senders;  /* private: sends waiting for room */
    hop_sync_queue receivers; /* private: receives waiting for a value */
    uint32_t magic;          /* private: set while initialised */
    int closed;              /* private: hop_chan_close was called */
    void *data;              /* public: for the caller */
} hop_chan;

/*
 * Initialise ch with the buffer buf of cap values (buf may be NULL when
 * cap is 0). The buffer is the caller's and must stay in place until
 * hop_chan_cleanup. HOP_EINVAL for a NULL ch, or a NULL buf with cap >
 * 0. Like every init, it does not read what ch held: never initialise
 * a channel in use (hop_chan_cleanup refuses while it is).
 */
HOP_API int hop_chan_init(hop_chan *ch, hop_value *buf, size_t cap);

/*
 * Release ch. HOP_EBUSY while operations wait on it; HOP_EINVAL for an
 * uninitialised channel. Values still buffered are dropped.
 */
HOP_API int hop_chan_cleanup(hop_chan *ch);

/*
 * A send of v: returns the frame to await (NULL for a NULL op). The
 * await gives HOP_EMPTY once v was delivered (taken by a receiver, or
 * put in the buffer). It raises HOP_ECLOSED when ch is closed, or closed
 * while the send waits (v was not delivered), HOP_ETIMEDOUT when the
 * deadline passes first, HOP_ECANCELED when the task is cancelled while
 * it waits, HOP_EINVAL for an uninitialised ch and HOP_ESTATE outside a
 * task.
 */
HOP_API hop_frame *hop_chan_send(hop_chan_op *op, hop_chan *ch, hop_value v,
                                 hop_time deadline);

/*
 * A receive: returns the frame to await (NULL for a NULL op). The await
 * gives the oldest value of ch (HOP_VALUE). It raises HOP_ECLOSED when
 * ch is closed and empty, or closed while the receive waits, and
 * otherwise as hop_chan_send.
 */
HOP_API hop_frame *hop_chan_recv(hop_chan_op *op, hop_chan *ch,
                                 hop_time deadline);

/*
 * Send v without waiting. HOP_OK when it was delivered; HOP_EBUSY when
 * the send would wait (buffer full, or no receiver waiting on an
 * unbuffered channel); HOP_ECLOSED when ch is closed; HOP_EINVAL for an
 * uninitialised ch.
 */
HOP_API int hop_chan_try_send(hop_chan *ch, hop_value v);

/*
 * Receive without waiting into *v. HOP_OK when a value was taken;
 * HOP_EBUSY when the receive would wait; HOP_ECLOSED when ch is closed
 * and empty; HOP_EINVAL for NULL arguments or an uninitialised ch.
 */
HOP_API int hop_chan_try_recv(hop_chan *ch, hop_value *v);

/*
 * Close ch: further sends fail with HOP_ECLOSED; values in the buffer
 * can still be received, after which receives fail with HOP_ECLOSED.
 * Every waiting send and receive is woken with HOP_ECLOSED. HOP_ESTATE
 * when ch is already closed; HOP_EINVAL for an uninitialised ch.
 */
HOP_API int hop_chan_close(hop_chan *ch);

/* The number of values in the buffer, or HOP_EINVAL. */
HOP_API int hop_chan_len(const hop_chan *ch);

/* -- semaphores ------------------------------------------------------------ */

/* The largest count of a semaphore. */
#define HOP_SEM_MAX INT32_MAX

/* A counting semaphore. All fields are private but data. */
typedef struct hop_sem {
    hop_sync_queue waiters; /* private: acquires waiting */
    uint32_t count;         /* private: permits available */
    uint32_t magic;         /* private: set while initialised */
    void *data;             /* public: for the caller */
} hop_sem;

/*
 * Initialise s with count permits (at most HOP_SEM_MAX). HOP_EINVAL for
 * NULL or a count above HOP_SEM_MAX. Never initialise a semaphore in
 * use.
 */
HOP_API int hop_sem_init(hop_sem *s, uint32_t count);

/* Release s. HOP_EBUSY while tasks wait on it; HOP_EINVAL. */
HOP_API int hop_sem_cleanup(hop_sem *s);

/*
 * An acquire of one permit: returns the frame to await (NULL for a NULL
 * op). The await gives HOP_EMPTY once it holds the permit; it raises
 * HOP_ETIMEDOUT, HOP_ECANCELED, HOP_EINVAL and HOP_ESTATE as
 * hop_chan_send.
 */
HOP_API hop_frame *hop_sem_acquire(hop_sem_op *op, hop_sem *s,
                                   hop_time deadline);

/*
 * Give back one permit: it goes to the oldest waiting acquire, if any.
 * HOP_ESTATE when the count is at HOP_SEM_MAX; HOP_EINVAL.
 */
HOP_API int hop_sem_release(hop_sem *s);

/* Take a permit without waiting: HOP_OK, HOP_EBUSY, HOP_EINVAL. */
HOP_API int hop_sem_try_acquire(hop_sem *s);

/* The permits available, or HOP_EINVAL. */
HOP_API int hop_sem_count(const hop_sem *s);

/* -- events ---------------------------------------------------------------- */

/* An event: a flag tasks wait for. All fields are private but data. */
typedef struct hop_event {
    hop_sync_queue waiters; /* private: waits in progress */
    uint32_t magic;         /* private: set while initialised */
    int set;                /* private: the flag */
    void *data;             /* public: for the caller */
} hop_event;

/*
 * Initialise e, clear. HOP_EINVAL for NULL. Never initialise an event
 * in use.
 */
HOP_API int hop_event_init(hop_event *e);

/* Release e. HOP_EBUSY while tasks wait on it; HOP_EINVAL. */
HOP_API int hop_event_cleanup(hop_event *e);

/*
 * Set the flag and wake every waiting task, oldest first. Setting a set
 * event does nothing. HOP_OK or HOP_EINVAL.
 */
HOP_API int hop_event_set(hop_event *e);

/* Clear the flag. HOP_OK or HOP_EINVAL. */
HOP_API int hop_event_clear(hop_event *e);

/* 1 when set, 0 when clear, or HOP_EINVAL. */
HOP_API int hop_event_is_set(const hop_event *e);

/*
 * A wait for the flag: returns the frame to await (NULL for a NULL op).
 * The await gives HOP_EMPTY once the flag is set (at once if it is); it
 * raises HOP_ETIMEDOUT, HOP_ECANCELED, HOP_EINVAL and HOP_ESTATE as
 * hop_chan_send.
 */
HOP_API hop_frame *hop_event_wait(hop_event_op *op, hop_event *e,
                                  hop_time deadline);

/* -- mutexes --------------------------------------------------------------- */

/*
 * A mutex: held by at most one task; on unlock it is handed to the
 * oldest waiting task. Not recursive. All fields are private but data.
 */
typedef struct hop_mutex {
    hop_sync_queue waiters; /* private: locks waiting */
    hop_task *owner;        /* private: the task holding it, or NULL */
    uint32_t magic;         /* private: set while initialised */
    void *data;             /* public: for the caller */
} hop_mutex;

/*
 * Initialise m, unlocked. HOP_EINVAL for NULL. Never initialise a mutex
 * in use.
 */
HOP_API int hop_mutex_init(hop_mutex *m);

/* Release m. HOP_EBUSY while it is held; HOP_EINVAL. */
HOP_API int hop_mutex_cleanup(hop_mutex *m);

/*
 * A lock: returns the frame to await (NULL for a NULL op). The await
 * gives HOP_EMPTY once the awaiting task holds m. It raises HOP_ESTATE
 * when that task already holds m, and HOP_ETIMEDOUT, HOP_ECANCELED,
 * HOP_EINVAL and HOP_ESTATE as hop_chan_send.
 */
HOP_API hop_frame *hop_mutex_lock(hop_mutex_op *op, hop_mutex *m,
                                  hop_time deadline);

/*
 * Unlock m held by the task t (the caller, usually hop_loop_current):
 * the oldest waiting lock gets it. HOP_ESTATE when t does not hold m;
 * HOP_EINVAL for NULL or uninitialised arguments.
 */
HOP_API int hop_mutex_unlock(hop_mutex *m, hop_task *t);

/*
 * Lock m for the task t without waiting. HOP_OK; HOP_EBUSY when another
 * task holds m; HOP_ESTATE when t holds it already; HOP_EINVAL.
 */
HOP_API int hop_mutex_try_lock(hop_mutex *m, hop_task *t);

/* The task holding m, or NULL. */
HOP_API hop_task *hop_mutex_owner(const hop_mutex *m);

#ifdef __cplusplus
}
#endif

#endif /* HOP_SYNC_H */
