/*
 * samples/http/parse.c: the request reader of samples/http-server (see
 * parse.h). A Content-Length is digits and nothing else, and "chunked"
 * comes once, or the request is a 400: a request is read one way only.
 * So is one whose method or a field name is not a token, or whose
 * target or a field value holds a control character (a NUL, a bare CR;
 * a tab is fine in a value); trailers are checked as headers are, and
 * have the same limit of their own.
 */
#define _GNU_SOURCE
#include "parse.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

/* -- the body buffer ------------------------------------------------------ */

/*
 * The body buffer is kept between requests only up to BODY_KEEP bytes.
 * One of BODY_MAP bytes or more is mapped rather than allocated, so that
 * it goes back to the system as soon as it is released, whatever the
 * allocator keeps.
 */
enum { BODY_KEEP = 16384, BODY_MAP = 65536 };

static char *body_alloc(size_t n)
{
    void *p;

    if (n < BODY_MAP)
        return malloc(n);
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    return p != MAP_FAILED ? p : NULL;
}

static void body_release(char *p, size_t n)
{
    if (p != NULL && n < BODY_MAP)
        free(p);
    else if (p != NULL)
        munmap(p, n);
}

/* Room for need bytes of body: twice the room, or need, but no more
 * than max. 0, or -1 when out of memory. */
static int reserve(http_body *b, size_t need, long max)
{
    size_t n = b->cap * 2;
    char *p;

    if (need <= b->cap)
        return 0;
    if (n > (size_t)max)
        n = (size_t)max;
    if (n < need)
        n = need;
    if (n < 1024)
        n = 1024;
    if ((p = body_alloc(n)) == NULL)
        return -1;
    if (b->len > 0)
        memcpy(p, b->p, b->len);
    body_release(b->p, b->cap);
    b->p = p;
    b->cap = n;
    return 0;
}

void http_body_shrink(http_body *b)
{
    b->len = 0;
    if (b->cap > BODY_KEEP)
        http_body_free(b);
}

void http_body_free(http_body *b)
{
    body_release(b->p, b->cap);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

/* n more bytes of body: 0, or the status to answer. */
static int body_add(http_body *b, const char *p, size_t n, long max)
{
    if ((long long)(b->len + n) > max)
        return 413;
    if (reserve(b, b->len + n, max) != 0)
        return 500;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

/* -- the request line and the headers ------------------------------------- */

/* Room left in the head: the line limit for the next line. */
static size_t head_room(const http_request *rq, const http_limits *lim)
{
    size_t used = rq->head;

    return used < (size_t)lim->max_header ? (size_t)lim->max_header - used
                                          : 1;
}

/* The value of the hexadecimal digit ch, or -1. */
static int hex_digit(char ch)
{
    char lower = (char)(ch | 32);

    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (lower >= 'a' && lower <= 'f')
        return lower - 'a' + 10;
    return -1;
}

/* Decode %XX in place; 0, or -1 when malformed or when it holds a NUL. */
static int unescape(char *p)
{
    char *q = p;

    for (; *p != '\0'; p++) {
        if (*p == '%') {
            int hi, lo;
            if (p[1] == '\0' || p[2] == '\0')
                return -1;
            hi = hex_digit(p[1]);
            lo = hex_digit(p[2]);
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
static int parse_request_line(http_request *rq, const char *p, size_t n)
{
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

/* Whether the n bytes at p are word, in any case, blanks around it
 * aside. */
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
static int parse_header(http_request *rq, const char *p, size_t n)
{
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
    http_line_frame *self = (http_line_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_read_line(&self->rf, self->r, self->max));
        self->n = (size_t)HOP_VALUE(self);
    HOP_CATCH_IF(self, HOP_ERROR(self) == -EMSGSIZE);
        HOP_RAISE(self, self->too_long);
    HOP_END_TRY(self);
    if (self->head != NULL) {
        *self->head += self->n;
        if (*self->head > self->head_max)
            HOP_RAISE(self, self->too_long);
    }
    HOP_RETURN(self, (hop_value)self->n);
    HOP_END(self);
}

static hop_frame *read_head_line(http_line_frame *f, hop_reader *r,
                                 size_t max, int too_long)
{
    hop_frame_init(&f->hdr, line_step, HOP_COROUTINE);
    f->r = r;
    f->max = max;
    f->too_long = too_long;
    f->head = NULL;
    return &f->hdr;
}

/*
 * Read a field line (a header, or a trailer) within what is left of
 * the head's limit, counted in rq->head: its length; past the limit,
 * 431.
 */
static hop_frame *read_field_line(http_line_frame *f, hop_reader *r,
                                  http_request *rq, const http_limits *lim)
{
    read_head_line(f, r, head_room(rq, lim), 431);
    f->head = &rq->head;
    f->head_max = (size_t)lim->max_header;
    return &f->hdr;
}

/* -- the body ------------------------------------------------------------- */

/* A chunk's size line: the size, or -1 when it is not one. */
static long long hex_size(const char *p, size_t n)
{
    long long v = 0;
    size_t i;
    int any = 0;

    for (i = 0; i < n; i++) {
        int d = hex_digit(p[i]);
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
    http_body_frame *self = (http_body_frame *)f;
    hop_reader *r = self->r;
    http_request *rq = self->req;
    http_body *b = self->body;
    long max = self->lim->max_body;
    size_t n, take;
    int st, end;
    HOP_BEGIN(g, self);
    b->len = 0;
    if (!rq->chunked) { /* one piece, of Content-Length bytes */
        if (rq->length > max)
            HOP_RAISE(self, 413);
        if (reserve(b, (size_t)rq->length, max) != 0)
            HOP_RAISE(self, 500);
        self->size = rq->length;
    }
    for (;;) {
        if (rq->chunked) { /* the next chunk's size line */
            HOP_AWAIT(self, read_head_line(&self->ln, r, 256, 400));
            n = (size_t)HOP_VALUE(self);
            self->size = hex_size(hop_reader_data(r), n);
            hop_reader_consume(r, n);
            if (self->size < 0)
                HOP_RAISE(self, 400);
            if (self->size == 0)
                break;
            if ((long long)b->len + self->size > max)
                HOP_RAISE(self, 413);
        }
        while (self->size > 0) {
            HOP_AWAIT(self, hop_fill(&self->rf, r, 1));
            take = hop_reader_len(r);
            if ((long long)take > self->size)
                take = (size_t)self->size;
            if ((st = body_add(b, hop_reader_data(r), take, max)) != 0)
                HOP_RAISE(self, st);
            hop_reader_consume(r, take);
            self->size -= (long long)take;
        }
        if (!rq->chunked)
            HOP_RETURN(self, 0);
        HOP_AWAIT(self, hop_fill(&self->rf, r, 2));
        if (memcmp(hop_reader_data(r), "\r\n", 2) != 0)
            HOP_RAISE(self, 400);
        hop_reader_consume(r, 2);
    }
    /* Trailers, up to the empty line: within --max-header, like the
     * head. */
    rq->head = 0;
    for (;;) {
        HOP_AWAIT(self, read_field_line(&self->ln, r, rq, self->lim));
        n = (size_t)HOP_VALUE(self);
        end = n == 1 || (n == 2 && hop_reader_data(r)[0] == '\r');
        if (!end && !field_ok(hop_reader_data(r),
                              n - (hop_reader_data(r)[n - 2] == '\r'
                                       ? 2 : 1)))
            HOP_RAISE(self, 400); /* (the trailers are dropped, but checked) */
        hop_reader_consume(r, n);
        if (end)
            break;
    }
    HOP_END(self);
}

static hop_frame *read_body(http_body_frame *f, http_request_frame *rf)
{
    hop_frame_init(&f->hdr, body_step, HOP_COROUTINE);
    f->r = rf->r;
    f->req = rf->req;
    f->body = rf->body;
    f->lim = rf->lim;
    return &f->hdr;
}

static hop_step request_step(hop_gen *g, hop_frame *f)
{
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    http_request_frame *self = (http_request_frame *)f;
    hop_reader *r = self->r;
    http_request *rq = self->req;
    size_t n;
    int st;
    HOP_BEGIN(g, self);
    memset(rq, 0, sizeof *rq);
    self->body->len = 0;
    /* The request line (empty lines before it are skipped). */
    for (;;) {
        HOP_AWAIT(self, read_head_line(&self->ln, r,
                                       head_room(rq, self->lim), 414));
        n = (size_t)HOP_VALUE(self);
        rq->head += n;
        if (n > 2 || (n == 2 && hop_reader_data(r)[0] != '\r'))
            break;
        hop_reader_consume(r, n);
        if (rq->head >= (size_t)self->lim->max_header)
            HOP_RAISE(self, 400);
    }
    st = parse_request_line(rq, hop_reader_data(r), n);
    hop_reader_consume(r, n);
    if (st != 0)
        HOP_RAISE(self, st);
    /* The headers, up to the empty line. */
    for (;;) {
        HOP_AWAIT(self, read_field_line(&self->ln, r, rq, self->lim));
        n = (size_t)HOP_VALUE(self);
        if (n == 1 || (n == 2 && hop_reader_data(r)[0] == '\r')) {
            hop_reader_consume(r, n);
            break;
        }
        n -= hop_reader_data(r)[n - 2] == '\r' ? 2 : 1;
        st = parse_header(rq, hop_reader_data(r), n);
        hop_reader_consume(r, n + (hop_reader_data(r)[n] == '\r' ? 2 : 1));
        if (st != 0)
            HOP_RAISE(self, st);
    }
    if (rq->chunked && rq->has_length)
        HOP_RAISE(self, 400);
    /* Persistence (RFC 9112, 9.3): "close" ends it in either version;
     * HTTP/1.0 persists only when it asks, and not with a
     * Transfer-Encoding, whose framing it cannot be trusted with (6.1). */
    rq->keep_alive = !rq->conn_close &&
                     (rq->minor == 1 || (rq->conn_keep && !rq->chunked));
    if (rq->has_length && rq->length > self->lim->max_body)
        HOP_RAISE(self, 413);
    if (rq->chunked || rq->length > 0) {
        /* (A writer that cannot take this fails on the reply's head as
         * well, and the connection closes after the reply.) */
        if (rq->expect && rq->minor == 1)
            (void)hop_writer_put(self->w, cont, sizeof cont - 1);
        HOP_AWAIT(self, read_body(&self->bd, self));
    }
    HOP_END(self);
}

hop_frame *http_read_request(http_request_frame *f, hop_reader *r,
                             hop_writer *w, http_request *req,
                             http_body *body, const http_limits *lim)
{
    hop_frame_init(&f->hdr, request_step, HOP_COROUTINE);
    f->r = r;
    f->w = w;
    f->req = req;
    f->body = body;
    f->lim = lim;
    return &f->hdr;
}
