/*
 * test/conformance/common.h: coroutines that several cases of CASES.md
 * share ("G1 and G2 as in THR-01", "Inner and Outer as in THR-04", ...),
 * defined once in common.c for every file that runs those cases, and the
 * helpers the task cases share (error names, the joiner J, the canceller).
 *
 * The values they yield and return are the static strings below, so a
 * case can compare them by identity or by text.
 */
#ifndef HOP_TEST_CONFORMANCE_COMMON_H
#define HOP_TEST_CONFORMANCE_COMMON_H

#include "t.h"

/* A frame with no state of its own. */
typedef struct {
    hop_frame hdr;
} cc_plain_frame;

/* A frame with one try block and no other state. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
} cc_try1_frame;

extern const char cc_s_g1_ham[];    /* "g1 ham" */
extern const char cc_s_g1_eggs[];   /* "g1 eggs" */
extern const char cc_s_g2_spam[];   /* "g2 spam" */
extern const char cc_s_g2_more[];   /* "g2 more spam" */
extern const char cc_s_first[];     /* "first" */
extern const char cc_s_second[];    /* "second" */
extern const char cc_s_returned[];  /* "returned" */

/* -- G1 and G2 of THR-01 (used by CLS-01 and CLS-02) --------------------- */

/* The frame of G1; g2_fn is the step function of the G2 it delegates to
 * (cc_thr01_g2, or a variant that runs in a cc_try1_frame). */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_fn g2_fn;
    cc_try1_frame g2;
} cc_thr01_g1_frame;

/* G1: try { record "G1 starts"; yield "g1 ham"; DELEGATE G2();
 *           yield "g1 eggs" } cleanup { record "G1 finishing" } */
hop_step cc_thr01_g1(hop_gen *g, hop_frame *f);

/* G2 (a cc_try1_frame): try { record "G2 starts"; yield "g2 spam";
 *     yield "g2 more spam" } cleanup { record "G2 finishing" } */
hop_step cc_thr01_g2(hop_gen *g, hop_frame *f);

/* Name the values G1 and G2 yield by their text; init G1, delegating to
 * a G2 with step function g2_fn, as the root of g; next twice, recording
 * "got <v>" each time. */
void cc_thr01_next_twice(cc_thr01_g1_frame *fr, hop_gen *g, hop_fn g2_fn);

/* THR-01's trace after those two nexts, and after G1 and G2 are gone. */
#define CC_THR01_STARTED "G1 starts", "got g1 ham", "G2 starts", "got g2 spam"
#define CC_THR01_FINISHED CC_THR01_STARTED, "G2 finishing", "G1 finishing"

/* -- Inner and Outer of THR-04 (CLS-03 D; Outer alone in CLS-02 D) ------- */

/* Inner (a cc_try1_frame): try { yield "first" } cleanup { yield "second" };
 *        return "returned" */
hop_step cc_thr04_inner(hop_gen *g, hop_frame *f);

/* The frame of Outer; inner_fn is the step function of its Inner
 * (cc_thr04_inner, or another that runs in a cc_try1_frame). */
typedef struct {
    hop_frame hdr;
    hop_fn inner_fn;
    cc_try1_frame inner;
} cc_thr04_outer_frame;

/* Outer: return DELEGATE Inner() */
hop_step cc_thr04_outer(hop_gen *g, hop_frame *f);

/* -- F of DLG-03 C and THR-03 A ------------------------------------------ */

/* F (a cc_plain_frame): return (yield) */
hop_step cc_return_yield(hop_gen *g, hop_frame *f);

/* -- tasks: errors, J and the canceller (CAN, TMO, TSK, GRP, ...) ------- */

/* An error as CASES.md names it: "CANCELLED" for HOP_ECANCELED,
 * "TIMED_OUT" for HOP_ETIMEDOUT, else hop_err_name. A file that raises
 * errors of its own names those and passes the rest here. */
const char *cc_err_str(int e);

/* Names an error for a trace (a file's err_str). */
typedef const char *(*cc_err_fn)(int e);

/* J: try { v = join(T); record "joined <v>" } handler any { record "join
 * raised <E>" } (CANCELLED included), E named by err_str. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_join_frame j;
    hop_task *t;
    cc_err_fn err_str;
} cc_joiner_frame;

hop_step cc_joiner(hop_gen *g, hop_frame *f);

/* Zero-fill jf and spawn J on it, joining t, as the task j of l. */
void cc_spawn_joiner(hop_task *j, cc_joiner_frame *jf, hop_loop *l,
                     hop_task *t, cc_err_fn err_str);

/* The canceller: r = cancel(T) when it runs. */
typedef struct {
    hop_frame hdr;
    hop_task *t;
    int r;
} cc_canceller_frame;

hop_step cc_canceller(hop_gen *g, hop_frame *f);

#endif /* HOP_TEST_CONFORMANCE_COMMON_H */
