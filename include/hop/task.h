/*
 * hop/task.h: tasks.
 *

 * A task runs a tree of frames concurrently with the other tasks of its
 * loop. A frame suspends on a waitable (HOP_SUSPEND): the loop arms it,
 * runs other ready tasks, and resumes the task with the waitable's
 * value, or raises its error there, when the waitable fires. Sleeps and
 * joins are here, futures in hop/future.h, deadline scopes and groups in
 * hop/scope.h; hop/waitable.h lets a program add its own kinds of
 * waitable.
 *
 * Everything is caller-owned and nothing allocates. This header is
 * freestanding.
 */
#ifndef HOP_TASK_H
#define HOP_TASK_H

#include "core.h"
#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Private: a link in a task's list of entered scopes and groups. */
typedef struct hop__link {
    struct hop__link *up; /* the one entered before it, or NULL */
} hop__link;
/* -- tasks ---------------------------------------------------------------- */

/* Task status (hop_task_status). */
enum hop_task_status {
    HOP_TASK_NEW = 1,       /* initialised, not spawned */
    HOP_TASK_RUNNING = 2,   /* spawned and not finished */
    HOP_TASK_DONE = 3,      /* returned a value */
    HOP_TASK_FAILED = 4,    /* ended with an error */
    HOP_TASK_CANCELLED = 5  /* ended cancelled */
};

/*
 * A task. Caller-owned; hop_task_init, then hop_spawn. All fields are
 * private: read a task through the hop_task_* functions. To reach your
 * own data from a task, embed the task in your struct and step back from
 * its address (HOP_CONTAINER_OF). The fields that depend on the state
 * share their storage: a task's own fields are 56 bytes on 64-bit (32 on
 * 32-bit), plus 2 pointers with HOP_CONF_TASK_NAMES, plus its error
 * record (hop_exc: HOP_CONF_TRACE and HOP_CONF_ERRMSG set its size).
 */
struct hop_task {
    hop_frame *top;     /* private: innermost frame while suspended; the
                           root frame until the task first runs */
    hop_task *next;     /* private: the loop's ready, waiting or delayed
                           list; a group's ended children */
    uintptr_t owner;    /* private: its loop, or its group + 1 */
    union {
        struct {
            hop_waitable *wait; /* what it waits on */
            hop_task **pprev;   /* the link that points at it */
        } w;                    /* private: while waiting */
        struct {
            const char *msg;    /* message of the error, or of the
                                   cancel request */
            hop_value val;      /* value, or error code (HOP__TF_ERR) */
        } r;                    /* private: to deliver, or the result */
        uint32_t start[2];      /* private: start of a delayed spawn
                                   (low, high: no 8-byte alignment) */
    } u;
    uint32_t id;        /* private: the task's id, from 1 */
    uint8_t state;      /* private: a signature and the state */
    uint8_t flags;      /* private */
    uint16_t icount;    /* private: interruptions not yet taken back
                           (cancels, expired deadline scopes) */
    hop__link *ctx;     /* private: the innermost scope or group it has
                           entered and not left */
#if HOP_CONF_TASK_NAMES
    const char *name;   /* private: static name, or NULL */
    const char *site;   /* private: "file:line" of its spawn, or NULL */
#endif
    hop_exc exc;        /* private: its error record (hop_task_exc) */
};

/*
 * Initialise t to run the CREATED frame root in loop l, with an optional
 * static name. HOP_EINVAL for NULL or uninitialised arguments; HOP_EBUSY
 * when root is not CREATED. Like every init, it never reads what t held
 * (so uninitialised memory is fine): never initialise a task that is
 * spawned and not finished (hop_spawn and hop_task_cleanup refuse such a
 * task with HOP_EBUSY). A task that has ended may be initialised again
 * at once, a group's child too.
 */
HOP_API int hop_task_init(hop_task *t, hop_loop *l, hop_frame *root,
                          const char *name);

/*
 * Spawn t: it first runs on the loop's next pass (never inside this
 * call), or, with hop_spawn_after, once delay has passed (delay <= 0: on
 * the next pass). HOP_EINVAL for an uninitialised task; HOP_EBUSY when
 * it was already spawned.
 */
HOP_API int hop_spawn(hop_task *t);
HOP_API int hop_spawn_after(hop_task *t, hop_time delay);
HOP_API int hop__spawn_at(hop_task *t, hop_time delay, const char *site);

/* The macros record where the task was spawned, for hop_dump. */
#if HOP_CONF_TASK_NAMES
#define HOP__XSTR(x) #x
#define HOP__STR(x) HOP__XSTR(x)
#define HOP__SPAWN_SITE __FILE__ ":" HOP__STR(__LINE__)
#else
#define HOP__SPAWN_SITE (const char *)0
#endif
#define hop_spawn(t) hop__spawn_at((t), 0, HOP__SPAWN_SITE)
#define hop_spawn_after(t, delay) hop__spawn_at((t), (delay), HOP__SPAWN_SITE)

/*
 * Ask t to cancel, with an optional static message: HOP_ECANCELED is
 * raised where it is suspended, when it next runs. If t waits on
 * something, that wait is disarmed now (a future is cancelled). Returns 1
 * when t had not finished, 0 when it had, HOP_EINVAL for NULL.
 */
HOP_API int hop_task_cancel(hop_task *t, const char *msg);

/* enum hop_task_status, or HOP_EINVAL. */
HOP_API int hop_task_status(const hop_task *t);

/* The value of a DONE task (HOP_EMPTY otherwise). */
HOP_API hop_value hop_task_result(const hop_task *t);

/* The error of a FAILED task (HOP_ECANCELED for a CANCELLED one, 0
 * otherwise), and its message (static, or formatted into the task's own
 * record by HOP_RAISE_FMT: valid until the task is initialised again). */
HOP_API int hop_task_error(const hop_task *t);
HOP_API const char *hop_task_errmsg(const hop_task *t);

/*
 * The error record of a task that ended FAILED or CANCELLED: its code,
 * message and traceback as it left the task (with, first, the frames of
 * the task it came from when a join raised it), valid until the task is
 * initialised again. NULL for any other task.
 */
HOP_API const hop_exc *hop_task_exc(const hop_task *t);

/*
 * Write, through w, a report of the ended task t's error: a line with
 * its id, name and spawn site, then its traceback (hop_exc_write).
 * Allocates nothing and needs no libc. HOP_OK, HOP_EINVAL for NULL
 * arguments or a task that did not end with an error, or the first
 * nonzero result of w.
 */
HOP_API int hop_task_write_error(const hop_task *t, hop_write_fn w,
                                 void *ctx);

/* The task's id (from 1, in the order of hop_task_init), 0 for NULL. */
HOP_API uint32_t hop_task_id(const hop_task *t);

/* Its static name, or NULL (always NULL without HOP_CONF_TASK_NAMES). */
HOP_API const char *hop_task_name(const hop_task *t);

/* The loop it runs in, or NULL for NULL or an uninitialised task, or
 * once that loop is released. */
HOP_API hop_loop *hop_task_loop(const hop_task *t);

/*
 * Release t. HOP_EBUSY while it is spawned and not finished (tasks that
 * join it wait only until it finishes).
 */
HOP_API int hop_task_cleanup(hop_task *t);

/* -- sleeping ------------------------------------------------------------- */

/*
 * A sleep: a frame to await. hop_sleep(&self->s, d) suspends the task
 * for d (d <= 0: one pass, letting every other ready task run once);
 * hop_sleep_until waits until an absolute time. Both return the frame to
 * pass to HOP_AWAIT; the await gives HOP_EMPTY. Outside a task the await
 * raises HOP_ESTATE. Cancelling the task stops the timer.
 */
typedef struct hop_sleep_frame {
    hop_frame hdr;      /* private */
    hop_waitable w;     /* private: what the task waits on */
    hop_timer timer;    /* private */
    hop_task *task;     /* private: the sleeping task */
    hop_time when;      /* private: absolute wake-up time */
    int relative;       /* private: when is still a delay */
} hop_sleep_frame;

HOP_API hop_frame *hop_sleep(hop_sleep_frame *s, hop_time delay);
HOP_API hop_frame *hop_sleep_until(hop_sleep_frame *s, hop_time when);

/* -- joining --------------------------------------------------------------- */

/*
 * A join: a frame to await. hop_join(&self->j, t) waits until the task t
 * has ended and gives its value; its error is raised at the await, and
 * HOP_ECANCELED if it ended cancelled. A task joining itself raises
 * HOP_ESELFJOIN; joining a task never spawned raises HOP_ESTATE.
 */
typedef struct hop_join_frame {
    hop_frame hdr;      /* private */
    hop_waitable w;     /* private */
    hop_task *target;   /* private: the task joined */
    hop_task *self;     /* private: the joining task */
    struct hop_join_frame *jnext; /* private: the loop's joins waiting */
} hop_join_frame;

HOP_API hop_frame *hop_join(hop_join_frame *j, hop_task *t);

#ifdef __cplusplus
}
#endif

#endif /* HOP_TASK_H */
