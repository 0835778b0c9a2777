/*
 * test/gen/misuse.h: what the misuse tests of the core (misuse.c,
 * misuse_frames.c) share.
 */
#ifndef HOP_TEST_GEN_MISUSE_H
#define HOP_TEST_GEN_MISUSE_H

#include "t.h"

#define E_A 1001
#define W_A ((hop_waitable *)(void *)&w_obj)

typedef struct {
    hop_frame hdr;
} plain_frame;

/* "start"; yield 1; "resumed"; yield 2; return 3 */
static inline hop_step two_fn(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_add("start");
    HOP_YIELD(self, 1);
    tr_addv("resumed with ", HOP_VALUE(self));
    HOP_YIELD(self, 2);
    HOP_RETURN(self, 3);
    HOP_END(self);
}

#endif /* HOP_TEST_GEN_MISUSE_H */
