/* parser_test.c: the scenario language, statement by statement, through scenario_parse
 * on text held in memory; the exact values behind it (value_*); and the errors a user
 * sees, checked for their line, column and words. The bad files in tests/bad/ check the
 * same errors end to end through `eosim validate`. */
#include "test.h"

#include "lang/scenario.h"
#include "base/value.h"

static struct scenario sc; /* about 40 KB: kept off the stack */
static struct parse_error err;

/* Parses text; on an unexpected error, prints it so the failing check explains itself. */
static bool parse(const char *text)
{
    bool ok = scenario_parse("t.scn", text, &sc, &err);
    if (!ok)
        fprintf(stderr, "  unexpected error: t.scn:%u:%u: %s\n    %s\n", err.line, err.col,
                err.message, err.text);
    return ok;
}

#define HEAD "scenario t\npayments 10 every 1ms\n"

/* Every knob of two strategies holds the same value, written as a user would. */
static void check_same_knobs(const struct strategy *got, const struct strategy *want)
{
    char a[64], b[64];
    for (const struct setting *k = strategy_knobs; k->name; k++) {
        const char *x = setting_format(k, got, a, sizeof a);
        const char *y = setting_format(k, want, b, sizeof b);
        if (strcmp(x, y) != 0) {
            test_failures++;
            fprintf(stderr, "  knob %s: got %s, want %s\n", k->name, x, y);
        }
    }
}

/* Every parameter but `except` (NULL for none) holds its default. */
static void check_default_params(const struct params *got, const char *except)
{
    char a[64], b[64];
    for (const struct setting *s = params_table; s->name; s++) {
        if (except && strcmp(s->name, except) == 0)
            continue;
        const char *x = setting_format(s, got, a, sizeof a);
        const char *y = setting_format(s, &params_defaults, b, sizeof b);
        if (strcmp(x, y) != 0) {
            test_failures++;
            fprintf(stderr, "  parameter %s: got %s, want the default %s\n", s->name, x, y);
        }
    }
}

/* "head name name ...)" from a table of names, for messages that list a table. */
static const char *list_message(char *buf, size_t size, const char *head,
                                const char *const *names, int count)
{
    size_t used = (size_t)snprintf(buf, size, "%s", head);
    for (int i = 0; i < count; i++)
        if (names[i] && used < size)
            used += (size_t)snprintf(buf + used, size - used, " %s", names[i]);
    if (used < size)
        snprintf(buf + used, size - used, ")");
    return buf;
}

/* ---- accepted statements ---- */

static void test_parser_accepts_minimal_scenario_with_defaults(void)
{
    CHECK(parse("scenario minimal\npayments 10 every 1ms\n"));
    CHECK_STR(sc.file, "t.scn");
    CHECK_STR(sc.name, "minimal");
    CHECK_STR(sc.about, "");
    CHECK_EQ(sc.seed, 1);
    CHECK_EQ(sc.runs, 1);
    CHECK_EQ(sc.until, 0);
    CHECK_EQ(sc.payments, 10);
    CHECK_EQ(sc.gaps.lo, SIM_MS);
    CHECK_EQ(sc.amount_min, 100);
    CHECK_EQ(sc.amount_max, 100);
    CHECK_EQ(sc.partitions, 1);
    CHECK_EQ(sc.consumers, 1);
    for (int l = 0; l < LINK_COUNT; l++) {
        CHECK_EQ(sc.links[l].delay.lo, SIM_MS);
        CHECK_EQ(sc.links[l].delay.hi, SIM_MS);
        CHECK_EQ(sc.links[l].loss_ppm, 0);
        CHECK_EQ(sc.links[l].duplicate_ppm, 0);
    }
    CHECK_EQ(sc.nfaults, 0);
    CHECK_EQ(sc.nexpects, 0);
    check_default_params(&sc.params, NULL);
    CHECK_EQ(sc.nstrategies, STRATEGY_PRESETS);
    CHECK_EQ(sc.nrun, STRATEGY_PRESETS);
    for (uint32_t s = 0; s < STRATEGY_PRESETS; s++) {
        CHECK_EQ(sc.run_list[s], s);
        CHECK_STR(sc.strategies[s].name, strategy_presets[s].name);
        check_same_knobs(&sc.strategies[s], &strategy_presets[s]);
    }
    CHECK_STR(sc.strategies[0].name, "at-most-once");
    CHECK_STR(sc.strategies[1].name, "at-least-once");
    CHECK_STR(sc.strategies[2].name, "idempotent");
    CHECK_STR(sc.strategies[3].name, "transactional");
}

static void test_parser_accepts_header_statements(void)
{
    CHECK(parse("scenario   Gateway-Timeout-2\n"
                "about      \"The gateway's response is lost; the worker retries.\"\n"
                "seed       7\n"
                "runs       20\n"
                "until      1.5s\n"
                "payments   1000 every 2ms amount 50\n"
                "partitions 4\n"
                "consumers  3\n"));
    CHECK_STR(sc.name, "Gateway-Timeout-2");
    CHECK_STR(sc.about, "The gateway's response is lost; the worker retries.");
    CHECK_EQ(sc.seed, 7);
    CHECK_EQ(sc.runs, 20);
    CHECK_EQ(sc.until, 1500000000u);
    CHECK_EQ(sc.payments, 1000);
    CHECK_EQ(sc.gaps.lo, 2 * SIM_MS);
    CHECK_EQ(sc.amount_min, 50);
    CHECK_EQ(sc.amount_max, 50);
    CHECK_EQ(sc.partitions, 4);
    CHECK_EQ(sc.consumers, 3);
}

static void test_parser_accepts_seed_zero_and_largest(void)
{
    CHECK(parse(HEAD "seed 0\n"));
    CHECK_EQ(sc.seed, 0);
    CHECK(parse(HEAD "seed 18446744073709551615\n"));
    CHECK_EQ(sc.seed, UINT64_MAX);
}

static void test_parser_accepts_payments_amount_forms(void)
{
    CHECK(parse("scenario t\npayments 5 every 250us\n"));
    CHECK_EQ(sc.payments, 5);
    CHECK_EQ(sc.gaps.lo, 250 * SIM_US);
    CHECK_EQ(sc.amount_min, 100);
    CHECK_EQ(sc.amount_max, 100);
    CHECK(parse("scenario t\npayments 5 every 1s amount 10..500\n"));
    CHECK_EQ(sc.amount_min, 10);
    CHECK_EQ(sc.amount_max, 500);
    CHECK(parse("scenario t\npayments 5 every 1s amount 7..7\n"));
    CHECK_EQ(sc.amount_min, 7);
    CHECK_EQ(sc.amount_max, 7);
}

static void test_parser_accepts_link_options_in_any_order(void)
{
    CHECK(parse(HEAD
                "link producer->broker loss 0.5%\n"
                "link broker->producer duplicate 0.02 delay 20ms..80ms loss 2%\n"
                "link gateway->consumer delay 5ms\n"
                "link consumer->gateway loss 1 duplicate 100% delay 0s\n"));
    const struct link_config *c = &sc.links[LINK_PRODUCER_BROKER];
    CHECK_EQ(c->loss_ppm, 5000);
    CHECK_EQ(c->duplicate_ppm, 0);
    CHECK_EQ(c->delay.lo, SIM_MS);
    CHECK_EQ(c->delay.hi, SIM_MS);
    c = &sc.links[LINK_BROKER_PRODUCER];
    CHECK_EQ(c->loss_ppm, 20000);
    CHECK_EQ(c->duplicate_ppm, 20000);
    CHECK_EQ(c->delay.lo, 20 * SIM_MS);
    CHECK_EQ(c->delay.hi, 80 * SIM_MS);
    c = &sc.links[LINK_GATEWAY_CONSUMER];
    CHECK_EQ(c->delay.lo, 5 * SIM_MS);
    CHECK_EQ(c->delay.hi, 5 * SIM_MS);
    CHECK_EQ(c->loss_ppm, 0);
    c = &sc.links[LINK_CONSUMER_GATEWAY];
    CHECK_EQ(c->loss_ppm, 1000000);
    CHECK_EQ(c->duplicate_ppm, 1000000);
    CHECK_EQ(c->delay.lo, 0);
    CHECK_EQ(c->delay.hi, 0);
    /* links not named keep the defaults */
    c = &sc.links[LINK_BROKER_CONSUMER];
    CHECK_EQ(c->delay.lo, SIM_MS);
    CHECK_EQ(c->delay.hi, SIM_MS);
    CHECK_EQ(c->loss_ppm, 0);
    CHECK_EQ(c->duplicate_ppm, 0);
}

static void test_parser_accepts_every_link_name(void)
{
    static const char *const names[] = {
        "producer->broker", "broker->producer", "consumer->broker",
        "broker->consumer", "consumer->gateway", "gateway->consumer",
    };
    static const enum link_id ids[] = {
        LINK_PRODUCER_BROKER, LINK_BROKER_PRODUCER, LINK_CONSUMER_BROKER,
        LINK_BROKER_CONSUMER, LINK_CONSUMER_GATEWAY, LINK_GATEWAY_CONSUMER,
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char text[200];
        snprintf(text, sizeof text, HEAD "link %s loss 3%%\n", names[i]);
        CHECK(parse(text));
        CHECK_EQ(sc.links[ids[i]].loss_ppm, 30000);
    }
}

static void test_parser_accepts_cut(void)
{
    CHECK(parse(HEAD "cut producer->broker at 1.5s for 200ms\n"));
    CHECK_EQ(sc.nfaults, 1);
    const struct fault *f = &sc.faults[0];
    CHECK_EQ(f->kind, FAULT_CUT);
    CHECK_EQ(f->link, LINK_PRODUCER_BROKER);
    CHECK_EQ(f->at, 1500000000u);
    CHECK_EQ(f->duration, 200 * SIM_MS);
    CHECK_EQ(f->line, 3);
}

static void test_parser_accepts_crash_at_and_on(void)
{
    CHECK(parse(HEAD
                "consumers 2\n"
                "crash consumer at 2s\n"
                "crash consumer on after-effect payment 7 restart after 1.5s\n"
                "crash broker on append restart never\n"
                "crash consumer-2 on before-commit\n"
                "crash producer at 10ms restart after 0s\n"
                "crash gateway on charge payment 0 restart never\n"));
    CHECK_EQ(sc.nfaults, 6);
    const struct fault *f = &sc.faults[0];
    CHECK_EQ(f->kind, FAULT_CRASH);
    CHECK_EQ(f->node, NODE_CONSUMER_1);
    CHECK_EQ(f->point, 0);
    CHECK_EQ(f->at, 2 * SIM_SEC);
    CHECK_EQ(f->payment, ANY_PAYMENT);
    CHECK_EQ(f->restart, 1);
    CHECK_EQ(f->duration, UINT64_MAX); /* node.restart-delay, at run time */
    CHECK_EQ(f->line, 4);
    f = &sc.faults[1];
    CHECK_EQ(f->node, NODE_CONSUMER_1);
    CHECK_EQ(f->point, POINT_AFTER_EFFECT);
    CHECK_EQ(f->payment, 7);
    CHECK_EQ(f->restart, 1);
    CHECK_EQ(f->duration, 1500 * SIM_MS);
    f = &sc.faults[2];
    CHECK_EQ(f->node, NODE_BROKER);
    CHECK_EQ(f->point, POINT_APPEND);
    CHECK_EQ(f->payment, ANY_PAYMENT);
    CHECK_EQ(f->restart, 0);
    f = &sc.faults[3];
    CHECK_EQ(f->node, NODE_CONSUMER_1 + 1);
    CHECK_EQ(f->point, POINT_BEFORE_COMMIT);
    CHECK_EQ(f->restart, 1);
    CHECK_EQ(f->duration, UINT64_MAX);
    f = &sc.faults[4];
    CHECK_EQ(f->node, NODE_PRODUCER);
    CHECK_EQ(f->at, 10 * SIM_MS);
    CHECK_EQ(f->restart, 1);
    CHECK_EQ(f->duration, 0);
    f = &sc.faults[5];
    CHECK_EQ(f->node, NODE_GATEWAY);
    CHECK_EQ(f->point, POINT_CHARGE);
    CHECK_EQ(f->payment, 0);
    CHECK_EQ(f->restart, 0);
    CHECK_EQ(f->line, 9);
}

static void test_parser_accepts_every_protocol_point(void)
{
    for (int pt = 1; pt < POINT_COUNT; pt++) {
        char text[200];
        snprintf(text, sizeof text, HEAD "crash broker on %s\n", point_names[pt]);
        CHECK(parse(text));
        CHECK_EQ(sc.faults[0].point, pt);
        CHECK_EQ(sc.faults[0].payment, ANY_PAYMENT);
    }
}

static void test_parser_accepts_pause_at_and_on(void)
{
    CHECK(parse(HEAD
                "pause gateway at 3s for 500ms\n"
                "pause consumer on before-effect payment 4 for 10s\n"
                "pause broker on marker for 1m\n"));
    CHECK_EQ(sc.nfaults, 3);
    const struct fault *f = &sc.faults[0];
    CHECK_EQ(f->kind, FAULT_PAUSE);
    CHECK_EQ(f->node, NODE_GATEWAY);
    CHECK_EQ(f->point, 0);
    CHECK_EQ(f->at, 3 * SIM_SEC);
    CHECK_EQ(f->duration, 500 * SIM_MS);
    f = &sc.faults[1];
    CHECK_EQ(f->node, NODE_CONSUMER_1);
    CHECK_EQ(f->point, POINT_BEFORE_EFFECT);
    CHECK_EQ(f->payment, 4);
    CHECK_EQ(f->duration, 10 * SIM_SEC);
    f = &sc.faults[2];
    CHECK_EQ(f->node, NODE_BROKER);
    CHECK_EQ(f->point, POINT_MARKER);
    CHECK_EQ(f->payment, ANY_PAYMENT);
    CHECK_EQ(f->duration, 60 * SIM_SEC);
}

static void test_parser_accepts_delay(void)
{
    CHECK(parse(HEAD
                "delay producer->broker on end-txn by 130ms\n"
                "delay gateway->consumer on response payment 4 by 1.5s\n"));
    CHECK_EQ(sc.nfaults, 2);
    CHECK_EQ(sc.faults[0].kind, FAULT_DELAY);
    CHECK_EQ(sc.faults[0].msg_kind, MSG_END_TXN);
    CHECK_EQ(sc.faults[0].payment, ANY_PAYMENT);
    CHECK_EQ(sc.faults[0].duration, 130000000);
    CHECK_EQ(sc.faults[1].link, LINK_GATEWAY_CONSUMER);
    CHECK_EQ(sc.faults[1].payment, 4);
    CHECK_EQ(sc.faults[1].duration, 1500000000);
    CHECK_REJECTS(HEAD "delay producer->broker on produce payment 3\n", 3, 44, "expected 'by'");
}

static void test_parser_accepts_drop(void)
{
    CHECK(parse(HEAD
                "drop gateway->consumer on response payment 9\n"
                "drop broker->producer on ack\n"
                "drop broker->consumer on records payment 3\n"
                "drop consumer->broker on commit\n"
                "drop producer->broker on produce payment 0\n"
                "drop consumer->gateway on charge payment 1\n"));
    CHECK_EQ(sc.nfaults, 6);
    const struct fault *f = &sc.faults[0];
    CHECK_EQ(f->kind, FAULT_DROP);
    CHECK_EQ(f->link, LINK_GATEWAY_CONSUMER);
    CHECK_EQ(f->msg_kind, MSG_RESPONSE);
    CHECK_EQ(f->payment, 9);
    f = &sc.faults[1];
    CHECK_EQ(f->link, LINK_BROKER_PRODUCER);
    CHECK_EQ(f->msg_kind, MSG_ACK);
    CHECK_EQ(f->payment, ANY_PAYMENT);
    CHECK_EQ(sc.faults[2].msg_kind, MSG_RECORDS);
    CHECK_EQ(sc.faults[2].link, LINK_BROKER_CONSUMER);
    CHECK_EQ(sc.faults[3].msg_kind, MSG_COMMIT);
    CHECK_EQ(sc.faults[3].link, LINK_CONSUMER_BROKER);
    CHECK_EQ(sc.faults[4].msg_kind, MSG_PRODUCE);
    CHECK_EQ(sc.faults[4].payment, 0);
    CHECK_EQ(sc.faults[5].msg_kind, MSG_CHARGE);
    CHECK_EQ(sc.faults[5].link, LINK_CONSUMER_GATEWAY);
}

static void test_parser_accepts_reset_offsets(void)
{
    CHECK(parse(HEAD
                "reset-offsets to earliest at 5s\n"
                "reset-offsets to latest at 6s\n"
                "reset-offsets to shift -25 at 7.25s\n"
                "reset-offsets to shift +3 at 8s\n"));
    CHECK_EQ(sc.nfaults, 4);
    CHECK_EQ(sc.faults[0].kind, FAULT_RESET);
    CHECK_EQ(sc.faults[0].reset_mode, RESET_TO_EARLIEST);
    CHECK_EQ(sc.faults[0].at, 5 * SIM_SEC);
    CHECK_EQ(sc.faults[1].reset_mode, RESET_TO_LATEST);
    CHECK_EQ(sc.faults[1].at, 6 * SIM_SEC);
    CHECK_EQ(sc.faults[2].reset_mode, RESET_SHIFT);
    CHECK(sc.faults[2].shift == -25);
    CHECK_EQ(sc.faults[2].at, 7250 * SIM_MS);
    CHECK_EQ(sc.faults[3].reset_mode, RESET_SHIFT);
    CHECK(sc.faults[3].shift == 3);
}

static void test_parser_accepts_set_parameters(void)
{
    CHECK(parse(HEAD "set gateway.latency 20ms..80ms\n"));
    CHECK_EQ(sc.params.gateway_latency.lo, 20 * SIM_MS);
    CHECK_EQ(sc.params.gateway_latency.hi, 80 * SIM_MS);
    check_default_params(&sc.params, "gateway.latency");

    CHECK(parse(HEAD "set gateway.latency 30ms\n"));
    CHECK_EQ(sc.params.gateway_latency.lo, 30 * SIM_MS);
    CHECK_EQ(sc.params.gateway_latency.hi, 30 * SIM_MS);

    CHECK(parse(HEAD
                "set producer.request-timeout 1.5s\n"
                "set consumer.gateway-timeout 500ms\n"
                "set producer.max-in-flight 1\n"
                "set consumer.auto-offset-reset latest\n"
                "set gateway.key-retention 1h\n"
                "set broker.transaction-timeout 2m\n"
                "set node.restart-delay 250us\n"
                "set consumer.session-timeout 45s\n"));
    CHECK_EQ(sc.params.producer_request_timeout, 1500000000u);
    CHECK_EQ(sc.params.consumer_gateway_timeout, 500 * SIM_MS);
    CHECK_EQ(sc.params.producer_max_in_flight, 1);
    CHECK_EQ(sc.params.consumer_auto_offset_reset, RESET_LATEST);
    CHECK_EQ(sc.params.gateway_key_retention, 3600 * SIM_SEC);
    CHECK_EQ(sc.params.broker_transaction_timeout, 120 * SIM_SEC);
    CHECK_EQ(sc.params.restart_delay, 250 * SIM_US);
    CHECK_EQ(sc.params.consumer_session_timeout, 45 * SIM_SEC);
    CHECK_EQ(sc.params.consumer_max_poll_records, params_defaults.consumer_max_poll_records);
}

static void test_parser_accepts_every_parameter_at_its_default(void)
{
    /* Writing each parameter's default back through `set` changes nothing: the table's
     * formatter and the parser agree on every type. */
    char text[4096], value[64];
    size_t used = (size_t)snprintf(text, sizeof text, HEAD);
    for (const struct setting *s = params_table; s->name; s++)
        used += (size_t)snprintf(text + used, sizeof text - used, "set %s %s\n", s->name,
                                 setting_format(s, &params_defaults, value, sizeof value));
    CHECK(used < sizeof text);
    CHECK(parse(text));
    check_default_params(&sc.params, NULL);
}

static void test_parser_accepts_user_strategy_from_base(void)
{
    CHECK(parse(HEAD "strategy mine from idempotent consumer.dedup=memory "
                     "gateway.key=per-attempt\n"));
    CHECK_EQ(sc.nstrategies, STRATEGY_PRESETS + 1);
    const struct strategy *s = &sc.strategies[STRATEGY_PRESETS];
    CHECK_STR(s->name, "mine");
    struct strategy want = strategy_presets[2];
    CHECK_STR(want.name, "idempotent");
    want.dedup = DEDUP_MEMORY;
    want.gateway_key = KEY_PER_ATTEMPT;
    check_same_knobs(s, &want);
    /* everything else comes from idempotent */
    CHECK_EQ(s->idempotence, 1);
    CHECK_EQ(s->producer_retries, 1);
    CHECK_EQ(s->commit, COMMIT_AFTER);
    CHECK_EQ(s->transactions, 0);
}

static void test_parser_accepts_user_strategy_without_from(void)
{
    /* Without `from`, a strategy starts from at-least-once. */
    CHECK(parse(HEAD "strategy plain consumer.commit=before\n"));
    struct strategy want = strategy_presets[1];
    want.commit = COMMIT_BEFORE;
    check_same_knobs(&sc.strategies[STRATEGY_PRESETS], &want);
    CHECK(parse(HEAD "strategy copy\n"));
    check_same_knobs(&sc.strategies[STRATEGY_PRESETS], &strategy_presets[1]);
}

static void test_parser_accepts_strategy_from_user_strategy(void)
{
    CHECK(parse(HEAD
                "strategy a from transactional consumer.isolation=read-uncommitted\n"
                "strategy b from a consumer.dedup-ttl=30s producer.transactional-id=random\n"
                "strategy c from at-most-once producer.retries=on consumer.gateway-retries=off\n"));
    CHECK_EQ(sc.nstrategies, STRATEGY_PRESETS + 3);
    struct strategy want = strategy_presets[3];
    want.isolation = READ_UNCOMMITTED;
    check_same_knobs(&sc.strategies[4], &want);
    want.dedup_ttl = 30 * SIM_SEC;
    want.transactional_id = TXN_ID_RANDOM;
    check_same_knobs(&sc.strategies[5], &want);
    CHECK_STR(sc.strategies[5].name, "b");
    want = strategy_presets[0];
    want.producer_retries = 1;
    want.gateway_retries = 0;
    check_same_knobs(&sc.strategies[6], &want);
}

static void test_parser_accepts_default_run_list_with_user_strategies(void)
{
    CHECK(parse(HEAD "strategy one from idempotent consumer.dedup=none\n"
                     "strategy two consumer.commit=auto\n"));
    CHECK_EQ(sc.nrun, STRATEGY_PRESETS + 2);
    for (uint32_t i = 0; i < STRATEGY_PRESETS + 2; i++)
        CHECK_EQ(sc.run_list[i], i);
    CHECK_STR(sc.strategies[sc.run_list[4]].name, "one");
    CHECK_STR(sc.strategies[sc.run_list[5]].name, "two");
}

static void test_parser_accepts_strategies_line(void)
{
    CHECK(parse(HEAD "strategy mine from idempotent consumer.dedup=memory\n"
                     "strategies mine at-least-once\n"));
    CHECK_EQ(sc.nrun, 2);
    CHECK_EQ(sc.run_list[0], 4);
    CHECK_EQ(sc.run_list[1], 1);
}

/* Rates take a probability, held in ppm: 2.5% is 25000, a fraction 0.001 is 1000. */
static void test_parser_accepts_expect_rates(void)
{
    CHECK(parse(HEAD "expect at-least-once duplicated-rate < 2.5% lost-rate <= 0.001\n"));
    CHECK_EQ(sc.nexpects, 2);
    CHECK_EQ(sc.expects[0].metric, METRIC_DUPLICATED_RATE);
    CHECK_EQ(sc.expects[0].value, 25000);
    CHECK_EQ(sc.expects[1].metric, METRIC_LOST_RATE);
    CHECK_EQ(sc.expects[1].value, 1000);
}

static void test_parser_accepts_expect_triples(void)
{
    CHECK(parse(HEAD
                "strategies idempotent at-least-once\n"
                "expect idempotent duplicated = 0  lost <= 3 charges >= 10\n"
                "expect at-least-once pending != 1 ledger-rows < 2 "
                "log-copies > 4 deliveries = 5\n"));
    CHECK_EQ(sc.nexpects, 7);
    const struct expectation *e = sc.expects;
    CHECK_EQ(e[0].strategy, 2);
    CHECK_EQ(e[0].metric, METRIC_DUPLICATED);
    CHECK_EQ(e[0].op, OP_EQ);
    CHECK_EQ(e[0].value, 0);
    CHECK_EQ(e[0].line, 4);
    CHECK_EQ(e[0].col, 8);
    CHECK_EQ(e[1].strategy, 2);
    CHECK_EQ(e[1].metric, METRIC_LOST);
    CHECK_EQ(e[1].op, OP_LE);
    CHECK_EQ(e[1].value, 3);
    CHECK_EQ(e[2].metric, METRIC_CHARGES);
    CHECK_EQ(e[2].op, OP_GE);
    CHECK_EQ(e[2].value, 10);
    CHECK_EQ(e[3].strategy, 1);
    CHECK_EQ(e[3].metric, METRIC_PENDING);
    CHECK_EQ(e[3].op, OP_NE);
    CHECK_EQ(e[3].value, 1);
    CHECK_EQ(e[3].line, 5);
    CHECK_EQ(e[4].metric, METRIC_LEDGER_ROWS);
    CHECK_EQ(e[4].op, OP_LT);
    CHECK_EQ(e[5].metric, METRIC_LOG_COPIES);
    CHECK_EQ(e[5].op, OP_GT);
    CHECK_EQ(e[5].value, 4);
    CHECK_EQ(e[6].metric, METRIC_DELIVERIES);
    CHECK_EQ(e[6].op, OP_EQ);
    CHECK_EQ(e[6].value, 5);
}

static void test_parser_accepts_expect_anomaly_metrics(void)
{
    CHECK(parse(HEAD "expect idempotent duplicates-in-log = 0 aborted-reads != 1 "
                     "skipped-offsets < 2 hanging <= 3 lost-writes > 4 torn-transactions >= 5\n"));
    CHECK_EQ(sc.nexpects, 6);
    const uint8_t want[6] = { METRIC_DUPLICATES_IN_LOG, METRIC_ABORTED_READS,
                              METRIC_SKIPPED_OFFSETS, METRIC_HANGING, METRIC_LOST_WRITES,
                              METRIC_TORN_TRANSACTIONS };
    for (uint32_t i = 0; i < 6; i++) {
        CHECK_EQ(sc.expects[i].metric, want[i]);
        CHECK_EQ(sc.expects[i].op, i);
        CHECK_EQ(sc.expects[i].value, i);
    }
}

static void test_parser_accepts_expect_on_user_strategy(void)
{
    CHECK(parse(HEAD "strategy mine from idempotent consumer.dedup=memory\n"
                     "expect mine duplicated > 0\n"));
    CHECK_EQ(sc.nexpects, 1);
    CHECK_EQ(sc.expects[0].strategy, 4);
    CHECK_EQ(sc.expects[0].op, OP_GT);
}

static void test_parser_accepts_comments_and_blank_lines(void)
{
    CHECK(parse("# a comment before anything\n"
                "\n"
                "   \t  \n"
                "scenario t   # the name\n"
                "\t# an indented comment\n"
                "payments 10 every 1ms#no space before the comment\n"
                "about \"a # inside quotes is text\"  # but this is a comment\n"
                "link producer->broker loss 2% # 20000 ppm\n"
                "\n"));
    CHECK_STR(sc.name, "t");
    CHECK_EQ(sc.payments, 10);
    CHECK_EQ(sc.gaps.lo, SIM_MS);
    CHECK_STR(sc.about, "a # inside quotes is text");
    CHECK_EQ(sc.links[LINK_PRODUCER_BROKER].loss_ppm, 20000);
}

static void test_parser_accepts_crlf_and_no_final_newline(void)
{
    CHECK(parse("scenario t\r\npayments 3 every 1s\r\nseed 9"));
    CHECK_STR(sc.name, "t");
    CHECK_EQ(sc.payments, 3);
    CHECK_EQ(sc.seed, 9);
}

static void test_parser_accepts_quoted_about(void)
{
    CHECK(parse(HEAD "about \"\"\n"));
    CHECK_STR(sc.about, "");
    CHECK(parse(HEAD "about   \"  spaces, 'quotes' and ->arrows kept  \"\n"));
    CHECK_STR(sc.about, "  spaces, 'quotes' and ->arrows kept  ");
}

static void test_parser_accepts_statements_in_any_order(void)
{
    /* scenario and payments may come last; expect may precede strategies. */
    CHECK(parse("expect idempotent lost = 0\nstrategies idempotent\nseed 3\n"
                "payments 2 every 1s\nscenario late\n"));
    CHECK_STR(sc.name, "late");
    CHECK_EQ(sc.nrun, 1);
    CHECK_EQ(sc.nexpects, 1);
}

static void test_parser_accepts_design_example(void)
{
    CHECK(parse("scenario   gateway-timeout-retry\n"
                "about      \"The gateway's response is lost; the worker retries the charge.\"\n"
                "payments   1000 every 2ms amount 50\n"
                "seed       7\n"
                "runs       20\n"
                "link consumer->gateway  delay 20ms..80ms\n"
                "link gateway->consumer  delay 20ms..80ms  loss 2%\n"
                "crash consumer on after-effect payment 17  restart after 1s\n"
                "expect     at-least-once duplicated > 0\n"
                "expect     idempotent    duplicated = 0  lost = 0\n"));
    CHECK_STR(sc.name, "gateway-timeout-retry");
    CHECK_EQ(sc.links[LINK_GATEWAY_CONSUMER].loss_ppm, 20000);
    CHECK_EQ(sc.links[LINK_GATEWAY_CONSUMER].delay.hi, 80 * SIM_MS);
    CHECK_EQ(sc.faults[0].payment, 17);
    CHECK_EQ(sc.faults[0].duration, SIM_SEC);
    CHECK_EQ(sc.nexpects, 3);
    CHECK_EQ(sc.nrun, 4);
}

/* ---- rejected input: line, column and message ---- */

static void test_parser_rejects_unknown_statement(void)
{
    CHECK_REJECTS(HEAD "  frobnicate 3\n", 3, 3,
                  "unknown statement 'frobnicate' (statements: scenario about seed runs until "
                  "payments payment partitions consumers link cut crash pause drop crashes pauses delay "
                  "duplicate "
                  "reset-offsets set strategy strategies expect expect-all expect-some sweep)");
    CHECK_STR(err.file, "t.scn");
    CHECK_STR(err.text, "  frobnicate 3");
}

static void test_parser_rejects_missing_required_statements(void)
{
    CHECK_REJECTS("payments 10 every 1ms\n", 1, 1, "missing `scenario NAME`");
    CHECK_REJECTS("scenario t\n", 1, 1, "missing `payments N every DURATION` (or `payment ID MERCHANT AMOUNT at TIME` lines)");
    CHECK_REJECTS("", 1, 1, "missing `scenario NAME`");
    CHECK_STR(err.text, "");
}

static void test_parser_rejects_missing_words(void)
{
    /* The column of a missing word is just past the last word. */
    CHECK_REJECTS("scenario t\npayments 10 every\n", 2, 18,
                  "expected the interval between payments, like 5ms, 20ms..80ms or exp 5ms");
    CHECK_REJECTS("scenario t\npayments 10   # no interval\n", 2, 12, "expected 'every'");
    CHECK_REJECTS(HEAD "link producer->broker\n", 3, 22, "expected delay, loss or duplicate");
    CHECK_REJECTS(HEAD "link producer->broker loss\n", 3, 27,
                  "expected the loss probability, like 2% or 0.02");
    CHECK_REJECTS(HEAD "expect idempotent\n", 3, 18, "expected METRIC OP NUMBER");
    CHECK_REJECTS(HEAD "expect idempotent lost\n", 3, 23, "expected a comparison (= != < <= > >=)");
    CHECK_REJECTS(HEAD "strategies\n", 3, 11, "expected at least one strategy name");
}

static void test_parser_rejects_trailing_words(void)
{
    CHECK_REJECTS(HEAD "seed 7 8\n", 3, 8, "unexpected '8' at the end of the statement");
    CHECK_REJECTS(HEAD "crash consumer at 1s payment 3\n", 3, 22,
                  "unexpected 'payment' at the end of the statement");
    CHECK_REJECTS(HEAD "about \"one\" \"two\"\n", 3, 13,
                  "unexpected '\"two\"' at the end of the statement");
}

static void test_parser_rejects_bad_names(void)
{
    CHECK_REJECTS("scenario lossy_link\npayments 1 every 1s\n", 1, 15,
                  "a scenario name may hold letters, digits and '-' only, not '_'");
    CHECK_REJECTS(HEAD "strategy my.one\n", 3, 12,
                  "a strategy name may hold letters, digits and '-' only, not '.'");
    CHECK_REJECTS("scenario caf\xc3\xa9\npayments 1 every 1s\n", 1, 13,
                  "a scenario name may hold letters, digits and '-' only, not byte 0xc3");
    char text[200];
    snprintf(text, sizeof text, "scenario %064d\n", 0);
    CHECK_REJECTS(text, 1, 10, "a scenario name must be 1 to 63 characters long");
}

static void test_parser_rejects_duplicates(void)
{
    CHECK_REJECTS("scenario a\nscenario b\npayments 1 every 1s\n", 2, 10,
                  "the scenario is already named on line 1");
    CHECK_REJECTS(HEAD "strategies idempotent\n  strategies at-least-once\n", 4, 3,
                  "strategies is already given on line 3");
    CHECK_REJECTS(HEAD "strategies idempotent idempotent\n", 3, 23,
                  "strategy 'idempotent' is listed twice");
    CHECK_REJECTS(HEAD "strategy idempotent consumer.dedup=none\n", 3, 10,
                  "strategy 'idempotent' is already defined");
}

static void test_parser_rejects_out_of_range_counts(void)
{
    CHECK_REJECTS(HEAD "runs 0\n", 3, 6, "the number of runs must be between 1 and 100000, got 0");
    CHECK_REJECTS(HEAD "partitions 65\n", 3, 12,
                  "the number of partitions must be between 1 and 64, got 65");
    CHECK_REJECTS(HEAD "consumers 0\n", 3, 11,
                  "the number of consumers must be between 1 and 16, got 0");
    CHECK_REJECTS("scenario t\npayments 0 every 1ms\n", 2, 10,
                  "the number of payments must be between 1 and 100000000, got 0");
    CHECK_REJECTS("scenario t\npayments ten every 1ms\n", 2, 10,
                  "the number of payments must be a whole number, got 'ten'");
    CHECK_REJECTS(HEAD "seed 18446744073709551616\n", 3, 6,
                  "the seed must be between 0 and 18446744073709551615, got 18446744073709551616");
    CHECK_REJECTS(HEAD "until 0s\n", 3, 7, "the horizon must be after 0s");
}

static void test_parser_rejects_bad_values_at_their_column(void)
{
    CHECK_REJECTS(HEAD "link producer->broker loss 200%\n", 3, 28,
                  "loss must be between 0% and 100%, got 200%");
    CHECK_REJECTS(HEAD "link producer->broker duplicate lots\n", 3, 33,
                  "duplicate must be a probability like 2% or 0.02, got 'lots'");
    CHECK_REJECTS(HEAD "link producer->broker delay 5\n", 3, 29,
                  "the delay must be a duration with a unit (ns us ms s m h) like 30s or 1.5ms, "
                  "got '5'");
    CHECK_REJECTS(HEAD "link producer->broker delay 80ms..20ms\n", 3, 29,
                  "the delay must go from low to high like 20ms..80ms, got 80ms..20ms");
    CHECK_REJECTS(HEAD "link producer->broker delay 1ms jitter 2ms\n", 3, 33,
                  "expected delay, loss or duplicate, got 'jitter'");
    CHECK_REJECTS("scenario t\npayments 10 every 1ms amount 500..10\n", 2, 30,
                  "the amount must go from low to high like 10..500, got 500..10");
    CHECK_REJECTS("scenario t\npayments 10 every 1ms amount 5.5\n", 2, 30,
                  "the amount must be a whole number, got '5.5'");
    CHECK_REJECTS("scenario t\npayments 10 every 1.5ns\n", 2, 19,
                  "the interval between payments must be a whole number of nanoseconds, got 1.5ns");
    CHECK_REJECTS(HEAD "cut producer->broker at 1s until 2s\n", 3, 28,
                  "expected 'for', got 'until'");
    CHECK_REJECTS(HEAD "reset-offsets to shift many at 1s\n", 3, 24,
                  "the shift must be a number of records like -100 or +100, at most 100000000 "
                  "either way, got 'many'");
    CHECK_REJECTS(HEAD "reset-offsets to middle at 1s\n", 3, 18,
                  "expected earliest, latest or shift, got 'middle'");
    CHECK_REJECTS(HEAD "crash consumer at 1s restart later\n", 3, 30,
                  "expected 'after DURATION' or 'never', got 'later'");
    CHECK_REJECTS(HEAD "crash consumer when 1s\n", 3, 16,
                  "expected 'at TIME' or 'on POINT', got 'when'");
    CHECK_REJECTS(HEAD "about unquoted\n", 3, 7, "about takes one \"quoted\" line, got 'unquoted'");
}

static void test_parser_rejects_unknown_names(void)
{
    CHECK_REJECTS(HEAD "crash database at 1s\n", 3, 7,
                  "unknown node 'database' (nodes: producer broker gateway relay ledger "
                  "consumer consumer-K)");
    /* The lists of points and kinds come from model.c's tables, which grow. */
    char want[400];
    CHECK_REJECTS(HEAD "crash consumer on after-charge\n", 3, 19,
                  list_message(want, sizeof want, "unknown protocol point 'after-charge' (points:",
                               point_names, POINT_COUNT));
    CHECK(strstr(err.message, " send ack append ack-sent txn-commit marker poll before-effect "
                              "after-effect before-commit after-commit charge respond write "
                              "commit") != NULL);
    CHECK_REJECTS(HEAD "drop broker->producer on refused\n", 3, 26,
                  list_message(want, sizeof want, "unknown message kind 'refused' (kinds:",
                               msg_kind_names, MSG_KIND_COUNT));
    CHECK(strstr(err.message, " produce ack end-txn end-txn-ack offset-fetch offsets fetch "
                              "records commit commit-ack charge response") != NULL);
    CHECK_REJECTS(HEAD "drop broker->producer on nack\n", 3, 26,
                  "unknown message kind 'nack' (did you mean ack?)"); /* one edit away */
    CHECK_REJECTS(HEAD "expect idempotent refunds = 0\n", 3, 19,
                  "unknown metric 'refunds' (metrics: lost duplicated pending charges ledger-rows "
                  "log-copies deliveries output-copies output-duplicates duplicates-in-log "
                  "aborted-reads skipped-offsets hanging lost-writes torn-transactions gave-up indefinite "
                  "definite charged charged-twice never-charged disagreeing duplicated-rate lost-rate "
                  "balance)");
    CHECK_REJECTS(HEAD "expect idempotent lost == 0\n", 3, 24,
                  "expected a comparison (= != < <= > >=), got '=='");
    CHECK_REJECTS(HEAD "expect idempotent lost=0\n", 3, 19,
                  "expected METRIC OP NUMBER separated by spaces, like 'duplicated = 0', got "
                  "'lost=0'");
    CHECK_REJECTS(HEAD "expect exactly-once lost = 0\n", 3, 8,
                  "unknown strategy 'exactly-once' (strategies defined so far: at-most-once "
                  "at-least-once idempotent transactional)");
    CHECK_REJECTS(HEAD "strategy s from exactly-once\n", 3, 17,
                  "unknown strategy 'exactly-once' (strategies defined so far: at-most-once "
                  "at-least-once idempotent transactional)");
}

static void test_parser_rejects_settings(void)
{
    CHECK_REJECTS(HEAD "set consumer.request-timout 5s\n", 3, 5,
                  "unknown parameter 'consumer.request-timout' (did you mean "
                  "consumer.request-timeout?)");
    CHECK_REJECTS(HEAD "set warp.speed 9\n", 3, 5,
                  "unknown parameter 'warp.speed' (the README lists them)");
    CHECK_REJECTS(HEAD "set consumer.commit after\n", 3, 5,
                  "'consumer.commit' is a strategy knob, not a parameter: write `strategy NAME "
                  "from BASE consumer.commit=VALUE`");
    CHECK_REJECTS(HEAD "set producer.request-timeout 30\n", 3, 30,
                  "producer.request-timeout must be a duration with a unit (ns us ms s m h) like "
                  "30s or 1.5ms, got '30'");
    CHECK_REJECTS(HEAD "set producer.max-in-flight 6\n", 3, 28,
                  "producer.max-in-flight must be a whole number from 1 to 5, got '6'");
    CHECK_REJECTS(HEAD "set consumer.auto-offset-reset newest\n", 3, 32,
                  "consumer.auto-offset-reset must be earliest|latest, got 'newest'");
    CHECK_REJECTS(HEAD "set gateway.latency 80ms..20ms\n", 3, 21,
                  "gateway.latency must go from low to high like 20ms..80ms, got 80ms..20ms");
    CHECK_REJECTS(HEAD "set gateway.latency\n", 3, 20, "expected a value");
    CHECK_REJECTS(HEAD "strategy s producer.retries=maybe\n", 3, 29,
                  "producer.retries must be off|on, got 'maybe'");
    CHECK_REJECTS(HEAD "strategy s consumer.dedup-ttl=5\n", 3, 31,
                  "consumer.dedup-ttl must be a duration with a unit (ns us ms s m h) like 30s "
                  "or 1.5ms, got '5'");
    CHECK_REJECTS(HEAD "strategy s consumer.dedupe=memory\n", 3, 12,
                  "unknown knob 'consumer.dedupe' (did you mean consumer.dedup?)");
    CHECK_REJECTS(HEAD "strategy s turbo=on\n", 3, 12,
                  "unknown knob 'turbo' (the README lists them)");
    CHECK_REJECTS(HEAD "strategy s gateway.latency=5ms\n", 3, 12,
                  "'gateway.latency' is a parameter, not a strategy knob: write `set "
                  "gateway.latency VALUE` on its own line");
    CHECK_REJECTS(HEAD "strategy s producer.retries\n", 3, 12,
                  "expected knob=value, got 'producer.retries'");
}

static void test_parser_rejects_transactions_without_idempotence(void)
{
    CHECK_REJECTS(HEAD "strategy s from at-least-once producer.transactions=on\n", 3, 31,
                  "strategy 's': producer.transactions=on needs producer.idempotence=on (as in "
                  "Kafka)");
    CHECK_REJECTS(HEAD "strategy s from transactional consumer.dedup=none "
                       "producer.idempotence=off\n", 3, 51,
                  "strategy 's': producer.transactions=on needs producer.idempotence=on (as in "
                  "Kafka)");
    CHECK(parse(HEAD "strategy s from transactional producer.idempotence=off "
                     "producer.transactions=off\n"));
}

static void test_parser_rejects_references_the_whole_file_disproves(void)
{
    CHECK_REJECTS(HEAD "consumers 2\ncrash consumer-3 at 1s\n", 4, 7,
                  "consumer-3 does not exist: the scenario has 2 consumers");
    CHECK_REJECTS(HEAD "pause consumer-2 at 1s for 1s\n", 3, 7,
                  "consumer-2 does not exist: the scenario has 1 consumer");
    CHECK_REJECTS(HEAD "crash consumer on after-effect payment 10\n", 3, 40,
                  "payment 10 does not exist: the scenario has 10 payments (line 2), numbered 0 "
                  "to 9");
    CHECK_REJECTS(HEAD "drop gateway->consumer on response payment 12\n", 3, 44,
                  "payment 12 does not exist: the scenario has 10 payments (line 2), numbered 0 "
                  "to 9");
    CHECK_REJECTS(HEAD "strategies at-least-once\nexpect idempotent lost = 0\n", 4, 8,
                  "strategy 'idempotent' is not run, so it cannot be expected: add it to "
                  "`strategies` on line 3");
}

static void test_parser_rejects_drop_on_the_wrong_link(void)
{
    CHECK_REJECTS(HEAD "drop producer->broker on ack payment 1\n", 3, 26,
                  "ack messages travel on broker->producer or broker->consumer or "
                  "broker->relay, not on producer->broker");
    CHECK_REJECTS(HEAD "drop consumer->gateway on response\n", 3, 27,
                  "response messages travel on gateway->consumer, not on consumer->gateway");
    CHECK_REJECTS(HEAD "drop consumer->broker on fetch payment 3\n", 3, 32,
                  "fetch messages name partitions or transactions, not payments: leave out "
                  "`payment K` to take the first one");
    char want[400];
    CHECK_REJECTS(HEAD "drop producer->consumer on produce\n", 3, 6,
                  list_message(want, sizeof want, "unknown link 'producer->consumer' (links:",
                               link_names, LINK_COUNT));
    CHECK(strstr(err.message, " producer->broker broker->producer consumer->broker "
                              "broker->consumer consumer->gateway gateway->consumer") != NULL);
}

static void test_parser_rejects_lexical_errors(void)
{
    CHECK_REJECTS(HEAD "about \"never closed\n", 3, 7,
                  "unterminated quoted string: the line ends before the closing \"");
    char text[1200];
    snprintf(text, sizeof text, HEAD "about \"%01100d\"\n", 0);
    CHECK_REJECTS(text, 3, 1024, "line is longer than 1023 characters");
    snprintf(text, sizeof text, HEAD "about \"%0255d\"\n", 0);
    CHECK(parse(text));
    CHECK_EQ(strlen(sc.about), 255);
    snprintf(text, sizeof text, HEAD "about \"%0256d\"\n", 0);
    CHECK_REJECTS(text, 3, 7, "about is longer than 255 characters");
}

static void test_parser_error_print_shows_line_and_caret(void)
{
    CHECK(!scenario_parse("lossy.scn", HEAD "link producer->broker\tloss 200%\n", &sc, &err));
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    parse_error_print(&err, f);
    char out[512] = { 0 };
    rewind(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    fclose(f);
    out[n] = 0;
    CHECK_STR(out, "lossy.scn:3:28: error: loss must be between 0% and 100%, got 200%\n"
                   "    link producer->broker\tloss 200%\n"
                   "                         \t     ^\n");
}

static void test_parser_stops_at_the_first_error(void)
{
    CHECK_REJECTS(HEAD "seed x\nruns 0\n", 3, 6, "the seed must be a whole number, got 'x'");
}

/* ---- values ---- */

static void test_value_duration_exact(void)
{
    static const struct { const char *text; sim_time ns; } cases[] = {
        { "0s", 0 }, { "0ns", 0 }, { "1ns", 1 }, { "1us", 1000 }, { "1ms", 1000000 },
        { "1s", 1000000000 }, { "1m", 60000000000 }, { "1h", 3600000000000 },
        { "1.5s", 1500000000 }, { "0.5ms", 500000 }, { "2.25us", 2250 }, { ".5s", 500000000 },
        { "1.50s", 1500000000 }, { "1.000000001s", 1000000001 }, { "0.1us", 100 },
        { "1000000h", 1000000 * 3600000000000u }, { "3600000000000000000ns", 3600000000000000000u },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_time t = 7;
        char msg[VALUE_ERR_LEN] = "";
        bool ok = value_duration(cases[i].text, (unsigned)strlen(cases[i].text), &t, msg);
        if (!ok)
            fprintf(stderr, "  %s: %s\n", cases[i].text, msg);
        CHECK(ok);
        CHECK_EQ(t, cases[i].ns);
    }
}

static void test_value_duration_rejects(void)
{
    static const struct { const char *text, *message; } cases[] = {
        { "5", "must be a duration with a unit (ns us ms s m h) like 30s or 1.5ms, got '5'" },
        { "1.5ns", "must be a whole number of nanoseconds, got 1.5ns" },
        { "0.0001us", "must be a whole number of nanoseconds, got 0.0001us" },
        { "1000001h", "must be at most 1000000h (about 114 years), got 1000001h" },
        { "18446744073709551615ns", "must be at most 1000000h (about 114 years), got "
                                    "18446744073709551615ns" },
        { "99999999999999999999s", "must be at most 1000000h (about 114 years), got "
                                   "99999999999999999999s" },
        { "ms", "must be a duration with a unit (ns us ms s m h) like 30s or 1.5ms, got 'ms'" },
        { "", "must be a duration with a unit (ns us ms s m h) like 30s or 1.5ms, got ''" },
        { "1.s", NULL }, { "-1s", NULL }, { "1e3ms", NULL }, { "5sec", NULL }, { "5S", NULL },
        { "1..2s", NULL }, { "1.2.3s", NULL }, { "5 s", NULL }, { "s5", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_time t = 7;
        char msg[VALUE_ERR_LEN] = "";
        CHECK(!value_duration(cases[i].text, (unsigned)strlen(cases[i].text), &t, msg));
        CHECK_EQ(t, 7);
        CHECK(msg[0] != 0);
        if (cases[i].message)
            CHECK_STR(msg, cases[i].message);
    }
}

static void test_value_probability_exact(void)
{
    static const struct { const char *text; uint32_t ppm; } cases[] = {
        { "0", 0 }, { "0%", 0 }, { "1", 1000000 }, { "100%", 1000000 }, { "2%", 20000 },
        { "0.5%", 5000 }, { "0.02", 20000 }, { "0.0001%", 1 }, { "0.000001", 1 },
        { "1.0", 1000000 }, { "99.9999%", 999999 }, { "12.5%", 125000 }, { "0.50%", 5000 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t ppm = 7;
        char msg[VALUE_ERR_LEN] = "";
        bool ok = value_probability(cases[i].text, (unsigned)strlen(cases[i].text), &ppm, msg);
        if (!ok)
            fprintf(stderr, "  %s: %s\n", cases[i].text, msg);
        CHECK(ok);
        CHECK_EQ(ppm, cases[i].ppm);
    }
}

static void test_value_probability_rejects(void)
{
    static const struct { const char *text, *message; } cases[] = {
        { "101%", "must be between 0% and 100%, got 101%" },
        { "1.5", "must be between 0% and 100%, got 1.5" },
        { "100.0001%", "must be between 0% and 100%, got 100.0001%" },
        { "99999999999999999999%", "must be between 0% and 100%, got 99999999999999999999%" },
        { "0.00001%", "must be a whole number of parts per million (at most 4 decimals), got "
                      "0.00001%" },
        { "0.0000001", "must be a whole number of parts per million (at most 6 decimals), got "
                       "0.0000001" },
        { "abc", "must be a probability like 2% or 0.02, got 'abc'" },
        { "%", "must be a probability like 2% or 0.02, got '%'" },
        { "", "must be a probability like 2% or 0.02, got ''" },
        { "-1%", NULL }, { "2 %", NULL }, { "2%%", NULL }, { "1/2", NULL }, { "2e-2", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t ppm = 7;
        char msg[VALUE_ERR_LEN] = "";
        CHECK(!value_probability(cases[i].text, (unsigned)strlen(cases[i].text), &ppm, msg));
        CHECK_EQ(ppm, 7);
        CHECK(msg[0] != 0);
        if (cases[i].message)
            CHECK_STR(msg, cases[i].message);
    }
}

static void test_value_count(void)
{
    uint64_t n = 7;
    char msg[VALUE_ERR_LEN];
    CHECK(value_count("0", 1, &n, msg));
    CHECK_EQ(n, 0);
    CHECK(value_count("042", 3, &n, msg));
    CHECK_EQ(n, 42);
    CHECK(value_count("18446744073709551615", 20, &n, msg));
    CHECK_EQ(n, UINT64_MAX);
    CHECK(!value_count("18446744073709551616", 20, &n, msg));
    CHECK_STR(msg, "must be at most 18446744073709551615, got 18446744073709551616");
    CHECK(!value_count("1.5", 3, &n, msg));
    CHECK_STR(msg, "must be a whole number, got '1.5'");
    CHECK(!value_count("1.0", 3, &n, msg));
    CHECK(!value_count("-1", 2, &n, msg));
    CHECK(!value_count("", 0, &n, msg));
    CHECK(!value_count("1,000", 5, &n, msg));
    CHECK(!value_count("1e3", 3, &n, msg));
    CHECK(!value_count("12ms", 4, &n, msg));
    /* only len characters are read */
    CHECK(value_count("123abc", 3, &n, msg));
    CHECK_EQ(n, 123);
}

static void test_value_ranges(void)
{
    sim_time lo = 0, hi = 0;
    uint64_t a = 0, b = 0;
    char msg[VALUE_ERR_LEN];
    CHECK(value_duration_range("20ms..80ms", 10, &lo, &hi, msg));
    CHECK_EQ(lo, 20 * SIM_MS);
    CHECK_EQ(hi, 80 * SIM_MS);
    CHECK(value_duration_range("1s..1500ms", 10, &lo, &hi, msg));
    CHECK_EQ(lo, SIM_SEC);
    CHECK_EQ(hi, 1500 * SIM_MS);
    CHECK(value_duration_range("5ms", 3, &lo, &hi, msg));
    CHECK_EQ(lo, 5 * SIM_MS);
    CHECK_EQ(hi, 5 * SIM_MS);
    CHECK(value_duration_range("0.5s..0.5s", 10, &lo, &hi, msg));
    CHECK_EQ(lo, hi);
    CHECK(!value_duration_range("80ms..20ms", 10, &lo, &hi, msg));
    CHECK_STR(msg, "must go from low to high like 20ms..80ms, got 80ms..20ms");
    CHECK(!value_duration_range("20..80ms", 8, &lo, &hi, msg));
    CHECK_STR(msg, "must be a duration with a unit (ns us ms s m h) like 30s or 1.5ms, got '20'");
    CHECK(!value_duration_range("..80ms", 6, &lo, &hi, msg));
    CHECK(!value_duration_range("20ms..", 6, &lo, &hi, msg));
    CHECK(!value_duration_range("1ms..2ms..3ms", 13, &lo, &hi, msg));
    CHECK(value_count_range("10..500", 7, &a, &b, msg));
    CHECK_EQ(a, 10);
    CHECK_EQ(b, 500);
    CHECK(value_count_range("50", 2, &a, &b, msg));
    CHECK_EQ(a, 50);
    CHECK_EQ(b, 50);
    CHECK(!value_count_range("500..10", 7, &a, &b, msg));
    CHECK_STR(msg, "must go from low to high like 10..500, got 500..10");
    CHECK(!value_count_range("1...2", 5, &a, &b, msg));
    CHECK(!value_count_range("1..2..3", 7, &a, &b, msg));
}

static void test_value_format_duration(void)
{
    static const struct { sim_time ns; const char *text; } cases[] = {
        { 0, "0s" }, { 1, "1ns" }, { 999, "999ns" }, { 1000, "1us" }, { 1500, "1.5us" },
        { 250 * SIM_MS, "250ms" }, { 1500 * SIM_MS, "1.5s" }, { SIM_SEC, "1s" },
        { 90 * SIM_SEC, "1.5m" }, { 3600 * SIM_SEC, "1h" }, { 1234567, "1.234ms" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        CHECK_STR(value_format_duration(cases[i].ns, buf, sizeof buf), cases[i].text);
    }
}

#define TEST(name) { #name, test_##name }

const struct test parser_tests[] = {
    TEST(parser_accepts_minimal_scenario_with_defaults),
    TEST(parser_accepts_header_statements),
    TEST(parser_accepts_seed_zero_and_largest),
    TEST(parser_accepts_payments_amount_forms),
    TEST(parser_accepts_link_options_in_any_order),
    TEST(parser_accepts_every_link_name),
    TEST(parser_accepts_cut),
    TEST(parser_accepts_crash_at_and_on),
    TEST(parser_accepts_every_protocol_point),
    TEST(parser_accepts_pause_at_and_on),
    TEST(parser_accepts_drop),
    TEST(parser_accepts_delay),
    TEST(parser_accepts_reset_offsets),
    TEST(parser_accepts_set_parameters),
    TEST(parser_accepts_every_parameter_at_its_default),
    TEST(parser_accepts_user_strategy_from_base),
    TEST(parser_accepts_user_strategy_without_from),
    TEST(parser_accepts_strategy_from_user_strategy),
    TEST(parser_accepts_default_run_list_with_user_strategies),
    TEST(parser_accepts_strategies_line),
    TEST(parser_accepts_expect_triples),
    TEST(parser_accepts_expect_rates),
    TEST(parser_accepts_expect_anomaly_metrics),
    TEST(parser_accepts_expect_on_user_strategy),
    TEST(parser_accepts_comments_and_blank_lines),
    TEST(parser_accepts_crlf_and_no_final_newline),
    TEST(parser_accepts_quoted_about),
    TEST(parser_accepts_statements_in_any_order),
    TEST(parser_accepts_design_example),
    TEST(parser_rejects_unknown_statement),
    TEST(parser_rejects_missing_required_statements),
    TEST(parser_rejects_missing_words),
    TEST(parser_rejects_trailing_words),
    TEST(parser_rejects_bad_names),
    TEST(parser_rejects_duplicates),
    TEST(parser_rejects_out_of_range_counts),
    TEST(parser_rejects_bad_values_at_their_column),
    TEST(parser_rejects_unknown_names),
    TEST(parser_rejects_settings),
    TEST(parser_rejects_transactions_without_idempotence),
    TEST(parser_rejects_references_the_whole_file_disproves),
    TEST(parser_rejects_drop_on_the_wrong_link),
    TEST(parser_rejects_lexical_errors),
    TEST(parser_error_print_shows_line_and_caret),
    TEST(parser_stops_at_the_first_error),
    TEST(value_duration_exact),
    TEST(value_duration_rejects),
    TEST(value_probability_exact),
    TEST(value_probability_rejects),
    TEST(value_count),
    TEST(value_ranges),
    TEST(value_format_duration),
    { NULL, NULL },
};
