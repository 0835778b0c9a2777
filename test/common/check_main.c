/*
 * test/common/check_main.c: the Check runner.
 *
 * Registers every case table (the list in suites.h is generated from the
 * test sources) as one suite each, with one test per case named after the
 * case, and runs them with CK_ENV, so CK_VERBOSITY, CK_RUN_SUITE,
 * CK_RUN_CASE and CK_FORK work as Check documents. The task cases marked
 * T_RT run a second time on libevent with the real clock, in a suite of
 * their own per table ("conf_tsk (libevent) [switch]"), after every
 * simulation suite. The exit status is nonzero when any test failed.
 * With -DHOP_TEST_NO_EV (targets without libevent) only the simulation
 * suites run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "t.h"

#ifndef HOP_TEST_VARIANT
#define HOP_TEST_VARIANT "default"
#endif

#define X(name) extern const t_case t_cases_##name[];
#include "suites.h"
#undef X

static const struct {
    const char *name;
    const t_case *cases;
} tables[] = {
#define X(name) {#name, t_cases_##name},
#include "suites.h"
#undef X
};

/* Every case of every table, in one list that the loop index selects,
 * with the backend each runs on. */
static const t_case *all[1024];
static int backend[1024];
static TTest tests[1024];
static char suite_names[128][128], case_names[128][128];
static int n_all, n_suites;

void t_fail(const char *file, int line, const char *msg)
{
    _ck_assert_failed(file, line, "Failed", "%s", msg);
#if !defined(__GNUC__)
    abort();
#endif
}

static void run_case(int i)
{
    const t_case *c = all[i];

    t_backend = backend[i];
    t_clock_used = 0;
    tr_reset();
    t_names_reset();
    c->fn();
    /* The marks say whether a task case is short enough for real time. */
    if (t_backend == T_SIM && (c->flags & T_RT) != 0 &&
        t_clock_used >= HOP_MSEC(500))
        _ck_assert_failed(__FILE__, __LINE__, "Failed",
                          "%s uses %lld ms of clock: mark it T_LONG_CASE",
                          c->name, (long long)(t_clock_used / HOP_MSEC(1)));
    if (t_backend == T_SIM && (c->flags & T_LONG) != 0 &&
        t_clock_used < HOP_MSEC(500))
        _ck_assert_failed(__FILE__, __LINE__, "Failed",
                          "%s uses %lld ms of clock: mark it T_TASK_CASE",
                          c->name, (long long)(t_clock_used / HOP_MSEC(1)));
}

/* Register the cases of table t that run on backend be (T_EV: those
 * marked T_RT) as one suite. Returns 0, or 2 when out of room. */
static int add_suite(SRunner **sr, size_t t, int be)
{
    char *sname, *cname;
    Suite *s;
    TCase *tc;
    const t_case *c;

    if (n_suites == (int)(sizeof suite_names / sizeof suite_names[0]))
        return 2;
    sname = suite_names[n_suites];
    cname = case_names[n_suites];
    n_suites++;
    if (be == T_EV)
        snprintf(cname, 128, "%s (%s)", tables[t].name, t_rt->name);
    else
        snprintf(cname, 128, "%s", tables[t].name);
    snprintf(sname, 128, "%s [%s]", cname, HOP_TEST_VARIANT);
    s = suite_create(sname);
    tc = tcase_create(cname);
    tcase_set_timeout(tc, 20);
    for (c = tables[t].cases; c->name != NULL; c++) {
        TTest *tt = &tests[n_all];
        if (be == T_EV && (c->flags & T_RT) == 0)
            continue;
        if (n_all == (int)(sizeof all / sizeof all[0])) {
            fprintf(stderr, "too many test cases\n");
            return 2;
        }
        tt->name = c->name;
        tt->fn = run_case;
        tt->file = __FILE__;
        tt->line = __LINE__;
        all[n_all] = c;
        backend[n_all] = be;
        tcase_add_loop_test(tc, tt, n_all, n_all + 1);
        n_all++;
    }
    suite_add_tcase(s, tc);
    if (*sr == NULL)
        *sr = srunner_create(s);
    else
        srunner_add_suite(*sr, s);
    return 0;
}

#ifndef HOP_TEST_NO_EV
/* Whether table t has cases for the real-time backend. */
static int has_rt(size_t t)
{
    const t_case *c;

    for (c = tables[t].cases; c->name != NULL; c++)
        if (c->flags & T_RT)
            return 1;
    return 0;
}
#endif

int main(void)
{
    SRunner *sr = NULL;
    size_t t;
    int failed;

    for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
        if (add_suite(&sr, t, T_SIM) != 0)
            return 2;
#ifndef HOP_TEST_NO_EV
    /* The task cases again, on libevent in real time. */
    t_rt = &t_ev_backend;
    for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
        if (has_rt(t) && add_suite(&sr, t, T_EV) != 0)
            return 2;
#endif
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
