/*
 * hop/task.h: tasks and the loop that schedules them.
 *
 * A task runs a tree of frames concurrently with other tasks of its loop.
 * A frame suspends on a waitable (HOP_SUSPEND): the loop arms it, runs
 * other ready tasks, and resumes the task with the waitable's value, or
 * raises its error there, when the waitable fires. Timers, sleeps, joins
 * and futures are built in; hop/waitable.h lets a program add its own
 * kinds of waitable.
 *
 * The loop talks to the outside world through a backend (hop_backend):
 * a clock, a way to wait until a deadline, and a way to be woken. The
 * simulation backend in this header runs a virtual clock that jumps to
 * the next deadline, so timing code is tested deterministically and in
 * no real time; other backends live in their own layers.
 *
 * Everything is caller-owned and nothing allocates. This header is
 * freestanding.
 */
#ifndef HOP_TASK_H
#define HOP_TASK_H

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

typedef struct hop_loop hop_loop;
typedef struct hop_task hop_task;

/* Private: a link in a task's list of entered scopes and groups. */
typedef struct hop__link {
    struct hop__link *up; /* the one entered before it, or NULL */
} hop__link;
typedef struct hop_timer hop_timer;
typedef struct hop_waitable_ops hop_waitable_ops;

/* Lists in the timer queue (see HOP_CONF_TIMER_BITS). */
#define HOP__TIMER_BUCKETS                                                   \
    (1 + (64 / HOP_CONF_TIMER_BITS) * ((1 << HOP_CONF_TIMER_BITS) - 1))

/*
 * The header of every waitable: its kind's operations (hop/waitable.h
 * defines them, for those who write a new kind).
 */
struct hop_waitable {
    const hop_waitable_ops *ops; /* the kind's operations */
};

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

/* -- backends ------------------------------------------------------------- */

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
typedef struct hop_backend {
    hop_time (*now)(void *ctx);
    int (*wait)(void *ctx, hop_time deadline);
    void (*wake)(void *ctx);
    void (*notify)(void *ctx);
} hop_backend;

/*
 * The simulation backend: a virtual clock that starts at 0 and jumps to
 * each deadline the loop waits for. Waiting forever with nothing to wake
 * the loop is a deadlock, reported as HOP_EBUSY by hop_loop_run.
 */
typedef struct hop_sim {
    hop_time now; /* read-only: the virtual time */
    int woken;    /* private: wake was called */
} hop_sim;

/* Initialise the clock at 0 and the loop l on it. */
HOP_API int hop_loop_init_sim(hop_loop *l, hop_sim *sim);

/* Move the virtual clock forward by d (>= 0); timers fire on the next
 * pass of the loop. */
HOP_API int hop_sim_advance(hop_sim *sim, hop_time d);

/* -- the loop ------------------------------------------------------------ */

/* How hop_loop_run runs. */
enum hop_run_mode {
    HOP_RUN_DEFAULT = 0, /* until no task and no timer is left, or
                            hop_loop_stop */
    HOP_RUN_ONCE = 1,    /* one pass, waiting for an event if none is ready */
    HOP_RUN_NOWAIT = 2   /* one pass, never waiting */
};

/*
 * A loop. Caller-owned, not movable while initialised. All fields are
 * private but data.
 */
struct hop_loop {
    const hop_backend *be; /* private: the backend */
    void *be_ctx;          /* private: its context */
    hop_gen run;           /* private: registers of the running task */
    hop_task *ready;       /* private: head of the ready queue */
    hop_task *ready_tail;  /* private: its tail */
    hop_task *delayed;     /* private: tasks spawned with a delay, by time */
    hop_task *current;     /* private: the task running now, or NULL */
    hop_task *waiting;     /* private: every task waiting on a waitable */
    struct hop_join_frame *joins; /* private: every join waiting */
    hop_timer *buckets[HOP__TIMER_BUCKETS]; /* private: the timer queue */
    hop_timer *btails[HOP__TIMER_BUCKETS];  /* private: each list's last */
    hop_time tlast;        /* private: the deadline bucket 0 is due at */
    hop_time bmin[HOP__TIMER_BUCKETS]; /* private: each list's earliest
                                          deadline, or INT64_MIN: unknown */
    uint32_t ntimers;      /* private: timers queued */
    uint32_t seq;          /* private: timer start counter */
    uint32_t ntasks;       /* private: tasks spawned and not finished */
    uint32_t next_id;      /* private: id of the next task */
    uint32_t magic;        /* private: set while initialised */
    int stop;              /* private: hop_loop_stop was called */
    int running;           /* private: inside hop_loop_run */
    uint32_t budget;       /* private: units a task may spend a turn */
    uint32_t left;         /* private: what the running task has left */
    uint32_t turns;        /* private: passes since the backend polled */
    uint32_t gave_way;     /* private: tasks that gave way this pass */
    void (*on_error)(hop_task *t); /* private: unhandled task errors */
    hop_write_fn report;   /* private: where unobserved failures go */
    void *report_ctx;      /* private: its context */
    int (*report_task)(const hop_task *, hop_write_fn, void *); /* private:
                              writes a report (hop_task_write_error) */
    const char *(*errstr)(int); /* private: messages of other codes */
    uint32_t unobserved;   /* private: tasks that failed unobserved */
    void *data;            /* public: for the caller */
};

/*
 * Initialise l on the backend be (its context ctx). HOP_EINVAL for NULL
 * arguments or a backend without now and wait.
 */
HOP_API int hop_loop_init(hop_loop *l, const hop_backend *be, void *ctx);

/* Release l. HOP_EBUSY while tasks or timers are still attached. */
HOP_API int hop_loop_cleanup(hop_loop *l);

/*
 * Run the loop (enum hop_run_mode). Returns HOP_OK when it stopped as
 * the mode says, HOP_EBUSY when tasks are left that nothing can ever
 * wake (the backend says so), HOP_ERUNNING when called from inside a
 * task of the same loop, HOP_EINVAL for an uninitialised loop.
 */
HOP_API int hop_loop_run(hop_loop *l, int mode);

/* Make hop_loop_run return after the task running now (if any). */
HOP_API void hop_loop_stop(hop_loop *l);

/* The loop's clock. */
HOP_API hop_time hop_loop_now(const hop_loop *l);

/*
 * Cooperative budget. Each time the loop resumes a task, the task gets
 * units of work (HOP_CONF_BUDGET, 128, by default). Every operation of
 * hop's io and sync that could go on at once (a read, read_until,
 * read_line, fill, write, flush, accept, a channel, semaphore, event or
 * mutex operation) spends one first, as HOP_SPEND does; once a task has
 * spent its budget without waiting for anything, the next such operation
 * gives way to every other ready task for one pass before it goes on,
 * and the loop polls its backend for events meanwhile, so that one
 * client streaming without pause cannot starve the others. units 0
 * turns the budget off. HOP_EINVAL for an uninitialised loop.
 */
HOP_API int hop_loop_set_budget(hop_loop *l, uint32_t units);

/* Private helpers of HOP_SPEND: spend n units of the running task's
 * budget (1: it is spent, give way); the waitable that gives way. */
HOP_API int hop__spend(hop_gen *g, uint32_t n);
HOP_API hop_waitable *hop__give_way(void);

/*
 * HOP_SPEND(self, n): spend n units of the running task's budget; when
 * it runs out, give way to the other ready tasks for one pass first
 * (the task is then resumed with a fresh budget, or cancelled there).
 * Outside a task, or with the budget off, it does nothing. For a loop
 * of a program's own that does work without waiting on anything.
 */
#define HOP_SPEND(self, n)                                                   \
    do {                                                                     \
        if (hop__spend(HOP_GEN(self), (n))) {                                \
            HOP_SUSPEND(self, hop__give_way());                              \
            (void)hop__spend(HOP_GEN(self), (n)); /* from the new budget */  \
        }                                                                    \
    } while (0)

/*
 * For backends: when the loop next has something to do: the time now
 * when a task is ready, else the earliest timer or delayed start, or
 * HOP_FOREVER. Returns HOP_FOREVER for an uninitialised loop.
 */
HOP_API hop_time hop_loop_deadline(const hop_loop *l);

/* The task running now in l, or NULL outside a task. */
HOP_API hop_task *hop_loop_current(const hop_loop *l);

/* The number of tasks spawned and not yet finished. */
HOP_API int hop_loop_tasks(const hop_loop *l);

/*
 * A task that ends with an error (HOP_TASK_FAILED) while no join waits
 * for it and no group owns it has failed unobserved. The loop counts it
 * and reports it once, when it ends: to fn, when set with
 * hop_loop_on_error (NULL: none); otherwise, through the writer set with
 * hop_loop_set_report, as the task's id, name, spawn site and
 * traceback (hop_task_write_error). A loop of the libevent backend
 * reports to stderr from the start; other loops report nowhere until
 * told. The error stays in the task for a later join either way.
 */
HOP_API void hop_loop_on_error(hop_loop *l, void (*fn)(hop_task *t));
HOP_API void hop_loop_set_report(hop_loop *l, hop_write_fn w, void *ctx);

/* The number of tasks of l that failed unobserved since it was
 * initialised (HOP_EINVAL for an uninitialised loop). */
HOP_API int hop_loop_unobserved(const hop_loop *l);

/* The loop that runs the frame a step function was given g for, or NULL
 * when g is a plain generator handle. */
HOP_API hop_loop *hop_gen_loop(const hop_gen *g);

/*
 * Write, through w, every live task of l: its id, name and state, what
 * it waits on, where it was spawned, and its await chain innermost first
 * with the function and file:line of each suspension. Reads the loop and
 * writes nothing into it, allocates nothing and needs no libc, so it may
 * be called from a debugger or a signal handler. Returns HOP_OK,
 * HOP_EINVAL for NULL arguments, or the first nonzero result of w.
 */
HOP_API int hop_dump(const hop_loop *l, hop_write_fn w, void *ctx);

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

/* -- deadline scopes -------------------------------------------------------- */

/*
 * A deadline scope: the body between HOP_TIMEOUT (relative) or
 * HOP_TIMEOUT_AT (absolute) and HOP_END_TIMEOUT runs under a deadline.
 * When the deadline passes, the task is interrupted: HOP_ECANCELED is
 * raised where it waits inside the body; when that error leaves the
 * scope, the scope turns it into HOP_ETIMEDOUT (linked to the
 * HOP_ECANCELED), unless another interruption (an outer scope that also
 * expired, or a hop_task_cancel) arrived meanwhile, in which case
 * HOP_ECANCELED goes on unchanged. Errors and cancellations the deadline
 * did not cause pass through untouched. A deadline of HOP_FOREVER never
 * expires; a past or zero one expires on the next pass.
 *
 *     HOP_TIMEOUT(self, &self->sc, HOP_MSEC(100));
 *         HOP_AWAIT(self, hop_sleep(&self->sl, HOP_SEC(10)));
 *     HOP_END_TIMEOUT(self, &self->sc);
 *
 * The scope uses one try block slot of the frame (count it in
 * HOP_TRIES). Entering it outside a task raises HOP_ENOTASK, and
 * entering it again while this task has it entered raises HOP_ESTATE.
 * The struct
 * is caller-owned and lives in the frame; all fields are private.
 */
typedef struct hop_scope {
    hop_timer timer;   /* private: expiry */
    hop_task *task;    /* private: the task inside */
    hop_time when;     /* private: the deadline, or HOP_FOREVER */
    uint32_t entry;    /* private: the task's interruption count at entry */
    uint16_t state;    /* private: not entered, entered, left */
    uint16_t expired;  /* private: the deadline passed inside */
    hop__link link;    /* private: in the task's entered scopes */
} hop_scope;

/* Nonzero when the deadline passed while the body ran. */
HOP_API int hop_scope_expired(const hop_scope *s);

/* The scope's deadline (HOP_FOREVER for none). */
HOP_API hop_time hop_scope_when(const hop_scope *s);

/*
 * Move the deadline of an entered scope to when (HOP_FOREVER: none),
 * from inside or outside the task. HOP_ESTATE ("not entered", "finished")
 * otherwise; HOP_EINVAL for NULL.
 */
HOP_API int hop_scope_reschedule(hop_scope *s, hop_time when);

/* Private helpers of the scope macros. */
HOP_API int hop__scope_enter(hop_gen *g, hop_scope *s, hop_time t,
                             int relative);
HOP_API void hop__scope_leave(hop_gen *g, hop_scope *s, hop_try *slot);

#define HOP_TIMEOUT(self, scope, delay)                                      \
    HOP__SCOPE_ENTER(self, scope, delay, 1)
#define HOP_TIMEOUT_AT(self, scope, when)                                    \
    HOP__SCOPE_ENTER(self, scope, when, 0)
#define HOP__SCOPE_ENTER(self, scope, t, relative)                           \
    do {                                                                     \
        int hop__se = hop__scope_enter(HOP_GEN(self), (scope), (t),          \
                                       (relative));                          \
        if (hop__se != 0)                                                    \
            HOP_RAISE(self, hop__se);                                        \
    } while (0);                                                             \
    HOP_TRY(self)
#define HOP_END_TIMEOUT(self, scope)                                         \
    HOP_FINALLY(self);                                                       \
    hop__scope_leave(HOP_GEN(self), (scope), HOP__TS(self));                 \
    HOP_END_TRY(self)

/* -- with_timeout ------------------------------------------------------------ */

/*
 * Run or wait for something under a deadline, as a frame to await:
 *   hop_with_timeout(&f, d, child)        awaits the CREATED frame child;
 *   hop_with_timeout_future(&f, d, fut)   waits on the future;
 *   hop_with_timeout_task(&f, d, task)    joins the spawned task.
 * The await gives the value, or raises the error, of what it guards. When
 * d passes first, what it guards is cancelled (the child call is
 * interrupted where it waits, the future is cancelled, the task is
 * cancelled and waited for) and HOP_ETIMEDOUT is raised, linked to
 * HOP_ECANCELED; if it absorbed the cancellation and returned a value,
 * that value is given. d == HOP_FOREVER: no deadline. d <= 0: what has
 * already finished gives its result at once; a child call is then never
 * started. Cancelling the awaiting task cancels what it guards.
 */
typedef struct hop_timeout_frame {
    hop_frame hdr;        /* private */
    HOP_TRIES(2);         /* private */
    hop_scope scope;      /* private */
    hop_join_frame join;  /* private: for a task */
    hop_time delay;       /* private */
    hop_frame *child;     /* private: a child call */
    hop_future *future;   /* private: a future */
    hop_task *task;       /* private: a task */
    hop_value val;        /* private: the result */
} hop_timeout_frame;

HOP_API hop_frame *hop_with_timeout(hop_timeout_frame *f, hop_time delay,
                                    hop_frame *child);
HOP_API hop_frame *hop_with_timeout_future(hop_timeout_frame *f,
                                           hop_time delay, hop_future *fut);
HOP_API hop_frame *hop_with_timeout_task(hop_timeout_frame *f,
                                         hop_time delay, hop_task *task);

/* -- task groups ------------------------------------------------------------- */

/*
 * A task group: tasks spawned into it (hop_group_spawn) are its
 * children, and the block between HOP_GROUP and HOP_END_GROUP does not
 * end before every child has ended. The first child that fails cancels
 * its siblings and interrupts the owner's body (HOP_ECANCELED where it
 * waits); once all are done, HOP_EGROUP is raised from HOP_END_GROUP, and
 * hop_group_errors lists its members: each failed child's error and the
 * body's own error (an error the body raised itself, not the
 * cancellation the group caused). A body that fails cancels the children
 * the same way. Cancelling the owner while it waits at HOP_END_GROUP
 * cancels the children too, and HOP_ECANCELED goes on once they ended.
 *
 *     HOP_GROUP(self, &self->grp);
 *         hop_group_spawn(&self->grp, &self->t1);
 *         hop_group_spawn(&self->grp, &self->t2);
 *     HOP_END_GROUP(self, &self->grp);
 *
 * The group uses one try slot of the frame (count it in HOP_TRIES) and
 * lives in it; all fields are private. Entering a group whose block this
 * task has not ended raises HOP_ESTATE. A child that has ended is no longer
 * linked to the group: its struct may be reused at once.
 */
/* One error a group keeps: its code and static message. */
typedef struct hop_group_err {
    int32_t code;    /* private */
    const char *msg; /* private */
} hop_group_err;

typedef struct hop_group {
    hop_frame wait_hdr;   /* private: the frame that waits for children */
    HOP_TRIES(1);         /* private */
    hop_waitable w;       /* private: woken when a child ends */
    hop_task *owner;      /* private: the task running the block */
    hop_loop *loop;       /* private: the owner's loop */
    hop_task *waiting;    /* private: the owner, while it waits */
    const char *body_msg; /* private */
    const char *cancel_msg; /* private: message of the owner's cancel */
    hop__link link;       /* private: in the owner's entered groups */
    hop_group_err errs[HOP_CONF_GROUP_ERRORS]; /* private: children's
                                                  errors, in order */
    uint32_t alive;       /* private: children not ended */
    uint32_t entry;       /* private: owner's interruption count at entry */
    uint32_t dropped;     /* private: children's errors past errs */
    int32_t body_err;     /* private: the body's own error, or 0 */
    uint8_t nerrs;        /* private: entries of errs in use */
    uint8_t state;        /* private: not entered, body, leaving, left */
    uint8_t failed;       /* private: a child failed */
    uint8_t interrupted;  /* private: the group interrupted the owner */
    uint8_t cancelled;    /* private: the owner was cancelled meanwhile */
} hop_group;

/*
 * Spawn the initialised task t as a child of the entered group g (in the
 * owner's loop). HOP_ESTATE when g is not in its body; HOP_EINVAL and
 * HOP_EBUSY as hop_spawn.
 */
HOP_API int hop_group_spawn(hop_group *g, hop_task *t);
HOP_API int hop__group_spawn_at(hop_group *g, hop_task *t,
                                const char *site);
#define hop_group_spawn(g, t) hop__group_spawn_at((g), (t), HOP__SPAWN_SITE)

/*
 * The errors of the last HOP_EGROUP raised by g: the number of members,
 * and member i (its code; *msg, when not NULL, gets its message). The
 * body's own error comes first, then the children's in the order they
 * failed. The group keeps the first HOP_CONF_GROUP_ERRORS children's
 * errors; hop_group_dropped counts the failures past them.
 */
HOP_API int hop_group_nerrors(const hop_group *g);
HOP_API int hop_group_error(const hop_group *g, int i, const char **msg);
HOP_API int hop_group_dropped(const hop_group *g);

/* Private helpers of the group macros. */
HOP_API int hop__group_enter(hop_gen *gen, hop_group *g);
HOP_API hop_frame *hop__group_leave(hop_gen *gen, hop_group *g,
                                    hop_try *slot);

#define HOP_GROUP(self, grp)                                                 \
    do {                                                                     \
        int hop__ge = hop__group_enter(HOP_GEN(self), (grp));                \
        if (hop__ge != 0)                                                    \
            HOP_RAISE(self, hop__ge);                                        \
    } while (0);                                                             \
    HOP_TRY(self)
#define HOP_END_GROUP(self, grp)                                             \
    HOP_FINALLY(self);                                                       \
    HOP_AWAIT(self, hop__group_leave(HOP_GEN(self), (grp), HOP__TS(self)));  \
    HOP_END_TRY(self)

#ifdef __cplusplus
}
#endif

#endif /* HOP_TASK_H */
