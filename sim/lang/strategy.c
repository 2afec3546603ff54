/* strategy.c: the preset table and the knobs that build strategies. */
#include "lang/strategy.h"

#include <stddef.h>

#define ON 1
#define OFF 0

const struct strategy strategy_presets[STRATEGY_PRESETS] = {
    { .name = "at-most-once", .producer_retries = OFF, .commit = COMMIT_BEFORE,
      .isolation = READ_UNCOMMITTED, .dedup = DEDUP_NONE, .gateway_key = KEY_NONE,
      .gateway_retries = OFF, .group_metadata = ON },
    { .name = "at-least-once", .producer_retries = ON, .commit = COMMIT_AFTER,
      .isolation = READ_UNCOMMITTED, .dedup = DEDUP_NONE, .gateway_key = KEY_NONE,
      .gateway_retries = ON, .group_metadata = ON },
    { .name = "idempotent", .producer_retries = ON, .idempotence = ON,
      .commit = COMMIT_AFTER, .isolation = READ_UNCOMMITTED, .dedup = DEDUP_LEDGER,
      .gateway_key = KEY_PER_PAYMENT, .gateway_retries = ON, .group_metadata = ON },
    { .name = "transactional", .producer_retries = ON, .idempotence = ON,
      .transactions = ON, .commit = COMMIT_WITH_LEDGER, .isolation = READ_COMMITTED,
      .dedup = DEDUP_NONE, .gateway_key = KEY_NONE, .gateway_retries = ON,
      .group_metadata = ON },
};

static const char *const commit_modes[] = { "before", "after", "auto", "with-ledger",
                                            "in-transaction", NULL };
static const char *const dedup_modes[] = { "none", "memory", "ledger", NULL };
static const char *const key_modes[] = { "none", "per-payment", "per-attempt", NULL };
static const char *const isolations[] = { "read-committed", "read-uncommitted", NULL };
static const char *const txn_id_modes[] = { "stable", "random", NULL };
static const char *const after_aborts[] = { "rewind", "keep-position", NULL };
static const char *const orders[] = { "charge-first", "record-first", NULL };
static const char *const amounts[] = { "same", "plus-fee", NULL };
static const char *const processings[] = { "sync", "async", NULL };

#define KNOB(name, type, field, choices, help) \
    { name, type, offsetof(struct strategy, field), choices, 0, 0, help, 0, NULL }

const struct setting strategy_knobs[] = {
    KNOB("producer.retries", SETTING_BOOL, producer_retries, NULL,
         "re-send a produce request whose ack did not come back in time"),
    KNOB("producer.idempotence", SETTING_BOOL, idempotence, NULL,
         "producer id + per-partition sequence numbers; the broker drops duplicates"),
    KNOB("producer.transactions", SETTING_BOOL, transactions, NULL,
         "records become visible to read-committed consumers only when their transaction commits"),
    KNOB("producer.transactional-id", SETTING_ENUM, transactional_id, txn_id_modes,
         "stable: a restarted producer fences its old self; random: it does not"),
    KNOB("consumer.commit", SETTING_ENUM, commit, commit_modes,
         "when the consumer's offset is committed: before or after the effect, by auto-commit "
         "inside poll, in the ledger transaction that records the effect, or in a Kafka "
         "transaction with the batch's records to an output topic (consume-transform-produce)"),
    KNOB("consumer.isolation", SETTING_ENUM, isolation, isolations,
         "read-committed sees only committed transactions; read-uncommitted sees everything"),
    KNOB("consumer.dedup", SETTING_ENUM, dedup, dedup_modes,
         "skip records whose payment was processed: in memory (lost on crash) or in the ledger"),
    KNOB("consumer.dedup-ttl", SETTING_DURATION, dedup_ttl, NULL,
         "forget processed ids after this long; 0s keeps them forever"),
    KNOB("gateway.key", SETTING_ENUM, gateway_key, key_modes,
         "idempotency key sent with each charge: none, one per payment, or a new one per attempt"),
    KNOB("consumer.gateway-retries", SETTING_BOOL, gateway_retries, NULL,
         "retry a charge whose response did not come back in time"),
    KNOB("consumer.order", SETTING_ENUM, order, orders,
         "charge the gateway then record in the ledger, or record first and charge after"),
    KNOB("ledger.unique", SETTING_BOOL, ledger_unique, NULL,
         "a unique constraint on the ledger's payment id: a second row is refused"),
    KNOB("consumer.retry-amount", SETTING_ENUM, retry_amount, amounts,
         "a retried charge sends the same amount, or recomputes it with a fee (a bug)"),
    KNOB("producer.outbox", SETTING_BOOL, outbox, NULL,
         "the service writes each intent and an outbox row in one local transaction; a relay "
         "publishes the rows at least once"),
    KNOB("consumer.processing", SETTING_ENUM, processing, processings,
         "sync: records are processed inside the poll loop; async: handed to a worker while "
         "the loop polls on (with auto-commit, committed before they are done)"),
    KNOB("consumer.group-metadata", SETTING_BOOL, group_metadata, NULL,
         "commit=in-transaction: offsets sent to the transaction carry the consumer's group "
         "generation, so the coordinator fences a member the group has moved past (KIP-447)"),
    KNOB("consumer.after-abort", SETTING_ENUM, after_abort, after_aborts,
         "commit=in-transaction: after its transaction is aborted, the worker seeks back to the "
         "committed offsets and redoes the batch (rewind), or keeps its position and goes on "
         "with the next one, never redoing the aborted batch (keep-position, KAFKA-17582)"),
    { NULL, 0, 0, NULL, 0, 0, NULL, 0, NULL },
};
