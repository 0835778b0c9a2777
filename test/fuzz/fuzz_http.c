/*
 * test/fuzz/fuzz_http.c: a libFuzzer target for the HTTP server's
 * request path. Each input is sent whole over a socketpair to a session
 * of samples/http-server (its modules under samples/http/ are linked:
 * the real request reader, body reader and replies, serving files from
 * test/fuzz/www), the write side is shut, and the loop runs until the
 * session has closed its end. Built like test/fuzz/fuzz_resp.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../samples/http/files.h"
#include "../../samples/http/session.h"
#include "session.h"

static hop_loop loop;
static hop_libevent ev;
static http_sessions hs;

static void setup(void)
{
    static int done;

    if (done)
        return;
    done = 1;
    http_opt.max_clients = 1;
    http_opt.max_header = 1024;
    http_opt.max_body = 4096;
    (void)files_root_open("test/fuzz/www");
    if (hop_libevent_init(&loop, &ev) != 0 ||
        http_sessions_init(&hs, &loop) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    server_slot *slot;
    int sv[2];

    setup();
    if (feed(data, size, sv) != 0)
        return 0;
    slot = server_take(&hs.srv, sv[0], NULL, 0);
    if (slot == NULL)
        abort();
    run_session(&loop, sv[1], &slot->task);
    /* The session has ended: its slot is free again. */
    if (hs.srv.free == NULL || slot->in_use ||
        hop_task_status(&slot->task) == HOP_TASK_RUNNING)
        abort();
    return 0;
}
