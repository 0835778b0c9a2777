/*
 * samples/resp-server.c: a key-value server that speaks RESP2, the Redis
 * protocol, well enough for the stock redis-cli and redis-benchmark.
 *
 * Commands: PING, ECHO, SET (EX, PX, NX, XX), GET, DEL, EXISTS, INCR,
 * MGET, MSET, DBSIZE, FLUSHALL, FLUSHDB, COMMAND, CONFIG GET, QUIT; inline
 * commands ("PING" typed into telnet) and pipelining. Each connection is
 * a task whose request parser is nested resumable functions: a command
 * awaits a line (the array header), then for each argument a line (the
 * bulk header) and its bytes; each await resumes across partial reads.
 * Replies collect in the connection's writer, which its reader writes
 * out before it waits for more: a pipeline of commands costs one read
 * and one write. Expiring keys use hop timers.
 *
 * A malformed or oversized request gets "-ERR Protocol error: ..." and
 * the connection is closed; the server goes on. After that error and
 * after QUIT, the close lingers: what the client still sends is read
 * and dropped (for a second at most), so that the kernel does not reset
 * the connection under the replies. A long reply goes out as the writer
 * fills, not built whole first; a client whose replies queued and not
 * yet written would pass --client-output-limit (64 MiB by default, 0
 * for none) is closed, with one line on standard error; so is a client
 * that takes no byte of its replies for --send-timeout seconds (60 by
 * default, as nginx's send_timeout; 0 for none), so that a client that
 * never reads cannot hold its slot:
 *
 *   resp-server: client 127.0.0.1:40312 closed: it took no byte of its
 *   replies for 60 s (--send-timeout)
 *
 * (one line). Limits are options:
 *
 *   resp-server [--port N] [--bind ADDR] [--max-clients N]
 *               [--max-bulk BYTES] [--max-args N] [--timeout SECONDS]
 *               [--busy-poll USEC] [--client-output-limit BYTES]
 *               [--maxmemory BYTES] [--tcp-keepalive SECONDS]
 *               [--send-timeout SECONDS]
 *
 * Past --maxmemory (0, the default, for none), the commands that add to
 * the data set get Redis's "-OOM command not allowed when used memory >
 * 'maxmemory'."; reads, DEL and FLUSHALL still work. --tcp-keepalive
 * (300 by default, as Redis; 0: off) has the kernel probe idle clients,
 * so that a peer that is gone frees its slot. The errors for bad
 * commands and numbers are Redis 7's, word for word; keys are hashed
 * under a random key, so that a client cannot choose keys that collide.
 *
 * --port 0 takes a free port. The server prints "resp-server: listening
 * on ADDR:PORT" when it is ready and stops cleanly on SIGINT or SIGTERM.
 * Only hop's public API is used. The parser is samples/resp/proto.c,
 * the commands samples/resp/commands.c, a connection's task
 * samples/resp/session.c, the data set samples/resp/store.c, and the
 * listener and the pool of connections samples/common/server.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <hop.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/server.h"
#include "resp/session.h"
#include "resp/store.h"

/* The options of the listener and the loop; resp_opt holds the rest. */
static struct {
    const char *bind;
    int port;
    long busy_poll; /* microseconds: hop_libevent_busy_poll's limit */
} opt = {"127.0.0.1", 6379, 0};

static hop_libevent ev;
static hop_post stop_post;
static server srv;

static void stop_now(hop_post *p)
{
    (void)p;
    server_stop(&srv);
}

static void on_signal(int sig)
{
    (void)sig;
    hop_libevent_post(&ev, &stop_post, stop_now);
}

static int usage(void)
{
    fprintf(stderr, "usage: resp-server [--port N] [--bind ADDR] "
                    "[--max-clients N] [--max-bulk BYTES] [--max-args N] "
                    "[--timeout SECONDS] [--busy-poll USEC] "
                    "[--client-output-limit BYTES] [--maxmemory BYTES] "
                    "[--tcp-keepalive SECONDS] [--send-timeout SECONDS]\n");
    return 2;
}

/* The option's value v, a whole number from min to max, in *n; 0, or -1
 * when it is not one. */
static int opt_num(const char *v, long long min, long long max,
                   long long *n)
{
    return resp_parse_ll(v, strlen(v), n) == 0 && *n >= min && *n <= max ? 0
                                                                     : -1;
}

/*
 * Set the option name to v; 0, or -1 for an unknown option or a value
 * that is not a whole number within the option's range (never read as
 * 0, nor wrapped).
 */
static int set_option(const char *name, const char *v)
{
    const long long bytes = SIZE_MAX < LLONG_MAX ? (long long)SIZE_MAX
                                                 : LLONG_MAX;
    long long n;

    if (strcmp(name, "--bind") == 0)
        opt.bind = v;
    else if (strcmp(name, "--port") == 0 && opt_num(v, 0, 65535, &n) == 0)
        opt.port = (int)n;
    else if (strcmp(name, "--max-clients") == 0 &&
             opt_num(v, 1, 1 << 20, &n) == 0)
        resp_opt.max_clients = (int)n;
    else if (strcmp(name, "--max-bulk") == 0 &&
             opt_num(v, 0, LONG_MAX / 2, &n) == 0)
        resp_opt.max_bulk = (long)n;
    else if (strcmp(name, "--max-args") == 0 &&
             opt_num(v, 1, 1 << 24, &n) == 0)
        resp_opt.max_args = (long)n;
    else if (strcmp(name, "--timeout") == 0 &&
             opt_num(v, 0, 1000000000, &n) == 0)
        resp_opt.timeout = (long)n;
    else if (strcmp(name, "--busy-poll") == 0 &&
             opt_num(v, 0, 1000000, &n) == 0)
        opt.busy_poll = (long)n;
    else if (strcmp(name, "--client-output-limit") == 0 &&
             opt_num(v, 0, bytes, &n) == 0)
        resp_opt.output_limit = (size_t)n;
    else if (strcmp(name, "--maxmemory") == 0 &&
             opt_num(v, 0, bytes, &n) == 0)
        resp_opt.maxmemory = (size_t)n;
    else if (strcmp(name, "--tcp-keepalive") == 0 &&
             opt_num(v, 0, 32767, &n) == 0) /* (the kernel's most) */
        resp_opt.keepalive = (int)n;
    else if (strcmp(name, "--send-timeout") == 0 &&
             opt_num(v, 0, 1000000000, &n) == 0)
        resp_opt.send_timeout = (long)n;
    else
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    static hop_loop loop;
    struct sockaddr_in sa;
    struct sigaction act;
    int i, fd, r;

    for (i = 1; i < argc; i += 2)
        if (i + 1 == argc || set_option(argv[i], argv[i + 1]) != 0)
            return usage();

    if (hop_libevent_init(&loop, &ev) != HOP_OK ||
        hop_libevent_enable_posts(&ev) != 0 ||
        hop_libevent_busy_poll(&ev, HOP_USEC(opt.busy_poll)) != HOP_OK) {
        fprintf(stderr, "resp-server: cannot set up the loop\n");
        return 1;
    }
    if (store_init(&loop, 1024) != 0 || resp_sessions_init(&srv, &loop) != 0) {
        fprintf(stderr, "resp-server: out of memory\n");
        return 1;
    }
    fd = server_listen(opt.bind, opt.port, 0, &sa);
    if (fd < 0 || server_start(&srv, fd) != HOP_OK) {
        fprintf(stderr, "resp-server: cannot listen on %s:%d: %s\n",
                opt.bind, opt.port, strerror(errno));
        return 1;
    }
    memset(&act, 0, sizeof act);
    act.sa_handler = on_signal;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    act.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &act, NULL);
    printf("resp-server: listening on %s:%d\n", opt.bind, ntohs(sa.sin_port));
    fflush(stdout);

    r = hop_loop_run(&loop, HOP_RUN_DEFAULT);
    if (server_error(&srv) != 0)
        fprintf(stderr, "resp-server: %s\n",
                hop_io_strerror(server_error(&srv)));
    if (server_cleanup(&srv) != HOP_OK)
        r = 1;
    resp_sessions_cleanup(&srv);
    store_cleanup();
    if (hop_loop_cleanup(&loop) != HOP_OK ||
        hop_libevent_cleanup(&ev) != HOP_OK)
        r = 1;
    printf("resp-server: stopped\n");
    return r == HOP_OK ? 0 : 1;
}
