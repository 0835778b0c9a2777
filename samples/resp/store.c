/*
 * samples/resp/store.c: the data set of samples/resp-server (see
 * store.h): keys hashed with SipHash into a table of chains that doubles
 * as it fills, values shared by reference with the replies that send
 * them.
 */
#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct store store;

/* SipHash's rotation and rounds. */
static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

static void sip_rounds(uint64_t v[4], int n)
{
    while (n-- > 0) {
        v[0] += v[1];
        v[1] = rotl(v[1], 13) ^ v[0];
        v[0] = rotl(v[0], 32);
        v[2] += v[3];
        v[3] = rotl(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = rotl(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = rotl(v[1], 17) ^ v[2];
        v[2] = rotl(v[2], 32);
    }
}

/* The n bytes at p as a little-endian number (n <= 8). */
static uint64_t le64(const unsigned char *p, size_t n)
{
    uint64_t m = 0;

    while (n-- > 0)
        m = m << 8 | p[n];
    return m;
}

uint64_t store_siphash(const void *data, size_t n, const uint64_t k[2],
                       int c, int d)
{
    const unsigned char *p = data;
    uint64_t v[4], m;
    size_t i;

    v[0] = k[0] ^ 0x736f6d6570736575ULL;
    v[1] = k[1] ^ 0x646f72616e646f6dULL;
    v[2] = k[0] ^ 0x6c7967656e657261ULL;
    v[3] = k[1] ^ 0x7465646279746573ULL;
    for (i = 0; i + 8 <= n; i += 8) {
        m = le64(p + i, 8);
        v[3] ^= m;
        sip_rounds(v, c);
        v[0] ^= m;
    }
    m = le64(p + i, n - i) | (uint64_t)n << 56;
    v[3] ^= m;
    sip_rounds(v, c);
    v[0] ^= m;
    v[2] ^= 0xff;
    sip_rounds(v, d);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* Draw the hash key from /dev/urandom; without it, from the clock, the
 * process id and an address, which are still not the client's to see. */
static void sip_seed(void)
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
    struct timespec ts;

    if (fd >= 0)
        close(fd);
    if (got == (ssize_t)sizeof b) {
        store.sip_key[0] = le64(b, 8);
        store.sip_key[1] = le64(b + 8, 8);
    } else {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        store.sip_key[0] =
            (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        store.sip_key[1] = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)b;
        store.sip_key[0] = store_siphash(store.sip_key, sizeof store.sip_key,
                                         store.sip_key, 2, 4);
    }
    store.keyed = 1;
}

size_t store_hash(const char *k, size_t n)
{
    if (!store.keyed)
        sip_seed();
    return (size_t)store_siphash(k, n, store.sip_key, 1, 3);
}

entry **store_lookup(const char *k, size_t n)
{
    entry **p = &store.slots[store_hash(k, n) & (store.nslots - 1)];

    while (*p != NULL &&
           ((*p)->klen != n || memcmp((*p)->key, k, n) != 0))
        p = &(*p)->next;
    return p;
}

blob *blob_new(const char *p, size_t n)
{
    blob *b = malloc(sizeof *b + n + 1);

    if (b == NULL)
        return NULL;
    store.used += sizeof *b + n + 1;
    b->refs = 1;
    b->len = n;
    memcpy(b->data, p, n);
    b->data[n] = '\0';
    return b;
}

void blob_unref(blob *b)
{
    if (b != NULL && --b->refs == 0) {
        store.used -= sizeof *b + b->len + 1;
        free(b);
    }
}

void store_remove(entry **p)
{
    entry *e = *p;

    *p = e->next;
    hop_timer_stop(store.loop, &e->timer);
    blob_unref(e->val);
    store.used -= sizeof *e + e->klen;
    free(e);
    store.count--;
}

static void expired(hop_timer *t)
{
    entry *e = HOP_CONTAINER_OF(t, entry, timer);

    store_remove(store_lookup(e->key, e->klen));
}

static int grow(void)
{
    size_t n = store.nslots * 2, i;
    entry **s = calloc(n, sizeof *s);

    if (s == NULL)
        return -1;
    for (i = 0; i < store.nslots; i++) {
        entry *e = store.slots[i];
        while (e != NULL) {
            entry *next = e->next;
            size_t h = store_hash(e->key, e->klen) & (n - 1);
            e->next = s[h];
            s[h] = e;
            e = next;
        }
    }
    free(store.slots);
    store.used += (n - store.nslots) * sizeof *s;
    store.slots = s;
    store.nslots = n;
    return 0;
}

entry *store_set(const char *k, size_t kn, const char *v, size_t vn)
{
    entry **p = store_lookup(k, kn);
    entry *e = *p;
    blob *nv = blob_new(v, vn);

    if (nv == NULL)
        return NULL;
    if (e == NULL) {
        e = malloc(sizeof *e + kn);
        if (e == NULL) {
            blob_unref(nv);
            return NULL;
        }
        store.used += sizeof *e + kn;
        memcpy(e->key, k, kn);
        e->klen = kn;
        e->val = NULL;
        hop_timer_init(&e->timer, expired);
        e->next = NULL;
        *p = e;
        store.count++;
        if (store.count > store.nslots && grow() != 0) {
            /* (a longer chain: still correct) */
        }
    } else {
        hop_timer_stop(store.loop, &e->timer); /* SET clears the expiry */
    }
    blob_unref(e->val);
    e->val = nv;
    return e;
}

void store_flush(void)
{
    size_t i;

    for (i = 0; i < store.nslots; i++)
        while (store.slots[i] != NULL)
            store_remove(&store.slots[i]);
}

int store_init(hop_loop *loop, size_t nslots)
{
    store.loop = loop;
    store.nslots = nslots;
    store.count = 0;
    store.slots = calloc(nslots, sizeof *store.slots);
    store.used = nslots * sizeof *store.slots;
    return store.slots != NULL ? 0 : -1;
}

void store_cleanup(void)
{
    store_flush();
    free(store.slots);
    store.slots = NULL;
    store.nslots = 0;
}
