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

#include "session.h"

static worker *w;

static void setup(void)
{
    conn *c;

    if (w != NULL)
        return;
    opt.max_clients = 1;
    opt.max_header = 1024;
    opt.max_body = 4096;
    (void)root_open("test/fuzz/www");
    w = calloc(1, sizeof *w);
    if (w == NULL)
        abort();
    w->conns = calloc(1, sizeof *w->conns);
    c = &w->conns[0];
    c->w = w;
    c->rbuf = malloc((size_t)opt.max_header + 1);
    c->session.next.file = -1;
    w->free_conns = c;
    if (c->rbuf == NULL || hop_ev_init(&w->loop, &w->ev) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];

    setup();
    if (feed(data, size, sv) != 0)
        return 0;
    start_session(w, sv[0]);
    run_session(&w->loop, sv[1], &w->conns[0].task);
    if (w->free_conns == NULL || w->conns[0].in_use ||
        hop_task_status(&w->conns[0].task) == HOP_TASK_RUNNING)
        abort();
    return 0;
}
