/*
 * bench/net/echo_hop.c: the echo server of the echo benchmark, in hop:
 * one task per connection that reads what comes and writes it back.
 *
 *   echo_hop PORT
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <hop.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNS 4096

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_io_frame io;
    hop_stream s;
    hop_task task;
    size_t n;
    char buf[4096];
} echo_frame;

static hop_step echo(hop_gen *g, hop_frame *f)
{
    echo_frame *self = (echo_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT(self, hop_read(&self->io, &self->s, self->buf,
                                     sizeof self->buf));
            self->n = (size_t)HOP_VALUE(self);
            HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->buf,
                                          self->n));
        }
    HOP_CATCH_ANY(self);
    HOP_FINALLY(self);
        hop_stream_close(&self->s);
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_accept_frame af;
    hop_stream *ls;
    echo_frame *conns;
    int next;
} accept_frame;

static hop_step acceptor(hop_gen *g, hop_frame *f)
{
    accept_frame *self = (accept_frame *)f;
    echo_frame *c;
    int one = 1;
    HOP_BEGIN(g, self);
    for (;;) {
        HOP_AWAIT(self, hop_accept(&self->af, self->ls));
        c = &self->conns[self->next++ % MAX_CONNS];
        setsockopt((int)HOP_VALUE(self), IPPROTO_TCP, TCP_NODELAY, &one,
                   sizeof one);
        hop_task_cleanup(&c->task);
        if (hop_stream_init(&c->s, hop_gen_loop(g), (int)HOP_VALUE(self)) !=
            HOP_OK) {
            close((int)HOP_VALUE(self));
            continue;
        }
        hop_frame_init(&c->hdr, echo, HOP_COROUTINE);
        hop_task_init(&c->task, hop_gen_loop(g), &c->hdr, NULL);
        hop_spawn(&c->task);
    }
    HOP_END(self);
}

int main(int argc, char **argv)
{
    static hop_loop loop;
    static hop_libevent ev;
    static hop_stream ls;
    static accept_frame af;
    static hop_task t;
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (argc != 2)
        return 2;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(fd, 1024) != 0 || hop_libevent_init(&loop, &ev) != HOP_OK ||
        hop_stream_init(&ls, &loop, fd) != HOP_OK)
        return 1;
    af.ls = &ls;
    af.conns = calloc(MAX_CONNS, sizeof *af.conns);
    hop_frame_init(&af.hdr, acceptor, HOP_COROUTINE);
    hop_task_init(&t, &loop, &af.hdr, "acceptor");
    hop_spawn(&t);
    printf("ready\n");
    fflush(stdout);
    return hop_loop_run(&loop, HOP_RUN_DEFAULT) == HOP_OK ? 0 : 1;
}
