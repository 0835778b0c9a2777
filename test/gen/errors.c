/*
 * test/gen/errors.c: error codes, their names and messages, user codes,
 * tracebacks and hop_exc_write; the version.
 */
#include "t.h"

#define E_A 1001

static const char msg_a[] = "message A";

/* -- a text buffer --------------------------------------------------------- */

typedef struct {
    char s[2048];
    int n;
} sbuf;

static void sb_reset(sbuf *b)
{
    b->n = 0;
    b->s[0] = '\0';
}

static void sb_cat(sbuf *b, const char *s)
{
    while (*s != '\0' && b->n < (int)sizeof b->s - 1)
        b->s[b->n++] = *s++;
    b->s[b->n] = '\0';
}

static void sb_int(sbuf *b, long long v)
{
    char t[24];

    sb_cat(b, t_itoa(v, t));
}

#if HOP_CONF_TRACE > 0 /* (no traceback lines to expect otherwise) */
static void sb_at(sbuf *b, const char *file, int line)
{
    sb_cat(b, "  at ");
    sb_cat(b, file);
    sb_cat(b, ":");
    sb_int(b, line);
    sb_cat(b, "\n");
}
#endif

/* -- a writer for hop_exc_write --------------------------------------------- */

typedef struct {
    sbuf out;
    int calls;    /* calls so far */
    int stop_at;  /* fail the call with this number (from 1), or 0 */
    int stop_ret; /* what the failing call returns */
    int lens[256]; /* out.n after each call */
    int bad_len;  /* a call with len 0 or a NUL inside */
} wbuf;

static void wb_reset(wbuf *b, int stop_at, int stop_ret)
{
    sb_reset(&b->out);
    b->calls = 0;
    b->stop_at = stop_at;
    b->stop_ret = stop_ret;
    b->bad_len = 0;
}

static int wb_write(void *ctx, const char *s, size_t n)
{
    wbuf *b = (wbuf *)ctx;
    size_t i;

    b->calls++;
    if (b->stop_at != 0 && b->calls == b->stop_at)
        return b->stop_ret;
    if (n == 0)
        b->bad_len = 1;
    for (i = 0; i < n; i++) {
        if (s[i] == '\0')
            b->bad_len = 1;
        if (b->out.n < (int)sizeof b->out.s - 1)
            b->out.s[b->out.n++] = s[i];
    }
    b->out.s[b->out.n] = '\0';
    if (b->calls < 256)
        b->lens[b->calls] = b->out.n;
    return 0;
}

static const char *exc_text(const hop_exc *e, wbuf *b)
{
    wb_reset(b, 0, 0);
    T_EQ(hop_exc_write(e, wb_write, b), HOP_OK);
    T_EQ(b->bad_len, 0);
    return b->out.s;
}

/* -- the code table ----------------------------------------------------- */

static const struct {
    int code;
    long value;
    const char *name;
    const char *msg;
} codes[] = {
#define ROW(name, value, msg) {HOP_##name, (value), "HOP_" #name, (msg)},
    HOP_ERRNO_MAP(ROW)
#undef ROW
};
#define N_CODES ((int)(sizeof codes / sizeof codes[0]))

static int is_hop_code(int c)
{
    int i;

    for (i = 0; i < N_CODES; i++)
        if (codes[i].code == c)
            return 1;
    return 0;
}

static void err_names_messages(void)
{
    int i;

    T_ASSERT(N_CODES >= 13);
    for (i = 0; i < N_CODES; i++) {
        T_EQ(codes[i].code, codes[i].value);
        T_STREQ(hop_strerror(codes[i].code), codes[i].msg);
        T_STREQ(hop_err_name(codes[i].code), codes[i].name);
        T_ASSERT(!t_streq(hop_strerror(codes[i].code), "unknown error"));
        T_ASSERT(!t_streq(hop_strerror(codes[i].code), "success"));
        T_ASSERT(codes[i].msg[0] != '\0');
    }
    /* A few spelled out, independently of the table. */
    T_STREQ(hop_err_name(HOP_EINVAL), "HOP_EINVAL");
    T_STREQ(hop_strerror(HOP_EINVAL), "invalid argument");
    T_STREQ(hop_err_name(HOP_EREUSED), "HOP_EREUSED");
    T_STREQ(hop_err_name(HOP_EEXIT), "HOP_EEXIT");
    T_STREQ(hop_strerror(HOP_ENOTSTARTED),
            "value sent to a coroutine that has not started");
}

static void err_zero_unknown(void)
{
    static const int unknown[] = {1,          -1,         -2,
                                  4001,       -4000,      -4094,
                                  -4095,      -4096,      -3999,
                                  1001,       INT32_MAX,  INT32_MIN,
                                  HOP_ERR_FIRST, HOP_ERR_LAST};
    unsigned i;

    T_STREQ(hop_strerror(0), "success");
    T_STREQ(hop_err_name(0), "HOP_OK");
    T_STREQ(hop_strerror(HOP_OK), "success");
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        T_ASSERT(!is_hop_code(unknown[i]));
        T_STREQ(hop_strerror(unknown[i]), "unknown error");
        T_STREQ(hop_err_name(unknown[i]), "HOP_UNKNOWN");
    }
}

static void err_codes_in_band(void)
{
    int i, j;

    T_EQ(HOP_OK, 0);
    T_EQ(HOP_ERR_FIRST, -4095);
    T_EQ(HOP_ERR_LAST, -4000);
    for (i = 0; i < N_CODES; i++) {
        T_ASSERT(codes[i].code >= HOP_ERR_FIRST);
        T_ASSERT(codes[i].code <= HOP_ERR_LAST);
        T_ASSERT(codes[i].code != 0);
        for (j = 0; j < i; j++) {
            T_ASSERT(codes[i].code != codes[j].code);
            T_ASSERT(!t_streq(codes[i].name, codes[j].name));
        }
    }
}

/* -- user codes travel unchanged -------------------------------------------- */

typedef struct {
    hop_frame hdr;
    int code;
} uc_child_frame;

static hop_step uc_child(hop_gen *g, hop_frame *f)
{
    uc_child_frame *self = (uc_child_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_RAISE(self, self->code);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    uc_child_frame c;
    int code, err;
} uc_frame;

static hop_step uc_fn(hop_gen *g, hop_frame *f)
{
    uc_frame *self = (uc_frame *)f;
    HOP_BEGIN(g, self);
    /* Raised in a child, stored by AWAIT_CATCH. */
    hop_frame_init(&self->c.hdr, uc_child, HOP_COROUTINE);
    self->c.code = self->code;
    self->err = 0;
    HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    T_EQ(self->err, self->code);
    T_EQ(hop_gen_exc(g)->code, self->code);
    tr_add("stored");
    /* Raised in a child, caught at the await. */
    HOP_TRY(self);
        hop_frame_init(&self->c.hdr, uc_child, HOP_COROUTINE);
        HOP_AWAIT(self, &self->c.hdr);
    HOP_CATCH(self, self->code);
        T_EQ(HOP_ERROR(self), self->code);
        tr_add("caught at the await");
    HOP_END_TRY(self);
    /* Thrown in by the driver. */
    HOP_TRY(self);
        HOP_YIELD(self, 2);
    HOP_CATCH(self, self->code);
        T_EQ(HOP_ERROR(self), self->code);
        tr_add("thrown and caught");
    HOP_END_TRY(self);
    /* Raised in a child, out of the generator. */
    hop_frame_init(&self->c.hdr, uc_child, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c.hdr);
    HOP_END(self);
}

static void err_user_codes(void)
{
    static const int user[] = {1,  42,    E_A,   4001,      INT32_MAX, -1,
                               -2, -4096, -3999, -100000, INT32_MIN};
    uc_frame p;
    hop_gen g;
    hop_value v = 0;
    unsigned i;

    for (i = 0; i < sizeof user / sizeof user[0]; i++) {
        T_ASSERT(user[i] < HOP_ERR_FIRST || user[i] > HOP_ERR_LAST);
        tr_reset();
        T_EQ(hop_frame_init(&p.hdr, uc_fn, HOP_GENERATOR), HOP_OK);
        p.code = user[i];
        T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
        T_EQ(v, 1);
        T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
        T_EQ(v, 1);
        T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
        T_EQ(v, 2);
        T_EQ(hop_gen_throw(&g, user[i], NULL, &v), HOP_YIELDED);
        T_EQ(v, 1);
        T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
        T_EQ(v, user[i]);
        T_EQ(hop_gen_exc(&g)->code, user[i]);
        TR_EXPECT("stored", "caught at the await", "thrown and caught");

        /* Thrown and not caught. */
        T_EQ(hop_frame_init(&p.c.hdr, uc_child, HOP_GENERATOR), HOP_OK);
        T_EQ(hop_gen_init(&g, &p.c.hdr), HOP_OK);
        T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
        T_EQ(hop_gen_throw(&g, user[i], msg_a, &v), HOP_RAISED);
        T_EQ(v, user[i]);
        T_EQ(hop_gen_exc(&g)->code, user[i]);
        T_ASSERT(hop_gen_exc(&g)->msg == msg_a);
    }
}

/* -- tracebacks across three frames ----------------------------------------- */

static int tb_code;
static int tb_yield_line, tb_raise_line, tb_b_line, tb_a_line;

typedef struct {
    hop_frame hdr;
} tbc_frame;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    tbc_frame c;
} tbb_frame;

typedef struct {
    hop_frame hdr;
    tbb_frame b;
} tba_frame;

static hop_step tbc_fn(hop_gen *g, hop_frame *f)
{
    tbc_frame *self = (tbc_frame *)f;
    HOP_BEGIN(g, self);
    tb_yield_line = __LINE__; HOP_YIELD(self, 1);
    tb_raise_line = __LINE__; HOP_RAISE_MSG(self, tb_code, msg_a);
    HOP_END(self);
}

static hop_step tbb_fn(hop_gen *g, hop_frame *f)
{
    tbb_frame *self = (tbb_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        hop_frame_init(&self->c.hdr, tbc_fn, HOP_COROUTINE);
        tb_b_line = __LINE__; HOP_AWAIT(self, &self->c.hdr);
    HOP_FINALLY(self);
        tr_addv("b cleanup ", HOP_ERROR(self));
    HOP_END_TRY(self);
    HOP_END(self);
}

static hop_step tba_fn(hop_gen *g, hop_frame *f)
{
    tba_frame *self = (tba_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->b.hdr, tbb_fn, HOP_COROUTINE);
    tb_a_line = __LINE__; HOP_AWAIT(self, &self->b.hdr);
    HOP_END(self);
}

static const hop_exc *tb_run(hop_gen *g, tba_frame *a, int code, int throw_it)
{
    hop_value v = 0;

    tb_code = code;
    T_EQ(hop_frame_init(&a->hdr, tba_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &a->hdr), HOP_OK);
    T_EQ(hop_gen_start(g, &v), HOP_YIELDED);
    if (throw_it)
        T_EQ(hop_gen_throw(g, code, msg_a, &v), HOP_RAISED);
    else
        T_EQ(hop_gen_next(g, &v), HOP_RAISED);
    T_EQ(v, code);
    return hop_gen_exc(g);
}

static void err_traceback_three_frames(void)
{
    tba_frame a;
    hop_gen g;
    const hop_exc *e;

    e = tb_run(&g, &a, E_A, 0);
    T_EQ(e->code, E_A);
    T_ASSERT(e->msg == msg_a);
    T_EQ(e->ctx, 0);
    T_EQ(e->dropped, 0);
    TR_EXPECT("b cleanup 1001");
#if HOP_CONF_TRACE >= 3
    T_EQ(e->ntrace, 3);
    T_STREQ(e->trace[0].file, __FILE__);
    T_STREQ(e->trace[1].file, __FILE__);
    T_STREQ(e->trace[2].file, __FILE__);
    T_EQ(e->trace[0].line, tb_raise_line);
    T_EQ(e->trace[1].line, tb_b_line);
    T_EQ(e->trace[2].line, tb_a_line);
    T_ASSERT(tb_raise_line != tb_b_line && tb_b_line != tb_a_line);
#endif

    /* Thrown in: the innermost entry is the yield it was thrown at. */
    tr_reset();
    e = tb_run(&g, &a, E_A, 1);
    T_EQ(e->code, E_A);
    T_EQ(e->dropped, 0);
#if HOP_CONF_TRACE >= 3
    T_EQ(e->ntrace, 3);
    T_EQ(e->trace[0].line, tb_yield_line);
    T_EQ(e->trace[1].line, tb_b_line);
    T_EQ(e->trace[2].line, tb_a_line);
#endif
}

/* AWAIT_CATCH records the await it was stored at. */
typedef struct {
    hop_frame hdr;
    tbc_frame c;
    int err;
} tbk_frame;

static int tb_k_line;

static hop_step tbk_fn(hop_gen *g, hop_frame *f)
{
    tbk_frame *self = (tbk_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->c.hdr, tbc_fn, HOP_COROUTINE);
    tb_k_line = __LINE__; HOP_AWAIT_CATCH(self, &self->c.hdr, self->err);
    HOP_RETURN(self, self->err);
    HOP_END(self);
}

static void err_traceback_await_catch(void)
{
    tbk_frame p;
    hop_gen g;
    hop_value v = 0;
    const hop_exc *e;

    tb_code = E_A;
    T_EQ(hop_frame_init(&p.hdr, tbk_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &p.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, E_A);
    e = hop_gen_exc(&g);
    T_EQ(e->code, E_A);
    T_EQ(e->dropped, 0);
#if HOP_CONF_TRACE >= 2
    T_EQ(e->ntrace, 2);
    T_EQ(e->trace[0].line, tb_raise_line);
    T_EQ(e->trace[1].line, tb_k_line);
#endif
}

/* -- a traceback longer than HOP_CONF_TRACE ---------------------------------- */

#define CH_EXTRA 3
#define CH_N (HOP_CONF_TRACE + CH_EXTRA)

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    int depth;
} ch_frame;

static ch_frame chain[CH_N];
static int ch_mode; /* 0: raise E_A; 1: raise HOP_EINVAL handling ETIMEDOUT */
static int ch_raise_line, ch_await_line;

static hop_step ch_fn(hop_gen *g, hop_frame *f)
{
    ch_frame *self = (ch_frame *)f;
    HOP_BEGIN(g, self);
    if (self->depth == CH_N - 1) {
        HOP_TRY(self);
            if (ch_mode == 0) {
                ch_raise_line = __LINE__; HOP_RAISE(self, E_A);
            }
            HOP_RAISE(self, HOP_ETIMEDOUT);
        HOP_CATCH(self, HOP_ETIMEDOUT);
            ch_raise_line = __LINE__; HOP_RAISE_MSG(self, HOP_EINVAL, "bad");
        HOP_END_TRY(self);
    }
    hop_frame_init(&chain[self->depth + 1].hdr, ch_fn, HOP_COROUTINE);
    chain[self->depth + 1].depth = self->depth + 1;
    ch_await_line = __LINE__; HOP_AWAIT(self, &chain[self->depth + 1].hdr);
    HOP_END(self);
}

static const hop_exc *ch_run(hop_gen *g, int mode, int code)
{
    hop_value v = 0;

    ch_mode = mode;
    T_EQ(hop_frame_init(&chain[0].hdr, ch_fn, HOP_GENERATOR), HOP_OK);
    chain[0].depth = 0;
    T_EQ(hop_gen_init(g, &chain[0].hdr), HOP_OK);
    T_EQ(hop_gen_start(g, &v), HOP_RAISED);
    T_EQ(v, code);
    return hop_gen_exc(g);
}

static void err_traceback_truncated(void)
{
    hop_gen g;
    const hop_exc *e;
    int i;

    e = ch_run(&g, 0, E_A);
    T_EQ(e->code, E_A);
    T_EQ(e->ntrace, HOP_CONF_TRACE);
#if HOP_CONF_TRACE > 0
    T_EQ(e->dropped, CH_EXTRA);
    T_EQ(e->trace[0].line, ch_raise_line);
    for (i = 1; i < HOP_CONF_TRACE; i++) {
        T_STREQ(e->trace[i].file, __FILE__);
        T_EQ(e->trace[i].line, ch_await_line);
    }
#else
    (void)i;
#endif
}

/* -- hop_exc_write ----------------------------------------------------------- */

static void err_exc_write_doc_example(void)
{
#if HOP_CONF_TRACE >= 2
    hop_exc e;
    wbuf b;

    t_fill(&e, sizeof e, 0);
    e.code = HOP_EINVAL;
    e.ctx = HOP_EEXIT;
    e.msg = "message";
    e.ntrace = 2;
    e.dropped = 3;
    e.trace[0].file = "file.c";
    e.trace[0].line = 12;
    e.trace[1].file = "file.c";
    e.trace[1].line = 40;
    T_STREQ(exc_text(&e, &b), "error HOP_EINVAL (-4001): message\n"
                              "  at file.c:12\n"
                              "  at file.c:40\n"
                              "  ... 3 more\n"
                              "while handling HOP_EEXIT (-4009)\n");
    /* No message: the code's own; nothing else to say. */
    e.code = HOP_ENOMEM;
    e.ctx = 0;
    e.msg = NULL;
    e.ntrace = 0;
    e.dropped = 0;
    T_STREQ(exc_text(&e, &b), "error HOP_ENOMEM (-4002): out of memory\n");
    /* Counts of several digits. */
    e.ntrace = 1;
    e.trace[0].file = "x/y.c";
    e.trace[0].line = 123456;
    e.dropped = 1234;
    T_STREQ(exc_text(&e, &b), "error HOP_ENOMEM (-4002): out of memory\n"
                              "  at x/y.c:123456\n"
                              "  ... 1234 more\n");
#endif
}

static void err_exc_write_real(void)
{
    tba_frame a;
    hop_gen g;
    const hop_exc *e;
    wbuf b;
    sbuf exp;
    int i;

    /* Three frames. */
    e = tb_run(&g, &a, HOP_ETIMEDOUT, 0);
    sb_reset(&exp);
    sb_cat(&exp, "error HOP_ETIMEDOUT (-4006): message A\n");
#if HOP_CONF_TRACE >= 3
    sb_at(&exp, __FILE__, tb_raise_line);
    sb_at(&exp, __FILE__, tb_b_line);
    sb_at(&exp, __FILE__, tb_a_line);
#endif
    T_STREQ(exc_text(e, &b), exp.s);

    /* Truncated, and raised while handling another error. */
    e = ch_run(&g, 1, HOP_EINVAL);
    T_EQ(e->ctx, HOP_ETIMEDOUT);
    sb_reset(&exp);
    sb_cat(&exp, "error HOP_EINVAL (-4001): bad\n");
#if HOP_CONF_TRACE > 0
    sb_at(&exp, __FILE__, ch_raise_line);
    for (i = 1; i < HOP_CONF_TRACE; i++)
        sb_at(&exp, __FILE__, ch_await_line);
    sb_cat(&exp, "  ... ");
    sb_int(&exp, CH_EXTRA);
    sb_cat(&exp, " more\n");
#else
    (void)i;
#endif
    sb_cat(&exp, "while handling HOP_ETIMEDOUT (-4006)\n");
    T_STREQ(exc_text(e, &b), exp.s);
}

/* A code hop does not know is written as the bare number. */
static void err_exc_write_user_code(void)
{
    hop_exc e;
    wbuf b;

    t_fill(&e, sizeof e, 0);
    e.code = E_A;
    e.ctx = -77;
    e.msg = NULL;
    e.ntrace = 0;
    e.dropped = 0;
    T_STREQ(exc_text(&e, &b), "error 1001: unknown error\n"
                              "while handling -77\n");
    e.code = -2;
    e.ctx = HOP_ECANCELED;
    e.msg = "mine";
    T_STREQ(exc_text(&e, &b), "error -2: mine\n"
                              "while handling HOP_ECANCELED (-4005)\n");
    e.code = HOP_ECANCELED;
    e.ctx = E_A;
    e.msg = NULL;
    T_STREQ(exc_text(&e, &b), "error HOP_ECANCELED (-4005): operation "
                              "cancelled\n"
                              "while handling 1001\n");
    /* Codes in the band that the table does not list are unknown too. */
    e.code = HOP_ERR_LAST;
    e.ctx = 0;
    T_STREQ(exc_text(&e, &b), "error -4000: unknown error\n");
    e.code = INT32_MIN;
    T_STREQ(exc_text(&e, &b), "error -2147483648: unknown error\n");
}

static void err_exc_write_stops(void)
{
    hop_exc e;
    wbuf full, b;
    int k, n, i;

    t_fill(&e, sizeof e, 0);
    e.code = HOP_EINVAL;
    e.ctx = HOP_EEXIT;
    e.msg = "message";
    e.ntrace = 0;
    e.dropped = 3;
#if HOP_CONF_TRACE >= 2
    e.ntrace = 2;
    e.trace[0].file = "file.c";
    e.trace[0].line = 12;
    e.trace[1].file = "file.c";
    e.trace[1].line = 40;
#endif
    exc_text(&e, &full);
    n = full.calls;
    T_ASSERT(n >= 8);
    T_ASSERT(n < 256);
    for (k = 1; k <= n; k++) {
        int ret = k % 2 ? 77 : -5;

        wb_reset(&b, k, ret);
        T_EQ(hop_exc_write(&e, wb_write, &b), ret);
        /* Nothing after the call that failed. */
        T_EQ(b.calls, k);
        /* What was written is what the full run wrote before it. */
        T_EQ(b.out.n, k == 1 ? 0 : full.lens[k - 1]);
        for (i = 0; i < b.out.n; i++)
            T_EQ(b.out.s[i], full.out.s[i]);
    }
    T_EQ(hop_exc_write(&e, NULL, &b), HOP_EINVAL);
    T_EQ(hop_exc_write(NULL, wb_write, &b), HOP_EINVAL);
}

/* -- hop_write_str and hop_write_int ------------------------------------------ */

static const char *int_text(long long v, wbuf *b)
{
    wb_reset(b, 0, 0);
    T_EQ(hop_write_int(wb_write, b, v), HOP_OK);
    return b->out.s;
}

/* hop_write_int writes every value as the test's own conversion does
 * (it divides by ten with shifts: the edges of each power of ten, the
 * ends of the range and a spread of others). */
static void err_write_int(void)
{
    static const long long fixed[] = {0, 1, -1, 9, 10, 99, 100, 4294967295LL,
                                      4294967296LL, INT64_MAX, INT64_MIN,
                                      INT64_MIN + 1, -9223372036854775807LL};
    unsigned long long x = 0x9e3779b97f4a7c15ull;
    long long p = 1;
    char want[24];
    wbuf b;
    int i;

    for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); i++)
        T_STREQ(int_text(fixed[i], &b), t_itoa(fixed[i], want));
    for (i = 0; i < 18; i++) {
        p *= 10;
        T_STREQ(int_text(p - 1, &b), t_itoa(p - 1, want));
        T_STREQ(int_text(p, &b), t_itoa(p, want));
        T_STREQ(int_text(-p - 1, &b), t_itoa(-p - 1, want));
    }
    for (i = 0; i < 20000; i++) {
        long long v;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v = (long long)(x >> (i % 60));
        if (i % 2)
            v = -v;
        T_STREQ(int_text(v, &b), t_itoa(v, want));
    }
    T_EQ(hop_write_int(NULL, &b, 1), HOP_EINVAL);
    wb_reset(&b, 1, 42);
    T_EQ(hop_write_int(wb_write, &b, 7), 42);
}

static void err_write_str(void)
{
    wbuf b;

    wb_reset(&b, 0, 0);
    T_EQ(hop_write_str(wb_write, &b, "abc"), HOP_OK);
    T_EQ(hop_write_str(wb_write, &b, ""), HOP_OK); /* no call for "" */
    T_EQ(hop_write_str(wb_write, &b, "d"), HOP_OK);
    T_STREQ(b.out.s, "abcd");
    T_EQ(b.calls, 2);
    T_EQ(hop_write_str(NULL, &b, "x"), HOP_EINVAL);
    T_EQ(hop_write_str(wb_write, &b, NULL), HOP_EINVAL);
    wb_reset(&b, 1, -9);
    T_EQ(hop_write_str(wb_write, &b, "x"), -9);
}

/* -- the record of a handle ---------------------------------------------------- */

typedef struct {
    hop_frame hdr;
} plain_frame;

static hop_step plain_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_END(self);
}

static void err_exc_fresh(void)
{
    plain_frame fr;
    hop_gen g;
    const hop_exc *e;

    T_EQ(hop_frame_init(&fr.hdr, plain_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    e = hop_gen_exc(&g);
    T_ASSERT(e != NULL);
    T_EQ(e->code, 0);
    T_EQ(e->ctx, 0);
    T_ASSERT(e->msg == NULL);
    T_EQ(e->ntrace, 0);
    T_EQ(e->dropped, 0);
    /* Thrown into a generator that never started: no traceback. */
    T_EQ(hop_gen_throw(&g, E_A, msg_a, NULL), HOP_RAISED);
    e = hop_gen_exc(&g);
    T_EQ(e->code, E_A);
    T_ASSERT(e->msg == msg_a);
    T_EQ(e->ntrace, 0);
}

/* -- the version --------------------------------------------------------------- */

static void err_version(void)
{
    sbuf exp;

    T_EQ(hop_version(), HOP_VERSION_NUM);
    T_EQ(HOP_VERSION_NUM, HOP_VERSION_MAJOR * 10000 + HOP_VERSION_MINOR * 100 +
                              HOP_VERSION_PATCH);
    sb_reset(&exp);
    sb_int(&exp, HOP_VERSION_MAJOR);
    sb_cat(&exp, ".");
    sb_int(&exp, HOP_VERSION_MINOR);
    sb_cat(&exp, ".");
    sb_int(&exp, HOP_VERSION_PATCH);
    T_ASSERT(hop_version_string() != NULL);
    T_STREQ(hop_version_string(), exp.s);
}

const t_case t_cases_gen_errors[] = {
    T_CASE(err_names_messages),
    T_CASE(err_zero_unknown),
    T_CASE(err_codes_in_band),
    T_CASE(err_user_codes),
    T_CASE(err_traceback_three_frames),
    T_CASE(err_traceback_await_catch),
    T_CASE(err_traceback_truncated),
    T_CASE(err_exc_write_doc_example),
    T_CASE(err_exc_write_real),
    T_CASE(err_exc_write_user_code),
    T_CASE(err_exc_write_stops),
    T_CASE(err_exc_fresh),
    T_CASE(err_write_int),
    T_CASE(err_write_str),
    T_CASE(err_version),
    T_END,
};
