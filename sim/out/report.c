/* report.c: the metrics, expectation checks and CSVs, for one point or every point
 * of a sweep. Integers only: a report is as deterministic as the run that produced it
 * (the floating-point statistics of the aggregate CSV live in aggregate.c). */
#define _POSIX_C_SOURCE 200809L
#include "out/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/aggregate.h"
#include "run/attribute.h"
#include "base/check.h"
#include "base/cleanup.h"
#include "lang/sweep.h"
#include "base/value.h"
#include "lang/grid.h"

static const struct run_result *run_of(const struct scenario_results *res, uint32_t s,
                                       uint32_t i)
{
    return &res->runs[(size_t)s * res->nseeds + i];
}

uint64_t report_run_metric(const struct run_result *r, enum metric m)
{
    const uint64_t values[METRIC_COUNT] = {
        [METRIC_LOST] = r->lost, [METRIC_DUPLICATED] = r->duplicated,
        [METRIC_PENDING] = r->pending, [METRIC_CHARGES] = r->charges,
        [METRIC_LEDGER_ROWS] = r->ledger_rows, [METRIC_LOG_COPIES] = r->log_copies,
        [METRIC_DELIVERIES] = r->deliveries, [METRIC_OUTPUT_COPIES] = r->output_copies,
        [METRIC_DUPLICATES_IN_LOG] = r->duplicates_in_log,
        [METRIC_ABORTED_READS] = r->aborted_reads,
        [METRIC_SKIPPED_OFFSETS] = r->skipped_offsets, [METRIC_HANGING] = r->hanging,
        [METRIC_LOST_WRITES] = r->lost_writes,
        [METRIC_TORN_TRANSACTIONS] = r->torn_transactions,
        [METRIC_OUTPUT_DUPLICATES] = r->output_duplicates, [METRIC_GAVE_UP] = r->gave_up,
        [METRIC_INDEFINITE] = r->lost_indefinite, [METRIC_DEFINITE] = r->lost_definite,
        [METRIC_CHARGED] = r->amount_charged, [METRIC_CHARGED_TWICE] = r->amount_duplicated,
        [METRIC_NEVER_CHARGED] = r->amount_lost, [METRIC_DISAGREEING] = r->disagreements,
        [METRIC_DUPLICATED_RATE] = r->payments ? r->duplicated * 1000000 / r->payments : 0,
        [METRIC_LOST_RATE] = r->payments ? r->lost * 1000000 / r->payments : 0,
    };
    return values[m];
}

/* A rate over several seeds is the count over every seed's payments, not a sum. */
static uint64_t rate_over_seeds(const struct scenario_results *res, uint32_t s, enum metric m)
{
    uint64_t count = 0, payments = 0;
    for (uint32_t i = 0; i < res->nseeds; i++) {
        const struct run_result *r = run_of(res, s, i);
        count += m == METRIC_DUPLICATED_RATE ? r->duplicated : r->lost;
        payments += r->payments;
    }
    return payments ? count * 1000000 / payments : 0;
}

const char *report_metric_value(enum metric m, uint64_t v, char *buf, size_t size)
{
    if (!metric_is_rate(m))
        snprintf(buf, size, "%llu", (unsigned long long)v);
    else if (v % 10000 == 0)
        snprintf(buf, size, "%llu%%", (unsigned long long)(v / 10000));
    else {
        int places = 4;
        for (uint64_t f = v % 10000; f % 10 == 0; f /= 10)
            places--;
        uint64_t frac = v % 10000;
        for (int k = places; k < 4; k++)
            frac /= 10;
        snprintf(buf, size, "%llu.%0*llu%%", (unsigned long long)(v / 10000), places,
                 (unsigned long long)frac);
    }
    return buf;
}

uint64_t report_metric(const struct scenario_results *res, uint32_t s, enum metric m)
{
    if (metric_is_rate(m))
        return rate_over_seeds(res, s, m);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < res->nseeds; i++)
        sum += report_run_metric(run_of(res, s, i), m);
    return sum;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Median over seeds of a per-run latency (lower median for an even count). */
static sim_time median_of(const struct scenario_results *res, uint32_t s, size_t field)
{
    uint64_t *v = sim_alloc(res->nseeds, sizeof *v);
    for (uint32_t i = 0; i < res->nseeds; i++)
        memcpy(&v[i], (const char *)run_of(res, s, i) + field, sizeof v[i]);
    qsort(v, res->nseeds, sizeof *v, cmp_u64);
    sim_time m = v[(res->nseeds - 1) / 2];
    free(v);
    return m;
}

/* a * b as 128 bits, hi and lo: rates compare by cross-multiplying, with no rounding. */
static void mul_wide(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *lo = (mid << 32) | (p00 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static int compare_wide(uint64_t a, uint64_t b, uint64_t c, uint64_t d) /* a*b vs c*d */
{
    uint64_t h1, l1, h2, l2;
    mul_wide(a, b, &h1, &l1);
    mul_wide(c, d, &h2, &l2);
    return h1 != h2 ? (h1 > h2) - (h1 < h2) : (l1 > l2) - (l1 < l2);
}

enum metric report_rate_count(enum metric m)
{
    return m == METRIC_DUPLICATED_RATE ? METRIC_DUPLICATED : METRIC_LOST;
}

bool report_expect_holds(enum metric m, uint64_t got, uint64_t payments, enum compare_op op,
                         uint64_t want)
{
    if (!metric_is_rate(m))
        return report_holds(got, op, want);
    int c = compare_wide(got, 1000000, want, payments); /* got/payments vs want ppm */
    return report_holds((uint64_t)(c + 1), op, 1);
}

bool report_holds(uint64_t got, enum compare_op op, uint64_t want)
{
    switch (op) {
    case OP_EQ: return got == want;
    case OP_NE: return got != want;
    case OP_LT: return got < want;
    case OP_LE: return got <= want;
    case OP_GT: return got > want;
    default: return got >= want;
    }
}

/* What an expectation compares, over the seeds: a metric, or one merchant's balance. */
static uint64_t expected_value(const struct scenario_results *res, uint32_t s,
                               const struct expectation *x)
{
    if (x->metric != METRIC_BALANCE)
        return report_metric(res, s, (enum metric)x->metric);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < res->nseeds; i++)
        sum += run_of(res, s, i)->merchant_charged[x->merchant];
    return sum;
}

/* Checks every expectation on one point's results; `at` names the point, or NULL. */
static uint32_t expectations(FILE *out, const struct scenario_results *res, const char *at)
{
    const struct scenario *sc = res->sc;
    uint32_t failed = 0;
    for (uint32_t e = 0; e < sc->nexpects; e++) {
        const struct expectation *x = &sc->expects[e];
        for (uint32_t s = 0; s < res->nstrategies; s++) {
            if (res->strategies[s] != x->strategy)
                continue;
            enum metric m = (enum metric)x->metric;
            uint64_t got = expected_value(res, s, x), payments = 0;
            for (uint32_t i = 0; i < res->nseeds; i++)
                payments += run_of(res, s, i)->payments;
            uint64_t counted = metric_is_rate(m) ? report_metric(res, s, report_rate_count(m)) : got;
            if (report_expect_holds(m, counted, payments, (enum compare_op)x->op, x->value))
                continue;
            failed++;
            char want[32], was[32];
            fprintf(out, "%s:%u: expectation failed: %s %s%s%s %s %s, got %s%s%s\n", sc->file,
                    x->line, sc->strategies[x->strategy].name, metric_names[x->metric],
                    m == METRIC_BALANCE ? " " : "", m == METRIC_BALANCE ? sc->merchants[x->merchant] : "",
                    compare_op_names[x->op],
                    report_metric_value((enum metric)x->metric, x->value, want, sizeof want),
                    report_metric_value((enum metric)x->metric, got, was, sizeof was),
                    at ? " at " : "", at ? at : "");
        }
    }
    return failed;
}

/* One line per strategy (and point) whose runs did not reach quiescence. */
uint32_t report_stops(FILE *out, const struct sweep_results *sr, bool quiet)
{
    uint32_t limited = 0;
    for (uint32_t p = 0; p < sr->npoints; p++) {
        struct scenario_results res;
        char at[300] = "", label[256];
        results_point(sr, p, &res);
        if (results_has_axes(sr))
            snprintf(at, sizeof at, " at %s", sweep_point_label(sr->sc, p, label, sizeof label));
        for (uint32_t s = 0; s < sr->nstrategies; s++) {
            uint32_t stopped = 0, capped = 0;
            const struct run_result *first = NULL, *first_capped = NULL;
            for (uint32_t i = 0; i < sr->nseeds; i++) {
                const struct run_result *r = run_of(&res, s, i);
                if (r->event_limit && capped++ == 0)
                    first_capped = r;
                else if (r->horizon && !r->event_limit && stopped++ == 0)
                    first = r;
            }
            const char *name = sr->sc->strategies[sr->strategies[s]].name;
            char t[32];
            if (capped && first_capped->events < sr->sc->params.max_events)
                fprintf(out, "%s: %s%s: %u of %u run%s stopped with %u events pending (seed "
                        "%llu at t=%s), the most a run holds: a retry storm?\n", sr->sc->file,
                        name, at, capped, sr->nseeds, sr->nseeds == 1 ? "" : "s",
                        EVENTS_PENDING_STOP, (unsigned long long)first_capped->seed,
                        value_format_duration(first_capped->end_time, t, sizeof t));
            else if (capped)
                fprintf(out, "%s: %s%s: %u of %u run%s stopped after %u events (seed %llu at "
                        "t=%s): a retry storm? raise run.max-events if the work is real\n",
                        sr->sc->file, name, at, capped, sr->nseeds, sr->nseeds == 1 ? "" : "s",
                        sr->sc->params.max_events, (unsigned long long)first_capped->seed,
                        value_format_duration(first_capped->end_time, t, sizeof t));
            if (stopped && !quiet)
                fprintf(out, "%s: note: %s%s: %u of %u run%s reached the horizon (t=%s) before "
                        "quiescence; what was in flight is counted as pending\n", sr->sc->file,
                        name, at, stopped, sr->nseeds, sr->nseeds == 1 ? "" : "s",
                        value_format_duration(first->end_time, t, sizeof t));
            limited += capped;
        }
    }
    return limited;
}

uint32_t report_expectations(FILE *out, const struct scenario_results *res)
{
    return expectations(out, res, NULL);
}

static void csv_header(FILE *out)
{
    fputs("scenario,strategy,seed", out);
    for (const struct result_column *c = result_columns; c->name; c++)
        fprintf(out, ",%s", c->name);
    fputs("\r\n", out);
}

/* One run's fields after any sweep columns, CRLF included. */
static void csv_row(FILE *out, const struct scenario_results *res, uint32_t s, uint32_t i)
{
    const struct run_result *r = run_of(res, s, i);
    /* names are letters, digits and '-': no field needs quoting */
    fprintf(out, "%s,%s,%llu", res->sc->name, res->sc->strategies[res->strategies[s]].name,
            (unsigned long long)r->seed);
    for (const struct result_column *c = result_columns; c->name; c++)
        fprintf(out, ",%llu", (unsigned long long)results_column_value(c, r));
    fputs("\r\n", out);
}

void report_csv(FILE *out, const struct scenario_results *res)
{
    csv_header(out);
    for (uint32_t s = 0; s < res->nstrategies; s++)
        for (uint32_t i = 0; i < res->nseeds; i++)
            csv_row(out, res, s, i);
}

bool report_write_file(const char *path, void (*write)(FILE *, const void *), const void *ctx)
{
    char tmp[1200];
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    /* hidden, and named after the process, so readers of the directory never see it and
     * two writers never share it */
    int n = snprintf(tmp, sizeof tmp, "%.*s.%s.%ld.tmp", dir_len, path, path + dir_len,
                     (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return false;
    }
    cleanup_file(tmp);
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL;
    if (f) {
        write(f, ctx);
        ok = !ferror(f);
        ok = (fclose(f) == 0) && ok;
    }
    ok = ok && rename(tmp, path) == 0;
    int saved = errno;
    if (!ok)
        remove(tmp);
    cleanup_forget_file(tmp);
    errno = saved;
    return ok;
}

static void write_csv(FILE *out, const void *res)
{
    report_csv(out, res);
}

bool report_write_csv(const char *dir, const struct scenario_results *res)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s.csv", dir, res->sc->name);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return false;
    }
    return report_write_file(path, write_csv, res);
}

void report_summarize(const struct scenario_results *res, uint32_t s, struct report_summary *out)
{
    memset(out, 0, sizeof *out);
    out->lost = report_metric(res, s, METRIC_LOST);
    out->duplicated = report_metric(res, s, METRIC_DUPLICATED);
    out->pending = report_metric(res, s, METRIC_PENDING);
    out->log_copies = report_metric(res, s, METRIC_LOG_COPIES);
    out->deliveries = report_metric(res, s, METRIC_DELIVERIES);
    out->ledger_rows = report_metric(res, s, METRIC_LEDGER_ROWS);
    out->charges = report_metric(res, s, METRIC_CHARGES);
    out->p50 = median_of(res, s, offsetof(struct run_result, latency_p50));
    out->p99 = median_of(res, s, offsetof(struct run_result, latency_p99));
    for (uint32_t i = 0; i < res->nseeds; i++)
        if (run_of(res, s, i)->latency_max > out->max)
            out->max = run_of(res, s, i)->latency_max;
}

/* ---- sweeps ---- */

uint32_t report_sweep_expectations(FILE *out, const struct sweep_results *sr)
{
    uint32_t failed = 0;
    for (uint32_t p = 0; p < sr->npoints; p++) {
        struct scenario_results res;
        char label[512];
        results_point(sr, p, &res);
        if (results_has_axes(sr))
            sweep_point_label(sr->sc, p, label, sizeof label);
        failed += expectations(out, &res, results_has_axes(sr) ? label : NULL);
    }
    return failed;
}

/* The sweep columns that start a sweep's CSV rows, header and values, each with its comma;
 * nothing without axes. */
static void axes_header(FILE *out, const struct sweep_results *sr)
{
    for (uint32_t a = 0; results_has_axes(sr) && a < sr->sc->nsweeps; a++) {
        sweep_csv_header(out, &sr->sc->sweeps[a]);
        fputc(',', out);
    }
}

static void axes_values(FILE *out, const struct sweep_results *sr, const uint32_t *index)
{
    for (uint32_t a = 0; results_has_axes(sr) && a < sr->sc->nsweeps; a++) {
        sweep_csv_value(out, &sr->sc->sweeps[a], index[a]);
        fputc(',', out);
    }
}

/* Writes rows for every run of every point, in order, each after its sweep values. */
typedef void (*run_rows)(FILE *out, const struct sweep_results *sr, const uint32_t *index,
                         const struct scenario_results *res, uint32_t s, uint32_t i);

static void each_run(FILE *out, const struct sweep_results *sr, run_rows rows)
{
    for (uint32_t p = 0; p < sr->npoints; p++) {
        struct scenario_results res;
        uint32_t index[SWEEP_AXES_MAX];
        results_point(sr, p, &res);
        sweep_point_values(sr->sc, p, index);
        for (uint32_t s = 0; s < sr->nstrategies; s++)
            for (uint32_t i = 0; i < sr->nseeds; i++)
                rows(out, sr, index, &res, s, i);
    }
}

static void run_row(FILE *out, const struct sweep_results *sr, const uint32_t *index,
                    const struct scenario_results *res, uint32_t s, uint32_t i)
{
    axes_values(out, sr, index);
    csv_row(out, res, s, i);
}

void report_sweep_csv(FILE *out, const struct sweep_results *sr)
{
    axes_header(out, sr);
    csv_header(out);
    each_run(out, sr, run_row);
}

/* One row per payment a run named for an anomaly. */
static void anomaly_rows(FILE *out, const struct sweep_results *sr, const uint32_t *index,
                         const struct scenario_results *res, uint32_t s, uint32_t i)
{
    const struct run_result *r = run_of(res, s, i);
    static struct scenario at;   /* the point's scenario, for the counterfactual runs */
    const struct scenario *sc = sr->sc;
    if (results_has_axes(sr) && sc->nfaults > 0) {
        at = *sc;
        sweep_apply(&at, res->point);
        sc = &at;
    }
    struct attribution a;
    attribute_run(sc, sr->strategies[s], r, &a);
    for (uint32_t k = 0; k < ANOMALY_KINDS; k++)
        for (uint32_t j = 0; j < r->anomalies[k].count; j++) {
            char yes[200], no[200];
            axes_values(out, sr, index);
            fprintf(out, "%s,%s,%llu,%s,%u,%s,%s\r\n", sr->sc->name,
                    sr->sc->strategies[sr->strategies[s]].name, (unsigned long long)r->seed,
                    anomaly_names[k], r->anomalies[k].payments[j],
                    attribute_lines(sc, &a, k, j, true, yes, sizeof yes),
                    attribute_lines(sc, &a, k, j, false, no, sizeof no));
        }
}

void report_anomalies_csv(FILE *out, const struct sweep_results *sr)
{
    axes_header(out, sr);
    fputs("scenario,strategy,seed,anomaly,payment,necessary,not_necessary\r\n", out);
    each_run(out, sr, anomaly_rows);
}

/* One row per merchant of each run: its balances. */
static void merchant_rows(FILE *out, const struct sweep_results *sr, const uint32_t *index,
                          const struct scenario_results *res, uint32_t s, uint32_t i)
{
    const struct run_result *r = run_of(res, s, i);
    for (uint32_t m = 0; m < sr->sc->nmerchants; m++) {
        axes_values(out, sr, index);
        fprintf(out, "%s,%s,%llu,%s,%llu,%llu,%llu\r\n", sr->sc->name,
                sr->sc->strategies[sr->strategies[s]].name, (unsigned long long)r->seed,
                sr->sc->merchants[m], (unsigned long long)r->merchant_intended[m],
                (unsigned long long)r->merchant_charged[m],
                (unsigned long long)r->merchant_ledger[m]);
    }
}

void report_merchants_csv(FILE *out, const struct sweep_results *sr)
{
    axes_header(out, sr);
    fputs("scenario,strategy,seed,merchant,amount_intended,amount_charged,amount_ledger\r\n", out);
    each_run(out, sr, merchant_rows);
}

static void write_merchants_csv(FILE *out, const void *sr)
{
    report_merchants_csv(out, sr);
}

static void write_sweep_csv(FILE *out, const void *sr)
{
    report_sweep_csv(out, sr);
}

static void write_aggregate_csv(FILE *out, const void *sr)
{
    aggregate_csv(out, sr);
}

static void write_anomalies_csv(FILE *out, const void *sr)
{
    report_anomalies_csv(out, sr);
}

bool report_write_csvs(const char *dir, const struct sweep_results *sr, char *failed,
                       size_t size)
{
    snprintf(failed, size, "%s/%s.csv", dir, sr->sc->name);
    if (!report_write_file(failed, write_sweep_csv, sr))
        return false;
    snprintf(failed, size, "%s/%s.agg.csv", dir, sr->sc->name);
    if (!report_write_file(failed, write_aggregate_csv, sr))
        return false;
    snprintf(failed, size, "%s/%s.anomalies.csv", dir, sr->sc->name);
    if (!report_write_file(failed, write_anomalies_csv, sr))
        return false;
    if (!sr->sc->nmerchants)
        return true;
    snprintf(failed, size, "%s/%s.merchants.csv", dir, sr->sc->name);
    return report_write_file(failed, write_merchants_csv, sr);
}
