/*
 * samples/resp/commands.c: the commands of samples/resp-server (see
 * commands.h): a table of names, arities, handlers and flags, looked up
 * in any case as Redis does, and the replies, with Redis 7's errors word
 * for word.
 */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -- replies ----------------------------------------------------------- */

/* A client's replies went over --client-output-limit: drop it, and
 * say so once. */
static void over_limit(conn *c)
{
    c->drop = 1;
    fprintf(stderr,
            "resp-server: client %s closed: its replies went over "
            "--client-output-limit %lu\n",
            c->peer, (unsigned long)resp_opt.output_limit);
}

static void out(conn *c, const char *p, size_t n)
{
    int r;

    if (c->drop)
        return;
    r = hop_writer_put(&c->w, p, n);
    if (r == -ENOBUFS)
        over_limit(c);
    else if (r != HOP_OK)
        c->drop = 1; /* out of memory: give up on this client */
}

static void out_str(conn *c, const char *s)
{
    out(c, s, strlen(s));
}

static void out_int(conn *c, char type, long long v)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%c%lld\r\n", type, v);

    out(c, b, (size_t)n);
}

static void out_bulk(conn *c, const char *p, size_t n)
{
    out_int(c, '$', (long long)n);
    out(c, p, n);
    out(c, "\r\n", 2);
}

static void out_nil(conn *c)
{
    out(c, "$-1\r\n", 5);
}

void reply_error(conn *c, const char *a, const char *b)
{
    out_str(c, "-ERR ");
    out_str(c, a);
    out_str(c, b);
    out(c, "\r\n", 2);
}

/* The bytes a value takes in a reply: "$len", CR LF, itself, CR LF. */
static size_t bulk_size(const blob *b)
{
    return b != NULL ? b->len + 25 : 5;
}

/*
 * Reply with the value b (NULL: a nil). A small one goes into the writer
 * at once; a bigger one, and every one after it in the same reply, is
 * kept with a reference for send_more, which puts it in the writer as
 * the writer is written out. Going over --client-output-limit, counting
 * the bytes in the writer and those the kept values will take, drops
 * the client.
 */
static void reply_value(conn *c, blob *b)
{
    size_t n = bulk_size(b), held = hop_writer_len(&c->w);

    if (c->drop)
        return;
    if (c->nparts == 0 && held + n <= OUT_FLUSH) {
        if (b == NULL)
            out_nil(c);
        else
            out_bulk(c, b->data, b->len);
        return;
    }
    if (resp_opt.output_limit > 0 &&
        held + c->pending + n > resp_opt.output_limit) {
        over_limit(c);
        return;
    }
    if (c->nparts == c->partcap) {
        long cap = c->partcap != 0 ? c->partcap * 2 : 16;
        blob **a = realloc(c->parts, (size_t)cap * sizeof *a);
        if (a == NULL) {
            c->drop = 1; /* out of memory: give up on this client */
            return;
        }
        c->parts = a;
        c->partcap = cap;
    }
    if (b != NULL)
        b->refs++;
    c->parts[c->nparts++] = b;
    c->pending += n;
}

void reply_drop(conn *c)
{
    while (c->part < c->nparts)
        blob_unref(c->parts[c->part++]);
    c->nparts = c->part = 0;
    c->part_off = 0;
    c->part_head = 0;
    c->pending = 0;
}

void reply_more(conn *c)
{
    while (c->part < c->nparts && !c->drop) {
        blob *b = c->parts[c->part];
        size_t held = hop_writer_len(&c->w), size = bulk_size(b), n;
        if (held >= OUT_FLUSH)
            return;
        if (b == NULL) {
            out_nil(c);
        } else {
            if (!c->part_head) {
                out_int(c, '$', (long long)b->len);
                c->part_head = 1;
            }
            n = b->len - c->part_off;
            if (n > OUT_FLUSH - held)
                n = OUT_FLUSH - held;
            out(c, b->data + c->part_off, n);
            c->part_off += n;
            if (c->part_off < b->len)
                continue; /* the writer is full */
            out(c, "\r\n", 2);
            blob_unref(b);
        }
        c->pending -= size;
        c->parts[c->part++] = NULL;
        c->part_off = 0;
        c->part_head = 0;
    }
    if (c->part == c->nparts || c->drop)
        reply_drop(c);
}

/* -- the commands ------------------------------------------------------ */

#define A(i) RESP_ARG(&c->args, i)
#define AL(i) RESP_ARGLEN(&c->args, i)

/* Whether argument i is name, in any case. */
static int is(const conn *c, long i, const char *name)
{
    return resp_arg_is(&c->args, i, name);
}

/*
 * Append argument i as C's "%.*s" with max would (up to max bytes, and
 * not past a NUL), with CR and LF turned into spaces, as Redis does in
 * its errors so that one error stays one line; returns the count.
 */
static size_t out_quoted(conn *c, long i, size_t max)
{
    const char *p = A(i);
    size_t n = 0, k;
    char b[64];

    while (n < max && n < AL(i) && p[n] != '\0')
        n++;
    for (k = 0; k < n; k++) {
        b[k % sizeof b] = p[k] == '\r' || p[k] == '\n' ? ' ' : p[k];
        if (k % sizeof b == sizeof b - 1 || k == n - 1)
            out(c, b, k % sizeof b + 1);
    }
    return n;
}

/* Redis's answer to a command it does not know. */
static void unknown_command(conn *c)
{
    size_t len = 0;
    long i;

    out_str(c, "-ERR unknown command '");
    out_quoted(c, 0, 128);
    out_str(c, "', with args beginning with: ");
    for (i = 1; i < c->args.n && len < 128; i++) {
        out(c, "'", 1);
        len += out_quoted(c, i, 128 - len) + 3;
        out(c, "' ", 2);
    }
    out(c, "\r\n", 2);
}

/* Redis's answer to a command with too few or too many arguments:
 * name is its full name, in lower case. */
static void wrong_args(conn *c, const char *name)
{
    out_str(c, "-ERR wrong number of arguments for '");
    out_str(c, name);
    out_str(c, "' command\r\n");
}

/* Reply with argument i: a long one through a value of its own, sent as
 * the writer is written out, so that the writer stays small. */
static void reply_arg(conn *c, long i)
{
    blob *b;

    if (AL(i) + 25 <= OUT_FLUSH) {
        out_bulk(c, A(i), AL(i));
        return;
    }
    b = blob_new(A(i), AL(i));
    if (b == NULL) {
        c->drop = 1; /* out of memory: give up on this client */
        return;
    }
    reply_value(c, b);
    blob_unref(b);
}

static void cmd_ping(conn *c)
{
    if (c->args.n == 1)
        out(c, "+PONG\r\n", 7);
    else if (c->args.n == 2)
        reply_arg(c, 1);
    else
        wrong_args(c, "ping");
}

static void cmd_echo(conn *c)
{
    reply_arg(c, 1);
}

static void cmd_get(conn *c)
{
    entry **p = store_lookup(A(1), AL(1));

    reply_value(c, *p != NULL ? (*p)->val : NULL);
}

/*
 * SET key value [NX | XX] [EX seconds | PX milliseconds], with Redis's
 * answers: the options first ("syntax error" for an unknown one, NX with
 * XX, EX with PX, or one without its number), then the time: "value is
 * not an integer or out of range" when it is not a whole number, "invalid
 * expire time" when it is zero, negative, or past what the loop's clock
 * can hold (hop_time: nanoseconds, about 292 years).
 */
static void cmd_set(conn *c)
{
    long i, ex = 0; /* ex: the index of the time, or 0 */
    hop_time unit = 0, when = 0, now, room;
    long long v;
    int nx = 0, xx = 0;
    entry **p, *e;

    for (i = 3; i < c->args.n; i++) {
        int more = i + 1 < c->args.n;
        if (is(c, i, "NX") && !xx) {
            nx = 1;
        } else if (is(c, i, "XX") && !nx) {
            xx = 1;
        } else if (is(c, i, "EX") && unit != HOP_MSEC(1) && more) {
            unit = HOP_SEC(1);
            ex = ++i;
        } else if (is(c, i, "PX") && unit != HOP_SEC(1) && more) {
            unit = HOP_MSEC(1);
            ex = ++i;
        } else {
            reply_error(c, "syntax error", "");
            return;
        }
    }
    if (ex != 0) {
        if (resp_parse_ll(A(ex), AL(ex), &v) != 0) {
            reply_error(c, "value is not an integer or out of range", "");
            return;
        }
        now = hop_loop_now(store.loop);
        room = HOP_FOREVER - 1 - (now > 0 ? now : 0);
        if (v <= 0 || v > room / unit) {
            reply_error(c, "invalid expire time in 'set' command", "");
            return;
        }
        when = now + (hop_time)v * unit;
    }
    p = store_lookup(A(1), AL(1));
    if ((nx && *p != NULL) || (xx && *p == NULL)) {
        out_nil(c);
        return;
    }
    e = store_set(A(1), AL(1), A(2), AL(2));
    if (e == NULL) {
        reply_error(c, "out of memory", "");
        return;
    }
    if (ex != 0)
        hop_timer_start(store.loop, &e->timer, when);
    out(c, "+OK\r\n", 5);
}

static void cmd_incr(conn *c)
{
    entry **p = store_lookup(A(1), AL(1));
    long long v = 0;
    char b[32];
    int n;

    if (*p != NULL && resp_parse_ll((*p)->val->data, (*p)->val->len, &v) != 0) {
        reply_error(c, "value is not an integer or out of range", "");
        return;
    }
    if (v == LLONG_MAX) {
        reply_error(c, "increment or decrement would overflow", "");
        return;
    }
    v++;
    n = snprintf(b, sizeof b, "%lld", v);
    if (*p != NULL) {
        blob *nv = blob_new(b, (size_t)n);
        if (nv == NULL) {
            reply_error(c, "out of memory", "");
            return;
        }
        blob_unref((*p)->val);
        (*p)->val = nv;
    } else if (store_set(A(1), AL(1), b, (size_t)n) == NULL) {
        reply_error(c, "out of memory", "");
        return;
    }
    out_int(c, ':', v);
}


/* How many of the keys from argument 1 on there are; del: remove
 * them. */
static long count_keys(conn *c, int del)
{
    long i, n = 0;

    for (i = 1; i < c->args.n; i++) {
        entry **p = store_lookup(A(i), AL(i));
        if (*p != NULL) {
            n++;
            if (del)
                store_remove(p);
        }
    }
    return n;
}

static void cmd_del(conn *c)
{
    out_int(c, ':', count_keys(c, 1));
}

static void cmd_exists(conn *c)
{
    out_int(c, ':', count_keys(c, 0));
}

static void cmd_mget(conn *c)
{
    long i;

    out_int(c, '*', c->args.n - 1);
    for (i = 1; i < c->args.n && !c->drop; i++) {
        entry **p = store_lookup(A(i), AL(i));
        reply_value(c, *p != NULL ? (*p)->val : NULL);
    }
}

static void cmd_mset(conn *c)
{
    long i;

    if (c->args.n % 2 == 0) {
        wrong_args(c, "mset");
        return;
    }
    for (i = 1; i < c->args.n; i += 2)
        if (store_set(A(i), AL(i), A(i + 1), AL(i + 1)) == NULL) {
            reply_error(c, "out of memory", "");
            return;
        }
    out(c, "+OK\r\n", 5);
}

static void cmd_dbsize(conn *c)
{
    out_int(c, ':', (long long)store.count);
}

/* FLUSHALL and FLUSHDB [ASYNC | SYNC]: both drop every key at once. */
static void cmd_flush(conn *c)
{
    if (c->args.n > 2 || (c->args.n == 2 && !is(c, 1, "ASYNC") &&
                        !is(c, 1, "SYNC"))) {
        reply_error(c, "syntax error", "");
        return;
    }
    store_flush();
    out(c, "+OK\r\n", 5);
}

/* What redis-cli asks at start (COMMAND DOCS): nothing to add. */
static void cmd_command(conn *c)
{
    out(c, "*0\r\n", 4);
}

/* CONFIG GET: redis-benchmark reads "save" and "appendonly"; no
 * persistence here. Other parameters are unknown, and CONFIG has no
 * other subcommand here. */
static void cmd_config(conn *c)
{
    long i, n = 0;

    if (!is(c, 1, "GET")) {
        out_str(c, "-ERR unknown subcommand '");
        out_quoted(c, 1, 128);
        out_str(c, "'. Try CONFIG HELP.\r\n");
        return;
    }
    if (c->args.n < 3) {
        wrong_args(c, "config|get");
        return;
    }
    for (i = 2; i < c->args.n; i++)
        n += is(c, i, "SAVE") || is(c, i, "APPENDONLY");
    out_int(c, '*', 2 * n);
    for (i = 2; i < c->args.n; i++) {
        if (is(c, i, "SAVE")) {
            out_bulk(c, "save", 4);
            out_bulk(c, "", 0);
        } else if (is(c, i, "APPENDONLY")) {
            out_bulk(c, "appendonly", 10);
            out_bulk(c, "no", 2);
        }
    }
}

static void cmd_quit(conn *c)
{
    out(c, "+OK\r\n", 5);
    c->quit = 1;
}

/* A command's flags. */
enum {
    CMD_GROWS = 1 /* may add to the data set: refused past --maxmemory */
};

/*
 * The commands, looked up by name in any case, as Redis does. arity is
 * Redis's: n for exactly n arguments (the name included), -n for at
 * least n; a command outside it gets Redis's "wrong number of arguments"
 * with its name in lower case.
 */
static const struct command {
    const char *name;        /* in lower case */
    int arity;
    void (*run)(conn *c);
    unsigned flags;          /* CMD_* */
} commands[] = {
    {"get", 2, cmd_get, 0},             {"set", -3, cmd_set, CMD_GROWS},
    {"ping", -1, cmd_ping, 0},          {"echo", 2, cmd_echo, 0},
    {"del", -2, cmd_del, 0},            {"exists", -2, cmd_exists, 0},
    {"incr", 2, cmd_incr, CMD_GROWS},   {"mget", -2, cmd_mget, 0},
    {"mset", -3, cmd_mset, CMD_GROWS},  {"dbsize", 1, cmd_dbsize, 0},
    {"flushall", -1, cmd_flush, 0},     {"flushdb", -1, cmd_flush, 0},
    {"command", -1, cmd_command, 0},    {"config", -2, cmd_config, 0},
    {"quit", -1, cmd_quit, 0},
};

/* The command named by argument 0, in any case, or NULL. */
static const struct command *find_command(const conn *c)
{
    size_t k;

    for (k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (is(c, 0, commands[k].name))
            return &commands[k];
    return NULL;
}

/*
 * Whether the command may run under --maxmemory: whether the data set
 * can take, at most, each argument as a new key or value (its bytes, an
 * entry and a header), and the table of slots doubling.
 */
static int fits(const conn *c)
{
    size_t need =
        c->args.len + (size_t)c->args.n * (sizeof(entry) + sizeof(blob));

    if ((size_t)c->args.n + store.count > store.nslots)
        need += store.nslots * sizeof *store.slots;
    return store.used <= resp_opt.maxmemory &&
           need <= resp_opt.maxmemory - store.used;
}

/* Run the parsed command (one argument at least) and append its
 * reply. */
static void dispatch(conn *c)
{
    const struct command *cmd = find_command(c);

    if (cmd == NULL) {
        unknown_command(c);
        return;
    }
    if (cmd->arity > 0 ? c->args.n != cmd->arity : c->args.n < -cmd->arity) {
        wrong_args(c, cmd->name);
        return;
    }
    if ((cmd->flags & CMD_GROWS) && resp_opt.maxmemory > 0 && !fits(c)) {
        out_str(c, "-OOM command not allowed when used memory > "
                   "'maxmemory'.\r\n");
        return;
    }
    cmd->run(c);
}

void resp_execute(conn *c)
{
    if (c->args.n > 0)
        dispatch(c);
    resp_args_shrink(&c->args, ARG_KEEP);
}
