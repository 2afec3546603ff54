/* tally.h: the oracle. It counts, per payment, the copies that crossed every boundary
 * (records in the log, deliveries to consumer code, ledger rows, gateway charges), and
 * run/account.c folds them into a run's result: lost and duplicated always mean the
 * external effect, the gateway charge, because that is the money. */
#ifndef EOSIM_TALLY_H
#define EOSIM_TALLY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "lang/model.h"

/* One count per payment, in 16 bits until a count would pass 65535 (a retry storm), then
 * in 32 for every payment: exact either way, and 2 bytes a payment in the usual case. */
struct counts {
    uint16_t *narrow;
    uint32_t *wide;           /* NULL until widened */
    uint32_t n;
};

void counts_init(struct counts *c, uint32_t n);
void counts_fini(struct counts *c);
void counts_widen(struct counts *c);

static inline uint32_t counts_get(const struct counts *c, uint32_t i)
{
    return c->wide ? c->wide[i] : c->narrow[i];
}

/* Adds one to count i; its value before. */
static inline uint32_t counts_bump(struct counts *c, uint32_t i)
{
    if (!c->wide && c->narrow[i] == UINT16_MAX)
        counts_widen(c);
    return c->wide ? c->wide[i]++ : c->narrow[i]++;
}

struct tally {
    uint32_t payments;
    struct counts log_copies;     /* records appended (any state) */
    struct counts log_aborted;    /* of which later aborted */
    struct counts deliveries;     /* records handed to consumer code */
    struct counts ledger_rows;    /* committed ledger rows */
    struct counts charges;        /* charges the gateway made */
    struct counts output_copies;  /* committed records in the output topic */
    uint8_t *gave_up;         /* enum give_up: the producer reported the send failed */
    sim_time *first_charge;   /* time of the first charge, per payment */
    uint64_t messages;        /* messages put on any link */
    uint64_t link_messages[LINK_COUNT];
    uint64_t absorbed;        /* duplicates stopped by a dedup store or an idempotency key */
    uint8_t *delivered[PARTITIONS_MAX]; /* per input record: handed to consumer code */
    uint64_t delivered_cap[PARTITIONS_MAX];
};

/* The anomalies a run names payments for, in the order reports list them: the two of
 * money (lost: never charged; duplicated: charged more than once) and the Kafka ones. */
enum anomaly {
    ANOMALY_LOST, ANOMALY_DUPLICATED, ANOMALY_DUPLICATE_IN_LOG, ANOMALY_ABORTED_READ,
    ANOMALY_SKIPPED_OFFSET, ANOMALY_HANGING_TXN, ANOMALY_LOST_WRITE, ANOMALY_TORN_TXN,
    ANOMALY_KINDS
};
extern const char *const anomaly_names[ANOMALY_KINDS]; /* "lost", ..., "torn-txn" */

#define ANOMALY_SAMPLE 8u   /* payments kept per anomaly and run */

/* The payments one kind of anomaly touched in a run: the smallest ids only, so the
 * sample does not depend on the order the log is read in and run_result stays a plain
 * fixed-size value (jobs pipe it and shards write it byte for byte). */
struct anomaly_sample {
    uint32_t payments[ANOMALY_SAMPLE]; /* increasing, distinct; the first `count` are used */
    uint8_t count;
    bool more;                         /* other payments were touched too */
};

/* One run's numbers; report.c names the ones that go into the CSV. */
struct run_result {
    uint64_t seed;
    uint64_t payments, lost, duplicated, pending;
    uint64_t log_copies, log_aborted, deliveries, ledger_rows, charges, absorbed;
    uint64_t amount_intended, amount_charged, amount_duplicated, amount_lost;
    uint64_t output_copies;   /* consume-transform-produce: committed output records */
    uint64_t output_duplicates; /* of which beyond one per payment */
    uint64_t amount_ledger;   /* what the ledger's rows add up to */
    uint64_t disagreements;   /* payments whose ledger rows and charges differ in number */
    /* Kafka-side anomalies (see run/account.c): */
    uint64_t duplicates_in_log;   /* copies beyond one that were not aborted */
    uint64_t aborted_reads;       /* aborted records handed to consumer code */
    uint64_t skipped_offsets;     /* readable records the group moved past unread */
    uint64_t hanging;             /* records left in a transaction nobody will end */
    uint64_t lost_writes;         /* acknowledged payments with no readable copy */
    uint64_t torn_transactions;   /* producer transactions partly committed, partly not */
    uint64_t gave_up;             /* payments the producer gave up sending */
    uint64_t lost_definite;       /* lost payments it was told were not written */
    uint64_t lost_indefinite;     /* lost payments it gave up on without knowing */
    sim_time latency_p50, latency_p99, latency_max;
    uint64_t messages, events;
    sim_time end_time;
    uint64_t link_messages[LINK_COUNT]; /* not in the CSV: for tests and charts */
    /* per merchant (the merchants CSV): what was meant, charged and recorded */
    uint64_t merchant_intended[MERCHANTS_MAX], merchant_charged[MERCHANTS_MAX],
        merchant_ledger[MERCHANTS_MAX];
    bool horizon;             /* stopped at the horizon, not at quiescence */
    bool event_limit;         /* stopped after run.max-events events (horizon is set too) */
    struct anomaly_sample anomalies[ANOMALY_KINDS]; /* not in the CSV: the anomalies CSV */
};

/* How the producer gave a payment up: told it was not written (every attempt refused),
 * or without knowing (some attempt may be in the log). */
enum give_up { GAVE_UP_NOT, GAVE_UP_DEFINITE, GAVE_UP_INDEFINITE };

void tally_init(struct tally *t, uint32_t payments);
void tally_fini(struct tally *t);
void tally_charge(struct tally *t, uint32_t payment, sim_time now);
/* Adds a payment to a sample: kept if among the ANOMALY_SAMPLE smallest seen, and seen
 * again it changes nothing. */
void anomaly_note(struct anomaly_sample *s, uint32_t payment);
/* Input record (part, offset) was handed to consumer code. */
void tally_delivered(struct tally *t, uint32_t part, uint64_t offset);
bool tally_was_delivered(const struct tally *t, uint32_t part, uint64_t offset);

#endif
