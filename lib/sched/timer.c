/*
 * lib/sched/timer.c: the loop's timer queue.
 *
 * A radix heap over deadlines (which only move forward with the clock):
 * intrusive lists in the loop, so nothing is allocated, starting and
 * stopping a timer are O(1), and a timer is touched a few times in its
 * life rather than once per level of a tree, which keeps a million
 * timers fast. Timers due at the same instant fire in deadline order,
 * then in start order.
 */
#include "sched_internal.h"

#define TIMER_MAGIC 0x7e3du

int hop_timer_init(hop_timer *t, hop_timer_fn fn)
{
    if (t == NULL || fn == NULL)
        return HOP_EINVAL;
    t->next = NULL;
    t->pprev = NULL;
    t->when = 0;
    t->fn = fn;
    t->seq = 0;
    t->active = 0;
    t->magic = TIMER_MAGIC;
    t->data = NULL;
    return HOP_OK;
}

int hop_timer_active(const hop_timer *t)
{
    return t != NULL && t->active != 0;
}

#if HOP_CONF_TIMER_BITS == 0
/*
 * The queue is one list in the order timers fire: by deadline, then in
 * start order. Starting walks past the timers due no later; stopping is
 * O(1); the first is the next to fire.
 */
static void queue(hop_loop *l, hop_timer *t)
{
    hop_timer **p = &l->buckets[0];

    while (*p != NULL && (*p)->when <= t->when)
        p = &(*p)->next;
    t->next = *p;
    if (t->next != NULL)
        t->next->pprev = &t->next;
    t->pprev = p;
    *p = t;
}

static void heap_remove(hop_loop *l, hop_timer *t)
{
    *t->pprev = t->next;
    if (t->next != NULL)
        t->next->pprev = t->pprev;
    t->next = NULL;
    t->pprev = NULL;
    l->ntimers--;
    t->active = 0;
}

hop_time hop__timers_next(const hop_loop *l)
{
    return l->buckets[0] != NULL ? l->buckets[0]->when : HOP_FOREVER;
}

void hop__timers_fire(hop_loop *l, hop_time now)
{
    while (l->buckets[0] != NULL && l->buckets[0]->when <= now) {
        hop_timer *t = l->buckets[0];
        heap_remove(l, t);
        t->fn(t);
    }
}
#else
/*
 * The queue is a radix heap. tlast is the deadline of the timers in
 * bucket 0, never later than the clock. A timer with deadline k > tlast
 * sits in the bucket named by the highest digit (of HOP_CONF_TIMER_BITS
 * bits) in which k differs from tlast, and by k's value in that digit; so
 * a lower bucket holds only earlier deadlines. One started with a
 * deadline at or before tlast joins bucket 0. When bucket 0 has fired
 * and the earliest deadline of the first nonempty bucket is due, that
 * bucket is emptied into the lower ones around it, the new tlast. A
 * timer moves down at most once per digit in its life (16 times with
 * 4-bit digits), so starting and stopping are O(1). Buckets are FIFO
 * lists: each stays in start order (a bucket is emptied only when every
 * lower one is empty), so timers due together fire in start order with
 * no sorting.
 */
static unsigned bucket_of(hop_time last, hop_time key)
{
    uint64_t x = (uint64_t)key ^ (uint64_t)last;
    unsigned h = 0, level, digit;

    if (x == 0)
        return 0;
#if defined(__GNUC__)
    h = 63u - (unsigned)__builtin_clzll((unsigned long long)x);
#else
    while (x >>= 1)
        h++;
#endif
    /* The digit (of HOP_CONF_TIMER_BITS bits) where key first differs
     * from last; key's value there is above last's, so at least 1. */
    level = h / HOP_CONF_TIMER_BITS;
    digit = (unsigned)((uint64_t)key >> (level * HOP_CONF_TIMER_BITS)) &
            ((1u << HOP_CONF_TIMER_BITS) - 1u);
    return level * ((1u << HOP_CONF_TIMER_BITS) - 1u) + digit;
}

#define UNKNOWN INT64_MIN

/* Append t to bucket b, keeping the bucket's earliest deadline. */
static void push(hop_loop *l, unsigned b, hop_timer *t)
{
    t->bucket = (uint8_t)b;
    t->next = NULL;
    if (l->btails[b] != NULL) {
        if (l->bmin[b] != UNKNOWN && t->when < l->bmin[b])
            l->bmin[b] = t->when;
        l->btails[b]->next = t;
        t->pprev = &l->btails[b]->next;
    } else {
        l->bmin[b] = t->when;
        l->buckets[b] = t;
        t->pprev = &l->buckets[b];
    }
    l->btails[b] = t;
}

static void unlink_timer(hop_loop *l, hop_timer *t)
{
    unsigned b = t->bucket;

    if (l->btails[b] == t)
        l->btails[b] = t->pprev == &l->buckets[b]
                           ? NULL
                           : (hop_timer *)(void *)((char *)(void *)t->pprev -
                                                   offsetof(hop_timer, next));
    *t->pprev = t->next;
    if (t->next != NULL)
        t->next->pprev = t->pprev;
    t->next = NULL;
    t->pprev = NULL;
}

static void queue(hop_loop *l, hop_timer *t)
{
    hop_time key = t->when < l->tlast ? l->tlast : t->when;

    push(l, bucket_of(l->tlast, key), t);
}

/* The first nonempty bucket above 0 (ntimers > 0, bucket 0 empty). */
static unsigned first_bucket(const hop_loop *l)
{
    unsigned i;

    for (i = 1; l->buckets[i] == NULL; i++)
        ;
    return i;
}

static hop_time bucket_min(const hop_timer *t)
{
    hop_time m = t->when;

    for (t = t->next; t != NULL; t = t->next)
        if (t->when < m)
            m = t->when;
    return m;
}

/* Make bucket 0 hold timers due at now, if any are. */
static int due_bucket(hop_loop *l, hop_time now)
{
    hop_timer *list, *t;
    unsigned i;
    hop_time m;

    if (l->buckets[0] != NULL)
        return 1;
    if (l->ntimers == 0)
        return 0;
    i = first_bucket(l);
    if (l->bmin[i] == UNKNOWN)
        l->bmin[i] = bucket_min(l->buckets[i]);
    m = l->bmin[i];
    if (m > now)
        return 0;
    list = l->buckets[i];
    l->buckets[i] = l->btails[i] = NULL;
    l->tlast = m;
    while (list != NULL) {
        t = list;
        list = t->next;
        queue(l, t);
    }
    return 1;
}

static void heap_remove(hop_loop *l, hop_timer *t)
{
    if (t->when == l->bmin[t->bucket])
        l->bmin[t->bucket] = UNKNOWN; /* it may have been the earliest */
    unlink_timer(l, t);
    l->ntimers--;
    t->active = 0;
}

hop_time hop__timers_next(const hop_loop *l)
{
    if (l->ntimers == 0)
        return HOP_FOREVER;
    if (l->buckets[0] != NULL)
        return l->tlast;
    {
        unsigned i = first_bucket(l);
        return l->bmin[i] != UNKNOWN ? l->bmin[i]
                                     : bucket_min(l->buckets[i]);
    }
}

void hop__timers_fire(hop_loop *l, hop_time now)
{
    while (due_bucket(l, now)) {
        hop_timer *t = l->buckets[0];
        heap_remove(l, t);
        t->fn(t);
    }
}
#endif /* HOP_CONF_TIMER_BITS */

int hop_timer_start(hop_loop *l, hop_timer *t, hop_time when)
{
    if (l == NULL || l->magic != HOP__LOOP_MAGIC || t == NULL ||
        t->fn == NULL || t->magic != TIMER_MAGIC)
        return HOP_EINVAL;
    if (t->active)
        heap_remove(l, t);
    t->when = when;
    t->seq = l->seq++;
    t->active = 1;
    l->ntimers++;
    queue(l, t);
    hop__loop_notify(l);
    return HOP_OK;
}

int hop_timer_stop(hop_loop *l, hop_timer *t)
{
    if (l == NULL || l->magic != HOP__LOOP_MAGIC || t == NULL ||
        t->magic != TIMER_MAGIC)
        return HOP_EINVAL;
    if (t->active)
        heap_remove(l, t);
    return HOP_OK;
}

