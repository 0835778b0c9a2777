/*
 * hop/scope.h: deadline scopes and task groups.
 *

 * A deadline scope (HOP_TIMEOUT) cancels what its block waits on when
 * its deadline passes; hop_with_timeout wraps an await, a future or a
 * task in one. A group (HOP_GROUP) runs child tasks that the block does
 * not leave before every child has ended; one that fails cancels the
 * others.
 *
 * This header is freestanding.
 */
#ifndef HOP_SCOPE_H
#define HOP_SCOPE_H

#include "task.h"
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#endif /* HOP_SCOPE_H */
