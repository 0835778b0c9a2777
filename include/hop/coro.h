/*
 * hop/coro.h: the coroutine language.
 *
 * A step function written with these macros reads like straight-line
 * code, but it returns to the trampoline at every suspension and is
 * re-entered at the same place later:
 *
 *     typedef struct {
 *         hop_frame hdr;        (first member: the frame header)
 *         int i, n;             (everything that must survive a suspension)
 *     } count_frame;
 *
 *     static hop_step count(hop_gen *g, hop_frame *f)
 *     {
 *         count_frame *self = (count_frame *)f;
 *         HOP_BEGIN(g, self);
 *         for (self->i = 0; self->i < self->n; self->i++)
 *             HOP_YIELD(self, self->i);
 *         HOP_RETURN(self, self->n);
 *         HOP_END(self);
 *     }
 *
 * TRAPS, read them once:
 *   - Local variables of the step function DIE at every suspension
 *     (HOP_YIELD, HOP_AWAIT, HOP_AWAIT_CATCH, HOP_SUSPEND). Keep every
 *     value that must survive one in the frame (self->...).
 *   - With HOP_RESUME_SWITCH, no hop macro may stand inside a switch
 *     statement of your own: the macros expand to case labels of a switch
 *     that HOP_BEGIN opens. HOP_RESUME_LABELS has no such limit.
 *   - One hop macro per source line: resume points are named after
 *     __LINE__ (a second one on the line is a compile error).
 *   - Leave a try block only through its end or a hop macro (HOP_RETURN,
 *     HOP_RAISE, an error): a C return, break, continue or goto out of a
 *     HOP_TRY block skips its HOP_FINALLY block.
 *
 * How it works: the frame header keeps the resume point, either a line
 * number that a switch opened by HOP_BEGIN jumps to (Duff's device) or the
 * offset of a label from a base label (labels as values). Try blocks are
 * resolved at compile time: each block declares struct tags whose sizes
 * tell the macros inside it how deep they are and where an error raised
 * there goes, so nothing is looked up at run time. This header is
 * included by hop/core.h.
 */
#ifndef HOP_CORO_H
#define HOP_CORO_H

#include "core.h"

/* -- private plumbing --------------------------------------------------- */

#if defined(__GNUC__)
#define HOP__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define HOP__UNLIKELY(x) (x)
#endif

#define HOP__CAT2(a, b) a##b
#define HOP__CAT(a, b) HOP__CAT2(a, b)
#define HOP__F(self) ((hop_frame *)(void *)(self))

#if HOP_CONF_TRACE > 0
#define HOP__SITE __FILE__, __LINE__
#define HOP__WHERE {__FILE__, __func__}
#else
#define HOP__SITE (const char *)0, 0
#define HOP__WHERE {(const char *)0, (const char *)0}
#endif

/*
 * hop_dump asks a suspended frame where it is by resuming a copy of its
 * header with the error HOP__QUERY: the code at the suspension point
 * answers with its function's hop_where and (in the handle's val) its
 * line, and nothing else runs. Costs nothing on the normal path.
 */
#define HOP__STEP_WHERE 6
#define HOP__QUERY (-4095) /* in the reserved band, never raised */

/* What a try block has pending (hop_try.mode). */
#define HOP__TRY_BODY 0       /* running its body; nothing pending */
#define HOP__TRY_ERROR 1      /* an error left the body; handlers are tried */
#define HOP__TRY_HANDLED 2    /* a handler caught the error */
#define HOP__TRY_OK 3         /* cleanup after a normal end */
#define HOP__TRY_UNWIND_ERR 4 /* cleanup, then the error goes on */
#define HOP__TRY_UNWIND_RET 5 /* cleanup, then the return goes on */

static inline hop_step hop__step(intptr_t op, hop_value v)
{
    hop_step s;
    s.op = op;
    s.v = v;
    return s;
}

static inline hop_value hop__frame_value(hop_frame *child)
{
    return (hop_value)child;
}

static inline hop_value hop__waitable_value(hop_waitable *w)
{
    return (hop_value)w;
}

static inline int32_t hop__to_try(hop_gen *g, hop_try *t, int32_t mode,
                                  hop_value v, const char *msg)
{
    t->pend = v;
    t->msg = msg;
    t->mode = mode;
    g->err = 0;
    return t->re;
}

static inline int hop__take(hop_try *t)
{
    t->mode = HOP__TRY_HANDLED;
    return 1;
}

static inline void hop__settle(hop_try *t)
{
    if (t->mode == HOP__TRY_BODY || t->mode == HOP__TRY_HANDLED)
        t->mode = HOP__TRY_OK;
    else if (t->mode == HOP__TRY_ERROR)
        t->mode = HOP__TRY_UNWIND_ERR;
}

static inline int hop__has_err(const hop_try *t)
{
    return t->mode == HOP__TRY_ERROR || t->mode == HOP__TRY_HANDLED ||
           t->mode == HOP__TRY_UNWIND_ERR;
}

static inline int hop__err_of(const hop_try *t)
{
    return hop__has_err(t) ? (int)t->pend : 0;
}

static inline const char *hop__msg_of(const hop_try *t)
{
    return hop__has_err(t) ? t->msg : (const char *)0;
}

static inline int hop__ordinary(int err)
{
    return err != HOP_EEXIT && err != HOP_ECANCELED && err != HOP__QUERY;
}

static inline hop_step hop__where_step(hop_gen *g, const hop_where *w,
                                       int line)
{
    g->val = line;
    return hop__step(HOP__STEP_WHERE, (hop_value)w);
}

/*
 * Lexical state, as struct tags whose sizes are compile-time constants
 * (struct tags may be redeclared in inner blocks without -Wshadow):
 *   hop__xd  size - 1: try blocks open around this point;
 *   hop__xu  size - 1: 1 + slot of the try block an error or return raised
 *            here goes to, or 0: it leaves the frame;
 *   hop__xh  size - 1: 1 if that block is in a handler (an error skips the
 *            remaining handlers and goes to its cleanup);
 *   hop__xc  size - 1: 1 + slot of the try block whose error is being
 *            handled here (HOP_ERROR, HOP_RERAISE), or 0.
 */
#define HOP__HAS(tag_) (sizeof(struct tag_) > 1)
#define HOP__IDX(tag_) (sizeof(struct tag_) > 1 ? sizeof(struct tag_) - 2 : 0)
#define HOP__SLOT(self, k_)                                                  \
    ((hop_try *)(void *)((char *)(void *)(self) + sizeof(hop_frame)) + (k_))
#define HOP__TS(self) (&(self)->hop_tries[sizeof(struct hop__od) - 1])

/* The resume primitives of each variant. */
#if HOP_CONF_RESUME == HOP_RESUME_LABELS

#define HOP__LABEL HOP__CAT(hop__l, __LINE__)
#define HOP__LC_VALUE ((int32_t)__extension__(&&HOP__LABEL - &&hop__base))
#define HOP__LC_LABEL HOP__LABEL:
#define HOP__JUMP(self, x_)                                                  \
    __extension__({ goto *(&&hop__base + (x_)); })
#define HOP__DISPATCH(self)                                                  \
    HOP__JUMP(self, HOP__F(self)->lc); /* lc 0: hop__base, the start */      \
    hop__base:
#define HOP__END_DISPATCH

#else /* HOP_RESUME_SWITCH */

#define HOP__LC_VALUE ((int32_t)__LINE__)
#define HOP__LC_LABEL case __LINE__:
#define HOP__JUMP(self, x_)                                                  \
    do {                                                                     \
        HOP__F(self)->lc = (x_);                                             \
        goto hop__dispatch;                                                  \
    } while (0)
#define HOP__DISPATCH(self)                                                  \
    if (0)                                                                   \
        goto hop__dispatch;                                                  \
    hop__dispatch:                                                           \
    switch (HOP__F(self)->lc) {                                              \
    case 0:
#define HOP__END_DISPATCH }

#endif

/* Send the error e (message m) to where the tags U and H say. */
#define HOP__ROUTE_ERR(self, U, H, e_, m_)                                   \
    do {                                                                     \
        if (!HOP__HAS(U))                                                    \
            return hop__step(HOP_STEP_RAISE, (hop_value)(e_));               \
        HOP__JUMP(self,                                                      \
                  hop__to_try(hop__g, HOP__SLOT(self, HOP__IDX(U)),          \
                              sizeof(struct H) > 1 ? HOP__TRY_UNWIND_ERR     \
                                                   : HOP__TRY_ERROR,         \
                              (hop_value)(e_), (m_)));                       \
    } while (0)

/* Send the return value v to where the tag U says. */
#define HOP__ROUTE_RET(self, U, v_)                                          \
    do {                                                                     \
        hop_value hop__rv = (hop_value)(v_);                                 \
        if (!HOP__HAS(U))                                                    \
            return hop__step(HOP_STEP_RETURN, hop__rv);                      \
        HOP__JUMP(self, hop__to_try(hop__g, HOP__SLOT(self, HOP__IDX(U)),    \
                                    HOP__TRY_UNWIND_RET, hop__rv,            \
                                    (const char *)0));                       \
    } while (0)

/* The error being handled here, for linking a new error to it. */
#define HOP__CTX(self)                                                       \
    (HOP__HAS(hop__xc) ? hop__err_of(HOP__SLOT(self, HOP__IDX(hop__xc))) : 0)

/* Suspend with the record (op, v); execution resumes right after. */
#define HOP__SUSPEND_AT(self, op_, v_)                                       \
    HOP__F(self)->lc = HOP__LC_VALUE;                                        \
    return hop__step((op_), (v_));                                           \
    HOP__LC_LABEL

/* After a resume: an error delivered here is raised here. */
#define HOP__CHECK_ERR(self)                                                 \
    if (HOP__UNLIKELY(hop__g->err != 0)) {                                   \
        if (hop__g->err == HOP__QUERY)                                       \
            return hop__where_step(hop__g, &hop__where, __LINE__);           \
        hop__arrive(hop__g, HOP__CTX(self), HOP__SITE);                      \
        HOP__ROUTE_ERR(self, hop__xu, hop__xh, hop__g->err,                  \
                       hop__g->exc->msg);                                    \
    }

/* Tags of a handler segment of the try block whose tags are hop__o*. */
#define HOP__HANDLER_TAGS                                                    \
    struct hop__xd { char c[sizeof(struct hop__od) + 1]; };                  \
    struct hop__xu { char c[sizeof(struct hop__od) + 1]; };                  \
    struct hop__xh { char c[2]; };                                           \
    struct hop__xc { char c[sizeof(struct hop__od) + 1]; };

/* -- the language -------------------------------------------------------- */

/*
 * HOP_BEGIN(g, self) opens the body of a step function; g is the step
 * function's hop_gen * parameter and self the pointer to its frame
 * struct. Nothing but declarations may come before it.
 */
#define HOP_BEGIN(g, self)                                                   \
    hop_gen *const hop__g = (g);                                             \
    static const hop_where hop__where = HOP__WHERE;                          \
    struct hop__xd { char c[1]; };                                           \
    struct hop__xu { char c[1]; };                                           \
    struct hop__xh { char c[1]; };                                           \
    struct hop__xc { char c[1]; };                                           \
    (void)hop__g;                                                            \
    (void)hop__where;                                                        \
    HOP__DISPATCH(self)

/*
 * HOP_END(self) closes the body: falling off the end returns HOP_EMPTY.
 * It must be the last statement of the step function.
 */
#define HOP_END(self)                                                        \
    HOP_RETURN(self, HOP_EMPTY);                                             \
    HOP__END_DISPATCH                                                        \
    return hop__bad_frame(hop__g, "resume point not found")

/*
 * HOP_YIELD(self, v): hand the value v to the driver and suspend. On
 * resume, HOP_VALUE(self) is the value sent (HOP_EMPTY after next), or
 * the error thrown in is raised here.
 */
#define HOP_YIELD(self, v_)                                                  \
    do {                                                                     \
        HOP__SUSPEND_AT(self, HOP_STEP_YIELD, (hop_value)(v_));              \
        HOP__CHECK_ERR(self);                                                \
    } while (0)

/*
 * HOP_AWAIT(self, child): run the CREATED frame child (a hop_frame *,
 * usually embedded in self and just initialised) to its end, forwarding
 * its yields, sends and throws (PEP 380). Resumes with HOP_VALUE(self) =
 * the child's return value, or raises the child's error here.
 */
#define HOP_AWAIT(self, child_)                                              \
    do {                                                                     \
        HOP__SUSPEND_AT(self, HOP_STEP_CALL, hop__frame_value(child_));      \
        HOP__CHECK_ERR(self);                                                \
    } while (0)

/*
 * HOP_AWAIT_CATCH(self, child, err): as HOP_AWAIT, but an ordinary error
 * of the child is stored in the int lvalue err (0 on success) instead of
 * being raised. HOP_EEXIT and HOP_ECANCELED are still raised here: close
 * and cancellation cannot be swallowed by accident.
 */
#define HOP_AWAIT_CATCH(self, child_, err_)                                  \
    do {                                                                     \
        HOP__SUSPEND_AT(self, HOP_STEP_CALL, hop__frame_value(child_));      \
        if (!hop__ordinary(hop__g->err)) {                                   \
            HOP__CHECK_ERR(self);                                            \
        }                                                                    \
        (err_) = hop__g->err;                                                \
        if (hop__g->err != 0) {                                              \
            hop__arrive(hop__g, HOP__CTX(self), HOP__SITE);                  \
            hop__g->err = 0;                                                 \
        }                                                                    \
    } while (0)

/*
 * HOP_SUSPEND(self, w): wait on the waitable w (a hop_waitable *) and
 * suspend. The driver sees HOP_WAITING; on resume HOP_VALUE(self) is the
 * value sent, or the error thrown in is raised here.
 */
#define HOP_SUSPEND(self, w_)                                                \
    do {                                                                     \
        HOP__SUSPEND_AT(self, HOP_STEP_SUSPEND, hop__waitable_value(w_));    \
        HOP__CHECK_ERR(self);                                                \
    } while (0)

/*
 * HOP_RETURN(self, v): finish with the value v, after the cleanup blocks
 * of every enclosing try block have run (innermost first).
 */
#define HOP_RETURN(self, v_) HOP__ROUTE_RET(self, hop__xu, v_)

/*
 * HOP_RAISE(self, err) and HOP_RAISE_MSG(self, err, msg): raise the
 * nonzero error code err, with an optional static message. It goes to the
 * innermost enclosing handler, or leaves the frame and is raised at the
 * parent's await. Raised inside a handler or a cleanup that handles an
 * error, it records that error as its context.
 */
#define HOP_RAISE(self, err_) HOP_RAISE_MSG(self, err_, (const char *)0)
#define HOP_RAISE_MSG(self, err_, msg_)                                      \
    do {                                                                     \
        (void)hop__raise(hop__g, (err_), (msg_), HOP__CTX(self), HOP__SITE); \
        HOP__ROUTE_ERR(self, hop__xu, hop__xh, hop__g->exc->code,            \
                       hop__g->exc->msg);                                    \
    } while (0)

/*
 * HOP_RAISE_FMT(self, err, fmt, ...): raise err with a message formatted
 * like printf's (the conversions d i u x X c s p %, with the flags - and
 * 0, a width, a precision for %s, and the lengths hh h l ll z j t),
 * without libc and without allocating: the text is kept in the error
 * record of the running task, or of the handle outside a task, in
 * HOP_CONF_ERRMSG bytes (a longer message ends in "..."), until the next
 * formatted error there. With HOP_CONF_ERRMSG 0, fmt itself is the
 * message.
 */
#define HOP_RAISE_FMT(self, err_, ...)                                       \
    do {                                                                     \
        (void)hop__raise_fmt(hop__g, (err_), HOP__CTX(self), HOP__SITE,      \
                             __VA_ARGS__);                                   \
        HOP__ROUTE_ERR(self, hop__xu, hop__xh, hop__g->exc->code,            \
                       hop__g->exc->msg);                                    \
    } while (0)

/*
 * HOP_RERAISE(self): raise again the error being handled (only inside a
 * handler, or a cleanup block, of a try block; a compile error elsewhere).
 */
#define HOP_RERAISE(self)                                                    \
    do {                                                                     \
        (void)sizeof(char[HOP__HAS(hop__xc) ? 1 : -1]);                      \
        (void)hop__reraise(hop__g, HOP__SLOT(self, HOP__IDX(hop__xc)));      \
        HOP__ROUTE_ERR(self, hop__xu, hop__xh, hop__g->exc->code,            \
                       hop__g->exc->msg);                                    \
    } while (0)

/*
 * HOP_VALUE(self): the value delivered at the last resume: the value
 * sent after HOP_YIELD or HOP_SUSPEND, the child's return value after
 * HOP_AWAIT. Valid until the next suspension.
 */
#define HOP_VALUE(self) ((void)(self), hop__g->val)

/* HOP_GEN(self): the hop_gen * driving this frame. */
#define HOP_GEN(self) ((void)(self), hop__g)

/*
 * HOP_ERROR(self), HOP_ERROR_MSG(self): the error being handled (in a
 * handler, or a cleanup block while an error unwinds), else 0 and NULL.
 */
#define HOP_ERROR(self)                                                      \
    (HOP__HAS(hop__xc) ? hop__err_of(HOP__SLOT(self, HOP__IDX(hop__xc))) : 0)
#define HOP_ERROR_MSG(self)                                                  \
    (HOP__HAS(hop__xc) ? hop__msg_of(HOP__SLOT(self, HOP__IDX(hop__xc)))     \
                       : (const char *)0)

/*
 * HOP_ALLOC(self, type): a type-sized frame from the handle's arena, or
 * NULL when it has none or it is full. Released when the frame finishes.
 */
#define HOP_ALLOC(self, type_)                                               \
    ((void)(self), (type_ *)hop_frame_alloc(hop__g, sizeof(type_)))

/*
 * Try blocks:
 *
 *     HOP_TRY(self);
 *         ...                          body
 *     HOP_CATCH(self, E_A);
 *         ...                          runs when E_A left the body
 *     HOP_CATCH_ANY(self);
 *         ...                          any other ordinary error
 *     HOP_FINALLY(self);
 *         ...                          cleanup, runs exactly once
 *     HOP_END_TRY(self);
 *
 * Handlers and the cleanup block are optional and may suspend. An error
 * that no handler catches, or that a handler raises, runs the cleanup and
 * goes on outwards; a HOP_RETURN inside runs the cleanup and then
 * returns. An error raised in the cleanup replaces what was pending. The
 * frame struct must declare HOP_TRIES(n) right after its header, where n
 * is the deepest nesting of try blocks in the step function.
 */
#define HOP_TRY(self)                                                        \
    {                                                                        \
        struct hop__od { char c[sizeof(struct hop__xd)]; };                  \
        struct hop__ou { char c[sizeof(struct hop__xu)]; };                  \
        struct hop__oh { char c[sizeof(struct hop__xh)]; };                  \
        (void)sizeof(struct {                                                \
            char HOP_TRIES_of_the_frame_too_small[                           \
                sizeof((self)->hop_tries) / sizeof(hop_try) >=               \
                        sizeof(struct hop__od)                               \
                    ? 1                                                      \
                    : -1];                                                   \
        });                                                                  \
        if ((void *)(self)->hop_tries != (void *)HOP__SLOT(self, 0))         \
            return hop__bad_frame(hop__g, "HOP_TRIES must directly "         \
                                          "follow the frame header");        \
        HOP__TS(self)->mode = HOP__TRY_BODY;                                 \
        HOP__TS(self)->re = HOP__LC_VALUE;                                   \
        if (0) {                                                             \
            HOP__LC_LABEL;                                                   \
        }                                                                    \
        {                                                                    \
            struct hop__xd { char c[sizeof(struct hop__od) + 1]; };          \
            struct hop__xu { char c[sizeof(struct hop__od) + 1]; };          \
            struct hop__xh { char c[1]; };                                   \
            if (HOP__TS(self)->mode == HOP__TRY_BODY) {                      \
                (void)0

/* HOP_CATCH_IF(self, cond): a handler for errors for which cond holds. */
#define HOP_CATCH_IF(self, cond_)                                            \
            }                                                                \
        }                                                                    \
        {                                                                    \
            HOP__HANDLER_TAGS                                                \
            if (HOP__TS(self)->mode == HOP__TRY_ERROR && (cond_) &&          \
                hop__take(HOP__TS(self))) {                                  \
                (void)0

/* HOP_CATCH(self, err): a handler for the error code err. */
#define HOP_CATCH(self, err_)                                                \
    HOP_CATCH_IF(self, (int)HOP__TS(self)->pend == (err_))

/* HOP_CATCH_ANY(self): any error but HOP_EEXIT and HOP_ECANCELED. */
#define HOP_CATCH_ANY(self)                                                  \
    HOP_CATCH_IF(self, hop__ordinary((int)HOP__TS(self)->pend))

/* HOP_CATCH_ALL(self): every error, close and cancellation included. */
#define HOP_CATCH_ALL(self) HOP_CATCH_IF(self, 1)

/* HOP_FINALLY(self): the cleanup block. */
#define HOP_FINALLY(self)                                                    \
            }                                                                \
        }                                                                    \
        hop__settle(HOP__TS(self));                                          \
        {                                                                    \
            struct hop__xd { char c[sizeof(struct hop__od) + 1]; };          \
            struct hop__xu { char c[sizeof(struct hop__ou)]; };              \
            struct hop__xh { char c[sizeof(struct hop__oh)]; };              \
            struct hop__xc { char c[sizeof(struct hop__od) + 1]; };          \
            {                                                                \
                (void)0

/* HOP_END_TRY(self): the end of the try block. */
#define HOP_END_TRY(self)                                                    \
            }                                                                \
        }                                                                    \
        hop__settle(HOP__TS(self));                                          \
        if (HOP__TS(self)->mode == HOP__TRY_UNWIND_ERR) {                    \
            (void)hop__reraise(hop__g, HOP__TS(self));                       \
            HOP__ROUTE_ERR(self, hop__ou, hop__oh, hop__g->exc->code,        \
                           hop__g->exc->msg);                                \
        }                                                                    \
        if (HOP__TS(self)->mode == HOP__TRY_UNWIND_RET)                      \
            HOP__ROUTE_RET(self, hop__ou, HOP__TS(self)->pend);              \
    }                                                                        \
    (void)0

#endif /* HOP_CORO_H */
