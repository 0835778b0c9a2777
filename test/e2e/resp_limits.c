/*
 * test/e2e/resp_limits.c: samples/resp-server's limits end to end: the
 * client output limit, streamed output, a client that stops reading,
 * buffers given back, --maxmemory, TCP keepalive, bad options. Each case
 * starts the server on an ephemeral loopback port and stops it with
 * SIGTERM. (Hosted only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "e2e.h"
#include "t.h"

/* Read an array of count bulk strings of n bytes of ch. */
static void expect_bulks(int fd, int count, size_t n, char ch)
{
    static char buf[8 << 20], want[8 << 20];
    char head[32];
    size_t k;
    int j, closed;

    T_ASSERT(n + 2 <= sizeof buf);
    memset(want, ch, n);
    memcpy(want + n, "\r\n", 2);
    k = (size_t)sprintf(head, "*%d\r\n", count);
    T_EQ(recv_n(fd, buf, k, 0, &closed), k);
    T_ASSERT(memcmp(buf, head, k) == 0);
    for (j = 0; j < count; j++) {
        k = (size_t)sprintf(head, "$%lu\r\n", (unsigned long)n);
        T_EQ(recv_n(fd, buf, k, 0, &closed), k);
        T_ASSERT(memcmp(buf, head, k) == 0);
        T_EQ(recv_n(fd, buf, n + 2, 0, &closed), n + 2);
        T_ASSERT(memcmp(buf, want, n + 2) == 0);
    }
}

/* Read and drop what comes until the peer closes or 10 s pass: 1 when
 * it closed. */
static int until_closed(int fd)
{
    static char buf[1 << 16];
    int i;

    for (i = 0; i < 100; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 100) != 1)
            continue;
        r = recv(fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno == ECONNRESET))
            return 1;
    }
    return 0;
}

/*
 * A 1 MB value named 500 times in one MGET of 5 KB: a reply of 500 MB,
 * past the output limit (64 MiB by default). The client is closed at
 * once, the server says so in one line naming it and the limit, its
 * memory stays near what it was, and the other clients are served
 * meanwhile and after.
 */
static void resp_output_limit(void)
{
    static char req[8192], log[1024], want[256];
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    server s;
    int a, b, n, i;
    long idle;

    start_logged(&s, "resp-server", NULL);
    a = dial(&s);
    set_big(a, "big", 1000000, 'x');
    idle = rss_kb(&s);
    b = dial(&s);
    T_EQ(getsockname(b, (struct sockaddr *)&me, &len), 0);
    n = sprintf(req, "*501\r\n$4\r\nMGET\r\n");
    for (i = 0; i < 500; i++)
        n += sprintf(req + n, "$3\r\nbig\r\n");
    send_all(b, req, (size_t)n);
    nap_ms(300);
    expect(a, "PING\r\n", "+PONG\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    T_ASSERT(until_closed(b));
    close(b);
    T_ASSERT(rss_kb(&s) < idle + 16384);
    snprintf(want, sizeof want,
             "resp-server: client 127.0.0.1:%d closed: its replies went "
             "over --client-output-limit 67108864\n",
             ntohs(me.sin_port));
    read_log(&s, log, sizeof log, 500);
    T_STREQ(log, want);
    send_all(a, "MGET big\r\n", 10);
    expect_bulks(a, 1, 1000000, 'x');
    close(a);
    a = dial(&s);
    expect(a, "PING\r\n", "+PONG\r\n");
    close(a);
    stop(&s);
}

/*
 * A reply of 40 MB, within the limit, to a client that reads it: it
 * goes out as the connection's writer fills, so that the server never
 * holds it whole; the values are those of when the command ran, even
 * when the key changes while they are sent.
 */
static void resp_output_streamed(void)
{
    static char req[8192];
    server s;
    int a, b, n, i;
    long idle;

    start(&s, "resp-server", NULL);
    a = dial(&s);
    set_big(a, "big", 1000000, 'x');
    idle = rss_kb(&s);
    b = dial(&s);
    n = sprintf(req, "*41\r\n$4\r\nMGET\r\n");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, "$3\r\nbig\r\n");
    send_all(b, req, (size_t)n);
    nap_ms(300);
    expect(a, "SET big small\r\n", "+OK\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    expect_bulks(b, 40, 1000000, 'x');
    T_ASSERT(rss_kb(&s) < idle + 16384);
    expect(b, "GET big\r\n", "$5\r\nsmall\r\n");
    close(a);
    close(b);
    stop(&s);
}

/* With --timeout, a client that stops reading a long reply is dropped
 * as an idle one is. */
static void resp_idle_reader(void)
{
    static const char *const args[] = {"--timeout", "1", NULL};
    static char req[8192], buf[1 << 16];
    server s;
    int a, b, n, i, closed = 0;
    size_t got = 0;

    start(&s, "resp-server", args);
    a = dial(&s);
    set_big(a, "big", 1000000, 'x');
    b = dial(&s);
    n = sprintf(req, "*41\r\n$4\r\nMGET\r\n");
    for (i = 0; i < 40; i++)
        n += sprintf(req + n, "$3\r\nbig\r\n");
    send_all(b, req, (size_t)n);
    for (i = 0; i < 6; i++) { /* 3 s, a as busy as ever */
        expect(a, "PING\r\n", "+PONG\r\n");
        nap_ms(500);
    }
    for (;;) {
        ssize_t r = recv(b, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno == ECONNRESET)) {
            closed = 1;
            break;
        }
        if (r < 0)
            break;
        got += (size_t)r;
    }
    T_EQ(closed, 1);
    T_ASSERT(got < 40000000);
    close(a);
    close(b);
    stop(&s);
}

/*
 * Buffers that one big command grew go back to their idle size: a
 * client that stays after a SET of 40 MB and a DEL of it, three that
 * send such a SET at once and leave, one that leaves in the middle of
 * its value, and an ECHO of 40 MB leave the server's memory near where
 * it was.
 */
static void resp_buffers_shrink(void)
{
    static const char *const args[] = {"--max-bulk", "50000000", NULL};
    static const size_t big = 40000000;
    server s;
    int a, b[3], i;
    long idle, during;
    char key[16], asan[512];
    const char *was = getenv("ASAN_OPTIONS");

    /* (a server built with AddressSanitizer would keep what it frees
     * for a while: not this one) */
    snprintf(asan, sizeof asan, "%s%squarantine_size_mb=0",
             was != NULL ? was : "", was != NULL && *was ? ":" : "");
    T_EQ(setenv("ASAN_OPTIONS", asan, 1), 0);
    start(&s, "resp-server", args);
    a = dial(&s);
    expect(a, "PING\r\n", "+PONG\r\n");
    idle = rss_kb(&s);
    set_big(a, "k", big, 'a');
    T_ASSERT(rss_kb(&s) > idle + 30000);
    expect(a, "DEL k\r\n", ":1\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    for (i = 0; i < 3; i++) {
        b[i] = dial(&s);
        sprintf(key, "k%d", i);
        send_set_big(b[i], key, big, (char)('a' + i));
    }
    for (i = 0; i < 3; i++)
        expect(b[i], "", "+OK\r\n");
    during = rss_kb(&s);
    T_ASSERT(during > idle + 100000);
    for (i = 0; i < 3; i++)
        close(b[i]);
    nap_ms(200);
    T_ASSERT(rss_kb(&s) < idle + 130000); /* the values are still there */
    expect(a, "FLUSHALL\r\n", "+OK\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    /* one that leaves in the middle of its value */
    b[0] = dial(&s);
    {
        static char part[1 << 20];
        const char *head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000000\r\n";
        send_all(b[0], head, strlen(head));
        memset(part, 'p', sizeof part);
        for (i = 0; i < 30; i++)
            send_all(b[0], part, sizeof part);
    }
    expect(a, "PING\r\n", "+PONG\r\n");
    T_ASSERT(rss_kb(&s) > idle + 16384);
    close(b[0]);
    nap_ms(200);
    T_ASSERT(rss_kb(&s) < idle + 16384);
    expect(a, "DBSIZE\r\n", ":0\r\n");
    /* an ECHO of 40 MB: the reply's copy goes once sent */
    {
        char *req = malloc(big + 64), head[32];
        size_t k = (size_t)sprintf(req, "*2\r\n$4\r\nECHO\r\n$%lu\r\n",
                                   (unsigned long)big);
        int closed;
        T_ASSERT(req != NULL);
        memset(req + k, 'e', big);
        memcpy(req + k + big, "\r\n", 2);
        send_all(a, req, k + big + 2);
        k = (size_t)sprintf(head, "$%lu\r\n", (unsigned long)big);
        T_EQ(recv_n(a, req, k + big + 2, 0, &closed), k + big + 2);
        T_ASSERT(memcmp(req, head, k) == 0 && req[k] == 'e' &&
                 req[k + big - 1] == 'e');
        free(req);
    }
    expect(a, "PING\r\n", "+PONG\r\n");
    T_ASSERT(rss_kb(&s) < idle + 16384);
    close(a);
    stop(&s);
}

/*
 * --maxmemory: past it, the commands that grow the data set get Redis's
 * answer, and reads, DEL and FLUSHALL still work; after a DEL there is
 * room again.
 */
static void resp_maxmemory(void)
{
    static const char *const args[] = {"--maxmemory", "10000000", NULL};
    static const char oom[] =
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    server s;
    int a, i, n = 0;
    char key[16], want[64];

    start(&s, "resp-server", args);
    a = dial(&s);
    for (i = 0; i < 20 && n == 0; i++) {
        sprintf(key, "k%d", i);
        send_set_big(a, key, 1000000, 'v');
        if (i < 9) { /* 9 MB and a little more fit in 10 */
            expect(a, "", "+OK\r\n");
        } else {
            expect(a, "", oom);
            n = i;
        }
    }
    T_EQ(n, 9);
    expect(a, "SET small v\r\n", "+OK\r\n"); /* that one still fits */
    expect(a, "INCR small\r\n",
           "-ERR value is not an integer or out of range\r\n");
    expect(a, "MSET a 1 b 2\r\n", "+OK\r\n");
    send_set_big(a, "k9", 1000000, 'v');
    expect(a, "", oom);
    expect(a, "GET k9\r\nEXISTS k0 k8 k9\r\n", "$-1\r\n:2\r\n");
    sprintf(want, "*2\r\n$1\r\n1\r\n$1\r\nv\r\n");
    expect(a, "MGET a small\r\n", want);
    expect(a, "DBSIZE\r\n", ":12\r\n");
    /* room again */
    expect(a, "DEL k0\r\n", ":1\r\n");
    set_big(a, "k9", 1000000, 'w');
    send_set_big(a, "k10", 1000000, 'v');
    expect(a, "", oom);
    expect(a, "FLUSHALL\r\n", "+OK\r\n");
    set_big(a, "k10", 1000000, 'v');
    expect(a, "INCR n\r\nDBSIZE\r\n", ":1\r\n:2\r\n");
    close(a);
    stop(&s);
}

/* The server's side of the connection fd in /proc/net/tcp: its timer
 * ("tr": 2 for keepalive) and the time left on it, in hundredths of a
 * second. */
static void server_timer(const server *s, int fd, int *tr, long *when)
{
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    char line[512];
    FILE *f;
    int found = 0;

    T_EQ(getsockname(fd, (struct sockaddr *)&me, &len), 0);
    f = fopen("/proc/net/tcp", "r");
    T_ASSERT(f != NULL);
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned lport, rport, st, t;
        unsigned long w;
        if (sscanf(line, "%*d: %*x:%x %*x:%x %x %*x:%*x %x:%lx", &lport,
                   &rport, &st, &t, &w) == 5 &&
            lport == (unsigned)s->port && rport == ntohs(me.sin_port) &&
            st == 1) {
            *tr = (int)t;
            *when = (long)w;
            found = 1;
        }
    }
    fclose(f);
    T_ASSERT(found);
}

/*
 * --tcp-keepalive SECONDS sets keepalive on each client's socket as
 * Redis does (idle time, then probes every third of it): the kernel's
 * keepalive timer on the server's side, seen in /proc/net/tcp, never
 * shows more than the idle time, also after the first probe. 300 by
 * default; 0 turns it off.
 */
static void resp_tcp_keepalive(void)
{
    static const char *const off[] = {"--tcp-keepalive", "0", NULL};
    static const char *const three[] = {"--tcp-keepalive", "3", NULL};
    server s;
    int fd, tr, i;
    long when;

    start(&s, "resp-server", NULL);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    server_timer(&s, fd, &tr, &when);
    T_EQ(tr, 2);
    T_ASSERT(when > 29000 && when <= 30000);
    close(fd);
    stop(&s);

    start(&s, "resp-server", off);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    server_timer(&s, fd, &tr, &when);
    T_EQ(tr, 0);
    close(fd);
    stop(&s);

    start(&s, "resp-server", three);
    fd = dial(&s);
    expect(fd, "PING\r\n", "+PONG\r\n");
    server_timer(&s, fd, &tr, &when);
    T_EQ(tr, 2);
    T_ASSERT(when > 200 && when <= 300);
    for (i = 0; i < 50; i++) { /* 5 s: the first probe at 3 s, answered */
        nap_ms(100);
        server_timer(&s, fd, &tr, &when);
        T_EQ(tr, 2);
        T_ASSERT(when <= 300);
    }
    expect(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
    stop(&s);
}

/* An option's value that is not a whole number in its range is refused
 * with the usage (status 2), never taken as 0 or as a wrapped number. */
static void resp_bad_options(void)
{
    static const char *const bad[][3] = {
        {"--port", "abc", NULL},
        {"--port", "70000", NULL},
        {"--port", "-1", NULL},
        {"--port", "1e3", NULL},
        {"--max-clients", "0", NULL},
        {"--max-clients", "4294967297", NULL},
        {"--max-clients", "99999999999999999999", NULL},
        {"--max-bulk", "-1", NULL},
        {"--max-bulk", "1k", NULL},
        {"--max-args", "0", NULL},
        {"--max-args", "18446744073709551616", NULL},
        {"--timeout", "x", NULL},
        {"--timeout", "9223372036854775807", NULL},
        {"--busy-poll", "1000001", NULL},
        {"--client-output-limit", "-1", NULL},
        {"--maxmemory", "10mb", NULL},
        {"--tcp-keepalive", "32768", NULL},
        {"--tcp-keepalive", " 5", NULL},
        {"--send-timeout", "-1", NULL},
        {"--send-timeout", "1000000001", NULL},
        {"--port", NULL, NULL},
        {"--nosuch", "1", NULL},
    };
    expect_refused("resp-server", bad, sizeof bad / sizeof bad[0]);
}

const t_case t_cases_e2e_resp_limits[] = {
    T_CASE(resp_output_limit),
    T_CASE(resp_output_streamed),
    T_CASE(resp_idle_reader),
    T_CASE(resp_buffers_shrink),
    T_CASE(resp_maxmemory),
    T_CASE(resp_tcp_keepalive),
    T_CASE(resp_bad_options),
    T_END,
};
