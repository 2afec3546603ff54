/* params.h: the timing and sizing parameters a scenario sets with `set NAME VALUE`.
 * Defaults are Kafka's and a Stripe-like gateway's where those systems have one. */
#ifndef EOSIM_PARAMS_H
#define EOSIM_PARAMS_H

#include <stdint.h>

#include "base/dist.h"
#include "base/engine.h"
#include "lang/settings.h"

enum offset_reset { RESET_EARLIEST, RESET_LATEST };

struct params {
    sim_time producer_request_timeout;
    sim_time producer_retry_backoff;
    sim_time producer_delivery_timeout;
    uint32_t producer_max_attempts;         /* 0: no limit but the delivery timeout */
    uint32_t producer_max_in_flight;
    uint32_t producer_txn_max_records;
    sim_time broker_transaction_timeout;
    sim_time broker_producer_id_expiration;
    uint8_t broker_transaction_defense;     /* bool: KIP-890's verification and epoch bumps */
    sim_time consumer_request_timeout;
    sim_time consumer_session_timeout;
    sim_time consumer_heartbeat_interval;
    sim_time consumer_max_poll_interval;
    sim_time broker_offsets_retention;
    uint32_t consumer_max_poll_records;
    sim_time consumer_gateway_timeout;
    sim_time consumer_retry_backoff;
    uint32_t consumer_gateway_attempts;
    sim_time consumer_auto_commit_interval;
    uint8_t consumer_auto_offset_reset;     /* enum offset_reset */
    struct dist gateway_latency;
    sim_time gateway_key_retention;
    uint32_t gateway_error_ppm;
    struct dist ledger_latency;
    sim_time consumer_ledger_timeout;
    sim_time relay_flush_interval;
    sim_time restart_delay;                 /* crash without "restart after" */
    sim_time max_time;                      /* safety horizon when no `until` is given */
    uint32_t max_events;                    /* a run stops after this many events */
};

extern const struct params params_defaults;
extern const struct setting params_table[];

#endif
