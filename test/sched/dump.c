/*
 * test/sched/dump.c: hop_dump shows every live task, what it waits on,
 * where it was spawned and its await chain with file:line.
 */
#include "t.h"

static char out[4096];
static int out_len;

static int sink(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    while (len-- > 0 && out_len < (int)sizeof out - 1)
        out[out_len++] = *buf++;
    out[out_len] = '\0';
    return 0;
}

static int stop_after;

static int stopper(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return --stop_after == 0 ? 77 : 0;
}

static int contains(const char *hay, const char *needle)
{
    int i, j;

    for (i = 0; hay[i] != '\0'; i++) {
        for (j = 0; needle[j] != '\0' && hay[i + j] == needle[j]; j++)
            ;
        if (needle[j] == '\0')
            return 1;
    }
    return 0;
}

static int sleep_line, outer_line, spawn_line;

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
} inner_frame;

static hop_step inner(hop_gen *g, hop_frame *f)
{
    inner_frame *self = (inner_frame *)f;
    HOP_BEGIN(g, self);
    sleep_line = __LINE__ + 1;
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(120)));
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    inner_frame in;
} outer_frame;

static hop_step outer(hop_gen *g, hop_frame *f)
{
    outer_frame *self = (outer_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->in.hdr, inner, HOP_COROUTINE);
    outer_line = __LINE__ + 1;
    HOP_AWAIT(self, &self->in.hdr);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_join_frame j;
    hop_task *other;
} joiner_frame;

static hop_step joiner(hop_gen *g, hop_frame *f)
{
    joiner_frame *self = (joiner_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_join(&self->j, self->other));
    HOP_END(self);
}

static void dump_tasks(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c;
    outer_frame fa;
    joiner_frame fb;
    outer_frame fc;
    char num[24], want[96];
    int k;

    t_fill(&a, sizeof a, 0);
    t_fill(&b, sizeof b, 0);
    t_fill(&c, sizeof c, 0);
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    hop_frame_init(&fa.hdr, outer, HOP_COROUTINE);
    hop_frame_init(&fb.hdr, joiner, HOP_COROUTINE);
    hop_frame_init(&fc.hdr, outer, HOP_COROUTINE);
    fb.other = &a;
    T_EQ(hop_task_init(&a, &l, &fa.hdr, "sleeper"), HOP_OK);
    T_EQ(hop_task_init(&b, &l, &fb.hdr, "joiner"), HOP_OK);
    T_EQ(hop_task_init(&c, &l, &fc.hdr, NULL), HOP_OK);
    spawn_line = __LINE__ + 1;
    T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_spawn(&b), HOP_OK);
    T_EQ(hop_spawn_after(&c, HOP_SEC(5)), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_NOWAIT), HOP_OK);

    out_len = 0;
    T_EQ(hop_dump(&l, sink, NULL), HOP_OK);
    T_ASSERT(contains(out, "loop: 3 tasks"));
#if HOP_CONF_TASK_NAMES
    T_ASSERT(contains(out, "task 1 \"sleeper\" waiting on "));
    T_ASSERT(contains(out, HOP_CONF_DESCRIBE ? "waiting on deadline +120 ms"
                                             : "waiting on sleep"));
    T_ASSERT(contains(out, HOP_CONF_DESCRIBE
                               ? "task 2 \"joiner\" waiting on task 1,"
                               : "task 2 \"joiner\" waiting on task,"));
    /* spawned at this file and line */
    {
        const char *p = __FILE__;
        int n = 0;
        const char *pre = "spawned at ";
        while (*pre)
            want[n++] = *pre++;
        while (*p && n < 80)
            want[n++] = *p++;
        want[n++] = ':';
        p = t_itoa(spawn_line, num);
        while (*p)
            want[n++] = *p++;
        want[n] = '\0';
        T_ASSERT(contains(out, want));
    }
#else
    /* Without names and spawn sites: ids, states and chains. */
    T_ASSERT(contains(out, HOP_CONF_DESCRIBE
                               ? "task 1 waiting on deadline +120 ms\n"
                               : "task 1 waiting on sleep\n"));
    T_ASSERT(contains(out, HOP_CONF_DESCRIBE ? "task 2 waiting on task 1\n"
                                             : "task 2 waiting on task\n"));
    T_ASSERT(!contains(out, "spawned at"));
    T_ASSERT(!contains(out, "sleeper"));
#endif
    /* the chain, innermost first, with each suspension's line (and,
     * unless HOP_CONF_TRACE is 0, its function and file) */
    for (k = 0; k < 2; k++) {
#if HOP_CONF_TRACE > 0
        const char *fn = k == 0 ? "at inner (" : "at outer (";
        const char *p = __FILE__;
#else
        const char *fn = "at ? (";
        const char *p = "?";
#endif
        int n = 0;
        while (*fn)
            want[n++] = *fn++;
        while (*p && n < 80)
            want[n++] = *p++;
        want[n++] = ':';
        p = t_itoa(k == 0 ? sleep_line : outer_line, num);
        while (*p)
            want[n++] = *p++;
        want[n++] = ')';
        want[n] = '\0';
        T_ASSERT(contains(out, want));
    }
    T_ASSERT(contains(out, "task 3 delayed"));
    T_ASSERT(contains(out, "(not started)"));

    /* A writer that fails stops the dump with its result. */
    for (k = 1; k < 5; k++) {
        stop_after = k;
        T_EQ(hop_dump(&l, stopper, NULL), 77);
    }
    T_EQ(hop_dump(NULL, sink, NULL), HOP_EINVAL);
    T_EQ(hop_dump(&l, NULL, NULL), HOP_EINVAL);

    /* Nothing was changed: the loop runs on as before. */
    T_EQ(hop_task_cancel(&c, NULL), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&a), HOP_TASK_DONE);
    T_EQ(hop_task_status(&b), HOP_TASK_DONE);
    T_EQ(sim.now, HOP_MSEC(120));
    out_len = 0;
    T_EQ(hop_dump(&l, sink, NULL), HOP_OK);
    T_ASSERT(contains(out, "loop: 0 tasks"));
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_dump[] = {
    T_CASE(dump_tasks),
    T_END,
};
