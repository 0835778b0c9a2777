/*
 * test/common/t_ev.c: the libevent backend of t_loop_init, for hosted runners
 * (the runner sets t_rt = &t_ev_backend). One loop at a time.
 */
#include "t.h"

static hop_libevent ev;

static int ev_init(hop_loop *l)
{
    int r = hop_libevent_init(l, &ev);

    /* Cases that fail tasks on purpose check the errors themselves. */
    hop_loop_set_report(l, NULL, NULL);
    return r;
}

static int ev_cleanup(hop_loop *l)
{
    (void)l;
    return hop_libevent_cleanup(&ev);
}

const t_rt_backend t_ev_backend = {"libevent", ev_init, ev_cleanup};
