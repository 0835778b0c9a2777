/*
 * hop/io.h: stream I/O as resumable functions, on the libevent backend.
 *
 * A stream (hop_stream) is a nonblocking file descriptor of a loop: a
 * socket, a pipe, a terminal. Its operations are frames to await, like
 * every sub-coroutine of hop:
 *
 *     HOP_AWAIT(self, hop_read(&self->rd, &self->s, buf, sizeof buf));
 *     n = (size_t)HOP_VALUE(self);
 *
 * Each one first tries the system call; only when it would block does
 * the task wait for the descriptor, so a stream that keeps up costs one
 * system call per operation and no libevent call at all: the stream's
 * read event stays in the base while tasks read and wait in turn.
 *
 * A buffered reader (hop_reader) over a caller-supplied buffer lets a
 * parser look ahead and consume: read a line or up to a delimiter,
 * fill at least n bytes, then take them.
 *
 * Errors surface at the await: HOP_EOF when the peer closed the stream
 * (before or in the middle of what was asked for), -ECONNRESET, -EPIPE
 * and every other system error as -errno, HOP_ETIMEDOUT for a deadline,
 * HOP_ECANCELED when the task is cancelled. SIGPIPE never fires for a
 * socket (MSG_NOSIGNAL); for a pipe, ignore SIGPIPE in the program.
 *
 * Cancel safety: when an operation is cancelled or times out, or fails,
 * the bytes it already moved are in the caller's buffer (or the
 * reader's) and its frame's `done` says how many; nothing is taken from
 * the descriptor that the caller did not get, and nothing is written
 * that `done` does not count.
 *
 * POSIX; link with libevent_core (and libevent_extra for hop_resolve).
 */
#ifndef HOP_IO_H
#define HOP_IO_H

#include <stddef.h>

#include "libevent.h"
#include "scope.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sockaddr;
struct evdns_base;
struct addrinfo;

/* -- streams ------------------------------------------------------------- */

/*
 * A stream: a nonblocking descriptor registered with the loop's base.
 * Caller-owned; not movable while initialised. One task at a time may
 * wait to read and one to write (a second gets HOP_EBUSY). All fields
 * are private but data.
 */
typedef struct hop_stream {
    hop_waitable rw;     /* private: readable, for the reading task */
    hop_waitable ww;     /* private: writable, for the writing task */
    hop_libevent_event rev;    /* private: the read event */
    hop_libevent_event wev;    /* private: the write event */
    hop_loop *loop;      /* private */
    hop_task *reader;    /* private: the task waiting to read */
    hop_task *writer;    /* private: the task waiting to write */
    hop_timer wtimer;    /* private: the send timeout of that wait */
    hop_time send_timeout; /* private: 0 for none */
    hop_time wstall;     /* private: since when writes would block */
    int fd;              /* private: the descriptor, -1 once released */
    unsigned flags;      /* private */
    void *data;          /* public: for the caller */
} hop_stream;

/*
 * Make fd nonblocking and a stream of the loop l (which must run on the
 * libevent backend). The stream does not own fd: hop_stream_cleanup
 * leaves it open, hop_stream_close closes it. HOP_EINVAL for NULL, a
 * negative fd or a loop on another backend; -errno when fcntl fails.
 * (A descriptor that libevent refuses makes the first wait raise
 * HOP_ENOMEM.)
 */
HOP_API int hop_stream_init(hop_stream *s, hop_loop *l, int fd);

/* Release s (the descriptor stays open). HOP_EBUSY while a task waits. */
HOP_API int hop_stream_cleanup(hop_stream *s);

/*
 * Release s and close its descriptor. HOP_EBUSY while a task waits
 * (nothing is closed then); -errno when close fails (s is released).
 */
HOP_API int hop_stream_close(hop_stream *s);

/* The descriptor of s, or -1 for NULL or a released stream. */
HOP_API int hop_stream_fd(const hop_stream *s);

/*
 * A send timeout, as a server gives a client that does not read its
 * replies: every wait of s for room to write (hop_write_all, hop_flush,
 * a reader writing out its writer) raises HOP_ETIMEDOUT, with the
 * message "send timed out", once the peer has taken no byte for d. The
 * time runs from the first write that would block after the last one
 * that moved bytes, so a long reply that the peer keeps taking never
 * times out. Cancel-safe as every wait (done counts what went out). d
 * HOP_FOREVER or 0: none (the default). Applies from the next wait.
 * HOP_EINVAL for a stream not initialised or a negative d.
 */
HOP_API int hop_stream_set_send_timeout(hop_stream *s, hop_time d);

/*
 * 1 when the peer of s has taken no byte for its send timeout (a wait to
 * write raised, or will raise, HOP_ETIMEDOUT for it), 0 otherwise: what
 * tells that HOP_ETIMEDOUT from one of a deadline scope's. HOP_EINVAL
 * for NULL or a released stream.
 */
HOP_API int hop_stream_send_timed_out(const hop_stream *s);

/*
 * Shut the writing side of a socket stream (the peer reads the end of
 * the stream after what was written). HOP_OK or -errno.
 */
HOP_API int hop_stream_shutdown(hop_stream *s);

/* hop_strerror for hop's codes, strerror(-err) for -errno values. */
HOP_API const char *hop_io_strerror(int err);

/* -- reading and writing ------------------------------------------------- */

/*
 * The frame of hop_read, hop_read_exact and hop_write_all. done is the
 * number of bytes moved so far: read it after the await, also when it
 * raised. All other fields are private.
 */
typedef struct hop_io_frame {
    hop_frame hdr;         /* private */
    hop_stream *s;         /* private */
    char *buf;             /* private */
    size_t len;            /* private: what was asked for */
    size_t done;           /* read-only: bytes moved so far */
    int mode;              /* private */
} hop_io_frame;

/*
 * Read at least one byte and at most len into buf; the await gives the
 * number read. The end of the stream raises HOP_EOF. len 0 gives 0 at
 * once. For this and the other operations, a length larger than
 * PTRDIFF_MAX (a negative one converted) raises HOP_EINVAL before any
 * system call.
 */
HOP_API hop_frame *hop_read(hop_io_frame *f, hop_stream *s, void *buf,
                            size_t len);

/*
 * Read exactly len bytes into buf; the await gives len. The end of the
 * stream first raises HOP_EOF (done says how many came).
 */
HOP_API hop_frame *hop_read_exact(hop_io_frame *f, hop_stream *s, void *buf,
                                  size_t len);

/* Write all len bytes of buf; the await gives len. */
HOP_API hop_frame *hop_write_all(hop_io_frame *f, hop_stream *s,
                                 const void *buf, size_t len);

/* -- closing after an error ------------------------------------------------ */

/* The frame of hop_linger. All fields are private. */
typedef struct hop_linger_frame {
    hop_frame hdr;                /* private */
    HOP_TRIES(2);                 /* private */
    hop_scope scope;              /* private: the time allowed */
    hop_io_frame io;              /* private */
    hop_stream *s;                /* private */
    char *buf;                    /* private */
    size_t cap;                   /* private */
    hop_time time;                /* private */
    size_t dropped;               /* private */
} hop_linger_frame;

/*
 * A lingering close, before hop_stream_close: shut the writing side of
 * the socket stream s (the peer reads what was written, then the end of
 * the stream), then read and drop what the peer still sends, into buf
 * (cap bytes), until it closes or for the time given at most. Closing a
 * socket that holds unread bytes makes the kernel reset the connection,
 * and the reset may reach the peer before the reply it was sent (an
 * error status, say) and discard it there. The await gives the number of
 * bytes dropped and raises nothing but HOP_ECANCELED.
 */
HOP_API hop_frame *hop_linger(hop_linger_frame *f, hop_stream *s, void *buf,
                              size_t cap, hop_time time);

/* -- accepting and connecting --------------------------------------------- */

/*
 * The frame of hop_accept. After the await, addr holds the peer's
 * address (room for a struct sockaddr_storage) and addrlen its length.
 */
typedef struct hop_accept_frame {
    hop_frame hdr;                /* private */
    hop_stream *s;                /* private */
    union {
        unsigned char bytes[128]; /* read-only: the peer's address */
        void *align_p;
        long long align_ll;
    } addr;
    unsigned addrlen;             /* read-only: its length */
} hop_accept_frame;

/*
 * Accept a connection on the listening stream s; the await gives its
 * descriptor, nonblocking and close-on-exec (the caller owns it).
 * Connections the peer aborted, or that failed with a network error,
 * before they were accepted are skipped. -EMFILE and other errors are
 * raised.
 */
HOP_API hop_frame *hop_accept(hop_accept_frame *f, hop_stream *s);

/* The frame of hop_connect. All fields are private. */
typedef struct hop_connect_frame {
    hop_frame hdr;                /* private */
    HOP_TRIES(1);                 /* private */
    hop_scope scope;              /* private: the deadline */
    hop_stream *s;                /* private */
    const struct sockaddr *addr;  /* private */
    unsigned addrlen;             /* private */
    hop_time deadline;            /* private */
} hop_connect_frame;

/*
 * Connect the socket stream s to addr, by the absolute deadline
 * (HOP_FOREVER: none; a deadline that passes raises HOP_ETIMEDOUT). The
 * await gives 0; a refused connection raises -ECONNREFUSED, and so on.
 */
HOP_API hop_frame *hop_connect(hop_connect_frame *f, hop_stream *s,
                               const struct sockaddr *addr, unsigned addrlen,
                               hop_time deadline);

/* -- name resolution ------------------------------------------------------ */

/* The frame of hop_resolve. All fields are private. */
typedef struct hop_resolve_frame {
    hop_frame hdr;                 /* private */
    hop_future fut;                /* private: completed by evdns */
    struct evdns_base *dns;        /* private */
    const char *host;              /* private */
    const char *service;           /* private */
    const struct addrinfo *hints;  /* private */
    void *req;                     /* private: the evdns request */
    int eai;                       /* private: evdns's result code */
} hop_resolve_frame;

/*
 * Resolve host and service with evdns (evdns_getaddrinfo, no threads),
 * hints as getaddrinfo's (NULL: any). The await gives a struct addrinfo
 * list (libevent's evutil_addrinfo) as a hop_value, which the caller
 * frees with evutil_freeaddrinfo. A failure raises HOP_ERESOLVE with evutil's
 * message; cancelling the task cancels the request.
 */
HOP_API hop_frame *hop_resolve(hop_resolve_frame *f, struct evdns_base *dns,
                               const char *host, const char *service,
                               const struct addrinfo *hints);

/* -- the buffered reader --------------------------------------------------- */

/*
 * A reader: a stream and a caller-supplied buffer. The bytes read and
 * not yet consumed are hop_reader_data(r), hop_reader_len(r) of them,
 * contiguous. All fields are private.
 */
typedef struct hop_reader {
    hop_stream *s;               /* private */
    char *buf;                   /* private */
    size_t cap;                  /* private */
    size_t start;                /* private: first unread byte */
    size_t end;                  /* private: one past the last */
    struct hop_writer *w;        /* private: written out before a wait */
} hop_reader;

/*
 * Initialise r over s and the buffer buf of cap bytes (0 < cap <=
 * PTRDIFF_MAX; HOP_EINVAL otherwise, or for a NULL argument).
 */
HOP_API int hop_reader_init(hop_reader *r, hop_stream *s, void *buf,
                            size_t cap);

/*
 * Before an operation of r waits for its stream, or raises HOP_EOF at
 * its end, write out what the writer w holds (waiting for w's stream to
 * take it when it must). Replies collected in w while a pipeline of
 * requests is read go out in one write, when the requests run out; and
 * when w holds HOP_WRITER_KEEP bytes or more (or half its limit, when
 * that is less) as an operation of r starts, before it reads on, so
 * that a peer that sends without reading cannot pile up replies, and a
 * writer with a small limit is not filled past it by a long pipeline. An error writing raises at the read's await.
 * NULL: none (the default).
 */
HOP_API int hop_reader_set_writer(hop_reader *r, struct hop_writer *w);

/* The unread bytes and how many there are. */
HOP_API const char *hop_reader_data(const hop_reader *r);
HOP_API size_t hop_reader_len(const hop_reader *r);

/* Take n of the unread bytes (at most hop_reader_len). */
HOP_API void hop_reader_consume(hop_reader *r, size_t n);

/* The frame of the reader's operations. done: see each one. */
typedef struct hop_reader_frame {
    hop_frame hdr;          /* private */
    hop_reader *r;          /* private */
    const char *delim;      /* private */
    size_t dlen;            /* private */
    size_t want;            /* private */
    char *dst;              /* private */
    size_t done;            /* read-only: see each operation */
    int mode;               /* private */
    int last;               /* private: the read's result, while writing */
} hop_reader_frame;

/*
 * Have at least n unread bytes in r (n <= cap; HOP_EINVAL otherwise);
 * the await gives hop_reader_len. The end of the stream first raises
 * HOP_EOF; what came stays unread.
 */
HOP_API hop_frame *hop_fill(hop_reader_frame *f, hop_reader *r, size_t n);

/*
 * Read until the delimiter delim (dlen bytes) is among the unread bytes,
 * looking at no more than max bytes (max <= cap); the await gives the
 * length of the unread bytes up to and including the delimiter, which
 * stay unread (consume them when done with them). -EMSGSIZE when max
 * bytes came without it; HOP_EOF when the stream ended first. Nothing
 * is consumed either way.
 */
HOP_API hop_frame *hop_read_until(hop_reader_frame *f, hop_reader *r,
                                  const char *delim, size_t dlen, size_t max);

/* hop_read_until with the delimiter "\n". */
HOP_API hop_frame *hop_read_line(hop_reader_frame *f, hop_reader *r,
                                 size_t max);

/*
 * Copy exactly n bytes into dst, the unread ones first, then from the
 * stream straight into dst; the await gives n. done counts the bytes in
 * dst, which are consumed from r; the end of the stream first raises
 * HOP_EOF.
 */
HOP_API hop_frame *hop_reader_read(hop_reader_frame *f, hop_reader *r,
                                   void *dst, size_t n);

/* -- the buffered writer --------------------------------------------------- */

/*
 * The largest buffer a writer keeps once it is empty: a buffer that grew
 * past it for a big reply is released as soon as everything it held is
 * written out (or cleared), and the next put allocates a small one.
 */
#define HOP_WRITER_KEEP 65536

/*
 * A writer: bytes collected for a stream, to go out in as few writes as
 * possible. Its buffer grows as needed (through hop_io_sys.alloc) up to
 * a limit, and a buffer larger than HOP_WRITER_KEEP is released (through
 * hop_io_sys.release) once the writer is empty again. All fields are
 * private.
 */
typedef struct hop_writer {
    hop_stream *s;   /* private */
    char *buf;       /* private */
    size_t cap;      /* private */
    size_t start;    /* private: first byte not yet written */
    size_t end;      /* private: one past the last */
    size_t max;      /* private: the most it may hold */
} hop_writer;

/*
 * Initialise w for s, holding at most max bytes (0: no limit). Nothing
 * is allocated until the first put.
 */
HOP_API int hop_writer_init(hop_writer *w, hop_stream *s, size_t max);

/* Free w's buffer; what it still held is dropped. */
HOP_API void hop_writer_cleanup(hop_writer *w);

/*
 * Append n bytes. -ENOBUFS past the limit, HOP_ENOMEM when the buffer
 * cannot grow, HOP_EINVAL for NULL or n larger than PTRDIFF_MAX;
 * nothing is appended then.
 */
HOP_API int hop_writer_put(hop_writer *w, const void *p, size_t n);

/* The bytes held, not yet written. */
HOP_API size_t hop_writer_len(const hop_writer *w);

/*
 * The size of w's buffer, in bytes: what it costs in memory now (0 for
 * NULL, before the first put, and once its buffer was released).
 */
HOP_API size_t hop_writer_cap(const hop_writer *w);

/* Drop the bytes held (a buffer over HOP_WRITER_KEEP is released). */
HOP_API void hop_writer_clear(hop_writer *w);

/*
 * Write out everything w holds, and what is put meanwhile; the await
 * gives the number of bytes written, as does the frame's done when it
 * raises. The bytes written leave w, the others stay. Once w is empty,
 * a buffer larger than HOP_WRITER_KEEP is released.
 */
HOP_API hop_frame *hop_flush(hop_io_frame *f, hop_writer *w);

/* -- tests ------------------------------------------------------------------ */

/*
 * The system calls of the stream operations, and the allocations of
 * this layer (hop_resolve's link, writers' buffers), so that tests can
 * make them fail: read, write (send on sockets), accept4, malloc and
 * free. Change the allocator only while no writer holds a buffer.
 * hop_io_set_sys(NULL) restores the real ones. Not thread-safe: set it
 * before loops run.
 */
typedef struct hop_io_sys {
    long (*read)(int fd, void *buf, size_t len);
    long (*write)(int fd, const void *buf, size_t len, int is_socket);
    int (*accept)(int fd, void *addr, unsigned *addrlen);
    void *(*alloc)(size_t size);
    void (*release)(void *p);
} hop_io_sys;

HOP_API void hop_io_set_sys(const hop_io_sys *sys);

#ifdef __cplusplus
}
#endif

#endif /* HOP_IO_H */
