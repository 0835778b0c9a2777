/*
 * test/libevent/poll.c: busy polling on the libevent backend
 * (hop_libevent_busy_poll). (Hosted only.)
 *
 * The window's size is read from the backend's private field: these
 * tests check how it adapts, which the loop's results cannot show.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include <event2/event.h>

#include "t.h"

static hop_loop loop;
static hop_libevent ev;

static void args(void)
{
    struct event_base *base;
    hop_libevent other;

    T_EQ(hop_libevent_busy_poll(NULL, HOP_USEC(50)), HOP_EINVAL);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_busy_poll(&ev, -1), HOP_EINVAL);
    T_EQ(hop_libevent_busy_poll(&ev, HOP_USEC(50)), HOP_OK);
    T_EQ(ev.poll, 0); /* the window opens on the first short gap */
    T_EQ(hop_libevent_busy_poll(&ev, 0), HOP_OK);
    /* Any limit is taken; the window never overflows. */
    T_EQ(hop_libevent_busy_poll(&ev, INT64_MAX), HOP_OK);
    T_EQ(hop_libevent_busy_poll(&ev, 0), HOP_OK);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
    T_EQ(hop_libevent_busy_poll(&ev, HOP_USEC(50)), HOP_EINVAL); /* released */

    /* Attached: the application's loop does the waiting. */
    base = event_base_new();
    T_ASSERT(base != NULL);
    T_EQ(hop_libevent_attach(&loop, &other, base), HOP_OK);
    T_EQ(hop_libevent_busy_poll(&other, HOP_USEC(50)), HOP_EINVAL);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&other), HOP_OK);
    event_base_free(base);
}

/* -- short gaps: posts from a thread, every 100 microseconds ---------------- */

#define NPOSTS 100

static hop_post posts[NPOSTS];
static hop_future done;
static int received;
static hop_time widest;

static void got(hop_post *p)
{
    (void)p;
    received++;
    if (ev.poll > widest)
        widest = ev.poll;
    if (received == NPOSTS)
        hop_future_complete(&done, received);
}

static void *poster(void *arg)
{
    struct timespec ts = {0, 100 * 1000};
    int i;

    (void)arg;
    for (i = 0; i < NPOSTS; i++) {
        nanosleep(&ts, NULL);
        hop_libevent_post(&ev, &posts[i], got);
    }
    return NULL;
}

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    hop_time slept;
    int i;
    hop_value got;
} frame;

static hop_step waiter(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    HOP_SUSPEND(self, hop_future_wait(&done));
    self->got = HOP_VALUE(self);
    /* Then long gaps: a sleep is never cut short by the polling, and
     * the window closes again. */
    for (self->i = 0; self->i < 12; self->i++) {
        self->slept = hop_loop_now(hop_gen_loop(g));
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(5)));
        self->slept = hop_loop_now(hop_gen_loop(g)) - self->slept;
        if (self->slept < HOP_MSEC(5))
            HOP_RAISE_MSG(self, HOP_ESTATE, "woke early");
    }
    HOP_END(self);
}

static void adapts(void)
{
    frame w;
    hop_task t;
    pthread_t th;

    t_fill(&t, sizeof t, 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_enable_posts(&ev), HOP_OK);
    /* (A small limit: a spinning loop may hold up the posting thread
     * where the machine shares one processor between them.) */
    T_EQ(hop_libevent_busy_poll(&ev, HOP_MSEC(2)), HOP_OK);
    hop_future_init(&done, NULL);
    received = 0;
    widest = 0;
    hop_frame_init(&w.hdr, waiter, HOP_COROUTINE);
    w.got = 0;
    hop_task_init(&t, &loop, &w.hdr, "waiter");
    hop_spawn(&t);
    T_EQ(pthread_create(&th, NULL, poster, NULL), 0);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(pthread_join(th, NULL), 0);
    T_EQ(hop_task_status(&t), HOP_TASK_DONE);
    T_EQ(w.got, NPOSTS);
    T_ASSERT(widest > 0);             /* short gaps opened the window */
    T_ASSERT(widest <= HOP_MSEC(2));   /* within the limit */
    T_EQ(ev.poll, 0);            /* long ones closed it */
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* -- an idle loop does not spin --------------------------------------------- */

static hop_time cpu_time(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (hop_time)ru.ru_utime.tv_sec * 1000000000 +
           (hop_time)ru.ru_utime.tv_usec * 1000 +
           (hop_time)ru.ru_stime.tv_sec * 1000000000 +
           (hop_time)ru.ru_stime.tv_usec * 1000;
}

typedef struct {
    hop_frame hdr;
    hop_sleep_frame sl;
    int i;
} idle_frame;

static hop_step sleeper(hop_gen *g, hop_frame *f)
{
    idle_frame *self = (idle_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < 10; self->i++)
        HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(20)));
    HOP_END(self);
}

static void idle(void)
{
    idle_frame s;
    hop_task t;
    hop_time cpu, wall;

    t_fill(&t, sizeof t, 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_busy_poll(&ev, HOP_MSEC(1)), HOP_OK);
    hop_frame_init(&s.hdr, sleeper, HOP_COROUTINE);
    hop_task_init(&t, &loop, &s.hdr, "sleeper");
    hop_spawn(&t);
    cpu = cpu_time();
    wall = hop_loop_now(&loop);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    cpu = cpu_time() - cpu;
    wall = hop_loop_now(&loop) - wall;
    T_ASSERT(wall >= HOP_MSEC(200));
    /* Gaps longer than the limit never open the window: the loop
     * sleeps, it does not spin (generous: a spinning loop would use
     * all 200 ms). */
    T_ASSERT(cpu < wall / 2);
    T_EQ(ev.poll, 0);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

const t_case t_cases_libevent_poll[] = {
    T_CASE(args),
    T_CASE(adapts),
    T_CASE(idle),
    T_END,
};
