/*
 * samples/resp/proto.c: the RESP request parser of samples/resp-server
 * (see proto.h). A command awaits a line (the array header), then for
 * each argument a line (the bulk header) and its bytes; each await
 * resumes across partial reads. bulk_take parses a bulk string from the
 * bytes already buffered: the parser calls it first, and read_bulk calls
 * it again each time it has read more.
 */
#include "proto.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Make *buf (*cap bytes) hold at least need: twice as large, or as
 * large as needed when that is more. */
static int reserve(char **buf, size_t *cap, size_t need)
{
    size_t n = *cap <= SIZE_MAX / 2 ? *cap * 2 : SIZE_MAX;
    char *p;

    if (need <= *cap)
        return 0;
    if (n < 256)
        n = 256;
    if (n < need)
        n = need;
    p = realloc(*buf, n);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

int resp_parse_ll(const char *p, size_t n, long long *v)
{
    unsigned long long u = 0, lim = LLONG_MAX;
    size_t i = 0;

    if (n == 1 && p[0] == '0') {
        *v = 0;
        return 0;
    }
    if (n > 0 && p[0] == '-') {
        lim = (unsigned long long)LLONG_MAX + 1;
        i = 1;
    }
    if (i == n || p[i] < '1' || p[i] > '9')
        return -1;
    for (; i < n; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (p[i] < '0' || p[i] > '9' || u > (lim - d) / 10)
            return -1;
        u = u * 10 + d;
    }
    if (p[0] != '-')
        *v = (long long)u;
    else if (u == (unsigned long long)LLONG_MAX + 1)
        *v = LLONG_MIN;
    else
        *v = -(long long)u;
    return 0;
}

int resp_arg_is(const resp_args *a, long i, const char *name)
{
    size_t n = strlen(name), k;

    if (a->v[i].len != n)
        return 0;
    for (k = 0; k < n; k++) {
        char x = a->buf[a->v[i].off + k], y = name[k];
        if (x >= 'a' && x <= 'z')
            x = (char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (char)(y - 'a' + 'A');
        if (x != y)
            return 0;
    }
    return 1;
}

void resp_args_shrink(resp_args *a, size_t keep)
{
    if (a->cap > keep) {
        free(a->buf);
        a->buf = NULL;
        a->cap = 0;
    }
    if ((size_t)a->vcap * sizeof *a->v > keep) {
        free(a->v);
        a->v = NULL;
        a->vcap = 0;
    }
    a->n = 0;
    a->len = 0;
}

/* "123\r\n" after the type byte: the number, or -2 when malformed. */
static long parse_len(const char *p, size_t n)
{
    long v = 0;
    size_t i = 1;

    if (n < 3 || p[n - 1] != '\n' || p[n - 2] != '\r')
        return -2;
    n -= 2;
    if (i < n && p[i] == '-' && n == 3 && p[2] == '1')
        return -1;
    if (i == n)
        return -2;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9' || v > (LONG_MAX - 9) / 10)
            return -2;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int push_arg(resp_args *a, const char *p, size_t n)
{
    if (a->n == a->vcap) {
        long cap = a->vcap != 0 ? a->vcap * 2 : 16;
        resp_arg *v = realloc(a->v, (size_t)cap * sizeof *v);
        if (v == NULL)
            return -1;
        a->v = v;
        a->vcap = cap;
    }
    if (reserve(&a->buf, &a->cap, a->len + n + 1) != 0)
        return -1;
    memcpy(a->buf + a->len, p, n);
    a->buf[a->len + n] = '\0';
    a->v[a->n].off = a->len;
    a->v[a->n].len = n;
    a->n++;
    a->len += n + 1;
    return 0;
}

/* An inline command: arguments separated by blanks. */
static int split_inline(resp_args *a, const resp_limits *lim, const char *p,
                        size_t n)
{
    size_t i = 0;

    while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    while (i < n) {
        size_t j;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n)
            break;
        for (j = i; j < n && p[j] != ' ' && p[j] != '\t'; j++)
            ;
        if (a->n == lim->max_args || push_arg(a, p + i, j - i) != 0)
            return -1;
        i = j;
    }
    return 0;
}

/*
 * The length of the first buffered line, or 0 when no whole line is
 * buffered yet. The parser awaits a line only then: a pipeline of
 * commands already read is parsed without suspending at all.
 */
static size_t buffered_line(const hop_reader *r)
{
    const char *p = hop_reader_data(r);
    const char *q = memchr(p, '\n', hop_reader_len(r));

    return q != NULL ? (size_t)(q - p) + 1 : 0;
}

/* What bulk_take made of the bytes buffered. */
enum {
    BULK_TAKEN,  /* the string is the next argument */
    BULK_MORE,   /* more bytes are needed (the header may be taken) */
    BULK_BAD,    /* malformed: a protocol error */
    BULK_NOMEM   /* out of memory */
};

/*
 * Take as much of a bulk string ("$5\r\nvalue\r\n") as r holds: its
 * header line when *len is -1 (it is not taken yet), which sets *len;
 * then, when they are all buffered, its bytes and CR LF, which become
 * the next argument. A string too long for the reader is left to
 * read_bulk once its header is taken. Nothing is taken when the result
 * is BULK_BAD (*why says what is wrong) or BULK_NOMEM.
 */
static int bulk_take(hop_reader *r, resp_args *a, const resp_limits *lim,
                     long *len, const char **why)
{
    const char *p = hop_reader_data(r);
    size_t n;
    long l;

    if (*len < 0) {
        n = buffered_line(r);
        if (n == 0)
            return BULK_MORE;
        if (p[0] != '$') {
            *why = "expected '$'";
            return BULK_BAD;
        }
        l = parse_len(p, n);
        if (l < 0 || l > lim->max_bulk) {
            *why = "invalid bulk length";
            return BULK_BAD;
        }
        hop_reader_consume(r, n);
        *len = l;
    }
    if ((size_t)*len + 2 > lim->bufsize ||
        hop_reader_len(r) < (size_t)*len + 2)
        return BULK_MORE;
    p = hop_reader_data(r);
    if (p[*len] != '\r' || p[*len + 1] != '\n') {
        *why = "bulk not followed by CRLF";
        return BULK_BAD;
    }
    if (push_arg(a, p, (size_t)*len) != 0)
        return BULK_NOMEM;
    hop_reader_consume(r, (size_t)*len + 2);
    return BULK_TAKEN;
}

static hop_step bulk_step(hop_gen *g, hop_frame *f)
{
    resp_bulk_frame *self = (resp_bulk_frame *)f;
    resp_args *a = self->a;
    const char *p, *why = NULL;
    int r;
    HOP_BEGIN(g, self);
    for (;;) {
        r = bulk_take(self->r, a, self->lim, &self->len, &why);
        if (r == BULK_TAKEN)
            HOP_RETURN(self, 0);
        if (r == BULK_BAD)
            HOP_RAISE_MSG(self, E_PROTO, why);
        if (r == BULK_NOMEM)
            HOP_RAISE_MSG(self, HOP_ENOMEM, "out of memory");
        if (self->len < 0) /* the header line */
            HOP_AWAIT(self, hop_read_line(&self->rf, self->r,
                                          self->lim->bufsize));
        else if ((size_t)self->len + 2 <= self->lim->bufsize) /* the string */
            HOP_AWAIT(self, hop_fill(&self->rf, self->r,
                                     (size_t)self->len + 2));
        else
            break;
    }
    /* A string too long for the reader goes straight into the argument
     * buffer. */
    if (push_arg(a, "", 0) != 0 ||
        reserve(&a->buf, &a->cap, a->len + (size_t)self->len + 1) != 0)
        HOP_RAISE_MSG(self, HOP_ENOMEM, "out of memory");
    a->len--; /* over the empty argument's NUL */
    a->v[a->n - 1].off = a->len;
    a->v[a->n - 1].len = (size_t)self->len;
    HOP_AWAIT(self, hop_reader_read(&self->rf, self->r, a->buf + a->len,
                                    (size_t)self->len));
    a->len += (size_t)self->len;
    a->buf[a->len++] = '\0';
    HOP_AWAIT(self, hop_fill(&self->rf, self->r, 2));
    p = hop_reader_data(self->r);
    if (p[0] != '\r' || p[1] != '\n')
        HOP_RAISE_MSG(self, E_PROTO, "bulk not followed by CRLF");
    hop_reader_consume(self->r, 2);
    HOP_END(self);
}

/* Read the rest of a bulk string, of which bulk_take took what was
 * buffered: len is its length when its header is taken, else -1. */
static hop_frame *read_bulk(resp_bulk_frame *f, const resp_command_frame *cf,
                            long len)
{
    hop_frame_init(&f->hdr, bulk_step, HOP_COROUTINE);
    f->r = cf->r;
    f->a = cf->a;
    f->lim = cf->lim;
    f->len = len;
    return &f->hdr;
}

static hop_step command_step(hop_gen *g, hop_frame *f)
{
    resp_command_frame *self = (resp_command_frame *)f;
    resp_args *a = self->a;
    const char *p, *why = NULL;
    size_t n;
    long len;
    HOP_BEGIN(g, self);
    a->n = 0;
    a->len = 0;
    n = buffered_line(self->r);
    if (n == 0) { /* not all here: await the rest */
        HOP_AWAIT(self, hop_read_line(&self->rf, self->r, self->lim->bufsize));
        n = (size_t)HOP_VALUE(self);
    }
    p = hop_reader_data(self->r);
    if (p[0] != '*') {
        int r = split_inline(a, self->lim, p, n);
        hop_reader_consume(self->r, n);
        if (r != 0)
            HOP_RAISE_MSG(self, E_PROTO, "too many arguments");
        HOP_RETURN(self, a->n);
    }
    self->nargs = parse_len(p, n);
    hop_reader_consume(self->r, n);
    if (self->nargs < -1 || self->nargs > self->lim->max_args)
        HOP_RAISE_MSG(self, E_PROTO, "invalid multibulk length");
    for (self->i = 0; self->i < self->nargs; self->i++) {
        /* A string all buffered is taken at once; read_bulk reads the
         * rest of one that is not (or raises what is wrong with it). */
        len = -1;
        if (bulk_take(self->r, a, self->lim, &len, &why) != BULK_TAKEN)
            HOP_AWAIT(self, read_bulk(&self->bulk, self, len));
    }
    HOP_RETURN(self, a->n);
    HOP_END(self);
}

hop_frame *resp_read_command(resp_command_frame *f, hop_reader *r,
                             resp_args *a, const resp_limits *lim)
{
    hop_frame_init(&f->hdr, command_step, HOP_COROUTINE);
    f->r = r;
    f->a = a;
    f->lim = lim;
    return &f->hdr;
}
