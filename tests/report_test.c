/* report_test.c: sweeps, aggregates and the batch's numbering, checked against values
 * worked out by hand: the order of a grid's points, exact range expansion, the labels
 * and CSV columns of swept values, mean / sd / 95% interval of small fixed samples, and
 * which runs a shard takes. */
#include <math.h>
#include <stdlib.h>

#include "out/aggregate.h"
#include "cli/batch.h"
#include "out/report.h"
#include "out/table.h"
#include "base/value.h"
#include "lang/scenario.h"
#include "cli/shard.h"
#include "lang/sweep.h"
#include "lang/grid.h"
#include "test.h"

static struct scenario sc; /* about 60 KB: kept off the stack */

static bool parse(const char *text)
{
    struct parse_error err;
    bool ok = scenario_parse("t.scn", text, &sc, &err);
    if (!ok)
        fprintf(stderr, "  parse error %u:%u: %s\n", err.line, err.col, err.message);
    return ok;
}

#define BASE "scenario g\npayments 10 every 1ms\n"

static void test_sweep_grid_order(void)
{
    CHECK(parse(BASE "sweep set consumer.session-timeout 10s,30s,45s\n"
                     "sweep link consumer->gateway loss 0%..2% step 2%\n"));
    CHECK_EQ(sc.nsweeps, 2);
    CHECK_EQ(sweep_points(&sc), 6);
    /* the first line varies slowest: (10s,0%) (10s,2%) (30s,0%) (30s,2%) (45s,0%) (45s,2%) */
    for (uint32_t p = 0; p < 6; p++) {
        uint32_t index[SWEEP_AXES_MAX];
        sweep_point_values(&sc, p, index);
        CHECK_EQ(index[0], p / 2);
        CHECK_EQ(index[1], p % 2);
    }
    struct scenario *point = malloc(sizeof *point);
    *point = sc;
    sweep_apply(point, 3);
    CHECK_EQ(point->params.consumer_session_timeout, 30 * SIM_SEC);
    CHECK_EQ(point->links[LINK_CONSUMER_GATEWAY].loss_ppm, 20000);
    CHECK_EQ(point->links[LINK_GATEWAY_CONSUMER].loss_ppm, 0);
    CHECK_EQ(sc.params.consumer_session_timeout, 45 * SIM_SEC); /* the base is untouched */
    free(point);
}

static void test_sweep_without_lines_is_one_point(void)
{
    CHECK(parse(BASE));
    CHECK_EQ(sweep_points(&sc), 1);
}

static void test_sweep_range_values_exact(void)
{
    CHECK(parse(BASE "sweep link consumer->gateway loss 0%..10% step 2.5%\n"
                     "sweep link broker->consumer delay 10ms..30ms step 10ms\n"
                     "sweep set consumer.max-poll-records 100..500 step 200\n"
                     "sweep link gateway->consumer delay 1ms,20ms..80ms\n"));
    const struct sweep_axis *loss = &sc.sweeps[0], *delay = &sc.sweeps[1];
    const struct sweep_axis *records = &sc.sweeps[2], *ranges = &sc.sweeps[3];
    CHECK_EQ(loss->nvalues, 5);
    for (uint32_t k = 0; k < 5; k++)
        CHECK_EQ(loss->values[k].lo, 25000 * k);
    CHECK_EQ(delay->nvalues, 3);
    CHECK_EQ(delay->values[2].lo, 30 * SIM_MS);
    CHECK_EQ(delay->values[2].hi, 30 * SIM_MS);
    CHECK_EQ(records->nvalues, 3);
    CHECK_EQ(records->values[1].lo, 300);
    CHECK_EQ(ranges->nvalues, 2);
    CHECK_EQ(ranges->values[1].lo, 20 * SIM_MS);
    CHECK_EQ(ranges->values[1].hi, 80 * SIM_MS);
    CHECK_EQ(sweep_points(&sc), 5 * 3 * 3 * 2);
}

static void test_sweep_bad_values_point_at_the_value(void)
{
    struct parse_error err;
    CHECK(!scenario_parse("t.scn", BASE "sweep set consumer.session-timeout 10s,30s,4x5s\n",
                          &sc, &err));
    CHECK_EQ(err.line, 3);
    CHECK_EQ(err.col, 44);
    CHECK(!scenario_parse("t.scn", BASE "sweep link consumer->gateway loss 0%..10% step 3%\n",
                          &sc, &err));
    CHECK_STR(err.message, "the range 0%..10% is not a whole number of 3% steps");
    CHECK_EQ(err.col, 48);
}

static void test_sweep_labels(void)
{
    CHECK(parse(BASE "sweep link consumer->gateway loss 0.5%,2.5%,10%\n"
                     "sweep set consumer.session-timeout 75s,1.5s,2m\n"
                     "sweep link gateway->consumer delay 0ms,20ms..80ms\n"
                     "sweep set broker.transaction-defense on,off\n"));
    char buf[80];
    CHECK_STR(sweep_value_label(&sc.sweeps[0], 0, buf, sizeof buf), "0.5%");
    CHECK_STR(sweep_value_label(&sc.sweeps[0], 1, buf, sizeof buf), "2.5%");
    CHECK_STR(sweep_value_label(&sc.sweeps[1], 0, buf, sizeof buf), "75s");
    CHECK_STR(sweep_value_label(&sc.sweeps[1], 1, buf, sizeof buf), "1.5s");
    CHECK_STR(sweep_value_label(&sc.sweeps[1], 2, buf, sizeof buf), "2m");
    CHECK_STR(sweep_value_label(&sc.sweeps[2], 0, buf, sizeof buf), "0s");
    CHECK_STR(sweep_value_label(&sc.sweeps[2], 1, buf, sizeof buf), "20ms..80ms");
    CHECK_STR(sweep_value_label(&sc.sweeps[3], 1, buf, sizeof buf), "off");
    CHECK_STR(sweep_axis_name(&sc.sweeps[0], buf, sizeof buf), "consumer->gateway loss");
    CHECK(fabs(sweep_value_x(&sc.sweeps[0], 1) - 2.5) < 1e-12);
    CHECK_STR(sweep_axis_unit(&sc.sweeps[1]), "s");
    char label[256];
    CHECK_STR(sweep_point_label(&sc, 0, label, sizeof label),
              "consumer->gateway loss=0.5%, consumer.session-timeout=75s, "
              "gateway->consumer delay=0s, broker.transaction-defense=on");
}

/* Results of `nseeds` runs of one strategy at each point, with lost = lost[i]. */
static struct sweep_results results(uint32_t npoints, uint32_t nseeds, const uint64_t *lost)
{
    struct sweep_results sr = { .sc = &sc, .swept = true, .npoints = npoints,
                                .nstrategies = 1, .nseeds = nseeds };
    sr.strategies[0] = 1; /* at-least-once */
    sr.runs = calloc((size_t)npoints * nseeds, sizeof *sr.runs);
    for (uint32_t i = 0; i < npoints * nseeds; i++) {
        sr.runs[i].seed = 1 + i % nseeds;
        sr.runs[i].payments = 10;
        sr.runs[i].end_time = SIM_SEC;
        sr.runs[i].lost = lost ? lost[i] : 0;
    }
    return sr;
}

static void write_sweep_csv(FILE *out, const void *sr) { report_sweep_csv(out, sr); }
static void write_aggregate_csv(FILE *out, const void *sr) { aggregate_csv(out, sr); }

static void test_sweep_csv_columns_and_order(void)
{
    CHECK(parse(BASE "sweep set consumer.session-timeout 10s,30s\n"
                     "sweep link gateway->consumer loss 0%,5%\n"));
    struct sweep_results sr = results(4, 1, NULL);
    char *csv = test_capture(write_sweep_csv, &sr);
    const char *want_head = "consumer.session-timeout_ns,gateway->consumer.loss_ppm,scenario,"
                            "strategy,seed,payments,lost,";
    CHECK(strncmp(csv, want_head, strlen(want_head)) == 0);
    const char *rows[4] = { "\r\n10000000000,0,g,at-least-once,1,", "\r\n10000000000,50000,g,",
                            "\r\n30000000000,0,g,", "\r\n30000000000,50000,g," };
    const char *at = csv;
    for (int r = 0; r < 4; r++) { /* present, and in this order */
        const char *found = strstr(at, rows[r]);
        CHECK(found != NULL);
        at = found ? found + 1 : at;
    }
    free(csv);
    free(sr.runs);
}

static void test_aggregate_hand_values(void)
{
    const double x[4] = { 1, 2, 3, 4 };
    struct stats st;
    char buf[48];
    aggregate_stats(x, 4, &st);
    CHECK(st.spread);
    CHECK_STR(aggregate_format(st.mean, buf, sizeof buf), "2.5");
    CHECK_STR(aggregate_format(st.sd, buf, sizeof buf), "1.290994");  /* sqrt(5/3) */
    CHECK_STR(aggregate_format(st.lo, buf, sizeof buf), "0.44574");   /* 2.5 - t(3) sd / 2 */
    CHECK_STR(aggregate_format(st.hi, buf, sizeof buf), "4.55426");
    const double one = 7;
    aggregate_stats(&one, 1, &st);
    CHECK(!st.spread);
    CHECK_STR(aggregate_format(st.mean, buf, sizeof buf), "7");
}

static void test_aggregate_t_quantiles(void)
{
    char buf[48];
    CHECK_STR(aggregate_format(aggregate_t975(1), buf, sizeof buf), "12.706205");
    CHECK_STR(aggregate_format(aggregate_t975(2), buf, sizeof buf), "4.302653");
    CHECK_STR(aggregate_format(aggregate_t975(30), buf, sizeof buf), "2.042272");
    CHECK_STR(aggregate_format(aggregate_t975(31), buf, sizeof buf), "2.039513");
    CHECK_STR(aggregate_format(aggregate_t975(100), buf, sizeof buf), "1.983972");
    CHECK_STR(aggregate_format(aggregate_t975(200), buf, sizeof buf), "1.971896");
    CHECK(fabs(aggregate_t975(1000000) - 1.959966) < 1e-6);
}

static void test_aggregate_format(void)
{
    char buf[48];
    CHECK_STR(aggregate_format(3.0, buf, sizeof buf), "3");
    CHECK_STR(aggregate_format(-1e-9, buf, sizeof buf), "0");
    CHECK_STR(aggregate_format(-0.25, buf, sizeof buf), "-0.25");
    CHECK_STR(aggregate_format(1234567.0000004, buf, sizeof buf), "1234567");
    CHECK_STR(aggregate_format(0.1234567, buf, sizeof buf), "0.123457");
}

static void test_aggregate_csv_row(void)
{
    CHECK(parse(BASE));
    const uint64_t lost[3] = { 1, 2, 6 };
    struct sweep_results sr = results(1, 3, lost);
    char *csv = test_capture(write_aggregate_csv, &sr);
    const char *head = "scenario,strategy,seeds,payments_mean,payments_sd,payments_ci95_lo,"
                       "payments_ci95_hi,lost_mean,lost_sd,lost_ci95_lo,lost_ci95_hi,";
    CHECK(strncmp(csv, head, strlen(head)) == 0);
    CHECK(strstr(csv, ",throughput_per_s_ci95_hi\r\n") != NULL);
    /* lost: mean 3, sd sqrt(7), 3 -+ t(2) sqrt(7) / sqrt(3); payments: always 10 */
    CHECK(strstr(csv, "\r\ng,at-least-once,3,10,0,10,10,3,2.645751,-3.572411,9.572411,") != NULL);
    CHECK(strstr(csv, ",10,0,10,10\r\n") != NULL); /* throughput: 10 payments in 1s */
    free(csv);
    sr.nseeds = 1; /* one seed: the mean, and empty fields where a spread would be */
    csv = test_capture(write_aggregate_csv, &sr);
    CHECK(strstr(csv, "\r\ng,at-least-once,1,10,,,,1,,,,") != NULL);
    free(csv);
    free(sr.runs);
}

static void test_batch_numbering_and_shards(void)
{
    struct batch b;
    batch_init(&b, 2);
    CHECK(parse(BASE "runs 3\nstrategies at-least-once idempotent\n"
                     "sweep link consumer->gateway loss 0%,1%\n"));
    b.items[0].sc = sc;
    b.items[1].sc = sc;
    CHECK(batch_add_item(&b, 0, true, NULL));          /* 2 points x 2 strategies x 3 */
    CHECK(batch_add_item(&b, 1, false, "idempotent")); /* 1 point x 1 strategy x 3 */
    CHECK(!batch_add_item(&b, 1, false, "no-such-strategy"));
    CHECK(batch_add_item(&b, 1, false, "idempotent"));
    CHECK(batch_plan(&b));
    CHECK_EQ(b.nruns, 12 + 3);
    CHECK_EQ(b.items[1].first, 12);
    CHECK_EQ(batch_item_of(&b, 11), 0);
    CHECK_EQ(batch_item_of(&b, 12), 1);
    CHECK_EQ(batch_point_of(&b, 5), 0);  /* runs 0-5: point 0, 6-11: point 1 */
    CHECK_EQ(batch_point_of(&b, 6), 1);
    CHECK_EQ(batch_point_of(&b, 14), 2);
    size_t idx[12];
    CHECK_EQ(shard_select(&b, 0, 2, 3, idx), 4); /* local runs 1, 4, 7, 10 */
    CHECK_EQ(idx[0], 1);
    CHECK_EQ(idx[3], 10);
    CHECK_EQ(shard_select(&b, 1, 3, 3, idx), 1); /* local run 2 */
    CHECK_EQ(idx[0], 14);
    batch_fini(&b);
}

/* Durations for people: three significant digits, min and h spelled out. */
static void test_value_format_short(void)
{
    static const struct { sim_time ns; const char *text; } cases[] = {
        { 0, "0s" }, { 999, "999ns" }, { 1234, "1.23us" }, { 342 * SIM_MS, "342ms" },
        { 13443 * SIM_MS, "13.4s" }, { 1005 * SIM_MS, "1.01s" }, { 999600 * SIM_US, "1s" },
        { 59960 * SIM_MS, "1min" }, { 366 * SIM_SEC, "6.1min" }, { 90 * SIM_SEC, "1.5min" },
        { 3600 * SIM_SEC, "1h" }, { 19800 * SIM_SEC, "5.5h" }, { 30576 * SIM_MS, "30.6s" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        CHECK_STR(value_format_short(cases[i].ns, buf, sizeof buf), cases[i].text);
    }
}

static void test_table_percent(void)
{
    static const struct { uint64_t count, total; const char *text; } cases[] = {
        { 1, 10, "10%" }, { 5, 20, "25%" }, { 1, 3, "33.3%" }, { 2, 3, "66.7%" },
        { 189, 20000, "0.945%" }, { 1, 1000000, "0.0001%" }, { 1, 100000000, "<0.0001%" },
        { 0, 10, "0%" }, { 10, 10, "100%" }, { 1, 7, "14.3%" }, { 419, 20000, "2.1%" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        CHECK_STR(table_percent(cases[i].count, cases[i].total, buf, sizeof buf), cases[i].text);
    }
}

/* A rate is compared exactly, never rounded to a ppm first. */
static void test_rate_expectations_exact(void)
{
    CHECK(!report_expect_holds(METRIC_LOST_RATE, 1, 2000000, OP_EQ, 0)); /* 0.5 ppm */
    CHECK(report_expect_holds(METRIC_LOST_RATE, 0, 2000000, OP_EQ, 0));
    CHECK(!report_expect_holds(METRIC_LOST_RATE, 5001, 1000000, OP_LE, 5000));
    CHECK(report_expect_holds(METRIC_LOST_RATE, 5000, 1000000, OP_LE, 5000));
    CHECK(report_expect_holds(METRIC_DUPLICATED_RATE, 1, 3, OP_GT, 333333));
    CHECK(report_expect_holds(METRIC_DUPLICATED_RATE, 1, 3, OP_LT, 333334));
    /* past 64 bits on both sides: 10^13 x 10^6 against 10^6 x 10^13 */
    CHECK(report_expect_holds(METRIC_DUPLICATED_RATE, 10000000000000u, 10000000000000u, OP_EQ,
                              1000000));
    CHECK(report_expect_holds(METRIC_LOST, 3, 0, OP_EQ, 3)); /* counts compare as they are */
}

const struct test report_tests[] = {
    { "rate_expectations_exact", test_rate_expectations_exact },
    { "value_format_short", test_value_format_short },
    { "table_percent", test_table_percent },
    { "sweep_grid_order", test_sweep_grid_order },
    { "sweep_without_lines_is_one_point", test_sweep_without_lines_is_one_point },
    { "sweep_range_values_exact", test_sweep_range_values_exact },
    { "sweep_bad_values_point_at_the_value", test_sweep_bad_values_point_at_the_value },
    { "sweep_labels", test_sweep_labels },
    { "sweep_csv_columns_and_order", test_sweep_csv_columns_and_order },
    { "aggregate_hand_values", test_aggregate_hand_values },
    { "aggregate_t_quantiles", test_aggregate_t_quantiles },
    { "aggregate_format", test_aggregate_format },
    { "aggregate_csv_row", test_aggregate_csv_row },
    { "batch_numbering_and_shards", test_batch_numbering_and_shards },
    { NULL, NULL },
};
