/*
 * lib/io/io_internal.h: what the files of lib/io share. Never installed.
 */
#ifndef HOP_IO_INTERNAL_H
#define HOP_IO_INTERNAL_H

#include <stdint.h>

#include "hop/io.h"

/*
 * The longest length an operation accepts: a length past it is a
 * negative number converted to size_t, or a bug, and would make the
 * system read or write far past the caller's buffer (a write would
 * send the process's memory to the peer). The await's value, a
 * hop_value, holds it too.
 */
#define HOP__IO_MAX ((size_t)PTRDIFF_MAX)

/* The system calls in use (hop_io_set_sys). */
extern const hop_io_sys *hop__io_sys;

/* Nonzero for an initialised stream. */
int hop__stream_ok(const hop_stream *s);

/* Nonzero when s is a socket (writes use send with MSG_NOSIGNAL). */
int hop__stream_is_socket(const hop_stream *s);

/*
 * Read into buf: the number of bytes (> 0), 0 at the end of the stream,
 * or -errno: -EAGAIN when it would block (EWOULDBLOCK too). EINTR is
 * retried.
 */
long hop__io_read(hop_stream *s, void *buf, size_t len);

/*
 * Write from buf: the number of bytes (> 0) or -errno: -EAGAIN when it
 * would block. EINTR is retried; SIGPIPE never fires for a socket.
 */
long hop__io_write(hop_stream *s, const void *buf, size_t len);

/*
 * One write of what w holds: the number of bytes written, which leave
 * w (> 0), or -errno (-EAGAIN: wait for w's stream).
 */
long hop__writer_once(hop_writer *w);

/*
 * In a step function, after a call that moved nothing (n = 0 or -errno):
 * raise HOP_EOF for the end of the stream, raise the error, or wait on
 * the waitable w (-EAGAIN) and go on after the suspension.
 */
#define HOP__IO_WAIT_OR_RAISE(self, n, w)                                    \
    do {                                                                     \
        if ((n) == 0)                                                        \
            HOP_RAISE_MSG(self, HOP_EOF, "end of stream");                   \
        else if ((n) != -EAGAIN)                                             \
            HOP_RAISE(self, (int)(n));                                       \
        else                                                                 \
            HOP_SUSPEND(self, (w));                                          \
    } while (0)

#endif /* HOP_IO_INTERNAL_H */
