/* report.h: what a run leaves to check and to keep: the metrics, the expectation
 * verdicts, and the CSV files (RFC 4180), written whole or not at all. A sweep's results
 * are the same per point, with the swept values in front. (What people read on the
 * terminal is table.h's.) */
#ifndef EOSIM_REPORT_H
#define EOSIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "env/tally.h"
#include "out/results.h"

/* Checks the scenario's expectations; prints each failure on `out`. Returns the
 * number that failed. */
uint32_t report_expectations(FILE *out, const struct scenario_results *res);
/* A metric of one run, and whether `got OP want` holds. */
uint64_t report_run_metric(const struct run_result *r, enum metric m);
bool report_holds(uint64_t got, enum compare_op op, uint64_t want);
/* Whether `got OP want` holds for metric m: for a rate, got is its count (duplicated or
 * lost, report_rate_count) over `payments`, compared exactly with want in ppm. */
bool report_expect_holds(enum metric m, uint64_t got, uint64_t payments, enum compare_op op,
                         uint64_t want);
enum metric report_rate_count(enum metric rate);
/* A metric's value as `expect` writes it: "3", or a rate's "2.5%" (cut at 1 ppm). */
const char *report_metric_value(enum metric m, uint64_t v, char *buf, size_t size);
/* Sum of a metric over every seed of one strategy. */
uint64_t report_metric(const struct scenario_results *res, uint32_t strategy_slot,
                       enum metric m);
void report_csv(FILE *out, const struct scenario_results *res);
/* Writes DIR/<scenario>.csv through a temporary file; false (errno set) on failure. */
bool report_write_csv(const char *dir, const struct scenario_results *res);

/* What one strategy did over its seeds: counts summed, latency medians over seeds (and
 * the worst maximum), as the table shows them. */
struct report_summary {
    uint64_t lost, duplicated, pending, log_copies, deliveries, ledger_rows, charges;
    sim_time p50, p99, max;
};
void report_summarize(const struct scenario_results *res, uint32_t strategy_slot,
                      struct report_summary *out);

/* Expectations at every point; a failure names its point. Returns how many failed. */
uint32_t report_sweep_expectations(FILE *out, const struct sweep_results *sr);
void report_sweep_csv(FILE *out, const struct sweep_results *sr);
/* Says on `out` which runs stopped before quiescence: after run.max-events events
 * (always), or at the horizon (unless quiet). Returns how many hit the event limit. */
uint32_t report_stops(FILE *out, const struct sweep_results *sr, bool quiet);
/* The payments each run's anomalies touched (struct anomaly_sample): after any sweep
 * columns, scenario,strategy,seed,anomaly,payment,necessary,not_necessary, one row per
 * sampled payment, in run order, then anomaly order (anomaly_names), then increasing
 * payment; the last two list the line numbers of the scripted faults that anomaly
 * needed and did not need (attribute.h). */
void report_anomalies_csv(FILE *out, const struct sweep_results *sr);
/* NAME.merchants.csv, when the payments name merchants: per run and merchant, the amount
 * intended, charged and in the ledger. */
void report_merchants_csv(FILE *out, const struct sweep_results *sr);
/* Writes DIR/<scenario>.csv, DIR/<scenario>.agg.csv and DIR/<scenario>.anomalies.csv;
 * false (errno set) on failure, with `failed` naming the file. */
bool report_write_csvs(const char *dir, const struct sweep_results *sr, char *failed,
                       size_t size);
/* Writes path whole or not at all: a temporary name in the same directory, then a
 * rename. False (errno set) if writing failed. */
bool report_write_file(const char *path, void (*write)(FILE *, const void *), const void *ctx);

#endif
