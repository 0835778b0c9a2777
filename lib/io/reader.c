/*
 * lib/io/reader.c: the buffered reader.
 *
 * The unread bytes are buf[start, end). Reading appends at end; when the
 * room after end runs out, the unread bytes move to the front first, so
 * they always stay contiguous for a parser to look at.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "io_internal.h"

int hop_reader_init(hop_reader *r, hop_stream *s, void *buf, size_t cap)
{
    if (r == NULL || s == NULL || buf == NULL || cap == 0)
        return HOP_EINVAL;
    r->s = s;
    r->buf = buf;
    r->cap = cap;
    r->start = r->end = 0;
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
 * (No switch on the mode: with HOP_RESUME_SWITCH the suspensions below
 * are case labels of the switch that HOP_BEGIN opens.)
 */
static hop_step reader_step(hop_gen *g, hop_frame *fr)
{
    hop_reader_frame *self = (hop_reader_frame *)fr;
    hop_reader *r = self->r;
    long n;
    HOP_BEGIN(g, self);
    if (r == NULL || !hop__stream_ok(r->s))
        HOP_RAISE(self, HOP_EINVAL);
    if (self->mode == M_FILL) {
        if (self->want > r->cap)
            HOP_RAISE(self, HOP_EINVAL);
        while (r->end - r->start < self->want) {
            n = fill_once(r);
            if (n <= 0)
                HOP__IO_WAIT_OR_RAISE(self, n, &r->s->rw);
        }
        self->done = r->end - r->start;
    } else if (self->mode == M_UNTIL) {
        if (self->want > r->cap || self->dlen == 0 || self->delim == NULL)
            HOP_RAISE(self, HOP_EINVAL);
        for (;;) {
            n = find(r, self->delim, self->dlen, self->done);
            if (n >= 0 && (size_t)n + self->dlen <= self->want) {
                self->done = (size_t)n + self->dlen;
                break;
            }
            if (r->end - r->start >= self->want)
                HOP_RAISE_MSG(self, -EMSGSIZE, "no delimiter within the limit");
            /* Look again only at what may hold a delimiter. */
            if (r->end - r->start >= self->dlen)
                self->done = r->end - r->start - self->dlen + 1;
            n = fill_once(r);
            if (n <= 0)
                HOP__IO_WAIT_OR_RAISE(self, n, &r->s->rw);
        }
    } else { /* M_COPY */
        if (self->dst == NULL && self->want > 0)
            HOP_RAISE(self, HOP_EINVAL);
        n = (long)(r->end - r->start);
        if ((size_t)n > self->want)
            n = (long)self->want;
        if (n > 0) {
            memcpy(self->dst, r->buf + r->start, (size_t)n);
            hop_reader_consume(r, (size_t)n);
            self->done = (size_t)n;
        }
        while (self->done < self->want) {
            n = hop__io_read(r->s, self->dst + self->done,
                             self->want - self->done);
            if (n > 0)
                self->done += (size_t)n;
            else
                HOP__IO_WAIT_OR_RAISE(self, n, &r->s->rw);
        }
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
