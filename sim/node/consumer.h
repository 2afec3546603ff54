/* consumer.h: the payment worker, one member of the consumer group (consumer.c),
 * and its ledger database (consumer_ledger.c), shared by every worker */
#ifndef EOSIM_CONSUMER_H
#define EOSIM_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "base/rng.h"
#include "env/env.h"

enum consumer_state {
    CONS_DOWN,
    CONS_JOIN,           /* waiting for the coordinator's assignment */
    CONS_OFFSETS,        /* waiting for the group's committed offsets */
    CONS_POLL,           /* a fetch is out */
    CONS_POLLED,         /* records arrived; step decides what comes first */
    CONS_COMMIT_SEND,    /* about to commit an offset to the broker */
    CONS_COMMIT_WAIT,    /* the commit is out */
    CONS_END_TXN,        /* commit=in-transaction: EndTxn is out */
    CONS_RECORD,         /* take the next record of the batch, or finish the batch */
    CONS_BEFORE_EFFECT,  /* the charge comes next */
    CONS_EFFECT,         /* about to charge the gateway for the current record */
    CONS_GATEWAY,        /* the charge is out */
    CONS_RECORDING,      /* the ledger transaction comes next */
    CONS_WRITTEN,        /* the ledger row is written, its transaction not committed */
    CONS_LEDGER,         /* waiting for the ledger commit */
    CONS_ADD_WAIT,       /* commit=in-transaction: the batch is done; AddPartitionsToTxn's
                          * answer must come before its output records may go */
    CONS_OUTPUT,         /* commit=in-transaction: the batch's output records are out */
    CONS_COMMITTED,      /* the record is done; move on */
    CONS_POLL_SEND,      /* about to poll again */
    CONS_INIT_TXN,       /* commit=in-transaction: InitTransactions is out */
};

/* Where the transaction's output partition stands with the coordinator. */
enum add_state { ADD_NONE, ADD_PENDING, ADD_DONE, ADD_FAILED };

struct consumer {
    struct env *env;
    struct ledger *ledger;            /* the workers' database */
    uint8_t node, state;
    uint32_t nparts;
    uint32_t parts[PARTITIONS_MAX];   /* assigned partitions */
    uint64_t position[PARTITIONS_MAX];/* next offset to fetch, by partition id */
    bool known[PARTITIONS_MAX];       /* position fetched since the last start */
    uint32_t rotation;                /* next assigned partition a fetch prefers */
    uint32_t generation;              /* the group generation it joined */
    bool rejoin;                      /* a heartbeat said the group moved on */
    uint32_t request;                 /* id of the request the consumer waits on */
    event_handle request_timer;       /* its timeout */
    uint32_t batch_part;
    uint32_t batch_body;              /* the fetch response's records */
    uint64_t batch_from, batch_to, cur;
    uint32_t gw_attempt, gw_errors;
    /* consumer.commit=in-transaction: the member's own transactional producer, by input
     * partition (one per partition with stable ids, the same one for all with random) */
    uint32_t txn_pid[PARTITIONS_MAX];
    uint16_t txn_epoch[PARTITIONS_MAX];
    int32_t out_seq[PARTITIONS_MAX];  /* next sequence number in the output partition */
    uint32_t txn_no;                  /* the batch's transaction */
    uint8_t added;                    /* its output partition: enum add_state */
    event_handle add_timer;           /* AddPartitionsToTxn's timeout */
    uint64_t pids_awaited;            /* InitTransactions: by input partition, or bit 63 */
    bool init_then_poll;              /* after it: poll on (else: fetch the offsets) */
    uint64_t *outputs;                /* the batch's output records, by payment ... */
    uint32_t noutputs;                /* ... how many, and once sent, ... */
    uint32_t outputs_batch;           /* ... their body, or NO_BODY */
    uint32_t ledger_txn;              /* the current record's ledger transaction ... */
    uint32_t ledger_life;             /* ... the ledger's life when its row was written, */
    sim_time ledger_sent;             /* when its commit was asked for, */
    event_handle ledger_timer;        /* and the wait for an answer that will not come */
    sim_time last_auto_commit;
    sim_time *seen;                   /* consumer.dedup=memory: time+1 a payment was done */
};

struct ledger {
    struct rng rng;                   /* ledger.latency's draws */
    sim_time *processed_at;           /* time+1 the payment's processed id was committed */
    uint64_t offset[PARTITIONS_MAX];  /* offsets stored with consumer.commit=with-ledger */
    bool has_offset[PARTITIONS_MAX];
};

void consumer_init(struct consumer *c, struct env *e, struct ledger *ledger, uint32_t k);
void consumer_fini(struct consumer *c);
void consumer_start(struct consumer *c);
void consumer_on_event(struct consumer *c, const struct event *ev);
void consumer_crash(struct consumer *c);
/* What a live member knows of partition part: in *cursor, the offset below which it has
 * finished with every record. False if it knows nothing of it (then the group's
 * committed offset says). */
bool consumer_cursor(const struct consumer *c, uint32_t part, uint64_t *cursor);
/* Whether a live member's current charge is for this payment. */
bool consumer_awaits_charge(const struct consumer *c, uint32_t payment);
/* Whether a live member waits on a fetch; *request: the fetch's id, or 0 if it owns no
 * partition (and so idles). */
bool consumer_polling(const struct consumer *c, uint32_t *request);

void ledger_init(struct ledger *l, struct env *e);
void ledger_fini(struct ledger *l);
/* Whether a dedup entry recorded at time+1 `at` (0: none) still holds under the TTL. */
bool dedup_holds(const struct env *e, sim_time at);
/* The ledger's life now, as a transaction remembers it: its incarnation while it is up,
 * LEDGER_DOWN while it is not (a transaction begun then never commits). */
#define LEDGER_DOWN UINT32_MAX
uint32_t ledger_life(const struct env *e);
/* Whether a transaction begun in that life can still commit, or be answered. */
bool ledger_alive(const struct env *e, uint32_t life);
/* A ledger commit's landing (TIMER_LEDGER at NODE_LEDGER, from the worker that asked;
 * x: the partition and next offset, y: the ledger's life when the row was written and
 * the flags below). It commits if the ledger is alive in that life, is held while the
 * ledger is paused, and its answer reaches the worker unless the ledger died first. */
#define LEDGER_COMMITTED (UINT64_C(1) << 32) /* it committed; only the answer is left */
#define LEDGER_RECORDED  (UINT64_C(1) << 33) /* ... and its row was not refused */
void ledger_on_event(struct ledger *l, struct consumer *worker, const struct event *ev);
/* What the worker hears of its transaction txn: nothing (it waits for its timeout), a
 * commit held until `until`, or the answer (a landing with LEDGER_COMMITTED). */
void consumer_ledger_unanswered(struct consumer *c, uint32_t txn);
void consumer_ledger_held(struct consumer *c, uint32_t txn, sim_time until);
void consumer_ledger_answer(struct consumer *c, const struct event *answer);
/* Commits a transaction of worker `node`: the payment's row (if `row`), its processed id
 * (consumer.dedup=ledger) and, with consumer.commit=with-ledger, `next` as the
 * partition's offset, all or nothing. False when a constraint refused the row: the
 * worker takes that as "already recorded", and the offset is stored on its own. */
bool ledger_commit(struct ledger *l, struct env *e, uint8_t node, uint32_t payment,
                   uint32_t part, uint64_t next, bool row);

#endif
