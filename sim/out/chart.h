/* chart.h: gnuplot charts of a scenario's results.
 *
 * For each scenario, chart_write puts under DIR/charts/ the data (.dat, whitespace
 * separated, numbers formatted like the aggregate CSV) and one gnuplot script per chart
 * (.gp) that loads the shared style.gp, so a reviewer can re-style one chart or all of
 * them and re-render with `make report` or `gnuplot NAME.gp`. chart_render runs gnuplot
 * on them, PNG (1000x600) and SVG each, writing to hidden temporary names and renaming.
 * A missing gnuplot is a one-line hint on stderr, never a failure.
 *
 * Charts: for a sweep, duplicated and lost charges and the cost (messages on the wire,
 * p99 latency, throughput) against the last sweep line's values, one line per strategy
 * with its 95% band; for one point (a plain scenario, or a sweep's last point), the
 * copies at each boundary, the cost as bars, and the CDF of the latency from intent to
 * first charge, taken from traces of the first seeds. */
#ifndef EOSIM_CHART_H
#define EOSIM_CHART_H

#include <stdbool.h>
#include <stdint.h>

#include "base/limits.h"
#include "out/report.h"

#define CHARTS_MAX        40u   /* charts of one scenario */
#define CHART_SLICES_MAX  8u    /* sweep charts for this many values of the other lines */
#define CHART_CDF_PAYMENTS 20000u /* payments pooled per strategy for the latency CDF */

struct chart {
    char file[NAME_MAX_LEN + 40];  /* "sweep-loss.duplicated": .gp, .png, .svg */
    char caption[1024];
};

struct chart_set {
    char scenario[NAME_MAX_LEN + 1];
    uint32_t n;
    struct chart charts[CHARTS_MAX];
    uint32_t slices_left_out;      /* sweep slices beyond CHART_SLICES_MAX, not charted */
    char none[160];                /* what no strategy had, so was not charted, or "" */
};

/* Writes the data and scripts of one scenario's charts (and style.gp when missing);
 * false (errno set, the path in `failed`) if a file could not be written. */
bool chart_write(const char *dir, const struct sweep_results *sr, struct chart_set *out,
                 char *failed, size_t size);
/* Whether a `gnuplot` executable is on PATH. */
bool chart_gnuplot_found(void);
/* Removes the images of a set's charts (before drawing them, or when gnuplot is missing,
 * so that no image from an earlier run is left next to newer data). */
void chart_clear(const char *dir, const struct chart_set *set);
/* Renders every chart of every set with up to `jobs` gnuplot processes at once. Prints a
 * warning for charts that could not be drawn; never fails. */
void chart_render(const char *dir, const struct chart_set *sets, uint32_t nsets, unsigned jobs);

#endif
