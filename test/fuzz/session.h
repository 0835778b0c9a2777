/*
 * test/fuzz/session.h: what the two fuzz targets share, included after
 * the sample they test: the input goes over a socketpair to one session
 * of the server, and a drain task on the other end reads the replies,
 * then waits for the session to end and stops the loop.
 */
#ifndef HOP_FUZZ_SESSION_H
#define HOP_FUZZ_SESSION_H

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

/* A socketpair holding the whole input at sv[0]'s end, sv[1]'s writing
 * side shut. Returns 0, or -1 to skip the input. */
static int feed(const uint8_t *data, size_t size, int sv[2])
{
    int sz = 1 << 20;
    size_t off = 0;

    if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return -1;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    while (off < size) {
        ssize_t n = write(sv[1], data + off, size - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    shutdown(sv[1], SHUT_WR);
    return 0;
}

/* Drain fd in loop l until the task session (just started) has ended. */
static void run_session(hop_loop *l, int fd, hop_task *session)
{
    static drain_frame df;
    static hop_task dt;

    memset(&df, 0, sizeof df);
    if (hop_stream_init(&df.s, l, fd) != HOP_OK)
        abort();
    hop_frame_init(&df.hdr, drain, HOP_COROUTINE);
    df.session = session;
    hop_task_cleanup(&dt);
    hop_task_init(&dt, l, &df.hdr, "drain");
    hop_spawn(&dt);
    if (hop_loop_run(l, HOP_RUN_DEFAULT) != HOP_OK)
        abort();
}

#endif /* HOP_FUZZ_SESSION_H */
