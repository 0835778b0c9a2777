/*
 * test/e2e/http_clients.c: samples/http-server against hostile clients:
 * nothing outside the root reached (links out, "..", FIFOs), with
 * openat2 and without it; the replies due before an error reply;
 * persistence as RFC 9112 says (HTTP/1.0 keep-alive); buffers given back
 * after big requests; trailers and framing; a client that does not take
 * its reply dropped. (Hosted only.)
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

/* -- hostile clients --------------------------------------------------- */

/* Write text to dir/name. */
static void put(const char *dir, const char *name, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", dir, name);
    T_ASSERT((f = fopen(p, "w")) != NULL);
    fputs(text, f);
    fclose(f);
}

/* Make dir/name a symbolic link to target. */
static void link_to(const char *dir, const char *name, const char *target)
{
    char p[256];

    snprintf(p, sizeof p, "%s/%s", dir, name);
    T_EQ(symlink(target, p), 0);
}

static void make_dir(const char *dir, const char *name)
{
    char p[256];

    snprintf(p, sizeof p, "%s/%s", dir, name);
    T_EQ(mkdir(p, 0755), 0);
}

static int remove_one(const char *p, const struct stat *st, int type,
                      struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(p);
}

/* rm -rf dir (links are removed, not followed). */
static void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Wait up to 5 s for the server's RSS to fall under kb; the last
 * reading. */
static long rss_under(const server *s, long kb)
{
    long now = rss_kb(s);
    int i;

    for (i = 0; i < 100 && now >= kb; i++) {
        nap_ms(50);
        now = rss_kb(s);
    }
    return now;
}

/* GET path; the status, and the body in body. */
static int get_path(int fd, const char *path, char *body, size_t cap)
{
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n",
                     path);

    return exchange(fd, req, (size_t)n, body, cap);
}

/*
 * A root full of traps, and a directory beside it that nothing may
 * reach through the server.
 */
static char trap[64], outside[64];

static void make_traps(void)
{
    char p[256], secret[128];
    const char *base;

    strcpy(trap, "/tmp/hop-e2e-root-XXXXXX");
    strcpy(outside, "/tmp/hop-e2e-out-XXXXXX");
    T_ASSERT(mkdtemp(trap) != NULL);
    T_ASSERT(mkdtemp(outside) != NULL);
    base = strrchr(outside, '/') + 1;
    snprintf(secret, sizeof secret, "%s/secret.txt", outside);
    put(outside, "secret.txt", "secret\n");
    put(outside, "index.html", "secret\n");
    put(trap, "index.html", "<h1>hop</h1>\n");
    make_dir(trap, "sub");
    put(trap, "sub/a.txt", "text\n");
    /* Relative links that stay beneath the root. */
    link_to(trap, "sub/back.html", "../index.html");
    link_to(trap, "alias.txt", "sub/a.txt");
    link_to(trap, "subalias", "sub");
    /* An absolute link, even to a file under the root. */
    snprintf(p, sizeof p, "%s/sub/a.txt", trap);
    link_to(trap, "abs.txt", p);
    /* Links that lead out: a file, /etc/passwd, a directory, a
     * directory's index.html, by absolute and by relative paths. */
    link_to(trap, "leak.txt", secret);
    link_to(trap, "passwd", "/etc/passwd");
    link_to(trap, "outdir", outside);
    make_dir(trap, "linkdir");
    link_to(trap, "linkdir/index.html", secret);
    snprintf(p, sizeof p, "../../%s/secret.txt", base);
    make_dir(trap, "reldir");
    link_to(trap, "reldir/index.html", p);
    link_to(trap, "sub/up.txt", p);
    snprintf(p, sizeof p, "../%s", base);
    link_to(trap, "relout", p);
    link_to(trap, "loop", "loop");
    /* FIFOs: a file, and a directory's index.html. */
    snprintf(p, sizeof p, "%s/fifo", trap);
    T_EQ(mkfifo(p, 0644), 0);
    make_dir(trap, "fifodir");
    snprintf(p, sizeof p, "%s/fifodir/index.html", trap);
    T_EQ(mkfifo(p, 0644), 0);
}

/* What is served under the root of make_traps, and what is not. */
static void check_traps(server *s)
{
    static const char *const served[][2] = {
        {"/", "<h1>hop</h1>\n"},
        {"/sub/a.txt", "text\n"},
        {"/./sub//a.txt", "text\n"},
        {"/sub/back.html", "<h1>hop</h1>\n"},
        {"/alias.txt", "text\n"},
        {"/subalias/a.txt", "text\n"},
    };
    static const char *const refused[] = {
        /* Out of the root through a directory's index.html, a file, a
         * directory, by absolute and relative links. */
        "/linkdir/", "/linkdir", "/reldir/", "/reldir", "/leak.txt",
        "/passwd", "/sub/up.txt", "/outdir/secret.txt", "/outdir/",
        "/outdir", "/relout/secret.txt", "/relout/",
        /* .. in every form. */
        "/../etc/passwd", "/sub/../../etc/passwd", "/%2e%2e/etc/passwd",
        "/sub/%2E%2E/%2e%2e/etc/passwd", "/..%2fetc%2fpasswd", "/sub/..",
        "/..", "/sub/../index.html",
        /* An absolute link, a loop, what is no file. */
        "/abs.txt", "/loop", "/loop/x", "/nothing", "/sub/a.txt/x",
        "/alias.txt/",
        /* FIFOs: answered at once. */
        "/fifo", "/fifodir/", "/fifodir",
    };
    char body[4096];
    size_t i;
    int fd, other, fds;

    fds = open_fds(s);
    fd = dial(s);
    for (i = 0; i < sizeof served / sizeof served[0]; i++) {
        T_EQ(get_path(fd, served[i][0], body, sizeof body), 200);
        T_STREQ(body, served[i][1]);
    }
    /* Each answered at once (a FIFO too), the connection kept. */
    for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int st = get_path(fd, refused[i], body, sizeof body);
        if (st != 404)
            fprintf(stderr, "GET %s: %d\n", refused[i], st);
        T_EQ(st, 404);
        T_ASSERT(strstr(body, "secret") == NULL);
    }
    T_EQ(exchange(fd, "HEAD /fifo HTTP/1.1\r\n\r\n", 23, body, sizeof body),
         404);
    /* The server goes on serving, this connection and others. */
    other = dial(s);
    T_EQ(GET(other, "/hello", body), 200);
    T_EQ(GET(fd, "/sub/a.txt", body), 200);
    close(other);
    close(fd);
    /* Nothing was left open. */
    T_EQ(fds_back_to(s, fds), fds);
}

/* Files under --root, and nothing outside it, through openat2 when the
 * kernel has it. */
static void http_root_confined(void)
{
    static const char *const args[] = {"--root", trap, NULL};
    server s;

    make_traps();
    start(&s, "http-server", args);
    check_traps(&s);
    stop(&s);
    remove_tree(trap);
    remove_tree(outside);
}

#if defined(__linux__) && defined(SYS_openat2)
/* In the server's process: openat2 fails with ENOSYS, as on a kernel
 * older than 5.6. (A filter for the machine's own system call numbers;
 * enough for a test.) */
static void no_openat2(void)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog;

    prog.len = (unsigned short)(sizeof code / sizeof code[0]);
    prog.filter = code;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        _exit(126);
}
#else
#define no_openat2 NULL
#endif

/* The same without openat2: the server walks the path itself. */
static void http_root_confined_walk(void)
{
    static const char *const args[] = {"--root", trap, NULL};
    server s;

    make_traps();
    start_with(&s, "http-server", args, no_openat2);
    check_traps(&s);
    stop(&s);
    remove_tree(trap);
    remove_tree(outside);
}

/* The replies to the good requests before a bad one go out, in order,
 * then the error reply, then the connection closes. */
static void http_replies_before_error(void)
{
    static const char *const args[] = {"--max-body", "100", "--max-header",
                                       "1024", NULL};
    static const char good[] = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
    static const char echo[] = "POST /echo HTTP/1.1\r\n"
                               "Content-Length: 3\r\n\r\nabc";
    static char big[2048];
    static const struct {
        const char *req;
        int status;
    } bad[] = {
        {"GET /hello HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
        {"GET /hello\r\n\r\n", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413},
        {big, 431},
    };
    static char req[4096];
    server s;
    char body[256];
    size_t i, n;
    int k, fd, closed;

    memset(big, 'a', sizeof big - 1);
    memcpy(big, "GET /hello HTTP/1.1\r\nX: ", 24);
    memcpy(big + sizeof big - 5, "\r\n\r\n", 5);
    start(&s, "http-server", args);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (k = 1; k <= 2; k++) {
            /* One send: a good request (two: and an echo), a bad one. */
            n = 0;
            memcpy(req + n, good, sizeof good - 1);
            n += sizeof good - 1;
            if (k == 2) {
                memcpy(req + n, echo, sizeof echo - 1);
                n += sizeof echo - 1;
            }
            memcpy(req + n, bad[i].req, strlen(bad[i].req));
            n += strlen(bad[i].req);
            fd = dial(&s);
            send_all(fd, req, n);
            T_EQ(exchange(fd, NULL, 0, body, sizeof body), 200);
            T_STREQ(body, "Hello, world!\n");
            if (k == 2) {
                T_EQ(exchange(fd, NULL, 0, body, sizeof body), 200);
                T_STREQ(body, "abc");
            }
            T_EQ(exchange(fd, NULL, 0, body, sizeof body), bad[i].status);
            T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
            T_EQ(closed, 1);
            close(fd);
        }
    }
    fd = dial(&s);
    T_EQ(GET(fd, "/hello", body), 200);
    close(fd);
    stop(&s);
}

/*
 * Persistence as RFC 9112 (9.3) says: HTTP/1.0 with keep-alive is kept
 * open and says so, like `ab -k` expects; HTTP/1.0 without it, and
 * "close" among the options of either version, close after the reply
 * and say so.
 */
static void http_persistence(void)
{
    static const char *const args[] = {"--idle-timeout", "30", NULL};
    static const char ab[] = "GET /hello HTTP/1.0\r\n"
                             "Connection: Keep-Alive\r\nHost: t\r\n"
                             "User-Agent: ApacheBench/2.3\r\n"
                             "Accept: */*\r\n\r\n";
    static const char two[] = "GET /hello HTTP/1.0\r\n"
                              "connection: keep-alive\r\n\r\n"
                              "HEAD /hello HTTP/1.0\r\n"
                              "Connection: keep-alive\r\n\r\n";
    static const struct {
        const char *req;
    } closing[] = {
        {"GET /hello HTTP/1.0\r\n\r\n"},
        {"GET /hello HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"},
        {"GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n"},
        {"GET /hello HTTP/1.1\r\nConnection: TE, close\r\n\r\n"},
        {"GET /hello HTTP/1.1\r\nConnection: keep-alive\r\n"
         "Connection: close\r\n\r\n"},
    };
    server s;
    char head[2048], body[256];
    size_t i;
    int fd, closed;

    start(&s, "http-server", args);
    /* ab -k: each reply says keep-alive, has a length, and comes at once
     * (well before the idle timeout would close the connection). */
    fd = dial(&s);
    for (i = 0; i < 3; i++) {
        T_EQ(exchange_head(fd, ab, sizeof ab - 1, head, sizeof head, body,
                           sizeof body),
             200);
        T_ASSERT(strstr(head, "\r\nConnection: keep-alive\r\n") != NULL);
        T_ASSERT(strstr(head, "\r\nContent-Length: 14\r\n") != NULL);
        T_STREQ(body, "Hello, world!\n");
    }
    /* Two in one send. */
    send_all(fd, two, sizeof two - 1);
    T_EQ(exchange_head(fd, NULL, 0, head, sizeof head, body, sizeof body),
         200);
    T_ASSERT(strstr(head, "\r\nConnection: keep-alive\r\n") != NULL);
    T_EQ(exchange_head(fd, "HEAD ", 0, head, sizeof head, body, sizeof body),
         200);
    T_ASSERT(strstr(head, "\r\nConnection: keep-alive\r\n") != NULL);
    T_EQ(exchange(fd, ab, sizeof ab - 1, body, sizeof body), 200);
    close(fd);
    /* HTTP/1.1 stays open without saying so. */
    fd = dial(&s);
    T_EQ(exchange_head(fd, "GET /hello HTTP/1.1\r\n\r\n", 23, head,
                       sizeof head, body, sizeof body),
         200);
    T_ASSERT(strstr(head, "\r\nConnection:") == NULL);
    T_EQ(GET(fd, "/hello", body), 200);
    close(fd);
    /* The others: answered, said, closed. */
    for (i = 0; i < sizeof closing / sizeof closing[0]; i++) {
        fd = dial(&s);
        T_EQ(exchange_head(fd, closing[i].req, strlen(closing[i].req), head,
                           sizeof head, body, sizeof body),
             200);
        T_ASSERT(strstr(head, "\r\nConnection: close\r\n") != NULL);
        T_STREQ(body, "Hello, world!\n");
        T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
        T_EQ(closed, 1);
        close(fd);
    }
    /* HTTP/1.0 with a Transfer-Encoding: answered, then closed (RFC 9112,
     * 6.1: its framing is not to be trusted). */
    fd = dial(&s);
    {
        static const char req[] = "POST /echo HTTP/1.0\r\n"
                                  "Connection: keep-alive\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n"
                                  "3\r\nabc\r\n0\r\n\r\n";
        T_EQ(exchange_head(fd, req, sizeof req - 1, head, sizeof head, body,
                           sizeof body),
             200);
    }
    T_ASSERT(strstr(head, "\r\nConnection: close\r\n") != NULL);
    T_STREQ(body, "abc");
    T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
    T_EQ(closed, 1);
    close(fd);
    stop(&s);
}

/*
 * The buffers a session grows for a big request go back once it is
 * answered: the server's resident set comes back near its idle level
 * while the clients stay connected, and after they leave.
 */
enum { N_BIG = 4, BIG = 6 << 20 };

static void http_buffers_shrink(void)
{
    static const char *const args[] = {"--max-body", "8388608", NULL};
    server s;
    char head[512], body[256], req[128];
    char *data, *got;
    long idle, peak, now;
    int fd[N_BIG], i, n, closed;
    size_t k;

    data = malloc(BIG);
    got = malloc(BIG);
    T_ASSERT(data != NULL && got != NULL);
    for (k = 0; k < BIG; k++)
        data[k] = (char)('a' + k % 23);
    start(&s, "http-server", args);
    /* Idle: after a first small exchange. */
    fd[0] = dial(&s);
    T_EQ(GET(fd[0], "/hello", body), 200);
    T_EQ(exchange(fd[0],
                  "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 45,
                  body, sizeof body),
         200);
    close(fd[0]);
    nap_ms(100);
    idle = rss_kb(&s);
    /* The clients send all but the last byte of a big body: the server
     * holds them all at once. */
    n = snprintf(req, sizeof req,
                 "POST /echo HTTP/1.1\r\nContent-Length: %d\r\n\r\n", BIG);
    for (i = 0; i < N_BIG; i++) {
        fd[i] = dial(&s);
        send_all(fd[i], req, (size_t)n);
        send_all(fd[i], data, BIG - 1);
    }
    peak = rss_kb(&s);
    for (i = 0; i < 100 && peak < idle + 16 * 1024; i++) {
        nap_ms(50);
        peak = rss_kb(&s);
    }
    T_ASSERT(peak >= idle + 16 * 1024);
    /* The last bytes: each gets its body back, and stays connected. */
    for (i = 0; i < N_BIG; i++) {
        send_all(fd[i], data + BIG - 1, 1);
        T_EQ(read_head(fd[i], head, sizeof head), 200);
        T_EQ(head_length(head), BIG);
        T_EQ(recv_n(fd[i], got, BIG, 0, &closed), BIG);
        T_ASSERT(memcmp(got, data, BIG) == 0);
    }
    now = rss_under(&s, idle + 2048);
    if (now >= idle + 2048)
        fprintf(stderr, "rss: idle %ld kB, peak %ld kB, after %ld kB\n",
                idle, peak, now);
    T_ASSERT(now < idle + 2048);
    for (i = 0; i < N_BIG; i++)
        T_EQ(GET(fd[i], "/hello", body), 200);
    /* And after they leave. */
    for (i = 0; i < N_BIG; i++)
        close(fd[i]);
    fd[0] = dial(&s);
    T_EQ(GET(fd[0], "/hello", body), 200);
    close(fd[0]);
    T_ASSERT(rss_under(&s, idle + 2048) < idle + 2048);
    stop(&s);
    free(data);
    free(got);
}
/*
 * Framing that a client could abuse: trailers count toward
 * --max-header with the head (431), a chunk-size line past its limit
 * is malformed (400, as is "chunked" twice), and a Content-Length is
 * digits and nothing else around its spaces (400).
 */
static void http_framing(void)
{
    static const char *const args[] = {"--max-header", "1024", NULL};
    static const struct {
        const char *head;
        int status;
    } cases[] = {
        {"POST /echo HTTP/1.1\r\nContent-Length: 1 2\r\n\r\nab", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length: 2x\r\n\r\nab", 400},
        {"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
         "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
         400},
    };
    static char req[4096];
    server s;
    char body[256];
    size_t i, n;
    int fd, closed;

    start(&s, "http-server", args);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fd = dial(&s);
        T_EQ(exchange(fd, cases[i].head, strlen(cases[i].head), body,
                      sizeof body),
             cases[i].status);
        T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
        T_EQ(closed, 1);
        close(fd);
    }
    /* Spaces around a length are fine. */
    fd = dial(&s);
    T_EQ(exchange(fd, "POST /echo HTTP/1.1\r\nContent-Length:  2 \t\r\n\r\nab",
                  47, body, sizeof body),
         200);
    T_STREQ(body, "ab");
    close(fd);
    /* Trailers: 20 lines of 100 bytes, past 1024 with the head. */
    n = (size_t)sprintf(req, "POST /echo HTTP/1.1\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n"
                             "2\r\nab\r\n0\r\n");
    for (i = 0; i < 20; i++) {
        memset(req + n, 't', 98);
        memcpy(req + n, "X-T: ", 5);
        memcpy(req + n + 98, "\r\n", 2);
        n += 100;
    }
    memcpy(req + n, "\r\n", 2);
    n += 2;
    fd = dial(&s);
    T_EQ(exchange(fd, req, n, body, sizeof body), 431);
    T_EQ(recv_n(fd, body, 1, 1, &closed), 0);
    T_EQ(closed, 1);
    close(fd);
    /* A chunk-size line of 300 bytes (an extension). */
    n = (size_t)sprintf(req, "POST /echo HTTP/1.1\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n2;");
    memset(req + n, 'e', 300);
    n += 300;
    memcpy(req + n, "\r\nab\r\n0\r\n\r\n", 11);
    n += 11;
    fd = dial(&s);
    T_EQ(exchange(fd, req, n, body, sizeof body), 400);
    close(fd);
    /* ...and the server goes on. */
    fd = dial(&s);
    T_EQ(GET(fd, "/hello", body), 200);
    close(fd);
    stop(&s);
}

/*
 * A client that does not take the echo of its big body is dropped after
 * --idle-timeout, as one that sends nothing is; the others go on.
 */
static void http_unread_reply(void)
{
    static const char *const args[] = {"--max-body", "8388608",
                                       "--idle-timeout", "1", NULL};
    enum { SIZE = 8 << 20 };
    server s;
    char req[128], body[256];
    char *data;
    int fd, other, fds, n;

    data = malloc(SIZE);
    T_ASSERT(data != NULL);
    memset(data, 'b', SIZE);
    start(&s, "http-server", args);
    fds = open_fds(&s);
    fd = dial(&s);
    n = snprintf(req, sizeof req,
                 "POST /echo HTTP/1.1\r\nContent-Length: %d\r\n\r\n", SIZE);
    send_all(fd, req, (size_t)n);
    send_all(fd, data, SIZE);
    /* The server's socket fills up; a second later it lets go. */
    T_EQ(fds_back_to(&s, fds), fds);
    other = dial(&s);
    T_EQ(GET(other, "/hello", body), 200);
    close(other);
    close(fd);
    stop(&s);
    free(data);
}

const t_case t_cases_e2e_http_clients[] = {
    T_CASE(http_root_confined),
    T_CASE(http_root_confined_walk),
    T_CASE(http_replies_before_error),
    T_CASE(http_persistence),
    T_CASE(http_buffers_shrink),
    T_CASE(http_framing),
    T_CASE(http_unread_reply),
    T_END,
};
