/*
 * test/libevent/post.c: posting to a loop on the libevent backend from
 * another thread and from a signal handler. (Hosted only.)
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <event2/event.h>

#include "t.h"

static hop_loop loop;
static hop_libevent ev;
static hop_future fut;
static hop_post post;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
    hop_value got;
    int err;
} frame;

/* Wait on the future; record its value or error. */
static hop_step waiter(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        HOP_SUSPEND(self, hop_future_wait(&fut));
        self->got = HOP_VALUE(self);
    HOP_CATCH_ALL(self);
        self->err = HOP_ERROR(self);
    HOP_END_TRY(self);
    HOP_END(self);
}

static void *thread_main(void *arg)
{
    struct timespec ts = {0, 10 * 1000 * 1000};

    (void)arg;
    nanosleep(&ts, NULL);
    hop_libevent_post_complete(&ev, &post, &fut, 42);
    return NULL;
}

static void post_from_thread(void)
{
    frame w;
    hop_task t;
    pthread_t th;

    t_fill(&t, sizeof t, 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_post(&ev, &post, 0), HOP_EINVAL);
    T_EQ(hop_libevent_post_complete(&ev, &post, &fut, 1), HOP_ESTATE);
    T_EQ(hop_libevent_enable_posts(&ev), HOP_OK);
    T_EQ(hop_libevent_enable_posts(&ev), HOP_OK);
    hop_future_init(&fut, NULL);
    hop_frame_init(&w.hdr, waiter, HOP_COROUTINE);
    w.got = 0;
    w.err = 0;
    hop_task_init(&t, &loop, &w.hdr, "waiter");
    hop_spawn(&t);
    T_EQ(pthread_create(&th, NULL, thread_main, NULL), 0);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(pthread_join(th, NULL), 0);
    T_EQ(w.got, 42);
    T_EQ(w.err, 0);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* -- a signal handler posts ----------------------------------------------- */

static void on_signal(int sig)
{
    (void)sig;
    hop_libevent_post_complete(&ev, &post, &fut, 7);
}

/* Sleep 5 ms, then raise SIGUSR1 (its handler posts). */
static hop_step raiser(hop_gen *g, hop_frame *f)
{
    frame *self = (frame *)f;
    HOP_BEGIN(g, self);
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(5)));
    T_EQ(raise(SIGUSR1), 0);
    HOP_END(self);
}

static void post_from_signal(void)
{
    frame w, r;
    hop_task tw, tr;
    struct sigaction sa, old;

    t_fill(&tw, sizeof tw, 0);
    t_fill(&tr, sizeof tr, 0);
    t_fill(&sa, sizeof sa, 0);
    sa.sa_handler = on_signal;
    T_EQ(sigaction(SIGUSR1, &sa, &old), 0);
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_enable_posts(&ev), HOP_OK);
    hop_future_init(&fut, NULL);
    hop_frame_init(&w.hdr, waiter, HOP_COROUTINE);
    w.got = 0;
    w.err = 0;
    hop_frame_init(&r.hdr, raiser, HOP_COROUTINE);
    hop_task_init(&tw, &loop, &w.hdr, "waiter");
    hop_task_init(&tr, &loop, &r.hdr, "raiser");
    hop_spawn(&tw);
    hop_spawn(&tr);
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(w.got, 7);
    T_EQ(sigaction(SIGUSR1, &old, NULL), 0);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

/* -- posts run in the order they were made ----------------------------------- */

static int order[3];
static int norder;

static void note(hop_post *p)
{
    order[norder++] = (int)(hop_value)p->data;
}

static void post_order(void)
{
    hop_post p[3];
    int i;

    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
    T_EQ(hop_libevent_enable_posts(&ev), HOP_OK);
    norder = 0;
    for (i = 0; i < 3; i++) {
        p[i].data = (void *)(hop_value)(i + 1);
        T_EQ(hop_libevent_post(&ev, &p[i], note), HOP_OK);
    }
    T_EQ(norder, 0); /* nothing runs inside hop_libevent_post */
    T_EQ(event_base_loop(hop_libevent_base(&loop), EVLOOP_NONBLOCK), 0);
    T_EQ(norder, 3);
    T_EQ(order[0], 1);
    T_EQ(order[1], 2);
    T_EQ(order[2], 3);
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

const t_case t_cases_libevent_post[] = {
    T_CASE(post_from_thread),
    T_CASE(post_from_signal),
    T_CASE(post_order),
    T_END,
};
