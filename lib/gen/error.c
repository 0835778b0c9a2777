/*
 * lib/gen/error.c: error codes, the error record of a generator handle,
 * and tracebacks.
 *
 * hop_strerror and hop_err_name come from the HOP_ERRNO_MAP table. A
 * raised error lives in its handle's hop_exc: code, static message, the
 * error it was raised while handling, and a bounded traceback that the
 * coroutine macros extend with the file:line of each frame the error
 * crosses. Nothing here allocates or needs libc.
 */
#include <stdarg.h>

#include "gen_internal.h"

#if HOP_CONF_ERROR_NAMES

const char *hop_strerror(int err)
{
    switch (err) {
    case HOP_OK:
        return "success";
#define HOP__ERRNO_MSG(name, value, msg)                                     \
    case HOP_##name:                                                         \
        return msg;
        HOP_ERRNO_MAP(HOP__ERRNO_MSG)
#undef HOP__ERRNO_MSG
    default:
        return "unknown error";
    }
}

const char *hop_err_name(int err)
{
    switch (err) {
    case HOP_OK:
        return "HOP_OK";
#define HOP__ERRNO_NAME(name, value, msg)                                    \
    case HOP_##name:                                                         \
        return "HOP_" #name;
        HOP_ERRNO_MAP(HOP__ERRNO_NAME)
#undef HOP__ERRNO_NAME
    default:
        return "HOP_UNKNOWN";
    }
}

#else /* the names and messages are compiled out */

const char *hop_strerror(int err)
{
    return err == HOP_OK ? "success" : "error";
}

const char *hop_err_name(int err)
{
    return err == HOP_OK ? "HOP_OK" : "HOP_ERROR";
}

#endif

void hop__exc_reset(hop_exc *e, int code, const char *msg, int ctx)
{
    e->code = code;
    e->msg = msg;
    e->fmt = NULL;
    e->ctx = ctx;
    e->ntrace = 0;
    e->dropped = 0;
    e->nfrom = 0;
    e->from_id = 0;
    e->from_name = NULL;
    e->from_site = NULL;
}

void hop__exc_new(hop_gen *g, int code, const char *msg, int ctx)
{
    hop__exc_reset(g->exc, code, msg, ctx);
}

static void add_site(hop_exc *e, const char *file, int line)
{
#if HOP_CONF_TRACE > 0
    if (file == NULL)
        return;
    if (e->ntrace < HOP_CONF_TRACE) {
        e->trace[e->ntrace].file = file;
        e->trace[e->ntrace].line = line;
        e->ntrace++;
    } else if (e->dropped != (unsigned)-1) {
        e->dropped++;
    }
#else
    (void)e;
    (void)file;
    (void)line;
#endif
}

void hop__site(hop_gen *g, const char *file, int line)
{
    add_site(g->exc, file, line);
}

/*
 * An error arrives at a suspension point (thrown in, or raised by a
 * child): record the site, and link the error being handled there, if
 * the error has no context yet (an error crossing a handler is raised
 * while handling that one).
 */
void hop__arrive(hop_gen *g, int ctx, const char *file, int line)
{
    if (g->exc->ctx == 0 && ctx != g->exc->code)
        g->exc->ctx = ctx;
    hop__site(g, file, line);
}

int hop__raise(hop_gen *g, int err, const char *msg, int ctx,
               const char *file, int line)
{
    if (err == 0) {
        err = HOP_EINVAL;
        msg = "error code 0 raised";
    }
    hop__exc_new(g, err, msg, ctx == err ? 0 : ctx);
    hop__site(g, file, line);
    return err;
}

/*
 * Make the error pending in t the handle's current error again. When the
 * record still describes it (nothing else was raised meanwhile), its
 * traceback and context are kept; otherwise it starts afresh.
 */
int hop__reraise(hop_gen *g, hop_try *t)
{
    int code = hop__err_of(t);

    if (code == 0) {
        hop__exc_new(g, HOP_ESTATE, "no error is being handled", 0);
        return HOP_ESTATE;
    }
    if (g->exc->code != code || g->exc->msg != t->msg)
        hop__exc_new(g, code, t->msg, 0);
    return code;
}

/* -- decimal and hex digits ------------------------------------------- */

/*
 * u / 10, its remainder in *rem, with shifts and adds only: a Cortex-M0
 * has no divide instruction, and a 64-bit division would link libgcc's
 * (about 900 bytes). q below is u * 0.8 from below, then / 8.
 */
static unsigned long long div10(unsigned long long u, unsigned *rem)
{
    unsigned long long q = (u >> 1) + (u >> 2);
    unsigned long long r;

    q += q >> 4;
    q += q >> 8;
    q += q >> 16;
    q += q >> 32;
    q >>= 3;
    r = u - ((q << 3) + (q << 1));
    if (r > 9) {
        q++;
        r -= 10;
    }
    *rem = (unsigned)r;
    return q;
}

/* The digits of u in base (10 or 16), into the end of buf; returns the
 * first. */
static char *digits(char *end, unsigned long long u, unsigned base,
                    int upper)
{
    const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned r;

    do {
        if (base == 16) {
            r = (unsigned)(u & 15u);
            u >>= 4;
        } else {
            u = div10(u, &r);
        }
        *--end = d[r];
    } while (u != 0);
    return end;
}

/* -- formatted messages ------------------------------------------------- */

#if HOP_CONF_ERRMSG > 0

/* A bounded output buffer: what does not fit is counted, not written. */
typedef struct {
    char *p;
    size_t size; /* room, with the terminating zero */
    size_t len;  /* characters produced (may exceed size - 1) */
} out_buf;

static void out_c(out_buf *o, char c)
{
    if (o->len + 1 < o->size)
        o->p[o->len] = c;
    o->len++;
}

static void out_pad(out_buf *o, char c, int n)
{
    while (n-- > 0)
        out_c(o, c);
}

/*
 * vsnprintf for messages, with no libc: the flags - and 0, a width
 * (digits or *), a precision for %s (.digits or .*), the lengths hh h l
 * ll z j t, and the conversions d i u x X c s p %. Anything else is
 * copied as it stands. Returns the length of the whole output.
 */
static size_t format(char *buf, size_t size, const char *f, va_list ap)
{
    out_buf o;

    o.p = buf;
    o.size = size;
    o.len = 0;
    while (*f != '\0') {
        const char *start = f;
        int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
        char num[24];
        char *s = NULL;
        size_t n, i;
        int neg = 0;

        if (*f != '%') {
            out_c(&o, *f++);
            continue;
        }
        f++;
        for (;; f++) {
            if (*f == '-')
                left = 1;
            else if (*f == '0')
                zero = 1;
            else
                break;
        }
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = width == INT32_MIN ? 0 : -width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9' && width < 1000)
                width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            prec = 0;
            if (*f == '*') {
                prec = va_arg(ap, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9' && prec < 100000)
                    prec = prec * 10 + (*f++ - '0');
            }
        }
        if (*f == 'h') {
            lng = f[1] == 'h' ? -2 : -1;
            f += -lng;
        } else if (*f == 'l') {
            lng = f[1] == 'l' ? 2 : 1;
            f += lng;
        } else if (*f == 'z' || *f == 't') {
            lng = 3;
            f++;
        } else if (*f == 'j') {
            lng = 2;
            f++;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            long long v = lng == 2   ? va_arg(ap, long long)
                          : lng == 1 ? va_arg(ap, long)
                          : lng == 3 ? (long long)va_arg(ap, ptrdiff_t)
                                     : va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            else if (lng == -2)
                v = (signed char)v;
            unsigned long long u =
                v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            neg = v < 0;
            s = digits(num + sizeof num, u, 10, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long u =
                lng == 2   ? va_arg(ap, unsigned long long)
                : lng == 1 ? va_arg(ap, unsigned long)
                : lng == 3 ? (unsigned long long)va_arg(ap, size_t)
                           : va_arg(ap, unsigned);
            if (lng == -1)
                u = (unsigned short)u;
            else if (lng == -2)
                u = (unsigned char)u;
            s = digits(num + sizeof num, u, *f == 'u' ? 10 : 16, *f == 'X');
            break;
        }
        case 'p':
            s = digits(num + sizeof num,
                       (unsigned long long)(uintptr_t)va_arg(ap, void *), 16,
                       0);
            *--s = 'x';
            *--s = '0';
            break;
        case 'c':
            num[sizeof num - 1] = (char)va_arg(ap, int);
            s = num + sizeof num - 1;
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL)
                str = "(null)";
            for (n = 0; str[n] != '\0' && (prec < 0 || n < (size_t)prec);
                 n++)
                ;
            if (!left)
                out_pad(&o, ' ', width - (int)n);
            for (i = 0; i < n; i++)
                out_c(&o, str[i]);
            if (left)
                out_pad(&o, ' ', width - (int)n);
            f++;
            continue;
        }
        case '%':
            out_c(&o, '%');
            f++;
            continue;
        default:
            /* Not a conversion this knows: copy it as it stands. */
            while (start != f && *start != '\0')
                out_c(&o, *start++);
            if (*f != '\0')
                out_c(&o, *f++);
            continue;
        }
        f++;
        n = (size_t)(num + sizeof num - s) + (size_t)neg;
        if (!left && !zero)
            out_pad(&o, ' ', width - (int)n);
        if (neg)
            out_c(&o, '-');
        if (!left && zero)
            out_pad(&o, '0', width - (int)n);
        while (s != num + sizeof num)
            out_c(&o, *s++);
        if (left)
            out_pad(&o, ' ', width - (int)n);
    }
    if (o.size > 0)
        o.p[o.len < o.size ? o.len : o.size - 1] = '\0';
    return o.len;
}

#endif /* HOP_CONF_ERRMSG > 0 */

int hop__raise_fmt(hop_gen *g, int err, int ctx, const char *file, int line,
                   const char *fmt, ...)
{
#if HOP_CONF_ERRMSG > 0
    hop_exc *e = g->exc;
    va_list ap;
    size_t n;

    err = hop__raise(g, err, NULL, ctx, file, line);
    if (fmt == NULL)
        return err;
    va_start(ap, fmt);
    n = format(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    if (n >= sizeof e->text) { /* cut: say so */
        char *end = e->text + sizeof e->text - 1;
        end[-1] = end[-2] = end[-3] = '.';
    }
    e->msg = e->text;
    e->fmt = fmt;
    return err;
#else
    err = hop__raise(g, err, fmt, ctx, file, line);
    g->exc->fmt = fmt;
    return err;
#endif
}

hop_step hop__bad_frame(hop_gen *g, const char *why)
{
    hop__exc_new(g, HOP_EINVAL, why, 0);
    return hop__step(HOP_STEP_RAISE, HOP_EINVAL);
}

/* -- writing a traceback ------------------------------------------------ */

int hop_write_str(hop_write_fn w, void *ctx, const char *s)
{
    size_t n = 0;

    if (w == NULL || s == NULL)
        return HOP_EINVAL;
    while (s[n] != '\0')
        n++;
    return n == 0 ? 0 : w(ctx, s, n);
}

int hop__write_scaled(hop_write_fn w, void *ctx, long long v, unsigned k)
{
    char buf[24];
    char *end = buf + sizeof buf - 1;
    unsigned long long u =
        v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    char *p;

    if (w == NULL)
        return HOP_EINVAL;
    *end = '\0';
    p = digits(end, u, 10, 0);
    /* Drop the last k digits: v / 10^k, toward zero. */
    end = (size_t)(end - p) > k ? end - k : p;
    if (end == p)
        *--p = '0';
    else if (v < 0)
        *--p = '-';
    *end = '\0';
    return hop_write_str(w, ctx, p);
}

int hop_write_int(hop_write_fn w, void *ctx, long long v)
{
    return hop__write_scaled(w, ctx, v, 0);
}

/* "HOP_NAME (code)" for hop's codes, just the code for any other. */
static int put_code(hop_write_fn w, void *ctx, int code)
{
    int r = 0;

    if (code == 0 || (code >= HOP_ERR_FIRST && code <= HOP_ERR_LAST &&
                      hop_err_name(code)[4] != 'U')) { /* not HOP_UNKNOWN */
        r = hop_write_str(w, ctx, hop_err_name(code));
        if (r == 0)
            r = hop_write_str(w, ctx, " (");
        if (r == 0)
            r = hop_write_int(w, ctx, code);
        return r == 0 ? hop_write_str(w, ctx, ")") : r;
    }
    return hop_write_int(w, ctx, code);
}

/* "  at file:line\n", indented by ind more spaces. */
static int put_site(hop_write_fn w, void *ctx, const hop_site *site,
                    const char *ind)
{
    int r = hop_write_str(w, ctx, ind);

    if (r == 0)
        r = hop_write_str(w, ctx, "  at ");
    if (r == 0)
        r = hop_write_str(w, ctx, site->file);
    if (r == 0)
        r = hop_write_str(w, ctx, ":");
    if (r == 0)
        r = hop_write_int(w, ctx, site->line);
    return r == 0 ? hop_write_str(w, ctx, "\n") : r;
}

int hop__put_task(hop_write_fn w, void *ctx, uint32_t id, const char *name,
                  const char *site)
{
    int r = hop_write_str(w, ctx, "task ");

    if (r == 0)
        r = hop_write_int(w, ctx, (long long)id);
    if (r == 0 && name != NULL) {
        r = hop_write_str(w, ctx, " \"");
        if (r == 0)
            r = hop_write_str(w, ctx, name);
        if (r == 0)
            r = hop_write_str(w, ctx, "\"");
    }
    if (r == 0 && site != NULL) {
        r = hop_write_str(w, ctx, " (spawned at ");
        if (r == 0)
            r = hop_write_str(w, ctx, site);
        if (r == 0)
            r = hop_write_str(w, ctx, ")");
    }
    return r;
}

/* "  in task 3 "name" (spawned at f.c:9):\n" */
static int put_from(hop_write_fn w, void *ctx, const hop_exc *e)
{
    int r = hop_write_str(w, ctx, "  in ");

    if (r == 0)
        r = hop__put_task(w, ctx, e->from_id, e->from_name, e->from_site);
    return r == 0 ? hop_write_str(w, ctx, ":\n") : r;
}

int hop_exc_write(const hop_exc *e, hop_write_fn w, void *ctx)
{
    return hop__exc_write(e, w, ctx, NULL);
}

int hop__exc_write(const hop_exc *e, hop_write_fn w, void *ctx,
                   const char *(*str)(int))
{
    int r;
    unsigned i;
    const char *m;

    if (e == NULL || w == NULL)
        return HOP_EINVAL;
    m = e->msg;
    if (m == NULL)
        m = str != NULL && (e->code < HOP_ERR_FIRST || e->code > HOP_ERR_LAST)
                ? str(e->code)
                : hop_strerror(e->code);
    r = hop_write_str(w, ctx, "error ");
    if (r == 0)
        r = put_code(w, ctx, e->code);
    if (r == 0)
        r = hop_write_str(w, ctx, ": ");
    if (r == 0)
        r = hop_write_str(w, ctx, m != NULL ? m : hop_strerror(e->code));
    if (r == 0)
        r = hop_write_str(w, ctx, "\n");
    if (r == 0 && e->from_id != 0)
        r = put_from(w, ctx, e);
#if HOP_CONF_TRACE > 0
    for (i = 0; r == 0 && i < e->ntrace; i++) {
        if (i == e->nfrom && e->from_id != 0)
            r = hop_write_str(w, ctx, "  joined:\n");
        if (r == 0)
            r = put_site(w, ctx, &e->trace[i], i < e->nfrom ? "  " : "");
    }
#else
    (void)i;
    (void)put_site;
#endif
    if (r == 0 && e->dropped != 0) {
        r = hop_write_str(w, ctx, "  ... ");
        if (r == 0)
            r = hop_write_int(w, ctx, (long long)e->dropped);
        if (r == 0)
            r = hop_write_str(w, ctx, " more\n");
    }
    if (r == 0 && e->ctx != 0) {
        r = hop_write_str(w, ctx, "while handling ");
        if (r == 0)
            r = put_code(w, ctx, e->ctx);
        if (r == 0)
            r = hop_write_str(w, ctx, "\n");
    }
    return r;
}
