/*
 * samples/http-server.c: an HTTP/1.1 server of hop tasks, good enough
 * for curl and wrk.
 *
 * Each connection is a task that reads requests with the buffered
 * reader: a request line, header lines up to a limit, a body by
 * Content-Length or chunked; answers them in order (keep-alive and
 * pipelining: replies go out in one write when the next request is not
 * already there); and drops a client that is idle too long between
 * requests (it sends nothing, or does not take a big echo or the
 * pipelined replies it is owed) or too slow to send one (408), while
 * the others go on. A client that takes no byte of a reply for
 * --send-timeout seconds (60 by default, as nginx's send_timeout; 0 for
 * none) is dropped too, also in the middle of a file, so that one that
 * never reads holds neither its slot nor an open file.
 *
 *   GET|HEAD /hello       a fixed reply ("Hello, world!")
 *   GET|HEAD /...         a regular file under --root (for a directory,
 *                         its index.html)
 *   POST /echo            the request's body back
 *
 * Bad requests get 400, unknown paths 404, other methods 405 (with
 * Allow), bodies over --max-body 413, heads over --max-header 431
 * (and trailers over it: they have the same limit of their own). A
 * Content-Length is digits and nothing else, and "chunked" comes once,
 * or the request is a 400: a request is read one way only. So is one
 * whose method or a field name is not a token, or whose target or a
 * field value holds a control character (a NUL, a bare CR; a tab is
 * fine in a value); trailers are checked as headers are. The
 * replies to the requests before a bad one go out first, in order;
 * the connection closes after the error reply.
 *
 * Connections persist as RFC 9112 (9.3) says: after an HTTP/1.1
 * request unless it says "Connection: close"; after an HTTP/1.0 one
 * only when it says "Connection: keep-alive" (as ab -k does) and has
 * no Transfer-Encoding, and then the reply says "Connection:
 * keep-alive" too. A reply after which the server closes says
 * "Connection: close", and the close lingers (9.6): the server shuts
 * its side, then reads and drops what the client still sends, for a
 * second at most, so that a request pipelined after the last one does
 * not make the kernel reset the connection under the reply. Every
 * reply has a Content-Length.
 *
 * Nothing outside --root can be reached. A path is resolved beneath a
 * descriptor of the root: by openat2 with RESOLVE_BENEATH where the
 * kernel has it (Linux 5.6), else by a walk that opens one component
 * at a time with O_NOFOLLOW. Either way a symbolic link is followed
 * when it is relative and resolves beneath the root; one that leads
 * out, or is absolute (it names a place on the host), gives 404, and
 * so does a path with a ".." segment. Only regular files are served:
 * a FIFO, a device or a socket under the root gives 404 like a missing
 * file (the server says nothing of what it does not serve), at once:
 * every open is nonblocking, so none can hold up a thread.
 *
 * A session's buffers go back to their idle size after each request:
 * a body buffer grown for a big request (up to --max-body) is given
 * back, and so is the output buffer after a reply that made it grow.
 * Pipelined replies wait there only up to 16 kB; past that the server
 * writes them out before it reads on. So the memory of a server comes
 * back near its idle level when big clients are done, whether they
 * stay connected or not.
 *
 *   http-server [--port N] [--bind ADDR] [--root DIR] [--threads N]
 *               [--max-clients N] [--max-header BYTES] [--max-body BYTES]
 *               [--idle-timeout S] [--request-timeout S] [--send-timeout S]
 *
 * --threads N runs one hop loop per thread, each with its own listener
 * on the same port (SO_REUSEPORT): the kernel spreads the connections.
 * A value that is not a whole number within its option's range is
 * refused with the usage line (exit status 2). The server prints
 * "http-server: listening on ADDR:PORT" when ready and stops cleanly on
 * SIGINT or SIGTERM. Only hop's public API is used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <hop.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/server.h"
#ifdef __linux__
#include <sys/syscall.h>
#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif
#endif
#endif

/*
 * The sample's own errors are HTTP statuses: the request parser raises
 * the status to answer with (400 to 599, which no errno value nor hop's
 * codes can be), and the session answers it and closes.
 */
#define IS_STATUS(err) ((err) >= 400 && (err) <= 599)

static struct {
    const char *bind;
    int port;
    int root;          /* a descriptor of the --root directory, or -1 */
    int beneath;       /* openat2 with RESOLVE_BENEATH works here */
    int threads;
    int max_clients;   /* per thread */
    long max_header;
    long max_body;
    long idle;         /* seconds */
    long request;      /* seconds */
    long send;         /* seconds a client may take no byte, 0: none */
} opt = {"127.0.0.1", 8080, -1, 0, 1, 1024, 8192, 1L << 20, 60, 10, 60};

static const char hello[] = "Hello, world!\n";

/* -- per connection --------------------------------------------------------- */

typedef struct conn conn;
typedef struct worker worker;

/* The request being read. */
typedef struct {
    char method[8];
    char path[1024];
    int minor;          /* HTTP/1.minor */
    int keep_alive;     /* the connection persists after the reply */
    int conn_close;     /* Connection: close */
    int conn_keep;      /* Connection: keep-alive */
    int chunked;
    int has_length;
    int expect;         /* Expect: 100-continue */
    long long length;   /* Content-Length */
    size_t head;        /* bytes of the head (or trailers) read so far */
} request;

/* read_head_line: a line of the head, the chunked framing or the
 * trailers. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_reader_frame rf;
    hop_reader *r;
    size_t max;         /* the line's limit */
    int too_long;       /* the status to raise past it */
    size_t n;           /* the line's length */
} line_frame;

/* read_body: Content-Length or chunked, into conn's body buffer. */
typedef struct {
    hop_frame hdr;
    line_frame ln;
    hop_reader_frame rf;
    conn *c;
    long long size;     /* of the chunk being read */
} body_frame;

/* read_request: the request line, the headers, the body. */
typedef struct {
    hop_frame hdr;
    line_frame ln;
    body_frame bd;
    conn *c;
} request_frame;

/* send_file: a file in pieces. */
typedef struct {
    hop_frame hdr;
    hop_io_frame io;
    conn *c;
    int fd;
    long long left;
} file_frame;


/* What a reply sends after its head, which respond puts in the writer. */
typedef struct {
    int file;           /* a file, open, or -1 */
    long long flen;     /* its size */
    int echo;           /* the body, from where it is (too big to copy
                           into the writer) */
} after_head;

/* The connection's task. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(3);
    hop_scope idle;
    hop_scope req_sc;
    hop_reader_frame rf;
    request_frame rq;
    hop_io_frame fl;
    file_frame ff;
    hop_linger_frame lg;
    conn *c;
    int reading;        /* a request has begun to arrive */
    after_head next;    /* what the reply sends after its head */
    int grown;          /* the writer grew for this reply */
} session_frame;

struct conn {
    hop_task task;
    session_frame session;
    hop_stream s;
    hop_reader r;
    hop_writer wr;      /* the replies not yet written */
    worker *w;
    conn *next_free;
    request req;
    char *body;
    size_t blen, bcap;
    int close;          /* close after this reply */
    int in_use;
    char *rbuf;         /* opt.max_header + 1 bytes */
};

struct worker {
    pthread_t thread;
    hop_loop loop;
    hop_ev ev;
    hop_post stop;
    hop_task acceptor;
    hop_stream ls;
    int lfd;
    conn *conns;
    conn *free_conns;
    char date[64];      /* "Date: ...\r\n", once a second */
    time_t date_at;
    int failed;
    char chunk[65536];  /* a piece of a file on its way to a writer */
};

static worker *workers;

/*
 * A session's buffers go back to their idle size after each request, so
 * that a client that sent a big one holds nothing for it afterwards:
 * the body buffer is kept only up to BODY_KEEP bytes, and the writer is
 * given back (hop_writer_cleanup) after a reply that made it grow, which
 * is flushed at once: a file, a big echo, or replies past OUT_HIGH. A
 * body buffer of BODY_MAP bytes or more is mapped rather than
 * allocated, so that it goes back to the system as soon as it is
 * released, whatever the allocator keeps.
 */
enum { BODY_KEEP = 16384, BODY_MAP = 65536, OUT_HIGH = 16384 };

static char *body_alloc(size_t n)
{
    void *p;

    if (n < BODY_MAP)
        return malloc(n);
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    return p != MAP_FAILED ? p : NULL;
}

static void body_free(char *p, size_t n)
{
    if (p != NULL && n < BODY_MAP)
        free(p);
    else if (p != NULL)
        munmap(p, n);
}

/* Room for need bytes of body: twice the room, or need, but no more
 * than --max-body. 0, or -1 when out of memory. */
static int reserve(conn *c, size_t need)
{
    size_t n = c->bcap * 2;
    char *p;

    if (need <= c->bcap)
        return 0;
    if (n > (size_t)opt.max_body)
        n = (size_t)opt.max_body;
    if (n < need)
        n = need;
    if (n < 1024)
        n = 1024;
    if ((p = body_alloc(n)) == NULL)
        return -1;
    if (c->blen > 0)
        memcpy(p, c->body, c->blen);
    body_free(c->body, c->bcap);
    c->body = p;
    c->bcap = n;
    return 0;
}

/* After a request: the body buffer back to its idle size. */
static void body_shrink(conn *c)
{
    c->blen = 0;
    if (c->bcap > BODY_KEEP) {
        body_free(c->body, c->bcap);
        c->body = NULL;
        c->bcap = 0;
    }
}

static void out(conn *c, const void *p, size_t n)
{
    if (hop_writer_put(&c->wr, p, n) != HOP_OK)
        c->close = 1;
}

static void out_str(conn *c, const char *s)
{
    out(c, s, strlen(s));
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Internal Server Error";
    }
}

static const char *date_line(worker *w)
{
    time_t now = time(NULL);

    if (now != w->date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(w->date, sizeof w->date,
                 "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
        w->date_at = now;
    }
    return w->date;
}

/* The status line and the headers, up to the empty line. */
static void head(conn *c, int status, const char *type, long long length)
{
    char line[96];

    snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", status,
             reason(status));
    out_str(c, line);
    out_str(c, date_line(c->w));
    out_str(c, "Server: hop\r\n");
    if (type != NULL) {
        out_str(c, "Content-Type: ");
        out_str(c, type);
        out_str(c, "\r\n");
    }
    snprintf(line, sizeof line, "Content-Length: %lld\r\n", length);
    out_str(c, line);
    if (status == 405)
        out_str(c, strcmp(c->req.path, "/echo") == 0 ? "Allow: POST\r\n"
                                                     : "Allow: GET, HEAD\r\n");
    if (c->close)
        out_str(c, "Connection: close\r\n");
    else if (c->req.minor == 0) /* (the client cannot assume it) */
        out_str(c, "Connection: keep-alive\r\n");
    out_str(c, "\r\n");
}

/* A reply whose body is its reason phrase and a newline. */
static void reply(conn *c, int status, int with_body)
{
    char text[64];
    int n = snprintf(text, sizeof text, "%s\n", reason(status));

    head(c, status, "text/plain; charset=utf-8", (long long)n);
    if (with_body)
        out(c, text, (size_t)n);
}

/* Room left in the head: the line limit for the next line. */
static size_t head_room(const conn *c)
{
    size_t used = c->req.head;

    return used < (size_t)opt.max_header ? (size_t)opt.max_header - used : 1;
}

/* -- the request line and the headers ---------------------------------------- */

/* Decode %XX in place; 0, or -1 when malformed or when it holds a NUL. */
static int unescape(char *p)
{
    char *q = p;

    for (; *p != '\0'; p++) {
        if (*p == '%') {
            int hi, lo;
            char h[3] = {p[1], p[1] != '\0' ? p[2] : '\0', '\0'};
            if (h[0] == '\0' || h[1] == '\0')
                return -1;
            hi = (h[0] >= '0' && h[0] <= '9') ? h[0] - '0'
                 : ((h[0] | 32) >= 'a' && (h[0] | 32) <= 'f') ? (h[0] | 32) - 'a' + 10
                                                             : -1;
            lo = (h[1] >= '0' && h[1] <= '9') ? h[1] - '0'
                 : ((h[1] | 32) >= 'a' && (h[1] | 32) <= 'f') ? (h[1] | 32) - 'a' + 10
                                                             : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            *q++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    return 0;
}

/* Whether the n bytes at p are a token (RFC 9110, 5.6.2): a method, a
 * field name. */
static int is_token(const char *p, size_t n)
{
    static const char other[] = "!#$%&'*+-.^_`|~";
    size_t i;

    for (i = 0; i < n; i++) {
        char ch = p[i], lower = (char)(ch | 32);
        if (!(ch >= '0' && ch <= '9') && !(lower >= 'a' && lower <= 'z') &&
            (ch == '\0' || strchr(other, ch) == NULL))
            return 0;
    }
    return n > 0;
}

/* Whether the n bytes at p hold a control character (a NUL, a CR...)
 * other than a tab, which neither a target nor a field value may. */
static int has_ctl(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (((unsigned char)p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
            return 1;
    return 0;
}

/* "GET /path HTTP/1.1": 0, or the status to answer. */
static int parse_request_line(conn *c, const char *p, size_t n)
{
    request *rq = &c->req;
    const char *sp1, *sp2, *end = p + n;
    size_t m;

    while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    sp1 = memchr(p, ' ', (size_t)(end - p));
    if (sp1 == NULL)
        return 400;
    sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
    if (sp2 == NULL || end - sp2 != 9 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
        (sp2[8] != '0' && sp2[8] != '1'))
        return 400;
    m = (size_t)(sp1 - p);
    if (!is_token(p, m) || has_ctl(sp1 + 1, (size_t)(sp2 - sp1 - 1)) ||
        memchr(sp1 + 1, '\t', (size_t)(sp2 - sp1 - 1)) != NULL)
        return 400;
    if (m >= sizeof rq->method)
        return 405;
    memcpy(rq->method, p, m);
    rq->method[m] = '\0';
    m = (size_t)(sp2 - sp1 - 1);
    if (m >= sizeof rq->path)
        return 414;
    if (m == 0 || sp1[1] != '/')
        return 400;
    memcpy(rq->path, sp1 + 1, m);
    rq->path[m] = '\0';
    {
        char *query = strchr(rq->path, '?');
        if (query != NULL)
            *query = '\0';
    }
    if (unescape(rq->path) != 0)
        return 400;
    rq->minor = sp2[8] - '0';
    return 0;
}

static int token_is(const char *p, size_t n, const char *word)
{
    size_t k = strlen(word);

    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    return n == k && strncasecmp(p, word, k) == 0;
}

/* Whether the comma-separated list p (n bytes) holds word. */
static int list_has(const char *p, size_t n, const char *word)
{
    for (;;) {
        const char *comma = memchr(p, ',', n);
        size_t k = comma != NULL ? (size_t)(comma - p) : n;
        if (token_is(p, k, word))
            return 1;
        if (comma == NULL)
            return 0;
        p += k + 1;
        n -= k + 1;
    }
}

/*
 * Whether a field line (without CR LF) is well formed: a name that is a
 * token (so no space before the colon, and no line folded onto the one
 * before), a colon, a value without control characters (a bare CR, a
 * NUL) but tabs.
 */
static int field_ok(const char *p, size_t n)
{
    const char *colon = memchr(p, ':', n);

    return colon != NULL && is_token(p, (size_t)(colon - p)) &&
           !has_ctl(colon + 1, (size_t)(p + n - colon - 1));
}

/* One header line (without CR LF): 0, or the status to answer. */
static int parse_header(conn *c, const char *p, size_t n)
{
    request *rq = &c->req;
    const char *colon = memchr(p, ':', n);
    const char *v;
    size_t name, vn;

    if (!field_ok(p, n))
        return 400;
    name = (size_t)(colon - p);
    v = colon + 1;
    vn = (size_t)(p + n - v);
    if (name == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
        long long len = 0;
        size_t i = 0;
        while (i < vn && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i == vn)
            return 400;
        for (; i < vn && v[i] != ' ' && v[i] != '\t'; i++) {
            if (v[i] < '0' || v[i] > '9' || len > (LLONG_MAX - 9) / 10)
                return 400;
            len = len * 10 + (v[i] - '0');
        }
        while (i < vn && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i < vn) /* "1 2": no length, whatever a proxy made of it */
            return 400;
        if (rq->has_length && rq->length != len)
            return 400;
        rq->has_length = 1;
        rq->length = len;
    } else if (name == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
        if (!token_is(v, vn, "chunked"))
            return 501;
        if (rq->chunked) /* chunked twice */
            return 400;
        rq->chunked = 1;
    } else if (name == 6 && strncasecmp(p, "Expect", 6) == 0) {
        if (!token_is(v, vn, "100-continue"))
            return 400;
        rq->expect = 1;
    } else if (name == 10 && strncasecmp(p, "Connection", 10) == 0) {
        if (list_has(v, vn, "close"))
            rq->conn_close = 1;
        if (list_has(v, vn, "keep-alive"))
            rq->conn_keep = 1;
    }
    return 0;
}

/*
 * Read a line of at most max bytes into the reader, as hop_read_line
 * does, and return its length; a longer line raises the status
 * too_long, which is what the limit of that line is in the protocol (414
 * for the request line, 431 for a header...).
 */
static hop_step line_step(hop_gen *g, hop_frame *f)
{
    line_frame *self = (line_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_read_line(&self->rf, self->r, self->max));
        self->n = (size_t)HOP_VALUE(self);
    HOP_CATCH_IF(self, HOP_ERROR(self) == -EMSGSIZE);
        HOP_RAISE(self, self->too_long);
    HOP_END_TRY(self);
    HOP_RETURN(self, (hop_value)self->n);
    HOP_END(self);
}

static hop_frame *read_head_line(line_frame *f, conn *c, size_t max,
                                 int too_long)
{
    hop_frame_init(&f->hdr, line_step, HOP_COROUTINE);
    f->r = &c->r;
    f->max = max;
    f->too_long = too_long;
    return &f->hdr;
}

/* -- the body ---------------------------------------------------------------- */

static int body_add(conn *c, const char *p, size_t n)
{
    if ((long long)(c->blen + n) > opt.max_body)
        return 413;
    if (reserve(c, c->blen + n) != 0)
        return 500;
    memcpy(c->body + c->blen, p, n);
    c->blen += n;
    return 0;
}

static long long hex_size(const char *p, size_t n)
{
    long long v = 0;
    size_t i;
    int any = 0;

    for (i = 0; i < n; i++) {
        int d = (p[i] >= '0' && p[i] <= '9') ? p[i] - '0'
                : ((p[i] | 32) >= 'a' && (p[i] | 32) <= 'f') ? (p[i] | 32) - 'a' + 10
                                                           : -1;
        if (d < 0)
            break;
        if (v > (LLONG_MAX - 15) / 16)
            return -1;
        v = v * 16 + d;
        any = 1;
    }
    if (!any || (i < n && p[i] != ';' && p[i] != '\r' && p[i] != '\n'))
        return -1;
    return v;
}

static hop_step body_step(hop_gen *g, hop_frame *f)
{
    body_frame *self = (body_frame *)f;
    conn *c = self->c;
    size_t n, take;
    int st, end;
    HOP_BEGIN(g, self);
    c->blen = 0;
    if (!c->req.chunked) { /* one piece, of Content-Length bytes */
        if (c->req.length > opt.max_body)
            HOP_RAISE(self, 413);
        if (reserve(c, (size_t)c->req.length) != 0)
            HOP_RAISE(self, 500);
        self->size = c->req.length;
    }
    for (;;) {
        if (c->req.chunked) { /* the next chunk's size line */
            HOP_AWAIT(self, read_head_line(&self->ln, c, 256, 400));
            n = (size_t)HOP_VALUE(self);
            self->size = hex_size(hop_reader_data(&c->r), n);
            hop_reader_consume(&c->r, n);
            if (self->size < 0)
                HOP_RAISE(self, 400);
            if (self->size == 0)
                break;
            if ((long long)c->blen + self->size > opt.max_body)
                HOP_RAISE(self, 413);
        }
        while (self->size > 0) {
            HOP_AWAIT(self, hop_fill(&self->rf, &c->r, 1));
            take = hop_reader_len(&c->r);
            if ((long long)take > self->size)
                take = (size_t)self->size;
            if ((st = body_add(c, hop_reader_data(&c->r), take)) != 0)
                HOP_RAISE(self, st);
            hop_reader_consume(&c->r, take);
            self->size -= (long long)take;
        }
        if (!c->req.chunked)
            HOP_RETURN(self, 0);
        HOP_AWAIT(self, hop_fill(&self->rf, &c->r, 2));
        if (memcmp(hop_reader_data(&c->r), "\r\n", 2) != 0)
            HOP_RAISE(self, 400);
        hop_reader_consume(&c->r, 2);
    }
    /* Trailers, up to the empty line: within --max-header, like the
     * head. */
    c->req.head = 0;
    for (;;) {
        HOP_AWAIT(self, read_head_line(&self->ln, c, head_room(c), 431));
        n = (size_t)HOP_VALUE(self);
        c->req.head += n;
        if (c->req.head > (size_t)opt.max_header)
            HOP_RAISE(self, 431);
        end = n == 1 || (n == 2 && hop_reader_data(&c->r)[0] == '\r');
        if (!end && !field_ok(hop_reader_data(&c->r),
                              n - (hop_reader_data(&c->r)[n - 2] == '\r'
                                       ? 2 : 1)))
            HOP_RAISE(self, 400); /* (the trailers are dropped, but checked) */
        hop_reader_consume(&c->r, n);
        if (end)
            break;
    }
    HOP_END(self);
}

static hop_frame *read_body(body_frame *f, conn *c)
{
    hop_frame_init(&f->hdr, body_step, HOP_COROUTINE);
    f->c = c;
    return &f->hdr;
}

static hop_step request_step(hop_gen *g, hop_frame *f)
{
    request_frame *self = (request_frame *)f;
    conn *c = self->c;
    size_t n;
    int st;
    HOP_BEGIN(g, self);
    memset(&c->req, 0, sizeof c->req);
    /* The request line (empty lines before it are skipped). */
    for (;;) {
        HOP_AWAIT(self, read_head_line(&self->ln, c, head_room(c), 414));
        n = (size_t)HOP_VALUE(self);
        c->req.head += n;
        if (n > 2 || (n == 2 && hop_reader_data(&c->r)[0] != '\r'))
            break;
        hop_reader_consume(&c->r, n);
        if (c->req.head >= (size_t)opt.max_header)
            HOP_RAISE(self, 400);
    }
    st = parse_request_line(c, hop_reader_data(&c->r), n);
    hop_reader_consume(&c->r, n);
    if (st != 0)
        HOP_RAISE(self, st);
    /* The headers, up to the empty line. */
    for (;;) {
        HOP_AWAIT(self, read_head_line(&self->ln, c, head_room(c), 431));
        n = (size_t)HOP_VALUE(self);
        c->req.head += n;
        if (c->req.head > (size_t)opt.max_header)
            HOP_RAISE(self, 431);
        if (n == 1 || (n == 2 && hop_reader_data(&c->r)[0] == '\r')) {
            hop_reader_consume(&c->r, n);
            break;
        }
        n -= hop_reader_data(&c->r)[n - 2] == '\r' ? 2 : 1;
        st = parse_header(c, hop_reader_data(&c->r), n);
        hop_reader_consume(&c->r, n + (hop_reader_data(&c->r)[n] == '\r' ? 2 : 1));
        if (st != 0)
            HOP_RAISE(self, st);
    }
    if (c->req.chunked && c->req.has_length)
        HOP_RAISE(self, 400);
    /* Persistence (RFC 9112, 9.3): "close" ends it in either version;
     * HTTP/1.0 persists only when it asks, and not with a
     * Transfer-Encoding, whose framing it cannot be trusted with (6.1). */
    c->req.keep_alive = !c->req.conn_close &&
                        (c->req.minor == 1 ||
                         (c->req.conn_keep && !c->req.chunked));
    if (c->req.has_length && c->req.length > opt.max_body)
        HOP_RAISE(self, 413);
    if (c->req.chunked || c->req.length > 0) {
        if (c->req.expect && c->req.minor == 1)
            out_str(c, "HTTP/1.1 100 Continue\r\n\r\n");
        HOP_AWAIT(self, read_body(&self->bd, c));
    }
    HOP_END(self);
}

static hop_frame *read_request(request_frame *f, conn *c)
{
    hop_frame_init(&f->hdr, request_step, HOP_COROUTINE);
    f->c = c;
    return &f->hdr;
}

/* -- files ------------------------------------------------------------------------ */

static const char *mime(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".css", "text/css"},
        {".js", "text/javascript"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');
    size_t i;

    for (i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/*
 * Files are opened beneath the root's descriptor so that nothing outside
 * the root can be reached: with openat2 and RESOLVE_BENEATH where the
 * kernel has it, else by a walk of the path that opens one component at
 * a time with O_NOFOLLOW. Both follow a symbolic link only when it
 * resolves beneath the root, and only when it is relative (an absolute
 * link names a place on the host, not under the root). Every open is
 * nonblocking, so that a FIFO or a device opens at once (and is then
 * refused: only regular files are served).
 */
#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define AT(dir) ((dir) >= 0 ? (dir) : opt.root)

/* openat2 beneath the root: a descriptor, or -1 and errno. */
static int open_beneath(const char *rel)
{
#ifdef HAVE_OPENAT2
    struct open_how how;

    memset(&how, 0, sizeof how);
    how.flags = OPEN_FLAGS;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, opt.root, rel, &how, sizeof how);
#else
    (void)rel;
    errno = ENOSYS;
    return -1;
#endif
}

/* The directories of path (names that are not links, separated by
 * slashes), opened one by one from the root: the last one's
 * descriptor, or -1. */
static int open_dirs(const char *path)
{
    char names[PATH_MAX];
    char *name, *save = NULL;
    int dir = -1, fd;

    if (strlen(path) >= sizeof names)
        return -1;
    strcpy(names, path);
    for (name = strtok_r(names, "/", &save); name != NULL;
         name = strtok_r(NULL, "/", &save)) {
        fd = openat(AT(dir), name, DIR_FLAGS);
        if (dir >= 0)
            close(dir);
        if (fd < 0)
            return -1;
        dir = fd;
    }
    return dir;
}

/*
 * Where openat2 is missing: walk rel (relative to the root) from the
 * root's descriptor, one component at a time, each opened with
 * O_NOFOLLOW. A component that will not open and is a symbolic link is
 * read, and its target walked in its place from the directory that
 * holds it: an absolute target, a ".." that would climb above the root,
 * or more than 40 links fail, as under RESOLVE_BENEATH. `done` is the
 * path walked so far, of real directories only, so that ".." is that
 * path without its last name (opened again from the root). A
 * descriptor, or -1.
 */
static int open_walk(const char *rel)
{
    char todo[2 * PATH_MAX], target[PATH_MAX], done[PATH_MAX];
    size_t dlen = 0, rest, k;
    char *p = todo, *name;
    int dir = -1; /* the directory `done` names; -1: the root */
    int fd = -1, links = 0, last;
    ssize_t n;

    if (strlen(rel) >= sizeof todo)
        return -1;
    strcpy(todo, rel);
    done[0] = '\0';
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0') { /* the path ends at a directory: that one */
            fd = openat(AT(dir), ".", OPEN_FLAGS);
            break;
        }
        name = p;
        p += strcspn(p, "/");
        last = *p == '\0';
        if (!last)
            *p++ = '\0';
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            if (dlen == 0)
                break; /* above the root */
            /* Up: `done` without its last name. */
            while (dlen > 0 && done[dlen - 1] != '/')
                dlen--;
            if (dlen > 0)
                dlen--; /* and the slash before it */
            done[dlen] = '\0';
            if (dir >= 0)
                close(dir);
            dir = dlen > 0 ? open_dirs(done) : -1;
            if (dlen > 0 && dir < 0)
                break;
            continue;
        }
        fd = openat(AT(dir), name, last ? OPEN_FLAGS | O_NOFOLLOW : DIR_FLAGS);
        if (fd >= 0) {
            if (last)
                break;
            k = strlen(name);
            if (dlen + 1 + k >= sizeof done) {
                close(fd);
                fd = -1;
                break;
            }
            if (dlen > 0)
                done[dlen++] = '/';
            memcpy(done + dlen, name, k + 1);
            dlen += k;
            if (dir >= 0)
                close(dir);
            dir = fd;
            fd = -1;
            continue;
        }
        /* Not opened: a link to follow, or the end. */
        n = readlinkat(AT(dir), name, target, sizeof target);
        if (n <= 0 || (size_t)n == sizeof target || target[0] == '/' ||
            ++links > 40)
            break;
        /* Its target, then what was left after it (with the slash
         * between them: "link/" names a directory). */
        rest = strlen(p);
        if ((size_t)n + 1 + rest >= sizeof todo)
            break;
        if (!last) {
            memmove(todo + n + 1, p, rest + 1);
            todo[n] = '/';
        } else {
            todo[n] = '\0';
        }
        memcpy(todo, target, (size_t)n);
        p = todo;
    }
    if (dir >= 0)
        close(dir);
    return fd;
}

/* Open rel beneath the root, one way or the other. */
static int open_rel(const char *rel)
{
    int fd;

    if (opt.beneath) {
        fd = open_beneath(rel);
        if (fd >= 0 || errno != ENOSYS)
            return fd;
    }
    return open_walk(rel);
}

/*
 * Open the file a request's path names under the root (a directory's
 * index.html for a directory): a descriptor of a regular file, and its
 * size, or -1 (404). A path with a ".." segment is refused outright.
 */
static int open_under_root(const char *path, long long *size)
{
    char rel[sizeof ((request *)0)->path + 16];
    struct stat st;
    const char *p;
    size_t n;
    int fd;

    if (opt.root < 0)
        return -1;
    for (p = path; *p != '\0'; p += n) {
        while (*p == '/')
            p++;
        n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return -1;
    }
    while (*path == '/')
        path++;
    n = (size_t)snprintf(rel, sizeof rel, "%s", *path != '\0' ? path : ".");
    if (n >= sizeof rel)
        return -1;
    fd = open_rel(rel);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd); /* a directory: its index.html, from the root again */
        if (n + 12 > sizeof rel)
            return -1;
        strcpy(rel + n, "/index.html");
        fd = open_rel(rel);
    }
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd); /* a FIFO, a device, a socket, a directory */
        return -1;
    }
    *size = (long long)st.st_size;
    return fd;
}

/* Open dir as the root (at start): 0, or -1 and errno. */
static int root_open(const char *dir)
{
    int fd;

    opt.root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (opt.root < 0)
        return -1;
    /* openat2 where the kernel has it (and a sandbox lets it through). */
    opt.beneath = 1;
    fd = open_beneath(".");
    if (fd >= 0)
        close(fd);
    else if (errno == ENOSYS || errno == EPERM)
        opt.beneath = 0;
    return 0;
}

static hop_step file_step(hop_gen *g, hop_frame *f)
{
    file_frame *self = (file_frame *)f;
    conn *c = self->c;
    ssize_t n;
    HOP_BEGIN(g, self);
    while (self->left > 0) {
        n = read(self->fd, c->w->chunk,
                 self->left < (long long)sizeof c->w->chunk
                     ? (size_t)self->left
                     : sizeof c->w->chunk);
        if (n <= 0)
            HOP_RAISE_MSG(self, n < 0 ? -errno : HOP_EOF, "file shrank");
        if (hop_writer_put(&c->wr, c->w->chunk, (size_t)n) != HOP_OK)
            HOP_RAISE(self, HOP_ENOMEM);
        self->left -= n;
        HOP_AWAIT(self, hop_flush(&self->io, &c->wr));
    }
    HOP_END(self);
}

static hop_frame *send_file(file_frame *f, conn *c, int fd, long long size)
{
    hop_frame_init(&f->hdr, file_step, HOP_COROUTINE);
    f->c = c;
    f->fd = fd;
    f->left = size;
    return &f->hdr;
}

/* -- answering ---------------------------------------------------------------- */

/* Answer the request read; in *next, what to send after the reply's
 * head: a file, or the body (a big echo), or nothing. */
static void respond(conn *c, after_head *next)
{
    request *rq = &c->req;
    int get = strcmp(rq->method, "GET") == 0;
    int headreq = strcmp(rq->method, "HEAD") == 0;

    c->close = !rq->keep_alive;
    next->file = -1;
    next->echo = 0;
    if (strcmp(rq->method, "POST") == 0) {
        if (strcmp(rq->path, "/echo") != 0) {
            reply(c, 405, 1);
            return;
        }
        head(c, 200, "application/octet-stream", (long long)c->blen);
        if (c->blen <= OUT_HIGH)
            out(c, c->body, c->blen);
        else
            next->echo = 1;
        return;
    }
    if (!get && !headreq) {
        reply(c, 405, 1);
        return;
    }
    if (strcmp(rq->path, "/hello") == 0 ||
        (opt.root < 0 && strcmp(rq->path, "/") == 0)) {
        head(c, 200, "text/plain; charset=utf-8", (long long)sizeof hello - 1);
        if (get)
            out(c, hello, sizeof hello - 1);
        return;
    }
    {
        long long size = 0;
        int fd = open_under_root(rq->path, &size);
        if (fd < 0) {
            reply(c, 404, get);
            return;
        }
        head(c, 200, mime(rq->path), size);
        if (get && size > 0) {
            next->file = fd;
            next->flen = size;
        } else {
            close(fd);
        }
    }
}

/* -- the session ---------------------------------------------------------------- */

/* Give the writer's buffer back (the writer holds nothing). */
static void writer_reset(conn *c)
{
    hop_writer_cleanup(&c->wr);
    hop_writer_init(&c->wr, &c->s, 0);
}

static void release(conn *c)
{
    worker *w = c->w;

    if (c->session.next.file >= 0)
        close(c->session.next.file);
    c->session.next.file = -1;
    body_shrink(c);
    hop_writer_cleanup(&c->wr);
    hop_stream_close(&c->s);
    c->in_use = 0;
    c->next_free = w->free_conns;
    w->free_conns = c;
}

static hop_step session_step(hop_gen *g, hop_frame *f)
{
    session_frame *self = (session_frame *)f;
    conn *c = self->c;
    int err;
    HOP_BEGIN(g, self);
    self->next.file = -1;
    self->reading = 0;
    HOP_TRY(self);
        while (!c->close) {
            /* Idle between requests: wait for a first byte. */
            HOP_TIMEOUT(self, &self->idle, HOP_SEC(opt.idle));
                HOP_AWAIT(self, hop_fill(&self->rf, &c->r, 1));
            HOP_END_TIMEOUT(self, &self->idle);
            /* Then the whole request, in time. */
            self->reading = 1;
            HOP_TIMEOUT(self, &self->req_sc, HOP_SEC(opt.request));
                HOP_AWAIT(self, read_request(&self->rq, c));
            HOP_END_TIMEOUT(self, &self->req_sc);
            self->reading = 0;
            respond(c, &self->next);
            self->grown = self->next.file >= 0 || self->next.echo;
            if (self->next.file >= 0) { /* (the head goes out with it) */
                HOP_AWAIT(self, send_file(&self->ff, c, self->next.file,
                                          self->next.flen));
                close(self->next.file);
                self->next.file = -1;
            }
            /* A big echo (the head, then the body from where it is),
             * and replies that made the writer grow, go out now, and
             * the writer's buffer goes back. The client has the idle
             * time to take them, as when the reader writes them out
             * before it waits. */
            if (self->grown || hop_writer_len(&c->wr) >= OUT_HIGH) {
                HOP_TIMEOUT(self, &self->idle, HOP_SEC(opt.idle));
                    HOP_AWAIT(self, hop_flush(&self->fl, &c->wr));
                    if (self->next.echo)
                        HOP_AWAIT(self, hop_write_all(&self->fl, &c->s,
                                                      c->body, c->blen));
                HOP_END_TIMEOUT(self, &self->idle);
                writer_reset(c);
            }
            body_shrink(c);
        }
        HOP_AWAIT(self, hop_flush(&self->fl, &c->wr));
        /* The last reply is out: a lingering close (RFC 9112, 9.6), so
         * that what the client sent after its request, such as the next
         * one of a pipeline, does not make the kernel reset the
         * connection and drop the end of the reply. */
        HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                   (size_t)opt.max_header, HOP_SEC(1)));
    HOP_CATCH_IF(self, IS_STATUS(HOP_ERROR(self)) ||
                           (HOP_ERROR(self) == HOP_ETIMEDOUT &&
                            self->reading &&
                            hop_stream_send_timed_out(&c->s) != 1));
        /* Answer with the status, then a lingering close. The replies
         * to the requests before this one, still in the writer, go out
         * first: they are whole (a reply is put at once, and these
         * errors come only while a request is read). */
        err = HOP_ERROR(self);
        c->close = 1;
        reply(c, err == HOP_ETIMEDOUT ? 408 : err, 1);
        HOP_AWAIT_CATCH(self, hop_flush(&self->fl, &c->wr), err);
        HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                   (size_t)opt.max_header, HOP_SEC(1)));
    HOP_CATCH_IF(self, HOP_ERROR(self) != HOP_ECANCELED);
        /* The peer went away, stayed idle, or took no byte of a reply
         * for --send-timeout: close. */
    HOP_FINALLY(self);
        release(c);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- accepting ---------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_accept_frame af;
    hop_sleep_frame sl;
    int err;            /* what the accept failed with, or 0 */
    worker *w;
    int fd;             /* the connection accepted */
    int i;
} accept_frame;

static void start_session(worker *w, int fd)
{
    conn *c = w->free_conns;
    int one = 1;

    w->free_conns = c->next_free;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    hop_task_cleanup(&c->task);
    if (hop_stream_init(&c->s, &w->loop, fd) != HOP_OK) {
        close(fd);
        c->next_free = w->free_conns;
        w->free_conns = c;
        return;
    }
    hop_reader_init(&c->r, &c->s, c->rbuf, (size_t)opt.max_header);
    hop_writer_init(&c->wr, &c->s, 0);
    hop_reader_set_writer(&c->r, &c->wr);
    hop_stream_set_send_timeout(&c->s, HOP_SEC(opt.send));
    c->close = 0;
    c->in_use = 1;
    c->req.head = 0;
    c->session.c = c;
    c->session.next.file = -1;
    hop_frame_init(&c->session.hdr, session_step, HOP_COROUTINE);
    hop_task_init(&c->task, &w->loop, &c->session.hdr, "session");
    hop_spawn(&c->task);
}

static hop_step accept_step(hop_gen *g, hop_frame *f)
{
    accept_frame *self = (accept_frame *)f;
    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n\r\n";
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT_CATCH(self, hop_accept(&self->af, &self->w->ls),
                            self->err);
            if (self->err == -EMFILE || self->err == -ENFILE ||
                self->err == -ENOBUFS || self->err == -ENOMEM) {
                HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
                continue;
            }
            if (self->err != 0)
                HOP_RAISE(self, self->err);
            self->fd = (int)HOP_VALUE(self);
            if (self->w->free_conns == NULL) {
                (void)send(self->fd, busy, sizeof busy - 1, MSG_NOSIGNAL);
                close(self->fd);
                continue;
            }
            start_session(self->w, self->fd);
        }
    HOP_FINALLY(self);
        for (self->i = 0; self->i < opt.max_clients; self->i++)
            if (self->w->conns[self->i].in_use)
                hop_task_cancel(&self->w->conns[self->i].task,
                                "server stopping");
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- threads ------------------------------------------------------------------ */

static void stop_now(hop_post *p)
{
    worker *w = HOP_CONTAINER_OF(p, worker, stop);

    hop_task_cancel(&w->acceptor, "signal");
}

static accept_frame *accept_frames;

static int worker_init(worker *w, int idx)
{
    int i;

    w->conns = calloc((size_t)opt.max_clients, sizeof *w->conns);
    if (w->conns == NULL)
        return -1;
    for (i = opt.max_clients - 1; i >= 0; i--) {
        conn *c = &w->conns[i];
        c->w = w;
        c->rbuf = malloc((size_t)opt.max_header + 1);
        if (c->rbuf == NULL)
            return -1;
        c->session.next.file = -1;
        c->next_free = w->free_conns;
        w->free_conns = c;
    }
    if (hop_ev_init(&w->loop, &w->ev) != HOP_OK ||
        hop_ev_enable_posts(&w->ev) != 0 ||
        hop_stream_init(&w->ls, &w->loop, w->lfd) != HOP_OK)
        return -1;
    accept_frames[idx].w = w;
    hop_frame_init(&accept_frames[idx].hdr, accept_step, HOP_COROUTINE);
    hop_task_init(&w->acceptor, &w->loop, &accept_frames[idx].hdr,
                  "acceptor");
    hop_spawn(&w->acceptor);
    return 0;
}

static void *worker_run(void *arg)
{
    worker *w = arg;

    if (hop_loop_run(&w->loop, HOP_RUN_DEFAULT) != HOP_OK ||
        hop_task_status(&w->acceptor) == HOP_TASK_FAILED)
        w->failed = 1;
    return NULL;
}

static void worker_cleanup(worker *w)
{
    int i;

    hop_stream_close(&w->ls);
    for (i = 0; i < opt.max_clients; i++) {
        body_free(w->conns[i].body, w->conns[i].bcap);
        free(w->conns[i].rbuf);
    }
    free(w->conns);
    if (hop_loop_cleanup(&w->loop) != HOP_OK || hop_ev_cleanup(&w->ev) != HOP_OK)
        w->failed = 1;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    int i;

    (void)sig;
    stopping = 1;
    for (i = 0; i < opt.threads; i++)
        hop_ev_post(&workers[i].ev, &workers[i].stop, stop_now);
}

static int usage(void)
{
    fprintf(stderr,
            "usage: http-server [--port N] [--bind ADDR] [--root DIR] "
            "[--threads N] [--max-clients N] [--max-header BYTES] "
            "[--max-body BYTES] [--idle-timeout S] [--request-timeout S] "
            "[--send-timeout S]\n");
    return 2;
}

/*
 * The option's value v, a whole number from min to max, in *n: 0, or -1
 * when it is not one (a sign, blanks, letters, or a number out of the
 * range or past a long long), so that nothing is read as 0 or wrapped.
 */
static int opt_num(const char *v, long long min, long long max,
                   long long *n)
{
    const char *p = *v == '-' ? v + 1 : v;
    char *end;

    if (*p < '0' || *p > '9')
        return -1;
    errno = 0;
    *n = strtoll(v, &end, 10);
    return errno == 0 && *end == '\0' && *n >= min && *n <= max ? 0 : -1;
}

/* Set the option name to v: 0, or -1 for an unknown option or a value
 * out of its range. --root is opened here. */
static int set_option(const char *name, const char *v)
{
    const long long secs = 1000000000; /* (HOP_SEC of it fits) */
    long long n;

    if (strcmp(name, "--bind") == 0) {
        opt.bind = v;
    } else if (strcmp(name, "--root") == 0) {
        if (opt.root >= 0)
            close(opt.root);
        if (root_open(v) != 0) {
            fprintf(stderr, "http-server: %s: %s\n", v, strerror(errno));
            exit(1);
        }
    } else if (strcmp(name, "--port") == 0 &&
               opt_num(v, 0, 65535, &n) == 0) {
        opt.port = (int)n;
    } else if (strcmp(name, "--threads") == 0 &&
               opt_num(v, 1, 256, &n) == 0) {
        opt.threads = (int)n;
    } else if (strcmp(name, "--max-clients") == 0 &&
               opt_num(v, 1, 1 << 20, &n) == 0) {
        opt.max_clients = (int)n;
    } else if (strcmp(name, "--max-header") == 0 &&
               opt_num(v, 64, 1 << 24, &n) == 0) {
        opt.max_header = (long)n;
    } else if (strcmp(name, "--max-body") == 0 &&
               opt_num(v, 0, LONG_MAX, &n) == 0) {
        opt.max_body = (long)n;
    } else if (strcmp(name, "--idle-timeout") == 0 &&
               opt_num(v, 1, secs, &n) == 0) {
        opt.idle = (long)n;
    } else if (strcmp(name, "--request-timeout") == 0 &&
               opt_num(v, 1, secs, &n) == 0) {
        opt.request = (long)n;
    } else if (strcmp(name, "--send-timeout") == 0 &&
               opt_num(v, 0, secs, &n) == 0) {
        opt.send = (long)n;
    } else {
        return -1;
    }
    return 0;
}

#ifndef SAMPLE_NO_MAIN /* (the fuzz targets include this file) */
int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    struct sigaction act;
    sigset_t all, old;
    int i, failed = 0;

    for (i = 1; i < argc; i += 2)
        if (i + 1 == argc || set_option(argv[i], argv[i + 1]) != 0)
            return usage();

    workers = calloc((size_t)opt.threads, sizeof *workers);
    accept_frames = calloc((size_t)opt.threads, sizeof *accept_frames);
    if (workers == NULL || accept_frames == NULL)
        return 1;
    memset(&sa, 0, sizeof sa);
    for (i = 0; i < opt.threads; i++) {
        /* The first listener takes the port; the others share it. */
        int port = i == 0 ? opt.port : ntohs(sa.sin_port);
        workers[i].lfd = server_listen(opt.bind, port, opt.threads > 1, &sa);
        if (workers[i].lfd < 0 || worker_init(&workers[i], i) != 0) {
            fprintf(stderr, "http-server: cannot listen on %s:%d: %s\n",
                    opt.bind, opt.port, strerror(errno));
            return 1;
        }
    }
    memset(&act, 0, sizeof act);
    act.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &act, NULL);
    /* The threads block the signals; the main thread takes them. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (i = 0; i < opt.threads; i++)
        if (pthread_create(&workers[i].thread, NULL, worker_run,
                           &workers[i]) != 0)
            return 1;
    act.sa_handler = on_signal;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    printf("http-server: %d thread%s, one hop loop each\n", opt.threads,
           opt.threads > 1 ? "s" : "");
    printf("http-server: listening on %s:%d\n", opt.bind, ntohs(sa.sin_port));
    fflush(stdout);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    for (i = 0; i < opt.threads; i++) {
        pthread_join(workers[i].thread, NULL);
        worker_cleanup(&workers[i]);
        failed |= workers[i].failed;
    }
    free(workers);
    free(accept_frames);
    if (opt.root >= 0)
        close(opt.root);
    printf("http-server: stopped\n");
    return failed ? 1 : 0;
}
#endif /* SAMPLE_NO_MAIN */
