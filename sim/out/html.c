/* html.c: the report page (see html.h). Everything on it comes from the results and the
 * files on disk, never from the clock, so the same runs give the same page. */
#define _POSIX_C_SOURCE 200809L
#include "out/html.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lang/sweep.h"
#include "base/value.h"
#include "lang/grid.h"

#define HTML_ROWS_MAX 500u  /* table rows per scenario; a bigger sweep is in its CSVs */

struct page {
    const char *dir;
    const struct html_item *items;
    uint32_t n;
    const char *note;
};

static const char css[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
    "color:#1d1d1f;background:#fafafa}\n"
    "main{max-width:1060px;margin:0 auto;padding:24px}\n"
    "h1{font-size:26px;margin:8px 0}h2{font-size:20px;margin:0 0 4px}\n"
    "section{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:16px 20px;"
    "margin:20px 0}\n"
    ".about{font-size:16px;margin:4px 0 8px}.meta{color:#555;font-size:13px;margin:4px 0}\n"
    "table{border-collapse:collapse;font-size:13px;margin:10px 0;"
    "font-variant-numeric:tabular-nums}\n"
    "th,td{padding:3px 9px;border-bottom:1px solid #eee;text-align:right}"
    "th{background:#f3f3f3}\n"
    "td.l,th.l{text-align:left}td.bad{color:#b00020;font-weight:600}\n"
    ".ok{color:#1b7f3b}.fail{color:#b00020}pre{background:#fff4f4;padding:8px;"
    "overflow-x:auto;font-size:12px}\n"
    "figure{margin:14px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#555;font-size:13px}nav a{margin-right:10px}\n"
    ".note{background:#fff8e1;border:1px solid #f0d98c;padding:8px 12px;border-radius:6px}\n";

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

static bool exists(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && st.st_size > 0;
}

static void head(FILE *out, const struct page *pg)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>eosim report</title>\n<style>\n", out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n<main>\n<h1>eosim report</h1>\n<p class=\"meta\">"
          "Lost and duplicated payments by delivery strategy, per scenario. Counts are summed "
          "over seeds; latencies are medians over seeds (max: the worst run). Data: one CSV "
          "per scenario (one row per run), an aggregate CSV (mean, standard deviation and "
          "95% interval across seeds) and an anomalies CSV (the payments each anomaly "
          "touched, by run).</p>\n", out);
    if (pg->note) {
        fputs("<p class=\"note\">", out);
        text(out, pg->note);
        fputs("</p>\n", out);
    }
    fputs("<nav>", out);
    for (uint32_t i = 0; i < pg->n; i++) {
        const char *name = pg->items[i].sr->sc->name;
        fprintf(out, "<a href=\"#%s\">%s</a>\n", name, name);
    }
    fputs("</nav>\n", out);
}

static void meta(FILE *out, const struct sweep_results *sr)
{
    const struct scenario *sc = sr->sc;
    char buf[96];
    fputs("<p class=\"meta\">", out);
    text(out, sc->file);
    fprintf(out, " &middot; %u payments every %s &middot; %u seed%s from %llu", sc->payments,
            value_format_duration(sc->every, buf, sizeof buf), sr->nseeds,
            sr->nseeds == 1 ? "" : "s", (unsigned long long)sc->seed);
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
    static const char *const cols[] = { "lost", "duplicated", "pending", "log copies",
                                        "deliveries", "ledger rows", "charges", "p50", "p99",
                                        "max" };
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
    fprintf(out, "<td class=\"l\">%s</td>", sr->sc->strategies[sr->strategies[s]].name);
    const uint64_t counts[] = { sum.lost, sum.duplicated, sum.pending, sum.log_copies,
                                sum.deliveries, sum.ledger_rows, sum.charges };
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
        fprintf(out, "<td%s>%llu</td>", c < 2 && counts[c] ? " class=\"bad\"" : "",
                (unsigned long long)counts[c]);
    const sim_time lat[] = { sum.p50, sum.p99, sum.max };
    for (size_t c = 0; c < 3; c++)
        fprintf(out, "<td>%s</td>", value_format_duration(lat[c], buf, sizeof buf));
    fputs("</tr>\n", out);
}

static void verdict(FILE *out, const struct html_item *it)
{
    if (it->sr->sc->nexpects == 0)
        return;
    if (!it->failures[0]) {
        fprintf(out, "<p class=\"ok\">Every expectation held (%u checks).</p>\n",
                it->sr->sc->nexpects);
        return;
    }
    fputs("<p class=\"fail\">Expectations that failed:</p>\n<pre>", out);
    text(out, it->failures);
    fputs("</pre>\n", out);
}

static void figures(FILE *out, const struct page *pg, const struct html_item *it)
{
    char png[NAME_MAX_LEN + 64], svg[NAME_MAX_LEN + 64];
    for (uint32_t c = 0; it->charts && c < it->charts->n; c++) {
        const struct chart *ch = &it->charts->charts[c];
        snprintf(png, sizeof png, "charts/%s.png", ch->file);
        snprintf(svg, sizeof svg, "charts/%s.svg", ch->file);
        if (!exists(pg->dir, png))
            continue;
        fprintf(out, "<figure><img src=\"%s\" width=\"1000\" height=\"600\" alt=\"", png);
        text(out, ch->caption);
        fputs("\"><figcaption>", out);
        text(out, ch->caption);
        if (exists(pg->dir, svg))
            fprintf(out, " (<a href=\"%s\">SVG</a>)", svg);
        fprintf(out, " &middot; script: <a href=\"charts/%s.gp\">%s.gp</a></figcaption>"
                "</figure>\n", ch->file, ch->file);
    }
    if (it->charts && it->charts->slices_left_out)
        fprintf(out, "<p class=\"meta\">%u more combinations of the other sweep lines are in "
                "the CSVs but not charted.</p>\n", it->charts->slices_left_out);
}

static void data_links(FILE *out, const struct page *pg, const char *name)
{
    char file[NAME_MAX_LEN + 16];
    fputs("<p class=\"meta\">Data:", out);
    const char *const ext[] = { "csv", "agg.csv", "anomalies.csv" };
    for (int e = 0; e < 3; e++) {
        snprintf(file, sizeof file, "%s.%s", name, ext[e]);
        if (exists(pg->dir, file))
            fprintf(out, " <a href=\"%s\">%s</a>", file, file);
    }
    fputs("</p>\n", out);
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
    table_head(out, sr);
    uint32_t rows = 0, total = sr->npoints * sr->nstrategies;
    for (uint32_t p = 0; p < sr->npoints && rows < HTML_ROWS_MAX; p++)
        for (uint32_t s = 0; s < sr->nstrategies && rows < HTML_ROWS_MAX; s++, rows++)
            table_row(out, sr, p, s);
    fputs("</table>\n", out);
    if (rows < total)
        fprintf(out, "<p class=\"meta\">The first %u of %u rows; every row is in the CSVs.</p>\n",
                rows, total);
    verdict(out, it);
    figures(out, pg, it);
    data_links(out, pg, sr->sc->name);
    fputs("</section>\n", out);
}

static void write_page(FILE *out, const void *ctx)
{
    const struct page *pg = ctx;
    head(out, pg);
    for (uint32_t i = 0; i < pg->n; i++)
        section(out, pg, &pg->items[i]);
    fputs("<p class=\"meta\">Written by eosim. Charts: gnuplot scripts under charts/ "
          "(restyle charts/style.gp, then <code>make report</code>).</p>\n"
          "</main>\n</body>\n</html>\n", out);
}

bool html_write_index(const char *dir, const struct html_item *items, uint32_t n,
                      const char *note)
{
    struct page pg = { .dir = dir, .items = items, .n = n, .note = note };
    char path[1100];
    snprintf(path, sizeof path, "%s/index.html", dir);
    return report_write_file(path, write_page, &pg);
}
