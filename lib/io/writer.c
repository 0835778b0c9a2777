/*
 * lib/io/writer.c: the buffered writer.
 *
 * The bytes not yet written are buf[start, end). A write takes from
 * start; a put appends at end, first moving the bytes to the front, or
 * into a buffer twice as large, when the room after end runs out.
 *
 * A buffer that grew past HOP_WRITER_KEEP for a big reply is released
 * as soon as the writer is empty again (written out or cleared), so that
 * a connection that once sent a big reply does not hold its memory
 * while it idles; the next put allocates a small buffer again. Releasing
 * needs no allocation, so it cannot fail.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "hop/backend.h"
#include "hop/waitable.h"
#include "io_internal.h"

int hop_writer_init(hop_writer *w, hop_stream *s, size_t max)
{
    if (w == NULL || s == NULL)
        return HOP_EINVAL;
    w->s = s;
    w->buf = NULL;
    w->cap = w->start = w->end = 0;
    w->max = max != 0 ? max : SIZE_MAX;
    return HOP_OK;
}

void hop_writer_cleanup(hop_writer *w)
{
    if (w == NULL)
        return;
    if (w->buf != NULL)
        hop__io_sys->release(w->buf);
    w->buf = NULL;
    w->cap = w->start = w->end = 0;
}

size_t hop_writer_len(const hop_writer *w)
{
    return w != NULL ? w->end - w->start : 0;
}

size_t hop_writer_cap(const hop_writer *w)
{
    return w != NULL ? w->cap : 0;
}

/* w holds nothing any more: start again at the front, and give back a
 * big buffer. */
static void emptied(hop_writer *w)
{
    w->start = w->end = 0;
    if (w->cap > HOP_WRITER_KEEP) {
        hop__io_sys->release(w->buf);
        w->buf = NULL;
        w->cap = 0;
    }
}

void hop_writer_clear(hop_writer *w)
{
    if (w != NULL)
        emptied(w);
}

/* hop_writer_put when the bytes do not fit after the held ones. */
static int put_slow(hop_writer *w, const void *p, size_t n)
{
    size_t len;

    if (w == NULL || (p == NULL && n > 0) || n > HOP__IO_MAX)
        return HOP_EINVAL;
    if (n == 0)
        return HOP_OK;
    len = w->end - w->start;
    if (n > w->max - len)
        return -ENOBUFS;
    if (len + n <= w->cap) {
        memmove(w->buf, w->buf + w->start, len);
    } else {
        /* Twice as large, or more, but never past the limit (so that
         * the bytes that fit are within it). */
        size_t cap = w->cap != 0 ? w->cap : 256;
        char *b;
        while (cap < len + n)
            cap = cap <= SIZE_MAX / 2 ? cap * 2 : len + n;
        if (cap > w->max)
            cap = w->max;
        b = hop__io_sys->alloc(cap);
        if (b == NULL)
            return HOP_ENOMEM;
        if (len > 0)
            memcpy(b, w->buf + w->start, len);
        if (w->buf != NULL)
            hop__io_sys->release(w->buf);
        w->buf = b;
        w->cap = cap;
    }
    w->start = 0;
    w->end = len;
    memcpy(w->buf + w->end, p, n);
    w->end += n;
    return HOP_OK;
}

int hop_writer_put(hop_writer *w, const void *p, size_t n)
{
    /* The bytes fit after the held ones (and so within the limit). */
    if (w != NULL && p != NULL && n - 1 < w->cap - w->end) {
        memcpy(w->buf + w->end, p, n);
        w->end += n;
        return HOP_OK;
    }
    return put_slow(w, p, n);
}

long hop__writer_once(hop_writer *w)
{
    long n = hop__io_write(w->s, w->buf + w->start, w->end - w->start);

    if (n > 0) {
        w->start += (size_t)n;
        if (w->start == w->end)
            emptied(w);
    }
    return n;
}

/* The frame is a hop_io_frame: buf holds the writer. */
static hop_step flush_step(hop_gen *g, hop_frame *fr)
{
    hop_io_frame *self = (hop_io_frame *)fr;
    hop_writer *w = (hop_writer *)(void *)self->buf;
    long n;
    HOP_BEGIN(g, self);
    if (w == NULL || !hop__stream_ok(w->s))
        HOP_RAISE(self, HOP_EINVAL);
    HOP_SPEND(self, 1);
    w = (hop_writer *)(void *)self->buf;
    while (w->end > w->start) {
        n = hop__writer_once(w);
        if (n > 0)
            self->done += (size_t)n;
        else
            HOP__IO_WAIT_OR_RAISE(self, n, &w->s->ww);
    }
    HOP_RETURN(self, (hop_value)self->done);
    HOP_END(self);
}

hop_frame *hop_flush(hop_io_frame *f, hop_writer *w)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, flush_step, HOP_COROUTINE);
    f->s = w != NULL ? w->s : NULL;
    f->buf = (char *)(void *)w;
    f->len = 0;
    f->done = 0;
    f->mode = 0;
    return &f->hdr;
}
