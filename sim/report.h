/* report.h: what a run leaves for people: the aligned summary table on stdout, the
 * expectation verdicts, and the CSV file (RFC 4180), written whole or not at all. */
#ifndef EOSIM_REPORT_H
#define EOSIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "tally.h"

/* The results of one scenario: runs[s * nseeds + i] for the s-th strategy run. */
struct scenario_results {
    const struct scenario *sc;
    uint8_t strategies[STRATEGIES_MAX];
    uint32_t nstrategies, nseeds;
    struct run_result *runs;
};

void report_table(FILE *out, const struct scenario_results *res);
/* Checks the scenario's expectations; prints each failure on `out`. Returns the
 * number that failed. */
uint32_t report_expectations(FILE *out, const struct scenario_results *res);
/* Sum of a metric over every seed of one strategy. */
uint64_t report_metric(const struct scenario_results *res, uint32_t strategy_slot,
                       enum metric m);
void report_csv(FILE *out, const struct scenario_results *res);
/* Writes DIR/<scenario>.csv through a temporary file; false (errno set) on failure. */
bool report_write_csv(const char *dir, const struct scenario_results *res);

#endif
