/*
 * test/gen/ram.c: the RAM a task needs, at compile time (hop/ram.h).
 *
 * A three-level await tree (root awaits mid, mid awaits leaf, leaf
 * sleeps) whose child frames are embedded in their parents: sizeof each
 * level grows by the level below it, so sizeof the root frame is the
 * whole tree and HOP_TASK_RAM of it is all a task running it needs. The
 * macro is checked to be an integer constant expression (an array size,
 * an enumerator, HOP_STATIC_ASSERT at file and block scope), and the
 * tree is run as a task to show that every frame it suspends in lies
 * inside the root frame's bytes. Needs no libc.
 */
#include "t.h"

/* Level 3: sleeps once, returns its input plus one. */
typedef struct leaf_frame {
    hop_frame hdr;
    hop_sleep_frame sl;      /* embedded: the sleep it awaits */
    const void *lo, *hi;     /* the bytes of the task's root frame */
    int inside;              /* its frames lay in [lo, hi) when it slept */
    int depth;               /* hop_gen_depth while it ran */
    hop_value in;
} leaf_frame;

/* Level 2: awaits the leaf, doubles its result. */
typedef struct mid_frame {
    hop_frame hdr;
    leaf_frame leaf;         /* embedded child */
    hop_value in;
} mid_frame;

/* Level 1, the task's root: awaits mid, adds 100. */
typedef struct root_frame {
    hop_frame hdr;
    mid_frame mid;           /* embedded child, and through it the leaf */
    hop_value in;
} root_frame;

/* Each level holds the one below it: the sizes grow with the tree. */
HOP_STATIC_ASSERT(sizeof(leaf_frame) >=
                      sizeof(hop_frame) + sizeof(hop_sleep_frame),
                  leaf_holds_sleep);
HOP_STATIC_ASSERT(sizeof(mid_frame) >= sizeof(hop_frame) + sizeof(leaf_frame),
                  mid_holds_leaf);
HOP_STATIC_ASSERT(sizeof(root_frame) >= sizeof(hop_frame) + sizeof(mid_frame),
                  root_holds_mid);
HOP_STATIC_ASSERT(HOP_TASK_RAM(root_frame) ==
                      sizeof(hop_task) + sizeof(root_frame),
                  task_ram_is_task_plus_root);
HOP_STATIC_ASSERT(HOP_TASK_RAM(root_frame) > HOP_TASK_RAM(mid_frame) &&
                      HOP_TASK_RAM(mid_frame) > HOP_TASK_RAM(leaf_frame),
                  task_ram_grows);

/* A budget, as a firmware would write it: 1 KiB on 32-bit, 2 on 64. */
HOP_STATIC_ASSERT(HOP_TASK_RAM(root_frame) <= 256 * sizeof(void *),
                  tree_fits_budget);

/* Constant expressions: an array size and an enumerator. */
static unsigned char ram_pool[HOP_TASK_RAM(root_frame)];
enum { RAM_ROOT = HOP_TASK_RAM(root_frame) };

/* A task and its root side by side: nothing else is needed. */
typedef struct task_slot {
    hop_task task;
    root_frame root;
} task_slot;

static hop_step leaf(hop_gen *g, hop_frame *f)
{
    leaf_frame *self = (leaf_frame *)f;
    HOP_BEGIN(g, self);
    self->depth = hop_gen_depth(g);
    self->inside = (const void *)self >= self->lo &&
                   (const void *)(self + 1) <= self->hi &&
                   (const void *)&self->sl >= self->lo &&
                   (const void *)(&self->sl + 1) <= self->hi;
    HOP_AWAIT(self, hop_sleep(&self->sl, HOP_MSEC(1)));
    HOP_RETURN(self, self->in + 1);
    HOP_END(self);
}

static hop_step mid(hop_gen *g, hop_frame *f)
{
    mid_frame *self = (mid_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->leaf.hdr, leaf, HOP_COROUTINE);
    self->leaf.in = self->in;
    HOP_AWAIT(self, &self->leaf.hdr);
    HOP_RETURN(self, HOP_VALUE(self) * 2);
    HOP_END(self);
}

static hop_step root(hop_gen *g, hop_frame *f)
{
    root_frame *self = (root_frame *)f;
    HOP_BEGIN(g, self);
    hop_frame_init(&self->mid.hdr, mid, HOP_COROUTINE);
    self->mid.in = self->in;
    HOP_AWAIT(self, &self->mid.hdr);
    HOP_RETURN(self, HOP_VALUE(self) + 100);
    HOP_END(self);
}

/* The sizes grow level by level and the macro adds the task to the root. */
static void ram_sizes_grow_with_tree(void)
{
    HOP_STATIC_ASSERT(RAM_ROOT == sizeof(hop_task) + sizeof(root_frame),
                      enum_is_task_plus_root);
    T_ASSERT(sizeof(mid_frame) > sizeof(leaf_frame));
    T_ASSERT(sizeof(root_frame) > sizeof(mid_frame));
    T_EQ(HOP_TASK_RAM(root_frame), sizeof(hop_task) + sizeof(root_frame));
    T_EQ(HOP_TASK_RAM(root_frame) - HOP_TASK_RAM(mid_frame),
         sizeof(root_frame) - sizeof(mid_frame));
    ram_pool[0] = 7; /* used, not only measured */
    T_EQ(ram_pool[0], 7);
    T_EQ(sizeof ram_pool, HOP_TASK_RAM(root_frame));
    T_EQ(RAM_ROOT, sizeof ram_pool);
    /* Side by side in one struct they take HOP_TASK_RAM, plus the
     * padding the root frame's alignment may put after the task (on
     * 32-bit ARM a 36-byte task before an 8-aligned frame: 4 bytes). */
    T_ASSERT(sizeof(task_slot) >= HOP_TASK_RAM(root_frame));
    T_ASSERT(sizeof(task_slot) - HOP_TASK_RAM(root_frame) < sizeof(hop_time));
    T_EQ(sizeof(task_slot) - HOP_TASK_RAM(root_frame),
         offsetof(task_slot, root) - sizeof(hop_task));
}

/*
 * The tree runs as a task whose whole state is one task_slot: the leaf
 * and its sleep, three levels down, lie inside the root frame's bytes.
 */
static void ram_tree_runs_in_root(void)
{
    hop_loop l;
    task_slot slot;
    leaf_frame *lf = &slot.root.mid.leaf;

    T_EQ(t_loop_init(&l), HOP_OK);
    t_fill(&slot, sizeof slot, 0);
    slot.root.in = 20;
    lf->lo = &slot.root;
    lf->hi = &slot.root + 1;
    t_spawn(&slot.task, &l, &slot.root.hdr, root, "ram");
    T_EQ(hop_loop_run(&l, HOP_RUN_DEFAULT), HOP_OK);
    T_EQ(hop_task_status(&slot.task), HOP_TASK_DONE);
    T_EQ(hop_task_result(&slot.task), (20 + 1) * 2 + 100);
    T_EQ(lf->depth, 3);
    T_EQ(lf->inside, 1);
    T_EQ(hop_task_cleanup(&slot.task), HOP_OK);
    T_EQ(t_loop_cleanup(&l), HOP_OK);
}

const t_case t_cases_gen_ram[] = {
    T_CASE(ram_sizes_grow_with_tree),
    T_CASE(ram_tree_runs_in_root),
    T_END,
};
