/*
 * lib/gen/frame.c: frame headers and the frame arena.
 *
 * A frame is caller-owned memory; hop_frame_init gives it a step function,
 * a kind and a signature that later calls check. The arena serves
 * recursive coroutines: a stack of blocks in a caller-supplied buffer,
 * each released when the frame built in it finishes. Blocks released out
 * of order are marked and popped once everything above them is free, so
 * the arena never fragments and never allocates.
 */
#include "gen_internal.h"

int(hop_frame_init)(hop_frame *f, hop_fn fn, int kind)
{
    return hop__frame_init_inline(f, fn, kind);
}

int hop_frame_state(const hop_frame *f)
{
    if (!hop__frame_ok(f))
        return HOP_EINVAL;
    return (int)hop__fstate(f);
}

/* -- the arena ---------------------------------------------------------- */

/* Blocks are aligned for any frame member, doubles on 32-bit ARM too. */
#define ALIGN (2 * sizeof(void *))
#define NONE ((size_t)-1)

/*
 * The header in front of each block. tag is the block's address mixed
 * with TAG_LIVE or TAG_FREE: a frame is released only when the header in
 * front of it says it is a live block of this arena, so a frame embedded
 * in an arena frame is never mistaken for a block of its own.
 */
typedef struct block {
    size_t prev;   /* offset of the block below, or NONE */
    uintptr_t tag; /* (uintptr_t)(block + 1) ^ TAG_LIVE or ^ TAG_FREE */
} block;

#define TAG_LIVE ((uintptr_t)0x5a17a11eu)
#define TAG_FREE ((uintptr_t)0x0f4ee0b1u)

static block *block_at(const hop_arena *a, size_t off)
{
    return (block *)(void *)(a->base + off);
}

int hop_arena_init(hop_arena *a, void *buf, size_t size)
{
    size_t pad;

    if (a == NULL || buf == NULL)
        return HOP_EINVAL;
    pad = (size_t)(-(uintptr_t)buf & (uintptr_t)(ALIGN - 1));
    if (size < pad + sizeof(block) + ALIGN)
        return HOP_EINVAL;
    a->base = (unsigned char *)buf + pad;
    a->size = (size - pad) & ~(ALIGN - 1);
    a->used = 0;
    a->last = NONE;
    a->magic = HOP__ARENA_MAGIC;
    a->release = hop__arena_release;
    return HOP_OK;
}

size_t hop_arena_used(const hop_arena *a)
{
    return a != NULL && a->magic == HOP__ARENA_MAGIC ? a->used : 0;
}

static void *arena_alloc(hop_arena *a, size_t n)
{
    size_t need;
    block *b;

    if (n > a->size)
        return NULL;
    need = sizeof(block) + ((n + ALIGN - 1) & ~(ALIGN - 1));
    if (need > a->size - a->used)
        return NULL;
    b = block_at(a, a->used);
    b->prev = a->last;
    b->tag = (uintptr_t)(b + 1) ^ TAG_LIVE;
    a->last = a->used;
    a->used += need;
    return b + 1;
}

void hop__arena_release(hop_arena *a, void *p)
{
    unsigned char *c = p;
    block *b;

    if (a == NULL || c < a->base + sizeof(block) || c >= a->base + a->used ||
        (size_t)(c - a->base) % ALIGN != 0)
        return;
    b = (block *)(void *)c - 1;
    if (b->tag != ((uintptr_t)c ^ TAG_LIVE))
        return;
    b->tag = (uintptr_t)c ^ TAG_FREE;
    while (a->last != NONE &&
           block_at(a, a->last)->tag ==
               ((uintptr_t)(block_at(a, a->last) + 1) ^ TAG_FREE)) {
        a->used = a->last;
        a->last = block_at(a, a->last)->prev;
    }
}

void *hop_frame_alloc(hop_gen *g, size_t size)
{
    if (g == NULL || g->magic != HOP__GEN_MAGIC || g->arena == NULL ||
        size == 0)
        return NULL;
    return arena_alloc(g->arena, size);
}
