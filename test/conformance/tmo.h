/*
 * test/conformance/tmo.h: what the two files of deadline and timeout
 * cases (tmo.c and tmo_with.c) share: their error codes and names, the
 * clock a step reads, and a coroutine that returns "done" at once.
 *
 * TIMED_OUT is HOP_ETIMEDOUT, CANCELLED is HOP_ECANCELED; "linked" is the
 * context of the error record (hop_gen_exc()->ctx) in the handler that
 * catches it. Handlers that record "... <E>" catch every error, CANCELLED
 * included, so that an unexpected outcome shows in the trace.
 */
#ifndef HOP_TEST_CONFORMANCE_TMO_H
#define HOP_TEST_CONFORMANCE_TMO_H

#include "common.h"

#define E_A 1024
#define E_Z 1025
#define E_F 1026

static const char s_done[] = "done";

static inline const char *err_str(int e)
{
    switch (e) {
    case E_A:
        return "E_A";
    case E_Z:
        return "E_Z";
    case E_F:
        return "E_F";
    default:
        return cc_err_str(e);
    }
}

/* The clock of the loop that runs the frame a step got g for. */
static inline hop_time now_of(hop_gen *g)
{
    return hop_loop_now(hop_gen_loop(g));
}

/* A coroutine that returns "done" at once. */
typedef struct {
    hop_frame hdr;
} done_frame;

static inline hop_step ret_done(hop_gen *g, hop_frame *f)
{
    done_frame *self = (done_frame *)f;
    HOP_BEGIN(g, self);
    HOP_RETURN(self, T_SV(s_done));
    HOP_END(self);
}

#endif /* HOP_TEST_CONFORMANCE_TMO_H */
