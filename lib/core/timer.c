/*
 * lib/core/timer.c: the loop's timer heap.
 *
 * An intrusive pairing heap: every timer is a node with three links, so
 * nothing is allocated. Starting a timer melds it with the root in O(1)
 * (one comparison, no walk through a million nodes' cache lines);
 * removing the earliest, or stopping any timer, re-melds the removed
 * node's children in amortised O(log n). Ties in expiry are broken by
 * start order.
 */
#include "internal.h"

#define TIMER_MAGIC 0x7e3du

int hop_timer_init(hop_timer *t, hop_timer_fn fn)
{
    if (t == NULL || fn == NULL)
        return HOP_EINVAL;
    t->left = t->right = t->parent = NULL;
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

static int less(const hop_timer *a, const hop_timer *b)
{
    if (a->when != b->when)
        return a->when < b->when;
    return (int32_t)(a->seq - b->seq) < 0;
}

/*
 * The heap is a pairing heap: left is a node's first child, right its
 * next sibling, parent its previous sibling, or its parent when it is a
 * first child. Two roots meld in O(1): the later one becomes the first
 * child of the earlier.
 */
static hop_timer *meld(hop_timer *a, hop_timer *b)
{
    hop_timer *t;

    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    if (less(b, a)) {
        t = a;
        a = b;
        b = t;
    }
    b->right = a->left;
    if (a->left != NULL)
        a->left->parent = b;
    b->parent = a;
    a->left = b;
    a->right = NULL;
    a->parent = NULL;
    return a;
}

/* Meld a list of siblings into one heap: pairs left to right, then the
 * pairs right to left (amortised O(log n)). */
static hop_timer *merge_pairs(hop_timer *first)
{
    hop_timer *acc = NULL;
    hop_timer *res = NULL;

    while (first != NULL) {
        hop_timer *a = first;
        hop_timer *b = a->right;
        hop_timer *m;

        if (b == NULL) {
            first = NULL;
            a->parent = NULL;
            m = a;
        } else {
            first = b->right;
            a->right = b->right = NULL;
            a->parent = b->parent = NULL;
            m = meld(a, b);
        }
        m->right = acc;
        acc = m;
    }
    while (acc != NULL) {
        hop_timer *next = acc->right;
        acc->right = NULL;
        res = meld(res, acc);
        acc = next;
    }
    return res;
}

static void heap_remove(hop_loop *l, hop_timer *t)
{
    if (t == l->timers) {
        l->timers = merge_pairs(t->left);
    } else {
        if (t->parent->left == t)
            t->parent->left = t->right;
        else
            t->parent->right = t->right;
        if (t->right != NULL)
            t->right->parent = t->parent;
        l->timers = meld(l->timers, merge_pairs(t->left));
    }
    if (l->timers != NULL)
        l->timers->parent = NULL;
    l->ntimers--;
    t->left = t->right = t->parent = NULL;
    t->active = 0;
}

int hop_timer_start(hop_loop *l, hop_timer *t, hop_time when)
{
    if (l == NULL || l->magic != HOP__LOOP_MAGIC || t == NULL ||
        t->fn == NULL || t->magic != TIMER_MAGIC)
        return HOP_EINVAL;
    if (t->active)
        heap_remove(l, t);
    t->when = when;
    t->seq = l->seq++;
    t->left = t->right = t->parent = NULL;
    t->active = 1;
    l->ntimers++;
    l->timers = meld(l->timers, t);
    if (l->timers == t)
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

hop_time hop__timers_next(const hop_loop *l)
{
    return l->timers != NULL ? l->timers->when : HOP_FOREVER;
}

void hop__timers_fire(hop_loop *l, hop_time now)
{
    while (l->timers != NULL && l->timers->when <= now) {
        hop_timer *t = l->timers;
        heap_remove(l, t);
        t->fn(t);
    }
}
