/* aggregate.h: statistics across seeds, the only floating point in eosim. For every
 * point x strategy and every metric: the mean, the sample standard deviation and a 95%
 * confidence interval of the mean (Student's t for the number of seeds), written to the
 * aggregate CSV with a fixed, trimmed format so equal inputs give equal bytes. */
#ifndef EOSIM_AGGREGATE_H
#define EOSIM_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "out/results.h"

/* sd, lo and hi need two values or more: `spread` says whether they are meaningful. */
struct stats {
    uint32_t n;
    bool spread;
    double mean, sd, lo, hi;
};

void aggregate_stats(const double *x, uint32_t n, struct stats *out);
/* The 0.975 quantile of Student's t with df degrees of freedom (df >= 1). */
double aggregate_t975(uint32_t df);
/* "%.6f" without trailing zeros: "2.5", "1.290994", "0", "-0.4". */
const char *aggregate_format(double v, char *buf, size_t size);

/* The metrics: every per-run CSV column, then throughput_per_s (payments per second of
 * simulated time). */
size_t aggregate_metric_count(void);
const char *aggregate_metric_name(size_t m);
/* The index of a metric by name; the metric must exist. */
size_t aggregate_metric(const char *name);
double aggregate_value(const struct run_result *r, size_t m);
/* The stats of metric m over the seeds of strategy slot s. */
void aggregate_of(const struct scenario_results *res, uint32_t s, size_t m, struct stats *out);

void aggregate_csv(FILE *out, const struct sweep_results *sr);

#endif
