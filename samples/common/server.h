/*
 * samples/common/server.h: what the sample servers share: a listening
 * socket, an acceptor task, and a pool of session slots, each with the
 * task of one connection. A server takes a connection into a free slot
 * and has the program start its session there; a client that finds every
 * slot taken gets the server's busy reply and is closed. Stopping the
 * acceptor cancels every session. One server runs in one hop loop.
 */
#ifndef SAMPLES_COMMON_SERVER_H
#define SAMPLES_COMMON_SERVER_H

#include <hop.h>
#include <netinet/in.h>

typedef struct server server;
typedef struct server_slot server_slot;

/*
 * Start the session of the connection fd in slot, whose task is free to
 * be set up and spawned; addr (addrlen bytes, or NULL) is the client's
 * address. 0, or -1 when it cannot start: the server then closes fd.
 */
typedef int (*server_start_fn)(server_slot *slot, int fd, const void *addr,
                               unsigned addrlen);

/* A session slot: embed it in the program's connection. */
struct server_slot {
    hop_task task;          /* the session, while in_use */
    server *srv;            /* the server it belongs to */
    server_slot *next;      /* the server's slots, all of them */
    server_slot *next_free; /* the free ones */
    int in_use;             /* a session runs in it */
};

/* The acceptor's frame. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_accept_frame af;
    hop_sleep_frame sl;
    server *srv;
    int err;                /* what the accept failed with, or 0 */
    int fd;                 /* the connection accepted */
    server_slot *slot;      /* the one being cancelled when stopping */
} server_accept_frame;

struct server {
    hop_loop *loop;
    hop_stream ls;          /* the listener, once server_start has it */
    hop_task acceptor;      /* read-only */
    server_accept_frame af; /* private */
    server_start_fn start;
    void (*stopped)(server *srv); /* after the sessions are cancelled
                                     (NULL: nothing to do) */
    const char *busy;       /* the reply when every slot is taken */
    server_slot *slots;     /* private: every slot */
    server_slot *free;      /* private: the free slots */
    int nclients;           /* read-only: the slots in use */
    int listening;          /* private: ls is set up */
};

/*
 * A TCP socket of IPv4 address addr listening on port (0: a free one),
 * with SO_REUSEADDR, and SO_REUSEPORT when reuseport is set: the
 * descriptor, with the address bound in *sa, or -1 and errno.
 */
int server_listen(const char *addr, int port, int reuseport,
                  struct sockaddr_in *sa);

/* Set up srv in loop, with no slot yet; start sets up each session and
 * busy is what a client gets when every slot is taken. */
void server_init(server *srv, hop_loop *loop, server_start_fn start,
                 const char *busy);

/* Add slot (zeroed, or back from a server_cleanup) to srv's pool. The
 * slot added last is taken first. */
void server_add(server *srv, server_slot *slot);

/*
 * Take the connection fd into a free slot and start its session there
 * (with TCP_NODELAY): the slot, or NULL when every slot is taken (the
 * client got the busy reply) or the session could not start; fd is then
 * closed.
 */
server_slot *server_take(server *srv, int fd, const void *addr,
                         unsigned addrlen);

/* The session of slot has ended: the slot is free again. Its session
 * calls it last. */
void server_release(server_slot *slot);

/*
 * Accept connections from the listening socket fd, which srv owns from
 * now on, in an acceptor task: HOP_OK, or an error of hop_stream_init.
 * Running out of descriptors pauses accepting for 100 ms; another error
 * of the listener ends the acceptor (server_error tells it).
 */
int server_start(server *srv, int fd);

/* Stop accepting and cancel every session (in srv's loop). */
void server_stop(server *srv);

/* The error the acceptor ended with, or 0. */
int server_error(const server *srv);

/* Close the listener and clean up the tasks, once the loop has stopped:
 * HOP_OK, or the first error of a task's cleanup. */
int server_cleanup(server *srv);

/*
 * TCP keepalive on fd, as Redis's tcp-keepalive sets it: after secs of
 * silence the kernel probes the peer, then every third of secs (1 at
 * least), and resets the connection after three probes go unanswered.
 * 0: off. A socket that refuses (not TCP) is left as it is.
 */
void server_keepalive(int fd, int secs);

/* The address addr (len bytes) as "host:port" ("[host]:port" for IPv6)
 * in buf (n bytes); buf is left as it is for another family. */
void server_peer_name(char *buf, size_t n, const void *addr, unsigned len);

#endif /* SAMPLES_COMMON_SERVER_H */
