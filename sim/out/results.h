/* results.h: the results of a batch of runs as every output reads them: one scenario's
 * runs, a sweep's runs by point, and the per-run columns of the CSV. */
#ifndef EOSIM_RESULTS_H
#define EOSIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "env/tally.h"
#include "lang/scenario.h"

/* The results of one scenario: runs[s * nseeds + i] for the s-th strategy run. */
struct scenario_results {
    const struct scenario *sc;
    uint8_t strategies[STRATEGIES_MAX];
    uint32_t nstrategies, nseeds;
    struct run_result *runs;
    uint32_t point;               /* which point of a sweep they are (0 for run) */
};

/* The per-run CSV columns after scenario,strategy,seed, in order; NULL-terminated. */
struct result_column {
    const char *name;
    size_t offset;     /* of a uint64_t in struct run_result, or of the bool `horizon` */
    bool is_bool;
};
extern const struct result_column result_columns[];
uint64_t results_column_value(const struct result_column *c, const struct run_result *r);

/* A scenario's results over the points of its sweep: runs[(p * nstrategies + s) * nseeds
 * + i]. `swept` is false for `eosim run` (the base point only) and then nothing differs
 * from struct scenario_results; with it, every point's values come first. */
struct sweep_results {
    const struct scenario *sc;  /* the base scenario, with its sweep lines */
    bool swept;
    uint32_t npoints;
    uint8_t strategies[STRATEGIES_MAX];
    uint32_t nstrategies, nseeds;
    struct run_result *runs;
};
/* The view of one point; its .sc is the base scenario (names, expectations). */
void results_point(const struct sweep_results *sr, uint32_t point, struct scenario_results *out);
/* Whether the results have sweep columns: swept, with at least one sweep line. */
bool results_has_axes(const struct sweep_results *sr);

#endif
