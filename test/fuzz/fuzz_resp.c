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

#include <stdint.h>

/* Read the server's replies until the end of the stream (the session
 * shut or closed its end), wait for the session to end (after a protocol
 * error it lingers a little), then stop the loop: keys with an expiry
 * would keep it up. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_io_frame io;
    hop_join_frame j;
    hop_stream s;
    hop_task *session;
    char buf[4096];
} drain_frame;

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
    static drain_frame df;
    static hop_task dt;
    int sv[2];
    size_t off = 0;

    setup();
    if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    {
        int sz = 1 << 20;
        setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    }
    while (off < size) {
        ssize_t n = write(sv[1], data + off, size - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    shutdown(sv[1], SHUT_WR);
    start_session(&loop, sv[0]);
    memset(&df, 0, sizeof df);
    if (hop_stream_init(&df.s, &loop, sv[1]) != HOP_OK)
        abort();
    hop_frame_init(&df.hdr, drain, HOP_COROUTINE);
    df.session = &conns[0].task;
    hop_task_cleanup(&dt);
    hop_task_init(&dt, &loop, &df.hdr, "drain");
    hop_spawn(&dt);
    if (hop_loop_run(&loop, HOP_RUN_DEFAULT) != HOP_OK)
        abort();
    /* The session has ended: its slot is free again. */
    if (free_conns == NULL || conns[0].in_use ||
        hop_task_status(&conns[0].task) == HOP_TASK_RUNNING)
        abort();
    store_flush();
    return 0;
}
