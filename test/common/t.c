/*
 * test/common/t.c: traces, value names, assertion helpers and loops on either
 * backend for the test cases. Needs no libc, so it runs under every
 * runner; the real-time backend is plugged in through t_rt.
 */
#include "t.h"

static char tr_buf[TR_MAX][TR_LEN];
static int tr_n;

static struct {
    hop_value v;
    const char *name;
} names[16];
static int n_names;

int t_streq(const char *a, const char *b)
{
    if (a == 0 || b == 0)
        return a == b;
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

char *t_itoa(long long v, char *buf)
{
    char tmp[24];
    int n = 0, i = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v
                                 : (unsigned long long)v;

    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[i++] = '-';
    while (n > 0)
        buf[i++] = tmp[--n];
    buf[i] = '\0';
    return buf;
}

void t_name(hop_value v, const char *name)
{
    if (n_names < (int)(sizeof names / sizeof names[0])) {
        names[n_names].v = v;
        names[n_names].name = name;
        n_names++;
    }
}

void t_names_reset(void)
{
    n_names = 0;
}

void t_name_str(const char *s)
{
    t_name(T_SV(s), s);
}

const char *t_vstr(hop_value v, char *buf)
{
    int i;

    if (v == HOP_EMPTY)
        return "EMPTY";
    for (i = 0; i < n_names; i++)
        if (names[i].v == v)
            return names[i].name;
    return t_itoa((long long)v, buf);
}

void t_fill(void *p, size_t n, unsigned char b)
{
    unsigned char *c = (unsigned char *)p;

    while (n-- > 0)
        *c++ = b;
}

void tr_reset(void)
{
    tr_n = 0;
}

int tr_count(void)
{
    return tr_n;
}

const char *tr_at(int i)
{
    return i >= 0 && i < tr_n ? tr_buf[i] : "";
}

static void cat(char *dst, int *len, const char *s)
{
    while (s != 0 && *s != '\0' && *len < TR_LEN - 1)
        dst[(*len)++] = *s++;
    dst[*len] = '\0';
}

void tr_add3(const char *a, const char *b, const char *c)
{
    int len = 0;

    if (tr_n >= TR_MAX)
        t_fail(__FILE__, __LINE__, "trace overflow");
    tr_buf[tr_n][0] = '\0';
    cat(tr_buf[tr_n], &len, a);
    cat(tr_buf[tr_n], &len, b);
    cat(tr_buf[tr_n], &len, c);
    tr_n++;
}

void tr_add2(const char *a, const char *b)
{
    tr_add3(a, b, "");
}

void tr_add(const char *a)
{
    tr_add3(a, "", "");
}

void tr_addv(const char *a, hop_value v)
{
    char buf[T_VBUF];

    tr_add2(a, t_vstr(v, buf));
}

int tr_drain(hop_gen *g, const char *a, hop_value *last)
{
    int r;

    while ((r = hop_gen_next(g, last)) == HOP_YIELDED)
        tr_addv(a, *last);
    return r;
}

/* Build "what: got <a>, expected <b>" into a static message buffer. */
static char msg[512];

static void msg_build(const char *what, int i, const char *got,
                      const char *exp)
{
    int len = 0;
    char num[24];

    msg[0] = '\0';
    while (*what && len < (int)sizeof msg - 1)
        msg[len++] = *what++;
    msg[len] = '\0';
    if (i >= 0) {
        const char *p = " at entry ";
        while (*p && len < (int)sizeof msg - 1)
            msg[len++] = *p++;
        p = t_itoa(i, num);
        while (*p && len < (int)sizeof msg - 1)
            msg[len++] = *p++;
    }
    {
        const char *parts[] = {": got \"", got ? got : "(null)",
                               "\", expected \"", exp ? exp : "(null)", "\""};
        unsigned k;
        for (k = 0; k < sizeof parts / sizeof parts[0]; k++) {
            const char *p = parts[k];
            while (*p && len < (int)sizeof msg - 1)
                msg[len++] = *p++;
        }
    }
    msg[len] = '\0';
}

void tr_check(const char *const *exp, int n, const char *file, int line)
{
    int i;
    char a[24], b[24];

    for (i = 0; i < n && i < tr_n; i++) {
        if (!t_streq(tr_buf[i], exp[i])) {
            msg_build("trace differs", i, tr_buf[i], exp[i]);
            t_fail(file, line, msg);
        }
    }
    if (tr_n != n) {
        msg_build("trace length differs", -1, t_itoa(tr_n, a),
                  t_itoa(n, b));
        if (tr_n > n)
            msg_build("trace has extra entries", n, tr_buf[n], "(end)");
        t_fail(file, line, msg);
    }
}

void t_fail_eq(const char *file, int line, const char *expr, long long a,
               long long b)
{
    char x[24], y[24];

    msg_build(expr, -1, t_itoa(a, x), t_itoa(b, y));
    t_fail(file, line, msg);
}

void t_fail_str(const char *file, int line, const char *expr, const char *a,
                const char *b)
{
    msg_build(expr, -1, a, b);
    t_fail(file, line, msg);
}

/* -- loops on either backend --------------------------------------------- */

int t_backend = T_SIM;
const t_rt_backend *t_rt;
hop_time t_clock_used;
static hop_sim t_sim;

int t_loop_init(hop_loop *l)
{
    if (t_backend == T_SIM)
        return hop_loop_init_sim(l, &t_sim);
    if (t_rt == 0)
        t_fail(__FILE__, __LINE__, "no real-time backend in this runner");
    return t_rt->init(l);
}

int t_loop_cleanup(hop_loop *l)
{
    int r = hop_loop_cleanup(l);

    if (r != HOP_OK)
        return r;
    if (t_backend == T_SIM) {
        t_clock_used += t_sim.now;
        return HOP_OK;
    }
    return t_rt->cleanup(l);
}

hop_time t_now(hop_loop *l)
{
    return hop_loop_now(l);
}

void t_busy(hop_loop *l, hop_time d)
{
    hop_time end;

    if (t_backend == T_SIM) {
        hop_sim_advance(&t_sim, d);
        return;
    }
    end = hop_loop_now(l) + d;
    while (hop_loop_now(l) < end)
        ;
}

void t_check_span(const char *file, int line, const char *expr,
                  hop_time span, hop_time d)
{
    char x[24], y[24];

    if (t_backend == T_SIM ? span == d
                           : span >= d - HOP_MSEC(2) && span < d + HOP_SEC(1))
        return;
    msg_build(expr, -1, t_itoa(span, x), t_itoa(d, y));
    if (t_backend != T_SIM) {
        const char *p = " (real clock: from 2 ms less to 1 s more)";
        int len = 0;
        while (msg[len] != '\0')
            len++;
        while (*p && len < (int)sizeof msg - 1)
            msg[len++] = *p++;
        msg[len] = '\0';
    }
    t_fail(file, line, msg);
}

/* -- tasks --------------------------------------------------------------- */

void t_task_new(hop_task *t, hop_loop *l, hop_frame *f, hop_fn fn,
                const char *name)
{
    t_fill(t, sizeof *t, 0);
    T_EQ(hop_frame_init(f, fn, HOP_COROUTINE), HOP_OK);
    T_EQ(hop_task_init(t, l, f, name), HOP_OK);
}

void t_spawn(hop_task *t, hop_loop *l, hop_frame *f, hop_fn fn,
             const char *name)
{
    t_task_new(t, l, f, fn, name);
    T_EQ(hop_spawn(t), HOP_OK);
}
