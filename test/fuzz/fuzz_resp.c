/*
 * test/fuzz/fuzz_resp.c: a libFuzzer target for the RESP server's request
 * path. Each input is sent whole over a socketpair to a session of
 * samples/resp-server (its modules under samples/resp/ are linked: the
 * real parser, commands and replies), the write side is shut, and the
 * loop runs until the session has closed its end. Built with clang's fuzzer runtime by `make fuzz`,
 * and with test/fuzz/replay.c by `make check` to replay the corpus and
 * the regression inputs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../samples/resp/session.h"
#include "session.h"

static hop_loop loop;
static hop_libevent ev;
static server srv;

static void setup(void)
{
    static int done;

    if (done)
        return;
    done = 1;
    resp_opt.max_clients = 1;
    resp_opt.max_bulk = 1 << 16;
    resp_opt.max_args = 64;
    if (hop_libevent_init(&loop, &ev) != 0 || store_init(&loop, 64) != 0 ||
        resp_sessions_init(&srv, &loop) != 0)
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
    slot = server_take(&srv, sv[0], NULL, 0);
    if (slot == NULL)
        abort();
    run_session(&loop, sv[1], &slot->task);
    /* The session has ended: its slot is free again. */
    if (srv.free == NULL || slot->in_use ||
        hop_task_status(&slot->task) == HOP_TASK_RUNNING)
        abort();
    store_flush();
    return 0;
}
