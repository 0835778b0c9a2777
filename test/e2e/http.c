/*
 * test/e2e/http.c: samples/http-server end to end over real sockets:
 * the fixed reply and files, keep-alive and pipelining, bodies by length
 * and chunked, a request one byte at a time, the error statuses (400,
 * 404, 405, 413, 414, 431), a slow client dropped with 408 while another
 * is served, an idle one dropped, --threads, bad options. (Hosted only.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#include "e2e.h"
#include "t.h"
#include "http.h"

/* A directory to serve: index.html, sub/a.txt, and a link out of it. */
static char root[64];

static void make_root(void)
{
    char p[128];
    FILE *f;

    strcpy(root, "/tmp/hop-e2e-XXXXXX");
    T_ASSERT(mkdtemp(root) != NULL);
    snprintf(p, sizeof p, "%s/index.html", root);
    T_ASSERT((f = fopen(p, "w")) != NULL);
    fputs("<h1>hop</h1>\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/sub", root);
    T_EQ(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/sub/a.txt", root);
    T_ASSERT((f = fopen(p, "w")) != NULL);
    fputs("text\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/out", root);
    T_EQ(symlink("/etc", p), 0);
}

static void drop_root(void)
{
    char p[128];

    snprintf(p, sizeof p, "%s/out", root);
    unlink(p);
    snprintf(p, sizeof p, "%s/sub/a.txt", root);
    unlink(p);
    snprintf(p, sizeof p, "%s/sub", root);
    rmdir(p);
    snprintf(p, sizeof p, "%s/index.html", root);
    unlink(p);
    rmdir(root);
}

static void http_files_and_errors(void)
{
    static const char *const args[] = {"--root", root, "--max-body", "100",
                                       "--max-header", "1024", NULL};
    server s;
    int fd, closed;
    char body[4096];
    static char big[2048];

    make_root();
    start(&s, "http-server", args);
    fd = dial(&s);
    T_EQ(GET(fd, "/hello", body), 200);
    T_STREQ(body, "Hello, world!\n");
    T_EQ(GET(fd, "/", body), 200);
    T_STREQ(body, "<h1>hop</h1>\n");
    T_EQ(GET(fd, "/sub/a.txt", body), 200);
    T_STREQ(body, "text\n");
    T_EQ(GET(fd, "/sub/%61.txt?x=1", body), 200); /* escapes, a query */
    T_STREQ(body, "text\n");
    T_EQ(GET(fd, "/nothing", body), 404);
    T_EQ(GET(fd, "/../etc/passwd", body), 404);
    T_EQ(GET(fd, "/sub/../../etc/passwd", body), 404);
    T_EQ(GET(fd, "/out/passwd", body), 404); /* a link that leads out */
    /* HEAD: the head only. */
    T_EQ(exchange(fd, "HEAD /hello HTTP/1.1\r\n\r\n", 24, body, sizeof body),
         200);
    /* Methods. */
    T_EQ(exchange(fd, "DELETE /hello HTTP/1.1\r\n\r\n", 26, body,
                  sizeof body),
         405);
    T_ASSERT(strstr(body, "Method Not Allowed") != NULL);
    /* Bodies: by length, chunked, and too big. */
    T_EQ(exchange(fd, "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
                  47, body, sizeof body),
         200);
    T_STREQ(body, "hello");
    {
        static const char req[] = "POST /echo HTTP/1.1\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n"
                                  "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n"
                                  "Trailer: x\r\n\r\n";
        T_EQ(exchange(fd, req, sizeof req - 1, body, sizeof body), 200);
        T_STREQ(body, "abcdefg");
    }
    T_EQ(exchange(fd, "POST /echo HTTP/1.1\r\nContent-Length: 101\r\n\r\n",
                  44, body, sizeof body),
         413);
    T_EQ(recv_n(fd, body, 1, 1, &closed), 0); /* then closed */
    T_EQ(closed, 1);
    close(fd);

    /* A head too big: 431; a target too long: 414; malformed: 400. */
    fd = dial(&s);
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /hello HTTP/1.1\r\nX: ", 24);
    memcpy(big + sizeof big - 4, "\r\n\r\n", 4);
    T_EQ(exchange(fd, big, sizeof big, body, sizeof body), 431);
    close(fd);
    fd = dial(&s);
    {
        static char longpath[1200 + 32];
        memset(longpath, 'p', sizeof longpath);
        memcpy(longpath, "GET /", 5);
        memcpy(longpath + 1200, " HTTP/1.1\r\n\r\n", 13);
        T_EQ(exchange(fd, longpath, 1213, body, sizeof body), 414);
    }
    close(fd);
    fd = dial(&s);
    T_EQ(exchange(fd, "GET /hello\r\n\r\n", 14, body, sizeof body), 400);
    close(fd);
    fd = dial(&s);
    T_EQ(GET(fd, "/%00", body), 400);
    close(fd);
    fd = dial(&s);
    T_EQ(exchange(fd, "GET /hello HTTP/1.1\r\nBad Name: x\r\n\r\n", 36, body,
                  sizeof body),
         400);
    close(fd);
    fd = dial(&s);
    T_EQ(exchange(fd,
                  "POST /echo HTTP/1.1\r\nContent-Length: 1\r\n"
                  "Content-Length: 2\r\n\r\nab",
                  63, body, sizeof body),
         400);
    close(fd);
    /* ...and the server goes on. */
    fd = dial(&s);
    T_EQ(GET(fd, "/hello", body), 200);
    close(fd);
    stop(&s);
    drop_root();
}

/* Keep-alive, pipelining, HTTP/1.0, and a request one byte at a time. */
static void http_keepalive_pipelining(void)
{
    static const char one[] = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
    server s;
    int fd, i, closed;
    char body[256], req[4 * sizeof one];
    size_t k;

    start(&s, "http-server", NULL);
    fd = dial(&s);
    for (i = 0; i < 4; i++)
        memcpy(req + i * (sizeof one - 1), one, sizeof one - 1);
    send_all(fd, req, 4 * (sizeof one - 1));
    for (i = 0; i < 4; i++) {
        T_EQ(exchange(fd, NULL, 0, body, sizeof body), 200);
        T_STREQ(body, "Hello, world!\n");
    }
    for (k = 0; k < sizeof one - 1; k++) {
        send_all(fd, one + k, 1);
        nap_ms(1);
    }
    T_EQ(exchange(fd, NULL, 0, body, sizeof body), 200);
    /* Connection: close, and HTTP/1.0: answered, then closed. */
    T_EQ(exchange(fd, "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n", 42,
                  body, sizeof body),
         200);
    T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
    T_EQ(closed, 1);
    close(fd);
    fd = dial(&s);
    send_all(fd, "GET /hello HTTP/1.0\r\n\r\n", 23);
    T_EQ(recv_n(fd, body, sizeof body - 1, 1, &closed) > 0, 1);
    T_EQ(closed, 1);
    close(fd);
    stop(&s);
}

/* A slow client is dropped with 408, an idle one closed, while a busy
 * one is served throughout. */
static void http_slow_and_idle(void)
{
    static const char *const args[] = {"--request-timeout", "1",
                                       "--idle-timeout", "2", NULL};
    server s;
    int slow, idle, busy, i, closed;
    char body[256];

    start(&s, "http-server", args);
    slow = dial(&s);
    idle = dial(&s);
    busy = dial(&s);
    send_all(slow, "GET /hello HTTP/1.1\r\nHost: t\r\n", 31);
    for (i = 0; i < 5; i++) { /* 1.5 s */
        T_EQ(GET(busy, "/hello", body), 200);
        nap_ms(300);
    }
    T_EQ(exchange(slow, NULL, 0, body, sizeof body), 408);
    T_EQ(recv_n(slow, body, 1, 1, &closed), 0);
    T_EQ(closed, 1);
    for (i = 0; i < 4; i++) { /* 1.2 s more: the idle one is past 2 s */
        T_EQ(GET(busy, "/hello", body), 200);
        nap_ms(300);
    }
    T_EQ(recv_n(idle, body, 1, 0, &closed), 0);
    T_EQ(closed, 1);
    close(slow);
    close(idle);
    close(busy);
    stop(&s);
}

/* One loop per thread on SO_REUSEPORT listeners. */
static void http_threads(void)
{
    static const char *const args[] = {"--threads", "3", NULL};
    server s;
    int fd[12], i;
    char body[256];

    start(&s, "http-server", args);
    for (i = 0; i < 12; i++)
        fd[i] = dial(&s);
    for (i = 0; i < 12; i++) {
        T_EQ(GET(fd[i], "/hello", body), 200);
        T_STREQ(body, "Hello, world!\n");
    }
    for (i = 0; i < 12; i++)
        close(fd[i]);
    stop(&s);
}

/* An option's value that is not a whole number in its range is refused
 * with the usage (status 2), never taken as 0 or as a wrapped number:
 * "--send-timeout abc" does not turn the send timeout off. */
static void http_bad_options(void)
{
    static const char *const bad[][3] = {
        {"--port", "abc", NULL},
        {"--port", "70000", NULL},
        {"--port", "-1", NULL},
        {"--port", "1e3", NULL},
        {"--port", "", NULL},
        {"--threads", "0", NULL},
        {"--threads", "1x", NULL},
        {"--max-clients", "0", NULL},
        {"--max-clients", "4294967297", NULL},
        {"--max-clients", "99999999999999999999", NULL},
        {"--max-header", "63", NULL},
        {"--max-header", "8k", NULL},
        {"--max-body", "-1", NULL},
        {"--max-body", "99999999999999999999", NULL},
        {"--idle-timeout", "0", NULL},
        {"--idle-timeout", "9223372036854775807", NULL},
        {"--request-timeout", " 5", NULL},
        {"--send-timeout", "abc", NULL},
        {"--send-timeout", "-1", NULL},
        {"--send-timeout", "1000000001", NULL},
        {"--port", NULL, NULL},
        {"--nosuch", "1", NULL},
    };
    expect_refused("http-server", bad, sizeof bad / sizeof bad[0]);
}

const t_case t_cases_e2e_http[] = {
    T_CASE(http_files_and_errors),
    T_CASE(http_keepalive_pipelining),
    T_CASE(http_slow_and_idle),
    T_CASE(http_threads),
    T_CASE(http_bad_options),
    T_END,
};
