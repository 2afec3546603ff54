/* anomaly_test.c: the Kafka anomaly vocabulary, counted and attached to payments. Each
 * anomaly comes from a small scenario whose payments can be named by hand; then the
 * sample itself (the smallest ids, whatever the order they come in), and where the
 * payments show: the table's lines, the anomalies CSV and the `expect` metrics. */
#include <stdlib.h>

#include "env/tally.h"
#include "out/report.h"
#include "out/table.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"

/* Checks a sample against the ids it should hold, in order, and whether it says more. */
static void check_sample(const struct anomaly_sample *a, const uint32_t *want, uint32_t n,
                         bool more)
{
    CHECK_EQ(a->count, n);
    for (uint32_t j = 0; j < n && j < a->count; j++)
        CHECK_EQ(a->payments[j], want[j]);
    CHECK_EQ(a->more, more);
}

/* Payments no anomaly of these kinds touched. */
static void check_none(const struct run_result *r, const enum anomaly *kinds, int n)
{
    for (int k = 0; k < n; k++)
        CHECK_EQ(r->anomalies[kinds[k]].count, 0);
}

static void test_anomaly_sample_keeps_smallest_distinct(void)
{
    struct anomaly_sample a = { .count = 0 };
    const uint32_t order[] = { 50, 3, 3, 90, 7, 1, 12, 40, 8, 2, 7, 60, 5, 50 };
    for (size_t j = 0; j < sizeof order / sizeof order[0]; j++)
        anomaly_note(&a, order[j]);
    const uint32_t want[ANOMALY_SAMPLE] = { 1, 2, 3, 5, 7, 8, 12, 40 }; /* 50 60 90 out */
    check_sample(&a, want, ANOMALY_SAMPLE, true);
    struct anomaly_sample b = { .count = 0 };
    for (uint32_t p = ANOMALY_SAMPLE; p-- > 0;) { /* exactly a sample's worth, twice */
        anomaly_note(&b, p);
        anomaly_note(&b, p);
    }
    const uint32_t all[ANOMALY_SAMPLE] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    check_sample(&b, all, ANOMALY_SAMPLE, false);
    anomaly_note(&b, ANOMALY_SAMPLE); /* one more, larger than every kept one */
    check_sample(&b, all, ANOMALY_SAMPLE, true);
}

#define ACK_LOST "scenario ack-lost\npayments 10 every 500ms\n" \
                 "set producer.request-timeout 200ms\ndrop broker->producer on ack payment 3\n"

static void test_anomaly_duplicate_in_log_names_payment(void)
{
    struct run_result r;
    test_run(ACK_LOST, "at-least-once", &r);
    CHECK_EQ(r.duplicates_in_log, 1);
    const uint32_t three[] = { 3 };
    check_sample(&r.anomalies[ANOMALY_DUPLICATE_IN_LOG], three, 1, false);
    check_sample(&r.anomalies[ANOMALY_DUPLICATED], three, 1, false); /* and charged twice */
    const enum anomaly others[] = { ANOMALY_LOST, ANOMALY_ABORTED_READ, ANOMALY_SKIPPED_OFFSET,
                                    ANOMALY_HANGING_TXN, ANOMALY_LOST_WRITE, ANOMALY_TORN_TXN };
    check_none(&r, others, 6);
    test_run(ACK_LOST, "idempotent", &r); /* the broker drops the retry: nothing to name */
    CHECK_EQ(r.duplicates_in_log, 0);
    for (int k = 0; k < ANOMALY_KINDS; k++)
        CHECK_EQ(r.anomalies[k].count, 0);
}

static void test_anomaly_lost_and_duplicated_name_payments(void)
{
    struct run_result r;
    test_run("scenario produce-lost\npayments 10 every 10ms\nset producer.request-timeout 200ms\n"
             "drop producer->broker on produce payment 4\n", "at-most-once", &r);
    const uint32_t four[] = { 4 };
    CHECK_EQ(r.lost, 1);
    check_sample(&r.anomalies[ANOMALY_LOST], four, 1, false);
    CHECK_EQ(r.anomalies[ANOMALY_DUPLICATED].count, 0);
    test_run("scenario response-lost\npayments 10 every 100ms\n"
             "set consumer.gateway-timeout 500ms\ndrop gateway->consumer on response payment 4\n",
             "at-least-once", &r);
    CHECK_EQ(r.duplicated, 1);
    check_sample(&r.anomalies[ANOMALY_DUPLICATED], four, 1, false);
    /* one copy in the log: the second charge is the worker's retry, not Kafka's */
    CHECK_EQ(r.anomalies[ANOMALY_DUPLICATE_IN_LOG].count, 0);
}

static void test_anomaly_skipped_offsets_name_payments(void)
{
    /* auto-commit runs ahead of asynchronous work; the crash after payment 30's charge
     * loses 31 to 99, which the restarted worker skips */
    struct run_result r;
    test_run("scenario auto-commit-async\npayments 100 every 1us\npause consumer at 0s for 1s\n"
             "crash consumer on after-effect payment 30 restart after 1s\n"
             "set consumer.auto-commit-interval 1ms\n", "at-most-once", &r);
    const uint32_t from31[] = { 31, 32, 33, 34, 35, 36, 37, 38 };
    CHECK_EQ(r.skipped_offsets, 69);
    check_sample(&r.anomalies[ANOMALY_SKIPPED_OFFSET], from31, ANOMALY_SAMPLE, true);
    CHECK_EQ(r.lost, 69);
    check_sample(&r.anomalies[ANOMALY_LOST], from31, ANOMALY_SAMPLE, true);
}

static void test_anomaly_aborted_read_names_payment(void)
{
    /* payment 7's ack is lost; its transaction times out, is aborted and sent again in
     * the next one, and a read-uncommitted worker has read the aborted copy */
    const char *text = "scenario aborted\npayments 20 every 10ms\n"
                       "set producer.transaction-records 5\nset producer.delivery-timeout 50ms\n"
                       "drop broker->producer on ack payment 7\n"
                       "strategy ru from transactional consumer.isolation=read-uncommitted\n";
    struct run_result r;
    test_run(text, "ru", &r);
    const uint32_t seven[] = { 7 };
    CHECK_EQ(r.aborted_reads, 1);
    check_sample(&r.anomalies[ANOMALY_ABORTED_READ], seven, 1, false);
    check_sample(&r.anomalies[ANOMALY_DUPLICATED], seven, 1, false);
    test_run(text, "transactional", &r); /* read-committed skips the aborted copy */
    CHECK_EQ(r.aborted_reads, 0);
    CHECK_EQ(r.anomalies[ANOMALY_ABORTED_READ].count, 0);
    CHECK_EQ(r.anomalies[ANOMALY_DUPLICATED].count, 0);
}

/* Before KIP-890: a late EndTxn commits the next transaction (24 to 33: the first one
 * holds 0 to 3, the intents that came while InitProducerId was out) after only its first
 * half is in the log, so 29 to 33 stay open forever: a torn transaction, a hanging one,
 * and acked writes nobody can read, which stall read-committed readers. */
#define TORN "scenario torn\npayments 40 every 1ms\nset producer.transaction-records 10\n" \
             "link producer->broker delay 2ms\nlink broker->producer delay 2ms\n" \
             "set producer.request-timeout 100ms\nset broker.transaction-defense off\n" \
             "delay producer->broker on end-txn by 130ms\nstrategies transactional\n"

static void test_anomaly_torn_and_hanging_name_payments(void)
{
    struct run_result r;
    test_run(TORN, "transactional", &r);
    const uint32_t open[] = { 29, 30, 31, 32, 33 }, txn[] = { 24, 25, 26, 27, 28, 29, 30, 31 };
    CHECK_EQ(r.hanging, 5);
    check_sample(&r.anomalies[ANOMALY_HANGING_TXN], open, 5, false);
    CHECK_EQ(r.lost_writes, 5);
    check_sample(&r.anomalies[ANOMALY_LOST_WRITE], open, 5, false);
    CHECK_EQ(r.torn_transactions, 1);
    check_sample(&r.anomalies[ANOMALY_TORN_TXN], txn, ANOMALY_SAMPLE, true); /* 32, 33 */
    CHECK_EQ(r.lost, 11); /* 29 to 39: behind the hanging records */
    CHECK_EQ(r.anomalies[ANOMALY_LOST].payments[0], 29);
}

/* ---- where the payments show ---- */

static struct scenario sc; /* about 60 KB: kept off the stack */
static struct run_result runs[STRATEGIES_MAX];

static bool run_scenario(const char *text, struct scenario_results *res)
{
    return test_run_all(text, &sc, runs, res);
}

static void write_table(FILE *out, const void *res) { table_scenario(out, res, false); }
static void write_anomalies(FILE *out, const void *sr) { report_anomalies_csv(out, sr); }
static void write_csv(FILE *out, const void *res) { report_csv(out, res); }

static void test_anomaly_table_names_payments(void)
{
    struct scenario_results res;
    CHECK(run_scenario(ACK_LOST, &res));
    char *text = test_capture(write_table, &res);
    CHECK(strstr(text, "\n  payments        the smallest ids, from each strategy's first seed "
                       "with any\n  at-least-once   seed 1: duplicated 3; duplicate-in-log 3\n"
                       "                  duplicated 3: necessary: the drop at 1.501s (line 4)\n"
                       "                  duplicate-in-log 3: necessary: the drop at 1.501s "
                       "(line 4)\n"
                       "  follow one up:\n  eosim explain t.scn --strategy at-least-once "
                       "--payment 3\n") != NULL);
    CHECK(strstr(text, "idempotent      seed") == NULL); /* only strategies with some */
    CHECK(strstr(text, "\n  kafka anomalies\n  at-most-once    none\n"
                       "  at-least-once   duplicates-in-log 1\n") != NULL);
    free(text);
    CHECK(run_scenario("scenario clean\npayments 10 every 1ms\n", &res));
    text = test_capture(write_table, &res);
    CHECK(strstr(text, "\n  payments ") == NULL && strstr(text, "explain") == NULL);
    free(text);
}

/* The verdict comes first, one per strategy, money included; then the compact table,
 * whose Kafka-side columns and money table only --wide prints. */
static void write_wide(FILE *out, const void *res) { table_scenario(out, res, true); }

static void test_table_verdicts_first(void)
{
    struct scenario_results res;
    CHECK(run_scenario(ACK_LOST, &res));
    char *text = test_capture(write_table, &res), *wide = test_capture(write_wide, &res);
    CHECK(strstr(text, "\n  at-least-once   charges twice: 1 of 10 payments (10%), 100 "
                       "over-charged\n") != NULL);
    CHECK(strstr(text, "\n  idempotent      exactly once\n") != NULL);
    CHECK(strstr(text, "\n  strategy          lost duplicated  pending  charges      p50      "
                       "p99      max\n") != NULL);
    CHECK(strstr(text, "log-copies") == NULL && strstr(text, "in-ledger") == NULL);
    CHECK(strstr(wide, " log-copies deliveries ledger-rows ") != NULL);
    CHECK(strstr(wide, "\n  money ") != NULL && strstr(wide, " charged-twice ") != NULL);
    CHECK(strstr(wide, " duplicates-in-log aborted-reads ") != NULL);
    free(text);
    free(wide);
}

/* With more than one seed a verdict gives the rate's 95% interval over the runs. */
static void test_table_rates_with_interval(void)
{
    struct scenario_results res;
    CHECK(run_scenario("scenario r\npayments 200 every 1ms\nlink gateway->consumer loss 5%\n"
                       "runs 4\nstrategies at-least-once\n", &res));
    res.nseeds = 4;
    for (uint32_t i = 0; i < 4; i++)
        sim_run(&sc, sc.run_list[0], sc.seed + i, &runs[i]);
    char *text = test_capture(write_table, &res);
    CHECK(strstr(text, "at-least-once   charges twice: ") != NULL);
    CHECK(strstr(text, " of 800 payments (") != NULL && strstr(text, ", 95% CI ") != NULL);
    free(text);
}

/* A run whose every anomaly is full, with large ids: its line still fits. */
static void test_anomaly_line_fits_100_columns(void)
{
    struct scenario_results res;
    CHECK(run_scenario(TORN, &res));
    for (int k = 0; k < ANOMALY_KINDS; k++)
        for (uint32_t p = 0; p < 20; p++)
            anomaly_note(&runs[0].anomalies[k], 1000000 + p);
    char *text = test_capture(write_table, &res), *line = strstr(text, "\n  transactional   seed 1: ");
    CHECK(line != NULL);
    if (line) {
        char *end = strchr(line + 1, '\n');
        CHECK(end && end - (line + 1) <= 100);
        CHECK(end && strncmp(end - 4, " ...", 4) == 0);
        CHECK(strstr(line, "lost 29 ...; duplicated 1000000 ...;") != NULL);
    }
    free(text);
}

static void test_anomaly_csv_rows(void)
{
    struct scenario_results res;
    CHECK(run_scenario(TORN, &res));
    struct sweep_results sr = { .sc = &sc, .npoints = 1, .nstrategies = 1, .nseeds = 1,
                                .runs = runs };
    sr.strategies[0] = res.strategies[0];
    char *csv = test_capture(write_anomalies, &sr);
    /* the last two columns: the late EndTxn on line 8 is necessary to every anomaly */
    const char *head = "scenario,strategy,seed,anomaly,payment,necessary,not_necessary\r\n"
                       "torn,transactional,1,lost,29,8,\r\ntorn,transactional,1,lost,30,8,\r\n";
    CHECK(strncmp(csv, head, strlen(head)) == 0);
    CHECK(strstr(csv, "\r\ntorn,transactional,1,lost,36,8,\r\n"
                      "torn,transactional,1,hanging-txn,29,8,\r\n") != NULL);
    CHECK(strstr(csv, "\r\ntorn,transactional,1,torn-txn,31,8,\r\n") != NULL);
    size_t rows = 0;
    for (const char *c = csv; (c = strstr(c, "\r\n")); c += 2)
        rows++;
    CHECK_EQ(rows, 1 + 8 + 5 + 5 + 8); /* header, lost, hanging, lost-write, torn */
    free(csv);
    csv = test_capture(write_csv, &res); /* the count in the per-run CSV, near the end */
    CHECK(strstr(csv, ",output_copies,torn_transactions,output_duplicates,stopped_at_event_limit,"
                      "gave_up,lost_indefinite,lost_definite\r\n") != NULL);
    /* hanging, lost_writes, output_copies, torn, output_duplicates */
    CHECK(strstr(csv, ",5,5,0,1,0,0,0,0,0\r\n") != NULL);
    free(csv);
}

static void test_anomaly_expect_metrics(void)
{
    struct scenario_results res;
    CHECK(run_scenario(TORN "expect transactional hanging = 5 lost-writes = 5 "
                            "torn-transactions = 1 duplicates-in-log = 0 aborted-reads = 0 "
                            "skipped-offsets = 0\n", &res));
    CHECK_EQ(sc.nexpects, 6);
    CHECK_EQ(report_expectations(stderr, &res), 0);
    CHECK_EQ(report_metric(&res, 0, METRIC_TORN_TRANSACTIONS), 1);
    CHECK(run_scenario(ACK_LOST "strategies at-least-once\n"
                                "expect at-least-once duplicates-in-log = 1\n", &res));
    CHECK_EQ(report_metric(&res, 0, METRIC_DUPLICATES_IN_LOG), 1);
    CHECK_EQ(report_expectations(stderr, &res), 0);
}

/* The tally's counts take 16 bits a payment and widen, exactly, past 65535. */
static void test_tally_counts_widen_exactly(void)
{
    struct tally t;
    tally_init(&t, 3);
    for (uint32_t k = 0; k < 70000; k++)
        CHECK_EQ(counts_bump(&t.charges, 1), k);
    counts_bump(&t.charges, 2);
    CHECK(t.charges.wide != NULL && t.charges.narrow == NULL);
    CHECK_EQ(counts_get(&t.charges, 0), 0);
    CHECK_EQ(counts_get(&t.charges, 1), 70000);
    CHECK_EQ(counts_get(&t.charges, 2), 1);
    CHECK(t.deliveries.wide == NULL); /* each count widens on its own */
    tally_fini(&t);
}

const struct test anomaly_tests[] = {
    { "tally_counts_widen_exactly", test_tally_counts_widen_exactly },
    { "anomaly_sample_keeps_smallest_distinct", test_anomaly_sample_keeps_smallest_distinct },
    { "anomaly_duplicate_in_log_names_payment", test_anomaly_duplicate_in_log_names_payment },
    { "anomaly_lost_and_duplicated_name_payments", test_anomaly_lost_and_duplicated_name_payments },
    { "anomaly_skipped_offsets_name_payments", test_anomaly_skipped_offsets_name_payments },
    { "anomaly_aborted_read_names_payment", test_anomaly_aborted_read_names_payment },
    { "anomaly_torn_and_hanging_name_payments", test_anomaly_torn_and_hanging_name_payments },
    { "anomaly_table_names_payments", test_anomaly_table_names_payments },
    { "anomaly_line_fits_100_columns", test_anomaly_line_fits_100_columns },
    { "table_verdicts_first", test_table_verdicts_first },
    { "table_rates_with_interval", test_table_rates_with_interval },
    { "anomaly_csv_rows", test_anomaly_csv_rows },
    { "anomaly_expect_metrics", test_anomaly_expect_metrics },
    { NULL, NULL },
};
