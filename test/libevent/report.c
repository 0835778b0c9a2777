/*
 * test/libevent/report.c: a loop of the libevent backend reports a task that
 * failed unobserved on stderr, once, with its traceback; a hook or
 * hop_loop_set_report take that place. (Hosted only.)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "t.h"

#define E_A 1001

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
} frame;

static int raise_line;

/* sleep 1 ms, then raise E_A with a formatted message */
static hop_step failer(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(1)));
    raise_line = __LINE__; HOP_RAISE_FMT(self, E_A, "limit %d passed", 7);
    HOP_END(self);
}

/* Run fn with stderr going into a pipe; the text written, in buf. */
static void capture(void (*fn)(void), char *buf, size_t size)
{
    int p[2], saved;
    ssize_t n;
    size_t len = 0;

    T_EQ(pipe(p), 0);
    saved = dup(2);
    T_ASSERT(saved >= 0);
    T_EQ(dup2(p[1], 2), 2);
    close(p[1]);
    fn();
    T_EQ(dup2(saved, 2), 2);
    close(saved);
    T_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    while (len + 1 < size && (n = read(p[0], buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(p[0]);
}

static hop_loop loop;
static hop_libevent ev;

static void run_two_failures(void)
{
    hop_task t1, t2;
    frame f1, f2;

    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    t_spawn(&t1, &loop, &f1.hdr, failer, "first");
    t_spawn(&t2, &loop, &f2.hdr, failer, "second");
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&t1), HOP_TASK_FAILED);
    T_EQ(hop_loop_unobserved(&loop), 2);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* Each failure once on stderr, with its message and traceback. */
static void ev_report_stderr(void)
{
    char buf[4096], line[64];
    const char *p;

#if HOP_CONF_ERRMSG > 0
    const char *want = " failed:\nerror 1001: limit 7 passed\n";
#else
    const char *want = " failed:\nerror 1001: limit %d passed\n";
#endif

    capture(run_two_failures, buf, sizeof buf);
    p = strstr(buf, want);
    T_ASSERT(p != NULL);
    T_ASSERT(strstr(p + 1, want) != NULL);
#if HOP_CONF_TASK_NAMES
    T_ASSERT(strstr(buf, "task 1 \"first\" (spawned at test/common/t.c:") == buf);
    T_ASSERT(strstr(buf, "task 2 \"second\"") != NULL);
#endif
#if HOP_CONF_TRACE > 0
    strcpy(line, "  at test/libevent/report.c:");
    t_itoa(raise_line, line + strlen(line));
    T_ASSERT(strstr(buf, line) != NULL);
#else
    (void)line;
#endif
}

typedef struct {
    hop_frame hdr;
} plain_frame;

/* raise -ECONNRESET, as an io operation does, without a message */
static hop_step reset(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RAISE(self, -ECONNRESET);
    HOP_END(self);
}

static void run_reset(void)
{
    hop_task t;
    plain_frame f;

    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    t_spawn(&t, &loop, &f.hdr, reset, "reader");
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* An OS error raised without a message is reported with strerror's. */
static void ev_report_errno(void)
{
    char buf[1024], want[128];

    capture(run_reset, buf, sizeof buf);
    snprintf(want, sizeof want, " failed:\nerror %d: %s\n", -ECONNRESET,
             strerror(ECONNRESET));
    T_ASSERT(strstr(buf, want) != NULL);
}

static void run_silenced(void)
{
    hop_task t1;
    frame f1;

    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    hop_loop_set_report(&loop, NULL, NULL);
    t_spawn(&t1, &loop, &f1.hdr, failer, "quiet");
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_loop_unobserved(&loop), 1);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* hop_loop_set_report(l, NULL, NULL): counted, not written. */
static void ev_report_silenced(void)
{
    char buf[1024];

    capture(run_silenced, buf, sizeof buf);
    T_STREQ(buf, "");
}

const t_case t_cases_libevent_report[] = {
    T_CASE(ev_report_stderr),
    T_CASE(ev_report_silenced),
    T_CASE(ev_report_errno),
    T_END,
};
