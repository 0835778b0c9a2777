/*
 * lib/core/timer.c: the loop's timer heap.
 *
 * An intrusive binary min-heap: every timer is a node with links to its
 * parent and children, so starting and stopping a timer costs O(log n)
 * and nothing is allocated. The position of the n-th node is given by
 * the bits of n read from the root (0: left, 1: right), which finds the
 * last node for a removal. Ties in expiry are broken by start order.
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

/* The link that points at t. */
static hop_timer **link_of(hop_loop *l, hop_timer *t)
{
    if (t->parent == NULL)
        return &l->timers;
    return t->parent->left == t ? &t->parent->left : &t->parent->right;
}

/* Swap the node c with its parent p. */
static void swap_up(hop_loop *l, hop_timer *p, hop_timer *c)
{
    hop_timer *cl = c->left, *cr = c->right;

    *link_of(l, p) = c;
    c->parent = p->parent;
    if (p->left == c) {
        c->left = p;
        c->right = p->right;
        if (c->right != NULL)
            c->right->parent = c;
    } else {
        c->right = p;
        c->left = p->left;
        if (c->left != NULL)
            c->left->parent = c;
    }
    p->parent = c;
    p->left = cl;
    p->right = cr;
    if (cl != NULL)
        cl->parent = p;
    if (cr != NULL)
        cr->parent = p;
}

/* The link for heap position n (1-based), and the parent it hangs on. */
static hop_timer **position(hop_loop *l, uint32_t n, hop_timer **parent)
{
    hop_timer **link = &l->timers;
    int k = 31;

    *parent = NULL;
    while (k > 0 && !(n >> k))
        k--;
    for (k--; k >= 0; k--) {
        *parent = *link;
        link = ((n >> k) & 1u) ? &(*parent)->right : &(*parent)->left;
    }
    return link;
}

static void sift(hop_loop *l, hop_timer *t)
{
    while (t->parent != NULL && less(t, t->parent))
        swap_up(l, t->parent, t);
    for (;;) {
        hop_timer *c = t->left;
        if (t->right != NULL && (c == NULL || less(t->right, c)))
            c = t->right;
        if (c == NULL || !less(c, t))
            break;
        swap_up(l, t, c);
    }
}

static void heap_remove(hop_loop *l, hop_timer *t)
{
    hop_timer *parent;
    hop_timer **link = position(l, l->ntimers, &parent);
    hop_timer *last = *link;

    *link = NULL;
    l->ntimers--;
    if (last != t) {
        last->left = t->left;
        last->right = t->right;
        last->parent = t->parent;
        *link_of(l, t) = last;
        if (last->left != NULL)
            last->left->parent = last;
        if (last->right != NULL)
            last->right->parent = last;
        sift(l, last);
    }
    t->left = t->right = t->parent = NULL;
    t->active = 0;
}

int hop_timer_start(hop_loop *l, hop_timer *t, hop_time when)
{
    hop_timer *parent;
    hop_timer **link;

    if (l == NULL || l->magic != HOP__LOOP_MAGIC || t == NULL ||
        t->fn == NULL || t->magic != TIMER_MAGIC)
        return HOP_EINVAL;
    if (t->active)
        heap_remove(l, t);
    t->when = when;
    t->seq = l->seq++;
    t->left = t->right = NULL;
    link = position(l, ++l->ntimers, &parent);
    *link = t;
    t->parent = parent;
    t->active = 1;
    sift(l, t);
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
