/*
 * test/libevent/case.h: the one libevent loop of a hosted io test file, made
 * and released around each case (loop_up, loop_down) and run until its
 * tasks are done (run). (Hosted only.)
 */
#ifndef HOP_TEST_EV_CASE_H
#define HOP_TEST_EV_CASE_H

#include "t.h"

static hop_loop loop;
static hop_libevent ev;

static inline void loop_up(void)
{
    T_EQ(hop_libevent_init(&loop, &ev), HOP_OK);
}

static inline void loop_down(void)
{
    T_EQ(hop_loop_cleanup(&loop), HOP_OK);
    T_EQ(hop_libevent_cleanup(&ev), HOP_OK);
}

static inline void run(void)
{
    T_EQ(hop_loop_run(&loop, HOP_RUN_DEFAULT), HOP_OK);
}

#endif /* HOP_TEST_EV_CASE_H */
