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

/* hop_task.state values (as in loop.c). */
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

static int task(hop_write_fn w, void *ctx, const hop_task *t)
{
    const hop_frame *f;

    TRY(hop__put(w, ctx, "task "));
    TRY(hop__put_int(w, ctx, t->id));
    if (t->name != NULL) {
        TRY(hop__put(w, ctx, " \""));
        TRY(hop__put(w, ctx, t->name));
        TRY(hop__put(w, ctx, "\""));
    }
    TRY(hop__put(w, ctx, " "));
    TRY(hop__put(w, ctx, state_name(t->state)));
    if (t->wait != NULL) {
        TRY(hop__put(w, ctx, " on "));
        if (t->wait->ops->describe != NULL)
            TRY(t->wait->ops->describe(t->wait, t, w, ctx));
        else
            TRY(hop__put(w, ctx, t->wait->ops->kind));
    }
    if (t->pending)
        TRY(hop__put(w, ctx, ", cancel pending"));
    if (t->sfile != NULL) {
        TRY(hop__put(w, ctx, ", spawned at "));
        TRY(hop__put(w, ctx, t->sfile));
        TRY(hop__put(w, ctx, ":"));
        TRY(hop__put_int(w, ctx, t->sline));
    }
    TRY(hop__put(w, ctx, "\n"));
    f = t->top != NULL ? t->top : t->root;
    for (; f != NULL; f = f->caller)
        TRY(frame(w, ctx, f));
    return 0;
}

int hop_dump(const hop_loop *l, hop_write_fn w, void *ctx)
{
    const hop_task *t;

    if (l == NULL || l->magic != HOP__LOOP_MAGIC || w == NULL)
        return HOP_EINVAL;
    TRY(hop__put(w, ctx, "loop: "));
    TRY(hop__put_int(w, ctx, l->ntasks));
    TRY(hop__put(w, ctx, " tasks, time "));
    TRY(hop__put_int(w, ctx, l->be->now(l->be_ctx)));
    TRY(hop__put(w, ctx, " ns\n"));
    for (t = l->all; t != NULL; t = t->lnext)
        TRY(task(w, ctx, t));
    return HOP_OK;
}
