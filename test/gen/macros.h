/*
 * test/gen/macros.h: the error codes, messages, waitables and frames that
 * the tests of the coroutine language (macros.c, raise.c, cleanup.c)
 * share.
 */
#ifndef HOP_TEST_GEN_MACROS_H
#define HOP_TEST_GEN_MACROS_H

#include "t.h"

#define E_A 1001
#define E_B 1002

static const char msg_a[] = "message A";
static const char msg_b[] = "message B";

typedef struct {
    hop_frame hdr;
} plain_frame;

static inline hop_step be_work(hop_gen *g, hop_frame *f)
{
    plain_frame *self = (plain_frame *)f;
    HOP_BEGIN(g, self);
    tr_addv("work, value at start ", HOP_VALUE(self));
    HOP_END(self);
}

#endif /* HOP_TEST_GEN_MACROS_H */
