/*
 * test/libevent/io.c: streams (hop/io.h) over real sockets on the libevent
 * backend: reading, reading exactly, writing all, the buffered reader,
 * the end of the stream, resets and EPIPE, the cancel-safety contract, a
 * lingering close. (Hosted only.)
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
#include "case.h"
#include "t.h"
#include "io.h"

static void nap_ms(int ms)
{
    struct timespec ts;

    ts.tv_sec = 0;
    ts.tv_nsec = (long)ms * 1000000L;
    nanosleep(&ts, NULL);
}

/* -- one frame for the tasks of this file --------------------------------- */

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

const t_case t_cases_libevent_io[] = {
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
    T_END,
};
