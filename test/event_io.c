/*
 * test/event_io.c: streams (hop/io.h) over real sockets on the libevent
 * backend: reading, reading exactly, writing all, the buffered reader,
 * accept and connect, the end of the stream, resets and EPIPE, the
 * cancel-safety contract, misuse, name resolution, and failures of the
 * system calls made on purpose. (Hosted only.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ev_case.h"
#include "t.h"

static void nap_ms(int ms)
{
    struct timespec ts;

    ts.tv_sec = 0;
    ts.tv_nsec = (long)ms * 1000000L;
    nanosleep(&ts, NULL);
}

static void pair(int sv[2])
{
    T_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* A TCP listener on 127.0.0.1, an ephemeral port; *addr gets its address. */
static int listener(struct sockaddr_in *addr)
{
    socklen_t len = sizeof *addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    T_ASSERT(fd >= 0);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(bind(fd, (struct sockaddr *)addr, sizeof *addr), 0);
    T_EQ(listen(fd, 16), 0);
    T_EQ(getsockname(fd, (struct sockaddr *)addr, &len), 0);
    return fd;
}

/* A blocking TCP client connected to addr. */
static int dial(const struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    T_ASSERT(fd >= 0);
    T_EQ(connect(fd, (const struct sockaddr *)addr, sizeof *addr), 0);
    return fd;
}

/* -- one frame for the tasks of this file --------------------------------- */

typedef struct io_task {
    hop_frame hdr;
    HOP_TRIES(2);
    hop_scope sc;
    hop_sleep_frame sl;
    hop_io_frame io;
    hop_reader_frame rf;
    hop_accept_frame af;
    hop_connect_frame cf;
    hop_stream *s;
    hop_reader *r;
    const char *out;     /* what to write */
    size_t out_len;
    char in[64];         /* what was read */
    size_t want;         /* how much to read */
    hop_time timeout;    /* a deadline scope around the operation, or 0 */
    hop_value got;       /* what the await gave */
    int err;             /* what it raised, or 0 */
    size_t done;         /* the frame's done after the await */
    int step;            /* which operation */
} io_task;

enum {
    OP_READ = 1,
    OP_READ_EXACT,
    OP_WRITE,
    OP_FILL,
    OP_UNTIL,
    OP_LINE,
    OP_RREAD,
    OP_ACCEPT
};

static hop_frame *op_frame(io_task *self)
{
    switch (self->step) {
    case OP_READ:
        return hop_read(&self->io, self->s, self->in, self->want);
    case OP_READ_EXACT:
        return hop_read_exact(&self->io, self->s, self->in, self->want);
    case OP_WRITE:
        return hop_write_all(&self->io, self->s, self->out, self->out_len);
    case OP_FILL:
        return hop_fill(&self->rf, self->r, self->want);
    case OP_UNTIL:
        return hop_read_until(&self->rf, self->r, "\r\n", 2, self->want);
    case OP_LINE:
        return hop_read_line(&self->rf, self->r, self->want);
    case OP_RREAD:
        return hop_reader_read(&self->rf, self->r, self->in, self->want);
    default:
        return hop_accept(&self->af, self->s);
    }
}

/* try { [deadline scope] got = await op } handler all { err = error };
 * done = the frame's done */
static hop_step do_op(hop_gen *g, hop_frame *f)
{
    io_task *self = (io_task *)f;
    HOP_BEGIN(g, self);
    self->err = 0;
    self->got = HOP_EMPTY;
    HOP_TRY(self);
        if (self->timeout > 0) {
            HOP_TIMEOUT(self, &self->sc, self->timeout);
                HOP_AWAIT(self, op_frame(self));
                self->got = HOP_VALUE(self);
            HOP_END_TIMEOUT(self, &self->sc);
        } else {
            HOP_AWAIT(self, op_frame(self));
            self->got = HOP_VALUE(self);
        }
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    self->done = self->step <= OP_WRITE ? self->io.done : self->rf.done;
    HOP_END(self);
}

static void start_op(hop_task *t, io_task *f, hop_stream *s, int step)
{
    t_fill(f, sizeof *f, 0);
    f->s = s;
    f->step = step;
    t_spawn(t, &loop, &f->hdr, do_op, NULL);
}

/* -- reading and writing ----------------------------------------------------- */

static void io_read_write(void)
{
    int sv[2];
    hop_stream a, b;
    hop_task tw, tr;
    io_task fw, fr;
    static const char msg[] = "hello, world";

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    T_EQ(hop_stream_fd(&a), sv[0]);
    T_ASSERT(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
    start_op(&tr, &fr, &b, OP_READ_EXACT);
    fr.want = sizeof msg - 1;
    start_op(&tw, &fw, &a, OP_WRITE);
    fw.out = msg;
    fw.out_len = sizeof msg - 1;
    run();
    T_EQ(fw.err, 0);
    T_EQ(fw.got, (hop_value)(sizeof msg - 1));
    T_EQ(fr.err, 0);
    T_EQ(fr.got, (hop_value)(sizeof msg - 1));
    T_EQ(fr.done, sizeof msg - 1);
    T_ASSERT(memcmp(fr.in, msg, sizeof msg - 1) == 0);

    /* read gives what is there, at least one byte. */
    T_EQ(write(sv[0], "abc", 3), 3);
    start_op(&tr, &fr, &b, OP_READ);
    fr.want = sizeof fr.in;
    run();
    T_EQ(fr.got, 3);
    T_ASSERT(memcmp(fr.in, "abc", 3) == 0);
    /* A read of 0 bytes gives 0 at once. */
    start_op(&tr, &fr, &b, OP_READ);
    run();
    T_EQ(fr.err, 0);
    T_EQ(fr.got, 0);

    T_EQ(hop_stream_close(&a), HOP_OK);
    T_EQ(hop_stream_close(&b), HOP_OK);
    T_EQ(hop_stream_fd(&a), -1);
    loop_down();
}

/* "12345" arrives in pieces 10 ms apart: read_exact waits for them all. */
typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    int fd;
    int i;
} dribble_frame;

static hop_step dribble(hop_gen *g, hop_frame *f)
{
    dribble_frame *self = (dribble_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 5; self->i++) {
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(10)));
        T_EQ(write(self->fd, &"12345"[self->i], 1), 1);
    }
    HOP_END(self);
}

static void io_read_pieces(void)
{
    int sv[2];
    hop_stream b;
    hop_task tr, td;
    io_task fr;
    dribble_frame fd;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    start_op(&tr, &fr, &b, OP_READ_EXACT);
    fr.want = 5;
    t_fill(&fd, sizeof fd, 0);
    fd.fd = sv[0];
    t_spawn(&td, &loop, &fd.hdr, dribble, NULL);
    run();
    T_EQ(fr.err, 0);
    T_EQ(fr.got, 5);
    T_ASSERT(memcmp(fr.in, "12345", 5) == 0);
    T_EQ(hop_stream_close(&b), HOP_OK);
    close(sv[0]);
    loop_down();
}

/*
 * Bytes wait while their reader sleeps: the read event does not fire on
 * every turn of the loop meanwhile (it steps aside until a task waits to
 * read), and the reader then gets them.
 */
typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    hop_io_frame io;
    hop_stream *s;
    char in[8];
    long got;
} nap_reader_frame;

static hop_step nap_reader(hop_gen *g, hop_frame *f)
{
    nap_reader_frame *self = (nap_reader_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_read(&self->io, self->s, self->in, 1));
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(100)));
    HOP_AWAIT(self, hop_read(&self->io, self->s, self->in, sizeof self->in));
    self->got = (long)HOP_VALUE(self);
    HOP_END(self);
}

static void io_idle_reader(void)
{
    int sv[2];
    hop_stream b;
    hop_task t;
    nap_reader_frame f;
    struct timespec c0, c1;
    double cpu;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    t_fill(&f, sizeof f, 0);
    f.s = &b;
    t_spawn(&t, &loop, &f.hdr, nap_reader, NULL);
    T_EQ(write(sv[0], "abcdef", 6), 6); /* 1 byte taken, 5 wait */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    run();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    cpu = (double)(c1.tv_sec - c0.tv_sec) +
          (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    T_EQ(f.got, 5);
    T_ASSERT(memcmp(f.in, "bcdef", 5) == 0);
    T_ASSERT(cpu < 0.05); /* 100 ms asleep: no busy loop (generous) */
    T_EQ(hop_stream_close(&b), HOP_OK);
    close(sv[0]);
    loop_down();
}

/* The peer closes: a read raises HOP_EOF; read_exact says what came. */
static void io_eof(void)
{
    int sv[2];
    hop_stream b;
    hop_task tr;
    io_task fr;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    T_EQ(write(sv[0], "abc", 3), 3);
    T_EQ(close(sv[0]), 0);
    start_op(&tr, &fr, &b, OP_READ_EXACT);
    fr.want = 10;
    run();
    T_EQ(fr.err, HOP_EOF);
    T_EQ(fr.done, 3);
    T_ASSERT(memcmp(fr.in, "abc", 3) == 0);
    start_op(&tr, &fr, &b, OP_READ);
    fr.want = 10;
    run();
    T_EQ(fr.err, HOP_EOF);
    T_EQ(fr.done, 0);
    T_EQ(hop_stream_close(&b), HOP_OK);
    loop_down();
}

/* The peer resets the connection: -ECONNRESET at the read. */
static void io_reset(void)
{
    struct sockaddr_in addr;
    struct linger lg;
    int lfd = listener(&addr), cfd, sfd;
    hop_stream s;
    hop_task tr;
    io_task fr;

    loop_up();
    cfd = dial(&addr);
    sfd = accept(lfd, NULL, NULL);
    T_ASSERT(sfd >= 0);
    T_EQ(hop_stream_init(&s, &loop, sfd), HOP_OK);
    lg.l_onoff = 1;
    lg.l_linger = 0;
    T_EQ(setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    start_op(&tr, &fr, &s, OP_READ);
    fr.want = 10;
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK); /* it waits */
    T_EQ(close(cfd), 0); /* RST */
    run();
    T_EQ(fr.err, -ECONNRESET);
    T_STREQ(hop_io_strerror(fr.err), strerror(ECONNRESET));
    T_EQ(hop_stream_close(&s), HOP_OK);

    /* Data, then the end or a reset, in one wake-up: a short read is
     * followed by the end, not by a wait for an event that never comes. */
    {
        int k;
        for (k = 0; k < 2; k++) {
            cfd = dial(&addr);
            sfd = accept(lfd, NULL, NULL);
            T_EQ(hop_stream_init(&s, &loop, sfd), HOP_OK);
            start_op(&tr, &fr, &s, OP_READ);
            fr.want = 10;
            T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK); /* waits */
            T_EQ(write(cfd, "abc", 3), 3);
            if (k == 1)
                T_EQ(setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg),
                     0);
            T_EQ(close(cfd), 0); /* FIN (k 0) or RST (k 1) after the data */
            nap_ms(20);          /* both arrive before the loop looks */
            run();
            T_EQ(fr.err, 0);
            T_EQ(fr.got, 3);
            start_op(&tr, &fr, &s, OP_READ_EXACT);
            fr.want = 10;
            run();
            T_ASSERT(fr.err == (k == 0 ? HOP_EOF : -ECONNRESET));
            T_EQ(hop_stream_close(&s), HOP_OK);
        }
    }
    close(lfd);
    loop_down();
}

/* Writing to a closed peer: -EPIPE (or a reset), and no SIGPIPE. */
static void io_epipe(void)
{
    int sv[2];
    hop_stream a;
    hop_task tw;
    io_task fw;
    static char big[1 << 20];

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(close(sv[1]), 0);
    start_op(&tw, &fw, &a, OP_WRITE);
    fw.out = big;
    fw.out_len = sizeof big;
    run();
    T_ASSERT(fw.err == -EPIPE || fw.err == -ECONNRESET);
    T_ASSERT(fw.done < sizeof big);
    T_EQ(hop_stream_close(&a), HOP_OK);
    loop_down();
}

/*
 * Cancel safety of a write: a deadline passes while write_all waits for
 * room; done counts exactly the bytes the peer then finds.
 */
static void io_write_cancel_safe(void)
{
    int sv[2], sz = 4096;
    hop_stream a;
    hop_task tw;
    io_task fw;
    static char big[1 << 20], sink[1 << 20];
    size_t total = 0;
    long n;
    size_t i;

    for (i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    loop_up();
    pair(sv);
    T_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz), 0);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    start_op(&tw, &fw, &a, OP_WRITE);
    fw.out = big;
    fw.out_len = sizeof big;
    fw.timeout = HOP_MSEC(30);
    run();
    T_EQ(fw.err, HOP_ETIMEDOUT);
    T_ASSERT(fw.done > 0);
    T_ASSERT(fw.done < sizeof big);
    T_EQ(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
    while ((n = read(sv[1], sink + total, sizeof sink - total)) > 0)
        total += (size_t)n;
    T_EQ(total, fw.done);
    T_ASSERT(memcmp(sink, big, total) == 0);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
}

/* -- the buffered reader -------------------------------------------------------- */

/*
 * Cancel safety of a read: read_until times out on a partial line; the
 * bytes stay unread in the reader, and the next read_until finds the
 * line whole.
 */
static void io_reader_cancel_safe(void)
{
    int sv[2];
    hop_stream b;
    hop_reader r;
    char buf[32];
    hop_task tr;
    io_task fr;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    T_EQ(hop_reader_init(&r, &b, buf, sizeof buf), HOP_OK);
    T_EQ(write(sv[0], "abc", 3), 3);
    start_op(&tr, &fr, &b, OP_UNTIL);
    fr.r = &r;
    fr.want = sizeof buf;
    fr.timeout = HOP_MSEC(20);
    run();
    T_EQ(fr.err, HOP_ETIMEDOUT);
    T_EQ(hop_reader_len(&r), 3);
    T_ASSERT(memcmp(hop_reader_data(&r), "abc", 3) == 0);
    T_EQ(write(sv[0], "def\r\nnext", 9), 9);
    start_op(&tr, &fr, &b, OP_UNTIL);
    fr.r = &r;
    fr.want = sizeof buf;
    run();
    T_EQ(fr.err, 0);
    T_EQ(fr.got, 8);
    T_ASSERT(memcmp(hop_reader_data(&r), "abcdef\r\n", 8) == 0);
    hop_reader_consume(&r, 8);
    T_EQ(hop_reader_len(&r), 4);
    T_ASSERT(memcmp(hop_reader_data(&r), "next", 4) == 0);

    /* No delimiter within the limit: -EMSGSIZE, nothing consumed. */
    T_EQ(write(sv[0], "0123456789", 10), 10);
    start_op(&tr, &fr, &b, OP_LINE);
    fr.r = &r;
    fr.want = 12;
    run();
    T_EQ(fr.err, -EMSGSIZE);
    T_EQ(hop_reader_len(&r), 14);
    hop_reader_consume(&r, 100); /* more than there is: all */
    T_EQ(hop_reader_len(&r), 0);

    /* The end of the stream in the middle of a line: HOP_EOF. */
    T_EQ(write(sv[0], "tail", 4), 4);
    T_EQ(close(sv[0]), 0);
    start_op(&tr, &fr, &b, OP_LINE);
    fr.r = &r;
    fr.want = sizeof buf;
    run();
    T_EQ(fr.err, HOP_EOF);
    T_EQ(hop_reader_len(&r), 4);
    T_EQ(hop_stream_close(&b), HOP_OK);
    loop_down();
}

/* A small buffer: fill compacts, read_line finds a delimiter split across
 * reads, hop_reader_read takes the buffered bytes then reads the rest. */
static void io_reader_small_buffer(void)
{
    int sv[2];
    hop_stream b;
    hop_reader r;
    char buf[8];
    hop_task tr;
    io_task fr;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    T_EQ(hop_reader_init(&r, &b, buf, sizeof buf), HOP_OK);
    T_EQ(write(sv[0], "ab\ncdefgh\nXYZ0123456789", 23), 23);
    start_op(&tr, &fr, &b, OP_LINE);
    fr.r = &r;
    fr.want = 8;
    run();
    T_EQ(fr.got, 3);
    T_ASSERT(memcmp(hop_reader_data(&r), "ab\n", 3) == 0);
    hop_reader_consume(&r, 3);
    start_op(&tr, &fr, &b, OP_LINE);
    fr.r = &r;
    fr.want = 8;
    run();
    T_EQ(fr.err, 0);
    T_EQ(fr.got, 7);
    T_ASSERT(memcmp(hop_reader_data(&r), "cdefgh\n", 7) == 0);
    hop_reader_consume(&r, 7);
    start_op(&tr, &fr, &b, OP_FILL);
    fr.r = &r;
    fr.want = 3;
    run();
    T_ASSERT(fr.got >= 3);
    T_ASSERT(memcmp(hop_reader_data(&r), "XYZ", 3) == 0);
    hop_reader_consume(&r, 3);
    start_op(&tr, &fr, &b, OP_RREAD);
    fr.r = &r;
    fr.want = 10;
    run();
    T_EQ(fr.err, 0);
    T_EQ(fr.got, 10);
    T_ASSERT(memcmp(fr.in, "0123456789", 10) == 0);
    T_EQ(hop_reader_len(&r), 0);
    /* fill beyond the buffer's size: HOP_EINVAL. */
    start_op(&tr, &fr, &b, OP_FILL);
    fr.r = &r;
    fr.want = 9;
    run();
    T_EQ(fr.err, HOP_EINVAL);
    T_EQ(hop_reader_init(&r, &b, buf, 0), HOP_EINVAL);
    T_EQ(hop_reader_init(NULL, &b, buf, 1), HOP_EINVAL);
    T_ASSERT(hop_reader_data(NULL) == NULL);
    T_EQ(hop_reader_len(NULL), 0);
    T_EQ(hop_stream_close(&b), HOP_OK);
    close(sv[0]);
    loop_down();
}

/* -- a lingering close -------------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    hop_io_frame io;
    hop_linger_frame lf;
    hop_stream *s;
    hop_time time;
    char drop[16];
    hop_value got;
} linger_task;

/* write "bye", then linger */
static hop_step do_linger(hop_gen *g, hop_frame *f)
{
    linger_task *self = (linger_task *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_write_all(&self->io, self->s, "bye", 3));
    HOP_AWAIT(self, hop_linger(&self->lf, self->s, self->drop,
                               sizeof self->drop, self->time));
    self->got = HOP_VALUE(self);
    HOP_END(self);
}

/*
 * hop_linger: the peer reads the reply and then the end of the stream
 * while it is still sending; what it sends is dropped (and counted)
 * until it closes, or until the time allowed has passed.
 */
static void io_linger(void)
{
    int sv[2];
    hop_stream a;
    hop_task t;
    linger_task lt;
    char buf[8];
    hop_time t0;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(write(sv[1], "unread request", 14), 14);
    t_fill(&lt, sizeof lt, 0);
    lt.s = &a;
    lt.time = HOP_SEC(5);
    t_spawn(&t, &loop, &lt.hdr, do_linger, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(read(sv[1], buf, sizeof buf), 3); /* the reply */
    T_EQ(read(sv[1], buf, sizeof buf), 0); /* then the end */
    T_EQ(write(sv[1], "more", 4), 4);
    close(sv[1]);
    run();
    T_EQ(lt.got, 18); /* all it was sent, dropped */
    T_EQ(hop_stream_close(&a), HOP_OK);

    /* A peer that never closes: the time allowed ends the wait. */
    pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    t_fill(&lt, sizeof lt, 0);
    lt.s = &a;
    lt.time = HOP_MSEC(30);
    t0 = hop_loop_now(&loop);
    t_spawn(&t, &loop, &lt.hdr, do_linger, NULL);
    run();
    t0 = hop_loop_now(&loop) - t0;
    T_ASSERT(t0 >= HOP_MSEC(28) && t0 < HOP_SEC(2));
    T_EQ(lt.got, 0);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    T_ASSERT(hop_linger(NULL, &a, buf, 1, 0) == NULL);
    loop_down();
}

/* -- accept and connect ---------------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_connect_frame cf;
    hop_io_frame io;
    hop_stream s;
    const struct sockaddr_in *addr;
    hop_time deadline;
    hop_time send_timeout;
    char in[8];
    int err;
} client_frame;

/* connect, write "hi", read 2 bytes back */
static hop_step client(hop_gen *g, hop_frame *f)
{
    client_frame *self = (client_frame *)f;
    HOP_BEGIN(g, self);
    T_EQ(hop_stream_init(&self->s, hop_gen_loop(g),
                         socket(AF_INET, SOCK_STREAM, 0)), HOP_OK);
    T_EQ(hop_stream_set_send_timeout(&self->s, self->send_timeout), HOP_OK);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_connect(&self->cf, &self->s,
                                    (const struct sockaddr *)self->addr,
                                    sizeof *self->addr, self->deadline));
        HOP_AWAIT(self, hop_write_all(&self->io, &self->s, "hi", 2));
        HOP_AWAIT(self, hop_read_exact(&self->io, &self->s, self->in, 2));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    T_EQ(hop_stream_close(&self->s), HOP_OK);
    HOP_END(self);
}

static void spawn_client(hop_task *t, client_frame *c,
                         const struct sockaddr_in *addr, hop_time deadline)
{
    t_fill(c, sizeof *c, 0);
    c->addr = addr;
    c->deadline = deadline;
    t_spawn(t, &loop, &c->hdr, client, "client");
}

typedef struct {
    hop_frame hdr;
    hop_accept_frame af;
    hop_io_frame io;
    hop_stream *ls;
    hop_stream s;
    char in[2];
} server_frame;

/* accept one, echo 2 bytes */
static hop_step server(hop_gen *g, hop_frame *f)
{
    server_frame *self = (server_frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_accept(&self->af, self->ls));
    T_ASSERT(fcntl((int)HOP_VALUE(self), F_GETFL) & O_NONBLOCK);
    T_EQ(self->af.addrlen, sizeof(struct sockaddr_in));
    T_EQ(hop_stream_init(&self->s, hop_gen_loop(g), (int)HOP_VALUE(self)),
         HOP_OK);
    HOP_AWAIT(self, hop_read_exact(&self->io, &self->s, self->in, 2));
    HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->in, 2));
    T_EQ(hop_stream_close(&self->s), HOP_OK);
    HOP_END(self);
}

static void io_accept_connect(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task ts, tc;
    server_frame sf;
    client_frame cf;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    t_fill(&sf, sizeof sf, 0);
    sf.ls = &ls;
    t_spawn(&ts, &loop, &sf.hdr, server, "server");
    spawn_client(&tc, &cf, &addr, HOP_FOREVER);
    run();
    T_EQ(cf.err, 0);
    T_ASSERT(memcmp(cf.in, "hi", 2) == 0);
    T_EQ(hop_task_status(&ts), HOP_TASK_DONE);
    T_EQ(hop_stream_close(&ls), HOP_OK);
    loop_down();
}

/* A listener whose queue is full ignores the handshake: the connect
 * deadline passes (a send timeout does not apply to the connect). */
static void io_connect_deadline(void)
{
    struct sockaddr_in addr;
    int lfd = socket(AF_INET, SOCK_STREAM, 0), fill[4], i, nfill = 0;
    socklen_t len = sizeof addr;
    hop_task tc;
    client_frame cf;
    hop_time t0;

    loop_up();
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
    T_EQ(listen(lfd, 0), 0);
    T_EQ(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
    /* Fill the accept queue with connections nobody accepts. */
    for (i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(fill[i], (struct sockaddr *)&addr, sizeof addr) == 0 ||
            errno == EINPROGRESS)
            nfill++;
    }
    T_EQ(nfill, 4);
    t0 = hop_loop_now(&loop);
    spawn_client(&tc, &cf, &addr, hop_loop_now(&loop) + HOP_MSEC(50));
    cf.send_timeout = HOP_MSEC(5);
    run();
    T_EQ(cf.err, HOP_ETIMEDOUT);
    t0 = hop_loop_now(&loop) - t0;
    T_ASSERT(t0 >= HOP_MSEC(48) && t0 < HOP_SEC(2)); /* generous */
    for (i = 0; i < 4; i++)
        close(fill[i]);
    close(lfd);
    loop_down();
}

/* connect s to addr; err gets what the await raised */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_connect_frame cf;
    hop_stream *s;
    const void *addr;
    socklen_t addrlen;
    int err;
} uconnect_frame;

static hop_step uconnect(hop_gen *g, hop_frame *f)
{
    uconnect_frame *self = (uconnect_frame *)f;
    HOP_BEGIN(g, self);
    self->err = 1;
    HOP_TRY(self);
        HOP_AWAIT(self, hop_connect(&self->cf, self->s,
                                    (const struct sockaddr *)self->addr,
                                    self->addrlen, HOP_FOREVER));
        self->err = 0;
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

/*
 * A Unix listener whose queue is full refuses a nonblocking connect
 * with EAGAIN: nothing is in progress, so the connect raises -EAGAIN
 * rather than waiting for a writability that comes at once and means
 * nothing. Once the queue has room, it connects.
 */
static void io_connect_unix_full(void)
{
    struct sockaddr_un addr;
    socklen_t len;
    int lfd, fill[8], nfill = 0, i, c;
    hop_stream s;
    hop_task t;
    uconnect_frame uf;
    char name[64], port[24];

    loop_up();
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(name, "hop-test-full-");
    strcat(name, t_itoa(getpid(), port));
    memcpy(addr.sun_path + 1, name, strlen(name)); /* abstract */
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                      strlen(name));
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    T_ASSERT(lfd >= 0);
    T_EQ(bind(lfd, (struct sockaddr *)&addr, len), 0);
    T_EQ(listen(lfd, 0), 0);
    for (i = 0; i < 8; i++) {
        fill[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(fill[i], (struct sockaddr *)&addr, len) != 0) {
            T_EQ(errno, EAGAIN);
            close(fill[i]);
            break;
        }
        nfill++;
    }
    T_ASSERT(nfill < 8); /* the queue is full */

    c = socket(AF_UNIX, SOCK_STREAM, 0);
    T_EQ(hop_stream_init(&s, &loop, c), HOP_OK);
    t_fill(&uf, sizeof uf, 0);
    uf.s = &s;
    uf.addr = &addr;
    uf.addrlen = len;
    t_spawn(&t, &loop, &uf.hdr, uconnect, NULL);
    run();
    T_EQ(uf.err, -EAGAIN);
    T_EQ(hop_stream_close(&s), HOP_OK);

    /* Room in the queue: connected. */
    for (i = 0; i < nfill; i++) {
        int a = accept(lfd, NULL, NULL);
        T_ASSERT(a >= 0);
        close(a);
        close(fill[i]);
    }
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    T_EQ(hop_stream_init(&s, &loop, c), HOP_OK);
    t_fill(&uf, sizeof uf, 0);
    uf.s = &s;
    uf.addr = &addr;
    uf.addrlen = len;
    t_spawn(&t, &loop, &uf.hdr, uconnect, NULL);
    run();
    T_EQ(uf.err, 0);
    T_EQ(hop_stream_close(&s), HOP_OK);
    close(lfd);
    loop_down();
}

/* -- misuse ------------------------------------------------------------------ */

static void io_misuse(void)
{
    int sv[2];
    hop_stream a, z;
    hop_loop sim;
    hop_sim clock;
    hop_task t1, t2;
    io_task f1, f2;

    loop_up();
    pair(sv);
    T_EQ(hop_loop_init_sim(&sim, &clock), HOP_OK);
    T_EQ(hop_stream_init(NULL, &loop, sv[0]), HOP_EINVAL);
    T_EQ(hop_stream_init(&a, &loop, -1), HOP_EINVAL);
    T_EQ(hop_stream_init(&a, NULL, sv[0]), HOP_EINVAL);
    T_EQ(hop_stream_init(&a, &sim, sv[0]), HOP_EINVAL); /* not libevent */
    T_EQ(hop_stream_init(&a, &loop, 12345), -EBADF);
    t_fill(&z, sizeof z, 0);
    T_EQ(hop_stream_cleanup(&z), HOP_EINVAL);
    T_EQ(hop_stream_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_stream_fd(NULL), -1);
    T_EQ(hop_stream_shutdown(&z), HOP_EINVAL);

    /* Two readers: the second gets HOP_EBUSY; the stream is busy while
     * one waits. */
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    start_op(&t1, &f1, &a, OP_READ);
    f1.want = 4;
    start_op(&t2, &f2, &a, OP_READ);
    f2.want = 4;
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(f2.err, HOP_EBUSY);
    T_EQ(hop_stream_cleanup(&a), HOP_EBUSY);
    T_EQ(hop_stream_close(&a), HOP_EBUSY);
    T_EQ(hop_task_cancel(&t1, NULL), 1);
    run();
    T_EQ(f1.err, HOP_ECANCELED);
    T_EQ(f1.done, 0);
    /* Released between the wake-up and the run: HOP_ECLOSED. */
    start_op(&t1, &f1, &a, OP_READ);
    f1.want = 4;
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK); /* waits */
    T_EQ(write(sv[1], "x", 1), 1);
    T_ASSERT(event_base_loop(hop_ev_base(&loop), EVLOOP_NONBLOCK) >= 0);
    T_ASSERT(hop_task_waiting_on(&t1) == NULL); /* woken, not run */
    T_EQ(hop_stream_cleanup(&a), HOP_OK); /* nobody waits: allowed */
    run();
    T_EQ(f1.err, HOP_ECLOSED);
    T_EQ(read(sv[0], f1.in, 1), 1);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    /* Shut the writing side: the peer reads the end of the stream. */
    T_EQ(hop_stream_shutdown(&a), HOP_OK);
    T_EQ(read(sv[1], f1.in, 4), 0);
    T_EQ(hop_stream_cleanup(&a), HOP_OK);
    /* A released stream refuses everything. */
    start_op(&t1, &f1, &a, OP_READ);
    f1.want = 4;
    run();
    T_EQ(f1.err, HOP_EINVAL);
    T_EQ(hop_stream_cleanup(&a), HOP_EINVAL);
    T_ASSERT(hop_read(NULL, &a, f1.in, 1) == NULL);
    T_ASSERT(hop_accept(NULL, &a) == NULL);
    T_ASSERT(hop_connect(NULL, &a, NULL, 0, HOP_FOREVER) == NULL);
    T_ASSERT(hop_fill(NULL, NULL, 1) == NULL);
    close(sv[0]);
    close(sv[1]);
    T_EQ(hop_loop_cleanup(&sim), HOP_OK);
    loop_down();
}

/*
 * Lengths past PTRDIFF_MAX (a negative length converted to size_t) are
 * refused with HOP_EINVAL before any system call, and nothing is moved
 * or consumed.
 */
static void io_huge_lengths(void)
{
    int sv[2];
    hop_stream a;
    hop_reader r;
    hop_writer w;
    hop_task t;
    io_task f;
    char buf[16];
    static const size_t huge[] = {(size_t)-1, (size_t)PTRDIFF_MAX + 1};
    size_t i;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        T_EQ(write(sv[1], "abc", 3), 3);
        start_op(&t, &f, &a, OP_WRITE);
        f.out = "xyz";
        f.out_len = huge[i];
        run();
        T_EQ(f.err, HOP_EINVAL);
        T_EQ(f.done, 0);
        start_op(&t, &f, &a, OP_READ);
        f.want = huge[i];
        run();
        T_EQ(f.err, HOP_EINVAL);
        start_op(&t, &f, &a, OP_READ_EXACT);
        f.want = huge[i];
        run();
        T_EQ(f.err, HOP_EINVAL);
        T_EQ(f.done, 0);

        T_EQ(hop_reader_init(&r, &a, buf, huge[i]), HOP_EINVAL);
        T_EQ(hop_reader_init(&r, &a, buf, sizeof buf), HOP_OK);
        start_op(&t, &f, &a, OP_FILL);
        f.r = &r;
        f.want = 3;
        run();
        T_EQ(f.err, 0);
        start_op(&t, &f, &a, OP_RREAD);
        f.r = &r;
        f.want = huge[i];
        run();
        T_EQ(f.err, HOP_EINVAL);
        T_EQ(f.done, 0);
        T_EQ(hop_reader_len(&r), 3); /* nothing consumed */
        start_op(&t, &f, &a, OP_FILL);
        f.r = &r;
        f.want = huge[i];
        run();
        T_EQ(f.err, HOP_EINVAL);

        T_EQ(hop_writer_init(&w, &a, 0), HOP_OK);
        T_EQ(hop_writer_put(&w, "x", 1), HOP_OK);
        T_EQ(hop_writer_put(&w, buf, huge[i]), HOP_EINVAL);
        T_EQ(hop_writer_len(&w), 1);
        hop_writer_cleanup(&w);
        T_EQ(hop_writer_init(&w, &a, 100), HOP_OK);
        T_EQ(hop_writer_put(&w, buf, huge[i]), HOP_EINVAL);
        hop_writer_cleanup(&w);
    }
    T_EQ(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), -1); /* nothing came */
    T_EQ(errno, EAGAIN);
    T_EQ(hop_stream_close(&a), HOP_OK);
    close(sv[1]);
    loop_down();
}

/*
 * An accept or a connect whose stream is released after a wake-up made
 * its task ready, before it ran, raises HOP_ECLOSED, as a read does,
 * and takes nothing from the listener's queue.
 */
static void io_released_while_woken(void)
{
    struct sockaddr_in addr;
    hop_stream ls, cs;
    hop_task t, tc;
    io_task f;
    int lfd = listener(&addr), c, i;
    uconnect_frame uf;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, lfd), HOP_OK);
    start_op(&t, &f, &ls, OP_ACCEPT);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK); /* waits */
    T_ASSERT(hop_task_waiting_on(&t) == &ls.rw);
    c = dial(&addr);
    for (i = 0; i < 100 && hop_task_waiting_on(&t) != NULL; i++)
        T_ASSERT(event_base_loop(hop_ev_base(&loop), EVLOOP_NONBLOCK) >= 0);
    T_ASSERT(hop_task_waiting_on(&t) == NULL); /* woken, not run */
    T_EQ(hop_stream_cleanup(&ls), HOP_OK);
    run();
    T_EQ(f.err, HOP_ECLOSED);
    i = accept(lfd, NULL, NULL); /* the connection is still queued */
    T_ASSERT(i >= 0);
    close(i);
    close(c);

    /* A connect woken by the end of the handshake. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    T_EQ(hop_stream_init(&cs, &loop, c), HOP_OK);
    t_fill(&uf, sizeof uf, 0);
    uf.s = &cs;
    uf.addr = &addr;
    uf.addrlen = sizeof addr;
    t_spawn(&tc, &loop, &uf.hdr, uconnect, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK); /* in progress */
    T_ASSERT(hop_task_waiting_on(&tc) == &cs.ww);
    for (i = 0; i < 100 && hop_task_waiting_on(&tc) != NULL; i++)
        T_ASSERT(event_base_loop(hop_ev_base(&loop), EVLOOP_NONBLOCK) >= 0);
    T_ASSERT(hop_task_waiting_on(&tc) == NULL); /* woken, not run */
    T_EQ(hop_stream_cleanup(&cs), HOP_OK);
    run();
    T_EQ(uf.err, HOP_ECLOSED);
    close(c);
    close(lfd);
    loop_down();
}

/* -- failures of the system calls ------------------------------------------------ */

static int fail_after = -1; /* calls that succeed before the one failure
                               (-1: none fails) */
static int fail_errno;

static int fail_now(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after-- > 0)
        return 0;
    errno = fail_errno;
    return 1;
}

static long flaky_read(int fd, void *buf, size_t len)
{
    if (fail_now())
        return -1;
    return (long)read(fd, buf, len);
}

static long flaky_write(int fd, const void *buf, size_t len, int sock)
{
    if (fail_now())
        return -1;
    return sock ? (long)send(fd, buf, len, MSG_NOSIGNAL)
                : (long)write(fd, buf, len);
}

static int flaky_accept(int fd, void *addr, unsigned *len)
{
    socklen_t n = *len;
    int r;

    if (fail_now())
        return -1;
    r = accept4(fd, addr, &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *len = (unsigned)n;
    return r;
}

static void *no_memory(size_t n)
{
    (void)n;
    return NULL;
}

static const hop_io_sys flaky = {flaky_read, flaky_write, flaky_accept,
                                 malloc, free};
static const hop_io_sys no_alloc = {flaky_read, flaky_write, flaky_accept,
                                    no_memory, free};

/* Interrupted calls are retried; EAGAIN storms wait; other errors raise. */
static void io_sys_failures(void)
{
    int sv[2];
    hop_stream a, b;
    hop_task t;
    io_task f;

    loop_up();
    pair(sv);
    T_EQ(hop_stream_init(&a, &loop, sv[0]), HOP_OK);
    T_EQ(hop_stream_init(&b, &loop, sv[1]), HOP_OK);
    hop_io_set_sys(&flaky);

    fail_after = 0;
    fail_errno = ECONNRESET;
    start_op(&t, &f, &a, OP_WRITE);
    f.out = "xyz";
    f.out_len = 3;
    run();
    T_EQ(f.err, -ECONNRESET);
    T_EQ(f.done, 0);

    fail_after = 0;
    fail_errno = ENOMEM;
    T_EQ(write(sv[0], "abc", 3), 3);
    start_op(&t, &f, &b, OP_READ);
    f.want = 3;
    run();
    T_EQ(f.err, -ENOMEM);

    /* EINTR: retried at once; the bytes arrive. */
    fail_after = 0;
    fail_errno = EINTR;
    start_op(&t, &f, &b, OP_READ_EXACT);
    f.want = 3;
    run();
    T_EQ(f.err, 0);
    T_ASSERT(memcmp(f.in, "abc", 3) == 0);

    /* A read that says EAGAIN while data is there waits for the next
     * edge, and then gets everything. */
    fail_after = 0;
    fail_errno = EAGAIN;
    T_EQ(write(sv[0], "de", 2), 2);
    start_op(&t, &f, &b, OP_READ_EXACT);
    f.want = 4;
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(write(sv[0], "fg", 2), 2);
    run();
    T_EQ(f.err, 0);
    T_ASSERT(memcmp(f.in, "defg", 4) == 0);

    hop_io_set_sys(NULL);
    fail_after = -1;
    T_EQ(hop_stream_close(&a), HOP_OK);
    T_EQ(hop_stream_close(&b), HOP_OK);
    loop_down();
}

/*
 * accept: an aborted connection is skipped, and so is one that failed
 * with a network error before it was accepted (Linux passes such errors
 * on from accept: the peer's, not the listener's); EMFILE is raised.
 */
static void io_accept_failures(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task t;
    io_task f;
    int c, i;
    static const int lost[] = {ECONNABORTED, EPROTO,      ENETDOWN,
                               ENETUNREACH,  EHOSTUNREACH, EHOSTDOWN,
                               ENONET};

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    c = dial(&addr);
    hop_io_set_sys(&flaky);
    fail_after = 0;
    fail_errno = EMFILE;
    start_op(&t, &f, &ls, OP_ACCEPT);
    run();
    T_EQ(f.err, -EMFILE);
    for (i = 0; i < (int)(sizeof lost / sizeof lost[0]); i++) {
        fail_after = 0;
        fail_errno = lost[i];
        start_op(&t, &f, &ls, OP_ACCEPT);
        run();
        T_EQ(f.err, 0);
        T_ASSERT(f.got >= 0);
        close((int)f.got);
        close(c);
        c = dial(&addr); /* the next one */
    }
    hop_io_set_sys(NULL);
    fail_after = -1;
    close(c);
    T_EQ(hop_stream_close(&ls), HOP_OK);
    loop_down();
}

/* -- name resolution ------------------------------------------------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_resolve_frame rf;
    struct evdns_base *dns;
    const char *host;
    hop_value got;
    int err;
} resolve_task;

static hop_step do_resolve(hop_gen *g, hop_frame *f)
{
    resolve_task *self = (resolve_task *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_AWAIT(self, hop_resolve(&self->rf, self->dns, self->host, "80",
                                    NULL));
        self->got = HOP_VALUE(self);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void quiet_log(int severity, const char *msg)
{
    (void)severity;
    (void)msg;
}

static void io_resolve(void)
{
    struct evdns_base *dns;
    struct evutil_addrinfo *ai;
    struct sockaddr_in ns;
    hop_task t;
    resolve_task rt;
    int udp;
    socklen_t len = sizeof ns;
    char nsaddr[64];

    loop_up();
    event_set_log_callback(quiet_log); /* (evdns reports the timeouts) */
    dns = evdns_base_new(hop_ev_base(&loop), 0);
    T_ASSERT(dns != NULL);
    /* A numeric address is answered at once. */
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "127.0.0.1";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    run();
    T_EQ(rt.err, 0);
    ai = (struct evutil_addrinfo *)(intptr_t)rt.got;
    T_ASSERT(ai != NULL);
    T_EQ(ai->ai_family, AF_INET);
    T_EQ(ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port), 80);
    evutil_freeaddrinfo(ai);

    /* Out of memory for the request's link: HOP_ENOMEM at the await. */
    hop_io_set_sys(&no_alloc);
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "127.0.0.1";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    run();
    hop_io_set_sys(NULL);
    T_EQ(rt.err, HOP_ENOMEM);

    /* A name server that never answers: the request waits until the
     * task is cancelled, and the late callback finds nobody. */
    udp = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&ns, 0, sizeof ns);
    ns.sin_family = AF_INET;
    ns.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    T_EQ(bind(udp, (struct sockaddr *)&ns, sizeof ns), 0);
    T_EQ(getsockname(udp, (struct sockaddr *)&ns, &len), 0);
    T_ASSERT(evutil_inet_ntop(AF_INET, &ns.sin_addr, nsaddr, 32) != NULL);
    {
        char port[16];
        strcat(nsaddr, ":");
        strcat(nsaddr, t_itoa(ntohs(ns.sin_port), port));
    }
    T_EQ(evdns_base_nameserver_ip_add(dns, nsaddr), 0);
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "never.invalid";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    T_EQ(hop_loop_run(&loop, HOP_RUN_NOWAIT), HOP_OK);
    T_EQ(hop_task_cancel(&t, NULL), 1);
    run();
    T_EQ(rt.err, HOP_ECANCELED);
    t_fill(&rt, sizeof rt, 0xa5); /* the frame is gone */

    /* The same server, one try of 0.1 s: evdns gives up, and the await
     * raises HOP_ERESOLVE with evutil's message. */
    T_EQ(evdns_base_set_option(dns, "timeout:", "0.1"), 0);
    T_EQ(evdns_base_set_option(dns, "attempts:", "1"), 0);
    t_fill(&rt, sizeof rt, 0);
    rt.dns = dns;
    rt.host = "nothing.invalid";
    t_spawn(&t, &loop, &rt.hdr, do_resolve, NULL);
    run();
    T_EQ(rt.err, HOP_ERESOLVE);
    T_ASSERT(rt.rf.eai != 0);
    T_STREQ(hop_strerror(HOP_ERESOLVE), "name resolution failed");
    evdns_base_free(dns, 1); /* the late callback of the cancelled one */
    event_base_loop(hop_ev_base(&loop), EVLOOP_NONBLOCK);
    close(udp);
    event_set_log_callback(NULL);
    loop_down();
}

/* -- conformance: IO-01, IO-02 ---------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_timeout_frame tf;
    hop_accept_frame af;
    hop_stream *ls;
    hop_time t0, t1;
    int err;
} io01_frame;

/* try { with_timeout(0.1, accept(listener)) } handler all { err } */
static hop_step io01_accept(hop_gen *g, hop_frame *f)
{
    io01_frame *self = (io01_frame *)f;
    HOP_BEGIN(g, self);
    self->t0 = hop_loop_now(hop_gen_loop(g));
    HOP_TRY(self);
        HOP_AWAIT(self, hop_with_timeout(&self->tf, HOP_MSEC(100),
                                         hop_accept(&self->af, self->ls)));
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    self->t1 = hop_loop_now(hop_gen_loop(g));
    HOP_END(self);
}

/*
 * IO-01: a deadline on a pending accept raises HOP_ETIMEDOUT at 0.1 s and
 * removes the fd interest: the listener is then closed, a client that
 * connects to its old address is refused, and nothing fires for the
 * closed descriptor (ASan and valgrind watch).
 */
static void IO_01(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task ta, tc;
    io01_frame af;
    client_frame cf;
    hop_time span;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    t_fill(&af, sizeof af, 0);
    af.ls = &ls;
    t_spawn(&ta, &loop, &af.hdr, io01_accept, "acceptor");
    run();
    T_EQ(af.err, HOP_ETIMEDOUT);
    span = af.t1 - af.t0;
    T_ASSERT(span >= HOP_MSEC(98) && span < HOP_SEC(2));
    T_EQ(hop_stream_close(&ls), HOP_OK);
    spawn_client(&tc, &cf, &addr, HOP_FOREVER);
    run();
    T_EQ(cf.err, -ECONNREFUSED);
    loop_down();
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_io_frame io;
    hop_stream s;
    char buf[64];
    size_t n;
    int fd;
} echo_frame;

/* try { loop { n = read; write_all(n) } } handler EOF or reset { return }
 * cleanup { close; record "handler done" } */
static hop_step echo_handler(hop_gen *g, hop_frame *f)
{
    echo_frame *self = (echo_frame *)f;
    HOP_BEGIN(g, self);
    T_EQ(hop_stream_init(&self->s, hop_gen_loop(g), self->fd), HOP_OK);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT(self, hop_read(&self->io, &self->s, self->buf,
                                     sizeof self->buf));
            self->n = (size_t)HOP_VALUE(self);
            HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->buf,
                                          self->n));
        }
    HOP_CATCH_IF(self, HOP_ERROR(self) == HOP_EOF ||
                           HOP_ERROR(self) == -ECONNRESET);
        /* the connection is lost: done */
    HOP_FINALLY(self);
        hop_stream_close(&self->s);
        tr_add("handler done");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_accept_frame af;
    hop_stream *ls;
    hop_task *handlers;
    echo_frame *frames;
    int i;
} listen_frame;

/* accept two connections, one echo handler task each */
static hop_step io02_listener(hop_gen *g, hop_frame *f)
{
    listen_frame *self = (listen_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 2; self->i++) {
        HOP_AWAIT(self, hop_accept(&self->af, self->ls));
        t_fill(&self->frames[self->i], sizeof self->frames[self->i], 0);
        self->frames[self->i].fd = (int)HOP_VALUE(self);
        t_spawn(&self->handlers[self->i], hop_gen_loop(g),
                &self->frames[self->i].hdr, echo_handler, "handler");
    }
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_connect_frame cf;
    hop_io_frame io;
    hop_join_frame j;
    hop_stream s;
    const struct sockaddr_in *addr;
    hop_task *h0;
    const char *msg;
    char in[8];
    int i;
    int h0_status;
} io02_client_frame;

/* client 1: "ping"; close; join handler 0; client 2: "pong" */
static hop_step io02_clients(hop_gen *g, hop_frame *f)
{
    io02_client_frame *self = (io02_client_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 2; self->i++) {
        self->msg = self->i == 0 ? "ping" : "pong";
        T_EQ(hop_stream_init(&self->s, hop_gen_loop(g),
                             socket(AF_INET, SOCK_STREAM, 0)), HOP_OK);
        HOP_AWAIT(self, hop_connect(&self->cf, &self->s,
                                    (const struct sockaddr *)self->addr,
                                    sizeof *self->addr, HOP_FOREVER));
        HOP_AWAIT(self, hop_write_all(&self->io, &self->s, self->msg, 4));
        HOP_AWAIT(self, hop_read_exact(&self->io, &self->s, self->in, 4));
        self->in[4] = '\0';
        tr_add2("client read ", self->in);
        T_EQ(hop_stream_close(&self->s), HOP_OK);
        if (self->i == 0) {
            HOP_AWAIT(self, hop_join(&self->j, self->h0));
            self->h0_status = hop_task_status(self->h0);
        }
    }
    HOP_END(self);
}

/*
 * IO-02: connection loss surfaces at the read await. The first client's
 * handler ends DONE when its client closes (HOP_EOF at the read, caught),
 * and the listener goes on serving the second.
 */
static void IO_02(void)
{
    struct sockaddr_in addr;
    hop_stream ls;
    hop_task tl, tc, handlers[2];
    echo_frame frames[2];
    listen_frame lf;
    io02_client_frame cf;

    loop_up();
    T_EQ(hop_stream_init(&ls, &loop, listener(&addr)), HOP_OK);
    t_fill(&lf, sizeof lf, 0);
    lf.ls = &ls;
    lf.handlers = handlers;
    lf.frames = frames;
    t_spawn(&tl, &loop, &lf.hdr, io02_listener, "listener");
    t_fill(&cf, sizeof cf, 0);
    cf.addr = &addr;
    cf.h0 = &handlers[0];
    t_spawn(&tc, &loop, &cf.hdr, io02_clients, "clients");
    run();
    TR_EXPECT("client read ping", "handler done", "client read pong",
              "handler done");
    T_EQ(cf.h0_status, HOP_TASK_DONE);
    T_EQ(hop_task_status(&handlers[1]), HOP_TASK_DONE);
    T_EQ(hop_task_status(&tl), HOP_TASK_DONE);
    T_EQ(hop_stream_close(&ls), HOP_OK);
    loop_down();
}

const t_case t_cases_event_io[] = {
    T_CASE(io_read_write),
    T_CASE(io_read_pieces),
    T_CASE(io_eof),
    T_CASE(io_idle_reader),
    T_CASE(io_reset),
    T_CASE(io_epipe),
    T_CASE(io_write_cancel_safe),
    T_CASE(io_reader_cancel_safe),
    T_CASE(io_reader_small_buffer),
    T_CASE(io_linger),
    T_CASE(io_accept_connect),
    T_CASE(io_connect_deadline),
    T_CASE(io_connect_unix_full),
    T_CASE(io_misuse),
    T_CASE(io_released_while_woken),
    T_CASE(io_huge_lengths),
    T_CASE(io_sys_failures),
    T_CASE(io_accept_failures),
    T_CASE(io_resolve),
    T_CASE(IO_01),
    T_CASE(IO_02),
    T_END,
};
