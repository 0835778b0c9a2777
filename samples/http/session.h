/*
 * samples/http/session.h: the connections of samples/http-server: one
 * task each, which reads requests (parse.h), answers them in order
 * (files from files.h) and closes, in slots of a common/server.h pool.
 * A server with several loops has a pool of sessions in each, with the
 * state its replies share (the Date line, a buffer for files).
 */
#ifndef SAMPLES_HTTP_SESSION_H
#define SAMPLES_HTTP_SESSION_H

#include <hop.h>
#include <time.h>

#include "../common/server.h"
#include "parse.h"

/* The server's limits, which its options set before any pool is. */
struct http_options {
    int max_clients;    /* per pool (per thread) */
    long max_header;    /* bytes of a request's head */
    long max_body;      /* bytes of a request's body */
    long idle;          /* seconds between requests */
    long request;       /* seconds to send a request */
    long send;          /* seconds a client may take no byte, 0: none */
};

extern struct http_options http_opt;

typedef struct conn conn;

/* send_file: a file in pieces. */
typedef struct {
    hop_frame hdr;
    hop_io_frame io;
    conn *c;
    int fd;
    long long left;     /* the bytes still to send */
} file_frame;

/* What a reply sends after its head, which the answer puts in the
 * writer. */
typedef struct {
    int file;           /* a file, open, or -1 */
    long long flen;     /* its size */
    int echo;           /* the body, from where it is (too big to copy
                           into the writer) */
} after_head;

/* The connection's task. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(3);
    hop_scope idle;
    hop_scope req_sc;
    hop_reader_frame rf;
    http_request_frame rq;
    hop_io_frame fl;
    file_frame ff;
    hop_linger_frame lg;
    conn *c;
    int reading;        /* a request has begun to arrive */
    after_head next;    /* what the reply sends after its head */
    int grown;          /* the writer grew for this reply */
} session_frame;

struct conn {
    server_slot slot;   /* the session's task and its place in the pool */
    session_frame session;
    hop_stream s;
    hop_reader r;
    hop_writer wr;      /* the replies not yet written */
    http_request req;   /* the request being read or answered */
    http_body body;     /* its body */
    int close;          /* close after this reply */
    char *rbuf;         /* http_opt.max_header + 1 bytes */
};

/* The sessions of one loop. */
typedef struct {
    server srv;         /* the acceptor and the pool of slots */
    conn *conns;        /* http_opt.max_clients of them */
    http_limits lim;    /* what a request may be, from http_opt */
    char date[64];      /* "Date: ...\r\n", once a second */
    time_t date_at;     /* the second it is of */
    char chunk[65536];  /* a piece of a file on its way to a writer */
} http_sessions;

/*
 * Set up hs's server in loop with http_opt.max_clients session slots: 0,
 * or -1 when out of memory (what was allocated stays for
 * http_sessions_cleanup).
 */
int http_sessions_init(http_sessions *hs, hop_loop *loop);

/* Free the slots' buffers, once server_cleanup has run. */
void http_sessions_cleanup(http_sessions *hs);

#endif /* SAMPLES_HTTP_SESSION_H */
