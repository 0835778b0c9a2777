/*
 * test/e2e/common.c: the helpers of the end-to-end tables (e2e.h).
 * (Hosted only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "t.h"

void nap_ms(int ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* Read a line of the server's output into buf (waits up to 10 s). */
static int out_line(server *s, char *buf, size_t cap)
{
    size_t n = 0;

    while (n + 1 < cap) {
        struct pollfd p = {s->out, POLLIN, 0};
        if (poll(&p, 1, 10000) != 1 || read(s->out, buf + n, 1) != 1)
            break;
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
    return (int)n;
}

static void launch(server *s, const char *name, const char *const *args,
                   int logged, void (*child)(void))
{
    const char *argv[16];
    char path[256], want[64];
    int fds[2], efds[2] = {-1, -1}, n = 0, i;
    char line[128];
    const char *p;

    snprintf(path, sizeof path, "%s/%s", HOP_TEST_SAMPLES, name);
    snprintf(want, sizeof want, "%s: listening on ", name);
    s->name = name;
    argv[n++] = path;
    argv[n++] = "--port";
    argv[n++] = "0";
    for (i = 0; args != NULL && args[i] != NULL && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    T_EQ(pipe(fds), 0);
    if (logged)
        T_EQ(pipe(efds), 0);
    s->pid = fork();
    T_ASSERT(s->pid >= 0);
    if (s->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        if (logged) {
            dup2(efds[1], 2);
            close(efds[0]);
            close(efds[1]);
        }
        if (child != NULL)
            child();
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    s->out = fds[0];
    s->err = efds[0];
    if (logged)
        close(efds[1]);
    do { /* (lines before it say other things) */
        T_ASSERT(out_line(s, line, sizeof line) > 0);
    } while (strncmp(line, want, strlen(want)) != 0);
    p = strrchr(line, ':');
    T_ASSERT(p != NULL);
    s->port = atoi(p + 1);
    T_ASSERT(s->port > 0);
}

void start(server *s, const char *name, const char *const *args)
{
    launch(s, name, args, 0, NULL);
}

void start_with(server *s, const char *name, const char *const *args,
                void (*child)(void))
{
    launch(s, name, args, 0, child);
}

void start_logged(server *s, const char *name, const char *const *args)
{
    launch(s, name, args, 1, NULL);
}

size_t read_log(server *s, char *buf, size_t cap, int ms)
{
    size_t n = 0;

    while (s->err >= 0 && n + 1 < cap) {
        struct pollfd p = {s->err, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, ms) != 1)
            break;
        r = read(s->err, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return n;
}

long rss_kb(const server *s)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)s->pid);
    f = fopen(path, "r");
    T_ASSERT(f != NULL);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    fclose(f);
    T_ASSERT(kb > 0);
    return kb;
}

void stop(server *s)
{
    char line[128], want[64];
    int status = 0;

    snprintf(want, sizeof want, "%s: stopped\n", s->name);
    T_EQ(kill(s->pid, SIGTERM), 0);
    T_ASSERT(out_line(s, line, sizeof line) > 0);
    T_STREQ(line, want);
    T_EQ(waitpid(s->pid, &status, 0), s->pid);
    T_ASSERT(WIFEXITED(status));
    T_EQ(WEXITSTATUS(status), 0);
    close(s->out);
    if (s->err >= 0)
        close(s->err);
}

int dial(const server *s)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    T_ASSERT(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)s->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        T_ASSERT(w > 0);
        p += w;
        n -= (size_t)w;
    }
}

size_t recv_n(int fd, char *buf, size_t want, int wait_close,
                     int *closed)
{
    size_t n = 0;

    *closed = 0;
    while (n < want || wait_close) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 5000) != 1)
            break;
        r = recv(fd, buf + n, n < want ? want - n : 1, 0);
        if (r == 0 || (r < 0 && errno == ECONNRESET)) {
            *closed = 1;
            break;
        }
        if (r < 0)
            break;
        n += (size_t)r;
    }
    return n;
}

void expect(int fd, const char *req, const char *rep)
{
    char buf[4096];
    size_t n = strlen(rep);
    int closed;

    send_all(fd, req, strlen(req));
    T_ASSERT(n < sizeof buf);
    T_EQ(recv_n(fd, buf, n, 0, &closed), n);
    buf[n] = '\0';
    T_STREQ(buf, rep);
}

void expect_close(int fd, const char *req, size_t len,
                         const char *rep)
{
    char buf[256];
    size_t n = strlen(rep);
    int closed;

    send_all(fd, req, len);
    T_EQ(recv_n(fd, buf, n, 1, &closed), n);
    buf[n] = '\0';
    T_STREQ(buf, rep);
    T_EQ(closed, 1);
}

int exit_status(const char *name, const char *const *args)
{
    const char *argv[8];
    char path[256];
    int n = 0, i, status = 0;
    pid_t pid;

    snprintf(path, sizeof path, "%s/%s", HOP_TEST_SAMPLES, name);
    argv[n++] = path;
    while (*args != NULL && n < 7)
        argv[n++] = *args++;
    argv[n] = NULL;
    pid = fork();
    T_ASSERT(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (i = 0; i < 200; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        nap_ms(10);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* -- RESP ------------------------------------------------------------------ */

/* Send SET key with n bytes of ch (without waiting for the reply). */
void send_set_big(int fd, const char *key, size_t n, char ch)
{
    char *req = malloc(n + 64);
    size_t k;

    T_ASSERT(req != NULL);
    k = (size_t)sprintf(req, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%lu\r\n",
                        (int)strlen(key), key, (unsigned long)n);
    memset(req + k, ch, n);
    memcpy(req + k + n, "\r\n", 2);
    send_all(fd, req, k + n + 2);
    free(req);
}

/* SET key to n bytes of ch. */
void set_big(int fd, const char *key, size_t n, char ch)
{
    send_set_big(fd, key, n, ch);
    expect(fd, "", "+OK\r\n");
}

/* -- the server's descriptors ---------------------------------------------- */

/* The number of descriptors the server has open. */
int open_fds(const server *s)
{
    char p[64];
    struct dirent *e;
    DIR *d;
    int n = 0;

    snprintf(p, sizeof p, "/proc/%d/fd", (int)s->pid);
    T_ASSERT((d = opendir(p)) != NULL);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Wait up to 5 s for the server to have n descriptors open; the last
 * count. */
int fds_back_to(const server *s, int n)
{
    int now = open_fds(s), i;

    for (i = 0; i < 100 && now != n; i++) {
        nap_ms(50);
        now = open_fds(s);
    }
    return now;
}

/* -- HTTP ------------------------------------------------------------------ */

/* Read the head of a response, to the empty line, into head (hcap
 * bytes); its status, or -1. */
int read_head(int fd, char *head, size_t hcap)
{
    size_t n = 0;
    int closed, status;

    for (;;) {
        if (n + 1 >= hcap || recv_n(fd, head + n, 1, 0, &closed) != 1)
            return -1;
        n++;
        head[n] = '\0';
        if (n >= 4 && strcmp(head + n - 4, "\r\n\r\n") == 0)
            break;
    }
    if (sscanf(head, "HTTP/1.1 %d", &status) != 1)
        return -1;
    return status;
}

/* The Content-Length of a head, or 0. */
long head_length(const char *head)
{
    const char *p = strcasestr(head, "\r\nContent-Length: ");

    return p != NULL ? atol(p + 18) : 0;
}

/*
 * Send req (NULL: nothing) and read one response: its head into head
 * (hcap bytes), its body (by Content-Length) into body. A reply to HEAD
 * has no body: say so with a req that starts with "HEAD " (len 0 sends
 * nothing). Returns the status, or -1.
 */
int exchange_head(int fd, const char *req, size_t len, char *head,
                  size_t hcap, char *body, size_t cap)
{
    int closed, status;
    long clen = 0;

    if (req != NULL)
        send_all(fd, req, len);
    if ((status = read_head(fd, head, hcap)) < 0)
        return -1;
    if (req == NULL || strncmp(req, "HEAD ", 5) != 0)
        clen = head_length(head);
    T_ASSERT(clen >= 0 && (size_t)clen < cap);
    T_EQ(recv_n(fd, body, (size_t)clen, 0, &closed), (size_t)clen);
    body[clen] = '\0';
    return status;
}

/* exchange_head without the head. */
int exchange(int fd, const char *req, size_t len, char *body, size_t cap)
{
    char head[2048];

    return exchange_head(fd, req, len, head, sizeof head, body, cap);
}

void expect_refused(const char *name, const char *const (*bad)[3], size_t n)
{
    static char msg[128];
    size_t i;

    for (i = 0; i < n; i++) {
        if (exit_status(name, bad[i]) != 2) {
            snprintf(msg, sizeof msg, "%s %s: not refused", bad[i][0],
                     bad[i][1] != NULL ? bad[i][1] : "(nothing)");
            t_fail(__FILE__, __LINE__, msg);
        }
    }
}
