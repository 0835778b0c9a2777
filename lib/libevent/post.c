/*
 * lib/libevent/post.c: posting to a loop from other threads and signal
 * handlers.
 *
 * A post is pushed onto the backend's inbox with a compare-and-swap (no
 * lock, so a signal handler may post too) and the loop is woken by one
 * byte written to a self-pipe, which a persistent libevent read event
 * watches. In the loop's thread, the read callback drains the pipe, takes
 * the whole inbox at once, and runs the posts in the order they were
 * made. write(2) and the atomics are async-signal-safe.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <fcntl.h>
#include <unistd.h>

#include "hop/libevent.h"
#include "hop/backend.h"
#include "hop/waitable.h"
#include "libevent_internal.h"

#define EV(x) ((struct event *)(void *)(x).bytes)

static void drain(evutil_socket_t fd, short what, void *arg)
{
    hop_libevent *ev = arg;
    char buf[64];
    hop_post *list, *fifo = NULL;

    (void)what;
    __atomic_store_n(&ev->signaled, 0, __ATOMIC_SEQ_CST);
    while (read((int)fd, buf, sizeof buf) > 0)
        ;
    list = __atomic_exchange_n(&ev->inbox, NULL, __ATOMIC_ACQ_REL);
    while (list != NULL) { /* pushed newest first: run oldest first */
        hop_post *next = list->next;
        list->next = fifo;
        fifo = list;
        list = next;
    }
    while (fifo != NULL) {
        hop_post *p = fifo;
        fifo = p->next;
        p->next = NULL;
        p->fn(p);
    }
}

static int nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int hop_libevent_enable_posts(hop_libevent *ev)
{
    int fds[2];

    if (ev == NULL || ev->base == NULL)
        return HOP_EINVAL;
    if (ev->pipe_r >= 0)
        return HOP_OK;
    if (pipe(fds) != 0)
        return -errno;
    if (nonblock(fds[0]) != 0 || nonblock(fds[1]) != 0 ||
        fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return -e;
    }
    ev->pipe_r = fds[0];
    ev->pipe_w = fds[1];
    event_assign(EV(ev->poster), ev->base, fds[0], EV_READ | EV_PERSIST,
                 drain, ev);
    event_add(EV(ev->poster), NULL);
    return HOP_OK;
}

int hop_libevent_post(hop_libevent *ev, hop_post *p, void (*fn)(hop_post *p))
{
    hop_post *head;

    if (ev == NULL || p == NULL || fn == NULL)
        return HOP_EINVAL;
    if (ev->pipe_w < 0)
        return HOP_ESTATE;
    p->fn = fn;
    head = __atomic_load_n(&ev->inbox, __ATOMIC_ACQUIRE);
    do {
        p->next = head;
    } while (!__atomic_compare_exchange_n(&ev->inbox, &head, p, 1,
                                          __ATOMIC_RELEASE,
                                          __ATOMIC_ACQUIRE));
    if (!__atomic_exchange_n(&ev->signaled, 1, __ATOMIC_SEQ_CST)) {
        int saved = errno; /* keep a signal handler's caller's errno */
        char c = 1;
        while (write(ev->pipe_w, &c, 1) < 0 && errno == EINTR)
            ;
        errno = saved;
    }
    return HOP_OK;
}

static void complete(hop_post *p)
{
    hop_future_complete(p->future, p->value);
}

int hop_libevent_post_complete(hop_libevent *ev, hop_post *p, hop_future *f,
                               hop_value v)
{
    if (p == NULL || f == NULL)
        return HOP_EINVAL;
    p->future = f;
    p->value = v;
    return hop_libevent_post(ev, p, complete);
}

void hop__libevent_posts_init(hop_libevent *ev)
{
    ev->inbox = NULL;
    ev->pipe_r = ev->pipe_w = -1;
    ev->signaled = 0;
}

void hop__libevent_posts_cleanup(hop_libevent *ev)
{
    if (ev->pipe_r < 0)
        return;
    event_del(EV(ev->poster));
    close(ev->pipe_r);
    close(ev->pipe_w);
    ev->pipe_r = ev->pipe_w = -1;
}
