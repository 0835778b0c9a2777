/*
 * test/common/t.h: the test-case layer shared by every runner.
 *
 * Test cases are plain void functions in files that need no libc, so the
 * same cases can run under Check on a hosted machine and under a libc-free
 * runner on a microcontroller. A file lists its cases in a t_case table
 * named t_cases_<file>; the runner registers each case by name (a case
 * for CASES.md id GEN-01 is named GEN_01).
 *
 * Assertions call t_fail, which the runner provides and which does not
 * return. Traces are fixed arrays of short strings, compared entry by
 * entry with TR_EXPECT.
 */
#ifndef HOP_TEST_T_H
#define HOP_TEST_T_H

#include <hop.h>

typedef struct t_case {
    const char *name;  /* the case's name, as the runner shows it */
    void (*fn)(void);  /* the case */
    int flags;         /* T_RT, T_LONG */
} t_case;

/*
 * A task case runs on the simulation backend, and, when it needs less
 * than 0.5 s of clock time, a second time on libevent with the real
 * clock (T_RT: the runner registers it in a second suite). A task case
 * that needs more is marked T_LONG and runs on the simulation only. The
 * Check runner verifies both marks against the clock time the case uses
 * on the simulation.
 */
#define T_RT 1
#define T_LONG 2

#define T_CASE(fn) {#fn, fn, 0}                /* simulation only */
#define T_TASK_CASE(fn) {#fn, fn, T_RT}        /* also on libevent */
#define T_LONG_CASE(fn) {#fn, fn, T_LONG}      /* >= 0.5 s: simulation */
#define T_END {0, 0, 0}

/* Provided by the runner: report a failed assertion; never returns. */
void t_fail(const char *file, int line, const char *msg)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

/* Helpers behind the assertion macros. */
void t_fail_eq(const char *file, int line, const char *expr, long long a,
               long long b);
void t_fail_str(const char *file, int line, const char *expr, const char *a,
                const char *b);
int t_streq(const char *a, const char *b);

#define T_ASSERT(c)                                                          \
    do {                                                                     \
        if (!(c))                                                            \
            t_fail(__FILE__, __LINE__, "assertion failed: " #c);             \
    } while (0)

#define T_EQ(a, b)                                                           \
    do {                                                                     \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);              \
        if (t_a_ != t_b_)                                                    \
            t_fail_eq(__FILE__, __LINE__, #a " == " #b, t_a_, t_b_);         \
    } while (0)

#define T_STREQ(a, b)                                                        \
    do {                                                                     \
        const char *t_a_ = (a), *t_b_ = (b);                                 \
        if (!t_streq(t_a_, t_b_))                                            \
            t_fail_str(__FILE__, __LINE__, #a " == " #b, t_a_, t_b_);        \
    } while (0)

/* The name of task t is s; or NULL, when names are compiled out. */
#define T_TASK_NAME(t, s)                                                    \
    T_STREQ(hop_task_name(t), HOP_CONF_TASK_NAMES ? (s) : (const char *)0)

/* -- loops on either backend ---------------------------------------------
 *
 * A case makes its loops with t_loop_init and releases them with
 * t_loop_cleanup, one loop at a time, on the backend t_backend names:
 * T_SIM, the simulation (the default; its clock starts at 0 and jumps),
 * or T_EV, libevent with the real monotonic clock. Times are checked
 * relative to a start t0 = t_now(l) taken after t_loop_init: exactly on
 * the simulation; on libevent within [d - 2 ms, d + 1 s) (libevent's
 * timers are millisecond-precise; the bounds never measure speed).
 *
 * The real-time backend is plugged in by a hosted runner (test/common/t_ev.c
 * provides t_ev_backend), so this layer needs no libc and no libevent.
 */
enum { T_SIM = 0, T_EV = 1 };
extern int t_backend;

typedef struct t_rt_backend {
    const char *name;
    int (*init)(hop_loop *l);    /* initialise l on the backend */
    int (*cleanup)(hop_loop *l); /* after hop_loop_cleanup(l) succeeded */
} t_rt_backend;

/* The backend for T_EV: NULL until the runner sets it. */
extern const t_rt_backend *t_rt;

/* libevent (test/common/t_ev.c, hosted runners only). */
extern const t_rt_backend t_ev_backend;

/* Clock time the simulation loops used since the runner last zeroed it
 * (added up by t_loop_cleanup). */
extern hop_time t_clock_used;

int t_loop_init(hop_loop *l);
int t_loop_cleanup(hop_loop *l);
hop_time t_now(hop_loop *l);

/* Busy for d without suspending: moves the simulated clock forward, or
 * spins on the real clock. */
void t_busy(hop_loop *l, hop_time d);

/* A span of time (an elapsed time: now - t0) is d, as said above. */
void t_check_span(const char *file, int line, const char *expr,
                  hop_time span, hop_time d);

#define T_SPAN(span, d)                                                      \
    t_check_span(__FILE__, __LINE__, #span " == " #d, (span), (d))

/* The clock of l reads t0 + d. */
#define T_AT(l, t0, d)                                                       \
    t_check_span(__FILE__, __LINE__, "now - " #t0 " == " #d,                 \
                 t_now(l) - (t0), (d))

/* -- tasks --------------------------------------------------------------- */

/* Zero-fill the task t, initialise the frame f with fn as a coroutine and
 * t on it in l, named name (NULL: unnamed); not spawned. */
void t_task_new(hop_task *t, hop_loop *l, hop_frame *f, hop_fn fn,
                const char *name);

/* t_task_new, then spawn t. */
void t_spawn(hop_task *t, hop_loop *l, hop_frame *f, hop_fn fn,
             const char *name);

/* -- traces -------------------------------------------------------------- */

#define TR_MAX 128    /* entries per trace */
#define TR_LEN 64     /* bytes per entry */

void tr_reset(void);
int tr_count(void);
const char *tr_at(int i);
/* Append the entry a, a followed by b, a b c, or a followed by the
 * value v. A NULL part adds nothing. */
void tr_add(const char *a);
void tr_add2(const char *a, const char *b);
void tr_add3(const char *a, const char *b, const char *c);
void tr_addv(const char *a, hop_value v);
/* Resume g with next until it stops yielding, appending the entry a
 * followed by the value for each value yielded; *last gets the last
 * value seen. Returns the final outcome. */
int tr_drain(hop_gen *g, const char *a, hop_value *last);
/* Compare the trace with exp[0..n-1]. */
void tr_check(const char *const *exp, int n, const char *file, int line);

#define TR_EXPECT(...)                                                       \
    do {                                                                     \
        static const char *const tr_e_[] = {__VA_ARGS__};                    \
        tr_check(tr_e_, (int)(sizeof tr_e_ / sizeof tr_e_[0]), __FILE__,     \
                 __LINE__);                                                  \
    } while (0)
#define TR_EXPECT_NONE() tr_check(0, 0, __FILE__, __LINE__)

/*
 * Values as text: "EMPTY" for HOP_EMPTY, the name given with t_name for
 * a registered pointer value, else the decimal number. buf holds at
 * least T_VBUF bytes.
 */
#define T_VBUF 32
const char *t_vstr(hop_value v, char *buf);
void t_name(hop_value v, const char *name);
void t_names_reset(void);

/* A static string travels as the pointer value T_SV(s); t_name_str
 * names that value by the string's own text. */
#define T_SV(s) ((hop_value)(s))
void t_name_str(const char *s);

/* Decimal text of v in buf (at least 24 bytes); returns buf. */
char *t_itoa(long long v, char *buf);

/* Set the n bytes at p to b. */
void t_fill(void *p, size_t n, unsigned char b);

#endif /* HOP_TEST_T_H */
