/* explore_test.c: eosim check's pieces. The fault space of a one-payment run, placement
 * by placement; the count and order of placements; the targeted `duplicate`; the
 * counterfactual attribution; the floor of an anomaly sample. */
#include <stdlib.h>

#include "run/attribute.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "run/space.h"
#include "test.h"

static struct scenario sc; /* large: off the stack */

/* One payment under at-most-once, every link 1 ms: the life of the payment and of the
 * consumer's group membership, step by step, in the order the run meets them. */
#define ONE "scenario one\npayments 1 every 1ms\nstrategies at-most-once\n"

/* Derived by hand from the protocol (README "Checking a design"): each message kind a
 * run carries gives drop, duplicate and delay (past its guard: 30 s request timeouts plus
 * 1 ms, 45 s session timeout for heartbeats, 2 s gateway timeout); each protocol point
 * reached gives a crash of the node that reached it and, for the consumer, a pause of
 * 45 s + 2 x 3 s; last, the operator's rewind one second past the end (t = 0.28 s). */
static const char *const one_space[] = {
    /* t = 0: the consumer asks to join; the producer sends payment 0 */
    "drop consumer->broker on join", "duplicate consumer->broker on join",
    "delay consumer->broker on join by 30001ms",
    "drop consumer->broker on heartbeat", "duplicate consumer->broker on heartbeat",
    "delay consumer->broker on heartbeat by 45001ms",
    "drop producer->broker on produce payment 0",
    "duplicate producer->broker on produce payment 0",
    "delay producer->broker on produce payment 0 by 30001ms",
    "crash producer on send payment 0",
    /* t = 1 ms: the broker answers the join and the heartbeat, appends and acks */
    "drop broker->consumer on joined", "duplicate broker->consumer on joined",
    "delay broker->consumer on joined by 30001ms",
    "drop broker->consumer on heartbeat-ack", "duplicate broker->consumer on heartbeat-ack",
    "delay broker->consumer on heartbeat-ack by 45001ms",
    "crash broker on append payment 0",
    "drop broker->producer on ack payment 0", "duplicate broker->producer on ack payment 0",
    "delay broker->producer on ack payment 0 by 30001ms",
    "crash broker on ack-sent payment 0",
    /* the consumer finds its committed offset, fetches, and polls the record */
    "drop consumer->broker on offset-fetch", "duplicate consumer->broker on offset-fetch",
    "delay consumer->broker on offset-fetch by 30001ms",
    "drop broker->consumer on offsets", "duplicate broker->consumer on offsets",
    "delay broker->consumer on offsets by 30001ms",
    "drop consumer->broker on fetch", "duplicate consumer->broker on fetch",
    "delay consumer->broker on fetch by 30001ms",
    "drop broker->consumer on records payment 0",
    "duplicate broker->consumer on records payment 0",
    "delay broker->consumer on records payment 0 by 30001ms",
    "crash consumer-1 on poll", "pause consumer-1 on poll for 51s",
    /* at-most-once: the offset commit comes before the effect */
    "crash consumer-1 on before-commit", "pause consumer-1 on before-commit for 51s",
    "drop consumer->broker on commit", "duplicate consumer->broker on commit",
    "delay consumer->broker on commit by 30001ms",
    "drop broker->consumer on commit-ack", "duplicate broker->consumer on commit-ack",
    "delay broker->consumer on commit-ack by 30001ms",
    "crash consumer-1 on after-commit", "pause consumer-1 on after-commit for 51s",
    /* then the charge, its answer and the ledger row */
    "crash consumer-1 on before-effect payment 0",
    "pause consumer-1 on before-effect payment 0 for 51s",
    "drop consumer->gateway on charge payment 0", "duplicate consumer->gateway on charge payment 0",
    "delay consumer->gateway on charge payment 0 by 2001ms",
    "crash gateway on charge payment 0",
    "drop gateway->consumer on response payment 0",
    "duplicate gateway->consumer on response payment 0",
    "delay gateway->consumer on response payment 0 by 2001ms",
    "crash gateway on respond payment 0",
    "crash consumer-1 on after-effect payment 0", "pause consumer-1 on after-effect payment 0 for 51s",
    "crash consumer-1 on write payment 0", "crash ledger on write payment 0",
    "pause ledger on write payment 0 for 5002ms", "pause consumer-1 on write payment 0 for 51s",
    "crash consumer-1 on commit payment 0", "crash ledger on commit payment 0",
    "pause consumer-1 on commit payment 0 for 51s",
    "reset-offsets to shift -1 at 2s",
};

/* The fault space of ONE under at-most-once; the base run's result in *base. */
static void one_space_build(struct fault_space *sp, struct run_result *base)
{
    int s = test_scenario(ONE, "at-most-once", &sc);
    space_build(&sc, (uint32_t)s, sc.seed, sp, base);
}

static void test_check_space_of_one_payment(void)
{
    struct fault_space sp;
    struct run_result base;
    one_space_build(&sp, &base);
    size_t want = sizeof one_space / sizeof one_space[0];
    CHECK_EQ(sp.n, want);
    for (uint32_t i = 0; i < sp.n && i < want; i++) {
        char buf[256];
        CHECK_STR(scenario_fault_text(&sp.faults[i], buf, sizeof buf), one_space[i]);
    }
    for (uint32_t i = 1; i < sp.n; i++)
        CHECK(sp.first[i] >= sp.first[i - 1]); /* in the order the run met them */
    CHECK_EQ(base.lost + base.duplicated, 0);
    space_fini(&sp);
}

/* Every text the space prints parses back to the same fault. */
static void test_check_fault_text_parses_back(void)
{
    struct fault_space sp;
    struct run_result base;
    one_space_build(&sp, &base);
    static struct scenario again;
    for (uint32_t i = 0; i < sp.n; i++) {
        char text[512], buf[256];
        snprintf(text, sizeof text, ONE "%s\n", scenario_fault_text(&sp.faults[i], buf, sizeof buf));
        if (test_scenario(text, "at-most-once", &again) < 0)
            continue;
        CHECK_EQ(again.nfaults, 1);
        struct fault f = again.faults[0], g = sp.faults[i];
        f.line = g.line = 0;
        CHECK(memcmp(&f, &g, sizeof f) == 0);
    }
    space_fini(&sp);
}

/* n faults of which m repeatable: C(n, 2) + m pairs (a repeated drop takes two copies),
 * and the enumeration yields exactly them, in increasing order. */
static void test_check_placements_count_and_order(void)
{
    struct fault_space sp;
    struct run_result base;
    one_space_build(&sp, &base);
    uint64_t n = sp.n, m = 0;
    for (uint32_t i = 0; i < sp.n; i++)
        m += space_repeatable(&sp.faults[i]);
    CHECK_EQ(m, 14 * 3);
    CHECK_EQ(space_placements(&sp, 1), n);
    CHECK_EQ(space_placements(&sp, 2), n + n * (n - 1) / 2 + m);
    uint32_t idx[2], prev[2] = { 0, 0 };
    uint64_t pairs = 0;
    for (bool more = space_first(&sp, idx, 2); more; more = space_next(&sp, idx, 2)) {
        CHECK(idx[0] <= idx[1]);
        CHECK(idx[0] != idx[1] || space_repeatable(&sp.faults[idx[0]]));
        CHECK(pairs == 0 || idx[0] > prev[0] || (idx[0] == prev[0] && idx[1] > prev[1]));
        prev[0] = idx[0], prev[1] = idx[1];
        pairs++;
    }
    CHECK_EQ(pairs, n * (n - 1) / 2 + m);
    space_fini(&sp);
}

/* A charge delivered twice is executed twice by a gateway that has no key, and once by
 * one that has the payment's key. */
static void test_check_duplicate_statement(void)
{
    struct run_result r;
    const char *text = "scenario copy\npayments 1 every 1ms\n"
                       "duplicate consumer->gateway on charge payment 0\n";
    test_run(text, "at-most-once", &r);
    CHECK_EQ(r.charges, 2);
    CHECK_EQ(r.duplicated, 1);
    test_run(text, "idempotent", &r);
    CHECK_EQ(r.charges, 1);
    CHECK_EQ(r.absorbed, 1);
}

/* The drop of payment 4's response is necessary to its double charge; a crash long after
 * quiescence is not; a pause that fires but changes nothing is not either. */
static void test_check_attribution(void)
{
    const char *text = "scenario why\npayments 10 every 100ms\n"
                       "set consumer.gateway-timeout 500ms\n"
                       "drop gateway->consumer on response payment 4\n"
                       "crash gateway at 1h\n"
                       "pause producer at 0s for 1us\n";
    int s = test_scenario(text, "at-least-once", &sc);
    struct run_result r;
    sim_run(&sc, (uint32_t)s, sc.seed, &r);
    CHECK_EQ(r.duplicated, 1);
    struct attribution a;
    attribute_run(&sc, (uint32_t)s, &r, &a);
    CHECK_EQ(a.nfired, 3);
    CHECK_EQ(a.needed[ANOMALY_DUPLICATED][0], 1); /* bit 0: the drop, line 4 */
    char buf[600];
    attribute_lines(&sc, &a, ANOMALY_DUPLICATED, 0, true, buf, sizeof buf);
    CHECK_STR(buf, "4");
    attribute_lines(&sc, &a, ANOMALY_DUPLICATED, 0, false, buf, sizeof buf);
    CHECK_STR(buf, "5 6");
    CHECK_STR(attribute_text(&sc, &a, ANOMALY_DUPLICATED, 0, buf, sizeof buf),
              "necessary: the drop at 453ms (line 4); not necessary: the crash at 1h "
              "(line 5), the pause at 0s (line 6)");
}

/* A sample that starts at a floor: what a counterfactual asks about one payment. */
static void test_check_sample_floor(void)
{
    int s = test_scenario("scenario floor\npayments 40 every 1ms\n"
                          "crash consumer on after-effect payment 2 restart after 1s\n",
                          "at-least-once", &sc);
    struct run_result r, high;
    sim_run(&sc, (uint32_t)s, sc.seed, &r);
    CHECK(r.anomalies[ANOMALY_DUPLICATED].count > 1);
    uint32_t second = r.anomalies[ANOMALY_DUPLICATED].payments[1];
    sim_run_with(&sc, (uint32_t)s, sc.seed,
                 &(struct sim_options){ .spare_link = -1, .spare_message = UINT64_MAX,
                                        .sample_from = second }, &high);
    CHECK_EQ(high.anomalies[ANOMALY_DUPLICATED].payments[0], second);
    CHECK_EQ(high.duplicated, r.duplicated); /* counts are whole; only the sample moves */
}

/* expect-all and expect-some go to the fault space's list, not to run's. */
static void test_check_expect_scopes(void)
{
    test_scenario(ONE "expect at-most-once lost = 0\nexpect-all at-most-once duplicated <= 1\n"
                      "expect-some at-most-once lost > 0 duplicated > 0\n", "at-most-once", &sc);
    CHECK_EQ(sc.nexpects, 1);
    CHECK_EQ(sc.nspace_expects, 3);
    CHECK_EQ(sc.space_expects[0].scope, EXPECT_ALL);
    CHECK_EQ(sc.space_expects[2].scope, EXPECT_SOME);
    CHECK_EQ(sc.space_expects[2].metric, METRIC_DUPLICATED);
}

const struct test explore_tests[] = {
    { "check_space_of_one_payment", test_check_space_of_one_payment },
    { "check_fault_text_parses_back", test_check_fault_text_parses_back },
    { "check_placements_count_and_order", test_check_placements_count_and_order },
    { "check_duplicate_statement", test_check_duplicate_statement },
    { "check_attribution", test_check_attribution },
    { "check_sample_floor", test_check_sample_floor },
    { "check_expect_scopes", test_check_expect_scopes },
    { NULL, NULL },
};
