/*
 * bench/net/echo_libevent.c: the baseline of the echo benchmark: the
 * same echo server written directly on libevent, one persistent read
 * event per connection whose callback reads and writes back; only a
 * write that cannot finish stops reading and waits for a write event.
 *
 *   echo_libevent PORT
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    struct event *rev, *wev;
    char buf[4096];
    size_t len, off;
} conn;

static void conn_free(conn *c, int fd)
{
    event_free(c->rev);
    event_free(c->wev);
    close(fd);
    free(c);
}

static void on_write(evutil_socket_t fd, short what, void *arg)
{
    conn *c = arg;

    (void)what;
    while (c->off < c->len) {
        ssize_t n = send(fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_add(c->wev, NULL);
            return;
        }
        if (n <= 0) {
            conn_free(c, fd);
            return;
        }
        c->off += (size_t)n;
    }
    event_add(c->rev, NULL);
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    conn *c = arg;
    ssize_t n = read(fd, c->buf, sizeof c->buf);

    (void)what;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        conn_free(c, fd);
        return;
    }
    c->len = (size_t)n;
    c->off = 0;
    while (c->off < c->len) {
        ssize_t w = send(fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_del(c->rev); /* (rare) finish the write first */
            event_add(c->wev, NULL);
            return;
        }
        if (w <= 0) {
            conn_free(c, fd);
            return;
        }
        c->off += (size_t)w;
    }
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    struct event_base *base = arg;
    int fd = accept(lfd, NULL, NULL), one = 1;
    conn *c;

    (void)what;
    if (fd < 0)
        return;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c = calloc(1, sizeof *c);
    c->rev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, c);
    c->wev = event_new(base, fd, EV_WRITE, on_write, c);
    event_add(c->rev, NULL);
}

int main(int argc, char **argv)
{
    struct event_base *base = event_base_new();
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (argc != 2 || base == NULL)
        return 2;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024))
        return 1;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    event_add(event_new(base, fd, EV_READ | EV_PERSIST, on_accept, base),
              NULL);
    printf("ready\n");
    fflush(stdout);
    return event_base_dispatch(base);
}
