/*
 * samples/http-server.c: an HTTP/1.1 server of hop tasks, good enough
 * for curl and wrk.
 *
 * Each connection is a task that reads requests with the buffered
 * reader: a request line, header lines up to a limit, a body by
 * Content-Length or chunked; answers them in order (keep-alive and
 * pipelining: replies go out in one write when the next request is not
 * already there); and drops a client that is idle too long between
 * requests (it sends nothing, or does not take a big echo or the
 * pipelined replies it is owed) or too slow to send one (408), while
 * the others go on. A client that takes no byte of a reply for
 * --send-timeout seconds (60 by default, as nginx's send_timeout; 0 for
 * none) is dropped too, also in the middle of a file, so that one that
 * never reads holds neither its slot nor an open file.
 *
 *   GET|HEAD /hello       a fixed reply ("Hello, world!")
 *   GET|HEAD /...         a regular file under --root (for a directory,
 *                         its index.html)
 *   POST /echo            the request's body back
 *
 * Bad requests get 400, unknown paths 404, other methods 405 (with
 * Allow), bodies over --max-body 413, heads over --max-header 431
 * (and trailers over it: they have the same limit of their own). A
 * Content-Length is digits and nothing else, and "chunked" comes once,
 * or the request is a 400: a request is read one way only. So is one
 * whose method or a field name is not a token, or whose target or a
 * field value holds a control character (a NUL, a bare CR; a tab is
 * fine in a value); trailers are checked as headers are. The
 * replies to the requests before a bad one go out first, in order;
 * the connection closes after the error reply.
 *
 * Connections persist as RFC 9112 (9.3) says: after an HTTP/1.1
 * request unless it says "Connection: close"; after an HTTP/1.0 one
 * only when it says "Connection: keep-alive" (as ab -k does) and has
 * no Transfer-Encoding, and then the reply says "Connection:
 * keep-alive" too. A reply after which the server closes says
 * "Connection: close", and the close lingers (9.6): the server shuts
 * its side, then reads and drops what the client still sends, for a
 * second at most, so that a request pipelined after the last one does
 * not make the kernel reset the connection under the reply. Every
 * reply has a Content-Length.
 *
 * Nothing outside --root can be reached. A path is resolved beneath a
 * descriptor of the root: by openat2 with RESOLVE_BENEATH where the
 * kernel has it (Linux 5.6), else by a walk that opens one component
 * at a time with O_NOFOLLOW. Either way a symbolic link is followed
 * when it is relative and resolves beneath the root; one that leads
 * out, or is absolute (it names a place on the host), gives 404, and
 * so does a path with a ".." segment. Only regular files are served:
 * a FIFO, a device or a socket under the root gives 404 like a missing
 * file (the server says nothing of what it does not serve), at once:
 * every open is nonblocking, so none can hold up a thread.
 *
 * A session's buffers go back to their idle size after each request:
 * a body buffer grown for a big request (up to --max-body) is given
 * back, and so is the output buffer after a reply that made it grow.
 * Pipelined replies wait there only up to 16 kB; past that the server
 * writes them out before it reads on. So the memory of a server comes
 * back near its idle level when big clients are done, whether they
 * stay connected or not.
 *
 *   http-server [--port N] [--bind ADDR] [--root DIR] [--threads N]
 *               [--max-clients N] [--max-header BYTES] [--max-body BYTES]
 *               [--idle-timeout S] [--request-timeout S] [--send-timeout S]
 *
 * --threads N runs one hop loop per thread, each with its own listener
 * on the same port (SO_REUSEPORT): the kernel spreads the connections.
 * A value that is not a whole number within its option's range is
 * refused with the usage line (exit status 2). The server prints
 * "http-server: listening on ADDR:PORT" when ready and stops cleanly on
 * SIGINT or SIGTERM. Only hop's public API is used. The request reader
 * is samples/http/parse.c, the files under the root samples/http/files.c,
 * a connection's task and its replies samples/http/session.c, and the
 * listener and the pool of connections samples/common/server.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <hop.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/server.h"
#include "http/files.h"
#include "http/session.h"

/* The options of the listeners and the threads; http_opt holds the
 * sessions' and files_root_open the root. */
static struct {
    const char *bind;
    int port;
    int threads;
} opt = {"127.0.0.1", 8080, 1};

/* -- threads -------------------------------------------------------------- */

/* A thread's loop and its sessions. */
typedef struct {
    pthread_t thread;
    hop_loop loop;
    hop_libevent ev;
    hop_post stop;
    http_sessions hs;
    int failed;
} worker;

static worker *workers;

static void stop_now(hop_post *p)
{
    worker *w = HOP_CONTAINER_OF(p, worker, stop);

    server_stop(&w->hs.srv);
}

/* Set up w's loop and sessions, accepting from the listening socket fd:
 * 0, or -1. */
static int worker_init(worker *w, int fd)
{
    if (hop_libevent_init(&w->loop, &w->ev) != HOP_OK ||
        hop_libevent_enable_posts(&w->ev) != 0 ||
        http_sessions_init(&w->hs, &w->loop) != 0 ||
        server_start(&w->hs.srv, fd) != HOP_OK)
        return -1;
    return 0;
}

static void *worker_run(void *arg)
{
    worker *w = arg;

    if (hop_loop_run(&w->loop, HOP_RUN_DEFAULT) != HOP_OK ||
        server_error(&w->hs.srv) != 0)
        w->failed = 1;
    return NULL;
}

static void worker_cleanup(worker *w)
{
    if (server_cleanup(&w->hs.srv) != HOP_OK)
        w->failed = 1;
    http_sessions_cleanup(&w->hs);
    if (hop_loop_cleanup(&w->loop) != HOP_OK ||
        hop_libevent_cleanup(&w->ev) != HOP_OK)
        w->failed = 1;
}

static void on_signal(int sig)
{
    int i;

    (void)sig;
    for (i = 0; i < opt.threads; i++)
        hop_libevent_post(&workers[i].ev, &workers[i].stop, stop_now);
}

static int usage(void)
{
    fprintf(stderr,
            "usage: http-server [--port N] [--bind ADDR] [--root DIR] "
            "[--threads N] [--max-clients N] [--max-header BYTES] "
            "[--max-body BYTES] [--idle-timeout S] [--request-timeout S] "
            "[--send-timeout S]\n");
    return 2;
}

/*
 * The option's value v, a whole number from min to max, in *n: 0, or -1
 * when it is not one (a sign, blanks, letters, or a number out of the
 * range or past a long long), so that nothing is read as 0 or wrapped.
 */
static int opt_num(const char *v, long long min, long long max,
                   long long *n)
{
    const char *p = *v == '-' ? v + 1 : v;
    char *end;

    if (*p < '0' || *p > '9')
        return -1;
    errno = 0;
    *n = strtoll(v, &end, 10);
    return errno == 0 && *end == '\0' && *n >= min && *n <= max ? 0 : -1;
}

/* Set the option name to v: 0, or -1 for an unknown option or a value
 * out of its range. --root is opened here. */
static int set_option(const char *name, const char *v)
{
    const long long secs = 1000000000; /* (HOP_SEC of it fits) */
    long long n;

    if (strcmp(name, "--bind") == 0) {
        opt.bind = v;
    } else if (strcmp(name, "--root") == 0) {
        if (files_root_open(v) != 0) {
            fprintf(stderr, "http-server: %s: %s\n", v, strerror(errno));
            exit(1);
        }
    } else if (strcmp(name, "--port") == 0 &&
               opt_num(v, 0, 65535, &n) == 0) {
        opt.port = (int)n;
    } else if (strcmp(name, "--threads") == 0 &&
               opt_num(v, 1, 256, &n) == 0) {
        opt.threads = (int)n;
    } else if (strcmp(name, "--max-clients") == 0 &&
               opt_num(v, 1, 1 << 20, &n) == 0) {
        http_opt.max_clients = (int)n;
    } else if (strcmp(name, "--max-header") == 0 &&
               opt_num(v, 64, 1 << 24, &n) == 0) {
        http_opt.max_header = (long)n;
    } else if (strcmp(name, "--max-body") == 0 &&
               opt_num(v, 0, LONG_MAX, &n) == 0) {
        http_opt.max_body = (long)n;
    } else if (strcmp(name, "--idle-timeout") == 0 &&
               opt_num(v, 1, secs, &n) == 0) {
        http_opt.idle = (long)n;
    } else if (strcmp(name, "--request-timeout") == 0 &&
               opt_num(v, 1, secs, &n) == 0) {
        http_opt.request = (long)n;
    } else if (strcmp(name, "--send-timeout") == 0 &&
               opt_num(v, 0, secs, &n) == 0) {
        http_opt.send = (long)n;
    } else {
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    struct sigaction act;
    sigset_t all, old;
    int i, failed = 0;

    for (i = 1; i < argc; i += 2)
        if (i + 1 == argc || set_option(argv[i], argv[i + 1]) != 0)
            return usage();

    workers = calloc((size_t)opt.threads, sizeof *workers);
    if (workers == NULL)
        return 1;
    memset(&sa, 0, sizeof sa);
    for (i = 0; i < opt.threads; i++) {
        /* The first listener takes the port; the others share it. */
        int port = i == 0 ? opt.port : ntohs(sa.sin_port);
        int fd = server_listen(opt.bind, port, opt.threads > 1, &sa);
        if (fd < 0 || worker_init(&workers[i], fd) != 0) {
            fprintf(stderr, "http-server: cannot listen on %s:%d: %s\n",
                    opt.bind, opt.port, strerror(errno));
            return 1;
        }
    }
    memset(&act, 0, sizeof act);
    act.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &act, NULL);
    /* The threads block the signals; the main thread takes them. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (i = 0; i < opt.threads; i++)
        if (pthread_create(&workers[i].thread, NULL, worker_run,
                           &workers[i]) != 0)
            return 1;
    act.sa_handler = on_signal;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    printf("http-server: %d thread%s, one hop loop each\n", opt.threads,
           opt.threads > 1 ? "s" : "");
    printf("http-server: listening on %s:%d\n", opt.bind, ntohs(sa.sin_port));
    fflush(stdout);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    for (i = 0; i < opt.threads; i++) {
        pthread_join(workers[i].thread, NULL);
        worker_cleanup(&workers[i]);
        failed |= workers[i].failed;
    }
    free(workers);
    files_root_close();
    printf("http-server: stopped\n");
    return failed ? 1 : 0;
}
