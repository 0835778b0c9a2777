/*
 * samples/http/session.c: a connection of samples/http-server (see
 * session.h).
 *
 *   GET|HEAD /hello       a fixed reply ("Hello, world!")
 *   GET|HEAD /...         a regular file under the root (for a
 *                         directory, its index.html)
 *   POST /echo            the request's body back
 *
 * Unknown paths get 404, other methods 405 (with Allow), and a request
 * that the reader refuses the status it raised; the replies to the
 * requests before a bad one go out first, in order, and the connection
 * closes after the error reply. A reply after which the server closes
 * says "Connection: close", and the close lingers (RFC 9112, 9.6).
 * Every reply has a Content-Length.
 *
 * The writer is given back (hop_writer_cleanup) after a reply that made
 * it grow, which is flushed at once: a file, a big echo, or replies past
 * OUT_HIGH; the body buffer goes back to its idle size after each
 * request (parse.h). So a client that sent or asked for something big
 * holds nothing for it afterwards.
 */
#define _GNU_SOURCE
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"

struct http_options http_opt = {1024, 8192, 1L << 20, 60, 10, 60};

/* Pipelined replies wait in the writer up to OUT_HIGH bytes; past that
 * they are written out before the next request is read. */
enum { OUT_HIGH = 16384 };

static const char hello[] = "Hello, world!\n";

/* The sessions of c's loop. */
static http_sessions *sessions_of(const conn *c)
{
    return HOP_CONTAINER_OF(c->slot.srv, http_sessions, srv);
}

/* -- replies -------------------------------------------------------------- */

/* Put n bytes at p into the writer; a writer that cannot take them
 * closes the connection after the reply. */
static void out(conn *c, const void *p, size_t n)
{
    if (hop_writer_put(&c->wr, p, n) != HOP_OK)
        c->close = 1;
}

static void out_str(conn *c, const char *s)
{
    out(c, s, strlen(s));
}

/* The reason phrase of status. */
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

/* The Date line of the second it is, made once a second. */
static const char *date_line(http_sessions *hs)
{
    time_t now = time(NULL);

    if (now != hs->date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(hs->date, sizeof hs->date,
                 "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
        hs->date_at = now;
    }
    return hs->date;
}

/* The status line and the headers, up to the empty line. */
static void head(conn *c, int status, const char *type, long long length)
{
    char line[96];

    snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", status,
             reason(status));
    out_str(c, line);
    out_str(c, date_line(sessions_of(c)));
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

/* Write the file out through the writer, a piece at a time (the reply's
 * head, already in the writer, goes out with the first). */
static hop_step file_step(hop_gen *g, hop_frame *f)
{
    file_frame *self = (file_frame *)f;
    conn *c = self->c;
    http_sessions *hs = sessions_of(c);
    ssize_t n;
    HOP_BEGIN(g, self);
    while (self->left > 0) {
        n = read(self->fd, hs->chunk,
                 self->left < (long long)sizeof hs->chunk
                     ? (size_t)self->left
                     : sizeof hs->chunk);
        if (n <= 0)
            HOP_RAISE_MSG(self, n < 0 ? -errno : HOP_EOF, "file shrank");
        if (hop_writer_put(&c->wr, hs->chunk, (size_t)n) != HOP_OK)
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

/* -- answering ------------------------------------------------------------ */

/* Answer the request read; in *next, what to send after the reply's
 * head: a file, or the body (a big echo), or nothing. */
static void respond(conn *c, after_head *next)
{
    http_request *rq = &c->req;
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
        head(c, 200, "application/octet-stream", (long long)c->body.len);
        if (c->body.len <= OUT_HIGH)
            out(c, c->body.p, c->body.len);
        else
            next->echo = 1;
        return;
    }
    if (!get && !headreq) {
        reply(c, 405, 1);
        return;
    }
    if (strcmp(rq->path, "/hello") == 0 ||
        (!files_have_root() && strcmp(rq->path, "/") == 0)) {
        head(c, 200, "text/plain; charset=utf-8", (long long)sizeof hello - 1);
        if (get)
            out(c, hello, sizeof hello - 1);
        return;
    }
    {
        long long size = 0;
        int fd = files_open(rq->path, &size);
        if (fd < 0) {
            reply(c, 404, get);
            return;
        }
        head(c, 200, files_mime(rq->path), size);
        if (get && size > 0) {
            next->file = fd;
            next->flen = size;
        } else {
            close(fd);
        }
    }
}

/* -- the session ---------------------------------------------------------- */

/* Give the writer's buffer back (the writer holds nothing). */
static void writer_reset(conn *c)
{
    hop_writer_cleanup(&c->wr);
    hop_writer_init(&c->wr, &c->s, 0);
}

/* The session has ended: its file, buffers and stream go, and the slot
 * is free again. */
static void release(conn *c)
{
    if (c->session.next.file >= 0)
        close(c->session.next.file);
    c->session.next.file = -1;
    http_body_shrink(&c->body);
    hop_writer_cleanup(&c->wr);
    hop_stream_close(&c->s);
    server_release(&c->slot);
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
            HOP_TIMEOUT(self, &self->idle, HOP_SEC(http_opt.idle));
                HOP_AWAIT(self, hop_fill(&self->rf, &c->r, 1));
            HOP_END_TIMEOUT(self, &self->idle);
            /* Then the whole request, in time. */
            self->reading = 1;
            HOP_TIMEOUT(self, &self->req_sc, HOP_SEC(http_opt.request));
                HOP_AWAIT(self, http_read_request(&self->rq, &c->r, &c->wr,
                                                  &c->req, &c->body,
                                                  &sessions_of(c)->lim));
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
                HOP_TIMEOUT(self, &self->idle, HOP_SEC(http_opt.idle));
                    HOP_AWAIT(self, hop_flush(&self->fl, &c->wr));
                    if (self->next.echo)
                        HOP_AWAIT(self, hop_write_all(&self->fl, &c->s,
                                                      c->body.p, c->body.len));
                HOP_END_TIMEOUT(self, &self->idle);
                writer_reset(c);
            }
            http_body_shrink(&c->body);
        }
        HOP_AWAIT(self, hop_flush(&self->fl, &c->wr));
        /* The last reply is out: a lingering close (RFC 9112, 9.6), so
         * that what the client sent after its request, such as the next
         * one of a pipeline, does not make the kernel reset the
         * connection and drop the end of the reply. */
        HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                   (size_t)http_opt.max_header, HOP_SEC(1)));
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
                                   (size_t)http_opt.max_header, HOP_SEC(1)));
    HOP_CATCH_IF(self, HOP_ERROR(self) != HOP_ECANCELED);
        /* The peer went away, stayed idle, or took no byte of a reply
         * for --send-timeout: close. */
    HOP_FINALLY(self);
        release(c);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- the pool ------------------------------------------------------------- */

/* Start the session of the connection fd in slot (a server_start_fn). */
static int start_session(server_slot *slot, int fd, const void *addr,
                         unsigned addrlen)
{
    conn *c = HOP_CONTAINER_OF(slot, conn, slot);

    (void)addr;
    (void)addrlen;
    if (hop_stream_init(&c->s, slot->srv->loop, fd) != HOP_OK)
        return -1;
    hop_reader_init(&c->r, &c->s, c->rbuf, (size_t)http_opt.max_header);
    hop_writer_init(&c->wr, &c->s, 0);
    hop_reader_set_writer(&c->r, &c->wr);
    hop_stream_set_send_timeout(&c->s, HOP_SEC(http_opt.send));
    c->close = 0;
    c->req.head = 0;
    c->session.c = c;
    c->session.next.file = -1;
    hop_frame_init(&c->session.hdr, session_step, HOP_COROUTINE);
    hop_task_init(&slot->task, slot->srv->loop, &c->session.hdr, "session");
    hop_spawn(&slot->task);
    return 0;
}

int http_sessions_init(http_sessions *hs, hop_loop *loop)
{
    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
                               "Content-Length: 0\r\n"
                               "Connection: close\r\n\r\n";
    int i;

    hs->lim.max_header = http_opt.max_header;
    hs->lim.max_body = http_opt.max_body;
    hs->date_at = 0;
    server_init(&hs->srv, loop, start_session, busy);
    hs->conns = calloc((size_t)http_opt.max_clients, sizeof *hs->conns);
    if (hs->conns == NULL)
        return -1;
    for (i = http_opt.max_clients - 1; i >= 0; i--) {
        conn *c = &hs->conns[i];
        c->rbuf = malloc((size_t)http_opt.max_header + 1);
        if (c->rbuf == NULL)
            return -1;
        c->session.next.file = -1;
        server_add(&hs->srv, &c->slot);
    }
    return 0;
}

void http_sessions_cleanup(http_sessions *hs)
{
    int i;

    for (i = 0; hs->conns != NULL && i < http_opt.max_clients; i++) {
        http_body_free(&hs->conns[i].body);
        free(hs->conns[i].rbuf);
    }
    free(hs->conns);
    hs->conns = NULL;
}
