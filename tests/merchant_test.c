/* merchant_test.c: payments listed one by one with merchants and amounts, merchants dealt
 * to generated payments, each merchant's balances (table, CSV, `expect balance`), and
 * the errors a listing can make. */
#include <stdlib.h>

#include "env/trace.h"
#include "lang/scenario.h"
#include "out/explain.h"
#include "out/report.h"
#include "out/table.h"
#include "run/sim.h"
#include "test.h"

static struct scenario sc; /* kept off the stack */
static struct parse_error err;
static struct run_result runs[STRATEGIES_MAX];

/* The worked example: four events to two merchants, txn-3 appended twice by a lost ack. */
#define FIVE_EVENTS "scenario five\n"                                   \
                    "payment txn-1 m-A 1000 at 0s\n"                    \
                    "payment txn-2 m-A 500 at 500ms\n"                  \
                    "payment txn-3 m-B 2000 at 1s\n"                    \
                    "payment txn-4 m-A 300 at 1.5s\n"                   \
                    "set producer.request-timeout 200ms\n"              \
                    "drop broker->producer on ack payment txn-3\n"      \
                    "strategy keyed from at-least-once gateway.key=per-payment\n" \
                    "strategies at-least-once keyed idempotent\n"

static bool run_all(const char *text, struct scenario_results *res)
{
    return test_run_all(text, &sc, runs, res);
}

static void test_listed_payments_balances(void)
{
    struct scenario_results res;
    if (!run_all(FIVE_EVENTS, &res))
        return;
    CHECK_EQ(sc.payments, 4);
    CHECK_EQ(sc.nmerchants, 2);
    CHECK_EQ(scenario_payment_time(&sc, 3), 1500 * SIM_MS);
    CHECK_EQ(sc.faults[0].payment, 2); /* txn-3, named by its id */
    const struct run_result *naive = &runs[0], *keyed = &runs[1], *dedup = &runs[2];
    CHECK_EQ(naive->amount_intended, 3800);
    CHECK_EQ(naive->amount_charged, 5800);
    CHECK_EQ(naive->merchant_charged[0], 1800); /* m-A */
    CHECK_EQ(naive->merchant_charged[1], 4000); /* m-B, charged twice */
    CHECK_EQ(keyed->merchant_charged[1], 2000);
    CHECK_EQ(keyed->merchant_ledger[1], 4000);  /* the ledger has no key */
    CHECK_EQ(dedup->merchant_charged[1], 2000);
    CHECK_EQ(dedup->merchant_ledger[1], 2000);
    CHECK_EQ(dedup->merchant_intended[0] + dedup->merchant_intended[1], 3800);
}

static void write_table(FILE *out, const void *res) { table_scenario(out, res, false); }
static void write_expectations(FILE *out, const void *res) { report_expectations(out, res); }

static void write_merchants(FILE *out, const void *res)
{
    const struct scenario_results *r = res;
    struct sweep_results sr = { .sc = r->sc, .npoints = 1, .nstrategies = r->nstrategies,
                                .nseeds = 1, .runs = r->runs };
    memcpy(sr.strategies, r->strategies, sizeof sr.strategies);
    report_merchants_csv(out, &sr);
}

static void test_balances_in_table_csv_and_expect(void)
{
    struct scenario_results res;
    if (!run_all(FIVE_EVENTS "expect at-least-once balance m-B = 4000 balance m-A = 1800\n"
                 "expect keyed balance m-B = 4000\n", &res))
        return;
    char *table = test_capture(write_table, &res);
    CHECK(strstr(table, "\n  balance         merchant       intended        charged      "
                        "in-ledger\n  at-least-once   m-A                1800           1800"
                        "           1800\n                  m-B                2000         "
                        "  4000           4000\n") != NULL);
    free(table);
    char *csv = test_capture(write_merchants, &res);
    CHECK(strstr(csv, "scenario,strategy,seed,merchant,amount_intended,amount_charged,"
                      "amount_ledger\r\nfive,at-least-once,1,m-A,1800,1800,1800\r\n"
                      "five,at-least-once,1,m-B,2000,4000,4000\r\n") == csv);
    free(csv);
    char *failed = test_capture(write_expectations, &res);
    CHECK_STR(failed, "t.scn:11: expectation failed: keyed balance m-B = 4000, got 2000\n");
    free(failed);
}

static void test_merchants_dealt_round_robin(void)
{
    struct scenario_results res;
    if (!run_all("scenario rr\npayments 10 every 1ms amount 5 merchants 3\n"
                 "strategies at-least-once\n", &res))
        return;
    CHECK_STR(sc.merchants[2], "m-3");
    CHECK_EQ(runs[0].merchant_intended[0], 20); /* payments 0, 3, 6, 9 */
    CHECK_EQ(runs[0].merchant_intended[1], 15);
    CHECK_EQ(runs[0].merchant_charged[2], 15);
}

static void test_listed_payments_errors(void)
{
    CHECK_REJECTS("scenario t\npayment a m 1 at 1s\npayment b m 1 at 0s\n", 3, 18,
                  "payments are listed in the order of their times: this one comes before "
                  "payment a");
    CHECK_REJECTS("scenario t\npayment a m 1 at 1s\npayment a m 1 at 2s\n", 3, 9,
                  "payment a is already listed (payment 0); to deliver it twice, make a link "
                  "duplicate it (`duplicate broker->consumer on records payment a`) or lose "
                  "its ack");
    CHECK_REJECTS("scenario t\npayment 7 m 1 at 1s\n", 2, 9,
                  "a payment id must not be a number (`payment K` would read it as the "
                  "payment's number): say txn-7");
    CHECK_REJECTS("scenario t\npayment a m 1 at 1s\npayments 3 every 1s\n", 3, 1,
                  "the payments are listed one by one from line 2: list them or generate "
                  "them, not both");
    CHECK(scenario_parse("t.scn", "scenario t\npayments 3 every 1s amount 7 merchants 3\n"
                         "payments 5 every 2s\n", &sc, &err));
    CHECK(sc.payments == 5 && sc.nmerchants == 0 && sc.amount_max == 100); /* the last wins whole */
    CHECK_REJECTS("scenario t\npayments 3 every 1s\npayment a m 1 at 2s\n", 3, 1,
                  "the payments are already given by `payments` on line 2: list them one by "
                  "one or generate them, not both");
    CHECK_REJECTS("scenario t\npayment a m 1 at 1s\nexpect at-least-once balance m-Z = 1\n", 3,
                  30, "unknown merchant 'm-Z' (merchants: m)");
    CHECK_REJECTS("scenario t\npayments 3 every 1s merchants 2\n"
                  "expect-all at-least-once balance m-1 = 1\n", 3, 26,
                  "balance is a run's expectation (`expect`), not one over eosim check's "
                  "fault space");
    CHECK_REJECTS("scenario t\npayment a m 1 at 1s\ndrop broker->producer on ack payment b\n", 3,
                  38, "unknown payment 'b' (payments listed so far: a)");
}

/* explain names a listed payment by its id as well as its number. */
static void test_listed_payment_story_names_its_id(void)
{
    struct scenario_results res;
    if (!run_all(FIVE_EVENTS, &res))
        return;
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(&sc, sc.run_list[0], sc.seed, &(struct sim_options){ .trace = &t, .spare_link = -1 },
                 &r);
    trace_end(&t);
    FILE *f = tmpfile();
    char line[128] = "";
    if (f) {
        explain_payment(f, &sc, sc.run_list[0], &t, 2, NULL);
        rewind(f);
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    trace_fini(&t);
    CHECK_STR(line, "payment 2 (txn-3) under at-least-once: charged 2 times\n");
}

const struct test merchant_tests[] = {
    { "listed_payment_story_names_its_id", test_listed_payment_story_names_its_id },
    { "listed_payments_balances", test_listed_payments_balances },
    { "balances_in_table_csv_and_expect", test_balances_in_table_csv_and_expect },
    { "merchants_dealt_round_robin", test_merchants_dealt_round_robin },
    { "listed_payments_errors", test_listed_payments_errors },
    { NULL, NULL },
};
