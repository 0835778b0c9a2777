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
 * Only hop's public API is used.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <hop.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define E_PROTO 1     /* the sample's own error: a malformed request */
#define READ_BUF 16384 /* per connection: the reader's buffer */
#define OUT_FLUSH 65536 /* write the replies out past this many bytes */
#define ARG_KEEP 65536 /* the argument buffer kept between commands */

static struct {
    const char *bind;
    int port;
    int max_clients;
    long max_bulk;
    long max_args;
    long timeout; /* seconds of idleness before a client is dropped */
    long busy_poll; /* microseconds: hop_ev_busy_poll's limit */
    size_t output_limit; /* bytes of replies a client may have queued */
    size_t maxmemory;    /* bytes of the data set (db.used), 0: no limit */
    int keepalive;       /* seconds: TCP keepalive's idle time, 0: off */
    long send_timeout;   /* seconds a client may take no reply, 0: none */
} opt = {"127.0.0.1", 6379, 1024, 1L << 20, 1024, 0, 0, (size_t)64 << 20,
         0, 300, 60};

/* -- the store ------------------------------------------------------------ */

/*
 * A value. Its key holds a reference, and so does each reply that is
 * still sending it: a reply streamed out over many writes sends the
 * values of when its command ran, even when a key changes meanwhile.
 */
typedef struct blob {
    size_t refs;
    size_t len;
    char data[];         /* len bytes and a NUL */
} blob;

typedef struct entry {
    struct entry *next;  /* hash chain */
    hop_timer timer;     /* expiry, when started */
    blob *val;
    size_t klen;
    char key[];          /* klen bytes */
} entry;

/*
 * The data set. used is what --maxmemory counts: for each key, its bytes
 * and its entry; for each value, its bytes and its header, for as long as
 * it lives (also while a reply still sends it after its key changed or
 * went); and the table of slots. The connections' buffers are not
 * counted (their own limits bound them), nor the allocator's overhead.
 */
static struct {
    entry **slots;
    size_t nslots;       /* a power of two */
    size_t count;
    size_t used;         /* bytes, as above */
    hop_loop *loop;
} db;

/*
 * Keys are hashed with SipHash (Aumasson and Bernstein) under a key drawn
 * at random when the first key is hashed: a client that does not know
 * it cannot choose keys that all fall into one slot, which would make
 * every lookup walk all of them. c and d are the rounds per word and at
 * the end: 1 and 3 for the table (SipHash-1-3), 2 and 4 in the test
 * against the reference vector.
 */
static uint64_t sip_key[2];
static int sip_keyed;

static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

static void sip_rounds(uint64_t v[4], int n)
{
    while (n-- > 0) {
        v[0] += v[1];
        v[1] = rotl(v[1], 13) ^ v[0];
        v[0] = rotl(v[0], 32);
        v[2] += v[3];
        v[3] = rotl(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = rotl(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = rotl(v[1], 17) ^ v[2];
        v[2] = rotl(v[2], 32);
    }
}

/* The n bytes at p as a little-endian number (n <= 8). */
static uint64_t le64(const unsigned char *p, size_t n)
{
    uint64_t m = 0;

    while (n-- > 0)
        m = m << 8 | p[n];
    return m;
}

static uint64_t siphash(const void *data, size_t n, const uint64_t k[2],
                        int c, int d)
{
    const unsigned char *p = data;
    uint64_t v[4], m;
    size_t i;

    v[0] = k[0] ^ 0x736f6d6570736575ULL;
    v[1] = k[1] ^ 0x646f72616e646f6dULL;
    v[2] = k[0] ^ 0x6c7967656e657261ULL;
    v[3] = k[1] ^ 0x7465646279746573ULL;
    for (i = 0; i + 8 <= n; i += 8) {
        m = le64(p + i, 8);
        v[3] ^= m;
        sip_rounds(v, c);
        v[0] ^= m;
    }
    m = le64(p + i, n - i) | (uint64_t)n << 56;
    v[3] ^= m;
    sip_rounds(v, c);
    v[0] ^= m;
    v[2] ^= 0xff;
    sip_rounds(v, d);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* Draw the hash key from /dev/urandom; without it, from the clock, the
 * process id and an address, which are still not the client's to see. */
static void sip_seed(void)
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
    struct timespec ts;

    if (fd >= 0)
        close(fd);
    if (got == (ssize_t)sizeof b) {
        sip_key[0] = le64(b, 8);
        sip_key[1] = le64(b + 8, 8);
    } else {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        sip_key[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        sip_key[1] = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)b;
        sip_key[0] = siphash(sip_key, sizeof sip_key, sip_key, 2, 4);
    }
    sip_keyed = 1;
}

static size_t hash(const char *k, size_t n)
{
    if (!sip_keyed)
        sip_seed();
    return (size_t)siphash(k, n, sip_key, 1, 3);
}

static entry **lookup(const char *k, size_t n)
{
    entry **p = &db.slots[hash(k, n) & (db.nslots - 1)];

    while (*p != NULL &&
           ((*p)->klen != n || memcmp((*p)->key, k, n) != 0))
        p = &(*p)->next;
    return p;
}

/* A value of n bytes from p, with one reference; NULL when out of
 * memory. */
static blob *blob_new(const char *p, size_t n)
{
    blob *b = malloc(sizeof *b + n + 1);

    if (b == NULL)
        return NULL;
    db.used += sizeof *b + n + 1;
    b->refs = 1;
    b->len = n;
    memcpy(b->data, p, n);
    b->data[n] = '\0';
    return b;
}

static void blob_unref(blob *b)
{
    if (b != NULL && --b->refs == 0) {
        db.used -= sizeof *b + b->len + 1;
        free(b);
    }
}

static void unlink_free(entry **p)
{
    entry *e = *p;

    *p = e->next;
    hop_timer_stop(db.loop, &e->timer);
    blob_unref(e->val);
    db.used -= sizeof *e + e->klen;
    free(e);
    db.count--;
}

static void expired(hop_timer *t)
{
    entry *e = HOP_CONTAINER_OF(t, entry, timer);

    unlink_free(lookup(e->key, e->klen));
}

static int grow(void)
{
    size_t n = db.nslots * 2, i;
    entry **s = calloc(n, sizeof *s);

    if (s == NULL)
        return -1;
    for (i = 0; i < db.nslots; i++) {
        entry *e = db.slots[i];
        while (e != NULL) {
            entry *next = e->next;
            size_t h = hash(e->key, e->klen) & (n - 1);
            e->next = s[h];
            s[h] = e;
            e = next;
        }
    }
    free(db.slots);
    db.used += (n - db.nslots) * sizeof *s;
    db.slots = s;
    db.nslots = n;
    return 0;
}

/* Set key to val; returns the entry, or NULL when out of memory. */
static entry *store_set(const char *k, size_t kn, const char *v, size_t vn)
{
    entry **p = lookup(k, kn);
    entry *e = *p;
    blob *nv = blob_new(v, vn);

    if (nv == NULL)
        return NULL;
    if (e == NULL) {
        e = malloc(sizeof *e + kn);
        if (e == NULL) {
            blob_unref(nv);
            return NULL;
        }
        db.used += sizeof *e + kn;
        memcpy(e->key, k, kn);
        e->klen = kn;
        e->val = NULL;
        hop_timer_init(&e->timer, expired);
        e->next = NULL;
        *p = e;
        db.count++;
        if (db.count > db.nslots && grow() != 0) {
            /* (a longer chain: still correct) */
        }
    } else {
        hop_timer_stop(db.loop, &e->timer); /* SET clears the expiry */
    }
    blob_unref(e->val);
    e->val = nv;
    return e;
}

static void store_flush(void)
{
    size_t i;

    for (i = 0; i < db.nslots; i++)
        while (db.slots[i] != NULL)
            unlink_free(&db.slots[i]);
}

/* -- a connection ------------------------------------------------------------ */

typedef struct conn conn;

/* The arguments of the command being parsed: offsets into argbuf. */
typedef struct {
    size_t off;
    size_t len;
} arg;

/* read_bulk: one bulk string ("$5\r\nvalue\r\n") into the arguments. */
typedef struct {
    hop_frame hdr;
    hop_reader_frame rf;
    conn *c;
    long len;            /* the string's length, or -1 before its header */
} bulk_frame;

/* read_command: parse one command into the connection's arguments. */
typedef struct {
    hop_frame hdr;
    bulk_frame bulk;
    hop_reader_frame rf;
    conn *c;
    long nargs;
    long i;
} command_frame;

/* The connection's task. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope idle;
    command_frame cmd;
    hop_io_frame fl;
    hop_linger_frame lg;
    conn *c;
    int err;             /* what the flush of the replies failed with */
} session_frame;

struct conn {
    hop_task task;
    session_frame session;
    hop_stream s;
    hop_reader r;
    hop_writer w;        /* the replies not yet written */
    conn *next_free;
    char *argbuf;        /* the arguments' bytes */
    size_t alen, acap;
    arg *argv;
    long argc, argcap;
    blob **parts;        /* the values the reply has still to send (NULL:
                            a nil), each with a reference */
    long nparts, partcap;
    long part;           /* the one being sent */
    size_t part_off;     /* how much of it went into the writer */
    int part_head;       /* whether its "$len" did */
    size_t pending;      /* the bytes the parts will take */
    int quit;            /* QUIT: close after the reply */
    int drop;            /* close now, without the replies held */
    int in_use;
    char peer[64];       /* the client's address and port */
    char rbuf[READ_BUF];
};

static conn *conns;      /* opt.max_clients slots */
static conn *free_conns;
static int nclients;

/* Make *buf (*cap bytes) hold at least need: twice as large, or as
 * large as needed when that is more. */
static int reserve(char **buf, size_t *cap, size_t need)
{
    size_t n = *cap <= SIZE_MAX / 2 ? *cap * 2 : SIZE_MAX;
    char *p;

    if (need <= *cap)
        return 0;
    if (n < 256)
        n = 256;
    if (n < need)
        n = need;
    p = realloc(*buf, n);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* -- replies ---------------------------------------------------------------- */

/* A client's replies went over --client-output-limit: drop it, and
 * say so once. */
static void over_limit(conn *c)
{
    c->drop = 1;
    fprintf(stderr,
            "resp-server: client %s closed: its replies went over "
            "--client-output-limit %lu\n",
            c->peer, (unsigned long)opt.output_limit);
}

/* A client took no byte of its replies for --send-timeout: it is
 * closed; say so once. */
static void send_timed_out(conn *c)
{
    fprintf(stderr,
            "resp-server: client %s closed: it took no byte of its replies "
            "for %ld s (--send-timeout)\n",
            c->peer, opt.send_timeout);
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

static void out_err(conn *c, const char *a, const char *b)
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
    if (opt.output_limit > 0 && held + c->pending + n > opt.output_limit) {
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

/* Give back the values the reply has not sent. */
static void drop_parts(conn *c)
{
    while (c->part < c->nparts)
        blob_unref(c->parts[c->part++]);
    c->nparts = c->part = 0;
    c->part_off = 0;
    c->part_head = 0;
    c->pending = 0;
}

/* Put more of the kept values into the writer, until it holds OUT_FLUSH
 * bytes or none is left. */
static void send_more(conn *c)
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
        drop_parts(c);
}

/*
 * The decimal integer that is all of p[0, n), in *v, read as Redis reads
 * one: an optional '-', then digits without a leading zero (or "0"); no
 * '+', no blank, nothing after. 0, or -1 when it is not one or does not
 * fit in a long long.
 */
static int parse_ll(const char *p, size_t n, long long *v)
{
    unsigned long long u = 0, lim = LLONG_MAX;
    size_t i = 0;

    if (n == 1 && p[0] == '0') {
        *v = 0;
        return 0;
    }
    if (n > 0 && p[0] == '-') {
        lim = (unsigned long long)LLONG_MAX + 1;
        i = 1;
    }
    if (i == n || p[i] < '1' || p[i] > '9')
        return -1;
    for (; i < n; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (p[i] < '0' || p[i] > '9' || u > (lim - d) / 10)
            return -1;
        u = u * 10 + d;
    }
    if (p[0] != '-')
        *v = (long long)u;
    else if (u == (unsigned long long)LLONG_MAX + 1)
        *v = LLONG_MIN;
    else
        *v = -(long long)u;
    return 0;
}

/* -- the parser ------------------------------------------------------------ */

/* "123\r\n" after the type byte: the number, or -2 when malformed. */
static long parse_len(const char *p, size_t n)
{
    long v = 0;
    size_t i = 1;

    if (n < 3 || p[n - 1] != '\n' || p[n - 2] != '\r')
        return -2;
    n -= 2;
    if (i < n && p[i] == '-' && n == 3 && p[2] == '1')
        return -1;
    if (i == n)
        return -2;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9' || v > (LONG_MAX - 9) / 10)
            return -2;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int push_arg(conn *c, const char *p, size_t n)
{
    if (c->argc == c->argcap) {
        long cap = c->argcap != 0 ? c->argcap * 2 : 16;
        arg *a = realloc(c->argv, (size_t)cap * sizeof *a);
        if (a == NULL)
            return -1;
        c->argv = a;
        c->argcap = cap;
    }
    if (reserve(&c->argbuf, &c->acap, c->alen + n + 1) != 0)
        return -1;
    memcpy(c->argbuf + c->alen, p, n);
    c->argbuf[c->alen + n] = '\0';
    c->argv[c->argc].off = c->alen;
    c->argv[c->argc].len = n;
    c->argc++;
    c->alen += n + 1;
    return 0;
}

/* An inline command: arguments separated by blanks. */
static int split_inline(conn *c, const char *p, size_t n)
{
    size_t i = 0;

    while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    while (i < n) {
        size_t j;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n)
            break;
        for (j = i; j < n && p[j] != ' ' && p[j] != '\t'; j++)
            ;
        if ((long)c->argc == opt.max_args || push_arg(c, p + i, j - i) != 0)
            return -1;
        i = j;
    }
    return 0;
}

/*
 * The length of the first buffered line, or 0 when no whole line is
 * buffered yet. The parser awaits need_line only then: a pipeline of
 * commands already read is parsed without suspending at all.
 */
static size_t buffered_line(const conn *c)
{
    const char *p = hop_reader_data(&c->r);
    const char *q = memchr(p, '\n', hop_reader_len(&c->r));

    return q != NULL ? (size_t)(q - p) + 1 : 0;
}

/* What bulk_take made of the bytes buffered. */
enum {
    BULK_TAKEN,  /* the string is the next argument */
    BULK_MORE,   /* more bytes are needed (the header may be taken) */
    BULK_BAD,    /* malformed: a protocol error */
    BULK_NOMEM   /* out of memory */
};

/*
 * Take as much of a bulk string ("$5\r\nvalue\r\n") as the reader holds:
 * its header line when *len is -1 (it is not taken yet), which sets *len;
 * then, when they are all buffered, its bytes and CR LF, which become the
 * next argument. A string too long for the reader is left to read_bulk
 * once its header is taken. Nothing is taken when the result is
 * BULK_BAD (*why says what is wrong) or BULK_NOMEM. Both the parser's
 * fast path (a pipeline already read) and read_bulk parse with it.
 */
static int bulk_take(conn *c, long *len, const char **why)
{
    const char *p = hop_reader_data(&c->r);
    size_t n;
    long l;

    if (*len < 0) {
        n = buffered_line(c);
        if (n == 0)
            return BULK_MORE;
        if (p[0] != '$') {
            *why = "expected '$'";
            return BULK_BAD;
        }
        l = parse_len(p, n);
        if (l < 0 || l > opt.max_bulk) {
            *why = "invalid bulk length";
            return BULK_BAD;
        }
        hop_reader_consume(&c->r, n);
        *len = l;
    }
    if ((size_t)*len + 2 > READ_BUF ||
        hop_reader_len(&c->r) < (size_t)*len + 2)
        return BULK_MORE;
    p = hop_reader_data(&c->r);
    if (p[*len] != '\r' || p[*len + 1] != '\n') {
        *why = "bulk not followed by CRLF";
        return BULK_BAD;
    }
    if (push_arg(c, p, (size_t)*len) != 0)
        return BULK_NOMEM;
    hop_reader_consume(&c->r, (size_t)*len + 2);
    return BULK_TAKEN;
}

static hop_step bulk_step(hop_gen *g, hop_frame *f)
{
    bulk_frame *self = (bulk_frame *)f;
    conn *c = self->c;
    const char *p, *why = NULL;
    int r;
    HOP_BEGIN(g, self);
    for (;;) {
        r = bulk_take(c, &self->len, &why);
        if (r == BULK_TAKEN)
            HOP_RETURN(self, 0);
        if (r == BULK_BAD)
            HOP_RAISE_MSG(self, E_PROTO, why);
        if (r == BULK_NOMEM)
            HOP_RAISE_MSG(self, HOP_ENOMEM, "out of memory");
        if (self->len < 0) /* the header line */
            HOP_AWAIT(self, hop_read_line(&self->rf, &c->r, READ_BUF));
        else if ((size_t)self->len + 2 <= READ_BUF) /* the string */
            HOP_AWAIT(self, hop_fill(&self->rf, &c->r,
                                     (size_t)self->len + 2));
        else
            break;
    }
    /* A string too long for the reader goes straight into the argument
     * buffer. */
    if (push_arg(c, "", 0) != 0 ||
        reserve(&c->argbuf, &c->acap, c->alen + (size_t)self->len + 1) != 0)
        HOP_RAISE_MSG(self, HOP_ENOMEM, "out of memory");
    c->alen--; /* over the empty argument's NUL */
    c->argv[c->argc - 1].off = c->alen;
    c->argv[c->argc - 1].len = (size_t)self->len;
    HOP_AWAIT(self, hop_reader_read(&self->rf, &c->r, c->argbuf + c->alen,
                                    (size_t)self->len));
    c->alen += (size_t)self->len;
    c->argbuf[c->alen++] = '\0';
    HOP_AWAIT(self, hop_fill(&self->rf, &c->r, 2));
    p = hop_reader_data(&c->r);
    if (p[0] != '\r' || p[1] != '\n')
        HOP_RAISE_MSG(self, E_PROTO, "bulk not followed by CRLF");
    hop_reader_consume(&c->r, 2);
    HOP_END(self);
}

/* Read the rest of a bulk string, of which bulk_take took what was
 * buffered: len is its length when its header is taken, else -1. */
static hop_frame *read_bulk(bulk_frame *f, conn *c, long len)
{
    hop_frame_init(&f->hdr, bulk_step, HOP_COROUTINE);
    f->c = c;
    f->len = len;
    return &f->hdr;
}

static hop_step command_step(hop_gen *g, hop_frame *f)
{
    command_frame *self = (command_frame *)f;
    conn *c = self->c;
    const char *p, *why = NULL;
    size_t n;
    long len;
    HOP_BEGIN(g, self);
    c->argc = 0;
    c->alen = 0;
    n = buffered_line(c);
    if (n == 0) { /* not all here: await the rest */
        HOP_AWAIT(self, hop_read_line(&self->rf, &c->r, READ_BUF));
        n = (size_t)HOP_VALUE(self);
    }
    p = hop_reader_data(&c->r);
    if (p[0] != '*') {
        int r = split_inline(c, p, n);
        hop_reader_consume(&c->r, n);
        if (r != 0)
            HOP_RAISE_MSG(self, E_PROTO, "too many arguments");
        HOP_RETURN(self, c->argc);
    }
    self->nargs = parse_len(p, n);
    hop_reader_consume(&c->r, n);
    if (self->nargs < -1 || self->nargs > opt.max_args)
        HOP_RAISE_MSG(self, E_PROTO, "invalid multibulk length");
    for (self->i = 0; self->i < self->nargs; self->i++) {
        /* A string all buffered is taken at once; read_bulk reads the
         * rest of one that is not (or raises what is wrong with it). */
        len = -1;
        if (bulk_take(c, &len, &why) != BULK_TAKEN)
            HOP_AWAIT(self, read_bulk(&self->bulk, c, len));
    }
    HOP_RETURN(self, c->argc);
    HOP_END(self);
}

static hop_frame *read_command(command_frame *f, conn *c)
{
    hop_frame_init(&f->hdr, command_step, HOP_COROUTINE);
    f->c = c;
    return &f->hdr;
}

/* -- the commands ----------------------------------------------------------- */

#define A(i) (c->argbuf + c->argv[i].off)
#define AL(i) (c->argv[i].len)

/* Whether argument i is name, in any case. */
static int is(const conn *c, long i, const char *name)
{
    size_t n = strlen(name), k;

    if (c->argv[i].len != n)
        return 0;
    for (k = 0; k < n; k++) {
        char a = c->argbuf[c->argv[i].off + k], b = name[k];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z')
            b = (char)(b - 'a' + 'A');
        if (a != b)
            return 0;
    }
    return 1;
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
    for (i = 1; i < c->argc && len < 128; i++) {
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
    if (c->argc == 1)
        out(c, "+PONG\r\n", 7);
    else if (c->argc == 2)
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
    entry **p = lookup(A(1), AL(1));

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

    for (i = 3; i < c->argc; i++) {
        int more = i + 1 < c->argc;
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
            out_err(c, "syntax error", "");
            return;
        }
    }
    if (ex != 0) {
        if (parse_ll(A(ex), AL(ex), &v) != 0) {
            out_err(c, "value is not an integer or out of range", "");
            return;
        }
        now = hop_loop_now(db.loop);
        room = HOP_FOREVER - 1 - (now > 0 ? now : 0);
        if (v <= 0 || v > room / unit) {
            out_err(c, "invalid expire time in 'set' command", "");
            return;
        }
        when = now + (hop_time)v * unit;
    }
    p = lookup(A(1), AL(1));
    if ((nx && *p != NULL) || (xx && *p == NULL)) {
        out_nil(c);
        return;
    }
    e = store_set(A(1), AL(1), A(2), AL(2));
    if (e == NULL) {
        out_err(c, "out of memory", "");
        return;
    }
    if (ex != 0)
        hop_timer_start(db.loop, &e->timer, when);
    out(c, "+OK\r\n", 5);
}

static void cmd_incr(conn *c)
{
    entry **p = lookup(A(1), AL(1));
    long long v = 0;
    char b[32];
    int n;

    if (*p != NULL && parse_ll((*p)->val->data, (*p)->val->len, &v) != 0) {
        out_err(c, "value is not an integer or out of range", "");
        return;
    }
    if (v == LLONG_MAX) {
        out_err(c, "increment or decrement would overflow", "");
        return;
    }
    v++;
    n = snprintf(b, sizeof b, "%lld", v);
    if (*p != NULL) {
        blob *nv = blob_new(b, (size_t)n);
        if (nv == NULL) {
            out_err(c, "out of memory", "");
            return;
        }
        blob_unref((*p)->val);
        (*p)->val = nv;
    } else if (store_set(A(1), AL(1), b, (size_t)n) == NULL) {
        out_err(c, "out of memory", "");
        return;
    }
    out_int(c, ':', v);
}


/* How many of the keys from argument 1 on there are; del: remove
 * them. */
static long count_keys(conn *c, int del)
{
    long i, n = 0;

    for (i = 1; i < c->argc; i++) {
        entry **p = lookup(A(i), AL(i));
        if (*p != NULL) {
            n++;
            if (del)
                unlink_free(p);
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

    out_int(c, '*', c->argc - 1);
    for (i = 1; i < c->argc && !c->drop; i++) {
        entry **p = lookup(A(i), AL(i));
        reply_value(c, *p != NULL ? (*p)->val : NULL);
    }
}

static void cmd_mset(conn *c)
{
    long i;

    if (c->argc % 2 == 0) {
        wrong_args(c, "mset");
        return;
    }
    for (i = 1; i < c->argc; i += 2)
        if (store_set(A(i), AL(i), A(i + 1), AL(i + 1)) == NULL) {
            out_err(c, "out of memory", "");
            return;
        }
    out(c, "+OK\r\n", 5);
}

static void cmd_dbsize(conn *c)
{
    out_int(c, ':', (long long)db.count);
}

/* FLUSHALL and FLUSHDB [ASYNC | SYNC]: both drop every key at once. */
static void cmd_flush(conn *c)
{
    if (c->argc > 2 || (c->argc == 2 && !is(c, 1, "ASYNC") &&
                        !is(c, 1, "SYNC"))) {
        out_err(c, "syntax error", "");
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
    if (c->argc < 3) {
        wrong_args(c, "config|get");
        return;
    }
    for (i = 2; i < c->argc; i++)
        n += is(c, i, "SAVE") || is(c, i, "APPENDONLY");
    out_int(c, '*', 2 * n);
    for (i = 2; i < c->argc; i++) {
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
    size_t need = c->alen + (size_t)c->argc * (sizeof(entry) + sizeof(blob));

    if ((size_t)c->argc + db.count > db.nslots)
        need += db.nslots * sizeof *db.slots;
    return db.used <= opt.maxmemory && need <= opt.maxmemory - db.used;
}

/* Give back each argument buffer larger than keep bytes (after a big
 * command, ARG_KEEP; when the client leaves, 0: all). A reply has its
 * own copy of what it sends. */
static void shrink_args(conn *c, size_t keep)
{
    if (c->acap > keep) {
        free(c->argbuf);
        c->argbuf = NULL;
        c->acap = 0;
    }
    if ((size_t)c->argcap * sizeof *c->argv > keep) {
        free(c->argv);
        c->argv = NULL;
        c->argcap = 0;
    }
    c->argc = 0;
    c->alen = 0;
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
    if (cmd->arity > 0 ? c->argc != cmd->arity : c->argc < -cmd->arity) {
        wrong_args(c, cmd->name);
        return;
    }
    if ((cmd->flags & CMD_GROWS) && opt.maxmemory > 0 && !fits(c)) {
        out_str(c, "-OOM command not allowed when used memory > "
                   "'maxmemory'.\r\n");
        return;
    }
    cmd->run(c);
}

/* Run the parsed command, if any, and append its reply. */
static void execute(conn *c)
{
    if (c->argc > 0)
        dispatch(c);
    shrink_args(c, ARG_KEEP);
}

/* -- the session -------------------------------------------------------------- */

static hop_step session_step(hop_gen *g, hop_frame *f)
{
    session_frame *self = (session_frame *)f;
    conn *c = self->c;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        while (!c->quit && !c->drop) {
            if (c->nparts > 0) {
                send_more(c); /* the rest of a long reply */
            } else if (opt.timeout > 0) {
                HOP_TIMEOUT(self, &self->idle, HOP_SEC(opt.timeout));
                    HOP_AWAIT(self, read_command(&self->cmd, c));
                HOP_END_TIMEOUT(self, &self->idle);
                execute(c);
            } else {
                HOP_AWAIT(self, read_command(&self->cmd, c));
                execute(c);
            }
            if (hop_writer_len(&c->w) < OUT_FLUSH || c->drop)
                continue;
            if (opt.timeout > 0) {
                HOP_TIMEOUT(self, &self->idle, HOP_SEC(opt.timeout));
                    HOP_AWAIT(self, hop_flush(&self->fl, &c->w));
                HOP_END_TIMEOUT(self, &self->idle);
            } else {
                HOP_AWAIT(self, hop_flush(&self->fl, &c->w));
            }
        }
        if (!c->drop) {
            /* QUIT: the replies, then a lingering close, so that what
             * the client sent after the QUIT does not make the kernel
             * reset the connection and drop the end of the replies. */
            HOP_AWAIT(self, hop_flush(&self->fl, &c->w));
            HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                       sizeof c->rbuf, HOP_SEC(1)));
        }
    HOP_CATCH_IF(self, HOP_ERROR(self) == E_PROTO ||
                           HOP_ERROR(self) == -EMSGSIZE);
        /* Tell the client what was wrong (after the replies to the
         * commands before), then close: after what it sent meanwhile is
         * read and dropped (for up to a second), so that the close does
         * not reset the connection under the reply. */
        out_err(c, "Protocol error: ", HOP_ERROR(self) == E_PROTO
                                           ? HOP_ERROR_MSG(self)
                                           : "too big request line");
        HOP_AWAIT_CATCH(self, hop_flush(&self->fl, &c->w), self->err);
        if (self->err == HOP_ETIMEDOUT &&
            hop_stream_send_timed_out(&c->s) == 1)
            send_timed_out(c);
        HOP_AWAIT(self, hop_linger(&self->lg, &c->s, c->rbuf,
                                   sizeof c->rbuf, HOP_SEC(1)));
    HOP_CATCH_IF(self, HOP_ERROR(self) != HOP_ECANCELED);
        /* The end of the stream, a reset, an idle client, one that
         * takes no reply: close. */
        if (HOP_ERROR(self) == HOP_ETIMEDOUT &&
            hop_stream_send_timed_out(&c->s) == 1)
            send_timed_out(c);
    HOP_FINALLY(self);
        drop_parts(c);
        free(c->parts);
        c->parts = NULL;
        c->partcap = 0;
        shrink_args(c, 0);
        hop_writer_cleanup(&c->w);
        hop_stream_close(&c->s);
        c->in_use = 0;
        c->next_free = free_conns;
        free_conns = c;
        nclients--;
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- accepting ---------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_accept_frame af;
    hop_sleep_frame sl;
    int err;            /* what the accept failed with, or 0 */
    hop_stream *ls;
    int fd;             /* the connection accepted */
    int i;
} accept_frame;

/*
 * TCP keepalive on fd, as Redis's tcp-keepalive sets it: after secs of
 * silence the kernel probes the peer, then every third of secs (1 at
 * least), and resets the connection after three probes go unanswered,
 * so that the session of a peer that is gone ends and frees its slot.
 * 0: off. A socket that refuses (not TCP) is left as it is.
 */
static void keepalive(int fd, int secs)
{
    int one = 1, every = secs / 3 > 0 ? secs / 3 : 1, probes = 3;

    if (secs <= 0 ||
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) != 0)
        return;
#ifdef TCP_KEEPIDLE
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs);
#endif
#ifdef TCP_KEEPINTVL
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &every, sizeof every);
#endif
#ifdef TCP_KEEPCNT
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
#endif
    (void)every;
    (void)probes;
}

/* Start the session of the connection fd in a free slot; returns the
 * slot, or NULL (fd closed) when the stream cannot be set up. */
static conn *start_session(hop_loop *l, int fd)
{
    conn *c = free_conns;
    int one = 1;

    free_conns = c->next_free;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    keepalive(fd, opt.keepalive);
    hop_task_cleanup(&c->task);
    if (hop_stream_init(&c->s, l, fd) != HOP_OK) {
        close(fd);
        c->next_free = free_conns;
        free_conns = c;
        return NULL;
    }
    hop_reader_init(&c->r, &c->s, c->rbuf, sizeof c->rbuf);
    hop_writer_init(&c->w, &c->s, opt.output_limit);
    hop_reader_set_writer(&c->r, &c->w);
    hop_stream_set_send_timeout(&c->s, HOP_SEC(opt.send_timeout));
    c->argc = 0;
    c->quit = 0;
    c->drop = 0;
    c->in_use = 1;
    strcpy(c->peer, "?");
    c->session.c = c;
    hop_frame_init(&c->session.hdr, session_step, HOP_COROUTINE);
    hop_task_init(&c->task, l, &c->session.hdr, "session");
    hop_spawn(&c->task);
    nclients++;
    return c;
}

/* Name the client c by its address, len bytes at addr, for the log. */
static void name_peer(conn *c, const void *addr, unsigned len)
{
    char host[INET6_ADDRSTRLEN];
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    int family = 0;

    if (len >= sizeof(struct sockaddr))
        family = ((const struct sockaddr *)addr)->sa_family;
    if (family == AF_INET && len >= sizeof in4) {
        memcpy(&in4, addr, sizeof in4);
        if (inet_ntop(AF_INET, &in4.sin_addr, host, sizeof host) != NULL)
            snprintf(c->peer, sizeof c->peer, "%s:%u", host,
                     (unsigned)ntohs(in4.sin_port));
    } else if (family == AF_INET6 && len >= sizeof in6) {
        memcpy(&in6, addr, sizeof in6);
        if (inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host) != NULL)
            snprintf(c->peer, sizeof c->peer, "[%s]:%u", host,
                     (unsigned)ntohs(in6.sin6_port));
    }
}

/*
 * Whether an error of accept concerns the connection it was taking, not
 * the listener. hop_accept already skips those of the new connection's
 * network that Linux passes on (ENETDOWN, EHOSTUNREACH, ...); these are
 * the rest it leaves to the program, which may know that its listener
 * cannot cause them: a firewall's refusal, and two that Linux passes on
 * too. The next connection is taken as if nothing happened.
 */
static int one_connection(int err)
{
    return err == EPERM || err == ENOPROTOOPT || err == EOPNOTSUPP;
}

static hop_step accept_step(hop_gen *g, hop_frame *f)
{
    accept_frame *self = (accept_frame *)f;
    static const char full[] = "-ERR max number of clients reached\r\n";
    conn *c;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT_CATCH(self, hop_accept(&self->af, self->ls), self->err);
            if (self->err == -EMFILE || self->err == -ENFILE ||
                self->err == -ENOBUFS || self->err == -ENOMEM) {
                /* Out of descriptors: let some clients go first. */
                HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
                continue;
            }
            if (self->err != 0 && one_connection(-self->err))
                continue;
            if (self->err != 0)
                HOP_RAISE(self, self->err);
            self->fd = (int)HOP_VALUE(self);
            if (free_conns == NULL) {
                (void)send(self->fd, full, sizeof full - 1, MSG_NOSIGNAL);
                close(self->fd);
                continue;
            }
            c = start_session(hop_gen_loop(g), self->fd);
            if (c != NULL)
                name_peer(c, self->af.addr.bytes, self->af.addrlen);
        }
    HOP_FINALLY(self);
        /* Stopping: end every session (each closes its connection), and
         * drop the keys, whose expiry timers would keep the loop up. */
        for (self->i = 0; self->i < opt.max_clients; self->i++)
            if (conns[self->i].in_use)
                hop_task_cancel(&conns[self->i].task, "server stopping");
        store_flush();
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- main ---------------------------------------------------------------------- */

static hop_ev ev;
static hop_post stop_post;
static hop_task acceptor;

static void stop_now(hop_post *p)
{
    (void)p;
    hop_task_cancel(&acceptor, "signal");
}

static void on_signal(int sig)
{
    (void)sig;
    hop_ev_post(&ev, &stop_post, stop_now);
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
    return parse_ll(v, strlen(v), n) == 0 && *n >= min && *n <= max ? 0
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
        opt.max_clients = (int)n;
    else if (strcmp(name, "--max-bulk") == 0 &&
             opt_num(v, 0, LONG_MAX / 2, &n) == 0)
        opt.max_bulk = (long)n;
    else if (strcmp(name, "--max-args") == 0 &&
             opt_num(v, 1, 1 << 24, &n) == 0)
        opt.max_args = (long)n;
    else if (strcmp(name, "--timeout") == 0 &&
             opt_num(v, 0, 1000000000, &n) == 0)
        opt.timeout = (long)n;
    else if (strcmp(name, "--busy-poll") == 0 &&
             opt_num(v, 0, 1000000, &n) == 0)
        opt.busy_poll = (long)n;
    else if (strcmp(name, "--client-output-limit") == 0 &&
             opt_num(v, 0, bytes, &n) == 0)
        opt.output_limit = (size_t)n;
    else if (strcmp(name, "--maxmemory") == 0 &&
             opt_num(v, 0, bytes, &n) == 0)
        opt.maxmemory = (size_t)n;
    else if (strcmp(name, "--tcp-keepalive") == 0 &&
             opt_num(v, 0, 32767, &n) == 0) /* (the kernel's most) */
        opt.keepalive = (int)n;
    else if (strcmp(name, "--send-timeout") == 0 &&
             opt_num(v, 0, 1000000000, &n) == 0)
        opt.send_timeout = (long)n;
    else
        return -1;
    return 0;
}

static int listen_on(const char *addr, int port, struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    socklen_t len = sizeof *sa;

    if (fd < 0)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)sa, sizeof *sa) != 0 ||
        listen(fd, 511) != 0 ||
        getsockname(fd, (struct sockaddr *)sa, &len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

#ifndef SAMPLE_NO_MAIN /* (the fuzz targets include this file) */
int main(int argc, char **argv)
{
    static hop_loop loop;
    static hop_stream ls;
    static accept_frame af;
    struct sockaddr_in sa;
    struct sigaction act;
    int i, fd, r;

    for (i = 1; i < argc; i += 2)
        if (i + 1 == argc || set_option(argv[i], argv[i + 1]) != 0)
            return usage();

    conns = calloc((size_t)opt.max_clients, sizeof *conns);
    db.nslots = 1024;
    db.slots = calloc(db.nslots, sizeof *db.slots);
    db.used = db.nslots * sizeof *db.slots;
    if (conns == NULL || db.slots == NULL) {
        fprintf(stderr, "resp-server: out of memory\n");
        return 1;
    }
    for (i = opt.max_clients - 1; i >= 0; i--) {
        conns[i].next_free = free_conns;
        free_conns = &conns[i];
    }
    if (hop_ev_init(&loop, &ev) != HOP_OK || hop_ev_enable_posts(&ev) != 0 ||
        hop_ev_busy_poll(&ev, HOP_USEC(opt.busy_poll)) != HOP_OK) {
        fprintf(stderr, "resp-server: cannot set up the loop\n");
        return 1;
    }
    db.loop = &loop;
    fd = listen_on(opt.bind, opt.port, &sa);
    if (fd < 0 || hop_stream_init(&ls, &loop, fd) != HOP_OK) {
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

    af.ls = &ls;
    hop_frame_init(&af.hdr, accept_step, HOP_COROUTINE);
    hop_task_init(&acceptor, &loop, &af.hdr, "acceptor");
    hop_spawn(&acceptor);
    printf("resp-server: listening on %s:%d\n", opt.bind, ntohs(sa.sin_port));
    fflush(stdout);

    r = hop_loop_run(&loop, HOP_RUN_DEFAULT);
    if (hop_task_status(&acceptor) == HOP_TASK_FAILED)
        fprintf(stderr, "resp-server: %s\n",
                hop_io_strerror(hop_task_error(&acceptor)));
    hop_stream_close(&ls);
    store_flush();
    for (i = 0; i < opt.max_clients; i++) {
        free(conns[i].argbuf);
        free(conns[i].argv);
    }
    free(conns);
    free(db.slots);
    if (hop_loop_cleanup(&loop) != HOP_OK || hop_ev_cleanup(&ev) != HOP_OK)
        r = 1;
    printf("resp-server: stopped\n");
    return r == HOP_OK ? 0 : 1;
}
#endif /* SAMPLE_NO_MAIN */
