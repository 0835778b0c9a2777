/*
 * test/libevent/io_misuse.c: streams (hop/io.h) used wrongly or failing on
 * the libevent backend: misuse, a stream released while woken, huge
 * lengths, and failures of the system calls made on purpose. (Hosted
 * only.)
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
    T_ASSERT(event_base_loop(hop_libevent_base(&loop), EVLOOP_NONBLOCK) >= 0);
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
        T_ASSERT(event_base_loop(hop_libevent_base(&loop),
                                 EVLOOP_NONBLOCK) >= 0);
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
        T_ASSERT(event_base_loop(hop_libevent_base(&loop),
                                 EVLOOP_NONBLOCK) >= 0);
    T_ASSERT(hop_task_waiting_on(&tc) == NULL); /* woken, not run */
    T_EQ(hop_stream_cleanup(&cs), HOP_OK);
    run();
    T_EQ(uf.err, HOP_ECLOSED);
    close(c);
    close(lfd);
    loop_down();
}

static const hop_io_sys flaky = {flaky_read, flaky_write, flaky_accept,
                                 malloc, free};

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

const t_case t_cases_libevent_io_misuse[] = {
    T_CASE(io_misuse),
    T_CASE(io_released_while_woken),
    T_CASE(io_huge_lengths),
    T_CASE(io_sys_failures),
    T_CASE(io_accept_failures),
    T_END,
};
