/* dist_test.c: random durations. The fixed-point log and exp against their exact values;
 * the exponential's mean and tail and the Pareto's tail against the closed forms, within
 * 99% intervals over 200,000 draws; fixed and uniform draws are rng_range's, unchanged. */
#include <math.h>

#include "base/dist.h"
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

const struct test dist_tests[] = {
    { "dist_fixed_point_log_and_exp", test_dist_fixed_point_log_and_exp },
    { "dist_exponential_mean_and_tail", test_dist_exponential_mean_and_tail },
    { "dist_pareto_tail", test_dist_pareto_tail },
    { "dist_uniform_is_rng_range", test_dist_uniform_is_rng_range },
    { NULL, NULL },
};
