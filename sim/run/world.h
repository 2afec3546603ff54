/* world.h: the state of one run: the engine, the nodes, the links' random streams and
 * the tally, for one (scenario, strategy, seed). Each node's state is owned by its
 * module (producer.c, broker.c, consumer.c, gateway.c, ledger.c); this header only puts
 * them side by side and declares the plumbing they share (sim.c, link.c, fault.c). */
#ifndef EOSIM_WORLD_H
#define EOSIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "lang/model.h"
#include "env/record.h"
#include "base/rng.h"
#include "lang/scenario.h"
#include "env/tally.h"
#include "env/trace.h"

#define NO_OFFSET UINT64_MAX

/* Timer kinds share the event's kind byte with message kinds, above them. */
enum timer_kind {
    TIMER_PRODUCE = 32,  /* producer: a produce request's ack is overdue */
    TIMER_RESEND,        /* producer: re-send after an out-of-order refusal */
    TIMER_END_TXN,       /* producer: EndTxn's answer is overdue */
    TIMER_TXN_TIMEOUT,   /* broker: a transaction may have outlived its timeout */
    TIMER_EXECUTE,       /* gateway: a charge finishes executing */
    TIMER_REQUEST,       /* consumer: the answer to its current request is overdue */
    TIMER_BACKOFF,       /* consumer: retry a charge the gateway refused with a conflict */
    TIMER_LEDGER,        /* consumer: the ledger transaction commits */
    TIMER_STEP,          /* consumer: go on with the current step (after a pause) */
    TIMER_ROW,           /* relay: change data capture hands it a new outbox row */
    TIMER_FLUSH,         /* relay: persist the position it has published up to */
    TIMER_HEARTBEAT,     /* consumer: time to heartbeat */
    TIMER_SESSIONS,      /* broker: look for members whose session or poll interval ran out */
};

/* Answers carried in a reply's y field (produce acks put the transaction number above
 * the low byte). */
enum ack_status {
    ACK_OK, ACK_DUPLICATE, ACK_OUT_OF_ORDER, ACK_FENCED, ACK_ABORTED,
    ACK_REBALANCE,          /* heartbeat: the group moved on; join again */
    ACK_ILLEGAL_GENERATION, /* commit: from a member of an older generation */
};
enum charge_status {
    CHARGE_DONE,         /* charged now */
    CHARGE_SAVED,        /* the key's saved success: no new charge */
    CHARGE_CONFLICT,     /* 409: the key's first request is still executing */
    CHARGE_FAILED,       /* the gateway's own error; no charge (saved under the key) */
    CHARGE_SAVED_FAILED, /* the key's saved error, replayed */
    CHARGE_MISMATCH,     /* the key was used with other parameters: refused, no charge */
};

/* ---- producer ---- */
enum pay_state {
    PAY_UNBORN,     /* the workload has not handed it over yet */
    PAY_QUEUED,     /* waiting for a send slot or for the next transaction */
    PAY_INFLIGHT,   /* sent, ack awaited */
    PAY_REFUSED,    /* refused as out of order; waits for its predecessor */
    PAY_TXN_ACKED,  /* acked inside a transaction that has not committed yet */
    PAY_SENT,       /* sent without retries: the producer has forgotten it */
    PAY_ACKED,      /* done */
    PAY_DROPPED,    /* lost with the producer's memory */
    PAY_GAVE_UP,    /* attempts or delivery timeout exhausted: reported failed */
};

struct pay_fifo {
    uint32_t head, tail;
};

struct producer {
    uint8_t node;            /* who talks to Kafka: the service itself, or the outbox relay */
    uint32_t outbox_rows;    /* producer.outbox=on: rows committed, payments 0..rows-1 */
    uint32_t flushed;        /* the relay's persisted position: rows before it are acked */
    uint32_t life_start;     /* first request id of the sender's current life */
    uint8_t *state;          /* enum pay_state, per payment */
    int32_t *seq;            /* sequence number of the payment's record, per payment */
    uint32_t *attempt;       /* sends so far, per payment */
    uint32_t *refusals;      /* of which answered "not written" (out of order, fenced) */
    sim_time *accepted_at;   /* when the producer took the record: delivery-timeout's start */
    event_handle *timer;     /* the ack timeout of the payment's last send */
    event_handle txn_timer;  /* EndTxn's answer timeout */
    uint32_t *next;          /* FIFO links, per payment: a payment is in one FIFO at most */
    struct pay_fifo *queue;  /* per partition: records waiting for a send slot */
    struct pay_fifo backlog; /* transactional: records waiting for the next transaction */
    uint32_t *flight;        /* per partition, max-in-flight slots holding payment ids */
    uint32_t *nflight;       /* per partition */
    int32_t *next_seq;       /* per partition */
    uint32_t next_intent;    /* the next payment the workload will hand over */
    bool intents_stalled;    /* the workload waits for the producer to come back */
    uint32_t pid;            /* producer id */
    uint16_t epoch;
    uint32_t transactional_id;
    bool txn_open, txn_ending;
    bool txn_commit;         /* what the EndTxn in flight asks for */
    sim_time txn_started;
    int32_t *acked_seq;      /* per partition: the highest sequence acknowledged */
    uint32_t txn_no;
    uint32_t *txn_members;   /* payments in the open transaction */
    uint32_t txn_len, txn_acked;
};

/* ---- broker ---- */
enum entry_state { ENTRY_PLAIN, ENTRY_OPEN, ENTRY_COMMITTED, ENTRY_ABORTED };

struct log_entry {
    uint32_t payment;
    uint32_t pid;
    uint32_t txn;            /* the producer's transaction number, 0 outside transactions */
    uint8_t state;           /* enum entry_state */
    uint8_t delivered;       /* handed to consumer code at least once */
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

/* ---- consumer ---- */
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
    CONS_OUTPUT,         /* commit=in-transaction: the batch's output records are out */
    CONS_COMMITTED,      /* the record is done; move on */
    CONS_POLL_SEND,      /* about to poll again */
};

struct consumer {
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
    uint64_t batch_from, batch_to, cur;
    uint32_t gw_attempt, gw_errors;
    /* consumer.commit=in-transaction: the member's own transactional producer, by input
     * partition (one per partition with stable ids, the same one for all with random) */
    uint32_t txn_pid[PARTITIONS_MAX];
    uint16_t txn_epoch[PARTITIONS_MAX];
    int32_t out_seq[PARTITIONS_MAX];  /* next sequence number in the output partition */
    uint32_t txn_no;                  /* the batch's transaction */
    uint32_t *outputs;                /* the batch's output records, by payment ... */
    uint32_t noutputs;                /* ... how many, and once sent, ... */
    uint32_t outputs_batch;           /* ... their batch in the store, or NO_BATCH */
    sim_time last_auto_commit;
    sim_time *seen;                   /* consumer.dedup=memory: time+1 a payment was done */
};

/* ---- gateway ---- */
enum key_state { KEY_FREE, KEY_EXECUTING, KEY_SAVED };

struct gateway {                      /* the idempotency-key table, per payment */
    uint8_t *key_state;               /* enum key_state */
    uint8_t *key_result;              /* saved: CHARGE_DONE or CHARGE_FAILED */
    uint64_t *key_amount;             /* the parameters the key was first used with */
    sim_time *key_saved_at;
};

/* ---- ledger ---- */
struct ledger {
    sim_time *processed_at;           /* time+1 the payment's processed id was committed */
    uint64_t offset[PARTITIONS_MAX];  /* offsets stored with consumer.commit=with-ledger */
    bool has_offset[PARTITIONS_MAX];
};

/* consume-transform-produce: every record batch a worker has produced, kept whole for
 * the run, so that a late copy of a produce request still names its records (the
 * request carries the batch's index). */
struct output_batch {
    size_t at;                        /* first payment in `payments` */
    uint32_t n;
};
#define NO_BATCH UINT32_MAX
struct output_store {
    uint32_t *payments;
    size_t len, cap;
    struct output_batch *batches;
    uint32_t nbatches, batches_cap;
};

struct node {
    bool up;
    bool restarting;      /* down, with a restart scheduled */
    uint16_t incarnation;
    sim_time paused_until;
};

struct world {
    const struct scenario *sc;
    const struct strategy *st;
    const struct params *pm;
    uint64_t seed;
    struct engine eng;
    struct node nodes[NODE_FIXED + CONSUMERS_MAX];
    uint32_t nnodes;
    struct rng link_rng[LINK_COUNT];
    struct rng gateway_rng, producer_rng;
    bool link_has_faults[LINK_COUNT];
    bool point_armed[POINT_COUNT];
    bool fault_done[FAULTS_MAX];
    sim_time fault_time[FAULTS_MAX]; /* when each fired (set with fault_done) */
    struct producer producer;
    struct broker broker;
    struct consumer consumers[CONSUMERS_MAX];
    struct gateway gateway;
    struct ledger ledger;
    struct output_store outputs;
    struct tally tally;
    struct trace *trace;     /* NULL: nothing is recorded */
    int spare_link;          /* see struct sim_options */
    uint64_t spare_message;
    struct recording *rec;   /* eosim check: what the run reached, or NULL */
    uint32_t sample_from;    /* anomaly samples keep payments from this id up */
    uint32_t next_request;
};

/* sim.c */
/* Sets up every node for one (scenario, strategy, seed), nothing scheduled yet but the
 * nodes' own timers; sim_run starts the workload. Unit tests drive one node this way. */
void world_init(struct world *w, const struct scenario *sc, uint32_t strategy,
                uint64_t seed);
void world_fini(struct world *w);
void sim_schedule(struct world *w, sim_time delay, const struct event *ev);
/* A node-local timer: dropped if the node crashed in between; cancel it with
 * engine_cancel when what it waits for has come. */
event_handle sim_timer(struct world *w, uint8_t node, uint8_t kind, sim_time delay,
                       uint32_t payment, uint32_t id, uint64_t x, bool weak);
uint32_t sim_request_id(struct world *w);
/* Records something that happened now, caused by the event being handled. Call only
 * when w->trace is set. */
void sim_trace(struct world *w, enum trace_what what, uint64_t id, uint8_t node,
               const struct event *about, uint32_t payment, uint64_t x);
/* Records an effect at a node (a charge, a ledger row...): a no-op without a trace. */
void sim_note(struct world *w, enum trace_what what, uint8_t node, uint32_t payment,
              uint32_t req, uint64_t x);
/* The payment an event concerns, or UINT32_MAX (some kinds carry a partition there). */
uint32_t event_payment(const struct event *ev);
/* The executing node reached protocol point pt (for payment, or UINT32_MAX). Fires the
 * faults waiting for it. True if the node may go on; false if it crashed (its work is
 * gone) or was paused, in which case `resume` (if not NULL) is re-delivered with
 * `stage` when the pause ends. */
bool sim_point(struct world *w, uint8_t node, enum point_id pt, uint32_t payment,
               const struct event *resume, uint8_t stage);

/* link.c: puts a request of `kind` from one node to another on the link it travels;
 * it carries the sender's incarnation. */
void link_send(struct world *w, uint8_t from, uint8_t to, uint8_t kind, uint32_t payment,
               uint32_t id, uint64_t x, uint64_t y);
/* Answers a request: back to its sender, echoing its payment and request id (ids are
 * unique in a run, so a node that restarted can tell answers meant for its former
 * self). */
void link_reply(struct world *w, const struct event *request, uint8_t kind, uint64_t x,
                uint64_t y);

/* fault.c */
void fault_schedule_all(struct world *w);
void fault_fire(struct world *w, uint32_t index);
/* Fault `index` has taken effect now: it fires no more. */
void fault_mark(struct world *w, uint32_t index);
void fault_at_point(struct world *w, enum point_id pt, uint32_t payment);
void node_crash(struct world *w, uint8_t node, bool restart, sim_time delay);
void node_restart(struct world *w, uint8_t node);

/* the nodes */
void producer_init(struct world *w);
void producer_fini(struct world *w);
void producer_on_intent(struct world *w, uint32_t payment);
void producer_on_event(struct world *w, const struct event *ev);
void producer_crash(struct world *w, uint8_t node);
void producer_restart(struct world *w, uint8_t node);
bool producer_holds(const struct world *w, uint32_t payment);

void broker_init(struct world *w);
void broker_fini(struct world *w);
void broker_on_event(struct world *w, const struct event *ev);
void broker_crash(struct world *w);
void broker_restart(struct world *w);
/* InitProducerId / InitTransactions: a new (pid, epoch); fences the previous epoch. */
void broker_init_producer(struct world *w, uint32_t transactional_id, uint32_t *pid,
                          uint16_t *epoch);
uint32_t broker_partition_of(const struct world *w, uint32_t payment);
/* The end of what a consumer may read: the log end, or the last stable offset. */
uint64_t broker_readable_end(const struct world *w, uint32_t part);
/* Answers a member's fetch if one of the partitions it believes it owns has records. */
void broker_answer_fetch(struct world *w, uint32_t k);

/* group.c: the group coordinator, inside the broker */
void group_init(struct world *w);
void group_restart(struct world *w);
void group_on_event(struct world *w, const struct event *ev);
void group_on_fetch(struct world *w, uint32_t k);
/* The member the coordinator assigned a partition to, or NO_MEMBER. */
uint8_t group_owner(const struct world *w, uint32_t partition);
/* Whether member k is in the group at this generation. */
bool group_current(const struct world *w, uint32_t k, uint32_t generation);
/* Committed offsets survive offsets-retention after the group emptied. */
bool group_has_committed(const struct world *w, uint32_t partition);
void broker_reset_offsets(struct world *w, const struct fault *f);
bool broker_records_hold(const struct world *w, uint32_t part, uint64_t from, uint64_t to,
                         uint32_t payment);

void consumer_init(struct world *w, uint32_t k);
void consumer_fini(struct world *w, uint32_t k);
void consumer_start(struct world *w, uint32_t k);
void consumer_on_event(struct world *w, uint32_t k, const struct event *ev);
void consumer_crash(struct world *w, uint32_t k);
/* Offset in partition part below which the group has finished with every record. */
uint64_t consumer_cursor(const struct world *w, uint32_t part);
bool consumer_awaits_charge(const struct world *w, uint32_t payment);
/* A worker's record batch for the output topic, by its index in the store. */
const uint32_t *output_batch(const struct world *w, uint32_t index, uint32_t *n);
bool output_batch_holds(const struct world *w, uint32_t index, uint32_t payment);
/* AddPartitionsToTxn, taken at once (as InitTransactions is): puts a partition in the
 * producer's transaction, starting the transaction (and its timeout) if it is new. */
enum ack_status broker_add_partition(struct world *w, uint32_t pid, uint16_t epoch,
                                     uint32_t txn_no, uint32_t part);
bool consumer_idle(const struct world *w);

void gateway_init(struct world *w);
void gateway_fini(struct world *w);
void gateway_on_event(struct world *w, const struct event *ev);
void gateway_restart(struct world *w);

void ledger_init(struct world *w);
void ledger_fini(struct world *w);

#endif
