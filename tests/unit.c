/* unit.c: runs every unit test table, or only the tests named on the command line,
 * and ends with "unit: N passed, N failed". */
#include <stdlib.h>

#include "test.h"

int test_failures;

int main(int argc, char **argv)
{
    const struct test *tables[] = { engine_tests, parser_tests, model_tests, closed_form_tests, trace_tests,
                                    explain_tests, report_tests };
    int passed = 0, failed = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const struct test *x = tables[t]; x->name; x++) {
            bool wanted = argc < 2;
            for (int a = 1; a < argc; a++)
                wanted |= strcmp(argv[a], x->name) == 0;
            if (!wanted)
                continue;
            test_failures = 0;
            x->fn();
            printf("%s %s\n", test_failures ? "FAIL" : "ok  ", x->name);
            fflush(stdout);
            test_failures ? failed++ : passed++;
        }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
