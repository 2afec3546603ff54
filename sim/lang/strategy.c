/* strategy.c: the preset table and the knobs that build strategies. */
#include "lang/strategy.h"

#include <stddef.h>

#define ON 1
#define OFF 0

const struct strategy strategy_presets[STRATEGY_PRESETS] = {
    { .name = "at-most-once", .producer_retries = OFF, .commit = COMMIT_BEFORE,
      .isolation = READ_UNCOMMITTED, .dedup = DEDUP_NONE, .gateway_key = KEY_NONE,
      .gateway_retries = OFF, .ledger_retries = OFF,
      .group_metadata = ON },
    { .name = "at-least-once", .producer_retries = ON, .commit = COMMIT_AFTER,
      .isolation = READ_UNCOMMITTED, .dedup = DEDUP_NONE, .gateway_key = KEY_NONE,
      .gateway_retries = ON, .ledger_retries = ON, .group_metadata = ON },
    { .name = "idempotent", .producer_retries = ON, .idempotence = ON,
      .commit = COMMIT_AFTER, .isolation = READ_UNCOMMITTED, .dedup = DEDUP_LEDGER,
      .gateway_key = KEY_PER_PAYMENT, .gateway_retries = ON, .ledger_retries = ON,
      .group_metadata = ON },
    { .name = "transactional", .producer_retries = ON, .idempotence = ON,
      .transactions = ON, .commit = COMMIT_WITH_LEDGER, .isolation = READ_COMMITTED,
      .dedup = DEDUP_NONE, .gateway_key = KEY_NONE, .gateway_retries = ON,
      .ledger_retries = ON, .group_metadata = ON },
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
         "re-send a record whose ack did not come back in time"),
    KNOB("producer.idempotence", SETTING_BOOL, idempotence, NULL,
         "producer id + epoch + per-partition sequence numbers; the broker keeps one "
         "copy of a retried record"),
    KNOB("producer.transactions", SETTING_BOOL, transactions, NULL,
         "records are written in producer transactions (needs idempotence)"),
    KNOB("producer.transactional-id", SETTING_ENUM, transactional_id, txn_id_modes,
         "`stable`: a restarted producer keeps its transactional id and fences its "
         "previous life, whose open transaction is aborted at once; `random`: it draws "
         "a new id, and the old open transaction stays open (blocking read-committed "
         "readers) until `broker.transaction-timeout`"),
    KNOB("consumer.commit", SETTING_ENUM, commit, commit_modes,
         "`before`: commit the batch's end offset before handling any record of it; "
         "`after`: commit after the batch's last record; `auto`: at a poll, if "
         "`consumer.auto-commit-interval` has passed since the last auto-commit, commit "
         "the positions earlier polls returned, without waiting for an answer; "
         "`with-ledger`: store the offset in each record's ledger transaction, and read "
         "it from the ledger on start (the broker's committed offsets are not used); "
         "`in-transaction`: consume-transform-produce, each batch's output records and "
         "offset in one Kafka transaction of the worker's own producer (no ledger rows; "
         "see the consumer above). The transaction spans the poll batch, from its first "
         "output: `broker.transaction-timeout` must cover the batch's processing, or "
         "the batch is aborted and redone, charging again, every time (lower "
         "`consumer.max-poll-records`, as Kafka users do)"),
    KNOB("consumer.isolation", SETTING_ENUM, isolation, isolations,
         "read-committed reads up to the last stable offset and skips aborted records; "
         "read-uncommitted reads everything, open and aborted records included"),
    KNOB("consumer.dedup", SETTING_ENUM, dedup, dedup_modes,
         "skip a record whose payment was already processed: according to an in-memory "
         "set (lost in a crash) or to the processed ids the ledger transaction writes"),
    KNOB("consumer.dedup-ttl", SETTING_DURATION, dedup_ttl, NULL,
         "forget a processed id this long after it was recorded; `0s` keeps it forever"),
    KNOB("gateway.key", SETTING_ENUM, gateway_key, key_modes,
         "the idempotency key sent with each charge: none, one per payment (reused on "
         "every retry and redelivery), or a fresh one per attempt"),
    KNOB("consumer.gateway-retries", SETTING_BOOL, gateway_retries, NULL,
         "retry a charge that timed out or that the gateway answered with an error"),
    KNOB("consumer.ledger-retries", SETTING_BOOL, ledger_retries, NULL,
         "when a ledger commit's answer does not come within `consumer.ledger-timeout` "
         "(the ledger crashed, or is paused), run the ledger transaction again (`on`: "
         "the insert is retried, not the charge), or give the record's ledger work up "
         "and go on with the next record (`off`): either way the worker cannot know "
         "whether the first commit took effect"),
    KNOB("consumer.order", SETTING_ENUM, order, orders,
         "charge then write the ledger row, or write the row then charge"),
    KNOB("ledger.unique", SETTING_BOOL, ledger_unique, NULL,
         "a unique constraint on the ledger's payment id: a second row is refused and "
         "the worker takes it as already recorded (an upsert that changes nothing "
         "counts the same)"),
    KNOB("consumer.retry-amount", SETTING_ENUM, retry_amount, amounts,
         "a retried charge sends the same amount, or recomputes it with an extra fee (a "
         "bug: with a per-payment key the gateway refuses the retry as a parameter "
         "mismatch)"),
    KNOB("producer.outbox", SETTING_BOOL, outbox, NULL,
         "the service writes each intent with an outbox row in one local transaction, "
         "and a relay publishes the rows to Kafka at least once"),
    KNOB("consumer.processing", SETTING_ENUM, processing, processings,
         "`sync`: the poll loop processes each batch itself; `async`: the batch counts "
         "as handed to a worker the moment it arrives, so with `consumer.commit=auto` a "
         "due auto-commit runs at once and covers the batch before any of it is "
         "processed. The records are still processed one at a time and the next poll "
         "waits for them; without auto-commit the two values behave alike"),
    KNOB("consumer.group-metadata", SETTING_BOOL, group_metadata, NULL,
         "with `in-transaction`: the offsets sent to the transaction carry the member's "
         "group generation and offset fetches wait for pending transactional offsets (a "
         "KIP-447 client, on by default); `off`: an older client, fenced only by its "
         "producer epoch"),
    KNOB("consumer.after-abort", SETTING_ENUM, after_abort, after_aborts,
         "with `in-transaction`: after its transaction is aborted (the coordinator's "
         "timeout, a fenced epoch) while it is still in the group, the worker seeks "
         "back to the committed offsets and redoes the batch (`rewind`, what Kafka "
         "prescribes), or keeps its position and goes on with the next batch "
         "(`keep-position`, the KAFKA-17582 bug): the aborted batch's outputs are never "
         "committed, and what it charged is recorded nowhere"),
    { NULL, 0, 0, NULL, 0, 0, NULL, 0, NULL },
};
