/* html.h: DIR/index.html, one self-contained page (inline CSS, no script, nothing
 * fetched from elsewhere) that shows, per scenario, its `about`, its sweep, the strategy
 * table, the verdict of its expectations and its charts, linking only files that exist
 * when the page is written. */
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
 * top, e.g. that gnuplot was missing. */
bool html_write_index(const char *dir, const struct html_item *items, uint32_t n,
                      const char *note);

#endif
