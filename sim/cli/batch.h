/* batch.h: the runs of one command. A batch holds its scenarios (items), which points of
 * each it runs (the base point for `eosim run`, the whole grid for `eosim sweep`), which
 * strategies and seeds, and one result slot per run. Runs are numbered item by item,
 * then point, strategy and seed, which is the order every report lists them in; a
 * run's number within its item is what `--shard K/N` slices on. */
#ifndef EOSIM_BATCH_H
#define EOSIM_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out/report.h"
#include "lang/scenario.h"

struct batch_item {
    struct scenario sc;            /* as parsed, with --seed and --runs applied */
    bool swept;                    /* the whole grid, or only the base point */
    uint32_t npoints;
    uint8_t strategies[STRATEGIES_MAX];
    uint32_t nstrategies, nseeds;
    size_t first, nruns;           /* its runs in the batch */
    uint32_t first_point;          /* its points among all the batch's points */
};

struct batch {
    struct batch_item *items;
    uint32_t nitems;
    size_t nruns;
    uint32_t npoints;
    struct run_result *results;
    struct scenario *scratch;      /* the scenario at the point being run */
    int64_t scratch_key;           /* item * SWEEP_POINTS_MAX + point, or -1 */
};

/* Room for n items; the caller fills each item's sc and calls batch_add_item. */
void batch_init(struct batch *b, uint32_t nitems);
void batch_fini(struct batch *b);
/* Completes item i (already holding its scenario): picks the strategies (all it runs, or
 * only `only` when not NULL; false if the scenario has no such strategy) and counts its
 * points. Items must be added in order. */
bool batch_add_item(struct batch *b, uint32_t i, bool swept, const char *only);
/* Numbers the runs and allocates the results; false (message on stderr) when the batch
 * is over the limit of runs. */
bool batch_plan(struct batch *b);
/* Where run `index` is: its item and its number within the item. */
uint32_t batch_item_of(const struct batch *b, size_t index);
/* Runs one run in this process (used by the workers of jobs.c). */
void batch_run_one(struct batch *b, size_t index, struct run_result *out);
/* The point run `index` belongs to, among all the batch's points. */
uint32_t batch_point_of(const struct batch *b, size_t index);
/* Runs the given runs (all when indices is NULL) on `jobs` processes, with a progress
 * line when `progress` is set. False if a worker failed. */
bool batch_run(struct batch *b, const size_t *indices, size_t n, unsigned jobs, bool progress);
/* The results of item i, as reports take them. */
void batch_results(const struct batch *b, uint32_t i, struct sweep_results *out);

#define BATCH_RUNS_MAX 2000000u  /* runs of one command: their results stay in memory */

#endif
