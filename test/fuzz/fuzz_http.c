/*
 * test/fuzz/fuzz_http.c: a libFuzzer target for the HTTP server's
 * request path. Each input is sent whole over a socketpair to a session
 * of samples/http-server.c (included: the real request reader, body
 * reader and replies, serving files from test/fuzz/www), the write side
 * is shut, and the loop runs until the session has closed its end.
 * Built like test/fuzz/fuzz_resp.c.
 */
#define SAMPLE_NO_MAIN
#include "../../samples/http-server.c"

#include <stdint.h>

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_io_frame io;
    hop_join_frame j;
    hop_stream s;
    hop_task *session;
    char buf[4096];
} drain_frame;

/* Read the server's replies until the end of the stream (the session
 * shut or closed its end), wait for the session to end (after a protocol
 * error it lingers a little), then stop the loop: keys with an expiry
 * would keep it up. */
static hop_step drain(hop_gen *g, hop_frame *f)
{
    drain_frame *self = (drain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;)
            HOP_AWAIT(self, hop_read(&self->io, &self->s, self->buf,
                                     sizeof self->buf));
    HOP_CATCH_ANY(self);
    HOP_END_TRY(self);
    hop_stream_close(&self->s);
    HOP_AWAIT(self, hop_join(&self->j, self->session));
    hop_loop_stop(hop_gen_loop(g));
    HOP_END(self);
}

static worker *w;

static void setup(void)
{
    static char rootdir[PATH_MAX];
    conn *c;

    if (w != NULL)
        return;
    opt.max_clients = 1;
    opt.max_header = 1024;
    opt.max_body = 4096;
    if (realpath("test/fuzz/www", rootdir) != NULL)
        opt.root = rootdir;
    w = calloc(1, sizeof *w);
    if (w == NULL)
        abort();
    w->conns = calloc(1, sizeof *w->conns);
    c = &w->conns[0];
    c->w = w;
    c->rbuf = malloc((size_t)opt.max_header + 1);
    c->session.file = -1;
    w->free_conns = c;
    if (c->rbuf == NULL || hop_ev_init(&w->loop, &w->ev) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static drain_frame df;
    static hop_task dt;
    int sv[2], sz = 1 << 20;
    size_t off = 0;

    setup();
    if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    while (off < size) {
        ssize_t n = write(sv[1], data + off, size - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    shutdown(sv[1], SHUT_WR);
    start_session(w, sv[0]);
    memset(&df, 0, sizeof df);
    if (hop_stream_init(&df.s, &w->loop, sv[1]) != HOP_OK)
        abort();
    hop_frame_init(&df.hdr, drain, HOP_COROUTINE);
    df.session = &w->conns[0].task;
    hop_task_cleanup(&dt);
    hop_task_init(&dt, &w->loop, &df.hdr, "drain");
    hop_spawn(&dt);
    if (hop_loop_run(&w->loop, HOP_RUN_DEFAULT) != HOP_OK)
        abort();
    if (w->free_conns == NULL || w->conns[0].in_use ||
        hop_task_status(&w->conns[0].task) == HOP_TASK_RUNNING)
        abort();
    return 0;
}
