/* chart.c: chart data, gnuplot scripts, and running gnuplot (see chart.h).
 *
 * Data files hold statistics formatted by aggregate_format, so they are as deterministic
 * as the aggregate CSV; scripts hold only names and fixed text. gnuplot is an external
 * program: it is found on PATH, started with fork and exec in DIR/charts, and told by
 * the variable `tmp` to write hidden temporary files that are renamed once complete. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif
#define _POSIX_C_SOURCE 200809L
#include "out/chart.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out/aggregate.h"
#include "base/check.h"
#include "base/cleanup.h"
#include "run/sim.h"
#include "lang/sweep.h"
#include "env/trace.h"
#include "lang/grid.h"
#include "lang/strategy.h"

/* What gnuplot draws to before the rename: hidden, and named after this process, so two
 * runs into one directory never take each other's images. */
static const char *tmp_prefix(void)
{
    static char prefix[32];
    if (!prefix[0])
        snprintf(prefix, sizeof prefix, ".tmp-%ld-", (long)getpid());
    return prefix;
}

/* A set's temporary image (png or svg) and its gnuplot log, under dir/charts. */
static void tmp_image(const char *dir, const struct chart_set *set, uint32_t i, bool svg,
                      char *buf, size_t size)
{
    snprintf(buf, size, "%s/charts/%s%s.%s", dir, tmp_prefix(), set->charts[i].file,
             svg ? "svg" : "png");
}

static void log_path(const char *dir, const struct chart_set *set, char *buf, size_t size)
{
    snprintf(buf, size, "%s/charts/.%s.%ld.gnuplot.log", dir, set->scenario, (long)getpid());
}
#define CDF_ROWS_MAX 1000u       /* rows per strategy in the latency CDF's data */
#define CDF_RUN_PAYMENTS_MAX 200000u /* bigger runs are not traced for the CDF */

static const char style_gp[] =
    "# style.gp: the look of every eosim chart, loaded by each NAME.CHART.gp script.\n"
    "# eosim writes this file only when it is missing: edit it freely, then re-render\n"
    "# with `make report` (or `gnuplot NAME.CHART.gp` in this directory).\n"
    "if (!exists(\"tmp\")) { tmp = \"\" }  # eosim renders to hidden names, then renames\n"
    "set encoding utf8\n"
    "png_terminal = (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) ? \\\n"
    "    \"pngcairo size 1000,600 noenhanced font 'Sans,11'\" : \\\n"
    "    \"png truecolor size 1000,600 noenhanced\"\n"
    "svg_terminal = \"svg size 1000,600 noenhanced font 'Sans,11' background rgb 'white'\"\n"
    "# one colour per strategy, in the order the scenario runs them; the dashes let a\n"
    "# line show through another that has the same values\n"
    "set style line 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.8 dt 1\n"
    "set style line 2 lc rgb '#d62728' lw 2 pt 5 ps 0.8 dt 1\n"
    "set style line 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.9 dt 1\n"
    "set style line 4 lc rgb '#9467bd' lw 2 pt 11 ps 0.9 dt 2\n"
    "set style line 5 lc rgb '#ff7f0e' lw 2 pt 13 ps 0.9 dt 3\n"
    "set style line 6 lc rgb '#8c564b' lw 2 pt 4 ps 0.8 dt 4\n"
    "set style line 7 lc rgb '#e377c2' lw 2 pt 6 ps 0.8 dt 5\n"
    "set style line 8 lc rgb '#7f7f7f' lw 2 pt 8 ps 0.8 dt 2\n"
    "# the four boundaries of the copies chart: log, deliveries, ledger, charges\n"
    "set style line 11 lc rgb '#4e79a7' lw 1\n"
    "set style line 12 lc rgb '#76b7b2' lw 1\n"
    "set style line 13 lc rgb '#f28e2b' lw 1\n"
    "set style line 14 lc rgb '#e15759' lw 1\n"
    "# the three panels of the cost chart\n"
    "set style line 21 lc rgb '#4e79a7' lw 1\n"
    "set style line 22 lc rgb '#f28e2b' lw 1\n"
    "set style line 23 lc rgb '#59a14f' lw 1\n"
    "set border 3\n"
    "set tics nomirror\n"
    "set grid ytics lc rgb '#e0e0e0' lw 1 dt 1\n"
    "set key noenhanced\n"
    "band_fill = 'transparent solid 0.15 noborder'\n"
    "# the panels of a cost chart sit above one shared legend\n"
    "panel_bottom = 0.07\n"
    "panel_height = 0.84\n"
    "panel_key = 'at screen 0.5,0.01 center bottom horizontal maxrows 1'\n"
    "bar_fill = 'solid 0.85 border -1'\n";

/* What a data or script writer needs. */
struct chart_ctx {
    const struct sweep_results *sr;
    const char *file;         /* the chart's base name */
    const char *data;         /* its data file */
    uint32_t slice, point;    /* sweep slice; the point of point charts */
    uint32_t xaxis;           /* the swept line on the x axis */
    int column;               /* a one-metric sweep chart: the metric's mean column */
    const char *what;         /* and what that metric counts */
    char title[512], subtitle[512];
};

/* ---- small helpers ---- */

static const char *strategy_name(const struct sweep_results *sr, uint32_t s)
{
    return sr->sc->strategies[sr->strategies[s]].name;
}

/* The line style of a strategy: 1 to 4 for the presets, in every chart the same; 5 to
 * 8 for a scenario's own, in the order it runs them. */
static uint32_t strategy_style(const struct sweep_results *sr, uint32_t s)
{
    if (sr->strategies[s] < STRATEGY_PRESETS)
        return sr->strategies[s] + 1u;
    uint32_t own = 0;
    for (uint32_t k = 0; k < s; k++)
        own += sr->strategies[k] >= STRATEGY_PRESETS;
    return 5 + own % 4;
}

/* A gnuplot double-quoted string. */
static void gp_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '\n') {
            fputs("\\n", out); /* a line break in a title */
            continue;
        }
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void fmt(FILE *out, double v)
{
    char buf[48];
    fprintf(out, " %s", aggregate_format(v, buf, sizeof buf));
}

/* mean, low and high of the 95% interval (the mean thrice for one seed), times scale. */
static void stat3(FILE *out, const struct scenario_results *res, uint32_t s, const char *metric,
                  double scale)
{
    struct stats st;
    aggregate_of(res, s, aggregate_metric(metric), &st);
    fmt(out, st.mean * scale);
    fmt(out, (st.spread ? st.lo : st.mean) * scale);
    fmt(out, (st.spread ? st.hi : st.mean) * scale);
}

/* The script's head: comment, strategies, and the loop over the two formats. Each pass
 * starts from `reset` and style.gp, so a multiplot's last settings never leak into the
 * next format. The chart's own settings follow, then outputs_begin. */
static void script_head(FILE *out, const struct chart_ctx *c)
{
    fprintf(out, "# %s.gp: written by eosim from %s. Edit freely; style.gp holds\n"
            "# the look shared by every chart. Render here with: gnuplot %s.gp\n"
            "# style[i]: the line style of strategy i, the same for a preset in every chart\n"
            "array style[%u] = [", c->file, c->data, c->file, c->sr->nstrategies);
    for (uint32_t s = 0; s < c->sr->nstrategies; s++)
        fprintf(out, "%s%u", s ? ", " : "", strategy_style(c->sr, s));
    fputs("]\nstrategies = \"", out);
    for (uint32_t s = 0; s < c->sr->nstrategies; s++)
        fprintf(out, "%s%s", s ? " " : "", strategy_name(c->sr, s));
    /* loaded before the loop too: @macros in the loop are expanded when it is read */
    fputs("\"\nload 'style.gp'\ndo for [format in \"png svg\"] {\n    reset\n"
          "    load 'style.gp'\n", out);
}

static void title(FILE *out, const struct chart_ctx *c, const char *command)
{
    char both[1100];
    snprintf(both, sizeof both, "%s\n%s", c->title, c->subtitle);
    fprintf(out, "    %s ", command);
    gp_string(out, both);
    fputc('\n', out);
}

static void outputs_begin(FILE *out, const char *file)
{
    fprintf(out, "    eval \"set terminal \" . (format eq \"png\" ? png_terminal : svg_terminal)\n"
            "    set output tmp . \"%s.\" . format\n", file);
}

static void outputs_end(FILE *out)
{
    fputs("    set output\n}\n", out);
}

static const char *seeds_phrase(const struct sweep_results *sr, char *buf, size_t size)
{
    if (sr->nseeds == 1)
        snprintf(buf, size, "one seed, so no interval");
    else
        snprintf(buf, size, "mean over %u seeds, 95%% interval", sr->nseeds);
    return buf;
}

/* ---- sweep charts: one line per strategy against the x axis's values ---- */

static uint32_t slice_count(const struct sweep_results *sr)
{
    return sr->npoints / sr->sc->sweeps[sr->sc->nsweeps - 1].nvalues;
}

/* "consumer.session-timeout=30s": the other lines' values in a slice, or "". */
static const char *slice_label(const struct sweep_results *sr, uint32_t slice, char *buf,
                               size_t size)
{
    const struct scenario *sc = sr->sc;
    return sweep_axes_label(sc, slice * sc->sweeps[sc->nsweeps - 1].nvalues, sc->nsweeps - 1,
                            buf, size);
}

static void write_sweep_data(FILE *out, const void *ctx)
{
    const struct chart_ctx *c = ctx;
    const struct sweep_results *sr = c->sr;
    const struct sweep_axis *x = &sr->sc->sweeps[c->xaxis];
    fprintf(out, "# eosim: %s, one block per strategy (gnuplot index 0, 1, ...), one row per "
            "value of the last sweep line.\n# columns: x label duplicated_pct(mean lo hi) "
            "lost_pct(mean lo hi) messages(mean lo hi) p99_ms(mean lo hi) throughput_per_s(mean "
            "lo hi)\n", sr->sc->name);
    for (uint32_t s = 0; s < sr->nstrategies; s++) {
        fprintf(out, "%s# strategy %s\n", s ? "\n\n" : "", strategy_name(sr, s));
        for (uint32_t k = 0; k < x->nvalues; k++) {
            struct scenario_results res;
            char label[80];
            results_point(sr, c->slice * x->nvalues + k, &res);
            fmt(out, sweep_value_x(x, k));
            fputc(' ', out);
            gp_string(out, sweep_value_label(x, k, label, sizeof label));
            double rate = 100.0 / sr->sc->payments; /* a count per run, as a percentage */
            stat3(out, &res, s, "duplicated", rate);
            stat3(out, &res, s, "lost", rate);
            stat3(out, &res, s, "messages", 1);
            stat3(out, &res, s, "latency_p99_ns", 1e-6);
            stat3(out, &res, s, "throughput_per_s", 1);
            fputc('\n', out);
        }
    }
}

static void xlabel(FILE *out, const struct sweep_axis *x)
{
    char name[96], label[128];
    const char *unit = sweep_axis_unit(x);
    sweep_axis_name(x, name, sizeof name);
    if (unit[0])
        snprintf(label, sizeof label, "%s (%s)", name, unit);
    else
        snprintf(label, sizeof label, "%s", name);
    fputs("    set xlabel ", out);
    gp_string(out, label);
    fputc('\n', out);
}

/* The plot command of one panel: bands, then lines, for data columns col..col+2. */
static void line_plot(FILE *out, const struct chart_ctx *c, int col, bool key)
{
    bool choice = sweep_axis_is_choice(&c->sr->sc->sweeps[c->xaxis]);
    fprintf(out, "    plot for [i=1:words(strategies)] '%s' index (i-1) using ($1+shift(i)):%d:%d \\\n"
            "             with filledcurves ls style[i] fs @band_fill notitle, \\\n"
            "         for [i=1:words(strategies)] '%s' index (i-1) using ($1+shift(i)):%d%s \\\n"
            "             with linespoints ls style[i] %s\n", c->data, col + 1, col + 2, c->data,
            col, choice ? ":xtic(2)" : "", key ? "title word(strategies, i)" : "notitle");
}

/* Strategies with equal values would hide each other: each is drawn a little to the
 * side, 1.5% of the axis's step apart, centred on the true value. */
static void shift_function(FILE *out, const struct chart_ctx *c)
{
    const struct sweep_axis *x = &c->sr->sc->sweeps[c->xaxis];
    double lo = sweep_value_x(x, 0), hi = sweep_value_x(x, x->nvalues - 1);
    double step = x->nvalues > 1 ? (hi - lo) / (x->nvalues - 1) : 1;
    fprintf(out, "    shift(i) = (i - (words(strategies) + 1) / 2.0) *");
    fmt(out, step * 0.015);
    fputs("\n    set xrange [", out); /* the values, a little room, no more */
    fmt(out, lo - step * 0.1);
    fputs(" :", out);
    fmt(out, hi + step * 0.1);
    fputs("]\n", out);
}

/* Whether the slice's non-zero means of a metric span more than two decades: a linear
 * axis would flatten all but the largest, so the chart takes a log scale. */
static bool spans_decades(const struct chart_ctx *c, const char *metric)
{
    const struct sweep_results *sr = c->sr;
    uint32_t values = sr->sc->sweeps[c->xaxis].nvalues;
    double lo = 0, hi = 0;
    for (uint32_t k = 0; k < values; k++) {
        struct scenario_results res;
        results_point(sr, c->slice * values + k, &res);
        for (uint32_t s = 0; s < sr->nstrategies; s++) {
            struct stats st;
            aggregate_of(&res, s, aggregate_metric(metric), &st);
            if (st.mean > 0 && (lo == 0 || st.mean < lo))
                lo = st.mean;
            hi = st.mean > hi ? st.mean : hi;
        }
    }
    return lo > 0 && hi > 100 * lo;
}

static void write_sweep_script(FILE *out, const void *ctx)
{
    const struct chart_ctx *c = ctx;
    bool log_y = spans_decades(c, c->column == 3 ? "duplicated" : "lost");
    script_head(out, c);
    shift_function(out, c);
    title(out, c, "set title");
    xlabel(out, &c->sr->sc->sweeps[c->xaxis]);
    fprintf(out, "    set ylabel \"%s, %% of payments%s\"\n    %s\n"
            "    set key outside right top vertical\n", c->what,
            log_y ? ", log scale (0 is not drawn)" : "",
            log_y ? "set logscale y" : "set yrange [0:*]");
    outputs_begin(out, c->file);
    line_plot(out, c, c->column, true);
    outputs_end(out);
}

/* Three panels side by side and one legend under them, drawn by a last, empty plot that
 * spans the page (a panel's own legend would have to fit in a third of it). */
static void write_sweep_cost_script(FILE *out, const void *ctx)
{
    const struct chart_ctx *c = ctx;
    static const struct { const char *title, *ylabel; int col; } panels[3] = {
        { "messages on the wire", "messages per run", 9 },
        { "p99 latency, intent to first charge", "ms", 12 },
        { "throughput", "payments per simulated second", 15 },
    };
    script_head(out, c);
    shift_function(out, c);
    xlabel(out, &c->sr->sc->sweeps[c->xaxis]);
    fputs("    set yrange [0:*]\n    set key off\n", out);
    outputs_begin(out, c->file);
    title(out, c, "set multiplot title");
    for (int p = 0; p < 3; p++) {
        fprintf(out, "    set origin %d.0/3, panel_bottom\n    set size 1.0/3, panel_height\n"
                "    set title \"%s\"\n    set ylabel \"%s\"\n", p, panels[p].title,
                panels[p].ylabel);
        line_plot(out, c, panels[p].col, false);
    }
    fputs("    set origin 0, 0\n    set size 1, 1\n    unset border\n    unset tics\n"
          "    unset grid\n    unset title\n    unset xlabel\n    unset ylabel\n"
          "    set yrange [0:1]\n    set key @panel_key\n"
          "    plot for [i=1:words(strategies)] NaN with linespoints ls style[i] "
          "title word(strategies, i)\n    unset multiplot\n", out);
    outputs_end(out);
}

/* ---- point charts: bars per strategy at one point ---- */

static void write_point_data(FILE *out, const void *ctx)
{
    const struct chart_ctx *c = ctx;
    struct scenario_results res;
    results_point(c->sr, c->point, &res);
    fprintf(out, "# eosim: %s, one row per strategy.\n# columns: strategy payments "
            "log_copies(mean lo hi) deliveries(mean lo hi) ledger_rows(mean lo hi) "
            "charges(mean lo hi) messages(mean lo hi) p99_ms(mean lo hi) "
            "throughput_per_s(mean lo hi)\n", c->sr->sc->name);
    for (uint32_t s = 0; s < res.nstrategies; s++) {
        gp_string(out, strategy_name(c->sr, s));
        fprintf(out, " %u", c->sr->sc->payments);
        stat3(out, &res, s, "log_copies", 1);
        stat3(out, &res, s, "deliveries", 1);
        stat3(out, &res, s, "ledger_rows", 1);
        stat3(out, &res, s, "charges", 1);
        stat3(out, &res, s, "messages", 1);
        stat3(out, &res, s, "latency_p99_ns", 1e-6);
        stat3(out, &res, s, "throughput_per_s", 1);
        fputc('\n', out);
    }
}

static void bar_style(FILE *out)
{
    fputs("    set style data histogram\n    set style histogram errorbars gap 2 lw 1\n"
          "    set style fill @bar_fill\n    set yrange [0:*]\n", out);
}

static void write_boundaries_script(FILE *out, const void *ctx)
{
    const struct chart_ctx *c = ctx;
    uint32_t payments = c->sr->sc->payments;
    script_head(out, c);
    title(out, c, "set title");
    bar_style(out);
    fprintf(out, "    set ylabel \"copies per run\"\n    set key outside right top vertical\n"
            "    set arrow from graph 0, first %u to graph 1, first %u nohead dt 2 lw 1 "
            "lc rgb '#555555' front\n"
            "    set label \"payments intended: %u\" at graph 0.01, first %u offset 0,0.8 "
            "front\n", payments, payments, payments, payments);
    outputs_begin(out, c->file);
    fprintf(out, "    plot '%s' using 3:4:5:xtic(1) title \"log copies\" ls 11, \\\n"
            "         '' using 6:7:8 title \"deliveries\" ls 12, \\\n"
            "         '' using 9:10:11 title \"ledger rows\" ls 13, \\\n"
            "         '' using 12:13:14 title \"charges\" ls 14\n", c->data);
    outputs_end(out);
}

static void write_point_cost_script(FILE *out, const void *ctx)
{
    const struct chart_ctx *c = ctx;
    static const struct { const char *title, *ylabel; int col; } panels[3] = {
        { "messages on the wire", "messages per run", 15 },
        { "p99 latency, intent to first charge", "ms", 18 },
        { "throughput", "payments per simulated second", 21 },
    };
    script_head(out, c);
    bar_style(out);
    fputs("    set key off\n    set xtics rotate by 30 right\n", out);
    outputs_begin(out, c->file);
    title(out, c, "set multiplot layout 1,3 title");
    for (int p = 0; p < 3; p++)
        fprintf(out, "    set title \"%s\"\n    set ylabel \"%s\"\n"
                "    plot '%s' using %d:%d:%d:xtic(1) ls %d\n", panels[p].title,
                panels[p].ylabel, c->data, panels[p].col, panels[p].col + 1,
                panels[p].col + 2, 21 + p);
    fputs("    unset multiplot\n", out);
    outputs_end(out);
}

/* ---- the latency CDF, from traces of the first seeds ---- */

static int cmp_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

/* Appends the latency of every charged payment of one traced run to lat. */
static size_t trace_latencies(const struct scenario *sc, uint32_t strategy, uint64_t seed,
                              sim_time *lat, size_t n)
{
    struct trace t;
    memset(&t, 0, sizeof t);
    t.keep = true;
    struct sim_options opt = { .trace = &t, .spare_link = -1, .spare_message = UINT64_MAX };
    struct run_result r;
    sim_run_with(sc, strategy, seed, &opt, &r);
    uint8_t *seen = sim_alloc(sc->payments, 1);
    sim_time *arrival = NULL;
    if (scenario_drawn_arrivals(sc)) {
        arrival = sim_alloc(sc->payments, sizeof *arrival);
        scenario_arrivals(sc, seed, arrival);
    }
    for (size_t i = 0; i < t.len; i++) {
        const struct trace_record *rec = &t.recs[i];
        if (rec->what != TRACE_CHARGE || rec->payment >= sc->payments || seen[rec->payment])
            continue;
        seen[rec->payment] = 1; /* the first charge: what latency_p50 and p99 measure */
        lat[n++] = rec->t - (arrival ? arrival[rec->payment] : scenario_payment_time(sc, rec->payment));
    }
    free(arrival);
    free(seen);
    trace_fini(&t);
    return n;
}

struct cdf_ctx {
    const struct chart_ctx *c;
    uint32_t pooled;          /* seeds traced per strategy */
    bool *log_x;              /* set when latencies span more than two decades */
    double *never;            /* per strategy: the share of payments never charged */
};

static void write_cdf_data(FILE *out, const void *ctx)
{
    const struct cdf_ctx *d = ctx;
    const struct sweep_results *sr = d->c->sr;
    struct scenario *sc = sim_alloc(1, sizeof *sc);
    *sc = *sr->sc;
    if (sr->swept)
        sweep_apply(sc, d->c->point);
    sim_time *lat = sim_alloc((size_t)sc->payments * d->pooled, sizeof *lat);
    size_t all = (size_t)sc->payments * d->pooled;
    fprintf(out, "# eosim: %s, latency from intent to first charge, one block per strategy "
            "(gnuplot index 0, 1, ...), pooled over seeds %llu..%llu.\n# columns: "
            "latency_ms fraction_of_all_payments_charged_at_or_below (a payment never "
            "charged never counts: the curve stops at the share charged)\n", sc->name,
            (unsigned long long)sc->seed, (unsigned long long)(sc->seed + d->pooled - 1));
    for (uint32_t s = 0; s < sr->nstrategies; s++) {
        size_t n = 0;
        for (uint32_t i = 0; i < d->pooled; i++)
            n = trace_latencies(sc, sr->strategies[s], sc->seed + i, lat, n);
        qsort(lat, n, sizeof *lat, cmp_time);
        if (n > 0 && lat[0] > 0 && lat[n - 1] / lat[0] > 100)
            *d->log_x = true;
        fprintf(out, "%s# strategy %s: %zu charged payments of %zu\n", s ? "\n\n" : "",
                strategy_name(sr, s), n, all);
        d->never[s] = all ? (double)(all - n) / (double)all : 0;
        size_t rows = n < CDF_ROWS_MAX ? n : CDF_ROWS_MAX;
        for (size_t j = 1; j <= rows; j++) { /* the j/rows quantile, nearest rank */
            size_t k = (j * n + rows - 1) / rows - 1;
            fmt(out, (double)lat[k] / 1e6);
            fmt(out, (double)(k + 1) / (double)all);
            fputc('\n', out);
        }
        if (n == 0)
            fputs("NaN NaN\n", out);
    }
    free(lat);
    free(sc);
}

static void write_cdf_script(FILE *out, const void *ctx)
{
    const struct cdf_ctx *d = ctx;
    const struct chart_ctx *c = d->c;
    script_head(out, c);
    title(out, c, "set title");
    fprintf(out, "    array label[%u] = [", c->sr->nstrategies);
    for (uint32_t s = 0; s < c->sr->nstrategies; s++) {
        char title[NAME_MAX_LEN + 48];
        snprintf(title, sizeof title, "%s (%.3g%% never charged)", strategy_name(c->sr, s),
                 100 * d->never[s]);
        fputs(s ? ", " : "", out);
        gp_string(out, title);
    }
    fprintf(out, "]\n    set xlabel \"latency from intent to first charge (ms%s)\"\n"
            "    set ylabel \"fraction of all payments charged\"\n    set yrange [0:1.05]\n"
            "    %s\n    set key outside right top vertical\n", *d->log_x ? ", log scale" : "",
            *d->log_x ? "set logscale x" : "set xrange [0:*]");
    outputs_begin(out, c->file);
    fprintf(out, "    plot for [i=1:words(strategies)] '%s' index (i-1) using 1:2 with steps "
            "ls style[i] title label[i]\n", c->data);
    outputs_end(out);
}

/* ---- files ---- */

static bool write_in(const char *dir, const char *name, void (*write)(FILE *, const void *),
                     const void *ctx, char *failed, size_t size)
{
    snprintf(failed, size, "%s/charts/%s", dir, name);
    return report_write_file(failed, write, ctx);
}

static void write_style(FILE *out, const void *ctx)
{
    (void)ctx;
    fputs(style_gp, out);
}

static bool ensure_dir(const char *dir, char *failed, size_t size)
{
    snprintf(failed, size, "%s/charts", dir);
    if (mkdir(failed, 0777) != 0 && errno != EEXIST)
        return false;
    struct stat st;
    snprintf(failed, size, "%s/charts/style.gp", dir);
    if (stat(failed, &st) == 0)
        return true; /* the user's, perhaps restyled: keep it */
    return report_write_file(failed, write_style, NULL);
}

static struct chart *add_chart(struct chart_set *set, const char *file, const char *caption)
{
    SIM_ASSERT(set->n < CHARTS_MAX);
    struct chart *ch = &set->charts[set->n++];
    snprintf(ch->file, sizeof ch->file, "%s", file);
    snprintf(ch->caption, sizeof ch->caption, "%s", caption);
    return ch;
}

/* One script and its chart entry. */
static bool script(const char *dir, struct chart_set *set, struct chart_ctx *c,
                   void (*write)(FILE *, const void *), const char *caption, char *failed,
                   size_t size)
{
    char name[NAME_MAX_LEN + 48];
    snprintf(name, sizeof name, "%s.gp", c->file);
    if (!write_in(dir, name, write, c, failed, size))
        return false;
    add_chart(set, c->file, caption);
    return true;
}

/* Whether every strategy counts 0 of metric m at every point of the slice: a chart of
 * flat zeros says nothing, and gnuplot warns about its empty range. */
static bool slice_is_zero(const struct sweep_results *sr, uint32_t slice, enum metric m)
{
    uint32_t values = sr->sc->sweeps[sr->sc->nsweeps - 1].nvalues;
    for (uint32_t k = 0; k < values; k++) {
        struct scenario_results res;
        results_point(sr, slice * values + k, &res);
        for (uint32_t s = 0; s < sr->nstrategies; s++)
            if (report_metric(&res, s, m))
                return false;
    }
    return true;
}

/* "lost payments": none in any strategy, said once on the page instead of a chart. */
static void note_none(struct chart_set *set, const char *what)
{
    if (strstr(set->none, what))
        return;
    size_t used = strlen(set->none);
    snprintf(set->none + used, sizeof set->none - used, "%s%s", used ? ", " : "", what);
}

static bool sweep_slice(const char *dir, const struct sweep_results *sr, uint32_t slice,
                        struct chart_set *set, char *failed, size_t size)
{
    const struct scenario *sc = sr->sc;
    char suffix[16] = "", data[NAME_MAX_LEN + 40], file[NAME_MAX_LEN + 40], xname[96];
    char where[400], seeds[80], caption[1024];
    if (slice_count(sr) > 1)
        snprintf(suffix, sizeof suffix, ".%u", slice + 1);
    snprintf(data, sizeof data, "%s.sweep%s.dat", sc->name, suffix);
    struct chart_ctx c = { .sr = sr, .data = data, .slice = slice, .xaxis = sc->nsweeps - 1,
                           .file = file };
    if (!write_in(dir, data, write_sweep_data, &c, failed, size))
        return false;
    sweep_axis_name(&sc->sweeps[c.xaxis], xname, sizeof xname);
    slice_label(sr, slice, where, sizeof where);
    snprintf(c.subtitle, sizeof c.subtitle, "%s%s%s", seeds_phrase(sr, seeds, sizeof seeds),
             where[0] ? "; " : "", where);
    static const struct {
        const char *chart, *what;
        int column; /* in the sweep data; see write_sweep_data */
        void (*write)(FILE *, const void *);
    } kinds[3] = {
        { "duplicated", "duplicated charges", 3, write_sweep_script },
        { "lost", "lost payments", 6, write_sweep_script },
        { "cost", "cost (messages, p99 latency, throughput)", 0, write_sweep_cost_script },
    };
    for (int k = 0; k < 3; k++) {
        if (k < 2 && slice_is_zero(sr, slice, k == 0 ? METRIC_DUPLICATED : METRIC_LOST)) {
            note_none(set, kinds[k].what);
            continue;
        }
        c.column = kinds[k].column;
        c.what = kinds[k].what;
        snprintf(file, sizeof file, "%s.%s%s", sc->name, kinds[k].chart, suffix);
        snprintf(c.title, sizeof c.title, "%s: %s vs %s", sc->name, kinds[k].what, xname);
        snprintf(caption, sizeof caption, "%s vs %s, one line per strategy with its 95%% "
                 "interval%s%s", kinds[k].what, xname, where[0] ? ", at " : "", where);
        if (!script(dir, set, &c, kinds[k].write, caption, failed, size))
            return false;
    }
    return true;
}

/* Seeds to trace for the CDF: enough for CHART_CDF_PAYMENTS payments, at least one;
 * none when one run is too big to keep its trace in memory. */
static uint32_t cdf_seeds(const struct sweep_results *sr)
{
    uint32_t payments = sr->sc->payments;
    if (payments > CDF_RUN_PAYMENTS_MAX)
        return 0;
    uint32_t n = (CHART_CDF_PAYMENTS + payments - 1) / payments;
    return n > sr->nseeds ? sr->nseeds : n < 1 ? 1 : n;
}

/* The latency CDF at point `point` (`at` names it, or is ""). */
static bool cdf_chart(const char *dir, const struct sweep_results *sr, uint32_t point,
                      const char *at, struct chart_set *set, char *failed, size_t size)
{
    const struct scenario *sc = sr->sc;
    char data[NAME_MAX_LEN + 40], file[NAME_MAX_LEN + 40], seeds[80], caption[1024];
    struct chart_ctx c = { .sr = sr, .data = data, .file = file, .point = point };
    bool log_x = false;
    double never[STRATEGIES_MAX] = { 0 };
    struct cdf_ctx d = { .c = &c, .pooled = cdf_seeds(sr), .log_x = &log_x, .never = never };
    if (d.pooled == 0)
        return true;
    snprintf(data, sizeof data, "%s.latency.dat", sc->name);
    if (!write_in(dir, data, write_cdf_data, &d, failed, size))
        return false;
    snprintf(file, sizeof file, "%s.latency", sc->name);
    snprintf(c.title, sizeof c.title, "%s: latency from intent to first charge (CDF)", sc->name);
    if (d.pooled == 1)
        snprintf(seeds, sizeof seeds, "seed %llu", (unsigned long long)sc->seed);
    else
        snprintf(seeds, sizeof seeds, "seeds %llu..%llu", (unsigned long long)sc->seed,
                 (unsigned long long)(sc->seed + d.pooled - 1));
    snprintf(c.subtitle, sizeof c.subtitle, "every payment of %s%s%.400s", seeds,
             at[0] ? "; at " : "", at);
    snprintf(caption, sizeof caption, "latency CDF per strategy, %.200s", c.subtitle);
    snprintf(failed, size, "%s/charts/%s.gp", dir, file);
    if (!report_write_file(failed, write_cdf_script, &d)) /* it reads d.log_x */
        return false;
    add_chart(set, file, caption);
    return true;
}

/* Bars per strategy at one point: the only one, or a sweep's last. */
static bool point_charts(const char *dir, const struct sweep_results *sr, struct chart_set *set,
                         char *failed, size_t size)
{
    const struct scenario *sc = sr->sc;
    char data[NAME_MAX_LEN + 40], file[NAME_MAX_LEN + 40], at[400] = "", seeds[80];
    char caption[1024];
    struct chart_ctx c = { .sr = sr, .data = data, .file = file,
                           .point = results_has_axes(sr) ? sr->npoints - 1 : 0 };
    if (results_has_axes(sr))
        sweep_point_label(sc, c.point, at, sizeof at);
    snprintf(data, sizeof data, "%s.point.dat", sc->name);
    if (!write_in(dir, data, write_point_data, &c, failed, size))
        return false;
    snprintf(c.subtitle, sizeof c.subtitle, "%s%s%s", seeds_phrase(sr, seeds, sizeof seeds),
             at[0] ? "; at " : "", at);
    snprintf(file, sizeof file, "%s.boundaries", sc->name);
    snprintf(c.title, sizeof c.title, "%s: copies at each boundary, by strategy", sc->name);
    snprintf(caption, sizeof caption, "copies at each boundary (log, deliveries, ledger, "
             "charges) per strategy%s%s", at[0] ? ", at " : "", at);
    if (!script(dir, set, &c, write_boundaries_script, caption, failed, size))
        return false;
    snprintf(file, sizeof file, "%s.cost", sc->name);
    snprintf(c.title, sizeof c.title, "%s: cost by strategy", sc->name);
    snprintf(caption, sizeof caption, "cost per strategy: messages, p99 latency, "
             "throughput%s%s", at[0] ? ", at " : "", at);
    if (!results_has_axes(sr) && !script(dir, set, &c, write_point_cost_script, caption, failed,
                                        size))
        return false;
    return cdf_chart(dir, sr, c.point, at, set, failed, size);
}

bool chart_write(const char *dir, const struct sweep_results *sr, struct chart_set *out,
                 char *failed, size_t size)
{
    memset(out, 0, sizeof *out);
    snprintf(out->scenario, sizeof out->scenario, "%s", sr->sc->name);
    if (!ensure_dir(dir, failed, size))
        return false;
    if (results_has_axes(sr)) {
        uint32_t slices = slice_count(sr);
        for (uint32_t j = 0; j < slices && j < CHART_SLICES_MAX; j++)
            if (!sweep_slice(dir, sr, j, out, failed, size))
                return false;
        out->slices_left_out = slices > CHART_SLICES_MAX ? slices - CHART_SLICES_MAX : 0;
    }
    return point_charts(dir, sr, out, failed, size);
}

/* ---- rendering ---- */

bool chart_gnuplot_found(void)
{
    const char *path = getenv("PATH");
    char buf[4096];
    if (!path)
        return false;
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)(len ? len : 1), len ? p : ".");
        if (access(buf, X_OK) == 0)
            return true;
        p += len + (p[len] == ':');
    }
    return false;
}

/* Starts gnuplot on every script of a set, in DIR/charts, its messages to a log file. */
static pid_t start_gnuplot(const char *dir, const struct chart_set *set)
{
    char charts[1100], log[1200], tmp[64];
    char names[CHARTS_MAX][NAME_MAX_LEN + 48];
    char *argv[CHARTS_MAX + 4];
    int argc = 0;
    snprintf(charts, sizeof charts, "%s/charts", dir);
    log_path(dir, set, log, sizeof log);
    snprintf(tmp, sizeof tmp, "tmp='%s'", tmp_prefix());
    argv[argc++] = "gnuplot";
    argv[argc++] = "-e";
    argv[argc++] = tmp;
    for (uint32_t i = 0; i < set->n; i++) {
        snprintf(names[i], sizeof names[i], "%s.gp", set->charts[i].file);
        argv[argc++] = names[i];
    }
    argv[argc] = NULL;
    cleanup_file(log);
    for (uint32_t i = 0; i < set->n; i++)
        for (int e = 0; e < 2; e++) {
            char image[1200];
            tmp_image(dir, set, i, e, image, sizeof image);
            cleanup_file(image);
        }
    fflush(NULL);
    pid_t pid = fork();
    if (pid > 0)
        cleanup_child(pid);
    if (pid != 0)
        return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666); /* its path holds dir: first */
    if (fd >= 0 && chdir(charts) == 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
        execvp("gnuplot", argv);
    }
    _exit(127);
}

/* Renames what gnuplot drew into place; returns how many outputs are missing. */
static uint32_t finish_set(const char *dir, const struct chart_set *set)
{
    uint32_t missing = 0;
    for (uint32_t i = 0; i < set->n; i++)
        for (int e = 0; e < 2; e++) {
            char tmp[1200], final[1200];
            struct stat st;
            tmp_image(dir, set, i, e, tmp, sizeof tmp);
            snprintf(final, sizeof final, "%s/charts/%s.%s", dir, set->charts[i].file,
                     e ? "svg" : "png");
            bool drawn = stat(tmp, &st) == 0 && st.st_size > 0 && rename(tmp, final) == 0;
            if (!drawn) { /* no stale image either: the old one no longer matches */
                remove(tmp);
                remove(final);
                missing++;
            }
            cleanup_forget_file(tmp);
        }
    return missing;
}

/* Prints the first lines of gnuplot's log after a failure, then removes the log. */
static void report_failure(const char *dir, const struct chart_set *set, int status,
                           uint32_t missing)
{
    char log[1200], line[300];
    log_path(dir, set, log, sizeof log);
    if (missing || status != 0) {
        fprintf(stderr, "eosim: gnuplot could not draw %u of the %u images of %s (exit %d)%s\n",
                missing, 2 * set->n, set->scenario, status, missing ? ":" : "");
        FILE *f = fopen(log, "r");
        for (int n = 0; f && n < 4 && fgets(line, sizeof line, f); n++)
            fprintf(stderr, "  %s", line);
        if (f)
            fclose(f);
    }
    remove(log);
    cleanup_forget_file(log);
}

/* Removes a set's old images, so a failed render never leaves a stale one behind. */
void chart_clear(const char *dir, const struct chart_set *set)
{
    for (uint32_t i = 0; i < set->n; i++)
        for (int e = 0; e < 2; e++) {
            char path[1200];
            snprintf(path, sizeof path, "%s/charts/%s.%s", dir, set->charts[i].file,
                     e ? "svg" : "png");
            remove(path);
        }
}

void chart_render(const char *dir, const struct chart_set *sets, uint32_t nsets, unsigned jobs)
{
    pid_t *pids = sim_alloc(nsets ? nsets : 1, sizeof *pids);
    uint32_t next = 0, running = 0;
    while (next < nsets || running > 0) {
        if (next < nsets && running < (jobs ? jobs : 1)) { /* old images stay until replaced */
            pids[next] = sets[next].n ? start_gnuplot(dir, &sets[next]) : 0;
            running += pids[next] > 0;
            next++;
            continue;
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            break;
        for (uint32_t i = 0; i < next; i++)
            if (pids[i] == pid) {
                running--;
                cleanup_forget_child(pid);
                int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                report_failure(dir, &sets[i], code, finish_set(dir, &sets[i]));
            }
    }
    free(pids);
}
