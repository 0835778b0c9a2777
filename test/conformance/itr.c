/*
 * test/conformance/itr.c: generators used as iterators by other
 * coroutines, cases ITR-01 and ITR-03 of CASES.md (ITR-02 needs tasks).
 * A generator consumes another one through the plain driver API on the
 * other one's handle, from inside its own step function.
 */
#include "t.h"

/* -- ITR-01: generators consuming generators ----------------------------- */

typedef struct {
    hop_frame hdr;
    int n, i;
} yrange_frame;

/* yrange(n): yields 0 .. n-1 */
static hop_step yrange(hop_gen *g, hop_frame *f)
{
    yrange_frame *self = (yrange_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 0; self->i < self->n; self->i++)
        HOP_YIELD(self, self->i);
    HOP_END(self);
}

static void yrange_init(yrange_frame *y, int n)
{
    y->n = n;
    hop_frame_init(&y->hdr, yrange, HOP_GENERATOR);
}

typedef struct {
    hop_frame hdr;
    int n, r;
    hop_value x;
    hop_gen yg;        /* the handle of yrange(n) */
    yrange_frame yr;
} zrange_frame;

/* zrange(n): for each x from yrange(n): yield x */
static hop_step zrange(hop_gen *g, hop_frame *f)
{
    zrange_frame *self = (zrange_frame *)f;
    HOP_BEGIN(g, self);
    yrange_init(&self->yr, self->n);
    T_EQ(hop_gen_init(&self->yg, &self->yr.hdr), HOP_OK);
    while ((self->r = hop_gen_next(&self->yg, &self->x)) == HOP_YIELDED)
        HOP_YIELD(self, self->x);
    T_EQ(self->r, HOP_RETURNED);
    T_EQ(hop_gen_cleanup(&self->yg), HOP_OK);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_gen *r;        /* where to make yrange(5) (the caller's storage) */
    yrange_frame *yr;
    hop_value v;
} creator_frame;

/* creator: r = yrange(5); take one value v from r; record "creator <v>";
 *          return r */
static hop_step creator(hop_gen *g, hop_frame *f)
{
    creator_frame *self = (creator_frame *)f;
    HOP_BEGIN(g, self);
    yrange_init(self->yr, 5);
    T_EQ(hop_gen_init(self->r, &self->yr->hdr), HOP_OK);
    T_EQ(hop_gen_next(self->r, &self->v), HOP_YIELDED);
    tr_addv("creator ", self->v);
    HOP_RETURN(self, (hop_value)self->r);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    hop_gen *r;
    hop_value i;
    int rc;
    creator_frame cr;
    hop_gen yg;        /* storage for the generator creator makes */
    yrange_frame yr;
} caller_frame;

/* caller: r = creator(); for each i from r: record "caller <i>" */
static hop_step caller(hop_gen *g, hop_frame *f)
{
    caller_frame *self = (caller_frame *)f;
    HOP_BEGIN(g, self);
    self->cr.r = &self->yg;
    self->cr.yr = &self->yr;
    hop_frame_init(&self->cr.hdr, creator, HOP_GENERATOR);
    HOP_AWAIT(self, &self->cr.hdr);
    self->r = (hop_gen *)HOP_VALUE(self);
    T_ASSERT(self->r == &self->yg);
    while ((self->rc = hop_gen_next(self->r, &self->i)) == HOP_YIELDED)
        tr_addv("caller ", self->i);
    T_EQ(self->rc, HOP_RETURNED);
    T_EQ(self->i, HOP_EMPTY);
    HOP_END(self);
}

static void ITR_01(void)
{
    zrange_frame z;
    caller_frame c;
    hop_gen g;
    hop_value v = 0;

    /* Draining zrange(5) gives 0, 1, 2, 3, 4. */
    z.n = 5;
    hop_frame_init(&z.hdr, zrange, HOP_GENERATOR);
    hop_gen_init(&g, &z.hdr);
    T_EQ(tr_drain(&g, "", &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("0", "1", "2", "3", "4");

    /* caller: yrange's values go to whoever resumed it last. */
    tr_reset();
    hop_frame_init(&c.hdr, caller, HOP_GENERATOR);
    hop_gen_init(&g, &c.hdr);
    v = 0;
    T_EQ(hop_gen_start(&g, &v), HOP_RETURNED); /* caller never yields */
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("creator 0", "caller 1", "caller 2", "caller 3", "caller 4");
    T_EQ(hop_gen_state(&c.yg), HOP_STATE_FINISHED);
}

/* -- ITR-03: a pipeline of consumers, closed from its head --------------- */

#define PAGE_SIZE 4

typedef struct {
    int n;
    hop_value items[PAGE_SIZE];
} page;

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} writer_frame;

/* "[1,2,3,4]" for the page p, in buf (room for 64 bytes). */
static const char *page_str(const page *p, char *buf)
{
    char num[24];
    int i, len = 0;
    const char *s;

    buf[len++] = '[';
    for (i = 0; i < p->n; i++) {
        if (i > 0)
            buf[len++] = ',';
        for (s = t_itoa((long long)p->items[i], num); *s != '\0'; s++)
            buf[len++] = *s;
    }
    buf[len++] = ']';
    buf[len] = '\0';
    return buf;
}

/* W: try { loop { p = yield; record "page <p>" } }
 *    cleanup { record "W closed" } */
static hop_step writer(hop_gen *g, hop_frame *f)
{
    writer_frame *self = (writer_frame *)f;
    char buf[64];
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_YIELD(self, HOP_EMPTY);
            tr_add2("page ", page_str((const page *)HOP_VALUE(self), buf));
        }
    HOP_FINALLY(self);
        tr_add("W closed");
    HOP_END_TRY(self);
    HOP_END(self);
}

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_gen *dest;   /* W's handle */
    page pages[3];   /* each page sent is a new one */
    int npages;
    page *cur;
    hop_value v;
} pager_frame;

/*
 * P: loop { new page; try { until the page is full: add (yield) to it }
 *           handler CLOSE { if the page is not empty: send it to W;
 *                           close W; return }
 *           send the page to W }
 */
static hop_step pager(hop_gen *g, hop_frame *f)
{
    pager_frame *self = (pager_frame *)f;
    HOP_BEGIN(g, self);
    for (;;) {
        self->cur = &self->pages[self->npages++ % 3];
        self->cur->n = 0;
        HOP_TRY(self);
            while (self->cur->n < PAGE_SIZE) {
                HOP_YIELD(self, HOP_EMPTY);
                self->cur->items[self->cur->n++] = HOP_VALUE(self);
            }
        HOP_CATCH(self, HOP_EEXIT);
            if (self->cur->n > 0) {
                T_EQ(hop_gen_send(self->dest, (hop_value)self->cur,
                                  &self->v),
                     HOP_YIELDED);
            }
            T_EQ(hop_gen_close(self->dest, &self->v), HOP_RETURNED);
            T_EQ(self->v, HOP_EMPTY);
            HOP_RETURN(self, HOP_EMPTY);
        HOP_END_TRY(self);
        T_EQ(hop_gen_send(self->dest, (hop_value)self->cur, &self->v),
             HOP_YIELDED);
    }
    HOP_END(self);
}

static void ITR_03(void)
{
    writer_frame w;
    pager_frame p;
    hop_gen wg, pg;
    hop_value v = 0;
    int i;

    /* W and P are started at creation. */
    hop_frame_init(&w.hdr, writer, HOP_GENERATOR);
    hop_gen_init(&wg, &w.hdr);
    T_EQ(hop_gen_start(&wg, &v), HOP_YIELDED);
    p.dest = &wg;
    p.npages = 0;
    hop_frame_init(&p.hdr, pager, HOP_GENERATOR);
    hop_gen_init(&pg, &p.hdr);
    T_EQ(hop_gen_start(&pg, &v), HOP_YIELDED);

    for (i = 1; i <= 10; i++) {
        v = 0;
        T_EQ(hop_gen_send(&pg, i, &v), HOP_YIELDED);
        T_EQ(v, HOP_EMPTY);
    }
    TR_EXPECT("page [1,2,3,4]", "page [5,6,7,8]");

    v = 0;
    T_EQ(hop_gen_close(&pg, &v), HOP_RETURNED);
    T_EQ(v, HOP_EMPTY);
    TR_EXPECT("page [1,2,3,4]", "page [5,6,7,8]", "page [9,10]",
              "W closed");
    T_EQ(hop_gen_state(&pg), HOP_STATE_FINISHED);
    T_EQ(hop_gen_state(&wg), HOP_STATE_FINISHED);
}

const t_case t_cases_conf_itr[] = {
    T_CASE(ITR_01),
    T_CASE(ITR_03),
    T_END,
};
