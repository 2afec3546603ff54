/* batch.c: numbering the runs of a command, running them through jobs.c, and handing
 * each scenario's slice of results to the reports. */
#include "cli/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "cli/jobs.h"
#include "cli/progress.h"
#include "run/sim.h"
#include "lang/grid.h"

void batch_init(struct batch *b, uint32_t nitems)
{
    memset(b, 0, sizeof *b);
    b->items = sim_alloc(nitems, sizeof *b->items);
    b->nitems = nitems;
    b->scratch = sim_alloc(1, sizeof *b->scratch);
    b->scratch_key = -1;
}

void batch_fini(struct batch *b)
{
    free(b->items);
    free(b->results);
    free(b->scratch);
    memset(b, 0, sizeof *b);
}

bool batch_add_item(struct batch *b, uint32_t i, bool swept, const char *only)
{
    struct batch_item *it = &b->items[i];
    const struct scenario *sc = &it->sc;
    it->swept = swept;
    it->npoints = swept ? sweep_points(sc) : 1;
    it->nseeds = sc->runs;
    it->nstrategies = 0;
    for (uint32_t r = 0; r < sc->nrun; r++)
        if (!only || strcmp(sc->strategies[sc->run_list[r]].name, only) == 0)
            it->strategies[it->nstrategies++] = sc->run_list[r];
    if (only && it->nstrategies == 0 && scenario_strategy(sc, only, (unsigned)strlen(only)) >= 0)
        it->strategies[it->nstrategies++] = (uint8_t)scenario_strategy(sc, only,
                                                                       (unsigned)strlen(only));
    return it->nstrategies > 0;
}

bool batch_plan(struct batch *b)
{
    uint64_t runs = 0, points = 0;
    for (uint32_t i = 0; i < b->nitems; i++) {
        struct batch_item *it = &b->items[i];
        it->first = (size_t)runs;
        it->first_point = (uint32_t)points;
        runs += (uint64_t)it->npoints * it->nstrategies * it->nseeds;
        points += it->npoints;
        it->nruns = (size_t)(runs - it->first);
        if (runs > BATCH_RUNS_MAX) {
            fprintf(stderr, "eosim: %s: too many runs (%llu so far; the limit is %u runs in "
                    "one command): lower `runs` or --runs, or split the sweep with --shard\n",
                    it->sc.file, (unsigned long long)runs, BATCH_RUNS_MAX);
            return false;
        }
        uint64_t work = (uint64_t)it->nruns * it->sc.payments;
        if (work > PAYMENT_RUNS_MAX) {
            fprintf(stderr, "eosim: %s: %zu runs of %u payments is %llu payments to simulate, "
                    "above the limit of %llu (hours of work): lower --runs\n", it->sc.file,
                    it->nruns, it->sc.payments, (unsigned long long)work,
                    (unsigned long long)PAYMENT_RUNS_MAX);
            return false;
        }
    }
    b->nruns = (size_t)runs;
    b->npoints = (uint32_t)points;
    b->results = sim_alloc(b->nruns, sizeof *b->results);
    return true;
}

uint32_t batch_item_of(const struct batch *b, size_t index)
{
    SIM_ASSERT(index < b->nruns);
    uint32_t lo = 0, hi = b->nitems - 1;
    while (lo < hi) { /* the last item whose first run is at or before index */
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (b->items[mid].first <= index)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Item, point, strategy slot and seed number of a run. */
static void locate(const struct batch *b, size_t index, uint32_t *item, uint32_t *point,
                   uint32_t *s, uint32_t *seed)
{
    *item = batch_item_of(b, index);
    const struct batch_item *it = &b->items[*item];
    size_t local = index - it->first;
    *seed = (uint32_t)(local % it->nseeds);
    local /= it->nseeds;
    *s = (uint32_t)(local % it->nstrategies);
    *point = (uint32_t)(local / it->nstrategies);
}

uint32_t batch_point_of(const struct batch *b, size_t index)
{
    uint32_t item, point, s, seed;
    locate(b, index, &item, &point, &s, &seed);
    return b->items[item].first_point + point;
}

void batch_run_one(struct batch *b, size_t index, struct run_result *out)
{
    uint32_t item, point, s, seed;
    locate(b, index, &item, &point, &s, &seed);
    const struct batch_item *it = &b->items[item];
    int64_t key = (int64_t)item * SWEEP_POINTS_MAX + point;
    if (key != b->scratch_key) { /* consecutive runs mostly share a point */
        *b->scratch = it->sc;
        if (it->swept)
            sweep_apply(b->scratch, point);
        b->scratch_key = key;
    }
    sim_run(b->scratch, it->strategies[s], it->sc.seed + seed, out);
}

struct run_ctx {
    struct batch *b;
    struct progress progress;
};

static void work(void *ctx, size_t index, void *out)
{
    batch_run_one(((struct run_ctx *)ctx)->b, index, out);
}

static void done(void *ctx, size_t index)
{
    struct run_ctx *c = ctx;
    progress_step(&c->progress, batch_point_of(c->b, index));
}

/* How many of the given runs fall on each point, for the progress line. */
static size_t *runs_per_point(const struct batch *b, const size_t *indices, size_t n)
{
    size_t *count = sim_alloc(b->npoints ? b->npoints : 1, sizeof *count);
    for (size_t k = 0; k < n; k++)
        count[batch_point_of(b, indices ? indices[k] : k)]++;
    return count;
}

bool batch_run(struct batch *b, const size_t *indices, size_t n, unsigned jobs, bool progress)
{
    size_t *all = NULL;
    if (!indices) {
        all = sim_alloc(b->nruns ? b->nruns : 1, sizeof *all);
        for (size_t k = 0; k < b->nruns; k++)
            all[k] = k;
        indices = all;
        n = b->nruns;
    }
    struct run_ctx ctx = { .b = b };
    size_t *per_point = runs_per_point(b, indices, n);
    char label[NAME_MAX_LEN + 32];
    if (b->nitems == 1)
        snprintf(label, sizeof label, "%s", b->items[0].sc.name);
    else
        snprintf(label, sizeof label, "%u scenarios", b->nitems);
    progress_init(&ctx.progress, progress, label, b->npoints, per_point);
    bool ok = jobs_run(indices, n, jobs, work, done, &ctx, b->results, sizeof *b->results);
    progress_fini(&ctx.progress);
    free(per_point);
    free(all);
    return ok;
}

void batch_results(const struct batch *b, uint32_t i, struct sweep_results *out)
{
    const struct batch_item *it = &b->items[i];
    memset(out, 0, sizeof *out);
    out->sc = &it->sc;
    out->swept = it->swept;
    out->npoints = it->npoints;
    memcpy(out->strategies, it->strategies, sizeof out->strategies);
    out->nstrategies = it->nstrategies;
    out->nseeds = it->nseeds;
    out->runs = b->results + it->first;
}
