/*
 * bench/net/echo_load.c: the load of the echo benchmark: C connections
 * to 127.0.0.1:PORT, each sending 64 bytes and waiting for them to come
 * back, again and again, for S seconds (epoll, one thread). Prints the
 * round trips per second.
 *
 *   echo_load PORT CONNECTIONS SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int port, nc, i, ep;
    double secs, t0, t1;
    long long trips = 0;
    static char msg[64], buf[64 * 64];
    int *got;
    struct sockaddr_in sa;
    struct epoll_event evs[256];

    if (argc != 4)
        return 2;
    port = atoi(argv[1]);
    nc = atoi(argv[2]);
    secs = atof(argv[3]);
    got = calloc((size_t)nc, sizeof *got);
    memset(msg, 'x', sizeof msg);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ep = epoll_create1(0);
    for (i = 0; i < nc; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        struct epoll_event e;
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            perror("echo_load: connect");
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        e.events = EPOLLIN;
        e.data.u64 = ((unsigned long long)i << 32) | (unsigned)fd;
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        if (write(fd, msg, sizeof msg) != (ssize_t)sizeof msg)
            return 1;
    }
    t0 = now();
    t1 = t0 + secs;
    while (now() < t1) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (i = 0; i < n; i++) {
            int fd = (int)(evs[i].data.u64 & 0xffffffffu);
            int k = (int)(evs[i].data.u64 >> 32);
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) {
                fprintf(stderr, "echo_load: connection lost\n");
                return 1;
            }
            got[k] += (int)r;
            while (got[k] >= 64) {
                got[k] -= 64;
                trips++;
                if (write(fd, msg, sizeof msg) != (ssize_t)sizeof msg)
                    return 1;
            }
        }
    }
    printf("%.0f\n", (double)trips / (now() - t0));
    return 0;
}
