/* broker.h: the Kafka-like broker: its logs, idempotence windows, transaction
 * coordinator and group coordinator (broker.c, broker_group.c), and what the run calls
 * it for */
#ifndef EOSIM_BROKER_H
#define EOSIM_BROKER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "base/rng.h"
#include "env/env.h"

enum entry_state { ENTRY_PLAIN, ENTRY_OPEN, ENTRY_COMMITTED, ENTRY_ABORTED };

struct log_entry {
    uint32_t payment;
    uint32_t pid;
    uint32_t txn;            /* the producer's transaction number, 0 outside transactions */
    uint8_t state;           /* enum entry_state */
};

struct seq_window {          /* idempotence state of one producer id on one partition */
    uint32_t pid;
    uint16_t epoch;
    int32_t last_seq;
    sim_time last_used;      /* producer.id.expiration counts from here */
    uint32_t nbatches;       /* batches remembered, at most SEQUENCE_WINDOW */
    int32_t batch_seq[SEQUENCE_WINDOW];
    uint64_t batch_offset[SEQUENCE_WINDOW];
};

struct partition {
    struct log_entry *log;
    uint64_t len, cap;
    uint64_t hanging_first;  /* first record of a transaction nobody will end, or UINT64_MAX */
    uint64_t committed;      /* the group's committed offset */
    bool has_committed;
    struct seq_window *windows;  /* one per producer id that has written here */
    uint32_t nwindows, windows_cap;
};

enum txn_state { TXN_EMPTY, TXN_ONGOING, TXN_PREPARE_COMMIT, TXN_PREPARE_ABORT,
                 TXN_COMPLETE_COMMIT, TXN_COMPLETE_ABORT };

struct txn_coordinator_entry {   /* one transactional id */
    uint32_t transactional_id;
    uint32_t pid;
    uint16_t epoch;
    uint8_t state;               /* enum txn_state */
    bool end_bumped;             /* the last epoch bump completed an EndTxn (see broker.c) */
    uint32_t prev_pid;           /* the producer id before the epochs ran out, or 0 */
    uint32_t txn_no;             /* the producer's transaction counter, echoed in EndTxn */
    sim_time started;
    event_handle timeout;        /* transaction.timeout.ms of the ongoing transaction */
    /* first offset of the transaction per partition (input topic, then output topic),
     * or NO_OFFSET */
    uint64_t first[2 * PARTITIONS_MAX];
    uint64_t offsets[PARTITIONS_MAX]; /* consumer offsets sent to the transaction, or NO_OFFSET */
};

struct parked_fetch {
    bool parked;
    uint32_t request;
    uint16_t incarnation;
    uint32_t body;       /* the fetch's partitions and positions (FETCH_WORD) */
};

/* The group coordinator's view of the consumer group. */
#define NO_MEMBER 0xffu
struct group {
    uint32_t generation;
    bool member[CONSUMERS_MAX];             /* in the group now */
    sim_time last_heartbeat[CONSUMERS_MAX];
    sim_time last_poll[CONSUMERS_MAX];
    uint32_t deadline_timer[CONSUMERS_MAX]; /* the number of each member's live timer */
    uint8_t owner[PARTITIONS_MAX];          /* member a partition is assigned to */
    sim_time empty_since;                   /* when the last member left */
    bool empty;
};

struct broker {
    struct env *env;
    struct group group;
    /* the input topic's partitions, then, with consumer.commit=in-transaction, the
     * output topic's (partition P + i takes what input partition i's records become) */
    struct partition *parts;
    uint32_t nparts;
    struct txn_coordinator_entry *txns; /* one per transactional id ever initialised */
    uint32_t ntxns, txns_cap;
    uint32_t next_pid;
    struct parked_fetch parked[CONSUMERS_MAX];
};

void broker_init(struct broker *b, struct env *e);
void broker_fini(struct broker *b);
void broker_on_event(struct broker *b, const struct event *ev);
void broker_crash(struct broker *b);
void broker_restart(struct broker *b);
/* InitProducerId / InitTransactions: a new (pid, epoch); fences the previous epoch. */
void broker_init_producer(struct broker *b, uint32_t transactional_id, uint32_t *pid,
                          uint16_t *epoch);
/* The end of what a consumer may read: the log end, or the last stable offset. */
uint64_t broker_readable_end(const struct broker *b, uint32_t part);
/* The operator's offset reset (the run restarts the group's members after it). */
void broker_reset_offsets(struct broker *b, const struct fault *f);

/* broker_group.c: the group coordinator, inside the broker */
void group_init(struct broker *b);
void group_restart(struct broker *b);
void group_on_event(struct broker *b, const struct event *ev);
void group_on_fetch(struct broker *b, uint32_t k);
/* The member the coordinator assigned a partition to, or NO_MEMBER. */
uint8_t group_owner(const struct broker *b, uint32_t partition);
/* Whether member k is in the group at this generation. */
bool group_current(const struct broker *b, uint32_t k, uint32_t generation);
/* Committed offsets survive offsets-retention after the group emptied. */
bool group_has_committed(const struct broker *b, uint32_t partition);

#endif
