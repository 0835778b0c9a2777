/*
 * samples/resp/session.c: a connection of samples/resp-server (see
 * session.h). Replies collect in the connection's writer, which its
 * reader writes out before it waits for more: a pipeline of commands
 * costs one read and one write. A malformed or oversized request gets
 * "-ERR Protocol error: ..." and the connection is closed, after a
 * lingering close, as after QUIT.
 */
#define _POSIX_C_SOURCE 200809L
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

struct resp_options resp_opt = {1024, 1L << 20, 1024, 0, (size_t)64 << 20,
                                0, 300, 60};

/* What the parser takes, from resp_opt when the sessions are set up. */
static resp_limits limits;

static conn *conns;      /* resp_opt.max_clients slots */

/* A client took no byte of its replies for --send-timeout: it is
 * closed; say so once. */
static void send_timed_out(conn *c)
{
    fprintf(stderr,
            "resp-server: client %s closed: it took no byte of its replies "
            "for %ld s (--send-timeout)\n",
            c->peer, resp_opt.send_timeout);
}

static hop_step session_step(hop_gen *g, hop_frame *f)
{
    session_frame *self = (session_frame *)f;
    conn *c = self->c;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        while (!c->quit && !c->drop) {
            if (c->nparts > 0) {
                reply_more(c); /* the rest of a long reply */
            } else if (resp_opt.timeout > 0) {
                HOP_TIMEOUT(self, &self->idle, HOP_SEC(resp_opt.timeout));
                    HOP_AWAIT(self, resp_read_command(&self->cmd, &c->r,
                                                      &c->args, &limits));
                HOP_END_TIMEOUT(self, &self->idle);
                resp_execute(c);
            } else {
                HOP_AWAIT(self, resp_read_command(&self->cmd, &c->r,
                                                  &c->args, &limits));
                resp_execute(c);
            }
            if (hop_writer_len(&c->w) < OUT_FLUSH || c->drop)
                continue;
            if (resp_opt.timeout > 0) {
                HOP_TIMEOUT(self, &self->idle, HOP_SEC(resp_opt.timeout));
                    HOP_AWAIT(self, hop_flush(&self->fl, &c->w));
                HOP_END_TIMEOUT(self, &self->idle);
            } else {
                HOP_AWAIT(self, hop_flush(&self->fl, &c->w));
            }
        }
        if (!c->drop) {
            /* QUIT: the replies, then a lingering close, so that what
             * the client sent after the QUIT does not make the kernel
             * reset the connection and drop the end of the replies. */
            HOP_AWAIT(self, hop_flush(&self->fl, &c->w));
            HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                       sizeof c->rbuf, HOP_SEC(1)));
        }
    HOP_CATCH_IF(self, HOP_ERROR(self) == E_PROTO ||
                           HOP_ERROR(self) == -EMSGSIZE);
        /* Tell the client what was wrong (after the replies to the
         * commands before), then close: after what it sent meanwhile is
         * read and dropped (for up to a second), so that the close does
         * not reset the connection under the reply. */
        reply_error(c, "Protocol error: ", HOP_ERROR(self) == E_PROTO
                                           ? HOP_ERROR_MSG(self)
                                           : "too big request line");
        HOP_AWAIT_CATCH(self, hop_flush(&self->fl, &c->w), self->err);
        if (self->err == HOP_ETIMEDOUT &&
            hop_stream_send_timed_out(&c->s) == 1)
            send_timed_out(c);
        HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                   sizeof c->rbuf, HOP_SEC(1)));
    HOP_CATCH_IF(self, HOP_ERROR(self) != HOP_ECANCELED);
        /* The end of the stream, a reset, an idle client, one that
         * takes no reply: close. */
        if (HOP_ERROR(self) == HOP_ETIMEDOUT &&
            hop_stream_send_timed_out(&c->s) == 1)
            send_timed_out(c);
    HOP_FINALLY(self);
        reply_drop(c);
        free(c->parts);
        c->parts = NULL;
        c->partcap = 0;
        resp_args_shrink(&c->args, 0);
        hop_writer_cleanup(&c->w);
        hop_stream_close(&c->s);
        server_release(&c->slot);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* Start the session of the connection fd in slot (a server_start_fn). */
static int start_session(server_slot *slot, int fd, const void *addr,
                         unsigned addrlen)
{
    conn *c = HOP_CONTAINER_OF(slot, conn, slot);

    server_keepalive(fd, resp_opt.keepalive);
    if (hop_stream_init(&c->s, slot->srv->loop, fd) != HOP_OK)
        return -1;
    hop_reader_init(&c->r, &c->s, c->rbuf, sizeof c->rbuf);
    hop_writer_init(&c->w, &c->s, resp_opt.output_limit);
    hop_reader_set_writer(&c->r, &c->w);
    hop_stream_set_send_timeout(&c->s, HOP_SEC(resp_opt.send_timeout));
    c->args.n = 0;
    c->quit = 0;
    c->drop = 0;
    strcpy(c->peer, "?");
    server_peer_name(c->peer, sizeof c->peer, addr, addrlen);
    c->session.c = c;
    hop_frame_init(&c->session.hdr, session_step, HOP_COROUTINE);
    hop_task_init(&slot->task, slot->srv->loop, &c->session.hdr, "session");
    hop_spawn(&slot->task);
    return 0;
}

/* The acceptor stopped and every session is cancelled: drop the keys,
 * whose expiry timers would keep the loop up. */
static void stopped(server *srv)
{
    (void)srv;
    store_flush();
}

int resp_sessions_init(server *srv, hop_loop *loop)
{
    static const char full[] = "-ERR max number of clients reached\r\n";
    int i;

    limits.max_bulk = resp_opt.max_bulk;
    limits.max_args = resp_opt.max_args;
    limits.bufsize = READ_BUF;
    conns = calloc((size_t)resp_opt.max_clients, sizeof *conns);
    if (conns == NULL)
        return -1;
    server_init(srv, loop, start_session, full);
    srv->stopped = stopped;
    for (i = resp_opt.max_clients - 1; i >= 0; i--)
        server_add(srv, &conns[i].slot);
    return 0;
}

void resp_sessions_cleanup(server *srv)
{
    int i;

    (void)srv;
    for (i = 0; conns != NULL && i < resp_opt.max_clients; i++)
        resp_args_shrink(&conns[i].args, 0);
    free(conns);
    conns = NULL;
}
