/*
 * lib/bare/post.c: events posted from interrupt handlers.
 *
 * The ring is the caller's array of hop_bare_event; head is the oldest
 * slot and count the number queued. Posting and taking an event each
 * happen inside the critical section, so producers at any interrupt
 * priority and the main loop never see a half-written slot. A post that
 * finds the ring full is refused with HOP_EBUSY and counted in dropped:
 * nothing is lost without the poster and the application knowing.
 * Events run in the loop's context, outside the critical section.
 */
#include "bare_internal.h"

int hop_bare_post(hop_bare *b, hop_bare_fn fn, void *arg)
{
    unsigned s, i;
    int r = HOP_OK;

    if (!hop__bare_ok(b) || fn == NULL)
        return HOP_EINVAL;
    s = hop__bare_enter(b);
    if (b->count == b->cap) {
        b->dropped++;
        r = HOP_EBUSY;
    } else {
        i = b->head + b->count;
        if (i >= b->cap)
            i -= b->cap; /* no division: M0 has none */
        b->queue[i].fn = fn;
        b->queue[i].arg = arg;
        b->count++;
    }
    hop__bare_leave(b, s);
    return r;
}

uint32_t hop_bare_dropped(hop_bare *b)
{
    unsigned s;
    uint32_t n;

    if (!hop__bare_ok(b))
        return 0;
    s = hop__bare_enter(b);
    n = b->dropped;
    hop__bare_leave(b, s);
    return n;
}

unsigned hop_bare_pending(hop_bare *b)
{
    unsigned s, n;

    if (!hop__bare_ok(b))
        return 0;
    s = hop__bare_enter(b);
    n = b->count;
    hop__bare_leave(b, s);
    return n;
}

void hop_bare_wake(hop_bare *b)
{
    if (hop__bare_ok(b))
        b->woken = 1;
}

unsigned hop__bare_drain(hop_bare *b)
{
    unsigned s, n, ran = 0;

    s = hop__bare_enter(b);
    n = b->count; /* what events post now waits for the next drain */
    hop__bare_leave(b, s);
    while (ran < n && !hop_loop_stopping(b->loop)) {
        hop_bare_fn fn;
        void *arg;

        s = hop__bare_enter(b);
        fn = b->queue[b->head].fn;
        arg = b->queue[b->head].arg;
        b->head = b->head + 1 == b->cap ? 0 : b->head + 1;
        b->count--;
        hop__bare_leave(b, s);
        ran++;
        fn(arg);
    }
    return ran;
}
