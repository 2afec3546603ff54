/* dist_test.c: random durations. The fixed-point log and exp against their exact values;
 * the exponential's mean and tail and the Pareto's tail against the closed forms, within
 * 99% intervals over 200,000 draws; fixed and uniform draws are rng_range's, unchanged. */
#include <math.h>
#include <stdlib.h>

#include "base/dist.h"
#include "env/trace.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"

#define DRAWS 200000
#define Z99 2.576

static void test_dist_fixed_point_log_and_exp(void)
{
    CHECK_EQ(dist_neg_log2(UINT64_C(1) << 63), UINT64_C(1) << 32); /* -log2(1/2) = 1 */
    CHECK_EQ(dist_neg_log2(UINT64_C(1) << 62), UINT64_C(2) << 32);
    CHECK_EQ(dist_neg_log2(1), UINT64_C(64) << 32);
    double want = -log2(0.75) * 4294967296.0;
    CHECK(fabs((double)dist_neg_log2(UINT64_C(3) << 62) - want) < 64); /* 2^-26 */
    CHECK(fabs((double)dist_exp2_frac(UINT64_C(1) << 31) - sqrt(2.0) * 1073741824.0) < 4);
    CHECK_EQ(dist_exp2_frac(0), UINT64_C(1) << 30);
    CHECK(fabs((double)dist_exp2_frac(0xc0000000u) - pow(2, 0.75) * 1073741824.0) < 8);
}

/* Whether the observed share k/n of an event of probability p is within its 99% interval. */
static bool share_agrees(const char *what, uint64_t k, double p)
{
    double got = (double)k / DRAWS, half = Z99 * sqrt(p * (1 - p) / DRAWS);
    bool ok = fabs(got - p) <= half;
    if (!ok)
        fprintf(stderr, "  %s: observed %.6f, expected %.6f +- %.6f (99%%)\n", what, got, p, half);
    return ok;
}

static void test_dist_exponential_mean_and_tail(void)
{
    struct dist d = { .kind = DIST_EXP, .lo = SIM_MS };
    struct rng r;
    rng_seed(&r, 7, "test:exp");
    double sum = 0;
    uint64_t tail = 0;
    sim_time q99 = (sim_time)(SIM_MS * log(100.0)); /* P(X > m ln 100) = 1% */
    for (int i = 0; i < DRAWS; i++) {
        sim_time x = dist_draw(&d, &r);
        sum += (double)x;
        tail += x > q99;
    }
    double mean = sum / DRAWS, half = Z99 * (double)SIM_MS / sqrt(DRAWS);
    CHECK(fabs(mean - (double)SIM_MS) <= half);
    CHECK(share_agrees("exp tail past m ln 100", tail, 0.01));
    CHECK_EQ(dist_mean(&d), SIM_MS);
}

static void test_dist_pareto_tail(void)
{
    struct dist d = { .kind = DIST_PARETO, .lo = SIM_MS, .shape = 1500 };
    struct rng r;
    rng_seed(&r, 7, "test:pareto");
    uint64_t past10 = 0, past100 = 0, below = 0;
    for (int i = 0; i < DRAWS; i++) {
        sim_time x = dist_draw(&d, &r);
        below += x < SIM_MS;
        past10 += x > 10 * SIM_MS;
        past100 += x > 100 * SIM_MS;
    }
    CHECK_EQ(below, 0); /* the minimum is the scale */
    CHECK(share_agrees("pareto past 10 x minimum", past10, pow(10, -1.5)));
    CHECK(share_agrees("pareto past 100 x minimum", past100, pow(100, -1.5)));
    CHECK_EQ(dist_mean(&d), 3 * SIM_MS); /* minimum x shape / (shape - 1) */
    CHECK_EQ(dist_mean(&(struct dist){ .kind = DIST_PARETO, .lo = SIM_MS, .shape = 1000 }),
             UINT64_MAX);
    /* a mean past 64 bits saturates rather than wraps */
    CHECK_EQ(dist_mean(&(struct dist){ .kind = DIST_PARETO, .lo = 10000 * 3600 * SIM_SEC,
                                       .shape = 1001 }), UINT64_MAX);
}

static void test_dist_uniform_is_rng_range(void)
{
    struct dist u = { .kind = DIST_UNIFORM, .lo = 20 * SIM_MS, .hi = 80 * SIM_MS };
    struct rng a, b;
    rng_seed(&a, 3, "link:x");
    rng_seed(&b, 3, "link:x");
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(dist_draw(&u, &a), rng_range(&b, 20 * SIM_MS, 80 * SIM_MS));
    struct dist f = dist_fixed(5 * SIM_MS);
    CHECK_EQ(dist_draw(&f, &a), 5 * SIM_MS);
    CHECK_EQ(rng_next(&a), rng_next(&b)); /* a fixed value draws nothing */
    char buf[64];
    CHECK_STR(dist_format(&u, buf, sizeof buf), "20ms..80ms");
    CHECK_STR(dist_format(&(struct dist){ .kind = DIST_EXP, .lo = SIM_MS }, buf, sizeof buf),
              "exp 1ms");
    CHECK_STR(dist_format(&(struct dist){ .kind = DIST_PARETO, .lo = SIM_MS, .shape = 1500 }, buf,
                          sizeof buf), "pareto 1ms 1.5");
}

/* A dedup table whose entries live T misses a redelivery that comes later than T. The
 * worker crashes right after payment 0's ledger commit (its processed id recorded, its
 * offset not committed) and restarts after D ~ Exp(delta); the record is delivered again
 * c after the restart (rejoin, offset fetch, fetch: fixed, measured here from a traced
 * run), so the dedup check comes D + c after the commit, and it misses, charging again,
 * when D + c >= T:
 *   P(miss) = P(D >= T - c) = e^(-(T - c)/delta).
 * With T = delta = 1s and c = 6ms that is 0.370; 2000 seeds give a standard error of
 * 0.0108, a 99% interval of +- 0.028. */
static char ttl_text[512];

static void ttl_scenario(struct scenario *sc, const char *restart)
{
    snprintf(ttl_text, sizeof ttl_text, "scenario ttl\npayments 1 every 1ms\n"
             "crash consumer on commit payment 0 restart after %s\n"
             "strategy ttl from at-least-once consumer.dedup=ledger consumer.dedup-ttl=1s\n"
             "strategies ttl\n", restart);
    test_scenario(ttl_text, "ttl", sc);
}

static void test_dist_dedup_ttl_misses_an_exponential_redelivery(void)
{
    static struct scenario sc;
    ttl_scenario(&sc, "0s");
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(&sc, sc.run_list[0], 1, &(struct sim_options){ .trace = &t, .spare_link = -1 }, &r);
    sim_time row = 0, skip = 0;
    for (size_t i = 0; i < t.len; i++) {
        row = t.recs[i].what == TRACE_ROW && !row ? t.recs[i].t : row;
        skip = t.recs[i].what == TRACE_SKIP && !skip ? t.recs[i].t : skip;
    }
    trace_fini(&t);
    CHECK(row > 0 && skip > row);
    double c = (double)(skip - row) / 1e9, T = 1, delta = 1;
    ttl_scenario(&sc, "exp 1s");
    const int n = 2000;
    uint64_t missed = 0;
    for (int i = 0; i < n; i++) {
        sim_run(&sc, sc.run_list[0], (uint64_t)i + 1, &r);
        missed += r.duplicated;
    }
    double want = exp(-(T - c) / delta), got = (double)missed / n;
    double half = Z99 * sqrt(want * (1 - want) / n);
    if (fabs(got - want) > half)
        fprintf(stderr, "  dedup misses %.4f, expected %.4f +- %.4f\n", got, want, half);
    CHECK(fabs(got - want) <= half);
}

/* Where the language takes a distribution, and how a recurring fault reads back. */
static void test_dist_in_the_language(void)
{
    static struct scenario sc;
    struct parse_error err;
    const char *text = "scenario d\npayments 10 every exp 1ms\n"
                       "link consumer->gateway delay pareto 1ms 1.25 loss 1%\n"
                       "set gateway.latency exp 50ms\nset ledger.latency 1ms..3ms\n"
                       "pause consumer at 1s for exp 2s\n"
                       "pauses consumer every exp 30s for pareto 100ms 1.5\n"
                       "crashes gateway every 1h restart after 5s..10s\n";
    if (!scenario_parse("d.scn", text, &sc, &err)) {
        fprintf(stderr, "  %u:%u: %s\n", err.line, err.col, err.message);
        CHECK(false);
        return;
    }
    CHECK(scenario_drawn_arrivals(&sc));
    CHECK_EQ(dist_mean(&sc.gaps), SIM_MS); /* the mean */
    const struct link_config *c = &sc.links[LINK_CONSUMER_GATEWAY];
    CHECK(c->delay.kind == DIST_PARETO && c->delay.lo == SIM_MS && c->delay.shape == 1250);
    CHECK_EQ(c->loss_ppm, 10000);
    CHECK(sc.params.gateway_latency.kind == DIST_EXP);
    CHECK(sc.params.ledger_latency.kind == DIST_UNIFORM && sc.params.ledger_latency.hi == 3 * SIM_MS);
    char buf[256];
    CHECK_STR(scenario_fault_text(&sc.faults[0], buf, sizeof buf), "pause consumer-1 at 1s for exp 2s");
    CHECK(!fault_recurs(&sc.faults[0]) && fault_recurs(&sc.faults[1]));
    CHECK_STR(scenario_fault_text(&sc.faults[1], buf, sizeof buf),
              "pauses consumer-1 every exp 30s for pareto 100ms 1.5");
    CHECK_STR(scenario_fault_text(&sc.faults[2], buf, sizeof buf),
              "crashes gateway every 1h restart after 5s..10s");
    CHECK(!scenario_parse("d.scn", "scenario d\npayments 1 every 1ms\npause consumer at 1s for exp\n",
                          &sc, &err));
    CHECK_STR(err.message, "expected the mean after exp");
    CHECK(!scenario_parse("d.scn", "scenario d\npayments 1 every 1ms\n"
                          "set gateway.latency pareto 1ms 0\n", &sc, &err));
    CHECK_STR(err.message, "gateway.latency must have a shape above 0 and at most 100, with up "
                           "to three decimals, like 1.5, got '0'");
    CHECK(!scenario_parse("d.scn", "scenario d\npayments 1 every 1ms\n"
                          "crashes consumer every 0s..1s restart after 1s\n", &sc, &err));
    CHECK_EQ(err.col, 24);
    CHECK(!scenario_parse("d.scn", "scenario d\npayments 3 every pareto 10000h 1.001\n", &sc,
                          &err)); /* a mean past 64 bits is too long, not "no mean" */
    CHECK(strstr(err.message, "would come after 1000000h") != NULL);
    CHECK(!scenario_parse("d.scn", "scenario d\npayments 1 every 1ms\n"
                          "pauses consumer every exp 999ns for 1s\n", &sc, &err));
    CHECK(strstr(err.message, "at least 1us") != NULL);
    /* a drawn length reads back exactly */
    CHECK(scenario_parse("d.scn", "scenario d\npayments 1 every 1ms\n"
                         "pause consumer at 1s for 1234567ns..2s\n", &sc, &err));
    CHECK_STR(scenario_fault_text(&sc.faults[0], buf, sizeof buf),
              "pause consumer-1 at 1s for 1234567ns..2s");
}

/* Recurring faults keep no run alive: a run whose payments are done ends at quiescence,
 * and the same seed gives the same pauses. */
static void test_dist_recurring_faults_end_and_repeat(void)
{
    static struct scenario sc;
    const char *text = "scenario r\npayments 200 every exp 5ms\n"
                       "pauses consumer every exp 200ms for exp 50ms\n"
                       "crashes gateway every exp 300ms restart after exp 20ms\n";
    int s = test_scenario(text, "at-least-once", &sc);
    if (s < 0)
        return;
    struct run_result a, b;
    sim_time fired[FAULTS_MAX];
    sim_run_with(&sc, (uint32_t)s, 3, &(struct sim_options){ .spare_link = -1,
                 .spare_message = UINT64_MAX, .fired_at = fired }, &a);
    CHECK(fired[0] < 10 * SIM_SEC && a.end_time > 30 * SIM_SEC); /* known by its first firing */
    sim_run(&sc, (uint32_t)s, 3, &b);
    CHECK(!a.horizon);
    CHECK(a.end_time < 10 * 60 * SIM_SEC); /* each crash costs a gateway timeout, no more */
    CHECK_EQ(a.lost + a.pending + a.duplicated, 0); /* a crash loses charges not yet made */
    CHECK(a.latency_max > 2 * SIM_SEC);             /* ... which wait and are retried */
    CHECK_EQ(a.events, b.events);
    CHECK_EQ(a.duplicated, b.duplicated);
    sim_run(&sc, (uint32_t)s, 4, &b);
    CHECK(a.events != b.events); /* another seed, other draws */
}

const struct test dist_tests[] = {
    { "dist_in_the_language", test_dist_in_the_language },
    { "dist_recurring_faults_end_and_repeat", test_dist_recurring_faults_end_and_repeat },
    { "dist_dedup_ttl_misses_an_exponential_redelivery",
      test_dist_dedup_ttl_misses_an_exponential_redelivery },
    { "dist_fixed_point_log_and_exp", test_dist_fixed_point_log_and_exp },
    { "dist_exponential_mean_and_tail", test_dist_exponential_mean_and_tail },
    { "dist_pareto_tail", test_dist_pareto_tail },
    { "dist_uniform_is_rng_range", test_dist_uniform_is_rng_range },
    { NULL, NULL },
};
