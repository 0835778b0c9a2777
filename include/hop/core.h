/*
 * hop/core.h: resumable functions, the trampoline and the generator
 * protocol.
 *
 * A resumable function (a coroutine) is a step function plus a frame: a
 * caller-owned struct whose first member is a hop_frame and which holds
 * everything that must survive a suspension. The step function is written
 * with the macros of hop/coro.h and returns a step record (hop_step) to the
 * trampoline, which is the only code that ever calls a step function.
 *
 * A generator handle (hop_gen) drives a tree of frames from plain C code
 * with the PEP 342 operations start, next, send, throw and close. A frame
 * awaits a child frame (PEP 380 "yield from"): the child's yields go to
 * the driver, sends and throws go to the innermost frame, the child's
 * return value or error arrives at the await. Resuming costs the same at
 * any depth: the handle knows its innermost frame and nothing walks the
 * chain.
 *
 * Nothing here allocates. Child frames are embedded in their parent's
 * frame; recursion takes frames from a caller-supplied arena (hop_arena).
 * This header is freestanding (<stddef.h> and <stdint.h> only).
 */
#ifndef HOP_CORE_H
#define HOP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "error.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A value: one machine word, an integer or a pointer cast to intptr_t.
 * Values travel through hop untouched, whatever they look like.
 */
typedef intptr_t hop_value;

/*
 * The "no value" value (Python's None): what next() sends, what a bare
 * return gives and what a plain yield hands out. Sending anything else to
 * a generator that has not started is HOP_ENOTSTARTED.
 */
#define HOP_EMPTY ((hop_value)INTPTR_MIN)

typedef struct hop_frame hop_frame;
typedef struct hop_gen hop_gen;
typedef struct hop_try hop_try;
typedef struct hop_arena hop_arena;
typedef struct hop_exc hop_exc;
typedef struct hop_waitable hop_waitable;

/*
 * The step record a step function returns to the trampoline: two machine
 * words, returned in registers where the ABI allows. op is one of
 * HOP_STEP_*; v is the yielded or returned value, the child frame, the
 * waitable or the error code. The macros of hop/coro.h build these.
 */
typedef struct hop_step {
    intptr_t op;  /* what the frame asks for: HOP_STEP_* */
    hop_value v;  /* the operand */
} hop_step;

/* The kinds of step record. */
enum hop_step_op {
    HOP_STEP_SUSPEND = 1, /* wait on the waitable v; resume when it fires */
    HOP_STEP_RETURN = 2,  /* finish with the value v; pop this frame */
    HOP_STEP_CALL = 3,    /* await the child frame v (yield from) */
    HOP_STEP_YIELD = 4,   /* hand v to the driver; resume on send/throw */
    HOP_STEP_RAISE = 5    /* finish with the error v; pop this frame */
};

/* A step function. g is the handle driving the frame f. */
typedef hop_step (*hop_fn)(hop_gen *g, hop_frame *f);

/* The two kinds of resumable function (see hop_frame_init). */
enum hop_kind {
    HOP_GENERATOR = 0, /* once finished: DONE EMPTY, awaits give EMPTY */
    HOP_COROUTINE = 1  /* awaited once: once finished, reuse is EREUSED */
};

/*
 * The struct of type type whose member member is at the address p: how a
 * step function or a callback reaches the struct it embedded a frame, a
 * task, a timer or a waitable in.
 */
#define HOP_CONTAINER_OF(p, type, member)                                    \
    ((type *)(void *)((char *)(void *)(p) - offsetof(type, member)))

/* States of a frame and of a generator handle. */
enum hop_state {
    HOP_STATE_CREATED = 1,   /* initialised, not started */
    HOP_STATE_RUNNING = 2,   /* executing (handles only) */
    HOP_STATE_SUSPENDED = 3, /* started, waiting to be resumed */
    HOP_STATE_FINISHED = 4   /* returned or raised; runs no more code */
};

/*
 * The frame header, first member of every frame struct. All fields are
 * private; hop_frame_init sets them.
 */
struct hop_frame {
    hop_fn fn;          /* private: the step function */
    hop_frame *caller;  /* private: the awaiting frame while this one runs */
    int32_t lc;         /* private: resume point, 0 before the first step */
    uint32_t flags;     /* private: state, kind, closing mark, signature */
};

/*
 * The state of one try block (see HOP_TRY in hop/coro.h). A frame whose
 * step function uses try blocks declares HOP_TRIES(n) right after its
 * header, n being the deepest nesting of try blocks in the function.
 */
struct hop_try {
    hop_value pend;   /* private: pending return value or error code */
    const char *msg;  /* private: message of the pending error */
    int32_t re;       /* private: resume point of the block's dispatch */
    int32_t mode;     /* private: what is pending */
};

/* Room for n nested try blocks; must directly follow the frame header. */
#define HOP_TRIES(n) hop_try hop_tries[n]

/* Where a step function is written: its file and function name. */
typedef struct hop_where {
    const char *file; /* __FILE__ (NULL when HOP_CONF_TRACE is 0) */
    const char *func; /* __func__ (NULL when HOP_CONF_TRACE is 0) */
} hop_where;

/* One file:line entry of a traceback. */
typedef struct hop_site {
    const char *file; /* source file (__FILE__), static */
    int line;         /* line in it */
} hop_site;

/*
 * The last error raised in a generator handle (or in a task): its code
 * and message, the error that was being handled when it was raised (its
 * context, Python's __context__), and the file:line of each frame it
 * crossed, innermost first. The traceback holds HOP_CONF_TRACE entries;
 * entries past that are counted in dropped. An error that a join raised
 * again in the joining task (a joined task's failure) starts with the
 * frames it crossed in the task where it began: the first nfrom entries,
 * with that task's id, name and spawn site. A message formatted by
 * HOP_RAISE_FMT is kept in text (msg points there) and its format in fmt.
 * Read-only.
 */
struct hop_exc {
    int code;          /* read-only: the error code, 0 if none */
    int ctx;           /* read-only: error being handled when raised, or 0 */
    const char *msg;   /* read-only: message, or NULL */
    const char *fmt;   /* read-only: format of a formatted message, or NULL */
    unsigned ntrace;   /* read-only: entries in trace */
    unsigned dropped;  /* read-only: entries that did not fit */
    unsigned nfrom;    /* read-only: first entries from another task, or 0 */
    uint32_t from_id;  /* read-only: that task's id */
    const char *from_name; /* read-only: its static name, or NULL */
    const char *from_site; /* read-only: where it was spawned, or NULL */
#if HOP_CONF_TRACE > 0
    hop_site trace[HOP_CONF_TRACE]; /* read-only: innermost first */
#endif
#if HOP_CONF_ERRMSG > 0
    char text[HOP_CONF_ERRMSG]; /* read-only: a formatted message */
#endif
};

/*
 * A generator handle: drives one tree of frames from plain C code.
 * Caller-owned, initialised by hop_gen_init, not movable while
 * initialised. Only data is for the caller; the rest is private (the
 * coroutine macros read val and err).
 */
struct hop_gen {
    hop_frame *top;     /* private: innermost frame, NULL when not started */
    hop_frame *root;    /* private: outermost frame */
    hop_value val;      /* private: value delivered at the next resume */
    int err;            /* private: error delivered at the next resume */
    uint32_t state;     /* private: HOP_STATE_* | HOP__GS_* marks */
    uint32_t magic;     /* private: set while initialised */
    hop_arena *arena;   /* private: frame arena for recursion, or NULL */
    void *data;         /* public: for the caller */
    hop_exc *exc;       /* private: where errors are recorded: rec, or
                           the running task's own record */
    hop_exc rec;        /* private: the handle's own error record */
    void *owner;        /* private: whoever drives the handle (a loop), or
                           NULL for a handle of the caller's own */
};

/*
 * A frame arena: a caller-supplied buffer that recursive coroutines take
 * frames from (HOP_ALLOC). Frames are released when they finish; the
 * arena is a stack, so it never fragments. Private fields.
 */
struct hop_arena {
    unsigned char *base; /* private: aligned start of the buffer */
    size_t size;         /* private: usable bytes */
    size_t used;         /* private: bytes in use */
    size_t last;         /* private: offset of the last block, or size */
    uint32_t magic;      /* private: set while initialised */
    void (*release)(hop_arena *a, void *p); /* private: gives back the
                            block of a frame that finished (a program
                            without an arena links none of it) */
};

/* Outcomes of the driver operations (positive; errors are negative). */
enum hop_outcome {
    HOP_YIELDED = 1,  /* the innermost frame yielded *out */
    HOP_RETURNED = 2, /* the generator finished with the value *out */
    HOP_RAISED = 3,   /* the generator finished with an error (hop_gen_exc) */
    HOP_WAITING = 4   /* the innermost frame waits on the waitable *out */
};

/* -- frames ------------------------------------------------------------- */

/*
 * Initialise the frame header f for the step function fn, as a generator
 * or a coroutine (enum hop_kind). The frame is then CREATED and can be
 * awaited once or made the root of a generator handle. Re-initialise a
 * finished frame to run it again; never re-initialise one that is still
 * running or suspended. Returns HOP_OK, or HOP_EINVAL for a NULL argument
 * or an unknown kind.
 */
HOP_API int hop_frame_init(hop_frame *f, hop_fn fn, int kind);

/*
 * The state of a frame (enum hop_state): CREATED, SUSPENDED once started
 * (whether its step is executing, it awaits a child or it waits at a
 * yield) or FINISHED; hop_gen_state tells whether code is executing.
 * HOP_EINVAL for NULL or a header hop_frame_init never set.
 */
HOP_API int hop_frame_state(const hop_frame *f);

/* -- the arena ---------------------------------------------------------- */

/*
 * Make the size bytes at buf a frame arena. Returns HOP_OK, or
 * HOP_EINVAL for NULL arguments or a buffer smaller than one block
 * header plus 2 * sizeof(void *) bytes (after alignment).
 */
HOP_API int hop_arena_init(hop_arena *a, void *buf, size_t size);

/* Bytes of the arena in use (0 once every frame taken from it finished). */
HOP_API size_t hop_arena_used(const hop_arena *a);

/*
 * Take size bytes for a frame from the arena of the handle g (see
 * hop_gen_set_arena). The memory is released when the frame built at its
 * start finishes (frames embedded in it are not blocks of their own).
 * NULL when g is not an initialised handle, has no arena, size is 0 or
 * the arena is full: the caller raises HOP_ENOMEM.
 */
HOP_API void *hop_frame_alloc(hop_gen *g, size_t size);

/* -- the generator handle ----------------------------------------------- */

/*
 * Initialise the handle g to drive the CREATED frame root. Returns
 * HOP_OK; HOP_EINVAL for NULL arguments or an uninitialised root;
 * HOP_EBUSY when root is not CREATED, or when g drives a generator that
 * is suspended or running (close it first: it would be abandoned).
 */
HOP_API int hop_gen_init(hop_gen *g, hop_frame *root);

/*
 * Release the handle. HOP_EBUSY while the generator is running or
 * suspended (close it first); HOP_EINVAL for an uninitialised handle.
 */
HOP_API int hop_gen_cleanup(hop_gen *g);

/*
 * Let the frames of g take their frames from arena a (NULL: none).
 * HOP_EINVAL for an uninitialised handle or arena; HOP_EBUSY while the
 * generator is running or suspended.
 */
HOP_API int hop_gen_set_arena(hop_gen *g, hop_arena *a);

/*
 * The driver operations. Each returns an outcome (enum hop_outcome) and
 * stores the value that goes with it in *out when out is not NULL: the
 * yielded value, the return value, the error code, or the waitable.
 * Misuse returns a negative code and leaves the generator as it was:
 *   HOP_EINVAL      NULL or uninitialised handle, error code 0;
 *   HOP_ERUNNING    the generator is executing (it resumed itself);
 *   HOP_ENOTSTARTED send of a value other than HOP_EMPTY before start;
 *   HOP_ESTATE      start of a generator that has already started;
 *   HOP_EREUSED     next, send or throw on a finished coroutine root;
 *   HOP_EBUSY       the root frame was started elsewhere meanwhile.
 * A finished generator root gives HOP_RETURNED with HOP_EMPTY again.
 * While a close is still in progress (it returned HOP_WAITING), next and
 * send go on with it, and may return what close would.
 */
HOP_API int hop_gen_start(hop_gen *g, hop_value *out);
HOP_API int hop_gen_next(hop_gen *g, hop_value *out);
HOP_API int hop_gen_send(hop_gen *g, hop_value v, hop_value *out);

/*
 * Raise the error err (nonzero; msg is an optional static message) at
 * the point where the innermost frame is suspended. Thrown into a
 * generator that never started or has finished, the error comes straight
 * back as HOP_RAISED and no user code runs. Throwing HOP_EEXIT closes
 * delegates the way close does (a delegate that yields instead raises
 * HOP_EIGNORED in its caller), but the frame that catches it at the top
 * may yield, and the escaping error is reported as HOP_RAISED.
 */
HOP_API int hop_gen_throw(hop_gen *g, int err, const char *msg,
                          hop_value *out);

/*
 * Close the generator (PEP 342): HOP_EEXIT is raised where it is
 * suspended, delegates first. HOP_RETURNED when it finished: *out is
 * HOP_EMPTY, or the value the root frame returned after catching
 * HOP_EEXIT. HOP_RAISED when another error escaped (a delegate that
 * yielded instead of finishing gives HOP_EIGNORED this way).
 * HOP_EIGNORED when the root frame itself yielded instead of finishing;
 * it stays suspended at that yield and *out is not written. HOP_WAITING
 * when a cleanup waits on a waitable: the close goes on when the
 * generator is resumed. Closing a generator that never started or has
 * finished runs no code and returns HOP_RETURNED. HOP_ERUNNING,
 * HOP_EINVAL and HOP_EBUSY as for the other operations.
 */
HOP_API int hop_gen_close(hop_gen *g, hop_value *out);

/* The state of the handle (enum hop_state), or HOP_EINVAL. */
HOP_API int hop_gen_state(const hop_gen *g);

/*
 * While the generator is suspended inside an await of its root frame:
 * the child frame the root awaits. Otherwise NULL.
 */
HOP_API hop_frame *hop_gen_delegate(const hop_gen *g);

/* The innermost frame while started and not finished, else NULL. */
HOP_API hop_frame *hop_gen_frame(const hop_gen *g);

/* The number of frames on the handle's await chain (0 when not started
 * or finished), or HOP_EINVAL for an uninitialised handle. */
HOP_API int hop_gen_depth(const hop_gen *g);

/*
 * The last error raised in g (valid until the next error is raised in
 * it), or NULL for an uninitialised handle. For the handle a loop runs
 * its tasks on, the record of the task running now (hop_task_exc).
 */
HOP_API const hop_exc *hop_gen_exc(const hop_gen *g);

/* -- errors and tracebacks ---------------------------------------------- */

/* A sink for text: write len bytes of buf; return 0, or nonzero to stop. */
typedef int (*hop_write_fn)(void *ctx, const char *buf, size_t len);

/*
 * Write e as a traceback through w:
 *   error HOP_EINVAL (-4001): message
 *     at file.c:12
 *     at file.c:40
 *     ... 3 more
 *   while handling HOP_EEXIT (-4009)
 * Allocates nothing and needs no libc, so it may be called from a signal
 * handler or a debugger. Returns HOP_OK, HOP_EINVAL for NULL arguments,
 * or the first nonzero result of w.
 */
HOP_API int hop_exc_write(const hop_exc *e, hop_write_fn w, void *ctx);

/*
 * Write the string s, or the decimal v, through w: 0, or w's nonzero
 * result. For describe functions of waitables and other text sinks;
 * nothing is formatted in a buffer.
 */
HOP_API int hop_write_str(hop_write_fn w, void *ctx, const char *s);
HOP_API int hop_write_int(hop_write_fn w, void *ctx, long long v);

/* -- private helpers of the coroutine macros ----------------------------- */

HOP_API int hop__raise(hop_gen *g, int err, const char *msg, int ctx,
                       const char *file, int line);
HOP_API void hop__site(hop_gen *g, const char *file, int line);
HOP_API void hop__arrive(hop_gen *g, int ctx, const char *file, int line);
HOP_API int hop__reraise(hop_gen *g, hop_try *t);
HOP_API int hop__raise_fmt(hop_gen *g, int err, int ctx, const char *file,
                           int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
HOP_API hop_step hop__bad_frame(hop_gen *g, const char *why);
HOP_API int hop__gen_continue(hop_gen *g, intptr_t op, hop_value v,
                              hop_value *out);

/* hop_frame.flags: the state bits, marks and the signature init sets. */
#define HOP__FS_MASK 0x7u
#define HOP__FF_COROUTINE 0x8u
#define HOP__FF_CLOSING 0x10u
#define HOP__FF_SIG 0x4f500000u
#define HOP__FF_SIG_MASK 0xfff00000u

/* hop_frame_init, inline: the checks fold away for known arguments. */
static inline int hop__frame_init_inline(hop_frame *f, hop_fn fn, int kind)
{
    if (f == NULL || fn == NULL ||
        (kind != HOP_GENERATOR && kind != HOP_COROUTINE))
        return HOP_EINVAL;
    f->fn = fn;
    f->caller = NULL;
    f->lc = 0;
    f->flags = HOP__FF_SIG | HOP_STATE_CREATED |
               (kind == HOP_COROUTINE ? HOP__FF_COROUTINE : 0u);
    return HOP_OK;
}

#define hop_frame_init(f, fn, kind)                                          \
    hop__frame_init_inline((f), (fn), (kind))

/* hop_gen.state: the state bits; marks of a close in progress and of an
 * exit (close, or a throw of HOP_EEXIT) being delivered. */
#define HOP__GS_STATE 0xffu
#define HOP__GS_CLOSING 0x100u
#define HOP__GS_EXITING 0x200u
#define HOP__GS_MARKS (HOP__GS_CLOSING | HOP__GS_EXITING)

/* hop_gen.magic of an initialised handle. */
#define HOP__GEN_MAGIC 0x686f7067u

/* The innermost frame yielded v at the top (no exit being delivered). */
static inline int hop__gen_yielded(hop_gen *g, hop_value v, hop_value *out)
{
    g->state = HOP_STATE_SUSPENDED;
    if (out != NULL)
        *out = v;
    return HOP_YIELDED;
}

/*
 * Resume the suspended handle g (marks: its close marks) with the value v
 * or the error err: run its innermost frame once, and go on in the
 * trampoline (hop__gen_continue) for anything but a plain yield: the
 * inline way in of hop_gen_send. (The checked drivers in the library go
 * straight to the trampoline, which handles the yield with the same
 * hop__gen_yielded. An exit cannot begin while a frame runs: with no
 * mark at entry, none is there at its yield.)
 */
static inline int hop__gen_resume(hop_gen *g, unsigned marks, hop_value v,
                                  int err, hop_value *out)
{
    hop_frame *f = g->top;
    hop_step s;

    g->val = v;
    g->err = err;
    g->state = marks | HOP_STATE_RUNNING;
    s = f->fn(g, f);
    if (s.op == HOP_STEP_YIELD && !(marks & HOP__GS_EXITING))
        return hop__gen_yielded(g, s.v, out);
    return hop__gen_continue(g, s.op, s.v, out);
}

/*
 * hop_gen_send, inline: a suspended generator whose innermost frame
 * simply yields again costs one indirect call. Every other state takes
 * the checked path of the real function.
 */
static inline int hop__gen_send_inline(hop_gen *g, hop_value v,
                                       hop_value *out)
{
    if (g == NULL || g->magic != HOP__GEN_MAGIC ||
        g->state != HOP_STATE_SUSPENDED)
        return (hop_gen_send)(g, v, out);
    return hop__gen_resume(g, 0, v, 0, out);
}

/*
 * hop_gen_next and hop_gen_send expand to the inline fast path; the
 * functions themselves stay exported ((hop_gen_next)(g, out) or a
 * function pointer reaches them).
 */
#define hop_gen_next(g, out) hop__gen_send_inline((g), HOP_EMPTY, (out))
#define hop_gen_send(g, v, out) hop__gen_send_inline((g), (v), (out))

#ifdef __cplusplus
}
#endif

#include "coro.h"

#endif /* HOP_CORE_H */
