/*
 * test/fuzz/fuzz_resp.c: a libFuzzer target for the RESP server's request
 * path. Each input is sent whole over a socketpair to a session of
 * samples/resp-server.c (included: the real parser, commands and
 * replies), the write side is shut, and the loop runs until the session
 * has closed its end. Built with clang's fuzzer runtime by `make fuzz`,
 * and with test/fuzz/replay.c by `make check` to replay the corpus and
 * the regression inputs.
 */
#define SAMPLE_NO_MAIN
#include "../../samples/resp-server.c"

#include "session.h"

static hop_loop loop;
static hop_ev ev;

static void setup(void)
{
    static int done;
    int i;

    if (done)
        return;
    done = 1;
    opt.max_clients = 1;
    opt.max_bulk = 1 << 16;
    opt.max_args = 64;
    conns = calloc(1, sizeof *conns);
    db.nslots = 64;
    db.slots = calloc(db.nslots, sizeof *db.slots);
    if (conns == NULL || db.slots == NULL || hop_ev_init(&loop, &ev) != 0)
        abort();
    for (i = 0; i < 1; i++) {
        conns[i].next_free = free_conns;
        free_conns = &conns[i];
    }
    db.loop = &loop;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];

    setup();
    if (feed(data, size, sv) != 0)
        return 0;
    start_session(&loop, sv[0]);
    run_session(&loop, sv[1], &conns[0].task);
    /* The session has ended: its slot is free again. */
    if (free_conns == NULL || conns[0].in_use ||
        hop_task_status(&conns[0].task) == HOP_TASK_RUNNING)
        abort();
    store_flush();
    return 0;
}
