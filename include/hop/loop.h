/*
 * hop/loop.h: the loop that schedules tasks.
 *

 * The loop runs its ready tasks in passes, fires timers and starts
 * delayed tasks, and waits through its backend (hop/backend.h: a clock,
 * a way to wait until a deadline, a way to be woken) when nothing is
 * ready. The simulation backend in this header runs a virtual clock that
 * jumps to the next deadline, so timing code is tested deterministically
 * and in no real time; the other backends live in their own layers.
 *
 * Everything is caller-owned and nothing allocates. This header is
 * freestanding.
 */
#ifndef HOP_LOOP_H
#define HOP_LOOP_H

#include "core.h"
#include "time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hop_task hop_task;
typedef struct hop_backend hop_backend;
typedef struct hop_waitable_ops hop_waitable_ops;

/*
 * The header of every waitable: its kind's operations (hop/waitable.h
 * defines them, for those who write a new kind).
 */
struct hop_waitable {
    const hop_waitable_ops *ops; /* the kind's operations */
};

/* -- the simulation backend ------------------------------------------------ */

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
#if HOP_CONF_TIMER_BITS > 0
    hop_timer *btails[HOP__TIMER_BUCKETS];  /* private: each list's last */
    hop_time tlast;        /* private: the deadline bucket 0 is due at */
    hop_time bmin[HOP__TIMER_BUCKETS]; /* private: each list's earliest
                                          deadline, or INT64_MIN: unknown */
#endif
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
    void (*child_ended)(hop_task *t); /* private: a group's child ended
                              (set by the first child spawned) */
    int (*wake_joins)(hop_loop *l, hop_task *t); /* private: wake the
                              joins of t (set by the first join) */
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

#ifdef __cplusplus
}
#endif

#endif /* HOP_LOOP_H */
