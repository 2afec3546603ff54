/* params.c: parameter defaults and the table behind `set`. */
#include "lang/params.h"

#include <stddef.h>

const struct params params_defaults = {
    .producer_request_timeout = 30 * SIM_SEC,   /* request.timeout.ms */
    .producer_retry_backoff = 100 * SIM_MS,     /* retry.backoff.ms */
    .producer_delivery_timeout = 120 * SIM_SEC, /* delivery.timeout.ms */
    .producer_max_in_flight = 5,                /* max.in.flight.requests.per.connection */
    .producer_txn_max_records = 100,
    .broker_transaction_timeout = 60 * SIM_SEC, /* transaction.timeout.ms */
    .broker_producer_id_expiration = 24 * 3600 * SIM_SEC, /* producer.id.expiration.ms */
    .broker_transaction_defense = 1,          /* Kafka 4.0: KIP-890 part 2 */
    .consumer_request_timeout = 30 * SIM_SEC,
    .consumer_session_timeout = 45 * SIM_SEC,     /* session.timeout.ms */
    .consumer_heartbeat_interval = 3 * SIM_SEC,   /* heartbeat.interval.ms */
    .consumer_max_poll_interval = 300 * SIM_SEC,  /* max.poll.interval.ms */
    .broker_offsets_retention = 7 * 24 * 3600 * SIM_SEC, /* offsets.retention.minutes */
    .consumer_max_poll_records = 500,           /* max.poll.records */
    .consumer_gateway_timeout = 2 * SIM_SEC,
    .consumer_retry_backoff = 100 * SIM_MS,
    .consumer_gateway_attempts = 10,
    .consumer_auto_commit_interval = 5 * SIM_SEC, /* auto.commit.interval.ms */
    .consumer_auto_offset_reset = RESET_EARLIEST,
    .gateway_latency = { 50 * SIM_MS, 50 * SIM_MS, 0, DIST_FIXED },
    .gateway_key_retention = 24 * 3600 * SIM_SEC,
    .ledger_latency = { 1 * SIM_MS, 1 * SIM_MS, 0, DIST_FIXED },
    .consumer_ledger_timeout = 5 * SIM_SEC,   /* a driver's statement or socket timeout */
    .relay_flush_interval = 60 * SIM_SEC,     /* offset.flush.interval.ms */
    .restart_delay = 1 * SIM_SEC,
    .max_time = 7 * 24 * 3600 * SIM_SEC,
    .max_events = 500000000, /* about a minute of one core: a runaway retry storm */
};

static const char *const resets[] = { "earliest", "latest", NULL };

#define PARAM(name, type, field, choices, lo, hi, help) \
    { name, type, offsetof(struct params, field), choices, lo, hi, help, 0, NULL }
/* A duration that is a timer's period: zero would fire it again at the same instant
 * forever, so it takes 1us at least. */
#define TIMER(name, field, help) \
    { name, SETTING_DURATION, offsetof(struct params, field), NULL, 0, 0, help, SIM_US, \
      "it is the period of a timer, which 0 would fire again at the same instant forever" }

const struct setting params_table[] = {
    TIMER("producer.request-timeout", producer_request_timeout,
          "how long the producer waits for an ack (or an EndTxn answer) before sending "
          "again"),
    TIMER("producer.retry-backoff", producer_retry_backoff,
          "pause before re-sending a record the broker refused as out of order"),
    TIMER("producer.delivery-timeout", producer_delivery_timeout,
          "a record not acknowledged this long after the producer took it is reported "
          "failed to the service (non-transactional producers with retries); a "
          "transactional producer whose records are not all acked this long after its "
          "transaction began aborts it and retries them in a new one"),
    PARAM("producer.max-attempts", SETTING_COUNT, producer_max_attempts, NULL, 0, 1000000000,
          "sends of one record at most before the producer reports it failed; `0` is no "
          "limit but the delivery timeout (Kafka's `retries` = MAX_INT). The outbox "
          "relay never gives a committed row up, and a transactional producer retries "
          "by transaction"),
    PARAM("producer.max-in-flight", SETTING_COUNT, producer_max_in_flight, NULL, 1, 5,
          "unacknowledged records per partition of an idempotent producer with retries "
          "(1 to 5)"),
    PARAM("producer.transaction-records", SETTING_COUNT, producer_txn_max_records, NULL, 1, 100000,
          "records in one transaction at most (1 to 100000)"),
    TIMER("broker.transaction-timeout", broker_transaction_timeout,
          "a transaction still open this long after its first record is aborted"),
    PARAM("broker.producer-id-expiration", SETTING_DURATION, broker_producer_id_expiration,
          NULL, 0, 0,
          "the broker forgets the sequence numbers of a producer id idle this long on a "
          "partition"),
    PARAM("broker.transaction-defense", SETTING_BOOL, broker_transaction_defense, NULL, 0, 0,
          "KIP-890 (Kafka 4): an epoch bump ends every transaction and late "
          "transactional requests are refused; `off` shows the older anomalies"),
    TIMER("consumer.request-timeout", consumer_request_timeout,
          "how long a consumer waits for a join, offsets, a fetch or a commit answer "
          "before asking again"),
    TIMER("consumer.session-timeout", consumer_session_timeout,
          "a member whose heartbeats stop this long is removed from the group"),
    TIMER("consumer.heartbeat-interval", consumer_heartbeat_interval,
          "how often a member heartbeats"),
    TIMER("consumer.max-poll-interval", consumer_max_poll_interval,
          "a member that does not poll for this long is removed from the group"),
    PARAM("broker.offsets-retention", SETTING_DURATION, broker_offsets_retention, NULL, 0, 0,
          "the committed offsets of a group without members this long are dropped"),
    PARAM("consumer.max-poll-records", SETTING_COUNT, consumer_max_poll_records, NULL, 1, 100000,
          "records one poll returns at most (1 to 100000)"),
    TIMER("consumer.gateway-timeout", consumer_gateway_timeout,
          "how long the consumer waits for the gateway's answer"),
    TIMER("consumer.retry-backoff", consumer_retry_backoff,
          "pause before asking the gateway again after a conflict or an error answer"),
    PARAM("consumer.gateway-attempts", SETTING_COUNT, consumer_gateway_attempts, NULL, 1, 1000000,
          "error answers per delivery before the consumer gives the charge up (1 to "
          "1000000); unanswered charges are retried without limit"),
    TIMER("consumer.auto-commit-interval", consumer_auto_commit_interval,
          "with `consumer.commit=auto`, how often a poll commits"),
    PARAM("consumer.auto-offset-reset", SETTING_ENUM, consumer_auto_offset_reset, resets, 0, 0,
          "where a consumer starts on a partition with no committed offset: `earliest` "
          "or `latest`"),
    PARAM("gateway.latency", SETTING_DISTRIBUTION, gateway_latency, NULL, 0, 0,
          "time a charge takes to execute, drawn from the gateway's stream: a range draws "
          "uniformly, `exp MEAN` and `pareto MINIMUM SHAPE` as distributions"),
    PARAM("gateway.key-retention", SETTING_DURATION, gateway_key_retention, NULL, 0, 0,
          "how long a saved idempotency key is kept"),
    PARAM("gateway.error-rate", SETTING_PROBABILITY, gateway_error_ppm, NULL, 0, 0,
          "chance that a charge fails inside the gateway and charges nothing"),
    PARAM("ledger.latency", SETTING_DISTRIBUTION, ledger_latency, NULL, 0, 0,
          "time from a ledger row's write to its commit (a distribution like "
          "`gateway.latency`, drawn from the ledger's stream)"),
    TIMER("consumer.ledger-timeout", consumer_ledger_timeout,
          "how long a worker waits for a ledger commit's answer (a database driver's "
          "timeout) before `consumer.ledger-retries` says what it does"),
    TIMER("relay.flush-interval", relay_flush_interval,
          "how often the outbox relay persists its position; after a crash it publishes "
          "again everything since"),
    PARAM("node.restart-delay", SETTING_DURATION, restart_delay, NULL, 0, 0,
          "restart delay of a crash without `restart after`"),
    TIMER("run.max-time", max_time,
          "safety horizon of a scenario without `until`"),
    PARAM("run.max-events", SETTING_COUNT, max_events, NULL, 1000, 4000000000u,
          "the work bound of one run, about a minute of one core: a run stops after "
          "this many events (1000 to 4000000000), see below"),
    { NULL, 0, 0, NULL, 0, 0, NULL, 0, NULL },
};
