/*
 * samples/common/server.c: the listener, the acceptor task and the pool
 * of session slots of the sample servers (see server.h).
 */
#define _GNU_SOURCE
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int server_listen(const char *addr, int port, int reuseport,
                  struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    socklen_t len = sizeof *sa;

    if (fd < 0)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (reuseport &&
         setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
        bind(fd, (struct sockaddr *)sa, sizeof *sa) != 0 ||
        listen(fd, 511) != 0 ||
        getsockname(fd, (struct sockaddr *)sa, &len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void server_init(server *srv, hop_loop *loop, server_start_fn start,
                 const char *busy)
{
    memset(srv, 0, sizeof *srv);
    srv->loop = loop;
    srv->start = start;
    srv->busy = busy;
}

void server_add(server *srv, server_slot *slot)
{
    slot->srv = srv;
    slot->in_use = 0;
    slot->next = srv->slots;
    srv->slots = slot;
    slot->next_free = srv->free;
    srv->free = slot;
}

server_slot *server_take(server *srv, int fd, const void *addr,
                         unsigned addrlen)
{
    server_slot *slot = srv->free;
    int one = 1;

    if (slot == NULL) {
        (void)send(fd, srv->busy, strlen(srv->busy), MSG_NOSIGNAL);
        close(fd);
        return NULL;
    }
    srv->free = slot->next_free;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    hop_task_cleanup(&slot->task);
    slot->in_use = 1;
    srv->nclients++;
    if (srv->start(slot, fd, addr, addrlen) != 0) {
        close(fd);
        server_release(slot);
        return NULL;
    }
    return slot;
}

void server_release(server_slot *slot)
{
    server *srv = slot->srv;

    slot->in_use = 0;
    slot->next_free = srv->free;
    srv->free = slot;
    srv->nclients--;
}

/*
 * Whether an error of accept concerns the connection it was taking, not
 * the listener. hop_accept already skips those of the new connection's
 * network that Linux passes on (ENETDOWN, EHOSTUNREACH, ...); these are
 * the rest it leaves to the program, which may know that its listener
 * cannot cause them: a firewall's refusal, and two that Linux passes on
 * too. The next connection is taken as if nothing happened.
 */
static int one_connection(int err)
{
    return err == EPERM || err == ENOPROTOOPT || err == EOPNOTSUPP;
}

/* Whether accept failed for want of descriptors or memory, which the
 * clients that leave give back. */
static int out_of_descriptors(int err)
{
    return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

static hop_step accept_step(hop_gen *g, hop_frame *f)
{
    server_accept_frame *self = (server_accept_frame *)f;
    server *srv = self->srv;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT_CATCH(self, hop_accept(&self->af, &srv->ls), self->err);
            if (self->err != 0 && out_of_descriptors(-self->err)) {
                /* Let some clients go first. */
                HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
                continue;
            }
            if (self->err != 0 && one_connection(-self->err))
                continue;
            if (self->err != 0)
                HOP_RAISE(self, self->err);
            self->fd = (int)HOP_VALUE(self);
            (void)server_take(srv, self->fd, self->af.addr.bytes,
                              self->af.addrlen);
        }
    HOP_FINALLY(self);
        /* Stopping: end every session (each closes its connection). */
        for (self->slot = srv->slots; self->slot != NULL;
             self->slot = self->slot->next)
            if (self->slot->in_use)
                hop_task_cancel(&self->slot->task, "server stopping");
        if (srv->stopped != NULL)
            srv->stopped(srv);
    HOP_END_TRY(self);
    HOP_END(self);
}

int server_start(server *srv, int fd)
{
    int r = hop_stream_init(&srv->ls, srv->loop, fd);

    if (r != HOP_OK)
        return r;
    srv->listening = 1;
    srv->af.srv = srv;
    hop_frame_init(&srv->af.hdr, accept_step, HOP_COROUTINE);
    hop_task_init(&srv->acceptor, srv->loop, &srv->af.hdr, "acceptor");
    return hop_spawn(&srv->acceptor);
}

void server_stop(server *srv)
{
    hop_task_cancel(&srv->acceptor, "signal");
}

int server_error(const server *srv)
{
    return hop_task_status(&srv->acceptor) == HOP_TASK_FAILED
               ? hop_task_error(&srv->acceptor)
               : 0;
}

int server_cleanup(server *srv)
{
    server_slot *slot;
    int r = HOP_OK, e;

    if (srv->listening)
        hop_stream_close(&srv->ls);
    srv->listening = 0;
    /* (A slot that never held a session has no task to release.) */
    for (slot = srv->slots; slot != NULL; slot = slot->next)
        if (hop_task_loop(&slot->task) != NULL &&
            (e = hop_task_cleanup(&slot->task)) != HOP_OK && r == HOP_OK)
            r = e;
    if (hop_task_loop(&srv->acceptor) != NULL &&
        (e = hop_task_cleanup(&srv->acceptor)) != HOP_OK && r == HOP_OK)
        r = e;
    return r;
}

void server_keepalive(int fd, int secs)
{
    int one = 1, every = secs / 3 > 0 ? secs / 3 : 1, probes = 3;

    if (secs <= 0 ||
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) != 0)
        return;
#ifdef TCP_KEEPIDLE
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs);
#endif
#ifdef TCP_KEEPINTVL
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &every, sizeof every);
#endif
#ifdef TCP_KEEPCNT
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
#endif
    (void)every;
    (void)probes;
}

void server_peer_name(char *buf, size_t n, const void *addr, unsigned len)
{
    char host[INET6_ADDRSTRLEN];
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    int family = 0;

    if (addr != NULL && len >= sizeof(struct sockaddr))
        family = ((const struct sockaddr *)addr)->sa_family;
    if (family == AF_INET && len >= sizeof in4) {
        memcpy(&in4, addr, sizeof in4);
        if (inet_ntop(AF_INET, &in4.sin_addr, host, sizeof host) != NULL)
            snprintf(buf, n, "%s:%u", host, (unsigned)ntohs(in4.sin_port));
    } else if (family == AF_INET6 && len >= sizeof in6) {
        memcpy(&in6, addr, sizeof in6);
        if (inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host) != NULL)
            snprintf(buf, n, "[%s]:%u", host, (unsigned)ntohs(in6.sin6_port));
    }
}
