/* html.c: the report page (see html.h). Everything on it comes from the results, the
 * runs it traces again and the chart files on disk, never from the clock, so the same
 * runs give the same page. */
#define _POSIX_C_SOURCE 200809L
#include "out/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/readfile.h"
#include "base/value.h"
#include "base/version.h"
#include "lang/grid.h"
#include "lang/strategy.h"
#include "lang/sweep.h"
#include "out/explain.h"
#include "out/table.h"
#include "run/sim.h"

#define HTML_ROWS_MAX 500u          /* table rows per scenario; a bigger sweep is in its CSVs */
#define STORY_PAYMENTS_MAX 20000u   /* bigger runs are not traced again for their story */
#define TEACHING "gateway-response-lost" /* the scenario the page starts with */

struct page {
    const char *dir;
    const struct html_item *items;
    uint32_t n;
    const char *note, *command;
    uint32_t *charts_seen; /* charts inlined so far: their ids' prefix */
};

static const char css[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
    "color:#1d1d1f;background:#fafafa}\n"
    "main{max-width:1100px;margin:0 auto;padding:24px}\n"
    "h1{font-size:26px;margin:8px 0}h2{font-size:20px;margin:0 0 4px}h3{font-size:16px}\n"
    "section{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:16px 20px;"
    "margin:20px 0}\n"
    ".about{font-size:16px;margin:4px 0 8px}.meta{color:#555;font-size:13px;margin:4px 0}\n"
    "table{border-collapse:collapse;font-size:13px;margin:10px 0;"
    "font-variant-numeric:tabular-nums}\n"
    "th,td{padding:3px 9px;border-bottom:1px solid #eee;text-align:right}"
    "th{background:#f3f3f3}\n"
    "td.l,th.l{text-align:left}td.bad{color:#b00020;font-weight:600}\n"
    "table.matrix td{text-align:left;vertical-align:top;font-size:12px;min-width:110px}\n"
    "table.matrix a{color:inherit;text-decoration:none}\n"
    ".dup{background:#fbe3e4}.lost{background:#fdebd0}.dis{background:#fff5cc}"
    ".once{background:#e3f4e8}\n"
    ".ok{color:#1b7f3b}.fail{color:#b00020}pre{background:#f7f7f7;padding:8px;"
    "overflow-x:auto;font-size:12px;line-height:1.35}\n"
    "pre.fail{background:#fff4f4}figure{margin:14px 0}\n"
    "figure svg{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#555;font-size:13px}nav a{margin-right:10px}code{font-size:13px}\n"
    ".note{background:#fff8e1;border:1px solid #f0d98c;padding:8px 12px;border-radius:6px}\n"
    "svg.seq text{font:12px system-ui,sans-serif}svg.seq .h{font-weight:600;"
    "text-anchor:middle}svg.seq .l{text-anchor:middle}svg.seq .t{fill:#666}\n"
    "svg.seq .lane{stroke:#bbb;stroke-dasharray:3 3}svg.seq .msg{stroke:#333}"
    "svg.seq .head{fill:#333}"
    "svg.seq .lost{stroke:#b00020;stroke-dasharray:5 3}svg.seq .x{fill:#b00020;"
    "font-weight:700}svg.seq .n{fill:#fff8e1;stroke:#e0c060}\n"
    "footer{color:#555;font-size:12px;margin:30px 0}\n";

/* Text with &, <, > and " escaped. */
static void text(FILE *out, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
}

/* What write(f, ctx) prints, escaped, in a <pre>. */
static void pre(FILE *out, const char *class, void (*write)(FILE *, const void *),
                const void *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    write(f, ctx);
    fclose(f);
    fprintf(out, "<pre%s%s%s>", class ? " class=\"" : "", class ? class : "", class ? "\"" : "");
    text(out, buf);
    fputs("</pre>\n", out);
    free(buf);
}

static const char *strategy_of(const struct sweep_results *sr, uint32_t s)
{
    return sr->sc->strategies[sr->strategies[s]].name;
}

/* The order of the page: the teaching scenario first, then the others as given. */
static uint32_t nth(const struct page *pg, uint32_t i)
{
    uint32_t teaching = pg->n;
    for (uint32_t k = 0; k < pg->n; k++)
        if (strcmp(pg->items[k].sr->sc->name, TEACHING) == 0)
            teaching = k;
    if (teaching == pg->n)
        return i;
    return i == 0 ? teaching : i <= teaching ? i - 1 : i;
}

/* ---- the matrix: every scenario against every preset, and the others ---- */

struct verdict {
    uint64_t lost, dup, disagree, over, uncharged;
};

static void verdict_of(const struct sweep_results *sr, uint32_t s, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    for (uint32_t p = 0; p < sr->npoints; p++) {
        struct scenario_results res;
        results_point(sr, p, &res);
        v->lost += report_metric(&res, s, METRIC_LOST);
        v->dup += report_metric(&res, s, METRIC_DUPLICATED);
        v->disagree += report_metric(&res, s, METRIC_DISAGREEING);
        v->over += report_metric(&res, s, METRIC_CHARGED_TWICE);
        v->uncharged += report_metric(&res, s, METRIC_NEVER_CHARGED);
    }
}

static void cell(FILE *out, const struct sweep_results *sr, uint32_t s, bool named)
{
    struct verdict v;
    verdict_of(sr, s, &v);
    const char *class = v.dup ? "dup" : v.lost ? "lost" : v.disagree ? "dis" : "once";
    fprintf(out, "<div class=\"%s\"><a href=\"#%s\">", class, sr->sc->name);
    if (named) {
        text(out, strategy_of(sr, s));
        fputs(": ", out);
    }
    if (v.dup)
        fprintf(out, "charged twice %llu (%llu)", (unsigned long long)v.dup,
                (unsigned long long)v.over);
    if (v.lost)
        fprintf(out, "%slost %llu (%llu)", v.dup ? ", " : "", (unsigned long long)v.lost,
                (unsigned long long)v.uncharged);
    if (!v.dup && !v.lost)
        fputs("exactly once", out);
    if (v.disagree)
        fprintf(out, "; disagreeing %llu", (unsigned long long)v.disagree);
    fputs("</a></div>", out);
}

static int preset_slot(const struct sweep_results *sr, int preset)
{
    for (uint32_t s = 0; s < sr->nstrategies; s++)
        if (sr->strategies[s] == preset)
            return (int)s;
    return -1;
}

static void matrix(FILE *out, const struct page *pg)
{
    fputs("<h2>Which strategy loses or charges twice, under which fault</h2>\n<p class=\"meta\">"
          "Each cell counts payments over every seed (and sweep point): charged twice "
          "(money over-charged), lost (money never charged), and payments whose records "
          "disagree with their charges. Click a cell for its scenario.</p>\n"
          "<table class=\"matrix\">\n<tr><th class=\"l\">scenario (the fault)</th>", out);
    for (int p = 0; p < STRATEGY_PRESETS; p++)
        fprintf(out, "<th class=\"l\">%s</th>", strategy_presets[p].name);
    fputs("<th class=\"l\">its own strategies</th></tr>\n", out);
    for (uint32_t k = 0; k < pg->n; k++) {
        const struct sweep_results *sr = pg->items[nth(pg, k)].sr;
        fprintf(out, "<tr><td class=\"l\"><a href=\"#%s\"><b>%s</b></a></td>", sr->sc->name,
                sr->sc->name);
        for (int p = 0; p < STRATEGY_PRESETS; p++) {
            int s = preset_slot(sr, p);
            fputs("<td>", out);
            if (s >= 0)
                cell(out, sr, (uint32_t)s, false);
            fputs("</td>", out);
        }
        fputs("<td>", out);
        for (uint32_t s = 0; s < sr->nstrategies; s++)
            if (sr->strategies[s] >= STRATEGY_PRESETS)
                cell(out, sr, s, true);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* ---- a scenario's section ---- */

static void meta(FILE *out, const struct sweep_results *sr)
{
    const struct scenario *sc = sr->sc;
    char buf[96];
    fputs("<p class=\"meta\">", out);
    text(out, sc->file);
    if (sc->nlisted)
        fprintf(out, " &middot; %u listed payments", sc->payments);
    else
        fprintf(out, " &middot; %u payments every %s", sc->payments,
                dist_format(&sc->gaps, buf, sizeof buf));
    fprintf(out, " &middot; %u seed%s from %llu", sr->nseeds, sr->nseeds == 1 ? "" : "s",
            (unsigned long long)sc->seed);
    for (uint32_t a = 0; results_has_axes(sr) && a < sc->nsweeps; a++) {
        const struct sweep_axis *ax = &sc->sweeps[a];
        fputs(a == 0 ? " &middot; sweep: " : "; ", out);
        text(out, sweep_axis_name(ax, buf, sizeof buf));
        fputs(" = ", out);
        for (uint32_t k = 0; k < ax->nvalues; k++) {
            fputs(k ? ", " : "", out);
            text(out, sweep_value_label(ax, k, buf, sizeof buf));
        }
    }
    if (results_has_axes(sr))
        fprintf(out, " (%u points)", sr->npoints);
    fputs("</p>\n", out);
}

static void table_head(FILE *out, const struct sweep_results *sr)
{
    static const char *const cols[] = { "lost", "duplicated", "pending", "charges",
                                        "charged-twice", "never-charged", "disagreeing",
                                        "p50", "p99", "max" };
    char buf[96];
    fputs("<table>\n<tr>", out);
    for (uint32_t a = 0; results_has_axes(sr) && a < sr->sc->nsweeps; a++) {
        fputs("<th class=\"l\">", out);
        text(out, sweep_axis_name(&sr->sc->sweeps[a], buf, sizeof buf));
        fputs("</th>", out);
    }
    fputs("<th class=\"l\">strategy</th>", out);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        fprintf(out, "<th>%s</th>", cols[c]);
    fputs("</tr>\n", out);
}

static void table_row(FILE *out, const struct sweep_results *sr, uint32_t p, uint32_t s)
{
    struct scenario_results res;
    struct report_summary sum;
    uint32_t index[SWEEP_AXES_MAX];
    char buf[96];
    results_point(sr, p, &res);
    report_summarize(&res, s, &sum);
    sweep_point_values(sr->sc, p, index);
    fputs("<tr>", out);
    for (uint32_t a = 0; results_has_axes(sr) && a < sr->sc->nsweeps; a++) {
        fputs("<td class=\"l\">", out);
        text(out, sweep_value_label(&sr->sc->sweeps[a], index[a], buf, sizeof buf));
        fputs("</td>", out);
    }
    fprintf(out, "<td class=\"l\">%s</td>", strategy_of(sr, s));
    const uint64_t counts[] = { sum.lost, sum.duplicated, sum.pending, sum.charges,
                                report_metric(&res, s, METRIC_CHARGED_TWICE),
                                report_metric(&res, s, METRIC_NEVER_CHARGED),
                                report_metric(&res, s, METRIC_DISAGREEING) };
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
        fprintf(out, "<td%s>%llu</td>", (c < 2 || c > 3) && counts[c] ? " class=\"bad\"" : "",
                (unsigned long long)counts[c]);
    const sim_time lat[] = { sum.p50, sum.p99, sum.max };
    for (size_t c = 0; c < 3; c++)
        fprintf(out, "<td>%s</td>", value_format_short(lat[c], buf, sizeof buf));
    fputs("</tr>\n", out);
}

static void counts(FILE *out, const struct sweep_results *sr)
{
    table_head(out, sr);
    uint32_t rows = 0, total = sr->npoints * sr->nstrategies;
    for (uint32_t p = 0; p < sr->npoints && rows < HTML_ROWS_MAX; p++)
        for (uint32_t s = 0; s < sr->nstrategies && rows < HTML_ROWS_MAX; s++, rows++)
            table_row(out, sr, p, s);
    fputs("</table>\n", out);
    if (rows < total)
        fprintf(out, "<p class=\"meta\">The first %u of %u rows; every row is in the CSVs.</p>\n",
                rows, total);
}

/* The terminal's text of the point (--wide): verdicts, money, anomalies, payments. */
static void write_terminal(FILE *f, const void *ctx)
{
    struct scenario_results res;
    results_point(ctx, 0, &res);
    table_scenario(f, &res, true);
}

static void expectations(FILE *out, const struct html_item *it)
{
    if (it->sr->sc->nexpects == 0)
        return;
    if (!it->failures[0]) {
        fprintf(out, "<p class=\"ok\">Every expectation held (%u checks).</p>\n",
                it->sr->sc->nexpects);
        return;
    }
    fputs("<p class=\"fail\">Expectations that failed:</p>\n<pre class=\"fail\">", out);
    text(out, it->failures);
    fputs("</pre>\n", out);
}

/* ---- the story of the first anomaly, per strategy ---- */

struct story {
    const struct scenario *sc;
    uint32_t strategy, payment;
    const struct trace *t;
};

static void write_story(FILE *f, const void *ctx)
{
    const struct story *st = ctx;
    explain_payment(f, st->sc, st->strategy, st->t, st->payment, NULL);
}

/* The first point and seed where strategy slot s had an anomaly; false if none. */
static bool first_anomaly(const struct sweep_results *sr, uint32_t s, uint32_t *point,
                          uint64_t *seed)
{
    for (uint32_t p = 0; p < sr->npoints; p++) {
        struct scenario_results res;
        results_point(sr, p, &res);
        for (uint32_t i = 0; i < sr->nseeds; i++) {
            const struct run_result *r = &res.runs[(size_t)s * sr->nseeds + i];
            if (r->lost || r->duplicated) {
                *point = p;
                *seed = r->seed;
                return true;
            }
        }
    }
    return false;
}

static void story(FILE *out, const struct sweep_results *sr, uint32_t s)
{
    static struct scenario at; /* about 60 KB: off the stack */
    uint32_t point;
    uint64_t seed;
    if (!first_anomaly(sr, s, &point, &seed))
        return;
    at = *sr->sc;
    if (results_has_axes(sr))
        sweep_apply(&at, point);
    fprintf(out, "<h3>%s</h3>\n", strategy_of(sr, s));
    if (at.payments > STORY_PAYMENTS_MAX) {
        fprintf(out, "<p class=\"meta\">%u payments: too many to trace here; ", at.payments);
    } else {
        struct trace t = { .keep = true };
        struct run_result r;
        sim_run_with(&at, sr->strategies[s], seed,
                     &(struct sim_options){ .trace = &t, .spare_link = -1,
                                            .spare_message = UINT64_MAX }, &r);
        uint32_t p = explain_first_anomaly(&t, &at, sr->strategies[s]);
        if (p != UINT32_MAX) {
            struct story st = { &at, sr->strategies[s], p, &t };
            pre(out, NULL, write_story, &st);
            fputs("<figure>", out);
            explain_diagram(out, &t, p, DIAGRAM_SVG);
            fprintf(out, "<figcaption>payment %u, step by step</figcaption></figure>\n", p);
        }
        trace_fini(&t);
        fputs("<p class=\"meta\">", out);
    }
    fputs("In a terminal: <code>eosim explain ", out);
    text(out, sr->sc->file);
    fprintf(out, " --strategy %s", strategy_of(sr, s));
    if (seed != sr->sc->seed)
        fprintf(out, " --seed %llu", (unsigned long long)seed);
    if (results_has_axes(sr))
        fputs("</code> (at the sweep's first point with one)", out);
    else
        fputs("</code>", out);
    fputs("</p>\n", out);
}

/* ---- charts, inline ---- */

/* A chart's SVG file into the page, without its XML prolog and with its ids (gnuplot
 * names every chart's the same) and the references to them prefixed, so that each id
 * is the page's only one. */
static bool inline_svg(FILE *out, const char *dir, const char *file, uint32_t chart)
{
    static const char *const marks[] = { "id='", "id=\"", "href='#", "href=\"#" };
    char path[1200], err[160];
    size_t len;
    snprintf(path, sizeof path, "%s/charts/%s.svg", dir, file);
    char *svg = read_file(path, 16u << 20, &len, err, sizeof err);
    if (!svg)
        return false;
    char *at = strstr(svg, "<svg");
    for (const char *s = at; s && *s;) {
        size_t m = 0, n = 0;
        while (m < 4 && strncmp(s, marks[m], strlen(marks[m])) != 0)
            m++;
        if (m < 4) {
            n = strlen(marks[m]);
            fprintf(out, "%.*sc%u-", (int)n, s, chart);
        } else {
            n = 1;
            fputc(*s, out);
        }
        s += n;
    }
    free(svg);
    return at != NULL;
}

static void figures(FILE *out, const struct page *pg, const struct html_item *it)
{
    if (!it->charts || it->charts->n == 0)
        return;
    fprintf(out, "<details><summary>Charts (%u)</summary>\n", it->charts->n);
    for (uint32_t c = 0; c < it->charts->n; c++) {
        const struct chart *ch = &it->charts->charts[c];
        fputs("<figure>", out);
        if (!inline_svg(out, pg->dir, ch->file, (*pg->charts_seen)++))
            fputs("<p class=\"meta\">(not drawn)</p>", out);
        fputs("<figcaption>", out);
        text(out, ch->caption);
        fprintf(out, " &middot; script: charts/%s.gp</figcaption></figure>\n", ch->file);
    }
    if (it->charts->none[0]) {
        fputs("<p class=\"meta\">Not charted, none in any strategy: ", out);
        text(out, it->charts->none);
        fputs(".</p>\n", out);
    }
    if (it->charts->slices_left_out)
        fprintf(out, "<p class=\"meta\">%u more combinations of the other sweep lines are in "
                "the CSVs but not charted.</p>\n", it->charts->slices_left_out);
    fputs("</details>\n", out);
}

static void section(FILE *out, const struct page *pg, const struct html_item *it)
{
    const struct sweep_results *sr = it->sr;
    fprintf(out, "<section id=\"%s\">\n<h2>%s</h2>\n", sr->sc->name, sr->sc->name);
    if (sr->sc->about[0]) {
        fputs("<p class=\"about\">", out);
        text(out, sr->sc->about);
        fputs("</p>\n", out);
    }
    meta(out, sr);
    if (!results_has_axes(sr))
        pre(out, NULL, write_terminal, sr);
    counts(out, sr);
    expectations(out, it);
    for (uint32_t s = 0; s < sr->nstrategies; s++)
        story(out, sr, s);
    figures(out, pg, it);
    fprintf(out, "<p class=\"meta\">Data next to this page: %s.csv, %s.agg.csv, "
            "%s.anomalies.csv</p>\n</section>\n", sr->sc->name, sr->sc->name, sr->sc->name);
}

static void write_page(FILE *out, const void *ctx)
{
    const struct page *pg = ctx;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>eosim report</title>\n<style>\n", out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n<main>\n<h1>eosim report</h1>\n<p class=\"meta\">"
          "Lost and duplicated payments by delivery strategy, per scenario. Counts are summed "
          "over seeds; latencies are medians over seeds (max: the worst run).</p>\n", out);
    if (pg->note) {
        fputs("<p class=\"note\">", out);
        text(out, pg->note);
        fputs("</p>\n", out);
    }
    matrix(out, pg);
    for (uint32_t i = 0; i < pg->n; i++)
        section(out, pg, &pg->items[nth(pg, i)]);
    fprintf(out, "<footer>Written by eosim %s: <code>", EOSIM_VERSION);
    text(out, pg->command ? pg->command : "eosim");
    fputs("</code>. One file: every chart is inline; the charts' gnuplot scripts are "
          "under charts/ (restyle charts/style.gp, then <code>make report</code>).</footer>\n"
          "</main>\n</body>\n</html>\n", out);
}

bool html_write_index(const char *dir, const struct html_item *items, uint32_t n,
                      const char *note, const char *command)
{
    uint32_t seen = 0;
    struct page pg = { .dir = dir, .items = items, .n = n, .note = note, .command = command,
                       .charts_seen = &seen };
    char path[1100];
    snprintf(path, sizeof path, "%s/index.html", dir);
    return report_write_file(path, write_page, &pg);
}
