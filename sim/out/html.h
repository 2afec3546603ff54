/* html.h: DIR/index.html, one self-contained file for a design review (inline CSS and
 * SVG, no script, nothing fetched from elsewhere): a matrix of every scenario against
 * every strategy (lost, charged twice, disagreeing, with money), then per scenario,
 * the teaching one first, its verdicts and tables, the payments behind them, the story
 * of each strategy's first anomaly with its sequence diagram, and its charts. */
#ifndef EOSIM_HTML_H
#define EOSIM_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out/chart.h"
#include "out/report.h"

struct html_item {
    const struct sweep_results *sr;
    const struct chart_set *charts;
    const char *failures;       /* the failed expectations' lines, or "" */
};

/* Writes DIR/index.html; false (errno set) on failure. `note` (or NULL) is shown at the
 * top, e.g. that gnuplot was missing; `command`, what made the page (eosim sweep FILES), in the footer. */
bool html_write_index(const char *dir, const struct html_item *items, uint32_t n,
                      const char *note, const char *command);

#endif
