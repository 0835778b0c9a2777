/*
 * lib/core/error.c: error codes, the error record of a generator handle,
 * and tracebacks.
 *
 * hop_strerror and hop_err_name come from the HOP_ERRNO_MAP table. A
 * raised error lives in its handle's hop_exc: code, static message, the
 * error it was raised while handling, and a bounded traceback that the
 * coroutine macros extend with the file:line of each frame the error
 * crosses. Nothing here allocates or needs libc.
 */
#include "internal.h"

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

void hop__exc_new(hop_gen *g, int code, const char *msg, int ctx)
{
    g->exc.code = code;
    g->exc.msg = msg;
    g->exc.ctx = ctx;
    g->exc.ntrace = 0;
    g->exc.dropped = 0;
}

void hop__site(hop_gen *g, const char *file, int line)
{
#if HOP_CONF_TRACE > 0
    if (file == NULL)
        return;
    if (g->exc.ntrace < HOP_CONF_TRACE) {
        g->exc.trace[g->exc.ntrace].file = file;
        g->exc.trace[g->exc.ntrace].line = line;
        g->exc.ntrace++;
    } else {
        g->exc.dropped++;
    }
#else
    (void)g;
    (void)file;
    (void)line;
#endif
}

/*
 * An error arrives at a suspension point (thrown in, or raised by a
 * child): record the site, and link the error being handled there, if
 * the error has no context yet (an error crossing a handler is raised
 * while handling that one).
 */
void hop__arrive(hop_gen *g, int ctx, const char *file, int line)
{
    if (g->exc.ctx == 0 && ctx != g->exc.code)
        g->exc.ctx = ctx;
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
    if (g->exc.code != code || g->exc.msg != t->msg)
        hop__exc_new(g, code, t->msg, 0);
    return code;
}

hop_step hop__bad_frame(hop_gen *g, const char *why)
{
    hop__exc_new(g, HOP_EINVAL, why, 0);
    return hop__step(HOP_STEP_RAISE, HOP_EINVAL);
}

/* -- writing a traceback ------------------------------------------------ */

int hop__put(hop_write_fn w, void *ctx, const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n == 0 ? 0 : w(ctx, s, n);
}

int hop__put_int(hop_write_fn w, void *ctx, long long v)
{
    char buf[24];
    char *p = buf + sizeof buf;
    unsigned long long u =
        v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

    *--p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    return hop__put(w, ctx, p);
}

/* "HOP_NAME (code)" for hop's codes, just the code for any other. */
static int put_code(hop_write_fn w, void *ctx, int code)
{
    int r = 0;

    if (code == 0 || (code >= HOP_ERR_FIRST && code <= HOP_ERR_LAST &&
                      hop_err_name(code)[4] != 'U')) { /* not HOP_UNKNOWN */
        r = hop__put(w, ctx, hop_err_name(code));
        if (r == 0)
            r = hop__put(w, ctx, " (");
        if (r == 0)
            r = hop__put_int(w, ctx, code);
        return r == 0 ? hop__put(w, ctx, ")") : r;
    }
    return hop__put_int(w, ctx, code);
}

int hop_exc_write(const hop_exc *e, hop_write_fn w, void *ctx)
{
    int r;
    unsigned i;

    if (e == NULL || w == NULL)
        return HOP_EINVAL;
    r = hop__put(w, ctx, "error ");
    if (r == 0)
        r = put_code(w, ctx, e->code);
    if (r == 0)
        r = hop__put(w, ctx, ": ");
    if (r == 0)
        r = hop__put(w, ctx, e->msg != NULL ? e->msg : hop_strerror(e->code));
    if (r == 0)
        r = hop__put(w, ctx, "\n");
#if HOP_CONF_TRACE > 0
    for (i = 0; r == 0 && i < e->ntrace; i++) {
        r = hop__put(w, ctx, "  at ");
        if (r == 0)
            r = hop__put(w, ctx, e->trace[i].file);
        if (r == 0)
            r = hop__put(w, ctx, ":");
        if (r == 0)
            r = hop__put_int(w, ctx, e->trace[i].line);
        if (r == 0)
            r = hop__put(w, ctx, "\n");
    }
#else
    (void)i;
#endif
    if (r == 0 && e->dropped != 0) {
        r = hop__put(w, ctx, "  ... ");
        if (r == 0)
            r = hop__put_int(w, ctx, (long long)e->dropped);
        if (r == 0)
            r = hop__put(w, ctx, " more\n");
    }
    if (r == 0 && e->ctx != 0) {
        r = hop__put(w, ctx, "while handling ");
        if (r == 0)
            r = put_code(w, ctx, e->ctx);
        if (r == 0)
            r = hop__put(w, ctx, "\n");
    }
    return r;
}
