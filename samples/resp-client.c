/*
 * samples/resp-client.c: a client of the RESP server, written as
 * coroutines.
 *
 * A request is a sub-coroutine: it writes one command and awaits its
 * reply, which another sub-coroutine parses from the connection's
 * buffered reader (a line, then as much of a bulk string or an array as
 * the line announces). The session sends a few commands one after the
 * other, then runs several clients at once in a task group, each on a
 * connection of its own, under one deadline (hop_with_timeout): the
 * ones that finish in time report their results, the one that is too
 * slow is cancelled when the deadline passes, and the group and its
 * connections are cleaned up either way.
 *
 *   resp-client [--host NAME] [--port N]
 *
 * The host is resolved with evdns (a numeric address or a name from the
 * hosts file is answered at once). Only hop's public API is used.
 */
#define _POSIX_C_SOURCE 200809L
#include <event2/dns.h>
#include <event2/util.h>
#include <hop.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define E_REPLY 1 /* the sample's own error: a reply it cannot read */
#define WORKERS 4

static const char *host = "127.0.0.1";
static const char *port = "6379";
static struct evdns_base *dns;

/* A connection: a stream and its reader. */
typedef struct {
    hop_stream s;
    hop_reader r;
    char rbuf[4096];
    int open;
} conn;

/* A reply: its type byte ('+', '-', ':', '$', '*'), and its text. */
typedef struct {
    char type;
    char text[256]; /* the line, the bulk string, or the array's items */
    long long n;    /* the integer, the bulk length or the array length */
} reply;

/* -- connecting -------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_resolve_frame rs;
    hop_connect_frame cf;
    conn *c;
    struct addrinfo hints; /* (in the frame: the resolution reads it) */
    struct addrinfo *ai;
    int err;
} connect_frame;

static hop_step connect_step(hop_gen *g, hop_frame *f)
{
    connect_frame *self = (connect_frame *)f;
    HOP_BEGIN(g, self);
    memset(&self->hints, 0, sizeof self->hints);
    self->hints.ai_family = AF_INET;
    self->hints.ai_socktype = SOCK_STREAM;
    HOP_AWAIT(self, hop_resolve(&self->rs, dns, host, port, &self->hints));
    self->ai = (struct addrinfo *)(intptr_t)HOP_VALUE(self);
    if (hop_stream_init(&self->c->s, hop_gen_loop(g),
                        socket(AF_INET, SOCK_STREAM, 0)) != HOP_OK) {
        evutil_freeaddrinfo(self->ai);
        HOP_RAISE_MSG(self, HOP_ENOMEM, "no socket");
    }
    hop_reader_init(&self->c->r, &self->c->s, self->c->rbuf,
                    sizeof self->c->rbuf);
    HOP_AWAIT_CATCH(self,
                    hop_connect(&self->cf, &self->c->s, self->ai->ai_addr,
                                (unsigned)self->ai->ai_addrlen,
                                hop_loop_now(hop_gen_loop(g)) + HOP_SEC(2)),
                    self->err);
    evutil_freeaddrinfo(self->ai);
    if (self->err != 0) {
        hop_stream_close(&self->c->s);
        HOP_RAISE(self, self->err);
    }
    self->c->open = 1;
    HOP_END(self);
}

static hop_frame *connect_to(connect_frame *f, conn *c)
{
    hop_frame_init(&f->hdr, connect_step, HOP_COROUTINE);
    f->c = c;
    return &f->hdr;
}

static void disconnect(conn *c)
{
    if (c->open) {
        hop_stream_close(&c->s);
        c->open = 0;
    }
}

/* -- one request ---------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_io_frame io;
    hop_reader_frame rf;
    conn *c;
    const char *const *argv; /* NULL-ended */
    reply *rep;
    char out[512];
    size_t olen;
    size_t need;   /* bytes of the bulk string being read, with CR LF */
    long long i;
} request_frame;

/* Append the RESP array of argv to out. */
static size_t encode(char *out, size_t cap, const char *const *argv)
{
    size_t n = 0;
    int argc = 0, i;

    while (argv[argc] != NULL)
        argc++;
    n += (size_t)snprintf(out + n, cap - n, "*%d\r\n", argc);
    for (i = 0; i < argc && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "$%zu\r\n%s\r\n",
                              strlen(argv[i]), argv[i]);
    return n < cap ? n : cap;
}

/* The line at the reader (CR LF dropped) appended to the reply's text. */
static void take_line(reply *rep, conn *c, size_t n)
{
    size_t k = strlen(rep->text);
    size_t len = n >= 2 ? n - 2 : 0;

    if (k + len >= sizeof rep->text)
        len = sizeof rep->text - 1 - k;
    memcpy(rep->text + k, hop_reader_data(&c->r), len);
    rep->text[k + len] = '\0';
    hop_reader_consume(&c->r, n);
}

static hop_step request_step(hop_gen *g, hop_frame *f)
{
    request_frame *self = (request_frame *)f;
    conn *c = self->c;
    size_t n;
    HOP_BEGIN(g, self);
    self->olen = encode(self->out, sizeof self->out, self->argv);
    HOP_AWAIT(self, hop_write_all(&self->io, &c->s, self->out, self->olen));
    HOP_AWAIT(self, hop_read_line(&self->rf, &c->r, sizeof c->rbuf));
    n = (size_t)HOP_VALUE(self);
    self->rep->type = hop_reader_data(&c->r)[0];
    self->rep->text[0] = '\0';
    hop_reader_consume(&c->r, 1);
    take_line(self->rep, c, n - 1);
    self->rep->n = atoll(self->rep->text);
    if (self->rep->type == '$' && self->rep->n >= 0) {
        /* A bulk string: its bytes and CR LF follow. */
        self->rep->text[0] = '\0';
        if ((size_t)self->rep->n + 2 > sizeof c->rbuf)
            HOP_RAISE_MSG(self, E_REPLY, "bulk reply too long for the sample");
        HOP_AWAIT(self, hop_fill(&self->rf, &c->r, (size_t)self->rep->n + 2));
        take_line(self->rep, c, (size_t)self->rep->n + 2);
    } else if (self->rep->type == '*') {
        /* An array of bulk strings: one line each, then its bytes. */
        self->rep->text[0] = '\0';
        for (self->i = 0; self->i < self->rep->n; self->i++) {
            HOP_AWAIT(self, hop_read_line(&self->rf, &c->r, sizeof c->rbuf));
            n = (size_t)HOP_VALUE(self);
            if (strlen(self->rep->text) + 2 < sizeof self->rep->text)
                strcat(self->rep->text, self->i > 0 ? " " : "");
            if (strncmp(hop_reader_data(&c->r), "$-1", 3) == 0) {
                hop_reader_consume(&c->r, n);
                if (strlen(self->rep->text) + 5 < sizeof self->rep->text)
                    strcat(self->rep->text, "(nil)");
                continue;
            }
            self->need = (size_t)atol(hop_reader_data(&c->r) + 1) + 2;
            hop_reader_consume(&c->r, n);
            if (self->need > sizeof c->rbuf)
                HOP_RAISE_MSG(self, E_REPLY, "bulk reply too long for the sample");
            HOP_AWAIT(self, hop_fill(&self->rf, &c->r, self->need));
            take_line(self->rep, c, self->need);
        }
    } else if (strchr("+-:$", self->rep->type) == NULL) {
        HOP_RAISE_MSG(self, E_REPLY, "not a RESP reply");
    }
    HOP_RETURN(self, self->rep->type);
    HOP_END(self);
}

static hop_frame *request(request_frame *f, conn *c, const char *const *argv,
                          reply *rep)
{
    hop_frame_init(&f->hdr, request_step, HOP_COROUTINE);
    f->c = c;
    f->argv = argv;
    f->rep = rep;
    return &f->hdr;
}

static void show(const char *const *argv, const reply *rep)
{
    int i;

    printf("  >");
    for (i = 0; argv[i] != NULL; i++)
        printf(strchr(argv[i], ' ') != NULL ? " \"%s\"" : " %s", argv[i]);
    switch (rep->type) {
    case '$':
        if (rep->n < 0)
            printf("\n  < (nil)\n");
        else
            printf("\n  < \"%s\"\n", rep->text);
        break;
    case ':':
        printf("\n  < (integer) %lld\n", rep->n);
        break;
    case '-':
        printf("\n  < (error) %s\n", rep->text);
        break;
    case '*':
        printf("\n  < [%s]\n", rep->text);
        break;
    default:
        printf("\n  < %s\n", rep->text);
        break;
    }
}

/* -- the workers: several clients at once --------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    connect_frame cf;
    request_frame rq;
    hop_sleep_frame sl;
    conn c;
    reply rep;
    const char *name;
    hop_time delay;    /* how long it dawdles before its request */
    int i, hits;
} worker_frame;

/* connect; sleep(delay); INCR hits three times; cleanup: disconnect */
static hop_step worker(hop_gen *g, hop_frame *f)
{
    static const char *const incr[] = {"INCR", "hits", NULL};
    worker_frame *self = (worker_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, connect_to(&self->cf, &self->c));
        HOP_AWAIT(self, hop_sleep(&self->sl, self->delay));
        for (self->i = 0; self->i < 3; self->i++) {
            HOP_AWAIT(self, request(&self->rq, &self->c, incr, &self->rep));
            self->hits = (int)self->rep.n;
        }
    HOP_FINALLY(self);
        disconnect(&self->c);
    HOP_END_TRY(self);
    HOP_RETURN(self, self->hits);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_group grp;
    hop_task tasks[WORKERS];
    worker_frame w[WORKERS];
} crowd_frame;

/* group { WORKERS workers, the last one slow } */
static hop_step crowd(hop_gen *g, hop_frame *f)
{
    static const char *const names[WORKERS] = {"quick-1", "quick-2",
                                               "quick-3", "slowpoke"};
    crowd_frame *self = (crowd_frame *)f;
    int i;
    HOP_BEGIN(g, self);
    HOP_GROUP(self, &self->grp);
        for (i = 0; i < WORKERS; i++) {
            memset(&self->w[i], 0, sizeof self->w[i]);
            self->w[i].name = names[i];
            self->w[i].delay = i == WORKERS - 1 ? HOP_SEC(10) : HOP_MSEC(i);
            hop_frame_init(&self->w[i].hdr, worker, HOP_COROUTINE);
            hop_task_init(&self->tasks[i], hop_gen_loop(g), &self->w[i].hdr,
                          names[i]);
            hop_group_spawn(&self->grp, &self->tasks[i]);
        }
    HOP_END_GROUP(self, &self->grp);
    HOP_END(self);
}

static hop_frame *crowd_start(crowd_frame *f)
{
    hop_frame_init(&f->hdr, crowd, HOP_COROUTINE);
    return &f->hdr;
}

/* -- the session ---------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    connect_frame cf;
    request_frame rq;
    hop_timeout_frame tf;
    crowd_frame crowd;
    conn c;
    reply rep;
    int step;
    int err;
} session_frame;

static const char *const script[][6] = {
    {"PING", NULL},
    {"SET", "greeting", "hello from a coroutine", NULL},
    {"GET", "greeting", NULL},
    {"DEL", "hits", NULL},
    {"GET", "nothing-here", NULL},
    {"MSET", "a", "1", "b", "2", NULL},
    {"MGET", "a", "b", "c", NULL},
    {"NOSUCHCOMMAND", NULL},
};

static hop_step session(hop_gen *g, hop_frame *f)
{
    session_frame *self = (session_frame *)f;
    static const char *const total[] = {"GET", "hits", NULL};
    int i;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, connect_to(&self->cf, &self->c));
        printf("resp-client: connected to %s:%s\n", host, port);
        for (self->step = 0;
             self->step < (int)(sizeof script / sizeof script[0]);
             self->step++) {
            HOP_AWAIT(self, request(&self->rq, &self->c, script[self->step],
                                    &self->rep));
            show(script[self->step], &self->rep);
        }

        printf("resp-client: %d clients at once, each on its own "
               "connection, under a 300 ms deadline\n", WORKERS);
        HOP_AWAIT_CATCH(self, hop_with_timeout(&self->tf, HOP_MSEC(300),
                                               crowd_start(&self->crowd)),
                        self->err);
        for (i = 0; i < WORKERS; i++) {
            hop_task *t = &self->crowd.tasks[i];
            if (hop_task_status(t) == HOP_TASK_DONE)
                printf("  %-9s done: INCR hits three times, last reply %d\n",
                       self->crowd.w[i].name, (int)hop_task_result(t));
            else
                printf("  %-9s %s (%s)\n", self->crowd.w[i].name,
                       hop_task_status(t) == HOP_TASK_CANCELLED
                           ? "cancelled at the deadline"
                           : "failed",
                       hop_err_name(hop_task_error(t)));
        }
        printf("  the deadline: %s\n",
               self->err != 0 ? hop_err_name(self->err) : "not reached");
        HOP_AWAIT(self, request(&self->rq, &self->c, total, &self->rep));
        show(total, &self->rep);
    HOP_FINALLY(self);
        disconnect(&self->c);
    HOP_END_TRY(self);
    HOP_END(self);
}

int main(int argc, char **argv)
{
    static hop_loop loop;
    static hop_libevent ev;
    static session_frame sf;
    static hop_task t;
    int i, r = 1;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--host") == 0)
            host = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = argv[i + 1];
        else
            break;
    }
    if (i != argc) {
        fprintf(stderr, "usage: resp-client [--host NAME] [--port N]\n");
        return 2;
    }
    if (hop_libevent_init(&loop, &ev) != HOP_OK)
        return 1;
    dns = evdns_base_new(hop_libevent_base(&loop), 0);
    if (dns == NULL || evdns_base_load_hosts(dns, NULL) != 0)
        fprintf(stderr, "resp-client: no hosts file: numeric hosts only\n");
    hop_frame_init(&sf.hdr, session, HOP_COROUTINE);
    hop_task_init(&t, &loop, &sf.hdr, "session");
    hop_spawn(&t);
    if (hop_loop_run(&loop, HOP_RUN_DEFAULT) == HOP_OK &&
        hop_task_status(&t) == HOP_TASK_DONE) {
        r = 0;
    } else {
        fprintf(stderr, "resp-client: %s: %s\n",
                hop_err_name(hop_task_error(&t)),
                hop_task_errmsg(&t) != NULL
                    ? hop_task_errmsg(&t)
                    : hop_io_strerror(hop_task_error(&t)));
    }
    if (dns != NULL)
        evdns_base_free(dns, 0);
    hop_loop_cleanup(&loop);
    hop_libevent_cleanup(&ev);
    return r;
}
