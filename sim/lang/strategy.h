/* strategy.h: delivery strategies as named sets of knobs. The four presets of the
 * design (at-most-once, at-least-once, idempotent, transactional) are rows of one
 * table; a scenario derives its own with `strategy NAME from BASE knob=value ...`. */
#ifndef EOSIM_STRATEGY_H
#define EOSIM_STRATEGY_H

#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "lang/settings.h"

enum commit_mode { COMMIT_BEFORE, COMMIT_AFTER, COMMIT_AUTO, COMMIT_WITH_LEDGER,
                   COMMIT_IN_TRANSACTION };
enum dedup_mode { DEDUP_NONE, DEDUP_MEMORY, DEDUP_LEDGER };
enum key_mode { KEY_NONE, KEY_PER_PAYMENT, KEY_PER_ATTEMPT };
enum isolation { READ_COMMITTED, READ_UNCOMMITTED };
enum txn_id_mode { TXN_ID_STABLE, TXN_ID_RANDOM };
enum effect_order { CHARGE_FIRST, RECORD_FIRST };
enum retry_amount { AMOUNT_SAME, AMOUNT_PLUS_FEE };
enum processing { PROCESSING_SYNC, PROCESSING_ASYNC };
enum after_abort { AFTER_ABORT_REWIND, AFTER_ABORT_KEEP_POSITION };

struct strategy {
    char name[NAME_MAX_LEN + 1];
    uint8_t producer_retries;     /* bool */
    uint8_t idempotence;          /* bool: producer id + sequence numbers */
    uint8_t transactions;         /* bool: records committed by the producer's transactions */
    uint8_t transactional_id;     /* enum txn_id_mode */
    uint8_t commit;               /* enum commit_mode */
    uint8_t isolation;            /* enum isolation */
    uint8_t dedup;                /* enum dedup_mode */
    uint8_t gateway_key;          /* enum key_mode */
    uint8_t gateway_retries;      /* bool */
    uint8_t ledger_retries;       /* bool: retry a ledger commit whose answer did not come */
    uint8_t order;                /* enum effect_order: charge then record, or the reverse */
    uint8_t ledger_unique;        /* bool: a unique constraint on the ledger's payment id */
    uint8_t retry_amount;         /* enum retry_amount */
    uint8_t outbox;               /* bool: intents go through an outbox table and a relay */
    uint8_t processing;           /* enum processing: in the poll loop, or handed off */
    uint8_t group_metadata;       /* bool: in-transaction offsets carry the group generation */
    uint8_t after_abort;          /* enum after_abort: seek back after an aborted batch */
    sim_time dedup_ttl;           /* 0: entries never expire */
};

#define STRATEGY_PRESETS 4
extern const struct strategy strategy_presets[STRATEGY_PRESETS];
extern const struct setting strategy_knobs[];

#endif
