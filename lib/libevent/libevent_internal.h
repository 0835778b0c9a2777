/*
 * lib/libevent/libevent_internal.h: what the files of lib/libevent share.
 * Never installed.
 */
#ifndef HOP_LIBEVENT_INTERNAL_H
#define HOP_LIBEVENT_INTERNAL_H

#include "hop/libevent.h"

/* Set up and tear down the posting machinery of a backend (post.c). */
void hop__libevent_posts_init(hop_libevent *ev);
void hop__libevent_posts_cleanup(hop_libevent *ev);

#endif /* HOP_LIBEVENT_INTERNAL_H */
