/* params.c: parameter defaults and the table behind `set`. */
#include "params.h"

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
};

static const char *const resets[] = { "earliest", "latest", NULL };

#define PARAM(name, type, field, choices, lo, hi, help) \
    { name, type, offsetof(struct params, field), choices, lo, hi, help }

const struct setting params_table[] = {
    PARAM("producer.request-timeout", SETTING_DURATION, producer_request_timeout, NULL, 0, 0,
          "how long the producer waits for an ack before retrying (30s)"),
    PARAM("producer.retry-backoff", SETTING_DURATION, producer_retry_backoff, NULL, 0, 0,
          "pause before re-sending a request the broker refused as out of order (100ms)"),
    PARAM("producer.delivery-timeout", SETTING_DURATION, producer_delivery_timeout, NULL, 0, 0,
          "a transactional producer whose records are not all acknowledged this long after "
          "its transaction began aborts it and retries them in a new one (120s)"),
    PARAM("producer.max-in-flight", SETTING_COUNT, producer_max_in_flight, NULL, 1, 5,
          "unacknowledged requests per partition of an idempotent producer (5)"),
    PARAM("producer.transaction-records", SETTING_COUNT, producer_txn_max_records, NULL, 1, 100000,
          "records a transactional producer puts in one transaction at most (100)"),
    PARAM("broker.transaction-timeout", SETTING_DURATION, broker_transaction_timeout, NULL, 0, 0,
          "an open transaction older than this is aborted by the coordinator (60s)"),
    PARAM("broker.producer-id-expiration", SETTING_DURATION, broker_producer_id_expiration,
          NULL, 0, 0, "the broker forgets an idle producer id's sequence numbers after this (24h)"),
    PARAM("broker.transaction-defense", SETTING_BOOL, broker_transaction_defense, NULL, 0, 0,
          "on (Kafka 4): every transaction ends with an epoch bump and produce requests are "
          "verified against the ongoing transaction; off: the pre-KIP-890 anomalies (on)"),
    PARAM("consumer.request-timeout", SETTING_DURATION, consumer_request_timeout, NULL, 0, 0,
          "how long a consumer waits for a fetch, offset or commit answer (30s)"),
    PARAM("consumer.session-timeout", SETTING_DURATION, consumer_session_timeout, NULL, 0, 0,
          "a member whose heartbeats stop this long is removed from the group (45s)"),
    PARAM("consumer.heartbeat-interval", SETTING_DURATION, consumer_heartbeat_interval, NULL,
          0, 0, "how often a member heartbeats to the group coordinator (3s)"),
    PARAM("consumer.max-poll-interval", SETTING_DURATION, consumer_max_poll_interval, NULL, 0, 0,
          "a member that does not poll for this long is removed from the group (5m)"),
    PARAM("broker.offsets-retention", SETTING_DURATION, broker_offsets_retention, NULL, 0, 0,
          "committed offsets of a group left empty this long are dropped (7 days)"),
    PARAM("consumer.max-poll-records", SETTING_COUNT, consumer_max_poll_records, NULL, 1, 100000,
          "records one poll returns at most (500)"),
    PARAM("consumer.gateway-timeout", SETTING_DURATION, consumer_gateway_timeout, NULL, 0, 0,
          "how long the consumer waits for the gateway's answer (2s)"),
    PARAM("consumer.retry-backoff", SETTING_DURATION, consumer_retry_backoff, NULL, 0, 0,
          "pause before retrying a charge the gateway answered with a conflict or an error (100ms)"),
    PARAM("consumer.gateway-attempts", SETTING_COUNT, consumer_gateway_attempts, NULL, 1, 1000000,
          "error answers per delivery before the consumer gives the charge up (10); "
          "unanswered charges are retried without limit"),
    PARAM("consumer.auto-commit-interval", SETTING_DURATION, consumer_auto_commit_interval, NULL,
          0, 0, "with consumer.commit=auto, how often poll commits what it returned (5s)"),
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
    PARAM("relay.flush-interval", SETTING_DURATION, relay_flush_interval, NULL, 0, 0,
          "how often the outbox relay persists the position it has published up to (60s)"),
    PARAM("node.restart-delay", SETTING_DURATION, restart_delay, NULL, 0, 0,
          "restart delay of a crash that does not say `restart after` (1s)"),
    PARAM("run.max-time", SETTING_DURATION, max_time, NULL, 0, 0,
          "safety horizon of a scenario without `until` (7 days)"),
    { NULL, 0, 0, NULL, 0, 0, NULL },
};
