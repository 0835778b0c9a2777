/*
 * lib/sched/dump.c: hop_dump, a picture of every live task of a loop.
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
#include "sched_internal.h"

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
    const hop_where *where;
    int line;

    TRY(hop_write_str(w, ctx, "    at "));
    if (f->lc == 0 || f->fn == NULL)
        return hop_write_str(w, ctx, "(not started)\n");
    if (!hop__frame_where(f, &where, &line))
        return hop_write_str(w, ctx, "(a step function that cannot tell)\n");
    TRY(hop_write_str(w, ctx, where->func != NULL ? where->func : "?"));
    TRY(hop_write_str(w, ctx, " ("));
    TRY(hop_write_str(w, ctx, where->file != NULL ? where->file : "?"));
    TRY(hop_write_str(w, ctx, ":"));
    TRY(hop_write_int(w, ctx, (long long)line));
    return hop_write_str(w, ctx, ")\n");
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

    TRY(hop_write_str(w, ctx, "task "));
    TRY(hop_write_int(w, ctx, t->id));
#if HOP_CONF_TASK_NAMES
    if (t->name != NULL) {
        TRY(hop_write_str(w, ctx, " \""));
        TRY(hop_write_str(w, ctx, t->name));
        TRY(hop_write_str(w, ctx, "\""));
    }
#endif
    TRY(hop_write_str(w, ctx, " "));
    TRY(hop_write_str(w, ctx, state_name((int)hop__tstate(t))));
    if (wt != NULL) {
        TRY(hop_write_str(w, ctx, " on "));
        if (wt->ops->describe != NULL)
            TRY(wt->ops->describe((hop_waitable *)wt, t, w, ctx));
        else
            TRY(hop_write_str(w, ctx, wt->ops->kind));
    }
    if (t->flags & HOP__TF_PENDING)
        TRY(hop_write_str(w, ctx, ", cancel pending"));
#if HOP_CONF_TASK_NAMES
    if (t->site != NULL) {
        TRY(hop_write_str(w, ctx, ", spawned at "));
        TRY(hop_write_str(w, ctx, t->site));
    }
#endif
    TRY(hop_write_str(w, ctx, "\n"));
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
    TRY(hop_write_str(w, ctx, "loop: "));
    TRY(hop_write_int(w, ctx, l->ntasks));
    TRY(hop_write_str(w, ctx, " tasks, time "));
    TRY(hop_write_int(w, ctx, l->be->now(l->be_ctx)));
    TRY(hop_write_str(w, ctx, " ns\n"));
    if (l->current != NULL)
        TRY(task(l->current, &o));
    return each_task(l, task, &o);
}
