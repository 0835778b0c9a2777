/*
 * test/gen/arena.c: the frame arena: argument checks, alignment, frames
 * given back when they finish, in or out of order, and a full arena.
 */
#include "t.h"

#define E_A 1001

/* The block alignment and the cost of a frame, as documented. */
#define BLOCK_ALIGN (2 * sizeof(void *))
#define ROUND_UP(n) (((n) + BLOCK_ALIGN - 1) / BLOCK_ALIGN * BLOCK_ALIGN)
#define COST(n) (2 * sizeof(size_t) + ROUND_UP(n))

/* A buffer aligned for anything, so offsets from it are known. */
typedef union {
    long double ld;
    long long ll;
    void *p;
    void (*fp)(void);
    unsigned char b[4096];
} abuf;

/* Bytes from p up to the next block boundary. */
static size_t pad_of(const void *p)
{
    return (size_t)(-(uintptr_t)p & (uintptr_t)(BLOCK_ALIGN - 1));
}

typedef struct {
    hop_frame hdr;
} plain_frame;

/* yield 1; return 2 */
static hop_step leaf_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    HOP_YIELD(self, 1);
    HOP_RETURN(self, 2);
    HOP_END(self);
}

/* A handle on a leaf, for taking frames from the driver's side. */
static void idle_handle(hop_gen *g, plain_frame *fr)
{
    T_EQ(hop_frame_init(&fr->hdr, leaf_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &fr->hdr), HOP_OK);
}

/* -- hop_arena_init ------------------------------------------------------- */

static void arena_init_args(void)
{
    static abuf buf;
    hop_arena a, bad;
    hop_gen g;
    plain_frame fr;

    T_EQ(hop_arena_init(NULL, buf.b, sizeof buf.b), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, NULL, sizeof buf.b), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, buf.b, 0), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, buf.b, 1), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, buf.b, sizeof(hop_frame) - 1), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, buf.b + 1, sizeof(hop_frame)), HOP_EINVAL);
    T_EQ(hop_arena_init(&a, buf.b, sizeof buf.b), HOP_OK);
    T_EQ(hop_arena_used(&a), 0);
    T_EQ(hop_arena_init(&a, buf.b + 3, sizeof buf.b - 3), HOP_OK);
    T_EQ(hop_arena_used(&a), 0);

    /* An arena hop_arena_init never set is refused, and empty. */
    idle_handle(&g, &fr);
    t_fill(&bad, sizeof bad, 0);
    T_EQ(hop_gen_set_arena(&g, &bad), HOP_EINVAL);
    T_EQ(hop_arena_used(&bad), 0);
    t_fill(&bad, sizeof bad, 0xa5);
    T_EQ(hop_gen_set_arena(&g, &bad), HOP_EINVAL);
    T_EQ(hop_arena_used(&bad), 0);
    T_EQ(hop_arena_used(NULL), 0);
    T_ASSERT(hop_frame_alloc(&g, 16) == NULL);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_ASSERT(hop_frame_alloc(&g, 16) != NULL);
}

/*
 * The smallest arena: one block header and 2 * sizeof(void *) bytes once
 * the buffer is aligned. Smaller is refused; that size serves exactly one
 * frame of up to 2 * sizeof(void *) bytes.
 */
static void arena_init_minimum(void)
{
    static abuf buf;
    const size_t min = 2 * sizeof(size_t) + BLOCK_ALIGN;
    hop_arena a;
    hop_gen g;
    plain_frame fr;
    size_t size, off;

    for (off = 0; off < 2 * BLOCK_ALIGN; off++) {
        unsigned char *p = buf.b + off;
        size_t need = pad_of(p) + min;

        for (size = 0; size < need; size++)
            T_EQ(hop_arena_init(&a, p, size), HOP_EINVAL);
        for (size = need; size < need + 2 * BLOCK_ALIGN; size++) {
            void *q;

            T_EQ(hop_arena_init(&a, p, size), HOP_OK);
            T_EQ(hop_arena_used(&a), 0);
            idle_handle(&g, &fr);
            T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
            if (size < need + BLOCK_ALIGN)
                T_ASSERT(hop_frame_alloc(&g, BLOCK_ALIGN + 1) == NULL);
            q = hop_frame_alloc(&g, BLOCK_ALIGN);
            T_ASSERT(q != NULL);
            T_ASSERT((unsigned char *)q >= p);
            T_ASSERT((unsigned char *)q + BLOCK_ALIGN <= p + size);
            T_EQ(hop_arena_used(&a), COST(BLOCK_ALIGN));
        }
    }
}

/* -- alignment and separation of the frames taken ---------------------------- */

static void arena_alignment(void)
{
    static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 24, 25, 33, 64, 100, 5};
    static abuf buf;
    hop_arena a;
    hop_gen g;
    plain_frame fr;
    unsigned char *p[sizeof sizes / sizeof sizes[0]];
    size_t off, i, j, used;

    for (off = 0; off < 2 * BLOCK_ALIGN; off++) {
        unsigned char *lo = buf.b + off;
        unsigned char *hi = buf.b + 2048;

        T_EQ(hop_arena_init(&a, lo, (size_t)(hi - lo)), HOP_OK);
        idle_handle(&g, &fr);
        T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
        used = 0;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            p[i] = (unsigned char *)hop_frame_alloc(&g, sizes[i]);
            T_ASSERT(p[i] != NULL);
            T_EQ((uintptr_t)p[i] % BLOCK_ALIGN, 0);
            T_ASSERT(p[i] >= lo);
            T_ASSERT(p[i] + sizes[i] <= hi);
            T_EQ(hop_arena_used(&a), used + COST(sizes[i]));
            used = hop_arena_used(&a);
            t_fill(p[i], sizes[i], (unsigned char)(i + 1));
        }
        /* No frame overlaps another. */
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            for (j = 0; j < sizes[i]; j++)
                T_EQ(p[i][j], i + 1);
    }
}

/* -- frames are given back when they finish --------------------------------- */

typedef struct rec_frame {
    hop_frame hdr;
    int depth, max;
    struct rec_frame *child;
} rec_frame;

static int rec_raise;  /* the deepest frame raises instead of returning */
static int rec_deepest; /* deepest frame that ran */

static hop_step rec_fn(hop_gen *g, hop_frame *f)
{
    rec_frame *self = (rec_frame *)f;
    HOP_BEGIN(g, self);
    if (self->depth > rec_deepest)
        rec_deepest = self->depth;
    if (self->depth == self->max) {
        HOP_YIELD(self, self->depth);
        if (rec_raise)
            HOP_RAISE(self, E_A);
        HOP_RETURN(self, self->depth);
    }
    self->child = HOP_ALLOC(self, rec_frame);
    if (self->child == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    hop_frame_init(&self->child->hdr, rec_fn, HOP_COROUTINE);
    self->child->depth = self->depth + 1;
    self->child->max = self->max;
    HOP_AWAIT(self, &self->child->hdr);
    HOP_RETURN(self, HOP_VALUE(self) + 1);
    HOP_END(self);
}

static void rec_start(hop_gen *g, rec_frame *root, hop_arena *a, int max,
                      int raise)
{
    hop_value v = 0;

    rec_raise = raise;
    rec_deepest = 0;
    T_EQ(hop_frame_init(&root->hdr, rec_fn, HOP_GENERATOR), HOP_OK);
    root->depth = 0;
    root->max = max;
    T_EQ(hop_gen_init(g, &root->hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(g, a), HOP_OK);
    T_EQ(hop_gen_start(g, &v), HOP_YIELDED);
    T_EQ(v, max);
    T_EQ(hop_gen_depth(g), max + 1);
}

static void arena_release_on_finish(void)
{
    static abuf buf;
    hop_arena a;
    hop_gen g;
    rec_frame root;
    hop_value v = 0;
    size_t one;

    T_EQ(hop_arena_init(&a, buf.b, sizeof buf.b), HOP_OK);

    rec_start(&g, &root, &a, 1, 0);
    one = hop_arena_used(&a);
    T_EQ(one, COST(sizeof(rec_frame)));
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 2);
    T_EQ(hop_arena_used(&a), 0);

    /* A stack: five frames take five times one. */
    rec_start(&g, &root, &a, 5, 0);
    T_EQ(hop_arena_used(&a), 5 * one);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 10);
    T_EQ(hop_arena_used(&a), 0);

    /* Finishing by an error. */
    rec_start(&g, &root, &a, 5, 1);
    T_EQ(hop_gen_next(&g, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_arena_used(&a), 0);

    /* By a thrown error. */
    rec_start(&g, &root, &a, 5, 0);
    T_EQ(hop_gen_throw(&g, E_A, NULL, &v), HOP_RAISED);
    T_EQ(v, E_A);
    T_EQ(hop_arena_used(&a), 0);

    /* By close. */
    rec_start(&g, &root, &a, 5, 0);
    T_EQ(hop_gen_close(&g, &v), HOP_RETURNED);
    T_EQ(hop_arena_used(&a), 0);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
}

/* -- released out of order ---------------------------------------------------- */

static hop_arena *oo_arena;

typedef struct {
    hop_frame hdr;
    plain_frame *a, *b, *c;
    size_t u2, u3;
} oo_frame;

static hop_step oo_fn(hop_gen *g, hop_frame *f)
{
    oo_frame *self = (oo_frame *)f;
    HOP_BEGIN(g, self);
    self->a = HOP_ALLOC(self, plain_frame);
    self->b = HOP_ALLOC(self, plain_frame);
    T_ASSERT(self->a != NULL && self->b != NULL && self->a != self->b);
    self->u2 = hop_arena_used(oo_arena);
    /* a finishes first, while b, taken after it, is still held. */
    hop_frame_init(&self->a->hdr, leaf_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->a->hdr);
    T_EQ(HOP_VALUE(self), 2);
    T_EQ(hop_arena_used(oo_arena), self->u2);
    self->c = HOP_ALLOC(self, plain_frame);
    T_ASSERT(self->c != NULL && self->c != self->b);
    self->u3 = hop_arena_used(oo_arena);
    T_ASSERT(self->u3 > self->u2);
    /* Then b, while c is still held. */
    hop_frame_init(&self->b->hdr, leaf_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->b->hdr);
    T_EQ(hop_arena_used(oo_arena), self->u3);
    /* Then c, the last one: everything is free. */
    hop_frame_init(&self->c->hdr, leaf_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c->hdr);
    T_EQ(hop_arena_used(oo_arena), 0);
    /* The space is there again. */
    self->a = HOP_ALLOC(self, plain_frame);
    T_ASSERT(self->a != NULL);
    hop_frame_init(&self->a->hdr, leaf_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->a->hdr);
    T_EQ(hop_arena_used(oo_arena), 0);
    HOP_RETURN(self, 9);
    HOP_END(self);
}

static void arena_out_of_order(void)
{
    static abuf buf;
    hop_arena a;
    hop_gen g;
    oo_frame fr;
    hop_value v = 0;
    int n = 0;
    int r;

    oo_arena = &a;
    T_EQ(hop_arena_init(&a, buf.b, 1024), HOP_OK);
    T_EQ(hop_frame_init(&fr.hdr, oo_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    for (r = hop_gen_start(&g, &v); r == HOP_YIELDED;
         r = hop_gen_next(&g, &v))
        n++;
    T_EQ(r, HOP_RETURNED);
    T_EQ(v, 9);
    T_EQ(n, 4);
    T_EQ(hop_arena_used(&a), 0);
}

/* -- a full arena: HOP_ENOMEM, raised cleanly ---------------------------------- */

static void arena_full(void)
{
    static abuf buf;
    hop_arena a;
    hop_gen g;
    rec_frame root;
    hop_value v = 0;

    T_EQ(hop_arena_init(&a, buf.b, 512), HOP_OK);
    rec_raise = 0;
    rec_deepest = 0;
    T_EQ(hop_frame_init(&root.hdr, rec_fn, HOP_GENERATOR), HOP_OK);
    root.depth = 0;
    root.max = 100000;
    T_EQ(hop_gen_init(&g, &root.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ENOMEM);
    T_EQ(hop_gen_exc(&g)->code, HOP_ENOMEM);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_ASSERT(rec_deepest >= 2);
    T_ASSERT((size_t)rec_deepest * sizeof(rec_frame) <= 512);
    T_EQ(hop_arena_used(&a), 0);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);

    /* The arena is as good as new. */
    rec_start(&g, &root, &a, 2, 0);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 4);
    T_EQ(hop_arena_used(&a), 0);

    /* Too big for the arena at all. */
    T_EQ(hop_frame_init(&root.hdr, leaf_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &root.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_ASSERT(hop_frame_alloc(&g, 513) == NULL);
    T_ASSERT(hop_frame_alloc(&g, (size_t)-1) == NULL);
    T_ASSERT(hop_frame_alloc(&g, (size_t)-1 - 8) == NULL);
    T_ASSERT(hop_frame_alloc(&g, (size_t)-1 / 2) == NULL);
    T_EQ(hop_arena_used(&a), 0);
    T_ASSERT(hop_frame_alloc(&g, 16) != NULL);
}

/* -- no arena ------------------------------------------------------------------ */

static void arena_none(void)
{
    static abuf buf;
    hop_arena a;
    hop_gen g;
    plain_frame fr;
    rec_frame root;
    hop_value v = 0;

    idle_handle(&g, &fr);
    T_ASSERT(hop_frame_alloc(&g, 16) == NULL);
    T_ASSERT(hop_frame_alloc(NULL, 16) == NULL);
    T_EQ(hop_arena_init(&a, buf.b, sizeof buf.b), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_ASSERT(hop_frame_alloc(&g, 0) == NULL);
    T_EQ(hop_arena_used(&a), 0);
    T_ASSERT(hop_frame_alloc(&g, 16) != NULL);
    T_EQ(hop_gen_set_arena(&g, NULL), HOP_OK);
    T_ASSERT(hop_frame_alloc(&g, 16) == NULL);
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    T_ASSERT(hop_frame_alloc(&g, 16) == NULL);

    /* A recursive coroutine without an arena: HOP_ENOMEM at once. */
    rec_raise = 0;
    rec_deepest = 0;
    T_EQ(hop_frame_init(&root.hdr, rec_fn, HOP_GENERATOR), HOP_OK);
    root.depth = 0;
    root.max = 3;
    T_EQ(hop_gen_init(&g, &root.hdr), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ENOMEM);
    T_EQ(rec_deepest, 0);
}

/* -- set the arena only while the generator is not running ------------------ */

static hop_gen *sa_g;
static int sa_inside;

static hop_step sa_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    sa_inside = hop_gen_set_arena(sa_g, NULL);
    HOP_YIELD(self, 1);
    HOP_SUSPEND(self, (hop_waitable *)(void *)&sa_inside);
    HOP_END(self);
}

static void arena_set_busy(void)
{
    static abuf buf, buf2;
    hop_arena a, a2;
    hop_gen g;
    plain_frame fr;
    hop_value v = 0;

    sa_g = &g;
    sa_inside = 0;
    T_EQ(hop_arena_init(&a, buf.b, sizeof buf.b), HOP_OK);
    T_EQ(hop_arena_init(&a2, buf2.b, sizeof buf2.b), HOP_OK);
    T_EQ(hop_frame_init(&fr.hdr, sa_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(sa_inside, HOP_EBUSY);
    T_EQ(hop_gen_set_arena(&g, &a2), HOP_EBUSY);
    T_EQ(hop_gen_set_arena(&g, NULL), HOP_EBUSY);
    /* Still the first arena. */
    T_ASSERT(hop_frame_alloc(&g, 16) != NULL);
    T_EQ(hop_arena_used(&a), COST(16));
    T_EQ(hop_arena_used(&a2), 0);
    T_EQ(hop_gen_next(&g, &v), HOP_WAITING);
    T_EQ(hop_gen_set_arena(&g, &a2), HOP_EBUSY);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(hop_gen_set_arena(&g, &a2), HOP_OK);
}

/* -- one arena, two handles --------------------------------------------------- */

typedef struct {
    hop_frame hdr;
    plain_frame *c;
} one_frame;

/* Take a leaf from the arena and await it. */
static hop_step one_fn(hop_gen *g, hop_frame *f)
{
    one_frame *self = (one_frame *)f;
    HOP_BEGIN(g, self);
    self->c = HOP_ALLOC(self, plain_frame);
    if (self->c == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    hop_frame_init(&self->c->hdr, leaf_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->c->hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void arena_shared(void)
{
    static abuf buf;
    hop_arena a;
    hop_gen g1, g2;
    one_frame f1, f2;
    hop_value v = 0;
    const size_t one = COST(sizeof(plain_frame));

    T_EQ(hop_arena_init(&a, buf.b, sizeof buf.b), HOP_OK);
    T_EQ(hop_frame_init(&f1.hdr, one_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g1, &f1.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g1, &a), HOP_OK);
    T_EQ(hop_frame_init(&f2.hdr, one_fn, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(&g2, &f2.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g2, &a), HOP_OK);
    T_EQ(hop_gen_start(&g1, &v), HOP_YIELDED);
    T_EQ(hop_gen_start(&g2, &v), HOP_YIELDED);
    T_EQ(hop_arena_used(&a), 2 * one);
    T_ASSERT(f1.c != f2.c);
    /* The lower block finishes first: nothing is reclaimed yet. */
    T_EQ(hop_gen_next(&g1, &v), HOP_RETURNED);
    T_EQ(v, 2);
    T_EQ(hop_arena_used(&a), 2 * one);
    T_EQ(hop_gen_next(&g2, &v), HOP_RETURNED);
    T_EQ(v, 2);
    T_EQ(hop_arena_used(&a), 0);
}

/* -- a frame from the arena that awaits a child ------------------------------ */

typedef struct {
    hop_frame hdr;
    hop_value guard[4];
    plain_frame inner;  /* the child, embedded */
    plain_frame *child; /* the child: &inner, or from the arena */
    hop_value guard2;
    int embedded;
} emb_frame;

static hop_arena *emb_arena;
static size_t emb_used;

static hop_step emb_fn(hop_gen *g, hop_frame *f)
{
    emb_frame *self = (emb_frame *)f;
    HOP_BEGIN(g, self);
    self->guard[0] = 0x1111;
    self->guard[1] = 0x2222;
    self->guard[2] = 0x3333;
    self->guard[3] = 0x4444;
    self->guard2 = 0x5555;
    if (self->embedded) {
        self->child = &self->inner;
    } else {
        self->child = HOP_ALLOC(self, plain_frame);
        if (self->child == NULL)
            HOP_RAISE(self, HOP_ENOMEM);
        T_EQ(hop_arena_used(emb_arena),
             emb_used + COST(sizeof(plain_frame)));
    }
    hop_frame_init(&self->child->hdr, leaf_fn, HOP_COROUTINE);
    HOP_AWAIT(self, &self->child->hdr);
    T_EQ(HOP_VALUE(self), 2);
    T_EQ(self->guard[0], 0x1111);
    T_EQ(self->guard[1], 0x2222);
    T_EQ(self->guard[2], 0x3333);
    T_EQ(self->guard[3], 0x4444);
    T_EQ(self->guard2, 0x5555);
    T_EQ(hop_arena_used(emb_arena), emb_used);
    HOP_YIELD(self, 3);
    HOP_RETURN(self, 4);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    emb_frame *e;
    int embedded;
} embp_frame;

static hop_step embp_fn(hop_gen *g, hop_frame *f)
{
    embp_frame *self = (embp_frame *)f;
    HOP_BEGIN(g, self);
    self->e = HOP_ALLOC(self, emb_frame);
    if (self->e == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    emb_used = hop_arena_used(emb_arena);
    T_EQ(emb_used, COST(sizeof(emb_frame)));
    hop_frame_init(&self->e->hdr, emb_fn, HOP_COROUTINE);
    self->e->embedded = self->embedded;
    HOP_AWAIT(self, &self->e->hdr);
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

static void emb_run(int embedded)
{
    static abuf buf;
    hop_arena a;
    hop_gen g;
    embp_frame fr;
    hop_value v = 0;

    emb_arena = &a;
    T_EQ(hop_arena_init(&a, buf.b, sizeof buf.b), HOP_OK);
    T_EQ(hop_frame_init(&fr.hdr, embp_fn, HOP_GENERATOR), HOP_OK);
    fr.embedded = embedded;
    T_EQ(hop_gen_init(&g, &fr.hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(&g, &a), HOP_OK);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, 1);
    T_EQ(hop_gen_depth(&g), 3);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 3);
    T_EQ(hop_gen_next(&g, &v), HOP_RETURNED);
    T_EQ(v, 4);
    T_EQ(hop_arena_used(&a), 0);
}

/* An arena frame whose child comes from the arena too. */
static void arena_frame_awaits_arena_child(void)
{
    emb_run(0);
}

/*
 * An arena frame whose child is embedded in it: the child is part of its
 * parent's block, and finishing it releases nothing and touches nothing
 * of the parent.
 */
static void arena_frame_with_embedded_child(void)
{
    emb_run(1);
}

const t_case t_cases_gen_arena[] = {
    T_CASE(arena_init_args),
    T_CASE(arena_init_minimum),
    T_CASE(arena_alignment),
    T_CASE(arena_release_on_finish),
    T_CASE(arena_out_of_order),
    T_CASE(arena_full),
    T_CASE(arena_none),
    T_CASE(arena_set_busy),
    T_CASE(arena_shared),
    T_CASE(arena_frame_awaits_arena_child),
    T_CASE(arena_frame_with_embedded_child),
    T_END,
};
