/*
 * test/e2e/resp_unit.c: samples/resp/store.c, the data set of
 * samples/resp-server, tested from the inside: how its table of keys
 * spreads keys that a client chose to collide, and its hash function.
 * (Hosted only.)
 */
#include <stdlib.h>

#include "../samples/resp/store.h"
#include "t.h"

/* FNV-1a: a well-known unkeyed hash, the kind a client can choose keys
 * against. */
static size_t fnv1a(const char *k, size_t n)
{
    size_t h = 1469598103934665603u & SIZE_MAX;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * (size_t)1099511628211u;
    return h;
}

/*
 * 2000 keys whose FNV-1a hashes agree in their low 11 bits, so that they
 * share one slot of a table of 2048 under that function, go into the
 * server's table of 2048 slots: no chain is long.
 */
static void resp_keys_spread(void)
{
    static char keys[2000][16];
    unsigned long seq = 0;
    size_t i, longest = 0;

    for (i = 0; i < 2000; i++) {
        do { /* "k" and 8 hex digits of seq */
            unsigned long v = seq++;
            int d;
            keys[i][0] = 'k';
            for (d = 8; d > 0; d--, v >>= 4)
                keys[i][d] = "0123456789abcdef"[v & 15];
        } while ((fnv1a(keys[i], 9) & 2047) != 7);
    }
    T_EQ(store_init(NULL, 2048), 0);
    for (i = 0; i < 2000; i++)
        T_ASSERT(store_set(keys[i], 9, "v", 1) != NULL);
    T_EQ(store.count, 2000);
    T_EQ(store.nslots, 2048);
    for (i = 0; i < store.nslots; i++) {
        size_t n = 0;
        entry *e;
        for (e = store.slots[i]; e != NULL; e = e->next)
            n++;
        if (n > longest)
            longest = n;
    }
    store_cleanup();
    T_ASSERT(longest < 32);
}

/* The table's hash is SipHash: the reference vectors of SipHash-2-4
 * (key 00 01 .. 0f, messages 00 01 .. of 0, 8 and 15 bytes); and the
 * table's key was drawn. */
static void resp_siphash(void)
{
    unsigned char b[16];
    uint64_t k[2];
    int i;

    for (i = 0; i < 16; i++)
        b[i] = (unsigned char)i;
    k[0] = k[1] = 0; /* (the key's bytes, little-endian) */
    for (i = 7; i >= 0; i--) {
        k[0] = k[0] << 8 | b[i];
        k[1] = k[1] << 8 | b[i + 8];
    }
    T_ASSERT(store_siphash(b, 0, k, 2, 4) == 0x726fdb47dd0e0e31ULL);
    T_ASSERT(store_siphash(b, 8, k, 2, 4) == 0x93f5f5799a932462ULL);
    T_ASSERT(store_siphash(b, 15, k, 2, 4) == 0xa129ca6149be45e5ULL);
    (void)store_hash("k", 1);
    T_ASSERT(store.keyed && (store.sip_key[0] != 0 || store.sip_key[1] != 0));
}

const t_case t_cases_e2e_resp_unit[] = {
    T_CASE(resp_keys_spread),
    T_CASE(resp_siphash),
    T_END,
};
