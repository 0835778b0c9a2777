/*
 * samples/resp/store.h: the data set of samples/resp-server: a hash table
 * of keys and values, keys with an expiry on hop timers, and the count of
 * the bytes it takes, which --maxmemory limits.
 */
#ifndef SAMPLES_RESP_STORE_H
#define SAMPLES_RESP_STORE_H

#include <hop.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A value. Its key holds a reference, and so does each reply that is
 * still sending it: a reply streamed out over many writes sends the
 * values of when its command ran, even when a key changes meanwhile.
 */
typedef struct blob {
    size_t refs;
    size_t len;
    char data[];         /* len bytes and a NUL */
} blob;

typedef struct entry {
    struct entry *next;  /* hash chain */
    hop_timer timer;     /* expiry, when started */
    blob *val;
    size_t klen;
    char key[];          /* klen bytes */
} entry;

/*
 * The data set. used is what --maxmemory counts: for each key, its bytes
 * and its entry; for each value, its bytes and its header, for as long as
 * it lives (also while a reply still sends it after its key changed or
 * went); and the table of slots. The connections' buffers are not
 * counted (their own limits bound them), nor the allocator's overhead.
 */
struct store {
    entry **slots;
    size_t nslots;       /* a power of two */
    size_t count;
    size_t used;         /* bytes, as above */
    hop_loop *loop;      /* the expiry timers' */
    uint64_t sip_key[2]; /* the hash's key, drawn at the first hash */
    int keyed;           /* sip_key is drawn */
};

extern struct store store;

/* Set up the data set, empty, with nslots slots (a power of two), its
 * timers in loop: 0, or -1 when out of memory. */
int store_init(hop_loop *loop, size_t nslots);

/* Drop every key, then the table. */
void store_cleanup(void);

/* The link to key k (n bytes): *link is its entry, or NULL. */
entry **store_lookup(const char *k, size_t n);

/* Set key k to the value v (vn bytes), without an expiry: the entry, or
 * NULL when out of memory. */
entry *store_set(const char *k, size_t kn, const char *v, size_t vn);

/* Remove the key whose link is p (from store_lookup). */
void store_remove(entry **p);

/* Drop every key. */
void store_flush(void);

/* A value of n bytes from p, with one reference; NULL when out of
 * memory. */
blob *blob_new(const char *p, size_t n);

/* Drop a reference to b (NULL: nothing). */
void blob_unref(blob *b);

/*
 * SipHash (Aumasson and Bernstein) of the n bytes at data under the key
 * k, with c rounds per word and d at the end: the table uses SipHash-1-3
 * (c 1, d 3) under store.sip_key, drawn at random when the first key is
 * hashed, so that a client that does not know it cannot choose keys that
 * all fall into one slot.
 */
uint64_t store_siphash(const void *data, size_t n, const uint64_t k[2],
                       int c, int d);

/* The table's hash of key k (n bytes). */
size_t store_hash(const char *k, size_t n);

#endif /* SAMPLES_RESP_STORE_H */
