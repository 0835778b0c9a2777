/*
 * test/t.h: the test-case layer shared by every runner.
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
} t_case;

#define T_CASE(fn) {#fn, fn}
#define T_END {0, 0}

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
