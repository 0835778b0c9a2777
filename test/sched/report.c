/*
 * test/sched/report.c: failures that say where they came from. A task
 * keeps its own error record (hop_task_exc), which other tasks' errors
 * never touch; a join raises a child's error with the child's frames
 * first; a task that fails with nobody to see it is counted and reported
 * once (hop_loop_unobserved, hop_loop_set_report, hop_loop_on_error);
 * HOP_RAISE_FMT formats a message into the task's record.
 */
#include "t.h"

#define E_A 1001
#define E_B 1002

/* -- a text sink ------------------------------------------------------------- */

typedef struct {
    char s[2048];
    int n;
} sink;

static int sink_write(void *ctx, const char *buf, size_t len)
{
    sink *k = ctx;
    size_t i;

    for (i = 0; i < len && k->n < (int)sizeof k->s - 1; i++)
        k->s[k->n++] = buf[i];
    k->s[k->n] = '\0';
    return 0;
}

static void sink_reset(sink *k)
{
    k->n = 0;
    k->s[0] = '\0';
}

/* Append s, or the decimal v, to k. */
static void put(sink *k, const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    sink_write(k, s, n);
}

static void put_int(sink *k, long long v)
{
    char buf[24];

    put(k, t_itoa(v, buf));
}

/* "  at <this file>:<line>\n" */
static void put_at(sink *k, const char *ind, int line)
{
    put(k, ind);
    put(k, "  at " __FILE__ ":");
    put_int(k, line);
    put(k, "\n");
}

/* -- frames ------------------------------------------------------------------ */

/* Lines of the raises and awaits below, recorded as they run. */
static int l_raise, l_slow, l_mid, l_top, l_join;
static int spawn_line, kid_spawn_line;

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    int err;
    hop_time d; /* sleep first */
} leaf_frame;

/* sleep d; raise err (formatted) */
static hop_step leaf(hop_gen *g, hop_frame *f)
{
    leaf_frame *self = (leaf_frame *)f;
    HOP_BEGIN(g, self);
    if (self->d > 0)
        HOP_AWAIT(self, hop_sleep(&self->sl, self->d));
    l_raise = __LINE__; HOP_RAISE_FMT(self, self->err, "leaf %d", self->err);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    leaf_frame leaf;
} mid_frame;

static hop_step mid(hop_gen *g, hop_frame *f)
{
    mid_frame *self = (mid_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->leaf.hdr, leaf, HOP_COROUTINE);
    l_mid = __LINE__; HOP_AWAIT(self, &self->leaf.hdr);
    HOP_END(self);
}

/* The frame of every task of this file. */
typedef struct body {
    hop_frame hdr;
    HOP_TRIES(2);
    mid_frame mid;
    hop_sleep_frame sl;
    hop_join_frame j;
    hop_group grp;
    hop_task kid;
    struct body *kf;     /* the kid's frame (another body) */
    hop_loop *loop;
    int err;             /* what to raise / what was caught */
    hop_time d;
    const char *msg;     /* message caught */
    char seen[80];       /* a copy of it, taken later */
    int nfrom, ntrace;   /* of the record seen in a handler */
    uint32_t from_id;
    int line0, linen;    /* its first entry's line, entry nfrom's line */
} body;

static void copy_str(char *dst, size_t n, const char *s)
{
    size_t i;

    for (i = 0; s != NULL && s[i] != '\0' && i + 1 < n; i++)
        dst[i] = s[i];
    dst[i] = '\0';
}

/* await mid -> leaf (sleep d, raise err) */
static hop_step b_fail(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->mid.hdr, mid, HOP_COROUTINE);
    self->mid.leaf.err = self->err;
    self->mid.leaf.d = self->d;
    l_top = __LINE__; HOP_AWAIT(self, &self->mid.hdr);
    HOP_END(self);
}

/* try { raise E_A formatted } finally { sleep d; keep the message } */
static hop_step b_fail_slowly(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        l_slow = __LINE__; HOP_RAISE_FMT(self, E_A, "slow %s %d", "A", 1);
    HOP_FINALLY(self);
        self->msg = HOP_ERROR_MSG(self);
        HOP_AWAIT(self, hop_sleep(&self->sl, self->d));
        copy_str(self->seen, sizeof self->seen, self->msg);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* spawn the kid (b_fail, err, d) unless it is spawned; join it; catch */
static hop_step b_join(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        l_join = __LINE__; HOP_AWAIT(self, hop_join(&self->j, &self->kid));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
        self->msg = HOP_ERROR_MSG(self);
        self->nfrom = (int)hop_gen_exc(g)->nfrom;
        self->ntrace = (int)hop_gen_exc(g)->ntrace;
        self->from_id = hop_gen_exc(g)->from_id;
#if HOP_CONF_TRACE > 0
        self->line0 = hop_gen_exc(g)->trace[0].line;
        if (hop_gen_exc(g)->ntrace > hop_gen_exc(g)->nfrom)
            self->linen = hop_gen_exc(g)->trace[self->nfrom].line;
#endif
    HOP_END_TRY(self);
    HOP_END(self);
}

/* join the kid, not catching */
static hop_step b_join_fail(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    l_join = __LINE__; HOP_AWAIT(self, hop_join(&self->j, &self->kid));
    HOP_END(self);
}

/* group { spawn the kid } catch all */
static hop_step b_group(hop_gen *g, hop_frame *f)
{
    body *self = (body *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_GROUP(self, &self->grp);
            hop_group_spawn(&self->grp, &self->kid);
        HOP_END_GROUP(self, &self->grp);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void prep(hop_task *t, hop_loop *l, body *b, hop_fn fn,
                 const char *name, int err, hop_time d)
{
    t_fill(b, sizeof *b, 0);
    b->loop = l;
    b->err = err;
    b->d = d;
    t_task_new(t, l, &b->hdr, fn, name);
}

/* The kid of b: a b_fail task on kf. */
static void prep_kid(body *b, body *kf, int err, hop_time d)
{
    b->kf = kf;
    prep(&b->kid, b->loop, kf, b_fail, "kid", err, d);
}

/* -- a task's own record ----------------------------------------------------- */

/*
 * Two tasks fail three frames deep, in turn; and one whose cleanup sleeps
 * while its error is on the way out sees another task fail meanwhile.
 * Each task's record is its own: code, formatted message, and the
 * file:line of the raise and of each await, innermost first.
 */
static void task_keeps_traceback(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, b, c;
    body af, bf, cf;
    const hop_exc *e;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&a, &l, &af, b_fail, "a", E_A, HOP_MSEC(10));
    prep(&b, &l, &bf, b_fail, "b", E_B, HOP_MSEC(20));
    prep(&c, &l, &cf, b_fail_slowly, "c", 0, HOP_MSEC(30));
    T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_spawn(&b), HOP_OK);
    T_EQ(hop_spawn(&c), HOP_OK);
    T_ASSERT(hop_task_exc(&a) == NULL); /* not ended */
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_unobserved(&l), 3);

    e = hop_task_exc(&a);
    T_ASSERT(e != NULL);
    T_EQ(e->code, E_A);
#if HOP_CONF_ERRMSG > 0
    T_STREQ(e->msg, "leaf 1001");
#else
    T_STREQ(e->msg, "leaf %d");
#endif
    T_STREQ(e->fmt, "leaf %d");
    T_STREQ(hop_task_errmsg(&a), e->msg);
    T_EQ(e->nfrom, 0);
#if HOP_CONF_TRACE >= 3
    T_EQ(e->ntrace, 3);
    T_EQ(e->trace[0].line, l_raise);
    T_EQ(e->trace[1].line, l_mid);
    T_EQ(e->trace[2].line, l_top);
    T_STREQ(e->trace[0].file, __FILE__);
#endif
    e = hop_task_exc(&b);
    T_EQ(e->code, E_B);
#if HOP_CONF_ERRMSG > 0
    T_STREQ(e->msg, "leaf 1002");
    T_STREQ(hop_task_errmsg(&a), "leaf 1001"); /* a's is still a's */
#endif
#if HOP_CONF_TRACE >= 3
    T_EQ(e->ntrace, 3);
#endif
    e = hop_task_exc(&c);
    T_EQ(e->code, E_A);
#if HOP_CONF_ERRMSG > 0
    T_STREQ(cf.seen, "slow A 1"); /* b's error came and went meanwhile */
    T_STREQ(e->msg, "slow A 1");
#endif
#if HOP_CONF_TRACE >= 1
    T_EQ(e->trace[0].line, l_slow);
    T_EQ(e->ntrace, 1);
#endif
    T_EQ(e->ctx, 0);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- a join -------------------------------------------------------------------- */

/*
 * A join raises the child's error with the child's frames first: the
 * joiner's record starts with the kid's raise, mid and top, then the
 * join's await, and names the kid. The formatted message is copied, so
 * it stays right once the kid's struct is used again.
 */
static void join_carries_child_frames(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task j, j2;
    body jf, kf, j2f, k2f;
    sink k;
    const hop_exc *e;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&j, &l, &jf, b_join, "joiner", 0, 0);
    prep_kid(&jf, &kf, E_A, HOP_MSEC(5));
    T_EQ(hop_spawn(&jf.kid), HOP_OK);
    T_EQ(hop_spawn(&j), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(jf.err, E_A);
    T_EQ(jf.from_id, hop_task_id(&jf.kid));
#if HOP_CONF_ERRMSG > 0
    T_STREQ(jf.msg, "leaf 1001");
    /* The kid's struct runs again and fails otherwise: the joiner's
     * copy stays. */
    prep(&jf.kid, &l, &kf, b_fail, "kid", E_B, 0);
    T_EQ(hop_spawn(&jf.kid), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_STREQ(hop_task_errmsg(&jf.kid), "leaf 1002");
    T_STREQ(jf.msg, "leaf 1001");
#endif
#if HOP_CONF_TRACE >= 4
    T_EQ(jf.nfrom, 3);
    T_EQ(jf.ntrace, 4);
    T_EQ(jf.line0, l_raise);
    T_EQ(jf.linen, l_join);
#endif

    /* Uncaught, it ends the joiner, whose report reads from the raise in
     * the kid up to the join. */
    prep(&j2, &l, &j2f, b_join_fail, "joiner", 0, 0);
    prep_kid(&j2f, &k2f, E_B, 0);
    kid_spawn_line = __LINE__; T_EQ(hop_spawn(&j2f.kid), HOP_OK);
    spawn_line = __LINE__; T_EQ(hop_spawn(&j2), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    e = hop_task_exc(&j2);
    T_ASSERT(e != NULL);
    T_EQ(e->code, E_B);
    sink_reset(&k);
    T_EQ(hop_task_write_error(&j2, sink_write, &k), HOP_OK);
#if HOP_CONF_TRACE >= 4 && HOP_CONF_ERRMSG > 0
    {
        sink x;

        sink_reset(&x);
        put(&x, "task ");
        put_int(&x, hop_task_id(&j2));
#if HOP_CONF_TASK_NAMES
        put(&x, " \"joiner\" (spawned at " __FILE__ ":");
        put_int(&x, spawn_line);
        put(&x, ")");
#endif
        put(&x, " failed:\nerror 1002: leaf 1002\n  in task ");
        put_int(&x, hop_task_id(&j2f.kid));
#if HOP_CONF_TASK_NAMES
        put(&x, " \"kid\" (spawned at " __FILE__ ":");
        put_int(&x, kid_spawn_line);
        put(&x, ")");
#endif
        put(&x, ":\n");
        put_at(&x, "  ", l_raise);
        put_at(&x, "  ", l_mid);
        put_at(&x, "  ", l_top);
        put(&x, "  joined:\n");
        put_at(&x, "", l_join);
        T_STREQ(k.s, x.s);
    }
#else
    T_ASSERT(k.n > 0);
#endif
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- failures nobody sees ---------------------------------------------------- */

static int hook_calls;
static hop_task *hook_task;

static void hook(hop_task *t)
{
    hook_calls++;
    hook_task = t;
}

/*
 * Of three failing tasks, one has nobody to see it: it is counted and
 * reported once through the loop's writer, with its name, spawn site
 * and traceback. The one that was joined and the group's child are
 * not. With a hook, the hook gets it and the writer nothing. Cancelled
 * tasks are not failures.
 */
static void unobserved_reported(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task a, j, o, c;
    body af, jf, kf, of, gf, cf;
    sink k, x;

    (void)put_at; /* (unused without tracebacks) */
    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    T_EQ(hop_loop_unobserved(&l), 0);
    T_EQ(hop_loop_unobserved(NULL), HOP_EINVAL);
    sink_reset(&k);
    hop_loop_set_report(&l, sink_write, &k);
    prep(&a, &l, &af, b_fail, "lonely", E_A, HOP_MSEC(10));
    prep(&j, &l, &jf, b_join, "joiner", 0, 0);
    prep_kid(&jf, &kf, E_B, HOP_MSEC(20));
    prep(&o, &l, &of, b_group, "owner", 0, 0);
    prep_kid(&of, &gf, E_B, HOP_MSEC(30));
    prep(&c, &l, &cf, b_fail, "cancelled", E_A, HOP_MSEC(40));
    spawn_line = __LINE__; T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_spawn(&jf.kid), HOP_OK);
    T_EQ(hop_spawn(&j), HOP_OK);
    T_EQ(hop_spawn(&o), HOP_OK);
    T_EQ(hop_spawn(&c), HOP_OK);
    T_EQ(hop_task_cancel(&c, "bye"), 1);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(jf.err, E_B);
    T_STREQ(hop_err_name(of.err), "HOP_EGROUP");
    T_EQ(hop_task_status(&c), HOP_TASK_CANCELLED);
    T_EQ(hop_loop_unobserved(&l), 1);
    sink_reset(&x);
    T_EQ(hop_task_write_error(&a, sink_write, &x), HOP_OK);
    T_STREQ(k.s, x.s);
    sink_reset(&x);
    put(&x, "task ");
    put_int(&x, hop_task_id(&a));
#if HOP_CONF_TASK_NAMES
    put(&x, " \"lonely\" (spawned at " __FILE__ ":");
    put_int(&x, spawn_line);
    put(&x, ")");
#endif
#if HOP_CONF_ERRMSG > 0
    put(&x, " failed:\nerror 1001: leaf 1001\n");
#else
    put(&x, " failed:\nerror 1001: leaf %d\n");
#endif
#if HOP_CONF_TRACE >= 3
    put_at(&x, "", l_raise);
    put_at(&x, "", l_mid);
    put_at(&x, "", l_top);
#endif
    T_STREQ(k.s, x.s);
    T_EQ(hop_task_write_error(&j, sink_write, &x), HOP_EINVAL); /* done */
    T_EQ(hop_task_write_error(NULL, sink_write, &x), HOP_EINVAL);
    T_EQ(hop_task_write_error(&a, NULL, &x), HOP_EINVAL);

    /* A hook takes the place of the writer. */
    sink_reset(&k);
    hook_calls = 0;
    hop_loop_on_error(&l, hook);
    prep(&a, &l, &af, b_fail, "lonely", E_A, 0);
    T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hook_calls, 1);
    T_ASSERT(hook_task == &a);
    T_EQ(k.n, 0);
    T_EQ(hop_loop_unobserved(&l), 2);

    /* Without either, it is counted only. */
    hop_loop_on_error(&l, NULL);
    hop_loop_set_report(&l, NULL, NULL);
    prep(&a, &l, &af, b_fail, "lonely", E_A, 0);
    T_EQ(hop_spawn(&a), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(k.n, 0);
    T_EQ(hop_loop_unobserved(&l), 3);
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

/* -- formatted messages -------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    int i;
} fmt_frame;

static const char long_arg[] =
    "0123456789012345678901234567890123456789012345678901234567890123456789";

/* raise one of the formats below */
static hop_step fmt_gen(hop_gen *g, hop_frame *f)
{
    fmt_frame *self = (fmt_frame *)f;
    int n = -42;
    HOP_BEGIN(g, self);
    switch (self->i) {
    case 0:
        HOP_RAISE_FMT(self, E_A, "bulk length %lld over --max-bulk %u",
                      99999999ll, 512u);
        break;
    case 1:
        HOP_RAISE_FMT(self, E_A, "[%s|%.3s|%5d|%-5d|%05d]", "ab", "abcdef", n,
                      7, n);
        break;
    case 2:
        HOP_RAISE_FMT(self, E_A, "[%x|%X|%c|%%|%lu|%zu|%i|%8s|%-3s]", 255u,
                      0xabcu, 'z', 123456789ul, (size_t)77, 0, "r", "l");
        break;
    case 3:
        HOP_RAISE_FMT(self, E_A, "%s", long_arg);
        break;
    default:
        HOP_RAISE_FMT(self, E_A, "%.*s|%*d|%lld|%hhd|%hu", 2, "xyz", 4, 5,
                      -9223372036854775807ll - 1, (signed char)-5,
                      (unsigned short)65535);
        break;
    }
    HOP_END(self);
}

/*
 * HOP_RAISE_FMT in a plain generator: the message is formatted into the
 * handle's record, without libc; what does not fit ends in "...".
 */
static void raise_fmt_message(void)
{
    static const char *const want[] = {
        "bulk length 99999999 over --max-bulk 512",
        "[ab|abc|  -42|7    |-0042]",
        "[ff|ABC|z|%|123456789|77|0|       r|l  ]",
        "012345678901234567890123456789012345678901234567890123456789...",
        "xy|   5|-9223372036854775808|-5|65535",
    };
    static const char *const fmts[] = {
        "bulk length %lld over --max-bulk %u",
        "[%s|%.3s|%5d|%-5d|%05d]",
        "[%x|%X|%c|%%|%lu|%zu|%i|%8s|%-3s]",
        "%s",
        "%.*s|%*d|%lld|%hhd|%hu",
    };
    int i;

    for (i = 0; i < 5; i++) {
        hop_gen g;
        fmt_frame f;
        hop_value v = 0;

        f.i = i;
        T_EQ(hop_frame_init(&f.hdr, fmt_gen, HOP_COROUTINE), HOP_OK);
        t_fill(&g, sizeof g, 0);
        T_EQ(hop_gen_init(&g, &f.hdr), HOP_OK);
        T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
        T_EQ(hop_gen_exc(&g)->code, E_A);
        T_STREQ(hop_gen_exc(&g)->fmt, fmts[i]);
#if HOP_CONF_ERRMSG == 64
        T_STREQ(hop_gen_exc(&g)->msg, want[i]);
#elif HOP_CONF_ERRMSG == 0
        T_STREQ(hop_gen_exc(&g)->msg, fmts[i]);
        (void)want;
#else
        T_ASSERT(hop_gen_exc(&g)->msg != NULL);
        (void)want;
#endif
        T_EQ(hop_gen_cleanup(&g), HOP_OK);
    }
}

/*
 * A group keeps a child's formatted message as its format (a static
 * string): the child's struct may be used again at once.
 */
static void group_keeps_format(void)
{
    hop_loop l;
    hop_sim sim;
    hop_task o;
    body of, kf;
    const char *msg = NULL;

    T_EQ(hop_loop_init_sim(&l, &sim), HOP_OK);
    prep(&o, &l, &of, b_group, "owner", 0, 0);
    prep_kid(&of, &kf, E_B, HOP_MSEC(1));
    T_EQ(hop_spawn(&o), HOP_OK);
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_STREQ(hop_err_name(of.err), "HOP_EGROUP");
    T_EQ(hop_group_nerrors(&of.grp), 1);
    T_EQ(hop_group_error(&of.grp, 0, &msg), E_B);
    T_STREQ(msg, "leaf %d");
    T_EQ(hop_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_sched_report[] = {
    T_CASE(task_keeps_traceback),
    T_CASE(join_carries_child_frames),
    T_CASE(unobserved_reported),
    T_CASE(raise_fmt_message),
    T_CASE(group_keeps_format),
    T_END,
};
