/*
 * samples/resp/session.h: the connections of samples/resp-server: one
 * task each, which reads commands (proto.h), runs them (commands.h) and
 * writes the replies out, in slots of a common/server.h pool.
 */
#ifndef SAMPLES_RESP_SESSION_H
#define SAMPLES_RESP_SESSION_H

#include <hop.h>

#include "../common/server.h"
#include "proto.h"
#include "store.h"

#define READ_BUF 16384  /* per connection: the reader's buffer */
#define OUT_FLUSH 65536 /* write the replies out past this many bytes */
#define ARG_KEEP 65536  /* the argument buffer kept between commands */

/* The server's limits, which its options set. */
struct resp_options {
    int max_clients;
    long max_bulk;
    long max_args;
    long timeout;        /* seconds of idleness before a client is dropped */
    size_t output_limit; /* bytes of replies a client may have queued */
    size_t maxmemory;    /* bytes of the data set (store.used), 0: none */
    int keepalive;       /* seconds: TCP keepalive's idle time, 0: off */
    long send_timeout;   /* seconds a client may take no reply, 0: none */
};

extern struct resp_options resp_opt;

typedef struct conn conn;

/* The connection's task. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope idle;
    resp_command_frame cmd;
    hop_io_frame fl;
    hop_linger_frame lg;
    conn *c;
    int err;             /* what the flush of the replies failed with */
} session_frame;

struct conn {
    server_slot slot;    /* the session's task and its place in the pool */
    session_frame session;
    hop_stream s;
    hop_reader r;
    hop_writer w;        /* the replies not yet written */
    resp_args args;      /* the command being parsed or run */
    blob **parts;        /* the values the reply has still to send (NULL:
                            a nil), each with a reference */
    long nparts, partcap;
    long part;           /* the one being sent */
    size_t part_off;     /* how much of it went into the writer */
    int part_head;       /* whether its "$len" did */
    size_t pending;      /* the bytes the parts will take */
    int quit;            /* QUIT: close after the reply */
    int drop;            /* close now, without the replies held */
    char peer[64];       /* the client's address and port */
    char rbuf[READ_BUF];
};

/*
 * Set up srv in loop with resp_opt.max_clients session slots: 0, or -1
 * when out of memory. When the acceptor stops, every session ends and
 * the data set is flushed (its expiry timers would keep the loop up).
 */
int resp_sessions_init(server *srv, hop_loop *loop);

/* Free the slots, once server_cleanup has run. */
void resp_sessions_cleanup(server *srv);

#endif /* SAMPLES_RESP_SESSION_H */
