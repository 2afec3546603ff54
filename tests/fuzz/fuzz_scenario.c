/* fuzz_scenario.c: libFuzzer over everything a scenario file reaches. The bytes are
 * parsed as a scenario; one that parses is run with small caps (20 payments, 5,000
 * events a run, the first 4 points of its sweep) under each of its strategies, and the
 * results go through the table (compact or wide, by the input's length), the CSVs and
 * the story of the first anomaly. A crash, a sanitizer report, a leak or a run that
 * outlives the caps is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/attribute.h"
#include "out/explain.h"
#include "out/report.h"
#include "out/table.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "lang/grid.h"
#include "lang/sweep.h"
#include "env/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct scenario sc, at;
static bool wide; /* which table an input prints: by its length, so both are fuzzed */
static struct run_result runs[STRATEGIES_MAX];

static void cap(struct scenario *s)
{
    s->payments = s->payments > 20 ? 20 : s->payments;
    s->params.max_events = 5000;
    s->runs = 1;
}

/* One point: every strategy run, then what people see of it. */
static void point(FILE *sink, struct scenario *s)
{
    struct scenario_results res = { .sc = s, .nstrategies = s->nrun, .nseeds = 1, .runs = runs };
    for (uint32_t i = 0; i < s->nrun; i++) {
        res.strategies[i] = s->run_list[i];
        sim_run(s, s->run_list[i], s->seed, &runs[i]);
    }
    table_scenario(sink, &res, wide); /* one form an input: each reruns the attribution */
    report_expectations(sink, &res);
    report_csv(sink, &res);
    struct sweep_results sr = { .sc = s, .npoints = 1, .nstrategies = res.nstrategies,
                                .nseeds = 1, .runs = runs };
    memcpy(sr.strategies, res.strategies, sizeof sr.strategies);
    report_anomalies_csv(sink, &sr);
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(s, s->run_list[0], s->seed,
                 &(struct sim_options){ .trace = &t, .spare_link = -1,
                                        .spare_message = UINT64_MAX }, &r);
    trace_end(&t);
    uint32_t p = explain_first_anomaly(&t, s, s->run_list[0]);
    explain_payment(sink, s, s->run_list[0], &t, p == UINT32_MAX ? 0 : p, NULL);
    for (int style = DIAGRAM_ASCII; style <= DIAGRAM_SVG; style++)
        explain_diagram(sink, &t, p == UINT32_MAX ? 0 : p, (enum diagram_style)style);
    trace_fini(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192 || memchr(data, 0, size))
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    struct parse_error err;
    bool ok = scenario_parse("fuzz.scn", text, &sc, &err);
    free(text);
    if (!ok)
        return 0;
    FILE *sink = fopen("/dev/null", "w");
    wide = size & 1;
    uint32_t points = sc.nsweeps ? sweep_points(&sc) : 1;
    for (uint32_t p = 0; p < points && p < 4; p++) {
        at = sc;
        if (sc.nsweeps)
            sweep_apply(&at, p);
        cap(&at);
        point(sink, &at);
    }
    fclose(sink);
    return 0;
}
