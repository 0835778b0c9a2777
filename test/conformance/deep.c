/*
 * test/conformance/deep.c: nesting depth and stack use, cases DEEP-01,
 * DEEP-02 (case B; case A needs tasks) and DEEP-03 of CASES.md.
 */
#include "t.h"

/* Stack addresses of two probes differ by less than this many bytes. */
#define STACK_SLACK 512

/*
 * An address of the current C stack frame. GCC and Clang give the frame
 * address itself, which stays on the real stack even where a sanitizer
 * moves locals elsewhere (AddressSanitizer's fake stack); other
 * compilers give the address of the caller's local probe.
 */
#if defined(__GNUC__)
#define STACK_ADDR(probe)                                                    \
    ((void)(probe), (uintptr_t)__builtin_frame_address(0))
#else
#define STACK_ADDR(probe) ((uintptr_t)(probe))
#endif

static uintptr_t udiff(uintptr_t a, uintptr_t b)
{
    return a > b ? a - b : b - a;
}

/* -- DEEP-01: 1000 and 10000 nested delegations in constant stack -------- */

static const char d01_bottom[] = "bottom";

typedef struct d01_frame {
    hop_frame hdr;
    int k;
    struct d01_frame *child;
} d01_frame;

/* Lowest and highest stack address seen inside any step of the chain. */
static uintptr_t d01_lo, d01_hi;
/* The buffer of the arena in use, to check where frames come from. */
static uintptr_t d01_buf_lo, d01_buf_hi;

static void d01_note(uintptr_t a)
{
    if (a < d01_lo)
        d01_lo = a;
    if (a > d01_hi)
        d01_hi = a;
}

/*
 * L(k): if k == 0 { x = yield "bottom"; return x }
 *       else { r = DELEGATE L(k-1); return r + 1 }
 * Child frames come from the handle's arena. Every entry of every step
 * (the innermost one's two entries included) notes a stack address.
 */
static hop_step d01_L(hop_gen *g, hop_frame *f)
{
    d01_frame *self = (d01_frame *)f;
    volatile char probe = 0;
    HOP_BEGIN(g, self);
    d01_note(STACK_ADDR(&probe));
    if (self->k == 0) {
        HOP_YIELD(self, T_SV(d01_bottom));
        d01_note(STACK_ADDR(&probe));
        HOP_RETURN(self, HOP_VALUE(self));
    }
    self->child = HOP_ALLOC(self, d01_frame);
    if (self->child == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    T_ASSERT((uintptr_t)self->child >= d01_buf_lo);
    T_ASSERT((uintptr_t)(self->child + 1) <= d01_buf_hi);
    self->child->k = self->k - 1;
    hop_frame_init(&self->child->hdr, d01_L, HOP_GENERATOR);
    HOP_AWAIT(self, &self->child->hdr);
    d01_note(STACK_ADDR(&probe));
    HOP_RETURN(self, HOP_VALUE(self) + 1);
    HOP_END(self);
}

static unsigned char d01_buf[1 << 21];  /* room for 10000 frames */
static unsigned char d01_small[1024];   /* room for a few frames */

/* Init an arena on buf and L(n) as the root of g using it. */
static void d01_setup(hop_arena *a, unsigned char *buf, size_t size,
                      d01_frame *root, hop_gen *g, int n)
{
    T_EQ(hop_arena_init(a, buf, size), HOP_OK);
    d01_buf_lo = (uintptr_t)buf;
    d01_buf_hi = (uintptr_t)(buf + size);
    root->k = n;
    T_EQ(hop_frame_init(&root->hdr, d01_L, HOP_GENERATOR), HOP_OK);
    T_EQ(hop_gen_init(g, &root->hdr), HOP_OK);
    T_EQ(hop_gen_set_arena(g, a), HOP_OK);
    d01_lo = UINTPTR_MAX;
    d01_hi = 0;
}

/* start L(n); send(5); the stack span seen goes to *lo and *hi. */
static void d01_run(int n, uintptr_t *lo, uintptr_t *hi)
{
    hop_arena a;
    d01_frame root;
    hop_gen g;
    hop_value v = 0;

    d01_setup(&a, d01_buf, sizeof d01_buf, &root, &g, n);
    T_EQ(hop_gen_start(&g, &v), HOP_YIELDED);
    T_EQ(v, T_SV(d01_bottom));
    T_STREQ((const char *)v, "bottom");
    /* The chain is kept, in the arena: n frames besides the root. */
    T_EQ(hop_gen_depth(&g), n + 1);
    T_ASSERT(hop_arena_used(&a) >= (size_t)n * sizeof(d01_frame));
    v = 0;
    T_EQ(hop_gen_send(&g, 5, &v), HOP_RETURNED);
    T_EQ(v, 5 + n);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    /* Every frame went back to the arena. */
    T_EQ(hop_arena_used(&a), 0);
    T_ASSERT(d01_lo != UINTPTR_MAX && d01_lo <= d01_hi);
    *lo = d01_lo;
    *hi = d01_hi;
}

static void DEEP_01(void)
{
    uintptr_t lo10, hi10, lo1k, hi1k, lo10k, hi10k;
    hop_arena a;
    d01_frame root;
    hop_gen g;
    hop_value v = 0;

    d01_run(10, &lo10, &hi10);
    d01_run(1000, &lo1k, &hi1k);
    d01_run(10000, &lo10k, &hi10k);

    /* The deepest (and shallowest) stack address reached is the same,
     * within a small constant, whatever the depth of the chain. */
    T_ASSERT(udiff(lo10, lo10k) < STACK_SLACK);
    T_ASSERT(udiff(hi10, hi10k) < STACK_SLACK);
    T_ASSERT(udiff(lo10, lo1k) < STACK_SLACK);
    T_ASSERT(udiff(hi10, hi1k) < STACK_SLACK);

    /* An arena too small for the chain: a clean HOP_ENOMEM, no crash,
     * and the frames taken so far go back to the arena. */
    d01_setup(&a, d01_small, sizeof d01_small, &root, &g, 1000);
    T_EQ(hop_gen_start(&g, &v), HOP_RAISED);
    T_EQ(v, HOP_ENOMEM);
    T_EQ(hop_gen_exc(&g)->code, HOP_ENOMEM);
    T_EQ(hop_gen_state(&g), HOP_STATE_FINISHED);
    T_EQ(hop_arena_used(&a), 0);
}

/* -- DEEP-02 B: thousands of sequential yields without stack growth ------ */

#define D02_N 5000

typedef struct {
    hop_frame hdr;
    int i;
} d02_frame;

/* Stack addresses inside the step at the first and the last yield. */
static uintptr_t d02_first, d02_last;

/* generator: 5000 times yield 1; then return 0 */
static hop_step d02(hop_gen *g, hop_frame *f)
{
    d02_frame *self = (d02_frame *)f;
    volatile char probe = 0;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < D02_N; self->i++) {
        if (self->i == 0)
            d02_first = STACK_ADDR(&probe);
        if (self->i == D02_N - 1)
            d02_last = STACK_ADDR(&probe);
        HOP_YIELD(self, 1);
    }
    HOP_RETURN(self, 0);
    HOP_END(self);
}

static void DEEP_02_B(void)
{
    d02_frame fr;
    hop_gen g;
    hop_value v = 0;
    int n = 0, ones = 0, r;

    d02_first = d02_last = 0;
    hop_frame_init(&fr.hdr, d02, HOP_GENERATOR);
    hop_gen_init(&g, &fr.hdr);
    while ((r = hop_gen_next(&g, &v)) == HOP_YIELDED) {
        n++;
        if (v == 1)
            ones++;
    }
    T_EQ(r, HOP_RETURNED);
    T_EQ(v, 0);
    T_EQ(n, D02_N);
    T_EQ(ones, D02_N);
    T_ASSERT(d02_first != 0 && d02_last != 0);
    T_ASSERT(udiff(d02_first, d02_last) < STACK_SLACK);
}

/* -- DEEP-03: a recursive generator -------------------------------------- */

typedef struct tnode {
    char label;
    struct tnode *left, *right;
} tnode;

static tnode d03_nodes[26];
static int d03_used;

/* tree(list): the middle item at the root, subtrees from each half. */
static tnode *d03_tree(const char *s, int n)
{
    tnode *t;
    int i;

    if (n == 0)
        return NULL;
    i = n / 2;
    t = &d03_nodes[d03_used++];
    t->label = s[i];
    t->left = d03_tree(s, i);
    t->right = d03_tree(s + i + 1, n - i - 1);
    return t;
}

typedef struct in_frame {
    hop_frame hdr;
    const tnode *t;
    struct in_frame *child;
} in_frame;

/*
 * inorder(t): if t is not empty: for each x from inorder(t.left) yield x;
 * yield t.label; for each x from inorder(t.right) yield x. "for each x
 * from C yield x" is a delegation to C (its values go to our consumer);
 * the child frames come from the handle's arena.
 */
static hop_step d03_inorder(hop_gen *g, hop_frame *f)
{
    in_frame *self = (in_frame *)f;
    HOP_BEGIN(g, self);
    if (self->t == NULL)
        HOP_RETURN(self, HOP_EMPTY);
    self->child = HOP_ALLOC(self, in_frame);
    if (self->child == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    self->child->t = self->t->left;
    hop_frame_init(&self->child->hdr, d03_inorder, HOP_GENERATOR);
    HOP_AWAIT(self, &self->child->hdr);
    HOP_YIELD(self, self->t->label);
    self->child = HOP_ALLOC(self, in_frame);
    if (self->child == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    self->child->t = self->t->right;
    hop_frame_init(&self->child->hdr, d03_inorder, HOP_GENERATOR);
    HOP_AWAIT(self, &self->child->hdr);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    const tnode *node;
    const tnode *stack[32];
    int sp;
} it_frame;

/* The non-recursive inorder, with an explicit stack. */
static hop_step d03_inorder_it(hop_gen *g, hop_frame *f)
{
    it_frame *self = (it_frame *)f;
    HOP_BEGIN(g, self);
    while (self->node != NULL) {
        while (self->node->left != NULL) {
            self->stack[self->sp++] = self->node;
            self->node = self->node->left;
        }
        HOP_YIELD(self, self->node->label);
        while (self->node->right == NULL) {
            if (self->sp == 0)
                HOP_RETURN(self, HOP_EMPTY);
            self->node = self->stack[--self->sp];
            HOP_YIELD(self, self->node->label);
        }
        self->node = self->node->right;
    }
    HOP_END(self);
}

/* Drain g into buf (letters in order); return the final outcome. */
static int d03_drain(hop_gen *g, char *buf, int cap, hop_value *v)
{
    int r, n = 0;

    while ((r = hop_gen_next(g, v)) == HOP_YIELDED) {
        T_ASSERT(n < cap - 1);
        buf[n++] = (char)*v;
    }
    buf[n] = '\0';
    return r;
}

static unsigned char d03_buf[4096];

static void DEEP_03(void)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const tnode *root;
    hop_arena a;
    in_frame rec;
    it_frame it;
    hop_gen g;
    hop_value v = 0;
    char got[64];

    d03_used = 0;
    root = d03_tree(letters, 26);
    T_EQ(d03_used, 26);
    T_EQ(root->label, 'N');

    /* The recursive generator, child frames from the arena. */
    T_EQ(hop_arena_init(&a, d03_buf, sizeof d03_buf), HOP_OK);
    rec.t = root;
    hop_frame_init(&rec.hdr, d03_inorder, HOP_GENERATOR);
    hop_gen_init(&g, &rec.hdr);
    hop_gen_set_arena(&g, &a);
    T_EQ(hop_gen_next(&g, &v), HOP_YIELDED);
    T_EQ(v, 'A');
    T_ASSERT(hop_arena_used(&a) > 0); /* A is reached through children */
    got[0] = 'A';
    T_EQ(d03_drain(&g, got + 1, (int)sizeof got - 1, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_STREQ(got, letters);
    T_EQ(hop_arena_used(&a), 0);

    /* The explicit-stack, non-recursive version. */
    it.node = root;
    it.sp = 0;
    hop_frame_init(&it.hdr, d03_inorder_it, HOP_GENERATOR);
    hop_gen_init(&g, &it.hdr);
    T_EQ(d03_drain(&g, got, (int)sizeof got, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    T_STREQ(got, letters);
}

const t_case t_cases_conf_deep[] = {
    T_CASE(DEEP_01),
    T_CASE(DEEP_02_B),
    T_CASE(DEEP_03),
    T_END,
};
