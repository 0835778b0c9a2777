/*
 * test/sync/misuse.c: the arguments of the synchronisation objects
 * (channels, semaphores, events, mutexes), and awaiting them wrongly.
 */
#include "t.h"
#include "sync.h"

/* -- one body for every single operation ----------------------------------- */

/* -- arguments ------------------------------------------------------------- */

static void sync_null_args(void)
{
    hop_chan ch;
    hop_sem s;
    hop_event e;
    hop_mutex m;
    hop_task t;
    hop_value v = 0, buf[2];

    t_fill(&ch, sizeof ch, 0);
    t_fill(&s, sizeof s, 0);
    t_fill(&e, sizeof e, 0);
    t_fill(&m, sizeof m, 0);
    t_fill(&t, sizeof t, 0);

    T_EQ(hop_chan_init(NULL, buf, 2), HOP_EINVAL);
    T_EQ(hop_chan_init(&ch, NULL, 2), HOP_EINVAL);
    T_EQ(hop_chan_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_chan_cleanup(&ch), HOP_EINVAL); /* never initialised */
    T_EQ(hop_chan_try_send(NULL, 1), HOP_EINVAL);
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EINVAL);
    T_EQ(hop_chan_try_recv(NULL, &v), HOP_EINVAL);
    T_EQ(hop_chan_try_recv(&ch, &v), HOP_EINVAL);
    T_EQ(hop_chan_close(NULL), HOP_EINVAL);
    T_EQ(hop_chan_close(&ch), HOP_EINVAL);
    T_EQ(hop_chan_len(NULL), HOP_EINVAL);
    T_EQ(hop_chan_len(&ch), HOP_EINVAL);
    T_ASSERT(hop_chan_send(NULL, &ch, 1, HOP_FOREVER) == NULL);
    T_ASSERT(hop_chan_recv(NULL, &ch, HOP_FOREVER) == NULL);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK); /* unbuffered: no buffer */
    T_EQ(hop_chan_try_recv(&ch, NULL), HOP_EINVAL);
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_chan_cleanup(&ch), HOP_EINVAL); /* released */
    T_EQ(hop_chan_try_send(&ch, 1), HOP_EINVAL);

    T_EQ(hop_sem_init(NULL, 1), HOP_EINVAL);
    T_EQ(hop_sem_init(&s, (uint32_t)HOP_SEM_MAX + 1u), HOP_EINVAL);
    T_EQ(hop_sem_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_sem_cleanup(&s), HOP_EINVAL);
    T_EQ(hop_sem_release(NULL), HOP_EINVAL);
    T_EQ(hop_sem_release(&s), HOP_EINVAL);
    T_EQ(hop_sem_try_acquire(NULL), HOP_EINVAL);
    T_EQ(hop_sem_try_acquire(&s), HOP_EINVAL);
    T_EQ(hop_sem_count(NULL), HOP_EINVAL);
    T_EQ(hop_sem_count(&s), HOP_EINVAL);
    T_ASSERT(hop_sem_acquire(NULL, &s, HOP_FOREVER) == NULL);

    T_EQ(hop_event_init(NULL), HOP_EINVAL);
    T_EQ(hop_event_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_event_cleanup(&e), HOP_EINVAL);
    T_EQ(hop_event_set(NULL), HOP_EINVAL);
    T_EQ(hop_event_set(&e), HOP_EINVAL);
    T_EQ(hop_event_clear(NULL), HOP_EINVAL);
    T_EQ(hop_event_clear(&e), HOP_EINVAL);
    T_EQ(hop_event_is_set(NULL), HOP_EINVAL);
    T_EQ(hop_event_is_set(&e), HOP_EINVAL);
    T_ASSERT(hop_event_wait(NULL, &e, HOP_FOREVER) == NULL);

    T_EQ(hop_mutex_init(NULL), HOP_EINVAL);
    T_EQ(hop_mutex_cleanup(NULL), HOP_EINVAL);
    T_EQ(hop_mutex_cleanup(&m), HOP_EINVAL);
    T_EQ(hop_mutex_unlock(NULL, &t), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(NULL, &t), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(&m, &t), HOP_EINVAL);
    T_ASSERT(hop_mutex_owner(NULL) == NULL);
    T_ASSERT(hop_mutex_lock(NULL, &m, HOP_FOREVER) == NULL);
    T_EQ(hop_mutex_init(&m), HOP_OK);
    T_EQ(hop_mutex_unlock(&m, NULL), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(&m, NULL), HOP_EINVAL);
    T_EQ(hop_mutex_try_lock(&m, &t), HOP_EINVAL); /* t never initialised */
    T_ASSERT(hop_mutex_owner(&m) == NULL);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
}

/* Awaited outside a task, or on what is not initialised. */
static void sync_await_misuse(void)
{
    hop_gen g;
    hop_sync_op op;
    hop_chan ch, bad;
    hop_sem s, bs;
    hop_event e;
    hop_mutex m, bm;
    hop_value out;
    hop_frame *fs[5];
    int i;

    t_fill(&bad, sizeof bad, 0);
    t_fill(&bs, sizeof bs, 0);
    t_fill(&bm, sizeof bm, 0);
    T_EQ(hop_chan_init(&ch, NULL, 0), HOP_OK);
    T_EQ(hop_sem_init(&s, 1), HOP_OK);
    T_EQ(hop_event_init(&e), HOP_OK);
    T_EQ(hop_mutex_init(&m), HOP_OK);

    /* A plain generator handle: not a task. */
    fs[0] = hop_chan_send(&op, &ch, 1, HOP_FOREVER);
    T_EQ(hop_gen_init(&g, fs[0]), HOP_OK);
    T_EQ(hop_gen_start(&g, &out), HOP_RAISED);
    T_EQ(out, HOP_ESTATE);
    T_STREQ(hop_gen_exc(&g)->msg, "synchronisation outside a task");
    T_EQ(hop_gen_cleanup(&g), HOP_OK);
    for (i = 0; i < 4; i++) {
        switch (i) {
        case 0:
            fs[i] = hop_chan_recv(&op, &ch, HOP_FOREVER);
            break;
        case 1:
            fs[i] = hop_sem_acquire(&op, &s, HOP_FOREVER);
            break;
        case 2:
            fs[i] = hop_event_wait(&op, &e, HOP_FOREVER);
            break;
        default:
            fs[i] = hop_mutex_lock(&op, &m, HOP_FOREVER);
            break;
        }
        T_EQ(hop_gen_init(&g, fs[i]), HOP_OK);
        T_EQ(hop_gen_start(&g, &out), HOP_RAISED);
        T_EQ(out, HOP_ESTATE);
        T_EQ(hop_gen_cleanup(&g), HOP_OK);
    }
    /* Nothing was taken by the failed operations. */
    T_EQ(hop_sem_count(&s), 1);
    T_ASSERT(hop_mutex_owner(&m) == NULL);

    /* Uninitialised (or released) primitives: HOP_EINVAL. */
    for (i = 0; i < 5; i++) {
        switch (i) {
        case 0:
            fs[i] = hop_chan_send(&op, &bad, 1, HOP_FOREVER);
            break;
        case 1:
            fs[i] = hop_chan_recv(&op, NULL, HOP_FOREVER);
            break;
        case 2:
            fs[i] = hop_sem_acquire(&op, &bs, HOP_FOREVER);
            break;
        case 3:
            fs[i] = hop_event_wait(&op, NULL, HOP_FOREVER);
            break;
        default:
            fs[i] = hop_mutex_lock(&op, &bm, HOP_FOREVER);
            break;
        }
        T_EQ(hop_gen_init(&g, fs[i]), HOP_OK);
        T_EQ(hop_gen_start(&g, &out), HOP_RAISED);
        T_EQ(out, HOP_EINVAL);
        T_EQ(hop_gen_cleanup(&g), HOP_OK);
    }
    T_EQ(hop_chan_cleanup(&ch), HOP_OK);
    T_EQ(hop_sem_cleanup(&s), HOP_OK);
    T_EQ(hop_event_cleanup(&e), HOP_OK);
    T_EQ(hop_mutex_cleanup(&m), HOP_OK);
}

const t_case t_cases_sync_misuse[] = {
    T_CASE(sync_null_args),
    T_CASE(sync_await_misuse),
    T_END,
};
