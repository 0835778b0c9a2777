/*
 * lib/event/ev_internal.h: what the files of lib/event share. Never
 * installed.
 */
#ifndef HOP_EV_INTERNAL_H
#define HOP_EV_INTERNAL_H

#include "hop/event.h"

/* Set up and tear down the posting machinery of a backend (post.c). */
void hop__ev_posts_init(hop_ev *ev);
void hop__ev_posts_cleanup(hop_ev *ev);

#endif /* HOP_EV_INTERNAL_H */
