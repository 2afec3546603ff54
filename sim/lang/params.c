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
    .gateway_latency = { 50 * SIM_MS, 50 * SIM_MS },
    .gateway_key_retention = 24 * 3600 * SIM_SEC,
    .ledger_latency = 1 * SIM_MS,
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
          "how long the producer waits for an ack before retrying (30s)"),
    TIMER("producer.retry-backoff", producer_retry_backoff,
          "pause before re-sending a request the broker refused as out of order (100ms)"),
    TIMER("producer.delivery-timeout", producer_delivery_timeout,
          "a record not acknowledged this long after the producer took it is reported "
          "failed; a transactional producer aborts the transaction and retries its records "
          "in a new one (120s)"),
    PARAM("producer.max-attempts", SETTING_COUNT, producer_max_attempts, NULL, 0, 1000000000,
          "sends of one record at most before it is reported failed; 0: no limit but the "
          "delivery timeout, as Kafka's retries=MAX_INT (0)"),
    PARAM("producer.max-in-flight", SETTING_COUNT, producer_max_in_flight, NULL, 1, 5,
          "unacknowledged requests per partition of an idempotent producer (5)"),
    PARAM("producer.transaction-records", SETTING_COUNT, producer_txn_max_records, NULL, 1, 100000,
          "records a transactional producer puts in one transaction at most (100)"),
    TIMER("broker.transaction-timeout", broker_transaction_timeout,
          "an open transaction older than this is aborted by the coordinator (60s)"),
    PARAM("broker.producer-id-expiration", SETTING_DURATION, broker_producer_id_expiration,
          NULL, 0, 0, "the broker forgets an idle producer id's sequence numbers after this (24h)"),
    PARAM("broker.transaction-defense", SETTING_BOOL, broker_transaction_defense, NULL, 0, 0,
          "on (Kafka 4): every transaction ends with an epoch bump and produce requests are "
          "verified against the ongoing transaction; off: the pre-KIP-890 anomalies (on)"),
    TIMER("consumer.request-timeout", consumer_request_timeout,
          "how long a consumer waits for a fetch, offset or commit answer (30s)"),
    TIMER("consumer.session-timeout", consumer_session_timeout,
          "a member whose heartbeats stop this long is removed from the group (45s)"),
    TIMER("consumer.heartbeat-interval", consumer_heartbeat_interval,
          "how often a member heartbeats to the group coordinator (3s)"),
    TIMER("consumer.max-poll-interval", consumer_max_poll_interval,
          "a member that does not poll for this long is removed from the group (5m)"),
    PARAM("broker.offsets-retention", SETTING_DURATION, broker_offsets_retention, NULL, 0, 0,
          "committed offsets of a group left empty this long are dropped (7 days)"),
    PARAM("consumer.max-poll-records", SETTING_COUNT, consumer_max_poll_records, NULL, 1, 100000,
          "records one poll returns at most (500)"),
    TIMER("consumer.gateway-timeout", consumer_gateway_timeout,
          "how long the consumer waits for the gateway's answer (2s)"),
    TIMER("consumer.retry-backoff", consumer_retry_backoff,
          "pause before retrying a charge the gateway answered with a conflict or an error (100ms)"),
    PARAM("consumer.gateway-attempts", SETTING_COUNT, consumer_gateway_attempts, NULL, 1, 1000000,
          "error answers per delivery before the consumer gives the charge up (10); "
          "unanswered charges are retried without limit"),
    TIMER("consumer.auto-commit-interval", consumer_auto_commit_interval,
          "with consumer.commit=auto, how often poll commits what it returned (5s)"),
    PARAM("consumer.auto-offset-reset", SETTING_ENUM, consumer_auto_offset_reset, resets, 0, 0,
          "where a consumer starts when its group has no committed offset (earliest)"),
    PARAM("gateway.latency", SETTING_DURATION_RANGE, gateway_latency, NULL, 0, 0,
          "time the gateway takes to execute a charge, uniform over the range (50ms)"),
    PARAM("gateway.key-retention", SETTING_DURATION, gateway_key_retention, NULL, 0, 0,
          "how long the gateway keeps an idempotency key's saved result (24h)"),
    PARAM("gateway.error-rate", SETTING_PROBABILITY, gateway_error_ppm, NULL, 0, 0,
          "chance that a charge fails inside the gateway, charging nothing (0%)"),
    PARAM("ledger.latency", SETTING_DURATION, ledger_latency, NULL, 0, 0,
          "time between a ledger transaction's write and its commit (1ms)"),
    TIMER("relay.flush-interval", relay_flush_interval,
          "how often the outbox relay persists the position it has published up to (60s)"),
    PARAM("node.restart-delay", SETTING_DURATION, restart_delay, NULL, 0, 0,
          "restart delay of a crash that does not say `restart after` (1s)"),
    TIMER("run.max-time", max_time,
          "safety horizon of a scenario without `until` (7 days)"),
    PARAM("run.max-events", SETTING_COUNT, max_events, NULL, 1000, 4000000000u,
          "a run stops after this many events, reported on stderr, its unfinished payments "
          "pending (500000000, about a minute)"),
    { NULL, 0, 0, NULL, 0, 0, NULL, 0, NULL },
};
