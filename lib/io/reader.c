/*
 * lib/io/reader.c: the buffered reader.
 *
 * The unread bytes are buf[start, end). Reading appends at end; when the
 * room after end runs out, the unread bytes move to the front first, so
 * they always stay contiguous for a parser to look at.
 */
#include <errno.h>
#include <string.h>

#include "hop/backend.h"
#include "hop/waitable.h"
#include "io_internal.h"

int hop_reader_init(hop_reader *r, hop_stream *s, void *buf, size_t cap)
{
    if (r == NULL || s == NULL || buf == NULL || cap == 0 ||
        cap > HOP__IO_MAX)
        return HOP_EINVAL;
    r->s = s;
    r->buf = buf;
    r->cap = cap;
    r->start = r->end = 0;
    r->w = NULL;
    return HOP_OK;
}

int hop_reader_set_writer(hop_reader *r, hop_writer *w)
{
    if (r == NULL)
        return HOP_EINVAL;
    r->w = w;
    return HOP_OK;
}

const char *hop_reader_data(const hop_reader *r)
{
    return r != NULL ? r->buf + r->start : NULL;
}

size_t hop_reader_len(const hop_reader *r)
{
    return r != NULL ? r->end - r->start : 0;
}

void hop_reader_consume(hop_reader *r, size_t n)
{
    if (r == NULL)
        return;
    if (n > r->end - r->start)
        n = r->end - r->start;
    r->start += n;
    if (r->start == r->end)
        r->start = r->end = 0;
}

/*
 * Read more into r: bytes read (> 0), 0 at the end of the stream, or
 * -errno (-EAGAIN: wait). HOP_ENOMEM (never returned here) is avoided by
 * the callers, who ask only while the unread bytes are fewer than cap.
 */
static long fill_once(hop_reader *r)
{
    long n;

    if (r->end == r->cap && r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    n = hop__io_read(r->s, r->buf + r->end, r->cap - r->end);
    if (n > 0)
        r->end += (size_t)n;
    return n;
}

/* Where delim starts in the unread bytes, looking from offset from on,
 * or -1. */
static long find(const hop_reader *r, const char *delim, size_t dlen,
                 size_t from)
{
    const char *p = r->buf + r->start;
    size_t len = r->end - r->start;
    size_t i;

    if (dlen == 0 || len < dlen)
        return -1;
    for (i = from; i + dlen <= len; i++) {
        const char *q = memchr(p + i, delim[0], len - dlen + 1 - i);
        if (q == NULL)
            return -1;
        i = (size_t)(q - p);
        if (memcmp(q, delim, dlen) == 0)
            return (long)i;
    }
    return -1;
}

enum { M_FILL = 1, M_UNTIL, M_COPY };

/*
 * Go as far as the stream allows with the operation of f: 1 when it is
 * done, else the last system call's result (0 at the end of the stream,
 * -EAGAIN to wait, -errno) or hop's error code to raise.
 */
static long attempt(hop_reader_frame *f)
{
    hop_reader *r = f->r;
    long n;

    if (f->mode == M_FILL) {
        if (f->want > r->cap)
            return HOP_EINVAL;
        while (r->end - r->start < f->want)
            if ((n = fill_once(r)) <= 0)
                return n;
        f->done = r->end - r->start;
    } else if (f->mode == M_UNTIL) {
        if (f->want > r->cap || f->dlen == 0 || f->delim == NULL)
            return HOP_EINVAL;
        for (;;) {
            n = find(r, f->delim, f->dlen, f->done);
            if (n >= 0 && (size_t)n + f->dlen <= f->want) {
                f->done = (size_t)n + f->dlen;
                break;
            }
            if (r->end - r->start >= f->want)
                return -EMSGSIZE;
            /* Look again only at what may hold a delimiter. */
            if (r->end - r->start >= f->dlen)
                f->done = r->end - r->start - f->dlen + 1;
            if ((n = fill_once(r)) <= 0)
                return n;
        }
    } else { /* M_COPY: the unread bytes first, then the stream */
        if ((f->dst == NULL && f->want > 0) || f->want > HOP__IO_MAX)
            return HOP_EINVAL;
        if (f->done == 0 && f->want > 0 && r->end > r->start) {
            n = (long)(r->end - r->start);
            if ((size_t)n > f->want)
                n = (long)f->want;
            memcpy(f->dst, r->buf + r->start, (size_t)n);
            hop_reader_consume(r, (size_t)n);
            f->done = (size_t)n;
        }
        while (f->done < f->want) {
            n = hop__io_read(r->s, f->dst + f->done, f->want - f->done);
            if (n <= 0)
                return n;
            f->done += (size_t)n;
        }
    }
    return 1;
}

/* What the step does instead of an attempt when the writer is full. */
#define R_WRITE_OUT 2

/*
 * Before waiting for the stream, and before reporting its end, the
 * reader's writer (if any) writes out what it holds. The wait for the
 * stream follows even when the writing did not have to wait (the
 * level-triggered read event reports at once bytes that came
 * meanwhile).
 *
 * A writer that holds HOP_WRITER_KEEP bytes or more (or half its limit,
 * when that is less) is written out first, before the operation looks
 * at its stream: a peer that sends requests faster than the reader
 * reads them never lets it wait, and its replies would otherwise pile
 * up without bound, or past the writer's limit. Only puts between two
 * operations fill the writer, so it never holds more than that plus
 * what the program put in between.
 */
/* What a coupled writer may hold before a read writes it out. */
static size_t keep(const hop_writer *w)
{
    return w->max != 0 && w->max / 2 < HOP_WRITER_KEEP ? w->max / 2
                                                      : HOP_WRITER_KEEP;
}

static hop_step reader_step(hop_gen *g, hop_frame *fr)
{
    hop_reader_frame *self = (hop_reader_frame *)fr;
    hop_reader *r = self->r;
    long n;
    HOP_BEGIN(g, self);
    if (r == NULL || !hop__stream_ok(r->s))
        HOP_RAISE(self, HOP_EINVAL);
    HOP_SPEND(self, 1);
    r = self->r; /* (the locals do not survive a suspension) */
    for (;;) {
        if (r->w != NULL && r->w->end - r->w->start >= keep(r->w))
            n = R_WRITE_OUT;
        else if ((n = attempt(self)) == 1)
            break;
        if (n == -EMSGSIZE)
            HOP_RAISE_MSG(self, n, "no delimiter within the limit");
        if ((n == R_WRITE_OUT || n == -EAGAIN || n == 0) && r->w != NULL &&
            r->w->end > r->w->start) {
            self->last = (int)n;
            do {
                long m = hop__writer_once(r->w);
                if (m <= 0)
                    HOP__IO_WAIT_OR_RAISE(self, m, &r->w->s->ww);
                /* (The writer may have been uncoupled meanwhile.) */
            } while (r->w != NULL && r->w->end > r->w->start);
            n = self->last;
        }
        if (n != R_WRITE_OUT)
            HOP__IO_WAIT_OR_RAISE(self, n, &r->s->rw);
    }
    HOP_RETURN(self, (hop_value)self->done);
    HOP_END(self);
}

static hop_frame *reader_init(hop_reader_frame *f, hop_reader *r, int mode,
                              size_t want)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, reader_step, HOP_COROUTINE);
    f->r = r;
    f->delim = NULL;
    f->dlen = 0;
    f->want = want;
    f->dst = NULL;
    f->done = 0;
    f->mode = mode;
    f->last = 0;
    return &f->hdr;
}

hop_frame *hop_fill(hop_reader_frame *f, hop_reader *r, size_t n)
{
    return reader_init(f, r, M_FILL, n);
}

hop_frame *hop_read_until(hop_reader_frame *f, hop_reader *r,
                          const char *delim, size_t dlen, size_t max)
{
    hop_frame *h = reader_init(f, r, M_UNTIL, max);

    if (h != NULL) {
        f->delim = delim;
        f->dlen = dlen;
    }
    return h;
}

hop_frame *hop_read_line(hop_reader_frame *f, hop_reader *r, size_t max)
{
    return hop_read_until(f, r, "\n", 1, max);
}

hop_frame *hop_reader_read(hop_reader_frame *f, hop_reader *r, void *dst,
                           size_t n)
{
    hop_frame *h = reader_init(f, r, M_COPY, n);

    if (h != NULL)
        f->dst = dst;
    return h;
}
