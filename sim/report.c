/* report.c: the summary table, expectation checks and CSV. Integers only: a report is
 * as deterministic as the run that produced it. */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "value.h"

static const struct run_result *run_of(const struct scenario_results *res, uint32_t s,
                                       uint32_t i)
{
    return &res->runs[(size_t)s * res->nseeds + i];
}

uint64_t report_metric(const struct scenario_results *res, uint32_t s, enum metric m)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < res->nseeds; i++) {
        const struct run_result *r = run_of(res, s, i);
        const uint64_t values[METRIC_COUNT] = {
            [METRIC_LOST] = r->lost, [METRIC_DUPLICATED] = r->duplicated,
            [METRIC_PENDING] = r->pending, [METRIC_CHARGES] = r->charges,
            [METRIC_LEDGER_ROWS] = r->ledger_rows, [METRIC_LOG_COPIES] = r->log_copies,
            [METRIC_DELIVERIES] = r->deliveries,
        };
        sum += values[m];
    }
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

/* The strategy column fits the longest name run (at least "strategy"). */
static int name_width(const struct scenario_results *res)
{
    size_t width = 15; /* "kafka anomalies" */
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        size_t n = strlen(res->sc->strategies[res->strategies[s]].name);
        if (n > width)
            width = n;
    }
    return (int)width;
}

/* Reconciliation: what was meant, what the gateway took, what the ledger says. */
static void money_table(FILE *out, const struct scenario_results *res)
{
    fprintf(out, "  %-*s %14s %14s %14s %14s %14s %13s\n", name_width(res), "money", "intended",
            "charged", "in ledger", "charged twice", "never charged", "disagreeing");
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        uint64_t v[6] = { 0 };
        for (uint32_t i = 0; i < res->nseeds; i++) {
            const struct run_result *r = run_of(res, s, i);
            v[0] += r->amount_intended;
            v[1] += r->amount_charged;
            v[2] += r->amount_ledger;
            v[3] += r->amount_duplicated;
            v[4] += r->amount_lost;
            v[5] += r->disagreements;
        }
        fprintf(out, "  %-*s %14llu %14llu %14llu %14llu %14llu %13llu\n",
                name_width(res), res->sc->strategies[res->strategies[s]].name, (unsigned long long)v[0],
                (unsigned long long)v[1], (unsigned long long)v[2], (unsigned long long)v[3],
                (unsigned long long)v[4], (unsigned long long)v[5]);
    }
}

/* Kafka-side anomalies, printed only when a run had any. */
static void anomaly_table(FILE *out, const struct scenario_results *res)
{
    uint64_t v[STRATEGIES_MAX][5] = { { 0 } }, any = 0;
    for (uint32_t s = 0; s < res->nstrategies; s++)
        for (uint32_t i = 0; i < res->nseeds; i++) {
            const struct run_result *r = run_of(res, s, i);
            const uint64_t row[5] = { r->duplicates_in_log, r->aborted_reads,
                                      r->skipped_offsets, r->hanging, r->lost_writes };
            for (int c = 0; c < 5; c++) {
                v[s][c] += row[c];
                any |= row[c];
            }
        }
    if (!any)
        return;
    fprintf(out, "  %-*s %17s %13s %15s %15s %11s\n", name_width(res), "kafka anomalies",
            "duplicate-in-log", "aborted-read", "skipped-offset", "hanging-txn", "lost-write");
    for (uint32_t s = 0; s < res->nstrategies; s++)
        fprintf(out, "  %-*s %17llu %13llu %15llu %15llu %11llu\n", name_width(res),
                res->sc->strategies[res->strategies[s]].name, (unsigned long long)v[s][0],
                (unsigned long long)v[s][1], (unsigned long long)v[s][2],
                (unsigned long long)v[s][3], (unsigned long long)v[s][4]);
}

void report_table(FILE *out, const struct scenario_results *res)
{
    const struct scenario *sc = res->sc;
    fprintf(out, "%s: %u payments x %u run%s", sc->name, sc->payments, res->nseeds,
            res->nseeds == 1 ? "" : "s");
    if (sc->about[0])
        fprintf(out, " - %s", sc->about);
    fprintf(out, "\n  %-*s %9s %10s %8s %10s %10s %11s %9s %9s %9s %9s\n", name_width(res), "strategy",
            "lost", "duplicated", "pending", "log-copies", "deliveries", "ledger-rows",
            "charges", "p50", "p99", "max");
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        sim_time worst = 0;
        for (uint32_t i = 0; i < res->nseeds; i++)
            if (run_of(res, s, i)->latency_max > worst)
                worst = run_of(res, s, i)->latency_max;
        char p50[24], p99[24], max[24];
        fprintf(out, "  %-*s %9llu %10llu %8llu %10llu %10llu %11llu %9llu %9s %9s %9s\n",
                name_width(res), sc->strategies[res->strategies[s]].name,
                (unsigned long long)report_metric(res, s, METRIC_LOST),
                (unsigned long long)report_metric(res, s, METRIC_DUPLICATED),
                (unsigned long long)report_metric(res, s, METRIC_PENDING),
                (unsigned long long)report_metric(res, s, METRIC_LOG_COPIES),
                (unsigned long long)report_metric(res, s, METRIC_DELIVERIES),
                (unsigned long long)report_metric(res, s, METRIC_LEDGER_ROWS),
                (unsigned long long)report_metric(res, s, METRIC_CHARGES),
                value_format_duration(median_of(res, s, offsetof(struct run_result, latency_p50)),
                                      p50, sizeof p50),
                value_format_duration(median_of(res, s, offsetof(struct run_result, latency_p99)),
                                      p99, sizeof p99),
                value_format_duration(worst, max, sizeof max));
    }
    money_table(out, res);
    anomaly_table(out, res);
}

static bool holds(uint64_t got, enum compare_op op, uint64_t want)
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

uint32_t report_expectations(FILE *out, const struct scenario_results *res)
{
    const struct scenario *sc = res->sc;
    uint32_t failed = 0;
    for (uint32_t e = 0; e < sc->nexpects; e++) {
        const struct expectation *x = &sc->expects[e];
        for (uint32_t s = 0; s < res->nstrategies; s++) {
            if (res->strategies[s] != x->strategy)
                continue;
            uint64_t got = report_metric(res, s, (enum metric)x->metric);
            if (holds(got, (enum compare_op)x->op, x->value))
                continue;
            failed++;
            fprintf(out, "%s:%u: expectation failed: %s %s %s %llu, got %llu\n", sc->file,
                    x->line, sc->strategies[x->strategy].name, metric_names[x->metric],
                    compare_op_names[x->op], (unsigned long long)x->value,
                    (unsigned long long)got);
        }
    }
    return failed;
}

static const char csv_header[] =
    "scenario,strategy,seed,payments,lost,duplicated,pending,log_copies,log_aborted,"
    "deliveries,ledger_rows,charges,absorbed,amount_intended,amount_charged,"
    "amount_duplicated,amount_lost,latency_p50_ns,latency_p99_ns,latency_max_ns,"
    "messages,events,end_time_ns,stopped_at_horizon,amount_ledger,disagreements,"
    "duplicates_in_log,aborted_reads,skipped_offsets,hanging,lost_writes\r\n";

void report_csv(FILE *out, const struct scenario_results *res)
{
    fputs(csv_header, out);
    for (uint32_t s = 0; s < res->nstrategies; s++)
        for (uint32_t i = 0; i < res->nseeds; i++) {
            const struct run_result *r = run_of(res, s, i);
            /* names are letters, digits and '-': no field needs quoting */
            fprintf(out, "%s,%s,%llu", res->sc->name, res->sc->strategies[res->strategies[s]].name,
                    (unsigned long long)r->seed);
            const uint64_t cols[] = {
                r->payments, r->lost, r->duplicated, r->pending, r->log_copies,
                r->log_aborted, r->deliveries, r->ledger_rows, r->charges, r->absorbed,
                r->amount_intended, r->amount_charged, r->amount_duplicated, r->amount_lost,
                r->latency_p50, r->latency_p99, r->latency_max, r->messages, r->events,
                r->end_time, r->horizon, r->amount_ledger, r->disagreements,
                r->duplicates_in_log, r->aborted_reads, r->skipped_offsets, r->hanging,
                r->lost_writes,
            };
            for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
                fprintf(out, ",%llu", (unsigned long long)cols[c]);
            fputs("\r\n", out);
        }
}

bool report_write_csv(const char *dir, const struct scenario_results *res)
{
    char path[1024], tmp[1100];
    snprintf(path, sizeof path, "%s/%s.csv", dir, res->sc->name);
    snprintf(tmp, sizeof tmp, "%s/.%s.csv.%ld.tmp", dir, res->sc->name, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return false;
    report_csv(f, res);
    bool ok = !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (ok && rename(tmp, path) == 0)
        return true;
    int saved = errno;
    remove(tmp);
    errno = saved;
    return false;
}
