/*
 * hop/libevent.h: the libevent backend.
 *
 * A hop loop on a libevent event_base: hop's own, made by hop_libevent_init,
 * or one the application already owns. With its own base, hop_loop_run
 * drives everything: it waits in event_base_loop until the next deadline
 * or an event. With the application's base (hop_libevent_attach), the
 * application keeps running event_base_dispatch as before and hop runs
 * its passes from libevent callbacks, so hop tasks live in the same loop
 * as the application's evhttp, bufferevent or evdns code.
 *
 * The clock is monotonic (CLOCK_MONOTONIC). One libevent timer tracks
 * the earliest deadline of hop's own timer heap. File descriptor waits
 * use caller-owned storage for their struct event (event_assign, no
 * malloc).
 *
 * This header declares libevent's types only by name; link with
 * libevent_core (pkg-config libevent_core).
 */
#ifndef HOP_LIBEVENT_H
#define HOP_LIBEVENT_H

#include "task.h"
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;

/*
 * Room for one struct event: 128 bytes on every platform libevent 2.1
 * supports (hop_libevent_init checks event_get_struct_event_size()).
 */
#define HOP_LIBEVENT_EVENT_SIZE 128

/* Storage for one struct event, aligned for it. */
typedef union hop_libevent_event {
    unsigned char bytes[HOP_LIBEVENT_EVENT_SIZE]; /* private */
    void *align_p;                          /* private */
    long long align_ll;                     /* private */
} hop_libevent_event;

/*
 * The libevent backend's state. Caller-owned; not movable while
 * initialised. All fields are private but data.
 */
typedef struct hop_post hop_post;

typedef struct hop_libevent {
    hop_loop *loop;           /* private: the loop it serves */
    hop_post *inbox;          /* private: posts from outside, newest first */
    int pipe_r;               /* private: self-pipe (-1 when posts are off) */
    int pipe_w;               /* private */
    int signaled;             /* private: a byte is in the pipe */
    hop_libevent_event poster;      /* private: reads the self-pipe */
    struct event_base *base;  /* private */
    hop_libevent_event timer;       /* private: the earliest deadline */
    hop_libevent_event runner;      /* private: runs passes (attached mode) */
    int owns_base;            /* private: made by hop_libevent_init */
    int attached;             /* private: the application runs the base */
    int expired;              /* private: the deadline timer fired */
    hop_time poll_max;        /* private: busy-poll limit (0: off) */
    hop_time poll;            /* private: the current busy-poll window */
    void *data;               /* public: for the caller */
} hop_libevent;

/*
 * Make a new event_base and initialise the loop l on it; hop_loop_run
 * then runs it. HOP_ENOMEM when libevent cannot make a base, HOP_EINVAL
 * for NULL arguments or a libevent whose struct event is larger than
 * HOP_LIBEVENT_EVENT_SIZE.
 */
HOP_API int hop_libevent_init(hop_loop *l, hop_libevent *ev);

/*
 * Initialise the loop l on the application's event_base base. The
 * application runs the base (event_base_dispatch or event_base_loop);
 * hop runs its passes from libevent callbacks whenever a task is ready
 * or a deadline is due. Do not call hop_loop_run for such a loop.
 */
HOP_API int hop_libevent_attach(hop_loop *l, hop_libevent *ev,
                                struct event_base *base);

/*
 * Release the backend after hop_loop_cleanup succeeded: delete its
 * events and free the base hop_libevent_init made. HOP_EBUSY while the loop
 * is still initialised.
 */
HOP_API int hop_libevent_cleanup(hop_libevent *ev);

/* The event_base of the loop l (NULL when l is not on this backend). */
HOP_API struct event_base *hop_libevent_base(const hop_loop *l);

/*
 * Busy polling: before hop_loop_run puts the thread to sleep, poll the
 * base without blocking for a window that adapts between 0 and max_ns
 * nanoseconds (it grows while the loop's idle gaps are shorter than
 * max_ns and shrinks to 0 when they are longer). Trades CPU time for
 * the cost of waking a sleeping thread. 0 turns it off (the default).
 * HOP_EINVAL for NULL, a negative max_ns or an attached backend.
 */
HOP_API int hop_libevent_busy_poll(hop_libevent *ev, hop_time max_ns);

/* -- posting from other threads and signal handlers ------------------------ */

/*
 * A post: a caller-owned message to the loop's thread. fn runs there,
 * inside the loop (between passes), and may do anything a callback of
 * the loop may do: complete a future, wake a task, spawn one.
 */
struct hop_post {
    hop_post *next;                 /* private */
    void (*fn)(hop_post *p);        /* called in the loop's thread */
    hop_future *future;             /* for hop_libevent_post_complete */
    hop_value value;                /* for hop_libevent_post_complete */
    void *data;                     /* public: for the caller */
};

/*
 * Let other threads and signal handlers post to the loop (a self-pipe
 * watched by the base). Until this is called, a loop with nothing to
 * wait for reports a deadlock; after it, it waits for posts. Returns
 * HOP_OK, or -errno when the pipe cannot be made.
 */
HOP_API int hop_libevent_enable_posts(hop_libevent *ev);

/*
 * Post p from any thread or a signal handler (async-signal-safe and
 * lock-free): fn(p) runs in the loop's thread soon after. p must stay
 * valid, and must not be posted again, until fn has run. HOP_ESTATE when
 * posts are not enabled; HOP_EINVAL for NULL arguments.
 */
HOP_API int hop_libevent_post(hop_libevent *ev, hop_post *p,
                              void (*fn)(hop_post *p));

/* Post p to complete the future f with the value v in the loop's thread. */
HOP_API int hop_libevent_post_complete(hop_libevent *ev, hop_post *p,
                                       hop_future *f, hop_value v);

/*
 * hop_dump written to the file descriptor fd, or to standard error, with
 * write(2): async-signal-safe, and callable from gdb ("call
 * hop_dump_stderr(&loop)"). Returns as hop_dump (-1 when write fails).
 */
HOP_API int hop_dump_fd(const hop_loop *l, int fd);
HOP_API int hop_dump_stderr(const hop_loop *l);

/* -- waiting on a file descriptor ----------------------------------------- */

/* What to wait for (may be or-ed). */
#define HOP_READABLE 0x02
#define HOP_WRITABLE 0x04

/*
 * A file descriptor wait, as a frame to await: hop_fd_wait(&self->w, fd,
 * HOP_READABLE, deadline) suspends the task until fd is readable (or
 * writable), or until the absolute deadline passes (HOP_FOREVER: none),
 * which raises HOP_ETIMEDOUT. The await gives the events that fired.
 * When the task is cancelled, the fd interest is removed before anything
 * else runs. Outside a task on this backend it raises HOP_ENOTASK or
 * HOP_EINVAL.
 */
typedef struct hop_fd_frame {
    hop_frame hdr;      /* private */
    hop_waitable w;     /* private */
    hop_libevent_event ev;    /* private: the struct event */
    hop_timer timer;    /* private: the deadline */
    hop_task *task;     /* private */
    hop_time deadline;  /* private */
    int fd;             /* private */
    short what;         /* private: HOP_READABLE | HOP_WRITABLE */
    short added;        /* private: the event is pending in libevent */
} hop_fd_frame;

HOP_API hop_frame *hop_fd_wait(hop_fd_frame *f, int fd, int what,
                               hop_time deadline);

#ifdef __cplusplus
}
#endif

#endif /* HOP_LIBEVENT_H */
