/*
 * test/check_main.c: the Check runner.
 *
 * Registers every case table (the list in suites.h is generated from the
 * test sources) as one suite each, with one test per case named after the
 * case, and runs them with CK_ENV, so CK_VERBOSITY, CK_RUN_SUITE,
 * CK_RUN_CASE and CK_FORK work as Check documents. The exit status is
 * nonzero when any test failed.
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

/* Every case of every table, in one list that the loop index selects. */
static const t_case *all[1024];
static TTest tests[1024];
static char suite_names[64][128];
static int n_all;

void t_fail(const char *file, int line, const char *msg)
{
    _ck_assert_failed(file, line, "Failed", "%s", msg);
#if !defined(__GNUC__)
    abort();
#endif
}

static void run_case(int i)
{
    tr_reset();
    t_names_reset();
    all[i]->fn();
}

int main(void)
{
    SRunner *sr = NULL;
    size_t t;
    int failed;

    if (sizeof tables / sizeof tables[0] > 64)
        return 2;
    for (t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        char *sname = suite_names[t];
        Suite *s;
        TCase *tc;
        const t_case *c;

        snprintf(sname, 128, "%s [%s]", tables[t].name, HOP_TEST_VARIANT);
        s = suite_create(sname);
        tc = tcase_create(tables[t].name);
        tcase_set_timeout(tc, 20);
        for (c = tables[t].cases; c->name != NULL; c++) {
            TTest *tt = &tests[n_all];
            if (n_all == (int)(sizeof all / sizeof all[0])) {
                fprintf(stderr, "too many test cases\n");
                return 2;
            }
            tt->name = c->name;
            tt->fn = run_case;
            tt->file = __FILE__;
            tt->line = __LINE__;
            all[n_all] = c;
            tcase_add_loop_test(tc, tt, n_all, n_all + 1);
            n_all++;
        }
        suite_add_tcase(s, tc);
        if (sr == NULL)
            sr = srunner_create(s);
        else
            srunner_add_suite(sr, s);
    }
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
