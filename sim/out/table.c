/* table.c: what `eosim run` and `eosim sweep` print per scenario (see table.h).
 * Counts are integers; only the interval of a rate over seeds comes from aggregate.c's
 * floating point, and it is printed, never decided on. */
#include "out/table.h"

#include <stdlib.h>
#include <string.h>

#include "base/value.h"
#include "base/wrap.h"
#include "lang/grid.h"
#include "lang/sweep.h"
#include "out/aggregate.h"
#include "out/report.h"
#include "run/attribute.h"

#define TABLE_WIDTH 80 /* where lines wrap: only a long name or path passes it */
#define ABOUT_WIDTH 80  /* nor an `about` wider than this */
#define LINE_WIDTH 100  /* a line naming payments: room for every anomaly kind */

static const struct run_result *run_of(const struct scenario_results *res, uint32_t s,
                                       uint32_t i)
{
    return &res->runs[(size_t)s * res->nseeds + i];
}

static const char *name_of(const struct scenario_results *res, uint32_t s)
{
    return res->sc->strategies[res->strategies[s]].name;
}

/* The strategy column fits the longest name run (at least "kafka anomalies"). */
static int name_width(const struct scenario_results *res)
{
    size_t width = 15;
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        size_t n = strlen(name_of(res, s));
        if (n > width)
            width = n;
    }
    return (int)width;
}

const char *table_percent(uint64_t count, uint64_t total, char *buf, size_t size)
{
    if (total == 0)
        total = 1;
    int places = 0; /* as many as three significant digits need, four at most */
    uint64_t scale = 1;
    while (places < 4 && count * 100 * scale / total < 100) {
        places++;
        scale *= 10;
    }
    uint64_t q = (count * 100 * scale + total / 2) / total;
    if (count && q == 0)
        return snprintf(buf, size, "<0.0001%%"), buf;
    while (places > 0 && q % 10 == 0) {
        q /= 10;
        scale /= 10;
        places--;
    }
    if (places == 0)
        snprintf(buf, size, "%llu%%", (unsigned long long)q);
    else
        snprintf(buf, size, "%llu.%0*llu%%", (unsigned long long)(q / scale), places,
                 (unsigned long long)(q % scale));
    return buf;
}

/* A rate over every seed's payments; with more than one seed, with the 95% interval of
 * a run's rate: "(12.5%)", "(12.5%, 95% CI 11.2-13.8%)". */
static const char *rate(const struct scenario_results *res, uint32_t s, enum metric m,
                        char *buf, size_t size)
{
    uint64_t total = (uint64_t)res->sc->payments * res->nseeds;
    char mean[24], lo[24], hi[24];
    table_percent(report_metric(res, s, m), total, mean, sizeof mean);
    if (res->nseeds < 2)
        return snprintf(buf, size, "(%s)", mean), buf;
    double *x = malloc(res->nseeds * sizeof *x);
    for (uint32_t i = 0; i < res->nseeds; i++)
        x[i] = 100.0 * (double)report_run_metric(run_of(res, s, i), m) / res->sc->payments;
    struct stats st;
    aggregate_stats(x, res->nseeds, &st);
    free(x);
    /* each bound in millionths of a percent: a count out of 10^8 */
    double l = st.lo > 0 ? st.lo : 0, h = st.hi < 100 ? st.hi : 100;
    table_percent((uint64_t)(l * 1e6 + 0.5), 100000000, lo, sizeof lo);
    table_percent((uint64_t)(h * 1e6 + 0.5), 100000000, hi, sizeof hi);
    lo[strlen(lo) - 1] = 0; /* one % for the pair */
    snprintf(buf, size, "(%s, 95%% CI %s-%s)", mean, lo, hi);
    return buf;
}

/* Prints parts joined by "; " after `lead`, on as many lines as TABLE_WIDTH needs, each
 * further line starting at column `indent`. */
static void wrap_parts(FILE *out, const char *lead, int indent, char parts[][200], int n)
{
    size_t col = (size_t)fprintf(out, "%s", lead);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(parts[i]) + (i ? 2 : 0);
        if (i && col + len + 1 > TABLE_WIDTH)
            col = (size_t)fprintf(out, ";\n%*s%s", indent, "", parts[i]) - 2;
        else
            col += (size_t)fprintf(out, "%s%s", i ? (parts[i][0] <= '9' ? ", " : "; ") : "",
                                   parts[i]);
    }
    fputc('\n', out);
}

/* The answer first: for each strategy, does it lose payments, charge them twice, and
 * what does that cost; "exactly once" when it does neither. */
static void verdicts(FILE *out, const struct scenario_results *res)
{
    uint64_t total = (uint64_t)res->sc->payments * res->nseeds;
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        char parts[7][200], r[80], lead[NAME_MAX_LEN + 8];
        int n = 0;
        uint64_t dup = report_metric(res, s, METRIC_DUPLICATED);
        uint64_t lost = report_metric(res, s, METRIC_LOST);
        uint64_t pending = report_metric(res, s, METRIC_PENDING);
        uint64_t disagree = report_metric(res, s, METRIC_DISAGREEING);
        uint64_t extra = report_metric(res, s, METRIC_OUTPUT_DUPLICATES);
        if (dup) {
            snprintf(parts[n++], sizeof parts[0], "charges twice: %llu of %llu payments %s",
                     (unsigned long long)dup, (unsigned long long)total,
                     rate(res, s, METRIC_DUPLICATED, r, sizeof r));
            snprintf(parts[n++], sizeof parts[0], "%llu over-charged",
                     (unsigned long long)report_metric(res, s, METRIC_CHARGED_TWICE));
        }
        if (lost) {
            snprintf(parts[n++], sizeof parts[0], "never charges: %llu of %llu payments %s",
                     (unsigned long long)lost, (unsigned long long)total,
                     rate(res, s, METRIC_LOST, r, sizeof r));
            snprintf(parts[n++], sizeof parts[0], "%llu uncharged",
                     (unsigned long long)report_metric(res, s, METRIC_NEVER_CHARGED));
        }
        if (pending)
            snprintf(parts[n++], sizeof parts[0], "unsettled at the end: %llu",
                     (unsigned long long)pending);
        if (!n)
            snprintf(parts[n++], sizeof parts[0], "exactly once");
        if (disagree)
            snprintf(parts[n++], sizeof parts[0], "records disagree with charges for %llu",
                     (unsigned long long)disagree);
        if (extra)
            snprintf(parts[n++], sizeof parts[0], "%llu extra output records",
                     (unsigned long long)extra);
        snprintf(lead, sizeof lead, "  %-*s ", name_width(res), name_of(res, s));
        wrap_parts(out, lead, name_width(res) + 3, parts, n);
    }
}

/* "name: N payments x R runs", then its `about`, word-wrapped. */
static void heading(FILE *out, const struct scenario *sc, uint32_t seeds, uint32_t points)
{
    fprintf(out, "%s: %u payments x %u run%s", sc->name, sc->payments, seeds,
            seeds == 1 ? "" : "s");
    if (points > 1)
        fprintf(out, " x %u points", points);
    fputc('\n', out);
    if (sc->about[0])
        wrap_text(out, "  ", 2, sc->about, ABOUT_WIDTH);
}

/* The counts and latencies, in 80 columns with the usual names; `wide` adds the
 * Kafka-side counts (log copies, deliveries, ledger rows). */
static void counts_table(FILE *out, const struct scenario_results *res, bool wide)
{
    int w = name_width(res);
    fprintf(out, "  %-*s %6s %10s %8s", w, "strategy", "lost", "duplicated", "pending");
    if (wide)
        fprintf(out, " %10s %10s %11s", "log-copies", "deliveries", "ledger-rows");
    fprintf(out, " %8s %8s %8s %8s\n", "charges", "p50", "p99", "max");
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        struct report_summary sum;
        char p50[24], p99[24], max[24];
        report_summarize(res, s, &sum);
        fprintf(out, "  %-*s %6llu %10llu %8llu", w, name_of(res, s),
                (unsigned long long)sum.lost, (unsigned long long)sum.duplicated,
                (unsigned long long)sum.pending);
        if (wide)
            fprintf(out, " %10llu %10llu %11llu", (unsigned long long)sum.log_copies,
                    (unsigned long long)sum.deliveries, (unsigned long long)sum.ledger_rows);
        fprintf(out, " %8llu %8s %8s %8s\n", (unsigned long long)sum.charges,
                value_format_short(sum.p50, p50, sizeof p50),
                value_format_short(sum.p99, p99, sizeof p99),
                value_format_short(sum.max, max, sizeof max));
    }
}

/* Reconciliation: what was meant, what the gateway took, what the ledger says. */
static void money_table(FILE *out, const struct scenario_results *res)
{
    fprintf(out, "  %-*s %14s %14s %14s %14s %14s %13s\n", name_width(res), "money", "intended",
            "charged", "in-ledger", "charged-twice", "never-charged", "disagreeing");
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
                name_width(res), name_of(res, s), (unsigned long long)v[0],
                (unsigned long long)v[1], (unsigned long long)v[2], (unsigned long long)v[3],
                (unsigned long long)v[4], (unsigned long long)v[5]);
    }
}

/* Each merchant's money, summed over the seeds, when the payments name merchants. */
static void balance_table(FILE *out, const struct scenario_results *res)
{
    const struct scenario *sc = res->sc;
    int mw = (int)strlen("merchant");
    for (uint32_t m = 0; m < sc->nmerchants; m++)
        mw = (int)strlen(sc->merchants[m]) > mw ? (int)strlen(sc->merchants[m]) : mw;
    fprintf(out, "  %-*s %-*s %14s %14s %14s\n", name_width(res), "balance", mw, "merchant",
            "intended", "charged", "in-ledger");
    for (uint32_t s = 0; s < res->nstrategies; s++)
        for (uint32_t m = 0; m < sc->nmerchants; m++) {
            uint64_t v[3] = { 0 };
            for (uint32_t i = 0; i < res->nseeds; i++) {
                const struct run_result *r = run_of(res, s, i);
                v[0] += r->merchant_intended[m];
                v[1] += r->merchant_charged[m];
                v[2] += r->merchant_ledger[m];
            }
            fprintf(out, "  %-*s %-*s %14llu %14llu %14llu\n", name_width(res),
                    m ? "" : name_of(res, s), mw, sc->merchants[m], (unsigned long long)v[0],
                    (unsigned long long)v[1], (unsigned long long)v[2]);
        }
}

/* The consume-transform-produce output topic, printed only when a strategy wrote to it. */
static void output_table(FILE *out, const struct scenario_results *res)
{
    uint64_t copies = report_metric(res, 0, METRIC_OUTPUT_COPIES);
    for (uint32_t s = 1; s < res->nstrategies; s++)
        copies |= report_metric(res, s, METRIC_OUTPUT_COPIES);
    if (!copies)
        return;
    fprintf(out, "  %-*s %14s %18s\n", name_width(res), "output topic", "output-copies",
            "output-duplicates");
    for (uint32_t s = 0; s < res->nstrategies; s++)
        fprintf(out, "  %-*s %14llu %18llu\n", name_width(res),
                name_of(res, s),
                (unsigned long long)report_metric(res, s, METRIC_OUTPUT_COPIES),
                (unsigned long long)report_metric(res, s, METRIC_OUTPUT_DUPLICATES));
}

/* Sends the producer reported failed, and what became of them: printed only when a
 * strategy gave any up (producer.max-attempts, producer.delivery-timeout). */
static void give_up_lines(FILE *out, const struct scenario_results *res)
{
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        uint64_t n = report_metric(res, s, METRIC_GAVE_UP);
        if (n == 0)
            continue;
        uint64_t indefinite = report_metric(res, s, METRIC_INDEFINITE);
        uint64_t definite = report_metric(res, s, METRIC_DEFINITE);
        fprintf(out, "  %-*s gave up on %llu send%s: %llu lost (%llu indefinite, %llu "
                "definite), %llu in the log after all\n", name_width(res),
                name_of(res, s), (unsigned long long)n,
                n == 1 ? "" : "s", (unsigned long long)(indefinite + definite),
                (unsigned long long)indefinite, (unsigned long long)definite,
                (unsigned long long)(n - indefinite - definite));
    }
}

static const enum metric kafka_metrics[] = {
    METRIC_DUPLICATES_IN_LOG, METRIC_ABORTED_READS, METRIC_SKIPPED_OFFSETS, METRIC_HANGING,
    METRIC_LOST_WRITES, METRIC_TORN_TRANSACTIONS,
};
#define KAFKA_METRICS (sizeof kafka_metrics / sizeof kafka_metrics[0])

/* Kafka-side anomalies, printed only when a run had any: per strategy the ones it had
 * (`wide`: a column each). */
static void anomaly_table(FILE *out, const struct scenario_results *res, bool wide)
{
    uint64_t v[STRATEGIES_MAX][KAFKA_METRICS], any = 0;
    for (uint32_t s = 0; s < res->nstrategies; s++)
        for (size_t c = 0; c < KAFKA_METRICS; c++)
            any |= v[s][c] = report_metric(res, s, kafka_metrics[c]);
    if (!any)
        return;
    int w = name_width(res);
    fprintf(out, "  %-*s", w, "kafka anomalies");
    for (size_t c = 0; wide && c < KAFKA_METRICS; c++)
        fprintf(out, " %s", metric_names[kafka_metrics[c]]);
    fputc('\n', out);
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        fprintf(out, "  %-*s", w, name_of(res, s));
        const char *sep = " ";
        for (size_t c = 0; c < KAFKA_METRICS; c++) {
            size_t cw = strlen(metric_names[kafka_metrics[c]]);
            if (wide)
                fprintf(out, " %*llu", (int)cw, (unsigned long long)v[s][c]);
            else if (v[s][c])
                fprintf(out, "%s%s %llu", sep, metric_names[kafka_metrics[c]],
                        (unsigned long long)v[s][c]), sep = ", ";
        }
        fputs(wide || *sep == ',' ? "\n" : " none\n", out);
    }
}


/* A line built word by word that ends in " ..." where the next word would not fit. */
struct line {
    char text[LINE_WIDTH + 1];
    size_t len;
    bool full;
};

static void line_add(struct line *l, const char *word)
{
    size_t n = strlen(word);
    if (l->full)
        return;
    if (l->len + n + 4 > LINE_WIDTH) { /* and room for " ..." */
        l->full = true;
        bool said = l->len >= 4 && strcmp(l->text + l->len - 4, " ...") == 0;
        word = said ? "" : " ...";
        n = strlen(word);
    }
    memcpy(l->text + l->len, word, n + 1);
    l->len += n;
}

/* The first seed of a strategy whose run named a payment, or nseeds if none did. */
static uint32_t first_named(const struct scenario_results *res, uint32_t s)
{
    for (uint32_t i = 0; i < res->nseeds; i++)
        for (int k = 0; k < ANOMALY_KINDS; k++)
            if (run_of(res, s, i)->anomalies[k].count)
                return i;
    return res->nseeds;
}

/* "  at-least-once    seed 1: duplicated 4; duplicate-in-log 4", naming at most `ids`
 * payments per anomaly. */
static void named_payments(struct line *l, const struct scenario_results *res, uint32_t s,
                           const struct run_result *r, uint32_t ids)
{
    char word[NAME_MAX_LEN + 48];
    memset(l, 0, sizeof *l);
    snprintf(word, sizeof word, "  %-*s seed %llu:", name_width(res),
             name_of(res, s), (unsigned long long)r->seed);
    line_add(l, word);
    const char *sep = " ";
    for (int k = 0; k < ANOMALY_KINDS; k++) {
        const struct anomaly_sample *a = &r->anomalies[k];
        if (!a->count)
            continue;
        snprintf(word, sizeof word, "%s%s", sep, anomaly_names[k]);
        line_add(l, word);
        for (uint32_t j = 0; j < a->count && j < ids; j++) {
            snprintf(word, sizeof word, " %u", a->payments[j]);
            line_add(l, word);
        }
        if (a->more || a->count > ids)
            line_add(l, " ...");
        sep = "; ";
    }
}

/* Under a run's named payments, which scripted faults each anomaly's first payment
 * needed; nothing for a scenario without scripted faults. */
static void why_lines(FILE *out, const struct scenario_results *res, uint32_t s,
                      const struct run_result *r)
{
    if (res->sc->nfaults == 0)
        return;
    struct attribution a;
    attribute_run(res->sc, res->strategies[s], r, &a);
    for (uint32_t k = 0; k < ANOMALY_KINDS; k++) {
        char text[600];
        if (!r->anomalies[k].count)
            continue;
        attribute_text(res->sc, &a, k, 0, text, sizeof text);
        char *rest = strstr(text, "; not necessary"); /* on a line of its own */
        if (rest)
            *rest = 0;
        char lead[NAME_MAX_LEN + 48];
        snprintf(lead, sizeof lead, "  %-*s %s %u: ", name_width(res), "", anomaly_names[k],
                 r->anomalies[k].payments[0]);
        wrap_text(out, lead, (size_t)name_width(res) + 5, text, TABLE_WIDTH);
        if (rest) {
            snprintf(lead, sizeof lead, "%*s", name_width(res) + 5, "");
            wrap_text(out, lead, (size_t)name_width(res) + 5, rest + 2, TABLE_WIDTH);
        }
    }
}

/* The payments behind the counts, per strategy from its first seed that had any, and
 * the command that tells one's story; nothing when no run named a payment. */
static void payment_lines(FILE *out, const struct scenario_results *res)
{
    const struct run_result *hint = NULL;
    uint32_t hint_s = 0;
    for (uint32_t s = 0; s < res->nstrategies; s++) {
        uint32_t i = first_named(res, s);
        if (i == res->nseeds)
            continue;
        if (!hint) {
            fprintf(out, "  %-*s %s\n", name_width(res), "payments",
                    "the smallest ids, from each strategy's first seed with any");
            hint = run_of(res, s, i);
            hint_s = s;
        }
        struct line l;
        for (uint32_t ids = 3; ids > 0; ids--) { /* fewer ids, so every anomaly fits */
            named_payments(&l, res, s, run_of(res, s, i), ids);
            if (!l.full)
                break;
        }
        fprintf(out, "%s\n", l.text);
        why_lines(out, res, s, run_of(res, s, i));
    }
    if (!hint)
        return;
    int k = 0;
    while (!hint->anomalies[k].count) /* lost or duplicated first: what explain tells best */
        k++;
    char seed[32] = "";
    if (hint->seed != res->sc->seed) /* explain's default is the scenario's seed */
        snprintf(seed, sizeof seed, " --seed %llu", (unsigned long long)hint->seed);
    fprintf(out, "  follow one up:\n  eosim explain %s --strategy %s%s --payment %u\n",
            res->sc->file, name_of(res, hint_s), seed, hint->anomalies[k].payments[0]);
}

void table_scenario(FILE *out, const struct scenario_results *res, bool wide)
{
    heading(out, res->sc, res->nseeds, 1);
    verdicts(out, res);
    counts_table(out, res, wide);
    if (wide)
        money_table(out, res);
    if (res->sc->nmerchants)
        balance_table(out, res);
    give_up_lines(out, res);
    output_table(out, res);
    anomaly_table(out, res, wide);
    payment_lines(out, res);
}

/* ---- sweeps ---- */

/* Width of each axis column: its name or its longest value label. */
static void axis_widths(const struct scenario *sc, int width[SWEEP_AXES_MAX])
{
    for (uint32_t a = 0; a < sc->nsweeps; a++) {
        char buf[96];
        width[a] = (int)strlen(sweep_axis_name(&sc->sweeps[a], buf, sizeof buf));
        for (uint32_t k = 0; k < sc->sweeps[a].nvalues; k++) {
            int n = (int)strlen(sweep_value_label(&sc->sweeps[a], k, buf, sizeof buf));
            width[a] = n > width[a] ? n : width[a];
        }
    }
}

static void sweep_table_header(FILE *out, const struct sweep_results *sr, const int *width,
                               int name_w, bool wide)
{
    const struct scenario *sc = sr->sc;
    heading(out, sc, sr->nseeds, sr->npoints);
    fputs(" ", out);
    for (uint32_t a = 0; a < sc->nsweeps; a++) {
        char buf[96];
        fprintf(out, " %-*s", width[a], sweep_axis_name(&sc->sweeps[a], buf, sizeof buf));
    }
    fprintf(out, " %-*s %6s %10s %8s", name_w, "strategy", "lost", "duplicated", "pending");
    if (wide)
        fprintf(out, " %10s %10s %11s", "log-copies", "deliveries", "ledger-rows");
    fprintf(out, " %8s%s\n", "charges", wide ? "      p50      p99      max" : "      p99");
}

static void sweep_table_row(FILE *out, const struct sweep_results *sr, uint32_t point,
                            uint32_t s, const int *width, int name_w, bool wide)
{
    const struct scenario *sc = sr->sc;
    struct scenario_results res;
    struct report_summary sum;
    uint32_t index[SWEEP_AXES_MAX];
    char p50[24], p99[24], max[24], buf[96];
    results_point(sr, point, &res);
    report_summarize(&res, s, &sum);
    sweep_point_values(sc, point, index);
    fputc(' ', out);
    for (uint32_t a = 0; a < sc->nsweeps; a++)
        fprintf(out, " %-*s", width[a], sweep_value_label(&sc->sweeps[a], index[a], buf,
                                                          sizeof buf));
    fprintf(out, " %-*s %6llu %10llu %8llu", name_w, sc->strategies[sr->strategies[s]].name,
            (unsigned long long)sum.lost, (unsigned long long)sum.duplicated,
            (unsigned long long)sum.pending);
    if (wide)
        fprintf(out, " %10llu %10llu %11llu %8llu %8s", (unsigned long long)sum.log_copies,
                (unsigned long long)sum.deliveries, (unsigned long long)sum.ledger_rows,
                (unsigned long long)sum.charges, value_format_short(sum.p50, p50, sizeof p50));
    else
        fprintf(out, " %8llu", (unsigned long long)sum.charges);
    fprintf(out, " %8s", value_format_short(sum.p99, p99, sizeof p99));
    if (wide)
        fprintf(out, " %8s", value_format_short(sum.max, max, sizeof max));
    fputc('\n', out);
}

void table_sweep(FILE *out, const struct sweep_results *sr, bool wide)
{
    struct scenario_results res;
    if (!results_has_axes(sr)) {
        results_point(sr, 0, &res);
        table_scenario(out, &res, wide);
        return;
    }
    int width[SWEEP_AXES_MAX];
    axis_widths(sr->sc, width);
    int name_w = 8; /* "strategy" */
    for (uint32_t s = 0; s < sr->nstrategies; s++) {
        int n = (int)strlen(sr->sc->strategies[sr->strategies[s]].name);
        name_w = n > name_w ? n : name_w;
    }
    sweep_table_header(out, sr, width, name_w, wide);
    for (uint32_t p = 0; p < sr->npoints; p++)
        for (uint32_t s = 0; s < sr->nstrategies; s++)
            sweep_table_row(out, sr, p, s, width, name_w, wide);
}
