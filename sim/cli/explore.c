/* explore.c: `eosim check` (see explore.h). The work is a list of runs numbered
 * strategy by strategy, placement by placement (the base first, then every single
 * fault, then every pair...); each run's outcome is stored at its number, so what is
 * printed never depends on --jobs. */
#define _POSIX_C_SOURCE 200809L
#include "cli/explore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "out/explain.h"
#include "cli/jobs.h"
#include "cli/progress.h"
#include "out/report.h"
#include "run/sim.h"
#include "run/space.h"
#include "env/trace.h"

enum violation { V_LOST, V_TWICE, V_DISAGREE, V_KAFKA, VIOLATIONS };
static const char *const violation_verbs[VIOLATIONS] = {
    "loses a payment", "charges a payment twice", "leaves ledger and gateway disagreeing",
    "causes a Kafka anomaly",
};

/* What one placement's run comes back with (a plain value: workers pipe it). */
struct outcome {
    uint64_t metric[METRIC_COUNT];
    uint64_t payments;
    uint64_t disagreements;
    sim_time fired[CHECK_DEPTH_MAX]; /* when each added fault fired, or SIM_NEVER */
};

/* One strategy's share of the work. */
struct plan {
    uint32_t strategy;
    struct fault_space space;
    size_t first, count;          /* its runs among all */
};

struct explorer {
    const struct scenario *sc;
    const struct check_request *rq;
    struct plan plans[STRATEGIES_MAX];
    uint32_t nplans;
    size_t nruns;
    uint32_t (*placement)[CHECK_DEPTH_MAX]; /* per run: its faults' indices in the space */
    uint8_t *size;                          /* per run: how many */
    struct outcome *outcomes;
    struct scenario *scratch;               /* the base plus one placement */
    struct progress progress;
};

static const struct plan *plan_of(const struct explorer *x, size_t run)
{
    uint32_t p = 0;
    while (run >= x->plans[p].first + x->plans[p].count)
        p++;
    return &x->plans[p];
}

/* The base scenario with run `run`'s faults appended (line 0: added by check). */
static const struct scenario *placed(struct explorer *x, size_t run)
{
    const struct plan *p = plan_of(x, run);
    struct scenario *s = x->scratch;
    s->nfaults = x->sc->nfaults;
    for (uint32_t i = 0; i < x->size[run]; i++) {
        s->faults[s->nfaults] = p->space.faults[x->placement[run][i]];
        s->faults[s->nfaults++].line = 0;
    }
    return s;
}

static void work(void *ctx, size_t run, void *out)
{
    struct explorer *x = ctx;
    struct outcome *o = out;
    const struct scenario *s = placed(x, run);
    sim_time fired[FAULTS_MAX];
    struct run_result r;
    struct sim_options opt = { .spare_link = -1, .spare_message = UINT64_MAX,
                               .fired_at = fired };
    sim_run_with(s, plan_of(x, run)->strategy, x->rq->seed, &opt, &r);
    for (int m = 0; m < METRIC_COUNT; m++)
        o->metric[m] = report_run_metric(&r, (enum metric)m);
    o->disagreements = r.disagreements;
    o->payments = r.payments;
    for (uint32_t i = 0; i < CHECK_DEPTH_MAX; i++)
        o->fired[i] = i < x->size[run] ? fired[x->sc->nfaults + i] : 0;
}

static void done(void *ctx, size_t run)
{
    struct explorer *x = ctx;
    progress_step(&x->progress, (uint32_t)(plan_of(x, run) - x->plans));
}

/* ---- outcomes ---- */

static bool reached(const struct explorer *x, size_t run)
{
    for (uint32_t i = 0; i < x->size[run]; i++)
        if (x->outcomes[run].fired[i] == SIM_NEVER)
            return false;
    return true;
}

static bool violates(const struct outcome *o, enum violation v)
{
    switch (v) {
    case V_LOST: return o->metric[METRIC_LOST] > 0;
    case V_TWICE: return o->metric[METRIC_DUPLICATED] > 0;
    case V_DISAGREE: return o->disagreements > 0;
    default: break;
    }
    for (int m = METRIC_DUPLICATES_IN_LOG; m <= METRIC_TORN_TRANSACTIONS; m++)
        if (o->metric[m] > 0)
            return true;
    return false;
}

static sim_time last_fired(const struct explorer *x, size_t run)
{
    sim_time t = 0;
    for (uint32_t i = 0; i < x->size[run]; i++)
        if (x->outcomes[run].fired[i] > t)
            t = x->outcomes[run].fired[i];
    return t;
}

/* Whether run a is a smaller counterexample than run b: fewer faults, then the one whose
 * last fault fires first, then the first in the list. */
static bool smaller(const struct explorer *x, size_t a, size_t b)
{
    if (x->size[a] != x->size[b])
        return x->size[a] < x->size[b];
    sim_time ta = last_fired(x, a), tb = last_fired(x, b);
    return ta != tb ? ta < tb : a < b;
}

/* The minimal reached run of a plan that satisfies pred, or SIZE_MAX. */
static size_t minimal(const struct explorer *x, const struct plan *p,
                      bool (*pred)(const struct outcome *, const void *), const void *arg)
{
    size_t best = SIZE_MAX;
    for (size_t run = p->first; run < p->first + p->count; run++)
        if (reached(x, run) && pred(&x->outcomes[run], arg) &&
            (best == SIZE_MAX || smaller(x, run, best)))
            best = run;
    return best;
}

static bool violates_pred(const struct outcome *o, const void *arg)
{
    return violates(o, *(const enum violation *)arg);
}

/* ---- planning ---- */

/* Numbers every placement of every strategy; false (after saying why) when too many. */
static bool plan_all(struct explorer *x)
{
    const struct scenario *sc = x->sc;
    uint64_t total = 0;
    bool one = x->rq->strategy >= 0; /* --strategy: that one, run by the file or not */
    for (uint32_t r = 0; r < (one ? 1 : sc->nrun); r++) {
        uint32_t s = one ? (uint32_t)x->rq->strategy : sc->run_list[r];
        struct plan *p = &x->plans[x->nplans++];
        struct run_result base;
        p->strategy = s;
        space_build(sc, s, x->rq->seed, &p->space, &base);
        uint64_t n = space_placements(&p->space, x->rq->depth); /* saturates */
        n = n == UINT64_MAX ? n : n + 1;                       /* the base is run 0 */
        p->first = (size_t)(total <= CHECK_PLACEMENTS_MAX ? total : 0);
        p->count = (size_t)(n <= CHECK_PLACEMENTS_MAX ? n : 0);
        total = total > UINT64_MAX - n ? UINT64_MAX : total + n;
    }
    if (total > CHECK_PLACEMENTS_MAX) {
        fprintf(stderr, "%s: error: checking to depth %u takes %llu runs over %u "
                "strateg%s (%u single faults under %s), above the limit of %u: lower "
                "--depth, check one --strategy, or use fewer payments\n", sc->file,
                x->rq->depth, (unsigned long long)total, x->nplans, x->nplans == 1 ? "y" : "ies",
                x->plans[0].space.n, sc->strategies[x->plans[0].strategy].name,
                CHECK_PLACEMENTS_MAX);
        return false;
    }
    x->nruns = (size_t)total;
    x->placement = sim_alloc(x->nruns, sizeof *x->placement);
    x->size = sim_alloc(x->nruns, 1);
    x->outcomes = sim_alloc(x->nruns, sizeof *x->outcomes);
    for (uint32_t i = 0; i < x->nplans; i++) {
        const struct plan *p = &x->plans[i];
        size_t run = p->first + 1;
        for (uint32_t k = 1; k <= x->rq->depth; k++) {
            uint32_t idx[CHECK_DEPTH_MAX];
            for (bool more = space_first(&p->space, idx, k); more;
                 more = space_next(&p->space, idx, k), run++) {
                memcpy(x->placement[run], idx, sizeof idx);
                x->size[run] = (uint8_t)k;
            }
        }
        SIM_ASSERT(run == p->first + p->count);
    }
    return true;
}

static bool run_all(struct explorer *x)
{
    size_t *indices = sim_alloc(x->nruns, sizeof *indices);
    size_t per[STRATEGIES_MAX];
    for (size_t i = 0; i < x->nruns; i++)
        indices[i] = i;
    for (uint32_t i = 0; i < x->nplans; i++)
        per[i] = x->plans[i].count;
    progress_init(&x->progress, x->rq->progress, x->sc->name, x->nplans, per);
    x->progress.unit = "strategies";
    bool ok = jobs_run(indices, x->nruns, x->rq->jobs, work, done, x, x->outcomes,
                       sizeof *x->outcomes);
    progress_fini(&x->progress);
    free(indices);
    return ok;
}

/* ---- what it prints ---- */

static void verdict_table(FILE *out, const struct explorer *x)
{
    fprintf(out, "  %-16s %10s %8s %6s %14s %12s %14s\n", "strategy", "placements", "tried",
            "lost", "charged-twice", "disagreeing", "kafka-anomaly");
    for (uint32_t i = 0; i < x->nplans; i++) {
        const struct plan *p = &x->plans[i];
        uint64_t tried = 0, count[VIOLATIONS] = { 0 };
        for (size_t run = p->first; run < p->first + p->count; run++) {
            if (!reached(x, run))
                continue;
            tried++;
            for (int v = 0; v < VIOLATIONS; v++)
                count[v] += violates(&x->outcomes[run], (enum violation)v);
        }
        fprintf(out, "  %-16s %10zu %8llu %6llu %14llu %12llu %14llu\n",
                x->sc->strategies[p->strategy].name, p->count, (unsigned long long)tried,
                (unsigned long long)count[V_LOST], (unsigned long long)count[V_TWICE],
                (unsigned long long)count[V_DISAGREE], (unsigned long long)count[V_KAFKA]);
    }
}

/* The lines to paste into the scenario to reproduce run `run`. */
static void placement_lines(FILE *out, const struct explorer *x, size_t run, const char *indent)
{
    const struct plan *p = plan_of(x, run);
    char buf[256];
    if (x->size[run] == 0)
        fprintf(out, "%s(no fault added: the scenario as written)\n", indent);
    for (uint32_t i = 0; i < x->size[run]; i++)
        fprintf(out, "%s%s\n", indent,
                scenario_fault_text(&p->space.faults[x->placement[run][i]], buf, sizeof buf));
}

/* The payment whose story tells a violation best. */
static uint32_t story_payment(const struct run_result *r, const struct trace *t,
                              uint32_t payments, enum violation v)
{
    if (v == V_LOST || v == V_TWICE)
        return r->anomalies[v == V_LOST ? ANOMALY_LOST : ANOMALY_DUPLICATED].payments[0];
    if (v == V_KAFKA) {
        for (int k = ANOMALY_DUPLICATE_IN_LOG; k < ANOMALY_KINDS; k++)
            if (r->anomalies[k].count)
                return r->anomalies[k].payments[0];
        return 0;
    }
    uint32_t *diff = sim_alloc(payments, sizeof *diff); /* charges minus rows, mod 2^32 */
    for (size_t i = 0; i < t->len; i++) {
        if (t->recs[i].payment >= payments)
            continue;
        diff[t->recs[i].payment] += t->recs[i].what == TRACE_CHARGE;
        diff[t->recs[i].payment] -= t->recs[i].what == TRACE_ROW;
    }
    uint32_t p = 0;
    while (p + 1 < payments && diff[p] == 0)
        p++;
    free(diff);
    return p;
}

static void kafka_line(FILE *out, const struct run_result *r)
{
    fputs("  kafka anomalies:", out);
    for (int k = ANOMALY_DUPLICATE_IN_LOG; k < ANOMALY_KINDS; k++)
        if (r->anomalies[k].count)
            fprintf(out, " %s (payment %u)", anomaly_names[k], r->anomalies[k].payments[0]);
    fputc('\n', out);
}

/* Reruns a counterexample with a trace and tells its story. */
static void story(FILE *out, struct explorer *x, size_t run, enum violation v)
{
    const struct scenario *s = placed(x, run);
    uint32_t strategy = plan_of(x, run)->strategy;
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(s, strategy, x->rq->seed,
                 &(struct sim_options){ .trace = &t, .spare_link = -1,
                                        .spare_message = UINT64_MAX }, &r);
    trace_end(&t);
    if (v == V_KAFKA)
        kafka_line(out, &r);
    explain_payment(out, s, strategy, &t, story_payment(&r, &t, s->payments, v), NULL);
    trace_fini(&t);
}

static void counterexamples(FILE *out, struct explorer *x)
{
    for (uint32_t i = 0; i < x->nplans; i++) {
        const struct plan *p = &x->plans[i];
        const char *name = x->sc->strategies[p->strategy].name;
        size_t told[VIOLATIONS];
        for (enum violation v = V_LOST; v < VIOLATIONS; v++) {
            size_t run = told[v] = minimal(x, p, violates_pred, &v);
            if (run == SIZE_MAX)
                continue;
            int same = -1; /* the counterexample of an earlier violation, told above */
            for (int u = 0; u < (int)v && same < 0; u++)
                same = told[u] == run ? u : -1;
            fprintf(out, "\n%s %s with %u fault%s", name, violation_verbs[v], x->size[run],
                    x->size[run] == 1 ? "" : "s");
            if (same >= 0) {
                fprintf(out, ": the placement that %s, above\n", violation_verbs[same]);
                continue;
            }
            fputs("; add to the scenario to reproduce:\n", out);
            placement_lines(out, x, run, "    ");
            story(out, x, run, v);
        }
    }
}

/* ---- expect-all and expect-some ---- */

struct metric_test {
    const struct expectation *e;
    bool want;                   /* the run must satisfy it (true) or break it (false) */
};

static bool metric_pred(const struct outcome *o, const void *arg)
{
    const struct metric_test *m = arg;
    enum metric k = (enum metric)m->e->metric;
    uint64_t got = o->metric[metric_is_rate(k) ? report_rate_count(k) : k];
    return report_expect_holds(k, got, o->payments, (enum compare_op)m->e->op, m->e->value) ==
           m->want;
}

static uint32_t space_expectations(FILE *err, struct explorer *x)
{
    const struct scenario *sc = x->sc;
    uint32_t failed = 0;
    for (uint32_t e = 0; e < sc->nspace_expects; e++) {
        const struct expectation *ex = &sc->space_expects[e];
        for (uint32_t i = 0; i < x->nplans; i++) {
            const struct plan *p = &x->plans[i];
            if (p->strategy != ex->strategy)
                continue;
            bool all = ex->scope == EXPECT_ALL;
            struct metric_test m = { ex, !all };
            size_t run = minimal(x, p, metric_pred, &m);
            if (all ? run == SIZE_MAX : run != SIZE_MAX)
                continue;
            failed++;
            char want[32];
            fprintf(err, "%s:%u: expectation failed: expect-%s %s %s %s %s", sc->file,
                    ex->line, all ? "all" : "some", sc->strategies[ex->strategy].name,
                    metric_names[ex->metric], compare_op_names[ex->op],
                    report_metric_value((enum metric)ex->metric, ex->value, want, sizeof want));
            if (!all) {
                fprintf(err, ": no placement of up to %u fault%s does it\n", x->rq->depth,
                        x->rq->depth == 1 ? "" : "s");
                continue;
            }
            fprintf(err, ", got %s with:\n",
                    report_metric_value((enum metric)ex->metric,
                                        x->outcomes[run].metric[ex->metric], want, sizeof want));
            placement_lines(err, x, run, "    ");
        }
    }
    return failed;
}

/* ---- the CSV ---- */

static void csv_rows(FILE *out, const void *ctx)
{
    const struct explorer *x = ctx;
    char buf[256];
    fputs("scenario,strategy,faults,placement,reached,lost,duplicated,disagreeing,"
          "anomalies\r\n", out);
    for (size_t run = 0; run < x->nruns; run++) {
        const struct plan *p = plan_of(x, run);
        const struct outcome *o = &x->outcomes[run];
        uint64_t anomalies = 0;
        for (int m = METRIC_DUPLICATES_IN_LOG; m <= METRIC_TORN_TRANSACTIONS; m++)
            anomalies += o->metric[m];
        fprintf(out, "%s,%s,%u,\"", x->sc->name, x->sc->strategies[p->strategy].name,
                x->size[run]);
        for (uint32_t i = 0; i < x->size[run]; i++)
            fprintf(out, "%s%s", i ? "; " : "",
                    scenario_fault_text(&p->space.faults[x->placement[run][i]], buf,
                                        sizeof buf));
        fprintf(out, "\",%d,%llu,%llu,%llu,%llu\r\n", reached(x, run),
                (unsigned long long)o->metric[METRIC_LOST],
                (unsigned long long)o->metric[METRIC_DUPLICATED],
                (unsigned long long)o->disagreements, (unsigned long long)anomalies);
    }
}

static bool write_csv(const struct explorer *x)
{
    char path[1200];
    int n = snprintf(path, sizeof path, "%s/%s.check.csv", x->rq->out_dir, x->sc->name);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        fprintf(stderr, "eosim: cannot write %s/%s.check.csv: %s\n", x->rq->out_dir,
                x->sc->name, strerror(errno));
        return false;
    }
    if (report_write_file(path, csv_rows, x))
        return true;
    fprintf(stderr, "eosim: cannot write %s: %s\n", path, strerror(errno));
    return false;
}

/* ---- the command ---- */

static void header(FILE *out, const struct explorer *x)
{
    fprintf(out, "check %s: %u payment%s, seed %llu, up to %u fault%s per placement\n",
            x->sc->file, x->sc->payments, x->sc->payments == 1 ? "" : "s",
            (unsigned long long)x->rq->seed, x->rq->depth, x->rq->depth == 1 ? "" : "s");
    for (uint32_t i = 0; i < x->nplans; i++) {
        const struct fault_space *sp = &x->plans[i].space;
        uint32_t kinds[FAULT_KINDS] = { 0 };
        for (uint32_t f = 0; f < sp->n; f++)
            kinds[sp->faults[f].kind]++;
        fprintf(out, "  %-16s %u single faults:", x->sc->strategies[x->plans[i].strategy].name,
                sp->n);
        for (int k = 0; k < FAULT_KINDS; k++)
            if (kinds[k])
                fprintf(out, " %s %u", fault_kind_names[k], kinds[k]);
        fputc('\n', out);
    }
}

int explore_command(FILE *out, const struct scenario *sc, const struct check_request *rq)
{
    struct explorer x = { .sc = sc, .rq = rq };
    x.scratch = sim_alloc(1, sizeof *x.scratch);
    *x.scratch = *sc;
    int rc = 2;
    if (sc->nfaults + rq->depth > FAULTS_MAX)
        fprintf(stderr, "%s: error: the scenario has %u faults; check adds up to %u and the "
                "limit is %u\n", sc->file, sc->nfaults, rq->depth, FAULTS_MAX);
    else if (plan_all(&x))
        rc = run_all(&x) ? 0 : 3;
    if (rc == 0 && !rq->quiet) {
        header(out, &x);
        verdict_table(out, &x);
        counterexamples(out, &x);
    }
    fflush(out);
    if (rc == 0 && space_expectations(stderr, &x) > 0)
        rc = 1;
    if ((rc == 0 || rc == 1) && rq->out_dir && !write_csv(&x))
        rc = 2;
    for (uint32_t i = 0; i < x.nplans; i++)
        space_fini(&x.plans[i].space);
    free(x.placement);
    free(x.size);
    free(x.outcomes);
    free(x.scratch);
    return rc;
}
