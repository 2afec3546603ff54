/* aggregate.c: means, standard deviations and 95% intervals across seeds.
 *
 * Floating point is confined to this file and to chart coordinates. It stays
 * deterministic because every number is computed by the same sequence of IEEE-754
 * double operations in seed order (+, -, *, / and sqrt are correctly rounded, and
 * contraction into fused multiply-adds is off), and is printed with a fixed format. The
 * t quantiles are a table computed once to 12 digits for 1 to 30 degrees of freedom and,
 * beyond, the Cornish-Fisher expansion (error below 3e-8), so no libm function whose
 * last bit differs between C libraries is involved. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif
#include "out/aggregate.h"

#include <math.h>
#include <string.h>

#include "base/check.h"
#include "lang/sweep.h"
#include "lang/grid.h"

static const double t975_table[30] = {
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
    2.364624252,  2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830,
    2.160368656,  2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040,
    2.093024054,  2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
    2.059538553,  2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
};

double aggregate_t975(uint32_t df)
{
    SIM_ASSERT(df >= 1);
    if (df <= 30)
        return t975_table[df - 1];
    const double z = 1.959963984540054, z2 = z * z, v = (double)df;
    const double g1 = (z2 * z + z) / 4.0;
    const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    const double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z /
                      92160.0;
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

void aggregate_stats(const double *x, uint32_t n, struct stats *out)
{
    SIM_ASSERT(n >= 1);
    memset(out, 0, sizeof *out);
    out->n = n;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += x[i];
    out->mean = sum / (double)n;
    out->spread = n >= 2;
    if (!out->spread)
        return;
    double squares = 0; /* two passes: no cancellation when values are large and close */
    for (uint32_t i = 0; i < n; i++)
        squares += (x[i] - out->mean) * (x[i] - out->mean);
    out->sd = sqrt(squares / (double)(n - 1));
    double half = aggregate_t975(n - 1) * out->sd / sqrt((double)n);
    out->lo = out->mean - half;
    out->hi = out->mean + half;
}

const char *aggregate_format(double v, char *buf, size_t size)
{
    if (fabs(v) < 5e-7)
        v = 0; /* never "-0" */
    snprintf(buf, size, "%.6f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = 0;
        if (end == dot + 1)
            *dot = 0;
    }
    return buf;
}

static size_t column_count(void)
{
    size_t n = 0;
    while (result_columns[n].name)
        n++;
    return n;
}

size_t aggregate_metric_count(void)
{
    return column_count() + 1;
}

const char *aggregate_metric_name(size_t m)
{
    return m < column_count() ? result_columns[m].name : "throughput_per_s";
}

size_t aggregate_metric(const char *name)
{
    for (size_t m = 0; m < aggregate_metric_count(); m++)
        if (strcmp(aggregate_metric_name(m), name) == 0)
            return m;
    SIM_PANIC("no metric named %s", name);
}

double aggregate_value(const struct run_result *r, size_t m)
{
    if (m < column_count())
        return (double)results_column_value(&result_columns[m], r);
    /* a run that ends at time 0 did nothing: no throughput rather than a division by 0 */
    return r->end_time ? (double)r->payments * 1e9 / (double)r->end_time : 0.0;
}

void aggregate_of(const struct scenario_results *res, uint32_t s, size_t m, struct stats *out)
{
    double *x = sim_alloc(res->nseeds, sizeof *x);
    for (uint32_t i = 0; i < res->nseeds; i++)
        x[i] = aggregate_value(&res->runs[(size_t)s * res->nseeds + i], m);
    aggregate_stats(x, res->nseeds, out);
    free(x);
}

static void csv_header(FILE *out, const struct sweep_results *sr)
{
    for (uint32_t a = 0; results_has_axes(sr) && a < sr->sc->nsweeps; a++) {
        sweep_csv_header(out, &sr->sc->sweeps[a]);
        fputc(',', out);
    }
    fputs("scenario,strategy,seeds", out);
    for (size_t m = 0; m < aggregate_metric_count(); m++) {
        const char *name = aggregate_metric_name(m);
        fprintf(out, ",%s_mean,%s_sd,%s_ci95_lo,%s_ci95_hi", name, name, name, name);
    }
    fputs("\r\n", out);
}

/* One point x strategy: the mean of every metric, and its spread when there is one
 * (empty fields for a single seed: a spread of one value is not 0, it is unknown). */
static void csv_row(FILE *out, const struct scenario_results *res, uint32_t s)
{
    fprintf(out, "%s,%s,%u", res->sc->name, res->sc->strategies[res->strategies[s]].name,
            res->nseeds);
    for (size_t m = 0; m < aggregate_metric_count(); m++) {
        struct stats st;
        char a[48], b[48], c[48], d[48];
        aggregate_of(res, s, m, &st);
        if (st.spread)
            fprintf(out, ",%s,%s,%s,%s", aggregate_format(st.mean, a, sizeof a),
                    aggregate_format(st.sd, b, sizeof b), aggregate_format(st.lo, c, sizeof c),
                    aggregate_format(st.hi, d, sizeof d));
        else
            fprintf(out, ",%s,,,", aggregate_format(st.mean, a, sizeof a));
    }
    fputs("\r\n", out);
}

void aggregate_csv(FILE *out, const struct sweep_results *sr)
{
    csv_header(out, sr);
    for (uint32_t p = 0; p < sr->npoints; p++) {
        struct scenario_results res;
        uint32_t index[SWEEP_AXES_MAX];
        results_point(sr, p, &res);
        sweep_point_values(sr->sc, p, index);
        for (uint32_t s = 0; s < sr->nstrategies; s++) {
            for (uint32_t a = 0; results_has_axes(sr) && a < sr->sc->nsweeps; a++) {
                sweep_csv_value(out, &sr->sc->sweeps[a], index[a]);
                fputc(',', out);
            }
            csv_row(out, &res, s);
        }
    }
}
