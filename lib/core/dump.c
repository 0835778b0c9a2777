/*
 * lib/core/dump.c: hop_dump, a picture of every live task of a loop.
 *
 * For each task: id, name, state, what it waits on (the waitable's own
 * description), where it was spawned, and its await chain innermost
 * first. A frame tells where it is suspended when it is resumed, on a
 * copy of its header, with the error HOP__QUERY: the code at its
 * suspension point returns its function's file and name and its line
 * without running anything else. Nothing is written into the loop,
 * nothing is allocated and no libc is called, so a debugger or a signal
 * handler may call it.
 */
#include "internal.h"

/* The task states (HOP__T_*). */
static const char *state_name(int s)
{
    static const char *const names[] = {"?",       "new",     "delayed",
                                        "ready",   "running", "arming",
                                        "waiting", "done",    "failed",
                                        "cancelled"};

    return s >= 1 && s <= 9 ? names[s] : names[0];
}

#define TRY(x)                                                               \
    do {                                                                     \
        int r_ = (x);                                                        \
        if (r_ != 0)                                                         \
            return r_;                                                       \
    } while (0)

static int frame(hop_write_fn w, void *ctx, const hop_frame *f)
{
    hop_frame copy = *f;
    hop_gen q;
    hop_step s;
    const hop_where *where;

    TRY(hop__put(w, ctx, "    at "));
    if (copy.lc == 0 || copy.fn == NULL)
        return hop__put(w, ctx, "(not started)\n");
    q.err = HOP__QUERY;
    q.val = 0;
    q.magic = 0;
    q.state = HOP_STATE_RUNNING;
    s = copy.fn(&q, &copy);
    if (s.op != HOP__STEP_WHERE)
        return hop__put(w, ctx, "(a step function that cannot tell)\n");
    where = (const hop_where *)s.v;
    TRY(hop__put(w, ctx, where->func != NULL ? where->func : "?"));
    TRY(hop__put(w, ctx, " ("));
    TRY(hop__put(w, ctx, where->file != NULL ? where->file : "?"));
    TRY(hop__put(w, ctx, ":"));
    TRY(hop__put_int(w, ctx, (long long)q.val));
    return hop__put(w, ctx, ")\n");
}

struct out {
    hop_write_fn w;
    void *ctx;
};

static int task(hop_task *t, void *arg)
{
    const struct out *o = arg;
    hop_write_fn w = o->w;
    void *ctx = o->ctx;
    const hop_waitable *wt = hop_task_waiting_on(t);
    const hop_frame *f;

    TRY(hop__put(w, ctx, "task "));
    TRY(hop__put_int(w, ctx, t->id));
#if HOP_CONF_TASK_NAMES
    if (t->name != NULL) {
        TRY(hop__put(w, ctx, " \""));
        TRY(hop__put(w, ctx, t->name));
        TRY(hop__put(w, ctx, "\""));
    }
#endif
    TRY(hop__put(w, ctx, " "));
    TRY(hop__put(w, ctx, state_name((int)hop__tstate(t))));
    if (wt != NULL) {
        TRY(hop__put(w, ctx, " on "));
        if (wt->ops->describe != NULL)
            TRY(wt->ops->describe((hop_waitable *)wt, t, w, ctx));
        else
            TRY(hop__put(w, ctx, wt->ops->kind));
    }
    if (t->flags & HOP__TF_PENDING)
        TRY(hop__put(w, ctx, ", cancel pending"));
#if HOP_CONF_TASK_NAMES
    if (t->site != NULL) {
        TRY(hop__put(w, ctx, ", spawned at "));
        TRY(hop__put(w, ctx, t->site));
    }
#endif
    TRY(hop__put(w, ctx, "\n"));
    for (f = t->top; f != NULL; f = f->caller)
        TRY(frame(w, ctx, f));
    return 0;
}

/* Every live task of l but the running one: ready, waiting, delayed. */
static int each_task(const hop_loop *l, int (*fn)(hop_task *t, void *ctx),
                    void *ctx)
{
    hop_task *const *lists[3];
    int i;

    lists[0] = &l->ready;
    lists[1] = &l->waiting;
    lists[2] = &l->delayed;
    for (i = 0; i < 3; i++) {
        hop_task *t;
        for (t = *lists[i]; t != NULL; t = t->next) {
            int r = fn(t, ctx);
            if (r != 0)
                return r;
        }
    }
    return 0;
}

int hop_dump(const hop_loop *l, hop_write_fn w, void *ctx)
{
    struct out o;

    if (l == NULL || l->magic != HOP__LOOP_MAGIC || w == NULL)
        return HOP_EINVAL;
    o.w = w;
    o.ctx = ctx;
    TRY(hop__put(w, ctx, "loop: "));
    TRY(hop__put_int(w, ctx, l->ntasks));
    TRY(hop__put(w, ctx, " tasks, time "));
    TRY(hop__put_int(w, ctx, l->be->now(l->be_ctx)));
    TRY(hop__put(w, ctx, " ns\n"));
    if (l->current != NULL)
        TRY(task(l->current, &o));
    return each_task(l, task, &o);
}
