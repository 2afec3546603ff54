/* unit.c: runs every unit test table, or only the tests named on the command line,
 * and ends with "unit: N passed, N failed". */
#include <stdlib.h>

#include "lang/scenario.h"
#include "out/results.h"
#include "run/sim.h"
#include "test.h"

int test_failures;

int test_scenario(const char *text, const char *strategy, struct scenario *sc)
{
    struct parse_error err;
    if (!scenario_parse("test.scn", text, sc, &err)) {
        fprintf(stderr, "  does not parse: %u:%u: %s\n", err.line, err.col, err.message);
        test_failures++;
        return -1;
    }
    int s = scenario_strategy(sc, strategy, (unsigned)strlen(strategy));
    CHECK(s >= 0);
    return s;
}

bool test_run(const char *text, const char *strategy, struct run_result *r)
{
    static struct scenario sc;
    memset(r, 0, sizeof *r);
    int s = test_scenario(text, strategy, &sc);
    if (s < 0)
        return false;
    sim_run(&sc, (uint32_t)s, sc.seed, r);
    return true;
}

bool test_run_all(const char *text, struct scenario *sc, struct run_result *runs,
                  struct scenario_results *res)
{
    struct parse_error err;
    if (!scenario_parse("t.scn", text, sc, &err)) {
        fprintf(stderr, "  parse error %u:%u: %s\n", err.line, err.col, err.message);
        return false;
    }
    *res = (struct scenario_results){ .sc = sc, .nstrategies = sc->nrun, .nseeds = 1,
                                      .runs = runs };
    for (uint32_t s = 0; s < sc->nrun; s++) {
        res->strategies[s] = sc->run_list[s];
        sim_run(sc, sc->run_list[s], sc->seed, &runs[s]);
    }
    return true;
}

char *test_capture(void (*write)(FILE *, const void *), const void *ctx)
{
    FILE *f = tmpfile();
    write(f, ctx);
    long len = ftell(f);
    char *buf = calloc((size_t)len + 1, 1);
    rewind(f);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len)
        buf[0] = 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const struct test *tables[] = { engine_tests, parser_tests, model_tests, closed_form_tests, trace_tests,
                                    explain_tests, report_tests, txn_consumer_tests,
                                    anomaly_tests, broker_tests, explore_tests, session_tests,
                                    help_tests, ledger_tests, merchant_tests, dist_tests };
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
